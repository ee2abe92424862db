/*
 * device.c - the devices behind deviceRead/deviceWrite (SPEC 4.6): clock, random, console.
 *
 * The random device is one generator for the whole machine: SplitMix64 (Steele, Lea and
 * Flood, 2014), chosen because its whole state is one 64-bit word (easy to seed and to
 * save in a snapshot) and it passes BigCrush. Values are its output shifted right by one,
 * so they are non-negative 63-bit numbers. The default seed is DEFAULT_RANDOM_SEED
 * (param.h); --seed N or writing N to address 0 sets it.
 */
#include <stdio.h>

#include "../vm/errors.h"
#include "clock.h"
#include "host.h"
#include "syscall.h"

enum {
#define DEV(e, n, name, rd, wr) DEV_##e = n,
#include "../tables/devices.def"
#undef DEV
};
enum { CLOCK_EPOCH_MS = 0, CLOCK_UPTIME_MS = 1, CLOCK_INSTRUCTIONS = 2 };

int64_t device_random_next(VM *vm)
{
    uint64_t z = (vm->rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return (int64_t)((z ^ (z >> 31)) >> 1);
}

static int clock_read(VM *vm, int64_t addr, int64_t *v)
{
    switch (addr) {
    case CLOCK_EPOCH_MS:     *v = clock_now_ms(); return 0;
    case CLOCK_UPTIME_MS:    *v = clock_now_ms() - vm->start_ms; return 0;
    case CLOCK_INSTRUCTIONS: *v = (int64_t)vm->steps; return 0;   /* includes this SYSCALL */
    default:                 return ERR_SYSCALL_GENERAL;
    }
}

void sys_deviceread(VM *vm, Proc *p)
{
    int64_t dev = sys_arg(p, 0), addr = sys_arg(p, 1), v = 0;
    int e = 0;
    if (dev == DEV_CLOCK) {
        e = clock_read(vm, addr, &v);
    } else if (dev == DEV_RANDOM && addr == 0) {
        v = device_random_next(vm);
    } else if (dev == DEV_CONSOLE && addr == 0) {
        fflush(vm->out);   /* a prompt shows before the program waits for input */
        const char *data;
        ptrdiff_t n = host_stdin_peek(&data);   /* the buffer readIo reads too */
        if (n < 0) {
            e = ERR_WOULD_BLOCK;   /* interrupted: unseen, the machine stops before p runs again */
        } else if (n == 0) {
            v = -1;
        } else {
            v = (unsigned char)data[0];
            host_stdin_consume(1);
        }
    } else {
        e = ERR_SYSCALL_GENERAL;
    }
    if (e)
        sys_fail(p, e);
    else
        sys_ok(p, v);
}

void sys_devicewrite(VM *vm, Proc *p)
{
    int64_t dev = sys_arg(p, 0), addr = sys_arg(p, 1), value = sys_arg(p, 2);
    if (dev == DEV_CLOCK && addr >= CLOCK_EPOCH_MS && addr <= CLOCK_INSTRUCTIONS) {
        /* the clock ignores writes */
    } else if (dev == DEV_RANDOM && addr == 0) {
        vm->rng = (uint64_t)value;
    } else if (dev == DEV_CONSOLE && addr == 0) {
        putc_unlocked((int)(value & 0xFF), vm->out);
    } else {
        sys_fail(p, ERR_SYSCALL_GENERAL);
        return;
    }
    sys_ok(p, 0);
}
