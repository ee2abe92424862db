/*
 * sched.h - the ready queue and the choice of the next process (SPEC 4.2).
 *
 * Round-robin: the running process runs `quantum` instructions, goes to the tail, and
 * the head runs next. A new or woken process is appended to the tail at once.
 */
#ifndef MVM_SCHED_H
#define MVM_SCHED_H

#include "kernel.h"

/* Append p to the tail of the ready queue and ask the running process to yield at its
 * next quantum boundary. */
void  sched_enqueue(VM *vm, Proc *p);
/* Take p out of the ready queue wherever it is (pause, exit). */
void  sched_remove(VM *vm, Proc *p);
/* Pop the head of the ready queue; NULL when empty. */
static inline Proc *sched_pop(VM *vm)
{
    Proc *p = vm->ready_head;
    if (p) {
        vm->ready_head = p->next;
        if (!vm->ready_head) vm->ready_tail = NULL;
        p->next = NULL;
    }
    return p;
}

#endif
