/*
 * cpu.h - what one process's instructions read and write: registers with their types,
 * the data and call stacks, memory, the program and the place in it (SPEC 2).
 *
 * The interpreter (interp.c) works on a Cpu and knows nothing else of a process. The
 * kernel's process control block (kernel/proc.h) holds one Cpu beside what only the
 * kernel keeps: the process's state, its place in the ready queue, signals, family.
 */
#ifndef MVM_CPU_H
#define MVM_CPU_H

#include <stdint.h>
#include <string.h>

#include "memory.h"
#include "program.h"
#include "regs.h"

/* One call-stack entry: a CALL, a library call or a signal handler. Eight bytes, so the
 * CALL/RET fast path copies one word; what a signal frame saves the kernel keeps
 * (kernel/proc.h, SigContext). */
typedef enum FrameKind { FRAME_CALL, FRAME_LIBRARY, FRAME_SIGNAL } FrameKind;
typedef struct Frame {
    uint32_t ret;        /* instruction index to continue at */
    uint8_t  kind;       /* FrameKind */
    uint8_t  unused[3];
} Frame;
_Static_assert(sizeof(Frame) == 8, "frame_make builds a Frame in one 64-bit word");

/* A frame built in one machine word. Built field by field, it sits in memory as three
 * stores of different widths, and copying it onto the call stack then reads all eight
 * bytes at once: the processor cannot forward such stores to the load and waits for
 * them (measured: a third of bench/fib.kar's time went to that wait). */
static inline Frame frame_make(uint32_t ret, FrameKind kind)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint64_t w = (uint64_t)ret << 32 | (uint64_t)kind << 24;
#else
    uint64_t w = (uint64_t)ret | (uint64_t)kind << 32;
#endif
    Frame f;
    memcpy(&f, &w, sizeof f);
    return f;
}

typedef struct Cpu {
    /* What a context switch touches first. */
    const Instr *code;          /* prog->code, kept here so a switch needs one load less */
    Program  *prog;             /* the program it runs (shared after fork) */
    uint32_t  pc;               /* next instruction index while not running */
    uint8_t   ahead;            /* running ahead of the clock (kernel/ahead.c): stop before
                                   output, HELP and SLEEP, as before a system call (here,
                                   in the hole after pc: registers keep their places) */
    uint64_t  icount;           /* instructions executed */
    uint64_t  typed;            /* bit r set when type[r] is not Long (general path needed) */

    /* Read and written by every instruction. */
    int64_t   reg[REG_COUNT];   /* raw bits; reg[REG_ZERO] is always 0 */
    uint8_t   type[REG_COUNT];  /* DataType of each register */
    int64_t  *stack;            /* data stack: sp words used of stack_cap allocated; grows up to stackSize */
    uint32_t  sp, stack_cap;
    Frame    *frames;           /* call stack: fp frames used of frames_cap; grows up to callDepth */
    uint32_t  fp, frames_cap;
    Memory    mem;
    size_t    stack_charge;     /* bytes of stack and frames counted in the host memory
                                   budget (memory.h); stacks a snapshot loaded are not */
} Cpu;

static inline void cpu_set_type(Cpu *c, int r, int t)
{
    c->type[r] = (uint8_t)t;
    c->typed = t == TYPE_LONG ? c->typed & ~(1ULL << r) : c->typed | (1ULL << r);
}

/* Write raw bits into register r, normalised to its type. */
static inline void cpu_write(Cpu *c, int r, int64_t bits)
{
    c->reg[r] = (c->typed >> r) & 1 ? type_normalise(c->type[r], bits) : bits;
}

/* Stacks: grow on demand up to limit entries (stackSize, callDepth) and within the host
 * memory budget (memory.h). Return 0 or ERR_STACK_OVERFLOW. */
int  cpu_push(Cpu *c, int64_t v, int64_t limit);
int  cpu_push_frame(Cpu *c, Frame f, int64_t limit);
/* A copy of count elements of src charged to c's stacks (fork); NULL when count is 0 or
 * memory runs out. */
void *cpu_copy_array(Cpu *c, const void *src, size_t count, size_t size);
/* Free both stacks and give their bytes back to the budget (exit, exec). */
void cpu_free_stacks(Cpu *c);

#endif
