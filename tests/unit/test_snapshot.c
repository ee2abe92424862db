/*
 * test_snapshot.c - machine snapshots (SPEC 4.3, 10; kernel/snapshot.c).
 *
 * Round trips of a machine with two processes (fork, mailbox, share_m, a signal handler,
 * calls, the data stack): the state loaded from a snapshot taken at step K equals the
 * state of a run stopped at K, field by field, page sharing included, and the loaded
 * machine prints exactly what the uninterrupted run prints after K. Shared pages stay one
 * storage, copy-on-write pages stay copy-on-write. Every truncation and every changed
 * byte of a snapshot is refused with a clear message, and random changes behind a
 * recomputed checksum never crash the loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm/asm.h"
#include "kernel/kernel.h"
#include "kernel/mailbox.h"
#include "kernel/snapshot.h"
#include "vm/fused.h"

/* PID 1 forks; they link a mailbox; PID 1 shares a heap block with the child, sends it
 * 0..9 (the mailbox holds 4) and a USR1; the child prints each message and twice it
 * (CALL), writes 77 through the shared block and exits with 5; PID 1 prints both. */
static const char *multi =
    "        LIT S1 18\n"
    "        LIT S2 30\n"
    "        LIT S3 72\n"
    "        SYSCALL\n"
    "        LIT S1 20\n"
    "        LIT S2 40\n"
    "        SYSCALL\n"
    "        MOV R2 G5\n"
    "        STORE 11 G5\n"
    "        STORE 3 100\n"
    "        LIT S1 8\n"
    "        SYSCALL\n"
    "        JZ child R2\n"
    "        MOV R2 G9\n"
    "        LIT S1 10\n"
    "        MOV G9 S2\n"
    "        MOV G5 S3\n"
    "        ADD G5 39 S4\n"
    "        SYSCALL\n"
    "plink:  LIT S1 30\n"
    "        MOV G9 S2\n"
    "        SYSCALL\n"
    "        JZ plink I5\n"
    "        MOV R2 G6\n"
    "        LIT G1 0\n"
    "ps:     LIT S1 32\n"
    "        MOV G6 S2\n"
    "        MOV G1 S3\n"
    "        SYSCALL\n"
    "        JZ ps I5\n"
    "        ADD G1 1 G1\n"
    "        LT G1 10\n"
    "        JZ ps\n"
    "        LIT S1 19\n"
    "        MOV G9 S2\n"
    "        LIT S3 30\n"
    "        SYSCALL\n"
    "        LIT S1 15\n"
    "        MOV G9 S2\n"
    "pw:     SYSCALL\n"
    "        JZ pw I5\n"
    "        PRINTR R2\n"
    "        LOAD G5 G1\n"
    "        PRINTR G1\n"
    "        JMP end\n"
    "child:  LIT S1 34\n"
    "        SYSCALL\n"
    "        MOV R2 G9\n"
    "clink:  LIT S1 30\n"
    "        MOV G9 S2\n"
    "        SYSCALL\n"
    "        JZ clink I5\n"
    "        MOV R2 G6\n"
    "        LIT G2 0\n"
    "cr:     LIT S1 33\n"
    "        MOV G6 S2\n"
    "        SYSCALL\n"
    "        JZ cr I5\n"
    "        PUSH R2\n"
    "        PRINTS\n"
    "        CALL twice R2\n"
    "        ADD G2 1 G2\n"
    "        LT G2 10\n"
    "        JZ cr\n"
    "        STORE 77 G5\n"
    "        LIT S1 6\n"
    "        LIT S2 5\n"
    "        SYSCALL\n"
    "twice:  MUL F1 2 G3\n"
    "        PRINTR G3\n"
    "        RET\n"
    "handler: PRINTR I9\n"
    "        RET\n"
    "end:    NOP\n"
;

static char dir[64];
static char snap_path[128], work_path[128];

