/*
 * chart.c - a recording turned into rows of segments and a layout (see chart.h), shared by
 * the .svg and .html timelines.
 *
 * Exact recordings map one to one: a stretch is a run, the time between two state changes
 * of a process is a band, a mark is a mark. Recordings in spans keep, per process and span,
 * only the instructions it ran and which states and marks it had; neighbouring spans that
 * look the same on the chart become one segment, which is what keeps the chart of a run of
 * 1,000 processes small (bench/procs.kar: a few elements per process, not per span).
 */
#include "chart.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/sched.h"

/* Layout, in pixels. The plot is as wide as a slide allows; rows shrink from 24 px so
 * that the chart stays about 700 px tall, but never below 2.5 px (1,000 processes give a
 * 2,500 px chart: each row still a visible line, as the brief for procs.kar asks). */
#define PLOT_W          960.0
#define MARGIN_R        24.0
#define TITLE_H         44.0
#define ROW_MAX         24.0
#define ROW_MIN         2.5
#define ROWS_H          700.0
#define LABEL_PITCH     13.0     /* labels closer than this would overlap */
#define CHAR_W          6.2      /* a label character at 11 px, roughly (no font metrics here) */
#define AXIS_H          44.0     /* the axis, its labels and its caption */
#define LEGEND_LINE_H   20.0
/* Marks of one kind closer than this in one row are drawn as one (with a count): a retry
 * loop would otherwise put thousands of ticks on one pixel. */
#define MARK_MERGE_PX   2.0

/* ---------------------------------------------------------------- small tools */

/* Append *elem to the array *arr (n elements, capacity *cap). False when out of memory. */
static bool push(void **arr, size_t *n, size_t *cap, size_t size, const void *elem)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        void *a = realloc(*arr, c * size);
        if (!a)
            return false;
        *arr = a;
        *cap = c;
    }
    memcpy((char *)*arr + *n * size, elem, size);
    (*n)++;
    return true;
}
#define PUSH(row, list, n, cap, elem) \
    push((void **)&(row)->list, &(row)->n, &(row)->cap, sizeof *(row)->list, (elem))

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* ---------------------------------------------------------------- rows and layout */

/* A process that had ended before a resumed recording began has nothing to show. */
static bool has_row(const RecProc *rp)
{
    return rp->known && !(rp->state == PROC_EXITED && rp->ended == REC_NONE);
}

/* One row per process with something to show, in PID order; row_of[pid - 1] is its row
 * (SIZE_MAX: none). */
static int collect_rows(Chart *c, size_t *row_of)
{
    const Recorder *r = c->rec;
    c->rows = calloc(r->nprocs ? r->nprocs : 1, sizeof *c->rows);
    if (!c->rows)
        return ENOMEM;
    for (size_t i = 0; i < r->nprocs; i++) {
        row_of[i] = SIZE_MAX;
        if (!has_row(&r->procs[i]))
            continue;
        row_of[i] = c->nrows;
        c->rows[c->nrows++] = (ChartRow){
            .pid = rec_pid(i), .name = rec_name(r, &r->procs[i]),
            .ended = r->procs[i].ended, .exit_code = r->procs[i].exit_code,
        };
    }
    return 0;
}

/* The smallest of 1, 2, 5, 10, 20, 50, ... that is at least n. */
static unsigned nice_at_least(double n)
{
    for (unsigned p = 1;; p *= 10)
        for (unsigned m = 1; m <= 5; m += m == 1 ? 1 : 3)
            if (m * p >= n)
                return m * p;
}

/* Which rows carry a label: all when they are tall enough; else PID 1's row and every
 * row whose PID is a multiple of label_every (round numbers are easier to find). */
static void choose_labels(Chart *c)
{
    c->label_every = c->row_h >= LABEL_PITCH ? 1 : nice_at_least(LABEL_PITCH / c->row_h);
    size_t last = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        bool round = c->rows[i].pid % c->label_every == 0;
        c->rows[i].labelled = i == 0 || (round && i - last >= (c->label_every + 1) / 2);
        if (c->rows[i].labelled)
            last = i;
    }
}

/* Characters in a label "PID 12 name" (names cut at CHART_NAME_CHARS; UTF-8 counted by
 * character). */
