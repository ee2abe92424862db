/*
 * trace.c - the --trace printer (trace.h; format in docs/command-line.md).
 *
 *   [trace]       12  PID     3  prog.kar:7                ADD G1 1 G1                 G1=42
 *   [event]       12  PID     3  fork: child PID 4
 *
 * Fixed-width columns (global instruction number, PID, program:line, the statement) keep
 * a trace of a thousand processes readable and sortable; events are marked [event].
 * The number of an instruction line counts that instruction; an event's number is the
 * count of instructions executed when it happened.
 *
 * What an instruction wrote is found by comparing the registers with a copy taken before
 * it ran (flags only when nothing else changed), plus the word a STORE or arraySet wrote,
 * the word a PUSH added, and the block a STR or a system call filled (a string, an array,
 * an allocated block: its first words). Events that happen while an instruction's line is pending (a fork inside
 * its SYSCALL) are queued behind it, so lines stay in the order things happened.
 */
#include "trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../host/safetext.h"
#include "../vm/errors.h"
#include "../vm/fmt.h"
#include "dump.h"
#include "../tables/syscall_table.h"

#define TEXT_SHOWN 60          /* characters of a statement shown (a STR literal can be huge) */
#define LINE_MAX_BYTES 1024
#define BLOCK_SHOWN 24         /* characters of a string, or words of an array, shown */

/* A block of memory an instruction filled, and how to show it. */
typedef enum BlockKind { BLOCK_NONE, BLOCK_STRING, BLOCK_ARRAY, BLOCK_WORDS } BlockKind;

typedef struct Tracer {
    int64_t  only_pid;         /* --trace=PID, 0 = all */
    int64_t  last_pid;         /* the process that ran the last instruction (switch events) */
    /* The instruction whose line is pending. */
    bool     pending;
    const Proc *p;             /* NULL once its "wrote" text is settled */
    int64_t  before[REG_COUNT];
    uint8_t  type_before[REG_COUNT];
    uint32_t sp;
    bool     store;
    int64_t  store_addr;
    BlockKind block;           /* a block at the address in register block_reg ... */
    int      block_reg;
    int64_t  block_words;      /* ... (BLOCK_WORDS: this many) */
    bool     block_syscall;    /* ... only when the system call succeeded */
    char     line[LINE_MAX_BYTES];   /* everything but what it wrote */
    char     wrote[LINE_MAX_BYTES];
    /* Events held back behind the pending line. */
    char    *queue;
    size_t   qlen, qcap;
    char     errbuf[1 << 16];  /* stderr's buffer while tracing (one write per many lines) */
} Tracer;

int trace_start(VM *vm, int64_t only_pid)
{
    Tracer *t = calloc(1, sizeof *t);
    if (!t)
        return -1;
    t->only_pid = only_pid;
    /* Unbuffered stderr would cost a write(2) per line. Fully buffered into files and
     * pipes; line-buffered on a terminal, where a person watches it scroll. */
    setvbuf(vm->err, t->errbuf, isatty(fileno(vm->err)) ? _IOLBF : _IOFBF, sizeof t->errbuf);
    vm->tracer = t;
    return 0;
}

/* Append one finished line to the queue (events behind a pending instruction). */
static void enqueue(Tracer *t, const char *s, size_t n)
{
    if (t->qlen + n > t->qcap) {
        size_t cap = t->qcap ? t->qcap * 2 : 4096;
        while (cap < t->qlen + n)
            cap *= 2;
        char *q = realloc(t->queue, cap);
        if (!q)
            return;   /* out of memory: the event is lost, the run goes on */
        t->queue = q;
        t->qcap = cap;
    }
    memcpy(t->queue + t->qlen, s, n);
    t->qlen += n;
}

/* Append " NAME=VALUE" to out for each register in [lo, hi) that changed, with
 * ":TYPE" when its type changed (SETTYPE). */
static size_t changed(const Tracer *t, const Proc *p, int lo, int hi, char *out, size_t cap, size_t n)
{
    char v[FMT_FLOAT_MAX];
    for (int r = lo; r < hi && n < cap; r++) {
        bool retyped = p->cpu.type[r] != t->type_before[r];
        if (p->cpu.reg[r] == t->before[r] && !retyped)
            continue;
        dump_reg_value(p, r, 0, v, sizeof v);
        int k = snprintf(out + n, cap - n, "%s%s=%s%s%s", n ? " " : "", dump_flag_name(r), v,
                         retyped ? ":" : "", retyped ? type_names[p->cpu.type[r]] : "");
        n += k > 0 ? (size_t)k : 0;
    }
    return n < cap ? n : cap - 1;
}

