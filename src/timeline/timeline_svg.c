/*
 * timeline_svg.c - the .svg timeline: the chart of chart.h as a Gantt chart a teacher can
 * put on a slide (SPEC 11.4; docs/timeline.md explains every colour, pattern and tick).
 *
 * The drawing, back to front:
 *   title        scheduler, quantum, instruction range, spans if any
 *   grid         a light vertical line at each axis step
 *   plot         one group per row, in *instruction units* across (x = t - begin) under one
 *                transform, so every stretch lands exactly however far the page zooms;
 *                in each row the ready/sleeping/paused bands, then the runs over them,
 *                then the rails of marks too dense to draw one by one
 *   pins         ticks and end caps, in pixels (shapes must not stretch with the time
 *                scale); each says its instruction in data-t, for the page's script
 *   labels, axis, legend
 * Every element that stands for something has a <title>: browsers show it as a tooltip,
 * and the .html page shows it in its own.
 *
 * The page (timeline_html.c) embeds this same drawing, so the ids (tl-*) and data-*
 * attributes here are what its script relies on.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../tables/signal_table.h"
#include "../tables/syscall_table.h"
#include "timeline.h"

/* Okabe and Ito's palette without black (kept for ticks): told apart with every common
 * colour-vision deficiency. Row i gets colour i mod 7, so neighbours always differ; yellow,
 * the faintest on white, comes last. */
static const char *const palette[] = {
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
};
#define PALETTE_N (sizeof palette / sizeof palette[0])

/* Fill opacity of share levels 1..CHART_LEVELS (runs in spans). */
static const char *const level_opacity[CHART_LEVELS + 1] = { "0", ".3", ".55", ".8", "1" };

/* Each mark kind: its CSS class, its name in titles and the legend. */
static const struct { const char *cls, *name, *plural; } mark_style[MARK_KIND_COUNT] = {
    [MARK_FORK] = { "mF", "fork", "forks" },
    [MARK_SPAWN] = { "mS", "spawn", "spawns" },
    [MARK_EXIT] = { "mE", "exit", "exits" },
    [MARK_SIGNAL] = { "mG", "signal", "signals" },
    [MARK_WOULDBLOCK] = { "mW", "WouldBlock retry", "WouldBlock retries" },
};
static const struct { const char *cls, *name; } band_style[BAND_KIND_COUNT] = {
    [BAND_READY] = { "bR", "ready" }, [BAND_SLEEPING] = { "bS", "sleeping" },
    [BAND_PAUSED] = { "bP", "paused" },
};

/* ---------------------------------------------------------------- numbers */

/* v with at most two decimals, trailing zeros dropped: short, and the same on every
 * machine (the output must not change between runs). */
