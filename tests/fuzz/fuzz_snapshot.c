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
 *   - the header checksum and the final checksum are recomputed (snapshot_seal, the
 *     writer's own code).
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
#include "vclock.h"

#define HEADER 56u
#define TAIL   8u
static FILE *devnull;
static uint8_t header0[40];   /* the first 40 header bytes of a genuine snapshot */

static const VmOptions small = {
    .memory_size = 4096, .heap_start = 1024, .stack_size = 64, .call_depth = 64,
    .quantum = 1, .max_processes = 8, .mailbox_capacity = 16, .max_steps = 2000,
    .seed = 1, .vfs_path = ":memory:",
};

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
    learn_header();
    return 0;
}

/* The input with a genuine header, its body length and both checksums set. */
static uint8_t *repair(const uint8_t *data, size_t size, size_t *out)
{
    size_t body = size > HEADER + TAIL ? (size - HEADER - TAIL) / 8 * 8 : 0;
    size_t n = HEADER + body + TAIL;
    uint8_t *b = calloc(1, n);
    if (!b)
        return NULL;
    memcpy(b, data, size < HEADER + body ? size : HEADER + body);
    memcpy(b, header0, sizeof header0);
    snapshot_seal(b, n);
    *out = n;
    return b;
}

/* Run what loaded, if its configuration keeps the run small under the sanitizers. */
static void run(VM *vm)
{
    const VmOptions *o = &vm->opt;
    if (o->memory_size > (1 << 20) || o->stack_size > (1 << 16) || o->call_depth > (1 << 16))
        return;
    for (size_t i = 0; i < vm->ntable; i++) {
        const Proc *p = vm->table[i];
        if (p && p->prog)
            disasm_print(p->prog, devnull);
    }
    (void)vm_run(vm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vclock_reset();
    size_t n;
    uint8_t *file = repair(data, size, &n);
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
