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
 * nice and wins the tie, and no scan is needed.
 */
#include "sched.h"

static Proc *priority_choose(VM *vm)
{
    Proc *best = vm->head;
    if (vm->nready_nice[best->nice - NICE_MIN] == vm->nready)
        return best;   /* all alike: the head has waited longest */
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

const SchedPolicy sched_priority = {
    .name = "priority",
    .rule = "the ready process with the lowest effective nice runs for one quantum (aging)",
    .choose = priority_choose,
    .turn_length = sched_one_quantum,
};
