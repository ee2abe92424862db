/* vclock.h - the fuzz harnesses' virtual clock (vclock.c). */
#ifndef MVM_FUZZ_VCLOCK_H
#define MVM_FUZZ_VCLOCK_H

/* Call at the start of every input: the clock back at its start, no stop request left. */
void vclock_reset(void);

#endif
