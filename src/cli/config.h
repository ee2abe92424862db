/*
 * config.h - the run configuration: defaults, config.json, and the checks on the result
 * (SPEC 9 "config.json", SPEC 10 "Command line" and "Config"; docs/configuration.md).
 *
 * Order of precedence, lowest first: the defaults of param.h, then config.json (or the
 * file named by --config), then command-line options. The CLI applies its options
 * between config_load_* and config_validate, so validation sees the final values.
 */
#ifndef MVM_CONFIG_H
#define MVM_CONFIG_H

#include <stdint.h>
#include <stdio.h>

typedef struct Config {
    int64_t stack_size;         /* "stackSize": data-stack words per process */
    int64_t memory_size;        /* "memorySize": words of memory per process */
    int64_t heap_start;         /* "heapStart": first heap address; below it the static area */
    int64_t quantum;            /* "quantum": instructions per turn */
    int64_t hertz;              /* "hertz": instructions per second, 0 = as fast as possible */
    int64_t call_depth;         /* "callDepth": call-stack frames per process */
    int64_t max_processes;      /* "maxProcesses": control blocks alive at once */
    int64_t mailbox_capacity;   /* "mailboxCapacity": messages per mailbox direction */
    int64_t aging_interval;     /* "agingInterval": priority's aging step (0 = no aging) */
    int64_t boost_interval;     /* "boostInterval": instructions between mlfq boosts */
    const struct SchedPolicy *scheduler;   /* "scheduler" or --scheduler (kernel/sched.h) */
    int64_t max_semaphores;     /* "maxSemaphores": semaphores live at once */
    /* From "locations": paths as written in the file (relative ones are relative to the
     * current directory). NULL = use the default. Owned: config_free frees them. */
    char   *loc_stdlib, *loc_help_info, *loc_debug, *loc_vfs;
    int64_t seed;               /* --seed (not a config.json key) */
    int     seed_set;           /* 1 when --seed was given */
} Config;

/* Fill c with the defaults of param.h. c must not own strings yet (it is overwritten). */
void config_defaults(Config *c);

/* Read the JSON file at path into c. Keys the file does not name keep their value.
 * Returns 0, or 2 after printing "mvm: PATH: error: ..." on diag (missing or unreadable
 * file, a file over 1 MiB, malformed JSON, not an object, a wrong value type, a bad
 * "locations" entry). Unknown keys only print a warning naming the key. On error c may
 * be partly updated; it stays valid for config_free. */
int config_load_file(Config *c, const char *path, FILE *diag);

/* Read ./config.json when it exists; a missing file is not an error (returns 0). */
int config_load_default(Config *c, FILE *diag);

/* Check the final values: 0, or 2 after printing which value is out of range and why. */
int config_validate(const Config *c, FILE *diag);

/* Free the strings c owns and reset them to NULL. */
void config_free(Config *c);

#endif
