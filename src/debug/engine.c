/*
 * engine.c - the debugger engine: running a machine under control, breakpoints, watches,
 * saved points and going back (engine.h, docs/debugger.md).
 *
 * How the machine is held: the real interpreter (vm_run) runs it, with vm->stop_at set to
 * where the engine wants it back; the interpreter folds that into its budget the way it
 * folds --max-steps, so a `continue` with nothing to watch runs at nearly full speed.
 * vm_run returns VM_PAUSED with the machine parked between two instructions, and goes on
 * exactly from there when called again.
 *
 * Breakpoints are written into the code (OP_BREAK over the instruction, which is kept in
 * a patch list) only while the machine runs, so the rest of the time — views, saved
 * points, which snapshot the programs — the code is as the assembler made it. A program
 * pays for a breakpoint only when it reaches the patched instruction.
 *
 * Watches need the value after every instruction: with a watch the engine moves one
 * instruction at a time (slower, but only then).
 */
#include "engine.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/clock.h"
#include "../kernel/host.h"
#include "../kernel/load_tape.h"
#include "../kernel/sched.h"
#include "../kernel/snapshot.h"
#include "../kernel/vfs_tape.h"
#include "../vm/memory.h"

typedef enum CondKind { COND_NONE, COND_REG, COND_MEM, COND_PID } CondKind;
typedef enum CondOp { OP_EQ_, OP_NE_, OP_LT_, OP_LE_, OP_GT_, OP_GE_ } CondOp;

typedef struct Cond {
    CondKind kind;
    int      reg;        /* COND_REG */
    int64_t  addr;       /* COND_MEM */
    CondOp   op;
    int64_t  value;
} Cond;

/* A breakpoint (line/label/fn) or a watch; they share the numbering. */
typedef struct Bp {
    int      id;
    bool     watch;
    bool     temporary;
    char    *spec;       /* as the user wrote it, for `info breaks` */
    char    *fn;         /* a module or library function (unit name), or NULL */
    uint32_t line;       /* else: a line of the main program */
    Cond     cond;
    uint64_t hits;
    int64_t  addr, pid;  /* watch: the word */
    bool     ok;         /* watch: the last value could be read */
    int64_t  value;      /* watch: the last value */
    const Program *cache_prog;   /* the last program its place was resolved in ... */
    uint32_t cache_pc;           /* ... and the place: a hit costs no string compare */
} Bp;

/* An instruction a breakpoint covers while the machine runs. The program is retained so
 * that an exit or exec during the run cannot free the code under the patch. */
typedef struct Patch {
    Program *prog;
    uint32_t pc;
    uint8_t  op;
} Patch;

/* A saved point: the machine at `steps`, and how far it had gone on each tape of what
 * came from outside (standard input, VFS calls, clock readings, program loads). */
typedef struct Saved {
    uint64_t steps;
    uint8_t *data;
    size_t   size;
    int64_t  now_ms;       /* the clock its sleep deadlines are counted from */
    uint64_t last_sleep_poll;   /* when the kernel last woke sleepers: the next look at
                                   the clock comes at the same instruction after a restore */
    size_t   input_pos;
    size_t   vfs_pos;      /* how many VFS calls it had made (vfs_tape.h) */
    size_t   clock_pos;    /* clock readings (clock.h) */
    size_t   load_pos;     /* program loads (load_tape.h) */
} Saved;

struct DbgEngine {
    VM       *vm;
    VmOptions opt;
    char     *main_path;
    FILE     *out, *err, *null;
    bool      ended;
    int       status;
    uint64_t  high;          /* most instructions the machine has ever run: output up to
                                here has been printed, and is not printed again */
    Bp       *bps;      size_t nbps, bps_cap;
    int       next_id;
    Patch    *patches;  size_t npatches, patches_cap;
    Saved    *saved;    size_t nsaved, saved_cap;
    size_t    saved_bytes, budget;
    uint64_t  interval;

    /* Breakpoint callback state, for one vm_run. */
    Proc     *skip_proc;     /* runs the instruction at skip_pc without stopping once */
    uint32_t  skip_pc;
    int       hit;           /* the breakpoint that stopped the machine, 0 if none */
    bool      counting;      /* rcontinue's survey: count hits, never stop */
    bool      armed;         /* breakpoints are patched in: arm them in programs loaded now */
    uint64_t  nhits, hits_to_pass, limit;
    int64_t   fault_pid;     /* the last stop was an unhandled fault of this PID */
};

