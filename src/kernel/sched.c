/*
 * sched.c - ready-queue operations. The turn loop itself lives in vm/interp.c, because
 * it is part of the interpreter's hot path; this file owns the queue it draws from.
 */
#include "sched.h"

void sched_enqueue(VM *vm, Proc *p)
{
    p->next = NULL;
    if (vm->ready_tail)
        vm->ready_tail->next = p;
    else
        vm->ready_head = p;
    vm->ready_tail = p;
    vm->resched = true;
}

void sched_remove(VM *vm, Proc *p)
{
    Proc *prev = NULL;
    for (Proc *q = vm->ready_head; q; prev = q, q = q->next) {
        if (q != p)
            continue;
        if (prev)
            prev->next = q->next;
        else
            vm->ready_head = q->next;
        if (vm->ready_tail == q)
            vm->ready_tail = prev;
        q->next = NULL;
        return;
    }
}
