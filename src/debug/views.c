/*
 * views.c - what the debugger shows: registers, memory, stacks, call stacks, processes,
 * mailboxes, semaphores, source, stops (engine.h).
 *
 * Each view is built once, as a cJSON object with a "view" member naming it, from the
 * machine as it stands; dbg_print_view turns any of them into text. So the command line
 * and a JSON front end (the browser playground) show the same facts by construction.
 * JSON numbers are doubles: values beyond 2^53 lose their low bits there (the text view
 * prints them whole, from the "bits" string kept beside each register).
 */
#include "engine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/mailbox.h"
#include "../kernel/sched.h"
#include "../kernel/semaphore.h"
#include "../vm/memory.h"


static cJSON *new_view(const char *name)
{
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "view", name);
    return v;
}

/* The process a view is about: pid, or the one that runs next when pid is 0. */
static Proc *view_proc(DbgEngine *e, int64_t pid, char *msg, size_t msglen)
{
    Proc *p = pid ? proc_find(dbg_machine(e), pid) : dbg_next_process(e);
    if (!p || p->state == PROC_EXITED || !p->cpu.prog) {
        if (pid)
            snprintf(msg, msglen, "no live process %" PRId64, pid);
        else
            snprintf(msg, msglen, "no process runs next (the machine has ended)");
        return NULL;
    }
    return p;
}

/* A register's value as text, in its type (integers in decimal, floats shortest-ish). */
static void value_text(int64_t bits, int type, char *buf, size_t n)
{
    if (type == TYPE_DOUBLE) {
        double d;
        memcpy(&d, &bits, sizeof d);
        snprintf(buf, n, "%.17g", d);
    } else if (type == TYPE_FLOAT) {
        uint32_t lo = (uint32_t)bits;
        float f;
        memcpy(&f, &lo, sizeof f);
        snprintf(buf, n, "%.9g", (double)f);
    } else {
        snprintf(buf, n, "%" PRId64, bits);
    }
}

static cJSON *register_json(const Proc *p, int r, uint32_t pc)
{
    cJSON *o = cJSON_CreateObject();
    int64_t bits = r == REG_PC ? (int64_t)proc_line(p, pc) : p->cpu.reg[r];
    char text[40];
    value_text(bits, p->cpu.type[r], text, sizeof text);
    cJSON_AddStringToObject(o, "name", reg_name(r));
    cJSON_AddStringToObject(o, "type", type_names[p->cpu.type[r]]);
    cJSON_AddStringToObject(o, "value", text);
    if (reg_flag_name(r))
        cJSON_AddStringToObject(o, "flag", reg_flag_name(r));
    return o;
}

cJSON *dbg_view_regs(DbgEngine *e, int64_t pid, char *msg, size_t msglen)
{
    /* A zombie keeps its registers (a fault's aftermath): those can still be shown. */
    Proc *p = pid ? proc_find(dbg_machine(e), pid) : NULL;
    if (!p || p->cpu.prog)
        p = view_proc(e, pid, msg, msglen);
    if (!p)
        return NULL;
    cJSON *v = new_view("regs"), *list = cJSON_CreateArray();
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    uint32_t pc = p->cpu.prog ? dbg_next_pc(p) : 0;
    for (int r = 0; r < REG_ZERO; r++)
        cJSON_AddItemToArray(list, register_json(p, r, pc));
    cJSON_AddItemToObject(v, "registers", list);
    return v;
}

/* A 64-bit word as a JSON string of decimal digits: JSON numbers are doubles, which
 * would lose the low bits of words beyond 2^53. */
static cJSON *word_value(int64_t w)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, w);
    return cJSON_CreateString(text);
}

/* One memory word of p as {"addr", "value"}, or {"addr", "error"} when unreadable. */
static cJSON *word_json(Proc *p, int64_t addr)
{
    int64_t w;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "addr", (double)addr);
    if (mem_read(&p->cpu.mem, addr, &w) == 0)
        cJSON_AddItemToObject(o, "value", word_value(w));
    else
        cJSON_AddStringToObject(o, "error", "not readable");
    return o;
}

