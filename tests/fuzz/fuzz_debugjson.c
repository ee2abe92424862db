/*
 * fuzz_debugjson.c - libFuzzer target: arbitrary bytes -> debug.json (kernel/debugjson.h),
 * loaded against one fixed program the way `mvm run --debug FILE` loads it, and, when it
 * loads, a short run of that program with the script attached.
 *
 * Build and run with `tests/fuzz/run.sh --target debugjson [SECONDS]`; the corpus is
 * seeded with the debug.json files of the test suites (run.sh). Regression inputs are
 * tests/fuzz/regressions/NAME.dbg.json.
 *
 * The program (below) is assembled once: a fork, a library call, a loop in the child and
 * a wait in the parent, 23 lines, so line numbers in "lineSpecific" land on instructions,
 * labels, a library call's line, and past the end. debug_load reads only from a path, so
 * each input is written to one temporary file made at start-up.
 *
 * Bounds. The run stops after 300 instructions (the program needs about 60) in a 4096-word
 * machine. A script may ask for many large dumps before every instruction (each
 * memoryRange up to 4096 words), which is legitimate but slow under the sanitizers, so
 * the dumps go to a counting stream that interrupts the run, as a host SIGINT would, once
 * it has printed DUMP_BUDGET bytes. AddressSanitizer, UBSan and LeakSanitizer judge.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "asm/asm.h"
#include "kernel/debugjson.h"
#include "kernel/host.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

#define DUMP_BUDGET (4u << 20)   /* bytes of dumps one input may print */

static const char fixed_source[] =
    "        LIT S1 SYS_FORK\n"
    "        SYSCALL\n"
    "        JZ child R2\n"
    "        STR G2 \"hello\"\n"
    "        CALL strings.strlen G2\n"
    "        POP G3\n"
    "        PRINTR G3\n"
    "wait:   LIT S1 SYS_WAIT\n"
    "        LIT S2 0\n"
    "        SYSCALL\n"
    "        JZ wait I5\n"
    "        PRINTR R2\n"
    "        LIT S1 SYS_EXIT\n"
    "        LIT S2 0\n"
    "        SYSCALL\n"
    "child:  LIT G1 0\n"
    "loop:   ADD G1 1 G1\n"
    "        STORE G1 100\n"
    "        LT G1 5\n"
    "        JZ loop\n"
    "        LIT S1 SYS_EXIT\n"
    "        LIT S2 3\n"
    "        SYSCALL\n";


static FILE *devnull, *dumps;
static size_t dumped;            /* bytes written to dumps for this input */
static Program *prog;
static char path[] = "/tmp/fuzz_debugjson.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The dump stream: counts and discards; past the budget it stops the run. */
static ssize_t count_dump(void *cookie, const char *buf, size_t len)
{
    (void)cookie;
    (void)buf;
    dumped += len;
    if (dumped > DUMP_BUDGET)
        host_interrupt(SIGINT);
    return (ssize_t)len;
}

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    dumps = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = count_dump });
    int fd = mkstemp(path);
    if (!devnull || !dumps || fd < 0 || !freopen("/dev/null", "r", stdin))
        abort();
    close(fd);
    atexit(remove_file);
    prog = asm_assemble_source("fuzz.kar", fixed_source, sizeof fixed_source - 1, &(AsmOptions){ 0 },
                               stderr, NULL);
    if (!prog)
        abort();
    return 0;
}

/* Replace the temporary file's content with the input. */
static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

/* Run the program with script s attached, as cmd_run does. */
static void run(DebugScript *s)
{
    VmOptions o = fuzz_small_machine(1, 300);
    o.debug = s;
    static VM vm;
    vm_init(&vm, &o);
    vm.out = devnull;
    vm.err = dumps;
    char *argv[] = { "fuzz.kar" };
    if (vm_start(&vm, prog, 1, argv) == 0)
        (void)vm_run(&vm);
    vm_free(&vm);
    fflush(dumps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vclock_reset();
    dumped = 0;
    write_input(data, size);
    DebugScript *s = debug_load(path, prog, fuzz_small_machine(1, 300).memory_size, devnull);
    if (s)
        run(s);
    debug_free(s);
    return 0;
}
