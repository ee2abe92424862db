/*
 * timeline_txt.c - the .txt timeline: the Gantt chart in text for a terminal, at most 100
 * columns wide (SPEC 11.4). Each column stands for an equal slice of virtual time; a
 * process's row shows, per slice, what it mostly did there:
 *
 *   #  ran (most of the slice)   +  ran (part of it)   .  ready, waiting for the core
 *   z  sleeping                  p  paused             (blank) not yet created, or ended
 *
 * Below the rows: the time axis in instructions, and the legend.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/sched.h"
#include "timeline.h"

#define TXT_WIDTH  100
#define LABEL_W    18                      /* "PID 12 name.kar   " */
#define CHART_W    (TXT_WIDTH - LABEL_W - 1)   /* slices; one column left for the edge */

/* What one process did in each slice: instructions run, and the states it was in. */
typedef struct Slices { uint64_t ran[CHART_W]; uint16_t seen[CHART_W]; } Slices;

/* Add `bits` over [a, b) (or the instant a when a == b) to the slices it covers. */
static void cover(Slices *s, uint64_t begin, uint64_t width, uint64_t a, uint64_t b, uint16_t bits)
{
    if (b < a || a < begin)
        return;
    uint64_t first = (a - begin) / width, last = (b > a ? b - 1 - begin : a - begin) / width;
    for (uint64_t k = first; k <= last && k < CHART_W; k++)
        s->seen[k] |= bits;
}

static void add_ran(Slices *s, uint64_t begin, uint64_t width, uint64_t a, uint64_t len)
{
    for (uint64_t t = a, end = a + len; t < end;) {
        uint64_t k = (t - begin) / width, stop = begin + (k + 1) * width;
        if (stop > end)
            stop = end;
        if (k < CHART_W)
            s->ran[k] += stop - t;
        t = stop;
    }
}

/* Fill the slices of every process from the recording, exact or in spans. */
static void fill(const Recorder *r, Slices *rows, uint64_t begin, uint64_t width)
{
    if (!r->aggregated) {
        for (size_t i = 0; i < r->nstretches; i++) {
            const RecStretch *x = &r->stretches[i];
            add_ran(&rows[x->pid - 1], begin, width, x->start, x->len);
        }
        /* Each change opens a state that lasts until the process's next change. */
        uint64_t *since = calloc(r->nprocs ? r->nprocs : 1, sizeof *since);
        int *state = malloc((r->nprocs ? r->nprocs : 1) * sizeof *state);
        if (!since || !state) {
            free(since);
            free(state);
            return;
        }
        for (size_t i = 0; i < r->nprocs; i++)
            state[i] = -1;
        for (size_t i = 0; i < r->nchanges; i++) {
            const RecChange *c = &r->changes[i];
            size_t j = c->pid - 1;
            if (state[j] >= 0)
                cover(&rows[j], begin, width, since[j], c->at, SEEN_STATE(state[j]));
            state[j] = c->state;
            since[j] = c->at;
        }
        for (size_t j = 0; j < r->nprocs; j++)
            if (state[j] >= 0 && state[j] != PROC_EXITED)
                cover(&rows[j], begin, width, since[j], r->end, SEEN_STATE(state[j]));
        free(since);
        free(state);
        return;
    }
    uint64_t span = UINT64_C(1) << r->shift;
    for (size_t j = 0; j < r->nprocs; j++) {
        const RecProc *rp = &r->procs[j];
        for (uint32_t k = 0; k < rp->nspans; k++) {
            uint64_t a = (uint64_t)(rp->first_span + k) * span;
            uint64_t b = a + span > r->end ? r->end : a + span;
            if (b <= a)
                b = a + 1;
            /* A span's instructions are spread evenly over the slices it covers. */
            uint64_t slices = (b - a + width - 1) / width;
            if (a >= begin)
                for (uint64_t t = a; t < b; t += width) {
                    uint64_t k2 = (t - begin) / width;
                    if (k2 < CHART_W)
                        rows[j].ran[k2] += rp->ran[k] / (slices ? slices : 1);
                }
            cover(&rows[j], begin, width, a, b, rp->seen[k] & (SEEN_STATE(PROC_STATE_COUNT) - 1));
        }
    }
}

