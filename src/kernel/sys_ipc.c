/*
 * sys_ipc.c - inter-process communication calls: link, unlink, send, receive, share_m.
 */
#include "../vm/errors.h"
#include "mailbox.h"
#include "syscall.h"

void sys_link(VM *vm, Proc *p)
{
    int64_t id;
    int e = mbox_link(vm, p, sys_arg(p, 0), &id);
    if (e) {
        sys_fail(p, e);
        return;
    }
    sys_ok(p, id);
    p->cpu.reg[REG_MB] = id;
}

void sys_unlink(VM *vm, Proc *p)
{
    int e = mbox_unlink(vm, p, sys_arg(p, 0));
    sys_finish(p, e, 0);
}

void sys_send(VM *vm, Proc *p)
{
    int e = mbox_send(vm, p, sys_arg(p, 0), sys_arg(p, 1));
    sys_finish(p, e, 0);
}

void sys_receive(VM *vm, Proc *p)
{
    int64_t v;
    int e = mbox_receive(vm, p, sys_arg(p, 0), &v);
    sys_finish(p, e, v);
}

/* share_m(pid, start, end): allowed between parent and child, or two processes joined by
 * a mailbox. The caller's pages win (SPEC 4.5). */
void sys_share_m(VM *vm, Proc *p)
{
    Proc *t = proc_find_live(vm, sys_arg(p, 0));
    if (!t) {
        sys_fail(p, ERR_PROCESS_NOT_FOUND);
        return;
    }
    bool family = t->parent == p || p->parent == t;
    if (t == p || !(family || mbox_linked(vm, p->pid, t->pid))) {
        sys_fail(p, ERR_FILE_ACCESS);
        return;
    }
    int64_t start = sys_arg(p, 1), end = sys_arg(p, 2);
    if (start < 0 || end < 0) {
        sys_fail(p, ERR_INVALID_ADDRESS);
        return;
    }
    int e = mem_share(&p->cpu.mem, &t->cpu.mem, (uint64_t)start, (uint64_t)end);
    if (e) {
        sys_fail(p, e);
        return;
    }
    sys_ok(p, ++vm->regions);
}
