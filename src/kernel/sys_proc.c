/*
 * sys_proc.c - process system calls: exit, fork, exec, spawn, wait, pause_t, continue_t,
 * listProcesses, getpid, getppid, getuid, time.
 */
#include <unistd.h>

#include <inttypes.h>
#include <stdlib.h>

#include "../vm/errors.h"
#include "clock.h"
#include "exec.h"
#include "record.h"
#include "sched.h"
#include "signal.h"
#include "syscall.h"
#include "trace.h"

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
    if (vm->rec)
        rec_mark(vm, p, MARK_FORK, child->pid);
    if (vm->tracer)
        trace_event(vm, p->pid, child->pid, "fork: child PID %" PRId64, child->pid);
}

/* The ended child with the lowest PID, or NULL: the first found from the oldest child
 * (children are linked newest first), usually the oldest itself, where a parent that
 * collects its children as they end finds it at once. */
static Proc *lowest_zombie(Proc *p)
{
    for (Proc *c = p->children_last; c; c = c->sib_prev)
        if (c->state == PROC_EXITED)
            return c;
    return NULL;
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

void sys_time(VM *vm, Proc *p) { sys_ok(p, clock_now_ms()); }

/* The program (S2) and argument array (S4) of a spawn or exec call, read from p. */
typedef struct NewImage { Program *prog; char **argv; int argc; } NewImage;

static int read_new_image(VM *vm, Proc *p, NewImage *img)
{
    int e = exec_read_args(p, sys_arg(p, 2), &img->argv, &img->argc);
    if (e)
        return e;
    e = exec_load(vm, p, sys_arg(p, 0), &img->prog);
    if (e)
        exec_free_args(img->argv, img->argc);
    return e;
}

static void free_new_image(NewImage *img)
{
    program_release(img->prog);
    exec_free_args(img->argv, img->argc);
}

void sys_spawn(VM *vm, Proc *p)
{
    NewImage img;
    int e = read_new_image(vm, p, &img);
    if (e) {
        sys_fail(p, e);
        return;
    }
    Proc *child = proc_create(vm, img.prog, p, &e);
    if (child && (e = exec_install_args(child, img.argv, img.argc)) != 0) {
        proc_discard(vm, child);
        child = NULL;
    }
    free_new_image(&img);
    if (!child) {
        sys_fail(p, e);
        return;
    }
    sched_enqueue(vm, child);
    sys_ok(p, child->pid);
    if (vm->rec)
        rec_mark(vm, p, MARK_SPAWN, child->pid);
    if (vm->tracer)
        trace_event(vm, p->pid, child->pid, "spawn: child PID %" PRId64 " runs %s", child->pid,
                    trace_safe(child->cpu.prog->path));
}

void sys_exec(VM *vm, Proc *p)
{
    NewImage img;
    int e = read_new_image(vm, p, &img);
    if (!e) {
        e = exec_replace(vm, p, img.prog, img.argv, img.argc);
        free_new_image(&img);
        if (!e && vm->tracer)
            trace_event(vm, p->pid, 0, "exec: runs %s", trace_safe(p->cpu.prog->path));
    }
    if (e)
        sys_fail(p, e);   /* (after a failed replace the image is fresh but empty: host out of memory) */
}

void sys_pause_t(VM *vm, Proc *p)
{
    Proc *t = proc_find_live(vm, sys_arg(p, 0));
    if (!t) {
        sys_fail(p, ERR_PROCESS_NOT_FOUND);
        return;
    }
    sys_ok(p, 0);
    sig_pause(vm, t);
}

void sys_continue_t(VM *vm, Proc *p)
{
    Proc *t = proc_find_live(vm, sys_arg(p, 0));
    if (!t) {
        sys_fail(p, ERR_PROCESS_NOT_FOUND);
        return;
    }
    sig_resume(vm, t);
    sys_ok(p, 0);
}

void sys_listprocesses(VM *vm, Proc *p)
{
    int64_t *pids = malloc(((size_t)vm->nlive + 1) * sizeof *pids);
    if (!pids) {
        sys_fail(p, ERR_MEMORY_ALLOCATION);
        return;
    }
    int64_t n = 0;
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i] && vm->table[i]->state != PROC_EXITED)
            pids[n++] = vm->table[i]->pid;
    int64_t addr;
    int e = sys_new_array(p, pids, n, &addr);
    free(pids);
    if (e)
        sys_fail(p, e);
    else
        sys_ok(p, addr);
}
