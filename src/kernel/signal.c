/*
 * signal.c - sending, delivering and handling signals; turning faults into signals.
 *
 * Pending signals are a bitmask per process. Delivery happens only at the start of the
 * target's turn (vm/interp.c calls sig_deliver when p->pending is non-zero), so the
 * interpreter's hot path never looks at signals.
 *
 * A handler runs on top of a FRAME_SIGNAL call-stack frame whose saved context (every
 * register with its type, the flags, I9) sits in p->ctx, a stack parallel to the signal
 * frames; the handler's RET (sig_return) puts it all back, like sigreturn. Frames stay
 * eight bytes, so the CALL/RET fast path does not pay for the ~500-byte contexts.
 */
#include "signal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/errors.h"
#include "../vm/memory.h"
#include "ahead.h"
#include "dump.h"
#include "record.h"
#include "sched.h"
#include "trace.h"

/* A signal that acts ends a sleep: the SLEEP counts as complete. */
static void wake(VM *vm, Proc *p)
{
    if (p->state == PROC_SLEEPING) {
        p->sleep_until_ms = 0;
        proc_enter_state(vm, p, PROC_READY);
        sched_enqueue(vm, p);
    }
}

void sig_resume(VM *vm, Proc *p)
{
    if (p->state != PROC_PAUSED)
        return;
    vm->npaused--;
    /* A process paused while sleeping goes back to sleep until its deadline. */
    if (p->sleep_until_ms > 0) {
        proc_enter_state(vm, p, PROC_SLEEPING);
        sched_note_sleeper(vm);
    } else {
        proc_enter_state(vm, p, PROC_READY);
        sched_enqueue(vm, p);
    }
}

void sig_send(VM *vm, Proc *target, int sig)
{
    if (target->state == PROC_EXITED)
        return;
    if (sig == SIG_KILL) {
        proc_exit(vm, target, 128 + SIG_KILL);
        return;
    }
    if (sig == SIG_CONT)
        sig_resume(vm, target);
    bool handled = target->handler[sig] != 0;
    if (sig == SIG_CONT && !handled)
        return;
    SigAction act = signal_info[sig].action;
    if (act == ACT_PAUSE && !handled && target->state == PROC_SLEEPING) {
        /* A stop does not end a sleep: the sleeper is paused while sleeping, and CONT
         * sends it back to sleep until its deadline (SPEC 10). */
        sig_pause(vm, target);
        return;
    }
    target->pending |= 1u << sig;
    if (target->hidden_in)
        ahead_unhide(vm, target);   /* its next turn delivers it: a turn of its own */
    if (target == vm->current)
        vm->resched = true;
    /* Only a signal that will act cuts a sleep short; stops and CONT do not. */
    if (handled || act == ACT_TERMINATE)
        wake(vm, target);
}

void sig_pause(VM *vm, Proc *p)
{
    if (p->state == PROC_PAUSED || p->state == PROC_EXITED)
        return;
    if (p->state == PROC_READY)
        sched_remove(vm, p);
    proc_enter_state(vm, p, PROC_PAUSED);
    vm->npaused++;
}

/* ---- saved contexts ---- */

/* Room for one more saved context. The array grows on demand and counts in the host
 * memory budget; it never holds more than one context per catchable signal. */
static int ctx_reserve(Proc *p)
{
    if (p->nctx < p->ctx_cap)
        return 0;
    uint32_t cap = p->ctx_cap ? p->ctx_cap * 2 : 2;
    if (cap > SIG_MAX + 1)
        cap = SIG_MAX + 1;
    if (p->nctx >= cap)
        return -1;   /* cannot happen: one context per signal at most */
    size_t more = (size_t)(cap - p->ctx_cap) * sizeof *p->ctx;
    if (mem_budget_charge(more) != 0)
        return -1;
    SigContext *c = realloc(p->ctx, cap * sizeof *c);
    if (!c) {
        mem_budget_release(more);
        return -1;
    }
    p->ctx = c;
    p->ctx_cap = cap;
    return 0;
}

void sig_contexts_free(Proc *p)
{
    mem_budget_release((size_t)p->ctx_cap * sizeof *p->ctx);
    free(p->ctx);
    p->ctx = NULL;
    p->nctx = p->ctx_cap = 0;
}

int sig_contexts_copy(Proc *dst, const Proc *src)
{
    if (src->nctx == 0)
        return 0;
    size_t bytes = (size_t)src->nctx * sizeof *src->ctx;
    if (mem_budget_charge(bytes) != 0)
        return -1;
    dst->ctx = malloc(bytes);
    if (!dst->ctx) {
        mem_budget_release(bytes);
        return -1;
    }
    memcpy(dst->ctx, src->ctx, bytes);
    dst->nctx = dst->ctx_cap = src->nctx;
    return 0;
}

/* Save p's whole context in a signal frame and jump to sig's handler; false if the call
 * stack is full (or no host memory is left for the context). */
static bool enter_handler(VM *vm, Proc *p, int sig, uint32_t ret)
{
    if (ctx_reserve(p) != 0 || cpu_push_frame(&p->cpu, frame_make(ret, FRAME_SIGNAL), vm->opt.call_depth) != 0)
        return false;
    SigContext *c = &p->ctx[p->nctx++];
    memcpy(c->reg, p->cpu.reg, sizeof c->reg);
    memcpy(c->type, p->cpu.type, sizeof c->type);
    c->typed = p->cpu.typed;
    c->sig = (uint8_t)sig;
    p->handling |= 1u << sig;
    proc_write(p, REG_SIGR, sig);
    p->cpu.pc = p->handler[sig] - 1;
    return true;
}