static const char *px(char buf[32], double v)
{
    int n = snprintf(buf, 32, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    return buf;
}

/* ---------------------------------------------------------------- head */

static void svg_style(FILE *f, const Chart *c)
{
    fputs("<style>\n"
          "text{font-family:sans-serif;fill:#222}\n"
          ".ttl{font-size:14px;font-weight:bold}\n", f);
    fprintf(f, ".lbl{font-size:%gpx;text-anchor:end}\n", c->font);
    fputs(".ax{font-size:10px;fill:#555;text-anchor:middle}\n"
          ".lg{font-size:11px}\n"
          ".grid{stroke:#e6e6e6;stroke-width:1}\n"
          ".axl{stroke:#888;stroke-width:1}\n", f);
    for (size_t i = 0; i < PALETTE_N; i++)
        fprintf(f, ".c%zu{fill:%s}\n", i, palette[i]);
    for (int q = 1; q < CHART_LEVELS; q++)
        fprintf(f, ".q%d{fill-opacity:%s}\n", q, level_opacity[q]);
    fputs(".bR{fill:#cfcfcf}.bS{fill:url(#tl-sleep)}.bP{fill:url(#tl-pause)}\n"
          ".end{fill:#666}\n"
          ".mF{fill:#000}.mS{fill:#fff;stroke:#000;stroke-width:.8}"
          ".mE{fill:#000;stroke:#fff;stroke-width:.5}.mG{fill:#AA3377;stroke:#fff;stroke-width:.5}"
          ".mW{fill:#444}\n"
          "</style>\n", f);
}

/* The sleeping hatch and the paused stripes ("||", a pause sign). Bands live in the plot's
 * instruction units, so the patterns undo its horizontal scale to stay 6 px wide. */
static void svg_patterns(FILE *f, const Chart *c)
{
    fprintf(f, "<pattern id=\"tl-sleep\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
               "patternTransform=\"scale(%.9g 1)\"><rect width=\"6\" height=\"6\" fill=\"#dde6ef\"/>"
               "<path d=\"M0 6L6 0M-1 1L1 -1M5 7L7 5\" stroke=\"#4f6d8c\" stroke-width=\"1.2\"/></pattern>\n",
            1 / c->scale);
    fprintf(f, "<pattern id=\"tl-pause\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"6\" "
               "patternTransform=\"scale(%.9g 1)\"><rect width=\"5\" height=\"6\" fill=\"#f3e6d3\"/>"
               "<rect width=\"2\" height=\"6\" fill=\"#9a5b1c\"/></pattern>\n",
            1 / c->scale);
}

/* The clip regions: the plot (a few pixels wider, for ticks at its edges) and the label
 * column; they matter only when the page zooms. */
static void svg_clips(FILE *f, const Chart *c)
{
    char a[32], b[32], w[32], h[32];
    fprintf(f, "<clipPath id=\"tl-clip\"><rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"/></clipPath>\n",
            px(a, c->left - 6), px(b, c->top - 1), px(w, c->plot_w + 12), px(h, c->plot_h + 2));
    fprintf(f, "<clipPath id=\"tl-clip-l\"><rect x=\"0\" y=\"%s\" width=\"%s\" height=\"%s\"/></clipPath>\n",
            px(b, c->top - c->font), px(w, c->left), px(h, c->plot_h + 2 * c->font));
}

static void svg_head(FILE *f, const Chart *c)
{
    char w[32], h[32], l[32], t[32], pw[32], ph[32], rh[32], ay[32], title[320];
    px(w, c->width);
    px(h, c->height);
    /* The data-* attributes give the page's script the geometry (chart.h). */
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"tl\" width=\"%s\" height=\"%s\" "
               "viewBox=\"0 0 %s %s\" data-begin=\"%" PRIu64 "\" data-end=\"%" PRIu64 "\" "
               "data-length=\"%" PRIu64 "\" data-left=\"%s\" data-top=\"%s\" data-plot-w=\"%s\" "
               "data-plot-h=\"%s\" data-row-h=\"%s\" data-axis-y=\"%s\" data-font=\"%g\">\n",
            w, h, w, h, c->begin, c->end, c->length, px(l, c->left), px(t, c->top),
            px(pw, c->plot_w), px(ph, c->plot_h), px(rh, c->row_h), px(ay, c->axis_y), c->font);
    fputs("<title>", f);
    chart_xml_text(f, chart_title(c, title, sizeof title), 0);
    fputs("</title>\n", f);
    svg_style(f, c);
    fputs("<defs>\n", f);
    svg_patterns(f, c);
    svg_clips(f, c);
    fputs("</defs>\n", f);
    fprintf(f, "<rect width=\"%s\" height=\"%s\" fill=\"#fff\"/>\n", w, h);
    fputs("<text class=\"ttl\" x=\"12\" y=\"24\">", f);
    chart_xml_text(f, title, 0);
    fputs("</text>\n", f);
}

/* ---------------------------------------------------------------- grid and axis */

static void svg_grid(FILE *f, const Chart *c)
{
    uint64_t step = chart_axis_step((double)c->length, c->plot_w, 90);
    char x[32], y1[32], y2[32];
    fputs("<g id=\"tl-grid\" class=\"grid\">", f);
    for (uint64_t t = (c->begin + step - 1) / step * step; t <= c->end; t += step)
        fprintf(f, "<line x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\"/>", px(x, chart_x(c, t)), x,
                px(y1, c->top), px(y2, c->top + c->plot_h));
    fputs("</g>\n", f);
}

