/*
 * opcodes.h - the opcode enum and the instruction-set table, expanded from opcodes.def.
 */
#ifndef MVM_OPCODES_H
#define MVM_OPCODES_H

#include "regs.h"

typedef enum Opcode {
#define OP(e, mn, ops, dst, syn, help, ex) OP_##e,
#include "opcodes.def"
#undef OP
    OP_END,   /* internal: the sentinel past the last instruction; ends the process, uncounted */
    OP_COUNT
} Opcode;

/* A debugger breakpoint written over an instruction while the debugger lets the machine
 * run (debug/engine.c keeps the instruction it covers). Never in a saved or verified
 * program: the verifier rejects every op >= OP_COUNT. */
#define OP_BREAK OP_COUNT

typedef struct OpInfo {
    const char *mnemonic;   /* upper case, as in the docs */
    const char *operands;   /* operand letters, see opcodes.def */
    int         default_dst;/* REG_NONE or the register an omitted D means */
    const char *synopsis;
    const char *help;
    const char *example;
} OpInfo;

extern const OpInfo op_info[OP_COUNT];

/* An alias mnemonic (CPY) and the opcode it stands for. */
typedef struct OpAlias { const char *mnemonic; Opcode op; } OpAlias;
extern const OpAlias op_aliases[];
extern const int op_alias_count;

/* Opcode for a mnemonic, case-insensitive, aliases included; -1 when unknown. */
int op_lookup(const char *mnemonic, int len);

#endif
