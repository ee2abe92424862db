/*
 * sched_lottery.c - lottery scheduling (SPEC 11.1): at each turn end one ticket is drawn
 * among the ready processes, each holding 20 - nice tickets (1 to 40), and its holder
 * runs for one quantum. Tickets are numbered in queue order from the head.
 *
 * The draw comes from the scheduler's own generator, SplitMix64 seeded from --seed
 * (vm_init), separate from the random device, so that a program reading random numbers
 * does not change who runs. A ticket is the generator's next value modulo the number of
 * tickets: with at most 40 tickets per process the bias is below 2^-40.
 *
 * Finding the holder by walking the queue (sched_lottery_walk) passes half the queue on
 * average, at every turn end: with 1,000 processes and a quantum of 1, hundreds of steps
 * per instruction. So the lottery keeps an index of the processes waiting in the ring
 * (all the ready ones but the running one), kept up to date by lottery_waiting, which
 * sched.c calls, and lottery_choose, and finds a holder in a few steps:
 *
 *   - Each waiting process holds a key, 1 to cap - 1, and keys follow queue order: a
 *     process that begins waiting joins the tail of the queue and takes the next key,
 *     larger than all the others. One that stops waiting (chosen to run, or gone) leaves
 *     its key unused. The running process has none: when its turn ends it joins the tail
 *     again.
 *   - A tree of sums over the keys holds the tickets, 8 entries to a node (32 bytes).
 *     The leaves are the keys' tickets; an entry of the level above holds the tickets
 *     of the 8 entries below it, and so on up to the root node. To find the holder of
 *     ticket t, go down from the root: in each node, the child holding t is the first
 *     whose entries so far sum to more than t; take the ones before it off t, and go on
 *     in that child. 4,096 keys make four levels: four nodes to read, however long the
 *     queue. Changing a key's tickets changes one entry per level. (16 entries to a
 *     node, a cache line, read fewer nodes but scan more entries: on bench/procs.kar
 *     lottery took 8% longer so, measured.)
 *   - When the keys run out, the waiting processes take keys 1..n again in the same order
 *     and the tree is built anew (rebuild): O(cap) work once every cap - n new keys, and
 *     cap > 4n, so a few steps per turn on average.
 *
 * The index is built at the first draw, from the ring (so a turn resumed from a snapshot,
 * which runs before any draw, finds none). Should memory run out when it is rebuilt, it
 * is dropped, the holder is found by walking the ring, and the next draw tries to build
 * it again. tests/unit/test_sched.c checks that the index and the walk always name the
 * same holder.
 */
#include "sched.h"

#include <stdlib.h>
#include <string.h>

#include "../debug.h"

#define FANOUT_BITS 3
#define FANOUT      (1u << FANOUT_BITS)   /* entries of a node: 8 x 4 bytes */
#define MAX_LEVELS  8                     /* 8^8 = 2^24 keys, 16 x MAX_PROCESSES */

typedef struct TicketIndex {
    uint32_t  cap;        /* keys 1..cap - 1 (0 is none); a power of two, at least 64 */
    uint32_t  levels;     /* of the tree: the least with 8^levels >= cap */
    uint32_t  next_key;   /* the key the next process to wait takes (cap: none left) */
    uint32_t  count;      /* waiting processes */
    uint64_t  total;      /* and their tickets */
    /* sum[levels - 1][k]: the tickets of key k; sum[l][e], above: the sum of the 8
     * entries sum[l + 1][8e .. 8e + 7]. sum[0] is the root node. */
    uint32_t *sum[MAX_LEVELS];
    Proc    **holder;     /* [cap] the process holding each key, or NULL */
} TicketIndex;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* ---------------------------------------------------------------- the tree of sums */

/* How far right a key shifts to give its entry at level l (3 bits a level). */
static inline uint32_t shift(const TicketIndex *x, uint32_t l)
{
    return FANOUT_BITS * (x->levels - 1 - l);
}

/* The entries of level l: cap >> shift, the root padded to a whole node. */
static inline uint32_t level_size(const TicketIndex *x, uint32_t l)
{
    return x->cap >> shift(x, l) < FANOUT ? FANOUT : x->cap >> shift(x, l);
}

/* Add d (negative to take away) to the tickets of key k. */
static void tree_add(TicketIndex *x, uint32_t k, int32_t d)
{
    for (uint32_t l = 0; l < x->levels; l++)
        x->sum[l][k >> shift(x, l)] += (uint32_t)d;
}

/* The child of node[0..15] that holds ticket t (t < the node's sum): the number of
 * children whose sum, with those before them, is at most t. Takes their tickets off t.
 * (Without a branch: which child it is is a matter of chance, and a branch would be
 * mispredicted half the time.) */
