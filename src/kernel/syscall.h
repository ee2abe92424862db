/*
 * syscall.h - system call dispatch and the helpers every sys_* handler uses (SPEC 5).
 *
 * A handler reads its arguments from S2..S4, and finishes with sys_ok (R2 = result,
 * I5 = 1, I6 = I7 = 0) or sys_fail (R2 = -1, I5 = 0, I6 = 1, I7 = code). System calls
 * never fault; only an unknown number is a fault (4), raised by the dispatcher.
 */
#ifndef MVM_SYSCALL_H
#define MVM_SYSCALL_H

#include <stddef.h>

#include "kernel.h"
#include "../tables/syscall_table.h"

typedef void (*SyscallFn)(VM *vm, Proc *p);

/* Is n the number of a system call? (Anything else is fault 4, raised by the caller.) */
static inline int syscall_exists(int64_t n) { return n >= 1 && n <= SYS_MAX && syscall_info[n].name; }
/* Run system call S1 (which must exist) for p, the running process. p may have ended,
 * slept or changed program when it returns. */
void syscall_dispatch(VM *vm, Proc *p);

static inline int64_t sys_arg(const Proc *p, int i) { return p->cpu.reg[REG_S2 + i]; }

static inline void sys_status(Proc *p, int ok, int code)
{
    p->cpu.reg[REG_SCSF] = ok;
    p->cpu.reg[REG_ENSF] = !ok;
    p->cpu.reg[REG_ESF] = code;
}
static inline void sys_ok(Proc *p, int64_t r2) { proc_write(p, REG_R2, r2); sys_status(p, 1, 0); }
static inline void sys_fail(Proc *p, int code) { proc_write(p, REG_R2, -1); sys_status(p, 0, code); }
/* Finish a call: fail with err when it is non-zero, else succeed with r2. */
static inline void sys_finish(Proc *p, int err, int64_t r2) { if (err) sys_fail(p, err); else sys_ok(p, r2); }

/* Read the NUL-terminated string at addr from p's memory into a new host buffer
 * (*out, NUL-terminated, each word's low 8 bits; *len bytes). Returns 0 or an error code
 * (14 for address 0, 2 for an unreadable word, 11 when the host is out of memory). */
int sys_read_string(Proc *p, int64_t addr, char **out, size_t *len);
/* Allocate a string of len bytes in p's heap; *addr is its address. Returns 0 or 11. */
int sys_new_string(Proc *p, const char *bytes, size_t len, int64_t *addr);
/* Allocate an array of n words (word 0 = n) filled from vals (NULL: zeros). */
int sys_new_array(Proc *p, const int64_t *vals, int64_t n, int64_t *addr);

/* A call that is not built yet: fails with 8 and says so (syscall.c; for new rows). */
void sys_unimplemented(VM *vm, Proc *p);

/* Handlers, one per call (declared here so syscall.c's table can name them). */
#define SYS(e, n, name, fn, s2, s3, s4, res) void fn(VM *vm, Proc *p);
#include "../tables/syscalls.def"
#undef SYS

#endif
