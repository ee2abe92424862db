/*
 * dump.c - the people-readable views of a process and of the kernel's tables (dump.h).
 *
 * Every view writes whole lines, each starting with two spaces, so a dump stands out
 * under the line that introduced it ("[debug] ..." or a fault diagnostic).
 */
#include "dump.h"

#include <inttypes.h>
#include <string.h>

#include "../host/safetext.h"
#include "../vm/fmt.h"
#include "mailbox.h"

#define STACK_SHOWN  16    /* data-stack words a dump shows (top first); the rest are counted */
#define FRAMES_SHOWN 32    /* call-stack frames a dump shows (innermost first) */


const char *dump_flag_name(int r)
{
    return reg_flag_name(r) ? reg_flag_name(r) : reg_name(r);
}

size_t dump_reg_value(const Proc *p, int r, uint32_t pc, char *buf, size_t cap)
{
    int64_t v = r == REG_PC && p->cpu.prog ? (int64_t)proc_line(p, pc) : p->cpu.reg[r];
    char tmp[FMT_FLOAT_MAX];
    size_t n;
    if (p->cpu.type[r] == TYPE_DOUBLE) {
        double d;
        memcpy(&d, &v, sizeof d);
        n = fmt_double(d, tmp, sizeof tmp);
    } else if (p->cpu.type[r] == TYPE_FLOAT) {
        uint32_t bits = (uint32_t)v;
        float f;
        memcpy(&f, &bits, sizeof f);
        n = fmt_float(f, tmp, sizeof tmp);
    } else {
        n = fmt_int(v, tmp);
    }
    return (size_t)snprintf(buf, cap, "%.*s", (int)n, tmp) < cap ? n : cap - 1;
}

