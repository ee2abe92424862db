/*
 * sched.c - the ready ring (see sched.h). The turn loop itself lives in vm/interp.c,
 * because it is part of the interpreter's hot path; this file owns the ring it draws from.
 */
#include "sched.h"

void sched_enqueue(VM *vm, Proc *p)
{
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
    vm->resched = true;
}

void sched_remove(VM *vm, Proc *p)
{
    if (!p->next)
        return;   /* not in the ring */
    if (vm->head == p)
        vm->head = p->next == p ? NULL : p->next;
    if (vm->current == p)
        vm->current = NULL;
    p->prev->next = p->next;
    p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

Proc *sched_next(VM *vm)
{
    if (vm->current && vm->head)
        vm->head = vm->current->next;   /* the runner stays behind as the tail */
    vm->current = vm->head;
    return vm->head;
}
