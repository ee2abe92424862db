/*
 * vfs_tape.h - what the VFS calls answered, kept for the debugger's going back.
 *
 * The VFS lives outside the machine (SPEC 10 "Snapshots": not in a snapshot), so a
 * machine sent back in time and replayed must not call it again: the writes it makes
 * were already made (applying them twice could fail, or change what later reads see),
 * and the reads would see the tree as it is now, not as it was. While the tape is on,
 * every VFS system call (sys_file.c) appends its outcome; a replayed machine, whose
 * position is before the end of the tape, takes the outcomes from the tape instead of
 * calling the VFS. Off (mvm run), nothing is kept and every call goes to the VFS.
 */
#ifndef MVM_VFS_TAPE_H
#define MVM_VFS_TAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "../vfs/vfs.h"

/* A call's outcome as the program sees it: the error code and what it read. */
typedef struct VfsOutcome {
    int     e;
    char   *data;    size_t len;     /* readFile */
    char  **names;   size_t n;       /* listFiles */
    VfsInfo info;                    /* fileInfo */
} VfsOutcome;

void   vfs_tape_start(void);
size_t vfs_tape_position(void);
void   vfs_tape_rewind(size_t pos);
/* Replaying: fill *out with a copy of the next recorded outcome (the caller frees data
 * and names as after a real call) and return true. False when the call must be made. */
bool   vfs_tape_replay(VfsOutcome *out);
/* After a real call: keep a copy of its outcome (when the tape is on). */
void   vfs_tape_record(const VfsOutcome *o);

#endif