static const char *const cond_ops[] = { "==", "!=", "<", "<=", ">", ">=" };

/* ---------------------------------------------------------------- positions */

uint32_t dbg_next_pc(const Proc *p)
{
    const Instr *code = p->cpu.prog->code;
    uint32_t pc = p->cpu.pc;
    for (uint32_t k = p->cpu.fp; k > 0 && code[pc].op == OP_END && code[pc].aux; k--)
        pc = p->cpu.frames[k - 1].ret;
    return pc;
}

VM *dbg_machine(DbgEngine *e) { return e->vm; }

Proc *dbg_next_process(DbgEngine *e)
{
    if (e->ended)
        return NULL;
    return e->vm->parked ? e->vm->parked : e->vm->head;
}

void dbg_where_now(DbgEngine *e, DbgStop *st)
{
    memset(st, 0, sizeof *st);
    st->event = e->ended ? DBG_ENDED : DBG_STEPPED;
    st->status = e->status;
    st->steps = e->vm->steps;
    Proc *p = dbg_next_process(e);
    if (!p || !p->cpu.prog)
        return;
    uint32_t pc = dbg_next_pc(p);
    const Program *pr = p->cpu.prog;
    st->pid = p->pid;
    st->file = pr->units[pr->info[pc].unit].path;
    st->line = pr->info[pc].line;
    st->text = pr->code[pc].op == OP_END ? "(end)" : program_text(pr, pc);
}

/* ---------------------------------------------------------------- conditions */

static bool read_word(VM *vm, int64_t pid, int64_t addr, int64_t *v)
{
    Proc *p = proc_find_live(vm, pid);
    return p && mem_read(&p->cpu.mem, addr, v) == 0;
}

static bool cond_holds(VM *vm, Proc *p, uint32_t pc, const Cond *c)
{
    int64_t v;
    switch (c->kind) {
    case COND_NONE: return true;
    case COND_PID:  v = p->pid; break;
    case COND_REG:  v = c->reg == REG_PC ? (int64_t)proc_line(p, pc) : p->cpu.reg[c->reg]; break;
    case COND_MEM:  if (mem_read(&p->cpu.mem, c->addr, &v) != 0) return false; break;
    default:        return false;
    }
    switch (c->op) {
    case OP_EQ_: return v == c->value;
    case OP_NE_: return v != c->value;
    case OP_LT_: return v < c->value;
    case OP_LE_: return v <= c->value;
    case OP_GT_: return v > c->value;
    case OP_GE_: return v >= c->value;
    }
    return false;
}

static bool parse_int(const char *s, int64_t *v)
{
    char *end;
    if (!*s)
        return false;
    *v = (int64_t)strtoll(s, &end, 0);
    return *end == 0;
}

/* "G1 == 10", "[2048] != 0", "PID >= 3". Returns NULL or what is wrong. */
static const char *parse_cond(char *text, Cond *c)
{
    char lhs[64], op[4], rhs[64];
    if (sscanf(text, " %63[^=!<> ] %3[=!<>] %63s", lhs, op, rhs) != 3)
        return "expected `if REG|[ADDR]|PID OP VALUE` (OP: == != < <= > >=)";
    c->op = (CondOp)-1;
    for (int i = 0; i < 6; i++)
        if (strcmp(op, cond_ops[i]) == 0)
            c->op = (CondOp)i;
    if ((int)c->op < 0)
        return "unknown comparison (use == != < <= > >=)";
    if (!parse_int(rhs, &c->value))
        return "the value must be a whole number";
    if (strcasecmp(lhs, "PID") == 0) {
        c->kind = COND_PID;
    } else if (lhs[0] == '[') {
        size_t n = strlen(lhs);
        if (n < 3 || lhs[n - 1] != ']')
            return "a memory word is written [ADDR]";
        lhs[n - 1] = 0;
        if (!parse_int(lhs + 1, &c->addr))
            return "the address must be a whole number";
        c->kind = COND_MEM;
    } else {
        c->reg = reg_lookup(lhs, (int)strlen(lhs));
        if (c->reg < 0 || c->reg >= REG_ZERO)
            return "unknown register";
        c->kind = COND_REG;
    }
    return NULL;
}

/* ---------------------------------------------------------------- resolving locations */

/* The line a label of the main program names, 0 when there is none. */
static uint32_t label_line(const Program *prog, const char *label)
{
    for (uint32_t i = 0; prog && i < prog->nlabels; i++)
        if (prog->labels[i].unit == 0 && strcmp(prog->labels[i].name, label) == 0)
            return prog->labels[i].line;
    return 0;
}