static VmOptions options(int64_t quantum)
{
    VmOptions o = { .memory_size = 1 << 16, .heap_start = 1024, .stack_size = 64, .call_depth = 64,
                    .quantum = quantum, .max_processes = 16, .mailbox_capacity = 4,
                    .seed = 12345 };
    return o;
}

/* A machine with its output captured. */
typedef struct Machine {
    VM    vm;
    char *out;
    size_t len;
} Machine;

static void capture(Machine *m)
{
    m->out = NULL;
    m->len = 0;
    m->vm.out = open_memstream(&m->out, &m->len);
    m->vm.err = fopen("/dev/null", "w");
    assert_non_null(m->vm.out);
    assert_non_null(m->vm.err);
}

/* Start `multi` with options o and run it; the machine is kept for inspection. */
static int run_new(Machine *m, VmOptions o)
{
    int nerr = 0;
    Program *prog = asm_assemble_source("snap.kar", multi, strlen(multi), NULL, stderr, &nerr);
    assert_non_null(prog);
    vm_init(&m->vm, &o);
    capture(m);
    assert_int_equal(vm_start(&m->vm, prog, 0, NULL), 0);
    program_release(prog);
    int status = vm_run(&m->vm);
    fflush(m->vm.out);
    return status;
}

static void finish(Machine *m)
{
    fclose(m->vm.out);
    fclose(m->vm.err);
    vm_free(&m->vm);
    free(m->out);
}

/* Save the snapshot of the machine at step k (quantum q) to snap_path. */
static void snapshot_at(uint64_t k, int64_t q)
{
    VmOptions o = options(q);
    o.snapshot_every = k;
    o.snapshot_path = snap_path;
    o.max_steps = k + 1;   /* --max-steps is checked before a due snapshot */
    Machine m;
    unlink(snap_path);
    run_new(&m, o);
    finish(&m);
    assert_int_equal(access(snap_path, R_OK), 0);
}

static int load(Machine *m, const char *path, FILE *err)
{
    VmOptions o = options(1);
    vm_init(&m->vm, &o);
    capture(m);
    return snapshot_load(&m->vm, path, &o, err ? err : m->vm.err);
}

/* ---- comparing machines ---- */

static Page *page_at(const Memory *mem, uint64_t pno)
{
    uint64_t d = pno >> DIR_SHIFT;
    return d < mem->ndir && mem->dir[d] ? mem->dir[d]->page[pno & (DIR_FANOUT - 1)] : NULL;
}

static void same_memory(const Memory *a, const Memory *b)
{
    assert_int_equal(a->size, b->size);
    assert_int_equal(a->heap_start, b->heap_start);
    assert_int_equal(a->heap_used, b->heap_used);
    assert_int_equal(a->pages, b->pages);
    assert_int_equal(a->free == NULL, b->free == NULL);
    assert_int_equal(a->nfree, b->nfree);
    for (uint32_t i = 0; a->free && i < a->nfree; i++) {
        assert_int_equal(a->free[i].start, b->free[i].start);
        assert_int_equal(a->free[i].len, b->free[i].len);
    }
    uint64_t npages = (a->size + PAGE_WORDS - 1) / PAGE_WORDS;
    for (uint64_t p = 0; p < npages; p++) {
        const Page *x = page_at(a, p), *y = page_at(b, p);
        assert_int_equal(x == NULL, y == NULL);
        if (!x)
            continue;
        assert_int_equal(x->shared, y->shared);
        assert_memory_equal(x->live, y->live, sizeof x->live);
        assert_memory_equal(x->start, y->start, sizeof x->start);
        assert_memory_equal(x->w, y->w, sizeof x->w);
    }
}

