/*
 * hostfile.c - opening host files without blocking and without leaving a directory
 * (hostfile.h says why each function exists).
 *
 * A FIFO is refused by looking before opening (stat) and again after (fstat on what was
 * actually opened, with O_NONBLOCK so that even a file swapped for a FIFO in between
 * cannot block the open itself). Containment compares real paths: realpath(3) resolves
 * every symbolic link, ".." and "." of both the directory and the file, so a link that
 * leads out (to an absolute path, or up through "..") shows as a path outside it. The
 * resolved path is then opened with O_NOFOLLOW, so a last component turned into a link
 * after the check is refused rather than followed.
 */
#include "hostfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int open_regular(const char *path, int extra_flags, int *fd)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno;
    if (!S_ISREG(sb.st_mode))
        return S_ISDIR(sb.st_mode) ? EISDIR : HOST_NOT_REGULAR;
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | extra_flags);
    if (f < 0)
        return errno == ELOOP ? HOST_OUTSIDE : errno;
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = S_ISREG(sb.st_mode) ? errno : HOST_NOT_REGULAR;
        close(f);
        return e;
    }
    fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);   /* reads of a regular file never
                                                            block; keep the usual mode */
    *fd = f;
    return 0;
}

int host_open_regular(const char *path, int *fd)
{
    return open_regular(path, 0, fd);
}

int host_stat_regular(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return errno;
    return S_ISREG(sb.st_mode) ? 0 : S_ISDIR(sb.st_mode) ? EISDIR : HOST_NOT_REGULAR;
}

int host_read_fd(int fd, size_t max, char **data, size_t *len)
{
    /* A regular file's size is known: one buffer and one read, no regrowing. Whatever it
     * says, the loop below still reads to the end and checks max. */
    struct stat sb;
    size_t cap = 4096, n = 0;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 && (unsigned long long)sb.st_size <= max)
        cap = (size_t)sb.st_size + 1;   /* + 1: the end of the file is seen without regrowing */
    char *buf = malloc(cap + 1);
    int e = buf ? 0 : ENOMEM;
    while (!e) {
        if (n == cap) {
            char *grown = cap > max ? NULL : realloc(buf, cap * 2 + 1);
            if (!grown) {
                e = cap > max ? HOST_TOO_LARGE : ENOMEM;
                break;
            }
            buf = grown;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            e = r < 0 ? errno : 0;
            break;
        }
        n += (size_t)r;
        if (n > max)
            e = HOST_TOO_LARGE;
    }
    close(fd);
    if (e) {
        free(buf);
        return e;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int host_read_file(const char *path, size_t max, char **data, size_t *len)
{
    int fd;
    int e = host_open_regular(path, &fd);
    return e ? e : host_read_fd(fd, max, data, len);
}

bool host_path_allowed(const char *rel)
{
    size_t n = strlen(rel);
    if (n < 5 || (strcmp(rel + n - 4, ".kar") != 0 && strcmp(rel + n - 4, ".mar") != 0) || rel[0] == '/')
        return false;
    int depth = 0;
    for (const char *s = rel; *s;) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (--depth < 0)
                return false;
        } else if (len > 0 && !(len == 1 && s[0] == '.')) {
            depth++;
        }
        s += len + (e != NULL);
    }
    return true;
}

/* Is the real path `file` inside the real directory `dir` (strictly below it)? */
static bool inside(const char *dir, const char *file)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return file[0] == '/' && file[1] != '\0';
    return strncmp(file, dir, n) == 0 && file[n] == '/';
}

int host_open_within(const char *base, const char *path, int *fd)
{
    char *dir = realpath(base, NULL);
    if (!dir)
        return errno;
    char *real = realpath(path, NULL);
    int e = real ? 0 : errno;
    if (!e && !inside(dir, real))
        e = HOST_OUTSIDE;
    if (!e)
        e = open_regular(real, O_NOFOLLOW, fd);
    free(real);
    free(dir);
    return e;
}

const char *host_error_text(int e)
{
    switch (e) {
    case HOST_NOT_REGULAR:
        return "not a regular file (a FIFO, a device or a socket)";
    case HOST_OUTSIDE:
        return "it leads outside the directory of PID 1's program (a symbolic link)";
    case HOST_TOO_LARGE:
        return "file too large";
    default:
        return strerror(e);
    }
}

/* fsync the directory holding path, so that a rename in it is durable. */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

/* The permissions a new file gets (0666 less the umask), as fopen would give. */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(022);
    umask(mask);
    return 0666 & ~mask;
}

int host_replace_file(const char *path, int (*write)(FILE *f, void *arg), void *arg)
{
    char *tmp = malloc(strlen(path) + sizeof ".XXXXXX");
    if (!tmp)
        return ENOMEM;
    sprintf(tmp, "%s.XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "wb");
    int e = f ? 0 : errno;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return e;
    }
    e = write(f, arg);
    if (!e && fflush(f) != 0)
        e = errno;
    if (!e && fchmod(fd, new_file_mode()) != 0)
        e = errno;
    if (!e && fsync(fd) != 0)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    else
        sync_dir(path);
    free(tmp);
    return e;
}
