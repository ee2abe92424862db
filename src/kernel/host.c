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
#include <stdlib.h>
#include <string.h>
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
static int    in_fd;              /* the descriptor read: 0, or the debugger's choice */
static int    in_eof;             /* read(2) said end of input (or failed for good) */

static int tape_on;

/* Wait until fd 0 can be read without blocking. Returns 0, or -1 when interrupted. Under
 * the debugger (the tape is on) a Ctrl-C does not cut the wait: the read would fail, and
 * the history would depend on the moment of the Ctrl-C. The machine stops after the read. */
static int wait_readable(void)
{
    struct pollfd pfd = { .fd = in_fd, .events = POLLIN };
    for (;;) {
        if (host_stop_signal && !(tape_on && host_stop_signal == SIGINT))
            return -1;
        int n = poll(&pfd, 1, WAIT_SLICE_MS);
        if (n > 0)
            return 0;   /* readable, or hung up / in error: read(2) tells which */
        if (n < 0 && errno != EINTR)
            return 0;   /* poll itself failed (fd 0 closed): let read report it */
    }
}

/* The debugger's tape (host_stdin_record): every byte the machine consumed, in order,
 * and how far the machine has consumed it. A machine sent back in time re-reads the
 * tape up to its end before it reads anything new. */
static char  *tape;
static size_t tape_len, tape_cap, tape_pos;

void host_stdin_use_fd(int fd)
{
    in_fd = fd;
    if (fd < 0)
        in_eof = 1;   /* no input at all: every reader sees end of input */
}

void host_stdin_record(void) { tape_on = 1; }
size_t host_stdin_position(void) { return tape_pos; }
void host_stdin_rewind(size_t pos) { tape_pos = pos < tape_len ? pos : tape_len; }

/* Keep bytes the machine consumed from the real input on the tape. 0, or -1 when out of
 * memory (the bytes are then lost for going back, not for the run). */
static int tape_append(const char *b, size_t n)
{
    if (tape_len + n > tape_cap) {
        size_t cap = tape_cap ? tape_cap : 4096;
        while (cap < tape_len + n)
            cap *= 2;
        char *t = realloc(tape, cap);
        if (!t)
            return -1;
        tape = t;
        tape_cap = cap;
    }
    memcpy(tape + tape_len, b, n);
    tape_len += n;
    tape_pos = tape_len;
    return 0;
}

ptrdiff_t host_stdin_peek(const char **data)
{
    if (tape_on && tape_pos < tape_len) {
        *data = tape + tape_pos;
        return (ptrdiff_t)(tape_len - tape_pos);
    }
    while (in_start == in_end && !in_eof) {
        if (wait_readable() != 0)
            return -1;
        ssize_t n = read(in_fd, in_buf, sizeof in_buf);
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
    if (tape_on && tape_pos < tape_len) {
        tape_pos += n < tape_len - tape_pos ? n : tape_len - tape_pos;
        return;
    }
    n = n < in_end - in_start ? n : in_end - in_start;
    if (tape_on)
        tape_append(in_buf + in_start, n);
    in_start += n;
}