static size_t label_chars(const ChartRow *row)
{
    char pid[32];
    size_t n = (size_t)snprintf(pid, sizeof pid, "PID %" PRId64 " ", row->pid), name = 0;
    for (const unsigned char *s = (const unsigned char *)row->name; *s; s++)
        name += (*s & 0xC0) != 0x80;
    return n + (name > CHART_NAME_CHARS ? CHART_NAME_CHARS : name);
}

static void layout(Chart *c)
{
    size_t n = c->nrows ? c->nrows : 1, chars = 0;
    c->row_h = fmin(ROW_MAX, fmax(ROW_MIN, floor(ROWS_H / (double)n * 2) / 2));
    c->bar_h = c->row_h >= 8 ? round(c->row_h * 0.72) : c->row_h;
    c->font = c->row_h >= 11 ? 11 : 10;
    choose_labels(c);
    for (size_t i = 0; i < c->nrows; i++)
        if (c->rows[i].labelled && label_chars(&c->rows[i]) > chars)
            chars = label_chars(&c->rows[i]);
    c->left = fmax(90, round(16 + CHAR_W * (double)chars));
    c->plot_w = PLOT_W;
    c->width = c->left + c->plot_w + MARGIN_R;
    c->top = TITLE_H;
    c->plot_h = c->row_h * (double)n;
    c->scale = c->plot_w / (double)c->length;
    c->axis_y = c->top + c->plot_h + 4;
    c->legend_y = c->axis_y + AXIS_H;
    c->height = c->legend_y + LEGEND_LINE_H * (c->spans ? 3 : 2);
}

/* ---------------------------------------------------------------- marks */

/* Add a mark of `kind` over [a, b] to row, joining the row's last mark of that kind (its
 * index in *last, SIZE_MAX: none) when `join` says they touch. */
static bool add_mark(ChartRow *row, size_t *last, bool join, const ChartMark *m)
{
    if (*last != SIZE_MAX && join) {
        ChartMark *g = &row->marks[*last];
        g->b = m->b;
        g->count = g->count && m->count ? g->count + m->count : 0;
        return true;
    }
    *last = row->nmarks;
    return PUSH(row, marks, nmarks, marks_cap, m);
}

/* ---------------------------------------------------------------- exact recordings */

static bool exact_runs(Chart *c, const size_t *row_of)
{
    const Recorder *r = c->rec;
    for (size_t i = 0; i < r->nstretches; i++) {
        const RecStretch *x = &r->stretches[i];
        size_t j = x->pid >= 1 && x->pid <= r->nprocs ? row_of[x->pid - 1] : SIZE_MAX;
        ChartRun run = { x->start, x->start + x->len, x->len, x->line, CHART_LEVELS };
        if (j != SIZE_MAX && !PUSH(&c->rows[j], runs, nruns, runs_cap, &run))
            return false;
    }
    return true;
}

/* Close row's band of `state` over [a, b) (ended and empty ones draw nothing). */
static bool close_band(ChartRow *row, int state, uint64_t a, uint64_t b)
{
    static const int8_t band_of[PROC_STATE_COUNT] = {
        [PROC_READY] = BAND_READY, [PROC_SLEEPING] = BAND_SLEEPING,
        [PROC_PAUSED] = BAND_PAUSED, [PROC_EXITED] = -1,
    };
    if (state < 0 || b <= a || band_of[state] < 0)
        return true;
    ChartBand band = { a, b, (uint8_t)band_of[state] };
    return PUSH(row, bands, nbands, bands_cap, &band);
}

/* Each change opens a state that lasts until the process's next change, or the end. */
static bool exact_bands(Chart *c, const size_t *row_of)
{
    const Recorder *r = c->rec;
    int *state = malloc((c->nrows ? c->nrows : 1) * sizeof *state);
    uint64_t *since = malloc((c->nrows ? c->nrows : 1) * sizeof *since);
    bool ok = state && since;
    for (size_t j = 0; ok && j < c->nrows; j++)
        state[j] = -1;
    for (size_t i = 0; ok && i < r->nchanges; i++) {
        const RecChange *x = &r->changes[i];
        size_t j = x->pid >= 1 && x->pid <= r->nprocs ? row_of[x->pid - 1] : SIZE_MAX;
        if (j == SIZE_MAX)
            continue;
        ok = close_band(&c->rows[j], state[j], since[j], x->at);
        state[j] = x->state;
        since[j] = x->at;
    }
    for (size_t j = 0; ok && j < c->nrows; j++)
        ok = close_band(&c->rows[j], state[j], since[j], c->end);
    free(state);
    free(since);
    return ok;
}

