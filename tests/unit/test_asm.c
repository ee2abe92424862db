/*
 * test_asm.c - unit tests of the assembler (src/asm): literals, labels, targets, the
 * operand encoding of program.h, every error kind with its line and column, the
 * diagnostics' format and cap, robustness (garbage, NUL bytes, huge lines, a million
 * labels), the printers, and the golden files in tests/programs/asm_errors.
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "asm/asm.h"

/* ---- helpers ----------------------------------------------------------------------- */

typedef struct Result {
    Program *p;
    int      nerrors;
    char    *diag;        /* everything printed to the diagnostic stream */
} Result;

static Result assemble_n(const char *src, size_t len)
{
    Result r = { 0 };
    size_t dlen = 0;
    FILE *f = open_memstream(&r.diag, &dlen);
    assert_non_null(f);
    r.nerrors = -1;
    r.p = asm_assemble_source("t.kar", src, len, NULL, f, &r.nerrors);
    fclose(f);
    return r;
}

static Result assemble(const char *src)
{
    return assemble_n(src, strlen(src));
}

static void result_free(Result *r)
{
    program_release(r->p);
    free(r->diag);
}

/* Assemble text that must be correct. */
static Program *ok(const char *src)
{
    Result r = assemble(src);
    if (!r.p)
        fail_msg("unexpected errors for:\n%s\n---\n%s", src, r.diag);
    assert_int_equal(r.nerrors, 0);
    assert_string_equal(r.diag, "");
    free(r.diag);
    return r.p;
}

/* Assemble text that must give exactly one error containing `fragment`. */
static void expect_error(const char *src, const char *fragment)
{
    Result r = assemble(src);
    if (r.p || r.nerrors != 1 || !strstr(r.diag, fragment))
        fail_msg("for:\n%s\nexpected one error with \"%s\", got %d:\n%s", src, fragment,
                 r.nerrors, r.diag);
    result_free(&r);
}

/* The single instruction a one-line program assembles to. */
static Instr one(const char *src)
{
    Program *p = ok(src);
    assert_int_equal(p->ncode, 2);
    Instr in = p->code[0];
    program_release(p);
    return in;
}

static int64_t lit_value(const char *literal)
{
    char src[256];
    snprintf(src, sizeof src, "LIT G1 %s", literal);
    Instr in = one(src);
    assert_int_equal(in.op, OP_LIT);
    return in.imm[1];
}

static double xlit_value(const char *literal)
{
    char src[256];
    snprintf(src, sizeof src, "XLIT X1 %s", literal);
    Instr in = one(src);
    assert_int_equal(in.op, OP_XLIT);
    double d;
    memcpy(&d, &in.imm[1], sizeof d);
    return d;
}

