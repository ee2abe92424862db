/*
 * program.c - the life of a Program (program.h): creation and reference counting.
 *
 * Everything a Program points to is owned by it. The assembler allocates each piece with
 * malloc, each array and string separately: path, code, info, units (and each unit's
 * path, name and line_pc), calls, strings (and each literal's bytes), text_pool and
 * labels (and each name), so that program_release can free any of them, complete or
 * half-built. A program decoded from a file (vm/progio.c) has them all in its arena
 * instead, freed in one go.
 */
#include <stdlib.h>
#include <string.h>

#include "assembler.h"

Program *program_new(const char *path)
{
    Program *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->refs = 1;
    p->path = strdup(path);
    if (!p->path) {
        free(p);
        return NULL;
    }
    return p;
}

void program_retain(Program *p)
{
    if (p)
        p->refs++;
}

void program_release(Program *p)
{
    if (!p || --p->refs > 0)
        return;
    if (p->arena.chunk) {
        arena_free(&p->arena);
        free(p);
        return;
    }
    for (uint32_t i = 0; i < p->nunits; i++) {
        free(p->units[i].path);
        free(p->units[i].name);
        free(p->units[i].line_pc);
    }
    for (uint32_t i = 0; i < p->nstrings; i++)
        free(p->strings[i].bytes);
    for (uint32_t i = 0; i < p->nlabels; i++)
        free(p->labels[i].name);
    free(p->labels);
    free(p->units);
    free(p->strings);
    free(p->calls);
    free(p->code);
    free(p->info);
    free(p->text_pool);
    free(p->path);
    free(p);
}

static bool same_bytes(const void *a, const void *b, size_t n)
{
    return n == 0 || memcmp(a, b, n) == 0;
}

static bool same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool program_same(const Program *a, const Program *b)
{
    if (a == b)
        return true;
    if (!same_string(a->path, b->path) || a->ncode != b->ncode || a->nunits != b->nunits ||
        a->ncalls != b->ncalls || a->nstrings != b->nstrings || a->text_len != b->text_len)
        return false;
    if (!same_bytes(a->code, b->code, a->ncode * sizeof *a->code) ||
        !same_bytes(a->info, b->info, a->ncode * sizeof *a->info) ||
        !same_bytes(a->calls, b->calls, a->ncalls * sizeof *a->calls) ||
        !same_bytes(a->text_pool, b->text_pool, a->text_len))
        return false;
    for (uint32_t i = 0; i < a->nstrings; i++)
        if (a->strings[i].len != b->strings[i].len ||
            !same_bytes(a->strings[i].bytes, b->strings[i].bytes, a->strings[i].len))
            return false;
    if (a->nlabels != b->nlabels)
        return false;
    for (uint32_t i = 0; i < a->nlabels; i++)
        if (a->labels[i].unit != b->labels[i].unit || a->labels[i].line != b->labels[i].line ||
            !same_string(a->labels[i].name, b->labels[i].name))
            return false;
    for (uint32_t i = 0; i < a->nunits; i++) {
        const Unit *u = &a->units[i], *v = &b->units[i];
        if (!same_string(u->path, v->path) || !same_string(u->name, v->name) || u->first != v->first ||
            u->end != v->end || u->nlines != v->nlines ||
            !same_bytes(u->line_pc, v->line_pc, (u->nlines + 2) * sizeof *u->line_pc))
            return false;
    }
    return true;
}
