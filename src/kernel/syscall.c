/*
 * syscall.c - decode S1 and dispatch to the handler (as xv6's syscall.c), plus the
 * argument helpers shared by the sys_*.c files.
 */
#include "syscall.h"

#include <stdlib.h>
#include <string.h>

#include "../debug.h"
#include "../vm/errors.h"
#include "record.h"
#include "trace.h"

static const SyscallFn syscall_table[SYS_MAX + 1] = {
#define SYS(e, n, name, fn, s2, s3, s4, res) [n] = fn,
#include "../tables/syscalls.def"
#undef SYS
};

void syscall_dispatch(VM *vm, Proc *p)
{
    int64_t n = p->cpu.reg[REG_S1];
    MVM_ASSERT(syscall_exists(n) && syscall_table[n], "dispatch of an unknown system call");
    syscall_table[n](vm, p);
    /* p left the ring (ended, slept, paused) unless it is still current; only then may
     * its registers be read: an ended process may already be freed. */
    if ((vm->tracer || vm->rec) && vm->current == p && p->cpu.reg[REG_SCSF] == 0 && p->cpu.reg[REG_ESF] == ERR_WOULD_BLOCK) {
        if (vm->tracer)
            trace_event(vm, p->pid, 0, "WouldBlock: %s", syscall_info[n].name);
        if (vm->rec)
            rec_mark(vm, p, MARK_WOULDBLOCK, n);
    }
}

/* A call that a later part of MVM provides: fail cleanly rather than pretend. */
void sys_unimplemented(VM *vm, Proc *p)
{
    int64_t n = p->cpu.reg[REG_S1];
    fflush(vm->out);
    fprintf(vm->err, "mvm: system call %lld (%s) is not available in this version\n",
            (long long)n, syscall_info[n].name);
    sys_fail(p, ERR_SYSCALL_GENERAL);
}

int sys_read_string(Proc *p, int64_t addr, char **out, size_t *len)
{
    size_t cap = 64, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return ERR_MEMORY_ALLOCATION;
    for (;; addr++) {
        int64_t w;
        int e = mem_read(&p->cpu.mem, addr, &w);
        if (e) {
            free(buf);
            return e;
        }
        if (w == 0)
            break;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) {
                free(buf);
                return ERR_MEMORY_ALLOCATION;
            }
            buf = b;
        }
        buf[n++] = (char)(w & 0xFF);
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int sys_new_string(Proc *p, const char *bytes, size_t len, int64_t *addr)
{
    int e = mem_alloc(&p->cpu.mem, (int64_t)len + 1, addr);
    if (e)
        return e;
    for (size_t i = 0; i < len; i++)
        mem_write(&p->cpu.mem, *addr + (int64_t)i, (unsigned char)bytes[i]);
    return 0;
}

int sys_new_array(Proc *p, const int64_t *vals, int64_t n, int64_t *addr)
{
    if (n <= 0)
        return ERR_INVALID_ARGUMENT;
    if (n == INT64_MAX)   /* n + 1 words cannot exist, and must not wrap to a negative size */
        return ERR_MEMORY_ALLOCATION;
    int e = mem_alloc(&p->cpu.mem, n + 1, addr);
    if (e)
        return e;
    mem_write(&p->cpu.mem, *addr, n);
    for (int64_t i = 0; vals && i < n; i++)
        mem_write(&p->cpu.mem, *addr + 1 + i, vals[i]);
    return 0;
}