static int count_substr(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static uint64_t bit(int r)
{
    return 1ULL << r;
}

/* ---- literals ---------------------------------------------------------------------- */

static void test_decimal(void **state)
{
    (void)state;
    assert_int_equal(lit_value("0"), 0);
    assert_int_equal(lit_value("42"), 42);
    assert_int_equal(lit_value("-42"), -42);
    assert_int_equal(lit_value("+7"), 7);
    assert_int_equal(lit_value("007"), 7);
    assert_true(lit_value("9223372036854775807") == INT64_MAX);
    assert_true(lit_value("-9223372036854775808") == INT64_MIN);
    expect_error("LIT G1 9223372036854775808", ":1:8: error: decimal literal '9223372036854775808' does not fit in 64 bits");
    expect_error("LIT G1 -9223372036854775809", "does not fit in 64 bits");
    expect_error("LIT G1 99999999999999999999999", "does not fit in 64 bits");
    expect_error("LIT G1 12abc", ":1:8: error: bad integer literal '12abc'");
    expect_error("LIT G1 --5", ":1:8: error: expected an integer literal, got '--5'");
    expect_error("LIT G1 1.5", ":1:8: error: float literal '1.5' where an integer is expected");
    expect_error("LIT G1 1e5", "float literal '1e5' where an integer is expected");
    expect_error("LIT G1 .5", "float literal '.5' where an integer is expected");
}

static void test_hex_binary(void **state)
{
    (void)state;
    assert_int_equal(lit_value("0x2A"), 42);
    assert_int_equal(lit_value("0X2a"), 42);
    assert_int_equal(lit_value("0xFFFFFFFFFFFFFFFF"), -1);
    assert_true(lit_value("0x8000000000000000") == INT64_MIN);
    assert_int_equal(lit_value("0x0000FFFFFFFFFFFFFFFF"), -1);   /* leading zeros are free */
    assert_int_equal(lit_value("-0x1"), -1);
    assert_int_equal(lit_value("-0xFFFFFFFFFFFFFFFF"), 1);
    assert_int_equal(lit_value("0b101010"), 42);
    assert_int_equal(lit_value("0B1"), 1);
    assert_int_equal(lit_value("-0b1"), -1);
    assert_int_equal(lit_value("0b1111111111111111111111111111111111111111111111111111111111111111"), -1);
    assert_int_equal(lit_value("0b0001111111111111111111111111111111111111111111111111111111111111111"), -1);
    expect_error("LIT G1 0x1FFFFFFFFFFFFFFFF", ":1:8: error: hex literal '0x1FFFFFFFFFFFFFFFF' is wider than 64 bits");
    expect_error("LIT G1 0b11111111111111111111111111111111111111111111111111111111111111111",
                 "binary literal '0b11111111111111111111111111111111111111...' is wider than 64 bits");
    expect_error("LIT G1 0x", "bad hex literal '0x'");
    expect_error("LIT G1 0xG1", "bad hex literal '0xG1'");
    expect_error("LIT G1 0b102", "bad binary literal '0b102'");
}

static void test_char_literals(void **state)
{
    (void)state;
    assert_int_equal(lit_value("'A'"), 65);
    assert_int_equal(lit_value("'\\n'"), 10);
    assert_int_equal(lit_value("'\\t'"), 9);
    assert_int_equal(lit_value("'\\r'"), 13);
    assert_int_equal(lit_value("'\\0'"), 0);
    assert_int_equal(lit_value("'\\''"), '\'');
    assert_int_equal(lit_value("'\\\\'"), '\\');
    assert_int_equal(lit_value("'\\\"'"), '"');
    assert_int_equal(lit_value("'\"'"), '"');
    assert_int_equal(lit_value("'\\x41'"), 65);
    assert_int_equal(lit_value("'\\xff'"), 255);
    assert_int_equal(lit_value("-'A'"), -65);
    assert_int_equal(lit_value("';'"), ';');        /* comment markers are not comments */
    assert_int_equal(lit_value("'/' // c"), '/');
    assert_int_equal(lit_value("' '"), ' ');
    expect_error("LIT G1 'ab'", ":1:8: error: a character literal holds one byte");
    expect_error("LIT G1 ''", ":1:8: error: empty character literal");
    expect_error("LIT G1 'a", ":1:8: error: unterminated character literal");
    expect_error("LIT G1 '", "unterminated character literal");
    expect_error("LIT G1 '\\", "unterminated character literal");
    expect_error("LIT G1 '\\q'", ":1:9: error: unknown escape sequence '\\q'");
    expect_error("LIT G1 '\\x4'", ":1:9: error: malformed escape '\\x'");
}

static void test_floats(void **state)
{
    (void)state;
    assert_true(xlit_value("3.14") == 3.14);
    assert_true(xlit_value("-0.5") == -0.5);
    assert_true(xlit_value("1e-3") == 1e-3);
    assert_true(xlit_value("1E5") == 1e5);
    assert_true(xlit_value(".5") == 0.5);
    assert_true(xlit_value("2") == 2.0);
    assert_true(xlit_value("+1.5") == 1.5);
    assert_true(xlit_value("2.") == 2.0);
    assert_true(xlit_value("1.5e+3") == 1500.0);
    assert_true(xlit_value("inf") == INFINITY);
    assert_true(xlit_value("-inf") == -INFINITY);
    assert_true(xlit_value("+INF") == INFINITY);
    assert_true(isnan(xlit_value("nan")));
    assert_true(isnan(xlit_value("NaN")));
    assert_true(xlit_value("1e999") == INFINITY);
    double z = xlit_value("-0.0");
    assert_true(z == 0.0 && signbit(z));
    expect_error("XLIT X1 0x1p3", ":1:9: error: bad float literal '0x1p3'");
    expect_error("XLIT X1 1e", "bad float literal '1e'");
    expect_error("XLIT X1 1.2.3", "bad float literal '1.2.3'");
    expect_error("XLIT X1 1e5x", "bad float literal '1e5x'");
    expect_error("XLIT X1 abc", "expected a float literal, got 'abc'");
    expect_error("XLIT X1 'A'", "expected a float literal, got character literal ''A''");
    expect_error("XLIT X1 G1", "expected a float literal, got register 'G1'");
    expect_error("XLIT X1", ":1:1: error: too few operands for XLIT");
}

static void test_strings(void **state)
{
    (void)state;
    Program *p = ok("STR G1 \"Hi\\n\\t\\r\\0\\\\\\\"\\x41\\x7e\"\nSTR G2 \"\"\nSTR G3 \"a ; b // c\" ; comment\n"
                    "STR G4 \"caf\xc3\xa9\"");
    assert_int_equal(p->nstrings, 4);
    assert_int_equal(p->strings[0].len, 10);
    assert_memory_equal(p->strings[0].bytes, "Hi\n\t\r\0\\\"A~", 10);
    assert_int_equal(p->strings[1].len, 0);
    assert_int_equal(p->strings[2].len, 10);
    assert_memory_equal(p->strings[2].bytes, "a ; b // c", 10);
    assert_int_equal(p->strings[3].len, 5);
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(p->code[i].op, OP_STR);
        assert_int_equal(p->code[i].a, REG_G1 + i);
        assert_int_equal(p->code[i].aux, i);
        assert_int_equal(p->code[i].mask, bit(REG_G1 + (int)i));
    }
    program_release(p);
    expect_error("STR G1 \"a\\qb\"", ":1:10: error: unknown escape sequence '\\q'");
    expect_error("STR G1 \"\\'\"", ":1:9: error: unknown escape sequence '\\''");
    expect_error("STR G1 \"\\x4\"", ":1:9: error: malformed escape '\\x'");
    expect_error("STR G1 \"\\x\"", "malformed escape");
    expect_error("STR G1 \"abc", ":1:8: error: unterminated string literal");
    expect_error("STR G1 \"abc\\", ":1:8: error: unterminated string literal");
    expect_error("STR G1 \"abc\\\"", "unterminated string literal");
    expect_error("STR G1 'a'", ":1:8: error: expected a string literal, got character literal");
    expect_error("STR 5 \"x\"", ":1:5: error: the destination must be a register");
}

static void test_lines_and_comments(void **state)
{
    (void)state;
    Program *p = ok("; header\r\n\r\n  ADD G1 1 G1 ; c\r\n\tADD G1, 1, G1, // c\r\nNOP//c\r\nNOP");
    assert_int_equal(p->ncode, 5);
    assert_int_equal(p->units[0].nlines, 6);
    assert_int_equal(p->info[0].line, 3);
    assert_int_equal(p->info[0].col, 3);
    assert_string_equal(program_text(p, 0), "ADD G1 1 G1");
    assert_string_equal(program_text(p, 1), "ADD G1, 1, G1");
    assert_string_equal(program_text(p, 2), "NOP");
    assert_int_equal(p->info[3].line, 6);
    program_release(p);

    /* mnemonics, registers and types are case-insensitive */
    Instr in = one("add g1 0X10 r10");
    assert_int_equal(in.op, OP_ADD);
    assert_int_equal(in.a, REG_G1);
    assert_int_equal(in.imm[1], 16);
    assert_int_equal(in.c, REG_R1 + 9);
    in = one("settype x1 fLoAt");
    assert_int_equal(in.aux, TYPE_FLOAT);

    expect_error("ADD G1 , 1", ":1:8: error: unexpected ','");
    expect_error("ADD, G1 1", ":1:4: error: unexpected ',' after the mnemonic");
    expect_error("ADD G1,, 1", ":1:8: error: unexpected ','");
}

