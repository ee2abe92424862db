/*
 * vfs_hook.c - the kernel's view of the VFS for program lookup. Until the VFS is wired
 * in, no program comes from it and every lookup falls through to the host.
 */
#include "vfs_hook.h"

#include "../vm/errors.h"

int vfs_hook_read_program(VM *vm, const char *path, char **data, size_t *len)
{
    (void)vm; (void)path; (void)data; (void)len;
    return ERR_FILE_ACCESS;
}
