/*
 * sched.c - the ready ring (see sched.h). The turn loop itself lives in vm/interp.c,
 * because it is part of the interpreter's hot path; this file owns the ring it draws from.
 */
#include "sched.h"

#include <stdint.h>

#include "../param.h"
#include "clock.h"
#include "host.h"

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

void sched_update_watch(VM *vm)
{
    /* A quantum longer than CHECK_INTERVAL is cut into budgets that end part way, which
     * only the careful path handles. */
    vm->watch = vm->opt.trace || vm->opt.debug || vm->opt.hertz > 0 || vm->opt.max_steps || vm->sleepers ||
                vm->opt.snapshot_every || vm->opt.quantum > CHECK_INTERVAL || vm->stop_at != VM_NO_STOP;
    /* A host signal's handler sets watch too (host.c): one that came while this function
     * read the options must not be overwritten. Looking again after the write closes the
     * gap (a signal after the look sets watch itself). */
    if (host_interrupted())
        vm->watch = 1;
}

void sched_note_sleeper(VM *vm)
{
    if (!vm->sleepers)
        vm->last_sleep_poll = vm->steps;
    vm->sleepers = true;
    sched_update_watch(vm);
}

void sched_sleep(VM *vm, Proc *p, int64_t ms)
{
    sched_remove(vm, p);
    p->state = PROC_SLEEPING;
    int64_t now = clock_now_ms();
    p->sleep_until_ms = ms > INT64_MAX - now ? INT64_MAX : now + ms;   /* saturate: "forever" */
    sched_note_sleeper(vm);
}

int64_t sched_wake_sleepers(VM *vm)
{
    int64_t now = clock_now_ms(), next = -1;
    bool any = false;
    vm->last_sleep_poll = vm->steps;
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *q = vm->table[i];
        if (!q || q->sleep_until_ms == 0)
            continue;
        if (q->state == PROC_PAUSED) {
            any = true;   /* a paused sleeper still has a deadline to keep */
            continue;
        }
        if (q->state != PROC_SLEEPING)
            continue;
        if (q->sleep_until_ms <= now) {
            q->sleep_until_ms = 0;
            q->state = PROC_READY;
            sched_enqueue(vm, q);
        } else {
            any = true;
            if (next < 0 || q->sleep_until_ms < next)
                next = q->sleep_until_ms;
        }
    }
    vm->sleepers = any;
    sched_update_watch(vm);
    return next;
}