static void test_empty_programs(void **state)
{
    (void)state;
    const char *empties[] = { "", "\n", "\n\n\n", "; only a comment", "label:\n", "   \t  \r\n" };
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        Program *p = ok(empties[i]);
        assert_int_equal(p->ncode, 1);
        assert_int_equal(p->code[0].op, OP_END);
        assert_int_equal(p->code[0].aux, 0);
        assert_int_equal(p->nunits, 1);
        assert_int_equal(p->units[0].first, 0);
        assert_int_equal(p->units[0].end, 0);
        for (uint32_t l = 0; l <= p->units[0].nlines + 1; l++)
            assert_int_equal(p->units[0].line_pc[l], 0);
        program_release(p);
    }
    Program *p = ok("");
    assert_int_equal(p->units[0].nlines, 0);
    assert_string_equal(p->path, "t.kar");
    assert_string_equal(p->units[0].path, "t.kar");
    assert_string_equal(p->units[0].name, "main");
    assert_int_equal(p->refs, 1);
    program_retain(p);
    assert_int_equal(p->refs, 2);
    program_release(p);
    assert_int_equal(p->refs, 1);
    program_release(p);
    program_release(NULL);
}

/* ---- labels, targets, line_pc ------------------------------------------------------ */

static void test_labels_and_line_pc(void **state)
{
    (void)state;
    const char *src =
        "        LIT G1 3\n"         /* 1 -> 0 */
        "loop:\n"                    /* 2 (label only: names the next instruction) */
        "\n"                         /* 3 */
        "        SUB G1 1 G1\n"      /* 4 -> 1 */
        "        JNZ loop G1\n"      /* 5 -> 2 */
        "a.b_c:  JZ end\n"           /* 6 -> 3 */
        "        JMP 3\n"            /* 7 -> 4 */
        "Loop:   JMP 9\n"            /* 8 -> 5: Loop is not loop */
        "end:\n";                    /* 9 */
    Program *p = ok(src);
    assert_int_equal(p->ncode, 7);
    const Unit *u = &p->units[0];
    assert_int_equal(u->nlines, 9);
    assert_int_equal(u->end, 6);
    uint32_t want[] = { 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 6 };
    for (uint32_t l = 0; l <= 10; l++)
        assert_int_equal(u->line_pc[l], want[l]);
    assert_int_equal(p->code[2].op, OP_JNZ);
    assert_int_equal(p->code[2].imm[0], 1);           /* loop -> line 2 -> SUB */
    assert_int_equal(p->code[2].b, REG_G1);
    assert_int_equal(p->code[2].aux, 0);
    assert_int_equal(p->code[3].imm[0], 6);           /* end: past the last -> sentinel */
    assert_int_equal(p->code[3].b, REG_ZF);           /* flag form */
    assert_int_equal(p->code[3].aux, 1);
    assert_int_equal(p->code[4].imm[0], 1);           /* line 3 is blank -> SUB */
    assert_int_equal(p->code[5].imm[0], 6);
    assert_int_equal(p->code[6].op, OP_END);
    assert_int_equal(p->info[6].line, 10);
    assert_string_equal(program_text(p, 6), "");
    program_release(p);

    expect_error("loop: NOP\nloop: NOP", ":2:1: error: duplicate label 'loop' (first defined on line 1)");
    expect_error("JMP lop\nloop: NOP", ":1:5: error: unknown label 'lop'; did you mean 'loop'?");
    expect_error("JMP LOOP\nloop: NOP", "unknown label 'LOOP'; did you mean 'loop'?");
    expect_error("JMP far\nloop: NOP", ":1:5: error: unknown label 'far'\n");
    expect_error("JMP 3\nNOP", ":1:5: error: jump target outside the file: line 3 (the file has 2 lines)");
    expect_error("JMP 0", ":1:5: error: jump target outside the file: line 0 (lines are numbered from 1)");
    expect_error("JMP -1", "jump target outside the file: line -1");
    expect_error("JMP 'A'", ":1:5: error: expected a jump target (a line number or a label), got character literal");
    expect_error("JMP \"x\"", "expected a jump target");
    expect_error("1x: NOP", ":1:1: error: bad label name '1x'");
    expect_error("a-b: NOP", "bad label name 'a-b'");
    expect_error(": NOP", ":1:1: error: unexpected ':'");
    expect_error("NOP x:", ":1:5: error: label 'x' must stand at the start of the line");
    expect_error("a: b: NOP", ":1:4: error: label 'b' must stand at the start of the line");
    expect_error("a:, NOP", ":1:3: error: unexpected ','");

    /* a duplicate label does not hide an error in the statement after it */
    Result r = assemble("x: NOP\nx: ADDD");
    assert_null(r.p);
    assert_int_equal(r.nerrors, 2);
    result_free(&r);

    /* a jump target may be written in hex; labels are defined even on bad lines */
    p = ok("JMP 0x2\nNOP");
    assert_int_equal(p->code[0].imm[0], 1);
    program_release(p);
    r = assemble("bad: ADDD\nJMP bad");
    assert_int_equal(r.nerrors, 1);
    result_free(&r);
}

