/*
 * vfs_cmd.h - `mvm vfs`: the VFS image from the host (SPEC 9, SPEC 10 "Command line").
 */
#ifndef MVM_VFS_CMD_H
#define MVM_VFS_CMD_H

/* Run `mvm vfs ARGS...` (argv holds what follows "vfs"). Returns mvm's exit status:
 * 0 on success, 1 when the operation fails (after a message on stderr), 2 for usage errors. */
int vfs_command(int argc, char **argv);

#endif
