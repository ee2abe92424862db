/*
 * memory.h - a process's word-addressed memory: lazy pages, copy-on-write, heap allocator.
 *
 * Address space: words 0 .. size-1 (SPEC 2.3). Word 0 is never valid (error 14).
 * Words 1 .. heap_start-1 are the static area: always readable and writable, zero at start.
 * Words heap_start .. size-1 are the heap: a word is accessible only while it lies inside a
 * live block handed out by mem_alloc, or inside a shared page (else error 2).
 *
 * Storage is a two-level radix tree of 256-word pages:
 *     addr -> dir[addr >> 14] -> table[(addr >> 8) & 63] -> page->w[addr & 255]
 * Pages and tables exist only once written (or allocated), so an idle process costs a few
 * hundred bytes whatever memorySize is; reading an absent static word gives 0 and creates
 * nothing. The directory array grows only as far as the highest touched table.
 *
 * Each page carries two bitmaps over its 256 words: `live` (accessible) and `start`
 * (a heap block begins here). The static words of a page are always live. The allocator
 * keeps the bitmaps in step with its free list, so an access check is one bit test. A
 * block's length is not stored: it runs from its start bit over live words up to the next
 * start bit, the first dead word, or the edge between a shared and a private page. A heap
 * page whose words are all dead again is dropped (its contents cannot be observed).
 *
 * Copy-on-write, at two levels: mem_fork gives the child its own directory array whose
 * entries point at the parent's tables (table->refs++). A write through a table with
 * refs > 1 first copies the table (page->refs++ for each page it holds); a write to a page
 * with refs > 1 that is not `shared` then copies the page. Reads never copy.
 *
 * Shared pages (share_m, SPEC 4.5) are one storage for every process that maps them and
 * are never copied; a fork child maps them too. Every word of a shared page is accessible
 * to every mapper (its live bits still describe the blocks in it), and no mapper's free
 * list contains any of its words, so no mapper's allocator ever hands them out.
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
    uint32_t shared;      /* nonzero: share_m storage, written in place by every mapper;
                             set once, never cleared */
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
    Extent     *free;        /* free heap extents sorted by start, coalesced; NULL means
                                "the whole heap is free" (nothing allocated yet) */
    uint32_t    nfree, free_cap;
    uint64_t    heap_used;   /* heap words not on the free list: live blocks, plus the heap
                                words of shared pages */
    uint32_t    pages;       /* pages this process maps, shared or not (for --stats) */
} Memory;

/* Set up an empty address space; allocates nothing. Returns 0, or -1 when the arguments
 * are impossible (size > MAX_MEMORY_SIZE, heap_start < 1 or heap_start > size). */
int  mem_init(Memory *m, uint64_t size, uint64_t heap_start);
/* Drop this process's references to its tables and pages, free what nobody else holds,
 * and leave *m empty (calling it twice is harmless). */
void mem_release(Memory *m);
/* Make child a copy-on-write copy of parent: child gets its own directory array and free
 * list, the tables themselves are shared (copied on first write). Shared pages stay one
 * storage. Returns 0, or -1 when out of host memory (child is then left empty). */
int  mem_fork(Memory *child, Memory *parent);

/* Read/write one word. Return 0 (ERR_NONE), ERR_NULL_ADDRESS (14) for address 0, or
 * ERR_INVALID_ADDRESS (2) for an address outside memory or not in a live heap block.
 * mem_read never allocates; mem_write returns ERR_MEMORY_ALLOCATION (11) if the host
 * cannot supply a page (nothing is written then). */
int  mem_read(Memory *m, int64_t addr, int64_t *out);
int  mem_write(Memory *m, int64_t addr, int64_t value);

/* Allocate `words` zeroed words on the heap (first fit, lowest address). Touches only the
 * pages the block covers. Returns 0 and sets *addr, or ERR_INVALID_ARGUMENT (24) for
 * words <= 0, or ERR_MEMORY_ALLOCATION (11) when no free extent is large enough (or the
 * host is out of memory; nothing changes then). */
