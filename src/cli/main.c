/*
 * main.c - the `mvm` command: parse the command line, load the configuration, and hand
 * over to the assembler and the kernel (SPEC 9).
 *
 * Exit statuses: a run ends with PID 1's exit code (mod 256), 128 + s after a signal,
 * 1 when stopped by --max-steps or deadlocked; 2 for usage errors, bad configuration and
 * assembly errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../asm/asm.h"
#include "../asm/bytecode.h"
#include "../host/hostfile.h"
#include "../kernel/debugjson.h"
#include "../kernel/host.h"
#include "../kernel/record.h"
#include "../kernel/kernel.h"
#include "../kernel/sched.h"
#include "../kernel/snapshot.h"
#include "../param.h"
#include "../timeline/timeline.h"
#include "../vfs/vfs.h"
#include "../vm/help.h"
#include "../vm/memory.h"
#include "config.h"
#include "debug_cmd.h"
#include "vfs_cmd.h"

#define EXIT_USAGE 2

typedef struct Cli {
    const char *command;
    const char *file;
    const char *config_path;
    const char *vfs_path;   /* --vfs FILE (wins over config.json's locations -> vfs) */
    int         nargs;      /* program arguments after -- */
    char      **args;
    Config      cfg;
    bool        trace, stats;
    bool        exact;            /* --exact: the one-instruction-at-a-time engine */
    int64_t     trace_pid;        /* --trace=PID (0: every process) */
    bool        fault_dump;       /* --on-fault=dump */
    const char *debug_path;       /* --debug FILE (wins over config.json's locations -> debug) */
    uint64_t    max_steps;
    uint64_t    snapshot_every;   /* --snapshot-every N (0 = never) ... */
    const char *snapshot_path;    /* ... --snapshot FILE */
    const char *stats_json;       /* --stats-json FILE */
    const char *timeline;         /* --timeline FILE.svg|.html|.json|.txt */
    const struct SchedPolicy *scheduler;   /* --scheduler NAME, or NULL: the config's */
    const char *help_topic;
    const char *input_path;       /* mvm debug --input FILE: the program's standard input */
    bool        tty;              /* mvm debug --tty: the debugger on the terminal */
    const char *output_path;      /* mvm compile -o FILE.mar */
    uint64_t    save_interval;    /* mvm debug --save-interval N (0: the default) */
} Cli;

static void usage(FILE *out)
{
    help_print_overview(out);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "mvm: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see 'mvm help')\n");
    return EXIT_USAGE;
}

/* A whole number option value in [lo, hi]; prints the error and returns false otherwise. */
static bool parse_number(const char *opt, const char *text, int64_t lo, int64_t hi, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || errno == ERANGE) {
        fprintf(stderr, "mvm: %s expects a whole number, got '%s'\n", opt, text ? text : "");
        return false;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, "mvm: %s must be between %" PRId64 " and %" PRId64 ", got %lld\n", opt, lo, hi, v);
        return false;
    }
    *out = v;
    return true;
}

/* Options that take a number, and where each one goes. */
typedef struct NumberOption { const char *name; int64_t lo, hi; size_t offset; } NumberOption;
static const NumberOption number_options[] = {
    { "--quantum",       1, MAX_QUANTUM,          offsetof(Config, quantum) },
    { "--memory",        2, (int64_t)MAX_MEMORY_SIZE, offsetof(Config, memory_size) },
    { "--stack",         1, MAX_STACK_SIZE,       offsetof(Config, stack_size) },
    { "--max-processes", 1, MAX_PROCESSES,        offsetof(Config, max_processes) },
};

/* Parse argv after the command. Options may stand before or after FILE; everything
 * after "--" belongs to the program. Returns 0 or an exit status. */