static bool exact_marks(Chart *c, const size_t *row_of)
{
    const Recorder *r = c->rec;
    size_t *last = malloc((c->nrows ? c->nrows : 1) * MARK_KIND_COUNT * sizeof *last);
    bool ok = last != NULL;
    for (size_t j = 0; ok && j < c->nrows * MARK_KIND_COUNT; j++)
        last[j] = SIZE_MAX;
    for (size_t i = 0; ok && i < r->nmarks; i++) {
        const RecMark *x = &r->marks[i];
        size_t j = x->pid >= 1 && x->pid <= r->nprocs ? row_of[x->pid - 1] : SIZE_MAX;
        if (j == SIZE_MAX)
            continue;
        ChartRow *row = &c->rows[j];
        size_t *l = &last[j * MARK_KIND_COUNT + x->kind];
        bool join = *l != SIZE_MAX && (double)(x->at - row->marks[*l].b) * c->scale < MARK_MERGE_PX;
        ChartMark m = { x->at, x->at, 1, x->kind, x->arg };
        ok = add_mark(row, l, join, &m);
    }
    free(last);
    return ok;
}

/* ---------------------------------------------------------------- recordings in spans */

/* The most instructions any process ran in each span: a run's share level is measured
 * against it (see span_level). */
static uint64_t *span_max(const Chart *c)
{
    const Recorder *r = c->rec;
    uint64_t *max = calloc(c->nspans ? c->nspans : 1, sizeof *max);
    for (size_t i = 0; max && i < r->nprocs; i++) {
        const RecProc *rp = &r->procs[i];
        for (uint32_t k = 0; k < rp->nspans; k++)
            if (rp->first_span + k < c->nspans && rp->ran[k] > max[rp->first_span + k])
                max[rp->first_span + k] = rp->ran[k];
    }
    return max;
}

/* A share of the core, quantised to 1..CHART_LEVELS (0: did not run). It is measured
 * against the busiest process of the span, not the span's width: 1,000 processes sharing
 * the core equally each run 0.1% of a span, which would paint nothing, while "as much as
 * anyone got" is what the eye should see as a solid bar; a starved process still shows
 * faint beside a busy one. Quantising lets neighbouring spans merge into one rectangle. */
static uint8_t span_level(uint64_t ran, uint64_t max)
{
    if (!ran || !max)
        return 0;
    uint64_t level = (ran * CHART_LEVELS + max - 1) / max;
    return (uint8_t)(level > CHART_LEVELS ? CHART_LEVELS : level);
}

/* The band a span shows: the least ordinary state it saw (paused, then sleeping, then
 * ready), as the .txt chart does; -1 for none. */
static int span_band(uint16_t seen)
{
    if (seen & SEEN_STATE(PROC_PAUSED))
        return BAND_PAUSED;
    if (seen & SEEN_STATE(PROC_SLEEPING))
        return BAND_SLEEPING;
    if (seen & SEEN_STATE(PROC_READY))
        return BAND_READY;
    return -1;
}

/* What a row carries over from one span to the next while walking its cells. */
typedef struct SpanWalk {
    int      level, band;                    /* of the previous span (-1: none) */
    uint64_t prev;                           /* the previous span's index + 1 (0: none) */
    bool     had[MARK_KIND_COUNT];           /* the previous span had this mark */
    size_t   last[MARK_KIND_COUNT];          /* the row's last mark of each kind */
} SpanWalk;

/* The marks of a span covering [a, b): each kind joins the same kind in the span before
 * (`next`: that span directly precedes this one). */
