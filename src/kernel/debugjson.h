/*
 * debugjson.h - debug.json (SPEC 9): dumps printed on standard error before chosen
 * instructions run. The format, and what each action prints, is in docs/command-line.md:
 *
 *   { "lineSpecific": { "12": "registers", "20": ["stack", "memoryRange 1 16"] },
 *     "eachIteration": ["registers"] }
 *
 * Actions: registers, registers ALL, memoryRange A B, stack, descriptors. A line names a
 * line of the main program's file (the one given to mvm run); its dumps print before any
 * process runs the instruction on that line.
 *
 * With a script, the run takes the interpreter's careful path before every instruction
 * (as --trace does); without one nothing is looked at.
 */
#ifndef MVM_DEBUGJSON_H
#define MVM_DEBUGJSON_H

#include <stdint.h>
#include <stdio.h>

#include "kernel.h"

typedef struct DebugScript DebugScript;

/* Read and check the file at path for program prog (whose line count bounds the line
 * numbers) and memories of memory_size words. Returns the script, or NULL after printing
 * "mvm: PATH: error: ..." on diag (the caller exits with status 2). */
DebugScript *debug_load(const char *path, const Program *prog, int64_t memory_size, FILE *diag);
void debug_free(DebugScript *s);
/* Run vm (a resumed machine, already loaded) with script s from now on. */
void debug_attach(VM *vm, DebugScript *s);

/* p is about to run instruction pc: print the dumps due. */
void debug_step(VM *vm, Proc *p, uint32_t pc);

#endif
