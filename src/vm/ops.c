/*
 * ops.c - the general (out-of-line) paths of instructions: typed integers, floating
 * point, printing and strings. See ops.h.
 */
#include "ops.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "fmt.h"

static inline int is_float_reg(const Proc *p, int r) { return r != REG_ZERO && type_is_float(p->cpu.type[r]); }

static void set_flags(Proc *p, int64_t v)
{
    p->cpu.reg[REG_ZF] = v == 0;
    p->cpu.reg[REG_SF] = v < 0;
}

int op_alu_general(Proc *p, const Instr *ip)
{
    int unary = ip->op == OP_NOT;
    int dst = unary ? ip->b : ip->c;
    if (is_float_reg(p, ip->a) || (!unary && is_float_reg(p, ip->b)) || is_float_reg(p, dst))
        return ERR_INVALID_REGISTER_TYPE;
    int64_t a = p->cpu.reg[ip->a] + ip->imm[0], b = unary ? 0 : p->cpu.reg[ip->b] + ip->imm[1];
    if ((ip->op == OP_DIV || ip->op == OP_MOD) && b == 0)
        return ERR_ARITHMETIC;
    proc_write(p, dst, alu_int(ip->op, a, b));
    set_flags(p, p->cpu.reg[dst]);
    return 0;
}

double reg_as_double(const Proc *p, int r, int *ok)
{
    *ok = 1;
    if (r != REG_ZERO && p->cpu.type[r] == TYPE_FLOAT) {
        float f;
        uint32_t bits = (uint32_t)p->cpu.reg[r];
        memcpy(&f, &bits, sizeof f);
        return f;
    }
    if (r != REG_ZERO && p->cpu.type[r] == TYPE_DOUBLE) {
        double d;
        memcpy(&d, &p->cpu.reg[r], sizeof d);
        return d;
    }
    *ok = 0;
    return 0;
}

/* The numeric value of operand slot r/imm for a mixed comparison. */
static double operand_number(const Proc *p, int r, int64_t imm)
{
    int ok;
    double d = reg_as_double(p, r, &ok);
    return ok ? d : (double)(p->cpu.reg[r] + imm);
}

int op_compare_general(Proc *p, const Instr *ip)
{
    int held;
    if (is_float_reg(p, ip->a) || is_float_reg(p, ip->b)) {
        double a = operand_number(p, ip->a, ip->imm[0]), b = operand_number(p, ip->b, ip->imm[1]);
        held = ip->op == OP_EQ ? a == b : ip->op == OP_GT ? a > b : a < b;
    } else {
        int64_t a = p->cpu.reg[ip->a] + ip->imm[0], b = p->cpu.reg[ip->b] + ip->imm[1];
        held = ip->op == OP_EQ ? a == b : ip->op == OP_GT ? a > b : a < b;
    }
    proc_write(p, REG_R4, !held);
    p->cpu.reg[REG_ZF] = held;
    if (ip->op == OP_EQ)
        p->cpu.reg[REG_EF] = held;
    else
        p->cpu.reg[REG_GF] = !held;
    return 0;
}

/* Store d into floating register r in its type; set flags from the stored value. */
static void write_float(Proc *p, int r, double d, int flags)
{
    double stored;
    if (p->cpu.type[r] == TYPE_FLOAT) {
        float f;
        /* Out-of-range finite values become infinities (SPEC 10), without relying on an
         * undefined conversion. */
        if (isfinite(d) && fabs(d) > (double)FLT_MAX)
            f = d > 0 ? INFINITY : -INFINITY;
        else
            f = (float)d;
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        p->cpu.reg[r] = bits;
        stored = f;
    } else {
        memcpy(&p->cpu.reg[r], &d, sizeof d);
        stored = d;
    }
    if (flags) {
        p->cpu.reg[REG_ZF] = stored == 0;   /* NaN compares false both ways: ZF = SF = 0 */
        p->cpu.reg[REG_SF] = stored < 0;
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

int op_float(Proc *p, const Instr *ip)
{
    int oka, okb;
    switch (ip->op) {
    case OP_XLIT: {
        if (!is_float_reg(p, ip->a))
            return ERR_INVALID_REGISTER_TYPE;
        double d;
        memcpy(&d, &ip->imm[1], sizeof d);
        write_float(p, ip->a, d, 0);
        return 0;
    }
    case OP_ITOF:
        if (is_float_reg(p, ip->a) || !is_float_reg(p, ip->b))
            return ERR_INVALID_REGISTER_TYPE;
        write_float(p, ip->b, (double)(p->cpu.reg[ip->a] + ip->imm[0]), 0);
        return 0;
    case OP_FTOI: {
        double d = reg_as_double(p, ip->a, &oka);
        if (!oka || is_float_reg(p, ip->b))
            return ERR_INVALID_REGISTER_TYPE;
        proc_write(p, ip->b, saturate_to_int(d));
        return 0;
    }
    default:
        break;
    }
    double a = reg_as_double(p, ip->a, &oka), b = reg_as_double(p, ip->b, &okb), r;
    if (!oka || !okb || !is_float_reg(p, ip->c))
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
    write_float(p, ip->c, r, 1);
    return 0;
}

void op_printr(Proc *p, const Instr *ip, FILE *out)
{
    char buf[64];
    size_t n;
    int r = ip->a;
    int64_t v = p->cpu.reg[r] + ip->imm[0];
    int t = r == REG_ZERO ? TYPE_LONG : p->cpu.type[r];
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

int op_str(Proc *p, const Program *prog, const Instr *ip)
{
    const StrLit *s = &prog->strings[ip->aux];
    int64_t addr;
    int e = mem_alloc(&p->cpu.mem, (int64_t)s->len + 1, &addr);
    if (e)
        return e;
    for (uint32_t i = 0; i < s->len; i++)
        mem_write(&p->cpu.mem, addr + i, (unsigned char)s->bytes[i]);
    proc_write(p, ip->a, addr);
    return 0;
}
