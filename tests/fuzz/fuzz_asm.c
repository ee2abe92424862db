/*
 * fuzz_asm.c - libFuzzer target: arbitrary bytes -> assembler -> (if it assembles) a short,
 * bounded run in a small VM.
 *
 * Build and run with tests/fuzz/run.sh. The input is the source text of a .kar file;
 * diagnostics and program output go to /dev/null. When assembly succeeds, the decoded
 * program goes through the tokenise and disasm printers, then runs in a tiny machine
 * (4096 words, 64-word stack, 64 frames, 8 processes) for at most 2000 instructions, with
 * a quantum of 1..3 chosen from the input, so every input finishes fast.
 * AddressSanitizer, UBSan and LeakSanitizer do the judging.
 *
 * Time is virtual (vclock.c): SLEEP costs no real time, and a run that sleeps an hour of
 * virtual time is interrupted as a host SIGINT would. The VFS is a fresh in-memory image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asm/asm.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    /* readIo must never wait on a terminal. */
    if (!freopen("/dev/null", "r", stdin))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vclock_reset();
    int nerrors = 0;
    AsmOptions aopt = { 0 };
    Program *prog = asm_assemble_source("fuzz.kar", (const char *)data, size, &aopt,
                                        devnull, &nerrors);
    if (!prog)
        return 0;

    /* The printers of `mvm tokenise` and `mvm disasm` read every decoded instruction. */
    asm_print_tokens(prog, devnull);
    disasm_print(prog, devnull);

    /* A cheap, input-derived quantum: 1..3. */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;

    VmOptions o = fuzz_small_machine(1 + (int64_t)(h % 3), 2000);
    static VM vm;
    vm_init(&vm, &o);
    vm.out = devnull;
    vm.err = devnull;
    char *argv[] = { "fuzz.kar", "arg" };
    int err = vm_start(&vm, prog, 2, argv);
    program_release(prog);
    if (!err)
        (void)vm_run(&vm);
    vm_free(&vm);
    return 0;
}
