/*
 * signal_table.h - signal numbers and default actions (SPEC 4.4), from signals.def.
 */
#ifndef MVM_SIGNAL_TABLE_H
#define MVM_SIGNAL_TABLE_H

typedef enum SigAction { ACT_NONE, ACT_TERMINATE, ACT_IGNORE, ACT_PAUSE, ACT_CONTINUE } SigAction;

enum {
#define SIG(e, n, name, act) SIG_##e = n,
#include "signals.def"
#undef SIG
    SIG_MAX = 31
};

typedef struct SignalInfo { const char *name; SigAction action; } SignalInfo;
extern const SignalInfo signal_info[SIG_MAX + 1];   /* action ACT_NONE: not a signal */

static inline int signal_valid(long long s) { return s > 0 && s <= SIG_MAX && signal_info[s].action != ACT_NONE; }

#endif
