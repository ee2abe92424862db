/*
 * regs.h - register numbering and data types (SPEC 2.1, 2.2).
 *
 * A process's registers are one array `int64_t reg[REG_COUNT]` holding raw bits, with a
 * parallel `uint8_t type[REG_COUNT]`. Index REG_ZERO is not a user register: it always
 * holds 0, so an operand is read as `reg[r] + imm` whether it was written as a register
 * (imm = 0) or as a literal (r = REG_ZERO). That keeps the interpreter free of branches on
 * operand kinds.
 */
#ifndef MVM_REGS_H
#define MVM_REGS_H

#include <stdint.h>

enum {
    REG_G1 = 0,   /* G1..G10  general purpose        0..9   */
    REG_S1 = 10,  /* S1..S4   system call            10..13 */
    REG_R1 = 14,  /* R1..R10  results                14..23 */
    REG_F1 = 24,  /* F1..F10  function arguments     24..33 */
    REG_X1 = 34,  /* X1..X10  floating point         34..43 */
    REG_I1 = 44,  /* I1..I10  informational          44..53 */
    REG_ZERO = 54,/* internal constant 0 (literal operands) */
    REG_COUNT = 55,
    REG_NONE = 255
};

/* Named registers the machine itself reads or writes. */
enum {
    REG_R2 = REG_R1 + 1, REG_R3 = REG_R1 + 2, REG_R4 = REG_R1 + 3,
    REG_R5 = REG_R1 + 4, REG_R6 = REG_R1 + 5,
    REG_S2 = REG_S1 + 1, REG_S3 = REG_S1 + 2, REG_S4 = REG_S1 + 3,
    REG_ZF = REG_I1 + 0,   /* I1 zero flag */
    REG_SF = REG_I1 + 1,   /* I2 sign flag */
    REG_GF = REG_I1 + 2,   /* I3 GT/LT: 0 when the comparison held */
    REG_EF = REG_I1 + 3,   /* I4 EQ: 1 when equal */
    REG_SCSF = REG_I1 + 4, /* I5 last syscall succeeded */
    REG_ENSF = REG_I1 + 5, /* I6 failed syscall or handled fault */
    REG_ESF = REG_I1 + 6,  /* I7 error code */
    REG_PC = REG_I1 + 7,   /* I8 line now executing: read-only, see below */
    REG_SIGR = REG_I1 + 8, /* I9 signal being handled */
    REG_MB = REG_I1 + 9,   /* I10 last linked mailbox */
};
/* I8 is never stored: the assembler turns a read of I8 into the literal line number of
 * the instruction that reads it, and dumps compute it from the PC. */

typedef enum DataType {
    TYPE_BYTE, TYPE_SHORT, TYPE_INT, TYPE_LONG, TYPE_FLOAT, TYPE_DOUBLE, TYPE_COUNT
} DataType;

extern const char *const type_names[TYPE_COUNT];   /* "Byte" ... "Double" */

static inline int type_is_float(int t) { return t == TYPE_FLOAT || t == TYPE_DOUBLE; }

/* Register name ("G1", "x10") -> index, case-insensitive; -1 when not a register. */
int reg_lookup(const char *name, int len);
/* Index -> canonical name ("G1"); "?" for REG_ZERO and out of range. */
const char *reg_name(int reg);
/* The short name of an informational register ("ZF" for I1, registers.def); NULL for others. */
const char *reg_flag_name(int reg);
/* Type name -> DataType, case-insensitive; -1 when unknown. */
int type_lookup(const char *name, int len);
/* The type a register has at process start: Double for X1..X10 and R5, Long otherwise. */
DataType reg_default_type(int reg);

/* Normalise raw bits for a register of type t (integer types truncate and sign-extend;
 * Float keeps the low 32 bits). */
static inline int64_t type_normalise(int t, int64_t bits)
{
    switch (t) {
    case TYPE_BYTE:  return (int8_t)bits;
    case TYPE_SHORT: return (int16_t)bits;
    case TYPE_INT:   return (int32_t)bits;
    case TYPE_FLOAT: return (int64_t)(uint32_t)bits;
    default:         return bits;
    }
}

#endif
