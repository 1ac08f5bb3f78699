/*
 * domain/quality: a solution entry's completeness (which of the minimum
 * fields are filled) and freshness (days since it was last confirmed or
 * changed, and whether that is past the stale threshold).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fixture.h"
#include "domain/quality.h"
#include "util/clock.h"

/* The missing list as "a,b,c" for comparison. */
static void
joined(json_t *arr, char *out, size_t len)
{
	size_t  i, n = 0;
	json_t *v;

	out[0] = '\0';
	for (i = 0; i < json_array_size(arr); i++) {
		v = json_array_get(arr, i);
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? "," : "",
		    json_string_value(v));
	}
}

static int
completeness(const char *doc_text, char *missing, size_t len)
{
	json_t *doc = fixture_json(doc_text), *m = NULL;
	int     pct = quality_completeness(doc, &m);

	assert_non_null(m);
	joined(m, missing, len);
	json_decref(m);
	json_decref(doc);
	return pct;
}

#define FULL_COMMON                                                \
	"\"summary\": \"s\", \"description\": \"d\", "             \
	"\"homepage\": \"https://x.org\", \"problems\": [\"p\"], " \
	"\"processes\": [\"q\"], \"target_groups\": [\"t\"], "     \
	"\"documentation\": [{\"title\": \"t\", \"url\": "         \
	"\"https://x.org\"}], "                                    \
	"\"transfer_concept\": [{\"step\": \"s\", \"role\": \"owner\"}]"

static void
test_empty_entry(void **state)
{
	char missing[512];

	(void)state;
	/* Not open source: repository and licence are not asked for. */
	assert_int_equal(completeness("{\"slug\": \"a\", \"name\": \"A\"}",
	                     missing, sizeof(missing)),
	    0);
	assert_string_equal(missing,
	    "summary,description,homepage,problems,"
	    "processes,target_groups,documentation,transfer_concept");
	/* Open source: they are. */
	assert_int_equal(completeness("{\"open_source\": true}", missing,
	                     sizeof(missing)),
	    0);
	assert_string_equal(missing,
	    "summary,description,homepage,licence,"
	    "problems,processes,target_groups,documentation,transfer_concept,"
	    "repository");
}

static void
test_full_entry(void **state)
{
	char missing[512];

	(void)state;
	assert_int_equal(completeness("{" FULL_COMMON "}", missing,
	                     sizeof(missing)),
	    100);
	assert_string_equal(missing, "");
	assert_int_equal(completeness("{" FULL_COMMON ", \"open_source\": "
	                              "false}",
	                     missing, sizeof(missing)),
	    100);
	/* The same entry as open source lacks its code location and licence. */
	assert_int_equal(completeness("{" FULL_COMMON ", \"open_source\": "
	                              "true}",
	                     missing, sizeof(missing)),
	    80);
	assert_string_equal(missing, "licence,repository");
	assert_int_equal(
	    completeness("{" FULL_COMMON ", \"open_source\": "
	                 "true, \"licence\": \"EUPL-1.2\", \"repository\": "
	                 "\"https://git.example.org\"}",
	        missing, sizeof(missing)),
	    100);
}

static void
test_partial_entry(void **state)
{
	char missing[512];

	(void)state;
	/* Empty strings and empty lists are not filled. */
	assert_int_equal(
	    completeness(
	        "{\"summary\": \"s\", \"description\": "
	        "\"\", \"problems\": [], \"homepage\": null, \"processes\": "
	        "[\"q\"]}",
	        missing, sizeof(missing)),
	    25);
	assert_string_equal(missing,
	    "description,homepage,problems,"
	    "target_groups,documentation,transfer_concept");
	/* 3 of 8 is 37 percent, rounded down: never more than is there. */
	assert_int_equal(completeness("{\"summary\": \"s\", \"description\": "
	                              "\"d\", \"homepage\": \"https://x.org\"}",
	                     missing, sizeof(missing)),
	    37);
	/* Without a list to fill, the percentage is still given. */
	{
		json_t *doc = fixture_json("{\"summary\": \"s\"}");
		assert_int_equal(quality_completeness(doc, NULL), 12);
		json_decref(doc);
	}
}

static json_t *
fresh(const char *confirmed, const char *changed, const char *now)
{
	time_t t;

	assert_int_equal(clock_parse_ts(now, &t), 0);
	return quality_freshness(confirmed, changed, t);
}

static long long
days_of(json_t *f)
{
	return json_integer_value(json_object_get(f, "days"));
}

static int
stale_of(json_t *f)
{
	json_t *s = json_object_get(f, "stale");

	assert_true(json_is_boolean(s));
	return json_is_true(s);
}

static void
test_freshness_days(void **state)
{
	json_t *f;

	(void)state;
	quality_set_stale_days(180);
	f = fresh(NULL, "2026-01-31T12:00:00Z", "2026-03-01T08:00:00Z");
	assert_int_equal(days_of(f), 29);
	assert_false(stale_of(f));
	assert_true(json_is_null(json_object_get(f, "confirmed_at")) ||
	    json_object_get(f, "confirmed_at") == NULL);
	assert_string_equal(json_string_value(json_object_get(f, "changed_at")),
	    "2026-01-31T12:00:00Z");
	json_decref(f);

	/* The later of the two stamps counts: a confirmation... */
	f = fresh("2026-02-20T00:00:00Z", "2025-06-01T00:00:00Z",
	    "2026-03-01T00:00:00Z");
	assert_int_equal(days_of(f), 9);
	json_decref(f);
	/* ...or a change. */
	f = fresh("2025-06-01T00:00:00Z", "2026-02-27T00:00:00Z",
	    "2026-03-01T00:00:00Z");
	assert_int_equal(days_of(f), 2);
	json_decref(f);

	/* A stamp from a clock slightly ahead is not negative age. */
	f = fresh(NULL, "2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z");
	assert_int_equal(days_of(f), 0);
	assert_false(stale_of(f));
	json_decref(f);
}

static void
test_stale_threshold(void **state)
{
	json_t *f;

	(void)state;
	quality_set_stale_days(30);
	assert_int_equal(quality_stale_days(), 30);
	/* Day 30 is still fresh, day 31 is stale. */
	f = fresh("2026-01-01T10:00:00Z", NULL, "2026-01-31T09:00:00Z");
	assert_int_equal(days_of(f), 30);
	assert_false(stale_of(f));
	assert_int_equal(json_integer_value(
	                     json_object_get(f, "stale_after_days")),
	    30);
	json_decref(f);
	f = fresh("2026-01-01T10:00:00Z", NULL, "2026-02-01T00:00:01Z");
	assert_int_equal(days_of(f), 31);
	assert_true(stale_of(f));
	json_decref(f);

	/* The threshold is a setting: the same age is fresh at 180. */
	quality_set_stale_days(180);
	f = fresh("2026-01-01T10:00:00Z", NULL, "2026-02-01T00:00:01Z");
	assert_false(stale_of(f));
	json_decref(f);
	f = fresh(NULL, "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
	assert_int_equal(days_of(f), 365);
	assert_true(stale_of(f));
	json_decref(f);

	/* Never confirmed nor changed: stale. */
	f = fresh(NULL, NULL, "2026-01-01T00:00:00Z");
	assert_true(stale_of(f));
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_entry),
		cmocka_unit_test(test_full_entry),
		cmocka_unit_test(test_partial_entry),
		cmocka_unit_test(test_freshness_days),
		cmocka_unit_test(test_stale_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
