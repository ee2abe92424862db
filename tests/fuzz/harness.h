/* harness.h - what several fuzz harnesses share (harness.c): the small machine inputs run
 * in, and the repair that gets a mutated binary file past its checksums. */
#ifndef MVM_FUZZ_HARNESS_H
#define MVM_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel.h"

#define FUZZ_HEADER_KEPT 40u   /* header bytes a repair takes from a genuine file */

/* The machine every input runs in: 4096 memory words, 64 stack words and frames, 8
 * processes, an in-memory VFS, seed 1; quantum and step limit (0: none) as given. Small,
 * so that one input cannot take the sanitizers past libFuzzer's memory limit. */
VmOptions fuzz_small_machine(int64_t quantum, int64_t max_steps);

/* A copy of data repaired as someone editing a snapshot or .mar by hand would: its first
 * FUZZ_HEADER_KEPT bytes are those of genuine (magic, format version, fingerprint and the
 * check values of vm/binio.h), body_len is what the input holds (rounded down to whole
 * words; a shorter input is padded with zeros), and both checksums are set by bin_seal,
 * the writers' own code. Everything after the header reaches the parser untouched.
 * NULL when out of memory; *out is the copy's size. */
uint8_t *fuzz_repair(const uint8_t *data, size_t size, const uint8_t genuine[FUZZ_HEADER_KEPT],
                     size_t *out);

#endif
