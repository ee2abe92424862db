/*
 * link.c - resolving CALL names that are not labels of the calling unit (SPEC 7, 10).
 *
 * Resolution order for `CALL name`: a label of the calling unit (parser.c, before it
 * asks here), then a user module (`mylib.fn` -> mylib/fn.kar beside the file that holds
 * the CALL), then the standard library (stdlib/stdlib_index.h: embedded in the binary,
 * or the directory AsmOptions.stdlib_dir). A function found is assembled as a new unit
 * of the same Program by asm_unit (its own labels, line numbers and diagnostics, ending
 * in OP_END with aux = 1: "return"), once per Program: a unit is known by its path, and
 * Program.units holds every unit assembled or being assembled, so a module that calls
 * itself, or two that call each other, resolve to the unit already begun.
 *
 * Units are appended while the caller's fixups are resolved, so the caller holds indexes
 * into Program.code, never pointers.
 */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../stdlib/stdlib_index.h"

/* Embedded library units get this path prefix: never a host path, and what traces and
 * diagnostics inside the library show ("<stdlib>/strings/strlen.kar"). */
#define EMBEDDED_PREFIX "<stdlib>/"

/* How deep modules may call modules not yet assembled (each level is a C recursion of
 * asm_unit): far beyond real programs, well within the C stack. */
enum { LINK_MAX_DEPTH = 64 };
static int link_depth;   /* the assembler runs on one thread */

static bool find_unit(const Assembler *as, const char *path, uint32_t *entry, uint32_t *unit)
{
    const Program *p = as->prog;
    for (uint32_t i = 1; i < p->nunits; i++) {
        if (strcmp(p->units[i].path, path) == 0) {
            *unit = i;
            *entry = p->units[i].first;
            return true;
        }
    }
    return false;
}

/* The whole regular file at path, in a new buffer; false when it cannot be read. */
static bool slurp(const char *path, char **text, size_t *len)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > MAX_SOURCE_BYTES)
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t cap = (size_t)sb.st_size + 1;
    char *buf = malloc(cap);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    if (!buf || n >= cap) {   /* grew while read: give up rather than guess */
        free(buf);
        return false;
    }
    *text = buf;
    *len = n;
    return true;
}

/* The user module for `name` (module.function) called from the file `caller`:
 * DIR/module/function.kar with DIR the caller's directory. */
static bool user_module_path(const char *caller, const char *name, size_t len,
                             char *path, size_t cap)
{
    const char *dot = memchr(name, '.', len);
    if (!dot || strncmp(caller, EMBEDDED_PREFIX, strlen(EMBEDDED_PREFIX)) == 0)
        return false;
    while (memchr(dot + 1, '.', len - (size_t)(dot + 1 - name)))   /* the last dot */
        dot = memchr(dot + 1, '.', len - (size_t)(dot + 1 - name));
    const char *slash = strrchr(caller, '/');
    int dirlen = slash ? (int)(slash - caller + 1) : 0;
    int n = snprintf(path, cap, "%.*s%.*s/%.*s.kar", dirlen, caller, (int)(dot - name), name,
                     (int)(len - (size_t)(dot + 1 - name)), dot + 1);
    return n > 0 && (size_t)n < cap;
}

bool link_function(Assembler *as, const char *name, size_t len, uint32_t caller,
                   uint32_t *entry, uint32_t *unit)
{
    const char *dir = as->opt ? as->opt->stdlib_dir : NULL;
    char path[4096], fname[160], rel[320];
    char *owned = NULL;
    const char *text = NULL;
    size_t tlen = 0;
    if (len >= 128)
        return false;

    /* A user module beside the calling file comes first. */
    if (user_module_path(as->prog->units[caller].path, name, len, path, sizeof path)) {
        if (find_unit(as, path, entry, unit))
            return true;
        if (slurp(path, &owned, &tlen)) {
            text = owned;
            snprintf(fname, sizeof fname, "%.*s", (int)len, name);
        }
    }
    /* Then the standard library. */
    if (!text) {
        if (!stdlib_resolve(dir, name, len, rel, sizeof rel))
            return false;
        stdlib_call_name(rel, fname, sizeof fname);
        snprintf(path, sizeof path, "%s%s%s", dir ? dir : EMBEDDED_PREFIX, dir ? "/" : "", rel);
        if (find_unit(as, path, entry, unit))
            return true;
        if (dir) {
            if (!slurp(path, &owned, &tlen))
                return false;
            text = owned;
        } else {
            text = stdlib_embedded(rel)->text;
            tlen = strlen(text);
        }
    }

    if (link_depth >= LINK_MAX_DEPTH) {
        diag_plain(&as->out, as->prog->units[caller].path,
                   "library calls nest more than %d modules deep (at %s)", LINK_MAX_DEPTH, fname);
        free(owned);
        *entry = *unit = 0;
        return true;   /* reported: the assembly fails */
    }
    link_depth++;
    uint32_t u = asm_unit(as, path, fname, text, tlen, false);
    link_depth--;
    free(owned);
    if (u == UINT32_MAX) {   /* out of memory or too large: already reported */
        *entry = *unit = 0;
        return true;
    }
    *unit = u;
    *entry = as->prog->units[u].first;
    return true;
}

bool link_is_function(const Assembler *as, const char *name, size_t len)
{
    char rel[320];
    return stdlib_resolve(as->opt ? as->opt->stdlib_dir : NULL, name, len, rel, sizeof rel);
}

const char *link_suggest(const char *name, size_t len, char *buf, size_t cap)
{
    return stdlib_suggest(name, len, buf, cap) ? buf : NULL;
}
