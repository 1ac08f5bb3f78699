#include "domain/quality.h"
#include "store/functions.h"
#include "util/clock.h"

static void
days_since(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *ts;
	time_t      t;

	(void)argc;
	ts = (const char *)sqlite3_value_text(argv[0]);
	if (ts == NULL || clock_parse_ts(ts, &t) == -1) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_int64(ctx, clock_days_between(t, clock_now()));
}

static void
stale_days(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(ctx, quality_stale_days());
}

int
functions_register(sqlite3 *h)
{
	if (sqlite3_create_function(h, "rollin_days_since", 1, SQLITE_UTF8,
	        NULL, days_since, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "rollin_stale_days", 0, SQLITE_UTF8,
	        NULL, stale_days, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}
