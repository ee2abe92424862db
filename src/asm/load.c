/*
 * load.c - a program file of either kind: bytecode when it starts with the .mar magic
 * number (whatever its name), source otherwise. `mvm run`, `crun`, `debug`, `disasm`,
 * spawn and exec all come through here, so a .mar goes wherever a .kar goes.
 */
#include <stdlib.h>

#include "../host/hostfile.h"
#include "asm.h"
#include "bytecode.h"
#include "diag.h"

Program *asm_load_bytes(const char *path, const char *data, size_t len, const AsmOptions *opt,
                        FILE *diag, int *nerrors)
{
    if (mar_has_magic((const uint8_t *)data, len)) {
        Program *p = mar_decode(path, (const uint8_t *)data, len, diag);
        if (nerrors)
            *nerrors = p ? 0 : 1;
        return p;
    }
    return asm_assemble_source(path, data, len, opt, diag, nerrors);
}

int asm_read_file(const char *path, FILE *diag, int *nerrors, char **buf, size_t *len)
{
    /* host_read_file: a FIFO is refused at once, never waited on (SPEC 8). */
    int err = host_read_file(path, MAX_SOURCE_BYTES, buf, len);
    if (!err)
        return 0;
    DiagOut o = { diag, 0, 0 };
    if (err == HOST_TOO_LARGE)
        diag_plain(&o, path, "cannot read: file too large (the limit is %u MiB)", MAX_SOURCE_BYTES >> 20);
    else
        diag_plain(&o, path, "cannot read: %s", host_error_text(err));
    if (nerrors)
        *nerrors = 1;
    return -1;
}

Program *asm_load_file(const char *path, const AsmOptions *opt, FILE *diag, int *nerrors)
{
    if (mar_file_has_magic(path)) {
        Program *p = mar_load_file(path, diag);
        if (nerrors)
            *nerrors = p ? 0 : 1;
        return p;
    }
    char *buf = NULL;
    size_t len = 0;
    if (asm_read_file(path, diag, nerrors, &buf, &len) != 0)
        return NULL;
    Program *p = asm_load_bytes(path, buf, len, opt, diag, nerrors);
    free(buf);
    return p;
}
