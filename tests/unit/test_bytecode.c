/*
 * test_bytecode.c - .mar files (asm/bytecode.c): an encoded program decodes to the same
 * program, byte for byte the same each time, and a damaged image is refused with
 * "NAME: error: offset N: ..." - never read out of bounds (run under ASan: make CC=clang
 * SAN=1 MODE=debug test-unit).
 *
 * Damage comes in three kinds: every truncation, every single flipped byte (the
 * checksums catch it), and fields inside the PROG section changed with the checksums
 * sealed again (test_seal), so that the reader and the verifier must catch them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm/asm.h"
#include "asm/bytecode.h"
#include "vm/binio.h"

static const char *const sources[] = {
    /* labels, jumps, a user label CALL, the stdlib, a type */
    "        LIT G1 5\n"
    "        LOAD G1 G2 3\n"
    "loop:   ADD G1 1 G1\n"
    "        JZ loop\n"
    "        STR G3 \"hi\"\n"
    "        CALL strings.strlen G3\n"
    "        CALL f G1 7\n"
    "        SETTYPE G4 Byte\n"
    "        JMP end\n"
    "f:      RET\n"
    "end:    NOP\n",
    /* strings with NUL bytes, floats, HELP */
    "        STR G1 \"a\\0b\"\n"
    "        STR G2 \"\"\n"
    "        SETTYPE X1 Double\n"
    "        XLIT X1 3.14\n"
    "        XLIT X1 -0.5e10\n"
    "        CALL strings.strcat G1 G2\n"
    "        CALL maths.abs -3\n",
    /* the smallest program */
    "NOP\n",
    /* labels with dots and underscores, a jump past the end */
    "_a.b:   LIT G1 1\n"
    "x_1:    JMP 4\n"
    "        ; a comment\n"
    "\n",
};
#define NSOURCES (sizeof sources / sizeof *sources)

static Program *assemble(const char *src, size_t len)
{
    Program *p = asm_assemble_source("dir/t.kar", src, len, NULL, stderr, NULL);
    assert_non_null(p);
    return p;
}

static void encode(const Program *p, uint8_t **b, size_t *n)
{
    assert_int_equal(mar_encode(p, b, n), 0);
    assert_true(*n >= BIN_HEADER_SIZE + BIN_TAIL_SIZE);
    assert_int_equal(*n % 8, 0);
}

/* Decode n bytes; NULL or the program. The message (if any) goes to *msg. */
static Program *decode(const uint8_t *b, size_t n, char **msg)
{
    size_t len = 0;
    *msg = NULL;
    FILE *f = open_memstream(msg, &len);
    assert_non_null(f);
    Program *p = mar_decode("t.mar", b, n, f);
    fclose(f);
    return p;
}

/* Decoding must fail with "t.mar: error: offset N: " + something containing want. */
static void refused(const uint8_t *b, size_t n, const char *want)
{
    char *msg;
    Program *p = decode(b, n, &msg);
    if (p)
        fail_msg("accepted a damaged image (wanted '%s')", want ? want : "");
    if (strncmp(msg, "t.mar: error: offset ", 21) != 0 || (want && !strstr(msg, want)))
        fail_msg("message '%s' (wanted '%s')", msg, want ? want : "offset");
    free(msg);
}

/* The checksums of a modified image, as the writer would have made them. */
static void test_seal(uint8_t *b, size_t n)
{
    bin_seal(b, n);
}

static void round_trip(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSOURCES; i++) {
        Program *p = assemble(sources[i], strlen(sources[i]));
        uint8_t *b, *b2;
        size_t n, n2;
        encode(p, &b, &n);
        encode(p, &b2, &n2);
        assert_int_equal(n, n2);
        assert_memory_equal(b, b2, n);   /* deterministic */
        assert_true(mar_has_magic(b, n));
        char *msg;
        Program *q = decode(b, n, &msg);
        if (!q)
            fail_msg("source %zu: %s", i, msg);
        free(msg);
        assert_true(program_same(p, q));
        assert_string_equal(q->path, "dir/t.kar");
        uint8_t *b3;
        size_t n3;
        encode(q, &b3, &n3);             /* decoded, then encoded: the same bytes */
        assert_int_equal(n, n3);
        assert_memory_equal(b, b3, n);
        program_release(q);
        program_release(p);
        free(b);
        free(b2);
        free(b3);
    }
}

