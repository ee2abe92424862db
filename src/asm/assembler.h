/*
 * assembler.h - the assembler's working state, shared by parser.c and link.c.
 *
 * An assembly builds one Program from one or more units (program.h): unit 0 is the file
 * named on the command line; library and user modules reached by CALL (SPEC 7) become
 * units 1, 2, ... appended to the same Program.code, each ending in its own OP_END. Each
 * unit is assembled by asm_unit() with its own labels, line numbers and diagnostics
 * (UnitCtx); the Program and the error count are shared (Assembler).
 */
#ifndef MVM_ASSEMBLER_H
#define MVM_ASSEMBLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asm.h"
#include "diag.h"
#include "labels.h"
#include "lexer.h"

/* An operand that can be filled in only once every line of the unit has been read:
 * a jump target (FIX_LINE, FIX_LABEL), a CALL name (FIX_CALL), or a name standing for a
 * value (FIX_VALUE, SPEC 1 "Names as values": a label, which means its line number). */
typedef enum FixKind { FIX_LINE, FIX_LABEL, FIX_CALL, FIX_VALUE } FixKind;

/* FIX_VALUE slots: 0..2 are Instr.imm[slot]; FIX_ARG0 + j is argument j of the CALL. */
enum { FIX_ARG0 = 3 };

typedef struct Fixup {
    uint32_t    instr;     /* index in Program.code; the operand is imm[0] (FIX_VALUE: slot) */
    uint32_t    line, col; /* where the operand was written */
    FixKind     kind;
    uint32_t    slot;      /* FIX_VALUE: which operand */
    const char *src;       /* start of that source line, for the message */
    const char *name;      /* FIX_LABEL, FIX_CALL: the name as written */
    uint32_t    len;
    uint32_t    target;    /* FIX_LINE: the line number (already checked to be in the file) */
} Fixup;

/* One unit being assembled. */
typedef struct UnitCtx {
    uint32_t    index;     /* in Program.units */
    const char *src;       /* its text: alive until asm_unit returns */
    size_t      len;
    uint32_t    nlines;
    uint32_t   *line_pc;   /* = Program.units[index].line_pc */
    Diags       diags;
    LabelTable  labels;
    Lexer       lx;
    Fixup      *fixups;
    size_t      nfixups, fixups_cap;
    /* the line being read */
    uint32_t    lineno;
    const char *line;
    size_t      line_len;
} UnitCtx;

typedef struct Assembler {
    Program          *prog;
    const AsmOptions *opt;
    DiagOut           out;
    bool              oom;      /* memory ran out: the assembly fails */
    UnitCtx          *u;        /* the unit being assembled */
    /* capacities of the growing Program arrays */
    size_t            code_cap, units_cap, calls_cap, strings_cap, text_cap, labels_cap;
} Assembler;

/* Assemble `len` bytes of `src` as a new unit of as->prog and return its index; errors go
 * to as->out. `is_main` selects the end sentinel (aux 0 ends the process, 1 returns). */
uint32_t asm_unit(Assembler *as, const char *path, const char *name, const char *src,
                  size_t len, bool is_main);

/* A new, empty Program with refs = 1 and a copy of `path` (program.c); NULL when memory
 * ran out. */
Program *program_new(const char *path);

#endif
