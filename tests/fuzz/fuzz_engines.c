/*
 * fuzz_engines.c - libFuzzer target, differential: the run-ahead engine (kernel/ahead.c,
 * turn.c; docs/engine.md) against the reference one-instruction-at-a-time engine
 * (VmOptions.exact). The input is not a program: it is a stream of choices for a small
 * structured generator, which writes a multi-process MVM program (.kar text) from a menu
 * of snippets: fork with different parent and child branches, loops of private
 * arithmetic of many lengths, output (PRINTR, PRINTS, writeIo), exit codes, wait in a
 * bounded retry loop with yield, getpid/getppid, signal handlers and signals to parent,
 * child and self, pause_t/continue_t, mailboxes, semaphores, alloc/free, faults with and
 * without a handler, CALL and RET, falling off the end, and reads of the instruction
 * clock (which show exact timing). About one program in 20 may also use SLEEP, exec,
 * spawn, share_m or a computed system call number, which keep the machine on the exact
 * engine: the harness checks that such programs fall back (the run-ahead engine must not
 * take them on: ahead_possible) and that both runs still agree.
 *
 * Every loop the generator writes is bounded by a counter, and handlers send no signals
 * (two handlers could signal each other forever), so every program ends; each
 * input runs twice in identical small machines (harness.h), once with exact = true and
 * once without, at a quantum from the input (1, 2, 3, 7 or 1000) and with --max-steps
 * 20000, a limit from the input, or none. Any difference in standard output, standard
 * error, exit status or instruction count is a finding: both outcomes and the program
 * are printed to standard error, then abort(); so is an exact run that used the run-ahead
 * engine. A program the generator wrote that does not assemble is a bug of the
 * generator: abort() too.
 *
 * Build and run with `tests/fuzz/run.sh --target engines`. Regression inputs are the raw
 * choice bytes, named *.engines (tests/fuzz/regressions/). FUZZ_ENGINES_SHOW=1 prints each
 * input's program, settings and outcome to standard error (to read a regression input:
 * `FUZZ_ENGINES_SHOW=1 build/fuzz/fuzz_engines -runs=1 FILE`). Every 2^k inputs the
 * harness prints how often the run-ahead engine ran and hid processes, so a log shows
 * that the comparison covers something.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "kernel/kernel.h"
#include "harness.h"
#include "vclock.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!freopen("/dev/null", "r", stdin))   /* readIo must never wait on a terminal */
        abort();
    return 0;
}

/* ---------------------------------------------------------------- the generator */

/* Where the code being written runs: the main program (PID 1's code, and every forked
 * child's), a subroutine (reached by CALL), or a signal handler. */
enum { CTX_MAIN, CTX_SUB, CTX_HANDLER };

#define MAX_SUBS     3
#define MAX_HANDLERS 3
#define MAX_FORKS    4   /* fork snippets in one program (the machine holds 8 processes) */

typedef struct Gen {
    const uint8_t *d;
    size_t   n, i;
    FILE    *f;          /* the program text */
    int      labels;     /* L0, L1, ... */
    int      forks;
    int      ctx;
    int      depth;      /* loops around the code being written (main: 0..2) */
    bool     rare;       /* may use SLEEP, exec, spawn, share_m, a computed S1 */
    bool     exact_only; /* ... and does: the run-ahead engine must leave it alone */
    int      nsubs, nhandlers;
    int      sub;        /* writing sub<sub>: it may call only the ones before it */
} Gen;

/* The next choice among n (0 once the input is used up: the generator then ends every
 * block soon, with the simplest choices). */
static unsigned pick(Gen *g, unsigned n)
{
    if (g->i >= g->n || n <= 1)
        return 0;
    return g->d[g->i++] % n;
}

static bool more(const Gen *g)
{
    return g->i < g->n;
}

static void emit(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g->f, fmt, ap);
    va_end(ap);
}

static int label(Gen *g)
{
    return g->labels++;
}

