/*
 * fused.h - superinstructions (fused.def): opcode numbers past OP_BREAK that exist only
 * in the code of a program while it runs. Everything that shows or saves a program
 * (disassembly, tokens, traces, faults, bytecode, snapshots) sees the plain opcode:
 * op_base gives it.
 */
#ifndef MVM_FUSED_H
#define MVM_FUSED_H

#include <stdint.h>

#include "opcodes.h"
#include "program.h"

enum {
    OP_FUSED_FIRST = OP_BREAK + 1,
    OP_FUSED_BEFORE = OP_FUSED_FIRST - 1,
#define FUSE(name, first, second) OP_##name,
#include "fused.def"
#undef FUSE
    OP_ALL   /* every opcode the interpreter dispatches on */
};
_Static_assert(OP_ALL <= 256, "opcodes are bytes");

extern const uint8_t fused_first[OP_ALL];   /* the plain opcode a fused one begins with */

/* The plain opcode of what op runs first (op itself when it is not fused, and any byte
 * that is no opcode at all, for the verifier to refuse). */
static inline int op_base(int op)
{
    return op > OP_BREAK && op < OP_ALL ? fused_first[op] : op;
}

/* Write superinstructions into prog's code, once (Program.fused). Not for a program a
 * debugger may patch breakpoints into: a fused instruction runs its second half without
 * looking at it. */
void prog_fuse(Program *prog);

#endif
