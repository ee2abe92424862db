/*
 * disasm.c - printing a decoded Program: `mvm tokenise` (asm_print_tokens) and
 * `mvm disasm` (disasm_print).
 *
 * Both print from the decoded Instr. The statement text (Program.text_pool) is lexed
 * again only for what decoding drops: which optional operands were written, label and
 * CALL names, and registers that were folded (a read of I8). A Program whose text does
 * not lex (a damaged .mar that still passed verification) prints from the Instr alone;
 * indexes are checked before use, so no Program makes these functions read out of bounds.
 */
#include <ctype.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asm.h"
#include "diag.h"
#include "lexer.h"

/* The operand tokens of one statement as written. */
typedef struct Written {
    int   n;                          /* operands written; -1 when the text is unknown */
    Token tok[MAX_CALL_ARGS + 3];
    char  mnemonic[16];               /* as written, upper case; "" when unknown */
} Written;

static void split_text(const Program *p, uint32_t i, Lexer *lx, Written *w)
{
    w->n = -1;
    w->mnemonic[0] = '\0';
    if (!p->text_pool || p->info[i].text >= p->text_len)
        return;
    const char *s = p->text_pool + p->info[i].text;
    lex_line(lx, s, strnlen(s, p->text_len - p->info[i].text));
    Token t;
    if (lex_next(lx, &t) != TOK_WORD)
        return;
    size_t k;
    for (k = 0; k < t.len && k < sizeof w->mnemonic - 1; k++)
        w->mnemonic[k] = (char)toupper((unsigned char)t.text[k]);
    w->mnemonic[k] = '\0';
    int n = 0;
    for (;;) {
        if (n == (int)(sizeof w->tok / sizeof w->tok[0]))
            return;
        TokenKind kind = lex_next(lx, &w->tok[n]);
        if (kind == TOK_EOL)
            break;
        if (kind == TOK_ERROR || kind == TOK_LABEL)
            return;
        n++;
    }
    w->n = n;
}

static const Token *written(const Written *w, int k)
{
    return k >= 0 && k < w->n ? &w->tok[k] : NULL;
}

/* The register a written token names, or -1. */
static int token_reg(const Token *t)
{
    return t && t->kind == TOK_WORD && t->len <= 3 ? reg_lookup(t->text, (int)t->len) : -1;
}

static bool token_is_label(const Token *t)
{
    return t && t->kind == TOK_WORD && !lex_is_numeric(t->text, t->len) &&
           lex_is_label_name(t->text, t->len);
}

static int slot_reg(const Instr *in, int slot)
{
    return slot == 0 ? in->a : slot == 1 ? in->b : in->c;
}

/* A double as a float literal: the fewest digits that read back to the same value,
 * positional unless the decimal exponent is below -4 or at least 16, and with a ".0" on
 * integral values (the form PRINTR uses, SPEC 10). */
static void put_double(FILE *out, int64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    if (isnan(d)) {
        fputs("nan", out);
        return;
    }
    if (isinf(d)) {
        fputs(d < 0 ? "-inf" : "inf", out);
        return;
    }
    char buf[64];
    int digits;
    for (digits = 1; digits < 17; digits++) {
        snprintf(buf, sizeof buf, "%.*e", digits - 1, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    snprintf(buf, sizeof buf, "%.*e", digits - 1, d);
    int exp = atoi(strchr(buf, 'e') + 1);
    if (exp < -4 || exp >= 16) {
        fputs(buf, out);
        return;
    }
    int decimals = digits - 1 - exp;
    snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 1, d);
    fputs(buf, out);
}

/* A string literal in source syntax. */
static void put_quoted(FILE *out, const char *s, size_t n)
{
    fputc('"', out);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" :
                          c == '\0' ? "\\0" : c == '\\' ? "\\\\" : c == '"' ? "\\\"" : NULL;
        size_t k = c >= 0x80 ? diag_utf8_len((const unsigned char *)s + i, n - i) : 1;
        if (esc)
            fputs(esc, out);
        else if (c < 0x20 || c == 0x7F || k == 0 || (c == 0xC2 && (unsigned char)s[i + 1] < 0xA0))
            fprintf(out, "\\x%02X", c), k = 1;
        else
            fwrite(s + i, 1, k, out);
        i += k ? k : 1;
    }
    fputc('"', out);
}

/* A help topic: bare when it is one word, else quoted. */
static void put_topic(FILE *out, const char *s, size_t n)
{
    bool bare = n > 0;
    for (size_t i = 0; i < n && bare; i++)
        bare = isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.';
    if (bare)
        fwrite(s, 1, n, out);
    else
        put_quoted(out, s, n);
}

static const StrLit *string_of(const Program *p, const Instr *in)
{
    return in->aux < p->nstrings ? &p->strings[in->aux] : NULL;
}

static const CallSite *call_of(const Program *p, const Instr *in)
{
    return in->aux < p->ncalls && p->calls[in->aux].nargs <= MAX_CALL_ARGS ? &p->calls[in->aux] : NULL;
}

