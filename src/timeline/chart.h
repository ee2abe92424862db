/*
 * chart.h - the Gantt chart behind the .svg and .html timelines (SPEC 11.4), laid out once
 * so that the two formats draw the same picture and neither walks the recording itself.
 *
 * A Chart turns a recording (kernel/record.h), exact or in spans, into one row per process
 * holding three lists of segments in virtual time:
 *
 *   runs   where it had the core: in an exact recording one per stretch (with the source
 *          line it began at), in spans one per run of neighbouring spans with the same
 *          share level (see CHART_LEVELS)
 *   bands  where it was ready, sleeping or paused (running counts as ready: runs are drawn
 *          over the ready band)
 *   marks  fork, spawn, exit, signal and WouldBlock ticks; marks of one kind too close to
 *          tell apart on the chart (or in neighbouring spans) are one mark with a count
 *
 * and fixes the geometry: the plot's place and width, the row height, which rows carry a
 * label, and the time axis. Times map to x linearly: x = left + (t - begin) * scale.
 */
#ifndef MVM_CHART_H
#define MVM_CHART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../kernel/record.h"

/* Share levels of a run in spans: 1 (a sliver of what the busiest process got in those
 * spans) to CHART_LEVELS (as much as the busiest); an exact run is always CHART_LEVELS. */
#define CHART_LEVELS 4
/* Row labels cut program names to this many characters (tooltips give them whole). */
#define CHART_NAME_CHARS 20

typedef enum ChartBandKind { BAND_READY, BAND_SLEEPING, BAND_PAUSED, BAND_KIND_COUNT } ChartBandKind;

/* [a, b) in instructions. `ran`: instructions run there (b - a when exact); `line`: the
 * source line the stretch began at (0 in spans). */
typedef struct ChartRun  { uint64_t a, b, ran; uint32_t line; uint8_t level; } ChartRun;
typedef struct ChartBand { uint64_t a, b; uint8_t kind; } ChartBand;
/* `count` marks of one kind over [a, b] (a == b: one instant); count 0: "one or more" (in
 * spans the recording keeps only whether a span had the mark). `arg` is the first mark's
 * (record.h: child PID, exit code, signal, system call). */
typedef struct ChartMark { uint64_t a, b; uint32_t count; uint8_t kind; int64_t arg; } ChartMark;

typedef struct ChartRow {
    int64_t    pid;
    const char *name;           /* the program's base name (the recorder owns it) */
    uint64_t   ended;           /* REC_NONE: had not ended when the recording stopped */
    int64_t    exit_code;
    bool       labelled;        /* its label is drawn (with many rows, only every Nth) */
    ChartRun  *runs;   size_t nruns,  runs_cap;
    ChartBand *bands;  size_t nbands, bands_cap;
    ChartMark *marks;  size_t nmarks, marks_cap;
} ChartRow;

typedef struct Chart {
    const VM       *vm;
    const Recorder *rec;
    uint64_t begin, end, length;   /* the recorded instructions; length >= 1 */
    bool     spans;                /* recorded in spans (rec->aggregated) */
    uint64_t span;                 /* ... each this many instructions wide */
    uint64_t nspans;               /* ... this many (as the .json's "spans") */
    ChartRow *rows;  size_t nrows; /* by PID, processes that existed while recording */

    /* Geometry, in SVG pixels. */
    double width, height;
    double left, plot_w;           /* the plot's left edge and width */
    double top, plot_h;            /* the first row's top, and all rows' height */
    double row_h, bar_h;           /* a row's pitch, and the height of its bars */
    double scale;                  /* pixels per instruction */
    double axis_y;                 /* the time axis line */
    double legend_y;               /* the first legend line's baseline */
    double font;                   /* row labels' font size */
    unsigned label_every;          /* label every Nth row (1: all) */
} Chart;

/* Build the chart of vm's finished recording. Returns 0, or ENOMEM (c is then freed). */
int  chart_build(Chart *c, const VM *vm);
void chart_free(Chart *c);

/* The x of instruction t. */
static inline double chart_x(const Chart *c, uint64_t t)
{
    return c->left + (double)(t - c->begin) * c->scale;
}
/* The top of row i's bar. */
static inline double chart_bar_y(const Chart *c, size_t i)
{
    return c->top + (double)i * c->row_h + (c->row_h - c->bar_h) / 2;
}

/* A time-axis step (1, 2 or 5 times a power of ten) leaving at least min_px between
 * ticks when `length` instructions span `width` pixels. The page's script chooses its
 * steps by the same rule when zoomed. */
uint64_t chart_axis_step(double length, double width, double min_px);
/* n with thousands separators ("300,320,000"), into buf[32]; returns buf. */
const char *chart_count(char buf[32], uint64_t n);
/* An axis label for n on an axis with this step that ends at `end`: in k, M or G when
 * that takes at most one decimal ("1.5M"), else in full ("1,400"); into buf[32]. */
const char *chart_axis_label(char buf[32], uint64_t n, uint64_t step, uint64_t end);
/* The title line ("rr, quantum 1, instructions 0 to 1,563 ..."), into buf[cap]. */
const char *chart_title(const Chart *c, char *buf, size_t cap);

/* Write s as XML character data or attribute text: & < > " ' escaped, control characters
 * and bytes that are not UTF-8 written as '?', at most max_chars characters (0: no limit;
 * a name cut short ends with an ellipsis). */
void chart_xml_text(FILE *f, const char *s, size_t max_chars);

#endif