static int parse_options(Cli *cli, int argc, char **argv, int64_t *overrides, bool *overridden)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            cli->args = argv + i + 1;
            cli->nargs = argc - i - 1;
            return 0;
        }
        if (a[0] != '-' || a[1] == 0) {
            if (cli->file)
                return bad_usage("unexpected argument '%s' (program arguments go after --)", a);
            cli->file = a;
            continue;
        }
        if (strcmp(a, "--trace") == 0) { cli->trace = true; continue; }
        if (strcmp(a, "--stats") == 0) { cli->stats = true; continue; }
        if (strcmp(a, "--exact") == 0) { cli->exact = true; continue; }
        if (strncmp(a, "--trace=", 8) == 0) {
            if (!parse_number("--trace=PID", a + 8, 1, INT64_MAX, &cli->trace_pid))
                return EXIT_USAGE;
            cli->trace = true;
            continue;
        }
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--on-fault") == 0 || strncmp(a, "--on-fault=", 11) == 0) {
            const char *how = a[10] == '=' ? a + 11 : val;
            i += a[10] == 0;
            if (!how || strcmp(how, "dump") != 0)
                return bad_usage("--on-fault expects 'dump' (--on-fault=dump), got '%s'", how ? how : "");
            cli->fault_dump = true;
            continue;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof number_options / sizeof number_options[0]; k++) {
            const NumberOption *o = &number_options[k];
            if (strcmp(a, o->name) != 0)
                continue;
            if (!parse_number(a, val, o->lo, o->hi, &overrides[k]))
                return EXIT_USAGE;
            overridden[k] = true;
            known = true;
        }
        if (known) { i++; continue; }
        if (strcmp(a, "--max-steps") == 0) {
            int64_t n;
            if (!parse_number(a, val, 1, INT64_MAX, &n))
                return EXIT_USAGE;
            cli->max_steps = (uint64_t)n;
            i++;
        } else if (strcmp(a, "--snapshot-every") == 0) {
            int64_t n;
            if (!parse_number(a, val, 1, INT64_MAX, &n))
                return EXIT_USAGE;
            cli->snapshot_every = (uint64_t)n;
            i++;
        } else if (strcmp(a, "--snapshot") == 0) {
            if (!val)
                return bad_usage("%s expects a file name", a);
            cli->snapshot_path = val;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            int64_t n;
            if (!parse_number(a, val, INT64_MIN, INT64_MAX, &n))
                return EXIT_USAGE;
            cli->cfg.seed = n;
            cli->cfg.seed_set = 1;
            i++;
        } else if (strcmp(a, "--scheduler") == 0) {
            if (!val)
                return bad_usage("--scheduler expects a policy: %s", sched_policy_names());
            const SchedPolicy *policy = sched_policy_find(val);
            if (!policy) {
                fprintf(stderr, "mvm: --scheduler: unknown policy '%s' (expected %s)\n", val, sched_policy_names());
                return EXIT_USAGE;
            }
            cli->scheduler = policy;
            i++;
        } else if (strcmp(a, "--vfs") == 0) {
            if (!val)
                return bad_usage("%s expects a file name", a);
            cli->vfs_path = val;
            i++;
        } else if (strcmp(a, "-o") == 0 && strcmp(cli->command, "compile") == 0) {
            if (!val)
                return bad_usage("%s expects a file name (the .mar to write)", a);
            cli->output_path = val;
            i++;
        } else if (strcmp(a, "--tty") == 0 && strcmp(cli->command, "debug") == 0) {
            cli->tty = true;
        } else if (strcmp(a, "--save-interval") == 0 && strcmp(cli->command, "debug") == 0) {
            int64_t n;
            if (!parse_number(a, val, 1, INT64_MAX, &n))
                return EXIT_USAGE;
            cli->save_interval = (uint64_t)n;
            i++;
        } else if (strcmp(a, "--input") == 0 && strcmp(cli->command, "debug") == 0) {
            if (!val)
                return bad_usage("%s expects a file name", a);
            cli->input_path = val;
            i++;
        } else if (strcmp(a, "--stats-json") == 0) {
            if (!val)
                return bad_usage("%s expects a file name", a);
            cli->stats_json = val;
            i++;
        } else if (strcmp(a, "--timeline") == 0) {
            if (!val || !timeline_writer_for(val))
                return bad_usage("%s expects a file name ending in .svg, .html, .json or .txt", a);
            cli->timeline = val;
            i++;
        } else if (strcmp(a, "--debug") == 0) {
            if (!val)
                return bad_usage("%s expects a file name (a debug.json)", a);
            cli->debug_path = val;
            i++;
        } else if (strcmp(a, "--config") == 0) {
            if (!val)
                return bad_usage("%s expects a file name", a);
            cli->config_path = val;
            i++;
        } else {
            return bad_usage("unknown option '%s'", a);
        }
    }
    return 0;
}

