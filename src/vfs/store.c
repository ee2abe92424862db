/*
 * store.c - the VFS tree kept in an SQLite database (the image file).
 *
 * Layers, top to bottom:
 *   1. the calls of vfs.h: check the request against the tree and the permission rules;
 *   2. transactions: every call runs inside one (BEGIN IMMEDIATE for calls that write, a
 *      plain BEGIN for calls that read), committed when it succeeds and rolled back
 *      otherwise, so a call happens entirely or not at all;
 *   3. SQLite, whose write-ahead log with synchronous=FULL makes a commit durable before
 *      COMMIT returns (docs/vfs.md "Durability" explains why that is enough).
 *
 * Schema (format 1): one row per entry.
 *   entry(id INTEGER PRIMARY KEY, path BLOB UNIQUE, parent, name BLOB, is_dir, perm,
 *         created, modified, data BLOB)
 * `path` is the normal form of path.h ("/" for the root, id 1), so finding an entry is one
 * indexed lookup; `parent` is the id of its directory (NULL for the root) and, with the
 * index on (parent, name), lists a directory in bytewise order (BLOBs compare with
 * memcmp) and counts its entries. Files hold their bytes in `data` (a BLOB, possibly
 * empty); directories hold NULL. There is no rename, so a path never changes.
 *
 * Recognising an image: the header's application_id is "MVMF" and user_version the
 * format. Before SQLite ever opens a file, inspect() reads its first 100 bytes with
 * read(2): a file that is not ours is refused there and never reaches SQLite, which could
 * otherwise roll back its journal, fold its write-ahead log, or create tables in it. Both
 * header fields are written in the image's first transaction, before it switches to WAL
 * mode, so the image file itself always carries them (later transactions never change
 * them, and WAL mode defers only changes).
 */
#include "vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../host/hostfile.h"
#include "../host/safetext.h"
#include "../vm/errors.h"

#define VFS_APPLICATION_ID 0x4D564D46   /* "MVMF" in the SQLite header */
#define VFS_FORMAT         1            /* user_version: the schema below */
#define ROOT_ID            1

/* ---- Statements ---------------------------------------------------------------------- */

/* Every statement the calls use, prepared once when the image opens. */
#define STATEMENTS(X) \
    X(BEGIN_READ,  "BEGIN") \
    X(BEGIN_WRITE, "BEGIN IMMEDIATE") \
    X(COMMIT,      "COMMIT") \
    X(ROLLBACK,    "ROLLBACK") \
    X(LOOKUP,      "SELECT id, is_dir, perm, created, modified, length(data) FROM entry WHERE path = ?1") \
    X(ENTRIES,     "SELECT count(*) FROM entry WHERE parent = ?1") \
    X(INSERT,      "INSERT INTO entry(path, parent, name, is_dir, perm, created, modified, data) " \
                   "VALUES (?1, ?2, ?3, ?4, 3, ?5, ?5, ?6)") \
    X(DATA,        "SELECT data FROM entry WHERE id = ?1") \
    X(SET_DATA,    "UPDATE entry SET data = ?2, modified = ?3 WHERE id = ?1") \
    X(TOUCH,       "UPDATE entry SET modified = ?2 WHERE id = ?1") \
    X(DELETE,      "DELETE FROM entry WHERE id = ?1") \
    X(LIST,        "SELECT name FROM entry WHERE parent = ?1 ORDER BY name") \
    X(CHMOD,       "UPDATE entry SET perm = ?2 WHERE id = ?1")

enum {
#define X(name, sql) ST_##name,
    STATEMENTS(X)
#undef X
    ST_COUNT
};

static const char *const statement_sql[ST_COUNT] = {
#define X(name, sql) [ST_##name] = sql,
    STATEMENTS(X)
#undef X
};

