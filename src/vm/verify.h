/*
 * verify.h - checking a decoded Program that did not come from the assembler (a snapshot
 * or a .mar bytecode file) before the interpreter runs it.
 */
#ifndef MVM_VERIFY_H
#define MVM_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

/* Check every field of p that the interpreter, the kernel or a diagnostic follows without
 * looking: that it is exactly what the assembler could have produced (program.h, parser.c
 * "Encoding choices"). Returns 0 when p is safe to run; otherwise -1 with a message such as
 * "instruction 12: a literal beside register G1" in msg (cap bytes, always terminated). */
int program_verify(const Program *p, char *msg, size_t cap);

/* Which part of a program a failure is about, so that a file reader can name the offset
 * of the field it read it from. index is the instruction, unit, call site, string or
 * label number (0 for VERIFY_PROGRAM and VERIFY_TEXT). */
typedef enum VerifyPart {
    VERIFY_PROGRAM, VERIFY_INSTR, VERIFY_INFO, VERIFY_UNIT, VERIFY_CALL, VERIFY_STRING,
    VERIFY_TEXT, VERIFY_LABEL,
} VerifyPart;

typedef struct VerifyWhere {
    VerifyPart part;
    uint32_t   index;
} VerifyWhere;

/* program_verify, and on failure where (if not NULL) says what the message is about. */
int program_verify_where(const Program *p, char *msg, size_t cap, VerifyWhere *where);

/* program_verify_where for a program decoded from a file (vm/progio.c): files do not
 * store the register masks, which follow from the operands, so this sets each
 * instruction's mask as it checks the instruction instead of comparing it. */
int program_verify_decoded(Program *p, char *msg, size_t cap, VerifyWhere *where);

#endif