/* The --trace event of a delivery: what the signal does to p. */
static void trace_delivery(VM *vm, Proc *p, int sig)
{
    static const char *const what[] = {
        [ACT_TERMINATE] = "default action: terminate", [ACT_IGNORE] = "default action: ignored",
        [ACT_PAUSE] = "default action: pause", [ACT_CONTINUE] = "default action: continue",
        [ACT_NONE] = "?",
    };
    if (p->handler[sig])
        trace_event(vm, p->pid, 0, "signal %s delivered: handler at line %" PRIu32, signal_info[sig].name,
                    proc_line(p, p->handler[sig] - 1));
    else
        trace_event(vm, p->pid, 0, "signal %s delivered: %s", signal_info[sig].name,
                    what[signal_info[sig].action]);
}

bool sig_deliver(VM *vm, Proc *p)
{
    for (;;) {
        uint32_t ready = p->pending & ~p->handling;
        if (!ready)
            return true;
        int sig = __builtin_ctz(ready);
        p->pending &= ~(1u << sig);
        if (vm->tracer)
            trace_delivery(vm, p, sig);
        if (vm->rec)
            rec_mark(vm, p, MARK_SIGNAL, sig);
        if (p->handler[sig]) {
            if (enter_handler(vm, p, sig, p->cpu.pc))
                return true;
            proc_exit(vm, p, 128 + sig);
            return false;
        }
        switch (signal_info[sig].action) {
        case ACT_TERMINATE:
            proc_exit(vm, p, 128 + sig);
            return false;
        case ACT_PAUSE:
            sig_pause(vm, p);
            return false;
        default:
            break;   /* ignored: look at the next one */
        }
    }
}

void sig_return(Proc *p)
{
    const SigContext *c = &p->ctx[--p->nctx];
    memcpy(p->cpu.reg, c->reg, sizeof p->cpu.reg);
    memcpy(p->cpu.type, c->type, sizeof p->cpu.type);
    p->cpu.typed = c->typed;
    p->handling &= ~(1u << c->sig);
}

/* A fault inside a library function is the CALL's (SPEC 10): discard the library frames
 * above the calling unit and report the CALL instruction. Returns the unit name of the
 * function called from there (for the diagnostic), or NULL when pc is not in a library. */
static const char *unwind_library(Proc *p, uint32_t *pc)
{
    const Program *prog = p->cpu.prog;
    const char *fn = NULL;
    while (prog->info[*pc].unit != 0 && p->cpu.fp > 0 && p->cpu.frames[p->cpu.fp - 1].kind == FRAME_LIBRARY) {
        fn = prog->units[prog->info[*pc].unit].name;
        *pc = p->cpu.frames[--p->cpu.fp].ret - 1;
    }
    return fn;
}

/* The statement as written, safe for a terminal: control bytes become '?', and one
 * longer than STATEMENT_SHOWN characters (a 10 MB string literal) is cut with "...". */
#define STATEMENT_SHOWN 120
static void print_statement(FILE *f, const char *text)
{
    size_t n = 0;
    for (; text[n] && n < STATEMENT_SHOWN; n++)
        fputc((unsigned char)text[n] < 0x20 || text[n] == 0x7F ? '?' : text[n], f);
    if (text[n])
        fputs("...", f);
}

bool sig_fault(VM *vm, Proc *p, uint32_t pc, int code, const char *detail)
{
    int sig = error_info[code].signal;
    if (vm->tracer)
        trace_fault(vm, p, code);
    const char *fn = unwind_library(p, &pc);
    char why[256];
    if (fn) {
        snprintf(why, sizeof why, "%s (in %s)", detail ? detail : error_info[code].why, fn);
        detail = why;
    }
    if (p->handler[sig] && !(p->handling & (1u << sig))) {
        /* Set before the context is saved: the handler sees them, and its RET restores
         * them with the rest, so the faulting instruction reads as failed (SPEC 4.4). */
        proc_write(p, REG_ENSF, 1);
        proc_write(p, REG_ESF, code);
        if (vm->tracer)
            trace_event(vm, p->pid, 0, "fault %s (%d): signal %s to its handler at line %" PRIu32,
                        error_name(code), code, signal_info[sig].name, proc_line(p, p->handler[sig] - 1));
        if (enter_handler(vm, p, sig, pc + 1))
            return true;
    }
    fflush(vm->out);
    const Program *prog = p->cpu.prog;
    fprintf(vm->err, "mvm: PID %" PRId64 " (%s) line %" PRIu32 ": ", p->pid,
            prog->units[prog->info[pc].unit].path, prog->info[pc].line);
    print_statement(vm->err, program_text(prog, pc));
    fprintf(vm->err, ": %s (%d): %s\n", error_name(code), code, detail ? detail : error_info[code].why);
    if (vm->opt.fault_dump) {
        /* What the process held when it faulted; library frames are already unwound. */
        fprintf(vm->err, "mvm: PID %" PRId64 " registers:\n", p->pid);
        dump_registers(vm->err, p, pc, true);
        fprintf(vm->err, "mvm: PID %" PRId64 " stacks:\n", p->pid);
        dump_stacks(vm->err, p, pc);
    }
    proc_exit(vm, p, 128 + sig);
    return false;
}