static const char schema_sql[] =
    "CREATE TABLE entry (\n"
    "    id       INTEGER PRIMARY KEY,\n"
    "    path     BLOB NOT NULL UNIQUE,        -- normal form: '/' or '/a/b'\n"
    "    parent   INTEGER REFERENCES entry(id), -- NULL for the root\n"
    "    name     BLOB NOT NULL,               -- last name of path ('' for the root)\n"
    "    is_dir   INTEGER NOT NULL CHECK (is_dir IN (0, 1)),\n"
    "    perm     INTEGER NOT NULL CHECK (perm BETWEEN 0 AND 3), -- 1 read, 2 write\n"
    "    created  INTEGER NOT NULL,            -- ms since the Unix epoch\n"
    "    modified INTEGER NOT NULL,\n"
    "    data     BLOB                         -- a file's bytes; NULL for a directory\n"
    ");\n"
    "CREATE INDEX entry_by_parent ON entry(parent, name);\n";

/* Whether this open may write the image (SPEC 6: a damaged image is never written). */
typedef enum Soundness { UNCHECKED, SOUND, DAMAGED } Soundness;

struct Vfs {
    sqlite3      *db;
    char         *image;              /* the path as given */
    char          shown[256];         /* the path as messages show it (safe_text) */
    Soundness     soundness;          /* checked before this open's first write */
    char          damage[256];        /* DAMAGED: SQLite's first finding, made safe */
    sqlite3_stmt *st[ST_COUNT];
    char          error[1024];        /* why the last call failed */
    bool          host_error;
};

/* One row of entry, as the calls need it. */
typedef struct Entry {
    int64_t id;
    bool    is_dir;
    int     perm;
    int64_t created, modified;
    int64_t size;                     /* a file's bytes (a directory's: see count_entries) */
} Entry;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Failures ------------------------------------------------------------------------ */

/* The request cannot be granted: record why and return code. */
static int __attribute__((format(printf, 3, 4))) refuse(Vfs *v, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->error, sizeof v->error, fmt, ap);
    va_end(ap);
    v->host_error = false;
    return code;
}

/* The image, not the request, is at fault: record why (shown on standard error) and
 * return 9. */
static int __attribute__((format(printf, 2, 3))) refuse_host(Vfs *v, const char *fmt, ...)
{
    char msg[sizeof v->error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memcpy(v->error, msg, sizeof msg);
    v->host_error = true;
    return ERR_FILE_ACCESS;
}

static void mark_damaged(Vfs *v, const char *finding)
{
    v->soundness = DAMAGED;
    snprintf(v->damage, sizeof v->damage, "%s", finding);
}

/* SQLite reported rc: record what it means for the user; 11 for lack of memory, else 9. */
static int host_fail(Vfs *v, int rc)
{
    const char *what;
    switch (rc & 0xFF) {
    case SQLITE_NOMEM:
        snprintf(v->error, sizeof v->error, "%s: out of memory", v->shown);
        v->host_error = true;
        return ERR_MEMORY_ALLOCATION;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        snprintf(v->error, sizeof v->error, "%s: the image is busy: another process kept it locked "
                 "for more than %d s; try again", v->shown, VFS_BUSY_TIMEOUT_MS / 1000);
        v->host_error = true;
        return ERR_FILE_ACCESS;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        what = "the image is damaged";
        break;
    case SQLITE_FULL:
        what = "the disk is full";
        break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        what = "the image cannot be written (check the permissions of the file and its directory)";
        break;
    case SQLITE_IOERR:
        what = "input/output error";
        break;
    default:
        what = "SQLite error";
        break;
    }
    char said[256];   /* SQLite's own words may quote bytes of the damaged file */
    safe_text(said, sizeof said, v->db ? sqlite3_errmsg(v->db) : sqlite3_errstr(rc));
    if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB)
        mark_damaged(v, said);      /* never write it from now on */
    snprintf(v->error, sizeof v->error, "%s: %s (%s)", v->shown, what, said);
    v->host_error = true;
    return ERR_FILE_ACCESS;
}

const char *vfs_error(const Vfs *v) { return v->error; }
bool vfs_error_is_host(const Vfs *v) { return v->host_error; }
const char *vfs_image_path(const Vfs *v) { return v->image; }