/* Defaults, then config.json (or --config), then the command line. */
static int load_configuration(Cli *cli, int argc, char **argv)
{
    enum { NOPT = sizeof number_options / sizeof number_options[0] };
    int64_t overrides[NOPT];
    bool overridden[NOPT] = { false };
    config_defaults(&cli->cfg);
    int st = parse_options(cli, argc, argv, overrides, overridden);
    if (st)
        return st;
    st = cli->config_path ? config_load_file(&cli->cfg, cli->config_path, stderr)
                          : config_load_default(&cli->cfg, stderr);
    if (st)
        return EXIT_USAGE;
    for (size_t k = 0; k < NOPT; k++)
        if (overridden[k])
            *(int64_t *)((char *)&cli->cfg + number_options[k].offset) = overrides[k];
    return config_validate(&cli->cfg, stderr) ? EXIT_USAGE : 0;
}

/* --snapshot-every and --snapshot go together. Returns 0 or EXIT_USAGE. */
static int check_snapshot_options(const Cli *cli)
{
    if (cli->snapshot_every && !cli->snapshot_path)
        return bad_usage("%s needs --snapshot FILE", "--snapshot-every N");
    if (cli->snapshot_path && !cli->snapshot_every)
        return bad_usage("%s needs --snapshot-every N", "--snapshot FILE");
    return 0;
}

/* The VFS image named by --vfs or config.json must be usable before anything runs
 * (SPEC 10 "VFS"): not empty, not a FIFO, directory or device. 0 or EXIT_USAGE. */
static int check_vfs_path(const char *image)
{
    char err[1024];
    if (!image || vfs_check_image_path(image, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "mvm: %s\n", err);
    return EXIT_USAGE;
}

/* Standard output: line-buffered on a terminal, so a person sees each line as it is made;
 * fully buffered into pipes and files, for speed (SPEC 3). */
static void buffer_output(void)
{
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof outbuf);
}

/* MVM_HOST_BUDGET_MIB=N sets the host memory budget (param.h MEM_HOST_BUDGET) to N MiB:
 * a knob for tests, which reach the limit fast with a small budget. */
static void apply_budget_knob(void)
{
    const char *v = getenv("MVM_HOST_BUDGET_MIB");
    char *end;
    if (!v || !*v)
        return;
    errno = 0;
    unsigned long long mib = strtoull(v, &end, 10);
    if (*end || errno || mib == 0 || mib > (SIZE_MAX >> 20))
        fprintf(stderr, "mvm: ignoring MVM_HOST_BUDGET_MIB='%s' (expects a whole number of MiB)\n", v);
    else
        mem_budget_set((size_t)mib << 20);
}

/* Run a started (or resumed) machine to the end, print --stats, free it. From here on a
 * host SIGINT/TERM/HUP stops the machine at an instruction boundary (kernel/host.h): the
 * output is flushed, --stats printed and the VFS closed as after any other ending. */