static void same_proc(const Proc *a, const Proc *b)
{
    assert_int_equal(a->pid, b->pid);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->exit_code, b->exit_code);
    assert_int_equal(a->cpu.icount, b->cpu.icount);
    assert_int_equal(a->pending, b->pending);
    assert_int_equal(a->handling, b->handling);
    assert_int_equal(a->parent ? a->parent->pid : 0, b->parent ? b->parent->pid : 0);
    assert_int_equal(a->zombie_children, b->zombie_children);
    if (a->state == PROC_EXITED)
        return;
    assert_int_equal(a->cpu.pc, b->cpu.pc);
    assert_memory_equal(a->cpu.reg, b->cpu.reg, sizeof a->cpu.reg);
    assert_memory_equal(a->cpu.type, b->cpu.type, sizeof a->cpu.type);
    assert_int_equal(a->cpu.typed, b->cpu.typed);
    assert_int_equal(a->cpu.sp, b->cpu.sp);
    if (a->cpu.sp)
        assert_memory_equal(a->cpu.stack, b->cpu.stack, a->cpu.sp * sizeof *a->cpu.stack);
    assert_int_equal(a->cpu.fp, b->cpu.fp);
    for (uint32_t i = 0; i < a->cpu.fp; i++) {
        assert_int_equal(a->cpu.frames[i].ret, b->cpu.frames[i].ret);
        assert_int_equal(a->cpu.frames[i].kind, b->cpu.frames[i].kind);
    }
    assert_int_equal(a->nctx, b->nctx);
    for (uint32_t i = 0; i < a->nctx; i++) {
        assert_int_equal(a->ctx[i].sig, b->ctx[i].sig);
        assert_memory_equal(a->ctx[i].reg, b->ctx[i].reg, sizeof a->ctx[i].reg);
        assert_memory_equal(a->ctx[i].type, b->ctx[i].type, sizeof a->ctx[i].type);
        assert_int_equal(a->ctx[i].typed, b->ctx[i].typed);
    }
    assert_memory_equal(a->handler, b->handler, sizeof a->handler);
    assert_int_equal(a->cpu.prog->ncode, b->cpu.prog->ncode);
    for (uint32_t i = 0; i < a->cpu.prog->ncode; i++) {
        /* The same instructions; the running one may hold superinstructions (fused.h). */
        Instr x = a->cpu.prog->code[i], y = b->cpu.prog->code[i];
        x.op = (uint8_t)op_base(x.op);
        y.op = (uint8_t)op_base(y.op);
        assert_memory_equal(&x, &y, sizeof x);
    }
    assert_ptr_equal(b->cpu.code, b->cpu.prog->code);
    same_memory(&a->cpu.mem, &b->cpu.mem);
}

static Proc **live_procs(VM *vm, size_t *n)
{
    Proc **v = calloc(vm->ntable + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i])
            v[(*n)++] = vm->table[i];
    return v;
}

