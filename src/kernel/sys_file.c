/*
 * sys_file.c - file system calls: newFile, readFile, writeFile, listFiles, deleteFile,
 * newDir, fileInfo, setPermissions (SPEC 5, 6 and 10 "VFS").
 *
 * As xv6's sysfile.c: fetch and check the arguments, call into vfs/, put the result in
 * R2. The rules of the tree (permissions, what exists) live in vfs/store.c. A bad string
 * address fails the call with 14 or 2, a NUL byte inside a path (a word whose low 8 bits
 * are 0) with 25; a call never faults. Failures of the host (the image is busy, damaged or
 * cannot be written) fail the call with 9 and are also explained on standard error, since
 * the program cannot tell them from its own mistakes otherwise.
 *
 * Before each call that changes the tree, the processes' standard output is flushed: a
 * line printed before a durable write is never lost when mvm is killed after it (the
 * crash test, tests/run-crash.sh, relies on this to know which writes had returned).
 */
#include "sys_file.h"

#include <stdlib.h>
#include <string.h>

#include "../vfs/vfs.h"
#include "../vm/errors.h"
#include "syscall.h"
#include "vfs_tape.h"

struct Vfs *vm_vfs(VM *vm)
{
    /* The last reason printed: a program that retries a refused image in a loop sees the
     * failure every time, but its standard error gets the reason once. (mvm runs one VM.) */
    static char said[1024];
    if (!vm->vfs) {
        char err[sizeof said];
        const char *image = vm->opt.vfs_path ? vm->opt.vfs_path : VFS_DEFAULT_IMAGE;
        vm->vfs = vfs_open(image, err, sizeof err);
        if (!vm->vfs && strcmp(err, said) != 0) {
            fflush(vm->out);
            fprintf(vm->err, "mvm: %s\n", err);
            memcpy(said, err, sizeof said);
        }
    }
    return vm->vfs;
}

/* The string argument i as a path: a new host string in *path (NULL on failure; the
 * caller frees it). */
static int arg_path(Proc *p, int i, char **path)
{
    size_t len;
    *path = NULL;
    int e = sys_read_string(p, sys_arg(p, i), path, &len);
    if (e)
        return e;
    if (strlen(*path) != len) {             /* a NUL byte cannot be part of a name */
        free(*path);
        *path = NULL;
        return ERR_INVALID_FORMAT;
    }
    return 0;
}

/* The image, when the arguments were good (e == 0): sets *e to 9 when it cannot be had.
 * `changes`: the call will change the tree, so flush what the processes printed first. */
static Vfs *image(VM *vm, int *e, bool changes)
{
    if (*e)
        return NULL;
    Vfs *v = vm_vfs(vm);
    if (!v)
        *e = ERR_FILE_ACCESS;
    else if (changes)
        fflush(vm->out);
    return v;
}

/* Finish a VFS call: R2 = r2 on success; on failure, explain host failures on stderr. */
static void finish(VM *vm, Proc *p, Vfs *v, int e, int64_t r2)
{
    if (!e) {
        sys_ok(p, r2);
        return;
    }
    if (v && vfs_error_is_host(v)) {
        fflush(vm->out);
        fprintf(vm->err, "mvm: PID %lld: %s\n", (long long)p->pid, vfs_error(v));
    }
    sys_fail(p, e);
}

/* One VFS operation, with the outcome the program sees in *o. */
typedef int (*VfsOp)(Vfs *v, const char *path, int64_t arg, VfsOutcome *o);

static int op_new_file(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_new_file(v, path); }
static int op_new_dir(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_new_dir(v, path); }
static int op_delete(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_delete(v, path); }
static int op_read(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_read_file(v, path, &o->data, &o->len); }
static int op_list(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_list(v, path, &o->names, &o->n); }
static int op_file_info(Vfs *v, const char *path, int64_t arg, VfsOutcome *o) { return vfs_info(v, path, &o->info); }
static int op_set_permissions(Vfs *v, const char *path, int64_t arg, VfsOutcome *o)
{
    return vfs_set_permissions(v, path, arg);
}
/* writeFile's content travels in o->data (set by the caller) */
static int op_write(Vfs *v, const char *path, int64_t arg, VfsOutcome *o)
{
    return vfs_write_file(v, path, o->data, o->len);
}

/* Make the VFS call op(path, arg), or, in a machine the debugger replays, take its
 * outcome from the tape (vfs_tape.h): then the VFS is not touched at all. Returns the
 * image for finish()'s host-failure message, NULL when replayed (said already). */
