/*
 * verify.h - checking a decoded Program that did not come from the assembler (a snapshot
 * today, a .mar bytecode file later) before the interpreter runs it.
 */
#ifndef MVM_VERIFY_H
#define MVM_VERIFY_H

#include <stddef.h>

#include "program.h"

/* Check every field of p that the interpreter, the kernel or a diagnostic follows without
 * looking: that it is exactly what the assembler could have produced (program.h, parser.c
 * "Encoding choices"). Returns 0 when p is safe to run; otherwise -1 with a message such as
 * "instruction 12: a literal beside register G1" in msg (cap bytes, always terminated). */
int program_verify(const Program *p, char *msg, size_t cap);

#endif
