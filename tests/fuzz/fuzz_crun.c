/*
 * fuzz_crun.c - libFuzzer target, differential: arbitrary bytes -> assembler -> (if it
 * assembles) the program runs twice in identical small machines, once as assembled
 * (`mvm run`) and once after a round trip through bytecode (mar_encode, then mar_decode
 * with its verifier: `mvm compile` + `mvm crun`). Any difference in what the two runs
 * print, their diagnostics, exit status or instruction count is a finding (abort), as is
 * a program the verifier refuses though the assembler made it, or an encoding that is not
 * the same bytes twice.
 *
 * Build and run with `tests/fuzz/run.sh --target crun`. Seeds: the golden programs and
 * examples (several processes: fork, signals, mailboxes). Each run is bounded as in
 * fuzz_asm.c (4096 words, 8 processes, 2000 instructions, virtual clock, in-memory VFS).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "asm/bytecode.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!freopen("/dev/null", "r", stdin))   /* readIo must never wait on a terminal */
        abort();
    return 0;
}

/* What one run showed. */
typedef struct Outcome {
    char    *out, *err;
    size_t   nout, nerr;
    int      status;
    uint64_t steps;
} Outcome;

static void run(Program *prog, int64_t quantum, Outcome *o)
{
    vclock_reset();
    VmOptions opt = fuzz_small_machine(quantum, 2000);
    static VM vm;
    vm_init(&vm, &opt);
    FILE *out = open_memstream(&o->out, &o->nout), *err = open_memstream(&o->err, &o->nerr);
    if (!out || !err)
        abort();
    vm.out = out;
    vm.err = err;
    char *argv[] = { "fuzz.kar", "arg" };
    o->status = vm_start(&vm, prog, 2, argv) ? -1 : vm_run(&vm);
    o->steps = vm.steps;
    vm_free(&vm);
    fclose(out);
    fclose(err);
}

static void finding(const char *what, const Outcome *a, const Outcome *b)
{
    fprintf(stderr, "fuzz_crun: %s\n--- run: status %d, %llu steps\n%.*s\n%.*s\n--- crun: status %d, %llu steps\n%.*s\n%.*s\n",
            what, a->status, (unsigned long long)a->steps, (int)a->nout, a->out, (int)a->nerr, a->err,
            b->status, (unsigned long long)b->steps, (int)b->nout, b->out, (int)b->nerr, b->err);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    AsmOptions aopt = { 0 };
    Program *prog = asm_assemble_source("fuzz.kar", (const char *)data, size, &aopt, devnull, NULL);
    fclose(devnull);
    if (!prog)
        return 0;
    uint8_t *bytes = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    if (mar_encode(prog, &bytes, &n) != 0 || mar_encode(prog, &again, &n2) != 0)
        abort();   /* out of memory on a tiny program: a finding too */
    if (n != n2 || memcmp(bytes, again, n) != 0) {
        fprintf(stderr, "fuzz_crun: two encodings of one program differ\n");
        abort();
    }
    free(again);
    FILE *err = fopen("/dev/null", "w");
    Program *back = mar_decode("fuzz.mar", bytes, n, err);
    fclose(err);
    free(bytes);
    if (!back) {
        fprintf(stderr, "fuzz_crun: the verifier refused a program the assembler made:\n%.*s\n", (int)size,
                (const char *)data);
        abort();
    }
    int64_t quantum = 1 + (int64_t)(size % 3);
    Outcome a = { 0 }, b = { 0 };
    run(prog, quantum, &a);
    run(back, quantum, &b);
    if (a.status != b.status || a.steps != b.steps || a.nout != b.nout || memcmp(a.out, b.out, a.nout) != 0 ||
        a.nerr != b.nerr || memcmp(a.err, b.err, a.nerr) != 0)
        finding("run and crun differ", &a, &b);
    free(a.out); free(a.err); free(b.out); free(b.err);
    program_release(prog);
    program_release(back);
    return 0;
}
