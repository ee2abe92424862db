/*
 * turn.c - the turn machinery: who runs next and for how long, and what the kernel does
 * at the end of every stretch the interpreter runs (SPEC 4.2, 11.1). This is the
 * kernel's side of the trap door (vm/trap.h): the interpreter runs a Cpu until it traps,
 * and each trap_* function here does the kernel's part and answers with the Cpu to run
 * next and how many instructions it may run (its budget).
 *
 * A budget folds together the end of the quantum, --max-steps, --trace, hertz
 * throttling, sleeping processes and host signals (STYLE 5): the interpreter's common
 * path per instruction is one decrement and one predictable branch. No budget exceeds
 * CHECK_INTERVAL, so a host SIGINT/TERM/HUP, which only sets vm->watch (host.c), is seen
 * within a few ms.
 *
 * A context switch saves nothing: a process's registers stay in its Proc (its Cpu); the
 * ring's head moves and the interpreter is handed the next Cpu.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../vm/fused.h"
#include "../vm/trap.h"
#include "ahead.h"
#include "clock.h"
#include "debugjson.h"
#include "host.h"
#include "kernel.h"
#include "record.h"
#include "sched.h"
#include "signal.h"
#include "snapshot.h"
#include "syscall.h"
#include "trace.h"
#include "../debug.h"
#include "../vm/errors.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define SLEEP_POLL  1024   /* instructions between host-clock looks while someone sleeps */

/* The process a Cpu belongs to. */
static inline Proc *proc_of(Cpu *c)
{
    return (Proc *)((char *)c - offsetof(Proc, cpu));
}

/* ---------------------------------------------------------------- time helpers */

int64_t host_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t host_monotonic_ns(void)
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
    int64_t b = p->next != p || p->group || p->pending || vm->policy != &sched_rr ? left : left + solo_budget(vm);
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
    host_sleep_ns(due - host_monotonic_ns());
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
    if (vm->ahead_on)
        ahead_settle(vm);   /* (the run-ahead engine never parks: this is the end) */
    if (getenv("MVM_REPORT_ENGINE"))   /* for the tests that compare the engines */
        fprintf(vm->err, "mvm: engine: %s, %" PRIu64 " processes hidden\n", vm->ahead_on ? "run-ahead" : "exact",
                vm->ahead_folds);
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


/* ---------------------------------------------------------------- after a trap */

/* Count the instructions the interpreter ran since the last trap. */
static inline void credit(VM *vm, Cpu *c, int64_t ran)
{
    vm->steps += (uint64_t)ran;
    c->icount += (uint64_t)ran;
}

static inline Cpu *run(Proc *p, int64_t b, int64_t *budget)
{
    *budget = b;
    return &p->cpu;
}

/* Round-robin's turn end: n, the runner's successor, runs a quantum. */
static inline Cpu *rotate_to(VM *vm, Proc *n, int64_t *budget)
{
    vm->head = vm->current = vm->last_run = n;
    vm->switches++;
    vm->turn_start = vm->steps;
    return run(n, vm->opt.quantum, budget);
}

static Cpu *stop(VM *vm, int status)
{
    vm->run_status = status;
    return NULL;
}

/* The run-ahead engine's turn machinery (below). */
typedef enum { FAST_NEXT, FAST_TURN_OVER, FAST_AHEAD_DONE } FastAt;
static Cpu *fast_go_on(VM *vm, Proc *p, FastAt at, int64_t *budget);

/* Where the kernel goes on after a trap. */
typedef enum {
    NEXT_PROCESS,   /* the runner left the ring (or never was): choose who runs */
    TURN_BEGUN,     /* p was chosen and its turn has begun (begin_turn) */
    STRETCH_SPENT,  /* p's budget is spent: usually the end of its quantum */
    RESUME,         /* p goes on with the turn it had (the debugger let it go) */
    PARK,           /* hand the machine back to the debugger before p's next instruction */
} Resume;

/* The turn machinery from one of the points above on, until a Cpu can run (or the
 * machine stops: NULL). */
