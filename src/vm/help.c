/*
 * help.c - help text for instructions, system calls and errors, read from their tables.
 */
#include "help.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../kernel/syscall_table.h"
#include "errors.h"
#include "opcodes.h"

static void print_op(FILE *out, int op)
{
    const OpInfo *o = &op_info[op];
    fprintf(out, "%s - instruction\n  usage:   %s\n  does:    %s\n", o->mnemonic, o->synopsis, o->help);
    if (o->default_dst != REG_NONE)
        fprintf(out, "  result:  %s when dst is omitted\n", reg_name(o->default_dst));
    fprintf(out, "  example: %s\n", o->example);
}

static void print_syscall(FILE *out, int n)
{
    const SyscallInfo *s = &syscall_info[n];
    fprintf(out, "%s - system call %d\n  usage:   LIT S1 %d", s->name, n, n);
    static const char *const regs[3] = { "S2", "S3", "S4" };
    for (int i = 0; i < 3; i++)
        if (s->args[i][0])
            fprintf(out, ", %s = %s", regs[i], s->args[i]);
    fprintf(out, ", then SYSCALL\n  does:    %s\n", s->result);
    fprintf(out, "  status:  I5 = 1 on success; on failure I5 = 0, I6 = 1, I7 = error code, R2 = -1\n");
    fprintf(out, "  example: LIT S1 %d\n           SYSCALL\n", n);
}

static void print_error(FILE *out, int code)
{
    fprintf(out, "%s - error %d\n  meaning: %s\n  as a fault it raises signal %d\n", error_info[code].name, code,
            error_info[code].why, error_info[code].signal);
}

/* Parse "syscall N" / "error N"; returns N or -1. */
static long numbered(const char *topic, const char *word)
{
    size_t n = strlen(word);
    if (strncasecmp(topic, word, n) != 0 || topic[n] != ' ')
        return -1;
    char *end;
    long v = strtol(topic + n + 1, &end, 10);
    return *end == 0 ? v : -1;
}

static int resolve(const char *topic, FILE *out)
{
    int op = op_lookup(topic, (int)strlen(topic));
    if (op >= 0) {
        if (out) print_op(out, op);
        return 1;
    }
    int sys = syscall_lookup(topic, (int)strlen(topic));
    long n = numbered(topic, "syscall");
    if (sys < 0 && n >= 1 && n <= SYS_MAX && syscall_info[n].name)
        sys = (int)n;
    if (sys >= 0) {
        if (out) print_syscall(out, sys);
        return 1;
    }
    n = numbered(topic, "error");
    if (n >= 1 && n <= ERR_MAX) {
        if (out) print_error(out, (int)n);
        return 1;
    }
    return 0;
}

int help_topic_exists(const char *topic) { return resolve(topic, NULL); }

int help_print_topic(FILE *out, const char *topic)
{
    return resolve(topic, out) ? 0 : -1;
}

void help_print_overview(FILE *out)
{
    fprintf(out, "MVM - Micro Virtual Machine\n\n"
                 "usage: mvm run FILE.kar [options] [-- ARGS...]   assemble and run a program (alias: irun)\n"
                 "       mvm check FILE.kar                         assemble only, report errors\n"
                 "       mvm tokenise FILE.kar                      print the parsed instructions\n"
                 "       mvm resume SNAPSHOT [options]              continue a saved machine\n"
                 "       mvm vfs [--vfs FILE] ls|cat|put|get|rm|mkdir|info ...   use the VFS image\n"
                 "       mvm help [TOPIC]                           help on an instruction, system call or error\n"
                 "       mvm version                                print the version\n\n"
                 "options: --quantum N --memory WORDS --stack WORDS --max-processes N --max-steps N\n"
                 "         --trace --stats --seed N --config FILE --vfs FILE\n"
                 "         --snapshot-every N --snapshot FILE\n\n"
                 "instructions:");
    for (int op = 0; op < OP_END; op++)
        fprintf(out, "%s%s", op % 10 == 0 ? "\n  " : " ", op_info[op].mnemonic);
    fprintf(out, "\n\nsystem calls:");
    for (int n = 1, k = 0; n <= SYS_MAX; n++)
        if (syscall_info[n].name)
            fprintf(out, "%s%d %s", k++ % 6 == 0 ? "\n  " : "  ", n, syscall_info[n].name);
    fprintf(out, "\n\ntopics: mvm help ADD, mvm help fork, mvm help syscall 8, mvm help error 7\n");
}
