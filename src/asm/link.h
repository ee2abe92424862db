/*
 * link.h - resolving CALL names that are not labels of the calling file (SPEC 7, 10).
 */
#ifndef MVM_LINK_H
#define MVM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assembler.h"

/* Find the function `name` called from unit `caller`: a user module beside the caller's
 * file, then the standard library. On success, assembles it as a new unit if it is not
 * one yet, and stores its first instruction and unit. False when there is none (the
 * caller reports MissingLibraryException). */
bool link_function(Assembler *as, const char *name, size_t len, uint32_t caller,
                   uint32_t *entry, uint32_t *unit);

/* Is `name` a library function (for HELP topics)? */
bool link_is_function(const Assembler *as, const char *name, size_t len);

/* The library function closest to a misspelt name, written into buf[cap] and returned;
 * NULL when none is close. */
const char *link_suggest(const char *name, size_t len, char *buf, size_t cap);

#endif
