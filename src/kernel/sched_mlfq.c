/*
 * sched_mlfq.c - the multi-level feedback queue (SPEC 11.1): three queues with quanta q,
 * 2q and 4q. New processes enter queue 0; one that uses its whole quantum moves down a
 * queue, one that gives up the core earlier (sleep, pause, yield) stays; the highest
 * non-empty queue runs, round-robin within it; every boostInterval instructions every
 * process returns to queue 0, so that a long computation is not starved for ever.
 *
 * The three queues are kept as one ready ring in queue order, each process marked with
 * its level (Proc.level), and counts of each level (vm->nready_level): the queue to run
 * is the first non-empty count, and its first member in ring order is usually the head.
 */
#include "sched.h"

#include <stdlib.h>

/* Every process back to queue 0, the ready ones lined up as queues 0, 1 and 2 were. */
static void boost(VM *vm)
{
    Proc *h = vm->head;
    if (h && vm->nready_level[0] != vm->nready) {
        Proc *first[MLFQ_LEVELS] = { NULL }, *last[MLFQ_LEVELS] = { NULL };
        Proc *q = h;
        do {   /* split the ring into one chain per level, each in ring order */
            Proc *next = q->next;
            int l = q->level;
            q->prev = last[l];
            if (last[l])
                last[l]->next = q;
            else
                first[l] = q;
            last[l] = q;
            q = next;
        } while (q != h);
        Proc *head = NULL, *tail = NULL;
        for (int l = 0; l < MLFQ_LEVELS; l++) {   /* and join them again, queue 0 first */
            if (!first[l])
                continue;
            if (tail) {
                tail->next = first[l];
                first[l]->prev = tail;
            } else {
                head = first[l];
            }
            tail = last[l];
        }
        tail->next = head;
        head->prev = tail;
        vm->head = head;
    }
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (p && p->state != PROC_EXITED)
            sched_set_level(vm, p, 0);
    }
}

static Proc *mlfq_choose(VM *vm)
{
    if (vm->steps >= vm->next_boost) {
        boost(vm);
        uint64_t every = (uint64_t)vm->opt.boost_interval;
        vm->next_boost += (vm->steps - vm->next_boost) / every * every + every;
    }
    int level = 0;
    while (vm->nready_level[level] == 0)
        level++;
    Proc *q = vm->head;
    while (q->level != level)
        q = q->next;
    return q;
}

static int64_t mlfq_turn_length(const VM *vm, const Proc *p)
{
    return vm->opt.quantum << p->level;
}

static void mlfq_used_whole_turn(VM *vm, Proc *p)
{
    if (p->level + 1 < MLFQ_LEVELS)
        sched_set_level(vm, p, p->level + 1);
}

const SchedPolicy sched_mlfq = {
    .name = "mlfq",
    .rule = "three queues with quanta q, 2q, 4q; whole quanta move a process down; boosts",
    .choose = mlfq_choose,
    .turn_length = mlfq_turn_length,
    .used_whole_turn = mlfq_used_whole_turn,
    .uses_queues = true,
};
