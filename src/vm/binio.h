/*
 * binio.h - the bytes of MVM's binary files: snapshots (kernel/snapshot.c) and .mar
 * bytecode (asm/bytecode.c). This module owns what the two formats share:
 *
 *   - little-endian integers (bin_get_le64, bin_put_le64) whatever the host;
 *   - the checksum, FNV-1a 64 taken a 64-bit little-endian word at a time,
 *        h = 0xcbf29ce484222325;  for each word w: h = (h ^ w) * 0x100000001b3
 *     (each step is a bijection of h, so a change confined to one word always changes
 *     the result);
 *   - isa_fingerprint(): a hash of everything saved code and registers mean;
 *   - the common 56-byte header and its checks (bin_check), parameterised by magic and
 *     format version:
 *        0  magic        8 bytes  (per format)
 *        8  version      u32      (per format)
 *       12  header_size  u32      56
 *       16  isa          u64      isa_fingerprint()
 *       24  check_int    u64      0x0102030405060708  (the writer's byte order was right)
 *       32  check_num    u64      the bits of the double 370.5  (IEEE 754 doubles)
 *       40  body_len     u64      bytes of the body, a multiple of 8
 *       48  header_sum   u64      checksum of bytes 0..47
 *     then body_len bytes of body (sections: tag, 4 ASCII bytes; u32 0; u64 length;
 *     length bytes; then zero bytes up to a multiple of 8), then the u64 checksum of
 *     everything before it. The magic, this layout and the checksum never change between
 *     versions, so any version can tell "damaged" from "newer";
 *   - Writer: output in two passes (counting, then buffered writing with hashing);
 *   - Reader: a bounds-checked cursor that remembers the file offset of its first
 *     failure, for "FILE: error: offset N: what is wrong".
 * A `str` is a u32 length and that many bytes, no NUL. A `uvar` is an unsigned integer in
 * 7-bit groups, low group first, the top bit of each byte set when another follows
 * (LEB128: 0..127 take one byte); an `svar` is a signed one zigzag-mapped to a uvar
 * (0, -1, 1, -2, ... become 0, 1, 2, 3, ...), so small magnitudes of either sign are
 * short. Nothing is stored as a raw C struct, so no file depends on the compiler's layout.
 */
#ifndef MVM_BINIO_H
#define MVM_BINIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BIN_HEADER_SIZE  56u
#define BIN_TAIL_SIZE    8u        /* the final checksum */
#define BIN_CHECK_INT    0x0102030405060708ULL
#define BIN_CHECK_NUM    370.5
#define BIN_FNV_OFFSET   0xcbf29ce484222325ULL
#define BIN_FNV_PRIME    0x100000001b3ULL
#define BIN_MAX_SECTIONS 8         /* sections a format may have */
#define BIN_WBUF_SIZE    (1u << 16) /* a multiple of 8: the checksum sees whole words */

/* One load or store each (memcpy of 8 bytes compiles to a move), swapped on a
 * big-endian host. */
