/*
 * test_constants.c - every row of each table the built-in constants come from
 * (syscalls.def, signals.def, errors.def, devices.def) yields its constant, spelt by the
 * rule of SPEC 1 (prefix + the row's name in capitals, "Exception" dropped), with the
 * row's number; the assembler reads each one as that number; and nothing else is a
 * constant. The rows are expanded here from the .def files themselves, so a new row is
 * checked without touching this file.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "asm/asm.h"
#include "vm/constants.h"

typedef struct Expect { const char *prefix; const char *name; int64_t value; } Expect;

static const Expect rows[] = {
#define SYS(e, n, name, fn, s2, s3, s4, res) { "SYS_", name, n },
#include "tables/syscalls.def"
#undef SYS
#define SIG(e, n, name, act) { "SIG_", name, n },
#include "tables/signals.def"
#undef SIG
#define ERR(e, code, name, sig, why) { "ERR_", name, code },
#include "vm/errors.def"
#undef ERR
#define DEV(e, n, name, rd, wr) { "DEV_", name, n },
#include "tables/devices.def"
#undef DEV
};
enum { NROWS = sizeof rows / sizeof rows[0] };

/* The spelling rule, written out independently of constants.c. */
static void spell(const Expect *r, char *out, size_t cap)
{
    size_t n = strlen(r->name), k = strlen(r->prefix);
    if (strcmp(r->prefix, "ERR_") == 0 && n > 9 && strcmp(r->name + n - 9, "Exception") == 0)
        n -= 9;
    assert_true(k + n < cap);
    memcpy(out, r->prefix, k);
    for (size_t i = 0; i < n; i++)
        out[k + i] = (char)toupper((unsigned char)r->name[i]);
    out[k + n] = '\0';
}

static void every_row_yields_its_constant(void **state)
{
    (void)state;
    assert_int_equal(constant_count(), NROWS);
    for (size_t i = 0; i < NROWS; i++) {
        char name[64];
        spell(&rows[i], name, sizeof name);
        const Constant *c = constant_find(name, strlen(name));
        if (!c)
            fail_msg("no constant %s for row %s", name, rows[i].name);
        assert_int_equal(c->value, rows[i].value);
        assert_string_equal(c->row, rows[i].name);
        assert_ptr_equal(constant_at(i), c);
    }
}

static void the_spec_examples(void **state)
{
    (void)state;
    static const struct { const char *name; int64_t value; } ex[] = {
        { "SYS_FORK", 8 }, { "SYS_WRITEIO", 24 }, { "SYS_SHARE_M", 10 }, { "SYS_GETPID", 16 },
        { "SYS_HANDLESIGNALS", 18 }, { "SIG_USR1", 30 }, { "SIG_CHLD", 20 },
        { "ERR_WOULDBLOCK", 30 }, { "ERR_FILEACCESS", 9 }, { "ERR_INVALIDMEMORYADDRESS", 2 },
        { "ERR_PROCESSNOTFOUND", 29 }, { "DEV_CLOCK", 0 }, { "DEV_RANDOM", 1 },
        { "DEV_CONSOLE", 2 },
    };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        const Constant *c = constant_find(ex[i].name, strlen(ex[i].name));
        if (!c)
            fail_msg("no constant %s", ex[i].name);
        assert_int_equal(c->value, ex[i].value);
    }
}

static void near_misses_are_not_constants(void **state)
{
    (void)state;
    static const char *const no[] = { "sys_fork", "SYS_Fork", "SYS_", "SYS_FORKX", "SYS_FOR",
                                      "ERR_WOULDBLOCKEXCEPTION", "SIG_SIGUSR1", "USR1", "DEV_" };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (constant_find(no[i], strlen(no[i])))
            fail_msg("%s should not be a constant", no[i]);
    const Constant *c = constant_nearest("sys_fork", 8);
    assert_non_null(c);
    assert_string_equal(c->name, "SYS_FORK");
}

/* The assembler reads every constant as its number (LIT G1 NAME). */
static void the_assembler_reads_each_constant(void **state)
{
    (void)state;
    for (size_t i = 0; i < constant_count(); i++) {
        const Constant *c = constant_at(i);
        char src[160];
        snprintf(src, sizeof src, "LIT G1 %s\nPUSH %s\n", c->name, c->name);
        FILE *devnull = fopen("/dev/null", "w");
        int nerr = 0;
        Program *p = asm_assemble_source("t.kar", src, strlen(src), NULL, devnull, &nerr);
        fclose(devnull);
        if (!p)
            fail_msg("%s does not assemble (%d errors)", c->name, nerr);
        assert_int_equal(p->code[0].imm[1], c->value);
        assert_int_equal(p->code[1].imm[0], c->value);
        program_release(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_yields_its_constant),
        cmocka_unit_test(the_spec_examples),
        cmocka_unit_test(near_misses_are_not_constants),
        cmocka_unit_test(the_assembler_reads_each_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
