/*
 * debugjson.c - reading debug.json and printing its dumps (debugjson.h).
 *
 * The file is checked whole before anything runs, like config.json: bad JSON, a value of
 * the wrong type, an unknown key or action, a line that is not a line of the program (or
 * holds no instruction) and a bad memory range are errors naming the file (status 2),
 * because a dump that silently never prints is worse than no run.
 *
 * Line actions are indexed by line (first[L] .. first[L+1]), so the check before each
 * instruction is one comparison of the program and one array look-up.
 */
#include "debugjson.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "../host/hostfile.h"
#include "../host/safetext.h"
#include "dump.h"
#include "sched.h"

#define DEBUG_MAX_BYTES  (1u << 20)   /* a debug.json is a few lines; refuse huge files */
#define MAX_RANGE_WORDS  4096         /* words one memoryRange may show: a dump, not a core file */

typedef enum DebugKind { DBG_REGISTERS, DBG_REGISTERS_ALL, DBG_MEMORY, DBG_STACK, DBG_DESCRIPTORS } DebugKind;
static const char *const kind_text[] = { "registers", "registers ALL", "memoryRange", "stack", "descriptors" };

typedef struct DebugAction { DebugKind kind; int64_t a, b; } DebugAction;

struct DebugScript {
    char        *program;      /* the main program's path: lineSpecific names its lines */
    DebugAction *each;         /* eachIteration, in order */
    size_t       neach;
    uint32_t     nlines;
    uint32_t    *first;        /* [nlines + 2]: line L's actions are acts[first[L] .. first[L+1]) */
    DebugAction *acts;
};

/* What the loader carries along: the file (for messages), the program, the limits. */
typedef struct Loader {
    const char    *path;
    const Program *prog;
    int64_t        memory_size;
    FILE          *diag;
} Loader;

static bool __attribute__((format(printf, 2, 3))) fail(const Loader *L, const char *fmt, ...)
{
    char shown[300];
    va_list ap;
    va_start(ap, fmt);
    fprintf(L->diag, "mvm: %s: error: ", safe_text(shown, sizeof shown, L->path));
    vfprintf(L->diag, fmt, ap);
    fputc('\n', L->diag);
    va_end(ap);
    return false;
}

/* One whole number word of an action ("16", "0x10"); false when it is not one. */
static bool number_word(const char *w, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(w, &end, 0);
    if (!*w || *end || errno == ERANGE)
        return false;
    *out = v;
    return true;
}

