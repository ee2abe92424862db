/*
 * vfs_hook.h - how the kernel reads a program file, and its user modules, from the VFS
 * (spawn, exec).
 */
#ifndef MVM_VFS_HOOK_H
#define MVM_VFS_HOOK_H

#include <stddef.h>

#include "../asm/asm.h"
#include "kernel.h"

/* Read the VFS file at path into a new host buffer. Returns 0, or an error code when the
 * VFS has no such readable file (the caller then looks on the host). */
int vfs_hook_read_program(VM *vm, const char *path, char **data, size_t *len);

/* The VFS source provider: the user modules of a program read from the VFS are read from
 * the VFS, beside it (its VFS directory + "mylib/fn.kar"); a module that is not there is
 * missing, whatever the host holds. */
typedef struct VfsModules {
    SourceProvider provider;
    VM            *vm;
} VfsModules;

void vfs_hook_modules(VfsModules *m, VM *vm);

#endif