static void test_many_labels(void **state)
{
    (void)state;
    enum { N = 1000000 };
    size_t cap = (size_t)N * 40;
    char *src = malloc(cap);
    assert_non_null(src);
    size_t n = 0;
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(src + n, cap - n, "l%d: JMP l%d\n", i, N - 1 - i);
    Result r = assemble_n(src, n);
    if (!r.p)
        fail_msg("%s", r.diag);
    assert_int_equal(r.p->ncode, N + 1);
    assert_int_equal(r.p->code[0].imm[0], N - 1);
    assert_int_equal(r.p->code[N - 1].imm[0], 0);
    assert_int_equal(r.p->code[12345].imm[0], N - 1 - 12345);
    result_free(&r);

    /* a misspelt label among many is still reported, just without a suggestion */
    n += (size_t)snprintf(src + n, cap - n, "JMP nolabel\n");
    r = assemble_n(src, n);
    assert_null(r.p);
    assert_int_equal(r.nerrors, 1);
    assert_non_null(strstr(r.diag, ":1000001:5: error: unknown label 'nolabel'"));
    result_free(&r);
    free(src);
}

/* ---- encoding of operands (program.h) ---------------------------------------------- */

static void test_slots_and_mask(void **state)
{
    (void)state;
    Instr in = one("ADD G1 1 G2");
    assert_int_equal(in.op, OP_ADD);
    assert_int_equal(in.a, REG_G1);
    assert_int_equal(in.imm[0], 0);
    assert_int_equal(in.b, REG_ZERO);
    assert_int_equal(in.imm[1], 1);
    assert_int_equal(in.c, REG_G1 + 1);
    assert_int_equal(in.imm[2], 0);
    assert_int_equal(in.mask, bit(REG_G1) | bit(REG_G1 + 1));

    in = one("ADD 1 2");                              /* default destination R4 */
    assert_int_equal(in.a, REG_ZERO);
    assert_int_equal(in.b, REG_ZERO);
    assert_int_equal(in.c, REG_R4);
    assert_int_equal(in.mask, bit(REG_R4));
    assert_int_equal(one("AND G1 1").c, REG_R3);
    assert_int_equal(one("SHL G1 1").c, REG_R3);
    assert_int_equal(one("XADD X1 X2").c, REG_R5);
    in = one("NOT G1");
    assert_int_equal(in.b, REG_R3);
    assert_int_equal(in.c, REG_ZERO);

    in = one("LIT G3 -5");
    assert_int_equal(in.a, REG_G1 + 2);
    assert_int_equal(in.b, REG_ZERO);
    assert_int_equal(in.imm[1], -5);
    assert_int_equal(in.mask, bit(REG_G1 + 2));
    in = one("PUSHL 7");
    assert_int_equal(in.a, REG_ZERO);
    assert_int_equal(in.imm[0], 7);
    assert_int_equal(in.mask, 0);
    in = one("XLIT X2 1.5");
    assert_int_equal(in.a, REG_X1 + 1);
    double d = 1.5;
    int64_t bits;
    memcpy(&bits, &d, sizeof bits);
    assert_true(in.imm[1] == bits);
    in = one("SETTYPE G1 Double");
    assert_int_equal(in.a, REG_G1);
    assert_int_equal(in.aux, TYPE_DOUBLE);

    in = one("STORE G1 100");                          /* omitted offset: REG_ZERO + 0 */
    assert_int_equal(in.a, REG_G1);
    assert_int_equal(in.b, REG_ZERO);
    assert_int_equal(in.imm[1], 100);
    assert_int_equal(in.c, REG_ZERO);
    assert_int_equal(in.imm[2], 0);
    in = one("LOAD G5 G2 -3");
    assert_int_equal(in.a, REG_G1 + 4);
    assert_int_equal(in.b, REG_G1 + 1);
    assert_int_equal(in.c, REG_ZERO);
    assert_int_equal(in.imm[2], -3);

    in = one("CPY G1 G2");                             /* the alias */
    assert_int_equal(in.op, OP_MOV);
    in = one("MOV I1 S4");                             /* I registers may be written ... */
    assert_int_equal(in.a, REG_I1);
    assert_int_equal(in.b, REG_S1 + 3);
    in = one("JZ 1 I3");                               /* ... and tested */
    assert_int_equal(in.b, REG_I1 + 2);
    assert_int_equal(in.aux, 0);
    in = one("JNZ 1 0");
    assert_int_equal(in.b, REG_ZERO);
    assert_int_equal(in.imm[1], 0);
    assert_int_equal(in.aux, 0);
    in = one("JNZ 1");
    assert_int_equal(in.b, REG_ZF);
    assert_int_equal(in.aux, 1);
    assert_int_equal(in.mask, bit(REG_ZF));
    in = one("SWP G1 G2");
    assert_int_equal(in.mask, bit(REG_G1) | bit(REG_G1 + 1));
    in = one("NOP");
    assert_int_equal(in.a, REG_ZERO);
    assert_int_equal(in.mask, 0);
}

static void test_i8_folding(void **state)
{
    (void)state;
    Program *p = ok("NOP\n\n  ADD I8 1 G1\nPRINTR I8\nPUSH i8");
    assert_int_equal(p->code[1].a, REG_ZERO);
    assert_int_equal(p->code[1].imm[0], 3);
    assert_int_equal(p->code[1].mask, bit(REG_G1));
    assert_int_equal(p->code[2].a, REG_ZERO);
    assert_int_equal(p->code[2].imm[0], 4);
    assert_int_equal(p->code[3].imm[0], 5);
    program_release(p);
    expect_error("LIT I8 1", ":1:5: error: I8 cannot be written: it is the program counter (read-only)");
    expect_error("ADD G1 1 I8", ":1:10: error: I8 cannot be written");
    expect_error("SWP G1 I8", ":1:8: error: I8 cannot be written");
    expect_error("POP I8", "I8 cannot be written");
}