static uint32_t child_holding(const uint32_t *node, uint32_t *t)
{
    uint32_t sum = 0, before = 0, child = 0;
    for (uint32_t c = 0; c < FANOUT; c++) {
        sum += node[c];
        bool passed = sum <= *t;
        child += passed;
        before = passed ? sum : before;
    }
    *t -= before;
    return child;
}

/* The key holding ticket t (t < x->total): down from the root, one node a level. */
static uint32_t tree_find(const TicketIndex *x, uint64_t ticket)
{
    uint32_t t = (uint32_t)ticket;   /* (tickets in all: at most 40 x MAX_PROCESSES) */
    uint32_t e = 0;   /* the node to read at this level: entries 8e .. 8e + 7 */
    for (uint32_t l = 0; l < x->levels; l++)
        e = FANOUT * e + child_holding(x->sum[l] + FANOUT * e, &t);
    return e;
}

/* ---------------------------------------------------------------- the index */

/* Keys for n waiting processes and 3n more to come: a power of two, at least 64. */
static uint32_t capacity_for(uint32_t n)
{
    uint32_t cap = 64;
    while (cap <= 4 * n)
        cap *= 2;
    return cap;
}

static void free_arrays(TicketIndex *x)
{
    free(x->sum[0]);   /* every level is in the root's block (allocate) */
    free(x->holder);
}

/* Zeroed arrays for y->cap keys (y->levels set). False when out of memory. */
static bool allocate(TicketIndex *y)
{
    size_t entries = 0;
    for (uint32_t l = 0; l < y->levels; l++)
        entries += level_size(y, l);
    uint32_t *block = calloc(entries, sizeof *block);
    y->holder = calloc(y->cap, sizeof *y->holder);
    if (!block || !y->holder) {
        free(block);
        free(y->holder);
        return false;
    }
    for (uint32_t l = 0; l < y->levels; l++) {
        y->sum[l] = block;
        block += level_size(y, l);
    }
    return true;
}

/* Give the waiting processes keys 1..n in queue order and build the tree over them in
 * O(cap). They are the holders of the old keys, which are in queue order, or, with no old
 * arrays, the ring's processes but the running one. When the old arrays have cap keys,
 * the keys move down in them (key k to n <= k, so nothing is overwritten before it is
 * read), as most rebuilds keep cap and a new pair of arrays each time costs a tenth of
 * lottery's time (measured). False when out of memory (the index is as it was). */
static bool rebuild(VM *vm, TicketIndex *x, uint32_t cap)
{
    TicketIndex y = { .cap = cap, .levels = 1 };
    while ((UINT64_C(1) << (FANOUT_BITS * y.levels)) < cap)
        y.levels++;
    bool in_place = x->holder && x->cap == cap;
    if (in_place) {
        for (uint32_t l = 0; l < y.levels; l++)
            y.sum[l] = x->sum[l];
        y.holder = x->holder;
    } else if (!allocate(&y)) {
        return false;
    }
    uint32_t *tickets = y.sum[y.levels - 1];   /* the leaves */
    if (x->holder) {
        const uint32_t *old = x->sum[x->levels - 1];
        for (uint32_t k = 1; k < x->next_key; k++) {
            if (x->holder[k]) {
                y.count++;
                y.holder[y.count] = x->holder[k];
                tickets[y.count] = old[k];
            }
        }
    } else if (vm->head) {
        Proc *q = vm->head;
        do {
            if (q != vm->current) {
                y.count++;
                y.holder[y.count] = q;
                tickets[y.count] = (uint32_t)sched_tickets(q);
            }
        } while ((q = q->next) != vm->head);
    }
    if (in_place) {   /* the keys above n, used before, are free */
        size_t used = x->next_key;
        memset(y.holder + y.count + 1, 0, (used - y.count - 1) * sizeof *y.holder);
        memset(tickets + y.count + 1, 0, (used - y.count - 1) * sizeof *tickets);
        for (uint32_t l = 0; l + 1 < y.levels; l++)
            memset(y.sum[l], 0, level_size(&y, l) * sizeof *y.sum[l]);
    }
    for (uint32_t k = 1; k <= y.count; k++) {
        y.holder[k]->ticket_key = k;
        y.total += tickets[k];
    }
    for (uint32_t l = y.levels - 1; l > 0; l--)   /* each level sums the one below */
        for (uint32_t e = 0; e < cap >> shift(&y, l); e++)
            y.sum[l - 1][e / FANOUT] += y.sum[l][e];
    y.next_key = y.count + 1;
    if (!in_place)
        free_arrays(x);
    *x = y;
    return true;
}

