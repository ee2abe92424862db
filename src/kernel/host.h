/*
 * host.h - where the machine meets the host: interruption by host signals, waits that an
 * interruption cuts short, and the standard-input buffer every reader shares (SPEC 3).
 *
 * A host SIGINT, SIGTERM or SIGHUP only records itself (host_interrupt); the interpreter
 * looks at host_interrupted() at its turn checks, which come at least every
 * CHECK_INTERVAL instructions, and at every wait, so it stops at an instruction boundary
 * and never in the middle of a VFS transaction.
 */
#ifndef MVM_HOST_H
#define MVM_HOST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* Catch SIGINT, SIGTERM and SIGHUP from now on: each records itself with host_interrupt.
 * A second one of the same kind kills mvm the default way (an escape hatch). A signal
 * that was ignored when mvm started (nohup) stays ignored. */
void host_catch_signals(void);
/* Ask the machine to stop, as host signal sig would. Async-signal-safe. */
void host_interrupt(int sig);
/* The signal that asked the machine to stop, or 0. host_stop_signal is the same flag for
 * the interpreter's turn check, which reads it without a call. */
int  host_interrupted(void);
extern volatile sig_atomic_t host_stop_signal;
/* While a machine runs, the handler also sets its flag *watch (VM.watch), which the
 * interpreter already tests at the end of every turn: the stop costs no extra test on
 * the hot path. NULL: no machine runs. */
void host_watch(volatile sig_atomic_t *watch);
/* Forget a stop request (a harness running many machines in one process). */
void host_interrupt_clear(void);

/* Sleep ns nanoseconds, or less when interrupted. */
void host_sleep_ns(int64_t ns);

/* Standard input (readIo, io.readln and the console device share it). host_stdin_peek
 * makes at least one byte available, waiting for it if need be, and points *data at the
 * buffered bytes; it returns their number, 0 at end of input, or -1 when interrupted
 * while waiting. host_stdin_consume(n) drops the first n of them. */
ptrdiff_t host_stdin_peek(const char **data);
void      host_stdin_consume(size_t n);
/* The debugger: read the machine's input from fd instead of 0 (-1: no input, end of
 * input at once), and record what the machine consumes so that a machine sent back in
 * time reads the same bytes again. position is how much it has consumed; rewind puts
 * it back to a position returned earlier. */
void      host_stdin_use_fd(int fd);
void      host_stdin_record(void);
size_t    host_stdin_position(void);
void      host_stdin_rewind(size_t pos);

#endif
