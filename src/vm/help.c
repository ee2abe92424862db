/*
 * help.c - help text for instructions, system calls, errors and library functions, read
 * from their tables (opcodes.def, syscalls.def, errors.def) and from the comment block
 * that opens each standard-library file (src/stdlib/MODULE/FUNCTION.kar, embedded in the
 * binary), so help never drifts from what it describes.
 */
#include "help.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../asm/diag.h"
#include "../kernel/syscall_table.h"
#include "../stdlib/stdlib_index.h"
#include "errors.h"
#include "opcodes.h"

static void print_op(FILE *out, int op)
{
    const OpInfo *o = &op_info[op];
    fprintf(out, "%s - instruction\n  usage:   %s\n  does:    %s\n", o->mnemonic, o->synopsis, o->help);
    if (o->default_dst != REG_NONE)
        fprintf(out, "  result:  %s when dst is omitted\n", reg_name(o->default_dst));
    fprintf(out, "  example: %s\n", o->example);
}

static void print_syscall(FILE *out, int n)
{
    const SyscallInfo *s = &syscall_info[n];
    fprintf(out, "%s - system call %d\n  usage:   LIT S1 %d", s->name, n, n);
    static const char *const regs[3] = { "S2", "S3", "S4" };
    for (int i = 0; i < 3; i++)
        if (s->args[i][0])
            fprintf(out, ", %s = %s", regs[i], s->args[i]);
    fprintf(out, ", then SYSCALL\n  does:    %s\n", s->result);
    fprintf(out, "  status:  I5 = 1 on success; on failure I5 = 0, I6 = 1, I7 = error code, R2 = -1\n");
    fprintf(out, "  example: LIT S1 %d\n           SYSCALL\n", n);
}

static void print_error(FILE *out, int code)
{
    fprintf(out, "%s - error %d\n  meaning: %s\n  as a fault it raises signal %d\n", error_info[code].name, code,
            error_info[code].why, error_info[code].signal);
}

/* A library function: the comment block at the top of its file, without the "; ". */
static void print_function(FILE *out, const StdlibFile *f)
{
    const char *line = f->text;
    bool first = true;
    while (*line == ';') {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        const char *text = line + 1;
        size_t tn = n - 1;
        if (tn > 0 && *text == ' ') {
            text++;
            tn--;
        }
        fprintf(out, "%s%.*s%s\n", first || tn == 0 ? "" : "  ", (int)tn, text,
                first ? "  (library function)" : "");
        first = false;
        if (!end)
            break;
        line = end + 1;
    }
    fprintf(out, "  source: src/stdlib/%s (the count of instructions is of those run inside\n"
                 "          the function; the CALL itself is one more)\n", f->path);
}

/* Parse "syscall N" / "error N"; returns N or -1. */
static long numbered(const char *topic, const char *word)
{
    size_t n = strlen(word);
    if (strncasecmp(topic, word, n) != 0 || topic[n] != ' ')
        return -1;
    char *end;
    long v = strtol(topic + n + 1, &end, 10);
    return *end == 0 ? v : -1;
}

static int resolve(const char *topic, FILE *out)
{
    int op = op_lookup(topic, (int)strlen(topic));
    if (op >= 0) {
        if (out) print_op(out, op);
        return 1;
    }
    int sys = syscall_lookup(topic, (int)strlen(topic));
    long n = numbered(topic, "syscall");
    if (sys < 0 && n >= 1 && n <= SYS_MAX && syscall_info[n].name)
        sys = (int)n;
    if (sys >= 0) {
        if (out) print_syscall(out, sys);
        return 1;
    }
    n = numbered(topic, "error");
    if (n >= 1 && n <= ERR_MAX) {
        if (out) print_error(out, (int)n);
        return 1;
    }
    char rel[320];
    const StdlibFile *f;
    if (stdlib_resolve(NULL, topic, strlen(topic), rel, sizeof rel) && (f = stdlib_embedded(rel))) {
        if (out) print_function(out, f);
        return 1;
    }
    return 0;
}

static void insert(const char **best, int *d, int max, const char *name, int dist)
{
    for (int i = 0; i < max; i++) {
        if (!best[i] || dist < d[i]) {
            for (int j = max - 1; j > i; j--) {
                best[j] = best[j - 1];
                d[j] = d[j - 1];
            }
            best[i] = name;
            d[i] = dist;
            return;
        }
    }
}

/* Close the gap a removed entry left. */
static void compact(const char **best, int *d, int max)
{
    for (int i = 0, j = 0; i < max; i++) {
        if (best[i]) {
            best[j] = best[i];
            d[j++] = d[i];
            if (j - 1 != i)
                best[i] = NULL;
        }
    }
}

