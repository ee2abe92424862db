/*
 * sched.c - the ready ring and the turn ends every policy shares (see sched.h). The turn
 * loop itself lives in vm/interp.c, because it is part of the interpreter's hot path; this
 * file owns the ring it draws from, and asks the policy (sched_*.c) which process runs.
 */
#include "sched.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../debug.h"
#include "../param.h"
#include "ahead.h"
#include "clock.h"
#include "host.h"
#include "record.h"

const SchedPolicy *const sched_policies[] = {
    &sched_rr, &sched_fifo, &sched_priority, &sched_lottery, &sched_mlfq, NULL,
};

const char *sched_describe(const VM *vm, char *buf, size_t cap)
{
    if (vm->policy == &sched_fifo)   /* (its turns last until the process gives up the core) */
        snprintf(buf, cap, "%s", vm->policy->name);
    else
        snprintf(buf, cap, "%s, quantum %" PRId64, vm->policy->name, vm->opt.quantum);
    return buf;
}

const SchedPolicy *sched_policy_find(const char *name)
{
    for (const SchedPolicy *const *s = sched_policies; *s; s++)
        if (strcmp((*s)->name, name) == 0)
            return *s;
    return NULL;
}

int64_t sched_one_quantum(const VM *vm, const Proc *p)
{
    (void)p;
    return vm->opt.quantum;
}

const char *sched_policy_names(void)
{
    static char names[128];   /* built once from sched_policies: "rr, fifo, ... or mlfq" */
    if (names[0])
        return names;
    size_t len = 0;
    for (size_t i = 0; sched_policies[i]; i++) {
        const char *sep = i == 0 ? "" : sched_policies[i + 1] ? ", " : " or ";
        int n = snprintf(names + len, sizeof names - len, "%s%s", sep, sched_policies[i]->name);
        MVM_ASSERT(n > 0 && (size_t)n < sizeof names - len, "sched_policy_names: names[] is too small");
        len += (size_t)n;
    }
    return names;
}

/* The ready counts by nice and queue, which let priority and mlfq choose in constant time
 * when every ready process is alike (sched_priority.c, sched_mlfq.c). */
static void count_ready(VM *vm, const Proc *p, int d)
{
    vm->nready += (uint32_t)d;
    vm->nready_nice[p->nice - NICE_MIN] += (uint32_t)d;
    vm->nready_level[p->level] += (uint32_t)d;
}

/* Tell a policy that keeps an index of the waiting processes (lottery) what changed. */
static inline void waiting(VM *vm, Proc *p, WaitChange change)
{
    if (vm->policy->waiting)
        vm->policy->waiting(vm, p, change);
}

/* After a change to the ready processes: does the policy act as round-robin now? */
static void ready_changed(VM *vm)
{
    vm->acts_as_rr = vm->policy->acts_as_rr && vm->policy->acts_as_rr(vm);
}

/* Give p a new nice and mlfq queue; while p is ready, the counts follow. */
static void reclassify(VM *vm, Proc *p, int nice, int level)
{
    bool queued = p->next != NULL || p->hidden_in, reniced = nice != p->nice;
    if (queued)
        count_ready(vm, p, -1);
    p->nice = (int8_t)nice;
    p->level = (uint8_t)level;
    if (queued) {
        count_ready(vm, p, +1);
        if (reniced && p != vm->current)
            waiting(vm, p, WAIT_RENICED);
        ready_changed(vm);
    }
}

void sched_set_nice(VM *vm, Proc *p, int nice)
{
    reclassify(vm, p, nice, p->level);
}

void sched_set_level(VM *vm, Proc *p, int level)
{
    reclassify(vm, p, p->nice, level);
}

void sched_enqueue(VM *vm, Proc *p)
{
    p->ready_since = vm->steps;
    count_ready(vm, p, +1);
    Proc *h = vm->head;
    if (!h) {
        p->next = p->prev = p;
        vm->head = p;
    } else {
        p->next = h;
        p->prev = h->prev;
        h->prev->next = p;
        h->prev = p;
    }
    waiting(vm, p, WAIT_BEGINS);
    ready_changed(vm);
    vm->resched = true;
}

void sched_remove(VM *vm, Proc *p)
{
    bool hidden = p->hidden_in != NULL;   /* ready, but hidden by the run-ahead engine */
    if (hidden || p->group)
        ahead_leave(vm, p);
    if (vm->walker == p)
        vm->walker = NULL;   /* its group, if any, passed to its first member */
    if (!p->next && !hidden)
        return;   /* not in the ring */
    if (p != vm->current)
        waiting(vm, p, WAIT_ENDS);
    count_ready(vm, p, -1);
    if (!hidden) {
        if (vm->head == p)
            vm->head = p->next == p ? NULL : p->next;
        if (vm->current == p)
            vm->current = NULL;
        p->prev->next = p->next;
        p->next->prev = p->prev;
        p->next = p->prev = NULL;
    }
    ready_changed(vm);
}