/* The instruction index bp names in prog, or UINT32_MAX when prog has no such place. */
static uint32_t bp_pc(const DbgEngine *e, const Bp *bp, const Program *prog)
{
    if (bp->fn) {
        for (uint32_t u = 1; u < prog->nunits; u++)
            if (strcmp(prog->units[u].name, bp->fn) == 0)
                return prog->units[u].first < prog->units[u].end ? prog->units[u].first : UINT32_MAX;
        return UINT32_MAX;
    }
    const Unit *m = &prog->units[0];
    if (strcmp(prog->path, e->main_path) != 0 || bp->line < 1 || bp->line > m->nlines)
        return UINT32_MAX;
    uint32_t pc = m->line_pc[bp->line];
    return pc < m->end ? pc : UINT32_MAX;
}

static Program *main_program(DbgEngine *e)
{
    VM *vm = e->vm;
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (p && p->cpu.prog && strcmp(p->cpu.prog->path, e->main_path) == 0)
            return p->cpu.prog;
    }
    return NULL;
}

static Bp *add_bp(DbgEngine *e)
{
    if (e->nbps == e->bps_cap) {
        size_t cap = e->bps_cap ? e->bps_cap * 2 : 8;
        Bp *b = realloc(e->bps, cap * sizeof *b);
        if (!b)
            return NULL;
        e->bps = b;
        e->bps_cap = cap;
    }
    Bp *bp = &e->bps[e->nbps++];
    memset(bp, 0, sizeof *bp);
    bp->id = ++e->next_id;
    return bp;
}

/* Fill bp's place from `where` (LINE, LABEL or module.fn). NULL or what is wrong. */
static const char *resolve_place(DbgEngine *e, Bp *bp, const char *where)
{
    int64_t line;
    Program *prog = main_program(e);
    if (parse_int(where, &line)) {
        if (line < 1 || line > UINT32_MAX)
            return "no such line";
        bp->line = (uint32_t)line;
    } else {
        for (uint32_t u = 1; prog && u < prog->nunits && !bp->fn; u++)
            if (strcmp(prog->units[u].name, where) == 0 && !(bp->fn = strdup(where)))
                return "out of memory";
        if (!bp->fn && !(bp->line = label_line(prog, where)))
            return strchr(where, '.') ? "no such label, and the program calls no such function"
                                      : "no such label";
    }
    if (prog && bp_pc(e, bp, prog) == UINT32_MAX)
        return "no instruction at or below that line";
    return NULL;
}

int dbg_break(DbgEngine *e, const char *spec, bool temporary, char *msg, size_t msglen)
{
    char where[256], *cond;
    snprintf(where, sizeof where, "%s", spec);
    cond = strstr(where, " if ");
    if (cond) {
        *cond = 0;
        cond += 4;
    }
    char *w = where;
    while (isspace((unsigned char)*w))
        w++;
    for (char *t = w + strlen(w); t > w && isspace((unsigned char)t[-1]); )
        *--t = 0;
    Bp *bp = add_bp(e);
    if (!bp) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    bp->temporary = temporary;
    const char *why = *w ? resolve_place(e, bp, w) : "break LINE|LABEL|module.fn [if EXPR]";
    if (!why && cond)
        why = parse_cond(cond, &bp->cond);
    char trimmed[300];
    snprintf(trimmed, sizeof trimmed, "%s%s%s", w, cond ? " if " : "", cond ? cond : "");
    if (!why && !(bp->spec = strdup(trimmed)))
        why = "out of memory";
    if (why) {
        snprintf(msg, msglen, "%s: %s", *w ? w : "break", why);
        free(bp->fn);
        e->nbps--;
        e->next_id--;
        return -1;
    }
    return bp->id;
}

int dbg_watch(DbgEngine *e, int64_t addr, int64_t pid, char *msg, size_t msglen)
{
    Proc *next = dbg_next_process(e);
    if (pid == 0)
        pid = next ? next->pid : 1;
    if (!proc_find_live(e->vm, pid)) {
        snprintf(msg, msglen, "no live process %" PRId64, pid);
        return -1;
    }
    Bp *bp = add_bp(e);
    char spec[64];
    snprintf(spec, sizeof spec, "[%" PRId64 "] of PID %" PRId64, addr, pid);
    if (!bp || !(bp->spec = strdup(spec))) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    bp->watch = true;
    bp->addr = addr;
    bp->pid = pid;
    bp->ok = read_word(e->vm, pid, addr, &bp->value);
    return bp->id;
}

