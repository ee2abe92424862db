/*
 * timeline_json.c - a recorded run as JSON: the --stats object (record.h) with the run
 * added. docs/timeline.md describes every key.
 *
 *   exact run:  "exact": true, "stretches": [[pid, start, length, line], ...],
 *               "states": [[pid, at, "ready"|"sleeping"|"paused"|"ended"], ...],
 *               "marks": [[pid, at, "fork"|"spawn"|"exit"|"signal"|"wouldblock", arg], ...]
 *   in spans:   "exact": false, "span": width, "spans": count,
 *               "cells": [{"pid", "first", "ran": [...], "seen": [...]}, ...]
 *               where seen holds SEEN_* bits, named in "seen_bits".
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

static bool known(const Recorder *r, uint32_t pid)
{
    return pid >= 1 && pid <= r->nprocs && r->procs[pid - 1].known;
}

/* The run's lists are written straight to f, not built as a cJSON tree: a run in spans
 * has a cell per process and span (two million for 1,000 processes), which as a tree
 * would take hundreds of megabytes. */
static void write_exact(FILE *f, const Recorder *r)
{
    const char *sep = "";
    fputs(",\"exact\":true,\"stretches\":[", f);
    for (size_t i = 0; i < r->nstretches; i++) {
        const RecStretch *x = &r->stretches[i];
        if (known(r, x->pid)) {
            fprintf(f, "%s[%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu32 "]", sep, x->pid, x->start, x->len, x->line);
            sep = ",";
        }
    }
    fputs("],\"states\":[", f);
    sep = "";
    for (size_t i = 0; i < r->nchanges; i++) {
        const RecChange *x = &r->changes[i];
        if (known(r, x->pid)) {
            fprintf(f, "%s[%" PRIu32 ",%" PRIu64 ",\"%s\"]", sep, x->pid, x->at, rec_state_name[x->state]);
            sep = ",";
        }
    }
    fputs("],\"marks\":[", f);
    sep = "";
    for (size_t i = 0; i < r->nmarks; i++) {
        const RecMark *x = &r->marks[i];
        if (known(r, x->pid)) {
            fprintf(f, "%s[%" PRIu32 ",%" PRIu64 ",\"%s\",%" PRId64 "]", sep, x->pid, x->at,
                    rec_mark_name[x->kind], x->arg);
            sep = ",";
        }
    }
    fputc(']', f);
}

static void write_spans(FILE *f, const Recorder *r)
{
    uint64_t width = UINT64_C(1) << r->shift;
    fprintf(f, ",\"exact\":false,\"span\":%" PRIu64 ",\"spans\":%" PRIu64 ",\"seen_bits\":{", width,
            (r->end + width - 1) / width);
    for (int s = 0; s < PROC_STATE_COUNT; s++)
        fprintf(f, "\"%s\":%u,", rec_state_name[s], SEEN_STATE(s));
    for (int k = 0; k < MARK_KIND_COUNT; k++)
        fprintf(f, "\"%s\":%u%s", rec_mark_name[k], SEEN_MARK(k), k + 1 < MARK_KIND_COUNT ? "," : "");
    fputs("},\"cells\":[", f);
    const char *sep = "";
    for (size_t i = 0; i < r->nprocs; i++) {
        const RecProc *rp = &r->procs[i];
        if (!rp->known || !rp->nspans)
            continue;
        fprintf(f, "%s{\"pid\":%" PRId64 ",\"first\":%" PRIu32 ",\"ran\":[", sep, rec_pid(i), rp->first_span);
        for (uint32_t k = 0; k < rp->nspans; k++)
            fprintf(f, k ? ",%" PRIu64 : "%" PRIu64, rp->ran[k]);
        fputs("],\"seen\":[", f);
        for (uint32_t k = 0; k < rp->nspans; k++)
            fprintf(f, k ? ",%u" : "%u", rp->seen[k]);
        fputs("]}", f);
        sep = ",";
    }
    fputc(']', f);
}

int timeline_json(FILE *f, const VM *vm)
{
    const Recorder *r = vm->rec;
    cJSON *o = rec_stats_json(vm);
    if (!o)
        return ENOMEM;
    if (r->out_of_memory)
        cJSON_AddBoolToObject(o, "incomplete", true);
    char *head = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!head)
        return ENOMEM;
    head[strlen(head) - 1] = 0;   /* the object goes on: drop its closing brace */
    fputs(head, f);
    free(head);
    if (r->aggregated)
        write_spans(f, r);
    else
        write_exact(f, r);
    fputs("}\n", f);
    return ferror(f) ? EIO : 0;
}
