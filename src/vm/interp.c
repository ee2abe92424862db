/*
 * interp.c - the interpreter loop: a Cpu's instructions, one after another (SPEC 3).
 *
 * interp_run executes every process, one stretch at a time. Hot state lives in locals:
 * the running Cpu `c`, its registers `R`, the instruction pointer `ip`, and `budget`, the
 * instructions left in the stretch the kernel gave. The common path per instruction is
 * one decrement and one predictable branch. Whatever only the kernel can do (the end of
 * the stretch, a system call, a fault, SLEEP, the end of the program, a handler's RET, a
 * breakpoint) goes through the trap door (trap.h): the kernel answers with the Cpu to
 * run next and its budget. The interpreter knows nothing of processes, queues or
 * policies.
 *
 * Dispatch is computed goto where the compiler supports it (a table of label addresses,
 * one indirect jump per instruction), and a switch otherwise; MVM_USE_SWITCH=1 forces
 * the switch so both are tested. The same case bodies serve both (Lua's vmdispatch).
 */
#include <stdlib.h>
#include <string.h>

#include "../debug.h"
#include "cpu.h"
#include "errors.h"
#include "fmt.h"
#include "fused.h"
#include "help.h"
#include "memory.h"
#include "ops.h"
#include "trap.h"

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
        R[r_] = unlikely((c->typed >> r_) & 1) ? type_normalise(c->type[r_], v_) : v_; } while (0)
/* Typed operands (Byte..Double) take the general path in ops.c. */
#define TYPED() unlikely(c->typed & ip->mask)

/* ---------------------------------------------------------------- the loop */

void interp_run(struct VM *vm, const CpuEnv *env)
{
#if MVM_COMPUTED_GOTO
    static void *const labels[OP_ALL] = {
#define OP(e, mn, ops, dst, syn, help, ex) [OP_##e] = &&L_##e,
#include "opcodes.def"
#undef OP
        [OP_END] = &&L_END,
        [OP_BREAK] = &&L_BREAK,
#define FUSE(name, first, second) [OP_##name] = &&L_##name,
#include "fused.def"
#undef FUSE
    };
#else
    int dispatch_op;
#endif
    Cpu *c;
    int64_t *R;
    const Instr *ip, *code;
    int64_t budget, budget0;   /* budget0: the budget at the last trap */
    uint32_t sp;               /* c->sp, kept here between traps */
    int fault_code = 0;

/* The instructions run since the last trap. */
#define RAN() (budget0 - budget)
/* Take the Cpu the kernel answers with (NULL: the machine stops) and its budget. */
#define ENTER(cpu) do { c = (cpu); if (!c) return; code = c->code; R = c->reg; \
        ip = code + c->pc; sp = c->sp; budget0 = budget; } while (0)
/* Trap: the kernel sees the Cpu whole (the data stack's depth lives in a local between
 * traps: PUSH and POP would otherwise wait on their own store of it, one after another). */
#define TRAP(call) do { c->sp = sp; ENTER(call); } while (0)

    ENTER(trap_start(vm, &budget));

#if MVM_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    dispatch_op = ip->op;
redispatch:
    switch (dispatch_op) {
#endif

    /* ---- data transfer ---- */
#define BODY_LIT(THEN) { SETREG(ip->a, ip->imm[1]); THEN; }
#define BODY_MOV(THEN) { SETREG(ip->b, VA); THEN; }
    CASE(LIT)   BODY_LIT(NEXT())
    CASE(MOV)   BODY_MOV(NEXT())
    CASE(SWP)   { int64_t a = R[ip->a], b = R[ip->b]; SETREG(ip->a, b); SETREG(ip->b, a); NEXT(); }
    CASE(SETTYPE) {
        cpu_set_type(c, ip->a, (int)ip->aux);
        R[ip->a] = type_normalise((int)ip->aux, R[ip->a]);
        NEXT();
    }
#define BODY_LOAD(THEN) {                                                \
        int64_t addr = (int64_t)((uint64_t)VA + (uint64_t)VC), v;        \
        if (unlikely(mem_load_fast(&c->mem, addr, &v))) {                \
            int e = mem_read(&c->mem, addr, &v);                         \
            if (e) FAULT(e);                                             \
        }                                                                \
        SETREG(ip->b, v);                                                \
        THEN;                                                            \
    }
    CASE(LOAD) BODY_LOAD(NEXT())
    CASE(STORE) {
        int64_t addr = (int64_t)((uint64_t)VB + (uint64_t)VC);
        if (unlikely(mem_store_fast(&c->mem, addr, VA))) {
            int e = mem_write(&c->mem, addr, VA);
            if (e) FAULT(e);
        }
        NEXT();
    }