static void remove_bp(DbgEngine *e, size_t i)
{
    free(e->bps[i].spec);
    free(e->bps[i].fn);
    memmove(&e->bps[i], &e->bps[i + 1], (e->nbps - i - 1) * sizeof e->bps[0]);
    e->nbps--;
}

int dbg_delete(DbgEngine *e, int n)
{
    if (n == 0) {
        while (e->nbps)
            remove_bp(e, e->nbps - 1);
        return 0;
    }
    for (size_t i = 0; i < e->nbps; i++)
        if (e->bps[i].id == n) {
            remove_bp(e, i);
            return 0;
        }
    return -1;
}

static bool have_watches(const DbgEngine *e)
{
    for (size_t i = 0; i < e->nbps; i++)
        if (e->bps[i].watch)
            return true;
    return false;
}

/* The first breakpoint at (p, pc) whose condition holds; 0 when none. */
static int breakpoint_at(DbgEngine *e, Proc *p, uint32_t pc)
{
    for (size_t i = 0; i < e->nbps; i++) {
        Bp *bp = &e->bps[i];
        if (bp->watch)
            continue;
        if (bp->cache_prog != p->cpu.prog) {
            bp->cache_prog = p->cpu.prog;
            bp->cache_pc = bp_pc(e, bp, p->cpu.prog);
        }
        if (bp->cache_pc == pc && cond_holds(e->vm, p, pc, &bp->cond))
            return bp->id;
    }
    return 0;
}

/* ---------------------------------------------------------------- patching */

static const Patch *find_patch(const DbgEngine *e, const Program *prog, uint32_t pc)
{
    for (size_t i = 0; i < e->npatches; i++)
        if (e->patches[i].prog == prog && e->patches[i].pc == pc)
            return &e->patches[i];
    return NULL;
}

static void patch_one(DbgEngine *e, Program *prog, uint32_t pc)
{
    if (pc == UINT32_MAX || find_patch(e, prog, pc))
        return;
    if (e->npatches == e->patches_cap) {
        size_t cap = e->patches_cap ? e->patches_cap * 2 : 16;
        Patch *np = realloc(e->patches, cap * sizeof *np);
        if (!np)
            return;   /* out of memory: this breakpoint is not armed for this run */
        e->patches = np;
        e->patches_cap = cap;
    }
    program_retain(prog);
    e->patches[e->npatches++] = (Patch){ prog, pc, prog->code[pc].op };
    prog->code[pc].op = OP_BREAK;
}

/* Arm every breakpoint in every program a live process runs. */
static void patch_all(DbgEngine *e)
{
    VM *vm = e->vm;
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (!p || p->state == PROC_EXITED || !p->cpu.prog)
            continue;
        for (size_t k = 0; k < e->nbps; k++)
            if (!e->bps[k].watch)
                patch_one(e, p->cpu.prog, bp_pc(e, &e->bps[k], p->cpu.prog));
    }
}

/* A spawn or exec just loaded prog (kernel.h `loaded`): arm the breakpoints in it too. */
static void on_loaded(VM *vm, Program *prog)
{
    DbgEngine *e = vm->debugger;
    if (!e->armed)
        return;
    for (size_t k = 0; k < e->nbps; k++)
        if (!e->bps[k].watch)
            patch_one(e, prog, bp_pc(e, &e->bps[k], prog));
}

static void unpatch_all(DbgEngine *e)
{
    for (size_t k = 0; k < e->nbps; k++)
        e->bps[k].cache_prog = NULL;   /* a program may be freed, and its address reused */
    for (size_t i = 0; i < e->npatches; i++) {
        e->patches[i].prog->code[e->patches[i].pc].op = e->patches[i].op;
        program_release(e->patches[i].prog);
    }
    e->npatches = 0;
}

/* The interpreter met an OP_BREAK (kernel.h break_hit). */
static bool on_break(VM *vm, Proc *p, uint32_t pc, uint8_t *covered)
{
    DbgEngine *e = vm->debugger;
    const Patch *pt = find_patch(e, p->cpu.prog, pc);
    *covered = pt ? pt->op : OP_NOP;
    if (e->skip_proc == p && e->skip_pc == pc) {
        e->skip_proc = NULL;
        return false;
    }
    if (e->limit && vm->steps >= e->limit)
        return false;   /* rcontinue: hits from now on are not earlier than where it began */
    int id = breakpoint_at(e, p, pc);
    if (!id)
        return false;
    if (e->counting) {
        e->nhits++;
        return false;
    }
    if (e->hits_to_pass) {
        e->hits_to_pass--;
        return false;
    }
    e->hit = id;
    return true;
}

