/*
 * snapshot.c - saving the whole machine to a file and resuming it (see snapshot.h).
 *
 * ---------------------------------------------------------------------------------------
 * The snapshot file, format version 6 (1: signal frames saved only I9; 2: no turn_begun;
 * 3: programs without their label table; 4: programs in fixed-size records; 5: no
 * scheduler state, no SEMA)
 * ---------------------------------------------------------------------------------------
 * Every integer is little-endian whatever the host (u8..u64, i64 two's complement); a
 * `str` is a u32 length and that many bytes, no NUL. Nothing is stored as a raw C struct,
 * so the file does not depend on the compiler's layout.
 *
 *   header, 56 bytes: the common header of vm/binio.h with
 *        magic  89 'M' 'V' 'M' 'S' 'N' 'A' 'P',  version  SNAP_VERSION
 *   body, body_len bytes: seven sections in this order, each
 *          tag (4 ASCII bytes), u32 0, u64 length, then `length` bytes of content;
 *        then zero bytes up to a multiple of 8
 *   checksum  u64  checksum of everything before it (header and body; binio.h)
 *
 *   MACH  the machine
 *        str version of mvm that wrote it (for messages)
 *        i64 memory_size heap_start stack_size call_depth quantum max_processes
 *            mailbox_capacity hertz seed                       (the configuration)
 *        str scheduler     the policy's name (kernel/sched.h: "rr", "fifo", ...)
 *        i64 aging_interval boost_interval
 *        u64 lottery_rng   the lottery's generator
 *        u64 next_boost    vm->steps of mlfq's next boost
 *        i64 turn_len      length of the turn of the first process of RING (the quantum,
 *                          2 or 4 quanta under mlfq, 2^62 under fifo)
 *        u64 steps  u64 switches  i64 next_pid  i64 regions  u64 rng
 *        u8 pid1_ended  i64 pid1_code
 *        u64 resume_used   instructions the first process of RING has already run of
 *                          its turn (0: it starts a fresh turn, which the policy chooses)
 *        u8  turn_begun    1: that process's turn had begun (its pending signal was
 *                          delivered) even if resume_used is 0; it is not begun again
 *        i64 last_run      PID of the process that ran last (0: none), so that the
 *                          context-switch count goes on as in an uninterrupted run
 *        str base_dir      directory of PID 1's program, absolute (empty: none)
 *        u64 n, then n x (i64 pid, u64 icount)   --stats rows of ended processes
 *   PROG  every distinct Program (processes that share one after fork share it again)
 *        u32 n, then n x the encoding of a Program (vm/progio.c: path, units with their
 *        line tables, code, line and column table, call sites, strings, statement
 *        texts, labels)
 *   PAGE  every distinct memory page (a page shared by fork or share_m is stored once)
 *        u32 n, then n x
 *          u8 shared, u64 live[4], u64 start[4], u16 k, k x i64: words 0..k-1 (the
 *          words from k on are zero)
 *   PROC  every control block, zombies included, in increasing PID order
 *        u32 n, then n x
 *          i64 pid  i64 parent (0: none)  u8 state  i64 exit_code  u64 icount
 *          u32 pending  u32 handling
 *          i8 nice  u8 level (mlfq queue)  u64 ready_since (vm->steps when it last ran
 *          or became ready: priority's aging)
 *          unless EXITED (a zombie keeps nothing else):
 *            u32 program (index into PROG)  u32 pc
 *            55 x i64 reg, 55 x u8 type
 *            u32 sp, sp x i64 (data stack, bottom first)
 *            u32 fp, fp x (u32 ret, u8 kind)   (call stack, bottom first)
 *            u32 nctx, nctx x (u8 sig, 55 x i64 reg, 55 x u8 type)
 *                             the context saved under each FRAME_SIGNAL frame, bottom
 *                             first (nctx = the number of such frames)
 *            32 x u32 handler
 *            i64 sleep_left   milliseconds of sleep still to go (-1: no deadline;
 *                             INT64_MAX: forever)
 *            memory: u64 size heap_start heap_used, u8 whole_heap_free,
 *                    u32 nfree, nfree x (u64 start, u64 len),
 *                    u32 npages, npages x (u64 page number, u32 index into PAGE)
 *   MBOX  mailboxes and link requests
 *        u64 nslots (ids 1..nslots), then per slot u8 present; when present:
 *          i64 pid[2], u8 ended[2], u8 closed, and for each end u32 count, count x i64
 *          (its queue, oldest first)
 *        u64 nrequests, nrequests x (i64 from, i64 to)
 *   RING  the ready ring in run order, starting with the process that runs next
 *        u32 n, n x i64 pid
 *   SEMA  semaphores (SPEC 11.2)
 *        i64 max_semaphores   the configuration key maxSemaphores (0..MAX_SEMAPHORES)
 *        i64 sem_last         the last id handed out (0: none), so ids go on unreused
 *        u64 n, then n x (i64 id, i64 value)   the live semaphores in increasing id
 *                             order, each id 1..sem_last and value >= 0; n is at most
 *                             max_semaphores (closed ones are not stored)
 *
 * Not stored: what the resuming command line decides (max_steps, trace, stats, the
 * snapshot options, vfs_path, stdlib_dir), the VFS, input already read, host-clock
 * readings other than what is left of each sleep.
 *
 * What is recomputed rather than stored: reference counts (a page's refs is the number
 * of page tables pointing at it; tables are rebuilt private to each process), the family
 * links (from the parent PIDs: children lists come back newest first, as they were),
 * zombie counts, process counts, typed-register masks and the host-clock sleep deadlines
 * (now + what was left).
 *
 * Loading trusts nothing before the checksums match, and nothing after: every count is
 * checked against the bytes left before anything is allocated (so an allocation is at
 * most a small multiple of the file's size), and every index the interpreter follows
 * without checking (registers, jump targets, call sites, strings, frames, handlers,
 * page numbers) is checked against what it points into.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../host/hostfile.h"
#include "../vm/binio.h"
#include "../vm/errors.h"
#include "../vm/memory.h"
#include "../vm/progio.h"
#include "mailbox.h"
#include "record.h"
#include "sched.h"
#include "semaphore.h"

#define SNAP_VERSION 6u

static const uint8_t snap_magic[8] = { 0x89, 'M', 'V', 'M', 'S', 'N', 'A', 'P' };

enum { SEC_MACH, SEC_PROG, SEC_PAGE, SEC_PROC, SEC_MBOX, SEC_RING, SEC_SEMA, SEC_COUNT };
static const char sec_tag[SEC_COUNT][5] = { "MACH", "PROG", "PAGE", "PROC", "MBOX", "RING", "SEMA" };
_Static_assert(SEC_COUNT <= BIN_MAX_SECTIONS, "the Writer keeps a length per section");

/* Encoded sizes used to bound counts before allocating. */
#define PAGE_MIN_BYTES (1u + 8u * 8u + 2u)
#define FRAME_BYTES    5u
#define CONTEXT_BYTES  (1u + 9u * REG_COUNT)
#define EXTENT_BYTES   16u
#define MAPPING_BYTES  12u

