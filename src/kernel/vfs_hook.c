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

/* VFS paths are joined as text; the VFS normalises "." and ".." and can never climb
 * above its root, so any caller path gives a path inside the VFS. */
static bool vfs_locate(void *ctx, const char *caller, const char *rel, char *path, size_t cap)
{
    const char *slash = strrchr(caller, '/');
    int dirlen = slash ? (int)(slash - caller + 1) : 0;
    int n = snprintf(path, cap, "%.*s%s", dirlen, caller, rel);
    return n > 0 && (size_t)n < cap;
}

static int vfs_read_module(void *ctx, const char *path, char **text, size_t *len, char *why, size_t whycap)
{
    VfsModules *m = ctx;
    return vfs_hook_read_program(m->vm, path, text, len) == 0 ? 0 : SOURCE_MISSING;
}

void vfs_hook_modules(VfsModules *m, VM *vm)
{
    *m = (VfsModules){ .provider = { .ctx = m, .locate = vfs_locate, .read = vfs_read_module }, .vm = vm };
}
