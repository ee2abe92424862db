/*
 * memory.c - a process's memory: the page radix tree with copy-on-write, the heap
 * allocator and shared pages. The layout and the rules are in memory.h.
 *
 * Four layers, bottom up:
 *   bitmaps      live/start bits of one page, a range or a 64-bit word at a time;
 *   radix tree   page_find (read only, never allocates) and page_for_write, which
 *                creates or copies the table and the page so that m may write them;
 *   free list    sorted, coalesced extents of the heap; lazily "everything" (NULL);
 *   operations   read/write, alloc/free, fork/release, share, stats.
 *
 * Invariants (checked by tests/unit/test_memory.c):
 *   - a page's start bits are a subset of its live bits; static words are live;
 *   - a heap word is on the free list iff it is dead and its page is not shared;
 *   - no free extent touches a shared page, so a new block never spans a shared/private
 *     page edge (mem_share cuts old blocks there; block_length stops at such edges);
 *   - an existing heap-only page with no live word is shared (else it was dropped).
 * Every operation that can run out of host memory allocates first (table/page copies,
 * free-list room) and changes visible state only once nothing can fail any more; only
 * mem_share stops part way, after the pages it managed to share, leaving both consistent.
 *
 * Host memory budget: every byte this file holds for any address space (pages, tables,
 * directories, free lists) is counted in host_bytes, and an allocation that would take it
 * past MEM_HOST_BUDGET fails exactly as if the host were out of memory: error 11 from
 * mem_alloc and mem_write, -1 from mem_fork. Without it a program could make mvm
 * exhaust the host and be killed by the OOM killer: one `alloc` of 4e9 words with
 * --memory 2^32 materialises 16M pages (35 GB), and so do 4096 forked processes each
 * allocating its default 1M-word heap. The budget is global (one mvm process, one count),
 * so the failure is deterministic for a given program and configuration. Other layers
 * charge what they hold outside this file through mem_budget_charge/release: data and
 * call stacks (kernel/proc.c), saved signal contexts (kernel/signal.c) and readIo's
 * line buffer (kernel/sys_io.c).
 */
#include "memory.h"

#include <stdlib.h>
#include <string.h>

#include "../debug.h"
#include "errors.h"

#define MAP_WORDS (PAGE_WORDS / 64)   /* uint64_t words in one page bitmap */
#define WORD_MASK (PAGE_WORDS - 1)

/* ---- Host memory budget -------------------------------------------------------------- */

/* 1 GiB: about 480,000 pages (123M words) for all processes together; 250 processes can
 * each fill the default 1M-word address space. Creating that much takes about a second. */

static size_t host_bytes;   /* bytes held through the functions below, all processes */
static size_t host_limit = MEM_HOST_BUDGET;

static int budget_allows(size_t n)
{
    return n <= host_limit - host_bytes;   /* host_bytes <= host_limit always */
}

void mem_budget_set(size_t bytes)
{
    host_limit = bytes > host_bytes ? bytes : host_bytes;
}

int mem_budget_charge(size_t n)
{
    if (!budget_allows(n))
        return -1;
    host_bytes += n;
    return 0;
}

void mem_budget_release(size_t n)
{
    MVM_ASSERT(n <= host_bytes, "released more than was charged");
    host_bytes -= n;
}

static void *h_malloc(size_t n)
{
    void *q = budget_allows(n) ? malloc(n) : NULL;
    if (q)
        host_bytes += n;
    return q;
}

static void *h_calloc(size_t n)
{
    void *q = budget_allows(n) ? calloc(1, n) : NULL;
    if (q)
        host_bytes += n;
    return q;
}

/* realloc from old to n bytes (n > old). */
static void *h_realloc(void *p, size_t old, size_t n)
{
    void *q = budget_allows(n - old) ? realloc(p, n) : NULL;
    if (q)
        host_bytes += n - old;
    return q;
}

static void h_free(void *p, size_t n)
{
    if (p)
        host_bytes -= n;
    free(p);
}