/* The source line a jump to instruction `target` continues at. */
static uint32_t target_line(const Program *p, int64_t target, bool *ok)
{
    *ok = target >= 0 && target < (int64_t)p->ncode;
    return *ok ? p->info[target].line : 0;
}

static const char *type_name(uint32_t t)
{
    return t < TYPE_COUNT ? type_names[t] : "?";
}

/* A string (S), type (Y) or help-topic (H) operand, after a space; `tagged` adds the
 * kind prefix `mvm tokenise` shows ("str:", "type:", "topic:"). */
static void put_text_operand(FILE *out, const Program *p, const Instr *in, char kind, bool tagged)
{
    fputc(' ', out);
    if (tagged)
        fputs(kind == 'S' ? "str:" : kind == 'Y' ? "type:" : "topic:", out);
    if (kind == 'Y') {
        fputs(type_name(in->aux), out);
        return;
    }
    const StrLit *s = string_of(p, in);
    if (!s)
        fputs("?", out);
    else if (kind == 'S')
        put_quoted(out, s->bytes, s->len);
    else
        put_topic(out, s->bytes, s->len);
}

static void put_value(FILE *out, const char *prefix_reg, const char *prefix_int, int reg, int64_t imm)
{
    if (reg != REG_ZERO)
        fprintf(out, "%s%s", prefix_reg, reg_name(reg));
    else
        fprintf(out, "%s%lld", prefix_int, (long long)imm);
}

/* ---- mvm tokenise ------------------------------------------------------------------ */

/* A value operand: the register, or the number, followed by the name it was written as
 * when it came from a label or a built-in constant (`int:30(SIG_USR1)`), as jump
 * targets show theirs. */
static void tok_value(FILE *out, const Token *t, int reg, int64_t imm)
{
    int r = token_reg(t);
    if (r >= 0)
        fprintf(out, " reg:%s", reg_name(r));   /* I8 too, though it was folded */
    else if (reg == REG_ZERO && token_is_label(t) && t->len <= 64)
        fprintf(out, " int:%lld(%.*s)", (long long)imm, (int)t->len, t->text);
    else
        put_value(out, " reg:", " int:", reg, imm);
}

/* Is the optional operand at letter position k there? From the text when known. */
static bool tok_present(const Instr *in, const Written *w, const char *letters, int k)
{
    if (isupper((unsigned char)letters[k]))
        return true;
    if (w->n >= 0)
        return k < w->n;
    if (letters[k] == 'v' && (in->op == OP_JZ || in->op == OP_JNZ))
        return in->aux == 0;
    return letters[k] == 'd' || slot_reg(in, k) != REG_ZERO || in->imm[k] != 0;
}

static void tok_operand(const Program *p, const Instr *in, const Written *w, char letter, int k,
                        FILE *out)
{
    const Token *t = written(w, k);
    bool ok;
    switch (letter) {
    case 'V':
    case 'X':
        tok_value(out, t, slot_reg(in, k), in->imm[k]);
        break;
    case 'D':
    case 'W':
        fprintf(out, " reg:%s", reg_name(slot_reg(in, k)));
        break;
    case 'I':
        tok_value(out, t, REG_ZERO, in->imm[k]);
        break;
    case 'F':
        fputs(" float:", out);
        put_double(out, in->imm[k]);
        break;
    case 'T': {
        uint32_t line = target_line(p, in->imm[0], &ok);
        int64_t v;
        int base;
        if (t && t->kind == TOK_WORD && lex_parse_int(t->text, t->len, &v, &base) == INT_OK)
            fprintf(out, " target:%lld", (long long)v);
        else if (token_is_label(t))
            fprintf(out, " target:%u(%.*s)", line, (int)t->len, t->text);
        else if (ok)
            fprintf(out, " target:%u", line);
        else
            fputs(" target:?", out);
        break;
    }
    case 'N':
        if (token_is_label(t))
            fprintf(out, " call:%.*s", (int)t->len, t->text);
        else
            fprintf(out, " call:@%u", target_line(p, in->imm[0], &ok));
        break;
    case 'A': {
        const CallSite *cs = call_of(p, in);
        for (uint32_t j = 0; cs && j < cs->nargs; j++)
            tok_value(out, written(w, k + (int)j), cs->reg[j], cs->imm[j]);
        break;
    }
    case 'S':
    case 'Y':
    case 'H':
        put_text_operand(out, p, in, letter, true);
        break;
    default:
        fputs(" ?", out);
    }
}

void asm_print_tokens(const Program *p, FILE *out)
{
    Lexer lx;
    lex_init(&lx);
    for (uint32_t i = 0; i < p->ncode; i++) {
        const Instr *in = &p->code[i];
        if (in->op >= OP_END)
            continue;
        const InstrInfo *info = &p->info[i];
        Written w;
        split_text(p, i, &lx, &w);
        if (info->unit != 0 && info->unit < p->nunits)
            fprintf(out, "%s:", p->units[info->unit].name);
        fprintf(out, "%u: %s", info->line, w.mnemonic[0] ? w.mnemonic : op_info[in->op].mnemonic);
        const char *letters = op_info[in->op].operands;
        for (int k = 0; letters[k] && k < 3 + 1; k++)
            if (tok_present(in, &w, letters, k))
                tok_operand(p, in, &w, (char)toupper((unsigned char)letters[k]), k, out);
        fputc('\n', out);
    }
    lex_free(&lx);
}