/* ---- Statement helpers --------------------------------------------------------------- */

/* Run a statement that returns no row, then reset it. Returns 0 or host_fail's code. */
static int run(Vfs *v, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : host_fail(v, rc);
}

/* Finish a statement that returned rows (or failed): reset it, pass rc on. */
static int done(sqlite3_stmt *st, int rc)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static void bind_bytes(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    /* A NULL pointer would bind SQL NULL; "" binds an empty BLOB. */
    sqlite3_bind_blob64(st, i, n ? p : "", n, SQLITE_STATIC);
}

/* Find the entry with normal path `path`: 0 with *found set, or a host failure. */
static int lookup(Vfs *v, const char *path, size_t len, Entry *e, bool *found)
{
    sqlite3_stmt *st = v->st[ST_LOOKUP];
    bind_bytes(st, 1, path, len);
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    if (*found) {
        e->id = sqlite3_column_int64(st, 0);
        e->is_dir = sqlite3_column_int(st, 1) != 0;
        e->perm = sqlite3_column_int(st, 2);
        e->created = sqlite3_column_int64(st, 3);
        e->modified = sqlite3_column_int64(st, 4);
        e->size = sqlite3_column_int64(st, 5);
        rc = SQLITE_DONE;
    }
    return done(st, rc == SQLITE_DONE ? 0 : host_fail(v, rc));
}

/* The number of entries in directory id. */
static int count_entries(Vfs *v, int64_t id, int64_t *n)
{
    sqlite3_stmt *st = v->st[ST_ENTRIES];
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return done(st, host_fail(v, rc));
    *n = sqlite3_column_int64(st, 0);
    return done(st, 0);
}

static int touch(Vfs *v, int64_t id, int64_t when)
{
    sqlite3_stmt *st = v->st[ST_TOUCH];
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, when);
    return run(v, st);
}

/* ---- Transactions -------------------------------------------------------------------- */

static int integrity(Vfs *v, const char *pragma);

/* SPEC 6: a damaged image is reported and never written. Before the first write of this
 * open the image gets the integrity check of `mvm vfs check` (so every image that command
 * calls damaged is refused here too; docs/vfs.md gives its cost); after a damaged verdict,
 * or SQLite reporting damage on any call, every write is refused. Reads are not checked:
 * they go on where SQLite still answers them. */
static int may_write(Vfs *v)
{
    if (v->soundness == UNCHECKED) {
        int e = integrity(v, "PRAGMA integrity_check");
        if (e && v->soundness != DAMAGED)
            return e;                   /* busy, out of memory: ask again next time */
        if (!e)
            v->soundness = SOUND;
    }
    if (v->soundness == SOUND)
        return 0;
    return refuse_host(v, "%s: the image is damaged (%s), so it is not written to; reads may "
                       "go on ('mvm vfs check' reports the damage; restore a copy of the image)",
                       v->shown, v->damage);
}

/* Normalise the path and open the call's transaction. On success the caller must end()
 * it and free *norm. */
static int begin(Vfs *v, const char *path, bool write, char **norm)
{
    int e = write ? may_write(v) : 0;
    if (e)
        return e;
    e = vfs_path_normalise(path, norm);
    if (e == ERR_INVALID_FORMAT)
        return refuse(v, e, "a name in the path is longer than %d bytes", VFS_NAME_MAX);
    if (e)
        return refuse(v, e, "out of memory");
    e = run(v, v->st[write ? ST_BEGIN_WRITE : ST_BEGIN_READ]);
    if (e) {
        free(*norm);
        *norm = NULL;
    }
    return e;
}

/* Commit when e is 0, else roll back; returns the call's result. Frees norm. */
static int end(Vfs *v, int e, char *norm)
{
    free(norm);
    if (e == 0)
        e = run(v, v->st[ST_COMMIT]);
    if (e && !sqlite3_get_autocommit(v->db)) {
        /* Keep the message of the first failure. */
        char keep[sizeof v->error];
        bool host = v->host_error;
        memcpy(keep, v->error, sizeof keep);
        run(v, v->st[ST_ROLLBACK]);
        memcpy(v->error, keep, sizeof keep);
        v->host_error = host;
    }
    return e;
}