/* Keep the `max` closest names in best[] (distance d[]), closest first. */
static void consider(const char *topic, const char *name, bool fold, const char **best, int *d, int max)
{
    size_t tn = strlen(topic);
    int dist = diag_distance(topic, tn, name, strlen(name), fold);
    if (dist <= diag_max_distance(tn) + 1)
        insert(best, d, max, name, dist);
}

void help_suggest(FILE *out, const char *topic)
{
    enum { MAX = 3 };
    const char *best[MAX] = { 0 };
    int d[MAX] = { 0 };
    static char names[64][64];   /* call names of the library functions */
    if (strlen(topic) > DIAG_WORD_MAX)
        return;
    for (int op = 0; op < OP_END; op++)
        consider(topic, op_info[op].mnemonic, true, best, d, MAX);
    for (int n = 1; n <= SYS_MAX; n++)
        if (syscall_info[n].name)
            consider(topic, syscall_info[n].name, true, best, d, MAX);
    for (size_t i = 0; i < stdlib_nfiles && i < 64; i++) {
        stdlib_call_name(stdlib_files[i].path, names[i], sizeof names[i]);
        /* "strlne" is near "strlen": compare the bare name, suggest the full one. */
        const char *bare = strchr(names[i], '.') + 1;
        size_t tn = strlen(topic);
        int full = diag_distance(topic, tn, names[i], strlen(names[i]), false);
        int part = diag_distance(topic, tn, bare, strlen(bare), false);
        consider(topic, names[i], false, best, d, MAX);
        if (part < full && part <= diag_max_distance(tn)) {
            for (int k = 0; k < MAX; k++)   /* rank it by the bare distance */
                if (best[k] == names[i]) { best[k] = NULL; break; }
            compact(best, d, MAX);
            insert(best, d, MAX, names[i], part);
        }
    }
    if (!best[0])
        return;
    fprintf(out, "did you mean:");
    for (int i = 0; i < MAX && best[i]; i++)
        fprintf(out, " %s", best[i]);
    fprintf(out, "\n");
}

int help_topic_exists(const char *topic) { return resolve(topic, NULL); }

int help_print_topic(FILE *out, const char *topic)
{
    return resolve(topic, out) ? 0 : -1;
}

void help_print_overview(FILE *out)
{
    fprintf(out, "MVM - Micro Virtual Machine\n\n"
                 "usage: mvm run FILE.kar [options] [-- ARGS...]   assemble and run a program (alias: irun)\n"
                 "       mvm check FILE.kar                         assemble only, report errors\n"
                 "       mvm tokenise FILE.kar                      print the parsed instructions\n"
                 "       mvm resume SNAPSHOT [options]              continue a saved machine\n"
                 "       mvm vfs [--vfs FILE] ls|cat|put|get|rm|mkdir|info ...   use the VFS image\n"
                 "       mvm help [TOPIC]                           help on an instruction, system call, error or\n"
                 "                                                  library function\n"
                 "       mvm version                                print the version\n\n"
                 "options: --quantum N --memory WORDS --stack WORDS --max-processes N --max-steps N\n"
                 "         --trace --stats --seed N --config FILE --vfs FILE\n"
                 "         --snapshot-every N --snapshot FILE\n\n"
                 "instructions:");
    for (int op = 0; op < OP_END; op++)
        fprintf(out, "%s%s", op % 10 == 0 ? "\n  " : " ", op_info[op].mnemonic);
    fprintf(out, "\n\nsystem calls:");
    for (int n = 1, k = 0; n <= SYS_MAX; n++)
        if (syscall_info[n].name)
            fprintf(out, "%s%d %s", k++ % 6 == 0 ? "\n  " : "  ", n, syscall_info[n].name);
    fprintf(out, "\n\nlibrary functions (CALL module.function):");
    char prev[128] = "";
    for (size_t i = 0; i < stdlib_nfiles; i++) {
        char name[128];
        stdlib_call_name(stdlib_files[i].path, name, sizeof name);
        char *dot = strchr(name, '.');
        *dot = '\0';
        if (strcmp(prev, name) != 0)
            fprintf(out, "\n  %-11s", name);
        fprintf(out, " %s", dot + 1);
        snprintf(prev, sizeof prev, "%s", name);
    }
    fprintf(out, "\n  (math is another name for maths; conversion.findFirstString is\n"
                 "  strings.findFirstString)");
    fprintf(out, "\n\ntopics: mvm help ADD, mvm help fork, mvm help syscall 8, mvm help error 7,\n"
                 "        mvm help strings.strlen\n");
}
