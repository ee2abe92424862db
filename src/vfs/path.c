/*
 * path.c - turn what a program wrote into the normal form the store is keyed by.
 *
 * Lexical, like Go's path.Clean: "/a/b/.." is "/a" whether or not b exists, and
 * "/file/.." is "/" even when file is not a directory. Walking the tree is the store's
 * business; here a path is only text.
 */
#include "path.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/errors.h"

int vfs_path_normalise(const char *path, char **out)
{
    size_t in_len = strlen(path);
    /* The normal form is never longer than the input plus a leading '/'. */
    char *buf = malloc(in_len + 2);
    if (!buf)
        return ERR_MEMORY_ALLOCATION;
    size_t n = 0;                       /* buf[0..n-1] is the normal form so far, "" = root */
    const char *s = path;
    while (*s) {
        while (*s == '/')
            s++;
        const char *name = s;
        while (*s && *s != '/')
            s++;
        size_t len = (size_t)(s - name);
        if (len == 0 || (len == 1 && name[0] == '.'))
            continue;
        if (len > VFS_NAME_MAX) {
            free(buf);
            return ERR_INVALID_FORMAT;
        }
        if (len == 2 && name[0] == '.' && name[1] == '.') {
            while (n > 0 && buf[n - 1] != '/')   /* drop the last name; root stays root */
                n--;
            if (n > 0)
                n--;                            /* and the '/' before it */
            continue;
        }
        buf[n++] = '/';
        memcpy(buf + n, name, len);
        n += len;
    }
    if (n == 0)
        buf[n++] = '/';
    buf[n] = 0;
    *out = buf;
    return 0;
}

size_t vfs_path_split(const char *norm, const char **name)
{
    const char *slash = strrchr(norm, '/');
    *name = slash + 1;
    return slash == norm ? 1 : (size_t)(slash - norm);
}
