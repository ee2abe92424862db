/*
 * test_vfs.c - the VFS below the system calls: path normalisation (vfs/path.c) and the
 * SQLite store (vfs/store.c): the tree, the permission rules of SPEC 10, persistence, and
 * images that must be refused without being touched (text, another program's database,
 * a newer format, truncated, too short).
 *
 * Each test works in a fresh temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfs/path.h"
#include "vfs/vfs.h"
#include "vm/errors.h"

static char dir[256];           /* this test's temporary directory */
static char image[PATH_MAX];    /* dir/vfs.fs */
static char err[1024];

static int remove_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int make_dir(void **state)
{
    const char *tmp = getenv("TMPDIR");
    assert_true(snprintf(dir, sizeof dir, "%s/mvm-vfs-XXXXXX", tmp ? tmp : "/tmp") < (int)sizeof dir);
    assert_non_null(mkdtemp(dir));
    snprintf(image, sizeof image, "%s/vfs.fs", dir);
    return 0;
}

static int remove_dir(void **state)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* ---- Paths --------------------------------------------------------------------------- */

static void expect_path(const char *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(vfs_path_normalise(in, &out), 0);
    assert_string_equal(out, want);
    free(out);
}

static void test_path_normal_forms(void **state)
{
    expect_path("", "/");
    expect_path("/", "/");
    expect_path("///", "/");
    expect_path(".", "/");
    expect_path("a", "/a");
    expect_path("/a/", "/a");
    expect_path("a//b", "/a/b");
    expect_path("./a/./b/.", "/a/b");
    expect_path("/a/b/..", "/a");
    expect_path("/a/b/../..", "/");
    expect_path("/..", "/");
    expect_path("../../x", "/x");
    expect_path("/a/../../b", "/b");
    expect_path("a/b/../c/./d/..", "/a/c");
    /* Names made of dots are names; any byte but '/' and NUL is allowed. */
    expect_path("...", "/...");
    expect_path(".a/..b/c..", "/.a/..b/c..");
    expect_path("sp ace/\xc3\xa9\xff", "/sp ace/\xc3\xa9\xff");
}

static void test_path_name_length(void **state)
{
    char name[300], path[700];
    memset(name, 'n', 255);
    name[255] = 0;
    snprintf(path, sizeof path, "/d/%s", name);
    char *out = NULL;
    assert_int_equal(vfs_path_normalise(path, &out), 0);   /* 255 bytes: the limit */
    assert_string_equal(out, path);
    free(out);
    memset(name, 'n', 256);
    name[256] = 0;
    snprintf(path, sizeof path, "/d/%s", name);
    assert_int_equal(vfs_path_normalise(path, &out), ERR_INVALID_FORMAT);
    snprintf(path, sizeof path, "%s/..", name);              /* even if .. removes it */
    assert_int_equal(vfs_path_normalise(path, &out), ERR_INVALID_FORMAT);
}

static void test_path_split(void **state)
{
    const char *name;
    assert_int_equal(vfs_path_split("/a", &name), 1);
    assert_string_equal(name, "a");
    assert_int_equal(vfs_path_split("/ab/cd/e", &name), 6);
    assert_string_equal(name, "e");
}

/* ---- The store ----------------------------------------------------------------------- */

static Vfs *open_image(void)
{
    Vfs *v = vfs_open(image, err, sizeof err);
    if (!v)
        print_error("vfs_open: %s\n", err);
    assert_non_null(v);
    return v;
}

static void expect_content(Vfs *v, const char *path, const char *want, size_t want_len)
{
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(vfs_read_file(v, path, &data, &len), 0);
    assert_int_equal(len, want_len);
    assert_memory_equal(data, want, want_len);
    free(data);
}