/* ---- The calls ----------------------------------------------------------------------- */

/* The directory that will hold a new entry at normal path `norm` (not "/"): it must
 * exist, be a directory and be writable. */
static int parent_for_change(Vfs *v, const char *norm, Entry *dir)
{
    const char *name;
    size_t plen = vfs_path_split(norm, &name);
    bool found;
    int e = lookup(v, norm, plen, dir, &found);
    if (e)
        return e;
    if (!found)
        return refuse(v, ERR_FILE_ACCESS, "the parent directory does not exist");
    if (!dir->is_dir)
        return refuse(v, ERR_FILE_ACCESS, "the parent is a file, not a directory");
    if (!(dir->perm & VFS_PERM_WRITE))
        return refuse(v, ERR_FILE_ACCESS, "permission denied: the parent directory is not writable");
    return 0;
}

/* Insert a new entry at `norm` (which does not exist) into its directory. */
static int insert(Vfs *v, const char *norm, bool is_dir, const char *data, size_t len)
{
    Entry dir;
    int e = parent_for_change(v, norm, &dir);
    if (e)
        return e;
    const char *name;
    vfs_path_split(norm, &name);
    int64_t now = now_ms();
    sqlite3_stmt *st = v->st[ST_INSERT];
    bind_bytes(st, 1, norm, strlen(norm));
    sqlite3_bind_int64(st, 2, dir.id);
    bind_bytes(st, 3, name, strlen(name));
    sqlite3_bind_int(st, 4, is_dir);
    sqlite3_bind_int64(st, 5, now);
    if (is_dir)
        sqlite3_bind_null(st, 6);
    else
        bind_bytes(st, 6, data, len);
    e = run(v, st);
    return e ? e : touch(v, dir.id, now);
}

static int create(Vfs *v, const char *path, bool is_dir)
{
    char *norm;
    int e = begin(v, path, true, &norm);
    if (e)
        return e;
    Entry old;
    bool found;
    e = lookup(v, norm, strlen(norm), &old, &found);
    if (!e && found)
        e = refuse(v, ERR_FILE_ACCESS, "%s already exists", old.is_dir ? "a directory" : "a file");
    if (!e)
        e = insert(v, norm, is_dir, "", 0);
    return end(v, e, norm);
}

int vfs_new_file(Vfs *v, const char *path) { return create(v, path, false); }
int vfs_new_dir(Vfs *v, const char *path) { return create(v, path, true); }

int vfs_write_file(Vfs *v, const char *path, const char *data, size_t len)
{
    char *norm;
    int e = begin(v, path, true, &norm);
    if (e)
        return e;
    if (len > VFS_FILE_MAX)
        return end(v, refuse(v, ERR_FILE_ACCESS, "the content is too large (%zu bytes; a file "
                             "holds at most %zu)", len, VFS_FILE_MAX), norm);
    Entry f;
    bool found;
    e = lookup(v, norm, strlen(norm), &f, &found);
    if (e || !found) {
        if (!e)
            e = insert(v, norm, false, data, len);
        return end(v, e, norm);
    }
    if (f.is_dir)
        e = refuse(v, ERR_FILE_ACCESS, "it is a directory");
    else if (!(f.perm & VFS_PERM_WRITE))
        e = refuse(v, ERR_FILE_ACCESS, "permission denied: the file is not writable");
    if (!e) {
        sqlite3_stmt *st = v->st[ST_SET_DATA];
        sqlite3_bind_int64(st, 1, f.id);
        bind_bytes(st, 2, data, len);
        sqlite3_bind_int64(st, 3, now_ms());
        e = run(v, st);
    }
    return end(v, e, norm);
}

