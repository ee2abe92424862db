/*
 * record.c - the run recorder (see record.h): --stats rows, and the run itself for a
 * timeline, exact up to REC_EXACT_MAX stretches and in spans beyond.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "sched.h"

const char *const rec_mark_name[MARK_KIND_COUNT] = {
    [MARK_FORK] = "fork", [MARK_SPAWN] = "spawn", [MARK_EXIT] = "exit",
    [MARK_SIGNAL] = "signal", [MARK_WOULDBLOCK] = "wouldblock",
};

const char *const rec_state_name[PROC_STATE_COUNT] = {
    [PROC_READY] = "ready", [PROC_PAUSED] = "paused", [PROC_SLEEPING] = "sleeping",
    [PROC_EXITED] = "ended",
};

/* ---------------------------------------------------------------- small tools */

/* Make room for one more element of size `size` in *arr (count n, capacity *cap). */
static bool grow(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 64;
    void *a = realloc(*arr, c * size);
    if (!a)
        return false;
    *arr = a;
    *cap = c;
    return true;
}
#define GROW(r, list, n, cap) grow((void **)&(r)->list, (r)->n, &(r)->cap, sizeof *(r)->list)

/* The row of PID pid, created (zeroed) if new; NULL when out of memory. */
static RecProc *row(Recorder *r, int64_t pid)
{
    size_t i = (size_t)(pid - 1);
    if (i >= r->procs_cap) {
        size_t c = r->procs_cap ? r->procs_cap : 64;
        while (c <= i)
            c *= 2;
        RecProc *a = realloc(r->procs, c * sizeof *a);
        if (!a)
            return NULL;
        memset(a + r->procs_cap, 0, (c - r->procs_cap) * sizeof *a);
        r->procs = a;
        r->procs_cap = c;
    }
    if (i >= r->nprocs)
        r->nprocs = i + 1;
    return &r->procs[i];
}

static RecProc *known_row(Recorder *r, int64_t pid)
{
    size_t i = (size_t)(pid - 1);
    return i < r->nprocs && r->procs[i].known ? &r->procs[i] : NULL;
}

/* The index of the name of p's program (its base name), added if new. */
static uint32_t name_of(Recorder *r, const Proc *p)
{
    const char *path = p->cpu.prog && p->cpu.prog->path ? p->cpu.prog->path : "?";
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    for (size_t i = r->nnames; i-- > 0;)
        if (strcmp(r->names[i], base) == 0)
            return (uint32_t)i;
    char *copy = strdup(base);
    if (!copy || !GROW(r, names, nnames, names_cap)) {
        free(copy);
        r->out_of_memory = true;
        return 0;
    }
    r->names[r->nnames] = copy;
    return (uint32_t)r->nnames++;
}

const char *rec_name(const Recorder *r, const RecProc *rp)
{
    return rp->name < r->nnames ? r->names[rp->name] : "?";
}

/* ---------------------------------------------------------------- spans */

static uint64_t span_of(const Recorder *r, uint64_t t) { return t >> r->shift; }

/* Double the span width: every process's neighbouring cells merge. */
static void widen_spans(Recorder *r)
{
    r->shift++;
    for (size_t i = 0; i < r->nprocs; i++) {
        RecProc *rp = &r->procs[i];
        rp->pend_span >>= 1;
        if (!rp->nspans)
            continue;
        /* Cell k moves to cell `to` <= k; every cell is emptied before any moves in. */
        uint32_t first = rp->first_span >> 1, last = (rp->first_span + rp->nspans - 1) >> 1;
        for (uint32_t k = 0; k < rp->nspans; k++) {
            uint32_t to = ((rp->first_span + k) >> 1) - first;
            uint64_t ran = rp->ran[k];
            uint16_t seen = rp->seen[k];
            rp->ran[k] = 0;
            rp->seen[k] = 0;
            rp->ran[to] += ran;
            rp->seen[to] |= seen;
        }
        rp->first_span = first;
        rp->nspans = last - first + 1;
    }
}

/* Make rp's cells reach the span holding time t, widening the spans first while t lies
 * beyond REC_SPANS of them; *k = that cell. False when out of memory. */
