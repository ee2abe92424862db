/*
 * help.h - the help database: instructions, system calls, error codes and library
 * functions, generated from their tables (opcodes.def, syscalls.def, errors.def) and the
 * library files' comment blocks, so help never drifts from them.
 */
#ifndef MVM_HELP_H
#define MVM_HELP_H

#include <stdio.h>

/* Print help for a topic: a mnemonic or syscall name (case-insensitive), "syscall N",
 * "error N" or a library function ("io.println", "math.sqrt", a bare "strlen"; library
 * names are case-sensitive). Returns 0, or -1 when the topic is unknown. */
int help_print_topic(FILE *out, const char *topic);
/* Print "did you mean: A B C" with the topics nearest an unknown one (nothing if none). */
void help_suggest(FILE *out, const char *topic);
/* The topic nearest an unknown one (the first help_suggest offers), or NULL; the
 * string stays valid until the next call. */
const char *help_nearest(const char *topic);
/* True when help_print_topic knows the topic (the assembler checks HELP operands). */
int help_topic_exists(const char *topic);
/* The overview printed by `mvm help`. */
void help_print_overview(FILE *out);

#endif