static void test_call(void **state)
{
    (void)state;
    Program *p = ok("CALL fn 30 G2 I8 'A'\nCALL fn\nRET\nfn: RET");
    assert_int_equal(p->ncalls, 2);
    Instr in = p->code[0];
    assert_int_equal(in.op, OP_CALL);
    assert_int_equal(in.imm[0], 3);
    assert_int_equal(in.aux, 0);
    assert_int_equal(in.mask, bit(REG_G1 + 1));
    const CallSite *cs = &p->calls[0];
    assert_int_equal(cs->nargs, 4);
    assert_int_equal(cs->reg[0], REG_ZERO);
    assert_int_equal(cs->imm[0], 30);
    assert_int_equal(cs->reg[1], REG_G1 + 1);
    assert_int_equal(cs->imm[1], 0);
    assert_int_equal(cs->reg[2], REG_ZERO);
    assert_int_equal(cs->imm[2], 1);                  /* I8 on line 1 */
    assert_int_equal(cs->imm[3], 65);
    assert_int_equal(cs->callee_unit, 0);
    assert_int_equal(p->code[1].aux, 1);
    assert_int_equal(p->calls[1].nargs, 0);
    program_release(p);

    p = ok("CALL f 1 2 3 4 5 6 7 8 9 10\nf: RET");
    assert_int_equal(p->calls[0].nargs, 10);
    assert_int_equal(p->calls[0].imm[9], 10);
    program_release(p);
    expect_error("CALL f 1 2 3 4 5 6 7 8 9 10 11\nf: RET", ":1:29: error: too many operands for CALL");
    expect_error("CALL", ":1:1: error: too few operands for CALL");
    expect_error("CALL foo", ":1:6: error: unknown function 'foo' (MissingLibraryException, 26)");
    expect_error("CALL strings.strln G1", "unknown function 'strings.strln' (MissingLibraryException, 26); did you mean 'strings.strlen'?");
    expect_error("CALL fob\nfoo: RET", "unknown function 'fob' (MissingLibraryException, 26); did you mean 'foo'?");
    expect_error("CALL 12", ":1:6: error: expected a function name");
    expect_error("CALL f \"s\"\nf: RET", ":1:8: error: expected a register or an integer literal, got a string literal");
}

static void test_help(void **state)
{
    (void)state;
    Program *p = ok("HELP add\nhelp \"FORK\"\nHELP cpy\nHELP Syscall\nHELP \"handleSignals\"");
    assert_int_equal(p->nstrings, 5);
    assert_string_equal(p->strings[0].bytes, "add");
    assert_string_equal(p->strings[1].bytes, "FORK");
    assert_int_equal(p->code[1].aux, 1);
    assert_int_equal(p->code[4].op, OP_HELP);
    program_release(p);
    expect_error("HELP nosuch", ":1:6: error: unknown help topic 'nosuch'");
    expect_error("HELP addd", "unknown help topic 'addd'; did you mean 'ADD'?");
    expect_error("HELP forc", "did you mean 'fork'?");
    expect_error("HELP", ":1:1: error: too few operands for HELP");
    expect_error("HELP 'a'", "expected a help topic");
}

/* ---- errors ------------------------------------------------------------------------ */

static void test_operand_errors(void **state)
{
    (void)state;
    expect_error("ADDD G1 1", ":1:1: error: unknown mnemonic 'ADDD'; did you mean 'ADD'?");
    expect_error("  frobnicate G1", ":1:3: error: unknown mnemonic 'frobnicate'\n");
    expect_error("\"str\" G1", ":1:1: error: expected an instruction, got a string literal");
    expect_error("ADD G11 1", ":1:5: error: unknown register 'G11'");
    expect_error("ADD G1 1 G0", ":1:10: error: unknown register 'G0'");
    expect_error("ADD G01 1", "unknown register 'G01'");
    expect_error("PUSH S5", "unknown register 'S5'");
    expect_error("PUSH a.b", ":1:6: error: unknown name 'a.b' (not a register, label or built-in constant)");
    expect_error("ADD G1 1 G2 G3", ":1:13: error: too many operands for ADD (usage: ADD a b [dst])");
    expect_error("NOP NOP", ":1:5: error: too many operands for NOP");
    expect_error("RET 1", ":1:5: error: too many operands for RET");
    expect_error("   ADD G1", ":1:4: error: too few operands for ADD (usage: ADD a b [dst])");
    expect_error("cpy G1", ":1:1: error: too few operands for CPY (usage: MOV a b)");
    expect_error("LIT G1 G2", ":1:8: error: expected an integer literal, got register 'G2'");
    expect_error("PUSHL G1", ":1:7: error: expected an integer literal, got register 'G1'");
    expect_error("LIT 5 5", ":1:5: error: the destination must be a register, got integer literal '5'");
    expect_error("POP 'a'", "the destination must be a register, got character literal");
    expect_error("SWP G1 5", ":1:8: error: expected a register, got integer literal '5'");
    expect_error("SETTYPE G1 Word", ":1:12: error: unknown type 'Word'");
    expect_error("SETTYPE G1 5", "unknown type '5'");
    expect_error("SETTYPE G1 \"Byte\"", "expected a type name, got a string literal");
    expect_error("XADD X1 2", ":1:9: error: integer literal '2' where a floating operand is read");
    expect_error("FTOI 5 G1", ":1:6: error: integer literal '5' where a floating operand is read");
    expect_error("XSUB 'a' X1", "character literal ''a'' where a floating operand is read");
    expect_error("XMUL X1 1.5", "float literal '1.5' where a floating operand is read");
    expect_error("XDIV X1 Y1", ":1:9: error: unknown register 'Y1'");
    expect_error("ADD G1 1.5", ":1:8: error: float literal '1.5' where an integer is expected");

    /* an X operand may still be any register: types are checked when it runs */
    Instr in = one("XADD G1 I8");
    assert_int_equal(in.a, REG_G1);
    assert_int_equal(in.b, REG_ZERO);
}

