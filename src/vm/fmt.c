/*
 * fmt.c - number formatting for PRINTR and PRINTS (see fmt.h for the exact forms).
 *
 * Floating values take two steps:
 *   1. find the shortest digit string that reads back to the same value: try 1, 2, ...
 *      significant digits with the C library's correctly rounded "%.*e" until strtod
 *      (strtof for a Float) gives the value back. 17 digits always suffice for a
 *      double and 9 for a float, so the loop ends;
 *   2. lay those digits out ourselves in fixed or exponent form, so the result does not
 *      depend on the C library's choice of notation.
 * This is slower than a dedicated algorithm (Ryu, Grisu) but short and obviously right;
 * printing floats is rare next to printing integers, which take the fast path below.
 */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "00" "01" ... "99": two digits per division keeps fmt_int at about 10 divisions. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

size_t fmt_int(int64_t v, char *buf)
{
    char tmp[20];                       /* UINT64_MAX has 20 digits */
    char *p = tmp + sizeof tmp;
    /* Negate in unsigned arithmetic so INT64_MIN works. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    while (u >= 100) {
        unsigned i = (unsigned)(u % 100) * 2;
        u /= 100;
        *--p = digit_pairs[i + 1];
        *--p = digit_pairs[i];
    }
    if (u >= 10) {
        unsigned i = (unsigned)u * 2;
        *--p = digit_pairs[i + 1];
        *--p = digit_pairs[i];
    } else {
        *--p = (char)('0' + u);
    }
    size_t n = 0;
    if (v < 0)
        buf[n++] = '-';
    size_t len = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf + n, p, len);
    n += len;
    buf[n] = '\0';
    return n;
}

/* A positive finite value as d[0].d[1]d[2]... x 10^exp, without trailing zeros. */
typedef struct Decimal {
    char digits[24];
    int  ndigits;
    int  exp;
} Decimal;

/* Does the text read back as v (as a float when is_float)? */
static int round_trips(const char *text, double v, int is_float)
{
    if (is_float)
        return strtof(text, NULL) == (float)v;
    return strtod(text, NULL) == v;
}

/* Step 1: the shortest round-tripping digits of v (> 0, finite). For a float, v holds
 * the float exactly, so "%.*e" of v rounds the float's own value. */
static void shortest_digits(double v, int is_float, Decimal *d)
{
    char text[48];
    int max_digits = is_float ? 9 : 17;
    for (int p = 1; p <= max_digits; p++) {
        snprintf(text, sizeof text, "%.*e", p - 1, v);
        if (p == max_digits || round_trips(text, v, is_float))
            break;
    }
    /* text is "D.DDDDe[+-]XX" (or "De[+-]XX"). Any non-digit before the 'e' is the
     * locale's decimal point and is skipped. */
    const char *s = text;
    d->ndigits = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9' && d->ndigits < (int)sizeof d->digits)
            d->digits[d->ndigits++] = *s;
    d->exp = *s == 'e' ? atoi(s + 1) : 0;
    while (d->ndigits > 1 && d->digits[d->ndigits - 1] == '0')
        d->ndigits--;
}

/* Write the exponent as e+XX / e-XX with at least two digits. */
static size_t put_exponent(char *out, int exp)
{
    size_t n = 0;
    out[n++] = 'e';
    out[n++] = exp < 0 ? '-' : '+';
    unsigned e = (unsigned)(exp < 0 ? -exp : exp);
    if (e >= 100)
        out[n++] = (char)('0' + e / 100);
    out[n++] = (char)('0' + e / 10 % 10);
    out[n++] = (char)('0' + e % 10);
    return n;
}

/* Step 2: lay out the digits. out must hold FMT_FLOAT_MAX bytes. */
static size_t layout(int negative, const Decimal *d, char *out)
{
    size_t n = 0;
    if (negative)
        out[n++] = '-';
    if (d->exp < -4 || d->exp >= 16) {                  /* 1.5e+300, 1e-05 */
        out[n++] = d->digits[0];
        if (d->ndigits > 1) {
            out[n++] = '.';
            memcpy(out + n, d->digits + 1, (size_t)d->ndigits - 1);
            n += (size_t)d->ndigits - 1;
        }
        n += put_exponent(out + n, d->exp);
    } else if (d->exp >= 0) {                           /* 123.45, 100.0 */
        int int_len = d->exp + 1;
        for (int i = 0; i < int_len; i++)
            out[n++] = i < d->ndigits ? d->digits[i] : '0';
        out[n++] = '.';
        if (d->ndigits > int_len) {
            memcpy(out + n, d->digits + int_len, (size_t)(d->ndigits - int_len));
            n += (size_t)(d->ndigits - int_len);
        } else {
            out[n++] = '0';
        }
    } else {                                            /* 0.00012 */
        out[n++] = '0';
        out[n++] = '.';
        for (int i = -1; i > d->exp; i--)
            out[n++] = '0';
        memcpy(out + n, d->digits, (size_t)d->ndigits);
        n += (size_t)d->ndigits;
    }
    return n;
}

/* Shared body of fmt_double and fmt_float. */
static size_t format_floating(double v, int is_float, char *buf, size_t cap)
{
    char out[FMT_FLOAT_MAX];
    size_t n;
    if (isnan(v)) {
        n = 3;
        memcpy(out, "nan", 3);                          /* the sign of a NaN is noise */
    } else if (isinf(v)) {
        n = v < 0 ? 4 : 3;
        memcpy(out, v < 0 ? "-inf" : "inf", n);
    } else if (v == 0) {
        n = signbit(v) ? 4 : 3;
        memcpy(out, signbit(v) ? "-0.0" : "0.0", n);
    } else {
        Decimal d;
        shortest_digits(fabs(v), is_float, &d);
        n = layout(v < 0, &d, out);
    }
    if (cap == 0)
        return 0;
    if (n > cap - 1)
        n = cap - 1;
    memcpy(buf, out, n);
    buf[n] = '\0';
    return n;
}

size_t fmt_double(double v, char *buf, size_t cap)
{
    return format_floating(v, 0, buf, cap);
}

size_t fmt_float(float v, char *buf, size_t cap)
{
    return format_floating((double)v, 1, buf, cap);
}
