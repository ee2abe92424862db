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
#include <stdlib.h>

#include "timeline.h"

static cJSON *tuple(double a, double b, double c)
{
    cJSON *t = cJSON_CreateArray();
    cJSON_AddItemToArray(t, cJSON_CreateNumber(a));
    cJSON_AddItemToArray(t, cJSON_CreateNumber(b));
    cJSON_AddItemToArray(t, cJSON_CreateNumber(c));
    return t;
}

static bool known(const Recorder *r, uint32_t pid)
{
    return pid >= 1 && pid <= r->nprocs && r->procs[pid - 1].known;
}

static void add_exact(cJSON *o, const Recorder *r)
{
    cJSON *s = cJSON_AddArrayToObject(o, "stretches");
    for (size_t i = 0; i < r->nstretches; i++) {
        const RecStretch *x = &r->stretches[i];
        if (!known(r, x->pid))
            continue;
        cJSON *t = tuple(x->pid, (double)x->start, (double)x->len);
        cJSON_AddItemToArray(t, cJSON_CreateNumber(x->line));
        cJSON_AddItemToArray(s, t);
    }
    cJSON *c = cJSON_AddArrayToObject(o, "states");
    for (size_t i = 0; i < r->nchanges; i++) {
        const RecChange *x = &r->changes[i];
        if (!known(r, x->pid))
            continue;
        cJSON *t = tuple(x->pid, (double)x->at, 0);
        cJSON_ReplaceItemInArray(t, 2, cJSON_CreateString(rec_state_name[x->state]));
        cJSON_AddItemToArray(c, t);
    }
    cJSON *m = cJSON_AddArrayToObject(o, "marks");
    for (size_t i = 0; i < r->nmarks; i++) {
        const RecMark *x = &r->marks[i];
        if (!known(r, x->pid))
            continue;
        cJSON *t = tuple(x->pid, (double)x->at, 0);
        cJSON_ReplaceItemInArray(t, 2, cJSON_CreateString(rec_mark_name[x->kind]));
        cJSON_AddItemToArray(t, cJSON_CreateNumber((double)x->arg));
        cJSON_AddItemToArray(m, t);
    }
}

static void add_spans(cJSON *o, const Recorder *r)
{
    cJSON_AddNumberToObject(o, "span", (double)(UINT64_C(1) << r->shift));
    uint64_t width = UINT64_C(1) << r->shift;
    cJSON_AddNumberToObject(o, "spans", (double)((r->end + width - 1) / width));
    cJSON *bits = cJSON_AddObjectToObject(o, "seen_bits");
    for (int s = 0; s < PROC_STATE_COUNT; s++)
        cJSON_AddNumberToObject(bits, rec_state_name[s], SEEN_STATE(s));
    for (int k = 0; k < MARK_KIND_COUNT; k++)
        cJSON_AddNumberToObject(bits, rec_mark_name[k], SEEN_MARK(k));
    cJSON *cells = cJSON_AddArrayToObject(o, "cells");
    for (size_t i = 0; i < r->nprocs; i++) {
        const RecProc *rp = &r->procs[i];
        if (!rp->known || !rp->nspans)
            continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "pid", (double)rec_pid(i));
        cJSON_AddNumberToObject(c, "first", rp->first_span);
        cJSON *ran = cJSON_AddArrayToObject(c, "ran"), *seen = cJSON_AddArrayToObject(c, "seen");
        for (uint32_t k = 0; k < rp->nspans; k++) {
            cJSON_AddItemToArray(ran, cJSON_CreateNumber((double)rp->ran[k]));
            cJSON_AddItemToArray(seen, cJSON_CreateNumber(rp->seen[k]));
        }
        cJSON_AddItemToArray(cells, c);
    }
}

int timeline_json(FILE *f, const VM *vm)
{
    const Recorder *r = vm->rec;
    cJSON *o = rec_stats_json(vm);
    if (!o)
        return ENOMEM;
    cJSON_AddBoolToObject(o, "exact", !r->aggregated);
    if (r->aggregated)
        add_spans(o, r);
    else
        add_exact(o, r);
    if (r->out_of_memory)
        cJSON_AddBoolToObject(o, "incomplete", true);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return ENOMEM;
    int e = fputs(text, f) < 0 || fputc('\n', f) < 0 ? EIO : 0;
    free(text);
    return e;
}