/* ---------------------------------------------------------------- pointer sets */

/* Distinct pointers in first-seen order, with their index (open addressing). */
typedef struct PtrSet {
    const void **items;        /* by index */
    uint32_t     n, items_cap;
    const void **keys;         /* hash table of keys ... */
    uint32_t    *idx;          /* ... and their index */
    size_t       cap;          /* a power of two, or 0 */
} PtrSet;

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void set_free(PtrSet *s)
{
    free(s->items);
    free(s->keys);
    free(s->idx);
    memset(s, 0, sizeof *s);
}

static int set_grow(PtrSet *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    const void **keys = calloc(cap, sizeof *keys);
    uint32_t *idx = malloc(cap * sizeof *idx);
    if (!keys || !idx) {
        free(keys);
        free(idx);
        return -1;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->keys[i])
            continue;
        size_t j = ptr_hash(s->keys[i]) & (cap - 1);
        while (keys[j])
            j = (j + 1) & (cap - 1);
        keys[j] = s->keys[i];
        idx[j] = s->idx[i];
    }
    free(s->keys);
    free(s->idx);
    s->keys = keys;
    s->idx = idx;
    s->cap = cap;
    return 0;
}

/* Add p if new. Returns its index, or -1 when out of host memory. */
static int64_t set_add(PtrSet *s, const void *p)
{
    if ((size_t)(s->n + 1) * 2 > s->cap && set_grow(s) != 0)
        return -1;
    size_t j = ptr_hash(p) & (s->cap - 1);
    while (s->keys[j]) {
        if (s->keys[j] == p)
            return s->idx[j];
        j = (j + 1) & (s->cap - 1);
    }
    if (s->n == s->items_cap) {
        uint32_t cap = s->items_cap ? s->items_cap * 2 : 64;
        const void **items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return -1;
        s->items = items;
        s->items_cap = cap;
    }
    s->keys[j] = p;
    s->idx[j] = s->n;
    s->items[s->n] = p;
    return s->n++;
}

/* Index of p, which must have been added. */
static uint32_t set_index(const PtrSet *s, const void *p)
{
    size_t j = ptr_hash(p) & (s->cap - 1);
    while (s->keys[j] != p)
        j = (j + 1) & (s->cap - 1);
    return s->idx[j];
}

/* ================================================================ saving */

/* The distinct programs and pages of the machine. */
typedef struct SaveSet {
    PtrSet progs, pages;
    Proc  *first;          /* the process that runs next */
    uint64_t resume_used;
    bool     turn_begun;     /* first's turn had begun (its signal delivered) */
    int64_t  now_ms;
} SaveSet;

/* The --stats rows of ended processes: from the recorder when this run records, else the
 * rows the snapshot it resumed carried. */
static void write_ended_rows(Writer *w, const VM *vm)
{
    const Recorder *rec = vm->rec;
    if (!rec) {
        w_u64(w, vm->nstats);
        for (size_t i = 0; i < vm->nstats; i++) {
            w_i64(w, vm->stats[i].pid);
            w_u64(w, vm->stats[i].icount);
        }
        return;
    }
    uint64_t n = 0;
    for (size_t i = 0; i < rec->nprocs; i++)
        n += rec->procs[i].known && rec->procs[i].state == PROC_EXITED;
    w_u64(w, n);
    for (size_t i = 0; i < rec->nprocs; i++)
        if (rec->procs[i].known && rec->procs[i].state == PROC_EXITED) {
            w_i64(w, rec_pid(i));
            w_u64(w, rec->procs[i].instructions);
        }
}

static void write_machine(Writer *w, VM *vm, const SaveSet *ss)
{
    const VmOptions *o = &vm->opt;
    w_section(w, SEC_MACH, sec_tag[SEC_MACH]);
    w_str(w, MVM_VERSION);
    w_i64(w, o->memory_size);
    w_i64(w, o->heap_start);
    w_i64(w, o->stack_size);
    w_i64(w, o->call_depth);
    w_i64(w, o->quantum);
    w_i64(w, o->max_processes);
    w_i64(w, o->mailbox_capacity);
    w_i64(w, o->hertz);
    w_u64(w, o->seed);
    w_str(w, vm->policy->name);
    w_i64(w, o->aging_interval);
    w_i64(w, o->boost_interval);
    w_u64(w, vm->lottery_rng);
    w_u64(w, vm->next_boost);
    w_i64(w, vm->turn_len);
    w_u64(w, vm->steps);
    w_u64(w, vm->switches);
    w_i64(w, vm->next_pid);
    w_i64(w, vm->regions);
    w_u64(w, vm->rng);
    w_u8(w, vm->pid1_ended);
    w_i64(w, vm->pid1_code);
    w_u64(w, ss->resume_used);
    w_u8(w, ss->turn_begun);
    w_i64(w, vm->last_run ? vm->last_run->pid : 0);
    w_str(w, vm->base_dir);
    write_ended_rows(w, vm);
    w_section_end(w, SEC_MACH);
}

static void write_page(Writer *w, const Page *pg)
{
    w_u8(w, pg->shared ? 1 : 0);
    for (unsigned i = 0; i < PAGE_WORDS / 64; i++)
        w_u64(w, pg->live[i]);
    for (unsigned i = 0; i < PAGE_WORDS / 64; i++)
        w_u64(w, pg->start[i]);
    unsigned k = PAGE_WORDS;
    while (k > 0 && pg->w[k - 1] == 0)
        k--;
    w_u16(w, (uint16_t)k);
    w_words(w, pg->w, k);
}