/* ---- Bitmaps ------------------------------------------------------------------------- */

static inline int bit_test(const uint64_t *map, uint32_t i)
{
    return (map[i >> 6] >> (i & 63)) & 1;
}

/* Bits lo .. hi-1 of bitmap word w (0 <= lo < hi <= PAGE_WORDS), as a mask. */
static inline uint64_t range_mask(uint32_t w, uint32_t lo, uint32_t hi)
{
    uint32_t first = w << 6, last = first + 64;
    if (hi <= first || lo >= last)
        return 0;
    uint64_t mask = ~0ULL;
    if (lo > first)
        mask &= ~0ULL << (lo - first);
    if (hi < last)
        mask &= ~0ULL >> (last - hi);
    return mask;
}

static void bits_set(uint64_t *map, uint32_t lo, uint32_t hi)
{
    for (uint32_t w = lo >> 6; w < MAP_WORDS && (w << 6) < hi; w++)
        map[w] |= range_mask(w, lo, hi);
}

/* Index of the first word >= off that ends a block run: dead, or the start of another
 * block. PAGE_WORDS if the run reaches the end of the page. */
static uint32_t run_end(const Page *pg, uint32_t off)
{
    while (off < PAGE_WORDS) {
        uint32_t w = off >> 6;
        uint64_t stop = (~pg->live[w] | pg->start[w]) & (~0ULL << (off & 63));
        if (stop)
            return (w << 6) + (uint32_t)__builtin_ctzll(stop);
        off = (w + 1) << 6;
    }
    return PAGE_WORDS;
}

/* ---- Radix tree ---------------------------------------------------------------------- */

/* Page number p of m, or NULL if it was never materialised. Never allocates. */
static Page *page_find(const Memory *m, uint64_t p)
{
    uint64_t d = p >> DIR_SHIFT;
    if (d >= m->ndir || !m->dir[d])
        return NULL;
    return m->dir[d]->page[p & (DIR_FANOUT - 1)];
}

static void page_unref(Page *pg)
{
    if (--pg->refs == 0)
        h_free(pg, sizeof *pg);
}

static void table_unref(PageTable *t)
{
    if (--t->refs)
        return;
    for (uint32_t i = 0; i < DIR_FANOUT; i++)
        if (t->page[i])
            page_unref(t->page[i]);
    h_free(t, sizeof *t);
}

/* Directory slot d of m, grown to hold it and holding a table private to m (refs == 1):
 * created empty if absent, copied if another process holds it. NULL when out of host
 * memory (m still reads the same). */
static PageTable *table_for_write(Memory *m, uint64_t d)
{
    if (d >= m->ndir) {
        PageTable **dir = h_realloc(m->dir, m->ndir * sizeof *dir, (d + 1) * sizeof *dir);
        if (!dir)
            return NULL;
        memset(dir + m->ndir, 0, (d + 1 - m->ndir) * sizeof *dir);
        m->dir = dir;
        m->ndir = (uint32_t)(d + 1);
    }
    PageTable *t = m->dir[d];
    if (!t) {
        if (!(t = h_calloc(sizeof *t)))
            return NULL;
        t->refs = 1;
        m->dir[d] = t;
    } else if (t->refs > 1) {
        PageTable *copy = h_malloc(sizeof *copy);
        if (!copy)
            return NULL;
        memcpy(copy, t, sizeof *copy);
        copy->refs = 1;
        for (uint32_t i = 0; i < DIR_FANOUT; i++)
            if (copy->page[i])
                copy->page[i]->refs++;
        t->refs--;
        m->dir[d] = t = copy;
    }
    return t;
}

/* A new zero page for page number p: its static words are live. */
static Page *page_new(const Memory *m, uint64_t p)
{
    Page *pg = h_calloc(sizeof *pg);
    if (!pg)
        return NULL;
    pg->refs = 1;
    uint64_t base = p << PAGE_SHIFT;
    uint64_t lo = base ? base : 1;   /* word 0 is never live */
    uint64_t hi = base + PAGE_WORDS < m->heap_start ? base + PAGE_WORDS : m->heap_start;
    if (lo < hi)
        bits_set(pg->live, (uint32_t)(lo - base), (uint32_t)(hi - base));
    return pg;
}

