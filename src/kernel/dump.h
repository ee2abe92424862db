/*
 * dump.h - printing a process's state for people: registers, memory, stacks, and the
 * kernel's tables (processes, mailboxes). Shared by debug.json (debugjson.c), the trace
 * (trace.c) and --on-fault=dump (signal.c), so every view reads the same everywhere.
 * Nothing here is on the interpreter's hot path.
 */
#ifndef MVM_DUMP_H
#define MVM_DUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel.h"

/* Register r's value as its type reads it ("42", "3.5"), into buf (FMT_FLOAT_MAX bytes
 * suffice). I8 (the PC) is computed from pc. Returns the length. */
size_t dump_reg_value(const Proc *p, int r, uint32_t pc, char *buf, size_t cap);
/* "G1", or for the flags "ZF" (short) / "I1/ZF" (long). */
const char *dump_flag_name(int r);

/* "prog.kar:12" or "<stdlib>/maths/abs.kar:11" for instruction pc: the main program by
 * its file name, a library function or module by its file. */
size_t dump_where(const Program *prog, uint32_t pc, char *buf, size_t cap);

/* registers: every register whose value is not 0 or whose type is not its default, on
 * one line. all: every register of every bank with its type, a bank per line, flags by
 * name. */
void dump_registers(FILE *f, const Proc *p, uint32_t pc, bool all);
/* Words a..b of p's memory, eight per line; unreadable words print as "--". */
void dump_memory(FILE *f, Proc *p, int64_t a, int64_t b);
/* The data stack (top first) and the call stack (innermost first, with each frame's kind:
 * call, library, signal handler). */
void dump_stacks(FILE *f, const Proc *p, uint32_t pc);
/* Every process with a control block, then every mailbox. */
void dump_descriptors(FILE *f, VM *vm);

#endif
