/*
 * ops.c - the general (out-of-line) paths of instructions: typed integers, floating
 * point, printing and strings. See ops.h.
 */
#include "fused.h"
#include "ops.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fmt.h"

static inline int is_float_reg(const Cpu *c, int r) { return r != REG_ZERO && type_is_float(c->type[r]); }

static void set_flags(Cpu *c, int64_t v)
{
    c->reg[REG_ZF] = v == 0;
    c->reg[REG_SF] = v < 0;
}

int op_alu_general(Cpu *c, const Instr *ip)
{
    int op = op_base(ip->op);   /* (the first half of a superinstruction: fused.h) */
    int unary = op == OP_NOT;
    int dst = unary ? ip->b : ip->c;
    if (is_float_reg(c, ip->a) || (!unary && is_float_reg(c, ip->b)) || is_float_reg(c, dst))
        return ERR_INVALID_REGISTER_TYPE;
    int64_t a = c->reg[ip->a] + ip->imm[0], b = unary ? 0 : c->reg[ip->b] + ip->imm[1];
    if ((op == OP_DIV || op == OP_MOD) && b == 0)
        return ERR_ARITHMETIC;
    cpu_write(c, dst, alu_int(op, a, b));
    set_flags(c, c->reg[dst]);
    return 0;
}

double reg_as_double(const Cpu *c, int r, int *ok)
{
    *ok = 1;
    if (r != REG_ZERO && c->type[r] == TYPE_FLOAT) {
        float f;
        uint32_t bits = (uint32_t)c->reg[r];
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    if (r != REG_ZERO && c->type[r] == TYPE_DOUBLE) {
        double d;
        memcpy(&d, &c->reg[r], sizeof d);
        return d;
    }
    *ok = 0;
    return 0;
}

/* The numeric value of operand slot r/imm for a mixed comparison. */
static double operand_number(const Cpu *c, int r, int64_t imm)
{
    int ok;
    double d = reg_as_double(c, r, &ok);
    return ok ? d : (double)(c->reg[r] + imm);
}

int op_compare_general(Cpu *c, const Instr *ip)
{
    int held, op = op_base(ip->op);
    if (is_float_reg(c, ip->a) || is_float_reg(c, ip->b)) {
        double a = operand_number(c, ip->a, ip->imm[0]), b = operand_number(c, ip->b, ip->imm[1]);
        held = op == OP_EQ ? a == b : op == OP_GT ? a > b : a < b;
    } else {
        int64_t a = c->reg[ip->a] + ip->imm[0], b = c->reg[ip->b] + ip->imm[1];
        held = op == OP_EQ ? a == b : op == OP_GT ? a > b : a < b;
    }
    cpu_write(c, REG_R4, !held);
    c->reg[REG_ZF] = held;
    if (op == OP_EQ)
        c->reg[REG_EF] = held;
    else
        c->reg[REG_GF] = !held;
    return 0;
}

/* Store d into floating register r in its type; set flags from the stored value. */
static void write_float(Cpu *c, int r, double d, int flags)
{
    double stored;
    if (c->type[r] == TYPE_FLOAT) {
        float f;
        /* Out-of-range finite values become infinities (SPEC 10), without relying on an
         * undefined conversion. */
        if (isfinite(d) && fabs(d) > (double)FLT_MAX)
            f = d > 0 ? INFINITY : -INFINITY;
        else
            f = (float)d;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        c->reg[r] = bits;
        stored = f;
    } else {
        memcpy(&c->reg[r], &d, sizeof d);
        stored = d;
    }
    if (flags) {
        c->reg[REG_ZF] = stored == 0;   /* NaN compares false both ways: ZF = SF = 0 */
        c->reg[REG_SF] = stored < 0;
    }
}

static int64_t saturate_to_int(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775808.0)
        return INT64_MAX;
    if (d < -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

int op_float(Cpu *c, const Instr *ip)
{
    int oka, okb;
    switch (ip->op) {
    case OP_XLIT: {
        if (!is_float_reg(c, ip->a))
            return ERR_INVALID_REGISTER_TYPE;
        double d;
        memcpy(&d, &ip->imm[1], sizeof d);
        write_float(c, ip->a, d, 0);
        return 0;
    }
    case OP_ITOF:
        if (is_float_reg(c, ip->a) || !is_float_reg(c, ip->b))
            return ERR_INVALID_REGISTER_TYPE;
        write_float(c, ip->b, (double)(c->reg[ip->a] + ip->imm[0]), 0);
        return 0;
    case OP_FTOI: {
        double d = reg_as_double(c, ip->a, &oka);
        if (!oka || is_float_reg(c, ip->b))
            return ERR_INVALID_REGISTER_TYPE;
        cpu_write(c, ip->b, saturate_to_int(d));
        return 0;
    }
    default:
        break;
    }
    double a = reg_as_double(c, ip->a, &oka), b = reg_as_double(c, ip->b, &okb), r;
    if (!oka || !okb || !is_float_reg(c, ip->c))
        return ERR_INVALID_REGISTER_TYPE;
    switch (ip->op) {
    case OP_XADD: r = a + b; break;
    case OP_XSUB: r = a - b; break;
    case OP_XMUL: r = a * b; break;
    case OP_XDIV: if (b == 0) return ERR_ARITHMETIC; r = a / b; break;
    case OP_XMOD: if (b == 0) return ERR_ARITHMETIC; r = fmod(a, b); break;
    case OP_XPOW: r = pow(a, b); break;
    default: return ERR_INVALID_INSTRUCTION;
    }
    write_float(c, ip->c, r, 1);
    return 0;
}

void op_printr(Cpu *c, const Instr *ip, FILE *out)
{
    char buf[64];
    size_t n;
    int r = ip->a;
    int64_t v = c->reg[r] + ip->imm[0];
    int t = r == REG_ZERO ? TYPE_LONG : c->type[r];
    if (t == TYPE_FLOAT) {
        float f;
        uint32_t bits = (uint32_t)v;
        memcpy(&f, &bits, sizeof f);
        n = fmt_float(f, buf, sizeof buf);
    } else if (t == TYPE_DOUBLE) {
        double d;
        memcpy(&d, &v, sizeof d);
        n = fmt_double(d, buf, sizeof buf);
    } else {
        n = fmt_int(v, buf);
    }
    buf[n++] = '\n';
    fwrite_unlocked(buf, 1, n, out);
}

int op_str(Cpu *c, const Program *prog, const Instr *ip)
{
    const StrLit *s = &prog->strings[ip->aux];
    int64_t addr;
    int e = mem_alloc(&c->mem, (int64_t)s->len + 1, &addr);
    if (e)
        return e;
    for (uint32_t i = 0; i < s->len; i++)
        mem_write(&c->mem, addr + i, (unsigned char)s->bytes[i]);
    cpu_write(c, ip->a, addr);
    return 0;
}
