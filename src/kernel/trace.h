/*
 * trace.h - --trace (SPEC 9): one line per executed instruction and one per kernel event,
 * on standard error. The format is described in docs/command-line.md.
 *
 * The narrow hook: the interpreter calls trace_step before each instruction when tracing
 * (trace mode runs with a budget of 1, so the careful path sees every instruction); the
 * kernel calls trace_event and friends where events happen, each behind one test of
 * vm->tracer, so nothing costs anything when not tracing.
 *
 * An instruction's line is printed once it has run, so it can show what it wrote: the
 * line is kept pending until the next instruction (or event, fault or exit) and the
 * registers are compared with a copy taken before it ran.
 */
#ifndef MVM_TRACE_H
#define MVM_TRACE_H

#include <stdarg.h>
#include <stdint.h>

#include "kernel.h"

/* Start tracing vm (only_pid 0: every process). Returns 0, or -1 when out of memory. */
int  trace_start(VM *vm, int64_t only_pid);
/* p is about to run instruction pc (module ends already skipped). */
void trace_step(VM *vm, Proc *p, uint32_t pc);
/* A kernel event of process pid (other: a second process it concerns, or 0). */
void trace_event(VM *vm, int64_t pid, int64_t other, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* p faulted with code: its pending line says so; then everything is written out, before
 * the diagnostic. */
void trace_fault(VM *vm, Proc *p, int code);
/* p is ending: settle its pending line while its registers still exist. */
void trace_ending(VM *vm, Proc *p);
/* Write out everything held back (before another diagnostic, or at the end). */
void trace_flush(VM *vm);
/* path made safe to print (a static buffer, valid until the next call). */
const char *trace_safe(const char *path);
/* Flush and free (vm_free). */
void trace_stop(VM *vm);

#endif
