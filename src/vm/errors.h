/*
 * errors.h - error codes (SPEC 8) from errors.def, and the signal each fault raises.
 */
#ifndef MVM_ERRORS_H
#define MVM_ERRORS_H

enum {
    ERR_NONE = 0,
#define ERR(e, code, name, sig, why) ERR_##e = code,
#include "errors.def"
#undef ERR
    ERR_MAX = 32
};

typedef struct ErrorInfo { const char *name; int signal; const char *why; } ErrorInfo;
extern const ErrorInfo error_info[ERR_MAX + 1];   /* indexed by code; [0] is empty */

static inline const char *error_name(int code)
{
    return code > 0 && code <= ERR_MAX ? error_info[code].name : "UnknownError";
}

#endif