static bool cell_ready(Recorder *r, RecProc *rp, uint64_t t, uint32_t *k)
{
    while (span_of(r, t) >= REC_SPANS)
        widen_spans(r);
    uint32_t g = (uint32_t)span_of(r, t);
    if (!rp->nspans)
        rp->first_span = g;
    if (g < rp->first_span)
        g = rp->first_span;   /* cannot happen: a process's times only grow */
    uint32_t need = g - rp->first_span + 1;
    if (need > rp->spans_cap) {
        uint32_t c = rp->spans_cap ? rp->spans_cap : 8;
        while (c < need)
            c *= 2;
        uint64_t *ran = realloc(rp->ran, c * sizeof *ran);
        if (ran)
            rp->ran = ran;
        uint16_t *seen = ran ? realloc(rp->seen, c * sizeof *seen) : NULL;
        if (!seen) {
            r->out_of_memory = true;
            return false;
        }
        rp->seen = seen;
        rp->spans_cap = c;
    }
    for (; rp->nspans < need; rp->nspans++) {   /* (usually one new cell: no memset) */
        rp->ran[rp->nspans] = 0;
        rp->seen[rp->nspans] = 0;
    }
    *k = g - rp->first_span;
    return true;
}

/* rp ran [a, b): credit each span it covers with its part. */
static void spans_add_run(Recorder *r, RecProc *rp, uint64_t a, uint64_t b)
{
    uint64_t g = span_of(r, a);
    if (g == span_of(r, b - 1) && g >= rp->first_span && g - rp->first_span < rp->nspans) {
        rp->ran[g - rp->first_span] += b - a;   /* the usual case: a short stretch in a cell
                                                    the process already has */
        return;
    }
    uint32_t k;
    if (b <= a || !cell_ready(r, rp, b - 1, &k))
        return;
    /* cell_ready for b - 1 made every cell up to it exist, at the final width. */
    for (uint64_t t = a; t < b;) {
        uint64_t end = ((t >> r->shift) + 1) << r->shift;
        if (end > b)
            end = b;
        uint64_t cell = span_of(r, t);
        if (cell >= rp->first_span)
            rp->ran[cell - rp->first_span] += end - t;
        t = end;
    }
}

/* rp had `bits` over [a, b] (a single instant when a == b). */
static void spans_mark(Recorder *r, RecProc *rp, uint64_t a, uint64_t b, uint16_t bits)
{
    uint32_t k;
    uint64_t last = b > a ? b - 1 : a;
    if (!cell_ready(r, rp, last, &k))
        return;
    for (uint64_t g = span_of(r, a); g <= span_of(r, last); g++)
        if (g >= rp->first_span)
            rp->seen[g - rp->first_span] |= bits;
}

/* ---------------------------------------------------------------- exact lists */

/* The exact lists, replayed into spans wide enough for a run `now` long; then freed. */
static void spans_from_lists(Recorder *r, uint64_t now)
{
    r->aggregated = true;
    r->counts_only = true;
    r->shift = 0;
    while ((now >> r->shift) >= REC_SPANS / 2)
        r->shift++;
    /* States: replay each process's changes, closing its previous state at each. */
    uint8_t *state = calloc(r->nprocs ? r->nprocs : 1, 1);
    bool *started = calloc(r->nprocs ? r->nprocs : 1, sizeof *started);
    uint64_t *since = calloc(r->nprocs ? r->nprocs : 1, sizeof *since);
    if (!state || !started || !since) {
        r->out_of_memory = true;
    } else {
        for (size_t i = 0; i < r->nchanges; i++) {
            RecChange *c = &r->changes[i];
            size_t j = c->pid - 1;
            if (started[j])
                spans_mark(r, &r->procs[j], since[j], c->at, SEEN_STATE(state[j]));
            started[j] = true;
            state[j] = c->state;
            since[j] = c->at;
        }
    }
    free(state);
    free(started);
    free(since);
    for (size_t i = 0; i < r->nstretches; i++) {
        RecStretch *s = &r->stretches[i];
        spans_add_run(r, &r->procs[s->pid - 1], s->start, s->start + s->len);
    }
    for (size_t i = 0; i < r->nmarks; i++) {
        RecMark *m = &r->marks[i];
        spans_mark(r, &r->procs[m->pid - 1], m->at, m->at, SEEN_MARK(m->kind));
    }
    free(r->stretches);
    free(r->changes);
    free(r->marks);
    r->stretches = NULL;
    r->changes = NULL;
    r->marks = NULL;
    r->nstretches = r->nchanges = r->nmarks = 0;
}

static void aggregate(Recorder *r, uint64_t now);
static void spans_stretch(Recorder *r, RecProc *rp, uint64_t a, uint64_t b);

