/*
 * fused.c - the pass that writes superinstructions into a program about to run (fused.h).
 *
 * From the last instruction to the first, so that an instruction is fused with what its
 * successor has already become: ADD, LT, JZ becomes ADD_LT_JZ, LT_JZ, JZ, and a loop
 * `ADD G1 1 G1 / LT G1 N / JZ loop` runs with one indirect dispatch instead of three. A
 * jump into the middle of a pair lands on the second instruction, which runs alone (or
 * as the first of its own pair), so jump targets need no care.
 */
#include "fused.h"

const uint8_t fused_first[OP_ALL] = {
#define FUSE(name, first, second) [OP_##name] = OP_##first,
#include "fused.def"
#undef FUSE
};

/* The fused opcode for first followed by second, or -1. */
static int fuse_of(int first, int second)
{
#define FUSE(name, f, s) if (first == OP_##f && second == OP_##s) return OP_##name;
#include "fused.def"
#undef FUSE
    return -1;
}

void prog_fuse(Program *prog)
{
    if (prog->fused)
        return;
    prog->fused = true;
    for (uint32_t i = prog->ncode; i-- > 1;) {
        int f = fuse_of(prog->code[i - 1].op, prog->code[i].op);
        if (f >= 0)
            prog->code[i - 1].op = (uint8_t)f;
    }
}