/* Copy file id's bytes into a new buffer. */
static int read_data(Vfs *v, int64_t id, char **data, size_t *len)
{
    sqlite3_stmt *st = v->st[ST_DATA];
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return done(st, host_fail(v, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc));
    const void *bytes = sqlite3_column_blob(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    if (!bytes && n)
        return done(st, host_fail(v, sqlite3_errcode(v->db)));
    char *buf = malloc(n + 1);
    if (!buf)
        return done(st, refuse(v, ERR_MEMORY_ALLOCATION, "out of memory"));
    if (n)
        memcpy(buf, bytes, n);
    buf[n] = 0;
    *data = buf;
    *len = n;
    return done(st, 0);
}

int vfs_read_file(Vfs *v, const char *path, char **data, size_t *len)
{
    char *norm;
    int e = begin(v, path, false, &norm);
    if (e)
        return e;
    Entry f;
    bool found;
    e = lookup(v, norm, strlen(norm), &f, &found);
    if (!e && !found)
        e = refuse(v, ERR_FILE_ACCESS, "no such file or directory");
    else if (!e && f.is_dir)
        e = refuse(v, ERR_FILE_ACCESS, "it is a directory");
    else if (!e && !(f.perm & VFS_PERM_READ))
        e = refuse(v, ERR_FILE_ACCESS, "permission denied: the file is not readable");
    if (!e)
        e = read_data(v, f.id, data, len);
    return end(v, e, norm);
}

void vfs_free_names(char **names, size_t count)
{
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
}

/* Collect the names of directory id, in bytewise order. */
static int list_names(Vfs *v, int64_t id, char ***names, size_t *count)
{
    sqlite3_stmt *st = v->st[ST_LIST];
    sqlite3_bind_int64(st, 1, id);
    char **list = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = sqlite3_column_blob(st, 0);
        size_t len = (size_t)sqlite3_column_bytes(st, 0);
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **grown = realloc(list, cap * sizeof *grown);
            if (!grown)
                break;
            list = grown;
        }
        if (!(list[n] = malloc(len + 1)))
            break;
        if (len)
            memcpy(list[n], name, len);
        list[n++][len] = 0;
    }
    if (rc != SQLITE_DONE) {
        vfs_free_names(list, n);
        return done(st, rc == SQLITE_ROW ? refuse(v, ERR_MEMORY_ALLOCATION, "out of memory")
                                         : host_fail(v, rc));
    }
    *names = list;
    *count = n;
    return done(st, 0);
}

int vfs_list(Vfs *v, const char *path, char ***names, size_t *count)
{
    char *norm;
    int e = begin(v, path, false, &norm);
    if (e)
        return e;
    Entry d;
    bool found;
    e = lookup(v, norm, strlen(norm), &d, &found);
    if (!e && !found)
        e = refuse(v, ERR_FILE_ACCESS, "no such file or directory");
    else if (!e && !d.is_dir)
        e = refuse(v, ERR_FILE_ACCESS, "it is a file, not a directory");
    else if (!e && !(d.perm & VFS_PERM_READ))
        e = refuse(v, ERR_FILE_ACCESS, "permission denied: the directory is not readable");
    if (!e)
        e = list_names(v, d.id, names, count);
    return end(v, e, norm);
}

int vfs_delete(Vfs *v, const char *path)
{
    char *norm;
    int e = begin(v, path, true, &norm);
    if (e)
        return e;
    Entry victim, dir;
    bool found;
    int64_t n = 0;
    if (strcmp(norm, "/") == 0)
        return end(v, refuse(v, ERR_FILE_ACCESS, "the root directory cannot be deleted"), norm);
    e = lookup(v, norm, strlen(norm), &victim, &found);
    if (!e && !found)
        e = refuse(v, ERR_FILE_ACCESS, "no such file or directory");
    if (!e)
        e = parent_for_change(v, norm, &dir);
    if (!e && victim.is_dir && !(e = count_entries(v, victim.id, &n)) && n > 0)
        e = refuse(v, ERR_FILE_ACCESS, "the directory is not empty");
    if (!e) {
        sqlite3_bind_int64(v->st[ST_DELETE], 1, victim.id);
        e = run(v, v->st[ST_DELETE]);
    }
    if (!e)
        e = touch(v, dir.id, now_ms());
    return end(v, e, norm);
}

