/*
 * debug.h - internal consistency checks and debug switches, all in one place (STYLE 11).
 *
 * MVM_ASSERT/MVM_UNREACHABLE catch bugs in MVM itself (never in user programs, which get
 * faults and diagnostics): they print file, line and function and abort.
 */
#ifndef MVM_DEBUG_H
#define MVM_DEBUG_H

#include <stdio.h>
#include <stdlib.h>

#define MVM_ASSERT(cond, msg) do { if (!(cond)) { \
        fprintf(stderr, "mvm: internal error at %s:%d in %s: %s\n", __FILE__, __LINE__, __func__, msg); \
        abort(); } } while (0)

#define MVM_UNREACHABLE() MVM_ASSERT(0, "unreachable code reached")

/* Switches for MVM's developers, off by default; users have --trace, --stats and mvm debug. */
#ifndef MVM_DEBUG_PRINT_CODE
#define MVM_DEBUG_PRINT_CODE 0   /* print each program after assembly */
#endif

#endif