static Cpu *go_on(VM *vm, Proc *p, Resume at, int64_t *budget)
{
    int64_t b;
    switch (at) {
    case NEXT_PROCESS:  goto next_process;
    case TURN_BEGUN:    goto turn_begun;
    case STRETCH_SPENT: goto stretch_spent;
    case RESUME:        goto resume;
    case PARK:          goto park;
    }

next_process:
    if (vm->ahead_active)
        return fast_go_on(vm, NULL, FAST_NEXT, budget);
    p = pick_next(vm);
    if (!p) {
        if (unlikely(vm->debugger != NULL) && host_interrupted())
            goto park_between_turns;
        return stop(vm, exit_status(vm));
    }
turn_begun:
    b = turn_budget(vm, p);
    if (b <= 0)
        goto stretch_spent;   /* --max-steps reached, or a snapshot is due first */
    if (vm->opt.trace || vm->opt.debug)
        before_instruction(vm, p, p->cpu.pc);
    return run(p, b, budget);

stretch_spent: {
    const Instr *ip = p->cpu.code + p->cpu.pc;
    /* A host signal and a debugger's stop set watch too (sched_update_watch). */
    if (unlikely(vm->watch || ip->op == OP_END))
        goto check_carefully;
    if (vm->ahead_active)
        return fast_go_on(vm, p, FAST_TURN_OVER, budget);
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
        return rotate_to(vm, n, budget);
    }
    /* Alone: a new turn for the same process. */
    vm->turn_start = vm->steps;
    if (p->pending && !sig_deliver(vm, p))
        goto next_process;
    return run(p, solo_budget(vm), budget);
}

check_carefully: {
    /* (past the ends of modules that fall off theirs, as next_instruction) */
    const Instr *ip = p->cpu.code + next_instruction(p, p->cpu.pc);
    if (ip->op == OP_END && ip->aux == 0) {   /* ended right after its last instruction */
        proc_exit(vm, p, 0);
        goto next_process;
    }
    if (host_interrupted() && !vm->debugger)
        return stop(vm, exit_status(vm));   /* (the debugger's machine parks below) */
    if (vm->opt.max_steps && vm->steps - vm->run_start >= vm->opt.max_steps) {
        vm->stopped = true;
        return stop(vm, exit_status(vm));
    }
    if (vm->opt.hertz > 0)
        throttle(vm);
    uint64_t used = vm->steps - vm->turn_start;
    bool turn_over = used > 0 && used % (uint64_t)vm->turn_len == 0;
    if (vm->ahead_active && turn_over)
        return fast_go_on(vm, p, FAST_TURN_OVER, budget);
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
    }
    if (unlikely(vm->steps >= vm->stop_at || (vm->debugger && host_interrupted())))
        goto park;   /* p is the process that runs next, its turn set up (an interrupt
                        reaches here only under the debugger: Ctrl-C ends a `continue`) */
}
resume:
    b = turn_budget(vm, p);
    if (vm->opt.trace || vm->opt.debug)
        before_instruction(vm, p, p->cpu.pc);
    return run(p, b, budget);

park:
    /* Hand the machine back to the debugger between two instructions: p (still
     * vm->current) runs next from its pc; vm_run called again goes on from here. */
    vm->parked = p;
park_between_turns:   /* (interrupted before a turn was chosen: vm_run chooses it again) */
    host_watch(NULL);
    fflush(vm->out);
    return stop(vm, VM_PAUSED);
}


/* ---------------------------------------------------------------- the run-ahead engine */

/* Running ahead has not paid (the processes meet events every few instructions, as
 * pingpong's do), and nobody has a lead: hand the turn ends back to round-robin's own,
 * cheaper, path for a while, twice as long as the last time (4,096 instructions up to
 * 16 million). The first system call after that wakes the engine (trap_syscall). */
static void ahead_rest(VM *vm)
{
    vm->ahead_tired = false;
    vm->ahead_active = false;
    vm->ahead_resume = vm->steps + ((uint64_t)4096 << vm->ahead_rests);
    if (vm->ahead_rests < 12)
        vm->ahead_rests++;
    sched_update_turn_path(vm);
}

/* Instructions left before --max-steps (the clock never passes it). */
static inline uint64_t room(const VM *vm)
{
    return vm->opt.max_steps ? vm->opt.max_steps - (vm->steps - vm->run_start) : UINT64_MAX;
}

/* --max-steps falls inside turns counted in bulk: the machine stops there. */
static Cpu *limit_reached(VM *vm)
{
    vm->steps = vm->run_start + vm->opt.max_steps;
    vm->stopped = true;
    return stop(vm, exit_status(vm));
}