int vfs_info(Vfs *v, const char *path, VfsInfo *info)
{
    char *norm;
    int e = begin(v, path, false, &norm);
    if (e)
        return e;
    Entry x;
    bool found;
    e = lookup(v, norm, strlen(norm), &x, &found);
    if (!e && !found)
        e = refuse(v, ERR_FILE_ACCESS, "no such file or directory");
    if (!e && x.is_dir)
        e = count_entries(v, x.id, &x.size);
    if (!e)
        *info = (VfsInfo){ .size = x.size, .is_dir = x.is_dir,
                           .readable = (x.perm & VFS_PERM_READ) != 0,
                           .writable = (x.perm & VFS_PERM_WRITE) != 0,
                           .created = x.created, .modified = x.modified };
    return end(v, e, norm);
}

int vfs_set_permissions(Vfs *v, const char *path, int64_t bits)
{
    char *norm;
    int e = begin(v, path, true, &norm);
    if (e)
        return e;
    Entry x;
    bool found;
    if (bits < 0 || bits > (VFS_PERM_READ | VFS_PERM_WRITE))
        return end(v, refuse(v, ERR_INVALID_ARGUMENT, "permission bits must be 0..3 "
                             "(1 read, 2 write), got %lld", (long long)bits), norm);
    e = lookup(v, norm, strlen(norm), &x, &found);
    if (!e && !found)
        e = refuse(v, ERR_FILE_ACCESS, "no such file or directory");
    if (!e) {
        sqlite3_bind_int64(v->st[ST_CHMOD], 1, x.id);
        sqlite3_bind_int64(v->st[ST_CHMOD], 2, bits);
        e = run(v, v->st[ST_CHMOD]);
    }
    return end(v, e, norm);
}

/* Run an integrity pragma: 0 when it answers "ok"; else 9 with its first finding (or
 * SQLite's error) in v->error, and v->soundness = DAMAGED when the image is damaged. */
static int integrity(Vfs *v, const char *pragma)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(v->db, pragma, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return host_fail(v, rc);
    int e = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *first = (const char *)sqlite3_column_text(st, 0);
        char said[256];
        if (!first || strcmp(first, "ok") != 0) {
            mark_damaged(v, first ? safe_text(said, sizeof said, first) : "no report");
            e = refuse(v, ERR_FILE_ACCESS, "%s: the image is damaged: %s", v->shown, v->damage);
        }
    } else {
        e = host_fail(v, rc);
    }
    sqlite3_finalize(st);
    return e;
}

int vfs_check(Vfs *v)
{
    return integrity(v, "PRAGMA integrity_check");
}

/* ---- Opening ------------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is there a non-empty file named path + suffix (SQLite's "-wal" or "-journal")? */
static bool has_sidecar(const char *path, const char *suffix)
{
    char name[4096];
    struct stat sb;
    return snprintf(name, sizeof name, "%s%s", path, suffix) < (int)sizeof name &&
           stat(name, &sb) == 0 && sb.st_size > 0;
}

/* Decide from the file's first 100 bytes (the SQLite header), without SQLite, whether it
 * is an MVM image (0), missing or empty (0 with *fresh set: a new image is made), or
 * something to refuse (-1 with a message in err). */