/* a is a machine stopped at step K, b the one loaded from the snapshot taken at K. */
static void same_machine(VM *a, VM *b)
{
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->next_pid, b->next_pid);
    assert_int_equal(a->nprocs, b->nprocs);
    assert_int_equal(a->nlive, b->nlive);
    assert_int_equal(a->npaused, b->npaused);
    assert_int_equal(a->regions, b->regions);
    assert_int_equal(a->rng, b->rng);
    assert_int_equal(a->pid1_ended, b->pid1_ended);
    assert_int_equal(a->pid1_code, b->pid1_code);
    assert_int_equal(a->opt.quantum, b->opt.quantum);
    assert_int_equal(a->opt.memory_size, b->opt.memory_size);
    assert_int_equal(a->opt.mailbox_capacity, b->opt.mailbox_capacity);
    assert_string_equal(a->base_dir, b->base_dir);
    assert_null(b->current);
    size_t na, nb;
    Proc **pa = live_procs(a, &na), **pb = live_procs(b, &nb);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        same_proc(pa[i], pb[i]);
    /* Sharing: two processes hold one page in a exactly when they do in b. */
    uint64_t npages = (uint64_t)a->opt.memory_size / PAGE_WORDS;
    for (size_t i = 0; i < na; i++)
        for (size_t j = i + 1; j < na; j++)
            for (uint64_t p = 0; p < npages; p++) {
                Page *x = page_at(&pa[i]->cpu.mem, p), *y = page_at(&pa[j]->cpu.mem, p);
                Page *u = page_at(&pb[i]->cpu.mem, p), *v = page_at(&pb[j]->cpu.mem, p);
                assert_int_equal(x && x == y, u && u == v);
            }
    /* Reference counts: tables are private after a load, so a page's refs is the number
     * of processes that map it. */
    for (size_t i = 0; i < nb; i++)
        for (uint64_t p = 0; p < npages; p++) {
            Page *u = page_at(&pb[i]->cpu.mem, p);
            if (!u)
                continue;
            uint32_t holders = 0;
            for (size_t j = 0; j < nb; j++)
                holders += page_at(&pb[j]->cpu.mem, p) == u;
            assert_int_equal(u->refs, holders);
            assert_int_equal(pb[i]->cpu.mem.dir[p >> DIR_SHIFT]->refs, 1);
        }
    /* Programs: shared by pointer after fork, and again after the load. */
    for (size_t i = 1; i < na; i++)
        if (pa[i]->cpu.prog && pa[0]->cpu.prog)
            assert_int_equal(pa[i]->cpu.prog == pa[0]->cpu.prog, pb[i]->cpu.prog == pb[0]->cpu.prog);
    /* Mailboxes and their queues. */
    assert_int_equal(a->nmailboxes, b->nmailboxes);
    for (uint64_t i = 0; i < a->nmailboxes; i++) {
        Mailbox *x = a->mailboxes[i], *y = b->mailboxes[i];
        assert_int_equal(x == NULL, y == NULL);
        if (!x)
            continue;
        assert_int_equal(x->id, y->id);
        assert_memory_equal(x->pid, y->pid, sizeof x->pid);
        assert_int_equal(x->closed, y->closed);
        for (int e = 0; e < 2; e++) {
            assert_int_equal(x->ended[e], y->ended[e]);
            assert_int_equal(x->q[e].count, y->q[e].count);
            for (uint32_t k = 0; k < x->q[e].count; k++)
                assert_int_equal(x->q[e].buf[(x->q[e].head + k) % x->q[e].cap],
                                 y->q[e].buf[(y->q[e].head + k) % y->q[e].cap]);
        }
    }
    assert_int_equal(a->nrequests, b->nrequests);
    free(pa);
    free(pb);
}

/* ---- round trips ---- */

static void round_trip(int64_t q)
{
    Machine x;
    int xst = run_new(&x, options(q));
    uint64_t total = x.vm.steps;
    assert_true(total > 100);
    int resumed = 0;
    for (uint64_t k = 1; k < total; k += 3) {
        Machine a, b;
        VmOptions o = options(q);
        o.max_steps = k;
        assert_int_equal(run_new(&a, o), 1);   /* stopped by --max-steps */
        snapshot_at(k, q);
        assert_int_equal(load(&b, snap_path, NULL), 0);
        same_machine(&a.vm, &b.vm);
        int st = vm_run(&b.vm);
        fflush(b.vm.out);
        assert_int_equal(st, xst);
        assert_int_equal(a.len + b.len, x.len);
        assert_memory_equal(a.out, x.out, a.len);
        assert_memory_equal(b.out, x.out + a.len, b.len);
        assert_int_equal(b.vm.steps, total);
        finish(&a);
        finish(&b);
        resumed++;
    }
    assert_true(resumed > 30);
    finish(&x);
}

static void round_trip_quantum_1(void **state) { round_trip(1); }
static void round_trip_quantum_3(void **state) { round_trip(3); }

/* After the share_m and the fork, the heap block is one storage and the static page is
 * copy-on-write: both must still be so after a load. */
