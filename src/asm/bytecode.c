/*
 * bytecode.c - .mar bytecode files (bytecode.h, docs/bytecode.md): one assembled Program,
 * written so that it runs without its sources, and read back only after every field has
 * been checked.
 *
 * ---------------------------------------------------------------------------------------
 * The .mar file, format version 2
 * ---------------------------------------------------------------------------------------
 * Every integer is little-endian whatever the host (u8..u64, i64 two's complement); a
 * `str` is a u32 length and that many bytes, no NUL. The first 56 bytes are the header
 * snapshots use too (vm/binio.h), and the checksum is theirs:
 *
 *   offset  field        size     value
 *      0    magic        8 bytes  89 'M' 'V' 'M' 'C' 'O' 'D' 'E'  (0x89 is not ASCII, so
 *                                 a text file never starts with it)
 *      8    version      u32      MAR_VERSION (2): the layout of everything below
 *     12    header_size  u32      56
 *     16    isa          u64      isa_fingerprint(): opcodes, operand kinds, registers,
 *                                 types, signals. Instructions are stored decoded, so they
 *                                 only mean something to an mvm that numbers them alike
 *     24    check_int    u64      0x0102030405060708  (byte order)
 *     32    check_num    u64      the bits of the double 370.5  (IEEE 754 doubles)
 *     40    body_len     u64      bytes of the body, a multiple of 8
 *     48    header_sum   u64      checksum of bytes 0..47
 *     56    body         body_len bytes: one section
 *             "PROG"     4 bytes  tag
 *             0          u32
 *             length     u64      bytes of the program's encoding
 *             program    length bytes: the encoding of one Program, vm/progio.c (path
 *                        as given, instructions, line and column table, units with
 *                        their line tables, call sites, string pool, statement texts,
 *                        label table)
 *             padding    zero bytes up to a multiple of 8
 *     56 + body_len
 *           checksum     u64      FNV-1a 64 over every 64-bit word before it
 *
 * Reading (mar_decode) checks, in order: the magic; the header's length and checksum;
 * the version and header size; the fingerprint and check values; the body length; the
 * whole file's checksum; then the PROG section with prog_read, which bounds every count
 * before allocating and runs program_verify (vm/verify.c) on the result; then that only
 * zero padding follows. The first failure is reported as
 *     NAME: error: offset N: what is wrong
 * with N the byte offset in the file where it was found.
 *
 * Writing is deterministic: fields are written one by one (never a C struct with its
 * padding), in the Program's order, so the same Program gives the same bytes.
 */
#include "bytecode.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../host/hostfile.h"
#include "../vm/arena.h"
#include "../vm/binio.h"
#include "../vm/progio.h"

#define MAR_VERSION 2u

static const uint8_t mar_magic[8] = { 0x89, 'M', 'V', 'M', 'C', 'O', 'D', 'E' };
static const char prog_tag[4] = { 'P', 'R', 'O', 'G' };

bool mar_has_magic(const uint8_t *b, size_t n)
{
    return n >= sizeof mar_magic && memcmp(b, mar_magic, sizeof mar_magic) == 0;
}

static void write_body(Writer *w, const Program *p)
{
    w_section(w, 0, prog_tag);
    prog_write(w, p);
    w_section_end(w, 0);
    w_pad(w);
}

int mar_encode(const Program *p, uint8_t **out, size_t *len)
{
    Writer *w = calloc(1, sizeof *w);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = NULL;
    int e = -1;
    if (!w)
        return -1;
    write_body(w, p);   /* counting pass */
    uint64_t body_len = w->n;
    if (!(f = open_memstream(&buf, &n)))
        goto done;
    w_start(w, f);
    w_header(w, mar_magic, MAR_VERSION, body_len);
    write_body(w, p);
    e = w->n == BIN_HEADER_SIZE + body_len && w_finish(w) == 0 ? 0 : -1;
    if (fclose(f) != 0)
        e = -1;
    if (e == 0) {
        *out = (uint8_t *)buf;
        *len = n;
        buf = NULL;
    }
done:
    free(buf);
    free(w);
    return e;
}

/* host_replace_file's writer: the encoded image. */
typedef struct Image {
    const uint8_t *b;
    size_t         n;
} Image;

static int write_image(FILE *f, void *arg)
{
    const Image *im = arg;
    return fwrite(im->b, 1, im->n, f) == im->n ? 0 : errno ? errno : EIO;
}

int mar_write_file(const Program *p, const char *path, FILE *err)
{
    uint8_t *b = NULL;
    size_t n = 0;
    int e = mar_encode(p, &b, &n) != 0 ? ENOMEM : host_replace_file(path, write_image, &(Image){ b, n });
    free(b);
    if (e)
        fprintf(err, "mvm: %s: cannot write: %s\n", path, strerror(e));
    return e ? -1 : 0;
}

