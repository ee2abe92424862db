/*
 * interp.c - the interpreter loop and the turn machinery around it (SPEC 3, 4.2).
 *
 * One function, vm_run, executes every process. Hot state lives in locals: the running
 * process `p`, its registers `R`, the instruction pointer `ip`, and `budget`, the number
 * of instructions left before the next "anything to do?" check. That single countdown
 * folds together the end of the quantum, --max-steps, --trace, hertz throttling,
 * sleeping processes and host signals (STYLE 5): the common path per instruction is one
 * decrement and one predictable branch. No budget exceeds CHECK_INTERVAL, so a host
 * SIGINT/TERM/HUP, which only sets vm->watch (kernel/host.c), is seen within a few ms.
 *
 * Dispatch is computed goto where the compiler supports it (a table of label addresses,
 * one indirect jump per instruction), and a switch otherwise; MVM_USE_SWITCH=1 forces
 * the switch so both are tested. The same case bodies serve both (Lua's vmdispatch).
 *
 * A context switch saves the PC into the old Proc, appends it to the ready queue and
 * takes the head: the process's registers stay where they are, in its Proc.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../kernel/clock.h"
#include "../kernel/debugjson.h"
#include "../kernel/exec.h"
#include "../kernel/host.h"
#include "../kernel/kernel.h"
#include "../kernel/mailbox.h"
#include "../kernel/record.h"
#include "../kernel/sched.h"
#include "../kernel/semaphore.h"
#include "../kernel/signal.h"
#include "../kernel/snapshot.h"
#include "../kernel/syscall.h"
#include "../kernel/trace.h"
#include "../vfs/vfs.h"
#include "../debug.h"
#include "errors.h"
#include "fmt.h"
#include "help.h"
#include "memory.h"
#include "ops.h"

#if defined(__GNUC__) && !MVM_USE_SWITCH
#define MVM_COMPUTED_GOTO 1
#else
#define MVM_COMPUTED_GOTO 0
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#if MVM_COMPUTED_GOTO
#define CASE(op)    L_##op:
#define DISPATCH()  goto *labels[ip->op]
#define REDISPATCH(o) goto *labels[o]
#else
#define CASE(op)    case OP_##op:
#define DISPATCH()  goto dispatch
#define REDISPATCH(o) do { dispatch_op = (o); goto redispatch; } while (0)
#endif

/* Finish an instruction: count it, then go on at ip (or check in when the budget is spent). */
#define CONTINUE_AT(target) do { ip = (target); if (unlikely(--budget <= 0)) goto check; DISPATCH(); } while (0)
#define NEXT()              CONTINUE_AT(ip + 1)
#define FAULT(code)         do { fault_code = (code); goto fault; } while (0)

/* Read operand slot 0/1/2 (register + literal, see program.h). */
#define VA (R[ip->a] + ip->imm[0])
#define VB (R[ip->b] + ip->imm[1])
#define VC (R[ip->c] + ip->imm[2])
/* Write r respecting its type: plain Long registers take the bits as they are. */
#define SETREG(r, v) do { int r_ = (r); int64_t v_ = (v); \
        R[r_] = unlikely((p->cpu.typed >> r_) & 1) ? type_normalise(p->cpu.type[r_], v_) : v_; } while (0)
/* Typed operands (Byte..Double) take the general path in ops.c. */
#define TYPED() unlikely(p->cpu.typed & ip->mask)

#define SLEEP_POLL  1024                 /* instructions between host-clock looks while someone sleeps */

/* ---------------------------------------------------------------- time helpers */

int64_t host_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---------------------------------------------------------------- turns */

/* p, just chosen by sched_next, begins its turn: its pending signal is delivered and the
 * switch counted. False when the signal ended or paused it (it left the ring). */
