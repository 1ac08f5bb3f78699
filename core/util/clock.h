/*
 * The service's notion of "now". Everything that stamps or compares times
 * asks here, so tests can move time (ROLLIN_NOW or clock_set) instead of
 * sleeping.
 */
#ifndef ROLLIN_UTIL_CLOCK_H
#define ROLLIN_UTIL_CLOCK_H

#include <stddef.h>
#include <time.h>

#define CLOCK_TS_LEN   21 /* "2026-11-29T11:09:04Z" + NUL */
#define CLOCK_DATE_LEN 11 /* "2026-11-29" + NUL */

time_t clock_now(void);
/* Fixes the clock at t (0 returns to the real clock). */
void clock_set(time_t t);
/* Reads ROLLIN_NOW (ISO 8601 date or timestamp) if set; -1 if malformed. */
int clock_from_env(void);

void clock_format_ts(time_t, char out[CLOCK_TS_LEN]);
void clock_format_date(time_t, char out[CLOCK_DATE_LEN]);
/*
 * Parses a calendar date "YYYY-MM-DD" and checks that the day exists
 * (no 2026-02-30). Returns 0 and the UTC midnight in *out, or -1.
 */
int clock_parse_date(const char *, time_t *out);
/* Parses "YYYY-MM-DDTHH:MM:SSZ" or a plain date; -1 if malformed. */
int clock_parse_ts(const char *, time_t *out);
/* Whole days from a to b (b - a), counted on UTC calendar dates. */
long clock_days_between(time_t a, time_t b);

#endif