cJSON *dbg_view_print(DbgEngine *e, const char *what, int64_t pid, char *msg, size_t msglen)
{
    Proc *p = view_proc(e, pid, msg, msglen);
    if (!p)
        return NULL;
    cJSON *v = new_view("print");
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    size_t n = strlen(what);
    if (what[0] == '[' && n > 2 && what[n - 1] == ']') {
        char *end;
        int64_t addr = (int64_t)strtoll(what + 1, &end, 0);
        if (end != what + n - 1) {
            snprintf(msg, msglen, "print [ADDR]: the address must be a whole number");
            cJSON_Delete(v);
            return NULL;
        }
        cJSON *list = cJSON_AddArrayToObject(v, "words");
        cJSON_AddItemToArray(list, word_json(p, addr));
        return v;
    }
    int r = reg_lookup(what, (int)n);
    if (r < 0 || r >= REG_ZERO) {
        snprintf(msg, msglen, "print: '%s' is neither a register nor [ADDR]", what);
        cJSON_Delete(v);
        return NULL;
    }
    cJSON *list = cJSON_AddArrayToObject(v, "registers");
    cJSON_AddItemToArray(list, register_json(p, r, dbg_next_pc(p)));
    return v;
}

cJSON *dbg_view_mem(DbgEngine *e, int64_t a, int64_t b, int64_t pid, char *msg, size_t msglen)
{
    Proc *p = view_proc(e, pid, msg, msglen);
    if (!p)
        return NULL;
    if (b < a || b - a >= 4096) {
        snprintf(msg, msglen, "mem A B: B must be at least A and at most A + 4095");
        return NULL;
    }
    cJSON *v = new_view("mem"), *list = cJSON_CreateArray();
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    for (int64_t addr = a; addr <= b; addr++)
        cJSON_AddItemToArray(list, word_json(p, addr));
    cJSON_AddItemToObject(v, "words", list);
    return v;
}

cJSON *dbg_view_stack(DbgEngine *e, int64_t pid, char *msg, size_t msglen)
{
    Proc *p = view_proc(e, pid, msg, msglen);
    if (!p)
        return NULL;
    cJSON *v = new_view("stack"), *list = cJSON_CreateArray();
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    for (uint32_t i = 0; i < p->cpu.sp; i++)
        cJSON_AddItemToArray(list, word_value(p->cpu.stack[i]));
    cJSON_AddItemToObject(v, "stack", list);   /* bottom first */
    return v;
}

/* A place in a program: file, line, instruction text. */
static cJSON *place_json(const Program *pr, uint32_t pc)
{
    cJSON *o = cJSON_CreateObject();
    if (pc >= pr->ncode)
        return o;
    const InstrInfo *in = &pr->info[pc];
    cJSON_AddStringToObject(o, "file", pr->units[in->unit].path);
    cJSON_AddStringToObject(o, "function", pr->units[in->unit].name);
    cJSON_AddNumberToObject(o, "line", in->line);
    cJSON_AddStringToObject(o, "text", pr->code[pc].op == OP_END ? "(end)" : program_text(pr, pc));
    return o;
}

/* What a signal frame saved: the signal and the registers that were not zero. */
static void add_context(cJSON *f, const SigContext *c)
{
    cJSON_AddStringToObject(f, "signal", c->sig <= SIG_MAX && signal_info[c->sig].name ? signal_info[c->sig].name : "?");
    cJSON *regs = cJSON_AddObjectToObject(f, "saved");
    for (int r = 0; r < REG_ZERO; r++)
        if (c->reg[r] && r != REG_PC)
            cJSON_AddNumberToObject(regs, reg_name(r), (double)c->reg[r]);
}

cJSON *dbg_view_bt(DbgEngine *e, int64_t pid, char *msg, size_t msglen)
{
    Proc *p = view_proc(e, pid, msg, msglen);
    if (!p)
        return NULL;
    static const char *const kinds[] = { "call", "library", "signal" };
    cJSON *v = new_view("bt"), *list = cJSON_CreateArray();
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    cJSON *top = place_json(p->cpu.prog, dbg_next_pc(p));
    cJSON_AddStringToObject(top, "kind", "now");
    cJSON_AddItemToArray(list, top);
    uint32_t nsig = p->nctx;
    for (uint32_t k = p->cpu.fp; k-- > 0; ) {
        const Frame *fr = &p->cpu.frames[k];
        /* A frame returns to ret; the call it returns from stands just before, except
         * for a signal frame, whose ret is the interrupted instruction itself. */
        uint32_t at = fr->kind == FRAME_SIGNAL || fr->ret == 0 ? fr->ret : fr->ret - 1;
        cJSON *f = place_json(p->cpu.prog, at);
        cJSON_AddStringToObject(f, "kind", kinds[fr->kind < 3 ? fr->kind : 0]);
        if (fr->kind == FRAME_SIGNAL && nsig > 0)
            add_context(f, &p->ctx[--nsig]);
        cJSON_AddItemToArray(list, f);
    }
    cJSON_AddItemToObject(v, "frames", list);
    return v;
}