static inline bool begin_turn(VM *vm, Proc *p)
{
    /* Signals go at the start of a turn; a turn resumed from a snapshot is not new. */
    if (p->pending && !vm->resume_turn && !sig_deliver(vm, p))
        return false;
    if (p != vm->last_run)
        vm->switches++;
    vm->last_run = p;
    vm->turn_start = vm->steps - vm->resume_used;   /* a resumed turn keeps its place */
    vm->resume_used = 0;
    vm->resume_turn = false;
    vm->resched = false;
    if (unlikely(vm->rec != NULL))
        rec_switch(vm, p);
    return true;
}

/* The next process to run, with its pending signal delivered; NULL when none can run. */
static Proc *pick_next(VM *vm)
{
    for (;;) {
        if (host_interrupted() && !vm->debugger)
            return NULL;   /* a host signal: stop here, between two turns */
        if (vm->sleepers && (!vm->head || vm->steps - vm->last_sleep_poll >= SLEEP_POLL)) {
            int64_t next = sched_wake_sleepers(vm);
            if (!vm->head && next >= 0) {
                /* Nobody can run: sleep on the host clock (in steps of at most a second,
                 * so a deadline centuries away cannot overflow), never busy-wait. */
                if (vm->debugger && host_interrupted())
                    return NULL;   /* Ctrl-C: the debugger's machine parks while all sleep */
                int64_t wait_ms = next - clock_now_ms();
                fflush(vm->out);
                clock_wait_ns((wait_ms > 1000 ? 1000 : wait_ms) * 1000000);
                continue;
            }
        }
        Proc *p = sched_next(vm);
        if (!p)
            return NULL;
        if (begin_turn(vm, p))
            return p;
        /* its signal ended or paused it: choose again */
    }
}

/* A lone process runs this long between check-ins: a whole number of quanta, so the
 * quantum boundaries stay where round-robin would put them, and at most CHECK_INTERVAL
 * instructions, so a host signal is seen soon (param.h). Quanta longer than that are
 * watched (sched_update_watch): turn_budget cuts them. Only round-robin runs a lone
 * process quanta at a time; the other policies see every turn end. */
static int64_t solo_budget(VM *vm)
{
    return CHECK_INTERVAL / vm->opt.quantum * vm->opt.quantum;
}

/* turn_budget's b, cut where a watched run must stop: the careful path. */
static int64_t __attribute__((noinline)) watched_budget(VM *vm, int64_t b)
{
    if (vm->debugger && host_interrupted())
        return 0;   /* park before the turn's first instruction (check_carefully) */
    if (vm->stop_at != VM_NO_STOP) {   /* the debugger wants the machine back */
        uint64_t to_stop = vm->stop_at > vm->steps ? vm->stop_at - vm->steps : 0;
        if ((uint64_t)b > to_stop)
            b = (int64_t)to_stop;
    }
    if (vm->opt.max_steps) {
        uint64_t steps_left = vm->opt.max_steps - (vm->steps - vm->run_start);
        if ((uint64_t)b > steps_left)
            b = (int64_t)steps_left;
    }
    if ((vm->opt.trace || vm->opt.debug) && b > 1)
        b = 1;   /* the careful path before every instruction (0 stays 0: --max-steps reached) */
    if (vm->opt.snapshot_every && (uint64_t)b > vm->next_snapshot - vm->steps)
        b = (int64_t)(vm->next_snapshot - vm->steps);
    if (vm->sleepers) {
        /* End the budget exactly where the next look at the clock is due, so that looks
         * come at the same instructions however else the run is cut (a debugger's stops,
         * snapshots): a replay then reads the clock at the same points. */
        uint64_t since = vm->steps - vm->last_sleep_poll;
        int64_t to_poll = since < SLEEP_POLL ? (int64_t)(SLEEP_POLL - since) : 1;
        if (b > to_poll)
            b = to_poll;
    }
    if (vm->opt.hertz > 0) {
        int64_t chunk = vm->opt.hertz / 100 > 0 ? vm->opt.hertz / 100 : 1;
        if (b > chunk)
            b = chunk;
    }
    return b < CHECK_INTERVAL ? b : CHECK_INTERVAL;
}