static void write_memory(Writer *w, const Memory *m, const PtrSet *pages)
{
    w_u64(w, m->size);
    w_u64(w, m->heap_start);
    w_u64(w, m->heap_used);
    w_u8(w, m->free == NULL);
    w_u32(w, m->free ? m->nfree : 0);
    for (uint32_t i = 0; m->free && i < m->nfree; i++) {
        w_u64(w, m->free[i].start);
        w_u64(w, m->free[i].len);
    }
    uint32_t n = 0;
    for (uint32_t d = 0; d < m->ndir; d++)
        n += m->dir[d] ? m->dir[d]->used : 0;
    w_u32(w, n);
    for (uint32_t d = 0; d < m->ndir; d++) {
        const PageTable *t = m->dir[d];
        for (uint32_t i = 0, seen = 0; t && seen < t->used && i < DIR_FANOUT; i++) {
            if (!t->page[i])
                continue;
            seen++;
            w_u64(w, (uint64_t)d << DIR_SHIFT | i);
            w_u32(w, set_index(pages, t->page[i]));
        }
    }
}

static void write_proc(Writer *w, const Proc *p, const SaveSet *ss)
{
    w_i64(w, p->pid);
    w_i64(w, p->parent ? p->parent->pid : 0);
    w_u8(w, (uint8_t)p->state);
    w_i64(w, p->exit_code);
    w_u64(w, p->cpu.icount);
    w_u32(w, p->pending);
    w_u32(w, p->handling);
    w_u8(w, (uint8_t)p->nice);
    w_u8(w, p->level);
    w_u64(w, p->ready_since);
    if (p->state == PROC_EXITED)
        return;
    w_u32(w, set_index(&ss->progs, p->cpu.prog));
    w_u32(w, p->cpu.pc);
    w_words(w, p->cpu.reg, REG_COUNT);
    w_bytes(w, p->cpu.type, REG_COUNT);
    w_u32(w, p->cpu.sp);
    w_words(w, p->cpu.stack, p->cpu.sp);
    w_u32(w, p->cpu.fp);
    for (uint32_t i = 0; i < p->cpu.fp; i++) {
        w_u32(w, p->cpu.frames[i].ret);
        w_u8(w, p->cpu.frames[i].kind);
    }
    w_u32(w, p->nctx);
    for (uint32_t i = 0; i < p->nctx; i++) {
        w_u8(w, p->ctx[i].sig);
        w_words(w, p->ctx[i].reg, REG_COUNT);
        w_bytes(w, p->ctx[i].type, REG_COUNT);
    }
    for (int s = 0; s <= SIG_MAX; s++)
        w_u32(w, p->handler[s]);
    int64_t left = -1;   /* a deadline of INT64_MAX is "forever" (sched_sleep saturates) */
    if (p->sleep_until_ms == INT64_MAX)
        left = INT64_MAX;
    else if (p->sleep_until_ms != 0)
        left = p->sleep_until_ms > ss->now_ms ? p->sleep_until_ms - ss->now_ms : 0;
    w_i64(w, left);
    write_memory(w, &p->cpu.mem, &ss->pages);
}

static void write_mailboxes(Writer *w, VM *vm)
{
    w_u64(w, vm->nmailboxes);
    for (uint64_t i = 0; i < vm->nmailboxes; i++) {
        const Mailbox *m = vm->mailboxes[i];
        w_u8(w, m != NULL);
        if (!m)
            continue;
        w_i64(w, m->pid[0]);
        w_i64(w, m->pid[1]);
        w_u8(w, m->ended[0]);
        w_u8(w, m->ended[1]);
        w_u8(w, m->closed);
        for (int e = 0; e < 2; e++) {
            const MsgQueue *q = &m->q[e];
            w_u32(w, q->count);
            for (uint32_t k = 0; k < q->count; k++)
                w_i64(w, q->buf[(q->head + k) % q->cap]);
        }
    }
    w_u64(w, vm->nrequests);
    for (size_t i = 0; i < vm->nrequests; i++) {
        w_i64(w, vm->requests[i].from);
        w_i64(w, vm->requests[i].to);
    }
}

static void write_semaphores(Writer *w, VM *vm)
{
    w_i64(w, vm->opt.max_semaphores);
    w_i64(w, vm->sem_last);
    w_u64(w, (uint64_t)sem_live(vm));
    for (size_t i = 0; i < vm->nsems; i++) {
        if (vm->sems[i].value == SEM_CLOSED)
            continue;
        w_i64(w, vm->sems[i].id);
        w_i64(w, vm->sems[i].value);
    }
}

static void write_body(Writer *w, VM *vm, const SaveSet *ss)
{
    write_machine(w, vm, ss);

    w_section(w, SEC_PROG, sec_tag[SEC_PROG]);
    w_u32(w, ss->progs.n);
    for (uint32_t i = 0; i < ss->progs.n; i++)
        prog_write(w, ss->progs.items[i]);
    w_section_end(w, SEC_PROG);

    w_section(w, SEC_PAGE, sec_tag[SEC_PAGE]);
    w_u32(w, ss->pages.n);
    for (uint32_t i = 0; i < ss->pages.n; i++)
        write_page(w, ss->pages.items[i]);
    w_section_end(w, SEC_PAGE);

    w_section(w, SEC_PROC, sec_tag[SEC_PROC]);
    uint32_t n = 0;
    for (size_t i = 0; i < vm->ntable; i++)
        n += vm->table[i] != NULL;
    w_u32(w, n);
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i])
            write_proc(w, vm->table[i], ss);
    w_section_end(w, SEC_PROC);

    w_section(w, SEC_MBOX, sec_tag[SEC_MBOX]);
    write_mailboxes(w, vm);
    w_section_end(w, SEC_MBOX);

    w_section(w, SEC_RING, sec_tag[SEC_RING]);
    uint32_t nring = 0;
    Proc *q = ss->first;
    if (q)
        do nring++; while ((q = q->next) != ss->first);
    w_u32(w, nring);
    if ((q = ss->first))
        do w_i64(w, q->pid); while ((q = q->next) != ss->first);
    w_section_end(w, SEC_RING);

    w_section(w, SEC_SEMA, sec_tag[SEC_SEMA]);
    write_semaphores(w, vm);
    w_section_end(w, SEC_SEMA);

    w_pad(w);
}

/* Who runs next, and how much of its quantum it has had (see snapshot.h and interp.c's
 * check_carefully): at the end of a full quantum the successor runs next. */
