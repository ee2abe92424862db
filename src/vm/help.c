/*
 * help.c - help text for instructions, system calls, signals, errors, devices, registers,
 * built-in constants and library functions, read from their tables (opcodes.def and its
 * aliases, syscalls.def, signals.def, errors.def, devices.def, registers.def, the
 * constants made from them) and from the comment block that opens each standard-library
 * file (src/stdlib/MODULE/FUNCTION.kar, embedded in the binary), so help never drifts
 * from what it describes. `mvm help TOPIC` and the HELP instruction (whose topics the
 * assembler checks with help_topic_exists) share this one lookup.
 */
#include "help.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../asm/diag.h"
#include "../tables/signal_table.h"
#include "../tables/syscall_table.h"
#include "../stdlib/stdlib_index.h"
#include "constants.h"
#include "errors.h"
#include "opcodes.h"

typedef struct DeviceInfo { int number; const char *name, *read, *write; } DeviceInfo;
static const DeviceInfo devices[] = {
#define DEV(e, n, name, rd, wr) { n, name, rd, wr },
#include "../tables/devices.def"
#undef DEV
};
enum { NDEVICES = sizeof devices / sizeof devices[0] };

static const char *const action_names[] = {
    [ACT_NONE] = "-", [ACT_TERMINATE] = "terminate the process", [ACT_IGNORE] = "ignore it",
    [ACT_PAUSE] = "pause the process", [ACT_CONTINUE] = "resume the process if paused",
};

/* The constant for row `row` of family f (every row has one), for "constant: ..." lines. */
static const char *constant_of(ConstFamily f, int64_t value)
{
    for (size_t i = 0; i < constant_count(); i++) {
        const Constant *c = constant_at(i);
        if (c->family == f && c->value == value)
            return c->name;
    }
    return "?";
}

/* `alias` is the alias written (CPY) or NULL. */
static void print_op(FILE *out, int op, const char *alias)
{
    const OpInfo *o = &op_info[op];
    if (alias)
        fprintf(out, "%s - another name for %s\n", alias, o->mnemonic);
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
    fprintf(out, "  constant: %s\n", constant_of(CONST_SYS, n));
    fprintf(out, "  example: LIT S1 %s\n           SYSCALL\n", constant_of(CONST_SYS, n));
}

static void print_error(FILE *out, int code)
{
    const ErrorInfo *e = &error_info[code];
    fprintf(out, "%s - error %d\n  meaning: %s\n  as a fault it raises signal %d (%s)\n"
                 "  constant: %s\n", e->name, code, e->why, e->signal,
            signal_info[e->signal].name, constant_of(CONST_ERR, code));
}

static void print_signal(FILE *out, int sig)
{
    const SignalInfo *s = &signal_info[sig];
    fprintf(out, "%s - signal %d\n  default: %s\n  constant: %s\n", s->name, sig,
            action_names[s->action], constant_of(CONST_SIG, sig));
    if (sig == SIG_KILL) {
        fprintf(out, "  KILL cannot be handled\n");
    } else {
        fprintf(out, "  handle:  LIT S1 SYS_HANDLESIGNALS, LIT S2 %s, LIT S3 handler_label,\n"
                     "           SYSCALL; the handler ends with RET, which restores the\n"
                     "           interrupted registers and flags\n", constant_of(CONST_SIG, sig));
    }
    bool first = true;
    for (int code = 1; code <= ERR_MAX; code++) {
        if (error_info[code].signal != sig)
            continue;
        fprintf(out, "%s%d", first ? "  raised by the faults: " : " ", code);
        first = false;
    }
    if (!first)
        fprintf(out, "\n");
}

static void print_device(FILE *out, const DeviceInfo *d)
{
    fprintf(out, "%s - device %d\n  read:    %s\n  write:   %s\n  constant: %s\n"
                 "  example: LIT S1 SYS_DEVICEREAD, LIT S2 %s, LIT S3 0, SYSCALL\n", d->name,
            d->number, d->read, d->write, constant_of(CONST_DEV, d->number),
            constant_of(CONST_DEV, d->number));
}

/* ---- the list topics: signals, registers, constants, errors, devices ---------------- */

static void list_signals(FILE *out)
{
    fprintf(out, "signals (send with sendSignal, handle with handleSignals; mvm help USR1):\n");
    for (int s = 1; s <= SIG_MAX; s++)
        if (signal_valid(s))
            fprintf(out, "  %2d  %-7s %-11s %s\n", s, signal_info[s].name,
                    constant_of(CONST_SIG, s), action_names[signal_info[s].action]);
}

