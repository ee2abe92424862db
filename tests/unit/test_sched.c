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
        cmocka_unit_test(round_robin_quantum_1),
        cmocka_unit_test(round_robin_quantum_3),
        cmocka_unit_test(exit_status_is_pid1_code),
    };
    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
