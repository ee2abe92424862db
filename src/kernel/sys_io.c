/*
 * sys_io.c - console system calls: writeIo, readIo.
 *
 * Every reader of standard input (readIo, io.readln, the console device) shares the one
 * stdio buffer of stdin, so they see one stream in order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../vm/errors.h"
#include "syscall.h"

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

void sys_readio(VM *vm, Proc *p)
{
    char *line = NULL;
    size_t cap = 0;
    fflush(vm->out);   /* a prompt written before the read shows first */
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        sys_fail(p, ERR_END_OF_FILE);
        return;
    }
    if (n > 0 && line[n - 1] == '\n') {   /* strip \n or \r\n, nothing else */
        n--;
        if (n > 0 && line[n - 1] == '\r')
            n--;
    }
    int64_t addr;
    int e = sys_new_string(p, line, (size_t)n, &addr);
    free(line);
    if (e)
        sys_fail(p, e);
    else
        sys_ok(p, addr);
}