/* Append " [A..B]=..." for the block at addr: a string as text, an array as its count and
 * first elements, other words as they are. */
static size_t block_text(const Tracer *t, const Proc *p, int64_t addr, char *out, size_t cap, size_t n)
{
    Memory *m = (Memory *)&p->cpu.mem;
    int64_t w, len = 0, count = t->block_words;
    char text[BLOCK_SHOWN + 1], safe[4 * BLOCK_SHOWN + 8];
    if (t->block == BLOCK_STRING) {
        while (mem_read(m, addr + len, &w) == 0 && w != 0) {
            if (len < BLOCK_SHOWN)
                text[len] = (char)(w & 0xff);
            len++;
        }
        text[len < BLOCK_SHOWN ? len : BLOCK_SHOWN] = 0;
        safe_text(safe, sizeof safe, text);
        char quoted[2 * sizeof safe], *q = quoted;   /* and \" for a quote inside */
        for (const char *c = safe; *c; c++) {
            if (*c == '"')
                *q++ = '\\';
            *q++ = *c;
        }
        *q = 0;
        int k = snprintf(out + n, cap - n, " [%" PRId64 "..%" PRId64 "]=\"%s%s\"", addr, addr + len, quoted,
                         len > BLOCK_SHOWN ? "..." : "");
        return n + (k > 0 ? (size_t)k : 0);
    }
    if (t->block == BLOCK_ARRAY && mem_read(m, addr, &count) == 0)
        count++;   /* the count word, then the elements */
    int k = snprintf(out + n, cap - n, " [%" PRId64 "..%" PRId64 "]=", addr, addr + count - 1);
    n += k > 0 ? (size_t)k : 0;
    for (int64_t i = 0; i < count && i < BLOCK_SHOWN / 3 && n < cap; i++) {
        if (mem_read(m, addr + i, &w) != 0)
            break;
        k = snprintf(out + n, cap - n, "%s%" PRId64, i ? "," : "", w);
        n += k > 0 ? (size_t)k : 0;
    }
    if (count > BLOCK_SHOWN / 3 && n < cap)
        n += (size_t)snprintf(out + n, cap - n, ",...");
    return n;
}

/* Settle what the pending instruction wrote, reading p as it is now. */
static void settle(Tracer *t)
{
    const Proc *p = t->p;
    if (!p)
        return;
    t->p = NULL;
    size_t cap = sizeof t->wrote, n = changed(t, p, 0, REG_I1, t->wrote, cap, 0);
    int64_t w;
    if (t->store && (!t->block_syscall || p->cpu.reg[REG_I1 + 4] == 1) &&
        mem_read((Memory *)&p->cpu.mem, t->store_addr, &w) == 0)
        n += (size_t)snprintf(t->wrote + n, cap - n, "%s[%" PRId64 "]=%" PRId64, n ? " " : "", t->store_addr, w);
    else if (t->block && (!t->block_syscall || p->cpu.reg[REG_I1 + 4] == 1) && n < cap)
        n = block_text(t, p, p->cpu.reg[t->block_reg], t->wrote, cap, n);
    else if (p->cpu.sp == t->sp + 1 && n < cap)
        n += (size_t)snprintf(t->wrote + n, cap - n, "%spush %" PRId64, n ? " " : "", p->cpu.stack[p->cpu.sp - 1]);
    if (n == 0)   /* only flags changed (a comparison that left R4 as it was, say) */
        n = changed(t, p, REG_I1, REG_ZERO, t->wrote, cap, 0);
    t->wrote[n < cap ? n : cap - 1] = 0;
}

void trace_flush(VM *vm)
{
    Tracer *t = vm->tracer;
    if (!t)
        return;
    if (t->pending) {
        settle(t);
        if (t->wrote[0]) {
            fprintf(vm->err, "%s  %s\n", t->line, t->wrote);
        } else {   /* nothing written: no trailing blanks after the padded statement */
            size_t n = strlen(t->line);
            while (n > 0 && t->line[n - 1] == ' ')
                n--;
            fprintf(vm->err, "%.*s\n", (int)n, t->line);
        }
        t->pending = false;
    }
    if (t->qlen) {
        fwrite(t->queue, 1, t->qlen, vm->err);
        t->qlen = 0;
    }
}

/* Program output made so far goes out before the trace lines written after it. */
static void keep_order(VM *vm)
{
    if (__fpending(vm->out) > 0) {
        fflush(vm->err);
        fflush(vm->out);
    }
}

