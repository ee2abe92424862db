/*
 * lexer.h - tokens of one source line, and the readers of literals (SPEC 1).
 *
 * The lexer works on one line at a time (the parser finds the line ends). A token is a
 * maximal run of word characters, a character literal or a string literal; blanks
 * separate tokens, `;` and `//` start a comment outside literals, and a comma right
 * after a token is swallowed (the "trailing comma"). A word written `name:` is a label
 * definition. Whether a word is a mnemonic, a register, a number or a label is decided
 * by the parser, which knows what operand it expects: `2` is an integer for ADD and a
 * float for XLIT.
 */
#ifndef MVM_LEXER_H
#define MVM_LEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum TokenKind {
    TOK_EOL,      /* end of the line, or a comment */
    TOK_WORD,     /* mnemonic, register, number, label reference, type, topic, inf/nan */
    TOK_LABEL,    /* `name:` (text is the name, without the colon) */
    TOK_CHAR,     /* 'c', '\n', -'A' (value holds it, sign applied) */
    TOK_STRING,   /* "..." (str/str_len hold the decoded bytes) */
    TOK_ERROR     /* a lexical error: Lexer.err and Lexer.err_col say what and where */
} TokenKind;

typedef struct Token {
    TokenKind   kind;
    const char *text;     /* the token as written (literals with quotes and sign) */
    size_t      len;
    uint32_t    col;      /* 1-based column of text[0] */
    bool        comma;    /* a ',' followed at once and was consumed */
    uint32_t    comma_col;
    int64_t     value;    /* TOK_CHAR: the byte value 0..255, negated for -'c' */
    const char *str;      /* TOK_STRING: decoded bytes in the lexer's buffer, valid until */
    size_t      str_len;  /*   the next lex_next (may contain NUL) */
} Token;

typedef struct Lexer {
    const char *line, *pos, *end;
    char       *buf;      /* decoded string literal; owned, freed by lex_free */
    size_t      cap;
    uint32_t    err_col;  /* after TOK_ERROR */
    char        err[160];
} Lexer;

void      lex_init(Lexer *lx);
void      lex_free(Lexer *lx);
/* Start on a line of `len` bytes (no '\n'; any other byte may appear). */
void      lex_line(Lexer *lx, const char *line, size_t len);
/* Read the next token into *t and return its kind. After TOK_EOL or TOK_ERROR the
 * rest of the line is skipped. */
TokenKind lex_next(Lexer *lx, Token *t);

/* Does this word start like a number ([+-]?[.]?digit)? */
bool lex_is_numeric(const char *s, size_t n);
/* [A-Za-z_][A-Za-z0-9_.]* : labels and CALL names. */
bool lex_is_label_name(const char *s, size_t n);
/* [A-Za-z_][A-Za-z0-9_]* : words shaped like a register name. */
bool lex_is_identifier(const char *s, size_t n);

typedef enum IntError { INT_OK, INT_SYNTAX, INT_TOO_BIG, INT_FLOAT } IntError;
/* An integer literal word: [+-]? then decimal (must fit in signed 64 bits), 0x hex or 0b
 * binary (bit patterns of up to 64 significant bits); the sign negates (wrapping).
 * *base receives 10, 16 or 2 for messages. INT_FLOAT: it is a valid float literal. */
IntError lex_parse_int(const char *s, size_t n, int64_t *out, int *base);
/* A float literal word: [+-]? (digits[.digits] | .digits) ([eE][+-]?digits)?, inf,
 * infinity, nan (case-insensitive). Values beyond the double range become +-inf. */
bool lex_parse_float(const char *s, size_t n, double *out);

#endif
