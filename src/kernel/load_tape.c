/*
 * load_tape.c - the tape of program loads (load_tape.h). One tape per mvm process, as
 * there is one machine. Out of memory while recording stops the recording: a replay past
 * that point loads the file again (the behaviour without a tape).
 */
#include "load_tape.h"

#include <stdlib.h>

typedef struct Load {
    int      e;
    Program *prog;   /* a reference, when e is 0 */
} Load;

static Load  *tape;
static size_t len, cap, pos;
static bool   on, full;

void load_tape_start(void) { on = true; }
size_t load_tape_position(void) { return pos; }
void load_tape_rewind(size_t p) { pos = p < len ? p : len; }

void load_tape_stop(void)
{
    for (size_t i = 0; i < len; i++)
        program_release(tape[i].prog);
    free(tape);
    tape = NULL;
    len = cap = pos = 0;
    on = full = false;
}

bool load_tape_replay(int *e, Program **prog)
{
    if (!on || pos >= len)
        return false;
    *e = tape[pos].e;
    *prog = tape[pos].prog;
    program_retain(*prog);
    pos++;
    return true;
}

/* The latest recorded program equal to prog, or NULL. */
static Program *recorded_same(const Program *prog)
{
    for (size_t i = len; i-- > 0;)
        if (tape[i].prog && program_same(tape[i].prog, prog))
            return tape[i].prog;
    return NULL;
}

void load_tape_record(int e, Program *prog)
{
    if (!on || full || pos != len)
        return;
    if (len == cap) {
        size_t c = cap ? cap * 2 : 16;
        Load *t = realloc(tape, c * sizeof *t);
        if (!t) {
            full = true;
            return;
        }
        tape = t;
        cap = c;
    }
    Program *keep = e ? NULL : recorded_same(prog);
    if (!keep)
        keep = prog;
    program_retain(keep);
    tape[len++] = (Load){ e, keep };
    pos = len;
}