static void svg_axis(FILE *f, const Chart *c)
{
    uint64_t step = chart_axis_step((double)c->length, c->plot_w, 90);
    char x[32], x2[32], y[32], y2[32], label[32];
    px(y, c->axis_y);
    fprintf(f, "<line class=\"axl\" x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\"/>\n",
            px(x, c->left), px(x2, c->left + c->plot_w), y, y);
    fputs("<g id=\"tl-axis\">", f);
    for (uint64_t t = (c->begin + step - 1) / step * step; t <= c->end; t += step) {
        px(x, chart_x(c, t));
        fprintf(f, "<line class=\"axl\" x1=\"%s\" x2=\"%s\" y1=\"%s\" y2=\"%s\"/>", x, x, y,
                px(y2, c->axis_y + 4));
        fprintf(f, "<text class=\"ax\" x=\"%s\" y=\"%s\">%s</text>", x, px(y2, c->axis_y + 15),
                chart_axis_label(label, t, step, c->end));
    }
    fputs("</g>\n", f);
    fprintf(f, "<text class=\"ax\" x=\"%s\" y=\"%s\">time in instructions executed (virtual time)</text>\n",
            px(x, c->left + c->plot_w / 2), px(y2, c->axis_y + 31));
}

/* ---------------------------------------------------------------- rows */

/* "PID 3 three.kar" as XML text (the name cut to CHART_NAME_CHARS when `cut`: labels). */
static void row_name(FILE *f, const ChartRow *row, bool cut)
{
    fprintf(f, "PID %" PRId64 " ", row->pid);
    chart_xml_text(f, row->name, cut ? CHART_NAME_CHARS : 0);
}

/* Instructions a to b (b exclusive: the last instruction is b - 1). */
static void range(FILE *f, uint64_t a, uint64_t b)
{
    char x[32], y[32];
    if (b <= a + 1)
        fprintf(f, "instruction %s", chart_count(x, a));
    else
        fprintf(f, "instructions %s to %s", chart_count(x, a), chart_count(y, b - 1));
}

/* Browsers hold SVG coordinates as 32-bit floats, exact only below 2^24: a stretch at
 * instruction 300,000,001 would land some instructions off once the page zooms in that
 * far. So a row's elements sit in groups every 2^CHUNK_SHIFT instructions, each translated
 * to its start (a multiple of 2^20: exact as a float), and their own x stays below 2^20.
 * The first chunk needs no group, so short runs have none. */
#define CHUNK_SHIFT 20
typedef struct Chunk { uint64_t start; bool open; } Chunk;

/* The x of instruction t within its chunk, opening that chunk's group if need be. */
static uint64_t chunk_x(FILE *f, const Chart *c, Chunk *k, uint64_t t)
{
    uint64_t rel = t - c->begin, start = rel >> CHUNK_SHIFT << CHUNK_SHIFT;
    if (start != k->start) {
        if (k->open)
            fputs("</g>", f);
        k->open = start != 0;
        if (k->open)
            fprintf(f, "<g transform=\"translate(%" PRIu64 " 0)\">", start);
        k->start = start;
    }
    return rel - start;
}

static void svg_run(FILE *f, const Chart *c, const ChartRow *row, Chunk *k, const ChartRun *run)
{
    char h[32];
    uint64_t x = chunk_x(f, c, k, run->a);   /* (before the element: it may open a group) */
    fprintf(f, "<rect");
    if (run->level < CHART_LEVELS)
        fprintf(f, " class=\"q%u\"", run->level);
    fprintf(f, " x=\"%" PRIu64 "\" width=\"%" PRIu64 "\" height=\"%s\"><title>",
            x, run->b - run->a, px(h, c->bar_h));
    row_name(f, row, false);
    if (c->spans) {
        char n[32];
        fprintf(f, ": ran %s instructions (%.1f%% of the core) in ", chart_count(n, run->ran),
                100.0 * (double)run->ran / (double)(run->b - run->a));
        range(f, run->a, run->b);
    } else {
        fprintf(f, ", from line %" PRIu32 ": ", run->line);
        range(f, run->a, run->b);
    }
    fputs("</title></rect>", f);
}

