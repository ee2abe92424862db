/*
 * stats.c - the --stats report and --stats-json (SPEC 11.4): one row per process from the
 * recorder (record.h), in virtual time, then the machine's totals, peak memory and host
 * time. The table goes to standard error, every line starting "stats: ".
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../host/hostfile.h"
#include "record.h"
#include "sched.h"

/* The table's columns, in order; a column the policy does not use is left out. */
typedef enum Column { COL_PID, COL_PROGRAM, COL_NICE, COL_QUEUE, COL_INSTRUCTIONS, COL_TURNS,
                      COL_CREATED, COL_FIRST_RUN, COL_ENDED, COL_TURNAROUND, COL_RESPONSE,
                      COL_WAITING, COL_COUNT } Column;
static const char *const column_title[COL_COUNT] = {
    "PID", "program", "nice", "queue", "instructions", "turns", "created", "first run",
    "ended", "turnaround", "response", "waiting",
};
static const char *const column_key[COL_COUNT] = {   /* --stats-json */
    "pid", "program", "nice", "queue", "instructions", "turns", "created", "first_run",
    "ended", "turnaround", "response", "waiting",
};

static bool column_shown(const VM *vm, Column c)
{
    return (c != COL_NICE || vm->policy->uses_nice) && (c != COL_QUEUE || vm->policy->uses_queues);
}

static bool unknown(uint64_t t) { return t == REC_NONE || t == REC_EARLIER; }

/* Column c of row rp as a number; false when it has none (a time before a resume, or
 * one that has not come: a live process has not ended). */
static bool column_value(const RecProc *rp, size_t i, Column c, int64_t *v)
{
    uint64_t u = 0;
    switch (c) {
    case COL_PID:          *v = rec_pid(i); return true;
    case COL_NICE:         *v = rp->nice; return true;
    case COL_QUEUE:        *v = rp->level; return true;
    case COL_INSTRUCTIONS: u = rp->instructions; break;
    case COL_TURNS:        u = rp->turns; break;
    case COL_CREATED:      u = rp->created; break;
    case COL_FIRST_RUN:    u = rp->first_run; break;
    case COL_ENDED:        u = rp->ended; break;
    case COL_TURNAROUND:   u = unknown(rp->ended) || unknown(rp->created) ? REC_NONE : rp->ended - rp->created;
                           break;
    case COL_RESPONSE:     u = unknown(rp->first_run) || unknown(rp->created) ? REC_NONE
                                                                              : rp->first_run - rp->created;
                           break;
    case COL_WAITING:      u = unknown(rp->created) ? REC_NONE : rp->waiting; break;
    default:               return false;
    }
    if (unknown(u))
        return false;
    *v = (int64_t)u;
    return true;
}

/* The cell's text ("-" for no value) into buf. */
static const char *cell(const Recorder *r, size_t i, Column c, char buf[32])
{
    const RecProc *rp = &r->procs[i];
    if (c == COL_PROGRAM)
        return rec_name(r, rp);
    int64_t v;
    if (!column_value(rp, i, c, &v))
        return "-";
    snprintf(buf, 32, "%" PRId64, v);
    return buf;
}

void rec_print_table(const VM *vm, FILE *f)
{
    const Recorder *r = vm->rec;
    if (!r)
        return;
    int width[COL_COUNT];
    char buf[32];
    for (int c = 0; c < COL_COUNT; c++)
        width[c] = (int)strlen(column_title[c]);
    for (size_t i = 0; i < r->nprocs; i++)
        for (int c = 0; r->procs[i].known && c < COL_COUNT; c++) {
            int w = (int)strlen(cell(r, i, (Column)c, buf));
            if (w > width[c])
                width[c] = w;
        }
    fputs("stats:", f);
    for (int c = 0; c < COL_COUNT; c++)
        if (column_shown(vm, (Column)c))
            fprintf(f, c == COL_PROGRAM ? "  %-*s" : "  %*s", width[c], column_title[c]);
    fputc('\n', f);
    for (size_t i = 0; i < r->nprocs; i++) {
        if (!r->procs[i].known)
            continue;
        fputs("stats:", f);
        for (int c = 0; c < COL_COUNT; c++)
            if (column_shown(vm, (Column)c))
                fprintf(f, c == COL_PROGRAM ? "  %-*s" : "  %*s", width[c], cell(r, i, (Column)c, buf));
        fputc('\n', f);
    }
}

