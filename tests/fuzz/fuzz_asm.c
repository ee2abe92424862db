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
 * Time is virtual. run.sh compiles the MVM sources with clock_gettime and nanosleep
 * renamed to the mvm_fuzz_ functions below: the clock starts at the same instant for every
 * input and moves only when the machine sleeps, so SLEEP costs no real time (no false
 * timeouts) and a run depends on its input alone. A program may sleep for centuries, and
 * --max-steps does not count sleeping: once a run has slept VCLOCK_RUN_NS of virtual time
 * the harness interrupts it as a host SIGINT would (kernel/host.h), which also puts the
 * interruption path under the sanitizers. The VFS is a fresh in-memory image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asm/asm.h"
#include "kernel/host.h"
#include "kernel/kernel.h"

/* <time.h> above declared the renamed functions; these are the real ones. */
#undef clock_gettime
#undef nanosleep
extern int clock_gettime(clockid_t clk, struct timespec *ts);
extern int nanosleep(const struct timespec *req, struct timespec *rem);

#define VCLOCK_START_NS INT64_C(1700000000000000000)   /* 2023-11-14, for every input */
#define VCLOCK_MAX_NS   (INT64_MAX / 2)
#define VCLOCK_RUN_NS   (INT64_C(3600) * 1000000000)     /* a run sleeps at most an hour */
static int64_t vclock_ns;

int mvm_fuzz_clock_gettime(clockid_t clk, struct timespec *ts);
int mvm_fuzz_nanosleep(const struct timespec *req, struct timespec *rem);

int mvm_fuzz_clock_gettime(clockid_t clk, struct timespec *ts)
{
    (void)clk;
    if (vclock_ns < VCLOCK_MAX_NS)
        vclock_ns += 1000;                   /* 1 us per look: time does pass */
    ts->tv_sec = vclock_ns / 1000000000;
    ts->tv_nsec = vclock_ns % 1000000000;
    return 0;
}

int mvm_fuzz_nanosleep(const struct timespec *req, struct timespec *rem)
{
    (void)rem;
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return -1;                           /* EINVAL, as the real one */
    int64_t ns = req->tv_sec > (VCLOCK_MAX_NS - vclock_ns) / 1000000000
                     ? VCLOCK_MAX_NS - vclock_ns
                     : (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;
    if (ns > VCLOCK_MAX_NS - vclock_ns)
        ns = VCLOCK_MAX_NS - vclock_ns;
    vclock_ns += ns;
    if (vclock_ns - VCLOCK_START_NS > VCLOCK_RUN_NS)
        host_interrupt(SIGINT);
    return 0;
}

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
    vclock_ns = VCLOCK_START_NS;
    host_interrupt_clear();
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

    VmOptions o = {
        .memory_size = 4096, .heap_start = 1024, .stack_size = 64, .call_depth = 64,
        .quantum = 1 + (int64_t)(h % 3), .max_processes = 8, .mailbox_capacity = 16,
        .hertz = 0, .max_steps = 2000, .trace = false, .stats = false, .seed = 1,
        .vfs_path = ":memory:",
    };
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
