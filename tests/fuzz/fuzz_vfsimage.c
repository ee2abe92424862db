/*
 * fuzz_vfsimage.c - libFuzzer target: arbitrary bytes -> a VFS image file (vfs/vfs.h), opened
 * the way mvm opens one (vfs_open), then a bounded walk through the VFS API: list the
 * tree two levels deep, stat and read what the listing names, the integrity check of
 * `mvm vfs check`, and one attempted write; then close.
 *
 * Build and run with `tests/fuzz/run.sh --target vfsimage [SECONDS]`; the corpus is seeded
 * with images made by `./mvm vfs --vfs FILE mkdir/put/chmod` (run.sh). Regression inputs
 * are tests/fuzz/regressions/NAME.fs.
 *
 * Two kinds of input:
 *   - one that starts with SQLite's magic ("SQLite format 3\0") is the image itself;
 *   - anything else is a patch to a valid image the harness makes at start-up (a few
 *     directories and files, one unreadable): 3-byte records, a 16-bit little-endian
 *     offset (modulo the image's size) and the byte to put there. Most mutations of a
 *     whole image die in the header checks of vfs_open or of SQLite; a patch leaves the
 *     header alone unless it names it, so the fuzzer reaches the b-trees and the rows.
 *
 * What is checked beyond the sanitizers (SPEC 6: a foreign or damaged image is reported
 * and never written; calls on it fail with error 9):
 *   - an image vfs_open refuses is byte for byte what it was;
 *   - once the integrity check has called an image damaged, a write fails with 9.
 *
 * Bounds: images stay small (run.sh passes -max_len=65536; a patch changes a ~20 KB
 * image), a listing is looked at up to MAX_NAMES names per directory and files up to
 * VFS_FILE_MAX are read only when small. Each input gets a fresh file in a private
 * temporary directory, removed with its -wal and -shm files afterwards.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfs/vfs.h"

#define MAX_NAMES 8        /* entries looked at per directory */
#define MAGIC     "SQLite format 3"   /* with its NUL: 16 bytes */

static char dir[] = "/tmp/fuzz_vfsimage.XXXXXX";
static char image[64], wal[70], shm[70];
static uint8_t *base;      /* the valid image patches apply to */
static size_t base_len;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_files(void)
{
    unlink(image);
    unlink(wal);
    unlink(shm);
}

static void remove_dir(void)
{
    remove_files();
    rmdir(dir);
}

/* The whole of the image file in a new buffer (NULL when it cannot be read). */
static uint8_t *read_image(size_t *len)
{
    FILE *f = fopen(image, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

/* Make the base image through the API: directories, files, permissions. */
static void make_base(void)
{
    char err[512];
    Vfs *v = vfs_open(image, err, sizeof err);
    if (!v || vfs_new_dir(v, "/docs") || vfs_new_dir(v, "/docs/old") ||
        vfs_write_file(v, "/docs/a.txt", "hello, world\n", 13) ||
        vfs_write_file(v, "/docs/old/b.bin", "\0\1\2\3\377", 5) || vfs_new_file(v, "/empty") ||
        vfs_write_file(v, "/secret", "no", 2) || vfs_set_permissions(v, "/secret", 0) ||
        vfs_set_permissions(v, "/docs/old", VFS_PERM_READ))
        abort();
    vfs_close(v);
    if (!(base = read_image(&base_len)) || base_len == 0)
        abort();
    remove_files();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(dir))
        abort();
    snprintf(image, sizeof image, "%s/fuzz.fs", dir);
    snprintf(wal, sizeof wal, "%s-wal", image);
    snprintf(shm, sizeof shm, "%s-shm", image);
    atexit(remove_dir);
    make_base();
    return 0;
}

/* The image an input stands for, in a new buffer of *len bytes. */
static uint8_t *image_for(const uint8_t *data, size_t size, size_t *len)
{
    if (size >= sizeof MAGIC && memcmp(data, MAGIC, sizeof MAGIC) == 0) {
        uint8_t *img = malloc(size);
        if (img)
            memcpy(img, data, size);
        *len = size;
        return img;
    }
    uint8_t *img = malloc(base_len);
    if (!img)
        return NULL;
    memcpy(img, base, base_len);
    for (size_t i = 0; i + 3 <= size; i += 3)
        img[(data[i] | (size_t)data[i + 1] << 8) % base_len] = data[i + 2];
    *len = base_len;
    return img;
}

static void write_image(const uint8_t *img, size_t len)
{
    FILE *f = fopen(image, "wb");
    if (!f || fwrite(img, 1, len, f) != len || fclose(f) != 0)
        abort();
}

/* Stat path and read it or list it, down to depth levels below it. */
static void walk(Vfs *v, const char *path, int depth)
{
    VfsInfo info;
    if (vfs_info(v, path, &info) != 0)
        return;
    if (!info.is_dir) {
        char *data;
        size_t len;
        if (info.size <= 1 << 16 && vfs_read_file(v, path, &data, &len) == 0)
            free(data);
        return;
    }
    char **names;
    size_t count;
    if (vfs_list(v, path, &names, &count) != 0)
        return;
    for (size_t i = 0; i < count && i < MAX_NAMES && depth > 0; i++) {
        char sub[600];
        snprintf(sub, sizeof sub, "%s/%s", strcmp(path, "/") ? path : "", names[i]);
        walk(v, sub, depth - 1);
    }
    vfs_free_names(names, count);
}

/* An image that opened: read it, check it, try one write. */
static void explore(Vfs *v)
{
    walk(v, "/", 2);
    bool damaged = vfs_check(v) != 0;
    int e = vfs_write_file(v, "/docs/new.txt", "new", 3);
    if (damaged && e != 9) {
        fprintf(stderr, "fuzz_vfsimage: a damaged image accepted a write (%d)\n", e);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len;
    uint8_t *img = image_for(data, size, &len);
    if (!img)
        return 0;
    remove_files();
    write_image(img, len);
    char err[512];
    Vfs *v = vfs_open(image, err, sizeof err);
    if (v) {
        explore(v);
        vfs_close(v);
    } else {
        /* Refused: it must be untouched. */
        size_t now_len;
        uint8_t *now = read_image(&now_len);
        if (!now || now_len != len || memcmp(now, img, len) != 0) {
            fprintf(stderr, "fuzz_vfsimage: a refused image was changed (%s)\n", err);
            abort();
        }
        free(now);
    }
    remove_files();
    free(img);
    return 0;
}
