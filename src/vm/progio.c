/*
 * progio.c - writing and reading one Program (progio.h), for snapshots and .mar files.
 *
 * ---------------------------------------------------------------------------------------
 * The encoding of a Program (binio.h: integers little-endian; str = u32 length + bytes,
 * no NUL; uvar/svar = unsigned/zigzag-signed LEB128, one byte for 0..127 / -64..63)
 * ---------------------------------------------------------------------------------------
 * Compact, because loading is what `crun` is for: most fields are small numbers or
 * differences between neighbours, and what follows from other fields is not stored
 * (register masks, each instruction's unit, each unit's first and last instruction).
 *
 *   str path                 the main file's path as given (diagnostics name it)
 *   uvar nunits              unit 0 is the program; then user modules and library
 *                            functions CALL linked in, so that nothing else is needed.
 *   nunits x                 Units tile the code in order: unit u's instructions follow
 *                            unit u-1's, and its last is its OP_END sentinel.
 *        str path, str name, uvar size (instructions, the sentinel included),
 *        uvar nlines, (nlines + 2) x svar line_pc   (first instruction at or below each
 *                            line, each minus the one before; the first minus the unit's
 *                            first instruction)
 *   ncode = the sum of the sizes, instructions:
 *   ncode x Instr (program.h):
 *        u8 op, u8 form, then the fields form announces, in this order:
 *          form bits 0-2   slot a, b, c names a register: u8 register   (else REG_ZERO)
 *          form bits 3-5   imm[0], imm[1], imm[2] is not 0: svar imm    (else 0)
 *          form bit  6     aux is not 0: uvar aux                       (else 0)
 *          form bit  7     never set
 *        (the register mask is not stored: the verifier computes it from the operands)
 *   ncode x InstrInfo (the line and column table; unit follows from the unit sizes):
 *        svar line - previous line, uvar col, svar text - previous text
 *                            (the previous ones start at 0)
 *   uvar ncalls              call sites:
 *   ncalls x
 *        uvar nargs (at most 10), nargs x (u8 reg, and svar imm when reg is REG_ZERO:
 *        a literal), uvar callee_unit
 *   uvar nstrings            the string pool: nstrings x str (any bytes, NUL included)
 *   uvar text_len, text_len bytes   the statement texts, each ending in NUL
 *   uvar nlabels             the label table:
 *   nlabels x
 *        str name, uvar unit, uvar line
 *
 * Reading trusts nothing: every count is checked against the bytes left before anything
 * is allocated (an allocation is at most a small multiple of the input's size), every
 * number against the field it fills, and the decoded program then goes through the
 * verifier (verify.c), which checks every opcode, operand kind, register, literal beside
 * a register, jump target, pool index, line-table entry, unit range, call reference and
 * label, and sets the register masks. Everything decoded goes into the program's arena
 * (vm/arena.h): one allocation per piece would cost more than the decoding. A failure carries the byte offset of the field at
 * fault: the field read, or for the verifier the start of the instruction, line-table
 * entry, unit, call site, string or label it names.
 */
#include "progio.h"
#include "fused.h"

#include <stdlib.h>

#include "verify.h"

/* Least encoded sizes, to bound counts before allocating. */
#define INSTR_MIN   2u                 /* op, form */
#define INFO_MIN    3u                 /* three one-byte numbers */
#define UNIT_MIN    (4u + 4u + 1u + 1u + 2u)
#define CALL_MIN    2u
#define LABEL_MIN   (4u + 1u + 1u + 1u)

enum { FORM_REG = 1u << 0, FORM_IMM = 1u << 3, FORM_AUX = 1u << 6, FORM_UNUSED = 1u << 7 };

static void write_instr(Writer *w, const Instr *in)
{
    const uint8_t slot[3] = { in->a, in->b, in->c };
    unsigned form = in->aux ? FORM_AUX : 0;
    for (int k = 0; k < 3; k++)
        form |= (slot[k] != REG_ZERO ? FORM_REG << k : 0) | (in->imm[k] ? FORM_IMM << k : 0);
    w_u8(w, (uint8_t)op_base(in->op));   /* (a running program may hold superinstructions) */
    w_u8(w, (uint8_t)form);
    for (int k = 0; k < 3; k++)
        if (form & FORM_REG << k)
            w_u8(w, slot[k]);
    for (int k = 0; k < 3; k++)
        if (form & FORM_IMM << k)
            w_svar(w, in->imm[k]);
    if (form & FORM_AUX)
        w_uvar(w, in->aux);
}