static int finish_run(VM *vm, const Cli *cli, struct timespec t0)
{
    bool recording = cli->stats || cli->stats_json || cli->timeline;
    if (recording && rec_start(vm, cli->timeline != NULL) != 0)
        fprintf(stderr, "mvm: out of memory for --stats or --timeline: the report will be incomplete\n");
    host_catch_signals();
    int status = vm_run(vm);
    fflush(stdout);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    rec_finish(vm);
    if (cli->stats)
        vm_print_stats(vm, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    int e;
    if (cli->stats_json && vm->rec && (e = rec_write_stats_json(vm, cli->stats_json)) != 0) {
        fprintf(stderr, "mvm: --stats-json %s: cannot write it: %s\n", cli->stats_json, host_error_text(e));
        status = status ? status : 1;
    }
    if (cli->timeline && vm->rec && (e = timeline_write(vm, cli->timeline)) != 0) {
        fprintf(stderr, "mvm: --timeline %s: cannot write it: %s\n", cli->timeline, host_error_text(e));
        status = status ? status : 1;
    }
    vm_free(vm);
    return status;
}

/* The program named on the command line: bytecode (by its magic number) or source,
 * assembled with its user modules looked up on the host, beside it, inside its directory
 * (which becomes PID 1's directory). */
static Program *assemble(const Cli *cli)
{
    const char *slash = strrchr(cli->file, '/');
    char *base = !slash ? strdup(".") : slash == cli->file ? strdup("/")
                                      : strndup(cli->file, (size_t)(slash - cli->file));
    if (!base) {
        fprintf(stderr, "mvm: %s: out of memory\n", cli->file);
        return NULL;
    }
    HostModules modules;
    asm_host_modules(&modules, base);
    AsmOptions opt = { .stdlib_dir = cli->cfg.loc_stdlib, .modules = &modules.provider };
    Program *p = strcmp(cli->command, "crun") == 0 ? mar_load_file(cli->file, stderr)
                                                   : asm_load_file(cli->file, &opt, stderr, NULL);
    free(base);
    return p;
}

/* The machine's options from the configuration and the command line. */
static VmOptions vm_options(const Cli *cli)
{
    VmOptions o = {
        .memory_size = cli->cfg.memory_size, .heap_start = cli->cfg.heap_start,
        .stack_size = cli->cfg.stack_size, .call_depth = cli->cfg.call_depth,
        .quantum = cli->cfg.quantum, .max_processes = cli->cfg.max_processes,
        .mailbox_capacity = cli->cfg.mailbox_capacity, .hertz = cli->cfg.hertz,
        .max_semaphores = cli->cfg.max_semaphores,
        .max_steps = cli->max_steps, .trace = cli->trace, .stats = cli->stats, .exact = cli->exact,
        .trace_pid = cli->trace_pid, .fault_dump = cli->fault_dump,
        .seed = cli->cfg.seed_set ? (uint64_t)cli->cfg.seed : DEFAULT_RANDOM_SEED,
        .vfs_path = cli->vfs_path ? cli->vfs_path : cli->cfg.loc_vfs,
        .stdlib_dir = cli->cfg.loc_stdlib,
        .snapshot_every = cli->snapshot_every, .snapshot_path = cli->snapshot_path,
        .scheduler = cli->scheduler ? cli->scheduler : cli->cfg.scheduler,
        .aging_interval = cli->cfg.aging_interval, .boost_interval = cli->cfg.boost_interval,
    };
    return o;
}

static int cmd_run(Cli *cli)
{
    if (!cli->file)
        return bad_usage("%s: which program? usage: mvm run FILE.kar", cli->command);
    if (check_snapshot_options(cli) || check_vfs_path(cli->vfs_path ? cli->vfs_path : cli->cfg.loc_vfs))
        return EXIT_USAGE;
    Program *prog = assemble(cli);
    if (!prog)
        return EXIT_USAGE;
    const char *debug_path = cli->debug_path ? cli->debug_path : cli->cfg.loc_debug;
    DebugScript *debug = debug_path ? debug_load(debug_path, prog, cli->cfg.memory_size, stderr) : NULL;
    if (debug_path && !debug) {
        program_release(prog);
        return EXIT_USAGE;
    }
    VmOptions o = vm_options(cli);
    o.debug = debug;
    static VM vm;
    vm_init(&vm, &o);
    buffer_output();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int err = vm_start(&vm, prog, cli->nargs, cli->args);
    program_release(prog);
    if (err) {
        fprintf(stderr, "mvm: cannot start %s: out of memory\n", cli->file);
        vm_free(&vm);
        debug_free(debug);
        return 1;
    }
    int status = finish_run(&vm, cli, t0);
    debug_free(debug);
    return status;
}

/* mvm debug FILE: the debugger (debug_cmd.c). --trace, --snapshot-every and --max-steps
 * belong to runs, not to a session driven by hand: they are refused. */
static int cmd_debug(Cli *cli)
{
    if (!cli->file)
        return bad_usage("%s: which program? usage: mvm debug FILE.kar [--input FILE]", cli->command);
    if (cli->trace || cli->snapshot_every || cli->snapshot_path || cli->max_steps || cli->stats_json ||
        cli->timeline)
        return bad_usage("%s: --trace, --max-steps, --snapshot..., --stats-json and --timeline do not apply "
                         "to a debugging session",
                         cli->command);
    if (check_vfs_path(cli->vfs_path ? cli->vfs_path : cli->cfg.loc_vfs))
        return EXIT_USAGE;
    Program *prog = assemble(cli);
    if (!prog)
        return EXIT_USAGE;
    VmOptions o = vm_options(cli);
    o.hertz = 0;
    int st = debug_session(prog, &o, cli->nargs, cli->args, cli->input_path, cli->tty, cli->save_interval);
    program_release(prog);
    return st;
}

/* The options `mvm resume` takes (a snapshot keeps the machine's own configuration), and
 * whether each takes a value. */
static const struct { const char *name; bool value; } resume_options[] = {
    { "--max-steps", true }, { "--trace", false }, { "--stats", false },
    { "--snapshot-every", true }, { "--snapshot", true }, { "--vfs", true },
    { "--debug", true }, { "--on-fault", true }, { "--stats-json", true }, { "--timeline", true },
};

/* Refuse any other option before parsing. Returns 0 or EXIT_USAGE. */
static int check_resume_options(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == 0)
            continue;
        if (strncmp(a, "--trace=", 8) == 0 || strncmp(a, "--on-fault=", 11) == 0)
            continue;
        size_t k = 0, n = sizeof resume_options / sizeof resume_options[0];
        while (k < n && strcmp(a, resume_options[k].name) != 0)
            k++;
        if (k == n)
            return bad_usage("resume: '%s' is not accepted: a snapshot keeps its machine's configuration "
                             "(resume takes --max-steps --trace --stats --stats-json --timeline --snapshot-every "
                             "--snapshot --vfs --debug --on-fault)", a);
        i += resume_options[k].value;
    }
    return 0;
}