static int inspect(const char *path, const char *shown, bool *fresh, char *err, size_t errlen)
{
    *fresh = false;
    int fd = -1;
    int e = host_open_regular(path, &fd);   /* a FIFO is refused, never waited on */
    if (e == ENOENT) {
        *fresh = true;
        return 0;
    }
    if (e == EISDIR || e == HOST_NOT_REGULAR) {
        snprintf(err, errlen, "%s: not an MVM VFS image (not a regular file)", shown);
        return -1;
    }
    struct stat sb;
    if (e || fstat(fd, &sb) != 0) {
        snprintf(err, errlen, "%s: cannot open the VFS image: %s", shown,
                 e ? host_error_text(e) : strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    unsigned char h[100];
    ssize_t got = read(fd, h, sizeof h);
    close(fd);
    if (got < 0) {
        snprintf(err, errlen, "%s: cannot read the VFS image: %s", shown, strerror(errno));
        return -1;
    }
    if (sb.st_size == 0) {
        *fresh = true;
        return 0;
    }
    const char *left = "it was left untouched";
    if (got < (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0) {
        snprintf(err, errlen, "%s: not an MVM VFS image (not an SQLite database); %s", shown, left);
        return -1;
    }
    uint32_t app = be32(h + 68), format = be32(h + 60);
    if (app != VFS_APPLICATION_ID) {
        snprintf(err, errlen, "%s: not an MVM VFS image (an SQLite database of another "
                 "program, application_id 0x%08x); %s", shown, app, left);
        return -1;
    }
    if (format != VFS_FORMAT) {
        snprintf(err, errlen, "%s: an MVM VFS image of format %u, but this mvm reads format %d; %s",
                 shown, format, VFS_FORMAT, left);
        return -1;
    }
    /* The header's page count is valid when its change counter matches (SQLite file
     * format 1.3.9). With a write-ahead log or a rollback journal beside it the file may
     * legitimately be shorter for a while (a checkpoint or a transaction cut short by a
     * kill: page 1 is written first); SQLite repairs that itself when it opens the file. */
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    uint64_t page_size = page == 1 ? 65536 : page;
    uint64_t pages = be32(h + 28);
    if (be32(h + 24) == be32(h + 92) && !has_sidecar(path, "-wal") &&
        !has_sidecar(path, "-journal") && (uint64_t)sb.st_size < pages * page_size) {
        snprintf(err, errlen, "%s: the VFS image is damaged (truncated: %lld bytes, its header "
                 "says %llu); %s", shown, (long long)sb.st_size,
                 (unsigned long long)(pages * page_size), left);
        return -1;
    }
    return 0;
}

/* Run one statement that returns a single integer. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Inside the opening transaction: make the schema of a new (empty) database, or check that
 * an existing one is ours. Returns an SQLite code; SQLITE_NOTADB for a database that is
 * not an MVM image (the caller rolls back, so it stays untouched). */
static int init_schema(sqlite3 *db, const char **why)
{
    int64_t app = 0, format = 0, objects = 0, odd = 0;
    int rc;
    if ((rc = query_int(db, "PRAGMA application_id", &app)) ||
        (rc = query_int(db, "PRAGMA user_version", &format)) ||
        (rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &objects)))
        return rc;
    if (app == VFS_APPLICATION_ID && format == VFS_FORMAT) {
        /* Ours. A trigger or view could only come from someone editing the file by hand;
         * refuse rather than run their code inside our transactions. */
        rc = query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type IN ('trigger', 'view')", &odd);
        *why = "it holds triggers or views, which MVM never makes";
        return rc ? rc : odd ? SQLITE_NOTADB : SQLITE_OK;
    }
    if (app != 0 || format != 0 || objects != 0) {
        *why = "an SQLite database of another program";
        return SQLITE_NOTADB;
    }
    char sql[sizeof schema_sql + 400];
    int64_t now = now_ms();
    snprintf(sql, sizeof sql, "%s"
             "INSERT INTO entry VALUES (%d, X'2F', NULL, X'', 1, 3, %lld, %lld, NULL);\n"
             "PRAGMA application_id = %d;\n"
             "PRAGMA user_version = %d;\n",
             schema_sql, ROOT_ID, (long long)now, (long long)now, VFS_APPLICATION_ID, VFS_FORMAT);
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* After creating an image, make its directory entry durable too. */
static void sync_directory(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

/* Settings, identity check (or a new schema), journal mode, statements. Returns an
 * SQLite code; *why explains an SQLITE_NOTADB of our own making. */
static int setup(Vfs *v, bool fresh, bool memory, const char **why)
{
    sqlite3 *db = v->db;
    int rc;
    sqlite3_busy_timeout(db, VFS_BUSY_TIMEOUT_MS);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    if ((rc = sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL)))
        return rc;
    /* A new image is made under the write lock (two mvm starting at once make it once);
     * checking an existing one only reads, so it never waits for a writer. */
    if ((rc = sqlite3_exec(db, fresh ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL)))
        return rc;
    int checked = init_schema(db, why);
    rc = sqlite3_exec(db, checked == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (checked || rc)
        return checked ? checked : rc;
    /* WAL: one fsync per commit, readers never wait for the writer. Both header fields
     * are committed before this, so they are in the image file (see the top). */
    if (!memory && (rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)))
        return rc;
    for (int i = 0; i < ST_COUNT; i++)
        if ((rc = sqlite3_prepare_v3(db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                     &v->st[i], NULL)))
            return rc;
    return SQLITE_OK;
}

int vfs_check_image_path(const char *image_path, char *err, size_t errlen)
{
    if (image_path[0] == '\0') {
        /* SQLite would open a temporary database: every write would vanish. */
        snprintf(err, errlen, "the VFS image path is empty (name a file, or :memory: for a "
                 "throwaway image)");
        return -1;
    }
    int e = strcmp(image_path, VFS_MEMORY_IMAGE) == 0 ? 0 : host_stat_regular(image_path);
    if (e == 0 || e == ENOENT)
        return 0;
    char shown[256];
    snprintf(err, errlen, "%s: cannot be a VFS image: %s", safe_text(shown, sizeof shown, image_path),
             e == EISDIR ? "not a regular file (a directory)" : host_error_text(e));
    return -1;
}

Vfs *vfs_open(const char *image_path, char *err, size_t errlen)
{
    if (vfs_check_image_path(image_path, err, errlen) != 0)
        return NULL;
    bool memory = strcmp(image_path, VFS_MEMORY_IMAGE) == 0, fresh = true;
    char shown[256];   /* a path from config.json may hold any bytes */
    safe_text(shown, sizeof shown, image_path);
    if (!memory && inspect(image_path, shown, &fresh, err, errlen) != 0)
        return NULL;
    Vfs *v = calloc(1, sizeof *v);
    if (!v || !(v->image = strdup(image_path))) {
        free(v);
        snprintf(err, errlen, "%s: out of memory", shown);
        return NULL;
    }
    memcpy(v->shown, shown, sizeof shown);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (fresh ? SQLITE_OPEN_CREATE : 0);
    const char *why = NULL;
    int rc = sqlite3_open_v2(image_path, &v->db, flags, NULL);
    if (rc == SQLITE_OK)
        rc = setup(v, fresh, memory, &why);
    if (rc != SQLITE_OK) {
        int sys = v->db ? sqlite3_system_errno(v->db) : 0;
        char said[256];
        safe_text(said, sizeof said, v->db ? sqlite3_errmsg(v->db) : sqlite3_errstr(rc));
        if ((rc & 0xFF) == SQLITE_NOTADB && why)
            snprintf(err, errlen, "%s: not an MVM VFS image (%s); it was left untouched", shown, why);
        else if ((rc & 0xFF) == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT)
            snprintf(err, errlen, "%s: the VFS image is damaged (%s)", shown, said);
        else if ((rc & 0xFF) == SQLITE_BUSY)
            snprintf(err, errlen, "%s: the VFS image is busy: another process kept it locked for "
                     "more than %d s; try again", shown, VFS_BUSY_TIMEOUT_MS / 1000);
        else if ((rc & 0xFF) == SQLITE_CANTOPEN && sys)
            snprintf(err, errlen, "%s: cannot open the VFS image: %s", shown, strerror(sys));
        else
            snprintf(err, errlen, "%s: cannot open the VFS image: %s", shown, said);
        vfs_close(v);
        return NULL;
    }
    if (fresh && !memory)
        sync_directory(image_path);
    return v;
}

void vfs_close(Vfs *v)
{
    if (!v)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(v->st[i]);
    sqlite3_close(v->db);
    free(v->image);
    free(v);
}