static void choose_first(VM *vm, SaveSet *ss)
{
    Proc *h = vm->head;
    ss->first = h;
    ss->resume_used = vm->resume_used;
    ss->turn_begun = vm->resume_turn;   /* resumed, and saved again before it ran */
    if (!h || vm->current != h)
        return;
    bool fresh_turn = vm->steps == vm->turn_start;   /* picked, not run yet */
    if (vm->resume_used == 0 && !fresh_turn && h->next != h)
        ss->first = h->next;
    /* A turn picked but not yet run has had its signal: with two pending, the second
     * waits for the next turn in a resumed run too. */
    ss->turn_begun = ss->first == h && (vm->resume_used > 0 || fresh_turn);
}

static int collect(VM *vm, SaveSet *ss)
{
    for (size_t i = 0; i < vm->ntable; i++) {
        const Proc *p = vm->table[i];
        if (!p || p->state == PROC_EXITED)
            continue;
        if (set_add(&ss->progs, p->cpu.prog) < 0)
            return -1;
        const Memory *m = &p->cpu.mem;
        for (uint32_t d = 0; d < m->ndir; d++) {
            const PageTable *t = m->dir[d];
            for (uint32_t k = 0, seen = 0; t && seen < t->used && k < DIR_FANOUT; k++)
                if (t->page[k] && (seen++, set_add(&ss->pages, t->page[k]) < 0))
                    return -1;
        }
    }
    return 0;
}

/* PID 1's directory as an absolute path (vm_start makes it one when it can), so that a
 * machine resumed from another working directory finds the same host programs. */
static void absolute_base_dir(VM *vm)
{
    if (!vm->base_dir || vm->base_dir[0] == '/')
        return;
    char *abs = realpath(vm->base_dir, NULL);
    if (abs) {
        free(vm->base_dir);
        vm->base_dir = abs;
    }
}

/* Write the whole snapshot (header, body, checksum) to f, which the caller opened and
 * closes. Returns 0 or an errno value. */
static int write_snapshot(VM *vm, FILE *f, int64_t now_ms)
{
    SaveSet ss = { 0 };
    absolute_base_dir(vm);
    choose_first(vm, &ss);
    ss.now_ms = now_ms;
    Writer *w = calloc(1, sizeof *w);
    int e = 0;
    if (!w || collect(vm, &ss) != 0) {
        e = ENOMEM;
        goto done;
    }
    write_body(w, vm, &ss);   /* counting pass */
    uint64_t body_len = w->n;

    w_start(w, f);
    w_header(w, snap_magic, SNAP_VERSION, body_len);
    write_body(w, vm, &ss);
    e = w->n != BIN_HEADER_SIZE + body_len ? EIO : 0;
    if (!e)
        e = w_finish(w);
done:
    set_free(&ss.progs);
    set_free(&ss.pages);
    free(w);
    return e;
}

/* host_replace_file's writer: the machine now. */
static int write_now(FILE *f, void *vm)
{
    return write_snapshot(vm, f, host_time_ms());
}

int snapshot_save(VM *vm, const char *path)
{
    fflush(vm->out);   /* what was printed before the snapshot point is out */
    int e = host_replace_file(path, write_now, vm);
    if (e)
        fprintf(vm->err, "mvm: cannot write snapshot %s: %s\n", path, strerror(e));
    return e ? -1 : 0;
}

int snapshot_save_bytes(VM *vm, int64_t now_ms, uint8_t **data, size_t *size)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return -1;
    int e = write_snapshot(vm, f, now_ms);
    if (fclose(f) != 0 || e) {
        free(buf);
        return -1;
    }
    *data = (uint8_t *)buf;
    *size = len;
    return 0;
}

/* ================================================================ loading */

/* Everything being built, so that a failure can take it all down again. */
typedef struct Loader {
    VM       *vm;
    Program **progs;
    uint32_t  nprogs;
    Page    **pages;
    uint32_t  npages;
    int64_t   last_run;
    int64_t   now_ms;
    char      why[160];   /* program_verify's message, while r->bad points at it */
} Loader;

static bool in_unit(const Unit *u, uint64_t i) { return i >= u->first && i <= u->end; }

/* ---- the machine ---- */

static void load_machine(Reader *r, Loader *ld, const VmOptions *cmd)
{
    VM *vm = ld->vm;
    VmOptions o = *cmd;   /* what the resuming command line decides */
    free(r_str(r, NULL)); /* the writer's version: informational */
    o.memory_size = r_i64(r);
    o.heap_start = r_i64(r);
    o.stack_size = r_i64(r);
    o.call_depth = r_i64(r);
    o.quantum = r_i64(r);
    o.max_processes = r_i64(r);
    o.mailbox_capacity = r_i64(r);
    o.hertz = r_i64(r);
    o.seed = r_u64(r);
    uint32_t len = 0;
    char *name = r_str(r, &len);
    const SchedPolicy *policy = name && strlen(name) == len ? sched_policy_find(name) : NULL;
    free(name);
    if (!r->bad && !policy)
        r_fail(r, "the scheduling policy is not one this mvm knows");
    o.scheduler = policy;
    o.aging_interval = r_i64(r);
    o.boost_interval = r_i64(r);
    vm->lottery_rng = r_u64(r);
    vm->next_boost = r_u64(r);
    vm->turn_len = r_i64(r);
    if (o.memory_size < 2 || (uint64_t)o.memory_size > MAX_MEMORY_SIZE || o.heap_start < 1 ||
        o.heap_start >= o.memory_size || o.stack_size < 1 || o.stack_size > MAX_STACK_SIZE ||
        o.call_depth < 1 || o.call_depth > MAX_CALL_DEPTH || o.quantum < 1 || o.quantum > MAX_QUANTUM ||
        o.max_processes < 1 || o.max_processes > MAX_PROCESSES || o.mailbox_capacity < 1 ||
        o.mailbox_capacity > MAX_MAILBOX_CAP || o.hertz < 0)
        r_fail(r, "the configuration is out of range");
    /* The longest turn a policy gives is 4 quanta (mlfq) or until the process gives up
     * the core (fifo); the quantum is in range by now, so the shift cannot overflow. */
    else if (o.aging_interval < 0 || o.boost_interval < 1 || vm->turn_len < 1 ||
             (vm->turn_len > o.quantum << (MLFQ_LEVELS - 1) && vm->turn_len != SCHED_FOREVER))
        r_fail(r, "the scheduler's settings are out of range");
    vm->opt = o;
    vm->policy = policy ? policy : &sched_rr;
    sched_update_turn_path(vm);
    vm->steps = r_u64(r);
    vm->switches = r_u64(r);
    vm->next_pid = r_i64(r);
    vm->regions = r_i64(r);
    vm->rng = r_u64(r);
    vm->pid1_ended = r_bool(r);
    vm->pid1_code = r_i64(r);
    vm->resume_used = r_u64(r);
    vm->resume_turn = r_bool(r) || vm->resume_used > 0;
    ld->last_run = r_i64(r);
    if (vm->next_pid < 1 || vm->regions < 0 || vm->resume_used >= (uint64_t)vm->turn_len ||
        vm->next_boost > vm->steps + (uint64_t)o.boost_interval)
        r_fail(r, "the machine's counters are out of range");
    char *dir = r_str(r, &len);
    if (dir && len == 0) {
        free(dir);
        dir = NULL;
    }
    if (dir && strlen(dir) != len)
        r_fail(r, "the program directory holds a NUL byte");
    free(vm->base_dir);
    vm->base_dir = dir;
    uint64_t n = r_count(r, 8, 16, SIZE_MAX / sizeof *vm->stats, "too many statistics rows");
    if (n && !(vm->stats = malloc(n * sizeof *vm->stats)))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    vm->nstats = vm->stats_cap = n;
    for (uint64_t i = 0; i < n; i++) {
        vm->stats[i].pid = r_i64(r);
        vm->stats[i].icount = r_u64(r);
    }
}

