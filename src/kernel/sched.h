/*
 * sched.h - the ready ring, the scheduling policies and the choice of the next process
 * (SPEC 4.2, 11.1).
 *
 * READY processes form a circular, doubly linked ring (Proc.next/prev) in run order
 * starting at vm->head. While a process runs it is the head, so the end of its turn is
 * just `head = head->next`: it becomes the tail without being moved, and a context switch
 * writes no queue links at all. Appending to the tail ("a new or woken process runs before
 * its creator's next turn") is inserting just before the head.
 *
 * When the running process leaves the ring (it exits, sleeps or is paused) the head moves
 * to its successor and vm->current becomes NULL, so the next pick runs the head as it is.
 *
 * The ring is the ready queue of every policy, in queue order from the head. A policy
 * (one file each: sched_rr.c, sched_fifo.c, sched_priority.c, sched_lottery.c,
 * sched_mlfq.c) decides only two things: which process of the queue runs the next turn,
 * and how long that turn may last. The chosen process is moved to the head, and when its
 * turn ends it becomes the tail, like the round-robin runner. Round-robin chooses the head
 * and keeps the interpreter's fastest turn end (vm/interp.c); the other policies are asked
 * at every turn end (sched_next), unless they act as round-robin for the time being
 * (SchedPolicy.acts_as_rr), when they take the same fast turn end.
 */
#ifndef MVM_SCHED_H
#define MVM_SCHED_H

#include "kernel.h"

#define SCHED_FOREVER  (INT64_C(1) << 62)   /* a turn that lasts until the process gives up */
#define NICE_MIN       (-20)
#define NICE_MAX       19
#define MLFQ_LEVELS    3

/* What happened to a process waiting in the ready ring (SchedPolicy.waiting). */
typedef enum {
    WAIT_BEGINS,    /* p joined the tail: it became ready, or it yielded */
    WAIT_ENDS,      /* p stopped waiting: it left the ring (paused, or ended by another) */
    WAIT_RENICED,   /* p waits still, with another nice */
} WaitChange;

/* One scheduling policy (SPEC 11.1). Adding one: a file sched_NAME.c defining a
 * SchedPolicy, and a line in sched_policies (sched.c); docs/scheduling.md shows how. */
typedef struct SchedPolicy {
    const char *name;                   /* as --scheduler and "scheduler" name it */
    const char *rule;                   /* one line for help and docs */
    /* The process of the (non-empty) ready ring that runs the next turn. The runner of the
     * turn that just ended is already the tail. */
    Proc   *(*choose)(VM *vm);
    /* How many instructions p's turn may last (SCHED_FOREVER: until it gives up the core). */
    int64_t (*turn_length)(const VM *vm, const Proc *p);
    /* p used its whole turn (NULL: nothing to do). */
    void    (*used_whole_turn)(VM *vm, Proc *p);
    /* What the policy reads, so --stats shows it: nice values, mlfq queues. */
    bool     uses_nice, uses_queues;
    /* Optional: true when, with the ready processes as they are, the policy would give
     * the next turn to the head for one quantum, exactly as round-robin does (priority,
     * while every ready process has the same nice). Asked again after every change to the
     * ready processes, and the answer kept in vm->acts_as_rr: while it holds, the
     * interpreter ends turns as it does for round-robin, calling only sched_turn_used. */
    bool    (*acts_as_rr)(const VM *vm);
    /* Optional, for a policy that keeps its own index of the processes waiting in the
     * ring (every ready process but the running one, in queue order: lottery's tickets,
     * sched_lottery.c). Told when a process joins the tail (it became ready, or it
     * yielded), leaves the ring while it waits, or gets another nice while it waits. A
     * turn end that chooses tells it nothing, as that path is the hottest (and a branch
     * more there costs mlfq a fifth of its speed, measured): choose finds the runner back
     * at the tail, and the process it returns runs. Such a policy cannot have acts_as_rr:
     * the interpreter's round-robin turn ends tell nobody. */
    void    (*waiting)(VM *vm, Proc *p, WaitChange change);
} SchedPolicy;

extern const SchedPolicy sched_rr, sched_fifo, sched_priority, sched_lottery, sched_mlfq;
/* The turn_length of a policy whose every turn is one quantum (rr, priority, lottery). */
int64_t sched_one_quantum(const VM *vm, const Proc *p);
extern const SchedPolicy *const sched_policies[];   /* NULL-terminated; [0] is rr */

/* The policy called name, or NULL. */
const SchedPolicy *sched_policy_find(const char *name);
/* The policy and, if it uses one, the quantum ("rr, quantum 3", "fifo"), for titles. */
const char *sched_describe(const VM *vm, char *buf, size_t cap);
/* The policies' names as a list for messages, "rr, fifo, priority, lottery or mlfq"
 * (built from sched_policies). */
const char *sched_policy_names(void);

/* Append p to the tail of the ready ring, and ask the running process to yield at its
 * next quantum boundary. */
void sched_enqueue(VM *vm, Proc *p);
/* Take p out of the ready ring (pause, sleep, exit). */
void sched_remove(VM *vm, Proc *p);
/* The process to run next: the running one goes to the tail if it is still in the ring,
 * and the policy chooses from the ring (round-robin: its head, the runner's successor).
 * It becomes vm->current (and the head). NULL when the ring is empty. */
Proc *sched_next(VM *vm);

/* Change p's nice or mlfq queue (the ready counts follow). */
void sched_set_nice(VM *vm, Proc *p, int nice);
void sched_set_level(VM *vm, Proc *p, int level);
/* The running process p ends its turn now and goes to the tail (yield, SPEC 11.2). Not
 * called sched_yield: that is POSIX's, which libc and the sanitizers' runtime call. */
void sched_end_turn(VM *vm, Proc *p);
/* p's turn reached its length: the interpreter calls this at such a turn end, under every
 * policy but round-robin, before choosing again. */
void sched_turn_used(VM *vm, Proc *p);
/* p's effective nice under `priority` with aging (SPEC 11.1), now. */
int  sched_effective_nice(const VM *vm, const Proc *p);
/* Ticket count of p under `lottery`: 20 - nice, 1..40. */
static inline int64_t sched_tickets(const Proc *p) { return 20 - p->nice; }
/* Who holds ticket t (0 <= t < the tickets of the waiting processes) under `lottery`,
 * tickets numbered in queue order from the head, the running process left out: found
 * in lottery's index (sched_lottery.c), and found by walking the ring, the plain
 * reference that the unit tests compare the index with. */
Proc *sched_lottery_holder(VM *vm, uint64_t ticket);
Proc *sched_lottery_walk(const VM *vm, uint64_t ticket);
/* Free lottery's index (vm_free calls this under every policy). */
void sched_lottery_free(VM *vm);

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
/* Let round-robin take the interpreter's fastest turn end only while nothing needs to see
 * each turn (no recorder); call after the policy or vm->rec changes. */
void sched_update_turn_path(VM *vm);

#endif