/* The header checks (binio.h); false after a message. */
static bool check_header(const char *name, const uint8_t *b, size_t n, uint64_t *body_len, FILE *err)
{
    BinHeader h;
    BinProblem pb = bin_check(b, n, mar_magic, MAR_VERSION, &h);
    const char *pre = "error: offset";
    switch (pb) {
    case BIN_OK:
        *body_len = h.body_len;
        return true;
    case BIN_EMPTY:
        fprintf(err, "%s: %s 0: not an MVM bytecode file (it is empty)\n", name, pre);
        break;
    case BIN_MAGIC:
        fprintf(err, "%s: %s 0: not an MVM bytecode file (no .mar magic number)\n", name, pre);
        break;
    case BIN_SHORT:
        fprintf(err, "%s: %s %zu: truncated (%zu bytes, shorter than the %u-byte header)\n", name, pre,
                n, n, BIN_HEADER_SIZE);
        break;
    case BIN_HEADER_SUM:
        fprintf(err, "%s: %s 48: corrupted (the header's checksum does not match)\n", name, pre);
        break;
    case BIN_VERSION:
        fprintf(err, "%s: %s 8: made by a different version of mvm (bytecode format %" PRIu32
                ", this mvm %s reads format %u); compile the source again\n", name, pre, h.version,
                MVM_VERSION, MAR_VERSION);
        break;
    case BIN_ISA:
        fprintf(err, "%s: %s %" PRIu64 ": made by a different version of mvm (its instruction set "
                "or number format differs from this mvm %s); compile the source again\n", name, pre,
                h.offset, MVM_VERSION);
        break;
    case BIN_BODY_LEN:
        fprintf(err, "%s: %s 40: corrupted (the body length is not a multiple of 8)\n", name, pre);
        break;
    case BIN_TRUNCATED:
        fprintf(err, "%s: %s %zu: truncated (%zu of %" PRIu64 " bytes)\n", name, pre, n, n, h.want);
        break;
    case BIN_TRAILING:
        fprintf(err, "%s: %s %" PRIu64 ": corrupted (%" PRIu64 " bytes after the checksum)\n", name,
                pre, h.want, (uint64_t)n - h.want);
        break;
    case BIN_SUM:
        fprintf(err, "%s: %s %" PRIu64 ": corrupted (the checksum does not match)\n", name, pre,
                h.offset);
        break;
    }
    return false;
}

Program *mar_decode(const char *name, const uint8_t *b, size_t n, FILE *err)
{
    uint64_t body_len = 0;
    if (!check_header(name, b, n, &body_len, err))
        return NULL;
    const uint8_t *body = b + BIN_HEADER_SIZE;
    Reader r = { b, body, body + body_len, NULL, 0 };
    Reader sub;
    char msg[200];
    Program *p = NULL;
    if (r_section(&r, prog_tag, &sub)) {
        p = prog_read(&sub, msg, sizeof msg);
        r_section_end(&r, &sub);
    }
    for (const uint8_t *q = r.p; !r.bad && q < r.end; q++)   /* only the zero padding */
        if (*q || r_left(&r) >= 8)
            r_fail(&r, "bytes after the program");
    if (!r.bad)
        return p;
    program_release(p);
    fprintf(err, "%s: error: offset %" PRIu64 ": %s\n", name, r.bad_at,
            strcmp(r.bad, "out of memory") == 0 ? "out of memory" : r.bad);
    return NULL;
}

/* Up to n bytes of fd into b (fewer at end of file). 0 or an errno value. */
static int read_fully(int fd, uint8_t *b, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n) {
        ssize_t r = read(fd, b + *got, n - *got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0)
            break;
        *got += (size_t)r;
    }
    return 0;
}

bool mar_file_has_magic(const char *path)
{
    int fd;
    uint8_t b[sizeof mar_magic];
    size_t n = 0;
    if (host_open_regular(path, &fd) != 0)
        return false;
    int e = read_fully(fd, b, sizeof b, &n);
    close(fd);
    return e == 0 && mar_has_magic(b, n);
}

/* The file is read into an arena rather than a malloc'd buffer: for a large program the
 * page faults of fresh memory cost more than the decoding (arena.h). */
Program *mar_load_file(const char *path, FILE *err)
{
    int fd;
    struct stat sb;
    int e = host_open_regular(path, &fd);
    if (!e && fstat(fd, &sb) != 0) {
        e = errno;
        close(fd);
    }
    if (!e && (uint64_t)sb.st_size > MAX_SOURCE_BYTES) {
        e = HOST_TOO_LARGE;
        close(fd);
    }
    if (e) {
        fprintf(err, "%s: error: cannot read: %s\n", path, e == HOST_TOO_LARGE ? "file too large" : host_error_text(e));
        return NULL;
    }
    /* One byte more than the size: a file that grew meanwhile fails the length check. */
    Arena a;
    size_t want = (size_t)sb.st_size + 1, n = 0;
    arena_init(&a, want);
    uint8_t *b = arena_alloc(&a, want);
    e = b ? read_fully(fd, b, want, &n) : ENOMEM;
    close(fd);
    Program *p = NULL;
    if (e)
        fprintf(err, "%s: error: cannot read: %s\n", path, host_error_text(e));
    else
        p = mar_decode(path, b, n, err);
    arena_free(&a);
    return p;
}