static void load_programs(Reader *r, Loader *ld)
{
    uint32_t n = (uint32_t)r_count(r, 4, 4 + 4 + 4 + 4 + 4 + 8, UINT32_MAX, "too many programs");
    if (n && !(ld->progs = calloc(n, sizeof *ld->progs)))
        r_fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        if (!(ld->progs[i] = prog_read(r, ld->why, sizeof ld->why)))
            break;
        ld->nprogs = i + 1;
    }
}

static void load_pages(Reader *r, Loader *ld)
{
    uint32_t n = (uint32_t)r_count(r, 4, PAGE_MIN_BYTES, UINT32_MAX, "too many pages");
    if (n && !(ld->pages = calloc(n, sizeof *ld->pages)))
        r_fail(r, "out of memory");
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        Page *pg = mem_page_create();
        if (!pg) {
            r_fail(r, "out of memory");
            break;
        }
        ld->pages[i] = pg;
        ld->npages = i + 1;
        pg->shared = r_bool(r);
        for (unsigned k = 0; k < PAGE_WORDS / 64; k++)
            pg->live[k] = r_u64(r);
        for (unsigned k = 0; k < PAGE_WORDS / 64; k++) {
            pg->start[k] = r_u64(r);
            if (pg->start[k] & ~pg->live[k])
                r_fail(r, "a page has a block start on a dead word");
        }
        uint16_t words = r_u16(r);
        if (words > PAGE_WORDS)
            r_fail(r, "a page has too many words");
        for (unsigned k = 0; k < words && !r->bad; k++)
            pg->w[k] = r_i64(r);
    }
}

static const char *load_memory(Reader *r, Loader *ld, Memory *m)
{
    const VmOptions *o = &ld->vm->opt;
    uint64_t size = r_u64(r), heap_start = r_u64(r), heap_used = r_u64(r);
    if (r->bad)
        return NULL;
    if (size != (uint64_t)o->memory_size || heap_start != (uint64_t)o->heap_start || heap_used > size)
        return "an address space does not match the configuration";
    mem_init(m, size, heap_start);
    m->heap_used = heap_used;
    bool whole = r_bool(r);
    uint32_t n = (uint32_t)r_count(r, 4, EXTENT_BYTES, UINT32_MAX, "too many free extents");
    if (r->bad)
        return NULL;
    if (whole && n)
        return "a free list is both whole and explicit";
    Extent *ext = malloc(((size_t)n + 1) * sizeof *ext);
    if (!ext)
        return "out of memory";
    uint64_t prev_end = heap_start;
    const char *why = NULL;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        ext[i].start = r_u64(r);
        ext[i].len = r_u64(r);
        if (ext[i].start < prev_end || ext[i].start >= size || ext[i].len == 0 ||
            ext[i].len > size - ext[i].start)
            why = "a free list is out of order or out of range";
        else
            prev_end = ext[i].start + ext[i].len;
    }
    if (!why && !r->bad && mem_set_free(m, whole ? NULL : ext, n) != 0)
        why = "out of memory";
    free(ext);
    if (why || r->bad)
        return why;
    n = (uint32_t)r_count(r, 4, MAPPING_BYTES, UINT32_MAX, "too many mapped pages");
    uint64_t next = 0, limit = (size + PAGE_WORDS - 1) >> PAGE_SHIFT;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint64_t pno = r_u64(r);
        uint32_t k = r_u32(r);
        if (r->bad)
            break;
        if (pno < next || pno >= limit || k >= ld->npages)
            return "a page mapping is out of order or out of range";
        if (mem_map_page(m, pno, ld->pages[k]) != 0)
            return "out of memory";
        next = pno + 1;
    }
    return NULL;
}

/* ---- processes ---- */

/* Signals a handler may be installed for: every known one but KILL. Pending and handling
 * masks hold only these (KILL acts when sent). */
static bool catchable(int s) { return signal_valid(s) && s != SIG_KILL; }

static uint32_t catchable_mask(void)
{
    uint32_t m = 0;
    for (int s = 0; s <= SIG_MAX; s++)
        if (catchable(s))
            m |= 1u << s;
    return m;
}

/* Registers and types (live or saved): known types, the zero register zero and Long.
 * Sets *typed to the typed-register mask. */
static const char *check_registers(const int64_t *reg, const uint8_t *type, uint64_t *typed)
{
    *typed = 0;
    for (int i = 0; i < REG_COUNT; i++) {
        if (type[i] >= TYPE_COUNT)
            return "a register has an unknown type";
        if (type[i] != TYPE_LONG)
            *typed |= 1ULL << i;
    }
    if (reg[REG_ZERO] != 0 || type[REG_ZERO] != TYPE_LONG)
        return "the zero register is not zero";
    return NULL;
}

/* The contexts saved under p's signal frames (their number is checked against the
 * frames by check_call_stack). They count in the host budget as signal.c's do. */
