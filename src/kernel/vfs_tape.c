/*
 * vfs_tape.c - the tape of VFS call outcomes (vfs_tape.h). One tape per mvm process, as
 * there is one machine; copies in and out, so the callers free what they get as usual.
 * Out of memory while recording leaves the tape shorter: going back past that point
 * then calls the VFS again (the documented behaviour without a tape).
 */
#include "vfs_tape.h"

#include <stdlib.h>
#include <string.h>

static VfsOutcome *tape;
static size_t      len, cap, pos;
static bool        on;

void vfs_tape_start(void) { on = true; }
size_t vfs_tape_position(void) { return pos; }
void vfs_tape_rewind(size_t p) { pos = p < len ? p : len; }

/* A deep copy of o into *c. false when out of memory (c then holds nothing). */
static bool copy(VfsOutcome *c, const VfsOutcome *o)
{
    *c = *o;
    c->data = NULL;
    c->names = NULL;
    if (o->data && !(c->data = malloc(o->len + 1)))
        return false;
    if (o->data) {
        memcpy(c->data, o->data, o->len);
        c->data[o->len] = 0;
    }
    if (o->names && !(c->names = calloc(o->n ? o->n : 1, sizeof *c->names)))
        goto fail;
    for (size_t i = 0; o->names && i < o->n; i++)
        if (!(c->names[i] = strdup(o->names[i])))
            goto fail;
    return true;
fail:
    free(c->data);
    vfs_free_names(c->names, o->n);
    c->data = NULL;
    c->names = NULL;
    return false;
}

bool vfs_tape_replay(VfsOutcome *out)
{
    if (!on || pos >= len)
        return false;
    if (!copy(out, &tape[pos]))
        return false;
    pos++;
    return true;
}

void vfs_tape_record(const VfsOutcome *o)
{
    if (!on || pos != len)
        return;
    if (len == cap) {
        size_t c = cap ? cap * 2 : 64;
        VfsOutcome *t = realloc(tape, c * sizeof *t);
        if (!t)
            return;
        tape = t;
        cap = c;
    }
    if (copy(&tape[len], o)) {
        len++;
        pos = len;
    }
}
