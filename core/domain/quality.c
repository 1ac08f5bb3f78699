#include <string.h>

#include "domain/quality.h"
#include "util/clock.h"

static int stale_days = 180;

/*
 * The minimum an entry needs so that another administration can judge it:
 * what it does and for whom, where to find it, under which licence, how a
 * transfer works. Source code location only matters for open source.
 */
static const char *const required[] = { "summary", "description", "homepage",
	"licence", "problems", "processes", "target_groups", "documentation",
	"transfer_concept", "repository", NULL };

static int
filled(json_t *v)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	return 1;
}

int
quality_completeness(json_t *doc, json_t **missing)
{
	int total = 0, have = 0;
	int open = json_is_true(json_object_get(doc, "open_source"));

	if (missing)
		*missing = json_array();
	for (size_t i = 0; required[i]; i++) {
		if (!open &&
		    (strcmp(required[i], "repository") == 0 ||
		        strcmp(required[i], "licence") == 0))
			continue;
		total++;
		if (filled(json_object_get(doc, required[i])))
			have++;
		else if (missing)
			json_array_append_new(*missing,
			    json_string(required[i]));
	}
	return total ? have * 100 / total : 100;
}

void
quality_set_stale_days(int days)
{
	stale_days = days;
}

int
quality_stale_days(void)
{
	return stale_days;
}

long
quality_age_days(const char *confirmed_at, const char *changed_at, time_t now)
{
	time_t c = 0, m = 0;
	long   days;

	if (confirmed_at == NULL || clock_parse_ts(confirmed_at, &c) == -1)
		c = 0;
	if (changed_at == NULL || clock_parse_ts(changed_at, &m) == -1)
		m = 0;
	days = clock_days_between(c > m ? c : m, now);
	return days < 0 ? 0 : days;
}

json_t *
quality_freshness(const char *confirmed_at, const char *changed_at, time_t now)
{
	long days = quality_age_days(confirmed_at, changed_at, now);

	return json_pack("{s:s?, s:s?, s:i, s:b, s:i}", "confirmed_at",
	    confirmed_at, "changed_at", changed_at, "days", (int)days, "stale",
	    days > stale_days, "stale_after_days", stale_days);
}
