/*
 * clock.c - the machine's readings of the host clock, and their tape (clock.h). One tape
 * per mvm process, as there is one machine. Out of memory while recording stops the
 * recording: a replay past that point reads the host clock again (the documented
 * behaviour without a tape).
 */
#include "clock.h"

#include <stdbool.h>
#include <stdlib.h>

#include "host.h"
#include "kernel.h"

/* A run of equal readings: value, and the number of readings up to and including it. */
typedef struct Run {
    int64_t value;
    size_t  end;
} Run;

static Run   *runs;
static size_t nruns, cap;
static size_t pos;        /* readings consumed by the machine */
static size_t cur;        /* the run that holds reading pos while replaying */
static bool   on, full;

static size_t recorded(void) { return nruns ? runs[nruns - 1].end : 0; }

static void record(int64_t v)
{
    if (nruns && runs[nruns - 1].value == v) {
        runs[nruns - 1].end++;
        return;
    }
    if (nruns == cap) {
        size_t c = cap ? cap * 2 : 256;
        Run *r = realloc(runs, c * sizeof *r);
        if (!r) {
            full = true;
            return;
        }
        runs = r;
        cap = c;
    }
    runs[nruns] = (Run){ v, recorded() + 1 };
    nruns++;
}

int64_t clock_now_ms(void)
{
    if (on && pos < recorded()) {
        while (runs[cur].end <= pos)
            cur++;
        pos++;
        return runs[cur].value;
    }
    int64_t v = host_time_ms();
    if (on && !full) {
        record(v);
        pos = recorded();
        cur = nruns - 1;
    }
    return v;
}

void clock_wait_ns(int64_t ns)
{
    if (on && pos < recorded())
        return;   /* replaying: that wait happened already */
    host_sleep_ns(ns);
}

void clock_tape_start(void) { on = true; }

size_t clock_tape_position(void) { return pos; }

void clock_tape_rewind(size_t p)
{
    pos = p < recorded() ? p : recorded();
    size_t lo = 0, hi = nruns;   /* the first run whose end is past pos */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (runs[mid].end <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    cur = lo < nruns ? lo : (nruns ? nruns - 1 : 0);
}
