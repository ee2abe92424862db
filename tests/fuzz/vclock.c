/*
 * vclock.c - the virtual clock every fuzz harness links (tests/fuzz/run.sh compiles the MVM
 * sources with clock_gettime and nanosleep renamed to the mvm_fuzz_ functions below).
 *
 * The clock starts at the same instant for every input (vclock_reset) and moves only when
 * the machine sleeps, plus 1 us per look so time does pass: SLEEP costs no real time (no
 * false timeouts) and a run depends on its input alone. A program may sleep for centuries,
 * and --max-steps does not count sleeping: once a run has slept VCLOCK_RUN_NS of virtual
 * time the clock interrupts it as a host SIGINT would (kernel/host.h), which also puts
 * the interruption path under the sanitizers.
 *
 * The two clock functions are weak, so a harness may define its own instead.
 */
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "kernel/host.h"
#include "vclock.h"

#define VCLOCK_START_NS INT64_C(1700000000000000000)   /* 2023-11-14, for every input */
#define VCLOCK_MAX_NS   (INT64_MAX / 2)
#define VCLOCK_RUN_NS   (INT64_C(3600) * 1000000000)     /* a run sleeps at most an hour */

static int64_t vclock_ns = VCLOCK_START_NS;

int mvm_fuzz_clock_gettime(clockid_t clk, struct timespec *ts);
int mvm_fuzz_nanosleep(const struct timespec *req, struct timespec *rem);

void vclock_reset(void)
{
    vclock_ns = VCLOCK_START_NS;
    host_interrupt_clear();
}

__attribute__((weak)) int mvm_fuzz_clock_gettime(clockid_t clk, struct timespec *ts)
{
    (void)clk;
    if (vclock_ns < VCLOCK_MAX_NS)
        vclock_ns += 1000;
    ts->tv_sec = vclock_ns / 1000000000;
    ts->tv_nsec = vclock_ns % 1000000000;
    return 0;
}

__attribute__((weak)) int mvm_fuzz_nanosleep(const struct timespec *req, struct timespec *rem)
{
    (void)rem;
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return -1;                           /* EINVAL, as the real one */
    int64_t ns = req->tv_sec > (VCLOCK_MAX_NS - vclock_ns) / 1000000000
                     ? VCLOCK_MAX_NS - vclock_ns
                     : (int64_t)req->tv_sec * 1000000000 + req->tv_nsec;
    if (ns > VCLOCK_MAX_NS - vclock_ns)
        ns = VCLOCK_MAX_NS - vclock_ns;
    vclock_ns += ns;
    if (vclock_ns - VCLOCK_START_NS > VCLOCK_RUN_NS)
        host_interrupt(SIGINT);
    return 0;
}