static void test_every_error_reported(void **state)
{
    (void)state;
    const char *src =
        "JMP nowhere\n"              /* 1: found after the last line, printed first */
        "ADDD G1 1\n"                /* 2 */
        "ADD G1 1 G2 G3 G4\n"        /* 3: one message for the statement */
        "NOP\n"
        "STR G1 \"x\n";              /* 5 */
    Result r = assemble(src);
    assert_null(r.p);
    assert_int_equal(r.nerrors, 4);
    const char *e1 = strstr(r.diag, "t.kar:1:5: error: unknown label 'nowhere'\n    JMP nowhere\n        ^\n");
    const char *e2 = strstr(r.diag, "t.kar:2:1: error: unknown mnemonic 'ADDD'");
    const char *e3 = strstr(r.diag, "t.kar:3:13: error: too many operands");
    const char *e4 = strstr(r.diag, "t.kar:5:8: error: unterminated string literal");
    assert_true(e1 && e2 && e3 && e4);
    assert_true(e1 < e2 && e2 < e3 && e3 < e4);
    assert_int_equal(count_substr(r.diag, ": error: "), 4);
    result_free(&r);
}

static void test_error_cap(void **state)
{
    (void)state;
    size_t cap = 150 * 16 + 1;
    char *src = malloc(cap);
    size_t n = 0;
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(src + n, cap - n, "BAD%d\n", i);
    Result r = assemble_n(src, n);
    assert_null(r.p);
    assert_int_equal(r.nerrors, 150);
    assert_int_equal(count_substr(r.diag, ": error: "), 100);
    assert_non_null(strstr(r.diag, "t.kar:100:1: error: unknown mnemonic 'BAD99'"));
    assert_null(strstr(r.diag, "BAD100"));
    assert_non_null(strstr(r.diag, "\nt.kar: note: 50 more errors not shown\n"));
    result_free(&r);
    free(src);

    /* nerrors may be NULL, and so may the stream */
    assert_null(asm_assemble_source("x.kar", "ADDD", 4, NULL, NULL, NULL));
}

static void test_echo(void **state)
{
    (void)state;
    /* tabs are kept under the caret; control bytes print as '?' */
    Result r = assemble("\tADD\tG1\tG99");
    assert_non_null(strstr(r.diag, "t.kar:1:9: error: unknown register 'G99'\n    \tADD\tG1\tG99\n    \t   \t  \t^\n"));
    result_free(&r);
    r = assemble_n("AD\x01\x1b" "D G1", 8);
    assert_non_null(strstr(r.diag, "unknown mnemonic 'AD??D'"));
    assert_non_null(strstr(r.diag, "\n    AD??D G1\n    ^\n"));
    result_free(&r);
    /* UTF-8 text counts one column per character for the caret */
    r = assemble("STR G1 \"\xc3\xa9\xc3\xa9\" G2");
    assert_non_null(strstr(r.diag, ":1:15: error: too many operands"));
    assert_non_null(strstr(r.diag, "\n                ^\n"));   /* 4 + 12 characters */
    result_free(&r);
    /* invalid UTF-8 is not echoed raw */
    r = assemble("\xff\xfe G1");
    assert_non_null(strstr(r.diag, "unknown mnemonic '\?\?'\n    \?\? G1\n"));
    result_free(&r);
}

static void test_long_lines(void **state)
{
    (void)state;
    size_t big = 10u << 20;
    char *src = malloc(big + 64);
    /* a 10 MB operand: the echo is cut to a window around the column */
    size_t n = (size_t)sprintf(src, "NOP\nADD G1 1 G1 ");
    memset(src + n, 'x', big);
    n += big;
    n += (size_t)sprintf(src + n, "\nNOP");
    Result r = assemble_n(src, n);
    assert_int_equal(r.nerrors, 1);
    assert_non_null(strstr(r.diag, "t.kar:2:13: error: too many operands"));
    assert_true(strlen(r.diag) < 600);
    assert_non_null(strstr(r.diag, "xxx...\n"));
    result_free(&r);

    /* an error far into a long line: "..." on both sides, caret still under it */
    n = 0;
    memset(src, ' ', 5000);
    n = 5000;
    n += (size_t)sprintf(src + n, "ADD G1 1 Q9 ");
    memset(src + n, 'y', 5000);
    n += 5000;
    r = assemble_n(src, n);
    assert_non_null(strstr(r.diag, "t.kar:1:5010: error: unknown register 'Q9'"));
    char *echo = strchr(r.diag, '\n') + 1;
    char *caret = strchr(echo, '\n') + 1;
    assert_memory_equal(echo, "    ...", 7);
    char *q9 = strstr(echo, "Q9");
    char *hat = strchr(caret, '^');
    assert_int_equal(q9 - echo, hat - caret);
    result_free(&r);

    /* a 10 MB string literal and a 10 MB comment are fine */
    n = (size_t)sprintf(src, "STR G1 \"");
    memset(src + n, 'z', big);
    n += big;
    n += (size_t)sprintf(src + n, "\" ; ok");
    Program *p = asm_assemble_source("t.kar", src, n, NULL, stderr, NULL);
    assert_non_null(p);
    assert_int_equal(p->strings[0].len, big);
    program_release(p);
    free(src);
}

