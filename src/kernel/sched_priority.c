/*
 * sched_priority.c - priority scheduling with aging (SPEC 11.1): the ready process with
 * the lowest effective nice runs for one quantum; equals take turns in queue order.
 *
 * Effective nice = max(-20, nice - floor(w / agingInterval)), where w counts the
 * instructions other processes ran since this one last ran or became ready
 * (sched_effective_nice). Without aging (agingInterval 0) a steady stream of urgent work
 * starves the rest: the starvation experiment of docs/lab-scheduling.md.
 *
 * The queue is in the order processes last ran or became ready, so its head has waited
 * longest: when every ready process has the same nice, the head has the lowest effective
 * nice and wins the tie, and no scan is needed. The policy then acts as round-robin
 * (acts_as_rr), and the interpreter ends its turns on round-robin's fast path.
 */
#include "sched.h"

/* The first process of the queue with the lowest effective nice: a scan. */
static Proc *lowest_effective_nice(VM *vm)
{
    Proc *best = vm->head;
    int best_nice = sched_effective_nice(vm, best);
    for (Proc *q = best->next; q != vm->head && best_nice > NICE_MIN; q = q->next) {
        int n = sched_effective_nice(vm, q);
        if (n < best_nice) {   /* strictly: an equal later in the queue waits its turn */
            best = q;
            best_nice = n;
        }
    }
    return best;
}

/* Every ready process has the same nice: then the head, which has waited longest, has
 * the lowest effective nice and runs, as under round-robin. */
static bool all_alike(const VM *vm)
{
    return !vm->head || vm->nready_nice[vm->head->nice - NICE_MIN] == vm->nready;
}

static Proc *priority_choose(VM *vm)
{
    return all_alike(vm) ? vm->head : lowest_effective_nice(vm);
}

const SchedPolicy sched_priority = {
    .name = "priority",
    .rule = "the ready process with the lowest effective nice runs for one quantum (aging)",
    .choose = priority_choose,
    .uses_nice = true,
    .turn_length = sched_one_quantum,
    .acts_as_rr = all_alike,
};
