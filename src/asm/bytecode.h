/*
 * bytecode.h - .mar bytecode files (SPEC 9; docs/bytecode.md): a Program as `mvm compile`
 * writes it and `mvm crun` (and `run`, `debug`, `disasm`, spawn and exec) read it back.
 *
 * The program's encoding is the one snapshots use for their programs (vm/progio.h): one
 * writer, one reader and one verifier (vm/verify.h) serve both formats.
 */
#ifndef MVM_BYTECODE_H
#define MVM_BYTECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../vm/program.h"

/* Whether the n bytes at b begin with the .mar magic number (a file is bytecode by its
 * first bytes, whatever its name). */
bool mar_has_magic(const uint8_t *b, size_t n);

/* p as a .mar image in a new buffer (*out, *len; the caller frees it). 0, or -1 when out
 * of memory. The same program always gives the same bytes. */
int mar_encode(const Program *p, uint8_t **out, size_t *len);

/* Write p to path (atomically: a temporary file renamed). 0, or -1 after
 * "mvm: PATH: ..." on err. */
int mar_write_file(const Program *p, const char *path, FILE *err);

/* The verified Program in the n bytes at b (refs = 1), or NULL after
 * "NAME: error: offset N: what is wrong" on err (name names the file in the message). */
Program *mar_decode(const char *name, const uint8_t *b, size_t n, FILE *err);

/* Whether the file at path is a regular file that begins with the .mar magic number. */
bool mar_file_has_magic(const char *path);

/* mar_decode of the file at path, or NULL after "PATH: error: ..." on err (a file that
 * cannot be read too: "PATH: error: cannot read: why"). */
Program *mar_load_file(const char *path, FILE *err);

#endif
