/*
 * stats.c - the --stats report: instructions per process, context switches, peak memory
 * and time, printed to standard error at the end of a run.
 */
#include <inttypes.h>
#include <sys/resource.h>

#include "kernel.h"

#define STATS_MAX_ROWS 20   /* per-process rows shown; the rest are summed */

void vm_print_stats(VM *vm, double seconds)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    FILE *e = vm->err;
    fprintf(e, "stats: instructions %" PRIu64 "\n", (vm->steps - vm->run_start));
    fprintf(e, "stats: context switches %" PRIu64 "\n", vm->switches);
    fprintf(e, "stats: processes %" PRId64 "\n", vm->next_pid - 1);
    fprintf(e, "stats: peak memory %ld KiB\n", ru.ru_maxrss);
    fprintf(e, "stats: time %.3f s\n", seconds);
    if (seconds > 0)
        fprintf(e, "stats: speed %.1f million instructions/s\n", (double)(vm->steps - vm->run_start) / seconds / 1e6);
    size_t shown = 0;
    uint64_t rest = 0, nrest = 0;
    for (size_t i = 0; i < vm->nstats; i++) {
        if (shown++ < STATS_MAX_ROWS)
            fprintf(e, "stats: PID %" PRId64 " instructions %" PRIu64 "\n", vm->stats[i].pid, vm->stats[i].icount);
        else
            rest += vm->stats[i].icount, nrest++;
    }
    for (size_t i = 0; i < vm->ntable; i++) {
        Proc *p = vm->table[i];
        if (!p || p->state == PROC_EXITED)
            continue;
        if (shown++ < STATS_MAX_ROWS)
            fprintf(e, "stats: PID %" PRId64 " instructions %" PRIu64 " (%s)\n", p->pid, p->icount,
                    proc_state_name[p->state]);
        else
            rest += p->icount, nrest++;
    }
    if (nrest)
        fprintf(e, "stats: %" PRIu64 " more processes, instructions %" PRIu64 "\n", nrest, rest);
}
