/*
 * exec.c - loading programs for spawn and exec (the one place that turns a path into a
 * running image, as in xv6's exec.c), and the argument arrays they pass.
 *
 * Where a program comes from decides where its user modules come from (SPEC 7, 10): a
 * program read from the VFS finds them in the VFS beside it; a host program on the host
 * beside it, inside the directory of PID 1's program. No string a guest chooses is ever
 * turned into a host path except a spawn/exec program path, and that one only through
 * host_path_allowed and host_open_within (src/host/hostfile.h).
 */
#include "exec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../asm/asm.h"
#include "../host/hostfile.h"
#include "../param.h"
#include "../vm/errors.h"
#include "../vm/fused.h"
#include "load_tape.h"
#include "signal.h"
#include "syscall.h"
#include "vfs_hook.h"

/* Assemble a program's text, or decode it when it is bytecode (a .mar needs no modules);
 * modules come through `modules` (the store the text came from). Returns 0, 25 for
 * assembly errors or a bytecode file that does not verify (already printed), or 9 when a
 * module was refused (a host module leading out of PID 1's directory: a file access, not
 * a format). */
static int assemble(VM *vm, const char *path, const char *src, size_t len,
                    const SourceProvider *modules, const bool *refused, Program **out)
{
    fflush(vm->out);
    AsmOptions opt = { .stdlib_dir = vm->opt.stdlib_dir, .modules = modules };
    *out = asm_load_bytes(path, src, len, &opt, vm->err, NULL);   /* source or bytecode */
    if (*out)
        return 0;
    return refused && *refused ? ERR_FILE_ACCESS : ERR_INVALID_FORMAT;
}

/* A host program: `path` relative to the directory of PID 1's program, under the rules of
 * SPEC 10 (hostfile.h), symbolic links leading out of that directory included. Every
 * refusal is the same 9, so a guest learns nothing about host files outside the rules. */
static int load_from_host(VM *vm, const char *path, Program **out)
{
    if (!host_path_allowed(path))
        return ERR_FILE_ACCESS;
    const char *dir = !vm->base_dir ? "." : *vm->base_dir ? vm->base_dir : "/";
    size_t n = strlen(dir) + strlen(path) + 2;
    char *full = malloc(n);
    if (!full)
        return ERR_MEMORY_ALLOCATION;
    snprintf(full, n, "%s/%s", dir, path);
    char *src = NULL;
    size_t len = 0;
    int fd;
    int e = host_open_within(dir, full, &fd);
    if (!e)
        e = host_read_fd(fd, MAX_SOURCE_BYTES, &src, &len);
    if (e == HOST_TOO_LARGE) {
        fflush(vm->out);
        fprintf(vm->err, "%s: error: cannot read: file too large (the limit is %u MiB)\n",
                full, MAX_SOURCE_BYTES >> 20);
        e = ERR_INVALID_FORMAT;
    } else if (e) {
        e = e == ENOMEM ? ERR_MEMORY_ALLOCATION : ERR_FILE_ACCESS;
    } else {
        HostModules hm;
        asm_host_modules(&hm, dir);
        e = assemble(vm, full, src, len, &hm.provider, &hm.refused, out);
    }
    free(src);
    free(full);
    return e;
}

/* A program from the VFS or, when the VFS has none at path, from the host. */
static int load(VM *vm, const char *path, Program **out)
{
    char *src;
    size_t srclen;
    int e = vfs_hook_read_program(vm, path, &src, &srclen);
    if (e == 0) {
        /* From the VFS: its modules come from the VFS too, never from the host. */
        VfsModules vm_modules;
        vfs_hook_modules(&vm_modules, vm);
        e = assemble(vm, path, src, srclen, &vm_modules.provider, NULL, out);
        free(src);
    } else {
        e = load_from_host(vm, path, out);
    }
    return e;
}

int exec_load(VM *vm, Proc *caller, int64_t path_addr, Program **out)
{
    char *path;
    size_t len;
    int e = sys_read_string(caller, path_addr, &path, &len);
    if (e)
        return e;
    if (!load_tape_replay(&e, out)) {   /* the debugger replays: what it loaded then */
        e = load(vm, path, out);
        load_tape_record(e, e ? NULL : *out);
    }
    free(path);
    if (!e && vm->loaded)
        vm->loaded(vm, *out);
    if (!e && !vm->debugger)
        prog_fuse(*out);   /* (a debugger patches breakpoints: it runs the plain code) */
    return e;
}

void exec_free_args(char **argv, int argc)
{
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

int exec_read_args(Proc *p, int64_t addr, char ***argv, int *argc)
{
    *argv = NULL;
    *argc = 0;
    if (addr == 0)
        return 0;
    int64_t n;
    int e = mem_read(&p->cpu.mem, addr, &n);
    if (e)
        return e;
    if (n < 0 || n > (int64_t)mem_block_size(&p->cpu.mem, addr))
        return ERR_INVALID_ADDRESS;
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return ERR_MEMORY_ALLOCATION;
    for (int64_t i = 0; i < n; i++) {
        int64_t s;
        size_t len;
        e = mem_read(&p->cpu.mem, addr + 1 + i, &s);
        if (!e)
            e = sys_read_string(p, s, &v[i], &len);
        if (e) {
            exec_free_args(v, (int)i);
            return e;
        }
    }
    *argv = v;
    *argc = (int)n;
    return 0;
}

int exec_install_args(Proc *p, char **argv, int argc)
{
    int64_t *addrs = calloc((size_t)argc + 1, sizeof *addrs);
    if (!addrs)
        return ERR_MEMORY_ALLOCATION;
    int e = 0;
    for (int i = 0; i < argc && !e; i++)
        e = sys_new_string(p, argv[i], strlen(argv[i]), &addrs[i]);
    int64_t array = 0;
    if (!e) {
        /* No arguments: an array of size 0, one word holding 0. */
        e = argc == 0 ? mem_alloc(&p->cpu.mem, 1, &array) : sys_new_array(p, addrs, argc, &array);
    }
    free(addrs);
    if (!e)
        p->cpu.reg[REG_F1] = array;
    return e;
}

int exec_replace(VM *vm, Proc *p, Program *prog, char **argv, int argc)
{
    Memory fresh;
    if (mem_init(&fresh, (uint64_t)vm->opt.memory_size, (uint64_t)vm->opt.heap_start) != 0)
        return ERR_MEMORY_ALLOCATION;
    mem_release(&p->cpu.mem);          /* shared mappings go with the old image */
    p->cpu.mem = fresh;
    cpu_free_stacks(&p->cpu);
    sig_contexts_free(p);   /* the handlers' frames went with the call stack */
    proc_reset_registers(p);
    memset(p->handler, 0, sizeof p->handler);
    p->handling = 0;
    proc_set_program(p, prog);
    return exec_install_args(p, argv, argc);
}
