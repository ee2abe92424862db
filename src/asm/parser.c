/*
 * parser.c - the assembler: .kar text -> Program (SPEC 1, 3, 10; encoding in program.h).
 *
 * asm_unit() reads a unit line by line. Each line is lexed (lexer.c); a first token
 * `name:` defines a label; the next word is looked up in the instruction table, and each
 * operand is read as the table's operand letter says (opcodes.def): nothing here lists
 * the operands of a particular instruction. A statement is built in a Stmt and reaches
 * the Program only when all of it was good, so an error skips exactly that statement
 * ("one mistake, one message") and assembly goes on with the next line.
 *
 * Jump targets and CALL names may name labels further down, so they become fixups,
 * patched after the last line when line_pc is complete: line_pc[L] is just the number
 * of instructions emitted before line L was read (the first instruction at or below L).
 * A name read as a value (SPEC 1, "Names as values") is a built-in constant, replaced by
 * its number at once (vm/constants.h), or else a label, which becomes a FIX_VALUE fixup
 * patched with the label's line number; an unknown one is reported then.
 *
 * Encoding choices program.h leaves open:
 *   - unused register slots hold REG_ZERO (and imm 0), so reg[slot] + imm is harmless;
 *   - mask also has the bits of registers an instruction uses without naming them: an
 *     omitted destination (R3, R4, R5) and I1 for JZ/JNZ without a register, so the
 *     interpreter's "all plain Long registers?" test covers every register it touches;
 *     a read of I8 is folded into a literal and sets no bit;
 *   - each unit's OP_END sentinel has line = nlines + 1, col = 1 and empty text.
 */
#include "assembler.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "../vm/constants.h"
#include "../host/hostfile.h"
#include "../vm/errors.h"
#include "../vm/help.h"

/* A statement being read; nothing reaches the Program before commit(). */
typedef struct Stmt {
    int         op;
    char        name[16];   /* the mnemonic as written, upper case, for messages */
    Instr       in;
    uint32_t    col;        /* of the mnemonic */
    const char *text;       /* the statement text: from the mnemonic ... */
    const char *text_end;   /* ... to the end of the last operand read */
    char       *str;        /* S or H operand: an owned copy, moved to Program.strings */
    size_t      str_len;
    bool        has_str;
    bool        is_call;
    CallSite    call;
    Fixup       fix[1 + FIX_ARG0 + MAX_CALL_ARGS];  /* a target or CALL name, and names */
    int         nfix;
} Stmt;

/* ---- growing arrays ---------------------------------------------------------------- */

/* The array `arr` (capacity *cap elements of `size` bytes) with room for `need`: the same
 * or a larger block, or NULL (arr untouched) when memory ran out. */
static void *reserve(void *arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && arr)
        return arr;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    if (n > SIZE_MAX / size)
        return NULL;
    void *q = realloc(arr, n * size);
    if (q)
        *cap = n;
    return q;
}
#define RESERVE(ptr, cap, need) \
    ({ void *q_ = reserve((ptr), (cap), (need), sizeof *(ptr)); if (q_) (ptr) = q_; q_ != NULL; })

/* Record a label in the Program's label table (program.h), in the order defined. */
static bool keep_label(Assembler *as, const char *name, size_t len)
{
    Program *p = as->prog;
    char *copy = strndup(name, len);
    if (!copy || !RESERVE(p->labels, &as->labels_cap, p->nlabels + 1)) {
        free(copy);
        as->oom = true;
        return false;
    }
    p->labels[p->nlabels++] = (ProgLabel){ copy, as->u->index, as->u->lineno };
    return true;
}

/* Append a statement's text (plus its NUL) to the text pool; NUL bytes in it become '?'.
 * Returns its offset, or UINT32_MAX when memory ran out. */
static uint32_t add_text(Assembler *as, const char *s, size_t n)
{
    Program *p = as->prog;
    if (p->text_len + n + 1 > UINT32_MAX ||
        !RESERVE(p->text_pool, &as->text_cap, p->text_len + n + 1))
        return UINT32_MAX;
    uint32_t off = (uint32_t)p->text_len;
    char *d = p->text_pool + off;
    for (size_t i = 0; i < n; i++)
        d[i] = s[i] ? s[i] : '?';
    d[n] = '\0';
    p->text_len += n + 1;
    return off;
}

static bool add_instr(Assembler *as, const Instr *in, InstrInfo info)
{
    Program *p = as->prog;
    size_t cap = as->code_cap, icap = as->code_cap;
    if (p->ncode >= UINT32_MAX - 1 || !RESERVE(p->code, &cap, p->ncode + 1))
        return false;
    if (!RESERVE(p->info, &icap, p->ncode + 1))
        return false;               /* code grew but code_cap did not: it grows again */
    as->code_cap = cap;
    p->code[p->ncode] = *in;
    p->info[p->ncode] = info;
    p->ncode++;
    return true;
}