static void add_pending(cJSON *o, uint32_t pending)
{
    cJSON *list = cJSON_AddArrayToObject(o, "pending");
    for (int s = 1; s <= SIG_MAX; s++)
        if (pending & (1u << s) && signal_info[s].name)
            cJSON_AddItemToArray(list, cJSON_CreateString(signal_info[s].name));
}

cJSON *dbg_view_ps(DbgEngine *e)
{
    VM *vm = dbg_machine(e);
    Proc *next = dbg_next_process(e);
    /* Queue levels mean something only under mlfq (SPEC 11.1); nice under every policy
     * (setPriority sets it and fork inherits it whatever the policy). */
    bool levels = vm->policy == &sched_mlfq;
    cJSON *v = new_view("ps"), *list = cJSON_CreateArray();
    cJSON_AddStringToObject(v, "scheduler", vm->policy->name);
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (!p)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "pid", (double)p->pid);
        cJSON_AddNumberToObject(o, "parent", p->parent ? (double)p->parent->pid : 0);
        cJSON_AddStringToObject(o, "state", proc_state_name[p->state]);
        cJSON_AddNumberToObject(o, "nice", p->nice);
        if (levels && p->state != PROC_EXITED)   /* a zombie is in no queue */
            cJSON_AddNumberToObject(o, "queue", p->level);
        cJSON_AddBoolToObject(o, "next", p == next);
        if (p->cpu.prog) {
            cJSON_AddStringToObject(o, "program", p->cpu.prog->path);
            cJSON_AddNumberToObject(o, "line", proc_line(p, dbg_next_pc(p)));
        } else {
            cJSON_AddNumberToObject(o, "exit_code", (double)p->exit_code);
        }
        cJSON_AddNumberToObject(o, "instructions", (double)p->cpu.icount);
        add_pending(o, p->pending);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddItemToObject(v, "processes", list);
    return v;
}

cJSON *dbg_view_mailboxes(DbgEngine *e)
{
    VM *vm = dbg_machine(e);
    cJSON *v = new_view("mailboxes"), *list = cJSON_CreateArray();
    for (uint64_t i = 0; i < vm->nmailboxes; i++) {
        const Mailbox *m = vm->mailboxes[i];
        if (!m)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)m->id);
        for (int k = 0; k < 2; k++) {
            cJSON *end = cJSON_CreateObject();
            cJSON_AddNumberToObject(end, "pid", (double)m->pid[k]);
            cJSON_AddBoolToObject(end, "ended", m->ended[k]);
            cJSON *q = cJSON_AddArrayToObject(end, "queued");   /* oldest first */
            for (uint32_t j = 0; j < m->q[k].count; j++)
                cJSON_AddItemToArray(q, word_value(m->q[k].buf[(m->q[k].head + j) % m->q[k].cap]));
            cJSON_AddItemToObject(o, k ? "b" : "a", end);
        }
        cJSON_AddBoolToObject(o, "closed", m->closed);
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddItemToObject(v, "mailboxes", list);
    return v;
}

cJSON *dbg_view_sems(DbgEngine *e)
{
    VM *vm = dbg_machine(e);
    cJSON *v = new_view("sems"), *list = cJSON_CreateArray();
    for (size_t i = 0; i < vm->nsems; i++) {   /* increasing ids; closed ones are holes */
        const Semaphore *s = &vm->sems[i];
        if (s->value == SEM_CLOSED)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)s->id);
        cJSON_AddItemToObject(o, "value", word_value(s->value));
        cJSON_AddItemToArray(list, o);
    }
    cJSON_AddItemToObject(v, "semaphores", list);
    return v;
}

