/*
 * test_help.c - every instruction, system call, error code and library function has a
 * help topic, checked by walking the tables themselves (opcodes.def, syscalls.def,
 * errors.def, the embedded library): a new row without help fails here. Also: each
 * library file opens with the comment block HELP prints (usage, arguments, result,
 * registers, instructions, example), and the library assembles and links.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "asm/asm.h"
#include "tables/syscall_table.h"
#include "stdlib/stdlib_index.h"
#include "vm/errors.h"
#include "vm/help.h"
#include "vm/opcodes.h"

/* What help_print_topic prints for topic (a new string), or NULL when it fails. */
static char *help_text(const char *topic)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = help_print_topic(f, topic);
    fclose(f);
    if (rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void every_opcode_has_help(void **state)
{
    (void)state;
    for (int op = 0; op < OP_END; op++) {
        const OpInfo *o = &op_info[op];
        assert_true(o->help && o->help[0]);
        assert_true(o->example && o->example[0]);
        char *t = help_text(o->mnemonic);
        if (!t)
            fail_msg("no help for instruction %s", o->mnemonic);
        assert_non_null(strstr(t, "example:"));
        free(t);
        assert_true(help_topic_exists(o->mnemonic));
    }
}

static void every_syscall_has_help(void **state)
{
    (void)state;
    for (int n = 1; n <= SYS_MAX; n++) {
        if (!syscall_info[n].name)
            continue;
        char topic[32];
        snprintf(topic, sizeof topic, "syscall %d", n);
        char *a = help_text(topic), *b = help_text(syscall_info[n].name);
        if (!a || !b)
            fail_msg("no help for system call %d", n);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void every_error_has_help(void **state)
{
    (void)state;
    for (int code = 1; code <= ERR_MAX; code++) {
        char topic[32];
        snprintf(topic, sizeof topic, "error %d", code);
        char *t = help_text(topic);
        if (!t)
            fail_msg("no help for error %d", code);
        assert_non_null(strstr(t, error_info[code].name));
        free(t);
    }
}

static void every_library_function_has_help(void **state)
{
    (void)state;
    static const char *const fields[] = { "usage:", "arguments:", "result:", "registers:",
                                          "instructions:", "example:" };
    assert_true(stdlib_nfiles >= 31);
    for (size_t i = 0; i < stdlib_nfiles; i++) {
        char name[128];
        stdlib_call_name(stdlib_files[i].path, name, sizeof name);
        char *t = help_text(name);
        if (!t)
            fail_msg("no help for library function %s", name);
        assert_true(strncmp(t, name, strlen(name)) == 0);
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (!strstr(t, fields[k]))
                fail_msg("help for %s lacks '%s'", name, fields[k]);
        free(t);
    }
}

static void aliases_and_bare_names(void **state)
{
    (void)state;
    char *a = help_text("math.sqrt"), *b = help_text("maths.sqrt"), *c = help_text("sqrt");
    assert_non_null(a);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    free(a), free(b), free(c);
    a = help_text("conversion.findFirstString");
    b = help_text("strings.findFirstString");
    assert_non_null(a);
    assert_string_equal(a, b);
    free(a), free(b);
    assert_null(help_text("Strings.strlen"));   /* library names are case-sensitive */
    assert_null(help_text("strings.nosuch"));
    assert_null(help_text("../strings.strlen"));
    assert_non_null((a = help_text("add")));    /* mnemonics are not */
    free(a);
}

/* Every library function assembles, with its calls to other library functions linked. */
static void library_assembles(void **state)
{
    (void)state;
    for (size_t i = 0; i < stdlib_nfiles; i++) {
        char name[128], src[200];
        stdlib_call_name(stdlib_files[i].path, name, sizeof name);
        snprintf(src, sizeof src, "CALL %s 1 2 3\n", name);
        int nerrors = -1;
        AsmOptions opt = { 0 };
        Program *p = asm_assemble_source("t.kar", src, strlen(src), &opt, stderr, &nerrors);
        if (!p)
            fail_msg("%s does not assemble", name);
        assert_int_equal(nerrors, 0);
        assert_true(p->nunits >= 2);
        assert_string_equal(p->units[1].name, name);
        program_release(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_opcode_has_help),
        cmocka_unit_test(every_syscall_has_help),
        cmocka_unit_test(every_error_has_help),
        cmocka_unit_test(every_library_function_has_help),
        cmocka_unit_test(aliases_and_bare_names),
        cmocka_unit_test(library_assembles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