/* Instructions the current process p may run before the next check. */
static inline int64_t turn_budget(VM *vm, Proc *p)
{
    int64_t q = vm->turn_len;
    /* Every budget ends on a turn boundary, where the kernel rotates the ring and
     * delivers signals. A lone process with nothing pending may run many quanta at once. */
    uint64_t used = vm->steps - vm->turn_start;
    int64_t left = used == 0 ? q : q - (int64_t)(used % (uint64_t)q);   /* (a division is slow) */
    int64_t b = p->next != p || p->pending || vm->policy != &sched_rr ? left : left + solo_budget(vm);
    if (likely(!vm->watch))
        return b;   /* (then no turn is longer than CHECK_INTERVAL: sched_update_watch) */
    return watched_budget(vm, b);
}

/* After a syscall made another process runnable (or signalled): end the solo run at the
 * next quantum boundary. Returns the new budget (0: the turn is over now). */
static int64_t rebudget(VM *vm, int64_t budget)
{
    vm->resched = false;
    uint64_t q = (uint64_t)vm->turn_len;
    int64_t left = (int64_t)((q - (vm->steps - vm->turn_start) % q) % q);
    return left < budget ? left : budget;
}

static void throttle(VM *vm)
{
    uint64_t done = vm->steps - vm->run_start;
    int64_t due = vm->start_ns + (int64_t)((double)done * 1e9 / (double)vm->opt.hertz);
    fflush(vm->out);
    host_sleep_ns(due - monotonic_ns());
}

/* The instruction p runs next from pc. A module's END returns to its caller without being
 * an instruction (SPEC 10 "Ending is not an instruction"), so follow the frames it pops:
 * several, when a module's last instruction was a call to another that falls off its end. */
static uint32_t next_instruction(const Proc *p, uint32_t pc)
{
    const Instr *code = p->cpu.prog->code;
    for (uint32_t k = p->cpu.fp; k > 0 && code[pc].op == OP_END && code[pc].aux; k--)
        pc = p->cpu.frames[k - 1].ret;
    return pc;
}

/* Before each instruction, when tracing or running a debug.json: the trace line and
 * the dumps (trace.c, debugjson.c). Off the hot path: only budgets of 1 come here. */
static void before_instruction(VM *vm, Proc *p, uint32_t pc)
{
    pc = next_instruction(p, pc);
    if (vm->tracer)
        trace_step(vm, p, pc);
    if (vm->opt.debug)
        debug_step(vm, p, pc);
}

static void report_deadlock(VM *vm)
{
    fflush(vm->out);
    fprintf(vm->err, "mvm: deadlock: every live process is paused (PIDs");
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i] && vm->table[i]->state == PROC_PAUSED)
            fprintf(vm->err, " %" PRId64, vm->table[i]->pid);
    fprintf(vm->err, ")\n");
}

static int exit_status(VM *vm)
{
    host_watch(NULL);   /* every return from vm_run comes through here */
    trace_flush(vm);
    fflush(vm->out);
    int sig = vm->debugger ? 0 : host_interrupted();   /* the debugger reports its own */
    if (sig) {
        fprintf(vm->err, "mvm: interrupted after %" PRIu64 " instructions\n", vm->steps - vm->run_start);
        return 128 + sig;
    }
    if (vm->stopped) {
        fprintf(vm->err, "mvm: stopped after %" PRIu64 " instructions (--max-steps)\n", vm->steps - vm->run_start);
        return 1;
    }
    if (vm->npaused > 0 && vm->nlive > 0)
        report_deadlock(vm);
    if (!vm->pid1_ended)
        return 1;
    return (int)(uint8_t)vm->pid1_code;
}

/* ---------------------------------------------------------------- the loop */