/* Registers. G1, G2: the main program's loop counters (by depth); R8: the loop counter of
 * subroutines and handlers; G10 / R9: retry counters (main / elsewhere); G3..G5 data;
 * G6 a semaphore id; G7 a mailbox id; G8 a heap block; G9 the last child's PID;
 * R1 zero for faults; R7 scratch (a target PID, a string). */
static const char *data_reg(Gen *g)
{
    static const char *const r[] = { "G3", "G4", "G5" };
    return r[pick(g, 3)];
}

static const char *retry_reg(const Gen *g)
{
    return g->ctx == CTX_MAIN ? "G10" : "R9";
}

static int64_t small_literal(Gen *g)
{
    static const int64_t v[] = { 0, 1, 2, 3, 7, -1, 10, 100, 255, -5, 1000, 65536, 12345, 31, 64, -1000000 };
    return v[pick(g, 16)];
}

/* One private arithmetic instruction on the data registers. */
static void arith(Gen *g)
{
    static const char *const ops[] = { "ADD", "SUB", "MUL", "XOR", "AND", "OR" };
    switch (pick(g, 9)) {
    case 0: case 1: case 2: {
        const char *a = data_reg(g), *b = data_reg(g), *c = data_reg(g);
        emit(g, "    %s %s %s %s\n", ops[pick(g, 6)], a, b, c);
        break;
    }
    case 3: case 4: {
        const char *a = data_reg(g), *c = data_reg(g);
        emit(g, "    %s %s %lld %s\n", ops[pick(g, 6)], a, (long long)small_literal(g), c);
        break;
    }
    case 5: {
        const char *a = data_reg(g), *c = data_reg(g);
        emit(g, "    SHL %s %u %s\n", a, pick(g, 64), c);
        break;
    }
    case 6: {
        const char *a = data_reg(g), *c = data_reg(g);
        emit(g, "    MOD %s %d %s\n", a, 1 + (int)pick(g, 9), c);
        break;
    }
    case 7: {   /* through the static area */
        unsigned addr = 1 + pick(g, 200);
        emit(g, "    STORE %s %u\n    LOAD %u %s\n", data_reg(g), addr, addr, data_reg(g));
        break;
    }
    default:   /* the data stack, balanced */
        emit(g, "    PUSH %s\n    NOP\n    POP %s\n", data_reg(g), data_reg(g));
        break;
    }
}

static void sys(Gen *g, int num)
{
    emit(g, "    LIT S1 %d\n    SYSCALL\n", num);
}

/* R7 = a process: the parent, the last child, this process or a small PID. */
static void target_pid(Gen *g)
{
    switch (pick(g, 6)) {
    case 0: case 1:
        sys(g, 34);   /* getppid */
        emit(g, "    MOV R2 R7\n");
        break;
    case 2: case 3:
        emit(g, "    MOV G9 R7\n");
        break;
    case 4:
        sys(g, 16);   /* getpid */
        emit(g, "    MOV R2 R7\n");
        break;
    default:
        emit(g, "    LIT R7 %u\n", 1 + pick(g, 6));
        break;
    }
}

/* The system call that setup (lines setting S1..S4) makes, retried with yield while it
 * fails with WouldBlock, at most bound times. */
static void retry(Gen *g, const char *setup, unsigned bound)
{
    int l = label(g);
    const char *rc = retry_reg(g);
    emit(g, "    LIT %s %u\n", rc, bound);
    emit(g, "L%d:\n%s    SYSCALL\n", l, setup);
    emit(g, "    JNZ L%dd I5\n    EQ I7 30\n    JNZ L%dd\n", l, l);
    sys(g, 37);   /* yield */
    emit(g, "    SUB %s 1 %s\n    GT %s 0\n    JZ L%d\nL%dd:\n", rc, rc, rc, l, l);
}

static unsigned retry_bound(Gen *g)
{
    static const unsigned b[] = { 1, 3, 10, 40, 100, 300 };
    unsigned k = pick(g, 6);
    if (g->depth > 0 && k > 2)
        k = 2;
    return b[k];
}