static const char *load_contexts(Reader *r, Proc *p)
{
    uint32_t n = (uint32_t)r_count(r, 4, CONTEXT_BYTES, SIG_MAX + 1, "too many saved contexts");
    if (r->bad || n == 0)
        return NULL;
    if (mem_budget_charge(n * sizeof *p->ctx) != 0)
        return "out of memory";
    if (!(p->ctx = malloc(n * sizeof *p->ctx))) {
        mem_budget_release(n * sizeof *p->ctx);
        return "out of memory";
    }
    p->nctx = p->ctx_cap = n;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        SigContext *c = &p->ctx[i];
        c->sig = r_u8(r);
        for (int k = 0; k < REG_COUNT; k++)
            c->reg[k] = r_i64(r);
        const uint8_t *t = r_take(r, REG_COUNT);
        if (!t)
            break;
        memcpy(c->type, t, REG_COUNT);
        const char *why = check_registers(c->reg, c->type, &c->typed);
        if (why)
            return why;
    }
    return NULL;
}

/* Is p's call stack one the interpreter could have built? Code runs in unit 0 at the
 * bottom and above a CALL frame or a signal frame (handlers are lines of the main
 * program), and in the callee's unit above a library frame; each frame's return address
 * lies in the unit of the level below it, a call frame's right after a CALL of its kind.
 * unwind_library, RET and a module's END rely on exactly this. Each signal frame owns
 * the next saved context; their signals are distinct and are the handling mask. */
static const char *check_call_stack(const Program *pr, const Proc *p)
{
    uint32_t unit = 0, nsig = 0, sigs = 0;
    for (uint32_t i = 0; i <= p->cpu.fp; i++) {
        uint32_t at = i < p->cpu.fp ? p->cpu.frames[i].ret : p->cpu.pc;
        if (at >= pr->ncode || pr->info[at].unit != unit)
            return i < p->cpu.fp ? "a call-stack frame returns outside its caller's unit"
                             : "a process runs outside the unit its call stack allows";
        if (i == p->cpu.fp)
            break;
        const Frame *f = &p->cpu.frames[i];
        if (f->kind == FRAME_SIGNAL) {
            int sig = nsig < p->nctx ? p->ctx[nsig++].sig : 0;
            if (!catchable(sig) || (sigs & (1u << sig)))
                return "a signal frame's context is missing or not valid";
            sigs |= 1u << sig;
            unit = 0;
            continue;
        }
        if (f->kind != FRAME_CALL && f->kind != FRAME_LIBRARY)
            return "a call-stack frame of unknown kind";
        const Instr *call = f->ret > 0 ? &pr->code[f->ret - 1] : NULL;
        if (!call || call->op != OP_CALL || pr->info[f->ret - 1].unit != unit)
            return "a call-stack frame does not return after a CALL";
        uint32_t callee = pr->calls[call->aux].callee_unit;
        if ((callee != 0) != (f->kind == FRAME_LIBRARY))
            return "a call-stack frame has the wrong kind";
        unit = callee;
    }
    if (nsig != p->nctx || sigs != p->handling)
        return "the saved contexts do not match the signal frames";
    return NULL;
}

/* One control block; it is entered in the table first so that a failure frees it. */
static const char *load_proc(Reader *r, Loader *ld, int64_t prev_pid)
{
    VM *vm = ld->vm;
    Proc *p = calloc(1, sizeof *p);
    if (!p)
        return "out of memory";
    vm->table[vm->ntable] = p;
    p->pid = r_i64(r);
    vm->table_pid[vm->ntable] = p->pid;
    vm->ntable++;
    int64_t ppid = r_i64(r);
    uint8_t state = r_u8(r);
    p->exit_code = r_i64(r);
    p->cpu.icount = r_u64(r);
    p->pending = r_u32(r);
    p->handling = r_u32(r);
    int nice = (int8_t)r_u8(r);
    unsigned level = r_u8(r);
    p->ready_since = r_u64(r);
    if (nice < NICE_MIN || nice > NICE_MAX || level >= MLFQ_LEVELS || p->ready_since > ld->vm->steps)
        r_fail(r, "a process's scheduling state is out of range");
    p->nice = (int8_t)nice;
    p->level = (uint8_t)level;
    if (r->bad)
        return NULL;
    if (p->pid <= prev_pid || p->pid >= vm->next_pid)
        return "process IDs are out of order";
    if (state >= PROC_STATE_COUNT || (p->pending & ~catchable_mask()) || (p->handling & ~catchable_mask()))
        return "a process state is not valid";
    p->state = (ProcState)state;
    if (ppid) {
        Proc *parent = ppid > 0 && ppid < p->pid ? proc_find(vm, ppid) : NULL;
        if (!parent || parent->state == PROC_EXITED)
            return "a parent is missing";
        proc_adopt(parent, p);
        if (p->state == PROC_EXITED)
            parent->zombie_children++;
    }
    vm->nprocs++;
    if (p->state == PROC_EXITED)
        return NULL;
    vm->nlive++;
    if (p->state == PROC_PAUSED)
        vm->npaused++;

    uint32_t prog = r_u32(r);
    p->cpu.pc = r_u32(r);
    if (r->bad)
        return NULL;
    if (prog >= ld->nprogs)
        return "a process runs a missing program";
    Program *pr = ld->progs[prog];
    program_retain(pr);
    p->cpu.prog = pr;
    p->cpu.code = pr->code;
    if (p->cpu.pc >= pr->ncode)
        return "a process's PC is out of range";
    for (int i = 0; i < REG_COUNT; i++)
        p->cpu.reg[i] = r_i64(r);
    const uint8_t *types = r_take(r, REG_COUNT);
    if (!types)
        return NULL;
    memcpy(p->cpu.type, types, REG_COUNT);
    const char *bad_regs = check_registers(p->cpu.reg, p->cpu.type, &p->cpu.typed);
    if (bad_regs)
        return bad_regs;

    uint32_t sp = (uint32_t)r_count(r, 4, 8, (uint64_t)vm->opt.stack_size, "a data stack is too deep");
    if (sp && !(p->cpu.stack = malloc(sp * sizeof *p->cpu.stack)))
        return "out of memory";
    p->cpu.sp = p->cpu.stack_cap = sp;
    for (uint32_t i = 0; i < sp; i++)
        p->cpu.stack[i] = r_i64(r);
    uint32_t fp = (uint32_t)r_count(r, 4, FRAME_BYTES, (uint64_t)vm->opt.call_depth, "a call stack is too deep");
    if (fp && !(p->cpu.frames = malloc(fp * sizeof *p->cpu.frames)))
        return "out of memory";
    p->cpu.fp = p->cpu.frames_cap = fp;
    for (uint32_t i = 0; i < fp; i++) {
        p->cpu.frames[i] = (Frame){ .ret = r_u32(r) };
        p->cpu.frames[i].kind = r_u8(r);
    }
    const char *why = load_contexts(r, p);
    if (why || r->bad)
        return why;
    if ((why = check_call_stack(pr, p)))
        return why;
    for (int s = 0; s <= SIG_MAX; s++) {
        p->handler[s] = r_u32(r);
        if (p->handler[s] && (!catchable(s) || !in_unit(&pr->units[0], p->handler[s] - 1)))
            return "a signal handler is out of range";
    }
    int64_t left = r_i64(r);
    if (left < -1)
        return "a sleep is out of range";
    if (left >= 0)   /* saturating, as sched_sleep does */
        p->sleep_until_ms = left > INT64_MAX - ld->now_ms ? INT64_MAX : ld->now_ms + left;
    if (p->state == PROC_SLEEPING && left < 0)
        return "a sleeping process has no deadline";
    if (left >= 0 && (p->state == PROC_SLEEPING || p->state == PROC_PAUSED))
        vm->sleepers = true;
    return r->bad ? NULL : load_memory(r, ld, &p->cpu.mem);
}

