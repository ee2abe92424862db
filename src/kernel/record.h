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
    uint32_t name;            /* index into Recorder.names: the program it ran last */
    int64_t  parent;          /* 0: none (PID 1, or created before a resume) */
    uint64_t created, first_run, ended;   /* REC_NONE: not (yet), or before a resume */
    uint64_t instructions, turns, waiting;
    uint64_t ready_at;        /* REC_NONE, or when it last became ready without the core */
    uint64_t state_at;        /* since when it has been in `state` (for span cells) */
    int64_t  exit_code;
    int8_t   nice;
    uint8_t  level, state;
    bool     known;           /* a row exists (PIDs of processes created before a resume
                                 that had already ended have none) */
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
