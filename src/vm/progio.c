/*
 * progio.c - writing and reading one Program (progio.h), for snapshots and .mar files.
 *
 * ---------------------------------------------------------------------------------------
 * The encoding of a Program (integers little-endian; str = u32 length + bytes, no NUL)
 * ---------------------------------------------------------------------------------------
 *   str path                 the main file's path as given (diagnostics name it)
 *   u32 ncode                instructions, unit sentinels included
 *   ncode x Instr, 40 bytes each (program.h):
 *        u8 op, u8 a, u8 b, u8 c, u32 aux, u64 mask, i64 imm[0], i64 imm[1], i64 imm[2]
 *   ncode x InstrInfo, 16 bytes each (the line and column table):
 *        u32 line, u32 col, u32 unit, u32 text (offset into the text pool)
 *   u32 nunits               unit 0 is the program; then user modules and library
 *                            functions CALL linked in, so that nothing else is needed
 *   nunits x
 *        str path, str name, u32 first, u32 end, u32 nlines,
 *        (nlines + 2) x u32 line_pc   (first instruction at or below each line)
 *   u32 ncalls               call sites, 4 + 10 + 80 + 4 = 98 bytes each:
 *        u32 nargs, 10 x u8 reg, 10 x i64 imm, u32 callee_unit
 *   u32 nstrings             the string pool: nstrings x str (any bytes, NUL included)
 *   u64 text_len, text_len bytes   the statement texts, each ending in NUL
 *   u32 nlabels              the label table (snapshot format 4, .mar format 1 on):
 *   nlabels x
 *        str name, u32 unit, u32 line
 *
 * Reading trusts nothing: every count is checked against the bytes left before anything
 * is allocated (an allocation is at most a small multiple of the input's size), and the
 * decoded program then goes through program_verify (verify.c), which checks every
 * opcode, operand kind, register, literal beside a register, jump target, pool index,
 * line-table entry, unit range, call reference and label. A failure carries the byte
 * offset of the field at fault: the field read, or for the verifier the start of the
 * instruction, line-table entry, unit, call site, string or label it names.
 */
#include "progio.h"

#include <stdlib.h>

#include "verify.h"

/* Encoded sizes, to bound counts before allocating. */
#define INSTR_BYTES 40u
#define INFO_BYTES  16u
#define UNIT_MIN    (4u + 4u + 12u + 8u)
#define CALL_BYTES  (4u + MAX_CALL_ARGS + 8u * MAX_CALL_ARGS + 4u)
#define LABEL_MIN   (4u + 4u + 4u)

void prog_write(Writer *w, const Program *p)
{
    w_str(w, p->path);
    w_u32(w, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++) {
        const Instr *in = &p->code[i];
        w_u8(w, in->op);
        w_u8(w, in->a);
        w_u8(w, in->b);
        w_u8(w, in->c);
        w_u32(w, in->aux);
        w_u64(w, in->mask);
        for (int k = 0; k < 3; k++)
            w_i64(w, in->imm[k]);
    }
    for (uint32_t i = 0; i < p->ncode; i++) {
        const InstrInfo *f = &p->info[i];
        w_u32(w, f->line);
        w_u32(w, f->col);
        w_u32(w, f->unit);
        w_u32(w, f->text);
    }
    w_u32(w, p->nunits);
    for (uint32_t u = 0; u < p->nunits; u++) {
        const Unit *un = &p->units[u];
        w_str(w, un->path);
        w_str(w, un->name);
        w_u32(w, un->first);
        w_u32(w, un->end);
        w_u32(w, un->nlines);
        for (uint64_t l = 0; l < (uint64_t)un->nlines + 2; l++)
            w_u32(w, un->line_pc[l]);
    }
    w_u32(w, p->ncalls);
    for (uint32_t i = 0; i < p->ncalls; i++) {
        const CallSite *cs = &p->calls[i];
        w_u32(w, cs->nargs);
        w_bytes(w, cs->reg, MAX_CALL_ARGS);
        for (int k = 0; k < MAX_CALL_ARGS; k++)
            w_i64(w, cs->imm[k]);
        w_u32(w, cs->callee_unit);
    }
    w_u32(w, p->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++)
        w_mem(w, p->strings[i].bytes, p->strings[i].len);
    w_u64(w, p->text_len);
    w_bytes(w, p->text_pool, p->text_len);
    w_u32(w, p->nlabels);
    for (uint32_t i = 0; i < p->nlabels; i++) {
        w_str(w, p->labels[i].name);
        w_u32(w, p->labels[i].unit);
        w_u32(w, p->labels[i].line);
    }
}

/* Where each part of the program was read from, to place the verifier's findings. */
typedef struct Offsets {
    uint64_t  code, info, calls, text;
    uint64_t *unit, *string, *label;   /* one per entry */
} Offsets;