static void shared_pages_stay_shared(void **state)
{
    snapshot_at(200, 1);
    Machine m;
    assert_int_equal(load(&m, snap_path, NULL), 0);
    Proc *p1 = proc_find(&m.vm, 1), *p2 = proc_find(&m.vm, 2);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_int_equal(p2->state, PROC_READY);
    int64_t block = p1->cpu.reg[REG_G1 + 4];   /* G5: the shared block */
    assert_true(block >= 1024);
    Page *s1 = page_at(&p1->cpu.mem, (uint64_t)block / PAGE_WORDS);
    assert_non_null(s1);
    assert_ptr_equal(s1, page_at(&p2->cpu.mem, (uint64_t)block / PAGE_WORDS));
    assert_true(s1->shared);
    assert_int_equal(s1->refs, 2);
    assert_int_equal(mem_write(&p1->cpu.mem, block + 7, 4242), 0);
    int64_t v = 0;
    assert_int_equal(mem_read(&p2->cpu.mem, block + 7, &v), 0);
    assert_int_equal(v, 4242);
    assert_int_equal(mem_write(&p2->cpu.mem, block + 8, -5), 0);
    assert_int_equal(mem_read(&p1->cpu.mem, block + 8, &v), 0);
    assert_int_equal(v, -5);

    /* Word 100 (static, written before the fork): one page, copied on the first write. */
    Page *c1 = page_at(&p1->cpu.mem, 0);
    assert_ptr_equal(c1, page_at(&p2->cpu.mem, 0));
    assert_false(c1->shared);
    assert_int_equal(c1->refs, 2);
    assert_int_equal(mem_write(&p2->cpu.mem, 100, 99), 0);
    assert_int_equal(mem_read(&p1->cpu.mem, 100, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(mem_read(&p2->cpu.mem, 100, &v), 0);
    assert_int_equal(v, 99);
    assert_ptr_not_equal(page_at(&p1->cpu.mem, 0), page_at(&p2->cpu.mem, 0));
    finish(&m);
}

/* ---- damaged files ---- */

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n + 1);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spill(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Load path, expecting a refusal whose message contains `want` (NULL: any). */
static void refused(const char *path, const char *want)
{
    char *msg = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&msg, &len);
    Machine m;
    assert_int_equal(load(&m, path, err), -1);
    fclose(err);
    /* Left empty: nothing to run, nothing leaked (vm_free in finish). */
    assert_int_equal(m.vm.ntable, 0);
    assert_null(m.vm.head);
    assert_int_equal(m.vm.nmailboxes, 0);
    assert_int_equal(m.vm.nprocs, 0);
    assert_true(len > 0);
    if (want && !strstr(msg, want))
        fail_msg("expected '%s' in: %s", want, msg);
    assert_int_equal(vm_run(&m.vm), 1);   /* an empty machine: nothing runs */
    free(msg);
    finish(&m);
}

static void truncated_at_every_length(void **state)
{
    snapshot_at(60, 1);
    size_t n;
    unsigned char *b = slurp(snap_path, &n);
    for (size_t len = 0; len < n; len++) {
        spill(work_path, b, len);
        refused(work_path, len == 0 ? "not an MVM snapshot" : "truncated");
    }
    free(b);
}

static void every_changed_byte_is_refused(void **state)
{
    snapshot_at(60, 1);
    size_t n;
    unsigned char *b = slurp(snap_path, &n);
    for (size_t i = 0; i < n; i++) {
        b[i] ^= 0x20;
        spill(work_path, b, n);
        refused(work_path, i < 8 ? "not an MVM snapshot" : "corrupted");
        b[i] ^= 0x20;
    }
    free(b);
}

/* The checksum of the format (snapshot.c): FNV-1a 64 over little-endian words. */
static uint64_t le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static void put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        b[i] = (unsigned char)v;
}

static uint64_t fnv_words(const unsigned char *b, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i + 8 <= n; i += 8)
        h = (h ^ le64(b + i)) * 0x100000001b3ULL;
    return h;
}

static void reseal(unsigned char *b, size_t n)
{
    put64(b + 48, fnv_words(b, 48));
    put64(b + n - 8, fnv_words(b, n - 8));
}

