/*
 * verify.c - program_verify: is a decoded Program one the assembler could have made?
 *
 * The interpreter trusts its program completely: it indexes registers with operand slots,
 * adds literals to register values, jumps to stored indexes, follows call sites, string
 * indexes and unit ranges, and prints diagnostics from the line and text tables. A program
 * that comes from outside the assembler (a snapshot, a .mar file) is checked here first,
 * field by field, against the encoding of program.h and the choices parser.c documents,
 * so that no file, however crafted, can make the machine read out of bounds or overflow.
 */
#include "verify.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct Check {
    const Program *p;
    Instr *set_masks;    /* p->code when masks are to be set rather than compared */
    char  *msg;
    size_t cap;
    VerifyWhere where;   /* the part a failure is about */
} Check;

/* Say which part of the program the next failure is about; returns c. */
static Check *at(Check *c, VerifyPart part, uint32_t index)
{
    c->where = (VerifyWhere){ part, index };
    return c;
}

/* Record the problem and return -1 (for `return fail(...)`). */
static int fail(Check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->cap > 0)
        vsnprintf(c->msg, c->cap, fmt, ap);
    va_end(ap);
    return -1;
}

static bool in_unit(const Unit *u, uint64_t i) { return i >= u->first && i <= u->end; }

/* A register a value operand may read: any user register but I8, which the assembler
 * folds into a literal (it is never stored), or REG_ZERO for a literal. */
static bool readable(unsigned r) { return r <= REG_ZERO && r != REG_PC; }
static bool writable(unsigned r) { return r < REG_ZERO && r != REG_PC; }

/* Units tile the code in order, each ending in its OP_END sentinel; the main program
 * (unit 0) ends the process there (aux 0), every module returns (aux 1). */
static int check_units(Check *c)
{
    const Program *p = c->p;
    for (uint32_t u = 0; u < p->nunits; u++) {
        const Unit *un = &p->units[u];
        uint32_t first = u == 0 ? 0 : p->units[u - 1].end + 1;
        if (!un->path || !un->name || !un->line_pc)
            return fail(at(c, VERIFY_UNIT, u), "unit %u: missing path, name or line table", u);
        if (un->first != first || un->end < un->first || un->end >= p->ncode)
            return fail(at(c, VERIFY_UNIT, u), "unit %u: instructions %u..%u out of range", u, un->first, un->end);
        if (p->code[un->end].op != OP_END || p->code[un->end].aux != (u != 0))
            return fail(at(c, VERIFY_UNIT, u), "unit %u: does not end with its sentinel", u);
        for (uint64_t l = 0; l < (uint64_t)un->nlines + 2; l++)
            if (!in_unit(un, un->line_pc[l]))
                return fail(at(c, VERIFY_UNIT, u), "unit %u: line %llu maps outside the unit", u, (unsigned long long)l);
    }
    if (p->units[p->nunits - 1].end != p->ncode - 1)
        return fail(at(c, VERIFY_UNIT, p->nunits - 1), "instructions after the last unit");
    return 0;
}

/* Argument slots: a readable register with no literal, or a literal; unused slots empty. */
static int check_calls(Check *c)
{
    const Program *p = c->p;
    for (uint32_t i = 0; i < p->ncalls; i++) {
        const CallSite *cs = &p->calls[i];
        if (cs->nargs > MAX_CALL_ARGS || cs->callee_unit >= p->nunits)
            return fail(at(c, VERIFY_CALL, i), "call site %u: %u arguments, unit %u", i, cs->nargs, cs->callee_unit);
        for (uint32_t k = 0; k < MAX_CALL_ARGS; k++) {
            unsigned r = cs->reg[k];
            bool used = k < cs->nargs;
            if (used ? !readable(r) || (r != REG_ZERO && cs->imm[k] != 0)
                     : r != REG_ZERO || cs->imm[k] != 0)
                return fail(at(c, VERIFY_CALL, i), "call site %u: argument %u is not a register or a literal", i, k + 1);
        }
    }
    return 0;
}

