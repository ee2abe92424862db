/*
 * semaphore.h - counting semaphores shared by every process (SPEC 11.2).
 *
 * A semaphore is a global id and a value >= 0. Any process may wait on, post or close
 * any semaphore by its id; none belongs to a process, so one lives until semClose, not
 * until its creator ends. Ids count from 1 on their own counter (vm->sem_last) and are
 * never reused, as mailbox ids. At most maxSemaphores are live at once.
 *
 * Waiting never blocks: semWait on 0 fails with WouldBlock (30) and the process tries
 * again (the library's sync.semWait does so, yielding between tries).
 */
#ifndef MVM_SEMAPHORE_H
#define MVM_SEMAPHORE_H

#include <stdint.h>

#include "kernel.h"

typedef struct Semaphore {
    int64_t id;
    int64_t value;         /* >= 0 while live; SEM_CLOSED once closed (a hole, see .c) */
} Semaphore;

#define SEM_CLOSED (-1)

/* semCreate: 0 and *id, or 24 (negative value), 32 (maxSemaphores live, or the id
 * counter is spent), 11 (host memory). */
int  sem_create(VM *vm, int64_t value, int64_t *id);
/* semWait: 0 after taking one, 30 when the value is 0, 9 for an unknown or closed id. */
int  sem_wait(VM *vm, int64_t id);
/* semPost: 0, 24 when the value is already 2^63 - 1, 9 for an unknown or closed id. */
int  sem_post(VM *vm, int64_t id);
/* semClose: 0, or 9 for an unknown or already closed id. */
int  sem_close(VM *vm, int64_t id);
/* Semaphores live now (the count maxSemaphores bounds). */
int64_t sem_live(const VM *vm);
void sem_free_all(VM *vm);
/* Resuming a snapshot: add a live semaphore after vm->sem_last and vm->opt.max_semaphores
 * are set. Ids must come in increasing order. Returns NULL, or why the pair is refused
 * (the loader's message). */
const char *sem_restore(VM *vm, int64_t id, int64_t value);

#endif