/* ---------------------------------------------------------------- saved points */

static void drop_saved(DbgEngine *e, size_t i)
{
    e->saved_bytes -= e->saved[i].size;
    free(e->saved[i].data);
    memmove(&e->saved[i], &e->saved[i + 1], (e->nsaved - i - 1) * sizeof e->saved[0]);
    e->nsaved--;
}

/* Over budget: drop every other saved point except the first and the newest four, so
 * recent history stays dense (back 1 is always cheap) and old history thins out. */
static void thin_saved(DbgEngine *e)
{
    while (e->saved_bytes > e->budget && e->nsaved > 5) {
        for (size_t i = 1; i + 4 < e->nsaved; i++)
            drop_saved(e, i);
    }
}

static int save_point(DbgEngine *e)
{
    VM *vm = e->vm;
    if (e->nsaved == e->saved_cap) {
        size_t cap = e->saved_cap ? e->saved_cap * 2 : 16;
        Saved *s = realloc(e->saved, cap * sizeof *s);
        if (!s)
            return -1;
        e->saved = s;
        e->saved_cap = cap;
    }
    /* As --snapshot-every does: the rest of the running process's quantum is saved. */
    if (vm->parked)
        vm->resume_used = (vm->steps - vm->turn_start) % (uint64_t)vm->turn_len;
    Saved *s = &e->saved[e->nsaved];
    s->now_ms = host_time_ms();
    int st = snapshot_save_bytes(vm, s->now_ms, &s->data, &s->size);
    vm->resume_used = 0;
    if (st != 0)
        return -1;
    s->steps = vm->steps;
    s->last_sleep_poll = vm->last_sleep_poll;
    s->input_pos = host_stdin_position();
    s->vfs_pos = vfs_tape_position();
    s->clock_pos = clock_tape_position();
    s->load_pos = load_tape_position();
    e->saved_bytes += s->size;
    e->nsaved++;
    thin_saved(e);
    return 0;
}

/* A new machine from saved point i, in place of the current one. 0 or -1. */
static int restore(DbgEngine *e, size_t i)
{
    VM *old = e->vm, *vm = calloc(1, sizeof *vm);
    if (!vm)
        return -1;
    vm_init(vm, &e->opt);
    vm->out = e->null;
    vm->err = e->null;
    const Saved *s = &e->saved[i];
    if (snapshot_load_bytes(vm, e->main_path, s->data, s->size, s->now_ms, &e->opt, e->err) != 0) {
        vm_free(vm);
        free(vm);
        return -1;
    }
    vm->vfs = old->vfs;   /* one image, opened once */
    old->vfs = NULL;
    vm->start_ms = old->start_ms;
    vm->last_sleep_poll = s->last_sleep_poll;
    vm->break_hit = on_break;
    vm->loaded = on_loaded;
    vm->debugger = e;
    vm_free(old);
    free(old);
    e->vm = vm;
    e->ended = false;
    e->status = 0;
    host_stdin_rewind(s->input_pos);
    vfs_tape_rewind(s->vfs_pos);
    clock_tape_rewind(s->clock_pos);
    load_tape_rewind(s->load_pos);
    return 0;
}

/* The newest saved point at or before steps. */
static size_t saved_before(const DbgEngine *e, uint64_t steps)
{
    size_t i = e->nsaved - 1;
    while (i > 0 && e->saved[i].steps > steps)
        i--;
    return i;
}

/* ---------------------------------------------------------------- running */

/* Below the high-water mark the machine replays what was already shown: its output
 * and diagnostics go nowhere. */
static void quiet(DbgEngine *e, bool replaying)
{
    fflush(e->vm->out);
    e->vm->out = replaying ? e->null : e->out;
    e->vm->err = replaying ? e->null : e->err;
}

/* Run until vm->steps == target, a breakpoint (when `breaks`) or the end, taking saved
 * points on the way and keeping replayed output quiet. */