/* ---- messages ---------------------------------------------------------------------- */

static void error_at(Assembler *as, uint32_t col, const char *fmt, ...) ASM_PRINTF(3, 4);
static void error_at(Assembler *as, uint32_t col, const char *fmt, ...)
{
    UnitCtx *u = as->u;
    va_list ap;
    va_start(ap, fmt);
    diags_verror(&u->diags, DIAG_LINES, u->lineno, col, u->line, u->line_len, fmt, ap);
    va_end(ap);
}

static void fixup_error(Assembler *as, const Fixup *f, const char *fmt, ...) ASM_PRINTF(3, 4);
static void fixup_error(Assembler *as, const Fixup *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_verror(&as->u->diags, DIAG_FIXUPS, f->line, f->col, f->src, SIZE_MAX, fmt, ap);
    va_end(ap);
}

#define QUOTE(buf, s, n) diag_quote(buf, sizeof buf, s, n)

static int word_reg(const Token *t)
{
    return t->kind == TOK_WORD && t->len <= 3 ? reg_lookup(t->text, (int)t->len) : -1;
}

static bool is_number(const Token *t)
{
    return t->kind == TOK_WORD && lex_is_numeric(t->text, t->len);
}

/* A register letter and then digits (G11, g0, X99): such a word is a misspelt register,
 * never a name, so `ADD G1 G11` says "unknown register" and no label may look like one. */
