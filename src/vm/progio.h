/*
 * progio.h - one Program as bytes: the encoding shared by snapshots (their PROG section)
 * and .mar bytecode files. progio.c describes it field by field. Reading verifies
 * (vm/verify.h): what prog_read returns is safe to run.
 */
#ifndef MVM_PROGIO_H
#define MVM_PROGIO_H

#include <stddef.h>

#include "binio.h"
#include "program.h"

/* Append p's encoding to w (both passes). */
void prog_write(Writer *w, const Program *p);

/* Read one program at r's cursor and verify it. Returns it (refs = 1), or NULL with
 * r->bad and r->bad_at set; r->bad may point into msg (cap bytes), which the caller keeps
 * alive while it reports the failure. */
Program *prog_read(Reader *r, char *msg, size_t cap);

#endif