int vm_run(VM *vm)
{
#if MVM_COMPUTED_GOTO
    static void *const labels[OP_COUNT + 1] = {
#define OP(e, mn, ops, dst, syn, help, ex) [OP_##e] = &&L_##e,
#include "opcodes.def"
#undef OP
        [OP_END] = &&L_END,
        [OP_BREAK] = &&L_BREAK,
    };
#else
    int dispatch_op;
#endif
    Proc *p;
    int64_t *R;
    const Instr *ip, *code;
    int64_t budget, budget0;   /* budget0: budget at the last sync of the counters */
    int fault_code = 0;

/* Credit the instructions run since the last sync to the counters. */
#define SYNC() do { int64_t used_ = budget0 - budget; vm->steps += used_; p->cpu.icount += used_; \
        budget0 = budget; } while (0)
/* Re-read the hot locals from p (after a switch, exec or handler entry). */
#define LOAD_PROC() do { code = p->cpu.code; R = p->cpu.reg; ip = code + p->cpu.pc; } while (0)

    host_watch(&vm->watch);
    if (vm->opt.trace && !vm->tracer && trace_start(vm, vm->opt.trace_pid) != 0)
        fprintf(vm->err, "mvm: --trace: out of memory; running without it\n");
    if (vm->parked) {
        /* The debugger stopped the machine between two instructions (park below) and now
         * lets it go on: the same process, the same turn, exactly where it was. */
        p = vm->parked;
        vm->parked = NULL;
        LOAD_PROC();
        if (vm->steps >= vm->stop_at || host_interrupted())
            goto park;   /* (only the debugger parks: vm->parked) */
        goto resume;
    }
next_process:
    p = pick_next(vm);
    if (!p) {
        if (unlikely(vm->debugger != NULL) && host_interrupted())
            goto park_between_turns;
        return exit_status(vm);
    }
turn_begun:   /* (p's turn has begun: begin_turn) */
    LOAD_PROC();
    budget = budget0 = turn_budget(vm, p);
    if (budget <= 0)
        goto check;   /* --max-steps reached, or a snapshot is due first */
    if (vm->opt.trace || vm->opt.debug)
        before_instruction(vm, p, p->cpu.pc);