static void __attribute__((noinline)) ahead_wake(VM *vm)
{
    /* (round-robin's own turn ends did not keep the walker: the runner is the walker) */
    vm->walker = vm->current;
    vm->ahead_active = true;
    vm->ahead_resume = UINT64_MAX;
    sched_update_turn_path(vm);
}

/* The same schedule as round-robin's, without running it instruction by instruction
 * (docs/engine.md): a process whose turn is over runs ahead alone to its next event, and
 * its lead then pays for its turns; hidden in the group of the ring member before it
 * (ahead.c), it takes them a lap at a time with the whole group, in one addition to the
 * clock. Events (system calls, output, faults, the end) run in the exact schedule, at the
 * instruction count round-robin gives them, with the kernel in the state it would have.
 *
 * From FAST_NEXT: the last ring member to run (vm->walker) yielded or left the ring;
 * FAST_TURN_OVER: p's turn is over; FAST_AHEAD_DONE: p is back from running ahead. */
static Cpu *fast_go_on(VM *vm, Proc *p, FastAt at, int64_t *budget)
{
    int64_t q = vm->turn_len;
    switch (at) {
    case FAST_NEXT:
        p = vm->walker;
        if (p && p->next)
            goto turn_over;   /* it yielded: its group's turns come next all the same */
        goto next;
    case FAST_TURN_OVER:  goto turn_over;
    case FAST_AHEAD_DONE: goto fold;
    }

turn_over: {
    vm->walker = NULL;
    if (p->group) {
        Proc *m = ahead_visit(vm, p, room(vm));
        if (m == p)
            return limit_reached(vm);
        if (m) {
            vm->head = m;   /* its lead ran out in this visit: its turn is next */
            goto next;
        }
    }
    if (p->ahead_wait) {
        p->ahead_wait--;
    } else if (ahead_may_run(vm, p)) {
        vm->ahead_of = p;
        vm->current = NULL;
        p->cpu.ahead = 1;
        *budget = CHECK_INTERVAL;
        return &p->cpu;   /* back through the traps to ahead_back */
    }
    if (p->stop == AHEAD_OPEN && !vm->watch) {
        /* Nothing to hide: round-robin's own turn end, when the successor has no lead
         * (and no --max-steps may cut its quantum: turn_budget below sees to that). */
        Proc *n = p->next;
        if (n != p && !n->pending && n->stop == AHEAD_OPEN) {
            vm->walker = n;
            if (vm->rec)
                rec_switch(vm, n);
            return rotate_to(vm, n, budget);
        }
    }
}
fold: {
    Proc *n = p->next;
    ahead_fold(vm, p);
    vm->head = n;
}
next:
    vm->current = NULL;
    p = pick_next(vm);
    if (!p) {
        if (unlikely(vm->debugger != NULL) && host_interrupted())
            return stop(vm, VM_PAUSED);
        return stop(vm, exit_status(vm));
    }
    vm->walker = p;
    /* Its lead pays for its turn: whole, or in part before the rest runs exactly. */
    if (p->stop != AHEAD_OPEN) {
        if ((uint64_t)(p->lead < q ? p->lead : q) > room(vm))
            return limit_reached(vm);
        if (p->lead > q || (p->lead == q && p->stop != AHEAD_END)) {
            vm->steps += (uint64_t)q;
            p->lead -= q;
            goto turn_over;
        }
        vm->steps += (uint64_t)p->lead;
        p->lead = 0;
        AheadStop s = p->stop;
        ahead_set_stop(vm, p, AHEAD_OPEN);
        if (vm->ahead_leads == 0 && vm->ahead_tired)
            ahead_rest(vm);
        if (s == AHEAD_END) {   /* ended right after its last instruction */
            vm->walker = NULL;
            proc_exit(vm, p, 0);
            goto next;
        }
    }
    int64_t b = turn_budget(vm, p);
    if (b <= 0)
        return go_on(vm, p, STRETCH_SPENT, budget);   /* --max-steps reached */
    return run(p, b, budget);
}

/* Why a process running ahead came back. */
typedef enum {
    AHEAD_SPENT,    /* its budget is spent */
    AHEAD_BEFORE,   /* before an event instruction, not executed (trap_event) */
    AHEAD_AT,       /* at an event instruction the interpreter counted (a system call, a fault) */
    AHEAD_ENDED,    /* its program ended */
} AheadWhy;

