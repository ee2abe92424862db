/*
 * test_sched.c - the ready queue and the turn order of the kernel (SPEC 4.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm/asm.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"

/* Round-robin: the running process stays in the ring and becomes the tail. */
static void ring_is_round_robin(void **state)
{
    VM vm;
    memset(&vm, 0, sizeof vm);
    vm.policy = &sched_rr;
    Proc a = { .pid = 1 }, b = { .pid = 2 }, c = { .pid = 3 };
    assert_null(sched_next(&vm));
    sched_enqueue(&vm, &a);
    sched_enqueue(&vm, &b);
    assert_true(vm.resched);
    assert_ptr_equal(sched_next(&vm), &a);   /* a runs */
    sched_enqueue(&vm, &c);                  /* new: runs before a's next turn */
    assert_ptr_equal(sched_next(&vm), &b);
    assert_ptr_equal(sched_next(&vm), &c);
    assert_ptr_equal(sched_next(&vm), &a);
    assert_ptr_equal(sched_next(&vm), &b);
}

/* A process that leaves the ring while running hands the core to its successor. */
static void remove_running_and_waiting(void **state)
{
    VM vm;
    memset(&vm, 0, sizeof vm);
    vm.policy = &sched_rr;
    Proc a = { .pid = 1 }, b = { .pid = 2 }, c = { .pid = 3 };
    sched_enqueue(&vm, &a);
    sched_enqueue(&vm, &b);
    sched_enqueue(&vm, &c);
    assert_ptr_equal(sched_next(&vm), &a);
    sched_remove(&vm, &a);                   /* a exits while running */
    assert_null(vm.current);
    assert_ptr_equal(sched_next(&vm), &b);   /* b runs next, no rotation skipped */
    sched_remove(&vm, &c);                   /* c paused while waiting */
    sched_remove(&vm, &c);                   /* not in the ring: no effect */
    assert_ptr_equal(sched_next(&vm), &b);   /* alone now */
    assert_ptr_equal(b.next, &b);
    sched_remove(&vm, &b);
    assert_null(sched_next(&vm));
    sched_enqueue(&vm, &c);
    assert_ptr_equal(sched_next(&vm), &c);
}

static uint64_t test_random(uint64_t *state)   /* SplitMix64, for the random test below */
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* lottery finds a ticket's holder in its index (sched_lottery.c): through a random mix of
 * every change the ring sees (processes joining, leaving while they wait or while they
 * run, new nice values, turn ends, yields, draws, and the index dropped now and then, as
 * when memory runs out), it names the same holder as walking the ring does, for the
 * first, the last and random tickets. */
static void lottery_index_matches_walk(void **state)
{
    enum { NPROCS = 300, STEPS = 200000 };
    VM vm;
    memset(&vm, 0, sizeof vm);
    vm.policy = &sched_lottery;
    vm.opt.quantum = 1;
    vm.lottery_rng = 7;
    Proc *procs = calloc(NPROCS, sizeof *procs);
    assert_non_null(procs);
    uint64_t rng = 2024;
    for (int step = 0; step < STEPS; step++) {
        uint64_t r = test_random(&rng);
        Proc *p = &procs[r % NPROCS];
        switch ((r >> 32) % 16) {
        case 0: case 1: case 2:
            if (!p->next)
                sched_enqueue(&vm, p);
            break;
        case 3:
            sched_remove(&vm, p);   /* waiting, running, or not in the ring at all */
            break;
        case 4:
            sched_set_nice(&vm, p, (int)((r >> 40) % 40) + NICE_MIN);
            break;
        case 5:
            if (vm.current)
                sched_end_turn(&vm, vm.current);
            break;
        case 6:
            if ((r >> 40) % 64 == 0)
                sched_lottery_free(&vm);   /* the next look builds it again from the ring */
            break;
        default:
            if (vm.head)
                sched_next(&vm);   /* the runner joins the tail, and a ticket is drawn */
            break;
        }
        uint64_t total = 0;   /* the waiting processes' tickets, by walking the ring */
        if (vm.head) {
            const Proc *q = vm.head;
            do {
                if (q != vm.current)
                    total += (uint64_t)sched_tickets(q);
            } while ((q = q->next) != vm.head);
        }
        if (total == 0)
            continue;
        uint64_t tickets[4] = { 0, total - 1, test_random(&rng) % total, test_random(&rng) % total };
        for (int i = 0; i < 4; i++)
            assert_ptr_equal(sched_lottery_holder(&vm, tickets[i]), sched_lottery_walk(&vm, tickets[i]));
    }
    sched_lottery_free(&vm);
    free(procs);
}

/* Run source text as PID 1 with the given quantum; return its standard output. */
static char *run_source(const char *src, int64_t quantum, int *status)
{
    int nerr = 0;
    Program *prog = asm_assemble_source("test.kar", src, strlen(src), NULL, stderr, &nerr);
    assert_non_null(prog);
    VmOptions o = { .memory_size = 1 << 16, .heap_start = 1024, .stack_size = 64, .call_depth = 64,
                    .quantum = quantum, .max_processes = 16, .mailbox_capacity = 4 };
    VM vm;
    vm_init(&vm, &o);
    char *buf = NULL;
    size_t len = 0;
    vm.out = open_memstream(&buf, &len);
    assert_int_equal(vm_start(&vm, prog, 0, NULL), 0);
    program_release(prog);
    *status = vm_run(&vm);
    fclose(vm.out);
    vm_free(&vm);
    return buf;
}

/* Parent and child print alternately at quantum 1: the child is queued at once. */
static const char *two_procs =
    "LIT S1 8\n"
    "SYSCALL\n"          /* fork */
    "PRINTR 1\n"
    "PRINTR 2\n"
    "PRINTR 3\n";

static void round_robin_quantum_1(void **state)
{
    int status;
    char *out = run_source(two_procs, 1, &status);
    /* parent: LIT, SYSCALL (child queued), then turns alternate child, parent, ... */
    assert_string_equal(out, "1\n1\n2\n2\n3\n3\n");
    assert_int_equal(status, 0);
    free(out);
}

static void round_robin_quantum_3(void **state)
{
    int status;
    char *out = run_source(two_procs, 3, &status);
    /* parent's turn: LIT, SYSCALL, PRINTR 1; child: PRINTR 1, 2, 3; parent: 2, 3 */
    assert_string_equal(out, "1\n1\n2\n3\n2\n3\n");
    free(out);
    (void)status;
}

static void exit_status_is_pid1_code(void **state)
{
    int status;
    char *out = run_source("LIT S1 6\nLIT S2 300\nSYSCALL\nPRINTR 9\n", 1, &status);
    assert_string_equal(out, "");
    assert_int_equal(status, 300 % 256);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_is_round_robin),
        cmocka_unit_test(remove_running_and_waiting),
        cmocka_unit_test(lottery_index_matches_walk),
        cmocka_unit_test(round_robin_quantum_1),
        cmocka_unit_test(round_robin_quantum_3),
        cmocka_unit_test(exit_status_is_pid1_code),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