static void svg_band(FILE *f, const Chart *c, const ChartRow *row, Chunk *k, const ChartBand *band)
{
    /* Ready is a thin line through the bar (the runs cover it); the other states are
     * wider, patterned bands, since nothing runs over them. */
    double h = band->kind == BAND_READY ? fmax(1, c->bar_h * 0.3) : c->bar_h * 0.6;
    char y[32], hh[32];
    uint64_t x = chunk_x(f, c, k, band->a);
    fprintf(f, "<rect class=\"%s\" x=\"%" PRIu64 "\" y=\"%s\" width=\"%" PRIu64 "\" height=\"%s\"><title>",
            band_style[band->kind].cls, x, px(y, (c->bar_h - h) / 2),
            band->b - band->a, px(hh, h));
    row_name(f, row, false);
    fprintf(f, ": %s, ", band_style[band->kind].name);
    range(f, band->a, band->b);
    fputs("</title></rect>", f);
}

/* Where a mark kind sits in its row's bar: forks and spawns hang from the top, exits and
 * signals sit in the middle, WouldBlock ticks rise from the bottom. */
static double mark_y(const Chart *c, int kind)
{
    return kind == MARK_FORK || kind == MARK_SPAWN ? 0
         : kind == MARK_WOULDBLOCK ? c->bar_h : c->bar_h / 2;
}

/* A mark's description for its title. */
static void mark_text(FILE *f, const Chart *c, const ChartRow *row, const ChartMark *m)
{
    row_name(f, row, false);
    if (m->count > 1)
        fprintf(f, ": %" PRIu32 " %s, ", m->count, mark_style[m->kind].plural);
    else if (m->count == 0 && m->kind != MARK_EXIT)
        fprintf(f, ": %s in the spans of ", mark_style[m->kind].plural);
    else
        fprintf(f, ": %s at ", mark_style[m->kind].name);
    range(f, m->a, m->count == 0 && m->kind != MARK_EXIT ? m->b : m->b + 1);
    if (m->count == 0 && m->kind != MARK_EXIT)
        return;   /* spans keep no arguments */
    int64_t a = m->arg;
    const char *first = m->count > 1 ? " (the first: " : " (";
    if (m->kind == MARK_FORK || m->kind == MARK_SPAWN)
        fprintf(f, "%schild PID %" PRId64 ")", first, a);
    else if (m->kind == MARK_EXIT)
        fprintf(f, "%sexit code %" PRId64 ")", first, a);
    else if (m->kind == MARK_SIGNAL)
        fprintf(f, "%s%s %" PRId64 ")", first, signal_valid(a) ? signal_info[a].name : "signal", a);
    else if (a >= 0 && a <= SYS_MAX && syscall_info[a].name)
        fprintf(f, "%ssystem call %" PRId64 ", %s)", first, a, syscall_info[a].name);
}

/* Marks spread wider than a tick draw a thin rail across their range, in the plot. */
static bool has_rail(const Chart *c, const ChartMark *m)
{
    return (double)(m->b - m->a) * c->scale >= 2.0;
}

static void svg_rail(FILE *f, const Chart *c, const ChartRow *row, Chunk *k, const ChartMark *m)
{
    double t = fmax(0.8, c->bar_h * 0.08), y = mark_y(c, m->kind);
    y = m->kind == MARK_WOULDBLOCK ? y - t : m->kind == MARK_FORK || m->kind == MARK_SPAWN ? y : y - t / 2;
    char ys[32], hs[32];
    uint64_t x = chunk_x(f, c, k, m->a);
    fprintf(f, "<rect class=\"%s\" x=\"%" PRIu64 "\" y=\"%s\" width=\"%" PRIu64 "\" height=\"%s\"><title>",
            mark_style[m->kind].cls, x, px(ys, y), m->b - m->a, px(hs, t));
    mark_text(f, c, row, m);
    fputs("</title></rect>", f);
}