static void expect_list(Vfs *v, const char *path, const char *const *want, size_t n)
{
    char **names;
    size_t count;
    assert_int_equal(vfs_list(v, path, &names, &count), 0);
    assert_int_equal(count, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(names[i], want[i]);
    vfs_free_names(names, count);
}

static void test_new_image_has_empty_root(void **state)
{
    Vfs *v = open_image();
    expect_list(v, "/", NULL, 0);
    VfsInfo in;
    assert_int_equal(vfs_info(v, "/", &in), 0);
    assert_true(in.is_dir && in.readable && in.writable);
    assert_int_equal(in.size, 0);
    assert_true(in.created > 1600000000000LL && in.modified >= in.created);
    assert_int_equal(vfs_check(v), 0);
    vfs_close(v);
}

static void test_create_read_write(void **state)
{
    Vfs *v = open_image();
    assert_int_equal(vfs_new_dir(v, "/docs"), 0);
    assert_int_equal(vfs_new_file(v, "docs/a.txt"), 0);
    expect_content(v, "/docs/a.txt", "", 0);
    assert_int_equal(vfs_new_file(v, "/docs/a.txt"), ERR_FILE_ACCESS);   /* exists */
    assert_int_equal(vfs_new_dir(v, "/docs/a.txt"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_new_dir(v, "/"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_new_file(v, "/none/x"), ERR_FILE_ACCESS);       /* no parent */
    assert_int_equal(vfs_new_file(v, "/docs/a.txt/x"), ERR_FILE_ACCESS); /* parent a file */
    assert_int_equal(vfs_write_file(v, "/none/x", "a", 1), ERR_FILE_ACCESS);

    const char bytes[] = { 'h', 'i', 0, (char)0xFF, (char)0x80, '\n' };
    assert_int_equal(vfs_write_file(v, "/docs/a.txt", bytes, sizeof bytes), 0);
    expect_content(v, "/docs/../docs/./a.txt", bytes, sizeof bytes);
    assert_int_equal(vfs_write_file(v, "/docs/new", "abc", 3), 0);       /* creates */
    expect_content(v, "docs/new", "abc", 3);
    assert_int_equal(vfs_write_file(v, "/docs/new", "", 0), 0);          /* empties */
    expect_content(v, "/docs/new", "", 0);
    assert_int_equal(vfs_write_file(v, "/docs", "x", 1), ERR_FILE_ACCESS); /* a directory */
    char *data;
    size_t len;
    assert_int_equal(vfs_read_file(v, "/docs", &data, &len), ERR_FILE_ACCESS);
    assert_int_equal(vfs_read_file(v, "/missing", &data, &len), ERR_FILE_ACCESS);
    assert_string_equal(vfs_error(v), "no such file or directory");
    assert_false(vfs_error_is_host(v));
    vfs_close(v);
}

static void test_list_bytewise(void **state)
{
    Vfs *v = open_image();
    const char *names[] = { "b", "B", "a", "\xc3\xa9", "a0", "_", "A b", "~" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(vfs_new_file(v, names[i]), 0);
    assert_int_equal(vfs_new_dir(v, "/sub"), 0);
    assert_int_equal(vfs_new_file(v, "/sub/inner"), 0);   /* not listed in / */
    const char *want[] = { "A b", "B", "_", "a", "a0", "b", "sub", "~", "\xc3\xa9" };
    expect_list(v, "/", want, sizeof want / sizeof want[0]);
    expect_list(v, "", want, sizeof want / sizeof want[0]);
    const char *inner[] = { "inner" };
    expect_list(v, "/sub/", inner, 1);
    char **got;
    size_t n;
    assert_int_equal(vfs_list(v, "/a", &got, &n), ERR_FILE_ACCESS);     /* a file */
    assert_int_equal(vfs_list(v, "/zz", &got, &n), ERR_FILE_ACCESS);    /* missing */
    vfs_close(v);
}

static void test_delete(void **state)
{
    Vfs *v = open_image();
    assert_int_equal(vfs_new_dir(v, "/d"), 0);
    assert_int_equal(vfs_write_file(v, "/d/f", "x", 1), 0);
    assert_int_equal(vfs_delete(v, "/d"), ERR_FILE_ACCESS);       /* not empty */
    assert_int_equal(vfs_delete(v, "/"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_delete(v, "/d/.."), ERR_FILE_ACCESS);    /* the root too */
    assert_int_equal(vfs_delete(v, "/d/g"), ERR_FILE_ACCESS);     /* missing */
    assert_int_equal(vfs_delete(v, "/d/f"), 0);
    assert_int_equal(vfs_delete(v, "/d/f"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_delete(v, "/d"), 0);
    expect_list(v, "/", NULL, 0);
    vfs_close(v);
}

static void test_info(void **state)
{
    Vfs *v = open_image();
    assert_int_equal(vfs_new_dir(v, "/d"), 0);
    assert_int_equal(vfs_write_file(v, "/d/f", "hello", 5), 0);
    assert_int_equal(vfs_new_dir(v, "/d/e"), 0);
    VfsInfo in;
    assert_int_equal(vfs_info(v, "/d/f", &in), 0);
    assert_int_equal(in.size, 5);
    assert_false(in.is_dir);
    assert_true(in.readable && in.writable);
    assert_true(in.modified >= in.created);
    assert_int_equal(vfs_info(v, "/d", &in), 0);
    assert_int_equal(in.size, 2);                                 /* entries */
    assert_true(in.is_dir);
    assert_int_equal(vfs_info(v, "/", &in), 0);
    assert_int_equal(in.size, 1);
    assert_int_equal(vfs_info(v, "/nope", &in), ERR_FILE_ACCESS);
    vfs_close(v);
}

static void test_permissions(void **state)
{
    Vfs *v = open_image();
    char *data;
    size_t len;
    char **names;
    size_t n;
    VfsInfo in;
    assert_int_equal(vfs_new_dir(v, "/d"), 0);
    assert_int_equal(vfs_write_file(v, "/d/f", "abc", 3), 0);

    assert_int_equal(vfs_set_permissions(v, "/d/f", 4), ERR_INVALID_ARGUMENT);
    assert_int_equal(vfs_set_permissions(v, "/d/f", -1), ERR_INVALID_ARGUMENT);
    assert_int_equal(vfs_set_permissions(v, "/nope", 3), ERR_FILE_ACCESS);

    /* A file's bits govern reading and writing it, not its metadata. */
    assert_int_equal(vfs_set_permissions(v, "/d/f", VFS_PERM_WRITE), 0);
    assert_int_equal(vfs_read_file(v, "/d/f", &data, &len), ERR_FILE_ACCESS);
    assert_int_equal(vfs_write_file(v, "/d/f", "xyz", 3), 0);
    assert_int_equal(vfs_info(v, "/d/f", &in), 0);
    assert_true(!in.readable && in.writable && in.size == 3);
    assert_int_equal(vfs_set_permissions(v, "/d/f", VFS_PERM_READ), 0);
    assert_int_equal(vfs_write_file(v, "/d/f", "no", 2), ERR_FILE_ACCESS);
    expect_content(v, "/d/f", "xyz", 3);

    /* A directory's read bit governs listing only. */
    assert_int_equal(vfs_set_permissions(v, "/d", VFS_PERM_WRITE), 0);
    assert_int_equal(vfs_list(v, "/d", &names, &n), ERR_FILE_ACCESS);
    expect_content(v, "/d/f", "xyz", 3);
    assert_int_equal(vfs_new_file(v, "/d/g"), 0);

    /* Its write bit governs creating and deleting entries; writing an existing file
     * needs only the file's own bit. */
    assert_int_equal(vfs_set_permissions(v, "/d", VFS_PERM_READ), 0);
    assert_int_equal(vfs_new_file(v, "/d/h"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_new_dir(v, "/d/h"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_write_file(v, "/d/h", "x", 1), ERR_FILE_ACCESS);
    assert_int_equal(vfs_delete(v, "/d/g"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_write_file(v, "/d/g", "ok", 2), 0);
    const char *both[] = { "f", "g" };
    expect_list(v, "/d", both, 2);

    /* Deleting needs only the directory's write bit, whatever the entry's bits. */
    assert_int_equal(vfs_set_permissions(v, "/d", 3), 0);
    assert_int_equal(vfs_set_permissions(v, "/d/g", 0), 0);
    assert_int_equal(vfs_delete(v, "/d/g"), 0);

    /* The root obeys the same rules. */
    assert_int_equal(vfs_set_permissions(v, "/", VFS_PERM_READ), 0);
    assert_int_equal(vfs_new_dir(v, "/e"), ERR_FILE_ACCESS);
    assert_int_equal(vfs_set_permissions(v, "/", 3), 0);
    assert_int_equal(vfs_new_dir(v, "/e"), 0);
    vfs_close(v);
}

static void test_long_names(void **state)
{
    Vfs *v = open_image();
    char path[300];
    path[0] = '/';
    memset(path + 1, 'x', 256);
    path[257] = 0;
    char *data;
    size_t len, n;
    char **names;
    VfsInfo in;
    assert_int_equal(vfs_new_file(v, path), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_new_dir(v, path), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_write_file(v, path, "a", 1), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_read_file(v, path, &data, &len), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_list(v, path, &names, &n), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_delete(v, path), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_info(v, path, &in), ERR_INVALID_FORMAT);
    assert_int_equal(vfs_set_permissions(v, path, 3), ERR_INVALID_FORMAT);
    path[256] = 0;                                       /* 255 bytes */
    assert_int_equal(vfs_write_file(v, path, "a", 1), 0);
    expect_content(v, path, "a", 1);
    vfs_close(v);
}

static void test_persistence(void **state)
{
    Vfs *v = open_image();
    assert_int_equal(vfs_new_dir(v, "/keep"), 0);
    assert_int_equal(vfs_write_file(v, "/keep/n", "42", 2), 0);
    assert_int_equal(vfs_set_permissions(v, "/keep/n", VFS_PERM_READ), 0);
    vfs_close(v);
    v = open_image();
    expect_content(v, "/keep/n", "42", 2);
    VfsInfo in;
    assert_int_equal(vfs_info(v, "/keep/n", &in), 0);
    assert_true(in.readable && !in.writable);
    /* A second connection sees each committed call at once. */
    Vfs *w = open_image();
    assert_int_equal(vfs_write_file(w, "/keep/m", "7", 1), 0);
    expect_content(v, "/keep/m", "7", 1);
    vfs_close(w);
    assert_int_equal(vfs_check(v), 0);
    vfs_close(v);
}

static void test_busy_image(void **state)
{
    /* Another process holds the write lock for longer than VFS_BUSY_TIMEOUT_MS: reads go
     * on (WAL), a write waits, then fails with 9 and a clear, host-side message. */
    Vfs *v = open_image();
    assert_int_equal(vfs_write_file(v, "/f", "old", 3), 0);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(image, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE; UPDATE entry SET data = X'6E6577' "
                                      "WHERE path = X'2F66'", NULL, NULL, NULL), SQLITE_OK);
    expect_content(v, "/f", "old", 3);
    assert_int_equal(vfs_new_file(v, "/g"), ERR_FILE_ACCESS);
    assert_true(vfs_error_is_host(v));
    assert_non_null(strstr(vfs_error(v), "busy"));
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    expect_content(v, "/f", "new", 3);
    assert_int_equal(vfs_new_file(v, "/g"), 0);
    vfs_close(v);
}

static void test_memory_image(void **state)
{
    Vfs *v = vfs_open(VFS_MEMORY_IMAGE, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vfs_write_file(v, "/m", "mem", 3), 0);
    expect_content(v, "/m", "mem", 3);
    vfs_close(v);
    v = vfs_open(VFS_MEMORY_IMAGE, err, sizeof err);
    expect_list(v, "/", NULL, 0);                        /* nothing kept */
    vfs_close(v);
}

/* ---- Images to refuse ---------------------------------------------------------------- */

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Read a whole host file into a new buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

/* vfs_open must refuse the file at image, mention `why`, and leave it byte for byte. */
static void expect_refused(const char *why)
{
    size_t before_len, after_len;
    char *before = slurp(image, &before_len);
    Vfs *v = vfs_open(image, err, sizeof err);
    assert_null(v);
    if (!strstr(err, why))
        print_error("message '%s' lacks '%s'\n", err, why);
    assert_non_null(strstr(err, why));
    char *after = slurp(image, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    free(before);
    free(after);
    char side[PATH_MAX + 8];
    snprintf(side, sizeof side, "%s-journal", image);
    assert_int_not_equal(access(side, F_OK), 0);         /* SQLite never got to it */
    snprintf(side, sizeof side, "%s-shm", image);
    assert_int_not_equal(access(side, F_OK), 0);
}

static void test_refuse_text_file(void **state)
{
    const char text[] = "These are my notes, not an image.\n"
                        "Line two, long enough to fill the first hundred bytes of a header.\n";
    write_file(image, text, sizeof text - 1);
    expect_refused("not an SQLite database");
    write_file(image, "short", 5);
    expect_refused("not an SQLite database");
}

static void sql(sqlite3 *db, const char *s)
{
    assert_int_equal(sqlite3_exec(db, s, NULL, NULL, NULL), SQLITE_OK);
}

static void test_refuse_foreign_database(void **state)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(image, &db), SQLITE_OK);
    sql(db, "CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('ada');");
    sqlite3_close(db);
    expect_refused("another program");

    /* An empty database made by someone else (application_id set, no tables) too. */
    unlink(image);
    assert_int_equal(sqlite3_open(image, &db), SQLITE_OK);
    sql(db, "PRAGMA application_id = 42; PRAGMA user_version = 1;");
    sqlite3_close(db);
    expect_refused("another program");
}

static void test_refuse_foreign_wal_database(void **state)
{
    /* A database in WAL mode, still open elsewhere with a log: untouched, log included. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(image, &db), SQLITE_OK);
    sql(db, "PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", image);
    size_t wal_len, wal_after;
    char *log = slurp(wal, &wal_len);
    Vfs *v = vfs_open(image, err, sizeof err);
    assert_null(v);
    char *log_after = slurp(wal, &wal_after);
    assert_int_equal(wal_len, wal_after);
    assert_memory_equal(log, log_after, wal_len);
    free(log);
    free(log_after);
    sqlite3_close(db);
}

static void test_refuse_newer_format(void **state)
{
    Vfs *v = open_image();
    vfs_close(v);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(image, &db), SQLITE_OK);
    sql(db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 2;");
    sqlite3_close(db);
    expect_refused("format 2");
}

static void test_refuse_truncated_image(void **state)
{
    Vfs *v = open_image();
    char big[3000];
    memset(big, 'z', sizeof big);
    for (int i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof name, "/f%d", i);
        assert_int_equal(vfs_write_file(v, name, big, sizeof big), 0);
    }
    vfs_close(v);                                        /* folds the log into the image */
    size_t len;
    char *whole = slurp(image, &len);
    assert_true(len > 8 * 4096);
    write_file(image, whole, len / 2);
    expect_refused("truncated");
    write_file(image, whole, 60);                        /* not even a whole header */
    expect_refused("not an SQLite database");
    free(whole);
}

static void test_damaged_image(void **state)
{
    /* A sound header over garbage pages: never a crash; the damage is reported as the
     * host's, at the latest by the integrity check. */
    Vfs *v = open_image();
    for (int i = 0; i < 20; i++) {
        char name[32];
        snprintf(name, sizeof name, "/f%d", i);
        assert_int_equal(vfs_write_file(v, name, "content", 7), 0);
    }
    vfs_close(v);
    size_t len;
    char *whole = slurp(image, &len);
    assert_true(len >= 3 * 4096);
    memset(whole + 4096, 0xA5, len - 4096);
    write_file(image, whole, len);
    free(whole);
    v = vfs_open(image, err, sizeof err);
    if (!v) {
        assert_non_null(strstr(err, "damaged"));
        return;
    }
    char **names;
    size_t n;
    int e = vfs_list(v, "/", &names, &n);
    if (e == 0)
        vfs_free_names(names, n);
    else
        assert_true(e == ERR_FILE_ACCESS && vfs_error_is_host(v));
    assert_int_equal(vfs_check(v), ERR_FILE_ACCESS);
    assert_non_null(strstr(vfs_error(v), "damaged"));
    vfs_close(v);
}

static void test_refuse_directory(void **state)
{
    snprintf(image, sizeof image, "%s", dir);
    assert_null(vfs_open(image, err, sizeof err));
    assert_non_null(strstr(err, "not a regular file"));
}

static void test_empty_file_becomes_image(void **state)
{
    write_file(image, "", 0);
    Vfs *v = open_image();
    assert_int_equal(vfs_new_file(v, "/x"), 0);
    vfs_close(v);
    v = open_image();
    expect_content(v, "/x", "", 0);
    vfs_close(v);
}

static void test_missing_directory(void **state)
{
    snprintf(image, sizeof image, "%s/no/such/dir/vfs.fs", dir);
    assert_null(vfs_open(image, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, make_dir, remove_dir)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_normal_forms),
        cmocka_unit_test(test_path_name_length),
        cmocka_unit_test(test_path_split),
        T(test_new_image_has_empty_root),
        T(test_create_read_write),
        T(test_list_bytewise),
        T(test_delete),
        T(test_info),
        T(test_permissions),
        T(test_long_names),
        T(test_persistence),
        T(test_busy_image),
        T(test_memory_image),
        T(test_refuse_text_file),
        T(test_refuse_foreign_database),
        T(test_refuse_foreign_wal_database),
        T(test_refuse_newer_format),
        T(test_refuse_truncated_image),
        T(test_damaged_image),
        T(test_refuse_directory),
        T(test_empty_file_becomes_image),
        T(test_missing_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