static DbgEvent advance(DbgEngine *e, uint64_t target, bool breaks)
{
    for (;;) {
        VM *vm = e->vm;
        if (e->ended)
            return DBG_ENDED;
        if (vm->steps >= target)
            return DBG_STEPPED;
        uint64_t due = e->saved[e->nsaved - 1].steps + e->interval;
        if (vm->steps >= due && save_point(e) == 0)
            due = vm->steps + e->interval;
        uint64_t lim = target < due ? target : due;
        bool replaying = vm->steps < e->high;
        if (replaying && e->high < lim)
            lim = e->high;
        quiet(e, replaying);
        vm->stop_at = lim;
        sched_update_watch(vm);   /* a stop, like --max-steps, takes the careful turn end */
        if (breaks)
            patch_all(e);
        e->armed = breaks;
        e->hit = 0;
        int st = vm_run(vm);
        e->armed = false;
        if (breaks)
            unpatch_all(e);
        e->skip_proc = NULL;
        vm->stop_at = VM_NO_STOP;
        sched_update_watch(vm);
        if (vm->steps > e->high)
            e->high = vm->steps;
        int64_t faulted = vm->faulted;
        vm->faulted = 0;
        if (faulted && !replaying)   /* a replayed fault was reported the first time */
            e->fault_pid = faulted;
        if (st != VM_PAUSED) {
            e->ended = true;
            e->status = st;
            quiet(e, false);
            return e->fault_pid ? DBG_FAULT : DBG_ENDED;
        }
        if (e->hit)
            return DBG_BREAKPOINT;
        if (e->fault_pid)
            return DBG_FAULT;
        if (host_interrupted())
            return DBG_INTERRUPTED;
    }
}

/* Each watch compares with the word's value where the machine stands now (after a move
 * back, too): the next change is a change from here. */
static void refresh_watches(DbgEngine *e)
{
    for (size_t i = 0; i < e->nbps; i++)
        if (e->bps[i].watch)
            e->bps[i].ok = read_word(e->vm, e->bps[i].pid, e->bps[i].addr, &e->bps[i].value);
}

static void finish_stop(DbgEngine *e, DbgEvent ev, DbgStop *st)
{
    quiet(e, false);
    refresh_watches(e);
    int bp = e->hit;
    int64_t fault_pid = e->fault_pid;
    e->fault_pid = 0;
    if (ev == DBG_BREAKPOINT || ev == DBG_WATCH)   /* hits count stops, not replays */
        for (size_t i = 0; i < e->nbps; i++)
            e->bps[i].hits += e->bps[i].id == bp;
    dbg_where_now(e, st);
    st->event = ev;
    st->bp = bp;
    st->fault_pid = fault_pid;
    if (ev == DBG_BREAKPOINT)
        for (size_t i = 0; i < e->nbps; i++)
            if (e->bps[i].id == bp && e->bps[i].temporary) {
                remove_bp(e, i);
                break;
            }
}

/* After one instruction: did a watched word change? Fills st and updates the values. */
static bool watch_fired(DbgEngine *e, int64_t writer, DbgStop *st)
{
    bool fired = false;
    for (size_t i = 0; i < e->nbps && !fired; i++) {
        Bp *bp = &e->bps[i];
        if (!bp->watch)
            continue;
        int64_t v = -1;
        bool ok = read_word(e->vm, bp->pid, bp->addr, &v);
        if (ok == bp->ok && (!ok || v == bp->value))
            continue;
        st->watch_addr = bp->addr;
        st->watch_pid = bp->pid;
        st->old_value = bp->ok ? bp->value : -1;
        st->new_value = ok ? v : -1;
        st->writer = writer;
        st->bp = bp->id;
        bp->ok = ok;
        bp->value = v;
        fired = true;
    }
    return fired;
}

/* Stop at the watch hit described in w. */
static DbgEvent watch_stop(DbgEngine *e, const DbgStop *w, DbgStop *st)
{
    e->hit = w->bp;
    finish_stop(e, DBG_WATCH, st);
    st->watch_addr = w->watch_addr; st->watch_pid = w->watch_pid;
    st->old_value = w->old_value; st->new_value = w->new_value;
    st->writer = w->writer;
    return DBG_WATCH;
}

typedef bool (*DonePred)(DbgEngine *e, const void *arg);

/* One instruction at a time until done() says so, a breakpoint, a watch or the end. */
static DbgEvent step_until(DbgEngine *e, DonePred done, const void *arg, DbgStop *st)
{
    DbgStop w = { 0 };
    for (;;) {
        Proc *p = dbg_next_process(e);
        int64_t writer = p ? p->pid : 0;
        DbgEvent ev = advance(e, e->vm->steps + 1, false);
        if (ev != DBG_STEPPED) {
            finish_stop(e, ev, st);
            return ev;
        }
        if (watch_fired(e, writer, &w))
            return watch_stop(e, &w, st);
        p = dbg_next_process(e);
        if (done && done(e, arg)) {
            finish_stop(e, DBG_STEPPED, st);
            return DBG_STEPPED;
        }
        if (p && (e->hit = breakpoint_at(e, p, p->cpu.pc)) != 0) {
            finish_stop(e, DBG_BREAKPOINT, st);
            return DBG_BREAKPOINT;
        }
    }
}

