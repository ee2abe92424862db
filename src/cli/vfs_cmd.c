/*
 * vfs_cmd.c - `mvm vfs [--vfs FILE] [--config FILE] COMMAND ...`: look at and change the
 * VFS image from the host, with the same rules as the system calls (vfs/store.c applies
 * them; there is no superuser).
 *
 * The image is --vfs FILE, else config.json's locations -> vfs, else ./vfs.fs. Commands
 * that only read (ls, cat, get, info) do not create a missing image: they see the empty
 * tree a new image would have. Exit status: 0 done, 1 the operation failed (one line on
 * stderr: "mvm vfs: COMMAND PATH: why"), 2 usage errors.
 */
#include "vfs_cmd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vfs/vfs.h"
#include "config.h"

enum { OK = 0, FAILED = 1, USAGE = 2 };

static const char usage_text[] =
    "usage: mvm vfs [--vfs FILE] [--config FILE] COMMAND\n"
    "commands:\n"
    "  ls [PATH]            list a directory (default /), one name per line\n"
    "  cat PATH             print a file's bytes\n"
    "  put HOSTFILE PATH    copy a host file into the VFS, creating or replacing PATH\n"
    "                       (HOSTFILE - reads standard input)\n"
    "  get PATH HOSTFILE    copy a VFS file to the host (HOSTFILE - writes standard output)\n"
    "  rm PATH              delete a file or an empty directory\n"
    "  mkdir PATH           create a directory\n"
    "  info PATH            size, type, readable, writable, created, modified\n"
    "  chmod BITS PATH      set the permissions: 0..3 (1 read, 2 write)\n"
    "  check                verify the whole image (SQLite's integrity check)\n"
    "The image is --vfs FILE, else config.json's locations -> vfs, else ./vfs.fs.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "mvm vfs: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_text);
    return USAGE;
}

/* Report the store's reason for a failed operation. */
static int failed(Vfs *v, const char *cmd, const char *path)
{
    fprintf(stderr, "mvm vfs: %s %s: %s\n", cmd, path, vfs_error(v));
    return FAILED;
}

/* The whole of a host file ("-": standard input) in a new buffer. */
static int read_host(const char *name, char **data, size_t *len)
{
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
    if (!f) {
        fprintf(stderr, "mvm vfs: put: cannot read %s: %s\n", name, strerror(errno));
        return FAILED;
    }
    size_t n = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > VFS_FILE_MAX)
            break;
        char *grown = realloc(buf, cap *= 2);
        if (!grown)
            free(buf);
        buf = grown;
    }
    bool bad = ferror(f);
    int saved = errno;
    if (f != stdin)
        fclose(f);
    if (!buf || bad || n > VFS_FILE_MAX) {
        fprintf(stderr, "mvm vfs: put: cannot read %s: %s\n", name,
                !buf ? "out of memory" : bad ? strerror(saved) : "larger than a VFS file may be (256 MiB)");
        free(buf);
        return FAILED;
    }
    *data = buf;
    *len = n;
    return OK;
}

/* Write len bytes to a host file ("-": standard output). */
static int write_host(const char *name, const char *data, size_t len)
{
    bool out = strcmp(name, "-") == 0;
    FILE *f = out ? stdout : fopen(name, "wb");
    if (!f) {
        fprintf(stderr, "mvm vfs: get: cannot write %s: %s\n", name, strerror(errno));
        return FAILED;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (out ? fflush(f) : fclose(f)) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "mvm vfs: get: cannot write %s: %s\n", name, strerror(errno));
        return FAILED;
    }
    return OK;
}

/* ---- The commands: w[0] is the command, w[1..] its arguments ------------------------ */

static int cmd_ls(Vfs *v, char **w, int n)
{
    const char *path = n > 1 ? w[1] : "/";
    char **names;
    size_t count;
    if (vfs_list(v, path, &names, &count))
        return failed(v, w[0], path);
    for (size_t i = 0; i < count; i++)
        printf("%s\n", names[i]);
    vfs_free_names(names, count);
    return OK;
}

static int cmd_cat(Vfs *v, char **w, int n)
{
    char *data;
    size_t len;
    if (vfs_read_file(v, w[1], &data, &len))
        return failed(v, w[0], w[1]);
    int st = write_host("-", data, len);
    free(data);
    return st;
}

static int cmd_get(Vfs *v, char **w, int n)
{
    char *data;
    size_t len;
    if (vfs_read_file(v, w[1], &data, &len))
        return failed(v, w[0], w[1]);
    int st = write_host(w[2], data, len);
    free(data);
    return st;
}

static int cmd_put(Vfs *v, char **w, int n)
{
    char *data;
    size_t len;
    if (read_host(w[1], &data, &len))
        return FAILED;
    int e = vfs_write_file(v, w[2], data, len);
    free(data);
    return e ? failed(v, w[0], w[2]) : OK;
}

static int cmd_rm(Vfs *v, char **w, int n)
{
    return vfs_delete(v, w[1]) ? failed(v, w[0], w[1]) : OK;
}