static bool register_shaped(const char *s, size_t n)
{
    if (n < 2 || !memchr("GSRFXIgsrfxi", s[0], 12))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A word that can only be a name (a label or a built-in constant) where a value is read.
 * Words that read as float literals (inf, nan) stay float literals. */
static bool is_name(const Token *t)
{
    double d;
    return t->kind == TOK_WORD && !is_number(t) && lex_is_label_name(t->text, t->len) &&
           !register_shaped(t->text, t->len) && !lex_parse_float(t->text, t->len, &d);
}

/* What a token is, for "expected X, got Y". */
static const char *describe(const Token *t, char *buf, size_t cap)
{
    char q[64];
    QUOTE(q, t->text, t->len);
    int64_t v;
    int base;
    double d;
    switch (t->kind) {
    case TOK_STRING: snprintf(buf, cap, "a string literal"); break;
    case TOK_CHAR:   snprintf(buf, cap, "character literal %s", q); break;
    case TOK_LABEL:  snprintf(buf, cap, "label definition %s", q); break;
    default:
        if (word_reg(t) >= 0)
            snprintf(buf, cap, "register %s", q);
        else if (constant_find(t->text, t->len))
            snprintf(buf, cap, "built-in constant %s", q);
        else if (is_number(t) && lex_parse_int(t->text, t->len, &v, &base) == INT_OK)
            snprintf(buf, cap, "integer literal %s", q);
        else if (lex_parse_float(t->text, t->len, &d))
            snprintf(buf, cap, "float literal %s", q);
        else
            snprintf(buf, cap, "%s", q);
    }
    return buf;
}

static bool wrong_kind(Assembler *as, const Token *t, const char *expected)
{
    char what[96];
    error_at(as, t->col, "expected %s, got %s", expected, describe(t, what, sizeof what));
    return false;
}

/* A word where a register was expected that is not one. */
static bool not_a_register(Assembler *as, const Token *t, const char *expected)
{
    char q[64];
    if (t->kind == TOK_WORD && lex_is_identifier(t->text, t->len)) {
        error_at(as, t->col, "unknown register %s", QUOTE(q, t->text, t->len));
        return false;
    }
    return wrong_kind(as, t, expected);
}

/* ---- tokens ------------------------------------------------------------------------ */

/* The next token of the line; false (reported) on a lexical error. */
static bool next_token(Assembler *as, Token *t)
{
    UnitCtx *u = as->u;
    if (lex_next(&u->lx, t) != TOK_ERROR)
        return true;
    error_at(as, u->lx.err_col, "%s", u->lx.err);
    return false;
}

/* The next token after the label: a second `name:` is out of place. */
static bool next_operand(Assembler *as, Token *t)
{
    char q[64];
    if (!next_token(as, t))
        return false;
    if (t->kind == TOK_LABEL) {
        error_at(as, t->col, "label %s must stand at the start of the line",
                 QUOTE(q, t->text, t->len));
        return false;
    }
    return true;
}

/* ---- operands ---------------------------------------------------------------------- */

static void set_slot(Instr *in, int slot, int reg, int64_t imm)
{
    switch (slot) {
    case 0:  in->a = (uint8_t)reg; break;
    case 1:  in->b = (uint8_t)reg; break;
    default: in->c = (uint8_t)reg; break;
    }
    in->imm[slot] = imm;
}

static void mark(Instr *in, int reg)
{
    if (reg >= 0 && reg < REG_ZERO)
        in->mask |= 1ULL << reg;
}

/* An integer literal token (character or number word). */
static bool int_literal(Assembler *as, const Token *t, int64_t *v)
{
    char q[64];
    int base;
    if (t->kind == TOK_CHAR) {
        *v = t->value;
        return true;
    }
    QUOTE(q, t->text, t->len);
    switch (lex_parse_int(t->text, t->len, v, &base)) {
    case INT_OK:
        return true;
    case INT_TOO_BIG:
        if (base == 10)
            error_at(as, t->col, "decimal literal %s does not fit in 64 bits (signed; "
                     "write a bit pattern in hex)", q);
        else
            error_at(as, t->col, "%s literal %s is wider than 64 bits",
                     base == 16 ? "hex" : "binary", q);
        return false;
    case INT_FLOAT:
        error_at(as, t->col, "float literal %s where an integer is expected", q);
        return false;
    case INT_SYNTAX:
        break;
    }
    error_at(as, t->col, "bad %s literal %s",
             base == 16 ? "hex" : base == 2 ? "binary" : "integer", q);
    return false;
}

/* A name where an integer value is read (SPEC 1, "Names as values"). A built-in
 * constant is its number at once; any other name is taken for a label, which may be
 * defined further down: it becomes a FIX_VALUE fixup for operand `slot`, and *imm stays
 * 0 until resolve_fixups puts the label's line number there. */
static void name_value(Assembler *as, Stmt *st, const Token *t, uint32_t slot, int64_t *imm)
{
    UnitCtx *u = as->u;
    const Constant *c = constant_find(t->text, t->len);
    *imm = c ? c->value : 0;
    if (c)
        return;
    st->fix[st->nfix++] = (Fixup){ .line = u->lineno, .col = t->col, .src = u->line,
                                   .kind = FIX_VALUE, .slot = slot, .name = t->text,
                                   .len = (uint32_t)t->len };
}

/* A built-in constant where a floating operand is read or a float literal is written.
 * (Other names there are reported as before: an unknown register, or "expected a float
 * literal", which is what a misspelt register or float most likely is.) */
static bool name_not_float(Assembler *as, const Token *t, const char *where)
{
    char q[64];
    error_at(as, t->col, "built-in constant %s %s (names stand for integers only)",
             QUOTE(q, t->text, t->len), where);
    return false;
}

static bool is_constant(const Token *t)
{
    return t->kind == TOK_WORD && constant_find(t->text, t->len);
}

/* A value the instruction reads (V, X and CALL arguments; `slot` as in Fixup): a
 * register, or for integer operands an integer literal or a name (REG_ZERO + value). A
 * read of I8 is the line number. */
static bool read_value(Assembler *as, Stmt *st, uint32_t slot, const Token *t, bool floating,
                       int *reg, int64_t *imm)
{
    const char *expected = floating ? "a floating register" : "a register or an integer literal";
    if (floating && is_constant(t))
        return name_not_float(as, t, "where a floating operand is read");
    if (!floating && is_name(t)) {
        *reg = REG_ZERO;
        name_value(as, st, t, slot, imm);
        return true;
    }
    if (t->kind == TOK_CHAR || is_number(t)) {
        if (floating) {
            char what[96];
            error_at(as, t->col, "%s where a floating operand is read (load the value "
                     "into a register with XLIT)", describe(t, what, sizeof what));
            return false;
        }
        *reg = REG_ZERO;
        return int_literal(as, t, imm);
    }
    int r = word_reg(t);
    if (r < 0)
        return not_a_register(as, t, expected);
    *reg = r == REG_PC ? REG_ZERO : r;
    *imm = r == REG_PC ? (int64_t)as->u->lineno : 0;
    return true;
}

static bool value_operand(Assembler *as, Stmt *st, int slot, const Token *t, bool floating)
{
    int reg;
    int64_t imm;
    if (!read_value(as, st, (uint32_t)slot, t, floating, &reg, &imm))
        return false;
    set_slot(&st->in, slot, reg, imm);
    mark(&st->in, reg);
    return true;
}

/* D (written) and W (read and written): a register other than I8. */
static bool reg_operand(Assembler *as, Stmt *st, int slot, const Token *t, char letter)
{
    int r = word_reg(t);
    if (r < 0) {
        if (letter == 'D' && (t->kind == TOK_CHAR || is_number(t) ||
                              is_constant(t))) {
            char what[96];
            error_at(as, t->col, "the destination must be a register, got %s",
                     describe(t, what, sizeof what));
            return false;
        }
        return not_a_register(as, t, letter == 'D' ? "a destination register" : "a register");
    }
    if (r == REG_PC) {
        error_at(as, t->col, "I8 cannot be written: it is the program counter (read-only)");
        return false;
    }
    set_slot(&st->in, slot, r, 0);
    mark(&st->in, r);
    return true;
}

/* I: an integer literal, or a name, which stands for one (LIT S3 on_usr1). */
static bool int_operand(Assembler *as, Stmt *st, int slot, const Token *t)
{
    int64_t v;
    if (is_name(t)) {
        name_value(as, st, t, (uint32_t)slot, &v);
        set_slot(&st->in, slot, REG_ZERO, v);
        return true;
    }
    if (t->kind != TOK_CHAR && !is_number(t))
        return wrong_kind(as, t, "an integer literal");
    if (!int_literal(as, t, &v))
        return false;
    set_slot(&st->in, slot, REG_ZERO, v);
    return true;
}

static bool float_operand(Assembler *as, Stmt *st, int slot, const Token *t)
{
    double d;
    char q[64];
    if (t->kind == TOK_WORD && word_reg(t) < 0 && lex_parse_float(t->text, t->len, &d)) {
        int64_t bits;
        memcpy(&bits, &d, sizeof bits);
        set_slot(&st->in, slot, REG_ZERO, bits);
        return true;
    }
    if (is_number(t)) {
        error_at(as, t->col, "bad float literal %s", QUOTE(q, t->text, t->len));
        return false;
    }
    if (is_constant(t))
        return name_not_float(as, t, "where a float literal is expected");
    return wrong_kind(as, t, "a float literal");
}

static bool target_operand(Assembler *as, Stmt *st, const Token *t)
{
    UnitCtx *u = as->u;
    Fixup f = { .line = u->lineno, .col = t->col, .src = u->line };
    if (is_number(t)) {
        int64_t v;
        if (!int_literal(as, t, &v))
            return false;
        if (v < 1) {
            error_at(as, t->col, "jump target outside the file: line %lld (lines are "
                     "numbered from 1)", (long long)v);
            return false;
        }
        if (v > (int64_t)u->nlines) {
            error_at(as, t->col, "jump target outside the file: line %lld (the file has "
                     "%u line%s)", (long long)v, u->nlines, u->nlines == 1 ? "" : "s");
            return false;
        }
        f.kind = FIX_LINE;
        f.target = (uint32_t)v;
    } else if (t->kind == TOK_WORD && constant_find(t->text, t->len)) {
        char q[64];
        error_at(as, t->col, "built-in constant %s is not a jump target (jump to a line "
                 "number or a label)", QUOTE(q, t->text, t->len));
        return false;
    } else if (t->kind == TOK_WORD && lex_is_label_name(t->text, t->len)) {
        f.kind = FIX_LABEL;
        f.name = t->text;
        f.len = (uint32_t)t->len;
    } else {
        return wrong_kind(as, t, "a jump target (a line number or a label)");
    }
    st->fix[st->nfix++] = f;
    return true;
}

static bool call_operand(Assembler *as, Stmt *st, const Token *t)
{
    UnitCtx *u = as->u;
    if (t->kind != TOK_WORD || !lex_is_label_name(t->text, t->len) ||
        constant_find(t->text, t->len))
        return wrong_kind(as, t, "a function name (a label or a library function)");
    st->fix[st->nfix++] = (Fixup){ .line = u->lineno, .col = t->col, .src = u->line,
                                   .kind = FIX_CALL, .name = t->text, .len = (uint32_t)t->len };
    st->is_call = true;
    return true;
}

static bool keep_string(Assembler *as, Stmt *st, const char *s, size_t n)
{
    st->str = malloc(n + 1);
    if (!st->str) {
        as->oom = true;
        return false;
    }
    memcpy(st->str, s, n);
    st->str[n] = '\0';
    st->str_len = n;
    st->has_str = true;
    return true;
}

static bool string_operand(Assembler *as, Stmt *st, const Token *t)
{
    if (t->kind != TOK_STRING)
        return wrong_kind(as, t, "a string literal");
    return keep_string(as, st, t->str, t->str_len);
}

static bool type_operand(Assembler *as, Stmt *st, const Token *t)
{
    char q[64];
    if (t->kind != TOK_WORD)
        return wrong_kind(as, t, "a type name");
    int ty = t->len <= 8 ? type_lookup(t->text, (int)t->len) : -1;
    if (ty < 0) {
        error_at(as, t->col, "unknown type %s (the types are Byte, Short, Int, Long, Float "
                 "and Double)", QUOTE(q, t->text, t->len));
        return false;
    }
    st->in.aux = (uint32_t)ty;
    return true;
}

/* HELP takes exactly the topics `mvm help` knows (help.c), plus the functions of a
 * library given with --stdlib-dir. */
static bool known_topic(const Assembler *as, const char *s, size_t n)
{
    char topic[72];
    if (n == 0 || n >= sizeof topic || memchr(s, '\0', n))
        return false;
    memcpy(topic, s, n);
    topic[n] = '\0';
    return help_topic_exists(topic) || link_is_function(as, s, n);
}

/* The topic closest to a misspelt one (as mvm help suggests it), or NULL. */
static const char *suggest_topic(const char *s, size_t n)
{
    char topic[DIAG_WORD_MAX + 1];
    if (n > DIAG_WORD_MAX || memchr(s, '\0', n))
        return NULL;
    const char *near = asm_suggest_mnemonic(s, (int)n);
    if (near)
        return near;
    memcpy(topic, s, n);
    topic[n] = '\0';
    return help_nearest(topic);   /* system calls, lists, signals, constants, library */
}

static bool topic_operand(Assembler *as, Stmt *st, const Token *t)
{
    const char *s;
    size_t n;
    if (t->kind == TOK_WORD) {
        s = t->text;
        n = t->len;
    } else if (t->kind == TOK_STRING) {
        s = t->str;
        n = t->str_len;
    } else {
        return wrong_kind(as, t, "a help topic (an instruction, system call or library function)");
    }
    if (!known_topic(as, s, n)) {
        char q[64];
        /* The suggestion costs a few thousand steps: only for an error that will show. */
        char fn[160];
        const char *near = diags_wanted(&as->u->diags, DIAG_LINES) ? suggest_topic(s, n) : NULL;
        if (!near && diags_wanted(&as->u->diags, DIAG_LINES))
            near = link_suggest(s, n, fn, sizeof fn);
        if (near)
            error_at(as, t->col, "unknown help topic %s; did you mean '%s'?", QUOTE(q, s, n), near);
        else
            error_at(as, t->col, "unknown help topic %s (an instruction, system call, "
                     "signal, error, constant, library function, or a list: see mvm help)",
                     QUOTE(q, s, n));
        return false;
    }
    return keep_string(as, st, s, n);
}

/* Operand `t` for upper-case letter `letter` at position `slot`. */
static bool operand(Assembler *as, Stmt *st, char letter, int slot, const Token *t)
{
    switch (letter) {
    case 'V': return value_operand(as, st, slot, t, false);
    case 'X': return value_operand(as, st, slot, t, true);
    case 'D':
    case 'W': return reg_operand(as, st, slot, t, letter);
    case 'I': return int_operand(as, st, slot, t);
    case 'F': return float_operand(as, st, slot, t);
    case 'T': return target_operand(as, st, t);
    case 'N': return call_operand(as, st, t);
    case 'S': return string_operand(as, st, t);
    case 'Y': return type_operand(as, st, t);
    case 'H': return topic_operand(as, st, t);
    default:
        error_at(as, t->col, "internal error: operand letter '%c' of %s", letter, st->name);
        return false;
    }
}

/* An optional operand that was left out (lower-case letter). */
static void omit(Stmt *st, char letter, int slot)
{
    if (letter == 'd') {
        int r = op_info[st->op].default_dst;
        if (r < 0 || r >= REG_ZERO)
            r = REG_ZERO;
        set_slot(&st->in, slot, r, 0);
        mark(&st->in, r);
    } else if (letter == 'v' && (st->op == OP_JZ || st->op == OP_JNZ)) {
        set_slot(&st->in, slot, REG_ZF, 0);  /* test the zero flag (program.h) */
        st->in.aux = 1;
        mark(&st->in, REG_ZF);
    } else {
        set_slot(&st->in, slot, REG_ZERO, 0);
    }
}

static bool too_many(Assembler *as, const Stmt *st, const Token *t)
{
    error_at(as, t->col, "too many operands for %s (usage: %s)", st->name,
             op_info[st->op].synopsis);
    return false;
}

/* CALL's argument list: up to MAX_CALL_ARGS values, to the end of the line. */
static bool read_args(Assembler *as, Stmt *st)
{
    Token t;
    for (;;) {
        if (!next_operand(as, &t))
            return false;
        if (t.kind == TOK_EOL)
            return true;
        if (st->call.nargs == MAX_CALL_ARGS)
            return too_many(as, st, &t);
        int reg;
        int64_t imm;
        if (!read_value(as, st, FIX_ARG0 + st->call.nargs, &t, false, &reg, &imm))
            return false;
        st->call.reg[st->call.nargs] = (uint8_t)reg;
        st->call.imm[st->call.nargs] = imm;
        st->call.nargs++;
        mark(&st->in, reg);
        st->text_end = t.text + t.len;
    }
}

/* Read the operands the opcode's letters ask for, then check nothing follows. */
static bool read_operands(Assembler *as, Stmt *st)
{
    const char *letters = op_info[st->op].operands;
    bool eol = false;
    Token t;
    for (int slot = 0; letters[slot]; slot++) {
        char letter = letters[slot];
        if (letter == 'A')                   /* the argument list ends the statement */
            return eol || read_args(as, st);
        if (slot > 2) {
            error_at(as, st->col, "internal error: %s has too many operand letters", st->name);
            return false;
        }
        if (!eol) {
            if (!next_operand(as, &t))
                return false;
            eol = t.kind == TOK_EOL;
        }
        if (eol) {
            if (isupper((unsigned char)letter)) {
                error_at(as, st->col, "too few operands for %s (usage: %s)", st->name,
                         op_info[st->op].synopsis);
                return false;
            }
            omit(st, letter, slot);
            continue;
        }
        if (!operand(as, st, (char)toupper((unsigned char)letter), slot, &t))
            return false;
        st->text_end = t.text + t.len;
    }
    if (eol)
        return true;
    if (!next_operand(as, &t))
        return false;
    return t.kind == TOK_EOL || too_many(as, st, &t);
}

/* ---- statements -------------------------------------------------------------------- */

static void stmt_init(Stmt *st, int op, const Token *mn)
{
    memset(st, 0, sizeof *st);
    st->op = op;
    st->in.op = (uint8_t)op;
    st->in.a = st->in.b = st->in.c = REG_ZERO;
    for (int i = 0; i < MAX_CALL_ARGS; i++)
        st->call.reg[i] = REG_ZERO;
    st->col = mn->col;
    st->text = mn->text;
    st->text_end = mn->text + mn->len;
    for (size_t i = 0; i < mn->len && i < sizeof st->name - 1; i++)
        st->name[i] = (char)toupper((unsigned char)mn->text[i]);
}

/* Append a complete statement to the Program. */
static void commit(Assembler *as, Stmt *st)
{
    Program *p = as->prog;
    UnitCtx *u = as->u;
    if (st->has_str) {
        if (!RESERVE(p->strings, &as->strings_cap, p->nstrings + 1))
            goto oom;
        p->strings[p->nstrings] = (StrLit){ st->str, (uint32_t)st->str_len };
        st->str = NULL;                      /* the Program owns it now */
        st->in.aux = p->nstrings++;
    }
    if (st->is_call) {
        if (!RESERVE(p->calls, &as->calls_cap, p->ncalls + 1))
            goto oom;
        p->calls[p->ncalls] = st->call;
        st->in.aux = p->ncalls++;
    }
    for (int i = 0; i < st->nfix; i++) {
        if (!RESERVE(u->fixups, &u->fixups_cap, u->nfixups + 1))
            goto oom;
        st->fix[i].instr = p->ncode;
        u->fixups[u->nfixups++] = st->fix[i];
    }
    uint32_t text = add_text(as, st->text, (size_t)(st->text_end - st->text));
    if (text == UINT32_MAX)
        goto oom;
    if (add_instr(as, &st->in, (InstrInfo){ u->lineno, st->col, u->index, text }))
        return;
oom:
    as->oom = true;
}

static bool define_label(Assembler *as, const Token *t)
{
    UnitCtx *u = as->u;
    char q[64];
    QUOTE(q, t->text, t->len);
    if (!lex_is_label_name(t->text, t->len)) {
        error_at(as, t->col, "bad label name %s (a letter or '_', then letters, digits, "
                 "'_' or '.')", q);
        return false;
    }
    const Label *old;
    int r = label_define(&u->labels, t->text, (uint32_t)t->len, u->lineno, t->col, &old);
    if (r < 0) {
        as->oom = true;
        return false;
    }
    /* Reported, but the label stays defined and the statement after it is still checked,
     * so uses of the label do not each add an error of their own. */
    if (r == 0 && !keep_label(as, t->text, t->len))
        return false;
    if (r > 0)
        error_at(as, t->col, "duplicate label %s (first defined on line %u)", q, old->line);
    else if (register_shaped(t->text, t->len))
        error_at(as, t->col, "label %s is named like a register", q);
    else if (constant_find(t->text, t->len))
        error_at(as, t->col, "label %s has the name of a built-in constant (see 'mvm help "
                 "constants')", q);
    return true;
}

static void parse_line(Assembler *as)
{
    UnitCtx *u = as->u;
    Token t;
    char q[64];
    lex_line(&u->lx, u->line, u->line_len);
    if (!next_token(as, &t))
        return;
    if (t.kind == TOK_LABEL) {
        if (!define_label(as, &t))
            return;
        if (t.comma) {
            error_at(as, t.comma_col, "unexpected ','");
            return;
        }
        if (!next_operand(as, &t))
            return;
    }
    if (t.kind == TOK_EOL)
        return;
    if (t.kind != TOK_WORD) {
        char what[96];
        error_at(as, t.col, "expected an instruction, got %s", describe(&t, what, sizeof what));
        return;
    }
    int op = t.len <= DIAG_WORD_MAX ? op_lookup(t.text, (int)t.len) : -1;
    if (op < 0) {
        /* Suggestions only for errors that will show, so a file full of them stays fast. */
        const char *near = t.len <= DIAG_WORD_MAX && diags_wanted(&u->diags, DIAG_LINES)
                               ? asm_suggest_mnemonic(t.text, (int)t.len) : NULL;
        if (near)
            error_at(as, t.col, "unknown mnemonic %s; did you mean '%s'?",
                     QUOTE(q, t.text, t.len), near);
        else
            error_at(as, t.col, "unknown mnemonic %s", QUOTE(q, t.text, t.len));
        return;
    }
    if (t.comma) {
        error_at(as, t.comma_col, "unexpected ',' after the mnemonic");
        return;
    }
    Stmt st;
    stmt_init(&st, op, &t);
    if (read_operands(as, &st))
        commit(as, &st);
    free(st.str);
}

static void read_lines(Assembler *as)
{
    UnitCtx *u = as->u;
    const char *p = u->src, *end = u->src + u->len;
    uint32_t lineno = 0;
    while (p < end && !as->oom) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        u->lineno = ++lineno;
        u->line_pc[lineno] = as->prog->ncode;
        u->line = p;
        u->line_len = (size_t)(le - p);
        if (u->line_len > 0 && p[u->line_len - 1] == '\r')
            u->line_len--;
        parse_line(as);
        p = nl ? nl + 1 : end;
    }
}