cJSON *dbg_view_where(DbgEngine *e, int context)
{
    cJSON *v = new_view("where");
    Proc *p = dbg_next_process(e);
    if (!p || !p->cpu.prog)
        return v;
    uint32_t pc = dbg_next_pc(p);
    const Program *pr = p->cpu.prog;
    const char *path = pr->units[pr->info[pc].unit].path;
    uint32_t line = pr->info[pc].line;
    cJSON_AddNumberToObject(v, "pid", (double)p->pid);
    cJSON_AddStringToObject(v, "file", path);
    cJSON_AddNumberToObject(v, "line", line);
    cJSON *list = cJSON_AddArrayToObject(v, "lines");
    FILE *f = fopen(path, "r");
    char buf[1024];
    for (uint32_t n = 1; f && fgets(buf, sizeof buf, f) && n <= line + (uint32_t)context; n++) {
        if (n + (uint32_t)context < line)
            continue;
        buf[strcspn(buf, "\r\n")] = 0;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line", n);
        cJSON_AddStringToObject(o, "text", buf);
        cJSON_AddItemToArray(list, o);
    }
    if (f)
        fclose(f);
    else   /* a library file embedded in mvm: show the instruction only */
        cJSON_AddStringToObject(v, "text", pr->code[pc].op == OP_END ? "(end)" : program_text(pr, pc));
    return v;
}

cJSON *dbg_view_stop(const DbgStop *st)
{
    static const char *const events[] = { "stepped", "breakpoint", "watch", "ended", "start", "no-hit",
                                          "failed", "fault", "interrupted" };
    cJSON *v = new_view("stop");
    cJSON_AddStringToObject(v, "event", events[st->event]);
    cJSON_AddNumberToObject(v, "steps", (double)st->steps);
    if (st->pid) {
        cJSON_AddNumberToObject(v, "pid", (double)st->pid);
        cJSON_AddStringToObject(v, "file", st->file);
        cJSON_AddNumberToObject(v, "line", st->line);
        cJSON_AddStringToObject(v, "text", st->text);
    }
    if (st->event == DBG_BREAKPOINT || st->event == DBG_WATCH)
        cJSON_AddNumberToObject(v, "id", st->bp);
    if (st->event == DBG_WATCH) {
        cJSON_AddNumberToObject(v, "addr", (double)st->watch_addr);
        cJSON_AddNumberToObject(v, "of", (double)st->watch_pid);
        cJSON_AddItemToObject(v, "old", word_value(st->old_value));
        cJSON_AddItemToObject(v, "new", word_value(st->new_value));
        cJSON_AddNumberToObject(v, "writer", (double)st->writer);
    }
    if (st->event == DBG_ENDED)
        cJSON_AddNumberToObject(v, "status", st->status);
    if (st->event == DBG_FAULT) {
        cJSON_AddNumberToObject(v, "faulted", (double)st->fault_pid);
        cJSON_AddBoolToObject(v, "ended", st->pid == 0);
        cJSON_AddNumberToObject(v, "status", st->status);
    }
    return v;
}

/* ---------------------------------------------------------------- text */

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(i) ? i->valuestring : "";
}

/* A small number of a view (a PID, a line, a count), read back. */
static int64_t num(const cJSON *o, const char *k)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(i) || !(i->valuedouble > -9e18 && i->valuedouble < 9e18))
        return 0;
    return (int64_t)i->valuedouble;
}

static bool has(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k) != NULL; }

static void print_place(const cJSON *o, FILE *f)
{
    fprintf(f, "%s:%" PRId64 ": %s", str(o, "file"), num(o, "line"), str(o, "text"));
}

static void print_registers(const cJSON *v, FILE *f)
{
    const cJSON *r;
    int col = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(v, "registers")) {
        const char *flag = str(r, "flag");
        if (*flag)
            fprintf(f, "%s%s(%s)=%s", col++ ? " " : "", str(r, "name"), flag, str(r, "value"));
        else
            fprintf(f, "%s%s=%s %s", col++ ? "  " : "", str(r, "name"), str(r, "value"), str(r, "type"));
        if (col == 5 || (r->next && *str(r->next, "flag") && !*flag)) {
            fputc('\n', f);
            col = 0;
        }
    }
    if (col)
        fputc('\n', f);
}