/* The private part of the run counts into its lead; what comes next is left where it is
 * (c->pc), for the exact schedule to run when its time comes. */
static Cpu *ahead_back(VM *vm, Cpu *c, AheadWhy why, int64_t ran, int64_t *budget)
{
    Proc *p = vm->ahead_of;
    int64_t done = why == AHEAD_AT ? ran - 1 : ran;
    c->icount += (uint64_t)done;
    p->lead += done;
    AheadStop s = AHEAD_MORE;
    if (why == AHEAD_BEFORE || why == AHEAD_AT) {
        s = AHEAD_EVENT;
    } else if (why == AHEAD_ENDED) {
        s = AHEAD_END;
    } else {
        const Instr *ip = c->code + next_instruction(p, c->pc);
        if (ip->op == OP_END && ip->aux == 0)
            s = AHEAD_END;
    }
    if (s == AHEAD_MORE && p->lead < AHEAD_TARGET && !vm->watch) {
        *budget = CHECK_INTERVAL;
        return c;
    }
    c->ahead = 0;
    vm->ahead_of = NULL;
    ahead_set_stop(vm, p, s == AHEAD_MORE && p->lead == 0 ? AHEAD_OPEN : (int)s);
    if (p->lead < AHEAD_USEFUL || p->lead < vm->turn_len) {
        ahead_missed(p);
        /* When nobody else is ahead either, the engine rests once this lead is spent. */
        vm->ahead_tired = vm->ahead_leads <= (p->stop != AHEAD_OPEN);
        if (vm->ahead_tired && vm->ahead_leads == 0)
            ahead_rest(vm);
    } else {
        p->ahead_misses = 0;
        vm->ahead_tired = false;
        vm->ahead_rests = 0;
    }
    return fast_go_on(vm, p, FAST_AHEAD_DONE, budget);
}

/* ---------------------------------------------------------------- the traps */

Cpu *trap_start(VM *vm, int64_t *budget)
{
    host_watch(&vm->watch);
    if (!vm->debugger)   /* superinstructions (vm/fused.h); a debugger runs the plain code */
        for (size_t i = 0; i < vm->ntable; i++)
            if (vm->table[i] && vm->table[i]->cpu.prog)
                prog_fuse(vm->table[i]->cpu.prog);
    if (vm->steps == 0 && !vm->parked) {   /* a fresh machine: which engine runs it */
        vm->ahead_on = vm->ahead_active = ahead_possible(vm);
        vm->ahead_resume = UINT64_MAX;
        sched_update_turn_path(vm);
    }
    if (vm->opt.trace && !vm->tracer && trace_start(vm, vm->opt.trace_pid) != 0)
        fprintf(vm->err, "mvm: --trace: out of memory; running without it\n");
    if (vm->parked) {
        /* The debugger stopped the machine between two instructions (park) and now lets
         * it go on: the same process, the same turn, exactly where it was. */
        Proc *p = vm->parked;
        vm->parked = NULL;
        if (vm->steps >= vm->stop_at || host_interrupted())
            return go_on(vm, p, PARK, budget);   /* (only the debugger parks: vm->parked) */
        return go_on(vm, p, RESUME, budget);
    }
    return go_on(vm, NULL, NEXT_PROCESS, budget);
}

Cpu *trap_stretch_end(VM *vm, Cpu *c, int64_t ran, int64_t *budget)
{
    Proc *p = proc_of(c);
    /* Round-robin's turn end, the hottest path: the successor runs a quantum. */
    if (likely(vm->plain_rr && !vm->watch && c->code[c->pc].op != OP_END)) {
        Proc *n = p->next;
        if (likely(n != p && !n->pending)) {
            credit(vm, c, ran);
            return rotate_to(vm, n, budget);
        }
    }
    if (unlikely(vm->ahead_of))   /* (never under plain_rr) */
        return ahead_back(vm, c, AHEAD_SPENT, ran, budget);
    credit(vm, c, ran);
    if (vm->ahead_active && !vm->watch && c->code[c->pc].op != OP_END)
        return fast_go_on(vm, p, FAST_TURN_OVER, budget);   /* (as go_on would, one call sooner) */
    return go_on(vm, p, STRETCH_SPENT, budget);
}