/* ---- fixups ------------------------------------------------------------------------ */

/* "; did you mean 'loop'?" for a misspelt label, or "". Searched only for errors that
 * will be shown, so a file full of bad jumps stays linear. */
static const char *label_hint(const UnitCtx *u, const Fixup *f, char *buf, size_t cap)
{
    if (!diags_wanted(&u->diags, DIAG_FIXUPS))
        return "";
    const Label *near = label_nearest(&u->labels, f->name, f->len);
    if (!near)
        return "";
    char q[64];
    snprintf(buf, cap, "; did you mean %s?", QUOTE(q, near->name, near->len));
    return buf;
}

/* "; did you mean ...?" for an unknown name where a value is read: the closest label,
 * else the closest built-in constant (`sys_fork` gives SYS_FORK), or "". */
static const char *name_hint(const UnitCtx *u, const Fixup *f, char *buf, size_t cap)
{
    const char *lh = label_hint(u, f, buf, cap);
    if (*lh || !diags_wanted(&u->diags, DIAG_FIXUPS))
        return lh;
    const Constant *c = constant_nearest(f->name, f->len);
    if (!c)
        return "";
    snprintf(buf, cap, "; did you mean '%s'?", c->name);
    return buf;
}

/* A name read as a value: the line number of the label it names. */
static void resolve_value(Assembler *as, const Fixup *f, const Label *lab)
{
    char q[64], hint[96];
    if (!lab) {
        fixup_error(as, f, "unknown name %s (not a register, label or built-in constant)%s",
                    QUOTE(q, f->name, f->len), name_hint(as->u, f, hint, sizeof hint));
        return;
    }
    Program *p = as->prog;
    Instr *in = &p->code[f->instr];
    if (f->slot < FIX_ARG0)
        in->imm[f->slot] = lab->line;
    else
        p->calls[in->aux].imm[f->slot - FIX_ARG0] = lab->line;
}

