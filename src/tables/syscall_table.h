/*
 * syscall_table.h - system call numbers and descriptions (SPEC 5), from syscalls.def.
 * The dispatcher (syscall.c) and HELP both read this table.
 */
#ifndef MVM_SYSCALL_TABLE_H
#define MVM_SYSCALL_TABLE_H

enum {
#define SYS(e, n, name, fn, s2, s3, s4, res) SYS_##e = n,
#include "syscalls.def"
#undef SYS
    SYS_MAX = 42
};

typedef struct SyscallInfo {
    const char *name;          /* "fork"; NULL for an unused number */
    const char *args[3];       /* what S2, S3, S4 hold ("" = unused) */
    const char *result;        /* what R2 receives, and notes */
} SyscallInfo;

extern const SyscallInfo syscall_info[SYS_MAX + 1];

/* Number of the system call with this name (case-insensitive), or -1. */
int syscall_lookup(const char *name, int len);

#endif
