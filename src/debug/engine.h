/*
 * engine.h - the debugger engine: a machine that runs under control, forwards and back
 * (SPEC 9 `mvm debug`, issue 9). See docs/debugger.md.
 *
 * This is the one door a debugger front end uses (STYLE 14): the command line
 * (cli/debug_cmd.c) and, later, the browser playground drive the same calls. Nothing here
 * parses commands or prints prompts; every view is a cJSON value (views.c) that a front
 * end prints as text (dbg_print_view) or hands on as JSON.
 *
 * Positions: the machine always stands between two instructions. "Now" is the global
 * instruction count (vm->steps) and the process that runs next. Every call that moves
 * the machine fills a DbgStop saying where it stands afterwards and why it stopped.
 *
 * Going back: the engine keeps saved points (in-memory snapshots) every `interval`
 * instructions; back N restores the newest saved point at or before now - N and replays
 * forward deterministically to it. Output already printed is not printed again, standard
 * input already read is read again from a tape (kernel/host.c). Limits: docs/debugger.md.
 */
#ifndef MVM_DEBUG_ENGINE_H
#define MVM_DEBUG_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "../kernel/kernel.h"

typedef struct DbgEngine DbgEngine;

typedef enum DbgEvent {
    DBG_STEPPED,      /* the steps asked for were made */
    DBG_BREAKPOINT,   /* stopped before an instruction with a breakpoint */
    DBG_WATCH,        /* a watched word changed */
    DBG_ENDED,        /* no process can run any more (status is mvm's exit status) */
    DBG_AT_START,     /* back: the machine is at its first instruction */
    DBG_NO_HIT,       /* rcontinue: no earlier breakpoint hit; the machine did not move */
    DBG_FAILED,       /* out of memory (saved point or restore); the machine did not move */
    DBG_FAULT,        /* an unhandled fault just ended process `fault_pid` (its registers
                         stay readable: dbg_view_regs with that PID) */
    DBG_INTERRUPTED,  /* a host signal (host_interrupted(), Ctrl-C) cut the move short; the
                         machine stands between two instructions. The front end clears it
                         (host_interrupt_clear) before the next move, or ends. */
} DbgEvent;

/* Where the machine stands after a move, and why it stopped there. Strings point into
 * the machine and stay valid until the next move. */
typedef struct DbgStop {
    DbgEvent    event;
    uint64_t    steps;      /* global instruction count */
    int64_t     pid;        /* the process that runs next; 0 when none can */
    const char *file;       /* its program file (or module / library file) */
    uint32_t    line;
    const char *text;       /* the instruction it runs next, as written; "(end)" */
    int         bp;         /* DBG_BREAKPOINT: the breakpoint's number */
    int         status;     /* DBG_ENDED: mvm's exit status */
    int64_t     watch_addr, watch_pid;    /* DBG_WATCH: which word ... */
    int64_t     old_value, new_value;     /* ... and its values (-1 when unreadable) */
    int64_t     writer;     /* DBG_WATCH: the PID that ran the instruction that changed it */
    int64_t     fault_pid;  /* DBG_FAULT: the process the fault ended */
} DbgStop;

typedef struct DbgConfig {
    FILE    *out;            /* the program's standard output (stdout) */
    FILE    *err;            /* the program's diagnostics (stderr) */
    int      input_fd;       /* the program's standard input; -1 = none (end of input) */
    uint64_t interval;       /* instructions between saved points; 0 = DBG_SAVE_INTERVAL */
    size_t   budget;         /* bytes of saved points kept at most; 0 = DBG_SAVE_BUDGET */
} DbgConfig;

#define DBG_SAVE_INTERVAL 10000000ULL    /* why: docs/debugger.md "Saved points" */
#define DBG_SAVE_BUDGET   ((size_t)48 << 20)

/* A machine for prog (a reference is taken) started as `mvm run` would, with argv as
 * its arguments, standing before its first instruction. NULL when out of memory. */
DbgEngine *dbg_open(Program *prog, const VmOptions *opt, int argc, char **argv, const DbgConfig *cfg);
void       dbg_close(DbgEngine *e);

/* Moving. Each returns the event and fills *stop. */
DbgEvent dbg_step(DbgEngine *e, uint64_t n, DbgStop *stop);     /* n instructions, any process */
DbgEvent dbg_next(DbgEngine *e, DbgStop *stop);     /* the next process's next instruction,
                                                       over a CALL or library call */
DbgEvent dbg_finish(DbgEngine *e, DbgStop *stop);   /* until its current function returns */
DbgEvent dbg_continue(DbgEngine *e, DbgStop *stop); /* to a breakpoint, watch or the end */
DbgEvent dbg_back(DbgEngine *e, uint64_t n, DbgStop *stop);    /* n instructions back */
DbgEvent dbg_rcontinue(DbgEngine *e, DbgStop *stop);/* back to the previous breakpoint or
                                                       watch hit */
/* Where the machine stands now (event DBG_STEPPED, or DBG_ENDED). */
void     dbg_where_now(DbgEngine *e, DbgStop *stop);

/* Breakpoints: spec is LINE (of the main program), LABEL or module.fn, optionally
 * followed by `if EXPR` (REG|[ADDR]|PID  ==|!=|<|<=|>|>=  VALUE). Return the new
 * breakpoint's number, or -1 with a message in msg. */
int  dbg_break(DbgEngine *e, const char *spec, bool temporary, char *msg, size_t msglen);
/* Delete breakpoint or watch n (0: all). 0, or -1 when there is none such. */
int  dbg_delete(DbgEngine *e, int n);
/* Stop when the word at addr of process pid (0: the process that runs next) changes.
 * Returns its number (breakpoints and watches share numbers), or -1 with a message. */
int  dbg_watch(DbgEngine *e, int64_t addr, int64_t pid, char *msg, size_t msglen);

/* Views, as JSON (the caller deletes them); NULL with a message in msg when the view
 * cannot be made (no such process, bad range). pid 0 means the process that runs next. */
cJSON *dbg_view_regs(DbgEngine *e, int64_t pid, char *msg, size_t msglen);
cJSON *dbg_view_print(DbgEngine *e, const char *what, int64_t pid, char *msg, size_t msglen);
cJSON *dbg_view_mem(DbgEngine *e, int64_t a, int64_t b, int64_t pid, char *msg, size_t msglen);
cJSON *dbg_view_stack(DbgEngine *e, int64_t pid, char *msg, size_t msglen);
cJSON *dbg_view_bt(DbgEngine *e, int64_t pid, char *msg, size_t msglen);
cJSON *dbg_view_ps(DbgEngine *e);
cJSON *dbg_view_mailboxes(DbgEngine *e);
cJSON *dbg_view_sems(DbgEngine *e);        /* the live semaphores, by increasing id */
cJSON *dbg_view_where(DbgEngine *e, int context);
cJSON *dbg_view_breaks(DbgEngine *e);
cJSON *dbg_view_stop(const DbgStop *stop);
/* Print a view made by one of the calls above as text, one item a line. */
void   dbg_print_view(const cJSON *view, FILE *f);

/* Facts about the saved points, for docs and tests: how many, bytes, interval. */
void dbg_saved_stats(DbgEngine *e, size_t *count, size_t *bytes, uint64_t *interval);

/* For views.c: the machine, and the process that runs next (NULL when none). */
VM   *dbg_machine(DbgEngine *e);
Proc *dbg_next_process(DbgEngine *e);
/* The instruction p runs next (a module's end returns to its caller first). */
uint32_t dbg_next_pc(const Proc *p);

#endif