static void resolve_fixups(Assembler *as)
{
    UnitCtx *u = as->u;
    char q[64], hint[96];
    for (size_t i = 0; i < u->nfixups; i++) {
        const Fixup *f = &u->fixups[i];
        if (f->kind == FIX_VALUE) {
            resolve_value(as, f, label_find(&u->labels, f->name, f->len));
            continue;
        }
        const Label *lab = f->kind == FIX_LINE ? NULL : label_find(&u->labels, f->name, f->len);
        uint32_t target, unit = u->index;
        if (f->kind == FIX_LINE) {
            target = u->line_pc[f->target];
        } else if (lab) {
            target = u->line_pc[lab->line];
        } else if (f->kind == FIX_LABEL) {
            fixup_error(as, f, "unknown label %s%s", QUOTE(q, f->name, f->len),
                        label_hint(u, f, hint, sizeof hint));
            continue;
        } else if (!link_function(as, f->name, f->len, u->index, &target, &unit)) {
            const char *lh = label_hint(u, f, hint, sizeof hint);
            char fn[160], fh[200] = "";
            if (!*lh && diags_wanted(&u->diags, DIAG_FIXUPS) && link_suggest(f->name, f->len, fn, sizeof fn))
                snprintf(fh, sizeof fh, "; did you mean '%s'?", fn);
            fixup_error(as, f, "unknown function %s (%s, %d)%s", QUOTE(q, f->name, f->len),
                        error_name(ERR_MISSING_LIBRARY), ERR_MISSING_LIBRARY, *lh ? lh : fh);
            continue;
        }
        Instr *in = &as->prog->code[f->instr];   /* after link_function: code may move */
        in->imm[0] = target;
        if (f->kind == FIX_CALL)
            as->prog->calls[in->aux].callee_unit = unit;
    }
}