static void svg_row(FILE *f, const Chart *c, size_t i)
{
    const ChartRow *row = &c->rows[i];
    char y[32];
    fprintf(f, "<g class=\"c%zu\" transform=\"translate(0 %s)\" data-row=\"", i % PALETTE_N,
            px(y, chart_bar_y(c, i) - c->top));
    row_name(f, row, false);
    fputs("\">", f);
    Chunk k = { 0, false };
    for (size_t j = 0; j < row->nbands; j++)
        svg_band(f, c, row, &k, &row->bands[j]);
    for (size_t j = 0; j < row->nruns; j++)
        svg_run(f, c, row, &k, &row->runs[j]);
    for (size_t j = 0; j < row->nmarks; j++)
        if (has_rail(c, &row->marks[j]))
            svg_rail(f, c, row, &k, &row->marks[j]);
    fputs(k.open ? "</g></g>\n" : "</g>\n", f);
}

static void svg_plot(FILE *f, const Chart *c)
{
    char l[32], t[32];
    fprintf(f, "<g id=\"tl-plot\" transform=\"translate(%s %s) scale(%.9g 1)\">\n",
            px(l, c->left), px(t, c->top), c->scale);
    for (size_t i = 0; i < c->nrows; i++)
        svg_row(f, c, i);
    fputs("</g>\n", f);
}

/* ---------------------------------------------------------------- pins: ticks, end caps */

/* The outline of a mark of `kind` around its anchor (0, 0): the x of its instruction, and
 * the height in its row's bar where that kind sits (mark_y). */
static void mark_path(FILE *f, const Chart *c, int kind)
{
    double s = fmin(5, fmax(1.5, c->bar_h * 0.4));
    char a[32], b[32], d[32], e[32];
    switch (kind) {
    case MARK_FORK:
    case MARK_SPAWN:   /* a triangle hanging from the top */
        fprintf(f, "M%s 0h%sl%s %sz", px(a, -s), px(b, 2 * s), px(d, -s), px(e, 1.3 * s));
        break;
    case MARK_EXIT:    /* a square */
        fprintf(f, "M%s %sh%sv%sh%sz", px(a, -0.8 * s), a, px(b, 1.6 * s), b, px(d, -1.6 * s));
        break;
    case MARK_SIGNAL:  /* a diamond */
        fprintf(f, "M0 %sl%s %sl%s %sl%s %sz", px(a, -s), px(b, s), b, px(d, -s), b, d, d);
        break;
    default:           /* WouldBlock: a thin tick rising from the bottom */
        fprintf(f, "M-.5 0h1v%sh-1z", px(a, -fmax(1.5, c->bar_h * 0.45)));
        break;
    }
}

static void svg_mark(FILE *f, const Chart *c, size_t i, const ChartMark *m)
{
    /* A single tick stands at its instruction (or mid-span); a rail's tick at its start. */
    uint64_t at = has_rail(c, m) ? m->a : m->a + (m->b - m->a) / 2;
    char x[32], y[32];
    fprintf(f, "<path class=\"%s\" data-t=\"%" PRIu64 "\" transform=\"translate(%s %s)\" d=\"",
            mark_style[m->kind].cls, at, px(x, chart_x(c, at)), px(y, chart_bar_y(c, i) + mark_y(c, m->kind)));
    mark_path(f, c, m->kind);
    fputs("\"><title>", f);
    mark_text(f, c, &c->rows[i], m);
    fputs("</title></path>\n", f);
}