static void read_code(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_count(r, 4, INSTR_BYTES + INFO_BYTES, UINT32_MAX, "too many instructions");
    if (n && (!(p->code = calloc(n, sizeof *p->code)) || !(p->info = calloc(n, sizeof *p->info))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->ncode = n;
    at->code = r_offset(r);
    for (uint32_t i = 0; i < n; i++) {
        Instr *in = &p->code[i];
        in->op = r_u8(r);
        in->a = r_u8(r);
        in->b = r_u8(r);
        in->c = r_u8(r);
        in->aux = r_u32(r);
        in->mask = r_u64(r);
        for (int k = 0; k < 3; k++)
            in->imm[k] = r_i64(r);
    }
    at->info = r_offset(r);
    for (uint32_t i = 0; i < n; i++) {
        InstrInfo *f = &p->info[i];
        f->line = r_u32(r);
        f->col = r_u32(r);
        f->unit = r_u32(r);
        f->text = r_u32(r);
    }
}

static void read_units(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_count(r, 4, UNIT_MIN, UINT32_MAX, "too many units");
    if (n && (!(p->units = calloc(n, sizeof *p->units)) || !(at->unit = malloc(n * sizeof *at->unit))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nunits = n;
    for (uint32_t u = 0; u < n && !r->bad; u++) {
        Unit *un = &p->units[u];
        at->unit[u] = r_offset(r);
        un->path = r_str(r, NULL);
        un->name = r_str(r, NULL);
        un->first = r_u32(r);
        un->end = r_u32(r);
        uint64_t nlines = r_count(r, 4, 4, UINT32_MAX - 2, "a line table is longer than its section");
        if (!r->bad && r_left(r) / 4 < nlines + 2)
            r_fail(r, "a line table is longer than its section");
        if (r->bad)
            break;
        if (!(un->line_pc = malloc((nlines + 2) * sizeof *un->line_pc))) {
            r_fail(r, "out of memory");
            break;
        }
        un->nlines = (uint32_t)nlines;
        for (uint64_t l = 0; l < nlines + 2; l++)
            un->line_pc[l] = r_u32(r);
    }
}

/* Zeroed, so that a CallSite's padding is the same as the assembler's (program_same
 * compares the arrays byte for byte). */
static void read_calls(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_count(r, 4, CALL_BYTES, UINT32_MAX, "too many call sites");
    if (n && !(p->calls = calloc(n, sizeof *p->calls)))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->ncalls = n;
    at->calls = r_offset(r);
    for (uint32_t i = 0; i < n; i++) {
        CallSite *cs = &p->calls[i];
        cs->nargs = r_u32(r);
        for (int k = 0; k < MAX_CALL_ARGS; k++)
            cs->reg[k] = r_u8(r);
        for (int k = 0; k < MAX_CALL_ARGS; k++)
            cs->imm[k] = r_i64(r);
        cs->callee_unit = r_u32(r);
    }
}

static void read_pools(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_count(r, 4, 4, UINT32_MAX, "too many strings");
    if (n && (!(p->strings = calloc(n, sizeof *p->strings)) || !(at->string = malloc(n * sizeof *at->string))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nstrings = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        at->string[i] = r_offset(r);
        p->strings[i].bytes = r_str(r, &p->strings[i].len);
    }
    at->text = r_offset(r);
    uint64_t len = r_count(r, 8, 1, UINT32_MAX, "the text pool is longer than its section");
    const uint8_t *b = r_take(r, len);
    if (r->bad)
        return;
    if (len && !(p->text_pool = malloc(len))) {
        r_fail(r, "out of memory");
        return;
    }
    if (len)
        memcpy(p->text_pool, b, len);
    p->text_len = len;
}

static void read_labels(Reader *r, Program *p, Offsets *at)
{
    uint32_t n = (uint32_t)r_count(r, 4, LABEL_MIN, UINT32_MAX, "too many labels");
    if (n && (!(p->labels = calloc(n, sizeof *p->labels)) || !(at->label = malloc(n * sizeof *at->label))))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    p->nlabels = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        ProgLabel *l = &p->labels[i];
        at->label[i] = r_offset(r);
        uint32_t len = 0;
        l->name = r_str(r, &len);
        if (l->name && strlen(l->name) != len)
            r_fail_at(r, at->label[i], "a label name holds a NUL byte");
        l->unit = r_u32(r);
        l->line = r_u32(r);
    }
}

/* The file offset of the part of p the verifier found at fault. */
static uint64_t where_offset(const Offsets *at, VerifyWhere w, uint64_t start)
{
    switch (w.part) {
    case VERIFY_INSTR:  return at->code + (uint64_t)w.index * INSTR_BYTES;
    case VERIFY_INFO:   return at->info + (uint64_t)w.index * INFO_BYTES;
    case VERIFY_UNIT:   return at->unit ? at->unit[w.index] : start;
    case VERIFY_CALL:   return at->calls + (uint64_t)w.index * CALL_BYTES;
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
    Offsets at = { 0 };
    p->path = r_str(r, NULL);
    if (!r->bad)
        read_code(r, p, &at);
    if (!r->bad)
        read_units(r, p, &at);
    if (!r->bad)
        read_calls(r, p, &at);
    if (!r->bad)
        read_pools(r, p, &at);
    if (!r->bad)
        read_labels(r, p, &at);
    VerifyWhere where;
    if (!r->bad && program_verify_where(p, msg, cap, &where) != 0)
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