static Vfs *vfs_call(VM *vm, bool changes, VfsOp op, const char *path, int64_t arg, VfsOutcome *o)
{
    if (vfs_tape_replay(o))
        return NULL;
    int e = 0;
    Vfs *v = image(vm, &e, changes);
    o->e = e ? e : op(v, path, arg, o);
    VfsOutcome kept = *o;
    if (op == op_write)
        kept.data = NULL;   /* the content written is the program's, not an outcome */
    vfs_tape_record(&kept);
    return v;
}

/* The common shape of the calls that take one path and change the tree. */
static void path_call(VM *vm, Proc *p, VfsOp op)
{
    char *path;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = arg_path(p, 0, &path);
    if (!e) {
        v = vfs_call(vm, true, op, path, 0, &o);
        e = o.e;
    }
    free(path);
    finish(vm, p, v, e, 0);
}

void sys_newfile(VM *vm, Proc *p) { path_call(vm, p, op_new_file); }
void sys_newdir(VM *vm, Proc *p) { path_call(vm, p, op_new_dir); }
void sys_deletefile(VM *vm, Proc *p) { path_call(vm, p, op_delete); }

void sys_readfile(VM *vm, Proc *p)
{
    char *path;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = arg_path(p, 0, &path);
    if (!e) {
        v = vfs_call(vm, false, op_read, path, 0, &o);
        e = o.e;
    }
    int64_t addr = 0;
    if (!e)   /* a string ends at its first NUL: so does what readFile returns */
        e = sys_new_string(p, o.data, strnlen(o.data, o.len), &addr);
    free(path);
    free(o.data);
    finish(vm, p, v, e, addr);
}

void sys_writefile(VM *vm, Proc *p)
{
    char *path, *data = NULL;
    size_t len = 0;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = arg_path(p, 0, &path);
    if (!e)
        e = sys_read_string(p, sys_arg(p, 1), &data, &len);   /* low 8 bits of each word */
    if (!e) {
        VfsOutcome in = { .data = data, .len = len };
        v = vfs_call(vm, true, op_write, path, 0, &in);
        e = in.e;
        o.data = in.data == data ? NULL : in.data;   /* a replayed outcome carries no content */
        o.names = in.names;
    }
    free(path);
    free(data);
    free(o.data);
    finish(vm, p, v, e, 0);
}

/* A new array of new strings in p's heap; on failure nothing stays allocated. */
static int new_name_array(Proc *p, char **names, size_t n, int64_t *addr)
{
    /* Not sys_new_array: it refuses size 0, and an empty directory lists as []. */
    int e = mem_alloc(&p->cpu.mem, (int64_t)n + 1, addr);
    if (e)
        return e;
    mem_write(&p->cpu.mem, *addr, (int64_t)n);
    for (size_t i = 0; i < n; i++) {
        int64_t s;
        if ((e = sys_new_string(p, names[i], strlen(names[i]), &s))) {
            for (size_t k = 0; k < i; k++) {
                int64_t old = 0;
                mem_read(&p->cpu.mem, *addr + 1 + (int64_t)k, &old);
                mem_free(&p->cpu.mem, old);
            }
            mem_free(&p->cpu.mem, *addr);
            return e;
        }
        mem_write(&p->cpu.mem, *addr + 1 + (int64_t)i, s);
    }
    return 0;
}

void sys_listfiles(VM *vm, Proc *p)
{
    char *path = NULL;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = sys_arg(p, 0) == 0 ? 0 : arg_path(p, 0, &path);   /* 0 = the root */
    if (!e) {
        v = vfs_call(vm, false, op_list, path ? path : "/", 0, &o);
        e = o.e;
    }
    int64_t addr = 0;
    if (!e)
        e = new_name_array(p, o.names, o.n, &addr);
    free(path);
    vfs_free_names(o.names, o.n);
    finish(vm, p, v, e, addr);
}

void sys_fileinfo(VM *vm, Proc *p)
{
    char *path;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = arg_path(p, 0, &path);
    if (!e) {
        v = vfs_call(vm, false, op_file_info, path, 0, &o);
        e = o.e;
    }
    int64_t addr = 0;
    if (!e) {
        const VfsInfo info = o.info;
        int64_t vals[6] = { info.size, info.is_dir, info.readable, info.writable,
                            info.created, info.modified };
        e = sys_new_array(p, vals, 6, &addr);
    }
    free(path);
    finish(vm, p, v, e, addr);
}

void sys_setpermissions(VM *vm, Proc *p)
{
    char *path;
    VfsOutcome o = { 0 };
    Vfs *v = NULL;
    int e = arg_path(p, 0, &path);
    if (!e) {
        v = vfs_call(vm, true, op_set_permissions, path, sys_arg(p, 1), &o);
        e = o.e;
    }
    free(path);
    finish(vm, p, v, e, 0);
}
