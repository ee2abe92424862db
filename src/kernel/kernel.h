/*
 * kernel.h - the machine: process table, scheduler state, counters and options.
 *
 * One VM runs many processes on one emulated core (SPEC 4). vm_run is the only entry
 * into the interpreter; it returns when no process can run, with mvm's exit status.
 */
#ifndef MVM_KERNEL_H
#define MVM_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include "proc.h"

/* Everything that shapes a run; filled from defaults, config.json and the command line. */
typedef struct VmOptions {
    int64_t  memory_size, heap_start, stack_size, call_depth;
    int64_t  quantum, max_processes, mailbox_capacity, hertz;
    int64_t  max_semaphores;     /* semaphores live at once (semCreate beyond: 32) */
    uint64_t max_steps;          /* 0 = unlimited */
    bool     trace, stats;
    bool     exact;              /* --exact: never run ahead (the reference engine) */
    int64_t  trace_pid;          /* --trace=PID: only that process (0 = every process) */
    bool     fault_dump;         /* --on-fault=dump: registers and call stack after a fault */
    const struct DebugScript *debug;   /* --debug FILE: dumps before instructions, or NULL */
    uint64_t seed;
    const char *vfs_path;        /* the VFS image file; NULL = "vfs.fs" in the current directory */
    uint64_t snapshot_every;     /* save the machine every N global instructions (0 = never) */
    const char *snapshot_path;   /* ... to this file, replaced atomically each time */
    const char *stdlib_dir;      /* library directory for spawn/exec; NULL = the embedded one */
    const struct SchedPolicy *scheduler;   /* --scheduler (sched.h); NULL = round-robin */
    int64_t  aging_interval;     /* priority: instructions of waiting per step of aging (0 = none) */
    int64_t  boost_interval;     /* mlfq: instructions between boosts (0 = the default) */
} VmOptions;

struct Vfs;

struct VM {
    VmOptions opt;

    /* Scheduler (sched.c) */
    const struct SchedPolicy *policy;   /* never NULL once vm_init has run */
    int64_t   turn_len;          /* instructions the current turn may last (the quantum
                                    under rr; SCHED_FOREVER under fifo) */
    uint64_t  lottery_rng;       /* lottery: the scheduler's own SplitMix64 state */
    uint64_t  next_boost;        /* mlfq: vm->steps at which every process returns to queue 0 */
    uint32_t  nready;            /* processes in the ready ring, and of them: */
    uint32_t  nready_nice[40];   /*   how many have each nice value (index nice + 20) */
    uint32_t  nready_level[3];   /*   how many are in each mlfq queue */
    bool      plain_rr;          /* round-robin with nothing recorded: the interpreter may
                                    take its fastest turn end (sched_update_turn_path) */
    bool      ahead_on;          /* the run-ahead engine runs this machine (ahead.h) */
    bool      ahead_active;      /* ... and is not resting: when running ahead does not pay
                                    and nobody has a lead, round-robin's own turn ends run
                                    until vm->steps reaches ahead_resume (turn.c) */
    uint32_t  ahead_leads;       /* processes whose stop is not AHEAD_OPEN */
    bool      ahead_tired;       /* a run ahead did not pay: rest once the leads are spent */
    uint8_t   ahead_rests;       /* rests in a row (each twice as long as the last) */
    uint64_t  ahead_resume;      /* vm->steps at which a rest ends (UINT64_MAX: not resting) */
    Proc     *ahead_of;          /* the process running ahead now, NULL when none */
    Proc     *walker;            /* the ring member whose turn ran last (its group is next) */
    uint64_t  ahead_folds;       /* processes hidden so far (MVM_REPORT_ENGINE=1) */
    bool      acts_as_rr;        /* the policy's next choice is round-robin's (sched.h) */
    struct TicketIndex *tickets; /* lottery: who holds which tickets (sched_lottery.c), or
                                    NULL: not built yet, or out of memory (walk the ring) */
    Proc     *current;           /* the running process, NULL between turns */
    Proc     *head;              /* the ready ring in run order (sched.h); == current while it runs */
    uint64_t  turn_start;        /* vm->steps when current's quantum began */
    bool      resched;           /* a syscall made another process runnable or signalled:
                                    end the current turn at the next quantum boundary */
    Proc     *last_run;          /* the process that ran last (to count switches) */
    bool      sleepers;          /* some process may be SLEEPING */
    volatile sig_atomic_t watch; /* trace, hertz, max-steps, sleepers or a host signal:
                                    every turn end takes the careful path in interp.c.
                                    Volatile: a host signal's handler sets it (host.c) */
    uint64_t  last_sleep_poll;   /* vm->steps when the host clock was last read for them */

