/*
 * diag.c - printing assembler diagnostics, and the edit distance behind "did you mean".
 */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "../vm/opcodes.h"

void diags_init(Diags *d, DiagOut *sink, const char *path, const char *src_end)
{
    memset(d, 0, sizeof *d);
    d->sink = sink;
    d->path = path;
    d->src_end = src_end;
}

void diags_verror(Diags *d, int stream, uint32_t line, uint32_t col, const char *src,
                  size_t src_len, const char *fmt, va_list ap)
{
    d->sink->total++;
    if (d->n[stream] >= DIAG_MAX_SHOWN)      /* could never be printed: count only */
        return;
    if (!d->list[stream]) {
        d->list[stream] = malloc(DIAG_MAX_SHOWN * sizeof(Diag));
        if (!d->list[stream])
            return;                          /* still counted: assembly fails anyway */
    }
    Diag *g = &d->list[stream][d->n[stream]++];
    g->line = line;
    g->col = col;
    g->src = src;
    g->src_len = src_len;
    vsnprintf(g->msg, sizeof g->msg, fmt, ap);
}

static size_t line_length(const Diags *d, const Diag *g)
{
    if (g->src_len != SIZE_MAX)
        return g->src_len;
    if (!g->src)
        return 0;
    const char *nl = memchr(g->src, '\n', (size_t)(d->src_end - g->src));
    size_t n = (size_t)((nl ? nl : d->src_end) - g->src);
    if (n > 0 && g->src[n - 1] == '\r')
        n--;
    return n;
}

static void print_one(Diags *d, const Diag *g)
{
    DiagOut *o = d->sink;
    if (o->shown >= DIAG_MAX_SHOWN)
        return;
    o->shown++;
    if (!o->out)
        return;
    fprintf(o->out, "%s:%u:%u: error: %s\n", d->path, g->line, g->col, g->msg);
    if (g->src)
        diag_echo(o->out, g->src, line_length(d, g), g->col);
}

static bool before(const Diag *x, const Diag *y)
{
    return x->line < y->line || (x->line == y->line && x->col < y->col);
}

void diags_flush(Diags *d)
{
    uint32_t i = 0, j = 0;
    const Diag *a = d->list[0], *b = d->list[1];
    while (i < d->n[0] || j < d->n[1]) {
        if (j >= d->n[1] || (i < d->n[0] && !before(&b[j], &a[i])))
            print_one(d, &a[i++]);
        else
            print_one(d, &b[j++]);
    }
    free(d->list[0]);
    free(d->list[1]);
    d->list[0] = d->list[1] = NULL;
    d->n[0] = d->n[1] = 0;
}

void diag_plain(DiagOut *o, const char *path, const char *fmt, ...)
{
    o->total++;
    if (o->shown >= DIAG_MAX_SHOWN)
        return;
    o->shown++;
    if (!o->out)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(o->out, "%s: error: ", path);
    vfprintf(o->out, fmt, ap);
    fputc('\n', o->out);
    va_end(ap);
}

void diag_finish(DiagOut *o, const char *path)
{
    if (o->out && o->total > o->shown)
        fprintf(o->out, "%s: note: %llu more errors not shown\n", path,
                (unsigned long long)(o->total - o->shown));
}

size_t diag_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;          /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;            /* no overlong forms */
        if (c == 0xED) hi = 0x9F;            /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;            /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Length of the printable unit at s: a UTF-8 character that is not a control (returned
 * as is), or 0 for one byte shown as '?'. Tabs are printable. */
static size_t printable(const unsigned char *s, size_t n)
{
    if (s[0] == '\t')
        return 1;
    if (s[0] < 0x20 || s[0] == 0x7F)
        return 0;
    size_t k = diag_utf8_len(s, n);
    if (k == 2 && s[0] == 0xC2 && s[1] < 0xA0)  /* C1 controls U+0080..U+009F */
        return 0;
    return k;
}

