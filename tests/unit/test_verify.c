/*
 * test_verify.c - program_verify (vm/verify.c): it accepts everything the assembler
 * produces and refuses each kind of field the interpreter must not trust.
 *
 * Every .kar under tests/programs and examples that assembles must verify (the verifier
 * and the assembler's encoding agree); then one field at a time of a small program is
 * damaged and must be refused with a message naming the instruction or table.
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

#include "asm/asm.h"
#include "vm/verify.h"

static FILE *devnull;
static int checked;

static int verify_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (flag != FTW_F || n < 4 || strcmp(path + n - 4, ".kar") != 0)
        return 0;
    Program *p = asm_assemble_file(path, &(AsmOptions){ 0 }, devnull, NULL);
    if (!p)
        return 0;   /* an assembly-error test */
    char msg[200];
    if (program_verify(p, msg, sizeof msg) != 0)
        fail_msg("%s: %s", path, msg);
    program_release(p);
    checked++;
    return 0;
}

static void assembled_programs_verify(void **state)
{
    (void)state;
    devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    assert_int_equal(nftw("tests/programs", verify_file, 16, FTW_PHYS), 0);
    assert_int_equal(nftw("examples", verify_file, 16, FTW_PHYS), 0);
    fclose(devnull);
    assert_true(checked > 300);
}

static const char *src =
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
    "end:    NOP\n";

/* Assemble src, damage it with `harm`, expect a refusal mentioning `want`. */
static void refused(void (*harm)(Program *), const char *want)
{
    Program *p = asm_assemble_source("v.kar", src, strlen(src), &(AsmOptions){ 0 }, stderr, NULL);
    assert_non_null(p);
    char msg[200];
    assert_int_equal(program_verify(p, msg, sizeof msg), 0);
    harm(p);
    assert_int_equal(program_verify(p, msg, sizeof msg), -1);
    if (!strstr(msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", msg, want);
    program_release(p);
}

static void literal_beside_register(Program *p) { p->code[1].imm[0] = INT64_MAX; }
static void literal_beside_arg(Program *p) { p->calls[0].imm[0] = 1; }
static void unused_arg_slot(Program *p) { p->calls[1].reg[5] = REG_G1; }
static void too_many_args(Program *p) { p->calls[1].nargs = MAX_CALL_ARGS + 1; }
static void bad_register(Program *p) { p->code[0].a = REG_ZERO; }
static void reads_pc_register(Program *p) { p->code[1].a = REG_PC; p->code[1].mask = 0; }
static void bad_opcode(Program *p) { p->code[0].op = OP_COUNT; }
static void stray_end(Program *p) { p->code[0].op = OP_END; }
static void jump_out_of_unit(Program *p) { p->code[3].imm[0] = p->units[0].end + 1; }
static void negative_jump(Program *p) { p->code[3].imm[0] = -1; }
static void bad_string(Program *p) { p->code[4].aux = p->nstrings; }
static void bad_call_site(Program *p) { p->code[5].aux = p->ncalls; }
static void call_into_wrong_unit(Program *p) { p->code[5].imm[0] = 0; }
static void bad_type(Program *p) { p->code[7].aux = TYPE_COUNT; }
static void wrong_mask(Program *p) { p->code[2].mask = 0; }
static void line_table(Program *p) { p->units[0].line_pc[2] = p->ncode; }
static void unit_gap(Program *p) { p->units[1].first++; }
static void text_offset(Program *p) { p->info[0].text = (uint32_t)p->text_len; }
static void info_unit(Program *p) { p->info[0].unit = p->nunits; }
static void flag_form(Program *p) { p->code[2].aux = 1; }
static void label_unit(Program *p) { p->labels[0].unit = p->nunits; }
static void label_line0(Program *p) { p->labels[0].line = 0; }
static void label_past_end(Program *p) { p->labels[1].line = p->units[p->labels[1].unit].nlines + 1; }
static void label_digit(Program *p) { p->labels[0].name[0] = '1'; }
static void label_empty(Program *p) { p->labels[0].name[0] = '\0'; }
static void label_space(Program *p) { p->labels[0].name[1] = ' '; }

static void damaged_fields_are_refused(void **state)
{
    (void)state;
    refused(literal_beside_register, "literal beside a register");
    refused(literal_beside_arg, "argument 1");
    refused(unused_arg_slot, "argument 6");
    refused(too_many_args, "call site 1");
    refused(bad_register, "instruction 0");
    refused(reads_pc_register, "instruction 1");
    refused(bad_opcode, "unknown opcode");
    refused(stray_end, "misplaced");
    refused(jump_out_of_unit, "outside its unit");
    refused(negative_jump, "outside its unit");
    refused(bad_string, "string");
    refused(bad_call_site, "call site");
    refused(call_into_wrong_unit, "not in unit");
    refused(bad_type, "unknown type");
    refused(wrong_mask, "mask");
    refused(line_table, "line 2");
    refused(unit_gap, "unit 1");
    refused(text_offset, "source information");
    refused(info_unit, "source information");
    refused(flag_form, "stray aux");
    refused(label_unit, "label 0");
    refused(label_line0, "label 0");
    refused(label_past_end, "label 1");
    refused(label_digit, "not a valid label name");
    refused(label_empty, "not a valid label name");
    refused(label_space, "not a valid label name");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assembled_programs_verify),
        cmocka_unit_test(damaged_fields_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
