/*
 * sched_lottery.c - lottery scheduling (SPEC 11.1): at each turn end one ticket is drawn
 * among the ready processes, each holding 20 - nice tickets (1 to 40), and its holder
 * runs for one quantum. Tickets are numbered in queue order from the head.
 *
 * The draw comes from the scheduler's own generator, SplitMix64 seeded from --seed
 * (vm_init), separate from the random device, so that a program reading random numbers
 * does not change who runs. A ticket is the generator's next value modulo the number of
 * tickets: with at most 40 tickets per process the bias is below 2^-40.
 */
#include "sched.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static Proc *lottery_choose(VM *vm)
{
    uint64_t total = 0;
    for (int n = NICE_MIN; n <= NICE_MAX; n++)
        total += (uint64_t)vm->nready_nice[n - NICE_MIN] * (uint64_t)(20 - n);
    uint64_t ticket = splitmix64(&vm->lottery_rng) % total;
    Proc *q = vm->head;
    if (vm->nready_nice[q->nice - NICE_MIN] == vm->nready) {
        /* Everyone holds as many tickets: the holder is a count of places away. */
        for (uint64_t k = ticket / (uint64_t)sched_tickets(q); k > 0; k--)
            q = q->next;
        return q;
    }
    while (ticket >= (uint64_t)sched_tickets(q)) {
        ticket -= (uint64_t)sched_tickets(q);
        q = q->next;
    }
    return q;
}

const SchedPolicy sched_lottery = {
    .name = "lottery",
    .rule = "a ticket drawn at each turn end picks who runs; 20 - nice tickets each",
    .choose = lottery_choose,
    .turn_length = sched_one_quantum,
};
