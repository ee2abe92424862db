/*
 * program.h - the decoded program: what the assembler produces and the interpreter runs.
 *
 * A .kar file is decoded once into an array of fixed-size Instr (40 bytes). Nothing is
 * looked up by name while a program runs.
 *
 *   Instr:  | op:8 | a:8 | b:8 | c:8 | aux:32 | mask:64 | imm[0]:64 | imm[1]:64 | imm[2]:64 |
 *
 * Operand i of the source statement lives in slot i: register index in a/b/c, literal in
 * imm[i]. A read operand's value is always  reg[slot] + imm[slot]:
 *   - a register operand has imm = 0;
 *   - a literal operand has slot = REG_ZERO (reg[REG_ZERO] is always 0);
 *   - a read of I8 (the PC) becomes the literal line number of the instruction;
 *   - an omitted optional value operand (STORE/LOAD offset) is REG_ZERO + 0;
 *   - an omitted destination is the opcode's default_dst (opcodes.def).
 * A written operand's slot holds the register index.
 *
 * Per-opcode notes (R[x] means reg[slot x] + imm[x]):
 *   LIT     a = dst, imm[1] = value                PUSHL  a = REG_ZERO, imm[0] = value
 *   XLIT    a = dst, imm[1] = the double's bits (converted to a's type when it runs)
 *   SETTYPE a = reg, aux = DataType
 *   JMP     imm[0] = target instruction index
 *   JZ/JNZ  imm[0] = target; with a register operand: b/imm[1] is it and aux = 0;
 *           without one: b = REG_ZF and aux = 1 ("test the zero flag": JZ jumps if ZF == 1)
 *   CALL    imm[0] = target instruction index, aux = index into Program.calls
 *   STR     a = dst, aux = index into Program.strings
 *   HELP    aux = index into Program.strings (the topic as written, without quotes)
 *   OP_END  the sentinel after the last instruction of a unit: aux = 0 ends the process
 *           (main program), aux = 1 returns from a library/module call
 * A jump target index may be the index of a unit's OP_END (a jump to a line past the
 * last instruction ends the program).
 *
 * mask has bit r set for every register r named by the instruction (REG_ZERO excluded),
 * so the interpreter can test "are all operands plain Long registers?" with one AND
 * against the process's typed-register mask and take a general path only when not.
 */
#ifndef MVM_PROGRAM_H
#define MVM_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../param.h"
#include "arena.h"
#include "opcodes.h"
#include "regs.h"

typedef struct Instr {
    uint8_t  op;          /* Opcode */
    uint8_t  a, b, c;     /* operand register slots */
    uint32_t aux;         /* opcode-specific, see above */
    uint64_t mask;        /* registers named by this instruction */
    int64_t  imm[3];      /* literal part of each operand */
} Instr;

/* Where each instruction came from; cold data, read only for diagnostics and traces. */
typedef struct InstrInfo {
    uint32_t line;        /* 1-based line in its unit's source file */
    uint32_t col;         /* 1-based column of the mnemonic */
    uint32_t unit;        /* index into Program.units */
    uint32_t text;        /* offset into Program.text_pool: the statement as written,
                             mnemonic to last operand, no label, comment or trailing blanks */
} InstrInfo;

/* The arguments of one CALL site: value = reg[reg[i]] + imm[i], copied to F1+i. */
typedef struct CallSite {
    uint32_t nargs;
    uint8_t  reg[MAX_CALL_ARGS];
    int64_t  imm[MAX_CALL_ARGS];
    uint32_t callee_unit; /* unit the target lies in (0 = a label of the main file) */
} CallSite;

/* A string literal: len bytes (may contain NUL); STR stores them plus a final 0 word. */
typedef struct StrLit {
    char    *bytes;
    uint32_t len;
} StrLit;

/* A source file that contributed code: unit 0 is the program itself; later units are
 * library or user modules linked in by CALL (SPEC 7). */
typedef struct Unit {
    char     *path;       /* as given (main) or as found (modules) */
    char     *name;       /* "main" or the function's name, e.g. "strings.strlen" */
    uint32_t  first;      /* index of its first instruction in Program.code */
    uint32_t  end;        /* index of its OP_END sentinel */
    uint32_t  nlines;     /* lines in the source file */
    uint32_t *line_pc;    /* [nlines + 2]: index of the first instruction at or below
                             each line (line_pc[L] for L in 1..nlines+1; the sentinel
                             when none), so jumps and handleSignals resolve in O(1) */
} Unit;

/* A label as defined: the line it names in its unit. The interpreter never needs them
 * (jumps are resolved); the disassembler, the debugger's `break LABEL` and bytecode
 * files do. */
typedef struct ProgLabel {
    char    *name;
    uint32_t unit;        /* index into Program.units */
    uint32_t line;        /* the line it stands on */
} ProgLabel;

typedef struct Program {
    int        refs;      /* processes running it (fork shares, exec/exit drop) */
    bool       fused;     /* superinstructions written into code (vm/fused.h) */
    Arena      arena;     /* a decoded program (vm/progio.c): everything it points to
                             lives here; an assembled one: unused, each piece is malloc'd */
    char      *path;      /* the main file's path as given */
    Instr     *code;      /* ncode entries, unit sentinels included */
    InstrInfo *info;      /* parallel to code */
    uint32_t   ncode;
    Unit      *units;     uint32_t nunits;
    CallSite  *calls;     uint32_t ncalls;
    StrLit    *strings;   uint32_t nstrings;
    char      *text_pool; size_t   text_len;
    ProgLabel *labels;    uint32_t nlabels;   /* by unit, then line, then as defined */
} Program;

/* Text of instruction i as written (for diagnostics). */
static inline const char *program_text(const Program *p, uint32_t i) { return p->text_pool + p->info[i].text; }

void program_retain(Program *p);
void program_release(Program *p);   /* frees it when the last reference goes */
/* Whether a and b are the same program: the same code, lines, texts and units. */
bool program_same(const Program *a, const Program *b);

#endif
