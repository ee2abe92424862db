/*
 * sched_rr.c - round-robin (SPEC 4.2), the default: the head of the ready queue runs for
 * one quantum, then goes to the tail.
 *
 * The interpreter's fast turn end (vm/interp.c, label `check`) does exactly this without
 * calling in here, which is why round-robin costs nothing extra; this file is what the
 * careful path and a reader see.
 */
#include "sched.h"

static Proc *rr_choose(VM *vm)
{
    return vm->head;
}

const SchedPolicy sched_rr = {
    .name = "rr",
    .rule = "round-robin: each ready process in turn runs for one quantum",
    .choose = rr_choose,
    .turn_length = sched_one_quantum,
};