/* ---- mvm disasm -------------------------------------------------------------------- */

/* Disassembly shows the decoded form: an omitted destination is printed (R4 ...), an
 * omitted offset (REG_ZERO + 0) and JZ/JNZ's flag form are not. */
static bool dis_present(const Instr *in, const char *letters, int k)
{
    if (letters[k] != 'v')
        return true;
    if (in->op == OP_JZ || in->op == OP_JNZ)
        return in->aux == 0;
    return slot_reg(in, k) != REG_ZERO || in->imm[k] != 0;
}

static void dis_operand(const Program *p, uint32_t i, const Written *w, char letter, int k,
                        FILE *out, char *note, size_t cap)
{
    const Instr *in = &p->code[i];
    const Token *t = written(w, k);
    bool ok;
    switch (letter) {
    case 'V':
    case 'X':
    case 'D':
    case 'W':
        put_value(out, " ", " ", slot_reg(in, k), in->imm[k]);
        break;
    case 'I':
        fprintf(out, " %lld", (long long)in->imm[k]);
        break;
    case 'F':
        fputc(' ', out);
        put_double(out, in->imm[k]);
        break;
    case 'T': {
        uint32_t line = target_line(p, in->imm[0], &ok);
        if (ok)
            fprintf(out, " %u", line);
        else
            fputs(" ?", out);
        if (token_is_label(t))
            snprintf(note, cap, "%.*s", (int)(t->len < 60 ? t->len : 60), t->text);
        break;
    }
    case 'N': {
        uint32_t line = target_line(p, in->imm[0], &ok);
        const CallSite *cs = call_of(p, in);
        if (token_is_label(t))
            fprintf(out, " %.*s", (int)t->len, t->text);
        else
            fprintf(out, " @%u", line);
        if (ok && cs && cs->callee_unit < p->nunits && cs->callee_unit != p->info[i].unit)
            snprintf(note, cap, "-> %s line %u", p->units[cs->callee_unit].name, line);
        else if (ok)
            snprintf(note, cap, "-> line %u", line);
        break;
    }
    case 'A': {
        const CallSite *cs = call_of(p, in);
        for (uint32_t j = 0; cs && j < cs->nargs; j++)
            put_value(out, " ", " ", cs->reg[j], cs->imm[j]);
        break;
    }
    case 'S':
    case 'Y':
    case 'H':
        put_text_operand(out, p, in, letter, false);
        break;
    default:
        fputs(" ?", out);
    }
}

/* The decoded form of instruction i after "; = " on its line, when it says more than the
 * statement as written (a name's value, a jump's target line, an omitted destination). */
static void print_decoded(const Program *p, uint32_t i, Lexer *lx, FILE *out)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return;
    const Instr *in = &p->code[i];
    Written w;
    split_text(p, i, lx, &w);
    fputs(op_info[in->op].mnemonic, m);
    char note[96] = "";
    const char *letters = op_info[in->op].operands;
    for (int k = 0; letters[k] && k < 3 + 1; k++)
        if (dis_present(in, letters, k))
            dis_operand(p, i, &w, (char)toupper((unsigned char)letters[k]), k, m, note, sizeof note);
    if (note[0])
        fprintf(m, " (%s)", note);
    fclose(m);
    if (text && strcasecmp(text, program_text(p, i)) != 0)
        fprintf(out, "  ; = %s", text);
    free(text);
}

/* The main unit again as source: line L of the output is line L of the source, each
 * statement as written at its column, its labels before it; comments are gone, and each
 * statement gets one saying what it decoded to. So the text assembles back to the same
 * program (the same code, lines, columns, texts and labels): see docs/bytecode.md. */
void disasm_print(const Program *p, FILE *out)
{
    if (p->nunits == 0 || !p->units[0].line_pc)
        return;
    const Unit *u = &p->units[0];
    Lexer lx;
    lex_init(&lx);
    uint32_t next_label = 0;
    for (uint32_t line = 1; line <= u->nlines; line++) {
        unsigned col = 1;
        while (next_label < p->nlabels && p->labels[next_label].unit == 0 && p->labels[next_label].line < line)
            next_label++;
        for (; next_label < p->nlabels && p->labels[next_label].unit == 0 &&
               p->labels[next_label].line == line; next_label++) {
            int k = fprintf(out, "%s%s:", col > 1 ? " " : "", p->labels[next_label].name);
            col += k > 0 ? (unsigned)k : 0;
        }
        uint32_t i = u->line_pc[line];
        if (i < u->end && i < p->ncode && p->info[i].line == line && p->code[i].op < OP_END) {
            unsigned at = p->info[i].col;
            if (at < col)
                at = col + 1;   /* cannot happen for an assembled program */
            fprintf(out, "%*s%s", (int)(at - col), "", program_text(p, i));
            print_decoded(p, i, &lx, out);
        }
        fputc('\n', out);
    }
    lex_free(&lx);
}
