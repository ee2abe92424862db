/*
 * test_memory.c - a process's memory (SPEC 2.3, 4.5 share_m, 10 "Memory and allocation"):
 * access rules, lazy pages, the first-fit allocator, copy-on-write fork, shared pages,
 * and a randomized comparison against a flat reference model.
 *
 * check_invariants() looks inside the structures (memory.h is public) and verifies what
 * memory.c promises: sorted coalesced free list, start bits within live bits, static words
 * live, dead private heap words exactly on the free list, heap_used, page counts and the
 * reference counts of every table and page across a set of processes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/errors.h"
#include "vm/memory.h"

#define HEAP 1024   /* DEFAULT_HEAP_START */

/* ---- Invariant checks ---------------------------------------------------------------- */

static int page_bit(const uint64_t *map, uint64_t off)
{
    return (map[off >> 6] >> (off & 63)) & 1;
}

static Page *find_page(const Memory *m, uint64_t p)
{
    uint64_t d = p >> DIR_SHIFT;
    return d < m->ndir && m->dir[d] ? m->dir[d]->page[p & (DIR_FANOUT - 1)] : NULL;
}

/* Is heap word a on m's free list? (linear: tests only) */
static int on_free_list(const Memory *m, uint64_t a)
{
    if (!m->free)
        return a >= m->heap_start && a < m->size;
    for (uint32_t i = 0; i < m->nfree; i++)
        if (a >= m->free[i].start && a < m->free[i].start + m->free[i].len)
            return 1;
    return 0;
}

static void check_one(const Memory *m)
{
    uint64_t free_words = 0;
    if (m->free) {
        assert_true(m->nfree <= m->free_cap);
        for (uint32_t i = 0; i < m->nfree; i++) {
            const Extent *e = &m->free[i];
            assert_true(e->len > 0);
            assert_true(e->start >= m->heap_start && e->start + e->len <= m->size);
            if (i > 0)   /* sorted and coalesced: a gap between neighbours */
                assert_true(m->free[i - 1].start + m->free[i - 1].len < e->start);
            free_words += e->len;
        }
        assert_int_equal(m->heap_used, m->size - m->heap_start - free_words);
    } else {
        assert_int_equal(m->heap_used, 0);
    }
    uint32_t pages = 0;
    for (uint32_t d = 0; d < m->ndir; d++) {
        const PageTable *t = m->dir[d];
        if (!t)
            continue;
        uint32_t used = 0;
        for (uint32_t i = 0; i < DIR_FANOUT; i++) {
            const Page *pg = t->page[i];
            if (!pg)
                continue;
            used++;
            uint64_t base = ((uint64_t)d << TABLE_SHIFT) + ((uint64_t)i << PAGE_SHIFT);
            int any_live = 0;
            for (uint32_t w = 0; w < PAGE_WORDS / 64; w++) {
                assert_int_equal(pg->start[w] & ~pg->live[w], 0);
                any_live |= pg->live[w] != 0;
            }
            if (base >= m->heap_start)
                assert_true(any_live || pg->shared);   /* dead private pages are dropped */
            for (uint64_t off = 0; off < PAGE_WORDS; off++) {
                uint64_t a = base + off;
                if (a == 0 || a >= m->size) {
                    assert_false(page_bit(pg->live, off));
                } else if (a < m->heap_start) {
                    assert_true(page_bit(pg->live, off));
                } else {
                    int expect_free = !pg->shared && !page_bit(pg->live, off);
                    assert_int_equal(on_free_list(m, a), expect_free);
                }
            }
        }
        assert_int_equal(t->used, used);
        assert_true(used > 0);
        pages += used;
    }
    assert_int_equal(m->pages, pages);
}

/* Each memory's own invariants, plus: every table's refs equals the number of
 * directories pointing at it, and every page's refs the number of distinct tables. */
static void check_invariants(Memory **ms, int n)
{
    enum { MAXT = 4096 };
    static const PageTable *tables[MAXT];
    static uint32_t tcount[MAXT];
    int nt = 0;
    for (int k = 0; k < n; k++) {
        check_one(ms[k]);
        for (uint32_t d = 0; d < ms[k]->ndir; d++) {
            const PageTable *t = ms[k]->dir[d];
            if (!t)
                continue;
            int j = 0;
            while (j < nt && tables[j] != t)
                j++;
            if (j == nt) {
                assert_true(nt < MAXT);
                tables[nt] = t;
                tcount[nt++] = 0;
            }
            tcount[j]++;
        }
    }
    for (int j = 0; j < nt; j++) {
        assert_int_equal(tables[j]->refs, tcount[j]);
        for (uint32_t i = 0; i < DIR_FANOUT; i++) {
            const Page *pg = tables[j]->page[i];
            if (!pg)
                continue;
            uint32_t holders = 0;
            for (int k = 0; k < nt; k++)
                for (uint32_t s = 0; s < DIR_FANOUT; s++)
                    holders += tables[k]->page[s] == pg;
            assert_int_equal(pg->refs, holders);
        }
    }
}

static void check1(Memory *m)
{
    check_invariants(&m, 1);
}

/* ---- Access rules -------------------------------------------------------------------- */

static void init_rejects_impossible_sizes(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, MAX_MEMORY_SIZE + 1, HEAP), -1);
    assert_int_equal(mem_init(&m, 4096, 0), -1);
    assert_int_equal(mem_init(&m, 4096, 4097), -1);
    assert_int_equal(mem_init(&m, MAX_MEMORY_SIZE, HEAP), 0);
    assert_int_equal(mem_host_bytes(&m), 0);
    int64_t a, v;
    assert_int_equal(mem_alloc(&m, 1, &a), 0);
    assert_int_equal(mem_write(&m, (int64_t)MAX_MEMORY_SIZE - 1, 5), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_read(&m, (int64_t)MAX_MEMORY_SIZE, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_share(&m, &m, 1, 1), ERR_INVALID_ARGUMENT);
    check1(&m);
    mem_release(&m);
}

