/*
 * proc.c - process control blocks: the table, creation, fork, exit and reaping.
 */
#include "proc.h"
#include "ahead.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/binio.h"
#include "../vm/errors.h"
#include "kernel.h"
#include "mailbox.h"
#include "record.h"
#include "sched.h"
#include "signal.h"
#include "trace.h"

_Static_assert(PROC_STATE_COUNT == ISA_PROC_STATES,
               "vm/binio.c fingerprints the number of process states: change both");

const char *const proc_state_name[PROC_STATE_COUNT] = { "READY", "PAUSED", "SLEEPING", "EXITED" };

/* ---- The table: sorted by PID because PIDs only increase. ---- */

static ptrdiff_t table_index(VM *vm, int64_t pid)
{
    size_t lo = 0, hi = vm->ntable;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vm->table_pid[mid] < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < vm->ntable && vm->table_pid[lo] == pid && vm->table[lo] ? (ptrdiff_t)lo : -1;
}

Proc *proc_find(VM *vm, int64_t pid)
{
    ptrdiff_t i = table_index(vm, pid);
    return i < 0 ? NULL : vm->table[i];
}

Proc *proc_find_live(VM *vm, int64_t pid)
{
    Proc *p = proc_find(vm, pid);
    return p && p->state != PROC_EXITED ? p : NULL;
}

/* Squeeze out the holes left by reaped processes once they are half the table. */
static void table_compact(VM *vm)
{
    size_t n = 0;
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i]) {
            vm->table[n] = vm->table[i];
            vm->table_pid[n] = vm->table_pid[i];
            n++;
        }
    vm->ntable = n;
    vm->table_holes = 0;
}

static int table_insert(VM *vm, Proc *p)
{
    if (vm->table_holes > 64 && vm->table_holes * 2 > vm->ntable)
        table_compact(vm);
    if (vm->ntable == vm->table_cap) {
        size_t cap = vm->table_cap ? vm->table_cap * 2 : 64;
        Proc **t = realloc(vm->table, cap * sizeof *t);
        if (!t)
            return -1;
        vm->table = t;
        int64_t *ids = realloc(vm->table_pid, cap * sizeof *ids);
        if (!ids)
            return -1;
        vm->table_pid = ids;
        vm->table_cap = cap;
    }
    vm->table[vm->ntable] = p;
    vm->table_pid[vm->ntable] = p->pid;
    vm->ntable++;
    return 0;
}

static void table_remove(VM *vm, Proc *p)
{
    ptrdiff_t i = table_index(vm, p->pid);
    if (i >= 0) {
        vm->table[i] = NULL;
        vm->table_holes++;
    }
}

/* ---- Family links ---- */

void proc_adopt(Proc *parent, Proc *child)
{
    child->parent = parent;
    child->sib_prev = NULL;
    child->sib_next = parent->children;
    if (parent->children)
        parent->children->sib_prev = child;
    else
        parent->children_last = child;
    parent->children = child;
}

static void disown(Proc *child)
{
    Proc *parent = child->parent;
    if (!parent)
        return;
    if (child->sib_prev)
        child->sib_prev->sib_next = child->sib_next;
    else
        parent->children = child->sib_next;
    if (child->sib_next)
        child->sib_next->sib_prev = child->sib_prev;
    else
        parent->children_last = child->sib_prev;
    child->parent = child->sib_prev = child->sib_next = NULL;
}

/* ---- Creation ---- */

void proc_reset_registers(Proc *p)
{
    memset(p->cpu.reg, 0, sizeof p->cpu.reg);
    p->cpu.typed = 0;
    for (int r = 0; r < REG_COUNT; r++)
        proc_set_type(p, r, reg_default_type(r));
    proc_set_type(p, REG_ZERO, TYPE_LONG);
}

/* A new, empty control block with the next PID, entered in the table. */
static Proc *proc_new(VM *vm, Proc *parent, int *err)
{
    if (vm->nprocs >= vm->opt.max_processes) {
        *err = ERR_RESOURCE_LIMIT;
        return NULL;
    }
    Proc *p = calloc(1, sizeof *p);
    if (!p) {
        *err = ERR_MEMORY_ALLOCATION;
        return NULL;
    }
    p->pid = vm->next_pid;
    if (table_insert(vm, p) != 0) {
        free(p);
        *err = ERR_MEMORY_ALLOCATION;
        return NULL;
    }
    vm->next_pid++;
    vm->nprocs++;
    vm->nlive++;
    p->state = PROC_READY;
    if (parent) {
        proc_adopt(parent, p);
        p->nice = parent->nice;   /* fork and spawn inherit it; the mlfq level starts at 0 */
    }
    return p;
}

static void release_resources(Proc *p)
{
    mem_release(&p->cpu.mem);
    cpu_free_stacks(&p->cpu);
    sig_contexts_free(p);
    if (p->cpu.prog)
        program_release(p->cpu.prog);
    p->cpu.prog = NULL;
    p->cpu.code = NULL;
}

void proc_discard(VM *vm, Proc *p)
{
    if (vm->rec)
        rec_discarded(vm, p);
    sched_remove(vm, p);
    release_resources(p);
    disown(p);
    table_remove(vm, p);
    vm->nprocs--;
    vm->nlive--;
    free(p);
}

