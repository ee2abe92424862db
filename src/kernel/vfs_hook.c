/*
 * vfs_hook.c - the kernel's view of the VFS for program lookup (spawn, exec): SPEC 5,
 * "Program paths are looked up in the VFS first". VFS program files need not end in .kar.
 * The user modules of a VFS program come from the VFS too (the VFS source provider).
 */
#include "vfs_hook.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../vfs/vfs.h"
#include "../vm/errors.h"
#include "sys_file.h"

int vfs_hook_read_program(VM *vm, const char *path, char **data, size_t *len)
{
    const char *image = vm->opt.vfs_path ? vm->opt.vfs_path : VFS_DEFAULT_IMAGE;
    if (!vm->vfs && strcmp(image, VFS_MEMORY_IMAGE) != 0 && access(image, F_OK) != 0)
        return ERR_FILE_ACCESS;   /* no image yet: an empty tree holds no program, and a
                                     lookup is no reason to create one */
    Vfs *v = vm_vfs(vm);
    return v ? vfs_read_file(v, path, data, len) : ERR_FILE_ACCESS;
}

static int vfs_read_module(void *ctx, const char *path, char **text, size_t *len, char *why, size_t whycap)
{
    VfsModules *m = ctx;
    return vfs_hook_read_program(m->vm, path, text, len) == 0 ? 0 : SOURCE_MISSING;
}

/* Modules are located beside the caller as text: the VFS normalises "." and ".." and can
 * never climb above its root, so any caller path gives a path inside the VFS. */
void vfs_hook_modules(VfsModules *m, VM *vm)
{
    *m = (VfsModules){ .provider = { .ctx = m, .locate = source_locate_beside, .read = vfs_read_module }, .vm = vm };
}