/* Parse one action string into *act; where says where it stood, for messages. */
static bool parse_action(const Loader *L, const char *text, const char *where, DebugAction *act)
{
    char buf[200], shown[200], *save = NULL;
    snprintf(buf, sizeof buf, "%s", text);
    char *w[4] = { NULL };
    int n = 0;
    for (char *tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
        if (n < 4)
            w[n++] = tok;
        else
            n = 5;
    safe_text(shown, sizeof shown, text);
    if (n == 1 && strcmp(w[0], "registers") == 0) {
        act->kind = DBG_REGISTERS;
    } else if (n == 2 && strcmp(w[0], "registers") == 0 && strcmp(w[1], "ALL") == 0) {
        act->kind = DBG_REGISTERS_ALL;
    } else if (n == 1 && strcmp(w[0], "stack") == 0) {
        act->kind = DBG_STACK;
    } else if (n == 1 && strcmp(w[0], "descriptors") == 0) {
        act->kind = DBG_DESCRIPTORS;
    } else if (n >= 1 && strcmp(w[0], "memoryRange") == 0) {
        act->kind = DBG_MEMORY;
        if (n != 3 || !number_word(w[1], &act->a) || !number_word(w[2], &act->b))
            return fail(L, "%s: '%s': memoryRange expects two addresses: \"memoryRange A B\"", where, shown);
        if (act->a < 1 || act->b < act->a || act->b >= L->memory_size)
            return fail(L, "%s: '%s': bad range: need 1 <= A <= B < memorySize (%" PRId64 ")", where, shown,
                        L->memory_size);
        if (act->b - act->a >= MAX_RANGE_WORDS)
            return fail(L, "%s: '%s': bad range: at most %d words", where, shown, MAX_RANGE_WORDS);
    } else {
        return fail(L, "%s: unknown action '%s' (expected registers, registers ALL, memoryRange A B, "
                    "stack or descriptors)", where, shown);
    }
    return true;
}

/* A string or a list of strings: the actions it names, appended to (*acts)[*n]. */
static bool parse_actions(const Loader *L, const cJSON *v, const char *where, bool list_only,
                          DebugAction **acts, size_t *n)
{
    size_t count = cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 1;
    if (!(cJSON_IsArray(v) || (!list_only && cJSON_IsString(v))))
        return fail(L, "%s must be %s", where, list_only ? "a list of action strings"
                                                        : "an action string or a list of them");
    DebugAction *grown = realloc(*acts, (*n + count + 1) * sizeof *grown);
    if (!grown)
        return fail(L, "out of memory");
    *acts = grown;
    if (cJSON_IsString(v))
        return parse_action(L, v->valuestring, where, &(*acts)[(*n)++]);
    const cJSON *item;
    cJSON_ArrayForEach(item, v) {
        if (!cJSON_IsString(item))
            return fail(L, "%s: every action must be a string", where);
        if (!parse_action(L, item->valuestring, where, &(*acts)[(*n)++]))
            return false;
    }
    return true;
}

/* A lineSpecific key: a line of the main program that holds an instruction. */
static bool parse_line(const Loader *L, const char *key, uint32_t *line)
{
    const Unit *u = &L->prog->units[0];
    char shown[100];
    int64_t v;
    safe_text(shown, sizeof shown, key);
    if (!number_word(key, &v) || key[0] < '0' || key[0] > '9')
        return fail(L, "lineSpecific: '%s' is not a line number", shown);
    if (v < 1 || v > (int64_t)u->nlines)
        return fail(L, "lineSpecific: line %s is outside the program (lines 1 to %" PRIu32 ")", shown, u->nlines);
    uint32_t pc = u->line_pc[v];
    if (pc >= u->end || L->prog->info[pc].line != (uint32_t)v)
        return fail(L, "lineSpecific: line %s holds no instruction (blank, comment or label only)", shown);
    *line = (uint32_t)v;
    return true;
}

/* Index the line actions by line (a counting sort of the (line, action) pairs). */
static bool index_lines(const Loader *L, DebugScript *s, const uint32_t *lines, DebugAction *acts, size_t n)
{
    /* A file may name lineSpecific twice (JSON allows it): the last one wins, as it
     * always did, and the index of an earlier one is freed rather than leaked. */
    free(s->first);
    free(s->acts);
    s->nlines = L->prog->units[0].nlines;
    s->first = calloc((size_t)s->nlines + 2, sizeof *s->first);
    s->acts = malloc((n + 1) * sizeof *s->acts);
    if (!s->first || !s->acts)
        return fail(L, "out of memory");
    for (size_t i = 0; i < n; i++)
        s->first[lines[i] + 1]++;
    for (uint32_t l = 1; l <= s->nlines + 1; l++)
        s->first[l] += s->first[l - 1];
    uint32_t *at = calloc((size_t)s->nlines + 2, sizeof *at);
    if (!at)
        return fail(L, "out of memory");
    for (size_t i = 0; i < n; i++)
        s->acts[s->first[lines[i]] + at[lines[i]]++] = acts[i];   /* stable: file order kept */
    free(at);
    return true;
}

static bool parse_line_specific(const Loader *L, const cJSON *obj, DebugScript *s)
{
    if (!cJSON_IsObject(obj))
        return fail(L, "lineSpecific must be an object {\"LINE\": \"ACTION\", ...}");
    DebugAction *acts = NULL;
    uint32_t *lines = NULL;
    size_t n = 0;
    bool ok = true;
    const cJSON *m;
    cJSON_ArrayForEach(m, obj) {
        char where[80];
        uint32_t line = 0;
        size_t before = n;
        snprintf(where, sizeof where, "lineSpecific line %.20s", m->string);
        if (!(ok = parse_line(L, m->string, &line) && parse_actions(L, m, where, false, &acts, &n)))
            break;
        uint32_t *grown = realloc(lines, (n + 1) * sizeof *lines);
        if (!(ok = grown != NULL)) {
            fail(L, "out of memory");
            break;
        }
        lines = grown;
        for (size_t i = before; i < n; i++)
            lines[i] = line;
    }
    ok = ok && index_lines(L, s, lines, acts, n);
    free(acts);
    free(lines);
    return ok;
}

static bool parse_root(const Loader *L, const cJSON *root, DebugScript *s)
{
    if (!cJSON_IsObject(root))
        return fail(L, "debug.json must be an object {\"lineSpecific\": {...}, \"eachIteration\": [...]}");
    const cJSON *m;
    bool have_lines = false;
    cJSON_ArrayForEach(m, root) {
        char shown[100];
        if (strcmp(m->string, "lineSpecific") == 0) {
            if (!parse_line_specific(L, m, s))
                return false;
            have_lines = true;
        } else if (strcmp(m->string, "eachIteration") == 0) {
            if (!parse_actions(L, m, "eachIteration", true, &s->each, &s->neach))
                return false;
        } else {
            return fail(L, "unknown key '%s' (expected lineSpecific and eachIteration)",
                        safe_text(shown, sizeof shown, m->string));
        }
    }
    return have_lines || index_lines(L, s, NULL, NULL, 0);
}

DebugScript *debug_load(const char *path, const Program *prog, int64_t memory_size, FILE *diag)
{
    Loader L = { path, prog, memory_size, diag };
    char *text = NULL;
    size_t len = 0;
    int e = host_read_file(path, DEBUG_MAX_BYTES, &text, &len);
    if (e) {
        fail(&L, "cannot read the debug file: %s", e == HOST_TOO_LARGE ? "larger than 1 MiB" : host_error_text(e));
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = memchr(text, 0, len) ? NULL : cJSON_ParseWithOpts(text, &end, 1);
    DebugScript *s = calloc(1, sizeof *s);
    bool ok = s != NULL;
    if (!root)
        ok = fail(&L, "not valid JSON (near byte %zu)", end && end >= text ? (size_t)(end - text) : (size_t)0);
    else if (!s)
        fail(&L, "out of memory");
    else
        ok = parse_root(&L, root, s) && (s->program = strdup(prog->path)) != NULL;
    cJSON_Delete(root);
    free(text);
    if (!ok) {
        debug_free(s);
        return NULL;
    }
    return s;
}

void debug_free(DebugScript *s)
{
    if (!s)
        return;
    free(s->program);
    free(s->each);
    free(s->first);
    free(s->acts);
    free(s);
}

/* ---- running ---- */

static void run_action(VM *vm, Proc *p, uint32_t pc, const DebugAction *a)
{
    char where[300];
    dump_where(p->cpu.prog, pc, where, sizeof where);
    fprintf(vm->err, "[debug] %9" PRIu64 "  PID %5" PRId64 "  %-24s  %s", vm->steps + 1, p->pid, where,
            kind_text[a->kind]);
    if (a->kind == DBG_MEMORY)
        fprintf(vm->err, " %" PRId64 " %" PRId64, a->a, a->b);
    fputc('\n', vm->err);
    switch (a->kind) {
    case DBG_REGISTERS:     dump_registers(vm->err, p, pc, false); break;
    case DBG_REGISTERS_ALL: dump_registers(vm->err, p, pc, true); break;
    case DBG_MEMORY:        dump_memory(vm->err, p, a->a, a->b); break;
    case DBG_STACK:         dump_stacks(vm->err, p, pc); break;
    case DBG_DESCRIPTORS:   dump_descriptors(vm->err, vm); break;
    }
}

void debug_step(VM *vm, Proc *p, uint32_t pc)
{
    const DebugScript *s = vm->opt.debug;
    const Program *prog = p->cpu.prog;
    if (prog->code[pc].op == OP_END)
        return;   /* about to end: not an instruction */
    fflush(vm->out);   /* the program's output so far comes first */
    const InstrInfo *in = &prog->info[pc];
    if (in->unit == 0 && in->line <= s->nlines && s->first[in->line] != s->first[in->line + 1] &&
        strcmp(prog->path, s->program) == 0)
        for (uint32_t i = s->first[in->line]; i < s->first[in->line + 1]; i++)
            run_action(vm, p, pc, &s->acts[i]);
    for (size_t i = 0; i < s->neach; i++)
        run_action(vm, p, pc, &s->each[i]);
}

void debug_attach(VM *vm, DebugScript *s)
{
    vm->opt.debug = s;
    sched_update_watch(vm);   /* the careful path before every instruction */
}
