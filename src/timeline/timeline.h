/*
 * timeline.h - --timeline FILE (SPEC 11.4): a recorded run (kernel/record.h) written as a
 * picture or as data, chosen by the file's extension.
 *
 *   .json  the data itself: the --stats numbers, then the run (exact, or in spans)
 *   .svg   a Gantt chart: a row per process, a time axis in instructions, a legend
 *   .html  the chart in a page that zooms, pans and names what is under the pointer
 *   .txt   the chart in text, at most 100 columns wide
 *
 * Each format has its own file (timeline_json.c, ...); they read the recording only. The
 * two pictures share their layout, built once in chart.c.
 */
#ifndef MVM_TIMELINE_H
#define MVM_TIMELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "../kernel/record.h"
#include "chart.h"

/* The writer for path's extension, or NULL when it has none of the four. */
typedef int (*TimelineWriter)(FILE *f, const VM *vm);
TimelineWriter timeline_writer_for(const char *path);
/* "svg, html, json or txt", for messages. */
extern const char timeline_formats[];

/* Write vm's recording (rec_finish done) to path, replacing it atomically. Returns 0 or
 * an errno value. */
int timeline_write(const VM *vm, const char *path);

int timeline_json(FILE *f, const VM *vm);
int timeline_svg(FILE *f, const VM *vm);
int timeline_html(FILE *f, const VM *vm);
int timeline_txt(FILE *f, const VM *vm);

/* The <svg> element of chart c alone (no XML declaration): the .svg file's body, and what
 * the .html page embeds. Returns 0 or EIO. */
int timeline_svg_chart(FILE *f, const Chart *c);

#endif
