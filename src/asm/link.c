/*
 * link.c - resolving CALL names that are not labels of the calling unit (SPEC 7, 10).
 *
 * Resolution order for `CALL name`: a label of the calling unit (parser.c, before it
 * asks here), then a user module (`mylib.fn` -> mylib/fn.kar beside the file that holds
 * the CALL, read through the source provider AsmOptions.modules: the host or the VFS,
 * whichever the program came from; link.c never opens a user's file itself), then the
 * standard library (stdlib/stdlib_index.h: embedded in the binary, or the directory
 * AsmOptions.stdlib_dir, which the user chose). A function found is assembled as a new unit
 * of the same Program by asm_unit (its own labels, line numbers and diagnostics, ending
 * in OP_END with aux = 1: "return"), once per Program: a unit is known by its path, and
 * Program.units holds every unit assembled or being assembled, so a module that calls
 * itself, or two that call each other, resolve to the unit already begun.
 *
 * Units are appended while the caller's fixups are resolved, so the caller holds indexes
 * into Program.code, never pointers.
 */
#include "link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/hostfile.h"
#include "../param.h"
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

/* Is the unit at `path` part of the standard library (embedded, or the stdlib_dir of
 * the options)? Library functions call only the library, never a user's modules. */
static bool is_library_unit(const Assembler *as, const char *path)
{
    const char *dir = as->opt ? as->opt->stdlib_dir : NULL;
    size_t n = dir ? strlen(dir) : 0;
    return strncmp(path, EMBEDDED_PREFIX, strlen(EMBEDDED_PREFIX)) == 0 ||
           (dir && strncmp(path, dir, n) == 0 && path[n] == '/');
}

/* The module file for `name` (module.function): "module/function.kar", split at the
 * last dot. False when the name has no dot or is too long. */
static bool module_file(const char *name, size_t len, char *rel, size_t cap)
{
    const char *dot = NULL;
    for (const char *s = name; (s = memchr(s, '.', len - (size_t)(s - name))); s++)
        dot = s;
    if (!dot)
        return false;
    int n = snprintf(rel, cap, "%.*s/%.*s.kar", (int)(dot - name), name,
                     (int)(len - (size_t)(dot + 1 - name)), dot + 1);
    return n > 0 && (size_t)n < cap;
}

/* Outcome of looking for a user module. */
typedef enum { MODULE_NONE, MODULE_READ, MODULE_KNOWN, MODULE_REFUSED } ModuleLookup;

/* A user module beside the unit `caller`, through the options' source provider: already
 * a unit (KNOWN: *entry, *unit set), read now (READ: *text to free, path filled), or
 * refused (REFUSED: reported here, the assembly fails). */
static ModuleLookup find_user_module(Assembler *as, const char *name, size_t len, uint32_t caller,
                                     char *path, size_t cap, char **text, size_t *tlen,
                                     uint32_t *entry, uint32_t *unit)
{
    const SourceProvider *sp = as->opt ? as->opt->modules : NULL;
    const char *from = as->prog->units[caller].path;
    char rel[160], why[256];
    if (!sp || is_library_unit(as, from) || !module_file(name, len, rel, sizeof rel) ||
        !sp->locate(sp->ctx, from, rel, path, cap))
        return MODULE_NONE;
    if (find_unit(as, path, entry, unit))
        return MODULE_KNOWN;
    int r = sp->read(sp->ctx, path, text, tlen, why, sizeof why);
    if (r == 0)
        return MODULE_READ;
    if (r == SOURCE_MISSING)
        return MODULE_NONE;
    diag_plain(&as->out, from, "%.*s: %s: %s; not read", (int)len, name, path, why);
    return MODULE_REFUSED;
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
    switch (find_user_module(as, name, len, caller, path, sizeof path, &owned, &tlen, entry, unit)) {
    case MODULE_KNOWN:
        return true;
    case MODULE_REFUSED:
        *entry = *unit = 0;
        return true;   /* reported: the assembly fails */
    case MODULE_READ:
        text = owned;
        snprintf(fname, sizeof fname, "%.*s", (int)len, name);
        break;
    case MODULE_NONE:
        break;
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
            /* The directory is the user's own choice (config.json), not a guest's: no
             * confinement, but never a FIFO. */
            if (host_read_file(path, MAX_SOURCE_BYTES, &owned, &tlen) != 0)
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
