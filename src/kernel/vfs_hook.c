/*
 * vfs_hook.c - the kernel's view of the VFS for program lookup (spawn, exec): SPEC 5,
 * "Program paths are looked up in the VFS first". VFS program files need not end in .kar.
 */
#include "vfs_hook.h"

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
