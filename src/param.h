/*
 * param.h - every default and hard limit of MVM in one place (as xv6's param.h).
 *
 * Defaults are what SPEC.md section 9 prescribes; config.json and command-line options
 * may change them within the hard limits below.
 */
#ifndef MVM_PARAM_H
#define MVM_PARAM_H

#define MVM_VERSION "0.1.0"

/* Defaults (SPEC 2.3, 2.4, 4.1, 4.2, 4.5). */
#define DEFAULT_MEMORY_SIZE   1048576 /* words per process: 8 MiB of address space, lazily backed */
#define DEFAULT_HEAP_START    1024    /* words 1..1023 are the static area */
#define DEFAULT_STACK_SIZE    1024    /* data-stack words per process */
#define DEFAULT_CALL_DEPTH    1024    /* call-stack frames per process */
#define DEFAULT_QUANTUM       1       /* instructions per turn: switch after every instruction */
#define DEFAULT_AGING_INTERVAL 1000   /* priority: waiting instructions per step of aging */
#define DEFAULT_BOOST_INTERVAL 100000 /* mlfq: instructions between boosts to queue 0 */
#define DEFAULT_MAX_PROCESSES 4096    /* control blocks alive at once, zombies included */
#define DEFAULT_MAILBOX_CAP   256     /* messages queued per mailbox direction */
#define DEFAULT_MAX_SEMAPHORES 1024   /* semaphores live at once (SPEC 11.2): far more than a
                                         lesson needs, few enough that a program creating
                                         them in a loop meets ResourceLimit (32) quickly */
#define DEFAULT_RANDOM_SEED   0x4D564D2D52414E44ULL /* "MVM-RAND": documented in docs/kernel.md */

/* Hard limits: keep kernel tables and host memory bounded whatever the config says. */
#define MAX_MEMORY_SIZE   (1ULL << 32) /* words; the page directory grows only as far as touched */
#define MAX_STACK_SIZE    (1u << 24)   /* words; stacks grow on demand up to the configured size */
#define MAX_CALL_DEPTH    (1u << 24)
#define MAX_PROCESSES     (1u << 20)
#define MAX_QUANTUM       (1u << 30)
#define MAX_MAILBOX_CAP   (1u << 20)   /* messages per mailbox direction */
#define MAX_SEMAPHORES    (1u << 20)   /* live semaphores: 16 host bytes each, 16 MiB at most */
#define MAX_CALL_ARGS     10           /* CALL copies at most ten arguments into F1..F10 */
#define MAX_SOURCE_BYTES  (64u << 20)  /* a .kar file larger than this is refused, not read:
                                         assembling 64 MiB already takes ~1 GiB and 2 s */
#define MEM_HOST_BUDGET   ((size_t)1 << 30) /* host bytes all processes' memory, data and call
                                         stacks, saved signal contexts and readIo's line
                                         may use together; past it
                                         allocation fails with 11 and stack growth with 5,
                                         never the OOM killer (MVM_HOST_BUDGET_MIB for tests) */

/* Instructions the interpreter may run between two looks at the host: a lone process
 * runs this many (rounded down to whole quanta) before the kernel checks for a host
 * SIGINT/TERM/HUP, so mvm stops within 100 ms even at a slow 100 M instructions/s
 * (0.7 ms here), while a check costs ~20 ns once per 65,536 instructions: nothing to the
 * loop benchmark. Quanta longer than this are checked part way (SPEC 3, 4.2). */
#define CHECK_INTERVAL (1 << 16)

/* Memory pages (SPEC 4.5: share_m works on 256-word pages). */
#define PAGE_SHIFT 8
#define PAGE_WORDS (1u << PAGE_SHIFT)

#endif
