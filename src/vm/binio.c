/*
 * binio.c - the shared machinery of MVM's binary files (see binio.h): checksum, ISA
 * fingerprint, the common header and its checks, the two-pass Writer and the
 * bounds-checked Reader.
 */
#include "binio.h"

#include <errno.h>
#include <stdlib.h>

#include "cpu.h"
#include "../tables/signal_table.h"
#include "opcodes.h"
#include "regs.h"

uint64_t bin_checksum(uint64_t h, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i + 8 <= n; i += 8)
        h = (h ^ bin_get_le64(b + i)) * BIN_FNV_PRIME;
    return h;
}

void bin_seal(uint8_t *file, size_t size)
{
    uint64_t body = size - BIN_HEADER_SIZE - BIN_TAIL_SIZE;
    bin_put_le64(file + 40, body);
    bin_put_le64(file + 48, bin_checksum(BIN_FNV_OFFSET, file, 48));
    bin_put_le64(file + BIN_HEADER_SIZE + body, bin_checksum(BIN_FNV_OFFSET, file, BIN_HEADER_SIZE + body));
}

static uint64_t double_bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (uint8_t)*s) * BIN_FNV_PRIME;
    return (h ^ 0xFF) * BIN_FNV_PRIME;
}

static uint64_t hash_int(uint64_t h, uint64_t v)
{
    return (h ^ v) * BIN_FNV_PRIME;
}

uint64_t isa_fingerprint(void)
{
    uint64_t h = BIN_FNV_OFFSET;
    h = hash_int(h, OP_COUNT);
    for (int op = 0; op < OP_COUNT; op++) {
        h = hash_str(h, op_info[op].mnemonic);
        h = hash_str(h, op_info[op].operands);
        h = hash_int(h, (uint64_t)op_info[op].default_dst);
    }
    h = hash_int(h, REG_COUNT);
    h = hash_int(h, REG_ZERO);
    h = hash_int(h, TYPE_COUNT);
    for (int t = 0; t < TYPE_COUNT; t++)
        h = hash_str(h, type_names[t]);
    h = hash_int(h, SIG_MAX);
    for (int s = 0; s <= SIG_MAX; s++) {
        h = hash_str(h, signal_info[s].name);
        h = hash_int(h, signal_info[s].action);
    }
    h = hash_int(h, PAGE_WORDS);
    h = hash_int(h, MAX_CALL_ARGS);
    h = hash_int(h, ISA_PROC_STATES);
    h = hash_int(h, FRAME_SIGNAL);
    return h;
}

/* ---------------------------------------------------------------- header checks */

BinProblem bin_check(const uint8_t *b, size_t size, const uint8_t magic[8], uint32_t version,
                     BinHeader *h)
{
    memset(h, 0, sizeof *h);
    if (size == 0)
        return BIN_EMPTY;
    if (memcmp(b, magic, size < 8 ? size : 8) != 0)
        return BIN_MAGIC;
    h->offset = size;
    if (size < BIN_HEADER_SIZE)
        return BIN_SHORT;
    h->offset = 48;
    if (bin_checksum(BIN_FNV_OFFSET, b, 48) != bin_get_le64(b + 48))
        return BIN_HEADER_SUM;
    uint64_t word = bin_get_le64(b + 8);
    h->version = (uint32_t)word;
    h->offset = 8;
    if (h->version != version || (uint32_t)(word >> 32) != BIN_HEADER_SIZE)
        return BIN_VERSION;
    h->offset = 16;
    if (bin_get_le64(b + 16) != isa_fingerprint())
        return BIN_ISA;
    h->offset = 24;
    if (bin_get_le64(b + 24) != BIN_CHECK_INT)
        return BIN_ISA;
    h->offset = 32;
    if (bin_get_le64(b + 32) != double_bits(BIN_CHECK_NUM))
        return BIN_ISA;
    uint64_t len = bin_get_le64(b + 40);
    uint64_t have = size - BIN_HEADER_SIZE;
    h->offset = 40;
    if (len % 8 != 0 || len > UINT64_MAX - BIN_HEADER_SIZE - BIN_TAIL_SIZE)
        return BIN_BODY_LEN;
    h->want = len + BIN_HEADER_SIZE + BIN_TAIL_SIZE;
    h->offset = size;
    if (have < BIN_TAIL_SIZE || have - BIN_TAIL_SIZE < len)
        return BIN_TRUNCATED;
    h->offset = h->want;
    if (have - BIN_TAIL_SIZE > len)
        return BIN_TRAILING;
    h->offset = BIN_HEADER_SIZE + len;
    if (bin_checksum(BIN_FNV_OFFSET, b, BIN_HEADER_SIZE + len) != bin_get_le64(b + BIN_HEADER_SIZE + len))
        return BIN_SUM;
    h->body_len = len;
    h->offset = 0;
    return BIN_OK;
}

/* ---------------------------------------------------------------- writing */

void w_start(Writer *w, FILE *f)
{
    w->f = f;
    w->n = 0;
    w->hash = BIN_FNV_OFFSET;
    w->error = 0;
    w->sec_start = 0;
    w->len = 0;
}

void w_flush(Writer *w)
{
    if (!w->f || w->len == 0)
        return;
    w->hash = bin_checksum(w->hash, w->buf, w->len);
    errno = 0;
    if (fwrite(w->buf, 1, w->len, w->f) != w->len && !w->error)
        w->error = errno ? errno : EIO;
    w->len = 0;
}