static void test_garbage(void **state)
{
    (void)state;
    /* every byte value, alone and inside statements */
    for (int c = 0; c < 256; c++) {
        char src[64];
        int n = snprintf(src, sizeof src, "%c\nADD G1 %c G1\nSTR G1 \"%c\"\nLIT G1 '%c'\n", c, c, c, c);
        src[0] = (char)c;
        Result r = assemble_n(src, (size_t)n);
        assert_true(r.p || r.nerrors > 0);
        result_free(&r);
    }
    /* random bytes, and random bytes made of source characters */
    uint32_t seed = 12345;
    const char alphabet[] = "ADDLITJMPG1X2 \t\n;/\"'\\:,.-0x9eE";
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t)(round * 97 % 4000);
        char *src = malloc(n);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned v = seed >> 16;
            src[i] = round % 2 ? (char)v : alphabet[v % (sizeof alphabet - 1)];
        }
        Result r = assemble_n(src, n);
        assert_true(r.p ? r.nerrors == 0 : r.nerrors > 0);
        if (r.p) {                                    /* the printers cope too */
            FILE *null = fopen("/dev/null", "w");
            asm_print_tokens(r.p, null);
            disasm_print(r.p, null);
            fclose(null);
        }
        result_free(&r);
        free(src);
    }
    /* NUL bytes inside statements */
    Result r = assemble_n("NOP\0\nSTR G1 \"a\0b\"\n", 18);
    assert_int_equal(r.nerrors, 1);
    assert_non_null(strstr(r.diag, "unknown mnemonic 'NOP?'"));
    result_free(&r);
    Program *p = asm_assemble_source("t.kar", "STR G1 \"a\0b\"", 12, NULL, stderr, NULL);
    assert_non_null(p);
    assert_int_equal(p->strings[0].len, 3);
    assert_memory_equal(p->strings[0].bytes, "a\0b", 3);
    assert_string_equal(program_text(p, 0), "STR G1 \"a?b\"");
    program_release(p);
}

static void test_suggest(void **state)
{
    (void)state;
    assert_string_equal(asm_suggest_mnemonic("ADDD", 4), "ADD");
    assert_string_equal(asm_suggest_mnemonic("add2", 4), "ADD");
    assert_string_equal(asm_suggest_mnemonic("JUMP", 4), "JMP");
    assert_string_equal(asm_suggest_mnemonic("MVO", 3), "MOV");      /* a swap is one edit */
    assert_string_equal(asm_suggest_mnemonic("prnitr", 6), "PRINTR");
    assert_string_equal(asm_suggest_mnemonic("CPYY", 4), "CPY");
    assert_string_equal(asm_suggest_mnemonic("SYSCAL", 6), "SYSCALL");
    assert_null(asm_suggest_mnemonic("ADD", 3));                     /* no near miss */
    assert_null(asm_suggest_mnemonic("frobnicate", 10));
    assert_null(asm_suggest_mnemonic("X", 1));
    assert_null(asm_suggest_mnemonic("", 0));
    char longword[100];
    memset(longword, 'A', sizeof longword);
    assert_null(asm_suggest_mnemonic(longword, (int)sizeof longword));
}

static void test_files(void **state)
{
    (void)state;
    char *diag = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&diag, &dlen);
    int n = 0;
    assert_null(asm_assemble_file("/nonexistent/x.kar", NULL, f, &n));
    fclose(f);
    assert_int_equal(n, 1);
    assert_string_equal(diag, "/nonexistent/x.kar: error: cannot read: No such file or directory\n");
    free(diag);

    f = open_memstream(&diag, &dlen);
    assert_null(asm_assemble_file("/tmp", NULL, f, &n));
    fclose(f);
    assert_non_null(strstr(diag, "/tmp: error: cannot read: Is a directory"));
    free(diag);

    char path[] = "/tmp/test_asm_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "LIT G1 1\nPRINTR G1", 18), 18);
    close(fd);
    Program *p = asm_assemble_file(path, NULL, stderr, &n);
    assert_non_null(p);
    assert_int_equal(n, 0);
    assert_string_equal(p->path, path);
    assert_int_equal(p->ncode, 3);
    program_release(p);
    unlink(path);
}

/* ---- printers ---------------------------------------------------------------------- */

static char *print_with(void (*fn)(const Program *, FILE *), const Program *p)
{
    char *s = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&s, &n);
    fn(p, f);
    fclose(f);
    return s;
}

static const char printer_src[] =
    "start:  LIT G1 0x10 ; sixteen\n"
    "loop:   SUB G1, 1, G1,\n"
    "        JNZ loop G1\n"
    "        JZ end\n"
    "        XLIT X1 -3.5e2\n"
    "        STR G2 \"Hi\\n\\x01\"\n"
    "        help \"fork\"\n"
    "        SETTYPE g3 byte\n"
    "        CALL fn 1 G1 I8 'A'\n"
    "        STORE G1 100\n"
    "        LOAD 100 G2 3\n"
    "        ADD I8 -2\n"
    "        cpy G1 G2\n"
    "fn:     RET\n"
    "end:\n";

static void test_print_tokens(void **state)
{
    (void)state;
    Program *p = ok(printer_src);
    char *s = print_with(asm_print_tokens, p);
    assert_string_equal(s,
        "1: LIT reg:G1 int:16\n"
        "2: SUB reg:G1 int:1 reg:G1\n"
        "3: JNZ target:2(loop) reg:G1\n"
        "4: JZ target:16(end)\n"
        "5: XLIT reg:X1 float:-350.0\n"
        "6: STR reg:G2 str:\"Hi\\n\\x01\"\n"
        "7: HELP topic:fork\n"
        "8: SETTYPE reg:G3 type:Byte\n"
        "9: CALL call:fn int:1 reg:G1 reg:I8 int:65\n"
        "10: STORE reg:G1 int:100\n"
        "11: LOAD int:100 reg:G2 int:3\n"
        "12: ADD reg:I8 int:-2\n"
        "13: CPY reg:G1 reg:G2\n"
        "14: RET\n");
    free(s);
    program_release(p);
}

