/*
 * cpu.c - the data and call stacks of a Cpu, which grow as they are used (SPEC 2.4).
 */
#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* Double *buf (of *cap elements, `used` in use) up to `limit` elements. The new bytes are
 * charged to the host memory budget first (memory.h): 40 processes each allowed a
 * 16M-word stack would otherwise take 5 GB of host memory past it. Past the limit or the
 * budget the push fails: a stack overflow (SPEC 8, code 5). */
static int grow(Cpu *c, void **buf, uint32_t *cap, uint32_t used, int64_t limit, size_t size)
{
    if ((int64_t)used >= limit)
        return ERR_STACK_OVERFLOW;
    int64_t want = *cap ? (int64_t)*cap * 2 : 16;
    if (want > limit)
        want = limit;
    size_t more = (size_t)(want - *cap) * size;
    if (mem_budget_charge(more) != 0)
        return ERR_STACK_OVERFLOW;
    void *b = realloc(*buf, (size_t)want * size);
    if (!b) {
        mem_budget_release(more);
        return ERR_STACK_OVERFLOW;
    }
    c->stack_charge += more;
    *buf = b;
    *cap = (uint32_t)want;
    return 0;
}

int cpu_push(Cpu *c, int64_t v, int64_t limit)
{
    if (c->sp == c->stack_cap) {
        int e = grow(c, (void **)&c->stack, &c->stack_cap, c->sp, limit, sizeof *c->stack);
        if (e)
            return e;
    }
    c->stack[c->sp++] = v;
    return 0;
}

int cpu_push_frame(Cpu *c, Frame f, int64_t limit)
{
    if (c->fp == c->frames_cap) {
        int e = grow(c, (void **)&c->frames, &c->frames_cap, c->fp, limit, sizeof *c->frames);
        if (e)
            return e;
    }
    c->frames[c->fp++] = f;
    return 0;
}

void *cpu_copy_array(Cpu *c, const void *src, size_t count, size_t size)
{
    if (count == 0 || mem_budget_charge(count * size) != 0)
        return NULL;
    void *dst = malloc(count * size);
    if (!dst) {
        mem_budget_release(count * size);
        return NULL;
    }
    c->stack_charge += count * size;
    memcpy(dst, src, count * size);
    return dst;
}

void cpu_free_stacks(Cpu *c)
{
    free(c->stack);
    free(c->frames);
    mem_budget_release(c->stack_charge);
    c->stack_charge = 0;
    c->stack = NULL;
    c->frames = NULL;
    c->sp = c->stack_cap = c->fp = c->frames_cap = 0;
}
