/*
 * test_fused.c - superinstructions (vm/fused.c): which pairs the pass fuses, and that
 * nothing that shows or saves a program can tell (op_base, bytecode, capabilities).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "asm/bytecode.h"
#include "vm/caps.h"
#include "vm/fused.h"

static Program *assemble(const char *src)
{
    int nerrors = 0;
    Program *p = asm_assemble_source("t.kar", src, strlen(src), NULL, stderr, &nerrors);
    assert_non_null(p);
    assert_int_equal(nerrors, 0);
    return p;
}

static const char loop[] = "        LIT G1 0\n"
                           "        LIT G2 0\n"
                           "again:  ADD G1 1 G1\n"
                           "        LT G1 10\n"
                           "        JZ again\n"
                           "        LOAD 5 G3\n"
                           "        JNZ again G3\n"
                           "        PRINTR G1\n";

/* Fused from the last pair to the first, each with what its successor became. */
static void pairs_and_chains(void **state)
{
    Program *p = assemble(loop);
    prog_fuse(p);
    assert_int_equal(p->code[0].op, OP_LIT_LIT);
    assert_int_equal(p->code[1].op, OP_LIT);      /* (LIT, ADD_LT_JZ): no such pair */
    assert_int_equal(p->code[2].op, OP_ADD_LT_JZ);
    assert_int_equal(p->code[3].op, OP_LT_JZ);
    assert_int_equal(p->code[4].op, OP_JZ);
    assert_int_equal(p->code[5].op, OP_LOAD_JNZ);
    assert_int_equal(p->code[6].op, OP_JNZ);
    assert_int_equal(p->code[7].op, OP_PRINTR);
    /* op_base gives back what was written */
    assert_int_equal(op_base(p->code[2].op), OP_ADD);
    assert_int_equal(op_base(p->code[3].op), OP_LT);
    assert_int_equal(op_base(p->code[5].op), OP_LOAD);
    assert_int_equal(op_base(OP_PRINTR), OP_PRINTR);
    /* once only */
    prog_fuse(p);
    assert_int_equal(p->code[2].op, OP_ADD_LT_JZ);
    program_release(p);
}

/* Bytecode of a running (fused) program is the bytecode of the program as written. */
static void bytecode_sees_plain_opcodes(void **state)
{
    Program *plain = assemble(loop), *fused = assemble(loop);
    prog_fuse(fused);
    size_t n1 = 0, n2 = 0;
    uint8_t *b1 = NULL, *b2 = NULL;
    assert_int_equal(mar_encode(plain, &b1, &n1), 0);
    assert_int_equal(mar_encode(fused, &b2, &n2), 0);
    assert_non_null(b1);
    assert_non_null(b2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
    program_release(plain);
    program_release(fused);
}

/* A LIT fused with the LIT after it still writes S1 for the capability analysis. */
static void capabilities_see_plain_opcodes(void **state)
{
    Program *p = assemble("        LIT S1 8\n        LIT S2 0\n        SYSCALL\n");
    uint64_t before = prog_syscall_caps(p);
    prog_fuse(p);
    assert_int_equal(p->code[0].op, OP_LIT_LIT);
    assert_int_equal(prog_syscall_caps(p), before);
    program_release(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairs_and_chains),
        cmocka_unit_test(bytecode_sees_plain_opcodes),
        cmocka_unit_test(capabilities_see_plain_opcodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
