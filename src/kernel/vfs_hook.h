/*
 * vfs_hook.h - how the kernel reads a program file from the VFS (spawn, exec).
 */
#ifndef MVM_VFS_HOOK_H
#define MVM_VFS_HOOK_H

#include <stddef.h>

#include "kernel.h"

/* Read the VFS file at path into a new host buffer. Returns 0, or an error code when the
 * VFS has no such readable file (the caller then looks on the host). */
int vfs_hook_read_program(VM *vm, const char *path, char **data, size_t *len);

#endif