Proc *proc_create(VM *vm, Program *prog, Proc *parent, int *err)
{
    Proc *p = proc_new(vm, parent, err);
    if (!p)
        return NULL;
    if (mem_init(&p->cpu.mem, (uint64_t)vm->opt.memory_size, (uint64_t)vm->opt.heap_start) != 0) {
        proc_discard(vm, p);
        *err = ERR_MEMORY_ALLOCATION;
        return NULL;
    }
    proc_reset_registers(p);
    proc_set_program(p, prog);
    if (vm->rec)
        rec_created(vm, p);
    return p;
}

Proc *proc_fork(VM *vm, Proc *parent, int *err)
{
    Proc *c = proc_new(vm, parent, err);
    if (!c)
        return NULL;
    memcpy(c->cpu.reg, parent->cpu.reg, sizeof c->cpu.reg);
    memcpy(c->cpu.type, parent->cpu.type, sizeof c->cpu.type);
    c->cpu.typed = parent->cpu.typed;
    c->cpu.pc = parent->cpu.pc;
    memcpy(c->handler, parent->handler, sizeof c->handler);
    c->handling = parent->handling;
    /* Stacks are copied to their used size only: an idle child stays small. */
    c->cpu.stack = cpu_copy_array(&c->cpu, parent->cpu.stack, parent->cpu.sp, sizeof *c->cpu.stack);
    c->cpu.sp = c->cpu.stack_cap = parent->cpu.sp;
    c->cpu.frames = cpu_copy_array(&c->cpu, parent->cpu.frames, parent->cpu.fp, sizeof *c->cpu.frames);
    c->cpu.fp = c->cpu.frames_cap = parent->cpu.fp;
    if ((parent->cpu.sp && !c->cpu.stack) || (parent->cpu.fp && !c->cpu.frames) || sig_contexts_copy(c, parent) != 0 ||
        mem_fork(&c->cpu.mem, &parent->cpu.mem) != 0) {
        proc_discard(vm, c);
        *err = ERR_MEMORY_ALLOCATION;
        return NULL;
    }
    program_retain(parent->cpu.prog);
    c->cpu.prog = parent->cpu.prog;
    c->cpu.code = parent->cpu.code;
    if (vm->rec)
        rec_created(vm, c);
    return c;
}

void proc_set_program(Proc *p, Program *prog)
{
    program_retain(prog);
    if (p->cpu.prog)
        program_release(p->cpu.prog);
    p->cpu.prog = prog;
    p->cpu.code = prog->code;
    p->cpu.pc = prog->units[0].first;
}

/* ---- Ending ---- */

void proc_exit(VM *vm, Proc *p, int64_t code)
{
    if (p->state == PROC_EXITED)
        return;
    if (vm->tracer) {
        trace_ending(vm, p);
        trace_event(vm, p->pid, 0, "exit: code %" PRId64, code);
    }
    if (p->state == PROC_READY)
        sched_remove(vm, p);
    if (p->state == PROC_PAUSED)
        vm->npaused--;
    /* Cut short (killed, or a signal's default action): what it ran ahead of the
     * clock never happened. */
    p->cpu.icount -= (uint64_t)p->lead;
    p->lead = 0;
    ahead_set_stop(vm, p, AHEAD_OPEN);
    p->exit_code = code;
    if (vm->rec)
        rec_mark(vm, p, MARK_EXIT, code);
    proc_enter_state(vm, p, PROC_EXITED);
    vm->nlive--;
    if (p->pid == 1) {
        vm->pid1_ended = true;
        vm->pid1_code = code;
    }
    release_resources(p);
    if (vm->nmailboxes || vm->nrequests)
        mbox_process_ended(vm, p);

    /* Orphans: their parent becomes 0; ended ones are reaped at once. */
    while (p->children) {
        Proc *c = p->children;
        disown(c);
        if (c->state == PROC_EXITED)
            proc_reap(vm, c);
    }
    p->zombie_children = 0;

    if (p->parent) {
        p->parent->zombie_children++;
        sig_send(vm, p->parent, SIG_CHLD);
    } else {
        proc_reap(vm, p);
    }
}

void proc_reap(VM *vm, Proc *p)
{
    if (p->parent && p->state == PROC_EXITED)
        p->parent->zombie_children--;
    disown(p);
    table_remove(vm, p);
    vm->nprocs--;
    if (vm->current == p)
        vm->current = NULL;
    if (vm->last_run == p)
        vm->last_run = NULL;
    free(p);
}

void proc_table_free(VM *vm)
{
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (!p)
            continue;
        release_resources(p);
        free(p);
    }
    free(vm->table);
    free(vm->table_pid);
    vm->table = NULL;
    vm->table_pid = NULL;
    vm->ntable = vm->table_cap = vm->table_holes = 0;
}

/* ---- Stacks ---- */

uint32_t proc_line(const Proc *p, uint32_t pc)
{
    return p->cpu.prog && pc < p->cpu.prog->ncode ? p->cpu.prog->info[pc].line : 0;
}