static char symbol(const Slices *s, int k, uint64_t width)
{
    if (s->ran[k] * 2 >= width)
        return '#';
    if (s->ran[k])
        return '+';
    uint16_t seen = s->seen[k];
    if (seen & SEEN_STATE(PROC_PAUSED))
        return 'p';
    if (seen & SEEN_STATE(PROC_SLEEPING))
        return 'z';
    if (seen & SEEN_STATE(PROC_READY))
        return '.';
    return ' ';
}

/* Print text in lines of at most TXT_WIDTH columns, broken after a comma where one is in
 * reach (a title with big numbers, or spans, can be longer); later lines are indented. */
static void put_wrapped(FILE *f, const char *text)
{
    for (size_t limit = TXT_WIDTH; strlen(text) > limit; limit = TXT_WIDTH - 2) {
        const char *cut = text + limit;   /* no comma in reach: break anywhere */
        for (const char *q = text + limit; q > text; q--)
            if (q[-1] == ',' && q[0] == ' ') {
                cut = q;
                break;
            }
        fprintf(f, "%.*s\n  ", (int)(cut - text), text);
        text = *cut == ' ' ? cut + 1 : cut;
    }
    fprintf(f, "%s\n", text);
}

int timeline_txt(FILE *f, const VM *vm)
{
    const Recorder *r = vm->rec;
    uint64_t begin = r->begin, length = r->end > r->begin ? r->end - r->begin : 1;
    int cols = length < CHART_W ? (int)length : CHART_W;
    uint64_t width = (length + (uint64_t)cols - 1) / (uint64_t)cols;
    cols = (int)((length + width - 1) / width);   /* the columns the run fills at that width */
    uint64_t last_width = length - (uint64_t)(cols - 1) * width;   /* the last may be partial */
    Slices *rows = calloc(r->nprocs ? r->nprocs : 1, sizeof *rows);
    if (!rows)
        return ENOMEM;
    fill(r, rows, begin, width);

    char title[256];
    char policy[64];
    snprintf(title, sizeof title, "timeline: %s, instructions %" PRIu64 " to %" PRIu64
             ", one column = %" PRIu64 " instruction%s%s",
             sched_describe(vm, policy, sizeof policy), r->begin, r->end, width, width == 1 ? "" : "s",
             r->aggregated ? " (recorded in spans)" : "");
    put_wrapped(f, title);
    for (size_t j = 0; j < r->nprocs; j++) {
        if (!r->procs[j].known)
            continue;
        char label[64];
        snprintf(label, sizeof label, "%" PRId64 " %s", rec_pid(j), rec_name(r, &r->procs[j]));
        fprintf(f, "%-*.*s|", LABEL_W - 1, LABEL_W - 2, label);
        int last = cols;
        while (last > 0 && symbol(&rows[j], last - 1, last == cols ? last_width : width) == ' ')
            last--;
        for (int k = 0; k < last; k++)
            fputc(symbol(&rows[j], k, k == cols - 1 ? last_width : width), f);
        fputc('\n', f);
    }
    /* The axis: a tick every 10 columns, labelled with its instruction count. */
    fprintf(f, "%*s+", LABEL_W - 1, "");
    for (int k = 1; k < cols; k++)
        fputc(k % 10 == 0 ? '+' : '-', f);
    fputc('\n', f);
    char axis[TXT_WIDTH + 32];
    memset(axis, ' ', sizeof axis);
    int end = 0;
    for (int k = 0; k < cols; k += 10) {
        char n[32];
        int len = snprintf(n, sizeof n, "%" PRIu64, begin + (uint64_t)k * width);
        int at = LABEL_W - 1 + k;
        if (at < end + 1 && k > 0)
            continue;   /* the previous label is still in the way */
        if (at + len > TXT_WIDTH)
            break;
        memcpy(axis + at, n, (size_t)len);
        end = at + len;
    }
    fprintf(f, "%.*s\n", end, axis);
    fputs("# ran  + ran part of the column  . ready  z sleeping  p paused  (blank) not there\n", f);
    free(rows);
    return ferror(f) ? EIO : 0;
}
