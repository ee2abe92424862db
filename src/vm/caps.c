/*
 * caps.c - which system calls a program can make (caps.h).
 *
 * Each register gets a set of the small values it may hold (0..62, the only ones that
 * can name a system call) and a flag for "any value". Literal writes add a value, writes
 * that compute or fetch a value set the flag, and copies make edges along which the
 * sets flow until nothing changes. S1's set is then the calls the program can make.
 */
#include "caps.h"
#include "fused.h"

#include <stdbool.h>
#include <stdlib.h>

#include "opcodes.h"
#include "regs.h"

#define ANY_VALUE (UINT64_C(1) << 63)   /* a value set holding every value */

typedef struct Edge { uint8_t from, to; } Edge;

static uint64_t value_bit(int64_t v)
{
    return v >= 0 && v < 63 ? UINT64_C(1) << v : 0;   /* (larger values name no call) */
}

/* Registers the machine writes besides the program's operands: R2..R6 (system call
 * results, comparisons' R4, INR's R6, and the defaults R3..R5), the flags, the floating
 * registers, and F1 (the argument array, at start and exec). R1 and R7..R10 are written
 * only by the program, which is why the library keeps the caller's S registers there. */
static bool set_by_machine(int r)
{
    return (r >= REG_R1 + 1 && r <= REG_R1 + 5) || (r >= REG_X1 && r < REG_X1 + 10) ||
           (r >= REG_I1 && r < REG_I1 + 10) || r == REG_F1;
}

/* The value read through operand slot i: a literal (slot REG_ZERO) or a register. */
static void read_into(uint64_t *set, Edge *edges, uint32_t *nedges, uint8_t reg, int64_t imm, uint8_t to)
{
    if (reg == REG_ZERO)
        set[to] |= value_bit(imm);
    else if (imm != 0)
        set[to] |= ANY_VALUE;   /* (a register plus a literal: not produced today) */
    else
        edges[(*nedges)++] = (Edge){ reg, to };
}

uint64_t prog_syscall_caps(const Program *prog)
{
    uint64_t set[REG_COUNT];
    for (int r = 0; r < REG_COUNT; r++)
        set[r] = set_by_machine(r) ? ANY_VALUE : value_bit(0);   /* all start at 0 */

    /* At most two edges per instruction (SWP), MAX_CALL_ARGS per call site. */
    size_t cap = 2 * (size_t)prog->ncode + (size_t)prog->ncalls * MAX_CALL_ARGS + 1;
    Edge *edges = malloc(cap * sizeof *edges);
    if (!edges)
        return CAPS_ANY;
    uint32_t nedges = 0;

    for (uint32_t i = 0; i < prog->ncode; i++) {
        const Instr *ip = &prog->code[i];
        int op = op_base(ip->op);   /* (a superinstruction writes as its first half: fused.h) */
        if (op >= OP_COUNT)
            continue;
        const uint8_t slot[3] = { ip->a, ip->b, ip->c };
        switch (op) {
        case OP_LIT:
            set[ip->a] |= value_bit(ip->imm[1]);
            continue;
        case OP_MOV:
            read_into(set, edges, &nedges, ip->a, ip->imm[0], ip->b);
            continue;
        case OP_SWP:
            edges[nedges++] = (Edge){ ip->a, ip->b };
            edges[nedges++] = (Edge){ ip->b, ip->a };
            continue;
        case OP_CALL: {
            const CallSite *cs = &prog->calls[ip->aux];
            for (uint32_t k = 0; k < cs->nargs; k++)
                read_into(set, edges, &nedges, cs->reg[k], cs->imm[k], (uint8_t)(REG_F1 + k));
            continue;
        }
        default:
            break;
        }
        /* Any other written register (D, d, W operands) may receive any value. */
        const char *ops = op_info[op].operands;
        for (int k = 0; ops[k] && k < 3; k++)
            if ((ops[k] == 'D' || ops[k] == 'd' || ops[k] == 'W') && slot[k] < REG_ZERO)
                set[slot[k]] |= ANY_VALUE;
    }

    for (bool changed = true; changed;) {   /* until the sets stop growing */
        changed = false;
        for (uint32_t e = 0; e < nedges; e++) {
            uint64_t grown = set[edges[e].to] | set[edges[e].from];
            if (grown != set[edges[e].to]) {
                set[edges[e].to] = grown;
                changed = true;
            }
        }
    }
    free(edges);
    return set[REG_S1] & ANY_VALUE ? CAPS_ANY : set[REG_S1];
}