/* Before in runs: the block it will fill, if any (settle shows it). */
static void note_block(Tracer *t, const Proc *p, const Instr *in)
{
    t->block = BLOCK_NONE;
    t->block_syscall = in->op == OP_SYSCALL;
    t->block_reg = REG_R2;
    if (in->op == OP_STR) {
        t->block = BLOCK_STRING;
        t->block_reg = in->a;
        return;
    }
    if (in->op != OP_SYSCALL)
        return;
    switch (p->cpu.reg[REG_S1]) {
    case SYS_READIO: case SYS_READFILE:
        t->block = BLOCK_STRING;
        break;
    case SYS_LISTFILES: case SYS_FILEINFO: case SYS_CREATEARRAY: case SYS_LISTPROCESSES:
        t->block = BLOCK_ARRAY;
        break;
    case SYS_ALLOC:
        t->block = BLOCK_WORDS;
        t->block_words = p->cpu.reg[REG_S2] > 0 ? p->cpu.reg[REG_S2] : 0;
        break;
    case SYS_ARRAYSET:   /* one word: array + 1 + index (the call checks the bounds) */
        t->store = true;
        t->store_addr = (int64_t)((uint64_t)p->cpu.reg[REG_S2] + 1 + (uint64_t)p->cpu.reg[REG_S3]);
        break;
    }
}

void trace_step(VM *vm, Proc *p, uint32_t pc)
{
    Tracer *t = vm->tracer;
    trace_flush(vm);
    keep_order(vm);
    if (p->pid != t->last_pid) {
        if (t->last_pid)
            trace_event(vm, p->pid, t->last_pid, "switch from PID %" PRId64, t->last_pid);
        t->last_pid = p->pid;
    }
    const Program *prog = p->cpu.prog;
    if ((t->only_pid && p->pid != t->only_pid) || prog->code[pc].op == OP_END)
        return;   /* another process, or a process about to end: not an instruction */
    char where[300], text[TEXT_SHOWN + 8];
    dump_where(prog, pc, where, sizeof where);
    safe_text(text, TEXT_SHOWN + 1, program_text(prog, pc));
    if (strlen(text) == TEXT_SHOWN)
        strcpy(text + TEXT_SHOWN - 3, "...");
    snprintf(t->line, sizeof t->line, "[trace] %9" PRIu64 "  PID %5" PRId64 "  %-24s  %-28s",
             vm->steps + 1, p->pid, where, text);
    memcpy(t->before, p->cpu.reg, sizeof t->before);
    memcpy(t->type_before, p->cpu.type, sizeof t->type_before);
    t->sp = p->cpu.sp;
    const Instr *in = &prog->code[pc];
    t->store = in->op == OP_STORE;
    if (t->store)
        t->store_addr = (int64_t)((uint64_t)(p->cpu.reg[in->b] + in->imm[1]) + (uint64_t)(p->cpu.reg[in->c] + in->imm[2]));
    note_block(t, p, in);
    t->wrote[0] = 0;
    t->p = p;
    t->pending = true;
}

void trace_event(VM *vm, int64_t pid, int64_t other, const char *fmt, ...)
{
    Tracer *t = vm->tracer;
    if (!t || (t->only_pid && pid != t->only_pid && other != t->only_pid))
        return;
    char buf[LINE_MAX_BYTES];
    int n = snprintf(buf, sizeof buf, "[event] %9" PRIu64 "  PID %5" PRId64 "  ", vm->steps, pid);
    va_list ap;
    va_start(ap, fmt);
    n += vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if ((size_t)n > sizeof buf - 2)
        n = (int)sizeof buf - 2;
    buf[n++] = '\n';
    if (t->pending) {
        enqueue(t, buf, (size_t)n);
    } else {
        keep_order(vm);
        fwrite(buf, 1, (size_t)n, vm->err);
    }
}

void trace_fault(VM *vm, Proc *p, int code)
{
    Tracer *t = vm->tracer;
    if (t->pending && t->p == p) {
        t->p = NULL;   /* the faulting instruction wrote nothing */
        snprintf(t->wrote, sizeof t->wrote, "fault: %s (%d)", error_name(code), code);
    }
    trace_flush(vm);
    keep_order(vm);
}

void trace_ending(VM *vm, Proc *p)
{
    Tracer *t = vm->tracer;
    if (t->pending && t->p == p)
        settle(t);
}

const char *trace_safe(const char *path)
{
    static char shown[300];
    return safe_text(shown, sizeof shown, path);
}

void trace_stop(VM *vm)
{
    Tracer *t = vm->tracer;
    if (!t)
        return;
    trace_flush(vm);
    fflush(vm->err);
    setvbuf(vm->err, NULL, _IONBF, 0);   /* the buffer goes with t */
    free(t->queue);
    free(t);
    vm->tracer = NULL;
}
