/*
 * help.h - the help database: instructions, system calls and error codes, generated from
 * their tables (opcodes.def, syscalls.def, errors.def) so help never drifts from them.
 */
#ifndef MVM_HELP_H
#define MVM_HELP_H

#include <stdio.h>

/* Print help for a topic: a mnemonic or syscall name (case-insensitive), "syscall N" or
 * "error N". Returns 0, or -1 (after printing suggestions) when the topic is unknown. */
int help_print_topic(FILE *out, const char *topic);
/* True when help_print_topic knows the topic (the assembler checks HELP operands). */
int help_topic_exists(const char *topic);
/* The overview printed by `mvm help`. */
void help_print_overview(FILE *out);

#endif