int  mem_alloc(Memory *m, int64_t words, int64_t *addr);
/* Free the live block starting at addr, in O(block length / 64 + pages). Returns 0,
 * ERR_NULL_ADDRESS for 0, or ERR_INVALID_ADDRESS for anything but the start of a live
 * block (ERR_MEMORY_ALLOCATION if the host cannot copy a page; nothing changes then).
 * Words of shared pages never return to the free list: freeing a block there only
 * clears its bits (for every mapper) and the words stay accessible. */
int  mem_free(Memory *m, int64_t addr);
/* Size in words of the live block starting at addr, or 0 if addr starts none. */
uint64_t mem_block_size(Memory *m, int64_t addr);

/* share_m (SPEC 4.5): make every page overlapping words start..end (inclusive) one
 * storage for `from` and `to`, at the same addresses. Afterwards:
 *   - each such page is from's page (created or privately copied first if needed), with
 *     `shared` set; to's previous page there is dropped, so from's contents and from's
 *     block bitmaps win;
 *   - every word of those pages is accessible to both processes, and the heap words of
 *     those pages are removed from both free lists (they count in heap_used) so neither
 *     allocator hands them out. Freeing a block inside shared pages clears its bits only.
 *   - a block that crossed the edge of the shared range is cut there (blocks never span a
 *     shared/private page edge): the piece on the side of its start bit stays a block;
 *     a piece beyond the edge without a start bit stays allocated but can no longer be
 *     freed, and to's blocks cut this way lose their words inside the range.
 * Sharing a page that is already shared between the two is a no-op for that page.
 * Access rights (parent/child, linked) are the caller's business, as is requiring that
 * start and end be readable. Returns 0; ERR_NULL_ADDRESS if start is 0;
 * ERR_INVALID_ADDRESS if start or end is outside either memory; ERR_INVALID_ARGUMENT if start > end
 * or from == to; ERR_MEMORY_ALLOCATION when out of host memory (then the pages before
 * the failing one are shared, consistently, and the rest untouched). */
int  mem_share(Memory *from, Memory *to, uint64_t start, uint64_t end);

/* Rebuilding an address space from a snapshot (kernel/snapshot.c). Every byte counts in
 * the host budget like any other, so mem_release frees what these build.
 *   mem_page_create   a zeroed page with refs = 0 (NULL when out of host memory);
 *   mem_page_destroy  free a page that no table holds (refs == 0);
 *   mem_map_page      put pg at page number pno of m, where nothing is mapped yet: m's
 *                     table there is private to m, pg->refs++ (0, or -1 when out of host
 *                     memory or the slot is taken);
 *   mem_set_free      m's free list becomes the n extents ext (sorted, disjoint, inside
 *                     the heap: the caller checks), or "the whole heap" when ext is NULL
 *                     (0, or -1 when out of host memory). */
Page *mem_page_create(void);
void  mem_page_destroy(Page *pg);
int   mem_map_page(Memory *m, uint64_t pno, Page *pg);
int   mem_set_free(Memory *m, const Extent *ext, uint32_t n);

/* Other kernel memory that counts in the same host budget (signal contexts): take n
 * bytes before allocating them (0, or -1 when the budget would be exceeded: nothing is
 * taken), give them back after freeing. */
int   mem_budget_take(size_t n);
void  mem_budget_give(size_t n);

/* Host bytes held for this address space, for --stats: directory and free-list arrays,
 * plus each table and page divided by the number of holders (a page by its refs, the
 * table's share of it by the table's refs), so summing over all processes gives the
 * host memory really used (up to rounding). */
size_t mem_host_bytes(const Memory *m);

/* Fast path for the interpreter: the page holding addr if it exists and the word is
 * live, else NULL (then call mem_read/mem_write for the full rules: untouched static
 * words, dead words of shared pages, copy-on-write). */
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
