/*
 * stdlib_index.c - finding a library function's file from its call name (SPEC 7).
 * The files themselves are embedded by the build (stdlib_index.h).
 */
#include "stdlib_index.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../asm/diag.h"

/* A name as the lexer allows it ([A-Za-z_][A-Za-z0-9_.]*), with no empty part between
 * dots: it can name no path outside the library. */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > 128 || s[0] == '.' || s[n - 1] == '.' || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || (c == '.' && s[i + 1] != '.');
        if (!ok)
            return false;
    }
    return true;
}

const StdlibFile *stdlib_embedded(const char *rel)
{
    for (size_t i = 0; i < stdlib_nfiles; i++)
        if (strcmp(stdlib_files[i].path, rel) == 0)
            return &stdlib_files[i];
    return NULL;
}

static bool exists(const char *dir, const char *rel)
{
    if (!dir)
        return stdlib_embedded(rel) != NULL;
    char path[4096];
    struct stat sb;
    return (size_t)snprintf(path, sizeof path, "%s/%s", dir, rel) < sizeof path &&
           stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A bare function name: the one module that has it, or false (none or several). */
static bool resolve_bare(const char *dir, const char *fn, char *rel, size_t cap)
{
    int found = 0;
    char try[300];
    if (!dir) {
        for (size_t i = 0; i < stdlib_nfiles; i++) {
            const char *slash = strchr(stdlib_files[i].path, '/');
            size_t n = strlen(fn);
            if (slash && strncmp(slash + 1, fn, n) == 0 && strcmp(slash + 1 + n, ".kar") == 0) {
                found++;
                snprintf(rel, cap, "%s", stdlib_files[i].path);
            }
        }
        return found == 1;
    }
    DIR *d = opendir(dir);
    if (!d)
        return false;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(try, sizeof try, "%.128s/%s.kar", e->d_name, fn);
        if (exists(dir, try)) {
            found++;
            snprintf(rel, cap, "%s", try);
        }
    }
    closedir(d);
    return found == 1;
}

bool stdlib_resolve(const char *dir, const char *name, size_t len, char *rel, size_t cap)
{
    if (!valid_name(name, len) || cap < 300)
        return false;
    char buf[130];
    memcpy(buf, name, len);
    buf[len] = '\0';
    char *dot = strrchr(buf, '.');
    if (!dot)
        return resolve_bare(dir, buf, rel, cap);
    *dot = '\0';
    const char *module = buf, *fn = dot + 1;
    if (strcmp(module, "math") == 0)
        module = "maths";
    if (strcmp(module, "conversion") == 0 && strcmp(fn, "findFirstString") == 0)
        module = "strings";
    snprintf(rel, cap, "%s/%s.kar", module, fn);
    return exists(dir, rel);
}

void stdlib_call_name(const char *rel, char *out, size_t cap)
{
    snprintf(out, cap, "%s", rel);
    char *slash = strchr(out, '/');
    if (slash)
        *slash = '.';
    size_t n = strlen(out);
    if (n > 4 && strcmp(out + n - 4, ".kar") == 0)
        out[n - 4] = '\0';
}

bool stdlib_suggest(const char *name, size_t len, char *out, size_t cap)
{
    if (len > DIAG_WORD_MAX)
        return false;
    int best = diag_max_distance(len) + 1;
    for (size_t i = 0; i < stdlib_nfiles; i++) {
        char full[128];
        stdlib_call_name(stdlib_files[i].path, full, sizeof full);
        const char *bare = strchr(full, '.') + 1;
        /* Compare with the full name, or with the bare one when no module was written. */
        const char *cand = memchr(name, '.', len) ? full : bare;
        int d = diag_distance(name, len, cand, strlen(cand), false);
        if (d > 0 && d < best) {
            best = d;
            snprintf(out, cap, "%s", full);
        }
    }
    return best <= diag_max_distance(len);
}