/* ---- units ------------------------------------------------------------------------- */

static size_t count_lines(const char *src, size_t len)
{
    size_t n = 0;
    const char *end = src + len;
    for (const char *p = src; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++)
        n++;
    return n + (len > 0 && src[len - 1] != '\n');
}

/* Start unit `path`: its Unit record, owned by the Program from here on. */
static bool open_unit(Assembler *as, UnitCtx *u, const char *path, const char *name, size_t nlines)
{
    Program *p = as->prog;
    if (!RESERVE(p->units, &as->units_cap, p->nunits + 1))
        return false;
    Unit *un = &p->units[p->nunits];
    memset(un, 0, sizeof *un);
    u->index = p->nunits++;
    un->path = strdup(path);
    un->name = strdup(name);
    un->line_pc = calloc(nlines + 2, sizeof *un->line_pc);
    un->first = p->ncode;
    un->nlines = (uint32_t)nlines;
    u->nlines = (uint32_t)nlines;
    u->line_pc = un->line_pc;
    return un->path && un->name && un->line_pc;
}

static void close_unit(Assembler *as, bool is_main)
{
    UnitCtx *u = as->u;
    Program *p = as->prog;
    u->line_pc[u->nlines + 1] = p->ncode;    /* past the last line: the sentinel */
    u->line_pc[0] = u->line_pc[1];
    Instr end = { .op = OP_END, .a = REG_ZERO, .b = REG_ZERO, .c = REG_ZERO, .aux = is_main ? 0 : 1 };
    p->units[u->index].end = p->ncode;
    if (!add_instr(as, &end, (InstrInfo){ u->nlines + 1, 1, u->index, 0 }))
        as->oom = true;
}