/* Page number p of m, ready for m to write: its table is private to m, and the page is
 * created (zero, static words live) if absent or copied if another table holds it and it
 * is not shared. *fresh, if given, says whether it was just created (all zero).
 * NULL when out of host memory (m still reads the same). */
static Page *page_for_write(Memory *m, uint64_t p, int *fresh)
{
    PageTable *t = table_for_write(m, p >> DIR_SHIFT);
    if (!t)
        return NULL;
    Page **slot = &t->page[p & (DIR_FANOUT - 1)];
    Page *pg = *slot;
    if (fresh)
        *fresh = !pg;
    if (!pg) {
        if (!(pg = page_new(m, p)))
            return NULL;
        *slot = pg;
        t->used++;
        m->pages++;
    } else if (pg->refs > 1 && !pg->shared) {
        Page *copy = h_malloc(sizeof *copy);
        if (!copy)
            return NULL;
        memcpy(copy, pg, sizeof *copy);
        copy->refs = 1;
        pg->refs--;
        *slot = pg = copy;
    }
    return pg;
}

/* Remove page number p from m (its table is already private to m), and the table too if
 * it becomes empty. */
static void page_drop(Memory *m, uint64_t p)
{
    uint64_t d = p >> DIR_SHIFT;
    PageTable *t = m->dir[d];
    Page **slot = &t->page[p & (DIR_FANOUT - 1)];
    page_unref(*slot);
    *slot = NULL;
    m->pages--;
    if (--t->used == 0) {
        h_free(t, sizeof *t);
        m->dir[d] = NULL;
    }
}

/* ---- Free list ----------------------------------------------------------------------- */

/* Make the free list explicit (if still "whole heap") and give it room for `extra` more
 * extents. Returns 0, or -1 when out of host memory. */
static int free_reserve(Memory *m, uint32_t extra)
{
    if (!m->free) {
        if (!(m->free = h_malloc(8 * sizeof *m->free)))
            return -1;
        m->free_cap = 8;
        m->nfree = 0;
        if (m->heap_start < m->size)
            m->free[m->nfree++] = (Extent){ m->heap_start, m->size - m->heap_start };
    }
    if (m->nfree + extra <= m->free_cap)
        return 0;
    uint32_t cap = m->free_cap ? m->free_cap : 8;
    while (cap < m->nfree + extra)
        cap *= 2;
    Extent *f = h_realloc(m->free, m->free_cap * sizeof *f, cap * sizeof *f);
    if (!f)
        return -1;
    m->free = f;
    m->free_cap = cap;
    return 0;
}

