/*
 * debug_cmd.h - `mvm debug FILE.kar [run options] [--input FILE] [--tty]
 * [--save-interval N] [-- ARGS]` (SPEC 9, docs/debugger.md).
 */
#ifndef MVM_DEBUG_CMD_H
#define MVM_DEBUG_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "../kernel/kernel.h"

/* Where a session reads its commands and talks, and the program's own streams. */
typedef struct DebugIo {
    FILE    *commands;       /* the commands, one a line */
    FILE    *talk;           /* where the debugger talks */
    bool     terminal;       /* commands typed on a terminal: prompt, line editing, history,
                                Ctrl-C interrupts a run instead of ending mvm */
    bool     colour;         /* colour the stops */
    FILE    *out, *err;      /* the program's standard output and diagnostics */
    int      input_fd;       /* the program's standard input; -1: none */
    uint64_t save_interval;  /* instructions between saved points; 0: the default */
} DebugIo;

/* The session of `mvm debug`: streams chosen from the options (--input FILE: the
 * program's standard input; --tty: the debugger reads and talks on the terminal,
 * /dev/tty, and the program keeps standard input and error). Returns mvm's status. */
int debug_session(Program *prog, const VmOptions *opt, int argc, char **argv, const char *input,
                  bool tty, uint64_t save_interval);

/* A session of prog, started with argv as its arguments, over the streams in io: every
 * command until `quit` or the end of the commands. Returns mvm's status (0, or 1 when the
 * machine cannot be started). The fuzz harness drives this with a command script. */
int debug_session_run(Program *prog, const VmOptions *opt, int argc, char **argv, const DebugIo *io);

#endif