DbgEvent dbg_step(DbgEngine *e, uint64_t n, DbgStop *st)
{
    e->hit = 0;
    DbgEvent ev = advance(e, e->vm->steps + n, false);
    finish_stop(e, ev, st);
    return ev;
}

DbgEvent dbg_continue(DbgEngine *e, DbgStop *st)
{
    if (have_watches(e))
        return step_until(e, NULL, NULL, st);
    Proc *p = dbg_next_process(e);
    e->skip_proc = p;
    e->skip_pc = p ? p->cpu.pc : 0;
    e->hit = 0;
    DbgEvent ev = advance(e, UINT64_MAX, true);
    finish_stop(e, ev, st);
    return ev;
}

/* next/finish: the process they follow, the depth it started at and its count. */
typedef struct Follow { int64_t pid; uint32_t depth; uint64_t icount; bool out; } Follow;

static bool follow_done(DbgEngine *e, const void *arg)
{
    const Follow *f = arg;
    Proc *p = proc_find_live(e->vm, f->pid);
    if (!p)
        return true;   /* it ended */
    if (dbg_next_process(e) != p || p->cpu.icount == f->icount)
        return false;
    return f->out ? p->cpu.fp < f->depth : p->cpu.fp <= f->depth;
}

static DbgEvent follow(DbgEngine *e, bool out, DbgStop *st)
{
    Proc *p = dbg_next_process(e);
    if (!p)
        return dbg_step(e, 1, st);
    Follow f = { p->pid, p->cpu.fp, p->cpu.icount, out };
    if (out && p->cpu.fp == 0)
        f.out = false;   /* at top level: finish is next */
    e->hit = 0;
    return step_until(e, follow_done, &f, st);
}

DbgEvent dbg_next(DbgEngine *e, DbgStop *st) { return follow(e, false, st); }
DbgEvent dbg_finish(DbgEngine *e, DbgStop *st) { return follow(e, true, st); }

/* Put the machine at instruction count target (<= now), quietly. */
static DbgEvent go_to(DbgEngine *e, uint64_t target)
{
    if (restore(e, saved_before(e, target)) != 0)
        return DBG_FAILED;
    e->hit = 0;
    return advance(e, target, false);
}

DbgEvent dbg_back(DbgEngine *e, uint64_t n, DbgStop *st)
{
    uint64_t now = e->vm->steps;
    uint64_t target = n >= now ? 0 : now - n;
    DbgEvent ev = go_to(e, target);
    if (ev == DBG_FAILED) {
        dbg_where_now(e, st);
        st->event = DBG_FAILED;
        return ev;
    }
    if (ev == DBG_INTERRUPTED) {
        finish_stop(e, ev, st);
        return ev;
    }
    finish_stop(e, target == 0 ? DBG_AT_START : DBG_STEPPED, st);
    return st->event;
}

/* Replay [saved point i, limit) with breakpoints armed and count the hits. */
static uint64_t count_hits(DbgEngine *e, size_t i, uint64_t limit)
{
    if (restore(e, i) != 0)
        return 0;
    e->counting = true;
    e->nhits = 0;
    e->limit = limit;
    advance(e, limit, true);
    e->counting = false;
    e->limit = 0;
    return e->nhits;
}

/* With watches: replay [saved point i, limit) one instruction at a time, counting what
 * would have stopped a `continue` there (breakpoint hits, watched words changing) before
 * limit. With stop_at > 0 stop at the stop_at-th (*ev and st say where). */
static uint64_t survey_stepping(DbgEngine *e, size_t i, uint64_t limit, uint64_t stop_at,
                                DbgEvent *ev, DbgStop *st)
{
    *ev = DBG_NO_HIT;
    if (restore(e, i) != 0)
        return 0;
    refresh_watches(e);
    uint64_t n = 0;
    DbgStop w = { 0 };
    while (!e->ended && e->vm->steps < limit) {
        Proc *p = dbg_next_process(e);
        int id = p ? breakpoint_at(e, p, p->cpu.pc) : 0;
        if (id && ++n == stop_at) {
            e->hit = id;
            finish_stop(e, *ev = DBG_BREAKPOINT, st);
            return n;
        }
        int64_t writer = p ? p->pid : 0;
        if (advance(e, e->vm->steps + 1, false) == DBG_INTERRUPTED)
            return n;
        if (watch_fired(e, writer, &w) && e->vm->steps < limit && ++n == stop_at) {
            *ev = watch_stop(e, &w, st);
            return n;
        }
    }
    return n;
}