static bool span_marks(ChartRow *row, SpanWalk *w, bool next, uint64_t a, uint64_t b, uint16_t seen)
{
    for (int k = 0; k < MARK_KIND_COUNT; k++) {
        bool has = seen & SEEN_MARK(k);
        /* An exit happens once, at a known time: put it there, not mid-span. */
        uint64_t at = k == MARK_EXIT && row->ended >= a && row->ended <= b ? row->ended : a;
        ChartMark m = { at, k == MARK_EXIT ? at : b, 0, (uint8_t)k, k == MARK_EXIT ? row->exit_code : 0 };
        if (has && !add_mark(row, &w->last[k], next && w->had[k], &m))
            return false;
        w->had[k] = has;
    }
    return true;
}

/* Add span g, covering [a, b) of this process's life, to row. */
static bool span_cell(ChartRow *row, SpanWalk *w, uint64_t g, uint64_t a, uint64_t b,
                      uint64_t ran, uint8_t level, uint16_t seen)
{
    bool next = w->prev == g;   /* it follows the previous span directly */
    if (b <= a) {   /* the process's life leaves nothing of this span: only marks show */
        level = 0;
        seen &= (uint16_t)~(SEEN_STATE(PROC_STATE_COUNT) - 1);
    }
    if (level && next && w->level == level) {
        row->runs[row->nruns - 1].b = b;
        row->runs[row->nruns - 1].ran += ran;
    } else if (level) {
        ChartRun run = { a, b, ran, 0, level };
        if (!PUSH(row, runs, nruns, runs_cap, &run))
            return false;
    }
    int band = span_band(seen);
    if (band >= 0 && next && w->band == band) {
        row->bands[row->nbands - 1].b = b;
    } else if (band >= 0) {
        ChartBand x = { a, b, (uint8_t)band };
        if (!PUSH(row, bands, nbands, bands_cap, &x))
            return false;
    }
    w->level = level;
    w->band = band;
    w->prev = g + 1;
    return span_marks(row, w, next, a, b, seen);
}

static bool span_row(Chart *c, ChartRow *row, const RecProc *rp, const uint64_t *max)
{
    SpanWalk w = { .level = 0, .band = -1 };
    for (int k = 0; k < MARK_KIND_COUNT; k++)
        w.last[k] = SIZE_MAX;
    /* A process's first and last spans are cut to its life, so its bars start at its
     * creation and stop at its end, not at the edges of those spans. */
    uint64_t born = rp->created == REC_NONE ? c->begin : rp->created;
    uint64_t died = rp->ended == REC_NONE ? c->end : rp->ended;
    for (uint32_t k = 0; k < rp->nspans; k++) {
        uint64_t g = (uint64_t)rp->first_span + k;
        uint64_t a = max_u64(max_u64(g * c->span, c->begin), born);
        uint64_t b = min_u64(min_u64((g + 1) * c->span, c->end), max_u64(died, a));
        if (b < a)
            continue;
        uint8_t level = span_level(rp->ran[k], g < c->nspans ? max[g] : 0);
        if (!span_cell(row, &w, g, a, b, rp->ran[k], level, rp->seen[k]))
            return false;
    }
    return true;
}

static bool span_rows(Chart *c, const size_t *row_of)
{
    const Recorder *r = c->rec;
    uint64_t *max = span_max(c);
    bool ok = max != NULL;
    for (size_t i = 0; ok && i < r->nprocs; i++)
        if (row_of[i] != SIZE_MAX)
            ok = span_row(c, &c->rows[row_of[i]], &r->procs[i], max);
    free(max);
    return ok;
}

/* ---------------------------------------------------------------- building */

int chart_build(Chart *c, const VM *vm)
{
    const Recorder *r = vm->rec;
    *c = (Chart){ .vm = vm, .rec = r, .begin = r->begin, .end = max_u64(r->end, r->begin),
                  .spans = r->aggregated };
    c->length = c->end > c->begin ? c->end - c->begin : 1;
    if (c->spans) {
        c->span = UINT64_C(1) << r->shift;
        c->nspans = (r->end + c->span - 1) / c->span;
    }
    size_t *row_of = malloc((r->nprocs ? r->nprocs : 1) * sizeof *row_of);
    if (!row_of || collect_rows(c, row_of) != 0) {
        free(row_of);
        return ENOMEM;
    }
    layout(c);
    bool ok = c->spans ? span_rows(c, row_of)
                       : exact_runs(c, row_of) && exact_bands(c, row_of) && exact_marks(c, row_of);
    free(row_of);
    if (!ok) {
        chart_free(c);
        return ENOMEM;
    }
    return 0;
}