/* A grey cap where a process ended: nothing is drawn after it. */
static void svg_end(FILE *f, const Chart *c, size_t i)
{
    const ChartRow *row = &c->rows[i];
    char x[32], y[32], h[32], h2[32], n[32];
    fprintf(f, "<path class=\"end\" data-t=\"%" PRIu64 "\" transform=\"translate(%s %s)\" d=\"M0 %sh2v%sh-2z\"><title>",
            row->ended, px(x, chart_x(c, row->ended)), px(y, chart_bar_y(c, i) + c->bar_h / 2),
            px(h2, -c->bar_h / 2), px(h, c->bar_h));
    row_name(f, row, false);
    fprintf(f, ": ended at instruction %s (exit code %" PRId64 ")</title></path>\n",
            chart_count(n, row->ended), row->exit_code);
}

static void svg_pins(FILE *f, const Chart *c)
{
    fputs("<g id=\"tl-pins\">\n", f);
    for (size_t i = 0; i < c->nrows; i++) {
        if (c->rows[i].ended != REC_NONE)
            svg_end(f, c, i);
        for (size_t k = 0; k < c->rows[i].nmarks; k++)
            svg_mark(f, c, i, &c->rows[i].marks[k]);
    }
    fputs("</g>\n", f);
}

static void svg_labels(FILE *f, const Chart *c)
{
    char x[32], y[32];
    px(x, c->left - 8);
    fputs("<g id=\"tl-labels\" clip-path=\"url(#tl-clip-l)\">\n", f);
    for (size_t i = 0; i < c->nrows; i++) {
        if (!c->rows[i].labelled)
            continue;
        fprintf(f, "<text class=\"lbl\" x=\"%s\" y=\"%s\">", x,
                px(y, chart_bar_y(c, i) + c->bar_h / 2 + c->font * 0.35));
        row_name(f, &c->rows[i], true);
        fputs("</text>\n", f);
    }
    fputs("</g>\n", f);
}

/* ---------------------------------------------------------------- legend */

/* One legend entry: a swatch drawn by `swatch` (a format with %s for x and y), then text;
 * returns the x after it. Widths are estimated (no font metrics). */
static double legend_item(FILE *f, double x, double y, const char *swatch, double sw, const char *text)
{
    char xs[32], ys[32], ts[32];
    fprintf(f, swatch, px(xs, x), px(ys, y - 9));
    fprintf(f, "<text class=\"lg\" x=\"%s\" y=\"%s\">%s</text>", px(ts, x + sw + 5), px(ys, y), text);
    return x + sw + 5 + 6.0 * (double)strlen(text) + 18;
}

static void legend_states(FILE *f, const Chart *c, double y)
{
    double x = 12;
    char xs[32], ys[32];
    fprintf(f, "<text class=\"lg\" x=\"%s\" y=\"%s\">ran (a colour per process):</text>", px(xs, x), px(ys, y));
    x += 170;
    for (size_t i = 0; i < 4; i++, x += 9)
        fprintf(f, "<rect class=\"c%zu\" x=\"%s\" y=\"%s\" width=\"9\" height=\"10\"/>", i, px(xs, x), px(ys, y - 9));
    x += 18;
    x = legend_item(f, x, y, "<rect class=\"bR\" x=\"%s\" y=\"%s\" width=\"20\" height=\"3\" transform=\"translate(0 3.5)\"/>", 20,
                    "ready, waiting for the core");
    /* The patterns are scaled for the plot's units: the legend uses its own copies. */
    x = legend_item(f, x, y, "<rect x=\"%s\" y=\"%s\" width=\"20\" height=\"10\" fill=\"url(#tl-sleep-l)\"/>", 20, "sleeping");
    x = legend_item(f, x, y, "<rect x=\"%s\" y=\"%s\" width=\"20\" height=\"10\" fill=\"url(#tl-pause-l)\"/>", 20, "paused");
    legend_item(f, x, y, "<rect class=\"end\" x=\"%s\" y=\"%s\" width=\"2\" height=\"10\"/>", 2,
                "ended (nothing after it)");
}

