/*
 * ahead.c - the run-ahead engine's groups of hidden processes (ahead.h, docs/engine.md).
 *
 * A group holds, in ring order, the hidden processes between its owner (a member of the
 * ready ring) and the next ring member. The turn machinery visits it once per lap, right
 * after the owner's turn, so a group's visits count laps: each member's entry says at
 * which visit its whole turns run out (`expire`), and a visit in which nobody expires
 * costs the same for ten members as for ten thousand.
 *
 * Counting in visits keeps two groups comparable only while both have had the same
 * number of visits this lap; every merge and split here happens where that is so (right
 * after both visits, or between them with the same count), which is why a member's entry
 * moves from one group to another by adding the difference of their counts.
 */
#include <stdlib.h>
#include <string.h>

#include "ahead.h"
#include "host.h"
#include "record.h"
#include "sched.h"
#include "../param.h"
#include "../vm/caps.h"
#include "../vm/opcodes.h"
#include "../tables/syscall_table.h"

/* A hidden process. Its lead now is quantum x (expire - visits) + p->lead: while hidden,
 * p->lead holds only what is left at the visit its whole turns run out. */
typedef struct AheadEntry {
    Proc   *p;
    int64_t expire;    /* the visit at which it must take its turn in the ring */
    int64_t since;     /* the first visit it took a turn in (its turns while hidden are
                          visits - since: --stats counts them when it comes back) */
} AheadEntry;

struct AheadGroup {
    AheadEntry *e;          /* e[first .. first + n): the members in ring order */
    uint32_t    first, n, cap;
    Proc       *owner;      /* the ring member it follows */
    int64_t     visits;     /* visits so far */
    int64_t     min_expire; /* no member expires before this (exact after a scan) */
    bool        sorted;     /* expires never decrease along e[]: the first is the least
                               (the usual case: processes hidden in the order they began) */
};

/* ---------------------------------------------------------------- deciding */

bool ahead_possible(const VM *vm)
{
    /* --max-steps is the one watched run it takes on: the clock never passes the limit
     * (turn.c); everything else watched looks at every instruction or turn. */
    if (vm->opt.exact || vm->policy != &sched_rr || (vm->rec && vm->rec->timeline) || vm->debugger || vm->steps != 0 || vm->regions != 0 ||
        vm->opt.trace || vm->opt.debug || vm->opt.hertz > 0 || vm->opt.snapshot_every || vm->sleepers ||
        vm->turn_len > CHECK_INTERVAL || vm->stop_at != VM_NO_STOP || host_interrupted())
        return false;
    const uint64_t loads_or_shares = 1ULL << SYS_EXEC | 1ULL << SYS_SPAWN | 1ULL << SYS_SHARE_M;
    for (size_t i = 0; i < vm->ntable; i++) {
        const Proc *p = vm->table[i];
        if (!p || !p->cpu.prog)
            continue;
        const Program *prog = p->cpu.prog;
        if (prog_syscall_caps(prog) & loads_or_shares)
            return false;
        for (uint32_t k = 0; k < prog->ncode; k++)
            if (prog->code[k].op == OP_SLEEP)
                return false;
    }
    return true;
}

/* A handler is installed or running: a signal must find it exactly where the exact
 * schedule has it. */
static bool exposed(const Proc *p)
{
    if (p->handling || p->nctx)
        return true;
    for (int s = 0; s <= SIG_MAX; s++)
        if (p->handler[s])
            return true;
    return false;
}

void ahead_missed(Proc *p)
{
    if (p->ahead_misses < 10)
        p->ahead_misses++;
    p->ahead_wait = (uint16_t)((1u << p->ahead_misses) - 1);
}

bool ahead_may_run(VM *vm, Proc *p)
{
    if (!vm->ahead_active || p->stop != AHEAD_OPEN || p->pending || p->state != PROC_READY ||
        p->prev == p)
        return false;
    if (exposed(p)) {
        ahead_missed(p);   /* (looked at again after a while: handlers come and go) */
        return false;
    }
    return true;
}

int64_t ahead_full_turns(const Proc *p, int64_t quantum)
{
    /* A process that ends does so in the turn that runs its last instruction; any other
     * runs its next instruction in the turn after a lead of whole quanta. */
    if (p->stop == AHEAD_END)
        return p->lead > 0 ? (p->lead - 1) / quantum : 0;
    return p->lead / quantum;
}

