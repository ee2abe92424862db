/*
 * lexer.c - splits a source line into tokens and reads literals (SPEC 1, 10).
 *
 * Nothing here allocates except the buffer that holds a decoded string literal, which
 * grows to the longest literal seen and lives as long as the Lexer.
 */
#include "lexer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"

void lex_init(Lexer *lx)
{
    memset(lx, 0, sizeof *lx);
}

void lex_free(Lexer *lx)
{
    free(lx->buf);
    lx->buf = NULL;
    lx->cap = 0;
}

void lex_line(Lexer *lx, const char *line, size_t len)
{
    lx->line = line;
    lx->pos = line;
    lx->end = line + len;
}

/* Blanks separate tokens. A stray '\r' (old Mac line ends) counts as one. */
static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool at_comment(const Lexer *lx, const char *p)
{
    return *p == ';' || (*p == '/' && p + 1 < lx->end && p[1] == '/');
}

static bool ends_word(const Lexer *lx, const char *p)
{
    return p >= lx->end || is_blank(*p) || *p == ',' || *p == ':' || *p == '"' ||
           *p == '\'' || at_comment(lx, p);
}

static uint32_t col_of(const Lexer *lx, const char *p)
{
    return (uint32_t)(p - lx->line) + 1;
}

static TokenKind fail(Lexer *lx, const char *at, const char *fmt, ...) ASM_PRINTF(3, 4);
static TokenKind fail(Lexer *lx, const char *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lx->err, sizeof lx->err, fmt, ap);
    va_end(ap);
    lx->err_col = col_of(lx, at);
    lx->pos = lx->end;
    return TOK_ERROR;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the escape sequence at p (p[0] == '\\', p + 1 < end) of a literal quoted with
 * `quote`. Returns the bytes it spans and the byte in *out, or 0 with lx->err set.
 * \' is a character-literal escape only (SPEC 1). */
static size_t read_escape(Lexer *lx, const char *p, char quote, unsigned char *out)
{
    char q[64];
    switch (p[1]) {
    case 'n':  *out = '\n'; return 2;
    case 't':  *out = '\t'; return 2;
    case 'r':  *out = '\r'; return 2;
    case '0':  *out = '\0'; return 2;
    case '\\': *out = '\\'; return 2;
    case '"':  *out = '"';  return 2;
    case '\'':
        if (quote == '\'') {
            *out = '\'';
            return 2;
        }
        break;
    case 'x':
        if (p + 3 < lx->end &&
            hex_digit(p[2]) >= 0 && hex_digit(p[3]) >= 0) {
            *out = (unsigned char)(hex_digit(p[2]) * 16 + hex_digit(p[3]));
            return 4;
        }
        fail(lx, p, "malformed escape '\\x': two hex digits must follow (\\x41)");
        return 0;
    default:
        break;
    }
    fail(lx, p, "unknown escape sequence %s (known: \\n \\t \\r \\0 \\\\ \\\"%s \\xHH)",
         diag_quote(q, sizeof q, p, 2), quote == '\'' ? " \\'" : "");
    return 0;
}

/* A character literal; p is at its sign or its opening quote. */
static TokenKind lex_char(Lexer *lx, Token *t, const char *p)
{
    const char *start = p;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    p++;                                    /* the opening quote */
    unsigned char c;
    if (p >= lx->end)
        return fail(lx, start, "unterminated character literal");
    if (*p == '\'')
        return fail(lx, start, "empty character literal");
    if (*p == '\\') {
        if (p + 1 >= lx->end)
            return fail(lx, start, "unterminated character literal");
        size_t n = read_escape(lx, p, '\'', &c);
        if (n == 0)
            return TOK_ERROR;
        p += n;
    } else {
        c = (unsigned char)*p++;
    }
    if (p >= lx->end || *p != '\'') {
        if (p < lx->end && memchr(p, '\'', (size_t)(lx->end - p)))
            return fail(lx, start, "a character literal holds one byte (use a string "
                                   "literal for more)");
        return fail(lx, start, "unterminated character literal");
    }
    p++;
    t->kind = TOK_CHAR;
    t->value = neg ? -(int64_t)c : (int64_t)c;
    t->len = (size_t)(p - start);
    lx->pos = p;
    return TOK_CHAR;
}

/* A string literal; p is at its opening quote. Decoded into lx->buf. */
static TokenKind lex_string(Lexer *lx, Token *t, const char *p)
{
    const char *start = p++;
    size_t need = (size_t)(lx->end - p) + 1;   /* decoding never lengthens */
    if (need > lx->cap) {
        char *nb = realloc(lx->buf, need);
        if (!nb)
            return fail(lx, start, "out of memory reading a string literal");
        lx->buf = nb;
        lx->cap = need;
    }
    size_t n = 0;
    for (;;) {
        if (p >= lx->end)
            return fail(lx, start, "unterminated string literal");
        if (*p == '"')
            break;
        if (*p == '\\') {
            unsigned char c;
            if (p + 1 >= lx->end)
                return fail(lx, start, "unterminated string literal");
            size_t k = read_escape(lx, p, '"', &c);
            if (k == 0)
                return TOK_ERROR;
            lx->buf[n++] = (char)c;
            p += k;
        } else {
            lx->buf[n++] = *p++;
        }
    }
    p++;
    t->kind = TOK_STRING;
    t->str = lx->buf;
    t->str_len = n;
    t->len = (size_t)(p - start);
    lx->pos = p;
    return TOK_STRING;
}