void vm_print_stats(VM *vm, double seconds)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    FILE *e = vm->err;
    rec_print_table(vm, e);
    fprintf(e, "stats: instructions %" PRIu64 "\n", (vm->steps - vm->run_start));
    fprintf(e, "stats: context switches %" PRIu64 "\n", vm->switches);
    fprintf(e, "stats: processes %" PRId64 "\n", vm->next_pid - 1);
    fprintf(e, "stats: peak memory %ld KiB\n", ru.ru_maxrss);
    fprintf(e, "stats: time %.3f s\n", seconds);
    if (seconds > 0)
        fprintf(e, "stats: speed %.1f million instructions/s\n", (double)(vm->steps - vm->run_start) / seconds / 1e6);
    if (vm->rec && vm->rec->out_of_memory)
        fprintf(e, "stats: the host ran out of memory while recording: some rows may be missing\n");
}

/* ---------------------------------------------------------------- --stats-json */

static cJSON *process_json(const VM *vm, const Recorder *r, size_t i)
{
    const RecProc *rp = &r->procs[i];
    cJSON *o = cJSON_CreateObject();
    for (int c = 0; o && c < COL_COUNT; c++) {
        if (!column_shown(vm, (Column)c))
            continue;
        int64_t v;
        if (c == COL_PROGRAM)
            cJSON_AddStringToObject(o, column_key[c], rec_name(r, rp));
        else if (column_value(rp, i, (Column)c, &v))
            cJSON_AddNumberToObject(o, column_key[c], (double)v);
        else
            cJSON_AddNullToObject(o, column_key[c]);
    }
    if (o && rp->state == PROC_EXITED && !unknown(rp->ended))
        cJSON_AddNumberToObject(o, "exit_code", (double)rp->exit_code);
    if (o)
        cJSON_AddStringToObject(o, "state", rec_state_name[rp->state]);
    return o;
}

/* The --stats numbers as one JSON object (also the head of a .json timeline). NULL when
 * out of memory. */
cJSON *rec_stats_json(const VM *vm)
{
    const Recorder *r = vm->rec;
    cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();
    if (!o || !list || !r) {
        cJSON_Delete(o);
        cJSON_Delete(list);
        return NULL;
    }
    cJSON_AddStringToObject(o, "scheduler", vm->policy->name);
    cJSON_AddNumberToObject(o, "quantum", (double)vm->opt.quantum);
    cJSON_AddNumberToObject(o, "begin", (double)r->begin);
    cJSON_AddNumberToObject(o, "end", (double)r->end);
    cJSON_AddNumberToObject(o, "instructions", (double)(vm->steps - vm->run_start));
    cJSON_AddNumberToObject(o, "switches", (double)vm->switches);
    for (size_t i = 0; i < r->nprocs; i++)
        if (r->procs[i].known)
            cJSON_AddItemToArray(list, process_json(vm, r, i));
    cJSON_AddItemToObject(o, "processes", list);
    return o;
}

static int write_text(FILE *f, void *text)
{
    return fputs(text, f) < 0 || fputc('\n', f) < 0 ? EIO : 0;
}

int rec_write_stats_json(const VM *vm, const char *path)
{
    cJSON *o = rec_stats_json(vm);
    char *text = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!text)
        return ENOMEM;
    int e = host_replace_file(path, write_text, text);
    free(text);
    return e;
}