/* ---------------------------------------------------------------- the ring */

static void ring_insert_after(Proc *a, Proc *p)
{
    p->prev = a;
    p->next = a->next;
    a->next->prev = p;
    a->next = p;
}

/* Take p out of the ring; it stays ready (hidden). */
static void ring_unlink(VM *vm, Proc *p)
{
    if (vm->head == p)
        vm->head = p->next;
    if (vm->current == p)
        vm->current = NULL;
    p->prev->next = p->next;
    p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

/* ---------------------------------------------------------------- groups */

static AheadGroup *group_new(Proc *owner, int64_t visits, uint32_t cap)
{
    AheadGroup *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cap = cap < 8 ? 8 : cap;
    g->e = malloc(g->cap * sizeof *g->e);
    if (!g->e) {
        free(g);
        return NULL;
    }
    g->owner = owner;
    g->visits = visits;
    g->min_expire = INT64_MAX;
    g->sorted = true;
    return g;
}

static void group_free(AheadGroup *g)
{
    if (g) {
        free(g->e);
        free(g);
    }
}

/* Room for `more` entries after the last. */
static bool group_reserve(AheadGroup *g, uint32_t more)
{
    if (g->first + g->n + more <= g->cap)
        return true;
    if (g->first > 0 && g->n + more <= g->cap) {   /* slide down into the room in front */
        memmove(g->e, g->e + g->first, g->n * sizeof *g->e);
        g->first = 0;
        return true;
    }
    size_t cap = (size_t)(g->n + more) * 2;
    if (cap > UINT32_MAX)
        return false;
    AheadEntry *e = malloc(cap * sizeof *e);
    if (!e)
        return false;
    memcpy(e, g->e + g->first, g->n * sizeof *e);
    free(g->e);
    g->e = e;
    g->first = 0;
    g->cap = (uint32_t)cap;
    return true;
}

/* Room for `more` entries before the first. */
static bool group_reserve_front(AheadGroup *g, uint32_t more)
{
    if (g->first >= more)
        return true;
    size_t cap = (size_t)(g->n + more) * 2;
    if (cap > UINT32_MAX)
        return false;
    AheadEntry *e = malloc(cap * sizeof *e);
    if (!e)
        return false;
    uint32_t first = (uint32_t)(cap - g->n);   /* members at the back: the room is in front */
    memcpy(e + first, g->e + g->first, g->n * sizeof *e);
    free(g->e);
    g->e = e;
    g->first = first;
    g->cap = (uint32_t)cap;
    return true;
}

/* Move n entries to dst, from one group's count of visits to another's. Returns the
 * least expire; *sorted is cleared when they are not in order. */
static int64_t move_entries(AheadEntry *dst, const AheadEntry *src, uint32_t n, AheadGroup *to, int64_t shift,
                            bool *sorted)
{
    int64_t min = INT64_MAX;
    for (uint32_t k = 0; k < n; k++) {
        dst[k].p = src[k].p;
        dst[k].expire = src[k].expire + shift;
        dst[k].since = src[k].since + shift;
        dst[k].p->hidden_in = to;
        if (dst[k].expire < min)
            min = dst[k].expire;
        if (k > 0 && dst[k].expire < dst[k - 1].expire)
            *sorted = false;
    }
    return min;
}

/* The least expire of g's members, or a lower bound of it. */
static inline int64_t least_expire(const AheadGroup *g)
{
    return g->sorted ? g->e[g->first].expire : g->min_expire;
}

static int64_t lead_now(const VM *vm, const AheadGroup *g, uint32_t i)
{
    return vm->turn_len * (g->e[i].expire - g->visits) + g->e[i].p->lead;
}

/* Member i comes back into the ring (or the run ends): the turns it took while hidden
 * reach its --stats row, and its lead is what it is now. */
static void reveal(VM *vm, const AheadGroup *g, uint32_t i)
{
    Proc *m = g->e[i].p;
    if (vm->rec)
        rec_add_turns(vm, m, (uint64_t)(g->visits - g->e[i].since));
    m->lead = lead_now(vm, g, i);
    m->hidden_in = NULL;
}

static uint32_t find(const AheadGroup *g, const Proc *p)
{
    uint32_t i = g->first;
    while (g->e[i].p != p)
        i++;
    return i;
}

/* Members i+1.. of g become ring members after `after`, each with its lead as it is now:
 * the way back when a group cannot be split for want of memory. */
static void spill(VM *vm, AheadGroup *g, uint32_t i, Proc *after)
{
    for (uint32_t k = i + 1; k < g->first + g->n; k++) {
        Proc *m = g->e[k].p;
        reveal(vm, g, k);
        ring_insert_after(after, m);
        after = m;
    }
    g->n = i - g->first;
}

/* Member i of a's group g comes back into the ring, right after a: the members before it
 * stay with a (with head_visits visits, and none expiring before head_min), those after
 * it become its own group (with g's visits as they are). */
static void split(VM *vm, Proc *a, AheadGroup *g, uint32_t i, int64_t head_visits, int64_t head_min)
{
    Proc *m = g->e[i].p;
    reveal(vm, g, i);
    ring_insert_after(a, m);
    uint32_t end = g->first + g->n, nhead = i - g->first, ntail = end - i - 1;
    if (ntail == 0 || nhead > ntail) {
        /* a keeps the array; the tail moves out */
        if (ntail > 0) {
            AheadGroup *t = group_new(m, g->visits, ntail);
            if (t) {
                t->min_expire = move_entries(t->e, g->e + i + 1, ntail, t, 0, &t->sorted);
                t->n = ntail;
                m->group = t;
            } else {
                spill(vm, g, i, m);
            }
        }
        g->n = nhead;
        g->visits = head_visits;
        g->min_expire = head_min;
        if (nhead == 0) {
            a->group = NULL;
            group_free(g);
        }
        return;
    }
    /* m takes the array (its members keep their entries); the head moves out */
    AheadGroup *h = NULL;
    if (nhead > 0) {
        h = group_new(a, head_visits, nhead);
        if (!h) {
            /* The tail spills into the ring after m, and a keeps the head. */
            spill(vm, g, i, m);
            g->visits = head_visits;
            g->min_expire = head_min;
            return;
        }
        h->sorted = g->sorted;
        /* (the same numbering: visit head_visits of h is the one after g's visit
         * g->visits, whether or not the head has had that one) */
        move_entries(h->e, g->e + g->first, nhead, h, 0, &h->sorted);
        h->n = nhead;
        h->min_expire = head_min;
    }
    g->first = i + 1;
    g->n = ntail;
    g->owner = m;
    m->group = g;
    a->group = h;
}

/* count members from entry `from` take a whole turn each. */
static void take_turns(VM *vm, const AheadGroup *g, uint32_t from, uint32_t count)
{
    if (count == 0)
        return;
    vm->steps += (uint64_t)vm->turn_len * count;
    vm->switches += count;   /* each member runs after another process */
    vm->last_run = g->e[from + count - 1].p;
    if (vm->rec)
        rec_ran_last(vm, vm->last_run);   /* (the members' turns are counted as they leave) */
}

Proc *ahead_visit(VM *vm, Proc *a, uint64_t room)
{
    AheadGroup *g = a->group;
    if (!g)
        return NULL;
    int64_t v = g->visits;
    uint64_t q = (uint64_t)vm->turn_len;
    if (least_expire(g) > v) {
        if (q * g->n > room)
            return a;
        take_turns(vm, g, g->first, g->n);
        g->visits++;
        return NULL;
    }
    uint32_t i = g->first, end = g->first + g->n;
    int64_t min = INT64_MAX;
    for (; i < end && g->e[i].expire > v; i++)
        if (g->e[i].expire < min)
            min = g->e[i].expire;
    if (q * (i - g->first) > room)
        return a;
    if (i == end) {   /* the lower bound was stale: nobody expires */
        g->min_expire = min;
        take_turns(vm, g, g->first, g->n);
        g->visits++;
        return NULL;
    }
    take_turns(vm, g, g->first, i - g->first);
    Proc *m = g->e[i].p;
    split(vm, a, g, i, v + 1, min);   /* the head has had this visit, the tail not yet */
    return m;
}

bool ahead_fold(VM *vm, Proc *p)
{
    int64_t f = ahead_full_turns(p, vm->turn_len);
    Proc *pred = p->prev;
    if (f < 1 || pred == p)
        return false;
    AheadGroup *g = pred->group, *pg = p->group;
    if (pg && (!g || pg->n > g->n)) {
        /* p's group is the larger: p, and pred's members before it, go in front */
        uint32_t ng = g ? g->n : 0;
        if (!group_reserve_front(pg, ng + 1))
            return false;
        pg->first -= ng + 1;
        bool sorted = g ? g->sorted : true;
        int64_t min = g ? move_entries(pg->e + pg->first, g->e + g->first, ng, pg, pg->visits - g->visits, &sorted)
                        : INT64_MAX;
        AheadEntry *pe = &pg->e[pg->first + ng];
        pe->p = p;
        pe->expire = pg->visits + f;
        pe->since = pg->visits;
        if ((ng > 0 && pe[-1].expire > pe->expire) || (pg->n > 0 && pe->expire > pe[1].expire))
            sorted = false;
        pg->sorted = pg->sorted && sorted;
        pg->n += ng + 1;
        if (min < pg->min_expire)
            pg->min_expire = min;
        if (pe->expire < pg->min_expire)
            pg->min_expire = pe->expire;
        pg->owner = pred;
        pred->group = pg;
        group_free(g);
        g = pg;
    } else {
        uint32_t npg = pg ? pg->n : 0;
        bool fresh = !g;
        if (fresh && !(g = group_new(pred, 0, npg + 1)))
            return false;
        if (!group_reserve(g, npg + 1)) {
            if (fresh)
                group_free(g);
            return false;
        }
        AheadEntry *pe = &g->e[g->first + g->n];
        pe->p = p;
        pe->expire = g->visits + f;
        pe->since = g->visits;
        if (pe->expire < g->min_expire)
            g->min_expire = pe->expire;
        if (g->n > 0 && pe[-1].expire > pe->expire)
            g->sorted = false;
        if (pg) {
            bool sorted = pg->sorted;
            int64_t min = move_entries(pe + 1, pg->e + pg->first, npg, g, g->visits - pg->visits, &sorted);
            if (min < g->min_expire)
                g->min_expire = min;
            if (npg > 0 && pe[1].expire < pe->expire)
                sorted = false;
            g->sorted = g->sorted && sorted;
            group_free(pg);
        }
        g->n += npg + 1;
        pred->group = g;
    }
    p->group = NULL;
    p->hidden_in = g;
    p->lead -= vm->turn_len * f;   /* what is left at the visit its whole turns run out */
    ring_unlink(vm, p);
    vm->ahead_folds++;
    return true;
}

void ahead_leave(VM *vm, Proc *p)
{
    AheadGroup *g = p->hidden_in;
    if (g) {
        uint32_t i = find(g, p);
        reveal(vm, g, i);
        uint32_t end = g->first + g->n;
        if (i - g->first < end - i - 1) {   /* close the gap from the shorter side */
            memmove(g->e + g->first + 1, g->e + g->first, (i - g->first) * sizeof *g->e);
            g->first++;
        } else {
            memmove(g->e + i, g->e + i + 1, (end - i - 1) * sizeof *g->e);
        }
        if (--g->n == 0) {
            g->owner->group = NULL;
            group_free(g);
        }
        return;
    }
    g = p->group;
    if (!g)
        return;
    /* Its first member takes its place, and the rest follow it as before. */
    Proc *m = g->e[g->first].p;
    reveal(vm, g, g->first);
    g->first++;
    p->group = NULL;
    if (--g->n == 0) {
        group_free(g);
    } else {
        g->owner = m;
        m->group = g;
    }
    ring_insert_after(p, m);
}

void ahead_unhide(VM *vm, Proc *p)
{
    AheadGroup *g = p->hidden_in;
    if (!g)
        return;
    split(vm, g->owner, g, find(g, p), g->visits, g->min_expire);
}

void ahead_settle(VM *vm)
{
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        AheadGroup *g = p ? p->group : NULL;
        for (uint32_t k = g ? g->first : 0; g && k < g->first + g->n; k++) {
            reveal(vm, g, k);
            g->e[k].p->hidden_in = g;   /* (still in the group, which vm_free frees) */
        }
    }
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (p && p->state != PROC_EXITED && p->lead) {
            p->cpu.icount -= (uint64_t)p->lead;   /* where the exact schedule has it */
            p->lead = 0;
        }
    }
}

void ahead_free(VM *vm)
{
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (p && p->group) {
            group_free(p->group);
            p->group = NULL;
        }
    }
}
