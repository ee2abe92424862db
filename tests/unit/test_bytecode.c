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
    c[8] = 2;
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

/* Where the fields of the first program start, as progio.c lays them out. */
typedef struct Layout {
    size_t prog;         /* the Program's encoding */
    size_t code, info;   /* the instruction and line tables */
    size_t nunits;       /* the unit count */
    size_t after_units;  /* ncalls */
    size_t labels;       /* nlabels */
} Layout;

static uint32_t get32(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static void put32(uint8_t *b, uint32_t v) { for (int i = 0; i < 4; i++, v >>= 8) b[i] = (uint8_t)v; }

static Layout layout(const uint8_t *b)
{
    Layout l;
    size_t at = BIN_HEADER_SIZE + 16;    /* section tag, 0, length */
    l.prog = at;
    at += 4 + get32(b + at);             /* path */
    uint32_t ncode = get32(b + at);
    l.code = at + 4;
    l.info = l.code + 40 * (size_t)ncode;
    at = l.info + 16 * (size_t)ncode;
    l.nunits = at;
    uint32_t nunits = get32(b + at);
    at += 4;
    for (uint32_t u = 0; u < nunits; u++) {
        at += 4 + get32(b + at);         /* path */
        at += 4 + get32(b + at);         /* name */
        at += 8;
        at += 4 + 4 * ((size_t)get32(b + at) + 2);
    }
    l.after_units = at;
    at += 4 + 98 * (size_t)get32(b + at);
    uint32_t nstrings = get32(b + at);
    at += 4;
    for (uint32_t i = 0; i < nstrings; i++)
        at += 4 + get32(b + at);
    at += 8 + (size_t)bin_get_le64(b + at);
    l.labels = at;
    return l;
}

/* Apply harm to a copy of the image of sources[0], seal it, expect a refusal mentioning
 * want. */
static void mutated(void (*harm)(uint8_t *, const Layout *), const char *want)
{
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    Layout l = layout(b);
    assert_int_equal(get32(b + l.labels), p->nlabels);
    harm(b, &l);
    test_seal(b, n);
    refused(b, n, want);
    program_release(p);
    free(b);
}

static void bad_opcode(uint8_t *b, const Layout *l)    { b[l->code + 40] = 0xEE; }
static void bad_register(uint8_t *b, const Layout *l)  { b[l->code + 1] = 200; }
static void literal_beside(uint8_t *b, const Layout *l)
{
    b[l->code + 40 * 2 + 2] = 1;   /* ADD G1 1 G1: the literal 1's slot names G2 */
}
static void bad_target(uint8_t *b, const Layout *l)    { put32(b + l->code + 40 * 3 + 16, 9999); }
static void bad_line(uint8_t *b, const Layout *l)      { put32(b + l->info + 8, 77); }
static void bad_text(uint8_t *b, const Layout *l)      { put32(b + l->info + 12, 0xFFFFFFFF); }
static void huge_count(uint8_t *b, const Layout *l)    { put32(b + l->code - 4, 0xFFFFFFFF); }
static void huge_units(uint8_t *b, const Layout *l)    { put32(b + l->nunits, 0x7FFFFFFF); }
static void no_units(uint8_t *b, const Layout *l)      { put32(b + l->nunits, 0); }
static void bad_call(uint8_t *b, const Layout *l)      { put32(b + l->after_units + 4, 11); }
static void bad_string(uint8_t *b, const Layout *l)    { put32(b + l->code + 40 * 4 + 4, 5); }
static void long_path(uint8_t *b, const Layout *l)     { put32(b + l->prog, 0x10000000); }
static void label_unit(uint8_t *b, const Layout *l)    { put32(b + l->labels + 4 + 4 + 4, 9); }
static void label_line(uint8_t *b, const Layout *l)    { put32(b + l->labels + 4 + 4 + 4 + 4, 0); }
static void label_name(uint8_t *b, const Layout *l)    { b[l->labels + 4 + 4] = '9'; }
static void label_nul(uint8_t *b, const Layout *l)     { b[l->labels + 4 + 4 + 1] = 0; }
static void label_count(uint8_t *b, const Layout *l)   { put32(b + l->labels, get32(b + l->labels) + 1); }
static void bad_mask(uint8_t *b, const Layout *l)      { b[l->code + 8] ^= 0x10; }
static void bad_section(uint8_t *b, const Layout *l)   { b[BIN_HEADER_SIZE] = 'Q'; }

static void mutated_fields_are_refused(void **state)
{
    (void)state;
    mutated(bad_opcode, "unknown opcode");
    mutated(bad_register, "instruction 0");
    mutated(literal_beside, "instruction 2");
    mutated(bad_target, "jump target");
    mutated(bad_line, "source information");
    mutated(bad_text, "source information");
    mutated(huge_count, "too many instructions");
    mutated(huge_units, "too many units");
    mutated(no_units, "");
    mutated(bad_call, "call site 0");
    mutated(bad_string, "string");
    mutated(long_path, "string is longer");
    mutated(label_unit, "label 0");
    mutated(label_line, "label 0");
    mutated(label_name, "not a valid label name");
    mutated(label_nul, "NUL");
    mutated(label_count, "");
    mutated(bad_mask, "mask");
    mutated(bad_section, "sections out of order");
    /* The offset names the field at fault: the instruction the verifier refused. */
    Program *p = assemble(sources[0], strlen(sources[0]));
    uint8_t *b;
    size_t n;
    encode(p, &b, &n);
    Layout l = layout(b);
    bad_opcode(b, &l);
    test_seal(b, n);
    char want[64];
    snprintf(want, sizeof want, "offset %zu: instruction 1", l.code + 40);
    refused(b, n, want);
    program_release(p);
    free(b);
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