static unsigned loop_count(Gen *g, bool nested_body)
{
    unsigned c;
    switch (pick(g, 4)) {
    case 0: c = 1 + pick(g, 10); break;
    case 1: c = 10 + pick(g, 90); break;
    case 2: c = 100 + pick(g, 200); break;
    default: c = 1 + pick(g, 256) + pick(g, 256); break;
    }
    if (g->depth > 0 && c > 20)
        c = 1 + c % 20;
    if (nested_body && c > 60)
        c = 1 + c % 60;
    return c;
}

static const int send_signals[] = { 30, 31, 15, 9, 18, 19, 20, 14, 2, 28, 30, 31 };
static const int handled_signals[] = { 30, 31, 15, 18, 19, 20, 14, 2, 8, 11, 4, 9 };

static void install_handler(Gen *g, int sig)
{
    if (g->nhandlers == 0 || pick(g, 8) == 0)
        emit(g, "    LIT S2 %d\n    LIT S3 0\n", sig);   /* back to the default */
    else
        emit(g, "    LIT S2 %d\n    LIT S3 hnd%u\n", sig, pick(g, (unsigned)g->nhandlers));
    sys(g, 18);
}

static const char *const texts[] = { "a\\n", "hello\\n", "x", "", "pid?\\n", "\\tz\\n", "done\\n", "--\\n" };

static void block(Gen *g, unsigned nsnips);

