/*
 * hostfile.h - the only ways mvm opens host files it reads (SPEC 5 "Program paths",
 * 8 "never hangs", 10 "Processes", "Library", "VFS").
 *
 * Two dangers, one door each:
 *   1. Blocking: open(2) of a FIFO for reading waits for a writer, forever. Every input
 *      named on the command line or in config.json (program, snapshot, configuration,
 *      VFS image) and every program or module a guest makes mvm read is opened with
 *      host_open_regular, which never blocks and refuses anything but a regular file.
 *   2. Escaping: a guest names host programs (spawn, exec) relative to the directory of
 *      PID 1's program. host_path_allowed applies the lexical rules (ends in .kar or .mar, not
 *      absolute, never climbs out); host_open_within then resolves every symbolic link
 *      and refuses a file whose real path is not inside the real path of that directory.
 *
 * And the files mvm writes itself (snapshots, bytecode) are replaced, never rewritten in
 * place: host_replace_file.
 *
 * Functions return 0 or a positive errno value, or one of the HOST_* codes below;
 * host_error_text words either for a message.
 */
#ifndef MVM_HOSTFILE_H
#define MVM_HOSTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    HOST_NOT_REGULAR = -1,   /* a FIFO, a device, a socket (a directory is EISDIR) */
    HOST_OUTSIDE     = -2,   /* resolves (through a symbolic link) outside the directory */
    HOST_TOO_LARGE   = -3,   /* over the caller's size limit */
};

/* Open path for reading without blocking: 0 with *fd set (blocking mode, close-on-exec),
 * or an error (ENOENT for a missing file, EISDIR, HOST_NOT_REGULAR, another errno). */
int host_open_regular(const char *path, int *fd);

/* Is the file at path missing (ENOENT), or something other than a regular file? For
 * checks before anything runs: 0 when it is a regular file, ENOENT, EISDIR,
 * HOST_NOT_REGULAR, or another errno. */
int host_stat_regular(const char *path);

/* Read all of fd (at most max bytes) into a new NUL-terminated buffer; closes fd.
 * 0, HOST_TOO_LARGE, ENOMEM or the errno of read(2). */
int host_read_fd(int fd, size_t max, char **data, size_t *len);

/* host_open_regular + host_read_fd. */
int host_read_file(const char *path, size_t max, char **data, size_t *len);

/* The lexical rules for a guest-chosen host program path: ends in ".kar" or ".mar"
 * (source or bytecode), is relative, and never climbs above the directory it is relative
 * to. */
bool host_path_allowed(const char *rel);

/* Open path, which must lie inside directory base once every symbolic link in either is
 * resolved: 0 with *fd, or ENOENT (missing, or a dangling link), HOST_OUTSIDE,
 * EISDIR, HOST_NOT_REGULAR, another errno. */
int host_open_within(const char *base, const char *path, int *fd);

/* Replace the file at path with what write(f, arg) writes to f (0, or an errno value):
 * written to a new temporary file beside it (PATH.XXXXXX), flushed to the disk, given
 * the permissions a new file gets (0666 less the umask), renamed over path, and the
 * directory flushed too, so that a crash at any moment leaves either the old file or the
 * new one, whole. Returns 0, or an errno value with no temporary file left behind. */
int host_replace_file(const char *path, int (*write)(FILE *f, void *arg), void *arg);

/* Words for an error of the functions above ("not a regular file (a FIFO, a device or a
 * socket)", strerror for an errno). */
const char *host_error_text(int e);

#endif