/* mvm resume SNAPSHOT: continue a saved machine (SPEC 4.3, 9). */
static int cmd_resume(Cli *cli)
{
    if (!cli->file)
        return bad_usage("%s: which snapshot? usage: mvm resume SNAPSHOT", cli->command);
    if (check_snapshot_options(cli) || check_vfs_path(cli->vfs_path ? cli->vfs_path : cli->cfg.loc_vfs))
        return EXIT_USAGE;
    VmOptions o = {
        .max_steps = cli->max_steps, .trace = cli->trace, .stats = cli->stats, .exact = cli->exact,
        .trace_pid = cli->trace_pid,
        .vfs_path = cli->vfs_path ? cli->vfs_path : cli->cfg.loc_vfs,
        .stdlib_dir = cli->cfg.loc_stdlib,
        .snapshot_every = cli->snapshot_every, .snapshot_path = cli->snapshot_path,
        .fault_dump = cli->fault_dump,
    };
    static VM vm;
    vm_init(&vm, &o);
    if (snapshot_load(&vm, cli->file, &o, stderr) != 0) {
        vm_free(&vm);
        return EXIT_USAGE;
    }
    /* A debug.json names lines of the main program: the one the lowest live PID runs. */
    const char *debug_path = cli->debug_path ? cli->debug_path : cli->cfg.loc_debug;
    DebugScript *debug = NULL;
    if (debug_path) {
        const Proc *first = NULL;
        for (size_t i = 0; i < vm.ntable && !first; i++)
            if (vm.table[i] && vm.table[i]->state != PROC_EXITED && vm.table[i]->cpu.prog)
                first = vm.table[i];
        debug = first ? debug_load(debug_path, first->cpu.prog, vm.opt.memory_size, stderr) : NULL;
        if (!debug) {
            if (!first)
                fprintf(stderr, "mvm: %s: --debug: the snapshot has no live process\n", cli->file);
            vm_free(&vm);
            return EXIT_USAGE;
        }
        debug_attach(&vm, debug);
    }
    buffer_output();
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = finish_run(&vm, cli, t0);
    debug_free(debug);
    return status;
}

/* FILE.kar -> FILE.mar beside it (any other name gets .mar added). */
static char *default_output(const char *src)
{
    size_t n = strlen(src);
    char *out = malloc(n + 5);
    if (!out)
        return NULL;
    memcpy(out, src, n + 1);
    if (n > 4 && strcmp(src + n - 4, ".kar") == 0)
        n -= 4;
    strcpy(out + n, ".mar");
    return out;
}

