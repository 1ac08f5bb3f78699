/*
 * util/clock: calendar dates and timestamps as the API accepts them, day
 * counting for freshness, and the injectable "now" that tests and
 * ROLLIN_NOW use instead of the wall clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

/* UTC midnight of a date known to be valid, for building expectations. */
static time_t
date(const char *s)
{
	time_t t = 0;

	assert_int_equal(clock_parse_date(s, &t), 0);
	return t;
}

static time_t
ts(const char *s)
{
	time_t t = 0;

	assert_int_equal(clock_parse_ts(s, &t), 0);
	return t;
}

static void
test_parse_date_valid(void **state)
{
	char   out[CLOCK_DATE_LEN];
	time_t t;

	(void)state;
	/* 2024 is a leap year: 29 February exists. */
	assert_int_equal(clock_parse_date("2024-02-29", &t), 0);
	clock_format_date(t, out);
	assert_string_equal(out, "2024-02-29");
	/* Midnight UTC: 1970-01-02 is exactly one day after the epoch. */
	assert_int_equal(clock_parse_date("1970-01-02", &t), 0);
	assert_int_equal((long long)t, 86400);
	assert_int_equal(clock_parse_date("2000-02-29", &t), 0);
	assert_int_equal(clock_parse_date("2026-12-31", &t), 0);
}

static void
test_parse_date_invalid(void **state)
{
	static const char *const bad[] = {
		"2026-02-29", /* 2026 is no leap year */
		"1900-02-29", /* centuries are leap years only by 400 */
		"2026-13-01", /* no month 13 */
		"2026-00-10",
		"2026-04-31", /* April has 30 days */
		"2026-01-00",
		"2026-1-01", /* fixed width only */
		"2026-01-1",
		"2026-01-01x", /* trailing garbage */
		" 2026-01-01",
		"2026/01/01",
		"2026-01-01T00:00:00Z", /* a timestamp is not a date */
		"",
		"abcd-ef-gh",
	};
	time_t t = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (clock_parse_date(bad[i], &t) != -1)
			fail_msg("clock_parse_date accepted '%s'", bad[i]);
	}
	/* A refused date leaves the output alone. */
	assert_int_equal((long long)t, 12345);
}

static void
test_parse_ts(void **state)
{
	char   out[CLOCK_TS_LEN];
	time_t t;

	(void)state;
	assert_int_equal(clock_parse_ts("2026-11-29T11:09:04Z", &t), 0);
	assert_int_equal((long long)(t - date("2026-11-29")),
	    11 * 3600 + 9 * 60 + 4);
	clock_format_ts(t, out);
	assert_string_equal(out, "2026-11-29T11:09:04Z");

	/* A plain date is midnight. */
	assert_int_equal(clock_parse_ts("2026-11-29", &t), 0);
	assert_int_equal((long long)t, (long long)date("2026-11-29"));

	assert_int_equal(clock_parse_ts("2026-11-29T24:00:00Z", &t), -1);
	assert_int_equal(clock_parse_ts("2026-11-29T23:60:00Z", &t), -1);
	assert_int_equal(clock_parse_ts("2026-11-29T11:09:04", &t), -1);
	assert_int_equal(clock_parse_ts("2026-11-29 11:09:04Z", &t), -1);
	assert_int_equal(clock_parse_ts("2026-11-29T11:09:04+01:00", &t), -1);
	assert_int_equal(clock_parse_ts("2026-02-30T10:00:00Z", &t), -1);
	assert_int_equal(clock_parse_ts("2026-11-29T1:09:04Z", &t), -1);
	assert_int_equal(clock_parse_ts("", &t), -1);
}

static void
test_days_between(void **state)
{
	(void)state;
	/* January has 31 days, February 2026 has 28. */
	assert_int_equal(clock_days_between(date("2026-01-31"),
	                     date("2026-03-01")),
	    29);
	assert_int_equal(clock_days_between(date("2026-03-01"),
	                     date("2026-01-31")),
	    -29);
	/* Leap day counted. */
	assert_int_equal(clock_days_between(date("2024-02-28"),
	                     date("2024-03-01")),
	    2);
	assert_int_equal(clock_days_between(date("2025-12-31"),
	                     date("2026-01-01")),
	    1);
	assert_int_equal(clock_days_between(date("2026-01-01"),
	                     date("2027-01-01")),
	    365);
	/* Calendar days, not 24-hour periods. */
	assert_int_equal(clock_days_between(ts("2026-05-01T23:59:59Z"),
	                     ts("2026-05-02T00:00:01Z")),
	    1);
	assert_int_equal(clock_days_between(ts("2026-05-01T00:00:00Z"),
	                     ts("2026-05-01T23:59:59Z")),
	    0);
}

static void
test_clock_set(void **state)
{
	time_t fixed = ts("2030-06-15T08:30:00Z"), real;

	(void)state;
	clock_set(fixed);
	assert_int_equal((long long)clock_now(), (long long)fixed);
	assert_int_equal((long long)clock_now(), (long long)fixed);
	/* 0 returns to the wall clock. */
	clock_set(0);
	real = time(NULL);
	assert_true(clock_now() >= real && clock_now() <= real + 2);
}

static void
test_clock_from_env(void **state)
{
	time_t fixed = ts("2031-01-02T03:04:05Z");

	(void)state;
	clock_set(0);
	setenv("ROLLIN_NOW", "2031-01-02T03:04:05Z", 1);
	assert_int_equal(clock_from_env(), 0);
	assert_int_equal((long long)clock_now(), (long long)fixed);

	/* A date means midnight of that day. */
	setenv("ROLLIN_NOW", "2031-01-05", 1);
	assert_int_equal(clock_from_env(), 0);
	assert_int_equal((long long)clock_now(), (long long)date("2031-01-05"));

	/* Malformed: refused, and the clock stays where it was. */
	setenv("ROLLIN_NOW", "tomorrow", 1);
	assert_int_equal(clock_from_env(), -1);
	assert_int_equal((long long)clock_now(), (long long)date("2031-01-05"));
	setenv("ROLLIN_NOW", "2031-02-30", 1);
	assert_int_equal(clock_from_env(), -1);

	/* Unset or empty: nothing to do, not an error. */
	clock_set(fixed);
	unsetenv("ROLLIN_NOW");
	assert_int_equal(clock_from_env(), 0);
	assert_int_equal((long long)clock_now(), (long long)fixed);
	setenv("ROLLIN_NOW", "", 1);
	assert_int_equal(clock_from_env(), 0);
	assert_int_equal((long long)clock_now(), (long long)fixed);

	unsetenv("ROLLIN_NOW");
	clock_set(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_date_valid),
		cmocka_unit_test(test_parse_date_invalid),
		cmocka_unit_test(test_parse_ts),
		cmocka_unit_test(test_days_between),
		cmocka_unit_test(test_clock_set),
		cmocka_unit_test(test_clock_from_env),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
