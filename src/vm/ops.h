/*
 * ops.h - instruction semantics shared by the interpreter's fast and general paths.
 *
 * The fast path (interp.c) handles plain Long registers inline. Anything typed (Byte,
 * Short, Int, Float, Double), floating point, printing and strings comes here, out of
 * line. Each op_* returns 0 or the fault code to raise.
 */
#ifndef MVM_OPS_H
#define MVM_OPS_H

#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "errors.h"
#include "program.h"

/* Integer ALU for ADD..POW and AND..SHR on raw signed 64-bit values (wrapping, no UB).
 * Division by zero is checked by the caller. Inlined with a constant op, the switch folds. */
static inline int64_t alu_int(int op, int64_t a, int64_t b)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    switch (op) {
    case OP_ADD: return (int64_t)(ua + ub);
    case OP_SUB: return (int64_t)(ua - ub);
    case OP_MUL: return (int64_t)(ua * ub);
    case OP_DIV: return (a == INT64_MIN && b == -1) ? INT64_MIN : a / b;
    case OP_MOD: return b == -1 ? 0 : a % b;
    case OP_POW: {
        if (b < 0)
            return (a == 1) ? 1 : (a == -1) ? ((b & 1) ? -1 : 1) : 0;
        uint64_t r = 1, base = ua;
        for (uint64_t e = ub; e; e >>= 1) {
            if (e & 1) r *= base;
            base *= base;
        }
        return (int64_t)r;
    }
    case OP_AND: return a & b;
    case OP_OR:  return a | b;
    case OP_XOR: return a ^ b;
    case OP_SHL: return (int64_t)(ua << (ub & 63));
    case OP_SHR: return a >> (ub & 63);
    case OP_NOT: return ~a;
    default:     return 0;
    }
}

/* Integer arithmetic/bitwise with typed operands: fault 27 when any operand or the
 * destination is floating; otherwise compute, write truncated to dst's type, set flags. */
int op_alu_general(Cpu *c, const Instr *ip);
/* EQ/GT/LT with a typed operand: numeric on floating values when either is floating. */
int op_compare_general(Cpu *c, const Instr *ip);
/* XADD..XPOW, ITOF, FTOI, XLIT. */
int op_float(Cpu *c, const Instr *ip);
/* PRINTR with the operand's type. */
void op_printr(Cpu *c, const Instr *ip, FILE *out);
/* STR: allocate and fill the literal. */
int op_str(Cpu *c, const Program *prog, const Instr *ip);

/* Value of a register as a double; *ok = 0 when it is not floating-typed. */
double reg_as_double(const Cpu *c, int r, int *ok);

#endif
