/*
 * labels.c - the label hash table (linear probing, load factor at most 1/2).
 *
 * The hash is SipHash-1-3 under a key drawn at random once per mvm process. An unkeyed
 * hash (FNV-1a was used first) lets a hostile file give every label the same hash:
 * colliding blocks chain into 2^k equal-hash names, and 131,072 of them (11 MB) took 22 s
 * to assemble, quadratic in the count. Nothing observable depends on the slot order:
 * label_nearest breaks ties by line, so output stays deterministic.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "labels.h"
#include "diag.h"

static uint64_t hash_key[2];
static int      hash_keyed;

static void hash_init(void)
{
    uint64_t k[2];
    if (getrandom(k, sizeof k, GRND_NONBLOCK) != (ssize_t)sizeof k) {
        /* No entropy source: the clock, the PID and where the stack and this code sit. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        k[0] = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)ts.tv_sec ^
               (uint64_t)(uintptr_t)&ts;
        k[1] = (uint64_t)getpid() * 0xC2B2AE3D27D4EB4FULL ^ (uint64_t)(uintptr_t)&hash_init;
    }
    hash_key[0] = k[0];
    hash_key[1] = k[1];
    hash_keyed = 1;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {                                   \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);       \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                          \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                          \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);       \
    } while (0)

static uint32_t hash_name(const char *s, size_t n)
{
    if (!hash_keyed)
        hash_init();
    const unsigned char *p = (const unsigned char *)s;
    uint64_t v0 = 0x736f6d6570736575ULL ^ hash_key[0], v1 = 0x646f72616e646f6dULL ^ hash_key[1];
    uint64_t v2 = 0x6c7967656e657261ULL ^ hash_key[0], v3 = 0x7465646279746573ULL ^ hash_key[1];
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t m;
        memcpy(&m, p + i, 8);               /* little- or big-endian: either is a hash */
        v3 ^= m;
        SIPROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    uint64_t b = (uint64_t)n << 56;
    for (size_t j = 0; i + j < n; j++)
        b |= (uint64_t)p[i + j] << (8 * j);
    v3 ^= b;
    SIPROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    uint64_t h = v0 ^ v1 ^ v2 ^ v3;
    return (uint32_t)(h ^ (h >> 32));
}

static Label *probe(const LabelTable *t, const char *name, size_t len, uint32_t h)
{
    uint32_t mask = t->cap - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        Label *s = &t->slots[i];
        if (!s->name || (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0))
            return s;
    }
}

static int grow(LabelTable *t)
{
    if (t->cap > UINT32_MAX / 2)
        return -1;
    uint32_t ncap = t->cap ? t->cap * 2 : 64;
    Label *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    LabelTable nt = { ns, ncap, t->count };
    for (uint32_t i = 0; i < t->cap; i++)
        if (t->slots[i].name)
            *probe(&nt, t->slots[i].name, t->slots[i].len, t->slots[i].hash) = t->slots[i];
    free(t->slots);
    *t = nt;
    return 0;
}

int label_define(LabelTable *t, const char *name, uint32_t len, uint32_t line, uint32_t col,
                 const Label **old)
{
    if ((uint64_t)(t->count + 1) * 2 > t->cap && grow(t) < 0)
        return -1;
    uint32_t h = hash_name(name, len);
    Label *s = probe(t, name, len, h);
    if (s->name) {
        *old = s;
        return 1;
    }
    *s = (Label){ name, len, h, line, col };
    t->count++;
    return 0;
}

const Label *label_find(const LabelTable *t, const char *name, size_t len)
{
    if (t->cap == 0 || len > UINT32_MAX)
        return NULL;
    const Label *s = probe(t, name, len, hash_name(name, len));
    return s->name ? s : NULL;
}

const Label *label_nearest(const LabelTable *t, const char *name, size_t len)
{
    if (t->count > LABEL_SUGGEST_MAX || len > DIAG_WORD_MAX)
        return NULL;
    int best = diag_max_distance(len) + 1;
    const Label *found = NULL;
    for (uint32_t i = 0; i < t->cap; i++) {
        const Label *s = &t->slots[i];
        if (!s->name || s->len > len + (size_t)best || len > s->len + (size_t)best)
            continue;
        int d = diag_distance(name, len, s->name, s->len, false);
        if (d > 1 && s->len == len && strncasecmp(s->name, name, len) == 0)
            d = 1;                           /* only the case differs */
        /* Ties go to the earliest definition, so the answer does not depend on hashing. */
        if (d < best || (d == best && found && s->line < found->line)) {
            best = d;
            found = s;
        }
    }
    return found;
}

void label_free(LabelTable *t)
{
    free(t->slots);
    t->slots = NULL;
    t->cap = t->count = 0;
}