    /* Process table (proc.c): PIDs increase, so an array sorted by PID with holes. */
    Proc    **table;
    int64_t  *table_pid;         /* parallel to table; kept for holes so binary search works */
    size_t    ntable, table_cap, table_holes;
    int64_t   next_pid;
    int64_t   nprocs;            /* control blocks alive, zombies included (maxProcesses) */
    int64_t   nlive;             /* not EXITED */
    int64_t   npaused;

    /* Counters */
    uint64_t  steps;             /* instructions executed by every process (the timer) */
    uint64_t  run_start;         /* vm->steps when this run began: steps - run_start
                                    is what --max-steps counts */
    uint64_t  switches;          /* context switches */
    int64_t   start_ms;          /* host clock when mvm started (device clock address 1) */
    int64_t   start_ns;          /* monotonic clock at start (hertz throttling) */

    /* --stats, --stats-json, --timeline: the recorder (record.h), NULL when off */
    struct Recorder *rec;
    /* Instructions of the processes that had ended when the snapshot this run resumed
     * was taken (its --stats rows; record.c turns them into rows of the recorder) */
    struct ProcStat { int64_t pid; uint64_t icount; } *stats;
    size_t    nstats, stats_cap;

    /* Snapshots (snapshot.c) */
    uint64_t  next_snapshot;     /* vm->steps at which the next snapshot is due */
    uint64_t  resume_used;       /* after a resume: instructions the head had already run of
                                    its quantum, so it gets only the rest */
    bool      resume_turn;       /* after a resume: the head's turn had begun (its signal was
                                    delivered), even if it had run nothing of it yet */

    /* Outcome */
    bool      pid1_ended;
    int64_t   pid1_code;
    bool      stopped;           /* --max-steps reached */

    /* IPC (mailbox.c, sys_ipc.c) */
    struct Mailbox **mailboxes;  /* by id - 1; NULL once freed */
    uint64_t  nmailboxes, mailboxes_cap;
    struct LinkRequest *requests;/* link requests not answered yet */
    size_t    nrequests, requests_cap;
    int64_t   regions;           /* share_m regions handed out (the last id) */
    /* Semaphores (semaphore.c, sys_sem.c) */
    struct Semaphore *sems;      /* by increasing id, closed ones left as holes */
    size_t    nsems, sems_cap, sems_closed;
    int64_t   sem_last;          /* the last semaphore id handed out (0: none yet) */
    uint64_t  rng;               /* the random device's state (device.c) */

    struct Vfs *vfs;             /* the VFS image, opened at the first VFS access (vfs/) */
    char     *base_dir;          /* directory of PID 1's program: host programs are found there */

    /* The debugger (debug/engine.c); all zero under `mvm run`. */
    uint64_t  stop_at;           /* park when vm->steps reaches this (VM_NO_STOP: never);
                                    while set, watch is set (sched_update_watch), as for
                                    --max-steps, so only the careful turn end compares it */
    Proc     *parked;            /* parked: runs next from its pc when vm_run is called */
    /* Called when an OP_BREAK runs: return true to park before the instruction at pc,
     * false to run it (*covered = the opcode the breakpoint covers). */
    bool    (*break_hit)(VM *vm, Proc *p, uint32_t pc, uint8_t *covered);
    void    (*loaded)(VM *vm, Program *prog);   /* spawn or exec loaded prog: the debugger
                                                   arms its breakpoints in it */
    void     *debugger;          /* the engine that drives this machine */
    int64_t   faulted;           /* under the debugger: the PID an unhandled fault ended */
    int       run_status;        /* what vm_run returns, set when the machine stops (turn.c) */
    struct Tracer *tracer;       /* --trace's state (trace.c), NULL when not tracing */

    FILE     *out;               /* standard output of every process */
    FILE     *err;               /* diagnostics */
};

void vm_init(VM *vm, const VmOptions *opt);
/* Start `prog` as PID 1 with the argument strings argv[0..argc-1] (array address in F1).
 * Takes a reference to prog. Returns 0 or an error code. */
int  vm_start(VM *vm, Program *prog, int argc, char **argv);
/* Run until no process can run. Returns mvm's exit status (SPEC 10 "Exit codes"), or
 * VM_PAUSED when the debugger's stop_at or a breakpoint parked the machine (vm->parked). */
#define VM_PAUSED (-1)
#define VM_NO_STOP UINT64_MAX
int  vm_run(VM *vm);
void vm_free(VM *vm);
/* Print --stats to vm->err. */
void vm_print_stats(VM *vm, double seconds);

/* The random device's next value (device.c); maths.randint uses it too. */
int64_t device_random_next(VM *vm);

/* Host clock in milliseconds (CLOCK_REALTIME), and a monotonic clock in nanoseconds. */
int64_t host_time_ms(void);
int64_t host_monotonic_ns(void);

#endif