/* mvm compile FILE.kar [-o FILE.mar]: assemble (every error reported, as check does) and
 * write the bytecode. */
static int cmd_compile(Cli *cli)
{
    if (!cli->file)
        return bad_usage("%s: which program? usage: mvm compile FILE.kar [-o FILE.mar]", cli->command);
    Program *prog = assemble(cli);
    if (!prog)
        return EXIT_USAGE;
    char *dflt = cli->output_path ? NULL : default_output(cli->file);
    const char *out = cli->output_path ? cli->output_path : dflt;
    int st = out && mar_write_file(prog, out, stderr) == 0 ? 0 : 1;
    if (!out)
        fprintf(stderr, "mvm: %s: out of memory\n", cli->file);
    free(dflt);
    program_release(prog);
    return st;
}

/* mvm disasm FILE.mar|FILE.kar: the program again as source (disasm.c). */
static int cmd_disasm(Cli *cli)
{
    if (!cli->file)
        return bad_usage("%s: which program? usage: mvm disasm FILE.mar|FILE.kar", cli->command);
    Program *prog = assemble(cli);
    if (!prog)
        return EXIT_USAGE;
    disasm_print(prog, stdout);
    program_release(prog);
    return 0;
}

static int cmd_check(Cli *cli, bool print_tokens)
{
    if (!cli->file)
        return bad_usage("%s: which program?", cli->command);
    Program *prog = assemble(cli);
    if (!prog)
        return EXIT_USAGE;
    if (print_tokens)
        asm_print_tokens(prog, stdout);
    else
        printf("%s: ok (%" PRIu32 " instructions)\n", cli->file, prog->units[0].end - prog->units[0].first);
    program_release(prog);
    return 0;
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        usage(stdout);
        return 0;
    }
    /* "mvm help syscall 8" arrives as two words: join them. */
    char topic[256] = "";
    for (int i = 0; i < argc; i++) {
        if (i)
            strncat(topic, " ", sizeof topic - strlen(topic) - 1);
        strncat(topic, argv[i], sizeof topic - strlen(topic) - 1);
    }
    if (help_print_topic(stdout, topic) != 0) {
        fprintf(stderr, "mvm: no help for '%s' (try 'mvm help' for the list of topics)\n", topic);
        help_suggest(stderr, topic);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("mvm %s\n", MVM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return cmd_help(argc - 2, argv + 2);

    if (strcmp(cmd, "vfs") == 0)
        return vfs_command(argc - 2, argv + 2);

    Cli cli = { .command = cmd };
    int status;
    apply_budget_knob();
    if (strcmp(cmd, "run") == 0 || strcmp(cmd, "irun") == 0 || strcmp(cmd, "crun") == 0 ||
        strcmp(cmd, "check") == 0 || strcmp(cmd, "tokenise") == 0 || strcmp(cmd, "tokenize") == 0 ||
        strcmp(cmd, "debug") == 0 || strcmp(cmd, "compile") == 0 || strcmp(cmd, "disasm") == 0) {
        status = load_configuration(&cli, argc - 2, argv + 2);
        if (status == 0) {
            if (strcmp(cmd, "check") == 0)
                status = cmd_check(&cli, false);
            else if (strcmp(cmd, "compile") == 0)
                status = cmd_compile(&cli);
            else if (strcmp(cmd, "disasm") == 0)
                status = cmd_disasm(&cli);
            else if (strncmp(cmd, "token", 5) == 0)
                status = cmd_check(&cli, true);
            else if (strcmp(cmd, "debug") == 0)
                status = cmd_debug(&cli);
            else
                status = cmd_run(&cli);
        }
        config_free(&cli.cfg);
        return status;
    }
    if (strcmp(cmd, "resume") == 0) {
        status = check_resume_options(argc - 2, argv + 2);
        if (status == 0)
            status = load_configuration(&cli, argc - 2, argv + 2);
        if (status == 0)
            status = cmd_resume(&cli);
        config_free(&cli.cfg);
        return status;
    }
    return bad_usage("unknown command '%s'", cmd);
}
