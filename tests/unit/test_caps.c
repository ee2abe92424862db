/*
 * test_caps.c - which system calls a program can make, found without running it
 * (vm/caps.c; docs/engine.md, "Capabilities").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "asm/asm.h"
#include "vm/caps.h"

#define BIT(n) (UINT64_C(1) << (n))

static uint64_t caps_of(const char *src)
{
    int nerrors = 0;
    Program *p = asm_assemble_source("t.kar", src, strlen(src), NULL, stderr, &nerrors);
    assert_non_null(p);
    assert_int_equal(nerrors, 0);
    uint64_t caps = prog_syscall_caps(p);
    program_release(p);
    return caps;
}

/* bench/procs.kar's calls: fork, wait, yield, writeIo, exit, each set by LIT S1. */
static void literal_calls_only(void **state)
{
    uint64_t c = caps_of("        LIT S1 8\n        SYSCALL\n"
                         "        LIT S1 15\n        LIT S2 0\n        SYSCALL\n"
                         "        LIT S1 37\n        SYSCALL\n"
                         "        LIT S1 24\n        SYSCALL\n"
                         "        LIT S1 SYS_EXIT\n        SYSCALL\n");
    /* S1 starts at 0 too, which names no call. */
    assert_int_equal(c, BIT(0) | BIT(6) | BIT(8) | BIT(15) | BIT(24) | BIT(37));
}

/* Copies carry values: MOV, SWP and CALL arguments, through any number of registers. */
static void copies_carry_values(void **state)
{
    uint64_t c = caps_of("        LIT G1 19\n        MOV G1 G2\n        MOV G2 S1\n"
                         "        LIT G3 10\n        SWP G3 S1\n"
                         "        CALL f 0 11\n        RET\n"
                         "f:      MOV F2 G4\n        MOV G4 S1\n        SYSCALL\n        RET\n");
    assert_int_equal(c, BIT(0) | BIT(10) | BIT(11) | BIT(19));
    assert_int_equal(caps_of("        MOV 30 S1\n        SYSCALL\n"), BIT(0) | BIT(30));
}

/* A value the program computes or fetches may be anything. */
static void computed_values_are_any(void **state)
{
    assert_true(caps_of("        LIT G1 3\n        ADD G1 5 S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        PUSH 19\n        POP S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        LOAD 100 S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        MOV R2 G1\n        MOV G1 S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        LT G1 2\n        MOV R4 S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        INR G1\n        MOV R6 S1\n        SYSCALL\n") == CAPS_ANY);
    assert_true(caps_of("        MOV F1 S1\n        SYSCALL\n") == CAPS_ANY);   /* the kernel's F1 */
    assert_true(caps_of("        SETTYPE S1 Byte\n        SYSCALL\n") == CAPS_ANY);
    /* ...but only where it can reach S1. */
    assert_int_equal(caps_of("        ADD G1 5 G2\n        POP G3\n        LIT S1 16\n        SYSCALL\n"),
                     BIT(0) | BIT(16));
}

/* Library functions are part of the program: io.println writes with writeIo (24), and
 * keeps the caller's S1 in a register it copies back. */
static void library_functions_count(void **state)
{
    uint64_t c = caps_of("        STR G1 \"hi\"\n        CALL io.println G1\n");
    assert_int_equal(c, BIT(0) | BIT(24) | BIT(36));   /* writeIo, and deviceWrite for the newline */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_calls_only),
        cmocka_unit_test(copies_carry_values),
        cmocka_unit_test(computed_values_are_any),
        cmocka_unit_test(library_functions_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