static void load_procs(Reader *r, Loader *ld)
{
    VM *vm = ld->vm;
    uint32_t n = (uint32_t)r_count(r, 4, 8 + 8 + 1 + 8 + 8 + 4 + 4, (uint64_t)vm->opt.max_processes,
                                   "too many processes");
    if (r->bad)
        return;
    if (n && (!(vm->table = malloc(n * sizeof *vm->table)) ||
              !(vm->table_pid = malloc(n * sizeof *vm->table_pid)))) {
        r_fail(r, "out of memory");
        return;
    }
    vm->table_cap = n;
    int64_t prev = 0;
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        const char *why = load_proc(r, ld, prev);
        if (why)
            r_fail(r, why);
        prev = vm->table_pid[vm->ntable - 1];
    }
}

static void load_mailboxes(Reader *r, Loader *ld)
{
    VM *vm = ld->vm;
    uint64_t n = r_count(r, 8, 1, SIZE_MAX / sizeof(Mailbox *), "too many mailboxes");
    if (n && !(vm->mailboxes = calloc(n, sizeof *vm->mailboxes)))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    vm->nmailboxes = vm->mailboxes_cap = n;
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        if (!r_bool(r))
            continue;
        Mailbox *m = calloc(1, sizeof *m);
        if (!m) {
            r_fail(r, "out of memory");
            return;
        }
        vm->mailboxes[i] = m;
        m->id = (int64_t)i + 1;
        m->pid[0] = r_i64(r);
        m->pid[1] = r_i64(r);
        m->ended[0] = r_bool(r);
        m->ended[1] = r_bool(r);
        m->closed = r_bool(r);
        if (m->pid[0] < 1 || m->pid[1] < 1 || m->pid[0] == m->pid[1] || m->pid[0] >= vm->next_pid ||
            m->pid[1] >= vm->next_pid)
            r_fail(r, "a mailbox joins processes that never existed");
        for (int e = 0; e < 2 && !r->bad; e++) {
            MsgQueue *q = &m->q[e];
            uint32_t count = (uint32_t)r_count(r, 4, 8, (uint64_t)vm->opt.mailbox_capacity,
                                               "a mailbox holds too many messages");
            if (count && !(q->buf = malloc(count * sizeof *q->buf))) {
                r_fail(r, "out of memory");
                return;
            }
            q->cap = q->count = count;
            for (uint32_t k = 0; k < count; k++)
                q->buf[k] = r_i64(r);
        }
    }
    uint64_t nreq = r_count(r, 8, 16, SIZE_MAX / sizeof(LinkRequest), "too many link requests");
    if (nreq && !(vm->requests = malloc(nreq * sizeof *vm->requests)))
        r_fail(r, "out of memory");
    if (r->bad)
        return;
    vm->nrequests = vm->requests_cap = nreq;
    for (uint64_t i = 0; i < nreq; i++) {
        vm->requests[i].from = r_i64(r);
        vm->requests[i].to = r_i64(r);
    }
}

static void load_ring(Reader *r, Loader *ld)
{
    VM *vm = ld->vm;
    uint32_t n = (uint32_t)r_count(r, 4, 8, (uint64_t)vm->nprocs, "the ready ring is too long");
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        Proc *p = proc_find(vm, r_i64(r));
        if (!p || p->state != PROC_READY || p->next) {
            r_fail(r, "the ready ring holds a process that is not ready");
            return;
        }
        uint64_t since = p->ready_since;
        sched_enqueue(vm, p);   /* appended before the head: run order is kept */
        p->ready_since = since;
    }
    vm->resched = false;
}

/* The limit first, then the counter, so that sem_restore can check each pair against
 * both. */
static void load_semaphores(Reader *r, Loader *ld)
{
    VM *vm = ld->vm;
    int64_t max = r_i64(r), last = r_i64(r);
    if (max < 0 || max > MAX_SEMAPHORES)
        r_fail(r, "the semaphore limit is out of range");
    else if (last < 0)
        r_fail(r, "the semaphore id counter is negative");
    if (r->bad)
        return;
    vm->opt.max_semaphores = max;
    vm->sem_last = last;
    uint64_t n = r_count(r, 8, 16, (uint64_t)max, "too many semaphores");
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        int64_t id = r_i64(r), value = r_i64(r);
        const char *why = sem_restore(vm, id, value);
        if (why)
            r_fail(r, why);
    }
}

/* What no single section can check: every READY process is in the ring (and only
 * those), a zombie has a parent to wait for it (an orphan is reaped when it ends), PID 1's
 * outcome matches its state, link requests join processes that existed. */
static void check_machine(Reader *r, Loader *ld)
{
    VM *vm = ld->vm;
    uint32_t ready = 0, ring = 0;
    for (size_t i = 0; i < vm->ntable; i++) {
        const Proc *p = vm->table[i];
        ready += p->state == PROC_READY;
        if (p->state == PROC_EXITED && !p->parent)
            r_fail(r, "a zombie has no parent");
    }
    if (vm->head) {
        const Proc *q = vm->head;
        do ring++; while ((q = q->next) != vm->head);
    }
    if (ready != ring)
        r_fail(r, "a ready process is missing from the ready ring");
    Proc *pid1 = proc_find(vm, 1);
    if (vm->pid1_ended == (pid1 && pid1->state != PROC_EXITED))
        r_fail(r, "PID 1's state does not match its outcome");
    for (size_t i = 0; i < vm->nrequests; i++) {
        const LinkRequest *q = &vm->requests[i];
        if (q->from < 1 || q->to < 1 || q->from == q->to || q->from >= vm->next_pid || q->to >= vm->next_pid)
            r_fail(r, "a link request joins processes that never existed");
    }
}

