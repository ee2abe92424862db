/* harness.c - the small machine and the binary-file repair of harness.h. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "vm/binio.h"

VmOptions fuzz_small_machine(int64_t quantum, int64_t max_steps)
{
    return (VmOptions){
        .memory_size = 4096, .heap_start = 1024, .stack_size = 64, .call_depth = 64,
        .quantum = quantum, .max_processes = 8, .mailbox_capacity = 16, .max_semaphores = 8,
        .max_steps = max_steps, .seed = 1, .vfs_path = ":memory:",
    };
}

uint8_t *fuzz_repair(const uint8_t *data, size_t size, const uint8_t genuine[FUZZ_HEADER_KEPT],
                     size_t *out)
{
    size_t body = size > BIN_HEADER_SIZE + BIN_TAIL_SIZE
                      ? (size - BIN_HEADER_SIZE - BIN_TAIL_SIZE) / 8 * 8 : 0;
    size_t n = BIN_HEADER_SIZE + body + BIN_TAIL_SIZE;
    uint8_t *b = calloc(1, n);
    if (!b)
        return NULL;
    memcpy(b, data, size < BIN_HEADER_SIZE + body ? size : BIN_HEADER_SIZE + body);
    memcpy(b, genuine, FUZZ_HEADER_KEPT);
    bin_seal(b, n);
    *out = n;
    return b;
}
