/*
 * arena.c - the chunks of an Arena (arena.h): anonymous mappings, each starting with its
 * header, handed out by bumping an offset. Fresh mappings are zero, so arena_alloc needs
 * no memset.
 *
 * Under AddressSanitizer every piece is a calloc of its own instead, so that a read past
 * the end of one piece is still caught (in a chunk it would land in the next piece).
 */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_PIECES_ALONE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_PIECES_ALONE 1
#endif
#endif
#ifndef ARENA_PIECES_ALONE
#define ARENA_PIECES_ALONE 0
#endif

#define ARENA_ALIGN     16u
#define ARENA_MIN_CHUNK ((size_t)64 << 10)
#define HUGE_PAGE       ((size_t)2 << 20)

struct ArenaChunk {
    ArenaChunk *older;
    size_t      size, used;   /* bytes of the mapping, header included */
};

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

void arena_init(Arena *a, size_t hint)
{
    a->chunk = NULL;
    a->next = hint < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : hint;
}

/* A new chunk with room for at least n bytes after its header. */
static ArenaChunk *new_chunk(Arena *a, size_t n)
{
    size_t head = round_up(sizeof(ArenaChunk), ARENA_ALIGN);
    if (n > SIZE_MAX / 2 - head - HUGE_PAGE)
        return NULL;
    if (ARENA_PIECES_ALONE) {
        ArenaChunk *c = calloc(1, head + n);
        if (c)
            *c = (ArenaChunk){ a->chunk, head + n, head };
        return c ? a->chunk = c : NULL;
    }
    size_t size = a->next > n + head ? a->next : n + head;
    /* Large chunks: whole huge pages, and ask for them (a hint the kernel may ignore). */
    size = round_up(size, size >= HUGE_PAGE ? HUGE_PAGE : 4096);
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (size >= HUGE_PAGE)
        madvise(m, size, MADV_HUGEPAGE);
#endif
    ArenaChunk *c = m;
    c->older = a->chunk;
    c->size = size;
    c->used = head;
    a->chunk = c;
    a->next = size < SIZE_MAX / 4 ? size * 2 : size;
    return c;
}

void *arena_alloc(Arena *a, size_t n)
{
    ArenaChunk *c = a->chunk;
    n = n ? round_up(n, ARENA_ALIGN) : ARENA_ALIGN;
    if (n == 0)   /* round_up wrapped */
        return NULL;
    if (!c || c->size - c->used < n) {
        c = new_chunk(a, n);
        if (!c)
            return NULL;
    }
    void *p = (char *)c + c->used;
    c->used += n;
    return p;
}

void arena_free(Arena *a)
{
    for (ArenaChunk *c = a->chunk, *older; c; c = older) {
        older = c->older;
        if (ARENA_PIECES_ALONE)
            free(c);
        else
            munmap(c, c->size);
    }
    a->chunk = NULL;
}