void chart_free(Chart *c)
{
    for (size_t i = 0; c->rows && i < c->nrows; i++) {
        free(c->rows[i].runs);
        free(c->rows[i].bands);
        free(c->rows[i].marks);
    }
    free(c->rows);
    c->rows = NULL;
    c->nrows = 0;
}

/* ---------------------------------------------------------------- text */

uint64_t chart_axis_step(double length, double width, double min_px)
{
    double want = length * min_px / (width > 0 ? width : 1);
    for (uint64_t p = 1;; p *= 10)
        for (uint64_t m = 1; m <= 5; m += m == 1 ? 1 : 3)
            if ((double)(m * p) >= want || p > UINT64_MAX / 100)
                return m * p;
}

const char *chart_count(char buf[32], uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *chart_axis_label(char buf[32], uint64_t n, uint64_t step, uint64_t end)
{
    static const struct { uint64_t unit; const char *suffix; } units[] = {
        { UINT64_C(1000000000), "G" }, { 1000000, "M" }, { 1000, "k" },
    };
    /* The largest unit at most ten steps (so at most one decimal: 0.5M, 1M, 1.5M);
     * none below 10,000, where plain numbers read as easily. */
    for (size_t i = 0; n > 0 && end >= 10000 && i < sizeof units / sizeof units[0]; i++) {
        if (units[i].unit / 10 > step)
            continue;
        int len = snprintf(buf, 32, "%.3f", (double)n / (double)units[i].unit);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = '\0';
        if (len > 0 && buf[len - 1] == '.')
            buf[--len] = '\0';
        snprintf(buf + len, 32 - (size_t)len, "%s", units[i].suffix);
        return buf;
    }
    return chart_count(buf, n);
}

const char *chart_title(const Chart *c, char *buf, size_t cap)
{
    char a[32], b[32], n[32], w[32], p[32], policy[64];
    int len = snprintf(buf, cap, "MVM timeline: %s, instructions %s to %s, %s process%s",
                       sched_describe(c->vm, policy, sizeof policy), chart_count(a, c->begin),
                       chart_count(b, c->end), chart_count(p, c->nrows), c->nrows == 1 ? "" : "es");
    if (c->spans && len >= 0 && (size_t)len < cap)
        len += snprintf(buf + len, cap - (size_t)len, "; aggregated into %s spans of %s instructions",
                        chart_count(n, c->nspans), chart_count(w, c->span));
    if (c->rec->out_of_memory && len >= 0 && (size_t)len < cap)
        snprintf(buf + len, cap - (size_t)len, " (incomplete: out of memory while recording)");
    return buf;
}

/* The length of the UTF-8 sequence at s if it is one character XML allows, else 0. */
static size_t xml_char_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' ? 1 : 0;
    size_t n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
             : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    uint32_t cp = n == 2 ? s[0] & 0x1F : n == 3 ? s[0] & 0x0F : s[0] & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;   /* (this also stops at the terminating NUL) */
        cp = cp << 6 | (s[i] & 0x3F);
    }
    bool shortest = n == 2 || (n == 3 && cp >= 0x800) || (n == 4 && cp >= 0x10000);
    bool allowed = cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    return n && shortest && allowed ? n : 0;
}

void chart_xml_text(FILE *f, const char *s, size_t max_chars)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t chars = 0; *p; chars++) {
        if (max_chars && chars + 1 == max_chars && p[xml_char_len(p) ? xml_char_len(p) : 1]) {
            fputs("\xE2\x80\xA6", f);   /* an ellipsis: there is more */
            return;
        }
        size_t n = xml_char_len(p);
        switch (n ? *p : 0) {
        case '&':  fputs("&amp;", f); break;
        case '<':  fputs("&lt;", f); break;
        case '>':  fputs("&gt;", f); break;
        case '"':  fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case 0:    fputc('?', f); break;
        default:   fwrite(p, 1, n, f); break;
        }
        p += n ? n : 1;
    }
}
