/*
 * fuzz_debugcmd.c - libFuzzer target: arbitrary bytes -> the command script of a `mvm debug`
 * session (cli/debug_cmd.h: debug_session_run, the function `mvm debug` calls) over one
 * fixed program.
 *
 * Build and run with `tests/fuzz/run.sh --target debugcmd [SECONDS]`; the corpus is seeded
 * with the .cmd files of tests/debug (run.sh). Regression inputs are tests/fuzz/regressions/NAME.cmd.
 *
 * The program (below) is assembled once: a signal handler, a fork, a library call, a
 * child that loops, then signals its parent, a parent that waits and ends on a division
 * by zero (an unhandled fault). It always ends, after about 210 instructions, so no
 * command (`step 999999999999`, `continue`, `finish`) can run for long: every move stops at
 * the end at the latest. Saved points come every SAVE_INTERVAL instructions (about ten in a
 * run: each costs milliseconds under the sanitizers), so going back restores a saved
 * point from the middle of the history and replays from there.
 *
 * Bounds. Scripts longer than MAX_SCRIPT bytes are cut (each command may replay the
 * whole history, which stays cheap only for a bounded number of them). The session
 * reads the commands from memory (fmemopen), talks and prints to /dev/null, and the
 * program has no standard input. Time is virtual (vclock.c) and the VFS in memory.
 * AddressSanitizer, UBSan and LeakSanitizer judge.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "cli/debug_cmd.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

#define MAX_SCRIPT    4096   /* bytes of commands one input may give */
#define SAVE_INTERVAL 20     /* instructions between saved points (~7 ms each here) */

static const char fixed_source[] =
    "        LIT S1 SYS_HANDLESIGNALS\n"
    "        LIT S2 SIG_USR1\n"
    "        LIT S3 on_usr1\n"
    "        SYSCALL\n"
    "        LIT S1 SYS_FORK\n"
    "        SYSCALL\n"
    "        JZ child R2\n"
    "        STR G2 \"hello\"\n"
    "        CALL strings.strlen G2\n"
    "        POP G3\n"
    "        CALL say G3\n"
    "wait:   LIT S1 SYS_WAIT\n"
    "        LIT S2 0\n"
    "        SYSCALL\n"
    "        JZ wait I5\n"
    "        CALL say R2\n"
    "        LOAD 100 G4\n"
    "        CALL say G4\n"
    "        LIT G4 10\n"
    "        DIV G4 0 G5\n"
    "        LIT S1 SYS_EXIT\n"
    "        LIT S2 0\n"
    "        SYSCALL\n"
    "child:  LIT G1 0\n"
    "loop:   ADD G1 1 G1\n"
    "        STORE G1 200\n"
    "        LT G1 20\n"
    "        JZ loop\n"
    "        LIT S1 SYS_SENDSIGNAL\n"
    "        LIT S2 1\n"
    "        LIT S3 SIG_USR1\n"
    "        SYSCALL\n"
    "        CALL say G1\n"
    "        LIT S1 SYS_EXIT\n"
    "        LIT S2 3\n"
    "        SYSCALL\n"
    "on_usr1:\n"
    "        STORE I9 100\n"
    "        RET\n"
    "say:    PRINTR F1\n"
    "        RET\n";


static FILE *devnull;
static Program *prog;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull || !freopen("/dev/null", "r", stdin))
        abort();
    prog = asm_assemble_source("fuzz.kar", fixed_source, sizeof fixed_source - 1, &(AsmOptions){ 0 },
                               stderr, NULL);
    if (!prog)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vclock_reset();
    size_t n = size < MAX_SCRIPT ? size : MAX_SCRIPT;
    char *script = malloc(n + 1);
    if (!script)
        return 0;
    memcpy(script, data, n);   /* a copy: fmemopen wants a writable buffer */
    /* No commands at all: /dev/null (fmemopen refuses an empty buffer). */
    FILE *commands = n ? fmemopen(script, n, "r") : fopen("/dev/null", "r");
    if (!commands)
        abort();
    DebugIo io = {
        .commands = commands, .talk = devnull, .terminal = false, .colour = false,
        .out = devnull, .err = devnull, .input_fd = -1, .save_interval = SAVE_INTERVAL,
    };
    char *argv[] = { "fuzz.kar" };
    VmOptions small = fuzz_small_machine(1, 0);
    (void)debug_session_run(prog, &small, 1, argv, &io);
    fclose(commands);
    free(script);
    return 0;
}
