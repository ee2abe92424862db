/*
 * sched_fifo.c - first come, first served (SPEC 11.1): the head of the ready queue runs
 * until it ends, sleeps, pauses or yields; nothing preempts it, so `quantum` is ignored.
 *
 * A process that yields goes to the tail (sched_end_turn); one that wakes or is created is
 * appended to the tail, as under every policy. A long computation ahead of short ones
 * makes them all wait: the convoy effect of docs/lab-scheduling.md.
 */
#include "sched.h"

static Proc *fifo_choose(VM *vm)
{
    return vm->head;
}

static int64_t fifo_turn_length(const VM *vm, const Proc *p)
{
    (void)vm;
    (void)p;
    return SCHED_FOREVER;
}

const SchedPolicy sched_fifo = {
    .name = "fifo",
    .rule = "first come, first served: the head runs until it ends, sleeps, pauses or yields",
    .choose = fifo_choose,
    .turn_length = fifo_turn_length,
};
