/*
 * syscall_table.c - the system call descriptions, expanded from syscalls.def.
 */
#include "syscall_table.h"

#include <string.h>
#include <strings.h>

const SyscallInfo syscall_info[SYS_MAX + 1] = {
#define SYS(e, n, name, fn, s2, s3, s4, res) [n] = { name, { s2, s3, s4 }, res },
#include "syscalls.def"
#undef SYS
};

int syscall_lookup(const char *name, int len)
{
    for (int n = 1; n <= SYS_MAX; n++)
        if (syscall_info[n].name && (int)strlen(syscall_info[n].name) == len &&
            strncasecmp(syscall_info[n].name, name, len) == 0)
            return n;
    return -1;
}
