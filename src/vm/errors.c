/*
 * errors.c - the error and signal tables, expanded from errors.def and signals.def.
 */
#include "errors.h"
#include "../tables/signal_table.h"

const ErrorInfo error_info[ERR_MAX + 1] = {
#define ERR(e, code, name, sig, why) [code] = { name, sig, why },
#include "errors.def"
#undef ERR
};

const SignalInfo signal_info[SIG_MAX + 1] = {
#define SIG(e, n, name, act) [n] = { name, act },
#include "../tables/signals.def"
#undef SIG
};