/* One snippet of the menu. */
static void snippet(Gen *g)
{
    bool main_ctx = g->ctx == CTX_MAIN;
    unsigned c = pick(g, g->rare ? 40 : 36);   /* 35..39: the rare snippets */
    switch (c) {
    case 0: case 1: case 2: case 3: {   /* a loop of private arithmetic, maybe more inside */
        if (g->depth >= 2 || (!main_ctx && g->depth >= 1)) {
            arith(g);
            break;
        }
        bool nested = main_ctx && pick(g, 3) == 0;
        unsigned n = loop_count(g, nested);
        const char *cnt = main_ctx ? (g->depth == 0 ? "G1" : "G2") : "R8";
        int l = label(g);
        emit(g, "    LIT %s %u\nL%d:\n", cnt, n, l);
        unsigned k = 1 + pick(g, 6);
        for (unsigned j = 0; j < k; j++)
            arith(g);
        if (nested) {
            g->depth++;
            block(g, 1 + pick(g, 3));
            g->depth--;
        }
        emit(g, "    SUB %s 1 %s\n    GT %s 0\n    JZ L%d\n", cnt, cnt, cnt, l);
        break;
    }
    case 4: case 5:   /* straight-line arithmetic */
        for (unsigned j = 1 + pick(g, 4); j > 0; j--)
            arith(g);
        break;
    case 6: case 7: {   /* print a register */
        static const char *const r[] = { "G3", "G4", "G5", "G9", "R2", "R3", "I5", "I7", "G7", "G6" };
        emit(g, "    PRINTR %s\n", r[pick(g, 10)]);
        break;
    }
    case 8:   /* PRINTS */
        emit(g, "    PUSH %s\n    PRINTS\n    POP %s\n", data_reg(g), data_reg(g));
        break;
    case 9:   /* writeIo of a string */
        emit(g, "    STR R7 \"%s\"\n    MOV R7 S2\n", texts[pick(g, 8)]);
        sys(g, 24);
        emit(g, "    DEALLOC R7\n");
        break;
    case 10:   /* exit */
        if (pick(g, 3) != 0)
            break;
        emit(g, "    LIT S2 %lld\n", (long long)(pick(g, 4) == 0 ? small_literal(g) : (int64_t)pick(g, 256)));
        sys(g, 6);
        break;
    case 11: case 12: case 13: {   /* fork: the child and the parent take different branches */
        if (!main_ctx || g->depth > 0 || g->forks >= MAX_FORKS) {
            sys(g, 16);
            emit(g, "    PRINTR R2\n");
            break;
        }
        g->forks++;
        int lc = label(g), lj = label(g);
        sys(g, 8);
        emit(g, "    JZ L%d R2\n    MOV R2 G9\n", lc);
        block(g, pick(g, 5));
        emit(g, "    JMP L%d\nL%d:\n", lj, lc);
        block(g, 1 + pick(g, 6));
        switch (pick(g, 6)) {
        case 0: case 1: case 2:
            emit(g, "    LIT S2 %u\n", pick(g, 256));
            sys(g, 6);
            break;
        case 3: emit(g, "    RET\n"); break;
        case 4: emit(g, "    JMP Lend\n"); break;
        default: break;   /* the child goes on with the parent's code */
        }
        emit(g, "L%d:\n", lj);
        break;
    }
    case 14: case 15: {   /* wait for a child, retried with yield */
        char setup[64];
        snprintf(setup, sizeof setup, "    LIT S1 15\n    %s\n", pick(g, 2) ? "LIT S2 0" : "MOV G9 S2");
        retry(g, setup, retry_bound(g));
        emit(g, "    PRINTR R2\n    PRINTR R3\n");
        break;
    }
    case 16:   /* getpid / getppid */
        sys(g, pick(g, 2) ? 16 : 34);
        emit(g, "    PRINTR R2\n");
        break;
    case 17: case 18:   /* install a handler */
        install_handler(g, handled_signals[pick(g, 12)]);
        break;
    case 19: case 20: case 21:   /* send a signal */
        if (g->ctx == CTX_HANDLER) {   /* (a handler that signals may never stop: CHLD to itself) */
            arith(g);
            break;
        }
        target_pid(g);
        emit(g, "    MOV R7 S2\n    LIT S3 %d\n", send_signals[pick(g, 12)]);
        sys(g, 19);
        if (pick(g, 2))
            emit(g, "    PRINTR R2\n");
        break;
    case 22:   /* pause_t / continue_t */
        if (pick(g, 3) == 0) {
            target_pid(g);
            emit(g, "    MOV R7 S2\n");
            sys(g, 11);
        } else {
            target_pid(g);
            emit(g, "    MOV R7 S2\n");
            sys(g, 12);
        }
        break;
    case 23: {   /* link a mailbox */
        target_pid(g);
        retry(g, "    LIT S1 30\n    MOV R7 S2\n", retry_bound(g));
        emit(g, "    MOV R2 G7\n");
        break;
    }
    case 24: case 25: {   /* send or receive */
        const char *mb = pick(g, 4) ? "G7" : "I10";
        char setup[96];
        if (pick(g, 2)) {
            snprintf(setup, sizeof setup, "    LIT S1 32\n    MOV %s S2\n    MOV %s S3\n", mb, data_reg(g));
            retry(g, setup, retry_bound(g));
        } else {
            snprintf(setup, sizeof setup, "    LIT S1 33\n    MOV %s S2\n", mb);
            retry(g, setup, retry_bound(g));
            emit(g, "    PRINTR R2\n");
        }
        break;
    }
    case 26: {   /* semaphores */
        unsigned k = pick(g, 4);
        if (k == 0) {
            emit(g, "    LIT S2 %u\n", pick(g, 3));
            sys(g, 39);
            emit(g, "    MOV R2 G6\n");
        } else if (k == 1) {
            retry(g, pick(g, 3) ? "    LIT S1 40\n    MOV G6 S2\n" : "    LIT S1 40\n    LIT S2 1\n", retry_bound(g));
            emit(g, "    PRINTR R2\n");
        } else if (k == 2) {
            emit(g, "    MOV G6 S2\n");
            sys(g, 41);
        } else {
            emit(g, "    MOV G6 S2\n");
            sys(g, 42);
        }
        break;
    }
    case 27: {   /* alloc and free */
        emit(g, "    LIT S2 %u\n", 1 + pick(g, 40));
        sys(g, 20);
        emit(g, "    MOV R2 G8\n    STORE %s G8 %u\n    LOAD G8 %s\n", data_reg(g), pick(g, 3), data_reg(g));
        if (pick(g, 3)) {
            emit(g, "    MOV G8 S2\n");
            sys(g, 21);
            if (pick(g, 4) == 0)
                sys(g, 21);   /* twice: error 2 */
        }
        break;
    }
    case 28: {   /* a fault, maybe with a handler */
        unsigned k = pick(g, 5);
        if (pick(g, 2))
            install_handler(g, k == 0 ? 8 : 11);
        switch (k) {
        case 0: emit(g, "    LIT R1 0\n    DIV %s R1 %s\n", data_reg(g), data_reg(g)); break;
        case 1: emit(g, "    LOAD 0 %s\n", data_reg(g)); break;
        case 2: emit(g, "    POP %s\n", data_reg(g)); break;
        case 3: emit(g, "    PRINTS\n"); break;
        default: emit(g, "    LOAD 5000 %s\n", data_reg(g)); break;
        }
        break;
    }
    case 29: {   /* CALL a subroutine */
        unsigned limit = g->ctx == CTX_SUB ? (unsigned)g->sub : (unsigned)g->nsubs;
        if (limit == 0 || g->ctx == CTX_HANDLER) {
            arith(g);
            break;
        }
        emit(g, "    CALL sub%u %s %lld\n", pick(g, limit), data_reg(g), (long long)small_literal(g));
        break;
    }
    case 30:   /* RET: at top level it ends the process */
        if (main_ctx && pick(g, 3) == 0)
            emit(g, "    RET\n");
        else
            arith(g);
        break;
    case 31: case 32:   /* the instruction clock: exact timing */
        emit(g, "    LIT S2 0\n    LIT S3 2\n");
        sys(g, 35);
        emit(g, "    PRINTR R2\n");
        break;
    case 33:   /* yield */
        sys(g, 37);
        break;
    case 34: {   /* a forward jump over a block */
        int l = label(g);
        emit(g, "    %s %s %s\n    JZ L%d\n", pick(g, 2) ? "LT" : "EQ", data_reg(g), data_reg(g), l);
        block(g, 1 + pick(g, 2));
        emit(g, "L%d:\n", l);
        break;
    }
    default:   /* (35, or 35..39 in rare programs) what keeps a machine on the exact engine */
        if (!g->rare) {
            arith(g);
            break;
        }
        unsigned k = pick(g, 6);
        g->exact_only |= k < 4;
        switch (k) {
        case 0:
            emit(g, "    LIT R7 %u\n    SLEEP R7\n", pick(g, 4));
            break;
        case 1: {
            static const char *const progs[] = { "a.kar", "b.kar", "c.kar", "missing.kar", "hello.kar" };
            emit(g, "    STR R7 \"%s\"\n    MOV R7 S2\n    LIT S4 0\n", progs[pick(g, 5)]);
            sys(g, pick(g, 2) ? 9 : 7);   /* spawn or exec */
            emit(g, "    PRINTR R2\n");
            break;
        }
        case 2:
            target_pid(g);
            emit(g, "    MOV R7 S2\n    LIT S3 %u\n    LIT S4 %u\n", 1 + pick(g, 200), 1 + pick(g, 600));
            sys(g, 10);   /* share_m */
            emit(g, "    PRINTR R2\n");
            break;
        case 3:   /* a system call number the capability analysis cannot see (vm/caps.c:
                   * a POP may write any value; getpid at run time) */
            emit(g, "    PUSH 16\n    POP S1\n    SYSCALL\n    PRINTR R2\n");
            break;
        default:
            emit(g, "    LIT S1 35\n    LIT S2 0\n    LIT S3 2\n    SYSCALL\n    PRINTR R2\n");
            break;
        }
        break;
    }
}