void prog_write(Writer *w, const Program *p)
{
    w_str(w, p->path);
    w_uvar(w, p->nunits);
    for (uint32_t u = 0; u < p->nunits; u++) {
        const Unit *un = &p->units[u];
        w_str(w, un->path);
        w_str(w, un->name);
        w_uvar(w, (uint64_t)un->end - un->first + 1);
        w_uvar(w, un->nlines);
        int64_t prev = un->first;
        for (uint64_t l = 0; l < (uint64_t)un->nlines + 2; l++) {
            w_svar(w, (int64_t)un->line_pc[l] - prev);
            prev = un->line_pc[l];
        }
    }
    for (uint32_t i = 0; i < p->ncode; i++)
        write_instr(w, &p->code[i]);
    int64_t line = 0, text = 0;
    for (uint32_t i = 0; i < p->ncode; i++) {
        const InstrInfo *f = &p->info[i];
        w_svar(w, (int64_t)f->line - line);
        w_uvar(w, f->col);
        w_svar(w, (int64_t)f->text - text);
        line = f->line;
        text = f->text;
    }
    w_uvar(w, p->ncalls);
    for (uint32_t i = 0; i < p->ncalls; i++) {
        const CallSite *cs = &p->calls[i];
        w_uvar(w, cs->nargs);
        for (uint32_t k = 0; k < cs->nargs && k < MAX_CALL_ARGS; k++) {
            w_u8(w, cs->reg[k]);
            if (cs->reg[k] == REG_ZERO)
                w_svar(w, cs->imm[k]);
        }
        w_uvar(w, cs->callee_unit);
    }
    w_uvar(w, p->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++)
        w_mem(w, p->strings[i].bytes, p->strings[i].len);
    w_uvar(w, p->text_len);
    w_bytes(w, p->text_pool, p->text_len);
    w_uvar(w, p->nlabels);
    for (uint32_t i = 0; i < p->nlabels; i++) {
        w_str(w, p->labels[i].name);
        w_uvar(w, p->labels[i].unit);
        w_uvar(w, p->labels[i].line);
    }
}

/* Where each part of the program was read from, to place the verifier's findings. The
 * code, line table and call sites are read again from their start to find the offset of
 * one entry (only when one is at fault). */
typedef struct Offsets {
    Reader    code, info, calls;   /* cursors at the start of each */
    uint64_t  text;
    uint64_t *unit, *string, *label;   /* one per entry */
} Offsets;

/* n zeroed items of size bytes from p's arena, or NULL with r failed. */
static void *take(Reader *r, Program *p, uint64_t n, size_t size)
{
    void *m = n > SIZE_MAX / size ? NULL : arena_alloc(&p->arena, (size_t)n * size);
    if (!m)
        r_fail(r, "out of memory");
    return m;
}

/* A str, NUL-terminated in p's arena (len, if not NULL, without the NUL). */
static char *read_str(Reader *r, Program *p, uint32_t *len)
{
    uint32_t n = (uint32_t)r_count(r, 4, 1, UINT32_MAX - 1, "a string is longer than its section");
    const uint8_t *b = r_take(r, n);
    char *s = b ? take(r, p, (uint64_t)n + 1, 1) : NULL;
    if (!s)
        return NULL;
    memcpy(s, b, n);
    if (len)
        *len = n;
    return s;
}

/* A uvar that must fit in 32 bits. */
static uint32_t r_uvar32(Reader *r, const char *why)
{
    uint64_t at = r_offset(r), v = r_uvar(r);
    if (v > UINT32_MAX)
        r_fail_at(r, at, why);
    return (uint32_t)v;
}

/* base + an svar difference, which must land in 0..UINT32_MAX. */
static uint32_t r_delta32(Reader *r, uint32_t base, const char *why)
{
    uint64_t at = r_offset(r);
    int64_t d = r_svar(r);   /* compared before adding: base + d could overflow */
    if (d < -(int64_t)base || d > (int64_t)(UINT32_MAX - base)) {
        r_fail_at(r, at, why);
        return 0;
    }
    return (uint32_t)(base + d);
}

