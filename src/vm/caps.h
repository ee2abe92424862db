/*
 * caps.h - which system calls a program can make, found without running it.
 *
 * The run-ahead engine (docs/engine.md, "Capabilities") lets a process run ahead of the
 * others only when no program in the machine can reach into its run (send it a signal,
 * share memory with it, load a program that could). A system call's number is S1 when
 * SYSCALL runs, so a program can make call n only if the value n can reach S1. This
 * follows every value a program can move into a register, without following the order
 * in which it runs (flow-insensitive): a literal written by LIT, MOV or a CALL argument
 * is a known value, a copy (MOV, SWP, CALL arguments) carries the values of its source,
 * and anything else that writes a register (arithmetic, LOAD, POP, the kernel's results)
 * may put any value there. The answer is sound: a call the mask leaves out can never be
 * made, whatever the input.
 */
#ifndef MVM_CAPS_H
#define MVM_CAPS_H

#include <stdint.h>

#include "program.h"

#define CAPS_ANY UINT64_MAX   /* every system call may be made */

/* Bit n set: the program (every unit of it, library modules included) may make system
 * call n. CAPS_ANY when a value that cannot be followed reaches S1. */
uint64_t prog_syscall_caps(const Program *prog);

#endif