static void add_stretch(Recorder *r, uint32_t pid, uint64_t a, uint64_t b, uint32_t line)
{
    if (b <= a || !r->timeline)
        return;
    if (r->aggregated) {
        spans_stretch(r, &r->procs[pid - 1], a, b);
        return;
    }
    if (r->nstretches == REC_EXACT_MAX) {
        aggregate(r, b);
        spans_add_run(r, &r->procs[pid - 1], a, b);
        return;
    }
    if (!GROW(r, stretches, nstretches, stretches_cap)) {
        r->out_of_memory = true;
        return;
    }
    r->stretches[r->nstretches++] = (RecStretch){ a, b - a, pid, line };
}

static void add_change(Recorder *r, RecProc *rp, uint32_t pid, uint64_t at, uint8_t from, uint8_t to)
{
    if (!r->timeline)
        return;
    if (r->aggregated) {
        spans_mark(r, rp, rp->state_at, at, SEEN_STATE(from));
        return;
    }
    if (!GROW(r, changes, nchanges, changes_cap)) {
        r->out_of_memory = true;
        return;
    }
    r->changes[r->nchanges++] = (RecChange){ at, pid, to };
}

/* ---------------------------------------------------------------- stretches in spans */

/*
 * In spans a switch must cost next to nothing: the stretch that just ended is added to
 * its process's `pend`, a count for span pend_span kept beside the counters every switch
 * touches anyway, and reaches the (colder) cells only when the process runs in another
 * span (flush). A stretch that crosses a span's end goes to the cells at once.
 */
static void flush(Recorder *r, RecProc *rp)
{
    uint32_t k = rp->pend_span - rp->first_span;
    if (!rp->pend)
        return;
    if (rp->pend_span >= rp->first_span && k < rp->nspans)
        rp->ran[k] += rp->pend;
    else if (cell_ready(r, rp, (uint64_t)rp->pend_span << r->shift, &k))
        rp->ran[k] += rp->pend;
    rp->pend = 0;
}

/* rp ran [a, b) (in spans). */
static void spans_stretch(Recorder *r, RecProc *rp, uint64_t a, uint64_t b)
{
    uint64_t s = span_of(r, a);
    if (b <= a)
        return;
    if (s != rp->pend_span)
        flush(r, rp);
    if (span_of(r, b - 1) != s) {
        spans_add_run(r, rp, a, b);
        return;
    }
    rp->pend_span = s;
    rp->pend += b - a;
}

/* Turn the exact lists into spans: the run has outgrown REC_EXACT_MAX stretches. */
static void aggregate(Recorder *r, uint64_t now)
{
    spans_from_lists(r, now);
    r->counts_only = true;
}

/* ---------------------------------------------------------------- hooks */

void rec_created(VM *vm, Proc *p)
{
    Recorder *r = vm->rec;
    RecProc *rp = row(r, p->pid);
    if (!rp) {
        r->out_of_memory = true;
        return;
    }
    *rp = (RecProc){
        .first_run = REC_NONE, .name = name_of(r, p),
        .created = vm->steps, .ended = REC_NONE, .ready_since = vm->steps,
        .icount0 = p->cpu.icount, .state_at = vm->steps,
        .nice = p->nice, .level = p->level, .state = PROC_READY, .known = true,
    };
    add_change(r, rp, (uint32_t)p->pid, vm->steps, PROC_READY, PROC_READY);
}

void rec_discarded(VM *vm, Proc *p)
{
    RecProc *rp = known_row(vm->rec, p->pid);
    if (rp)
        rp->known = false;   /* (entries of the exact lists naming it are skipped) */
}

/* The stretch of the running process ends now (it is exact lists only that keep them). */
static void end_stretch(VM *vm, Recorder *r)
{
    if (r->running)
        add_stretch(r, r->running, r->run_from, vm->steps, r->run_line);
    r->running = 0;
}

void rec_dispatched(VM *vm, Proc *p)
{
    Recorder *r = vm->rec;
    if (r->running == (uint32_t)p->pid)
        return;   /* it kept the core: the same stretch goes on */
    end_stretch(vm, r);
    RecProc *rp = known_row(r, p->pid);
    if (!rp)
        return;
    rp->turns++;
    if (rp->first_run == REC_NONE)
        rp->first_run = vm->steps;
    r->running = (uint32_t)p->pid;
    r->run_from = vm->steps;
    if (r->timeline && !r->aggregated)
        r->run_line = proc_line(p, p->cpu.pc);   /* (only exact stretches keep their line) */
}