/* Host memory is budgeted (memory.c, MEM_HOST_BUDGET = 1 GiB for all address spaces): a
 * block whose pages cannot fit fails with 11 at once and materialises nothing. */
static void alloc_beyond_the_host_budget_fails_cleanly(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, MAX_MEMORY_SIZE, HEAP), 0);
    int64_t a = -5;
    assert_int_equal(mem_alloc(&m, (int64_t)(MAX_MEMORY_SIZE - HEAP), &a), ERR_MEMORY_ALLOCATION);
    assert_int_equal(mem_alloc(&m, 200000000, &a), ERR_MEMORY_ALLOCATION);   /* 781,250 pages */
    assert_int_equal(a, -5);
    assert_int_equal(m.pages, 0);
    assert_int_equal(m.heap_used, 0);
    assert_int_equal(mem_alloc(&m, 1000, &a), 0);   /* small blocks still fit */
    assert_int_equal(a, HEAP);
    check1(&m);
    mem_release(&m);
}

static void null_and_out_of_range_addresses(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 5000, HEAP), 0);
    int64_t v = 77;
    assert_int_equal(mem_read(&m, 0, &v), ERR_NULL_ADDRESS);
    assert_int_equal(mem_write(&m, 0, 1), ERR_NULL_ADDRESS);
    int64_t bad[] = { -1, -256, INT64_MIN, 5000, 5001, INT64_MAX, 1 << 20 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(mem_read(&m, bad[i], &v), ERR_INVALID_ADDRESS);
        assert_int_equal(mem_write(&m, bad[i], 1), ERR_INVALID_ADDRESS);
    }
    assert_int_equal(v, 77);
    assert_int_equal(mem_write(&m, 1, 1), 0);   /* page 0 exists now: word 0 still invalid */
    assert_int_equal(mem_read(&m, 0, &v), ERR_NULL_ADDRESS);
    assert_int_equal(mem_load_fast(&m, 0, &v), -1);
    assert_int_equal(mem_store_fast(&m, 0, 1), -1);
    mem_release(&m);
}

