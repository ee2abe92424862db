/*
 * host.c - interruption by host signals, interruptible waits and the shared standard-input
 * buffer (see host.h).
 *
 * Why SA_RESTART: a write to standard output that a signal interrupts would otherwise fail
 * with EINTR, and stdio drops the buffer it was writing, losing output SPEC 3 says must
 * survive. With SA_RESTART writes simply go on; the waits that must end early do not rely
 * on EINTR alone: nanosleep and poll are never restarted (signal(7)), and each wait is cut
 * into slices of at most WAIT_SLICE_NS with a look at the flag between them, so even a
 * signal that lands just before a wait begins is noticed within one slice.
 *
 * Standard input is read with read(2) into our own buffer, not through stdio: a stdio read
 * blocks inside read(2), which SA_RESTART restarts, and a line that never ends would keep
 * mvm there. Here every read comes after poll(2) said the descriptor is ready.
 */
#include "host.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SLICE_NS (50 * 1000000L)   /* longest wait without a look at the flag: 50 ms */
#define WAIT_SLICE_MS 50
#define STDIN_BUF     65536

volatile sig_atomic_t host_stop_signal;
static volatile sig_atomic_t *volatile watch_flag;

void host_interrupt(int sig)
{
    if (!host_stop_signal)
        host_stop_signal = sig;
    if (watch_flag)
        *watch_flag = 1;
}

void host_watch(volatile sig_atomic_t *watch)
{
    watch_flag = watch;
    if (watch && host_stop_signal)
        *watch = 1;
}

int host_interrupted(void)
{
    return host_stop_signal;
}

void host_interrupt_clear(void)
{
    host_stop_signal = 0;
}

static void on_signal(int sig)
{
    host_interrupt(sig);
}

void host_catch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART | SA_RESETHAND };
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* A signal ignored when mvm started stays ignored (nohup, a shell's background job). */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
}

void host_sleep_ns(int64_t ns)
{
    while (ns > 0 && !host_stop_signal) {
        int64_t slice = ns < WAIT_SLICE_NS ? ns : WAIT_SLICE_NS;
        struct timespec ts = { 0, (long)slice };
        ns -= slice;
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !host_stop_signal) {
        }
    }
}

/* ---- standard input ---- */

static char   in_buf[STDIN_BUF];
static size_t in_start, in_end;   /* buffered bytes: in_buf[in_start .. in_end) */
static int    in_eof;             /* read(2) said end of input (or failed for good) */

/* Wait until fd 0 can be read without blocking. Returns 0, or -1 when interrupted. */
static int wait_readable(void)
{
    struct pollfd pfd = { .fd = 0, .events = POLLIN };
    for (;;) {
        if (host_stop_signal)
            return -1;
        int n = poll(&pfd, 1, WAIT_SLICE_MS);
        if (n > 0)
            return 0;   /* readable, or hung up / in error: read(2) tells which */
        if (n < 0 && errno != EINTR)
            return 0;   /* poll itself failed (fd 0 closed): let read report it */
    }
}

ptrdiff_t host_stdin_peek(const char **data)
{
    while (in_start == in_end && !in_eof) {
        if (wait_readable() != 0)
            return -1;
        ssize_t n = read(0, in_buf, sizeof in_buf);
        if (n > 0) {
            in_start = 0;
            in_end = (size_t)n;
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            in_eof = 1;
        }
    }
    *data = in_buf + in_start;
    return (ptrdiff_t)(in_end - in_start);
}

void host_stdin_consume(size_t n)
{
    in_start += n < in_end - in_start ? n : in_end - in_start;
}