#define BODY_PUSH(THEN) {                                                \
        if (likely(sp < c->stack_cap)) {                                 \
            c->stack[sp++] = VA;                                         \
        } else {                                                         \
            c->sp = sp;                                                  \
            int e = cpu_push(c, VA, env->stack_limit);                   \
            sp = c->sp;                                                  \
            if (e) FAULT(e);                                             \
        }                                                                \
        THEN;                                                            \
    }
    CASE(PUSH)
    CASE(PUSHL) BODY_PUSH(NEXT())
#define BODY_POP(THEN) { if (unlikely(sp == 0)) FAULT(ERR_EMPTY_STACK); SETREG(ip->a, c->stack[--sp]); THEN; }
    CASE(POP)   BODY_POP(NEXT())
    CASE(PEEK)  { if (unlikely(sp == 0)) FAULT(ERR_EMPTY_STACK); SETREG(ip->a, c->stack[sp - 1]); NEXT(); }
    CASE(DEALLOC) { int e = mem_free(&c->mem, VA); if (e) FAULT(e); NEXT(); }
    CASE(INR)   { SETREG(REG_R6, VA == 0); NEXT(); }
    CASE(NOP)   { NEXT(); }

    /* ---- integer arithmetic and bitwise: the fast path is plain Long registers ---- */
#define BINARY_BODY(OPN, THEN) {                                         \
        if (TYPED()) goto alu_general;                                   \
        int64_t v_ = alu_int(OP_##OPN, VA, VB);                          \
        R[ip->c] = v_; R[REG_ZF] = v_ == 0; R[REG_SF] = v_ < 0;          \
        THEN;                                                            \
    }
#define BINARY(OPN) CASE(OPN) BINARY_BODY(OPN, NEXT())
#define BODY_ADD(THEN) BINARY_BODY(ADD, THEN)
#define BODY_SUB(THEN) BINARY_BODY(SUB, THEN)
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
#define COMPARE_BODY(REL, FLAG, FLAGV, THEN) {                           \
        if (TYPED()) goto compare_general;                               \
        int held_ = VA REL VB;                                           \
        SETREG(REG_R4, !held_); R[REG_ZF] = held_; R[FLAG] = FLAGV;      \
        THEN;                                                            \
    }
