#include <stdlib.h>

#include "domain/quality.h"
#include "store/functions.h"
#include "util/clock.h"
#include "util/german.h"

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

static void
sort_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char    *s = (const char *)sqlite3_value_text(argv[0]);
	unsigned char *key;
	size_t         len;

	(void)argc;
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if (german_sort_key(s, sqlite3_value_bytes(argv[0]), &key, &len) ==
	    -1) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_blob64(ctx, key, len, free);
}

static void
spellings(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char       *out;

	(void)argc;
	if (s == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((out = german_spellings(s)) == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_text(ctx, out, -1, free);
}

int
functions_register(sqlite3 *h)
{
	if (sqlite3_create_function(h, "rollin_days_since", 1, SQLITE_UTF8,
	        NULL, days_since, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "rollin_stale_days", 0, SQLITE_UTF8,
	        NULL, stale_days, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "rollin_sort_key", 1,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sort_key, NULL,
	        NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "rollin_spellings", 1,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, spellings, NULL,
	        NULL) != SQLITE_OK)
		return -1;
	return 0;
}
