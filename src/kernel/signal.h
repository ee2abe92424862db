/*
 * signal.h - signals and faults (SPEC 4.4, 10 "Signals", "Faults to signals").
 */
#ifndef MVM_SIGNAL_H
#define MVM_SIGNAL_H

#include "kernel.h"

/* Send sig to target. KILL ends it and CONT resumes it at once; any other signal becomes
 * pending until the target's next turn (and ends a sleep when it would act). */
void sig_send(VM *vm, Proc *target, int sig);

/* Deliver at most one pending signal to p at the start of its turn. Returns true when p
 * may run now (it was not ended or paused by a default action). */
bool sig_deliver(VM *vm, Proc *p);

/* Instruction `pc` of the running process p faulted with `code`. With a handler for the
 * fault's signal, enter it (RET continues at pc + 1) and return true. Otherwise print the
 * diagnostic, end p with 128 + signal, and return false. `detail` may refine the
 * explanation (NULL: the error table's text). */
bool sig_fault(VM *vm, Proc *p, uint32_t pc, int code, const char *detail);

/* Pause p (pause_t, a stop signal): it leaves the ready ring; a sleeper keeps its deadline. */
void sig_pause(VM *vm, Proc *p);
/* Resume a paused p (continue_t, CONT): back to the ready ring's tail, or back to sleep. */
void sig_resume(VM *vm, Proc *p);

/* RET from a FRAME_SIGNAL frame (already popped): restore the context saved at delivery
 * (every register, type and flag, I9 included) and allow the signal again. */
void sig_return(Proc *p);

/* Saved contexts: free p's (exit, exec); copy src's into a fresh dst (fork; 0, or -1
 * when out of host memory, dst then holding none). */
void sig_contexts_free(Proc *p);
int  sig_contexts_copy(Proc *dst, const Proc *src);

#endif
