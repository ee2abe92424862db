/*
 * sys_mem.c - heap system calls: alloc, free, createArray, arraySet, arrayGet.
 * Bad addresses make the call fail (14 or 2); a system call never faults.
 */
#include "../vm/errors.h"
#include "syscall.h"

void sys_alloc(VM *vm, Proc *p)
{
    int64_t addr;
    int e = mem_alloc(&p->cpu.mem, sys_arg(p, 0), &addr);
    sys_finish(p, e, addr);
}

void sys_free(VM *vm, Proc *p)
{
    int e = mem_free(&p->cpu.mem, sys_arg(p, 0));
    sys_finish(p, e, 0);
}

void sys_createarray(VM *vm, Proc *p)
{
    int64_t addr;
    int e = sys_new_array(p, NULL, sys_arg(p, 0), &addr);
    sys_finish(p, e, addr);
}

/* Address of element `index` of the array at `array`, or an error code. */
static int element(Proc *p, int64_t array, int64_t index, int64_t *addr)
{
    int64_t size;
    int e = mem_read(&p->cpu.mem, array, &size);
    if (e)
        return e;
    if (index < 0 || index >= size)
        return ERR_INVALID_ADDRESS;
    *addr = array + 1 + index;
    return 0;
}

void sys_arrayset(VM *vm, Proc *p)
{
    int64_t addr;
    int e = element(p, sys_arg(p, 0), sys_arg(p, 1), &addr);
    if (!e)
        e = mem_write(&p->cpu.mem, addr, sys_arg(p, 2));
    sys_finish(p, e, 0);
}

void sys_arrayget(VM *vm, Proc *p)
{
    int64_t addr, v = 0;
    int e = element(p, sys_arg(p, 0), sys_arg(p, 1), &addr);
    if (!e)
        e = mem_read(&p->cpu.mem, addr, &v);
    sys_finish(p, e, v);
}
