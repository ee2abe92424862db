/*
 * sys_proc.c - process system calls: exit, fork, wait, getpid, getppid, getuid, time.
 */
#include <unistd.h>

#include "../vm/errors.h"
#include "sched.h"
#include "syscall.h"

void sys_exit(VM *vm, Proc *p)
{
    sys_status(p, 1, 0);
    proc_exit(vm, p, sys_arg(p, 0));
}

void sys_fork(VM *vm, Proc *p)
{
    int err = 0;
    Proc *child = proc_fork(vm, p, &err);
    if (!child) {
        sys_fail(p, err);
        return;
    }
    sys_ok(child, 0);
    sys_ok(p, child->pid);
    sched_enqueue(vm, child);
}

/* The ended child with the lowest PID, or NULL. */
static Proc *lowest_zombie(Proc *p)
{
    Proc *best = NULL;
    for (Proc *c = p->children; c; c = c->sib_next)
        if (c->state == PROC_EXITED && (!best || c->pid < best->pid))
            best = c;
    return best;
}

void sys_wait(VM *vm, Proc *p)
{
    int64_t pid = sys_arg(p, 0);
    Proc *child;
    if (pid == 0) {
        if (!p->children) {
            sys_fail(p, ERR_PROCESS_NOT_FOUND);
            return;
        }
        child = p->zombie_children ? lowest_zombie(p) : NULL;
    } else {
        child = proc_find(vm, pid);
        if (!child || child->parent != p) {
            sys_fail(p, ERR_PROCESS_NOT_FOUND);
            return;
        }
        if (child->state != PROC_EXITED)
            child = NULL;
    }
    if (!child) {
        sys_fail(p, ERR_WOULD_BLOCK);
        return;
    }
    int64_t code = child->exit_code, cpid = child->pid;
    proc_reap(vm, child);
    sys_ok(p, code);
    proc_write(p, REG_R3, cpid);
}

void sys_getpid(VM *vm, Proc *p) { sys_ok(p, p->pid); }

void sys_getppid(VM *vm, Proc *p) { sys_ok(p, p->parent ? p->parent->pid : 0); }

void sys_getuid(VM *vm, Proc *p) { sys_ok(p, (int64_t)getuid()); }

void sys_time(VM *vm, Proc *p) { sys_ok(p, host_time_ms()); }