enum { ECHO_WIDTH = 160, ECHO_BEFORE = 80 };

void diag_echo(FILE *out, const char *src, size_t n, uint32_t col)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t at = col > 0 ? col - 1 : 0;
    if (at > n)
        at = n;
    size_t start = 0, end = n;
    if (n > ECHO_WIDTH) {
        start = at > ECHO_BEFORE ? at - ECHO_BEFORE : 0;
        end = start + ECHO_WIDTH;
        if (end > n) {
            end = n;
            start = n - ECHO_WIDTH;
        }
    }
    fputs(start > 0 ? "    ..." : "    ", out);
    for (size_t i = start; i < end;) {
        size_t k = printable(s + i, end - i);
        if (k == 0) {
            fputc('?', out);
            k = 1;
        } else {
            fwrite(s + i, 1, k, out);
        }
        i += k;
    }
    fputs(end < n ? "...\n" : "\n", out);

    /* The caret: one blank per character shown before the column, tabs kept as tabs. */
    fputs(start > 0 ? "       " : "    ", out);
    for (size_t i = start; i < at;) {
        size_t k = printable(s + i, end - i);
        fputc(s[i] == '\t' ? '\t' : ' ', out);
        i += k ? k : 1;
    }
    fputs("^\n", out);
}

const char *diag_quote(char *buf, size_t cap, const char *s, size_t n)
{
    enum { QUOTE_MAX = 40 };
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0;
    if (cap < 8) {
        if (cap)
            buf[0] = '\0';
        return buf;
    }
    buf[o++] = '\'';
    size_t i = 0;
    while (i < n && i < QUOTE_MAX) {
        size_t k = printable(u + i, n - i);
        if (k == 1 && u[i] == '\t')
            k = 0;                           /* a tab in a message reads as a gap */
        size_t w = k ? k : 1;
        if (o + w + 5 > cap)
            break;
        if (k)
            memcpy(buf + o, s + i, k);
        else
            buf[o] = '?';
        o += w;
        i += w;
    }
    if (i < n && o + 5 <= cap) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o++] = '\'';
    buf[o] = '\0';
    return buf;
}

static char fold_char(char c, bool fold)
{
    return fold && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

int diag_distance(const char *a, size_t an, const char *b, size_t bn, bool fold)
{
    if (an > DIAG_WORD_MAX || bn > DIAG_WORD_MAX)
        return DIAG_WORD_MAX + 1;
    int d[DIAG_WORD_MAX + 1][DIAG_WORD_MAX + 1];
    for (size_t i = 0; i <= an; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= bn; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= an; i++) {
        for (size_t j = 1; j <= bn; j++) {
            char x = fold_char(a[i - 1], fold), y = fold_char(b[j - 1], fold);
            int best = d[i - 1][j - 1] + (x != y);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && x == fold_char(b[j - 2], fold) &&
                fold_char(a[i - 2], fold) == y && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[an][bn];
}

int diag_max_distance(size_t n)
{
    return n < 2 ? 0 : n <= 4 ? 1 : 2;
}

const char *asm_suggest_mnemonic(const char *word, int len)
{
    if (len <= 0 || len > DIAG_WORD_MAX)
        return NULL;
    int best = diag_max_distance((size_t)len) + 1;
    const char *found = NULL;
    for (int op = 0; op < OP_END; op++) {
        const char *m = op_info[op].mnemonic;
        int dist = diag_distance(word, (size_t)len, m, strlen(m), true);
        if (dist < best) {
            best = dist;
            found = m;
        }
    }
    for (int i = 0; i < op_alias_count; i++) {
        const char *m = op_aliases[i].mnemonic;
        int dist = diag_distance(word, (size_t)len, m, strlen(m), true);
        if (dist < best) {
            best = dist;
            found = m;
        }
    }
    return best == 0 ? NULL : found;         /* distance 0: it is no near miss */
}