#if MVM_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    dispatch_op = ip->op;
redispatch:
    switch (dispatch_op) {
#endif

    /* ---- data transfer ---- */
    CASE(LIT)   { SETREG(ip->a, ip->imm[1]); NEXT(); }
    CASE(MOV)   { SETREG(ip->b, VA); NEXT(); }
    CASE(SWP)   { int64_t a = R[ip->a], b = R[ip->b]; SETREG(ip->a, b); SETREG(ip->b, a); NEXT(); }
    CASE(SETTYPE) {
        proc_set_type(p, ip->a, (int)ip->aux);
        R[ip->a] = type_normalise((int)ip->aux, R[ip->a]);
        NEXT();
    }
    CASE(LOAD) {
        int64_t addr = (int64_t)((uint64_t)VA + (uint64_t)VC), v;
        if (unlikely(mem_load_fast(&p->cpu.mem, addr, &v))) {
            int e = mem_read(&p->cpu.mem, addr, &v);
            if (e) FAULT(e);
        }
        SETREG(ip->b, v);
        NEXT();
    }
    CASE(STORE) {
        int64_t addr = (int64_t)((uint64_t)VB + (uint64_t)VC);
        if (unlikely(mem_store_fast(&p->cpu.mem, addr, VA))) {
            int e = mem_write(&p->cpu.mem, addr, VA);
            if (e) FAULT(e);
        }
        NEXT();
    }
    CASE(PUSH)
    CASE(PUSHL) {
        if (likely(p->cpu.sp < p->cpu.stack_cap)) {
            p->cpu.stack[p->cpu.sp++] = VA;
        } else {
            int e = proc_push(vm, p, VA);
            if (e) FAULT(e);
        }
        NEXT();
    }
    CASE(POP)   { if (unlikely(p->cpu.sp == 0)) FAULT(ERR_EMPTY_STACK); SETREG(ip->a, p->cpu.stack[--p->cpu.sp]); NEXT(); }
    CASE(PEEK)  { if (unlikely(p->cpu.sp == 0)) FAULT(ERR_EMPTY_STACK); SETREG(ip->a, p->cpu.stack[p->cpu.sp - 1]); NEXT(); }
    CASE(DEALLOC) { int e = mem_free(&p->cpu.mem, VA); if (e) FAULT(e); NEXT(); }
    CASE(INR)   { SETREG(REG_R6, VA == 0); NEXT(); }
    CASE(NOP)   { NEXT(); }

    /* ---- integer arithmetic and bitwise: the fast path is plain Long registers ---- */
#define BINARY(OPN)                                                      \
    CASE(OPN) {                                                          \
        if (TYPED()) goto alu_general;                                   \
        int64_t v_ = alu_int(OP_##OPN, VA, VB);                          \
        R[ip->c] = v_; R[REG_ZF] = v_ == 0; R[REG_SF] = v_ < 0;          \
        NEXT();                                                          \
    }
#define DIVIDING(OPN)                                                    \
    CASE(OPN) {                                                          \
        if (TYPED()) goto alu_general;                                   \
        int64_t b_ = VB;                                                 \
        if (unlikely(b_ == 0)) FAULT(ERR_ARITHMETIC);                    \
        int64_t v_ = alu_int(OP_##OPN, VA, b_);                          \
        R[ip->c] = v_; R[REG_ZF] = v_ == 0; R[REG_SF] = v_ < 0;          \
        NEXT();                                                          \
    }
    BINARY(ADD) BINARY(SUB) BINARY(MUL) DIVIDING(DIV) DIVIDING(MOD) BINARY(POW)
    BINARY(AND) BINARY(OR) BINARY(XOR) BINARY(SHL) BINARY(SHR)
    CASE(NOT) {
        if (TYPED()) goto alu_general;
        int64_t v = ~VA;
        R[ip->b] = v; R[REG_ZF] = v == 0; R[REG_SF] = v < 0;
        NEXT();
    }

    /* ---- comparisons: R4 = 0 when the relation holds ---- */
#define COMPARE(OPN, REL, FLAG, FLAGV)                                   \
    CASE(OPN) {                                                          \
        if (TYPED()) goto compare_general;                               \
        int held_ = VA REL VB;                                           \
        SETREG(REG_R4, !held_); R[REG_ZF] = held_; R[FLAG] = FLAGV;      \
        NEXT();                                                          \
    }
    COMPARE(EQ, ==, REG_EF, held_)
    COMPARE(GT, >, REG_GF, !held_)
    COMPARE(LT, <, REG_GF, !held_)

    /* ---- control flow ---- */
    CASE(JMP)   { CONTINUE_AT(code + ip->imm[0]); }
    CASE(JZ)    { if ((VB == 0) ^ ip->aux) CONTINUE_AT(code + ip->imm[0]); NEXT(); }
    CASE(JNZ)   { if ((VB != 0) ^ ip->aux) CONTINUE_AT(code + ip->imm[0]); NEXT(); }
    CASE(CALL) {
        const CallSite *cs = &p->cpu.prog->calls[ip->aux];
        int64_t args[MAX_CALL_ARGS];
        for (uint32_t i = 0; i < cs->nargs; i++)      /* read all before writing any F */
            args[i] = R[cs->reg[i]] + cs->imm[i];
        Frame f = { .ret = (uint32_t)(ip - code) + 1, .kind = cs->callee_unit ? FRAME_LIBRARY : FRAME_CALL };
        if (likely(p->cpu.fp < p->cpu.frames_cap)) {
            p->cpu.frames[p->cpu.fp++] = f;
        } else {
            int e = proc_push_frame(vm, p, f);
            if (e) FAULT(e);
        }
        for (uint32_t i = 0; i < cs->nargs; i++)
            SETREG(REG_F1 + (int)i, args[i]);
        CONTINUE_AT(code + ip->imm[0]);
    }
    CASE(RET) {
        if (unlikely(p->cpu.fp == 0)) {   /* RET at top level ends the process with 0 */
            budget--;
            SYNC();
            p->cpu.pc = (uint32_t)(ip - code);
            proc_exit(vm, p, 0);
            goto next_process;
        }
        Frame f = p->cpu.frames[--p->cpu.fp];
        if (unlikely(f.kind == FRAME_SIGNAL)) {
            sig_return(p);
            if (p->pending) {
                /* A signal held back while this handler ran may go now: a lone process
                 * must stop at its next quantum boundary to receive it. */
                ip = code + f.ret;
                budget--;
                SYNC();
                budget = budget0 = rebudget(vm, budget);
                if (budget <= 0)
                    goto check;
                DISPATCH();
            }
        }
        CONTINUE_AT(code + f.ret);
    }
    CASE(END) {
        /* Not an instruction: nothing is counted (SPEC 10 "Ending is not an instruction"). */
        if (ip->aux == 0) {
            SYNC();
            p->cpu.pc = (uint32_t)(ip - code);
            proc_exit(vm, p, 0);
            goto next_process;
        }
        Frame f = p->cpu.frames[--p->cpu.fp];   /* a module fell off its end: return */
        ip = code + f.ret;
        DISPATCH();
    }

    /* ---- floating point, conversions ---- */
    CASE(XADD) CASE(XSUB) CASE(XMUL) CASE(XDIV) CASE(XMOD) CASE(XPOW)
    CASE(XLIT) CASE(ITOF) CASE(FTOI) {
        int e = op_float(p, ip);
        if (e) FAULT(e);
        NEXT();
    }

    /* ---- strings, I/O, system ---- */
    CASE(STR)    { int e = op_str(p, p->cpu.prog, ip); if (e) FAULT(e); NEXT(); }
    CASE(PRINTR) {
        if (likely(ip->a == REG_ZERO || p->cpu.type[ip->a] <= TYPE_LONG)) {
            char buf[24];
            size_t n = fmt_int(VA, buf);
            buf[n++] = '\n';
            fwrite_unlocked(buf, 1, n, vm->out);
        } else {
            op_printr(p, ip, vm->out);
        }
        NEXT();
    }
    CASE(PRINTS) {
        if (unlikely(p->cpu.sp == 0)) FAULT(ERR_EMPTY_STACK);
        char buf[24];
        size_t n = fmt_int(p->cpu.stack[p->cpu.sp - 1], buf);
        buf[n++] = '\n';
        fwrite_unlocked(buf, 1, n, vm->out);
        NEXT();
    }
    CASE(HELP)   { help_print_topic(vm->out, p->cpu.prog->strings[ip->aux].bytes); NEXT(); }
    CASE(SLEEP) {
        int64_t ms = VA;
        if (ms <= 0)
            NEXT();
        budget--;
        SYNC();
        p->cpu.pc = (uint32_t)(ip - code) + 1;
        sched_sleep(vm, p, ms);
        goto next_process;
    }
    CASE(SYSCALL) {
        if (unlikely(!syscall_exists(R[REG_S1])))
            FAULT(ERR_INVALID_SYSCALL);
        budget--;
        SYNC();   /* the call sees counters that include itself */
        p->cpu.pc = (uint32_t)(ip - code) + 1;
        syscall_dispatch(vm, p);
        if (vm->current != p || p->state != PROC_READY)
            goto next_process;          /* it ended, slept, paused itself or yielded */
        LOAD_PROC();                    /* exec may have replaced the program */
        if (vm->resched)
            budget = budget0 = rebudget(vm, budget);
        if (budget <= 0 || unlikely(host_stop_signal))
            goto check;                 /* a slow call (input, the VFS) may have been interrupted */
        DISPATCH();
    }

    CASE(BREAK) {
        /* A debugger breakpoint patched over this instruction (debug/engine.c). The
         * debugger says whether to stop before it or to run the instruction it covers. */
        uint8_t covered;
        SYNC();
        if (vm->break_hit(vm, p, (uint32_t)(ip - code), &covered)) {
            p->cpu.pc = (uint32_t)(ip - code);
            goto park;
        }
        REDISPATCH(covered);
    }

#if !MVM_COMPUTED_GOTO
    default:
        MVM_UNREACHABLE();
    }
#endif

    /* ---------------------------------------------------------- out-of-line paths */
alu_general: {
        int e = op_alu_general(p, ip);
        if (e) FAULT(e);
        NEXT();
    }
compare_general: {
        op_compare_general(p, ip);
        NEXT();
    }

fault:
    /* The faulting instruction counts as executed. */
    budget--;
    SYNC();
    int64_t fault_pid = p->pid;   /* sig_fault may end and reap p */
    if (!sig_fault(vm, p, (uint32_t)(ip - code), fault_code, NULL)) {
        if (unlikely(vm->break_hit != NULL)) {
            /* Under the debugger an unhandled fault stops the machine right after it. */
            vm->faulted = fault_pid;
            vm->stop_at = vm->steps;
        }
        goto next_process;
    }
    LOAD_PROC();   /* in the handler now */
    if (budget <= 0)
        goto check;
    DISPATCH();

check:
    /* The budget is spent. Usually that is the end of the quantum: rotate the ring. */
    SYNC();
    p->cpu.pc = (uint32_t)(ip - code);
    /* A host signal and a debugger's stop set watch too (sched_update_watch). */
    if (unlikely(vm->watch || ip->op == OP_END))
        goto check_carefully;
    if (unlikely(!vm->plain_rr)) {
        if (vm->policy != &sched_rr) {
            /* Every budget of another policy ends its turn (turn_budget). */
            sched_turn_used(vm, p);
            if (!vm->acts_as_rr || p->next == p) {
                /* The policy chooses who runs next. This is next_process without
                 * pick_next's looks at host signals and sleepers, either of which would
                 * have set watch. */
                p = sched_next(vm);   /* (never NULL: p is still in the ring) */
                if (unlikely(!begin_turn(vm, p)))
                    goto next_process;
                goto turn_begun;
            }
            /* It would choose p's successor for one quantum (sched.h): as round-robin
             * does. */
        }
        /* A recorder is told of round-robin's switch below (begin_turn tells it of the
         * others). */
        if (vm->rec && p->next != p && !p->next->pending)
            rec_switch(vm, p->next);
    }
    if (likely(p->next != p)) {
        Proc *n = p->next;
        if (unlikely(n->pending))
            goto next_process;   /* pick_next delivers the signal */
        vm->head = vm->current = vm->last_run = n;
        vm->switches++;
        vm->turn_start = vm->steps;
        p = n;
        LOAD_PROC();
        budget = budget0 = vm->opt.quantum;
        DISPATCH();
    }
    /* Alone: a new turn for the same process. */
    vm->turn_start = vm->steps;
    if (p->pending && !sig_deliver(vm, p))
        goto next_process;
    LOAD_PROC();
    budget = budget0 = solo_budget(vm);
    DISPATCH();

check_carefully:
    if (ip->op == OP_END && ip->aux == 0) {   /* ended right after its last instruction */
        proc_exit(vm, p, 0);
        goto next_process;
    }
    if (host_interrupted() && !vm->debugger)
        return exit_status(vm);   /* (the debugger's machine parks below, at a boundary) */
    if (vm->opt.max_steps && vm->steps - vm->run_start >= vm->opt.max_steps) {
        vm->stopped = true;
        return exit_status(vm);
    }
    if (vm->opt.hertz > 0)
        throttle(vm);
    uint64_t used = vm->steps - vm->turn_start;
    bool turn_over = used > 0 && used % (uint64_t)vm->turn_len == 0;
    if (turn_over && vm->policy != &sched_rr)
        sched_turn_used(vm, p);   /* before a snapshot, so that it holds what the turn did */
    if (vm->opt.snapshot_every && vm->steps >= vm->next_snapshot) {
        /* Between two instructions, with the rest of p's quantum still to run. */
        vm->resume_used = (vm->steps - vm->turn_start) % (uint64_t)vm->turn_len;
        snapshot_save(vm, vm->opt.snapshot_path);
        vm->resume_used = 0;
        vm->next_snapshot = vm->steps + vm->opt.snapshot_every;
    }
    if (vm->sleepers && vm->steps - vm->last_sleep_poll >= SLEEP_POLL)
        sched_wake_sleepers(vm);   /* a woken process makes p stop at its quantum's end */
    if (turn_over) {
        /* A turn boundary: rotate, unless nobody else wants the core. (A turn that
         * has not run yet, stopped at once for a snapshot, is not over.) Every policy
         * but round-robin chooses again, even for a lone process. */
        if (vm->policy != &sched_rr)
            goto next_process;
        if (p->next != p)
            goto next_process;
        vm->turn_start = vm->steps;
        if (p->pending && !sig_deliver(vm, p))
            goto next_process;
        LOAD_PROC();
    }
    if (unlikely(vm->steps >= vm->stop_at || (vm->debugger && host_interrupted())))
        goto park;   /* p is the process that runs next, its turn set up (an interrupt
                        reaches here only under the debugger: Ctrl-C ends a `continue`) */
resume:
    budget = budget0 = turn_budget(vm, p);
    if (vm->opt.trace || vm->opt.debug)
        before_instruction(vm, p, p->cpu.pc);
    DISPATCH();

park:
    /* Hand the machine back to the debugger between two instructions: p (still
     * vm->current) runs next from p->pc; vm_run called again goes on from here. */
    vm->parked = p;
park_between_turns:   /* (interrupted before a turn was chosen: vm_run chooses it again) */
    host_watch(NULL);
    fflush(vm->out);
    return VM_PAUSED;
#undef SYNC
#undef LOAD_PROC
}

/* ---------------------------------------------------------------- set-up */

void vm_init(VM *vm, const VmOptions *opt)
{
    memset(vm, 0, sizeof *vm);
    vm->opt = *opt;
    vm->next_pid = 1;
    vm->stop_at = VM_NO_STOP;
    vm->rng = opt->seed;
    vm->policy = opt->scheduler ? opt->scheduler : &sched_rr;
    vm->turn_len = opt->quantum;
    vm->lottery_rng = opt->seed;
    sched_update_turn_path(vm);
    if (vm->opt.boost_interval <= 0)
        vm->opt.boost_interval = DEFAULT_BOOST_INTERVAL;
    vm->next_boost = (uint64_t)vm->opt.boost_interval;
    vm->next_snapshot = opt->snapshot_every;
    vm->start_ms = host_time_ms();
    vm->start_ns = monotonic_ns();
    sched_update_watch(vm);
    vm->out = stdout;
    vm->err = stderr;
}

/* The directory of PID 1's program, where spawn and exec find host programs: absolute,
 * so that a snapshot resumed from another working directory finds the same files (the
 * path as typed when it cannot be resolved). NULL when out of memory. */
static char *program_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    char *abs = dir ? realpath(dir, NULL) : NULL;
    if (!abs)
        return dir;
    free(dir);
    return abs;
}

int vm_start(VM *vm, Program *prog, int argc, char **argv)
{
    int err = 0;
    Proc *p = proc_create(vm, prog, NULL, &err);
    if (!p)
        return err;
    free(vm->base_dir);
    vm->base_dir = program_dir(prog->path);
    if (!vm->base_dir)
        return ERR_MEMORY_ALLOCATION;
    err = exec_install_args(p, argv, argc);
    if (err)
        return err;
    sched_enqueue(vm, p);
    return 0;
}

void vm_free(VM *vm)
{
    trace_stop(vm);
    sched_lottery_free(vm);
    proc_table_free(vm);
    mbox_free_all(vm);
    sem_free_all(vm);
    free(vm->stats);
    rec_free(vm);
    free(vm->base_dir);
    vfs_close(vm->vfs);
    vm->vfs = NULL;
}
