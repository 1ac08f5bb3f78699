/*
 * A notifier's delivery settings (see delivery.h): read and checked once
 * from the config when the engine starts, and the two rules the engine
 * applies with them: how long to wait before a retry, and which event
 * types a notifier wants. Pure functions, so the unit tests and the
 * status API use them without an engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/delivery.h"

/* A number from a setting: YAML integers arrive as such, decimals as text. */
static int
setting_number(json_t *v, double *out)
{
	const char *s;
	char       *end;

	if (json_is_integer(v)) {
		*out = (double)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		*out = json_real_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	*out = strtod(s, &end);
	while (*end == ' ')
		end++;
	return end == s || *end != '\0' ? -1 : 0;
}

static const char *
setting_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, len, "(empty)");
	return buf;
}

int
delivery_policy_parse(struct delivery_policy *p, const char *name,
    json_t *settings, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		double      min, max;
		int         whole;
		const char *what;
	} limits[] = {
		{ "backoff_base", 0.001, 86400,
		    0, "a number of seconds above 0 (decimals allowed, e.g. 0.5)" },
		{ "backoff_max", 0.001, 30 * 86400, 0,
		    "a number of seconds above 0 (decimals allowed)" },
		{ "max_attempts", 1, 100, 1, "a whole number from 1 to 100" },
		{ "timeout_ms", 1, 3600000, 1,
		    "a whole number of milliseconds from 1 to 3600000" },
	};
	double  values[4] = { 2, 3600, 8, 60000 }, x;
	json_t *v;
	char    buf[64];

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		if ((v = json_object_get(settings, limits[i].key)) == NULL ||
		    json_is_null(v))
			continue;
		if (setting_number(v, &x) == -1 || x < limits[i].min ||
		    x > limits[i].max || (limits[i].whole && x != (long)x)) {
			snprintf(err, errlen,
			    "plugins.%s.%s must be %s, not '%s'", name,
			    limits[i].key, limits[i].what,
			    setting_text(v, buf, sizeof(buf)));
			return -1;
		}
		values[i] = x;
	}
	p->backoff_base = values[0];
	p->backoff_max = values[1];
	p->max_attempts = (int)values[2];
	p->timeout_ms = (long)values[3];
	v = json_object_get(settings, "history");
	if (v != NULL && !json_is_null(v)) {
		const char *t = setting_text(v, buf, sizeof(buf));
		if (strcmp(t, "true") != 0 && strcmp(t, "false") != 0) {
			snprintf(err, errlen,
			    "plugins.%s.history must be true "
			    "or false, not '%s'",
			    name, t);
			return -1;
		}
		p->history = strcmp(t, "true") == 0;
	}
	v = json_object_get(settings, "event_types");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    strlen(json_string_value(v)) >= sizeof(p->event_types)) {
			snprintf(err, errlen,
			    "plugins.%s.event_types must be "
			    "event types separated by commas, "
			    "like \"release.published, cycle.*\"",
			    name);
			return -1;
		}
		snprintf(p->event_types, sizeof(p->event_types), "%s",
		    json_string_value(v));
	}
	return 0;
}

double
delivery_backoff(const struct delivery_policy *p, int attempts)
{
	double wait = p->backoff_base;

	for (int i = 1; i < attempts && wait < p->backoff_max; i++)
		wait *= 2;
	return wait < p->backoff_max ? wait : p->backoff_max;
}

int
delivery_type_matches(const char *patterns, const char *type)
{
	const char *p = patterns ? patterns : "", *end;
	size_t      n;
	int         any = 0;

	while (*p) {
		p += strspn(p, " \t,");
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			any = 1;
			if (p[n - 1] == '*') {
				if (strncmp(type, p, n - 1) == 0)
					return 1;
			} else if (strlen(type) == n &&
			    strncmp(type, p, n) == 0)
				return 1;
		}
		p = end;
	}
	return !any;
}