Cpu *trap_syscall(VM *vm, Cpu *c, int64_t ran, int64_t *budget)
{
    if (unlikely(vm->ahead_of))
        return ahead_back(vm, c, AHEAD_AT, ran, budget);
    if (unlikely(vm->steps >= vm->ahead_resume))
        ahead_wake(vm);
    if (unlikely(!syscall_exists(c->reg[REG_S1])))
        return trap_fault(vm, c, ERR_INVALID_SYSCALL, ran, budget);
    credit(vm, c, ran);   /* the call sees counters that include itself */
    Proc *p = proc_of(c);
    c->pc++;
    syscall_dispatch(vm, p);
    if (vm->current != p || p->state != PROC_READY)
        return go_on(vm, NULL, NEXT_PROCESS, budget);   /* it ended, slept, paused or yielded */
    if (vm->resched)
        *budget = rebudget(vm, *budget);
    if (*budget <= 0 || unlikely(host_stop_signal))
        return go_on(vm, p, STRETCH_SPENT, budget);   /* a slow call may have been interrupted */
    return c;   /* (exec may have replaced its program: the interpreter reloads it) */
}

Cpu *trap_fault(VM *vm, Cpu *c, int code, int64_t ran, int64_t *budget)
{
    if (unlikely(vm->ahead_of))
        return ahead_back(vm, c, AHEAD_AT, ran, budget);
    credit(vm, c, ran);   /* the faulting instruction counts as executed */
    Proc *p = proc_of(c);
    int64_t fault_pid = p->pid;   /* sig_fault may end and reap p */
    if (!sig_fault(vm, p, c->pc, code, NULL)) {
        if (unlikely(vm->break_hit != NULL)) {
            /* Under the debugger an unhandled fault stops the machine right after it. */
            vm->faulted = fault_pid;
            vm->stop_at = vm->steps;
        }
        return go_on(vm, NULL, NEXT_PROCESS, budget);
    }
    if (*budget <= 0)   /* in the handler now */
        return go_on(vm, p, STRETCH_SPENT, budget);
    return c;
}

Cpu *trap_sleep(VM *vm, Cpu *c, int64_t ms, int64_t ran, int64_t *budget)
{
    credit(vm, c, ran);
    sched_sleep(vm, proc_of(c), ms);
    return go_on(vm, NULL, NEXT_PROCESS, budget);
}

Cpu *trap_exit(VM *vm, Cpu *c, int64_t ran, int64_t *budget)
{
    if (unlikely(vm->ahead_of))
        return ahead_back(vm, c, AHEAD_ENDED, ran, budget);
    credit(vm, c, ran);
    proc_exit(vm, proc_of(c), 0);
    return go_on(vm, NULL, NEXT_PROCESS, budget);
}

Cpu *trap_event(VM *vm, Cpu *c, int64_t ran, int64_t *budget)
{
    return ahead_back(vm, c, AHEAD_BEFORE, ran, budget);   /* (only a Cpu running ahead stops here) */
}

Cpu *trap_sigreturn(VM *vm, Cpu *c, int64_t ran, int64_t *budget)
{
    credit(vm, c, ran);
    Proc *p = proc_of(c);
    sig_return(p);
    /* A signal held back while this handler ran may go now: a lone process must stop at
     * its next quantum boundary to receive it. */
    if (p->pending)
        *budget = rebudget(vm, *budget);
    if (*budget <= 0)
        return go_on(vm, p, STRETCH_SPENT, budget);
    return c;
}

Cpu *trap_break(VM *vm, Cpu *c, int64_t ran, int64_t *budget, uint8_t *covered)
{
    credit(vm, c, ran);
    Proc *p = proc_of(c);
    /* A debugger breakpoint patched over this instruction (debug/engine.c). The debugger
     * says whether to stop before it or to run the instruction it covers. */
    if (vm->break_hit(vm, p, c->pc, covered))
        return go_on(vm, p, PARK, budget);
    return c;
}

int vm_run(VM *vm)
{
    CpuEnv env = { .out = vm->out, .stack_limit = vm->opt.stack_size, .call_limit = vm->opt.call_depth };
    interp_run(vm, &env);
    return vm->run_status;
}