/* Operand slot k of instruction i read as its operand letter says (opcodes.def); adds
 * the registers it names to *mask. */
static int check_slot(Check *c, uint32_t i, int k, char letter, uint64_t *mask)
{
    const Instr *in = &c->p->code[i];
    unsigned r = k == 0 ? in->a : k == 1 ? in->b : in->c;
    int64_t imm = in->imm[k];
    bool ok;
    switch (letter) {
    case 'V': case 'v': case 'X':     /* register, or literal: reg[REG_ZERO] + imm */
        ok = readable(r) && (r == REG_ZERO || imm == 0);
        break;
    case 'D': case 'd': case 'W':     /* a register written */
        ok = writable(r) && imm == 0;
        break;
    case 'I': case 'F': case 'T': case 'N':   /* literal, target: imm only */
        ok = r == REG_ZERO;
        break;
    default:                          /* no operand here, or one kept in aux */
        ok = r == REG_ZERO && imm == 0;
        break;
    }
    if (!ok)
        return fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): operand %d is not valid (a literal beside a "
                    "register, or a register it may not name)", i, op_info[in->op].mnemonic, k + 1);
    if (r < REG_ZERO)
        *mask |= 1ULL << r;
    return 0;
}

/* aux and the targets, per opcode (program.h "Per-opcode notes"). */
static int check_aux(Check *c, uint32_t i)
{
    const Program *p = c->p;
    const Instr *in = &p->code[i];
    const Unit *un = &p->units[p->info[i].unit];
    const char *mn = op_info[in->op].mnemonic;
    switch (in->op) {
    case OP_JMP: case OP_JZ: case OP_JNZ:
        if (in->imm[0] < 0 || !in_unit(un, (uint64_t)in->imm[0]))
            return fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): jump target %lld outside its unit", i, mn, (long long)in->imm[0]);
        if (in->aux > (in->op != OP_JMP) || (in->aux == 1 && (in->b != REG_ZF || in->imm[1] != 0)))
            return fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): bad flag form", i, mn);
        return 0;
    case OP_CALL: {
        if (in->aux >= p->ncalls)
            return fail(at(c, VERIFY_INSTR, i), "instruction %u (CALL): call site %u out of range", i, in->aux);
        uint32_t callee = p->calls[in->aux].callee_unit;
        if (in->imm[0] < 0 || !in_unit(&p->units[callee], (uint64_t)in->imm[0]) ||
            (callee == 0 && p->info[i].unit != 0))
            return fail(at(c, VERIFY_INSTR, i), "instruction %u (CALL): target %lld is not in unit %u", i, (long long)in->imm[0], callee);
        return 0;
    }
    case OP_STR: case OP_HELP:
        if (in->aux >= p->nstrings || !p->strings[in->aux].bytes)
            return fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): string %u out of range", i, mn, in->aux);
        return 0;
    case OP_SETTYPE:
        return in->aux < TYPE_COUNT ? 0 : fail(at(c, VERIFY_INSTR, i), "instruction %u (SETTYPE): unknown type %u", i, in->aux);
    case OP_END:
        return 0;   /* check_units */
    default:
        return in->aux == 0 ? 0 : fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): stray aux %u", i, mn, in->aux);
    }
}

