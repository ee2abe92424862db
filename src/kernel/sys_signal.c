/*
 * sys_signal.c - signal system calls: handleSignals, sendSignal (SPEC 4.4, 10).
 */
#include "../vm/errors.h"
#include "signal.h"
#include "syscall.h"

/* handleSignals(sig, line): line 0 restores the default action; KILL cannot be handled. */
void sys_handlesignals(VM *vm, Proc *p)
{
    int64_t sig = sys_arg(p, 0), line = sys_arg(p, 1);
    if (!signal_valid(sig) || sig == SIG_KILL) {
        sys_fail(p, ERR_INVALID_ARGUMENT);
        return;
    }
    if (line == 0) {
        p->handler[sig] = 0;
        sys_ok(p, 0);
        return;
    }
    const Unit *main_unit = &p->cpu.prog->units[0];
    if (line < 1 || line > (int64_t)main_unit->nlines) {
        sys_fail(p, ERR_INVALID_PC);
        return;
    }
    /* A handler on a blank or label line starts at the next instruction below it. */
    p->handler[sig] = main_unit->line_pc[line] + 1;
    sys_ok(p, 0);
}

void sys_sendsignal(VM *vm, Proc *p)
{
    int64_t pid = sys_arg(p, 0), sig = sys_arg(p, 1);
    if (!signal_valid(sig)) {
        sys_fail(p, ERR_INVALID_ARGUMENT);
        return;
    }
    Proc *t = proc_find_live(vm, pid);
    if (!t) {
        sys_fail(p, ERR_PROCESS_NOT_FOUND);
        return;
    }
    sys_ok(p, 0);   /* before sending: KILL to oneself ends the caller */
    sig_send(vm, t, (int)sig);
}