static void read_units(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_uvar_count(r, UNIT_MIN, UINT32_MAX, "too many units");
    if (n && (!(p->units = take(r, p, n, sizeof *p->units)) || !(at->unit = malloc(n * sizeof *at->unit))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nunits = n;
    uint64_t first = 0;
    for (uint32_t u = 0; u < n && !r->bad; u++) {
        Unit *un = &p->units[u];
        at->unit[u] = r_offset(r);
        un->path = read_str(r, p, NULL);
        un->name = read_str(r, p, NULL);
        uint64_t size = r_uvar_count(r, INSTR_MIN + INFO_MIN, UINT32_MAX, "a unit has more instructions than the file");
        if (!r->bad && (size == 0 || first + size > UINT32_MAX))
            r_fail_at(r, at->unit[u], "a unit's size is out of range");
        uint64_t nlines = r_uvar_count(r, 1, UINT32_MAX - 2, "a line table is longer than its section");
        if (!r->bad && r_left(r) < nlines + 2)
            r_fail(r, "a line table is longer than its section");
        if (r->bad)
            break;
        if (!(un->line_pc = take(r, p, nlines + 2, sizeof *un->line_pc)))
            break;
        un->first = (uint32_t)first;
        un->end = (uint32_t)(first + size - 1);
        un->nlines = (uint32_t)nlines;
        uint32_t pc = un->first;
        for (uint64_t l = 0; l < nlines + 2; l++)
            pc = un->line_pc[l] = r_delta32(r, pc, "a line maps outside the program");
        first += size;
    }
    p->ncode = r->bad ? 0 : (uint32_t)first;
}

/* One instruction at r's cursor (the layout above). */
static void read_instr(Reader *r, Instr *in)
{
    uint8_t slot[3] = { REG_ZERO, REG_ZERO, REG_ZERO };
    uint64_t at = r_offset(r);
    in->op = r_u8(r);
    unsigned form = r_u8(r);
    if (form & FORM_UNUSED)
        r_fail_at(r, at, "an instruction's form is malformed");
    for (int k = 0; k < 3; k++)
        if (form & FORM_REG << k)
            slot[k] = r_u8(r);
    in->a = slot[0];
    in->b = slot[1];
    in->c = slot[2];
    for (int k = 0; k < 3; k++)
        in->imm[k] = form & FORM_IMM << k ? r_svar(r) : 0;
    in->aux = form & FORM_AUX ? r_uvar32(r, "an instruction's aux is out of range") : 0;
    in->mask = 0;   /* set by the verifier */
}

/* One line-table entry, given the one before (zeros before the first). */
static void read_info(Reader *r, InstrInfo *f, const InstrInfo *prev)
{
    f->line = r_delta32(r, prev->line, "a line number is out of range");
    f->col = r_uvar32(r, "a column is out of range");
    f->text = r_delta32(r, prev->text, "a statement text is out of range");
}

static void read_code(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = p->ncode;
    if (n > r_left(r) / (INSTR_MIN + INFO_MIN))
        r_fail(r, "too many instructions");
    else if (n && (!(p->code = take(r, p, n, sizeof *p->code)) || !(p->info = take(r, p, n, sizeof *p->info))))
        return;
    if (r->bad)
        return;
    at->code = *r;
    for (uint32_t i = 0; i < n; i++)
        read_instr(r, &p->code[i]);
    at->info = *r;
    InstrInfo prev = { 0 };
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++) {
        InstrInfo *f = &p->info[i];
        read_info(r, f, &prev);
        while (i > p->units[u].end)
            u++;
        f->unit = u;
        prev = *f;
    }
}

/* One call site. Zeroed beforehand, so that its padding is the same as the assembler's
 * (program_same compares the arrays byte for byte); unused arguments are REG_ZERO + 0. */
static void read_call(Reader *r, CallSite *cs)
{
    uint64_t at = r_offset(r);
    memset(cs->reg, REG_ZERO, sizeof cs->reg);
    cs->nargs = r_uvar32(r, "a call has too many arguments");
    if (cs->nargs > MAX_CALL_ARGS)
        r_fail_at(r, at, "a call has too many arguments");
    for (uint32_t k = 0; k < cs->nargs && !r->bad; k++) {
        cs->reg[k] = r_u8(r);
        if (cs->reg[k] == REG_ZERO)
            cs->imm[k] = r_svar(r);
    }
    cs->callee_unit = r_uvar32(r, "a call's unit is out of range");
}

static void read_calls(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_uvar_count(r, CALL_MIN, UINT32_MAX, "too many call sites");
    if (n && !(p->calls = take(r, p, n, sizeof *p->calls)))
        return;
    if (r->bad)
        return;
    p->ncalls = n;
    at->calls = *r;
    for (uint32_t i = 0; i < n; i++)
        read_call(r, &p->calls[i]);
}

static void read_pools(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_uvar_count(r, 4, UINT32_MAX, "too many strings");
    if (n && (!(p->strings = take(r, p, n, sizeof *p->strings)) || !(at->string = malloc(n * sizeof *at->string))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nstrings = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        at->string[i] = r_offset(r);
        p->strings[i].bytes = read_str(r, p, &p->strings[i].len);
    }
    at->text = r_offset(r);
    uint64_t len = r_uvar_count(r, 1, UINT32_MAX, "the text pool is longer than its section");
    const uint8_t *b = r_take(r, len);
    if (r->bad)
        return;
    if (len && !(p->text_pool = take(r, p, len, 1)))
        return;
    if (len)
        memcpy(p->text_pool, b, len);
    p->text_len = len;
}

static void read_labels(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_uvar_count(r, LABEL_MIN, UINT32_MAX, "too many labels");
    if (n && (!(p->labels = take(r, p, n, sizeof *p->labels)) || !(at->label = malloc(n * sizeof *at->label))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nlabels = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        ProgLabel *l = &p->labels[i];
        at->label[i] = r_offset(r);
        uint32_t len = 0;
        l->name = read_str(r, p, &len);
        if (l->name && strlen(l->name) != len)
            r_fail_at(r, at->label[i], "a label name holds a NUL byte");
        l->unit = r_uvar32(r, "a label's unit is out of range");
        l->line = r_uvar32(r, "a label's line is out of range");
    }
}

/* The file offset of entry i of a table read from cursor `from` with read_one. */
static uint64_t entry_offset(Reader from, uint32_t i, void (*skip)(Reader *))
{
    while (i-- > 0 && !from.bad)
        skip(&from);
    return r_offset(&from);
}

static void skip_instr(Reader *r) { Instr in; read_instr(r, &in); }
static void skip_call(Reader *r)  { CallSite cs = { 0 }; read_call(r, &cs); }

/* The offset of line-table entry i (entries are differences: read them all up to i). */
static uint64_t info_offset(Reader from, uint32_t i)
{
    InstrInfo f, prev = { 0 };
    while (i-- > 0 && !from.bad) {
        read_info(&from, &f, &prev);
        prev = f;
    }
    return r_offset(&from);
}

/* The file offset of the part of p the verifier found at fault. */
static uint64_t where_offset(const Offsets *at, VerifyWhere w, uint64_t start)
{
    switch (w.part) {
    case VERIFY_INSTR:  return at->code.base ? entry_offset(at->code, w.index, skip_instr) : start;
    case VERIFY_INFO:   return at->info.base ? info_offset(at->info, w.index) : start;
    case VERIFY_UNIT:   return at->unit ? at->unit[w.index] : start;
    case VERIFY_CALL:   return at->calls.base ? entry_offset(at->calls, w.index, skip_call) : start;
    case VERIFY_STRING: return at->string ? at->string[w.index] : start;
    case VERIFY_TEXT:   return at->text;
    case VERIFY_LABEL:  return at->label ? at->label[w.index] : start;
    default:            return start;
    }
}

Program *prog_read(Reader *r, char *msg, size_t cap)
{
    uint64_t start = r_offset(r);
    Program *p = calloc(1, sizeof *p);
    if (!p) {
        r_fail(r, "out of memory");
        return NULL;
    }
    p->refs = 1;
    /* Programs decode to about four times their encoding; the arena grows if not. */
    arena_init(&p->arena, r_left(r) < ((uint64_t)1 << 28) ? (size_t)r_left(r) * 4 : (size_t)1 << 30);
    Offsets at = { 0 };
    p->path = read_str(r, p, NULL);
    if (!r->bad)
        read_units(r, p, &at);
    if (!r->bad)
        read_code(r, p, &at);
    if (!r->bad)
        read_calls(r, p, &at);
    if (!r->bad)
        read_pools(r, p, &at);
    if (!r->bad)
        read_labels(r, p, &at);
    VerifyWhere where;
    if (!r->bad && program_verify_decoded(p, msg, cap, &where) != 0)
        r_fail_at(r, where_offset(&at, where, start), msg);
    free(at.unit);
    free(at.string);
    free(at.label);
    if (r->bad) {
        program_release(p);
        return NULL;
    }
    return p;
}
