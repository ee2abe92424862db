/*
 * record.h - the run recorder behind --stats, --stats-json and --timeline (SPEC 11.4).
 *
 * The kernel tells the recorder what happens to each process: created, given the core,
 * ready, sleeping, paused, ended, and the marks worth a tick on a chart (fork, spawn,
 * exit, signal, WouldBlock). From that it keeps, per process, the numbers of the --stats
 * table, and, for a timeline, the run itself. Every time is virtual: vm->steps, the
 * instruction counter a program reads at clock address 2, so a recording is the same on
 * every machine and every run.
 *
 * A timeline holds the run exactly (each running stretch, state change and mark) while
 * it has at most REC_EXACT_MAX stretches; beyond that it turns into spans: the run is cut
 * into equal spans of 2^shift instructions, at most REC_SPANS of them (the span doubles,
 * and neighbours merge, whenever the run outgrows them), and each process keeps, per span,
 * how many instructions it ran there and which states and marks it had.
 *
 * Nothing here is on the interpreter's hot path: while no recorder is attached vm->rec is
 * NULL and each hook is one test; round-robin's fast turn end is left only when one is.
 */
#ifndef MVM_RECORD_H
#define MVM_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel.h"

#define REC_EXACT_MAX 100000   /* stretches held exactly (SPEC 11.4) */
#define REC_SPANS     2000     /* spans at most, once aggregated */
#define REC_NONE      UINT64_MAX       /* a time that has not come */
#define REC_EARLIER   (UINT64_MAX - 1) /* a time before recording began (a resumed run) */

/* Marks: ticks on a chart. */
typedef enum RecMarkKind { MARK_FORK, MARK_SPAWN, MARK_EXIT, MARK_SIGNAL, MARK_WOULDBLOCK,
                           MARK_KIND_COUNT } RecMarkKind;
extern const char *const rec_mark_name[MARK_KIND_COUNT];   /* "fork", "spawn", ... */
/* States as reports name them: "ready", "paused", "sleeping", "ended". */
extern const char *const rec_state_name[PROC_STATE_COUNT];

/* One running stretch: pid ran [start, start + len) from source line `line`. */
typedef struct RecStretch { uint64_t start, len; uint32_t pid, line; } RecStretch;
/* From `at` on, pid is in `state` (a ProcState); ready is implied at creation. */
typedef struct RecChange  { uint64_t at; uint32_t pid; uint8_t state; } RecChange;
/* A mark: kind at `at` in pid; arg is the child's PID (fork, spawn), the exit code, the
 * signal number or the system call number (WouldBlock). */
typedef struct RecMark    { uint64_t at; uint32_t pid; uint8_t kind; int64_t arg; } RecMark;

/* Bits of a span cell's `seen`: the states a process was in during the span (running
 * counts as ready) and the marks that fell in it. */
#define SEEN_STATE(s) (1u << (s))                    /* s a ProcState */
#define SEEN_MARK(k)  (1u << (PROC_STATE_COUNT + (k)))

/* One process, by PID - 1: its --stats row and, once aggregated, its spans. */
typedef struct RecProc {
    /* What every switch touches, together at the start. */
    uint64_t turns;           /* stretches: times it got the core after another process
                                 ran, or after it slept or was paused */
    uint64_t first_run;       /* REC_NONE until it runs; REC_EARLIER: before a resume */
    bool     known;           /* a row exists (PIDs of processes created before a resume
                                 that had already ended have none) */
    uint32_t pend_span;       /* in spans: instructions run in span pend_span, not yet */
    uint64_t pend;            /*   added to its cell (record.c: flush) */
    uint32_t name;            /* index into Recorder.names: the program it ran last */
    uint64_t created, ended;  /* REC_NONE: not (yet); REC_EARLIER: before a resume */
    uint64_t instructions, waiting;   /* final: set when it ends, or at rec_finish */
    uint64_t ready_since;     /* when it last entered the ready state (or recording began) */
    uint64_t ready_time;      /* instructions executed while it was ready, its own included */
    uint64_t icount0;         /* its Proc.icount when recording began for it */
    uint64_t state_at;        /* since when it has been in `state` (for span cells) */
    int64_t  exit_code;
    int8_t   nice;
    uint8_t  level, state;
    uint32_t first_span, nspans, spans_cap;   /* cells for spans first_span .. + nspans */
    uint64_t *ran;            /* instructions run in each of those spans */
    uint16_t *seen;           /* SEEN_* bits of each */
} RecProc;