DbgEvent dbg_rcontinue(DbgEngine *e, DbgStop *st)
{
    uint64_t now = e->vm->steps;
    bool was_ended = e->ended, stepping = have_watches(e);
    uint64_t limit = now;
    DbgEvent ev;
    for (size_t i = saved_before(e, now ? now - 1 : 0) + 1; i-- > 0; limit = e->saved[i].steps) {
        uint64_t n = stepping ? survey_stepping(e, i, limit, 0, &ev, st) : count_hits(e, i, limit);
        if (host_interrupted()) {
            finish_stop(e, DBG_INTERRUPTED, st);
            return DBG_INTERRUPTED;
        }
        if (n == 0)
            continue;
        if (stepping) {
            survey_stepping(e, i, limit, n, &ev, st);
            return ev;
        }
        restore(e, i);
        e->hits_to_pass = n - 1;
        e->limit = limit;
        ev = advance(e, limit, true);
        e->limit = 0;
        e->hits_to_pass = 0;
        finish_stop(e, ev, st);
        return ev;
    }
    /* No earlier hit: go back to where we were. */
    if (was_ended)
        advance(e, UINT64_MAX, false);
    else
        go_to(e, now);
    finish_stop(e, DBG_NO_HIT, st);
    return DBG_NO_HIT;
}

/* ---------------------------------------------------------------- open, close */

DbgEngine *dbg_open(Program *prog, const VmOptions *opt, int argc, char **argv, const DbgConfig *cfg)
{
    DbgEngine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->opt = *opt;
    e->opt.trace = false;
    e->opt.hertz = 0;
    e->out = cfg->out;
    e->err = cfg->err;
    e->interval = cfg->interval ? cfg->interval : DBG_SAVE_INTERVAL;
    e->budget = cfg->budget ? cfg->budget : DBG_SAVE_BUDGET;
    e->null = fopen("/dev/null", "w");
    e->main_path = strdup(prog->path);
    e->vm = calloc(1, sizeof *e->vm);
    if (!e->null || !e->main_path || !e->vm)
        goto fail;
    host_stdin_use_fd(cfg->input_fd);
    host_stdin_record();
    vfs_tape_start();
    clock_tape_start();
    load_tape_start();
    vm_init(e->vm, &e->opt);
    e->vm->out = e->out;
    e->vm->err = e->err;
    e->vm->break_hit = on_break;
    e->vm->loaded = on_loaded;
    e->vm->debugger = e;
    if (vm_start(e->vm, prog, argc, argv) != 0 || save_point(e) != 0)
        goto fail;
    return e;
fail:
    dbg_close(e);
    return NULL;
}

void dbg_close(DbgEngine *e)
{
    if (!e)
        return;
    if (e->vm) {
        fflush(e->vm->out);
        vm_free(e->vm);
        free(e->vm);
    }
    while (e->nsaved)
        drop_saved(e, e->nsaved - 1);
    dbg_delete(e, 0);
    free(e->saved);
    free(e->bps);
    free(e->patches);
    free(e->main_path);
    if (e->null)
        fclose(e->null);
    free(e);
    load_tape_stop();
}

void dbg_saved_stats(DbgEngine *e, size_t *count, size_t *bytes, uint64_t *interval)
{
    *count = e->nsaved;
    *bytes = e->saved_bytes;
    *interval = e->interval;
}

/* For views.c: the breakpoint list as JSON. */
cJSON *dbg_view_breaks(DbgEngine *e)
{
    cJSON *v = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(v, "breaks");
    cJSON_AddStringToObject(v, "view", "breaks");
    for (size_t i = 0; i < e->nbps; i++) {
        const Bp *bp = &e->bps[i];
        cJSON *b = cJSON_CreateObject();
        cJSON_AddNumberToObject(b, "id", bp->id);
        cJSON_AddStringToObject(b, "kind", bp->watch ? "watch" : bp->temporary ? "tbreak" : "break");
        cJSON_AddStringToObject(b, "spec", bp->spec);
        cJSON_AddNumberToObject(b, "hits", (double)bp->hits);
        cJSON_AddItemToArray(list, b);
    }
    return v;
}