/* Read the whole file. Returns the bytes (and *size), or NULL after a message. */
static uint8_t *read_file(const char *path, size_t *size, FILE *err)
{
    char *b;
    int e = host_read_file(path, SIZE_MAX / 2, &b, size);   /* a FIFO is refused, never waited on */
    if (e == EISDIR || e == HOST_NOT_REGULAR)
        fprintf(err, "mvm: %s: not an MVM snapshot (not a regular file)\n", path);
    else if (e == ENOMEM)
        fprintf(err, "mvm: %s: out of memory\n", path);
    else if (e)
        fprintf(err, "mvm: %s: cannot open: %s\n", path, host_error_text(e));
    return e ? NULL : (uint8_t *)b;
}

/* The checks that come before anything in the file is believed. Returns the body, or
 * NULL after a message. */
static const uint8_t *verify(const char *path, const uint8_t *b, size_t size, uint64_t *body_len, FILE *err)
{
    BinHeader h;
    switch (bin_check(b, size, snap_magic, SNAP_VERSION, &h)) {
    case BIN_OK:
        *body_len = h.body_len;
        return b + BIN_HEADER_SIZE;
    case BIN_EMPTY:
        fprintf(err, "mvm: %s: not an MVM snapshot (empty file)\n", path);
        break;
    case BIN_MAGIC:
        fprintf(err, "mvm: %s: not an MVM snapshot\n", path);
        break;
    case BIN_SHORT:
        fprintf(err, "mvm: %s: truncated (%zu bytes, not even a header)\n", path, size);
        break;
    case BIN_HEADER_SUM:
        fprintf(err, "mvm: %s: corrupted (checksum of the header)\n", path);
        break;
    case BIN_VERSION:
        fprintf(err, "mvm: %s: made by a different version (snapshot format %" PRIu32
                ", this mvm %s reads format %u)\n", path, h.version, MVM_VERSION, SNAP_VERSION);
        break;
    case BIN_ISA:
        fprintf(err, "mvm: %s: made by a different version (its instruction set or number format "
                "differs from this mvm %s)\n", path, MVM_VERSION);
        break;
    case BIN_BODY_LEN:
        fprintf(err, "mvm: %s: corrupted (body length)\n", path);
        break;
    case BIN_TRUNCATED:
        fprintf(err, "mvm: %s: truncated (%zu of %" PRIu64 " bytes)\n", path, size, h.want);
        break;
    case BIN_TRAILING:
        fprintf(err, "mvm: %s: corrupted (%" PRIu64 " bytes after the end)\n", path, size - h.want);
        break;
    case BIN_SUM:
        fprintf(err, "mvm: %s: corrupted (checksum)\n", path);
        break;
    }
    return NULL;
}

static void parse(Reader *r, Loader *ld, const VmOptions *opt)
{
    void (*const step[SEC_COUNT])(Reader *, Loader *) = {
        NULL, load_programs, load_pages, load_procs, load_mailboxes, load_ring, load_semaphores,
    };
    for (int s = 0; s < SEC_COUNT && !r->bad; s++) {
        Reader sub;
        if (!r_section(r, sec_tag[s], &sub))
            break;
        if (s == SEC_MACH)
            load_machine(&sub, ld, opt);
        else
            step[s](&sub, ld);
        r_section_end(r, &sub);
    }
    if (!r->bad)
        check_machine(r, ld);
    /* Only the zero padding may follow. */
    if (!r->bad && r_left(r) >= 8)
        r_fail(r, "bytes after the last section");
    for (const uint8_t *q = r->p; !r->bad && q < r->end; q++)
        if (*q)
            r_fail(r, "bytes after the last section");
}

int snapshot_load(VM *vm, const char *path, const VmOptions *opt, FILE *err)
{
    size_t size = 0;
    uint8_t *file = read_file(path, &size, err);
    if (!file)
        return -1;
    int st = snapshot_load_bytes(vm, path, file, size, host_time_ms(), opt, err);
    free(file);
    return st;
}

int snapshot_load_bytes(VM *vm, const char *path, const uint8_t *file, size_t size, int64_t now_ms,
                        const VmOptions *opt, FILE *err)
{
    uint64_t body_len = 0;
    const uint8_t *body = verify(path, file, size, &body_len, err);
    if (!body)
        return -1;

    Loader ld = { .vm = vm, .now_ms = now_ms };
    Reader r = { file, body, body + body_len, NULL, 0 };
    parse(&r, &ld, opt);

    /* Pages no process maps: none in a good file; free them before the processes go. */
    for (uint32_t i = 0; i < ld.npages; i++)
        if (ld.pages[i] && ld.pages[i]->refs == 0)
            mem_page_destroy(ld.pages[i]);
    free(ld.pages);

    if (r.bad) {
        FILE *out = vm->out, *e = vm->err;
        proc_table_free(vm);   /* before the programs: processes hold references */
        for (uint32_t i = 0; i < ld.nprogs; i++)
            program_release(ld.progs[i]);
        free(ld.progs);
        vm_free(vm);
        vm_init(vm, opt);
        vm->out = out;
        vm->err = e;
        if (strcmp(r.bad, "out of memory") == 0)
            fprintf(err, "mvm: %s: out of memory\n", path);
        else
            fprintf(err, "mvm: %s: corrupted (%s)\n", path, r.bad);
        return -1;
    }
    for (uint32_t i = 0; i < ld.nprogs; i++)
        program_release(ld.progs[i]);   /* the processes hold their own references */
    free(ld.progs);

    /* Scheduler position (see snapshot.h): the head runs next, with resume_used of its
     * quantum already spent. */
    vm->current = NULL;
    vm->last_run = ld.last_run ? proc_find(vm, ld.last_run) : NULL;
    vm->run_start = vm->steps;
    vm->turn_start = vm->steps;
    vm->next_snapshot = vm->steps + vm->opt.snapshot_every;
    vm->last_sleep_poll = vm->steps;
    sched_update_watch(vm);
    return 0;
}
