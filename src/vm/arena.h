/*
 * arena.h - memory for many pieces that are freed together: a decoded program
 * (vm/progio.c) and the file it was decoded from (asm/bytecode.c).
 *
 * Loading a large .mar fills a few megabytes of fresh memory. Taken piece by piece from
 * malloc, that costs one page fault per 4 KiB and one malloc per string; from an arena it
 * is a pointer bump per piece, and the arena asks the kernel for transparent huge pages
 * (MADV_HUGEPAGE) on its large chunks, so a few faults populate it all. Freeing is one
 * munmap per chunk. (Measured in docs/bytecode.md: these faults were half of the load
 * time of a 133,333-instruction program.)
 */
#ifndef MVM_ARENA_H
#define MVM_ARENA_H

#include <stddef.h>

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *chunk;    /* the newest chunk, which links to the older ones */
    size_t      next;     /* the size to ask for when it is full */
} Arena;

/* An empty arena whose first chunk will hold about `hint` bytes. */
void arena_init(Arena *a, size_t hint);

/* n zeroed bytes aligned to 16, or NULL when the system has no memory left. */
void *arena_alloc(Arena *a, size_t n);

/* Give every chunk back; the arena is empty again. */
void arena_free(Arena *a);

#endif
