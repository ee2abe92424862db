/*
 * fuzz_snapshot.c - libFuzzer target: arbitrary bytes -> the snapshot loader of
 * `mvm resume` -> (if it loads) a short, bounded run of the resumed machine.
 *
 * Build and run with `tests/fuzz/run.sh --target snapshot [SECONDS]`; the corpus is seeded
 * with real snapshots of the programs in tests/snapshot, taken at several points.
 *
 * Getting past the checksums. A mutated file almost never has a matching checksum, and
 * the loader (rightly) refuses it before parsing anything, so the harness repairs the
 * outer layer first, as an attacker who edits a snapshot by hand would:
 *   - bytes 0..39 of the header (magic, format version, instruction-set fingerprint and
 *     the two check values) are those of a snapshot this very mvm wrote at start-up;
 *   - body_len becomes what the input holds (size - 64, rounded down to whole words;
 *     a shorter input is padded with zeros);
 *   - the header checksum and the final checksum are recomputed (bin_seal, the
 *     writer's own code).
 *   (fuzz_repair in harness.c, shared with fuzz_bytecode.c.)
 * Everything after the header reaches the parser untouched: section tags and lengths,
 * counts, indexes, programs, frames, saved contexts, pages, mailboxes, the ring.
 *
 * A loaded machine runs for at most 2000 instructions (only when its configuration is
 * small: at most 2^20 memory words and 2^16 stack words and frames, so that one input
 * cannot take the sanitizers past libFuzzer's RSS limit) with output to /dev/null, a fresh
 * in-memory VFS and the virtual clock of every harness (vclock.c; run.sh renames
 * clock_gettime and nanosleep). A snapshot may hold a process that sleeps for ages or
 * forever, which the real mvm waits out on the host clock; the virtual clock interrupts
 * such a run after an hour of virtual sleep, as a host SIGINT would, so it is not
 * reported as a timeout. Its programs also go through the disassembler, which trusts verified
 * code as the interpreter does. AddressSanitizer, UBSan and LeakSanitizer judge.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asm/asm.h"
#include "kernel/kernel.h"
#include "kernel/snapshot.h"
#include "harness.h"
#include "vclock.h"

static FILE *devnull;
static uint8_t header0[FUZZ_HEADER_KEPT];   /* of a genuine snapshot */
static VmOptions small;

/* Save a one-instruction machine to learn this mvm's header (version, fingerprint). */
static void learn_header(void)
{
    char path[] = "/tmp/fuzz_snapshot.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    Program *prog = asm_assemble_source("seed.kar", "NOP\n", 4, &(AsmOptions){ 0 }, devnull, NULL);
    static VM vm;
    vm_init(&vm, &small);
    vm.out = vm.err = devnull;
    if (!prog || vm_start(&vm, prog, 0, NULL) != 0 || snapshot_save(&vm, path) != 0)
        abort();
    program_release(prog);
    vm_free(&vm);
    FILE *f = fopen(path, "rb");
    if (!f || fread(header0, 1, sizeof header0, f) != sizeof header0)
        abort();
    fclose(f);
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull || !freopen("/dev/null", "r", stdin))
        abort();
    small = fuzz_small_machine(1, 2000);
    learn_header();
    return 0;
}

/* Run what loaded, if its configuration keeps the run small under the sanitizers. */
static void run(VM *vm)
{
    const VmOptions *o = &vm->opt;
    if (o->memory_size > (1 << 20) || o->stack_size > (1 << 16) || o->call_depth > (1 << 16))
        return;
    for (size_t i = 0; i < vm->ntable; i++) {
        const Proc *p = vm->table[i];
        if (p && p->cpu.prog)
            disasm_print(p->cpu.prog, devnull);
    }
    (void)vm_run(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vclock_reset();
    size_t n;
    uint8_t *file = fuzz_repair(data, size, header0, &n);
    if (!file)
        return 0;
    static VM vm;
    vm_init(&vm, &small);
    vm.out = vm.err = devnull;
    if (snapshot_load_bytes(&vm, "fuzz.snap", file, n, host_time_ms(), &small, devnull) == 0)
        run(&vm);
    vm_free(&vm);
    free(file);
    return 0;
}
