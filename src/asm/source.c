/*
 * source.c - the host source provider: user modules of a program read from the host
 * (SPEC 7, 10 "Library" and "Processes"; asm.h describes the interface).
 *
 * A module is looked up beside the unit that calls it (the caller's directory +
 * "mylib/fn.kar") and must lie inside the provider's base directory, the directory of
 * PID 1's program, once every symbolic link is resolved: the same rule as a host program
 * path given to spawn or exec. Module names cannot climb (a CALL name starts with a
 * letter or '_' and holds no '/'), so only links can lead out, and realpath sees those.
 */
#include "asm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../host/hostfile.h"
#include "../param.h"

bool source_locate_beside(void *ctx, const char *caller, const char *rel, char *path, size_t cap)
{
    const char *slash = strrchr(caller, '/');
    int dirlen = slash ? (int)(slash - caller + 1) : 0;
    int n = snprintf(path, cap, "%.*s%s", dirlen, caller, rel);
    return n > 0 && (size_t)n < cap;
}

static int host_read(void *ctx, const char *path, char **text, size_t *len, char *why, size_t whycap)
{
    HostModules *h = ctx;
    int fd;
    int e = host_open_within(h->base, path, &fd);
    if (e == ENOENT || e == ENOTDIR)
        return SOURCE_MISSING;
    if (!e)
        e = host_read_fd(fd, MAX_SOURCE_BYTES, text, len);
    if (!e)
        return 0;
    snprintf(why, whycap, "%s", host_error_text(e));
    h->refused = true;
    return SOURCE_REFUSED;
}

void asm_host_modules(HostModules *h, const char *base)
{
    *h = (HostModules){
        .provider = { .ctx = h, .locate = source_locate_beside, .read = host_read },
        .base = base,
    };
}