static void print_words(const cJSON *v, FILE *f)
{
    const cJSON *w;
    cJSON_ArrayForEach(w, cJSON_GetObjectItem(v, "words")) {
        if (has(w, "error"))
            fprintf(f, "[%" PRId64 "] %s\n", num(w, "addr"), str(w, "error"));
        else
            fprintf(f, "[%" PRId64 "] = %s\n", num(w, "addr"), str(w, "value"));
    }
}

static void print_bt(const cJSON *v, FILE *f)
{
    const cJSON *fr;
    int k = 0;
    cJSON_ArrayForEach(fr, cJSON_GetObjectItem(v, "frames")) {
        fprintf(f, "#%d %-7s ", k++, str(fr, "kind"));
        print_place(fr, f);
        if (has(fr, "signal")) {
            fprintf(f, "  [handler for %s; saved:", str(fr, "signal"));
            const cJSON *r;
            cJSON_ArrayForEach(r, cJSON_GetObjectItem(fr, "saved"))
                fprintf(f, " %s=%" PRId64, r->string, (int64_t)r->valuedouble);
            fprintf(f, "]");
        }
        fputc('\n', f);
    }
}

/* The QUEUE column is there only under mlfq, so the other policies' tables keep the
 * columns they always had. */
static void print_ps(const cJSON *v, FILE *f)
{
    const cJSON *p, *s;
    bool levels = strcmp(str(v, "scheduler"), "mlfq") == 0;
    fprintf(f, "  PID PARENT STATE     NICE %sINSTRUCTIONS LINE  PROGRAM  PENDING\n", levels ? "QUEUE " : "");
    cJSON_ArrayForEach(p, cJSON_GetObjectItem(v, "processes")) {
        fprintf(f, "%c%4" PRId64 " %6" PRId64 " %-9s %4" PRId64 " ", cJSON_IsTrue(cJSON_GetObjectItem(p, "next")) ? '>' : ' ',
                num(p, "pid"), num(p, "parent"), str(p, "state"), num(p, "nice"));
        if (levels && has(p, "queue"))
            fprintf(f, "%5" PRId64 " ", num(p, "queue"));
        else if (levels)
            fprintf(f, "%5s ", "-");
        fprintf(f, "%12" PRId64 " %-5" PRId64 " %s", num(p, "instructions"), num(p, "line"),
                *str(p, "program") ? str(p, "program") : "-");
        cJSON_ArrayForEach(s, cJSON_GetObjectItem(p, "pending"))
            fprintf(f, " %s", s->valuestring);
        fputc('\n', f);
    }
}

static void print_mailboxes(const cJSON *v, FILE *f)
{
    const cJSON *m, *q;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(v, "mailboxes")) {
        fprintf(f, "mailbox %" PRId64 "%s:", num(m, "id"), cJSON_IsTrue(cJSON_GetObjectItem(m, "closed")) ? " (closed)" : "");
        for (int k = 0; k < 2; k++) {
            const cJSON *end = cJSON_GetObjectItem(m, k ? "b" : "a");
            fprintf(f, "%s PID %" PRId64 "%s has [", k ? ";" : "", num(end, "pid"),
                    cJSON_IsTrue(cJSON_GetObjectItem(end, "ended")) ? " (ended)" : "");
            int n = 0;
            cJSON_ArrayForEach(q, cJSON_GetObjectItem(end, "queued"))
                fprintf(f, "%s%s", n++ ? " " : "", cJSON_GetStringValue(q));
            fprintf(f, "]");
        }
        fputc('\n', f);
    }
}

static void print_sems(const cJSON *v, FILE *f)
{
    const cJSON *s;
    if (cJSON_GetArraySize(cJSON_GetObjectItem(v, "semaphores")) == 0) {
        fprintf(f, "no semaphores\n");
        return;
    }
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(v, "semaphores"))
        fprintf(f, "semaphore %" PRId64 ": value %s\n", num(s, "id"), str(s, "value"));
}

static void print_where(const cJSON *v, FILE *f)
{
    const cJSON *l;
    int64_t at = num(v, "line");
    if (!has(v, "pid")) {
        fprintf(f, "the machine has ended\n");
        return;
    }
    cJSON_ArrayForEach(l, cJSON_GetObjectItem(v, "lines"))
        fprintf(f, "%s%4" PRId64 "  %s\n", num(l, "line") == at ? "=>" : "  ", num(l, "line"), str(l, "text"));
    if (has(v, "text"))
        fprintf(f, "=> %s:%" PRId64 ": %s\n", str(v, "file"), at, str(v, "text"));
}

