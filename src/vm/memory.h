/*
 * memory.h - a process's word-addressed memory: lazy pages, copy-on-write, heap allocator.
 *
 * Address space: words 0 .. size-1 (SPEC 2.3). Word 0 is never valid (error 14).
 * Words 1 .. heap_start-1 are the static area: always readable and writable, zero at start.
 * Words heap_start .. size-1 are the heap: a word is accessible only while it lies inside a
 * live block handed out by mem_alloc (else error 2).
 *
 * Storage is a two-level radix tree of 256-word pages:
 *     addr -> dir[addr >> 14] -> table[(addr >> 8) & 63] -> page->w[addr & 255]
 * Pages and tables exist only once touched, so an idle process costs a few hundred bytes
 * whatever memorySize is. The directory array grows only as far as the highest touched
 * address. A page that was never written reads as zero.
 *
 * Each page carries two bitmaps over its 256 words: `live` (accessible) and `start`
 * (a heap block begins here). Static-area pages are all live. The allocator keeps the
 * bitmaps in step with its free list, so an access check is one bit test.
 *
 * Copy-on-write: mem_fork shares every page with the child (page->refs++). A write to a
 * page with refs > 1 that is not `shared` (share_m storage) first copies it. Shared pages
 * are one storage for every process that maps them and are never copied.
 */
#ifndef MVM_MEMORY_H
#define MVM_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "../param.h"

#define DIR_SHIFT   6                       /* 64 pages per table */
#define DIR_FANOUT  (1u << DIR_SHIFT)
#define TABLE_SHIFT (PAGE_SHIFT + DIR_SHIFT) /* words covered by one table: 16384 */

typedef struct Page {
    uint32_t refs;        /* page tables that point at this page */
    uint32_t shared;      /* nonzero: share_m storage, written in place by every mapper */
    uint64_t live[PAGE_WORDS / 64];   /* bit i: word i may be read and written */
    uint64_t start[PAGE_WORDS / 64];  /* bit i: a live heap block starts at word i */
    int64_t  w[PAGE_WORDS];
} Page;

typedef struct PageTable {
    uint32_t refs;        /* processes whose directory points here (copy-on-write at the table level) */
    uint32_t used;        /* non-NULL entries */
    Page    *page[DIR_FANOUT];
} PageTable;

/* A free extent of the heap: words [start, start + len). */
typedef struct Extent { uint64_t start, len; } Extent;

typedef struct Memory {
    uint64_t    size;        /* memorySize: words in the address space */
    uint64_t    heap_start;
    PageTable **dir;         /* ndir entries, NULL where nothing was touched */
    uint32_t    ndir;
    Extent     *free;        /* free heap extents sorted by start, coalesced; NULL/0 means
                                "the whole heap is free" until the first allocation */
    uint32_t    nfree, free_cap;
    uint64_t    heap_used;   /* words in live blocks */
    uint32_t    pages;       /* pages this process maps (for --stats) */
} Memory;

/* Set up an empty address space. Returns 0, or -1 when out of host memory. */
int  mem_init(Memory *m, uint64_t size, uint64_t heap_start);
/* Release every page and table this process holds. */
void mem_release(Memory *m);
/* Make child a copy-on-write copy of parent (pages shared, copied on first write).
 * Returns 0, or -1 when out of host memory (child is then left empty and released). */
int  mem_fork(Memory *child, Memory *parent);

/* Read/write one word. Return 0 (ERR_NONE), ERR_NULL_ADDRESS (14) for address 0, or
 * ERR_INVALID_ADDRESS (2) for an address outside memory or not in a live heap block. */
int  mem_read(Memory *m, int64_t addr, int64_t *out);
int  mem_write(Memory *m, int64_t addr, int64_t value);

/* Allocate `words` zeroed words on the heap (first fit, lowest address).
 * Returns 0 and sets *addr, or ERR_INVALID_ARGUMENT (24) for words <= 0, or
 * ERR_MEMORY_ALLOCATION (11) when no free extent is large enough. */
int  mem_alloc(Memory *m, int64_t words, int64_t *addr);
/* Free the live block starting at addr. Returns 0, ERR_NULL_ADDRESS for 0, or
 * ERR_INVALID_ADDRESS for anything but the start of a live block. */
int  mem_free(Memory *m, int64_t addr);
/* Size in words of the live block starting at addr, or 0 if addr starts none. */
uint64_t mem_block_size(Memory *m, int64_t addr);

/* Host bytes this address space holds (pages counted once per mapper, for --stats). */
size_t mem_host_bytes(const Memory *m);

/* Fast path for the interpreter: the page holding addr if it exists and the word is
 * live, else NULL (then call mem_read/mem_write for the full rules). */
static inline Page *mem_page_fast(const Memory *m, uint64_t addr)
{
    uint64_t d = addr >> TABLE_SHIFT;
    if (d >= m->ndir || !m->dir[d]) return NULL;
    Page *pg = m->dir[d]->page[(addr >> PAGE_SHIFT) & (DIR_FANOUT - 1)];
    if (!pg) return NULL;
    uint32_t off = addr & (PAGE_WORDS - 1);
    return (pg->live[off >> 6] >> (off & 63)) & 1 ? pg : NULL;
}

static inline int mem_load_fast(const Memory *m, int64_t addr, int64_t *out)
{
    Page *pg = (uint64_t)addr < m->size ? mem_page_fast(m, (uint64_t)addr) : NULL;
    if (!pg || addr == 0) return -1;
    *out = pg->w[addr & (PAGE_WORDS - 1)];
    return 0;
}

static inline int mem_store_fast(Memory *m, int64_t addr, int64_t value)
{
    Page *pg = (uint64_t)addr < m->size ? mem_page_fast(m, (uint64_t)addr) : NULL;
    if (!pg || addr == 0 || (pg->refs != 1 && !pg->shared)) return -1;
    /* a table shared by fork must be copied before its page can be written */
    if (m->dir[(uint64_t)addr >> TABLE_SHIFT]->refs != 1) return -1;
    pg->w[addr & (PAGE_WORDS - 1)] = value;
    return 0;
}

#endif
