/*
 * debug_cmd.h - `mvm debug FILE.kar [run options] [--input FILE] [-- ARGS]` (SPEC 9).
 */
#ifndef MVM_DEBUG_CMD_H
#define MVM_DEBUG_CMD_H

#include "../kernel/kernel.h"

/* Run an interactive (or scripted) debugging session of prog, started with argv as its
 * arguments and input (a host file, or NULL: no input) as its standard input. Commands
 * come from standard input; the debugger talks on standard error. Returns mvm's status. */
int debug_session(Program *prog, const VmOptions *opt, int argc, char **argv, const char *input);

#endif
