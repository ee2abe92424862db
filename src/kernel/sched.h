/*
 * sched.h - the ready ring and the choice of the next process (SPEC 4.2).
 *
 * READY processes form a circular, doubly linked ring (Proc.next/prev) in run order
 * starting at vm->head. While a process runs it is the head, so the end of its turn is
 * just `head = head->next`: it becomes the tail without being moved, and a context switch
 * writes no queue links at all. Appending to the tail ("a new or woken process runs before
 * its creator's next turn") is inserting just before the head.
 *
 * When the running process leaves the ring (it exits, sleeps or is paused) the head moves
 * to its successor and vm->current becomes NULL, so the next pick runs the head as it is.
 */
#ifndef MVM_SCHED_H
#define MVM_SCHED_H

#include "kernel.h"

/* Append p to the tail of the ready ring, and ask the running process to yield at its
 * next quantum boundary. */
void sched_enqueue(VM *vm, Proc *p);
/* Take p out of the ready ring (pause, sleep, exit). */
void sched_remove(VM *vm, Proc *p);
/* The process to run next: the successor of the running one if it is still in the ring,
 * else the head. It becomes vm->current (and the head). NULL when the ring is empty. */
Proc *sched_next(VM *vm);

/* Sleeping (SLEEP): p leaves the ring until host time now + ms. */
void sched_sleep(VM *vm, Proc *p, int64_t ms);
/* Wake every sleeper whose deadline has passed, in PID order; returns the earliest
 * remaining deadline (ms since the epoch; INT64_MAX for "forever"), or -1 when nobody
 * is sleeping (paused sleepers do not count: only a signal can wake them). */
int64_t sched_wake_sleepers(VM *vm);
/* A paused sleeper goes back to sleep: make sure the scheduler looks at the clock. */
void sched_note_sleeper(VM *vm);
/* Recompute vm->watch: is any periodic duty (trace, hertz, max-steps, sleepers) active? */
void sched_update_watch(VM *vm);

#endif