static void messages(void **state)
{
    snapshot_at(60, 1);
    size_t n;
    unsigned char *b = slurp(snap_path, &n);

    spill(work_path, b, 0);
    refused(work_path, "not an MVM snapshot (empty file)");
    spill(work_path, (const unsigned char *)multi, strlen(multi));
    refused(work_path, "not an MVM snapshot");
    refused("/nonexistent/snapshot", "cannot open");
    spill(work_path, b, n - 1);
    refused(work_path, "truncated");
    b[n / 2] ^= 1;
    spill(work_path, b, n);
    refused(work_path, "corrupted (checksum)");
    b[n / 2] ^= 1;

    unsigned char *c = malloc(n + 8);
    memcpy(c, b, n);
    memset(c + n, 0, 8);
    spill(work_path, c, n + 8);
    refused(work_path, "corrupted");

    memcpy(c, b, n);
    c[8] = 1;   /* format version 1 (before saved signal contexts), properly sealed */
    reseal(c, n);
    spill(work_path, c, n);
    refused(work_path, "made by a different version");

    memcpy(c, b, n);
    c[16] ^= 1;   /* another instruction set */
    reseal(c, n);
    spill(work_path, c, n);
    refused(work_path, "made by a different version");
    free(c);
    free(b);
}

/* Changes behind a recomputed checksum: the loader's own checks must catch whatever is
 * inconsistent, and never crash or leak (this runs under AddressSanitizer too). */
static void resealed_changes_never_crash(void **state)
{
    snapshot_at(150, 3);
    size_t n;
    unsigned char *b = slurp(snap_path, &n);
    unsigned char *c = malloc(n);
    uint64_t seed = 0x5eed;
    int loaded = 0, refusals = 0;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(c, b, n);
        int changes = 1 + iter % 4;
        for (int k = 0; k < changes; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            size_t at = 56 + (size_t)((seed >> 33) % (n - 64));
            unsigned char v = (unsigned char)(seed >> 20);
            switch (iter % 3) {
            case 0: c[at] = v; break;                        /* any byte */
            case 1: c[at] ^= (unsigned char)(1u << (v & 7)); break;  /* one bit */
            default: c[at] = (v & 1) ? 0xFF : 0; break;      /* extremes */
            }
        }
        reseal(c, n);
        spill(work_path, c, n);
        Machine m;
        char *msg = NULL;
        size_t len = 0;
        FILE *err = open_memstream(&msg, &len);
        int r = load(&m, work_path, err);
        fclose(err);
        if (r == 0)
            loaded++;
        else
            refusals++, assert_true(len > 0);
        free(msg);
        finish(&m);
    }
    assert_true(refusals > 0);
    (void)loaded;
    free(c);
    free(b);
}

static void unwritable_path_is_reported(void **state)
{
    Machine m;
    VmOptions o = options(1);
    o.max_steps = 10;
    run_new(&m, o);
    char *msg = NULL;
    size_t len = 0;
    fclose(m.vm.err);
    m.vm.err = open_memstream(&msg, &len);
    assert_int_equal(snapshot_save(&m.vm, "/nonexistent/dir/x.snap"), -1);
    fflush(m.vm.err);
    assert_non_null(strstr(msg, "cannot write snapshot /nonexistent/dir/x.snap"));
    finish(&m);
    free(msg);
}

static int setup(void **state)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/mvm-snaptest.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : t ? t : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(snap_path, sizeof snap_path, "%s/s.snap", dir);
    snprintf(work_path, sizeof work_path, "%s/w.snap", dir);
    return 0;
}

static int teardown(void **state)
{
    unlink(snap_path);
    unlink(work_path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_quantum_1),
        cmocka_unit_test(round_trip_quantum_3),
        cmocka_unit_test(shared_pages_stay_shared),
        cmocka_unit_test(truncated_at_every_length),
        cmocka_unit_test(every_changed_byte_is_refused),
        cmocka_unit_test(messages),
        cmocka_unit_test(resealed_changes_never_crash),
        cmocka_unit_test(unwritable_path_is_reported),
    };
    return cmocka_run_group_tests_name("snapshot", tests, setup, teardown);
}
