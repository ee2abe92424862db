/*
 * vfs.h - the virtual file system: one tree of directories and files, shared by every
 * process, kept in one image file (SPEC 6, SPEC 10 "VFS"; docs/vfs.md).
 *
 * The image is an SQLite database (store.c). Every call below is one SQLite
 * transaction: a mutating call has committed, durably, when it returns 0, and a call that
 * fails has changed nothing. Calls return 0 or an MVM error code:
 *   9  (ERR_FILE_ACCESS)       missing path, wrong kind (file/directory), existing entry,
 *                              non-empty directory, the root, a permission bit not set,
 *                              and failures of the host (see vfs_error_is_host);
 *   24 (ERR_INVALID_ARGUMENT)  permission bits outside 0..3;
 *   25 (ERR_INVALID_FORMAT)    a name over VFS_NAME_MAX bytes;
 *   11 (ERR_MEMORY_ALLOCATION) the host is out of memory.
 * vfs_error says why the last call failed, in words fit for a user.
 *
 * Paths are C strings, absolute or relative to "/" (path.h); file contents are bytes
 * (any value 0..255, NUL included) with an explicit length.
 *
 * Permissions (SPEC 10 "Further details"): a file's read bit governs readFile, its write
 * bit writing it once it exists; a directory's read bit governs listing it and nothing
 * else (walking through a directory needs no bit); its write bit governs creating and
 * deleting entries in it. fileInfo and setPermissions need no bit.
 */
#ifndef MVM_VFS_H
#define MVM_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "path.h"

#define VFS_DEFAULT_IMAGE   "vfs.fs"   /* in the current directory (SPEC 6) */
#define VFS_MEMORY_IMAGE    ":memory:" /* a throwaway image that lives in host memory only */
#define VFS_BUSY_TIMEOUT_MS 5000       /* how long a call waits for another mvm's transaction
                                          before giving up (SPEC 6: "the later one waits") */
#define VFS_FILE_MAX ((size_t)256 << 20) /* bytes in one file: bounds host memory (SQLite
                                          itself would take up to 1e9) */
#define VFS_PERM_READ  1
#define VFS_PERM_WRITE 2

typedef struct Vfs Vfs;

/* What fileInfo reports (SPEC 5, call 22). */
typedef struct VfsInfo {
    int64_t size;        /* a file's bytes; a directory's number of entries */
    bool    is_dir, readable, writable;
    int64_t created;     /* ms since the Unix epoch */
    int64_t modified;    /* ms: a file's last write; a directory's last entry added or removed */
} VfsInfo;

/* Open the image at image_path, creating a new image (an empty root) when the file does
 * not exist or is empty; VFS_MEMORY_IMAGE opens a fresh image in host memory. A file that
 * is not an MVM VFS image (text, another program's SQLite database, a newer format, a
 * truncated image) is refused without being written to. Returns NULL with a message
 * naming the file in err (errlen bytes) on failure. */
Vfs *vfs_open(const char *image_path, char *err, size_t errlen);
/* Before anything runs (SPEC 10 "VFS"): 0 when image_path may name an image (a regular
 * file, a missing one, or VFS_MEMORY_IMAGE); -1 with a message in err for an empty path
 * (SQLite would make it a temporary database whose writes vanish) or a file that is not
 * regular (a FIFO would block; a directory or device is no image). vfs_open checks it too. */
int vfs_check_image_path(const char *image_path, char *err, size_t errlen);
/* Close the image (NULL is fine). Everything has been durable since each call returned;
 * closing only folds SQLite's write-ahead log back into the image file. */
void vfs_close(Vfs *v);
const char *vfs_image_path(const Vfs *v);

int vfs_new_file(Vfs *v, const char *path);
int vfs_new_dir(Vfs *v, const char *path);
/* Replace the file's content, creating the file when missing (its directory must exist). */
int vfs_write_file(Vfs *v, const char *path, const char *data, size_t len);
/* The whole content in a new buffer *data (*len bytes, NUL-terminated after them; the
 * caller frees it). The program lookup of spawn/exec uses this too. */
int vfs_read_file(Vfs *v, const char *path, char **data, size_t *len);
/* The entries' names in bytewise order, as *count new strings in a new array *names
 * (free with vfs_free_names). */
int vfs_list(Vfs *v, const char *path, char ***names, size_t *count);
void vfs_free_names(char **names, size_t count);
/* Delete a file or an empty directory (never "/"). */
int vfs_delete(Vfs *v, const char *path);
int vfs_info(Vfs *v, const char *path, VfsInfo *info);
/* bits: VFS_PERM_READ | VFS_PERM_WRITE; anything outside 0..3 is 24. */
int vfs_set_permissions(Vfs *v, const char *path, int64_t bits);

/* SQLite's integrity check of the whole image: 0 when it is sound, else 9 with the first
 * problem in vfs_error. */
int vfs_check(Vfs *v);

/* Why the last failing call failed ("no such file or directory", ...). */
const char *vfs_error(const Vfs *v);
/* Was that failure the host's (the image is busy, damaged, unwritable, the disk full) rather
 * than the request's? The kernel reports those on standard error; a program only sees 9. */
bool vfs_error_is_host(const Vfs *v);

#endif
