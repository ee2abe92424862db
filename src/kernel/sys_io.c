/*
 * sys_io.c - console system calls: writeIo, readIo.
 *
 * Every reader of standard input (readIo, io.readln, the console device) shares the one
 * buffer of kernel/host.c, so they see one stream in order; waiting there for input ends
 * early when a host signal interrupts mvm (SPEC 3).
 *
 * readIo's line is built in a host buffer charged to the host memory budget (vm/memory.h):
 * an endless line must fail with 11 like any other allocation, not grow until the OOM
 * killer comes. The rest of such a line is discarded by the next read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/errors.h"
#include "../vm/memory.h"
#include "host.h"
#include "syscall.h"

#define READ_INTERRUPTED (-1)

void sys_writeio(VM *vm, Proc *p)
{
    char *s;
    size_t len;
    int e = sys_read_string(p, sys_arg(p, 0), &s, &len);
    if (e) {
        sys_fail(p, e);
        return;
    }
    fwrite(s, 1, len, vm->out);
    free(s);
    sys_ok(p, (int64_t)len);
}

/* A line being read: its bytes, and how much of the budget they hold. */
typedef struct Line { char *bytes; size_t len, cap; } Line;

static bool skip_rest;   /* the last line did not fit: drop input up to its newline */

static void line_free(Line *l)
{
    free(l->bytes);
    mem_budget_release(l->cap);
    *l = (Line){ 0 };
}

/* Append n bytes; false when the budget or the host cannot hold them. */
static bool line_append(Line *l, const char *b, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap : 256;
        while (cap < l->len + n)
            cap *= 2;
        if (mem_budget_charge(cap - l->cap) != 0)
            return false;
        char *nb = realloc(l->bytes, cap);
        if (!nb) {
            mem_budget_release(cap - l->cap);
            return false;
        }
        l->bytes = nb;
        l->cap = cap;
    }
    memcpy(l->bytes + l->len, b, n);
    l->len += n;
    return true;
}

/* Read up to and including the next newline into l (or drop it when l is NULL).
 * Returns 0, ERR_END_OF_FILE when no byte was left, ERR_MEMORY_ALLOCATION when the line
 * does not fit (its rest is dropped by the next read), or READ_INTERRUPTED. */
static int read_line(Line *l)
{
    bool any = false;
    for (;;) {
        const char *data;
        ptrdiff_t n = host_stdin_peek(&data);
        if (n < 0)
            return READ_INTERRUPTED;
        if (n == 0)
            return any ? 0 : ERR_END_OF_FILE;
        any = true;
        const char *nl = memchr(data, '\n', (size_t)n);
        size_t take = nl ? (size_t)(nl - data) + 1 : (size_t)n;
        if (l && !line_append(l, data, take)) {
            skip_rest = !nl;
            host_stdin_consume(take);
            return ERR_MEMORY_ALLOCATION;
        }
        host_stdin_consume(take);
        if (nl)
            return 0;
    }
}

void sys_readio(VM *vm, Proc *p)
{
    fflush(vm->out);   /* a prompt written before the read shows first */
    if (skip_rest) {
        int e = read_line(NULL);
        if (e == READ_INTERRUPTED) {
            sys_fail(p, ERR_WOULD_BLOCK);   /* unseen: the machine stops before p runs again */
            return;
        }
        skip_rest = false;
    }
    Line l = { 0 };
    int e = read_line(&l);
    if (e) {
        line_free(&l);
        sys_fail(p, e == READ_INTERRUPTED ? ERR_WOULD_BLOCK : e);
        return;
    }
    size_t n = l.len;
    if (n > 0 && l.bytes[n - 1] == '\n') {   /* strip \n or \r\n, nothing else */
        n--;
        if (n > 0 && l.bytes[n - 1] == '\r')
            n--;
    }
    int64_t addr;
    e = sys_new_string(p, n ? l.bytes : "", n, &addr);
    line_free(&l);
    sys_finish(p, e, addr);
}