typedef struct Recorder {
    bool     timeline;        /* keep the run itself, not only the --stats numbers */
    uint64_t begin;           /* vm->steps when recording began (0, or the resume point) */
    uint64_t end;             /* vm->steps when it ended (rec_finish) */
    RecProc *procs;           /* by PID - 1 */
    size_t   nprocs, procs_cap;
    char   **names;           /* distinct program names, in order of first use */
    size_t   nnames, names_cap;

    uint32_t running;         /* PID of the process with the core (0: none) */
    uint64_t run_from;        /* ... since this step */
    uint32_t run_line;        /* ... from this source line */
    bool     counts_only;     /* no exact stretches are kept (--stats alone, or spans):
                                 a switch only counts (rec_switch) */

    bool     aggregated;      /* spans instead of exact lists */
    unsigned shift;           /* span width 2^shift instructions (aggregated) */
    RecStretch *stretches;    size_t nstretches, stretches_cap;
    RecChange  *changes;      size_t nchanges, changes_cap;
    RecMark    *marks;        size_t nmarks, marks_cap;
    bool     out_of_memory;   /* something could not be kept: the recording says so */
} Recorder;

/* Attach a recorder to vm before vm_run (or after a resume): every live process gets a
 * row. `timeline`: keep the run too. Returns 0, or -1 when out of memory. */
int  rec_start(VM *vm, bool timeline);
/* Close the recording at the end of the run (open stretches and states end here). */
void rec_finish(VM *vm);
void rec_free(VM *vm);

/* Hooks (kernel only); each is called only while vm->rec is set. */
void rec_created(VM *vm, Proc *p);                /* after p got its program and parent */
void rec_discarded(VM *vm, Proc *p);              /* p's creation was undone: no row */
void rec_dispatched(VM *vm, Proc *p);             /* p has the core from now on */
void rec_state_changed(VM *vm, Proc *p);          /* p->state was just set */
void rec_mark(VM *vm, Proc *p, RecMarkKind kind, int64_t arg);
/* p took n turns the kernel did not dispatch one by one (the run-ahead engine's groups,
 * ahead.c: counts only, never with a timeline). */
void rec_add_turns(VM *vm, Proc *p, uint64_t n);
/* ... and p was the last of them to run: the next process given the core takes a turn. */
void rec_ran_last(VM *vm, Proc *p);

/* The usual switch, inline: p, which has run before, gets the core while nothing but
 * counts is kept (no exact stretch to close, no span ending). Else rec_dispatched. */
static inline void rec_switch(VM *vm, Proc *p)
{
    Recorder *r = vm->rec;
    uint64_t i = (uint64_t)p->pid - 1, o = r->running - 1u;
    if (r->counts_only && i < r->nprocs && o < r->nprocs && o != i) {
        RecProc *rp = &r->procs[i], *ran = &r->procs[o];
        uint64_t span = vm->steps >> r->shift;
        if (rp->known && rp->first_run != REC_NONE && ran->pend_span == span &&
            r->run_from >> r->shift == span) {
            ran->pend += vm->steps - r->run_from;   /* the stretch that ends, in its span */
            rp->turns++;
            r->running = (uint32_t)p->pid;
            r->run_from = vm->steps;
            return;
        }
    }
    rec_dispatched(vm, p);
}

/* Set p's state and tell the recorder: every state change of a process goes through here. */
static inline void proc_enter_state(VM *vm, Proc *p, ProcState s)
{
    p->state = s;
    if (__builtin_expect(vm->rec != NULL, 0))
        rec_state_changed(vm, p);
}

/* The program name shown for a row: its file's base name. */
const char *rec_name(const Recorder *r, const RecProc *rp);
/* The PID of row i. */
static inline int64_t rec_pid(size_t i) { return (int64_t)i + 1; }

/* The --stats table (stats.c); --stats-json FILE (0 or an errno value); the same numbers
 * as a cJSON object (NULL when out of memory), which .json timelines begin with. */
struct cJSON;
void rec_print_table(const VM *vm, FILE *f);
int  rec_write_stats_json(const VM *vm, const char *path);
struct cJSON *rec_stats_json(const VM *vm);

#endif
