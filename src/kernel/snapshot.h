/*
 * snapshot.h - saving the whole machine to a file and resuming it (SPEC 4.3, 9, 10).
 *
 * A snapshot is taken between two instructions. It holds every process (registers,
 * types, PC, stacks, memory pages with their sharing, heap free lists, signal state,
 * remaining sleep), the ready ring in order and how much of the running process's quantum
 * is used (vm->resume_used), mailboxes and link requests, semaphores, share_m region count, the
 * instruction counter, the random state and the machine's configuration. Not the VFS and
 * not input already consumed.
 */
#ifndef MVM_SNAPSHOT_H
#define MVM_SNAPSHOT_H

#include "kernel.h"

/* Write the machine to path atomically (temp file, fsync, rename). Returns 0, or -1
 * after a message on vm->err (the run goes on; the previous snapshot file is intact). */
int snapshot_save(VM *vm, const char *path);

/* The same into a new host buffer (*data, *size; the caller frees it), for the
 * debugger's saved points, with sleep deadlines counted from now_ms (a file counts from
 * the host clock; the debugger passes the same now_ms to snapshot_load_bytes, so the
 * deadlines come back exactly). Returns 0, or -1 when out of memory. */
int snapshot_save_bytes(VM *vm, int64_t now_ms, uint8_t **data, size_t *size);

/* Fill a freshly vm_init'ed vm from the snapshot at path, verifying everything first:
 * a truncated, corrupted or foreign file is a clear message on err and returns -1 with
 * vm left empty (vm_free is safe). The options that do not change the machine
 * (max_steps, trace, stats, snapshot_every/path, vfs_path, stdlib_dir) are taken from
 * opt, not the file. */
int snapshot_load(VM *vm, const char *path, const VmOptions *opt, FILE *err);
/* The same from the size bytes of a snapshot already in memory (the debugger, the
 * fuzzing harness), its sleep deadlines counted from now_ms; path only names it in
 * messages. */
int snapshot_load_bytes(VM *vm, const char *path, const uint8_t *file, size_t size, int64_t now_ms,
                        const VmOptions *opt, FILE *err);

#endif