/* Make p, already in the ring, its head: the rest keep their order. */
static void move_to_head(VM *vm, Proc *p)
{
    Proc *h = vm->head;
    p->prev->next = p->next;
    p->next->prev = p->prev;
    p->next = h;
    p->prev = h->prev;
    h->prev->next = p;
    h->prev = p;
    vm->head = p;
}

Proc *sched_next(VM *vm)
{
    Proc *runner = vm->current;
    if (runner && vm->head) {
        vm->head = runner->next;   /* the runner stays behind as the tail (turn_ends) */
        vm->current = NULL;        /* and no process runs while the policy chooses */
    }
    Proc *p = vm->head;
    if (p && vm->policy != &sched_rr && !vm->resume_turn) {   /* (a resumed turn was chosen) */
        Proc *chosen = vm->policy->choose(vm);
        if (chosen != vm->head)
            move_to_head(vm, chosen);
        int64_t was = vm->turn_len;
        vm->turn_len = vm->policy->turn_length(vm, chosen);
        if (was > CHECK_INTERVAL || vm->turn_len > CHECK_INTERVAL)
            sched_update_watch(vm);   /* a long turn is cut into budgets (fifo, long mlfq quanta) */
        p = chosen;
    }
    vm->current = p;
    return p;
}

/* The running process p's turn ends now, and p stays ready: its wait, which aging
 * counts, starts here. The one place a runner's ready_since is set (a process that
 * becomes ready sets it in sched_enqueue). Every turn end of a policy other than
 * round-robin comes here, through sched_turn_used or sched_end_turn, before p goes to the
 * tail; round-robin's turn ends (vm/interp.c) do not, as it has no use for the time. */
static void turn_ends(VM *vm, Proc *p)
{
    p->ready_since = vm->steps;
}

void sched_end_turn(VM *vm, Proc *p)
{
    /* Leave p the tail and no process current: the interpreter sees the turn is over,
     * and the next pick starts from p's successor (p itself when it is alone). */
    turn_ends(vm, p);
    vm->head = p->next;
    vm->current = NULL;
    waiting(vm, p, WAIT_BEGINS);
}

void sched_turn_used(VM *vm, Proc *p)
{
    turn_ends(vm, p);
    if (vm->policy->used_whole_turn)
        vm->policy->used_whole_turn(vm, p);
}

int sched_effective_nice(const VM *vm, const Proc *p)
{
    int64_t a = vm->opt.aging_interval;
    if (a <= 0)
        return p->nice;
    uint64_t w = vm->steps - p->ready_since;
    uint64_t steps = w / (uint64_t)a;
    return steps >= (uint64_t)(p->nice - NICE_MIN) ? NICE_MIN : p->nice - (int)steps;
}

void sched_update_turn_path(VM *vm)
{
    vm->plain_rr = vm->policy == &sched_rr && !vm->rec && !vm->ahead_active;
}

void sched_update_watch(VM *vm)
{
    /* A quantum longer than CHECK_INTERVAL is cut into budgets that end part way, which
     * only the careful path handles. */
    vm->watch = vm->opt.trace || vm->opt.debug || vm->opt.hertz > 0 || vm->opt.max_steps || vm->sleepers ||
                vm->opt.snapshot_every || vm->turn_len > CHECK_INTERVAL || vm->stop_at != VM_NO_STOP;
    /* A host signal's handler sets watch too (host.c): one that came while this function
     * read the options must not be overwritten. Looking again after the write closes the
     * gap (a signal after the look sets watch itself). */
    if (host_interrupted())
        vm->watch = 1;
}

void sched_note_sleeper(VM *vm)
{
    if (!vm->sleepers)
        vm->last_sleep_poll = vm->steps;
    vm->sleepers = true;
    sched_update_watch(vm);
}

void sched_sleep(VM *vm, Proc *p, int64_t ms)
{
    sched_remove(vm, p);
    proc_enter_state(vm, p, PROC_SLEEPING);
    int64_t now = clock_now_ms();
    p->sleep_until_ms = ms > INT64_MAX - now ? INT64_MAX : now + ms;   /* saturate: "forever" */
    sched_note_sleeper(vm);
}

int64_t sched_wake_sleepers(VM *vm)
{
    int64_t now = clock_now_ms(), next = -1;
    bool any = false;
    vm->last_sleep_poll = vm->steps;
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *q = vm->table[i];
        if (!q || q->sleep_until_ms == 0)
            continue;
        if (q->state == PROC_PAUSED) {
            any = true;   /* a paused sleeper still has a deadline to keep */
            continue;
        }
        if (q->state != PROC_SLEEPING)
            continue;
        if (q->sleep_until_ms <= now) {
            q->sleep_until_ms = 0;
            proc_enter_state(vm, q, PROC_READY);
            sched_enqueue(vm, q);
        } else {
            any = true;
            if (next < 0 || q->sleep_until_ms < next)
                next = q->sleep_until_ms;
        }
    }
    vm->sleepers = any;
    sched_update_watch(vm);
    return next;
}
