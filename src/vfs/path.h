/*
 * path.h - VFS path normalisation (SPEC 6, SPEC 10 "VFS").
 *
 * A path names an entry of the one VFS tree. It may be absolute ("/docs/a.txt") or
 * relative to the root ("docs/a.txt"); "." and ".." are understood lexically, repeated
 * and trailing '/' are ignored, and ".." at the root stays at the root, so no path can
 * climb above "/". The normal form is "/" for the root and "/name/name..." otherwise:
 * no ".", no "..", no empty name, no trailing '/'. The store keys every entry by this form.
 *
 * Names are 1..VFS_NAME_MAX bytes of anything but '/' and NUL (a C string cannot hold a
 * NUL, so the only check left is the length).
 */
#ifndef MVM_VFS_PATH_H
#define MVM_VFS_PATH_H

#include <stddef.h>

#define VFS_NAME_MAX 255   /* bytes in one name (SPEC 6); longer is error 25 */

/* Normalise `path` into a new string *out (malloc'd; the caller frees it).
 * Returns 0, 25 (ERR_INVALID_FORMAT: a name of the path is over VFS_NAME_MAX bytes,
 * even one that a later ".." removes) or 11 (host out of memory). The empty path is
 * the root. */
int vfs_path_normalise(const char *path, char **out);

/* For a normal path other than "/": the length of its parent's normal form (the parent
 * is path[0 .. len-1], or "/" when this returns 1) and, in *name, its last name. */
size_t vfs_path_split(const char *norm, const char **name);

#endif
