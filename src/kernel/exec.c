/*
 * exec.c - loading programs for spawn and exec (the one place that turns a path into a
 * running image, as in xv6's exec.c), and the argument arrays they pass.
 */
#include "exec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../asm/asm.h"
#include "../vm/errors.h"
#include "signal.h"
#include "syscall.h"
#include "vfs_hook.h"

/* A host path is allowed when it ends in ".kar", is relative, and never climbs above the
 * directory it is relative to. */
static bool host_path_allowed(const char *path)
{
    size_t n = strlen(path);
    if (n < 5 || strcmp(path + n - 4, ".kar") != 0 || path[0] == '/')
        return false;
    int depth = 0;
    for (const char *s = path; *s;) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (--depth < 0)
                return false;
        } else if (len > 0 && !(len == 1 && s[0] == '.')) {
            depth++;
        }
        s += len + (e != NULL);
    }
    return true;
}

static int load_from_host(VM *vm, const char *path, Program **out)
{
    if (!host_path_allowed(path))
        return ERR_FILE_ACCESS;
    const char *dir = vm->base_dir ? vm->base_dir : ".";
    size_t len = strlen(dir) + strlen(path) + 2;
    char *full = malloc(len);
    if (!full)
        return ERR_MEMORY_ALLOCATION;
    snprintf(full, len, "%s/%s", dir, path);
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(full);
        return ERR_FILE_ACCESS;
    }
    fflush(vm->out);
    AsmOptions opt = { .stdlib_dir = vm->opt.stdlib_dir };
    *out = asm_assemble_file(full, &opt, vm->err, NULL);
    free(full);
    return *out ? 0 : ERR_INVALID_FORMAT;
}

int exec_load(VM *vm, Proc *caller, int64_t path_addr, Program **out)
{
    char *path;
    size_t len;
    int e = sys_read_string(caller, path_addr, &path, &len);
    if (e)
        return e;
    char *src;
    size_t srclen;
    e = vfs_hook_read_program(vm, path, &src, &srclen);
    if (e == 0) {
        fflush(vm->out);
        AsmOptions opt = { .stdlib_dir = vm->opt.stdlib_dir };
        *out = asm_assemble_source(path, src, srclen, &opt, vm->err, NULL);
        free(src);
        e = *out ? 0 : ERR_INVALID_FORMAT;
    } else {
        e = load_from_host(vm, path, out);
    }
    free(path);
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
    int e = mem_read(&p->mem, addr, &n);
    if (e)
        return e;
    if (n < 0 || n > (int64_t)mem_block_size(&p->mem, addr))
        return ERR_INVALID_ADDRESS;
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v)
        return ERR_MEMORY_ALLOCATION;
    for (int64_t i = 0; i < n; i++) {
        int64_t s;
        size_t len;
        e = mem_read(&p->mem, addr + 1 + i, &s);
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
        e = argc == 0 ? mem_alloc(&p->mem, 1, &array) : sys_new_array(p, addrs, argc, &array);
    }
    free(addrs);
    if (!e)
        p->reg[REG_F1] = array;
    return e;
}

int exec_replace(VM *vm, Proc *p, Program *prog, char **argv, int argc)
{
    Memory fresh;
    if (mem_init(&fresh, (uint64_t)vm->opt.memory_size, (uint64_t)vm->opt.heap_start) != 0)
        return ERR_MEMORY_ALLOCATION;
    mem_release(&p->mem);          /* shared mappings go with the old image */
    p->mem = fresh;
    free(p->stack);
    free(p->frames);
    p->stack = NULL;
    p->frames = NULL;
    p->sp = p->stack_cap = p->fp = p->frames_cap = 0;
    sig_contexts_free(p);   /* the handlers' frames went with the call stack */
    proc_reset_registers(p);
    memset(p->handler, 0, sizeof p->handler);
    p->handling = 0;
    proc_set_program(p, prog);
    return exec_install_args(p, argv, argc);
}