static void list_registers(FILE *out)
{
    fprintf(out, "registers (64 bits and a type each; all start at 0, typed Long, except\n"
                 "X1-X10 and R5, Double):\n");
#define BANK(letter, base, count, purpose) fprintf(out, "  %c1-%c%-3d %s\n", letter, letter, count, purpose);
#include "registers.def"
#undef BANK
    fprintf(out, "informational registers (any instruction may read them; I8 cannot be written):\n");
#define FLAG(n, name, meaning) fprintf(out, "  I%-3d %-5s %s\n", n, name, meaning);
#include "registers.def"
#undef FLAG
}

static void list_constants(FILE *out)
{
    fprintf(out, "built-in constants (case-sensitive; wherever an integer literal may stand):\n");
    int family = -1;
    for (size_t i = 0; i < constant_count(); i++) {
        const Constant *c = constant_at(i);
        if ((int)c->family != family) {
            family = (int)c->family;
            fprintf(out, "%s%ss (%s + the name in capitals%s):\n", i ? "\n" : "",
                    constant_family_name(c->family), constant_prefix(c->family),
                    c->family == CONST_ERR ? ", without Exception" : "");
        }
        fprintf(out, "  %-26s %3lld  %s\n", c->name, (long long)c->value, c->row);
    }
}

static void list_errors(FILE *out)
{
    fprintf(out, "errors (I7 after a failed call; a fault's code):\n");
    for (int code = 1; code <= ERR_MAX; code++)
        fprintf(out, "  %2d  %-36s %s\n", code, error_info[code].name, error_info[code].why);
}

static void list_devices(FILE *out)
{
    fprintf(out, "devices (deviceRead / deviceWrite):\n");
    for (int i = 0; i < NDEVICES; i++)
        fprintf(out, "  %d  %-8s %s\n", devices[i].number, devices[i].name, devices[i].read);
}

static const struct { const char *topic; void (*print)(FILE *); } lists[] = {
    { "signals", list_signals }, { "registers", list_registers },
    { "constants", list_constants }, { "errors", list_errors }, { "devices", list_devices },
};
enum { NLISTS = sizeof lists / sizeof lists[0] };

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

/* The alias (CPY) a topic names, case-insensitive, or NULL. */
static const char *alias_of(const char *topic)
{
    for (int i = 0; i < op_alias_count; i++)
        if (strcasecmp(op_aliases[i].mnemonic, topic) == 0)
            return op_aliases[i].mnemonic;
    return NULL;
}

/* A signal topic: USR1, SIGUSR1 (case-insensitive) or "signal 30"; -1 when it is none. */
static int signal_topic(const char *topic)
{
    long n = numbered(topic, "signal");
    if (n > 0 && signal_valid(n))
        return (int)n;
    if (strncasecmp(topic, "SIG", 3) == 0 && topic[3])
        topic += 3;
    for (int s = 1; s <= SIG_MAX; s++)
        if (signal_valid(s) && strcasecmp(signal_info[s].name, topic) == 0)
            return s;
    return -1;
}

/* An error topic: "error 9" or its name (FileAccessException, case-insensitive). */
static int error_topic(const char *topic)
{
    long n = numbered(topic, "error");
    if (n >= 1 && n <= ERR_MAX)
        return (int)n;
    for (int code = 1; code <= ERR_MAX; code++)
        if (strcasecmp(error_info[code].name, topic) == 0)
            return code;
    return -1;
}

static const DeviceInfo *device_by_number(int64_t n)
{
    for (int i = 0; i < NDEVICES; i++)
        if (devices[i].number == n)
            return &devices[i];
    return NULL;
}

/* "device 2"; NULL when it is none. */
static const DeviceInfo *device_topic(const char *topic)
{
    long n = numbered(topic, "device");
    return n >= 0 ? device_by_number(n) : NULL;
}

/* A built-in constant (case-sensitive, as in programs): the help of its row. */
static int resolve_constant(const char *topic, FILE *out)
{
    const Constant *c = constant_find(topic, strlen(topic));
    if (!c)
        return 0;
    if (!out)
        return 1;
    fprintf(out, "%s = %lld (built-in constant: the %s %s)\n\n", c->name, (long long)c->value,
            constant_family_name(c->family), c->row);
    switch (c->family) {
    case CONST_SYS: print_syscall(out, (int)c->value); break;
    case CONST_SIG: print_signal(out, (int)c->value); break;
    case CONST_ERR: print_error(out, (int)c->value); break;
    case CONST_DEV: print_device(out, device_by_number(c->value)); break;
    default: break;
    }
    return 1;
}

