/*
 * sys_sched.c - scheduling calls (SPEC 11.2): yield and setPriority.
 */
#include "../vm/errors.h"
#include "sched.h"
#include "syscall.h"

void sys_yield(VM *vm, Proc *p)
{
    sys_ok(p, 0);
    sched_end_turn(vm, p);
}

/* setPriority(pid, nice): the range is checked before the PID (SPEC 11.2). */
void sys_setpriority(VM *vm, Proc *p)
{
    int64_t pid = sys_arg(p, 0), nice = sys_arg(p, 1);
    if (nice < NICE_MIN || nice > NICE_MAX) {
        sys_fail(p, ERR_INVALID_ARGUMENT);
        return;
    }
    Proc *t = pid == 0 ? p : proc_find_live(vm, pid);
    if (!t) {
        sys_fail(p, ERR_PROCESS_NOT_FOUND);
        return;
    }
    int old = t->nice;
    sched_set_nice(vm, t, (int)nice);
    sys_ok(p, old);
}