#define BODY_EQ(THEN) COMPARE_BODY(==, REG_EF, held_, THEN)
#define BODY_GT(THEN) COMPARE_BODY(>, REG_GF, !held_, THEN)
#define BODY_LT(THEN) COMPARE_BODY(<, REG_GF, !held_, THEN)
    CASE(EQ) BODY_EQ(NEXT())
    CASE(GT) BODY_GT(NEXT())
    CASE(LT) BODY_LT(NEXT())

    /* ---- control flow ---- */
    CASE(JMP)   { CONTINUE_AT(code + ip->imm[0]); }
    CASE(JZ)    { if ((VB == 0) ^ ip->aux) CONTINUE_AT(code + ip->imm[0]); NEXT(); }
    CASE(JNZ)   { if ((VB != 0) ^ ip->aux) CONTINUE_AT(code + ip->imm[0]); NEXT(); }
    CASE(CALL) {
        const CallSite *cs = &c->prog->calls[ip->aux];
        int64_t args[MAX_CALL_ARGS];
        for (uint32_t i = 0; i < cs->nargs; i++)      /* read all before writing any F */
            args[i] = R[cs->reg[i]] + cs->imm[i];
        Frame f = frame_make((uint32_t)(ip - code) + 1, cs->callee_unit ? FRAME_LIBRARY : FRAME_CALL);
        if (likely(c->fp < c->frames_cap)) {
            c->frames[c->fp++] = f;
        } else {
            int e = cpu_push_frame(c, f, env->call_limit);
            if (e) FAULT(e);
        }
        for (uint32_t i = 0; i < cs->nargs; i++)
            SETREG(REG_F1 + (int)i, args[i]);
        CONTINUE_AT(code + ip->imm[0]);
    }
    CASE(RET) {
        if (unlikely(c->fp == 0)) {   /* RET at top level ends the process with 0 */
            budget--;
            c->pc = (uint32_t)(ip - code);
            TRAP(trap_exit(vm, c, RAN(), &budget));
            DISPATCH();
        }
        Frame f = c->frames[--c->fp];
        if (unlikely(f.kind == FRAME_SIGNAL)) {
            budget--;
            c->pc = f.ret;
            TRAP(trap_sigreturn(vm, c, RAN(), &budget));   /* the interrupted context */
            DISPATCH();
        }
        CONTINUE_AT(code + f.ret);
    }
    CASE(END) {
        /* Not an instruction: nothing is counted (SPEC 10 "Ending is not an instruction"). */
        if (ip->aux == 0) {
            c->pc = (uint32_t)(ip - code);
            TRAP(trap_exit(vm, c, RAN(), &budget));
            DISPATCH();
        }
        Frame f = c->frames[--c->fp];   /* a module fell off its end: return */
        ip = code + f.ret;
        DISPATCH();
    }

    /* ---- floating point, conversions ---- */
    CASE(XADD) CASE(XSUB) CASE(XMUL) CASE(XDIV) CASE(XMOD) CASE(XPOW)
    CASE(XLIT) CASE(ITOF) CASE(FTOI) {
        int e = op_float(c, ip);
        if (e) FAULT(e);
        NEXT();
    }

    /* ---- strings, I/O, system ---- */
    CASE(STR)    { int e = op_str(c, c->prog, ip); if (e) FAULT(e); NEXT(); }
    CASE(PRINTR) {
        if (unlikely(c->ahead)) goto event;
        if (likely(ip->a == REG_ZERO || c->type[ip->a] <= TYPE_LONG)) {
            char buf[24];
            size_t n = fmt_int(VA, buf);
            buf[n++] = '\n';
            fwrite_unlocked(buf, 1, n, env->out);
        } else {
            op_printr(c, ip, env->out);
        }
        NEXT();
    }
    CASE(PRINTS) {
        if (unlikely(c->ahead)) goto event;
        if (unlikely(sp == 0)) FAULT(ERR_EMPTY_STACK);
        char buf[24];
        size_t n = fmt_int(c->stack[sp - 1], buf);
        buf[n++] = '\n';
        fwrite_unlocked(buf, 1, n, env->out);
        NEXT();
    }
    CASE(HELP)   { if (unlikely(c->ahead)) goto event; help_print_topic(env->out, c->prog->strings[ip->aux].bytes); NEXT(); }
    CASE(SLEEP) {
        if (unlikely(c->ahead)) goto event;
        int64_t ms = VA;
        if (ms <= 0)
            NEXT();
        budget--;
        c->pc = (uint32_t)(ip - code) + 1;
        TRAP(trap_sleep(vm, c, ms, RAN(), &budget));
        DISPATCH();
    }
    CASE(SYSCALL) {
        budget--;   /* the call sees counters that include itself */
        c->pc = (uint32_t)(ip - code);
        TRAP(trap_syscall(vm, c, RAN(), &budget));
        DISPATCH();
    }

    CASE(BREAK) {
        /* A debugger breakpoint patched over this instruction (debug/engine.c): the
         * kernel asks the debugger whether to stop here or to run what it covers. */
        uint8_t covered;
        c->pc = (uint32_t)(ip - code);
        TRAP(trap_break(vm, c, RAN(), &budget, &covered));
        REDISPATCH(covered);
    }

    /* ---- superinstructions (fused.def): the first half, then straight into the second
     * without a dispatch; the second half counts and may end the budget as usual ---- */
#if MVM_COMPUTED_GOTO
#define FUSED_NEXT(second) do { ip++; if (unlikely(--budget <= 0)) goto check; goto L_##second; } while (0)
#define FUSE(name, first, second) L_##name: BODY_##first(FUSED_NEXT(second))
#include "fused.def"
#undef FUSE
#else
    /* (a switch runs the first half as a plain instruction: the same, without the gain) */
#define FUSE(name, first, second) case OP_##name: REDISPATCH(OP_##first);
#include "fused.def"
#undef FUSE
#endif

#if !MVM_COMPUTED_GOTO
    default:
        MVM_UNREACHABLE();
    }
#endif

    /* ---------------------------------------------------------- out-of-line paths */
alu_general: {
        int e = op_alu_general(c, ip);
        if (e) FAULT(e);
        NEXT();
    }
compare_general: {
        op_compare_general(c, ip);
        NEXT();
    }

fault:
    budget--;   /* the faulting instruction counts as executed */
    c->pc = (uint32_t)(ip - code);
    TRAP(trap_fault(vm, c, fault_code, RAN(), &budget));
    DISPATCH();

event:
    /* Running ahead: the kernel executes this instruction when its time comes. */
    c->pc = (uint32_t)(ip - code);
    TRAP(trap_event(vm, c, RAN(), &budget));
    DISPATCH();

check:
    /* The budget is spent. */
    c->pc = (uint32_t)(ip - code);
    TRAP(trap_stretch_end(vm, c, RAN(), &budget));
    DISPATCH();
#undef RAN
#undef ENTER
#undef TRAP
}
