/*
 * diag.h - assembler diagnostics: `FILE:LINE:COL: error: MESSAGE`, the source line and a
 * caret (SPEC 1, 10), plus the "did you mean" distance.
 *
 * A unit's messages are held back and printed in (line, column) order when the unit is
 * done, because labels are checked only after the last line: an unknown label on line 3
 * is found after an unknown mnemonic on line 9. Each unit keeps two streams, each already
 * in line order: errors found while reading the lines (stream DIAG_LINES) and errors
 * found while patching labels (DIAG_FIXUPS); printing merges them.
 *
 * Output cap: at most DIAG_MAX_SHOWN (100) errors are printed for a whole assembly; every
 * error is still counted, and the rest are summed up in one closing line,
 *     FILE: note: N more errors not shown
 * so a binary file fed to the assembler gives a screenful, not a million lines. Only the
 * first DIAG_MAX_SHOWN of each stream are kept in memory.
 */
#ifndef MVM_DIAG_H
#define MVM_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ASM_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

enum { DIAG_MAX_SHOWN = 100, DIAG_MSG_MAX = 320 };
enum { DIAG_LINES = 0, DIAG_FIXUPS = 1 };

/* Where messages go and how many there were, for the whole assembly (all units). */
typedef struct DiagOut {
    FILE    *out;      /* NULL: count only */
    uint64_t total;    /* errors found */
    uint64_t shown;    /* errors printed */
} DiagOut;

typedef struct Diag {
    uint32_t    line, col;
    const char *src;          /* start of the source line (the unit's text stays alive) */
    size_t      src_len;      /* its length, or SIZE_MAX: up to the next '\n' */
    char        msg[DIAG_MSG_MAX];
} Diag;

/* One unit's held-back messages. */
typedef struct Diags {
    DiagOut    *sink;
    const char *path;         /* as given, printed as is */
    const char *src_end;      /* end of the unit's text (bounds src_len = SIZE_MAX) */
    Diag       *list[2];      /* DIAG_MAX_SHOWN entries each, allocated on first use */
    uint32_t    n[2];
} Diags;

void diags_init(Diags *d, DiagOut *sink, const char *path, const char *src_end);
/* Record an error at LINE:COL of the line starting at src (src_len bytes, or SIZE_MAX). */
void diags_verror(Diags *d, int stream, uint32_t line, uint32_t col, const char *src,
                  size_t src_len, const char *fmt, va_list ap) ASM_PRINTF(7, 0);
/* Will an error on this stream be kept for printing? (Skip costly hints when not.) */
static inline bool diags_wanted(const Diags *d, int stream) { return d->n[stream] < DIAG_MAX_SHOWN; }
/* Print the held messages in order within the global cap, then free them. */
void diags_flush(Diags *d);

/* `PATH: error: MESSAGE` for errors that belong to no line (unreadable file). */
void diag_plain(DiagOut *o, const char *path, const char *fmt, ...) ASM_PRINTF(3, 4);
/* The closing `PATH: note: N more errors not shown`, when some were not. */
void diag_finish(DiagOut *o, const char *path);

/* Print `src` (n bytes) indented, control bytes and invalid UTF-8 shown as '?', cut to
 * about 160 columns around `col` with "...", then a caret line under `col`. */
void diag_echo(FILE *out, const char *src, size_t n, uint32_t col);

/* 'TEXT' for a message: quoted, sanitised as diag_echo does, cut after 40 bytes ("..."). */
const char *diag_quote(char *buf, size_t cap, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1 for ASCII), 0 when s[0] starts none. */
size_t diag_utf8_len(const unsigned char *s, size_t n);

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours),
 * for words of at most DIAG_WORD_MAX bytes; fold = ignore ASCII case. */
enum { DIAG_WORD_MAX = 32 };
int diag_distance(const char *a, size_t an, const char *b, size_t bn, bool fold);
/* The largest distance still offered as "did you mean" for a word of n bytes. */
int diag_max_distance(size_t n);

#endif