static void static_area_is_zero_and_writable(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t v;
    for (int64_t a = 1; a < HEAP; a++) {
        assert_int_equal(mem_read(&m, a, &v), 0);
        assert_int_equal(v, 0);
    }
    assert_int_equal(mem_host_bytes(&m), 0);   /* reads materialise nothing */
    assert_int_equal(m.pages, 0);
    assert_int_equal(mem_write(&m, 1, -5), 0);
    assert_int_equal(mem_write(&m, HEAP - 1, 42), 0);
    assert_int_equal(mem_read(&m, 1, &v), 0);
    assert_int_equal(v, -5);
    assert_int_equal(mem_read(&m, HEAP - 1, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(mem_read(&m, 2, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(m.pages, 2);   /* pages 0 and 3 */
    assert_int_equal(m.ndir, 1);
    assert_int_equal(mem_host_bytes(&m), sizeof(PageTable *) + sizeof(PageTable) + 2 * sizeof(Page));
    /* the heap is not the static area */
    assert_int_equal(mem_read(&m, HEAP, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_write(&m, HEAP, 1), ERR_INVALID_ADDRESS);
    check1(&m);
    mem_release(&m);
    assert_int_equal(mem_host_bytes(&m), 0);
}

static void static_page_straddling_heap_start(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 4000, 300), 0);   /* heap starts inside page 1 */
    assert_int_equal(mem_write(&m, 299, 9), 0);
    int64_t v, a;
    assert_int_equal(mem_read(&m, 300, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_alloc(&m, 5, &a), 0);
    assert_int_equal(a, 300);
    assert_int_equal(mem_read(&m, 304, &v), 0);
    assert_int_equal(mem_read(&m, 305, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_free(&m, 300), 0);
    assert_int_equal(m.pages, 1);   /* page 1 keeps its static words */
    assert_int_equal(mem_read(&m, 299, &v), 0);
    assert_int_equal(v, 9);
    assert_int_equal(mem_free(&m, 299), ERR_INVALID_ADDRESS);   /* static: never a block */
    check1(&m);
    mem_release(&m);
}

static void fast_paths_agree_with_slow_paths(void **state)
{
    Memory m, c;
    assert_int_equal(mem_init(&m, 1 << 16, HEAP), 0);
    int64_t v, a;
    assert_int_equal(mem_load_fast(&m, 5, &v), -1);    /* absent: slow path gives 0 */
    assert_int_equal(mem_store_fast(&m, 5, 1), -1);
    assert_int_equal(mem_write(&m, 5, 1), 0);
    assert_int_equal(mem_store_fast(&m, 6, 2), 0);     /* same page, now present */
    assert_int_equal(mem_load_fast(&m, 6, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(mem_alloc(&m, 3, &a), 0);
    assert_int_equal(mem_store_fast(&m, a + 2, 7), 0);
    assert_int_equal(mem_store_fast(&m, a + 3, 7), -1);   /* not live */
    assert_int_equal(mem_load_fast(&m, a + 3, &v), -1);
    assert_int_equal(mem_load_fast(&m, -1, &v), -1);
    assert_int_equal(mem_load_fast(&m, 1 << 16, &v), -1);

    assert_int_equal(mem_fork(&c, &m), 0);
    assert_int_equal(mem_load_fast(&c, a + 2, &v), 0);   /* reads are fine when shared */
    assert_int_equal(v, 7);
    assert_int_equal(mem_store_fast(&c, a + 2, 8), -1);  /* the table is shared */
    assert_int_equal(mem_store_fast(&m, a + 2, 8), -1);
    assert_int_equal(mem_write(&c, a + 2, 8), 0);        /* c copies the table and page */
    assert_int_equal(mem_store_fast(&c, a + 1, 9), 0);
    assert_int_equal(mem_store_fast(&m, a + 2, 10), 0);  /* m's table and page are m's again */
    assert_int_equal(mem_store_fast(&m, 6, 3), -1);      /* page 0 is held by c's table too */
    assert_int_equal(mem_store_fast(&c, 6, 3), -1);
    assert_int_equal(mem_write(&m, 6, 3), 0);
    assert_int_equal(mem_store_fast(&m, 6, 4), 0);
    assert_int_equal(mem_store_fast(&c, 6, 5), 0);       /* the old page is c's alone now */
    int64_t expect_m[] = { 4, 0, 10 }, expect_c[] = { 5, 9, 8 };
    int64_t where[] = { 6, a + 1, a + 2 };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(mem_read(&m, where[i], &v), 0);
        assert_int_equal(v, expect_m[i]);
        assert_int_equal(mem_read(&c, where[i], &v), 0);
        assert_int_equal(v, expect_c[i]);
    }
    Memory *both[] = { &m, &c };
    check_invariants(both, 2);
    mem_release(&c);
    mem_release(&m);
}

/* ---- Allocator ----------------------------------------------------------------------- */

static void alloc_gives_zeroed_live_blocks(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t a, b, v;
    assert_int_equal(mem_alloc(&m, 10, &a), 0);
    assert_int_equal(a, HEAP);
    assert_int_equal(mem_alloc(&m, 1, &b), 0);
    assert_int_equal(b, HEAP + 10);
    for (int64_t i = 0; i < 10; i++) {
        assert_int_equal(mem_read(&m, a + i, &v), 0);
        assert_int_equal(v, 0);
        assert_int_equal(mem_write(&m, a + i, i * 3), 0);
    }
    assert_int_equal(mem_read(&m, b + 1, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_block_size(&m, a), 10);
    assert_int_equal(mem_block_size(&m, b), 1);
    assert_int_equal(mem_block_size(&m, a + 1), 0);
    assert_int_equal(mem_block_size(&m, 0), 0);
    assert_int_equal(mem_block_size(&m, 5), 0);
    assert_int_equal(mem_block_size(&m, -3), 0);
    assert_int_equal(m.heap_used, 11);
    assert_int_equal(m.pages, 1);   /* only the pages the blocks cover */
    check1(&m);
    /* reuse: the old contents do not show through */
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(mem_read(&m, a, &v), ERR_INVALID_ADDRESS);
    int64_t c;
    assert_int_equal(mem_alloc(&m, 4, &c), 0);
    assert_int_equal(c, a);
    for (int64_t i = 0; i < 4; i++) {
        assert_int_equal(mem_read(&m, c + i, &v), 0);
        assert_int_equal(v, 0);
    }
    check1(&m);
    mem_release(&m);
}

static void alloc_rejects_bad_sizes_and_exhaustion(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, HEAP + 1000, HEAP), 0);
    int64_t a = -1, b;
    assert_int_equal(mem_alloc(&m, 0, &a), ERR_INVALID_ARGUMENT);
    assert_int_equal(mem_alloc(&m, -5, &a), ERR_INVALID_ARGUMENT);
    assert_int_equal(mem_alloc(&m, INT64_MIN, &a), ERR_INVALID_ARGUMENT);
    assert_int_equal(a, -1);
    assert_int_equal(mem_alloc(&m, 1001, &a), ERR_MEMORY_ALLOCATION);
    assert_int_equal(mem_alloc(&m, INT64_MAX, &a), ERR_MEMORY_ALLOCATION);
    assert_int_equal(mem_alloc(&m, 1000, &a), 0);
    assert_int_equal(mem_alloc(&m, 1, &b), ERR_MEMORY_ALLOCATION);
    assert_int_equal(m.nfree, 0);
    check1(&m);
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(mem_alloc(&m, 600, &a), 0);
    assert_int_equal(mem_alloc(&m, 400, &b), 0);
    assert_int_equal(b, HEAP + 600);
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(mem_alloc(&m, 601, &a), ERR_MEMORY_ALLOCATION);
    check1(&m);
    mem_release(&m);
}

static void alloc_is_first_fit(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t a, b, c, d, e, x, y, z;
    assert_int_equal(mem_alloc(&m, 10, &a), 0);
    assert_int_equal(mem_alloc(&m, 20, &b), 0);
    assert_int_equal(mem_alloc(&m, 30, &c), 0);
    assert_int_equal(mem_alloc(&m, 40, &d), 0);
    assert_int_equal(mem_alloc(&m, 5, &e), 0);
    assert_int_equal(mem_free(&m, b), 0);
    assert_int_equal(mem_free(&m, d), 0);
    assert_int_equal(mem_alloc(&m, 25, &x), 0);   /* too big for b's hole: d's */
    assert_int_equal(x, d);
    assert_int_equal(mem_alloc(&m, 15, &y), 0);   /* the lowest hole that fits */
    assert_int_equal(y, b);
    assert_int_equal(mem_alloc(&m, 5, &z), 0);    /* the rest of b's hole */
    assert_int_equal(z, b + 15);
    assert_int_equal(mem_alloc(&m, 16, &z), 0);   /* d's rest is 15 words: the top */
    assert_int_equal(z, e + 5);
    check1(&m);
    mem_release(&m);
}

static void free_coalesces(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t a, b, c, x;
    assert_int_equal(mem_alloc(&m, 100, &a), 0);
    assert_int_equal(mem_alloc(&m, 200, &b), 0);
    assert_int_equal(mem_alloc(&m, 300, &c), 0);
    assert_int_equal(mem_free(&m, b), 0);
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(m.nfree, 2);
    assert_int_equal(m.free[0].start, a);
    assert_int_equal(m.free[0].len, 300);
    assert_int_equal(mem_alloc(&m, 300, &x), 0);   /* a + b fits at a */
    assert_int_equal(x, a);
    assert_int_equal(mem_free(&m, x), 0);
    assert_int_equal(mem_free(&m, c), 0);          /* left and right neighbours merge */
    assert_int_equal(m.nfree, 1);
    assert_int_equal(m.free[0].start, HEAP);
    assert_int_equal(m.free[0].len, (1 << 20) - HEAP);
    assert_int_equal(m.heap_used, 0);
    assert_int_equal(m.pages, 0);                  /* dead heap pages are dropped */
    assert_null(m.dir[0]);
    check1(&m);
    mem_release(&m);
}

static void free_rejects_everything_but_a_block_start(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t a;
    assert_int_equal(mem_alloc(&m, 10, &a), 0);
    assert_int_equal(mem_free(&m, 0), ERR_NULL_ADDRESS);
    assert_int_equal(mem_free(&m, a + 1), ERR_INVALID_ADDRESS);   /* middle */
    assert_int_equal(mem_free(&m, a + 10), ERR_INVALID_ADDRESS);  /* past the end */
    assert_int_equal(mem_free(&m, 5), ERR_INVALID_ADDRESS);       /* static */
    assert_int_equal(mem_free(&m, -1), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_free(&m, 1 << 20), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_free(&m, 50000), ERR_INVALID_ADDRESS);   /* absent page */
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(mem_free(&m, a), ERR_INVALID_ADDRESS);       /* double free */
    check1(&m);
    mem_release(&m);
}

static void large_blocks_span_pages_and_tables(void **state)
{
    Memory m;
    assert_int_equal(mem_init(&m, 1 << 20, HEAP), 0);
    int64_t a, b, c, v;
    assert_int_equal(mem_alloc(&m, 40000, &a), 0);   /* crosses two table edges */
    assert_int_equal(mem_alloc(&m, 256, &b), 0);
    assert_int_equal(mem_alloc(&m, 1, &c), 0);
    assert_int_equal(mem_block_size(&m, a), 40000);
    assert_int_equal(mem_block_size(&m, b), 256);
    assert_int_equal(m.pages, (HEAP + 40000 + 256) / PAGE_WORDS + 1 - HEAP / PAGE_WORDS);
    assert_int_equal(m.ndir, (HEAP + 40257) / DIR_FANOUT / PAGE_WORDS + 1);
    assert_int_equal(mem_write(&m, a + 39999, 3), 0);
    assert_int_equal(mem_read(&m, a + 39999, &v), 0);
    assert_int_equal(v, 3);
    check1(&m);
    assert_int_equal(mem_free(&m, a), 0);
    assert_int_equal(m.pages, 2);   /* b and c's pages survive */
    assert_int_equal(mem_block_size(&m, b), 256);
    assert_int_equal(mem_alloc(&m, 40000, &a), 0);
    assert_int_equal(mem_read(&m, a + 39999, &v), 0);
    assert_int_equal(v, 0);
    check1(&m);
    mem_release(&m);
}

/* ---- Fork ---------------------------------------------------------------------------- */

static void fork_is_copy_on_write(void **state)
{
    Memory p, c;
    assert_int_equal(mem_init(&p, 1 << 20, HEAP), 0);
    int64_t a, v;
    assert_int_equal(mem_write(&p, 10, 100), 0);
    assert_int_equal(mem_alloc(&p, 1000, &a), 0);
    assert_int_equal(mem_write(&p, a + 500, 5), 0);
    assert_int_equal(mem_fork(&c, &p), 0);
    Memory *both[] = { &p, &c };
    check_invariants(both, 2);
    assert_int_equal(mem_read(&c, 10, &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(mem_read(&c, a + 500, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(mem_block_size(&c, a), 1000);

    assert_int_equal(mem_write(&c, 10, 200), 0);        /* child's write: parent unchanged */
    assert_int_equal(mem_read(&p, 10, &v), 0);
    assert_int_equal(v, 100);
    assert_int_equal(mem_write(&p, a + 500, 6), 0);     /* parent's write: child unchanged */
    assert_int_equal(mem_read(&c, a + 500, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(mem_read(&c, 10, &v), 0);
    assert_int_equal(v, 200);
    check_invariants(both, 2);

    /* allocators are independent after the fork */
    int64_t pa, ca;
    assert_int_equal(mem_free(&c, a), 0);
    assert_int_equal(mem_read(&p, a, &v), 0);
    assert_int_equal(mem_alloc(&c, 10, &ca), 0);
    assert_int_equal(ca, a);
    assert_int_equal(mem_alloc(&p, 10, &pa), 0);
    assert_int_equal(pa, a + 1000);
    assert_int_equal(mem_write(&c, ca, 1), 0);
    assert_int_equal(mem_read(&p, a, &v), 0);
    assert_int_equal(v, 0);
    check_invariants(both, 2);
    mem_release(&p);   /* parent first: the child's pages must survive */
    check1(&c);
    assert_int_equal(mem_read(&c, 10, &v), 0);
    assert_int_equal(v, 200);
    mem_release(&c);
}

/* What an idle fork costs: the child writes two static words in different pages (as a
 * process that only keeps a counter or two would). Counted exactly by mem_host_bytes:
 * every holder's share sums to the whole (malloc adds its chunk headers on top). */
static void idle_fork_is_cheap(void **state)
{
    Memory p, c;
    assert_int_equal(mem_init(&p, 1 << 20, HEAP), 0);
    int64_t a;
    for (int i = 1; i < HEAP; i += 7)
        assert_int_equal(mem_write(&p, i, i), 0);
    for (int i = 0; i < 200; i++) {   /* strings and arrays, some freed */
        assert_int_equal(mem_alloc(&p, 1 + i % 37, &a), 0);
        assert_int_equal(mem_write(&p, a, i), 0);
        if (i % 3 == 0)
            assert_int_equal(mem_free(&p, a), 0);
    }
    assert_int_equal(mem_alloc(&p, 100000, &a), 0);   /* a big array: 391 pages */

    size_t before = mem_host_bytes(&p);
    assert_int_equal(mem_fork(&c, &p), 0);
    size_t just_fork = mem_host_bytes(&p) + mem_host_bytes(&c) - before;
    assert_int_equal(mem_write(&c, 3, 1), 0);
    assert_int_equal(mem_write(&c, 700, 2), 0);
    size_t after = mem_host_bytes(&p) + mem_host_bytes(&c);
    size_t cost = after - before;
    print_message("idle fork: %zu bytes (the fork itself %zu); parent holds %zu\n",
                  cost, just_fork, before);
    assert_true(cost < 8192);
    Memory *both[] = { &p, &c };
    check_invariants(both, 2);
    mem_release(&c);
    assert_int_equal(mem_host_bytes(&p), before);
    mem_release(&p);
}

static void fork_of_fork(void **state)
{
    Memory a, b, c;
    assert_int_equal(mem_init(&a, 1 << 18, HEAP), 0);
    int64_t blk, v;
    assert_int_equal(mem_alloc(&a, 300, &blk), 0);
    assert_int_equal(mem_write(&a, blk, 1), 0);
    assert_int_equal(mem_write(&a, 1, 1), 0);
    assert_int_equal(mem_fork(&b, &a), 0);
    assert_int_equal(mem_write(&b, blk, 2), 0);
    assert_int_equal(mem_fork(&c, &b), 0);
    Memory *all[] = { &a, &b, &c };
    check_invariants(all, 3);
    assert_int_equal(mem_read(&c, blk, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(mem_write(&c, blk, 3), 0);
    assert_int_equal(mem_write(&c, 1, 3), 0);
    assert_int_equal(mem_write(&a, blk + 299, 9), 0);
    int64_t expect[3][3] = { { 1, 1, 9 }, { 2, 1, 0 }, { 3, 3, 0 } };
    Memory *ms[3] = { &a, &b, &c };
    for (int k = 0; k < 3; k++) {
        assert_int_equal(mem_read(ms[k], blk, &v), 0);
        assert_int_equal(v, expect[k][0]);
        assert_int_equal(mem_read(ms[k], 1, &v), 0);
        assert_int_equal(v, expect[k][1]);
        assert_int_equal(mem_read(ms[k], blk + 299, &v), 0);
        assert_int_equal(v, expect[k][2]);
    }
    check_invariants(all, 3);
    assert_int_equal(mem_free(&b, blk), 0);   /* drops b's pages without copying them */
    assert_int_equal(mem_read(&c, blk, &v), 0);
    assert_int_equal(mem_read(&b, blk, &v), ERR_INVALID_ADDRESS);
    check_invariants(all, 3);
    mem_release(&b);
    Memory *ac[] = { &a, &c };
    check_invariants(ac, 2);
    mem_release(&a);
    mem_release(&c);
    mem_release(&c);   /* twice is harmless */
}

/* Leaks show under valgrind --leak-check=full and ASan (malloc's own counters cannot
 * tell: glibc's tcache keeps freed chunks counted as in use). */
static void release_frees_everything(void **state)
{
    Memory m[8];
    int64_t a;
    assert_int_equal(mem_init(&m[0], 1 << 20, HEAP), 0);
    for (int i = 0; i < 50; i++)
        assert_int_equal(mem_alloc(&m[0], 700, &a), 0);
    assert_int_equal(mem_write(&m[0], 1, 1), 0);
    for (int k = 1; k < 8; k++) {
        assert_int_equal(mem_fork(&m[k], &m[k / 2]), 0);
        assert_int_equal(mem_write(&m[k], a + k, k), 0);
        assert_int_equal(mem_free(&m[k], a - 700 * k), 0);
    }
    assert_int_equal(mem_share(&m[3], &m[5], a, a + 10), 0);
    for (int k = 0; k < 8; k += 2)   /* odd order on purpose */
        mem_release(&m[k]);
    for (int k = 7; k > 0; k -= 2) {
        mem_release(&m[k]);
        assert_int_equal(mem_host_bytes(&m[k]), 0);
        assert_null(m[k].dir);
    }
}

/* ---- Shared pages -------------------------------------------------------------------- */

static void share_makes_one_storage(void **state)
{
    Memory p, c;
    assert_int_equal(mem_init(&p, 1 << 16, HEAP), 0);
    int64_t arr, before, after, v;
    assert_int_equal(mem_alloc(&p, 10, &before), 0);
    assert_int_equal(mem_alloc(&p, 101, &arr), 0);   /* an array of 100 */
    assert_int_equal(mem_write(&p, arr, 100), 0);
    assert_int_equal(mem_fork(&c, &p), 0);
    assert_int_equal(mem_share(&p, &c, (uint64_t)arr, (uint64_t)arr + 100), 0);
    Memory *both[] = { &p, &c };
    check_invariants(both, 2);
    assert_ptr_equal(find_page(&p, (uint64_t)arr >> PAGE_SHIFT),
                     find_page(&c, (uint64_t)arr >> PAGE_SHIFT));
    assert_int_equal(mem_write(&c, arr + 5, 55), 0);   /* child writes, parent sees */
    assert_int_equal(mem_read(&p, arr + 5, &v), 0);
    assert_int_equal(v, 55);
    assert_int_equal(mem_write(&p, arr + 6, 66), 0);   /* and the other way */
    assert_int_equal(mem_read(&c, arr + 6, &v), 0);
    assert_int_equal(v, 66);
    assert_int_equal(mem_block_size(&c, arr), 101);
    /* every word of the page is usable by both, and neither allocator hands it out */
    assert_int_equal(mem_write(&c, arr + 200, 1), 0);
    assert_int_equal(mem_read(&p, arr + 200, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mem_alloc(&p, 1, &after), 0);
    assert_int_equal(after, HEAP + PAGE_WORDS);
    assert_int_equal(mem_alloc(&c, 1, &after), 0);
    assert_int_equal(after, HEAP + PAGE_WORDS);
    assert_int_equal(mem_write(&c, after, 7), 0);      /* outside: still private */
    assert_int_equal(mem_read(&p, after, &v), 0);
    assert_int_equal(v, 0);
    /* a fork of a mapper maps the same storage */
    Memory g;
    assert_int_equal(mem_fork(&g, &c), 0);
    assert_int_equal(mem_write(&g, arr + 7, 77), 0);
    assert_int_equal(mem_read(&p, arr + 7, &v), 0);
    assert_int_equal(v, 77);
    Memory *all[] = { &p, &c, &g };
    check_invariants(all, 3);
    /* freeing inside shared pages clears the block for everyone; words stay usable */
    assert_int_equal(mem_free(&g, before), 0);
    assert_int_equal(mem_free(&p, before), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_read(&p, before, &v), 0);
    assert_int_equal(mem_alloc(&p, 10, &after), 0);
    assert_true(after >= HEAP + PAGE_WORDS);
    assert_int_equal(mem_free(&g, arr), 0);   /* no live word left: still mapped, shared */
    assert_int_equal(mem_block_size(&p, arr), 0);
    assert_int_equal(mem_read(&g, arr + 7, &v), 0);
    assert_int_equal(v, 77);
    assert_int_equal(mem_write(&g, arr + 8, 88), 0);
    assert_int_equal(mem_read(&p, arr + 8, &v), 0);
    assert_int_equal(v, 88);
    check_invariants(all, 3);
    mem_release(&p);
    mem_release(&g);
    assert_int_equal(mem_read(&c, arr + 7, &v), 0);   /* lives while anyone maps it */
    assert_int_equal(v, 77);
    check1(&c);
    mem_release(&c);
}

static void share_replaces_the_targets_pages(void **state)
{
    Memory from, to;
    assert_int_equal(mem_init(&from, 1 << 16, HEAP), 0);
    assert_int_equal(mem_init(&to, 1 << 16, HEAP), 0);
    int64_t f, t1, t2, v;
    /* from: a block filling page 4, one in page 5.  to: a block across pages 4..6, then
     * one in page 6. Share page 5. */
    assert_int_equal(mem_alloc(&from, 256, &f), 0);
    assert_int_equal(mem_alloc(&from, 20, &f), 0);
    assert_int_equal(f, HEAP + 256);
    assert_int_equal(mem_write(&from, f, 11), 0);
    assert_int_equal(mem_alloc(&to, 600, &t1), 0);
    assert_int_equal(mem_alloc(&to, 10, &t2), 0);
    assert_int_equal(mem_write(&to, t1, 1), 0);
    assert_int_equal(mem_write(&to, t1 + 300, 2), 0);
    assert_int_equal(mem_write(&to, t1 + 599, 3), 0);
    assert_int_equal(mem_write(&to, 2, 4), 0);

    assert_int_equal(mem_share(&from, &to, (uint64_t)f + 5, (uint64_t)f + 5), 0);
    Memory *both[] = { &from, &to };
    check_invariants(both, 2);
    assert_int_equal(mem_read(&to, f, &v), 0);        /* from's contents win */
    assert_int_equal(v, 11);
    assert_int_equal(mem_read(&to, t1 + 300, &v), 0); /* whole page usable: 0 now */
    assert_int_equal(v, 0);
    assert_int_equal(mem_block_size(&to, f), 20);     /* from's blocks */
    /* to's block is cut at the shared page: its head remains a block, its tail past the
     * page stays allocated (readable) but can no longer be freed */
    assert_int_equal(mem_block_size(&to, t1), 256);
    assert_int_equal(mem_read(&to, t1 + 599, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(mem_free(&to, t1), 0);
    assert_int_equal(mem_read(&to, t1, &v), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_read(&to, t1 + 599, &v), 0);
    assert_int_equal(mem_read(&to, 2, &v), 0);
    assert_int_equal(v, 4);
    int64_t x;
    assert_int_equal(mem_alloc(&to, 300, &x), 0);    /* not into the shared page */
    assert_int_equal(x, t2 + 10);
    assert_int_equal(mem_alloc(&to, 256, &x), 0);
    assert_int_equal(x, HEAP);
    check_invariants(both, 2);
    /* sharing again is harmless; the from side's neighbours are untouched */
    assert_int_equal(mem_share(&from, &to, (uint64_t)f, (uint64_t)f + 19), 0);
    assert_int_equal(mem_read(&from, HEAP, &v), 0);
    check_invariants(both, 2);
    mem_release(&to);
    mem_release(&from);
}

static void share_static_and_untouched_pages(void **state)
{
    Memory a, b;
    assert_int_equal(mem_init(&a, 1 << 16, HEAP), 0);
    assert_int_equal(mem_init(&b, 1 << 16, HEAP), 0);
    int64_t v;
    assert_int_equal(mem_write(&b, 3, 9), 0);
    /* static page 0 (written by b only) and heap page 10 (touched by nobody) */
    assert_int_equal(mem_share(&a, &b, 1, 1), 0);
    assert_int_equal(mem_share(&a, &b, 10 * PAGE_WORDS + 3, 10 * PAGE_WORDS + 3), 0);
    assert_int_equal(mem_read(&b, 3, &v), 0);
    assert_int_equal(v, 0);                          /* a's (zero) contents win */
    assert_int_equal(mem_write(&a, 4, 8), 0);
    assert_int_equal(mem_read(&b, 4, &v), 0);
    assert_int_equal(v, 8);
    assert_int_equal(mem_write(&b, 10 * PAGE_WORDS, 5), 0);
    assert_int_equal(mem_read(&a, 10 * PAGE_WORDS + 255, &v), 0);
    assert_int_equal(mem_read(&a, 10 * PAGE_WORDS, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(a.heap_used, PAGE_WORDS);
    assert_int_equal(b.heap_used, PAGE_WORDS);
    assert_int_equal(mem_free(&a, 10 * PAGE_WORDS), ERR_INVALID_ADDRESS);
    Memory *both[] = { &a, &b };
    check_invariants(both, 2);
    mem_release(&a);
    mem_release(&b);
}

static void share_rejects_bad_arguments(void **state)
{
    Memory a, b;
    assert_int_equal(mem_init(&a, 4096, HEAP), 0);
    assert_int_equal(mem_init(&b, 2048, HEAP), 0);
    assert_int_equal(mem_share(&a, &b, 0, 10), ERR_NULL_ADDRESS);
    assert_int_equal(mem_share(&a, &b, 1, 4096), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_share(&a, &b, 1, 3000), ERR_INVALID_ADDRESS);   /* outside b */
    assert_int_equal(mem_share(&a, &b, (uint64_t)-1, 5), ERR_INVALID_ADDRESS);
    assert_int_equal(mem_share(&a, &b, 20, 10), ERR_INVALID_ARGUMENT);
    assert_int_equal(mem_share(&a, &a, 1, 10), ERR_INVALID_ARGUMENT);
    assert_int_equal(mem_host_bytes(&a) + mem_host_bytes(&b), 0);
    mem_release(&a);
    mem_release(&b);
}

/* ---- Randomized comparison with a flat model ----------------------------------------- */

enum { RSIZE = 6000 + 37, RHEAP = 300, NPROC = 4 };

typedef struct Model {
    int64_t w[RSIZE];
    uint32_t len[RSIZE];   /* at a block's first word: its length; else 0 */
    uint8_t live[RSIZE];
    int64_t starts[RSIZE];
    int nstarts;
} Model;

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

static int model_alloc(Model *md, int64_t n, int64_t *addr)
{
    if (n <= 0)
        return ERR_INVALID_ARGUMENT;
    int64_t run = 0;
    for (int64_t a = RHEAP; a < RSIZE; a++) {
        run = md->live[a] ? 0 : run + 1;
        if (run == n) {
            int64_t s = a - n + 1;
            for (int64_t i = s; i <= a; i++) {
                md->live[i] = 1;
                md->w[i] = 0;
            }
            md->len[s] = (uint32_t)n;
            md->starts[md->nstarts++] = s;
            *addr = s;
            return 0;
        }
    }
    return ERR_MEMORY_ALLOCATION;
}

static int model_free(Model *md, int64_t a)
{
    if (a == 0)
        return ERR_NULL_ADDRESS;
    if (a < RHEAP || a >= RSIZE || !md->len[a])
        return ERR_INVALID_ADDRESS;
    for (int64_t i = a; i < a + md->len[a]; i++)
        md->live[i] = 0;
    md->len[a] = 0;
    for (int k = 0; k < md->nstarts; k++)
        if (md->starts[k] == a) {
            md->starts[k] = md->starts[--md->nstarts];
            break;
        }
    return 0;
}

static int model_access(const Model *md, int64_t a)
{
    if (a == 0)
        return ERR_NULL_ADDRESS;
    if (a < 0 || a >= RSIZE || (a >= RHEAP && !md->live[a]))
        return ERR_INVALID_ADDRESS;
    return 0;
}

static void compare_all(Memory *m, const Model *md)
{
    for (int64_t a = -1; a <= RSIZE; a++) {
        int64_t v = 0;
        int e = mem_read(m, a, &v);
        assert_int_equal(e, model_access(md, a));
        if (!e)
            assert_int_equal(v, md->w[a]);
        if (a > 0 && a < RSIZE)
            assert_int_equal(mem_block_size(m, a), md->len[a]);
    }
}

static int64_t random_address(const Model *md)
{
    switch (rnd(4)) {
    case 0:
        return (int64_t)rnd(RSIZE + 4) - 2;
    case 1:
        return (int64_t)rnd(RHEAP);
    default:
        if (md->nstarts) {
            int64_t s = md->starts[rnd((uint64_t)md->nstarts)];
            return s + (int64_t)rnd(md->len[s] + 1);   /* sometimes one past the end */
        }
        return (int64_t)rnd(RSIZE);
    }
}

static long outcome[4];   /* allocs that succeeded, failed; frees that succeeded, failed */

static void one_random_op(Memory *m, Model *md)
{
    int64_t a, v;
    uint64_t r = rnd(100);
    if (r < 25) {
        int64_t n = rnd(20) ? (int64_t)rnd(40) : (int64_t)rnd(1200) - 2;
        int64_t got = -7, want = -7;
        int e = mem_alloc(m, n, &got);
        assert_int_equal(e, model_alloc(md, n, &want));
        outcome[e != 0]++;
        if (!e)
            assert_int_equal(got, want);
    } else if (r < 55) {
        a = rnd(4) && md->nstarts ? md->starts[rnd((uint64_t)md->nstarts)] : random_address(md);
        int e = mem_free(m, a);
        assert_int_equal(e, model_free(md, a));
        outcome[2 + (e != 0)]++;
    } else if (r < 75) {
        a = random_address(md);
        v = (int64_t)rng_state;
        int e = mem_write(m, a, v);
        assert_int_equal(e, model_access(md, a));
        if (!e)
            md->w[a] = v;
    } else if (r < 82) {
        a = random_address(md);
        v = (int64_t)rng_state;
        if (mem_store_fast(m, a, v) == 0) {
            assert_int_equal(model_access(md, a), 0);
            md->w[a] = v;
        }
    } else if (r < 95) {
        a = random_address(md);
        int e = mem_read(m, a, &v);
        assert_int_equal(e, model_access(md, a));
        if (!e)
            assert_int_equal(v, md->w[a]);
        if (mem_load_fast(m, a, &v) == 0)
            assert_int_equal(v, md->w[a]);
    } else {
        a = random_address(md);
        if (a > 0 && a < RSIZE)
            assert_int_equal(mem_block_size(m, a), md->len[a]);
    }
}

static void random_ops_match_a_model(void **state)
{
    static Model models[NPROC];
    static Memory mems[NPROC];
    Memory *ms[NPROC];
    memset(models, 0, sizeof models);
    for (int k = 0; k < NPROC; k++) {
        ms[k] = &mems[k];
        assert_int_equal(mem_init(&mems[k], RSIZE, RHEAP), 0);
    }
    for (long op = 1; op <= 100000; op++) {
        int k = (int)rnd(NPROC);
        if (rnd(3000) == 0) {   /* replace another process by a fork of k */
            int j = (int)rnd(NPROC);
            if (j != k) {
                mem_release(&mems[j]);
                assert_int_equal(mem_fork(&mems[j], &mems[k]), 0);
                models[j] = models[k];
            }
        }
        one_random_op(&mems[k], &models[k]);
        if (op % 5000 == 0) {
            check_invariants(ms, NPROC);
            for (int j = 0; j < NPROC; j++)
                compare_all(&mems[j], &models[j]);
        }
    }
    print_message("random: %ld allocs (%ld failed), %ld frees (%ld failed)\n",
                  outcome[0] + outcome[1], outcome[1], outcome[2] + outcome[3], outcome[3]);
    assert_true(outcome[0] > 1000 && outcome[1] > 100 && outcome[2] > 1000 && outcome[3] > 100);
    for (int k = 0; k < NPROC; k++)
        mem_release(&mems[k]);
}

/* Random allocation, frees, writes, forks and shares among four processes: no model
 * (shared storage couples them), but every invariant must hold throughout, shared words
 * must read alike in both mappers, and no allocation may land in a shared page. */
static void random_sharing_keeps_invariants(void **state)
{
    static Memory mems[NPROC];
    Memory *ms[NPROC];
    for (int k = 0; k < NPROC; k++) {
        ms[k] = &mems[k];
        assert_int_equal(mem_init(&mems[k], RSIZE, RHEAP), 0);
    }
    long shares = 0;
    for (long op = 1; op <= 30000; op++) {
        int k = (int)rnd(NPROC), j = (int)rnd(NPROC);
        Memory *m = &mems[k];
        int64_t a, v;
        uint64_t r = rnd(1000);
        if (r < 3 && j != k) {
            mem_release(&mems[j]);
            assert_int_equal(mem_fork(&mems[j], m), 0);
        } else if (r < 10 && j != k) {
            uint64_t s = 1 + rnd(RSIZE - 1), e = s + rnd(600);
            if (e >= RSIZE)
                e = RSIZE - 1;
            assert_int_equal(mem_share(m, &mems[j], s, e), 0);
            assert_int_equal(mem_write(&mems[j], (int64_t)e, (int64_t)op), 0);
            assert_int_equal(mem_read(m, (int64_t)e, &v), 0);
            assert_int_equal(v, op);
            shares++;
        } else if (r < 300) {
            if (mem_alloc(m, 1 + (int64_t)rnd(rnd(10) ? 30 : 700), &a) == 0) {
                const Page *first = find_page(m, (uint64_t)a >> PAGE_SHIFT);
                assert_false(first->shared);
                assert_int_equal(mem_read(m, a, &v), 0);
                assert_int_equal(v, 0);
                assert_int_equal(mem_write(m, a, 1), 0);
            }
        } else if (r < 550) {
            a = (int64_t)rnd(RSIZE);
            int e = mem_free(m, a);
            assert_true(e == 0 || e == ERR_INVALID_ADDRESS || (a == 0 && e == ERR_NULL_ADDRESS));
        } else {
            a = (int64_t)rnd(RSIZE);
            if (mem_write(m, a, (int64_t)op) == 0) {
                assert_int_equal(mem_read(m, a, &v), 0);
                assert_int_equal(v, op);
            }
        }
        if (op % 500 == 0)
            check_invariants(ms, NPROC);
    }
    print_message("sharing: %ld shares\n", shares);
    for (int k = 0; k < NPROC; k++)
        mem_release(&mems[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_rejects_impossible_sizes),
        cmocka_unit_test(null_and_out_of_range_addresses),
        cmocka_unit_test(static_area_is_zero_and_writable),
        cmocka_unit_test(static_page_straddling_heap_start),
        cmocka_unit_test(fast_paths_agree_with_slow_paths),
        cmocka_unit_test(alloc_gives_zeroed_live_blocks),
        cmocka_unit_test(alloc_rejects_bad_sizes_and_exhaustion),
        cmocka_unit_test(alloc_beyond_the_host_budget_fails_cleanly),
        cmocka_unit_test(alloc_is_first_fit),
        cmocka_unit_test(free_coalesces),
        cmocka_unit_test(free_rejects_everything_but_a_block_start),
        cmocka_unit_test(large_blocks_span_pages_and_tables),
        cmocka_unit_test(fork_is_copy_on_write),
        cmocka_unit_test(idle_fork_is_cheap),
        cmocka_unit_test(fork_of_fork),
        cmocka_unit_test(release_frees_everything),
        cmocka_unit_test(share_makes_one_storage),
        cmocka_unit_test(share_replaces_the_targets_pages),
        cmocka_unit_test(share_static_and_untouched_pages),
        cmocka_unit_test(share_rejects_bad_arguments),
        cmocka_unit_test(random_ops_match_a_model),
        cmocka_unit_test(random_sharing_keeps_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