static void test_disasm(void **state)
{
    (void)state;
    Program *p = ok(printer_src);
    char *s = print_with(disasm_print, p);
    assert_string_equal(s,
        "start:  LIT G1 0x10  ; = LIT G1 16\n"
        "loop:   SUB G1, 1, G1  ; = SUB G1 1 G1\n"
        "        JNZ loop G1  ; = JNZ 2 G1 (loop)\n"
        "        JZ end  ; = JZ 16 (end)\n"
        "        XLIT X1 -3.5e2  ; = XLIT X1 -350.0\n"
        "        STR G2 \"Hi\\n\\x01\"\n"
        "        help \"fork\"  ; = HELP fork\n"
        "        SETTYPE g3 byte\n"
        "        CALL fn 1 G1 I8 'A'  ; = CALL fn 1 G1 9 65 (-> line 14)\n"
        "        STORE G1 100\n"
        "        LOAD 100 G2 3\n"
        "        ADD I8 -2  ; = ADD 12 -2 R4\n"
        "        cpy G1 G2  ; = MOV G1 G2\n"
        "fn:     RET\n"
        "end:\n");
    free(s);
    program_release(p);
}

/* disasm's text assembles back to the same program: code, lines, columns, statement
 * texts, labels, units (issue 10: disasm -> assemble -> compile gives the same bytes). */
static void test_disasm_round_trip(void **state)
{
    (void)state;
    static const char *const sources[] = {
        printer_src,
        "\n; a comment line\n  \tlab:\n\t\tLIT G1 'x' // comment\nx.y_z: PUSH lab\n"
        "        CALL strings.strlen G1\n        STR G2 \"semi;colon \\\" // not a comment\"\n\n\n",
        "        HELP \"io.println\"\nl1:JMP l1\n   l2:\tJMP\tl2 ; tabs\n",
    };
    for (size_t k = 0; k < sizeof sources / sizeof sources[0]; k++) {
        Program *p = ok(sources[k]);
        char *text = print_with(disasm_print, p);
        Program *q = ok(text);
        if (!program_same(p, q))
            fail_msg("disasm does not assemble back to the same program:\n%s\n---\n%s", sources[k], text);
        free(text);
        program_release(q);
        program_release(p);
    }
}

/* Names as values (SPEC 1): tokenise shows each name after its number, disasm the
 * statement as written and the number in its comment; a label read before its
 * definition gets its line all the same. */
static void test_print_names(void **state)
{
    (void)state;
    Program *p = ok("LIT S1 SYS_GETPID\n"
                    "PUSH here\n"
                    "CALL f here SIG_USR1\n"
                    "here: STORE 1 100 here\n"
                    "f: RET\n");
    char *s = print_with(asm_print_tokens, p);
    assert_string_equal(s,
        "1: LIT reg:S1 int:16(SYS_GETPID)\n"
        "2: PUSH int:4(here)\n"
        "3: CALL call:f int:4(here) int:30(SIG_USR1)\n"
        "4: STORE int:1 int:100 int:4(here)\n"
        "5: RET\n");
    free(s);
    s = print_with(disasm_print, p);
    assert_string_equal(s,
        "LIT S1 SYS_GETPID  ; = LIT S1 16\n"
        "PUSH here  ; = PUSH 4\n"
        "CALL f here SIG_USR1  ; = CALL f 4 30 (-> line 5)\n"
        "here: STORE 1 100 here  ; = STORE 1 100 4\n"
        "f: RET\n");
    free(s);
    program_release(p);
}

/* ---- golden files ------------------------------------------------------------------ */

static const char *golden_dir(void)
{
    static const char *const dirs[] = {
        "tests/programs/asm_errors", "../tests/programs/asm_errors",
        "../../tests/programs/asm_errors", "../../../tests/programs/asm_errors",
    };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        if (access(dirs[i], R_OK) == 0)
            return dirs[i];
    return NULL;
}

/* Each tests/programs/asm_errors/NAME.kar says `; expect-exit: 2` and lists fragments
 * `; expect-stderr: TEXT`; each must appear in the diagnostics, one error per fragment. */
static void check_golden(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    char *frags[64];
    int nfrags = 0;
    bool exit2 = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strcmp(line, "; expect-exit: 2") == 0)
            exit2 = true;
        if (strncmp(line, "; expect-stderr: ", 17) == 0 && nfrags < 64)
            frags[nfrags++] = strdup(line + 17);
    }
    fclose(f);
    char *diag = NULL;
    size_t dlen = 0;
    FILE *d = open_memstream(&diag, &dlen);
    int n = 0;
    Program *p = asm_assemble_file(path, NULL, d, &n);
    fclose(d);
    if (!exit2 || nfrags == 0 || p || n != nfrags)
        fail_msg("%s: exit2=%d fragments=%d errors=%d\n%s", path, exit2, nfrags, n, diag);
    for (int i = 0; i < nfrags; i++) {
        if (!strstr(diag, frags[i]))
            fail_msg("%s: missing \"%s\" in:\n%s", path, frags[i], diag);
        free(frags[i]);
    }
    free(diag);
}

static void test_golden_files(void **state)
{
    (void)state;
    const char *dir = golden_dir();
    if (!dir)
        fail_msg("tests/programs/asm_errors not found (run from the repository root)");
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".kar") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        check_golden(path);
        count++;
    }
    closedir(dp);
    assert_true(count >= 18);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_hex_binary),
        cmocka_unit_test(test_char_literals),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_lines_and_comments),
        cmocka_unit_test(test_empty_programs),
        cmocka_unit_test(test_labels_and_line_pc),
        cmocka_unit_test(test_many_labels),
        cmocka_unit_test(test_slots_and_mask),
        cmocka_unit_test(test_i8_folding),
        cmocka_unit_test(test_call),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_operand_errors),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_error_cap),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_print_tokens),
        cmocka_unit_test(test_disasm),
        cmocka_unit_test(test_disasm_round_trip),
        cmocka_unit_test(test_print_names),
        cmocka_unit_test(test_golden_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
