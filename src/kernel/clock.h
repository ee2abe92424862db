/*
 * clock.h - the host clock as the machine sees it, taped for the debugger's going back.
 *
 * The host clock is the one thing besides input and the VFS that reaches a machine from
 * outside: `time`, the clock device's addresses 0 and 1, SLEEP deadlines and the checks
 * that wake sleepers. Every such reading goes through clock_now_ms. Under `mvm run` that
 * is the host clock and nothing is kept. While the tape is on (mvm debug), every reading
 * is recorded; a machine sent back in time reads the same values again, in the same
 * order, so its replay takes the same path, and its waits for sleepers take no time.
 * Readings are kept run-length encoded: a program reading the clock in a loop adds at
 * most one entry per millisecond of real time.
 */
#ifndef MVM_CLOCK_H
#define MVM_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Milliseconds since the Unix epoch: the host's, or the tape's while replaying. */
int64_t clock_now_ms(void);
/* Wait ns nanoseconds for a sleeper (interruptible: host.h); no wait while replaying. */
void    clock_wait_ns(int64_t ns);

void    clock_tape_start(void);
/* Readings taken so far: a saved point's place on the tape. */
size_t  clock_tape_position(void);
/* Read again from reading pos (at most the number recorded). */
void    clock_tape_rewind(size_t pos);

#endif
