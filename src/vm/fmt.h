/*
 * fmt.h - how PRINTR writes numbers (SPEC 3 PRINTR, SPEC 10 "Printing floats").
 *
 * Integers: signed decimal. Floating values: the shortest digits that read back to the
 * same value of the register's type (a Float prints as a single: 0.1f gives "0.1"),
 * in fixed notation when the decimal exponent lies in -4..15 (with ".0" added to
 * integral values: "2.0", "100.0", "0.0001") and in exponent form otherwise, with a
 * sign and at least two exponent digits ("1e+16", "1e-05", "1.5e+300"). The special
 * values print as "-0.0", "inf", "-inf" and "nan" (never "-nan").
 *
 * None of these functions allocates. They write a NUL after the text (space allowing)
 * and return the number of characters written, not counting the NUL.
 */
#ifndef MVM_FMT_H
#define MVM_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes that always suffice, NUL included ("-9223372036854775808"; the longest
 * floating form is "-1.2345678901234567e-308" or "-0.00012345678901234567"). */
#define FMT_INT_MAX   21
#define FMT_FLOAT_MAX 32

/* Write v in decimal into buf, which must hold FMT_INT_MAX bytes. Returns the length. */
size_t fmt_int(int64_t v, char *buf);

/* Write v as described above into buf (cap bytes, NUL included). With cap below
 * FMT_FLOAT_MAX the text may be cut short; the return value is what was stored. */
size_t fmt_double(double v, char *buf, size_t cap);
size_t fmt_float(float v, char *buf, size_t cap);

#endif
