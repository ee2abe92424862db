/*
 * load_tape.h - which program each spawn and exec loaded, kept for the debugger's going
 * back.
 *
 * A program file (in the VFS or on the host) can change while a machine runs: a replayed
 * spawn or exec must get the program it got the first time, not the file as it is now.
 * While the tape is on (mvm debug), every load (exec.c) records its outcome, the error
 * code or the Program itself (a reference is kept; a load equal to the one recorded
 * before it shares that Program, so a program spawned a million times is kept once); a
 * replayed machine, whose position is before the end of the tape, takes the outcome from
 * the tape and reads no file. Off (mvm run), nothing is kept.
 */
#ifndef MVM_LOAD_TAPE_H
#define MVM_LOAD_TAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "../vm/program.h"

void   load_tape_start(void);
/* Drop the tape and the references it holds. */
void   load_tape_stop(void);
size_t load_tape_position(void);
void   load_tape_rewind(size_t pos);
/* Replaying: the next recorded outcome (*prog gets a new reference when *e is 0);
 * true. False when the load must be made. */
bool   load_tape_replay(int *e, Program **prog);
/* After a real load: keep its outcome (when the tape is on). */
void   load_tape_record(int e, Program *prog);

#endif