/* Index of the first extent that ends after addr (nfree if none). */
static uint32_t free_search(const Memory *m, uint64_t addr)
{
    uint32_t lo = 0, hi = m->nfree;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->free[mid].start + m->free[mid].len <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Put [start, start+len) back, merging with its neighbours. Needs room for one extent. */
static void free_insert(Memory *m, uint64_t start, uint64_t len)
{
    Extent *f = m->free;
    uint32_t i = free_search(m, start);   /* first extent after the block */
    int left = i > 0 && f[i - 1].start + f[i - 1].len == start;
    int right = i < m->nfree && start + len == f[i].start;
    if (left && right) {
        f[i - 1].len += len + f[i].len;
        memmove(f + i, f + i + 1, (m->nfree - i - 1) * sizeof *f);
        m->nfree--;
    } else if (left) {
        f[i - 1].len += len;
    } else if (right) {
        f[i].start = start;
        f[i].len += len;
    } else {
        memmove(f + i + 1, f + i, (m->nfree - i) * sizeof *f);
        f[i] = (Extent){ start, len };
        m->nfree++;
    }
}

/* Take [lo, hi) off the free list wherever it is free. Needs room for one extent.
 * Returns the number of words taken. */
static uint64_t free_remove(Memory *m, uint64_t lo, uint64_t hi)
{
    Extent *f = m->free;
    uint32_t i = free_search(m, lo), j = i;
    uint64_t taken = 0;
    for (; j < m->nfree && f[j].start < hi; j++) {
        uint64_t a = f[j].start > lo ? f[j].start : lo;
        uint64_t b = f[j].start + f[j].len < hi ? f[j].start + f[j].len : hi;
        taken += b - a;
    }
    if (i == j)
        return 0;
    Extent keep[2];
    uint32_t nkeep = 0;
    if (f[i].start < lo)
        keep[nkeep++] = (Extent){ f[i].start, lo - f[i].start };
    if (f[j - 1].start + f[j - 1].len > hi)
        keep[nkeep++] = (Extent){ hi, f[j - 1].start + f[j - 1].len - hi };
    memmove(f + i + nkeep, f + j, (m->nfree - j) * sizeof *f);
    memcpy(f + i, keep, nkeep * sizeof *f);
    m->nfree = m->nfree - (j - i) + nkeep;
    return taken;
}

/* ---- Reading and writing ------------------------------------------------------------- */

/* The access rules of SPEC 2.3: 0, ERR_NULL_ADDRESS or ERR_INVALID_ADDRESS. On success
 * *pg is the page holding addr, NULL for a static word never written. */
static int check_access(const Memory *m, int64_t addr, Page **pg)
{
    if (addr == 0)
        return ERR_NULL_ADDRESS;
    uint64_t a = (uint64_t)addr;
    if (addr < 0 || a >= m->size)
        return ERR_INVALID_ADDRESS;
    *pg = page_find(m, a >> PAGE_SHIFT);
    if (a < m->heap_start)
        return ERR_NONE;
    return *pg && ((*pg)->shared || bit_test((*pg)->live, a & WORD_MASK)) ? ERR_NONE
                                                                         : ERR_INVALID_ADDRESS;
}

int mem_read(Memory *m, int64_t addr, int64_t *out)
{
    Page *pg;
    int err = check_access(m, addr, &pg);
    if (err)
        return err;
    *out = pg ? pg->w[addr & WORD_MASK] : 0;
    return ERR_NONE;
}

int mem_write(Memory *m, int64_t addr, int64_t value)
{
    Page *pg;
    int err = check_access(m, addr, &pg);
    if (err)
        return err;
    uint64_t a = (uint64_t)addr;
    if (!pg || pg->refs > 1 || m->dir[a >> TABLE_SHIFT]->refs > 1)
        pg = page_for_write(m, a >> PAGE_SHIFT, NULL);
    if (!pg)
        return ERR_MEMORY_ALLOCATION;
    pg->w[a & WORD_MASK] = value;
    return ERR_NONE;
}

/* ---- Allocation ---------------------------------------------------------------------- */

/* The words *lo .. *hi-1 of page p that the range [a, a+n) covers. */
static void span(uint64_t a, uint64_t n, uint64_t p, uint32_t *lo, uint32_t *hi)
{
    uint64_t base = p << PAGE_SHIFT;
    *lo = a > base ? (uint32_t)(a - base) : 0;
    *hi = a + n < base + PAGE_WORDS ? (uint32_t)(a + n - base) : PAGE_WORDS;
}

/* Length of the block starting at heap word a (whose start bit is set): its live words
 * up to the next start bit, the first dead word, or a shared/private page edge. */
static uint64_t block_length(const Memory *m, uint64_t a)
{
    uint64_t p = a >> PAGE_SHIFT;
    const Page *pg = page_find(m, p);
    uint32_t end = run_end(pg, (uint32_t)(a & WORD_MASK) + 1);
    while (end == PAGE_WORDS) {
        const Page *next = page_find(m, p + 1);
        if (!next || !next->shared != !pg->shared)
            break;
        pg = next;
        p++;
        end = run_end(pg, 0);
    }
    return (p << PAGE_SHIFT) + end - a;
}

/* The page holding the start of a live block at addr, or NULL if addr starts none. */
static const Page *block_page(const Memory *m, int64_t addr)
{
    uint64_t a = (uint64_t)addr;
    if (addr <= 0 || a < m->heap_start || a >= m->size)
        return NULL;
    const Page *pg = page_find(m, a >> PAGE_SHIFT);
    return pg && bit_test(pg->start, a & WORD_MASK) ? pg : NULL;
}

uint64_t mem_block_size(Memory *m, int64_t addr)
{
    return block_page(m, addr) ? block_length(m, (uint64_t)addr) : 0;
}

/* After a failed pass 1 of mem_alloc over pages first .. end-1: drop the pages it left
 * without a live word (it created them; an existing heap page without a live word is
 * shared, and static words are live), so the failure leaves nothing behind. Their tables
 * are private to m already. */
static void alloc_undo(Memory *m, uint64_t first, uint64_t end)
{
    for (uint64_t p = first; p < end; p++) {
        const Page *pg = page_find(m, p);
        if (!pg || pg->shared)
            continue;
        uint64_t any = 0;
        for (uint32_t w = 0; w < MAP_WORDS; w++)
            any |= pg->live[w];
        if (!any)
            page_drop(m, p);
    }
}

int mem_alloc(Memory *m, int64_t words, int64_t *addr)
{
    if (words <= 0)
        return ERR_INVALID_ARGUMENT;
    if (free_reserve(m, 0) < 0)
        return ERR_MEMORY_ALLOCATION;
    uint64_t n = (uint64_t)words;
    uint32_t i = 0;
    while (i < m->nfree && m->free[i].len < n)   /* first fit: extents are sorted */
        i++;
    if (i == m->nfree)
        return ERR_MEMORY_ALLOCATION;
    uint64_t a = m->free[i].start;

    /* Pass 1 may fail: make the pages writable and zero the block (dead words cannot be
     * observed, so this changes nothing visible). Pass 2 makes the block live. A block
     * whose new pages cannot fit in the budget fails at once, touching nothing. */
    uint64_t first = a >> PAGE_SHIFT, last = (a + n - 1) >> PAGE_SHIFT;
    if (last - first + 1 > MEM_HOST_BUDGET / sizeof(Page))
        return ERR_MEMORY_ALLOCATION;
    size_t missing = 0;
    for (uint64_t p = first; p <= last; p++)
        missing += !page_find(m, p);
    if (!budget_allows(missing * sizeof(Page)))
        return ERR_MEMORY_ALLOCATION;
    uint32_t lo, hi;
    for (uint64_t p = first; p <= last; p++) {
        int fresh;
        Page *pg = page_for_write(m, p, &fresh);
        if (!pg) {
            alloc_undo(m, first, p);
            return ERR_MEMORY_ALLOCATION;
        }
        span(a, n, p, &lo, &hi);
        if (!fresh)
            memset(&pg->w[lo], 0, (hi - lo) * sizeof pg->w[0]);
    }
    for (uint64_t p = first; p <= last; p++) {
        span(a, n, p, &lo, &hi);
        bits_set(page_find(m, p)->live, lo, hi);
    }
    page_find(m, first)->start[(a & WORD_MASK) >> 6] |= 1ULL << (a & 63);

    m->free[i].start += n;
    if ((m->free[i].len -= n) == 0) {
        memmove(m->free + i, m->free + i + 1, (m->nfree - i - 1) * sizeof *m->free);
        m->nfree--;
    }
    m->heap_used += n;
    *addr = (int64_t)a;
    return ERR_NONE;
}

/* Would page pg still have a reason to exist once words lo..hi-1 die? */
static int page_survives(const Page *pg, uint32_t lo, uint32_t hi)
{
    if (pg->shared)
        return 1;
    for (uint32_t w = 0; w < MAP_WORDS; w++)
        if (pg->live[w] & ~range_mask(w, lo, hi))
            return 1;
    return 0;
}

int mem_free(Memory *m, int64_t addr)
{
    if (addr == 0)
        return ERR_NULL_ADDRESS;
    const Page *head = block_page(m, addr);
    if (!head)
        return ERR_INVALID_ADDRESS;
    uint64_t a = (uint64_t)addr, n = block_length(m, a);
    int shared = head->shared != 0;   /* then every page of the block is shared */

    /* Pass 1 may fail: free-list room, private tables, private copies of the pages that
     * survive. Pass 2 clears the bits and drops the pages left without a live word. */
    if (!shared && free_reserve(m, 1) < 0)
        return ERR_MEMORY_ALLOCATION;
    uint64_t first = a >> PAGE_SHIFT, last = (a + n - 1) >> PAGE_SHIFT;
    uint32_t lo, hi;
    for (uint64_t p = first; p <= last; p++) {
        span(a, n, p, &lo, &hi);
        if (!table_for_write(m, p >> DIR_SHIFT))
            return ERR_MEMORY_ALLOCATION;
        if (page_survives(page_find(m, p), lo, hi) && !page_for_write(m, p, NULL))
            return ERR_MEMORY_ALLOCATION;
    }
    for (uint64_t p = first; p <= last; p++) {
        span(a, n, p, &lo, &hi);
        Page *pg = page_find(m, p);
        if (!page_survives(pg, lo, hi)) {
            page_drop(m, p);
            continue;
        }
        for (uint32_t w = 0; w < MAP_WORDS; w++) {
            uint64_t mask = range_mask(w, lo, hi);
            pg->live[w] &= ~mask;
            pg->start[w] &= ~mask;
        }
    }
    if (!shared) {
        free_insert(m, a, n);
        m->heap_used -= n;
    }
    return ERR_NONE;
}

/* ---- Whole address spaces ------------------------------------------------------------ */

int mem_init(Memory *m, uint64_t size, uint64_t heap_start)
{
    memset(m, 0, sizeof *m);
    if (size > MAX_MEMORY_SIZE || heap_start < 1 || heap_start > size)
        return -1;
    m->size = size;
    m->heap_start = heap_start;
    return 0;
}

void mem_release(Memory *m)
{
    for (uint32_t d = 0; d < m->ndir; d++)
        if (m->dir[d])
            table_unref(m->dir[d]);
    h_free(m->dir, m->ndir * sizeof *m->dir);
    h_free(m->free, m->free_cap * sizeof *m->free);
    uint64_t size = m->size, heap_start = m->heap_start;
    memset(m, 0, sizeof *m);
    m->size = size;   /* an empty, still usable address space */
    m->heap_start = heap_start;
}

int mem_fork(Memory *child, Memory *parent)
{
    uint32_t ndir = parent->ndir;
    while (ndir > 0 && !parent->dir[ndir - 1])   /* trailing empty slots are not copied */
        ndir--;
    PageTable **dir = NULL;
    Extent *f = NULL;
    uint32_t cap = parent->nfree ? parent->nfree : 1;
    if ((ndir && !(dir = h_malloc(ndir * sizeof *dir))) ||
        (parent->free && !(f = h_malloc(cap * sizeof *f)))) {
        h_free(dir, ndir * sizeof *dir);
        mem_init(child, parent->size, parent->heap_start);
        return -1;
    }
    *child = *parent;
    child->dir = dir;
    child->ndir = ndir;
    for (uint32_t d = 0; d < ndir; d++)
        if ((dir[d] = parent->dir[d]))
            dir[d]->refs++;
    child->free = f;
    child->free_cap = f ? cap : 0;
    if (f)
        memcpy(f, parent->free, parent->nfree * sizeof *f);
    return 0;
}

/* ---- Shared pages -------------------------------------------------------------------- */

/* Make page number p one storage for from and to (see mem_share). Returns 0, or -1 when
 * out of host memory (nothing visible changed). */
static int share_page(Memory *from, Memory *to, uint64_t p)
{
    Page *pg = page_for_write(from, p, NULL);
    PageTable *t = pg ? table_for_write(to, p >> DIR_SHIFT) : NULL;
    if (!t)
        return -1;
    pg->shared = 1;
    Page **slot = &t->page[p & (DIR_FANOUT - 1)];
    if (*slot == pg)
        return 0;
    if (*slot) {
        page_unref(*slot);
    } else {
        t->used++;
        to->pages++;
    }
    *slot = pg;
    pg->refs++;
    return 0;
}

/* Take heap words [lo, hi) off m's free list (free-list room already reserved). */
static void claim_heap(Memory *m, uint64_t lo, uint64_t hi)
{
    if (lo < m->heap_start)
        lo = m->heap_start;
    if (hi > m->size)
        hi = m->size;
    if (lo < hi)
        m->heap_used += free_remove(m, lo, hi);
}

int mem_share(Memory *from, Memory *to, uint64_t start, uint64_t end)
{
    if (start == 0)
        return ERR_NULL_ADDRESS;
    if (start >= from->size || start >= to->size || end >= from->size || end >= to->size)
        return ERR_INVALID_ADDRESS;
    if (start > end || from == to)
        return ERR_INVALID_ARGUMENT;
    if (free_reserve(from, 1) < 0 || free_reserve(to, 1) < 0)
        return ERR_MEMORY_ALLOCATION;
    uint64_t first = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT, p = first;
    while (p <= last && share_page(from, to, p) == 0)
        p++;
    /* Pages first .. p-1 are shared now: no allocator may hand out their words. */
    claim_heap(from, first << PAGE_SHIFT, p << PAGE_SHIFT);
    claim_heap(to, first << PAGE_SHIFT, p << PAGE_SHIFT);
    return p > last ? ERR_NONE : ERR_MEMORY_ALLOCATION;
}

/* ---- Snapshots (see memory.h) -------------------------------------------------------- */

Page *mem_page_create(void)
{
    return h_calloc(sizeof(Page));
}

void mem_page_destroy(Page *pg)
{
    h_free(pg, sizeof *pg);
}

int mem_map_page(Memory *m, uint64_t pno, Page *pg)
{
    if (pno >= (m->size + PAGE_WORDS - 1) >> PAGE_SHIFT)
        return -1;
    PageTable *t = table_for_write(m, pno >> DIR_SHIFT);
    if (!t)
        return -1;
    Page **slot = &t->page[pno & (DIR_FANOUT - 1)];
    if (*slot)
        return -1;
    *slot = pg;
    pg->refs++;
    t->used++;
    m->pages++;
    return 0;
}

int mem_set_free(Memory *m, const Extent *ext, uint32_t n)
{
    h_free(m->free, m->free_cap * sizeof *m->free);
    m->free = NULL;
    m->nfree = m->free_cap = 0;
    if (!ext)
        return 0;
    uint32_t cap = n < 8 ? 8 : n;
    if (!(m->free = h_malloc(cap * sizeof *m->free)))
        return -1;
    memcpy(m->free, ext, n * sizeof *ext);
    m->nfree = n;
    m->free_cap = cap;
    return 0;
}

/* ---- Statistics ---------------------------------------------------------------------- */

size_t mem_host_bytes(const Memory *m)
{
    size_t bytes = m->ndir * sizeof *m->dir + m->free_cap * sizeof *m->free;
    for (uint32_t d = 0; d < m->ndir; d++) {
        const PageTable *t = m->dir[d];
        if (!t)
            continue;
        size_t table = sizeof *t;
        for (uint32_t i = 0; i < DIR_FANOUT; i++)
            if (t->page[i])
                table += sizeof *t->page[i] / t->page[i]->refs;
        bytes += table / t->refs;
    }
    return bytes;
}