static void block(Gen *g, unsigned nsnips)
{
    for (unsigned k = 0; k < nsnips && more(g); k++)
        snippet(g);
}

/* The whole program: main code, an ending, subroutines, handlers, and a last label
 * (a jump to it falls off the end). */
static void program(Gen *g)
{
    g->rare = pick(g, 20) == 0;
    g->nsubs = (int)pick(g, MAX_SUBS + 1);
    g->nhandlers = 1 + (int)pick(g, MAX_HANDLERS);
    emit(g, "; fuzz_engines: a generated program\n");
    emit(g, "    LIT G3 %lld\n    LIT G4 %lld\n    LIT G5 %lld\n", (long long)small_literal(g),
         (long long)small_literal(g), (long long)small_literal(g));
    g->ctx = CTX_MAIN;
    block(g, 1 + pick(g, 16));
    while (more(g) && pick(g, 4) != 0)
        block(g, 1 + pick(g, 16));
    switch (pick(g, 4)) {
    case 0: emit(g, "    JMP Lend\n"); break;
    case 1: emit(g, "    RET\n"); break;
    default:
        emit(g, "    LIT S2 %u\n", pick(g, 256));
        sys(g, 6);
        break;
    }
    g->ctx = CTX_SUB;
    for (g->sub = 0; g->sub < g->nsubs; g->sub++) {
        emit(g, "sub%d:\n    ADD F1 F2 G4\n", g->sub);
        block(g, pick(g, 6));
        emit(g, "    RET\n");
    }
    g->ctx = CTX_HANDLER;
    for (int h = 0; h < g->nhandlers; h++) {
        emit(g, "hnd%d:\n", h);
        switch (pick(g, 4)) {
        case 0: emit(g, "    PRINTR I9\n"); break;
        case 1: emit(g, "    STORE I9 100\n    PRINTR I7\n"); break;
        case 2: emit(g, "    PRINTR I9\n    PRINTR I7\n"); break;
        default: break;
        }
        block(g, pick(g, 4));
        emit(g, "    RET\n");
    }
    emit(g, "Lend:\n");
}