static int check_instr(Check *c, uint32_t i)
{
    const Program *p = c->p;
    const Instr *in = &p->code[i];
    const InstrInfo *f = &p->info[i];
    if (f->unit >= p->nunits || !in_unit(&p->units[f->unit], i) || f->text >= p->text_len)
        return fail(at(c, VERIFY_INFO, i), "instruction %u: source information out of range", i);
    if (in->op >= OP_COUNT)
        return fail(at(c, VERIFY_INSTR, i), "instruction %u: unknown opcode %u", i, in->op);
    if ((in->op == OP_END) != (i == p->units[f->unit].end))
        return fail(at(c, VERIFY_INSTR, i), "instruction %u: a unit's end is misplaced", i);
    if (check_aux(c, i) != 0)
        return -1;
    const char *letters = op_info[in->op].operands;
    uint64_t mask = 0;
    bool args = false;
    for (int k = 0, end = 0; k < 3; k++) {
        char letter = end || !letters[k] ? '\0' : letters[k];
        end = end || !letters[k];
        args = args || letter == 'A';
        if (check_slot(c, i, k, letter, &mask) != 0)
            return -1;
    }
    if (args) {
        const CallSite *cs = &p->calls[in->aux];
        for (uint32_t k = 0; k < cs->nargs && k < MAX_CALL_ARGS; k++)
            if (cs->reg[k] < REG_ZERO)
                mask |= 1ULL << cs->reg[k];
    }
    /* The mask decides between the fast and the typed path: it must name every register
     * the instruction touches, and only those (parser.c). Files do not store it. */
    if (c->set_masks)
        c->set_masks[i].mask = mask;
    else if (in->mask != mask)
        return fail(at(c, VERIFY_INSTR, i), "instruction %u (%s): register mask does not match its operands", i,
                    op_info[in->op].mnemonic);
    return 0;
}

/* A label name as the assembler accepts it: [A-Za-z_][A-Za-z0-9_.]* (lexer.c). */
static bool label_name(const char *s)
{
    if (!s || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.'))
            return false;
    return true;
}

/* Each label stands on a line of its unit and has a name the disassembler may print. */
static int check_labels(Check *c)
{
    const Program *p = c->p;
    if (p->nlabels && !p->labels)
        return fail(at(c, VERIFY_LABEL, 0), "the label table is missing");
    for (uint32_t i = 0; i < p->nlabels; i++) {
        const ProgLabel *l = &p->labels[i];
        if (!label_name(l->name))
            return fail(at(c, VERIFY_LABEL, i), "label %u: not a valid label name", i);
        if (l->unit >= p->nunits || l->line < 1 || l->line > p->units[l->unit].nlines)
            return fail(at(c, VERIFY_LABEL, i), "label %u (%s): unit %u, line %u out of range", i,
                        l->name, l->unit, l->line);
    }
    return 0;
}

static int verify(const Program *p, Instr *set_masks, char *msg, size_t cap, VerifyWhere *where)
{
    Check c = { p, set_masks, msg, cap, { VERIFY_PROGRAM, 0 } };
    int st = 0;
    if (cap > 0)
        msg[0] = '\0';
    if (p->ncode == 0 || p->nunits == 0 || !p->code || !p->info || !p->units)
        st = fail(&c, "a program without code");
    else if (p->text_len == 0 || !p->text_pool || p->text_pool[p->text_len - 1] != 0)
        st = fail(at(&c, VERIFY_TEXT, 0), "the text pool is not terminated");
    for (uint32_t i = 0; st == 0 && i < p->nstrings; i++)
        if (!p->strings[i].bytes)
            st = fail(at(&c, VERIFY_STRING, i), "string %u is missing", i);
    if (st == 0)
        st = check_units(&c) != 0 || check_calls(&c) != 0 ? -1 : 0;
    for (uint32_t i = 0; st == 0 && i < p->ncode; i++)
        st = check_instr(&c, i);
    if (st == 0)
        st = check_labels(&c);
    if (where)
        *where = c.where;
    return st;
}

int program_verify_where(const Program *p, char *msg, size_t cap, VerifyWhere *where)
{
    return verify(p, NULL, msg, cap, where);
}

int program_verify_decoded(Program *p, char *msg, size_t cap, VerifyWhere *where)
{
    return verify(p, p->code, msg, cap, where);
}

int program_verify(const Program *p, char *msg, size_t cap)
{
    return program_verify_where(p, msg, cap, NULL);
}