void w_bytes(Writer *w, const void *p, size_t n)
{
    w->n += n;
    if (!w->f)
        return;
    const uint8_t *b = p;
    while (n > 0) {
        size_t k = BIN_WBUF_SIZE - w->len < n ? BIN_WBUF_SIZE - w->len : n;
        memcpy(w->buf + w->len, b, k);
        w->len += k;
        b += k;
        n -= k;
        if (w->len == BIN_WBUF_SIZE)
            w_flush(w);
    }
}

void w_header(Writer *w, const uint8_t magic[8], uint32_t version, uint64_t body_len)
{
    uint8_t h[BIN_HEADER_SIZE] = { 0 };
    memcpy(h, magic, 8);
    bin_put_le64(h + 8, (uint64_t)version | (uint64_t)BIN_HEADER_SIZE << 32);
    bin_put_le64(h + 16, isa_fingerprint());
    bin_put_le64(h + 24, BIN_CHECK_INT);
    bin_put_le64(h + 32, double_bits(BIN_CHECK_NUM));
    bin_put_le64(h + 40, body_len);
    bin_put_le64(h + 48, bin_checksum(BIN_FNV_OFFSET, h, 48));
    w_bytes(w, h, sizeof h);
}

void w_pad(Writer *w)
{
    static const uint8_t zeros[8];
    w_bytes(w, zeros, (8 - w->n % 8) % 8);
}

int w_finish(Writer *w)
{
    w_flush(w);
    uint8_t sum[8];
    bin_put_le64(sum, w->hash);
    errno = 0;
    if (!w->error && fwrite(sum, 1, 8, w->f) != 8)
        w->error = errno ? errno : EIO;
    return w->error;
}

void w_section(Writer *w, int sec, const char tag[4])
{
    w_bytes(w, tag, 4);
    w_u32(w, 0);
    w_u64(w, w->sec_len[sec]);
    w->sec_start = w->n;
}

void w_section_end(Writer *w, int sec)
{
    uint64_t len = w->n - w->sec_start;
    if (!w->f)
        w->sec_len[sec] = len;
    else if (len != w->sec_len[sec] && !w->error)
        w->error = EIO;   /* cannot happen: nothing moved between the passes */
}

/* ---------------------------------------------------------------- reading */

void r_fail_at(Reader *r, uint64_t offset, const char *why)
{
    if (!r->bad) {
        r->bad = why;
        r->bad_at = offset;
    }
    r->p = r->end;
}

void r_fail(Reader *r, const char *why)
{
    r_fail_at(r, r_offset(r), why);
}

const uint8_t *r_take(Reader *r, uint64_t n)
{
    if (r->bad || r_left(r) < n) {
        r_fail(r, "a section ends too early");
        return NULL;
    }
    const uint8_t *b = r->p;
    r->p += n;
    return b;
}

uint64_t r_uint(Reader *r, int bytes)
{
    const uint8_t *b = r_take(r, (uint64_t)bytes);
    uint64_t v = 0;
    for (int i = bytes - 1; b && i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

uint64_t r_count(Reader *r, int bytes, uint64_t each, uint64_t max, const char *why)
{
    uint64_t at = r_offset(r);
    uint64_t n = r_uint(r, bytes);
    if (!r->bad && (n > max || (each && n > r_left(r) / each))) {
        r_fail_at(r, at, why);
        return 0;
    }
    return r->bad ? 0 : n;
}

uint64_t r_uvar_long(Reader *r)
{
    uint64_t at = r_offset(r), v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const uint8_t *b = r_take(r, 1);
        if (!b)
            return 0;
        if (shift == 63 && *b > 1)
            break;
        v |= (uint64_t)(*b & 0x7F) << shift;
        if (*b < 0x80)
            return v;
    }
    r_fail_at(r, at, "a number is malformed");
    return 0;
}

uint64_t r_uvar_count(Reader *r, uint64_t each, uint64_t max, const char *why)
{
    uint64_t at = r_offset(r);
    uint64_t n = r_uvar(r);
    if (!r->bad && (n > max || (each && n > r_left(r) / each))) {
        r_fail_at(r, at, why);
        return 0;
    }
    return r->bad ? 0 : n;
}

bool r_bool(Reader *r)
{
    uint64_t at = r_offset(r);
    uint8_t v = r_u8(r);
    if (v > 1)
        r_fail_at(r, at, "a flag is neither 0 nor 1");
    return v == 1;
}

char *r_str(Reader *r, uint32_t *len)
{
    uint32_t n = (uint32_t)r_count(r, 4, 1, UINT32_MAX - 1, "a string is longer than its section");
    const uint8_t *b = r_take(r, n);
    if (!b)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r_fail(r, "out of memory");
        return NULL;
    }
    memcpy(s, b, n);
    s[n] = 0;
    if (len)
        *len = n;
    return s;
}

bool r_section(Reader *r, const char tag[4], Reader *sub)
{
    uint64_t at = r_offset(r);
    const uint8_t *t = r_take(r, 4);
    if (!t || memcmp(t, tag, 4) != 0 || r_u32(r) != 0) {
        r_fail_at(r, at, "sections out of order");
        return false;
    }
    uint64_t len = r_u64(r);
    const uint8_t *b = r_take(r, len);
    if (!b)
        return false;
    *sub = (Reader){ r->base, b, b + len, NULL, 0 };
    return true;
}

void r_section_end(Reader *r, const Reader *sub)
{
    if (sub->bad)
        r_fail_at(r, sub->bad_at, sub->bad);
    else if (sub->p != sub->end)
        r_fail_at(r, r_offset(sub), "a section is longer than its contents");
}