/* ---------------------------------------------------------------- the runs */

typedef struct Outcome {
    char    *out, *err;
    size_t   nout, nerr;
    int      status;
    uint64_t steps;
    bool     ahead;       /* the run-ahead engine ran the machine */
    uint64_t folds;       /* processes it hid */
} Outcome;

static void run(Program *prog, int64_t quantum, uint64_t max_steps, bool exact, Outcome *o)
{
    vclock_reset();
    VmOptions opt = fuzz_small_machine(quantum, (int64_t)max_steps);
    opt.exact = exact;
    static VM vm;
    vm_init(&vm, &opt);
    FILE *out = open_memstream(&o->out, &o->nout), *err = open_memstream(&o->err, &o->nerr);
    if (!out || !err)
        abort();
    vm.out = out;
    vm.err = err;
    char *argv[] = { "fuzz.kar", "arg" };
    o->status = vm_start(&vm, prog, 2, argv) ? -1 : vm_run(&vm);
    o->steps = vm.steps;
    o->ahead = vm.ahead_on;
    o->folds = vm.ahead_folds;
    vm_free(&vm);
    fclose(out);
    fclose(err);
}

static void show(const char *name, const Outcome *o)
{
    fprintf(stderr, "--- %s: status %d, %llu steps (engine %s, %llu processes hidden)\n"
                    "--- %s stdout (%zu bytes):\n%.*s\n--- %s stderr (%zu bytes):\n%.*s\n",
            name, o->status, (unsigned long long)o->steps, o->ahead ? "run-ahead" : "exact",
            (unsigned long long)o->folds, name, o->nout, (int)o->nout, o->out, name, o->nerr, (int)o->nerr, o->err);
}

/* Where two outputs first differ, to find it in long outputs. */
static size_t first_difference(const char *a, size_t na, const char *b, size_t nb)
{
    size_t i = 0;
    while (i < na && i < nb && a[i] == b[i])
        i++;
    return i;
}