/* What p's row learns when it ends, or when the recording does. */
static void settle(Recorder *r, RecProc *rp, const Proc *p, uint64_t now)
{
    if (rp->state == PROC_READY)
        rp->ready_time += now - rp->ready_since;
    rp->ready_since = now;
    /* Every instruction of a process runs while it is ready: the rest of its time in the
     * ready state went to the others. */
    rp->instructions = p->cpu.icount;
    uint64_t own = p->cpu.icount - rp->icount0;
    rp->waiting = rp->ready_time > own ? rp->ready_time - own : 0;
    rp->nice = p->nice;
    rp->level = p->level;
    rp->name = name_of(r, p);   /* the program it ran last (exec may have changed it) */
    if (r->aggregated && r->timeline)
        flush(r, rp);
}

void rec_state_changed(VM *vm, Proc *p)
{
    Recorder *r = vm->rec;
    RecProc *rp = known_row(r, p->pid);
    if (!rp || rp->state == p->state)
        return;
    if (r->running == (uint32_t)p->pid && p->state != PROC_READY)
        end_stretch(vm, r);
    if (rp->state == PROC_READY)
        rp->ready_time += vm->steps - rp->ready_since;
    rp->ready_since = vm->steps;
    add_change(r, rp, (uint32_t)p->pid, vm->steps, rp->state, (uint8_t)p->state);
    if (p->state == PROC_EXITED) {
        rp->state = (uint8_t)p->state;
        settle(r, rp, p, vm->steps);
        rp->ended = vm->steps;
        rp->exit_code = p->exit_code;
    }
    rp->state = (uint8_t)p->state;
    rp->state_at = vm->steps;
}

void rec_mark(VM *vm, Proc *p, RecMarkKind kind, int64_t arg)
{
    Recorder *r = vm->rec;
    RecProc *rp = known_row(r, p->pid);
    if (!r->timeline || !rp)
        return;
    if (r->aggregated) {
        spans_mark(r, rp, vm->steps, vm->steps, SEEN_MARK(kind));
        return;
    }
    if (!GROW(r, marks, nmarks, marks_cap)) {
        r->out_of_memory = true;
        return;
    }
    r->marks[r->nmarks++] = (RecMark){ vm->steps, (uint32_t)p->pid, (uint8_t)kind, arg };
}

void rec_ran_last(VM *vm, Proc *p)
{
    vm->rec->running = (uint32_t)p->pid;
    vm->rec->run_from = vm->steps;
}

void rec_add_turns(VM *vm, Proc *p, uint64_t n)
{
    RecProc *rp = known_row(vm->rec, p->pid);
    if (rp)
        rp->turns += n;
}

/* ---------------------------------------------------------------- start and end */

int rec_start(VM *vm, bool timeline)
{
    Recorder *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->timeline = timeline;
    r->counts_only = !timeline;
    r->shift = 63;   /* (until spans are needed, every stretch "is in span 0") */
    r->begin = vm->steps;
    vm->rec = r;
    for (size_t i = 0; i < vm->nstats; i++) {   /* ended before the snapshot resumed */
        RecProc *rp = vm->stats[i].pid > 0 ? row(r, vm->stats[i].pid) : NULL;
        if (!rp)
            continue;
        *rp = (RecProc){ .created = REC_EARLIER, .first_run = REC_EARLIER, .ended = REC_EARLIER,
                         .instructions = vm->stats[i].icount,
                         .state = PROC_EXITED, .known = true };
    }
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (!p || p->state == PROC_EXITED)
            continue;
        rec_created(vm, p);
        RecProc *rp = known_row(r, p->pid);
        if (!rp)
            continue;
        if (vm->steps > 0) {   /* made before the snapshot this run resumed */
            rp->created = REC_EARLIER;
            if (p->cpu.icount > 0)
                rp->first_run = REC_EARLIER;
        }
        if (p->state != PROC_READY)
            rec_state_changed(vm, p);
    }
    sched_update_turn_path(vm);
    return r->out_of_memory ? -1 : 0;
}

void rec_finish(VM *vm)
{
    Recorder *r = vm->rec;
    if (!r)
        return;
    end_stretch(vm, r);
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        RecProc *rp = p && p->state != PROC_EXITED ? known_row(r, p->pid) : NULL;
        if (!rp)
            continue;
        settle(r, rp, p, vm->steps);
        if (r->aggregated && r->timeline)
            spans_mark(r, rp, rp->state_at, vm->steps, SEEN_STATE(rp->state));
    }
    r->end = vm->steps;
}

void rec_free(VM *vm)
{
    Recorder *r = vm->rec;
    if (!r)
        return;
    for (size_t i = 0; i < r->nprocs; i++) {
        free(r->procs[i].ran);
        free(r->procs[i].seen);
    }
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
    free(r->procs);
    free(r->stretches);
    free(r->changes);
    free(r->marks);
    free(r);
    vm->rec = NULL;
}