static void legend_marks(FILE *f, double y)
{
    static const char *const shape[MARK_KIND_COUNT] = {
        [MARK_FORK] = "<path class=\"mF\" transform=\"translate(%s %s)\" d=\"M0 0h10l-5 8z\"/>",
        [MARK_SPAWN] = "<path class=\"mS\" transform=\"translate(%s %s)\" d=\"M0 0h10l-5 8z\"/>",
        [MARK_EXIT] = "<path class=\"mE\" transform=\"translate(%s %s)\" d=\"M1 1h8v8h-8z\"/>",
        [MARK_SIGNAL] = "<path class=\"mG\" transform=\"translate(%s %s)\" d=\"M5 0l5 5l-5 5l-5 -5z\"/>",
        [MARK_WOULDBLOCK] = "<path class=\"mW\" transform=\"translate(%s %s)\" d=\"M4.5 10h1.4v-8h-1.4z\"/>",
    };
    double x = 12;
    char xs[32], ys[32];
    fprintf(f, "<text class=\"lg\" x=\"%s\" y=\"%s\">ticks:</text>", px(xs, x), px(ys, y));
    x += 44;
    for (int k = 0; k < MARK_KIND_COUNT; k++)
        x = legend_item(f, x, y, shape[k], 10, mark_style[k].name);
    legend_item(f, x, y, "<rect class=\"mW\" x=\"%s\" y=\"%s\" width=\"20\" height=\"1.4\" transform=\"translate(0 8)\"/>", 20,
                "a rail: ticks too close to draw apart (hover: how many)");
}

static void legend_spans(FILE *f, const Chart *c, double y)
{
    char xs[32], ys[32], w[32];
    double x = 12;
    fprintf(f, "<text class=\"lg\" x=\"%s\" y=\"%s\">share of the core in a span, against the busiest process there:</text>",
            px(xs, x), px(ys, y));
    x += 372;
    for (int q = 1; q <= CHART_LEVELS; q++, x += 14)
        fprintf(f, "<rect class=\"c0\" fill-opacity=\"%s\" x=\"%s\" y=\"%s\" width=\"14\" height=\"10\"/>",
                level_opacity[q], px(xs, x), px(ys, y - 9));
    fprintf(f, "<text class=\"lg\" x=\"%s\" y=\"%s\">(a little, to as much as any); one span = %s instructions</text>",
            px(xs, x + 6), px(ys, y), chart_count(w, c->span));
}

static void svg_legend(FILE *f, const Chart *c)
{
    fputs("<defs>"
          "<pattern id=\"tl-sleep-l\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">"
          "<rect width=\"6\" height=\"6\" fill=\"#dde6ef\"/>"
          "<path d=\"M0 6L6 0M-1 1L1 -1M5 7L7 5\" stroke=\"#4f6d8c\" stroke-width=\"1.2\"/></pattern>"
          "<pattern id=\"tl-pause-l\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"6\">"
          "<rect width=\"5\" height=\"6\" fill=\"#f3e6d3\"/><rect width=\"2\" height=\"6\" fill=\"#9a5b1c\"/></pattern>"
          "</defs>\n<g id=\"tl-legend\">", f);
    legend_states(f, c, c->legend_y);
    fputs("\n", f);
    legend_marks(f, c->legend_y + 20);
    if (c->spans) {
        fputs("\n", f);
        legend_spans(f, c, c->legend_y + 40);
    }
    fputs("</g>\n", f);
}

/* ---------------------------------------------------------------- the whole */

int timeline_svg_chart(FILE *f, const Chart *c)
{
    svg_head(f, c);
    svg_grid(f, c);
    fputs("<g clip-path=\"url(#tl-clip)\">\n", f);
    svg_plot(f, c);
    svg_pins(f, c);
    fputs("</g>\n", f);
    svg_labels(f, c);
    svg_axis(f, c);
    svg_legend(f, c);
    fputs("</svg>\n", f);
    return ferror(f) ? EIO : 0;
}

int timeline_svg(FILE *f, const VM *vm)
{
    Chart c;
    if (chart_build(&c, vm) != 0)
        return ENOMEM;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    int e = timeline_svg_chart(f, &c);
    chart_free(&c);
    return e;
}