static int nfiles;

/* Every .kar that assembles survives a round trip (and encodes deterministically). */
static int round_trip_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t len = strlen(path);
    if (flag != FTW_F || len < 4 || strcmp(path + len - 4, ".kar") != 0)
        return 0;
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    Program *p = asm_assemble_file(path, &(AsmOptions){ 0 }, devnull, NULL);
    fclose(devnull);
    if (!p)
        return 0;   /* an assembly-error test */
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    char *msg;
    Program *q = decode(b, n, &msg);
    if (!q || !program_same(p, q))
        fail_msg("%s: %s", path, q ? "not the same program" : msg);
    free(msg);
    program_release(q);
    program_release(p);
    free(b);
    nfiles++;
    return 0;
}

static void every_program_round_trips(void **state)
{
    (void)state;
    assert_int_equal(nftw("tests/programs", round_trip_file, 16, FTW_PHYS), 0);
    assert_int_equal(nftw("examples", round_trip_file, 16, FTW_PHYS), 0);
    assert_true(nfiles > 300);
}

static void contents_survive(void **state)
{
    (void)state;
    Program *p = assemble(sources[1], strlen(sources[1]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    char *msg;
    Program *q = decode(b, n, &msg);
    assert_non_null(q);
    free(msg);
    assert_int_equal(q->strings[0].len, 3);
    assert_memory_equal(q->strings[0].bytes, "a\0b", 3);
    assert_true(q->nunits >= 3);          /* main, strings.strcat, maths.abs */
    assert_string_equal(q->units[0].name, "main");
    program_release(q);
    program_release(p);
    free(b);

    p = assemble(sources[0], strlen(sources[0]));
    encode(p, &b, &n);
    q = decode(b, n, &msg);
    assert_non_null(q);
    free(msg);
    assert_true(q->nlabels >= 3);           /* loop, f, end (and the library's own) */
    assert_string_equal(q->labels[0].name, "loop");
    assert_int_equal(q->labels[0].line, 3);
    program_release(q);
    program_release(p);
    free(b);
}

static void every_truncation_is_refused(void **state)
{
    (void)state;
    for (size_t i = 0; i < NSOURCES; i++) {
        Program *p = assemble(sources[i], strlen(sources[i]));
        uint8_t *b;
        size_t n;
        encode(p, &b, &n);
        for (size_t k = 0; k < n; k++) {
            uint8_t *c = malloc(k ? k : 1);   /* exactly k bytes: ASan sees any overread */
            assert_non_null(c);
            memcpy(c, b, k);
            refused(c, k, k == 0 ? "not an MVM bytecode file" : "truncated");
            free(c);
        }
        program_release(p);
        free(b);
    }
}

static void every_flipped_byte_is_refused(void **state)
{
    (void)state;
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    for (size_t k = 0; k < n; k++)
        for (int bit = 0; bit < 8; bit += 3) {
            b[k] ^= (uint8_t)(1u << bit);
            refused(b, n, NULL);
            b[k] ^= (uint8_t)(1u << bit);
        }
    /* The header's fields by name. */
    uint8_t *c = malloc(n);
    assert_non_null(c);
    memcpy(c, b, n);
    c[1] = 'X';
    refused(c, n, "offset 0: not an MVM bytecode file");
    memcpy(c, b, n);
    c[8] = (uint8_t)(c[8] + 1);   /* a later format */
    bin_put_le64(c + 48, bin_checksum(BIN_FNV_OFFSET, c, 48));
    refused(c, n, "offset 8: made by a different version of mvm");
    memcpy(c, b, n);
    c[16] ^= 1;
    bin_put_le64(c + 48, bin_checksum(BIN_FNV_OFFSET, c, 48));
    refused(c, n, "offset 16: made by a different version of mvm");
    memcpy(c, b, n);
    c[n - 1] ^= 1;
    char want[64];
    snprintf(want, sizeof want, "offset %zu: corrupted (the checksum", n - 8);
    refused(c, n, want);
    free(c);
    /* Trailing bytes. */
    c = calloc(n + 8, 1);
    assert_non_null(c);
    memcpy(c, b, n);
    refused(c, n + 8, "after the checksum");
    free(c);
    program_release(p);
    free(b);
}

/* Fields changed inside PROG, checksums sealed again. Most harm is done to the Program
 * before it is encoded (the writer writes what it is given), so the test does not depend
 * on where the encoding puts each field; the rest is done to bytes found by search. */

#define PROG_AT (BIN_HEADER_SIZE + 16)   /* after the section's tag, 0 and length */

/* The offset of the first byte where a and b (n bytes each) differ. */
static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t k = 0;
    while (k < n && a[k] == b[k])
        k++;
    return k;
}

/* The offset of the first occurrence of the str (u32 length + bytes) s in b. */
static size_t find_str(const uint8_t *b, size_t n, const char *s)
{
    size_t len = strlen(s);
    for (size_t k = PROG_AT; k + 4 + len <= n; k++)
        if (b[k] == len && !b[k + 1] && !b[k + 2] && !b[k + 3] && memcmp(b + k + 4, s, len) == 0)
            return k;
    fail_msg("'%s' is not in the image", s);
    return 0;
}

/* Harm the program of sources[0] with harm, encode and seal it, expect a refusal that
 * mentions want; returns the offset the message names. */
static size_t harmed(void (*harm)(Program *), const char *want)
{
    Program *p = assemble(sources[0], strlen(sources[0]));
    harm(p);
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    test_seal(b, n);
    char *msg;
    Program *q = decode(b, n, &msg);
    if (q)
        fail_msg("accepted a harmed program (wanted '%s')", want);
    if (!strstr(msg, want))
        fail_msg("message '%s' (wanted '%s')", msg, want);
    size_t at = 0;
    assert_int_equal(sscanf(msg, "t.mar: error: offset %zu:", &at), 1);
    free(msg);
    program_release(p);
    free(b);
    return at;
}

static void bad_opcode(Program *p)    { p->code[1].op = 0xEE; }
static void bad_register(Program *p)  { p->code[0].a = 200; }
static void literal_beside(Program *p) { p->code[2].b = 1; }   /* ADD G1 1 G1: the 1 names G2 too */
static void bad_target(Program *p)    { p->code[3].imm[0] = 9999; }
static void bad_text(Program *p)      { p->info[1].text = (uint32_t)p->text_len + 5; }
static void bad_call(Program *p)      { p->calls[0].callee_unit = 11; }
static void bad_string(Program *p)    { p->code[4].aux = 5; }
static void bad_aux(Program *p)       { p->code[0].aux = 3; }
static void bad_line_pc(Program *p)   { p->units[0].line_pc[2] = p->units[1].first; }
static void label_unit(Program *p)    { p->labels[0].unit = 9; }
static void label_line(Program *p)    { p->labels[0].line = 0; }
static void label_name(Program *p)    { p->labels[0].name[0] = '9'; }

/* Bytes changed at a found offset, checksums sealed again: refused with want. */
static void poked(size_t (*where)(const uint8_t *, size_t), const uint8_t *bytes, size_t nbytes,
                  const char *want)
{
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    size_t at = where(b, n);
    assert_true(at + nbytes <= n - BIN_TAIL_SIZE);
    memcpy(b + at, bytes, nbytes);
    test_seal(b, n);
    refused(b, n, want);
    program_release(p);
    free(b);
}

/* The program's path, its unit count (one byte), unit 0's size (after its path and
 * name), the label count (before the first label, "loop"), that label's name. */
static size_t at_path(const uint8_t *b, size_t n)   { (void)n; (void)b; return PROG_AT; }
static size_t at_nunits(const uint8_t *b, size_t n) { (void)n; return PROG_AT + 4 + b[PROG_AT]; }
static size_t at_size(const uint8_t *b, size_t n)   { return find_str(b, n, "main") + 4 + 4; }
static size_t at_nlabels(const uint8_t *b, size_t n) { return find_str(b, n, "loop") - 1; }
static size_t at_label(const uint8_t *b, size_t n)  { return find_str(b, n, "loop") + 4; }

static void mutated_fields_are_refused(void **state)
{
    (void)state;
    harmed(bad_register, "instruction 0");
    harmed(literal_beside, "instruction 2");
    harmed(bad_target, "jump target");
    harmed(bad_text, "source information");
    harmed(bad_call, "call site 0");
    harmed(bad_string, "string");
    harmed(bad_aux, "stray aux");
    harmed(bad_line_pc, "maps outside the unit");
    harmed(label_unit, "label 0");
    harmed(label_line, "label 0");
    harmed(label_name, "not a valid label name");
    static const uint8_t huge32[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, zero[] = { 0 }, nul[] = { 'l', 0 },
                         long_str[] = { 0, 0, 0, 0x10 }, overlong[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                                                          0x80, 0x80, 0x80, 0x80, 0x80 },
                         more[] = { 2 + 10 };
    poked(at_path, long_str, sizeof long_str, "string is longer");
    poked(at_nunits, huge32, sizeof huge32, "too many units");
    poked(at_nunits, zero, sizeof zero, "");
    poked(at_nunits, overlong, sizeof overlong, "a number is malformed");
    poked(at_size, huge32, sizeof huge32, "more instructions than the file");
    poked(at_nlabels, more, sizeof more, "");
    poked(at_label, nul, sizeof nul, "NUL");
    /* The offset names the field at fault: the start of the instruction the verifier
     * refused, which is where the harmed opcode byte differs from the good encoding. */
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *good, *bad;
    size_t n, n2;
    encode(p, &good, &n);
    bad_opcode(p);
    encode(p, &bad, &n2);
    assert_int_equal(n, n2);
    size_t op1 = first_difference(good, bad, n);
    program_release(p);
    assert_int_equal(harmed(bad_opcode, "unknown opcode"), op1);
    /* A form byte with its unused top bit set: the byte after that opcode. */
    memcpy(bad, good, n);
    bad[op1 + 1] |= 0x80;
    test_seal(bad, n);
    char want[64];
    snprintf(want, sizeof want, "offset %zu: an instruction's form is malformed", op1);
    refused(bad, n, want);
    /* Not a PROG section. */
    memcpy(bad, good, n);
    bad[BIN_HEADER_SIZE] = 'Q';
    test_seal(bad, n);
    refused(bad, n, "sections out of order");
    free(good);
    free(bad);
}

/* Every byte of PROG set to a few values, checksums sealed: refused or accepted, never a
 * crash (ASan judges). Accepted programs must verify. */
static void every_sealed_byte_is_safe(void **state)
{
    (void)state;
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    uint8_t *c = malloc(n);
    assert_non_null(c);
    static const uint8_t values[] = { 0x00, 0x01, 0x7F, 0x80, 0xFF };
    for (size_t k = BIN_HEADER_SIZE; k < n - BIN_TAIL_SIZE; k++)
        for (size_t v = 0; v < sizeof values; v++) {
            memcpy(c, b, n);
            c[k] = values[v];
            test_seal(c, n);
            char *msg;
            Program *q = decode(c, n, &msg);
            if (!q && strncmp(msg, "t.mar: error: offset ", 21) != 0)
                fail_msg("byte %zu = %u: message '%s'", k, values[v], msg);
            program_release(q);
            free(msg);
        }
    free(c);
    program_release(p);
    free(b);
}

static void write_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/mvm-mar.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/t.mar", dir);
    Program *p = assemble(sources[0], strlen(sources[0]));
    assert_int_equal(mar_write_file(p, path, stderr), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t *b;
    size_t len;
    encode(p, &b, &len);
    assert_int_equal(n, len);
    assert_memory_equal(buf, b, n);
    free(b);
    char *msg = NULL;
    size_t mlen = 0;
    FILE *err = open_memstream(&msg, &mlen);
    char bad[80];
    snprintf(bad, sizeof bad, "%s/no/such/dir/t.mar", dir);
    assert_int_equal(mar_write_file(p, bad, err), -1);
    fclose(err);
    assert_non_null(strstr(msg, "cannot write"));
    free(msg);
    unlink(path);
    rmdir(dir);
    program_release(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(every_program_round_trips),
        cmocka_unit_test(contents_survive),
        cmocka_unit_test(every_truncation_is_refused),
        cmocka_unit_test(every_flipped_byte_is_refused),
        cmocka_unit_test(mutated_fields_are_refused),
        cmocka_unit_test(every_sealed_byte_is_safe),
        cmocka_unit_test(write_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
