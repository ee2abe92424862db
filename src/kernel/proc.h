/*
 * proc.h - the process control block and the process table (SPEC 4.1).
 *
 * A process is a Proc: registers, stacks, memory, signal state and its place in the
 * kernel's lists. The running process is reached through one pointer (vm->current); a
 * context switch saves the PC into the old Proc and moves that pointer.
 *
 * Lifetime: proc_create/proc_fork make a READY process in the table; proc_exit turns it
 * into a zombie (EXITED: program, memory and stacks released, PCB kept for wait);
 * proc_reap removes a zombie from the table and frees it.
 */
#ifndef MVM_PROC_H
#define MVM_PROC_H

#include <stdint.h>

#include "../vm/cpu.h"
#include "../tables/signal_table.h"

typedef struct VM VM;

typedef enum ProcState {
    PROC_READY,     /* in the ready queue, or running (vm->current) */
    PROC_PAUSED,    /* stopped by pause_t or a stop signal, until continued */
    PROC_SLEEPING,  /* in SLEEP until its deadline */
    PROC_EXITED,    /* ended: a zombie until its parent waits for it */
    PROC_STATE_COUNT
} ProcState;

extern const char *const proc_state_name[PROC_STATE_COUNT];  /* "READY", ... for ps and dumps */

/* What a signal handler interrupted (SPEC 4.4, 10): every register with its type, the
 * flags I1..I10 among them, saved at delivery and restored whole by the handler's RET,
 * as real kernels do on signal delivery and sigreturn. The PC is the frame's ret. */
typedef struct SigContext {
    int64_t  reg[REG_COUNT];
    uint8_t  type[REG_COUNT];
    uint8_t  sig;        /* the signal whose handler runs above this context */
    uint64_t typed;      /* the typed-register mask that goes with type[] */
} SigContext;

typedef struct Proc {
    /* What a context switch touches, together in the first cache line with cpu's first
     * fields. */
    struct Proc *next, *prev;   /* ready ring links (sched.c); NULL when not READY */
    uint32_t  pending;          /* bit s: signal s is pending */
    int8_t    nice;             /* -20 (most urgent) .. 19; inherited by fork and spawn */
    uint8_t   level;            /* mlfq: queue 0..MLFQ_LEVELS-1 */
    uint8_t   stop;             /* run-ahead engine: AheadStop, what lies at the end of its
                                   lead (AHEAD_OPEN: no lead; see lead below) */
    uint8_t   ahead_misses;     /* runs ahead in a row that were too short to pay */
    uint16_t  ahead_wait;       /* turns to let pass before running ahead again */
    uint32_t  ticket_key;       /* lottery: its place in vm->tickets while it waits (0: none) */
    uint64_t  ready_since;      /* vm->steps when it last ran or became ready (aging) */
    int64_t   pid;              /* here too: a recorder reads it at every switch
                                   (kernel/record.h) */

    Cpu       cpu;              /* registers, stacks, memory, program: the interpreter's */

    SigContext *ctx;            /* saved contexts, one per FRAME_SIGNAL frame: ctx[i] belongs
                                   to the i-th signal frame from the bottom (signal.c) */
    uint32_t  nctx, ctx_cap;    /* nctx = FRAME_SIGNAL frames on the call stack; at most one
                                   per catchable signal, since a signal is never delivered
                                   while its own handler runs */

    /* Kernel state: written only by the kernel (proc.c, sched.c, signal.c, sys_*.c). */
    ProcState state;
    int64_t   exit_code;        /* EXITED: the code wait returns */
    uint32_t  handling;         /* bit s: a handler for s is running */
    uint32_t  handler[SIG_MAX + 1];   /* instruction index + 1 of each handler; 0 = default */
    int64_t   sleep_until_ms;   /* SLEEPING: host-clock deadline */

    struct Proc *parent;        /* NULL once the parent has ended (getppid returns 0) */
    struct Proc *children;      /* first child, live or zombie: the newest (children are
                                   linked in decreasing PID order) */
    struct Proc *children_last; /* the last: the oldest, so the lowest PID */
    struct Proc *sib_prev, *sib_next;
    uint32_t  zombie_children;  /* children in EXITED state, so wait(0) can fail fast */

    /* The run-ahead engine (ahead.c, docs/engine.md); all zero under the exact engine. */
    int64_t   lead;             /* instructions it has run beyond its place in the exact
                                   schedule (while hidden: see AheadGroup) */
    struct AheadGroup *group;   /* in the ring: the hidden processes that follow it */
    struct AheadGroup *hidden_in;   /* hidden: the group that holds it */
} Proc;

/* Process table: every process with a control block, zombies included, by PID. */
Proc *proc_find(VM *vm, int64_t pid);         /* any state; NULL when none */
Proc *proc_find_live(VM *vm, int64_t pid);    /* not EXITED; NULL when none */

/* Create PID 1 (or a spawned process): fresh registers, stacks and memory, running prog
 * from its first instruction. Returns NULL and sets *err (ERR_RESOURCE_LIMIT when
 * maxProcesses is reached, ERR_MEMORY_ALLOCATION when the host is out of memory). */
Proc *proc_create(VM *vm, Program *prog, Proc *parent, int *err);
/* Copy parent (registers, stacks, handlers, copy-on-write memory); the child is not yet
 * queued. Returns NULL and sets *err as proc_create. */
Proc *proc_fork(VM *vm, Proc *parent, int *err);
/* End p with `code`: release its program, memory and stacks, orphan its children, notify
 * its parent (CHLD) and become a zombie (or be reaped at once when it has no parent). */
void  proc_exit(VM *vm, Proc *p, int64_t code);
/* Make child the newest child of parent (the family links wait and orphaning use). */
void  proc_adopt(Proc *parent, Proc *child);
/* Undo the creation of a process that never ran (its set-up failed): no zombie, no CHLD. */
void  proc_discard(VM *vm, Proc *p);
/* Remove a zombie from the table and free it. */
void  proc_reap(VM *vm, Proc *p);
/* Free every process (at shutdown). */
void  proc_table_free(VM *vm);

/* Run prog from now on (create, exec); takes a reference and drops the old one. */
void  proc_set_program(Proc *p, Program *prog);

/* Registers */
void  proc_reset_registers(Proc *p);
static inline void proc_set_type(Proc *p, int r, int t) { cpu_set_type(&p->cpu, r, t); }
/* Write raw bits into register r, normalised to its type. */
static inline void proc_write(Proc *p, int r, int64_t bits) { cpu_write(&p->cpu, r, bits); }

/* The source line of instruction index pc (for I8, traces and diagnostics). */
uint32_t proc_line(const Proc *p, uint32_t pc);

#endif