void sched_lottery_free(VM *vm)
{
    TicketIndex *x = vm->tickets;
    if (!x)
        return;
    free_arrays(x);
    free(x);
    vm->tickets = NULL;
}

/* The index, built from the ring if there is none yet; NULL when out of memory. */
static TicketIndex *index_of(VM *vm)
{
    if (vm->tickets)
        return vm->tickets;
    TicketIndex *x = calloc(1, sizeof *x);
    if (x && !rebuild(vm, x, capacity_for(vm->nready))) {
        free(x);
        x = NULL;
    }
    return vm->tickets = x;
}

/* Does p hold a key of the index? */
static bool indexed(const TicketIndex *x, const Proc *p)
{
    uint32_t k = p->ticket_key;
    return k >= 1 && k < x->next_key && x->holder[k] == p;
}

/* sched.c tells what changed (SchedPolicy.waiting), and so does lottery_choose. Without an
 * index nothing is kept: the next draw builds one from the ring. */
static void lottery_waiting(VM *vm, Proc *p, WaitChange change)
{
    TicketIndex *x = vm->tickets;
    if (!x)
        return;
    if (change == WAIT_BEGINS) {
        if (x->next_key == x->cap && !rebuild(vm, x, capacity_for(x->count + 1))) {
            sched_lottery_free(vm);   /* out of memory: walk the ring until it can be built */
            return;
        }
        uint32_t k = x->next_key++, t = (uint32_t)sched_tickets(p);
        x->holder[k] = p;
        p->ticket_key = k;
        tree_add(x, k, (int32_t)t);
        x->total += t;
        x->count++;
        return;
    }
    MVM_ASSERT(indexed(x, p), "lottery_waiting: not in the index");
    uint32_t k = p->ticket_key;
    uint32_t was = x->sum[x->levels - 1][k], now = change == WAIT_ENDS ? 0 : (uint32_t)sched_tickets(p);
    tree_add(x, k, (int32_t)now - (int32_t)was);
    x->total = x->total - was + now;
    if (change == WAIT_ENDS) {
        x->holder[k] = NULL;
        p->ticket_key = 0;
        x->count--;
    }
}

/* ---------------------------------------------------------------- choosing */

Proc *sched_lottery_walk(const VM *vm, uint64_t ticket)
{
    for (Proc *q = vm->head;; q = q->next) {
        if (q == vm->current)
            continue;   /* the running process holds no tickets */
        if (ticket < (uint64_t)sched_tickets(q))
            return q;
        ticket -= (uint64_t)sched_tickets(q);
    }
}

Proc *sched_lottery_holder(VM *vm, uint64_t ticket)
{
    TicketIndex *x = index_of(vm);
    return x ? x->holder[tree_find(x, ticket)] : sched_lottery_walk(vm, ticket);
}

/* Key k's holder is chosen to run: it stops waiting. (lottery_waiting's WAIT_ENDS, given
 * the key: the holder's own record of it is a cache miss away, with 1,000 processes.) */
static Proc *take_key(TicketIndex *x, uint32_t k)
{
    Proc *p = x->holder[k];
    uint32_t t = x->sum[x->levels - 1][k];
    tree_add(x, k, -(int32_t)t);
    x->total -= t;
    x->holder[k] = NULL;
    p->ticket_key = 0;
    x->count--;
    return p;
}

/* The tickets of the ready processes, counted by nice. */
static uint64_t ready_tickets(const VM *vm)
{
    uint64_t total = 0;
    for (int n = NICE_MIN; n <= NICE_MAX; n++)
        total += (uint64_t)vm->nready_nice[n - NICE_MIN] * (uint64_t)(20 - n);
    return total;
}

/* No process runs, and every process of the ring holds its tickets. The runner of the
 * turn that ended, if it is still ready, is the tail: sched.c does not say so (see
 * SchedPolicy.waiting), and it is the one process of the ring that the index lacks. */
static Proc *lottery_choose(VM *vm)
{
    Proc *tail = vm->head->prev;
    if (vm->tickets && !indexed(vm->tickets, tail))
        lottery_waiting(vm, tail, WAIT_BEGINS);
    TicketIndex *x = index_of(vm);
    if (!x)   /* out of memory: walk the ring */
        return sched_lottery_walk(vm, splitmix64(&vm->lottery_rng) % ready_tickets(vm));
    return take_key(x, tree_find(x, splitmix64(&vm->lottery_rng) % x->total));
}

const SchedPolicy sched_lottery = {
    .name = "lottery",
    .rule = "a ticket drawn at each turn end picks who runs; 20 - nice tickets each",
    .choose = lottery_choose,
    .uses_nice = true,
    .turn_length = sched_one_quantum,
    .waiting = lottery_waiting,
};
