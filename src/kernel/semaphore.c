/*
 * semaphore.c - the semaphore table (see semaphore.h).
 *
 * The table is one array in increasing id order (ids only grow, so semCreate appends).
 * semClose leaves a hole (value SEM_CLOSED) so that the order, and so the binary search,
 * hold without moving anything; once holes are the majority the array is compacted. So a
 * program that creates and closes semaphores forever uses bounded memory, which an array
 * indexed by id (as mailboxes have) would not, and every call is O(log n) amortised.
 */
#include "semaphore.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/errors.h"

int64_t sem_live(const VM *vm) { return (int64_t)(vm->nsems - vm->sems_closed); }

/* The live semaphore with this id, or NULL (never created, or closed). */
static Semaphore *find(VM *vm, int64_t id)
{
    size_t lo = 0, hi = vm->nsems;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vm->sems[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == vm->nsems || vm->sems[lo].id != id || vm->sems[lo].value == SEM_CLOSED)
        return NULL;
    return &vm->sems[lo];
}

/* Room for one more entry: compact when holes are the majority, else grow. */
static int reserve(VM *vm)
{
    if (vm->sems_closed > 0 && vm->sems_closed * 2 >= vm->nsems) {
        size_t k = 0;
        for (size_t i = 0; i < vm->nsems; i++)
            if (vm->sems[i].value != SEM_CLOSED)
                vm->sems[k++] = vm->sems[i];
        vm->nsems = k;
        vm->sems_closed = 0;
    }
    if (vm->nsems < vm->sems_cap)
        return 0;
    size_t cap = vm->sems_cap ? vm->sems_cap * 2 : 16;
    Semaphore *t = realloc(vm->sems, cap * sizeof *t);
    if (!t)
        return ERR_MEMORY_ALLOCATION;
    vm->sems = t;
    vm->sems_cap = cap;
    return 0;
}

int sem_create(VM *vm, int64_t value, int64_t *id)
{
    if (value < 0)
        return ERR_INVALID_ARGUMENT;
    if (sem_live(vm) >= vm->opt.max_semaphores || vm->sem_last == INT64_MAX)
        return ERR_RESOURCE_LIMIT;
    if (reserve(vm))
        return ERR_MEMORY_ALLOCATION;
    *id = ++vm->sem_last;
    vm->sems[vm->nsems++] = (Semaphore){ *id, value };
    return 0;
}

int sem_wait(VM *vm, int64_t id)
{
    Semaphore *s = find(vm, id);
    if (!s)
        return ERR_FILE_ACCESS;
    if (s->value == 0)
        return ERR_WOULD_BLOCK;
    s->value--;
    return 0;
}

int sem_post(VM *vm, int64_t id)
{
    Semaphore *s = find(vm, id);
    if (!s)
        return ERR_FILE_ACCESS;
    if (s->value == INT64_MAX)
        return ERR_INVALID_ARGUMENT;
    s->value++;
    return 0;
}

int sem_close(VM *vm, int64_t id)
{
    Semaphore *s = find(vm, id);
    if (!s)
        return ERR_FILE_ACCESS;
    s->value = SEM_CLOSED;
    vm->sems_closed++;
    return 0;
}

void sem_free_all(VM *vm)
{
    free(vm->sems);
    vm->sems = NULL;
    vm->nsems = vm->sems_cap = vm->sems_closed = 0;
}

const char *sem_restore(VM *vm, int64_t id, int64_t value)
{
    if (id < 1 || id > vm->sem_last || (vm->nsems && id <= vm->sems[vm->nsems - 1].id))
        return "a semaphore id is out of order or was never handed out";
    if (value < 0)
        return "a semaphore's value is negative";
    if (sem_live(vm) >= vm->opt.max_semaphores)
        return "more semaphores than maxSemaphores";
    if (reserve(vm))
        return "out of memory";
    vm->sems[vm->nsems++] = (Semaphore){ id, value };
    return NULL;
}
