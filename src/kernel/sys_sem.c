/*
 * sys_sem.c - semaphore calls: semCreate, semWait, semPost, semClose (SPEC 11.2).
 * The table itself is semaphore.c's; these only read S2 and set R2 and the flags.
 */
#include "semaphore.h"
#include "syscall.h"

void sys_semcreate(VM *vm, Proc *p)
{
    int64_t id = 0;
    int e = sem_create(vm, sys_arg(p, 0), &id);
    sys_finish(p, e, id);
}

void sys_semwait(VM *vm, Proc *p)
{
    sys_finish(p, sem_wait(vm, sys_arg(p, 0)), 0);
}

void sys_sempost(VM *vm, Proc *p)
{
    sys_finish(p, sem_post(vm, sys_arg(p, 0)), 0);
}

void sys_semclose(VM *vm, Proc *p)
{
    sys_finish(p, sem_close(vm, sys_arg(p, 0)), 0);
}