uint32_t asm_unit(Assembler *as, const char *path, const char *name, const char *src,
                  size_t len, bool is_main)
{
    if (len > MAX_SOURCE_BYTES) {
        diag_plain(&as->out, path, "file too large (%zu bytes; the limit is %u MiB)", len,
                   MAX_SOURCE_BYTES >> 20);
        return UINT32_MAX;
    }
    size_t nlines = count_lines(src, len);
    UnitCtx ctx;
    memset(&ctx, 0, sizeof ctx);
    UnitCtx *saved = as->u;
    as->u = &ctx;
    ctx.src = src;
    ctx.len = len;
    lex_init(&ctx.lx);
    if (!open_unit(as, &ctx, path, name, nlines)) {
        as->oom = true;
    } else {
        diags_init(&ctx.diags, &as->out, as->prog->units[ctx.index].path, src + len);
        read_lines(as);
        if (!as->oom)
            close_unit(as, is_main);
        if (!as->oom)
            resolve_fixups(as);
        diags_flush(&ctx.diags);
    }
    lex_free(&ctx.lx);
    label_free(&ctx.labels);
    free(ctx.fixups);
    as->u = saved;
    return as->oom ? UINT32_MAX : ctx.index;
}

/* ---- entry points ------------------------------------------------------------------ */

