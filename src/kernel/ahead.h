/*
 * ahead.h - the run-ahead engine's bookkeeping: which processes may run ahead of the
 * exact round-robin schedule, and the groups of hidden processes whose turns are counted
 * in bulk (docs/engine.md). The turn machinery (turn.c) drives it.
 *
 * Between two events a process touches nothing another process can see, so it may run
 * ahead alone for a long stretch; its lead (the instructions it ran beyond its place in
 * the exact schedule) then pays for its turns without running anything. A process whose
 * lead covers at least one whole turn is *hidden*: it leaves the ready ring and joins the
 * group of the ring member before it. The ring member's turn is followed by one *visit*
 * of its group, in which every member takes a whole quantum of its lead at once: the
 * clock advances by quantum x members, and nothing is touched per member. A member
 * comes back into the ring at the visit its lead runs out (its event is due), when it is
 * signalled, and when it leaves (pause, kill).
 */
#ifndef MVM_AHEAD_H
#define MVM_AHEAD_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel.h"

typedef struct AheadGroup AheadGroup;

/* What lies at the end of a process's lead. */
typedef enum AheadStop {
    AHEAD_OPEN,    /* no lead: its next turn runs exactly (the only stop with lead 0
                      unless a stop is still to be taken; a lead is never OPEN, so the
                      turn machinery tests one byte in the line it reads anyway) */
    AHEAD_MORE,    /* the instruction after the lead is private: it may run further */
    AHEAD_EVENT,   /* the next instruction is an event: it runs in the exact schedule */
    AHEAD_END,     /* the program ends right after the lead's last instruction */
} AheadStop;

/* The lead a process builds before it is hidden, in stretches of at most
 * CHECK_INTERVAL (a host signal is seen between two). */
#define AHEAD_TARGET ((int64_t)1 << 20)

/* A run ahead shorter than this (or than a quantum) does not pay for itself: the process
 * waits twice as many turns as the last time before it tries again (up to 1,023). */
#define AHEAD_USEFUL 64

/* Whether this run uses the engine; decided once, when a fresh machine starts: round-robin,
 * no timeline, nothing watched but --max-steps, and no loaded program able to share memory
 * or load another program (caps.h), or to SLEEP. */
bool ahead_possible(const VM *vm);

/* p, whose turn is over and whose lead is spent, may run ahead now: it has no signal
 * handler installed or running (a handler must start at the exact turn after the send,
 * so such a process keeps to the exact schedule), nothing pending, and somewhere to hide.
 * The caller lets p->ahead_wait turns pass first. */
bool ahead_may_run(VM *vm, Proc *p);

/* p's run ahead did not pay (or could not be tried): it waits longer before the next try. */
void ahead_missed(Proc *p);

/* The whole turns p's lead pays for. */
int64_t ahead_full_turns(const Proc *p, int64_t quantum);

/* The owner's turn is over: its group takes its turns. Returns the member whose lead runs
 * out in this visit, put back into the ring right after the owner with the members behind
 * it as its own group (its turn is next); NULL when every member took a whole turn; the
 * owner itself, with nothing done, when the turns would take more than `room`
 * instructions (--max-steps falls inside the visit). */
Proc *ahead_visit(VM *vm, Proc *owner, uint64_t room);

/* Hide p (its turn and its group's visit are over for this lap) in the group of the ring
 * member before it, with its own group behind it. False when its lead does not cover a
 * whole turn, it is alone in the ring, or memory runs out (it then stays in the ring). */
bool ahead_fold(VM *vm, Proc *p);

/* p leaves the ready ring (sched_remove): a hidden p leaves its group with its lead as it
 * is now; a ring member's group passes to its first member, which takes its place. */
void ahead_leave(VM *vm, Proc *p);

/* Hidden p was sent a signal: back into the ring, where its next turn delivers it. */
void ahead_unhide(VM *vm, Proc *p);

/* Set p's stop, keeping count of the processes with a lead. */
static inline void ahead_set_stop(VM *vm, Proc *p, int stop)
{
    vm->ahead_leads += (uint32_t)((stop != AHEAD_OPEN) - (p->stop != AHEAD_OPEN));
    p->stop = (uint8_t)stop;
}

/* The machine stops: every process's instruction count becomes the exact schedule's (its
 * lead taken off) and hidden processes' turns reach --stats. Nothing runs after this. */
void ahead_settle(VM *vm);

/* Free every group (vm_free). */
void ahead_free(VM *vm);

#endif
