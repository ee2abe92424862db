/*
 * program.c - the life of a Program (program.h): creation and reference counting.
 *
 * Everything a Program points to is owned by it and allocated with malloc, each array
 * and string separately: path, code, info, units (and each unit's path, name and
 * line_pc), calls, strings (and each literal's bytes) and text_pool. Whoever builds a
 * Program (the assembler, the .mar loader) must keep to that, so that program_release
 * can free any of them, complete or half-built.
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
    for (uint32_t i = 0; i < p->nunits; i++) {
        free(p->units[i].path);
        free(p->units[i].name);
        free(p->units[i].line_pc);
    }
    for (uint32_t i = 0; i < p->nstrings; i++)
        free(p->strings[i].bytes);
    free(p->units);
    free(p->strings);
    free(p->calls);
    free(p->code);
    free(p->info);
    free(p->text_pool);
    free(p->path);
    free(p);
}