size_t dump_where(const Program *prog, uint32_t pc, char *buf, size_t cap)
{
    const InstrInfo *in = &prog->info[pc];
    const char *path = prog->units[in->unit].path;
    if (in->unit == 0) {   /* the main program by its file name: columns stay narrow */
        const char *slash = strrchr(path, '/');
        path = slash ? slash + 1 : path;
    }
    char shown[256];
    int n = snprintf(buf, cap, "%s:%" PRIu32, safe_text(shown, sizeof shown, path), in->line);
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

void dump_registers(FILE *f, const Proc *p, uint32_t pc, bool all)
{
    char v[FMT_FLOAT_MAX];
    if (!all) {
        int shown = 0;
        fputs("  ", f);
        for (int r = 0; r < REG_ZERO; r++) {
            if (p->cpu.reg[r] == 0 && r != REG_PC && p->cpu.type[r] == reg_default_type(r))
                continue;
            dump_reg_value(p, r, pc, v, sizeof v);
            fprintf(f, "%s%s=%s", shown++ ? " " : "", dump_flag_name(r), v);
            if (p->cpu.type[r] != reg_default_type(r))
                fprintf(f, "(%s)", type_names[p->cpu.type[r]]);
        }
        fputc('\n', f);
        return;
    }
    for (int bank = 0; bank < 6; bank++) {
        fputs(" ", f);
        for (int r = bank * 10 - (bank > 1 ? 6 : 0), k = 0; k < (bank == 1 ? 4 : 10); r++, k++) {
            dump_reg_value(p, r, pc, v, sizeof v);
            const char *flag = reg_flag_name(r);   /* I1 shows as I1/ZF */
            fprintf(f, " %s%s%s=%s:%s", reg_name(r), flag ? "/" : "", flag ? flag : "", v,
                    type_names[p->cpu.type[r]]);
        }
        fputc('\n', f);
    }
}

void dump_memory(FILE *f, Proc *p, int64_t a, int64_t b)
{
    for (int64_t addr = a; addr <= b; addr++) {
        int64_t w;
        if ((addr - a) % 8 == 0)
            fprintf(f, "%s  [%" PRId64 "]", addr == a ? "" : "\n", addr);
        if (mem_read(&p->cpu.mem, addr, &w) == 0)
            fprintf(f, " %" PRId64, w);
        else
            fputs(" --", f);
        if (addr == INT64_MAX)
            break;
    }
    fputc('\n', f);
}

/* The kind of frame k and, for a signal frame, the signal whose handler it holds. */
static const char *frame_kind(const Proc *p, uint32_t k, int *sig)
{
    *sig = 0;
    if (p->cpu.frames[k].kind == FRAME_CALL)
        return "call";
    if (p->cpu.frames[k].kind == FRAME_LIBRARY)
        return "library";
    uint32_t nth = 0;   /* which signal frame from the bottom: its context is ctx[nth] */
    for (uint32_t i = 0; i < k; i++)
        nth += p->cpu.frames[i].kind == FRAME_SIGNAL;
    if (nth < p->nctx)
        *sig = p->ctx[nth].sig;
    return "signal handler";
}

void dump_stacks(FILE *f, const Proc *p, uint32_t pc)
{
    char where[300];
    fprintf(f, "  data stack (%" PRIu32 " words, top first):", p->cpu.sp);
    for (uint32_t i = 0; i < p->cpu.sp && i < STACK_SHOWN; i++)
        fprintf(f, " %" PRId64, p->cpu.stack[p->cpu.sp - 1 - i]);
    if (p->cpu.sp > STACK_SHOWN)
        fprintf(f, " ... (%" PRIu32 " more)", p->cpu.sp - STACK_SHOWN);
    fputc('\n', f);
    dump_where(p->cpu.prog, pc, where, sizeof where);
    fprintf(f, "  call stack (%" PRIu32 " frames, innermost first):\n    #0 at %s\n", p->cpu.fp, where);
    for (uint32_t n = 1; n <= p->cpu.fp && n <= FRAMES_SHOWN; n++) {
        uint32_t k = p->cpu.fp - n;
        int sig;
        const char *kind = frame_kind(p, k, &sig);
        uint32_t ret = p->cpu.frames[k].ret;
        /* A call returns after its CALL: name the CALL; a signal frame resumes at ret. */
        dump_where(p->cpu.prog, sig || p->cpu.frames[k].kind == FRAME_SIGNAL || ret == 0 ? ret : ret - 1,
                   where, sizeof where);
        if (p->cpu.frames[k].kind == FRAME_SIGNAL)
            fprintf(f, "    #%" PRIu32 " %s (%s), resumes at %s\n", n, kind,
                    sig ? signal_info[sig].name : "?", where);
        else
            fprintf(f, "    #%" PRIu32 " %s from %s\n", n, kind, where);
    }
    if (p->cpu.fp > FRAMES_SHOWN)
        fprintf(f, "    ... (%" PRIu32 " more frames)\n", p->cpu.fp - FRAMES_SHOWN);
}

static void dump_process(FILE *f, const Proc *p)
{
    char where[300] = "-";
    if (p->state != PROC_EXITED && p->cpu.prog)
        dump_where(p->cpu.prog, p->cpu.pc, where, sizeof where);
    fprintf(f, "  PID %5" PRId64 "  parent %5" PRId64 "  %-8s  %-28s  instructions %" PRIu64,
            p->pid, p->parent ? p->parent->pid : 0, proc_state_name[p->state], where, p->cpu.icount);
    if (p->state == PROC_EXITED)
        fprintf(f, "  exit code %" PRId64, p->exit_code);
    if (p->pending) {
        fputs("  pending", f);
        for (int s = 1; s <= SIG_MAX; s++)
            if (p->pending & (1u << s))
                fprintf(f, " %s", signal_info[s].name);
    }
    fputc('\n', f);
}

void dump_descriptors(FILE *f, VM *vm)
{
    fprintf(f, "  processes (%" PRId64 "):\n", vm->nprocs);
    for (size_t i = 0; i < vm->ntable; i++)
        if (vm->table[i])
            dump_process(f, vm->table[i]);
    fprintf(f, "  mailboxes (%" PRIu64 "):\n", vm->nmailboxes);
    for (uint64_t i = 0; i < vm->nmailboxes; i++) {
        const Mailbox *m = vm->mailboxes[i];
        if (!m)
            continue;
        fprintf(f, "  mailbox %" PRId64 "  PID %" PRId64 " <-> PID %" PRId64 "  queued %" PRIu32
                " for PID %" PRId64 ", %" PRIu32 " for PID %" PRId64 "%s\n", m->id, m->pid[0], m->pid[1],
                m->q[0].count, m->pid[0], m->q[1].count, m->pid[1], m->closed ? "  (closed)" : "");
    }
}