/* Signals, errors and devices by name or number. */
static int resolve_row(const char *topic, FILE *out)
{
    int n = signal_topic(topic);
    if (n > 0) {
        if (out) print_signal(out, n);
        return 1;
    }
    n = error_topic(topic);
    if (n > 0) {
        if (out) print_error(out, n);
        return 1;
    }
    const DeviceInfo *d = device_topic(topic);
    if (d && out)
        print_device(out, d);
    return d != NULL;
}

static int resolve(const char *topic, FILE *out)
{
    for (int i = 0; i < NLISTS; i++) {
        if (strcasecmp(topic, lists[i].topic) == 0) {
            if (out) lists[i].print(out);
            return 1;
        }
    }
    int op = op_lookup(topic, (int)strlen(topic));
    if (op >= 0) {
        if (out) print_op(out, op, alias_of(topic));
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
    if (resolve_constant(topic, out) || resolve_row(topic, out))
        return 1;
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

/* The (up to) MAX topics nearest an unknown one, closest first, into best[]; how many. */
enum { MAX_SUGGEST = 3 };
static int nearest(const char *topic, const char **best)
{
    enum { MAX = MAX_SUGGEST };
    int d[MAX] = { 0 };
    static char names[64][64];   /* call names of the library functions */
    for (int i = 0; i < MAX; i++)
        best[i] = NULL;
    if (strlen(topic) > DIAG_WORD_MAX)
        return 0;
    for (int op = 0; op < OP_END; op++)
        consider(topic, op_info[op].mnemonic, true, best, d, MAX);
    for (int n = 1; n <= SYS_MAX; n++)
        if (syscall_info[n].name)
            consider(topic, syscall_info[n].name, true, best, d, MAX);
    for (int i = 0; i < NLISTS; i++)
        consider(topic, lists[i].topic, true, best, d, MAX);
    for (int s = 1; s <= SIG_MAX; s++)
        if (signal_valid(s))
            consider(topic, signal_info[s].name, true, best, d, MAX);
    for (size_t i = 0; i < constant_count(); i++)   /* sys_fork: suggest SYS_FORK */
        consider(topic, constant_at(i)->name, true, best, d, MAX);
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
    int n = 0;
    while (n < MAX && best[n])
        n++;
    return n;
}

void help_suggest(FILE *out, const char *topic)
{
    const char *best[MAX_SUGGEST];
    int n = nearest(topic, best);
    if (n == 0)
        return;
    fprintf(out, "did you mean:");
    for (int i = 0; i < n; i++)
        fprintf(out, " %s", best[i]);
    fprintf(out, "\n");
}

const char *help_nearest(const char *topic)
{
    const char *best[MAX_SUGGEST];
    return nearest(topic, best) ? best[0] : NULL;
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
                 "       mvm compile FILE.kar [-o FILE.mar]         assemble to bytecode\n"
                 "       mvm crun FILE.mar [options] [-- ARGS...]   run bytecode (run takes it too)\n"
                 "       mvm disasm FILE.mar|FILE.kar               the program again as source\n"
                 "       mvm check FILE.kar                         assemble only, report errors\n"
                 "       mvm tokenise FILE.kar                      print the parsed instructions\n"
                 "       mvm resume SNAPSHOT [options]              continue a saved machine\n"
                 "       mvm debug FILE.kar [options] [--input FILE] [--tty] [--save-interval N] [-- ARGS...]\n"
                 "                                                  step, break, watch, go back\n"
                 "       mvm vfs [--vfs FILE] ls|cat|put|get|rm|mkdir|info ...   use the VFS image\n"
                 "       mvm help [TOPIC]                           help on an instruction, system call, signal,\n"
                 "                                                  error, constant or library function\n"
                 "       mvm version                                print the version\n\n"
                 "options: --quantum N --memory WORDS --stack WORDS --max-processes N --max-steps N\n"
                 "         --scheduler rr|fifo|priority|lottery|mlfq\n"
                 "         --trace[=PID] --stats --stats-json FILE --timeline FILE.svg|.html|.json|.txt\n"
                 "         --seed N --config FILE --vfs FILE --exact\n"
                 "         --snapshot-every N --snapshot FILE --debug FILE.json --on-fault=dump\n\n"
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
                 "        mvm help USR1, mvm help SYS_FORK, mvm help strings.strlen\n"
                 "lists:  mvm help signals | registers | constants | errors | devices\n");
}
