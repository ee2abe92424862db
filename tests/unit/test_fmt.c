/*
 * test_fmt.c - how PRINTR writes numbers (SPEC 3 PRINTR, SPEC 10 "Printing floats").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/fmt.h"

/* Check one double: the text, the returned length, the NUL, and that it reads back. */
static void check_double(double v, const char *want)
{
    char buf[FMT_FLOAT_MAX];
    memset(buf, 'x', sizeof buf);
    size_t n = fmt_double(v, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    if (!isnan(v))
        assert_memory_equal(&(double){ strtod(buf, NULL) }, &v, sizeof v);
}

static void check_float(float v, const char *want)
{
    char buf[FMT_FLOAT_MAX];
    size_t n = fmt_float(v, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
    if (!isnan(v))
        assert_memory_equal(&(float){ strtof(buf, NULL) }, &v, sizeof v);
}

static void check_int(int64_t v, const char *want)
{
    char buf[FMT_INT_MAX];
    size_t n = fmt_int(v, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void double_shortest_digits(void **state)
{
    check_double(0.1, "0.1");
    check_double(0.2 + 0.1, "0.30000000000000004");
    check_double(1.0 / 3.0, "0.3333333333333333");
    check_double(2.0 / 3.0, "0.6666666666666666");
    check_double(3.14159, "3.14159");
    check_double(M_PI, "3.141592653589793");
    check_double(123.456, "123.456");
    check_double(-2.5, "-2.5");
}

static void double_integral_values_get_point_zero(void **state)
{
    check_double(2.0, "2.0");
    check_double(1.0, "1.0");
    check_double(-7.0, "-7.0");
    check_double(100.0, "100.0");
    check_double(1e15, "1000000000000000.0");
    check_double(123456789012345.0, "123456789012345.0");
    check_double(1234567890123456.0, "1234567890123456.0");
    check_double(9999999999999998.0, "9999999999999998.0");
}

static void double_exponent_threshold_high(void **state)
{
    check_double(1e16, "1e+16");
    check_double(-1e16, "-1e+16");
    check_double(12345678901234567890.0, "1.2345678901234567e+19");
    check_double(1e22, "1e+22");
    check_double(1e100, "1e+100");
    check_double(1.5e300, "1.5e+300");
    check_double(DBL_MAX, "1.7976931348623157e+308");
}

static void double_exponent_threshold_low(void **state)
{
    check_double(0.0001, "0.0001");
    check_double(0.00012345, "0.00012345");
    check_double(1e-5, "1e-05");
    check_double(1.5e-5, "1.5e-05");
    check_double(-1e-7, "-1e-07");
    check_double(1e-100, "1e-100");
    check_double(DBL_MIN, "2.2250738585072014e-308");
    check_double(5e-324, "5e-324");             /* the smallest subnormal */
}

static void double_special_values(void **state)
{
    check_double(0.0, "0.0");
    check_double(-0.0, "-0.0");
    check_double(INFINITY, "inf");
    check_double(-INFINITY, "-inf");
    check_double(NAN, "nan");
    check_double(-NAN, "nan");                  /* never "-nan" */
    check_double(copysign(NAN, -1.0), "nan");
}

/* Near a power of ten: the shortest digits and the notation must agree (as Python's
 * repr, which follows the same rules). */
static void double_near_powers_of_ten(void **state)
{
    check_double(9.999999999999999e15, "1e+16");        /* the literal rounds to 1e16 */
    check_double(nextafter(1e16, 0), "9999999999999998.0");
    check_double(0.00009999999999999999, "9.999999999999999e-05");
    check_double(nextafter(0.0001, 1), "0.00010000000000000002");
    check_double(99999999999999999.0, "1e+17");
    check_double(0.5, "0.5");
    check_double(1e-4 * 9.5, "0.00095");
}

static void float_prints_as_single(void **state)
{
    check_float(0.1f, "0.1");
    check_float(1.0f / 3.0f, "0.33333334");
    check_float(16777216.0f, "16777216.0");
    check_float(3.4e38f, "3.4e+38");
    check_float(FLT_MAX, "3.4028235e+38");
    check_float(1e-45f, "1e-45");               /* the smallest subnormal */
    check_float(2.5f, "2.5");
    check_float(1e16f, "1e+16");
    check_float(1e-5f, "1e-05");
    check_float(0.0001f, "0.0001");
    check_float(-0.0f, "-0.0");
    check_float(INFINITY, "inf");
    check_float(-INFINITY, "-inf");
    check_float(-NAN, "nan");
}

/* Every float of a pseudo-random sample reads back exactly and has a '.' or an 'e'. */
static void float_random_round_trip(void **state)
{
    uint32_t x = 2463534242u;
    char buf[FMT_FLOAT_MAX];
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        float f;
        memcpy(&f, &x, sizeof f);
        if (!isfinite(f))
            continue;
        fmt_float(f, buf, sizeof buf);
        float g = strtof(buf, NULL);
        assert_memory_equal(&f, &g, sizeof f);
        assert_true(strchr(buf, '.') || strchr(buf, 'e'));
    }
}

static void double_random_round_trip(void **state)
{
    uint64_t x = 88172645463325252ull;
    char buf[FMT_FLOAT_MAX];
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof d);
        if (!isfinite(d))
            continue;
        size_t n = fmt_double(d, buf, sizeof buf);
        assert_true(n < FMT_FLOAT_MAX);
        double e = strtod(buf, NULL);
        assert_memory_equal(&d, &e, sizeof d);
    }
}

static void small_buffer_is_cut_short(void **state)
{
    char buf[5];
    assert_int_equal(fmt_double(3.14159, buf, sizeof buf), 4);
    assert_string_equal(buf, "3.14");
    assert_int_equal(fmt_double(1.0, buf, 1), 0);
    assert_string_equal(buf, "");
    assert_int_equal(fmt_double(1.0, NULL, 0), 0);
}

static void integers(void **state)
{
    check_int(0, "0");
    check_int(7, "7");
    check_int(-7, "-7");
    check_int(10, "10");
    check_int(99, "99");
    check_int(100, "100");
    check_int(-100, "-100");
    check_int(1234567890, "1234567890");
    check_int(INT64_MAX, "9223372036854775807");
    check_int(INT64_MIN, "-9223372036854775808");
    check_int(INT64_MIN + 1, "-9223372036854775807");
}

static void integers_match_printf(void **state)
{
    char want[32], got[FMT_INT_MAX];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int64_t v = (int64_t)(x >> (i % 64));
        if (i & 1)
            v = -v;
        snprintf(want, sizeof want, "%lld", (long long)v);
        fmt_int(v, got);
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(double_shortest_digits),
        cmocka_unit_test(double_integral_values_get_point_zero),
        cmocka_unit_test(double_exponent_threshold_high),
        cmocka_unit_test(double_exponent_threshold_low),
        cmocka_unit_test(double_special_values),
        cmocka_unit_test(double_near_powers_of_ten),
        cmocka_unit_test(float_prints_as_single),
        cmocka_unit_test(float_random_round_trip),
        cmocka_unit_test(double_random_round_trip),
        cmocka_unit_test(small_buffer_is_cut_short),
        cmocka_unit_test(integers),
        cmocka_unit_test(integers_match_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