TokenKind lex_next(Lexer *lx, Token *t)
{
    memset(t, 0, sizeof *t);
    const char *p = lx->pos;
    while (p < lx->end && is_blank(*p))
        p++;
    t->text = p;
    t->col = col_of(lx, p);
    if (p >= lx->end || at_comment(lx, p)) {
        lx->pos = lx->end;
        return t->kind = TOK_EOL;
    }
    if (*p == ',')
        return t->kind = fail(lx, p, "unexpected ','");

    TokenKind k;
    if (*p == '"') {
        k = lex_string(lx, t, p);
    } else if (*p == '\'' || ((*p == '-' || *p == '+') && p + 1 < lx->end && p[1] == '\'')) {
        k = lex_char(lx, t, p);
    } else {
        const char *q = p;
        while (!ends_word(lx, q))
            q++;
        if (q == p)                          /* only ':' gets here */
            return t->kind = fail(lx, p, "unexpected ':'");
        t->len = (size_t)(q - p);
        k = TOK_WORD;
        if (q < lx->end && *q == ':') {
            k = TOK_LABEL;
            q++;
        }
        t->kind = k;
        lx->pos = q;
    }
    if (k == TOK_ERROR)
        return t->kind = k;
    if (lx->pos < lx->end && *lx->pos == ',') {
        t->comma = true;
        t->comma_col = col_of(lx, lx->pos);
        lx->pos++;
    }
    return k;
}

bool lex_is_numeric(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i < n && s[i] == '.')
        i++;
    return i < n && s[i] >= '0' && s[i] <= '9';
}

static bool is_alpha_(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool lex_is_label_name(const char *s, size_t n)
{
    if (n == 0 || !is_alpha_(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alpha_(s[i]) && !is_digit(s[i]) && s[i] != '.')
            return false;
    return true;
}

bool lex_is_identifier(const char *s, size_t n)
{
    if (n == 0 || !is_alpha_(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alpha_(s[i]) && !is_digit(s[i]))
            return false;
    return true;
}

/* Hex or binary digits after the prefix: a bit pattern of at most 64 significant bits. */
static IntError parse_pattern(const char *s, size_t n, int shift, uint64_t *out)
{
    int radix = 1 << shift;
    if (n == 0)
        return INT_SYNTAX;
    for (size_t i = 0; i < n; i++) {
        int d = hex_digit(s[i]);
        if (d < 0 || d >= radix)
            return INT_SYNTAX;
    }
    size_t i = 0;
    while (i < n && s[i] == '0')            /* leading zeros do not count */
        i++;
    if ((n - i) * (size_t)shift > 64)
        return INT_TOO_BIG;
    uint64_t v = 0;
    for (; i < n; i++)
        v = v << shift | (uint64_t)hex_digit(s[i]);
    *out = v;
    return INT_OK;
}

IntError lex_parse_int(const char *s, size_t n, int64_t *out, int *base)
{
    const char *all = s;
    size_t alln = n;
    bool neg = false;
    *base = 10;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s++, n--;
    }
    uint64_t v = 0;
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B')) {
        int shift = (s[1] == 'x' || s[1] == 'X') ? 4 : 1;
        *base = shift == 4 ? 16 : 2;
        IntError e = parse_pattern(s + 2, n - 2, shift, &v);
        if (e != INT_OK)
            return e;
    } else {
        bool digits = n > 0;
        for (size_t i = 0; i < n && digits; i++)
            digits = is_digit(s[i]);
        if (!digits) {
            double d;
            return lex_parse_float(all, alln, &d) ? INT_FLOAT : INT_SYNTAX;
        }
        uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (size_t i = 0; i < n; i++) {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (v > (limit - d) / 10)
                return INT_TOO_BIG;
            v = v * 10 + d;
        }
    }
    *out = (int64_t)(neg ? 0 - v : v);       /* two's complement wrap (gnu17) */
    return INT_OK;
}

static size_t count_digits(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_digit(s[i]))
        i++;
    return i;
}

bool lex_parse_float(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i++;
    }
    const char *w = s + i;
    size_t wn = n - i;
    if ((wn == 3 && strncasecmp(w, "inf", 3) == 0) || (wn == 8 && strncasecmp(w, "infinity", 8) == 0)) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (wn == 3 && strncasecmp(w, "nan", 3) == 0) {
        *out = NAN;                          /* one NaN: the sign is not kept */
        return true;
    }
    /* Check the grammar first: strtod alone would take hex floats and "1e" prefixes. */
    size_t intd = count_digits(s + i, n - i);
    i += intd;
    size_t fracd = 0;
    if (i < n && s[i] == '.') {
        i++;
        fracd = count_digits(s + i, n - i);
        i += fracd;
    }
    if (intd + fracd == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t expd = count_digits(s + i, n - i);
        if (expd == 0)
            return false;
        i += expd;
    }
    if (i != n)
        return false;
    char small[64];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);                /* the C locale: mvm never sets LC_NUMERIC */
    if (buf != small)
        free(buf);
    return true;
}
