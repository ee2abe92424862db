/*
 * sys_file.h - the kernel's door to the VFS (SPEC 5 calls 1-5, 13, 22, 23; SPEC 6).
 *
 * The image is opened at the first VFS access and closed by vm_free. The handlers
 * themselves are declared in syscall.h with every other handler.
 */
#ifndef MVM_SYS_FILE_H
#define MVM_SYS_FILE_H

#include <stddef.h>

#include "kernel.h"

struct Vfs;

/* vm's VFS image (vm->opt.vfs_path, or vfs.fs in the current directory), opened and
 * created on first use. NULL when it cannot be opened, after saying why on vm->err (it
 * tries again at the next call: the image may have been busy). */
struct Vfs *vm_vfs(VM *vm);

/* Program lookup for spawn/exec: vfs_hook_read_program (vfs_hook.h). */

#endif
