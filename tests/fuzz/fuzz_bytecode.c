/*
 * fuzz_bytecode.c - libFuzzer target: arbitrary bytes -> the .mar loader and verifier of
 * `mvm crun` -> (if it loads) the disassembler and a short, bounded run.
 *
 * Build and run with `tests/fuzz/run.sh --target bytecode [SECONDS]`; the corpus is seeded
 * with .mar files compiled by ./mvm. As in fuzz_snapshot.c, a mutated file almost never
 * has matching checksums and would be refused before its program is parsed, so the
 * harness repairs the outer layer first, as someone editing a .mar by hand would: the
 * first 40 header bytes become those of a genuine .mar (magic, version, fingerprint,
 * check values), and body_len and both checksums are set by bin_seal (the writer's own
 * code): fuzz_repair in harness.c. Every byte of the program section reaches the parser and the verifier
 * untouched. One input in 16 is decoded as it is, to keep the outer checks fuzzed too.
 *
 * A program that loads goes through disasm_print and runs in a small machine (4096 words,
 * 8 processes, 2000 instructions, virtual clock, in-memory VFS), so a verified program
 * that the interpreter or a diagnostic cannot follow is found too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "asm/bytecode.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

static FILE *devnull;
static uint8_t header0[FUZZ_HEADER_KEPT];   /* of a genuine .mar */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull || !freopen("/dev/null", "r", stdin))
        abort();
    Program *p = asm_assemble_source("seed.kar", "NOP\n", 4, &(AsmOptions){ 0 }, devnull, NULL);
    uint8_t *b = NULL;
    size_t n = 0;
    if (!p || mar_encode(p, &b, &n) != 0 || n < sizeof header0)
        abort();
    memcpy(header0, b, sizeof header0);
    free(b);
    program_release(p);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n = size;
    bool as_is = size && data[0] % 16 == 0;
    uint8_t *b = as_is ? malloc(size) : fuzz_repair(data, size, header0, &n);
    if (!b)
        return 0;
    if (as_is)
        memcpy(b, data, size);
    Program *prog = mar_decode("fuzz.mar", b, n, devnull);
    free(b);
    if (!prog)
        return 0;
    disasm_print(prog, devnull);
    asm_print_tokens(prog, devnull);
    vclock_reset();
    VmOptions o = fuzz_small_machine(1 + (int64_t)(size % 3), 2000);
    static VM vm;
    vm_init(&vm, &o);
    vm.out = devnull;
    vm.err = devnull;
    char *argv[] = { "fuzz.mar" };
    if (vm_start(&vm, prog, 1, argv) == 0)
        (void)vm_run(&vm);
    program_release(prog);
    vm_free(&vm);
    return 0;
}