static int cmd_mkdir(Vfs *v, char **w, int n)
{
    return vfs_new_dir(v, w[1]) ? failed(v, w[0], w[1]) : OK;
}

static int cmd_info(Vfs *v, char **w, int n)
{
    VfsInfo in;
    if (vfs_info(v, w[1], &in))
        return failed(v, w[0], w[1]);
    printf("size %" PRId64 "\ntype %s\nreadable %d\nwritable %d\ncreated %" PRId64
           "\nmodified %" PRId64 "\n", in.size, in.is_dir ? "directory" : "file",
           in.readable, in.writable, in.created, in.modified);
    return OK;
}

/* chmod's BITS as a number (checked before the image is opened); false if it is not one. */
static bool parse_bits(const char *text, long long *bits)
{
    char *end;
    errno = 0;
    *bits = strtoll(text, &end, 10);
    return *text && !*end && !errno;
}

static int cmd_chmod(Vfs *v, char **w, int n)
{
    long long bits;
    parse_bits(w[1], &bits);
    return vfs_set_permissions(v, w[2], bits) ? failed(v, w[0], w[2]) : OK;
}

static int cmd_check(Vfs *v, char **w, int n)
{
    if (vfs_check(v)) {
        fprintf(stderr, "mvm vfs: check: %s\n", vfs_error(v));
        return FAILED;
    }
    printf("ok\n");
    return OK;
}

typedef struct Command {
    const char *name;
    int min, max;        /* arguments after the command's name */
    bool changes;        /* creates the image when it is missing */
    int (*run)(Vfs *v, char **w, int n);
} Command;

static const Command commands[] = {
    { "ls",    0, 1, false, cmd_ls },
    { "cat",   1, 1, false, cmd_cat },
    { "put",   2, 2, true,  cmd_put },
    { "get",   2, 2, false, cmd_get },
    { "rm",    1, 1, true,  cmd_rm },
    { "mkdir", 1, 1, true,  cmd_mkdir },
    { "info",  1, 1, false, cmd_info },
    { "chmod", 2, 2, true,  cmd_chmod },
    { "check", 0, 0, false, cmd_check },
};

/* Open the image for cmd: a missing image is created only by commands that change it;
 * the others read the empty tree it would start with. */
static Vfs *open_image(const char *image, const Command *cmd)
{
    char err[1024];
    bool missing = strcmp(image, VFS_MEMORY_IMAGE) != 0 && access(image, F_OK) != 0 && errno == ENOENT;
    if (missing && strcmp(cmd->name, "check") == 0) {
        fprintf(stderr, "mvm vfs: %s: no VFS image here (a program or mvm vfs put/mkdir creates it)\n", image);
        return NULL;
    }
    Vfs *v = vfs_open(missing && !cmd->changes ? VFS_MEMORY_IMAGE : image, err, sizeof err);
    if (!v)
        fprintf(stderr, "mvm vfs: %s\n", err);
    return v;
}

int vfs_command(int argc, char **argv)
{
    const char *image = NULL, *config = NULL;
    char *w[4];
    int n = 0;
    bool options = true;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (options && strcmp(a, "--") == 0) {
            options = false;
        } else if (options && (strcmp(a, "--vfs") == 0 || strcmp(a, "--config") == 0)) {
            if (i + 1 == argc)
                return usage_error("%s expects a file name", a);
            *(a[2] == 'v' ? &image : &config) = argv[++i];
        } else if (options && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
            fputs(usage_text, stdout);
            return OK;
        } else if (options && a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (n == 4) {
            return usage_error("unexpected argument '%s'", a);
        } else {
            w[n++] = a;
        }
    }
    if (n == 0)
        return usage_error("%s", "which command?");
    const Command *cmd = NULL;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(commands[k].name, w[0]) == 0)
            cmd = &commands[k];
    if (!cmd)
        return usage_error("unknown command '%s'", w[0]);
    if (n - 1 < cmd->min || n - 1 > cmd->max)
        return usage_error(n - 1 < cmd->min ? "%s: missing argument" : "%s: too many arguments", w[0]);
    long long bits;
    if (cmd->run == cmd_chmod && !parse_bits(w[1], &bits))
        return usage_error("chmod: BITS must be a number 0..3 (1 read, 2 write), got '%s'", w[1]);

    Config cfg;
    config_defaults(&cfg);
    int st = config ? config_load_file(&cfg, config, stderr) : config_load_default(&cfg, stderr);
    if (st) {
        config_free(&cfg);
        return USAGE;
    }
    if (!image)
        image = cfg.loc_vfs ? cfg.loc_vfs : VFS_DEFAULT_IMAGE;
    char err[1024];
    if (vfs_check_image_path(image, err, sizeof err) != 0) {   /* usage, SPEC 10 "VFS" */
        fprintf(stderr, "mvm vfs: %s\n", err);
        config_free(&cfg);
        return USAGE;
    }
    Vfs *v = open_image(image, cmd);
    st = v ? cmd->run(v, w, n) : FAILED;
    vfs_close(v);
    config_free(&cfg);
    return st;
}
