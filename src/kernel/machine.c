/*
 * machine.c - a machine's life: set up (vm_init, vm_start with PID 1) and taken down
 * (vm_free). vm_run, which runs it, is in turn.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec.h"
#include "kernel.h"
#include "ahead.h"
#include "mailbox.h"
#include "record.h"
#include "sched.h"
#include "semaphore.h"
#include "trace.h"
#include "../vfs/vfs.h"
#include "../vm/errors.h"

void vm_init(VM *vm, const VmOptions *opt)
{
    memset(vm, 0, sizeof *vm);
    vm->opt = *opt;
    vm->next_pid = 1;
    vm->stop_at = VM_NO_STOP;
    vm->ahead_resume = UINT64_MAX;   /* (the run-ahead engine is off until trap_start says) */
    vm->rng = opt->seed;
    vm->policy = opt->scheduler ? opt->scheduler : &sched_rr;
    vm->turn_len = opt->quantum;
    vm->lottery_rng = opt->seed;
    sched_update_turn_path(vm);
    if (vm->opt.boost_interval <= 0)
        vm->opt.boost_interval = DEFAULT_BOOST_INTERVAL;
    vm->next_boost = (uint64_t)vm->opt.boost_interval;
    vm->next_snapshot = opt->snapshot_every;
    vm->start_ms = host_time_ms();
    vm->start_ns = host_monotonic_ns();
    sched_update_watch(vm);
    vm->out = stdout;
    vm->err = stderr;
}

/* The directory of PID 1's program, where spawn and exec find host programs: absolute,
 * so that a snapshot resumed from another working directory finds the same files (the
 * path as typed when it cannot be resolved). NULL when out of memory. */
static char *program_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    char *abs = dir ? realpath(dir, NULL) : NULL;
    if (!abs)
        return dir;
    free(dir);
    return abs;
}

int vm_start(VM *vm, Program *prog, int argc, char **argv)
{
    int err = 0;
    Proc *p = proc_create(vm, prog, NULL, &err);
    if (!p)
        return err;
    free(vm->base_dir);
    vm->base_dir = program_dir(prog->path);
    if (!vm->base_dir)
        return ERR_MEMORY_ALLOCATION;
    err = exec_install_args(p, argv, argc);
    if (err)
        return err;
    sched_enqueue(vm, p);
    return 0;
}

void vm_free(VM *vm)
{
    trace_stop(vm);
    sched_lottery_free(vm);
    ahead_free(vm);
    proc_table_free(vm);
    mbox_free_all(vm);
    sem_free_all(vm);
    free(vm->stats);
    rec_free(vm);
    free(vm->base_dir);
    vfs_close(vm->vfs);
    vm->vfs = NULL;
}
