/*
 * constants.c - the built-in constants, made from the .def tables at first use.
 *
 * The table is built once per mvm process (about a hundred rows) rather than written out
 * at compile time, because the spelling rule needs the names in capitals and an error's
 * name without "Exception", which the preprocessor cannot do; building it from the very
 * rows the kernel dispatches on is what keeps the list from drifting.
 */
#include "constants.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../asm/diag.h"
#include "../tables/signal_table.h"
#include "../tables/syscall_table.h"
#include "errors.h"

/* One row of a source table, before spelling. */
typedef struct Row { ConstFamily family; int64_t value; const char *name; } Row;

static const Row rows[] = {
#define SYS(e, n, name, fn, s2, s3, s4, res) { CONST_SYS, n, name },
#include "../tables/syscalls.def"
#undef SYS
#define SIG(e, n, name, act) { CONST_SIG, n, name },
#include "../tables/signals.def"
#undef SIG
#define ERR(e, code, name, sig, why) { CONST_ERR, code, name },
#include "errors.def"
#undef ERR
#define DEV(e, n, name, rd, wr) { CONST_DEV, n, name },
#include "../tables/devices.def"
#undef DEV
};
enum { NROWS = sizeof rows / sizeof rows[0] };

static Constant table[NROWS];
static bool     built;

static const char *const prefixes[CONST_FAMILIES] = { "SYS_", "SIG_", "ERR_", "DEV_" };
static const char *const families[CONST_FAMILIES] = { "system call", "signal", "error", "device" };

const char *constant_prefix(ConstFamily f) { return f < CONST_FAMILIES ? prefixes[f] : "?"; }
const char *constant_family_name(ConstFamily f) { return f < CONST_FAMILIES ? families[f] : "?"; }

void constant_spell(ConstFamily f, const char *row, char *out, size_t cap)
{
    size_t n = strlen(row);
    static const char suffix[] = "Exception";
    size_t sn = sizeof suffix - 1;
    if (f == CONST_ERR && n > sn && strcmp(row + n - sn, suffix) == 0)
        n -= sn;
    int k = snprintf(out, cap, "%s", constant_prefix(f));
    for (size_t i = 0; i < n && k >= 0 && (size_t)k + 1 < cap; i++)
        out[k++] = (char)toupper((unsigned char)row[i]);
    if (k >= 0 && (size_t)k < cap)
        out[k] = '\0';
}

static void build(void)
{
    for (size_t i = 0; i < NROWS; i++) {
        Constant *c = &table[i];
        constant_spell(rows[i].family, rows[i].name, c->name, sizeof c->name);
        c->value = rows[i].value;
        c->family = rows[i].family;
        c->row = rows[i].name;
    }
    built = true;
}

size_t constant_count(void)
{
    return NROWS;
}

const Constant *constant_at(size_t i)
{
    if (!built)
        build();
    return i < NROWS ? &table[i] : NULL;
}

const Constant *constant_find(const char *name, size_t len)
{
    /* Every constant has a 4-byte family prefix and a non-empty rest: most words (every
     * label use in a big program) are turned away before any comparison. */
    if (len < 5 || len >= sizeof table[0].name || name[3] != '_')
        return NULL;
    if (!built)
        build();
    for (size_t i = 0; i < NROWS; i++)
        if (memcmp(table[i].name, name, len) == 0 && table[i].name[len] == '\0')
            return &table[i];
    return NULL;
}

const Constant *constant_nearest(const char *name, size_t len)
{
    if (len > DIAG_WORD_MAX)
        return NULL;
    if (!built)
        build();
    int best = diag_max_distance(len) + 1;
    const Constant *found = NULL;
    for (size_t i = 0; i < NROWS; i++) {
        const char *c = table[i].name;
        size_t cn = strlen(c);
        if (cn > DIAG_WORD_MAX)
            continue;
        int d = diag_distance(name, len, c, cn, false);
        if (d > 1 && diag_distance(name, len, c, cn, true) == 0)
            d = 1;                           /* only the case differs: sys_fork */
        if (d > 0 && d < best) {
            best = d;
            found = &table[i];
        }
    }
    return found;
}