static Program *assemble(const char *text, size_t len, bool report)
{
    char *msg = NULL;
    size_t nmsg = 0;
    FILE *diag = open_memstream(&msg, &nmsg);
    if (!diag)
        abort();
    AsmOptions aopt = { 0 };
    Program *prog = asm_assemble_source("fuzz.kar", text, len, &aopt, diag, NULL);
    fclose(diag);
    if (!prog && report) {
        fprintf(stderr, "fuzz_engines: the generator wrote a program that does not assemble:\n%.*s\n"
                        "--- the program:\n%.*s\n", (int)nmsg, msg, (int)len, text);
        abort();
    }
    free(msg);
    return prog;
}

static uint64_t inputs, ahead_runs, folding_runs, fallback_checks;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t quanta[] = { 1, 2, 3, 7, 1000 };
    Gen g = { .d = data, .n = size };
    int64_t quantum = quanta[pick(&g, 5)];
    uint64_t max_steps;
    switch (pick(&g, 8)) {
    case 0: case 1: case 2: case 3: max_steps = 20000; break;
    case 4: case 5: max_steps = 0; break;   /* every loop is bounded: the program ends */
    default: max_steps = 1 + (pick(&g, 256) << 8 | pick(&g, 256)) % 20000; break;
    }
    char *text = NULL;
    size_t len = 0;
    g.f = open_memstream(&text, &len);
    if (!g.f)
        abort();
    program(&g);
    fclose(g.f);

    bool showing = getenv("FUZZ_ENGINES_SHOW") != NULL;
    if (showing)   /* before the runs too: a run that hangs shows its program */
        fprintf(stderr, "fuzz_engines: quantum %lld, max_steps %llu; the program:\n%.*s\n", (long long)quantum,
                (unsigned long long)max_steps, (int)len, text);

    /* Each run gets its own Program, so that nothing one engine keeps in it can reach the other. */
    Program *pa = assemble(text, len, true), *pb = assemble(text, len, true);
    Outcome a = { 0 }, b = { 0 };
    run(pa, quantum, max_steps, true, &a);
    run(pb, quantum, max_steps, false, &b);
    /* The engine is not to run a machine that can sleep, load programs or share memory
     * (ahead_possible, docs/engine.md): such a program takes the exact engine whole. */
    bool fell_back = !g.exact_only || !b.ahead;
    bool same = a.status == b.status && a.steps == b.steps && a.nout == b.nout &&
                memcmp(a.out, b.out, a.nout) == 0 && a.nerr == b.nerr && memcmp(a.err, b.err, a.nerr) == 0;
    if (!same || a.ahead || !fell_back || showing) {
        bool past = max_steps && (a.steps > max_steps || b.steps > max_steps);
        fprintf(stderr, "fuzz_engines: %s%s%s%s\n--- quantum %lld, max_steps %llu; the program:\n%.*s\n",
                !same ? "the engines differ" : "", a.ahead ? "; the exact run used the run-ahead engine" : "",
                !fell_back ? "; the run-ahead engine ran a program that can SLEEP, exec, spawn or share_m" : "",
                past ? "; a run went past max_steps" : "",
                (long long)quantum, (unsigned long long)max_steps, (int)len, text);
        show("exact", &a);
        show("run-ahead", &b);
        if (!same) {
            fprintf(stderr, "--- first difference: stdout at byte %zu, stderr at byte %zu\n",
                    first_difference(a.out, a.nout, b.out, b.nout), first_difference(a.err, a.nerr, b.err, b.nerr));
        }
        if (!same || a.ahead || !fell_back)
            abort();
    }
    inputs++;
    ahead_runs += b.ahead;
    folding_runs += b.folds > 0;
    fallback_checks += g.exact_only;
    if (inputs >= 1024 && (inputs & (inputs - 1)) == 0)
        fprintf(stderr, "fuzz_engines: %llu inputs: run-ahead engine in %llu, hiding processes in %llu; "
                        "%llu programs that must fall back to the exact engine\n",
                (unsigned long long)inputs, (unsigned long long)ahead_runs, (unsigned long long)folding_runs,
                (unsigned long long)fallback_checks);
    free(a.out); free(a.err); free(b.out); free(b.err);
    program_release(pa);
    program_release(pb);
    free(text);
    return 0;
}
