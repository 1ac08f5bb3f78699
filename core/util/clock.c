#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"

static time_t fixed_now;

time_t
clock_now(void)
{
	return fixed_now ? fixed_now : time(NULL);
}

void
clock_set(time_t t)
{
	fixed_now = t;
}

int
clock_from_env(void)
{
	const char *s = getenv("ROLLIN_NOW");
	time_t      t;

	if (s == NULL || *s == '\0')
		return 0;
	if (clock_parse_ts(s, &t) == -1)
		return -1;
	clock_set(t);
	return 0;
}

void
clock_format_ts(time_t t, char out[CLOCK_TS_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, CLOCK_TS_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
clock_format_date(time_t t, char out[CLOCK_DATE_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, CLOCK_DATE_LEN, "%Y-%m-%d", &tm);
}

static int
is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * Reads the fixed-width date prefix; strptime() would accept "2026-2-3" and
 * normalise impossible days instead of refusing them.
 */
static int
parse_date_prefix(const char *s, struct tm *tm)
{
	int y, m, d;

	if (strlen(s) < 10 || !is_digits(s, 4) || s[4] != '-' ||
	    !is_digits(s + 5, 2) || s[7] != '-' || !is_digits(s + 8, 2))
		return -1;
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	return 0;
}

int
clock_parse_date(const char *s, time_t *out)
{
	struct tm tm;

	if (strlen(s) != 10 || parse_date_prefix(s, &tm) == -1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

int
clock_parse_ts(const char *s, time_t *out)
{
	struct tm tm;
	size_t    len = strlen(s);

	if (len == 10)
		return clock_parse_date(s, out);
	if (len != 20 || parse_date_prefix(s, &tm) == -1 || s[10] != 'T' ||
	    !is_digits(s + 11, 2) || s[13] != ':' || !is_digits(s + 14, 2) ||
	    s[16] != ':' || !is_digits(s + 17, 2) || s[19] != 'Z')
		return -1;
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	*out = timegm(&tm);
	return 0;
}

long
clock_days_between(time_t a, time_t b)
{
	return (long)((b / 86400) - (a / 86400));
}
