/*
 * trap.h - the one door between the interpreter and the kernel.
 *
 * The interpreter (interp.c) runs a Cpu's instructions until something only the kernel
 * can do: the stretch it was given is spent (the end of a turn, or a look at the world is
 * due), a system call, a fault, SLEEP, the end of the program, the RET of a signal
 * handler, a debugger's breakpoint. Then it calls the matching trap_* function, which the
 * kernel provides (kernel/turn.c), with `ran`, the instructions executed since the last
 * trap (the kernel counts them into the clock and the Cpu), and the rest of the stretch
 * in *budget. The kernel does what it must and answers with the Cpu to run next, often
 * the same one, and its stretch in *budget (always > 0), or NULL when the machine stops
 * (interp_run then returns, and vm_run says why).
 *
 * c->pc is set before every trap: the instruction to run next, except for a system call
 * and a fault, where it is the SYSCALL or the faulting instruction itself.
 */
#ifndef MVM_TRAP_H
#define MVM_TRAP_H

#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

struct VM;   /* the kernel's machine (kernel/kernel.h); opaque here */

/* What the interpreter needs to know of the machine around it. */
typedef struct CpuEnv {
    FILE   *out;           /* standard output of the machine */
    int64_t stack_limit;   /* stackSize: data stack words */
    int64_t call_limit;    /* callDepth: call stack frames */
} CpuEnv;

Cpu *trap_start(struct VM *vm, int64_t *budget);
Cpu *trap_stretch_end(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget);
Cpu *trap_syscall(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget);
Cpu *trap_fault(struct VM *vm, Cpu *c, int code, int64_t ran, int64_t *budget);
Cpu *trap_sleep(struct VM *vm, Cpu *c, int64_t ms, int64_t ran, int64_t *budget);
/* The program ended (RET with an empty call stack, or past its last instruction). */
Cpu *trap_exit(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget);
/* RET popped a signal handler's frame: the kernel restores what the handler interrupted. */
Cpu *trap_sigreturn(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget);
/* Running ahead (c->ahead), the interpreter stops before an instruction whose effect others
 * see and that does not trap anyway (output, HELP, SLEEP): c->pc is that instruction, not
 * executed, and not counted in ran. */
Cpu *trap_event(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget);
/* A debugger's breakpoint covers the instruction at c->pc: NULL to stop before it, or c
 * with *covered, the opcode to run in its place. */
Cpu *trap_break(struct VM *vm, Cpu *c, int64_t ran, int64_t *budget, uint8_t *covered);

/* Run the machine from trap_start until a trap answers NULL (interp.c). */
void interp_run(struct VM *vm, const CpuEnv *env);

#endif
