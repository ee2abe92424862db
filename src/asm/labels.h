/*
 * labels.h - a unit's labels: name -> line, an open-addressing hash table.
 *
 * Names point into the unit's source text, which outlives the table. Lookups and
 * definitions are O(1) on average, so a file with a million labels assembles in linear
 * time.
 */
#ifndef MVM_LABELS_H
#define MVM_LABELS_H

#include <stddef.h>
#include <stdint.h>

typedef struct Label {
    const char *name;     /* NULL: free slot */
    uint32_t    len;
    uint32_t    hash;
    uint32_t    line;     /* the line it names */
    uint32_t    col;      /* where it was defined */
} Label;

typedef struct LabelTable {
    Label   *slots;
    uint32_t cap;         /* a power of two, or 0 */
    uint32_t count;
} LabelTable;

/* Add a label. Returns 0 when added, 1 when the name exists (*old is the first
 * definition, the table is unchanged), -1 when memory ran out. */
int          label_define(LabelTable *t, const char *name, uint32_t len, uint32_t line,
                          uint32_t col, const Label **old);
const Label *label_find(const LabelTable *t, const char *name, size_t len);
/* The label closest to a misspelt name, or NULL when none is close (or the table is too
 * big to search: beyond LABEL_SUGGEST_MAX labels no suggestion is made). */
enum { LABEL_SUGGEST_MAX = 20000 };
const Label *label_nearest(const LabelTable *t, const char *name, size_t len);
void         label_free(LabelTable *t);

#endif
