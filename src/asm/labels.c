/*
 * labels.c - the label hash table (linear probing, load factor at most 1/2).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "labels.h"
#include "diag.h"

static uint32_t hash_name(const char *s, size_t n)
{
    uint32_t h = 2166136261u;                /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static Label *probe(const LabelTable *t, const char *name, size_t len, uint32_t h)
{
    uint32_t mask = t->cap - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        Label *s = &t->slots[i];
        if (!s->name || (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0))
            return s;
    }
}

static int grow(LabelTable *t)
{
    if (t->cap > UINT32_MAX / 2)
        return -1;
    uint32_t ncap = t->cap ? t->cap * 2 : 64;
    Label *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    LabelTable nt = { ns, ncap, t->count };
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].name)
            *probe(&nt, t->slots[i].name, t->slots[i].len, t->slots[i].hash) = t->slots[i];
    free(t->slots);
    *t = nt;
    return 0;
}

int label_define(LabelTable *t, const char *name, uint32_t len, uint32_t line, uint32_t col,
                 const Label **old)
{
    if ((uint64_t)(t->count + 1) * 2 > t->cap && grow(t) < 0)
        return -1;
    uint32_t h = hash_name(name, len);
    Label *s = probe(t, name, len, h);
    if (s->name) {
        *old = s;
        return 1;
    }
    *s = (Label){ name, len, h, line, col };
    t->count++;
    return 0;
}

const Label *label_find(const LabelTable *t, const char *name, size_t len)
{
    if (t->cap == 0 || len > UINT32_MAX)
        return NULL;
    const Label *s = probe(t, name, len, hash_name(name, len));
    return s->name ? s : NULL;
}

const Label *label_nearest(const LabelTable *t, const char *name, size_t len)
{
    if (t->count > LABEL_SUGGEST_MAX || len > DIAG_WORD_MAX)
        return NULL;
    int best = diag_max_distance(len) + 1;
    const Label *found = NULL;
    for (uint32_t i = 0; i < t->cap; i++) {
        const Label *s = &t->slots[i];
        if (!s->name || s->len > len + (size_t)best || len > s->len + (size_t)best)
            continue;
        int d = diag_distance(name, len, s->name, s->len, false);
        if (d > 1 && s->len == len && strncasecmp(s->name, name, len) == 0)
            d = 1;                           /* only the case differs */
        /* Ties go to the earliest definition, so the answer does not depend on hashing. */
        if (d < best || (d == best && found && s->line < found->line)) {
            best = d;
            found = s;
        }
    }
    return found;
}

void label_free(LabelTable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->count = 0;
}