static inline uint64_t bin_get_le64(const uint8_t *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void bin_put_le64(uint8_t *b, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(b, &v, 8);
}

/* Continue hash h over n bytes (n a multiple of 8), a little-endian word at a time. */
uint64_t bin_checksum(uint64_t h, const uint8_t *b, size_t n);

/* What saved code and registers mean: change any of it and old files are refused. */
/* The number of process states snapshots record (kernel/proc.h, which checks it at
 * compile time): part of the fingerprint, but the kernel's to define. */
#define ISA_PROC_STATES 4
uint64_t isa_fingerprint(void);

/* Set body_len and both checksums of an image of size bytes (header, whole words of
 * body, tail), the way the writer would. For fuzzing harnesses and tests, which repair
 * mutated files so that the mutations reach the parser. */
void bin_seal(uint8_t *file, size_t size);

/* ---------------------------------------------------------------- header checks */

typedef enum BinProblem {
    BIN_OK,
    BIN_EMPTY,          /* no bytes at all */
    BIN_MAGIC,          /* not this format (offset 0) */
    BIN_SHORT,          /* shorter than a header */
    BIN_HEADER_SUM,     /* the header's checksum does not match (offset 48) */
    BIN_VERSION,        /* another format version or header size (offset 8) */
    BIN_ISA,            /* another instruction set or number format (offset 16..32) */
    BIN_BODY_LEN,       /* body length not a multiple of 8 (offset 40) */
    BIN_TRUNCATED,      /* fewer bytes than the header announces */
    BIN_TRAILING,       /* bytes after the final checksum */
    BIN_SUM,            /* the final checksum does not match */
} BinProblem;

typedef struct BinHeader {
    uint32_t version;   /* as found (BIN_VERSION) */
    uint64_t body_len;  /* BIN_OK */
    uint64_t want;      /* bytes the whole file should have (BIN_TRUNCATED, BIN_TRAILING) */
    uint64_t offset;    /* where the problem was found */
} BinHeader;

/* Check the header, lengths and both checksums of the size bytes at b against magic
 * and version. BIN_OK: the body is b + BIN_HEADER_SIZE, h->body_len bytes. */
BinProblem bin_check(const uint8_t *b, size_t size, const uint8_t magic[8], uint32_t version,
                     BinHeader *h);

/* ---------------------------------------------------------------- writing */

/* The first pass only counts (f == NULL) to learn each section's length; the second
 * writes through a buffer, hashing as it goes. */
typedef struct Writer {
    FILE    *f;
    uint64_t n;                            /* bytes so far */
    uint64_t hash;
    int      error;                        /* errno of the first failed write, or EIO */
    uint64_t sec_len[BIN_MAX_SECTIONS];    /* learnt in the counting pass */
    uint64_t sec_start;
    size_t   len;                          /* bytes in buf */
    uint8_t  buf[BIN_WBUF_SIZE];
} Writer;

/* Start the writing pass to f after a counting pass (keeps sec_len). */
void w_start(Writer *w, FILE *f);
void w_flush(Writer *w);
void w_bytes(Writer *w, const void *p, size_t n);
/* The header for a body of body_len bytes. */
void w_header(Writer *w, const uint8_t magic[8], uint32_t version, uint64_t body_len);
/* Zero bytes up to a multiple of 8. */
void w_pad(Writer *w);
/* Flush, then write the final checksum; returns 0 or an errno value. */
int w_finish(Writer *w);
void w_section(Writer *w, int sec, const char tag[4]);
void w_section_end(Writer *w, int sec);

/* An integer of `bytes` bytes, little-endian; straight into the buffer when it fits. */
static inline void w_uint(Writer *w, uint64_t v, unsigned bytes)
{
    if (w->f && BIN_WBUF_SIZE - w->len >= bytes) {
        for (unsigned i = 0; i < bytes; i++, v >>= 8)
            w->buf[w->len + i] = (uint8_t)v;
        w->len += bytes;
        w->n += bytes;
        if (w->len == BIN_WBUF_SIZE)
            w_flush(w);
        return;
    }
    if (!w->f) {
        w->n += bytes;
        return;
    }
    uint8_t b[8];
    bin_put_le64(b, v);
    w_bytes(w, b, bytes);
}

static inline void w_u8(Writer *w, uint8_t v)   { w_uint(w, v, 1); }
static inline void w_u16(Writer *w, uint16_t v) { w_uint(w, v, 2); }
static inline void w_u32(Writer *w, uint32_t v) { w_uint(w, v, 4); }
static inline void w_u64(Writer *w, uint64_t v) { w_uint(w, v, 8); }
static inline void w_i64(Writer *w, int64_t v)  { w_uint(w, (uint64_t)v, 8); }

/* n 64-bit words (registers, stacks, page words): one copy on a little-endian host. */
static inline void w_words(Writer *w, const int64_t *a, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w_bytes(w, a, n * sizeof *a);
#else
    for (size_t i = 0; i < n; i++)
        w_uint(w, (uint64_t)a[i], 8);
#endif
}

static inline void w_mem(Writer *w, const char *s, size_t n)
{
    w_u32(w, (uint32_t)n);
    w_bytes(w, s, n);
}

static inline void w_str(Writer *w, const char *s) { w_mem(w, s ? s : "", s ? strlen(s) : 0); }

static inline void w_uvar(Writer *w, uint64_t v)
{
    for (; v >= 0x80; v >>= 7)
        w_u8(w, (uint8_t)(v | 0x80));
    w_u8(w, (uint8_t)v);
}

static inline uint64_t zigzag(int64_t v) { return (uint64_t)v << 1 ^ -((uint64_t)v >> 63); }
static inline int64_t unzigzag(uint64_t u) { return (int64_t)(u >> 1 ^ -(u & 1)); }

static inline void w_svar(Writer *w, int64_t v) { w_uvar(w, zigzag(v)); }

/* ---------------------------------------------------------------- reading */

/* A bounds-checked cursor over part of a file that starts at base. The first problem is
 * kept in `bad` (a static string, or one the caller keeps alive) with its file offset in
 * bad_at; after it every read gives zeros and every count check fails, so parsing winds
 * down without further harm. */
typedef struct Reader {
    const uint8_t *base, *p, *end;
    const char    *bad;
    uint64_t       bad_at;
} Reader;

static inline uint64_t r_left(const Reader *r) { return (uint64_t)(r->end - r->p); }
static inline uint64_t r_offset(const Reader *r) { return (uint64_t)(r->p - r->base); }

/* Fail at the cursor, or at a given file offset. */
void r_fail(Reader *r, const char *why);
void r_fail_at(Reader *r, uint64_t offset, const char *why);
const uint8_t *r_take(Reader *r, uint64_t n);
uint64_t r_uint(Reader *r, int bytes);

static inline uint8_t  r_u8(Reader *r)  { return r->p < r->end ? *r->p++ : (uint8_t)r_uint(r, 1); }
static inline uint16_t r_u16(Reader *r) { return (uint16_t)r_uint(r, 2); }
static inline uint32_t r_u32(Reader *r) { return (uint32_t)r_uint(r, 4); }
static inline uint64_t r_u64(Reader *r) { return r_uint(r, 8); }
static inline int64_t  r_i64(Reader *r) { return (int64_t)r_uint(r, 8); }

/* A count of items each taking at least `each` bytes, at most `max`. */
uint64_t r_count(Reader *r, int bytes, uint64_t each, uint64_t max, const char *why);
uint64_t r_uvar_long(Reader *r);

/* A uvar; one byte is the common case, taken without a call. More than ten bytes, or
 * bits beyond 64, fail as "a number is malformed". */
static inline uint64_t r_uvar(Reader *r)
{
    if (r->p < r->end && *r->p < 0x80)
        return *r->p++;
    return r_uvar_long(r);
}

static inline int64_t r_svar(Reader *r) { return unzigzag(r_uvar(r)); }

/* A uvar count of items of at least `each` bytes that must fit in what is left and not
 * exceed max (else r fails with why at the count). */
uint64_t r_uvar_count(Reader *r, uint64_t each, uint64_t max, const char *why);
bool r_bool(Reader *r);
/* A str as a new NUL-terminated string (*len its length); NULL on failure. */
char *r_str(Reader *r, uint32_t *len);
/* The next section must have this tag: *sub reads its content. */
bool r_section(Reader *r, const char tag[4], Reader *sub);
/* The sub-reader of a section is finished: it must have been read exactly. */
void r_section_end(Reader *r, const Reader *sub);

#endif