static void print_stop(const cJSON *v, FILE *f)
{
    const char *ev = str(v, "event");
    if (strcmp(ev, "ended") == 0) {
        fprintf(f, "ended: status %" PRId64 " after %" PRId64 " instructions\n", num(v, "status"), num(v, "steps"));
        return;
    }
    if (strcmp(ev, "fault") == 0) {
        fprintf(f, "fault: PID %" PRId64 " ended by an unhandled fault (see above)", num(v, "faulted"));
        if (cJSON_IsTrue(cJSON_GetObjectItem(v, "ended"))) {
            fprintf(f, "; the machine ended with status %" PRId64 "\n", num(v, "status"));
            return;
        }
        fprintf(f, "; now ");
    }
    if (strcmp(ev, "breakpoint") == 0)
        fprintf(f, "breakpoint %" PRId64 ": ", num(v, "id"));
    else if (strcmp(ev, "watch") == 0)
        fprintf(f, "watch %" PRId64 ": [%" PRId64 "] of PID %" PRId64 " %s -> %s (by PID %" PRId64 "): ",
                num(v, "id"), num(v, "addr"), num(v, "of"), str(v, "old"), str(v, "new"), num(v, "writer"));
    else if (strcmp(ev, "start") == 0)
        fprintf(f, "at the start: ");
    else if (strcmp(ev, "no-hit") == 0)
        fprintf(f, "no earlier breakpoint or watch hit: ");
    else if (strcmp(ev, "failed") == 0)
        fprintf(f, "out of memory, not moved: ");
    else if (strcmp(ev, "interrupted") == 0)
        fprintf(f, "interrupted: ");
    if (!num(v, "pid")) {   /* every live process sleeps (or is paused) */
        fprintf(f, "[%" PRId64 "] no process can run now\n", num(v, "steps"));
        return;
    }
    fprintf(f, "[%" PRId64 "] PID %" PRId64 " ", num(v, "steps"), num(v, "pid"));
    print_place(v, f);
    fputc('\n', f);
}

void dbg_print_view(const cJSON *v, FILE *f)
{
    const char *name = str(v, "view");
    const cJSON *x;
    if (strcmp(name, "regs") == 0 || strcmp(name, "print") == 0) {
        if (strcmp(name, "regs") == 0)
            fprintf(f, "PID %" PRId64 " registers:\n", num(v, "pid"));
        print_registers(v, f);
        print_words(v, f);
    } else if (strcmp(name, "mem") == 0) {
        print_words(v, f);
    } else if (strcmp(name, "stack") == 0) {
        fprintf(f, "PID %" PRId64 " stack (%d words, bottom first):", num(v, "pid"),
                cJSON_GetArraySize(cJSON_GetObjectItem(v, "stack")));
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(v, "stack"))
            fprintf(f, " %s", cJSON_GetStringValue(x));
        fputc('\n', f);
    } else if (strcmp(name, "bt") == 0) {
        print_bt(v, f);
    } else if (strcmp(name, "ps") == 0) {
        print_ps(v, f);
    } else if (strcmp(name, "mailboxes") == 0) {
        if (cJSON_GetArraySize(cJSON_GetObjectItem(v, "mailboxes")) == 0)
            fprintf(f, "no mailboxes\n");
        print_mailboxes(v, f);
    } else if (strcmp(name, "sems") == 0) {
        print_sems(v, f);
    } else if (strcmp(name, "where") == 0) {
        print_where(v, f);
    } else if (strcmp(name, "breaks") == 0) {
        if (cJSON_GetArraySize(cJSON_GetObjectItem(v, "breaks")) == 0)
            fprintf(f, "no breakpoints or watches\n");
        cJSON_ArrayForEach(x, cJSON_GetObjectItem(v, "breaks"))
            fprintf(f, "%" PRId64 " %s %s (hit %" PRId64 " time%s)\n", num(x, "id"), str(x, "kind"),
                    str(x, "spec"), num(x, "hits"), num(x, "hits") == 1 ? "" : "s");
    } else if (strcmp(name, "stop") == 0) {
        print_stop(v, f);
    }
}