Program *asm_assemble_source(const char *path, const char *src, size_t len,
                             const AsmOptions *opt, FILE *diag, int *nerrors)
{
    Assembler as;
    memset(&as, 0, sizeof as);
    as.opt = opt;
    as.out.out = diag;
    if (!path)
        path = "<source>";
    as.prog = program_new(path);
    if (!as.prog || !RESERVE(as.prog->text_pool, &as.text_cap, 1)) {
        as.oom = true;
    } else {
        as.prog->text_pool[0] = '\0';        /* offset 0: the empty text of sentinels */
        as.prog->text_len = 1;
        asm_unit(&as, path, "main", src ? src : "", src ? len : 0, true);
    }
    if (as.oom)
        diag_plain(&as.out, path, "out of memory");
    diag_finish(&as.out, path);
    if (nerrors)
        *nerrors = as.out.total > INT_MAX ? INT_MAX : (int)as.out.total;
    if (as.out.total == 0)
        return as.prog;
    program_release(as.prog);
    return NULL;
}

Program *asm_assemble_file(const char *path, const AsmOptions *opt, FILE *diag, int *nerrors)
{
    char *buf = NULL;
    size_t len = 0;
    if (asm_read_file(path, diag, nerrors, &buf, &len) != 0)
        return NULL;
    Program *p = asm_assemble_source(path, buf, len, opt, diag, nerrors);
    free(buf);
    return p;
}
