/*
 * Running report plugins into report documents: the parameters a report
 * describes, the request's checked against them, and the parameters only
 * the host sets (see render.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/costs.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "report/render.h"
#include "util/clock.h"

/* Parameters only the host sets; a request's values never reach a report. */
static const char *const host_params[] = { "include_private", "day_rate_cents",
	"describe", NULL };

static int
host_param(const char *name)
{
	for (size_t i = 0; host_params[i]; i++)
		if (strcmp(host_params[i], name) == 0)
			return 1;
	return 0;
}

static json_t *
cell(json_t *row, size_t i)
{
	json_t *v = json_array_get(row, i);

	return v ? v : json_null();
}

json_t *
report_parameters(struct plugin *p, struct db *db)
{
	static const char *const expect[] = { "name", "type", "values",
		"default", "description" };
	json_t                  *ask, *table, *cols, *row, *out;
	struct rl_error          err;
	size_t                   i;

	if (p->no_parameters)
		return NULL;
	ask = json_pack("{s:s}", "describe", "parameters");
	if (run_report(p, db, ask, &table, &err) == -1) {
		json_decref(ask);
		return NULL;
	}
	json_decref(ask);
	cols = json_object_get(table, "columns");
	for (i = 0; i < 5; i++)
		if (!json_is_string(json_array_get(cols, i)) ||
		    strcmp(json_string_value(json_array_get(cols, i)),
		        expect[i]) != 0)
			break;
	if (i < 5 || json_array_size(cols) != 5) {
		/* A report that knows nothing of describe ran as usual:
		 * running it for that again would only cost time. */
		p->no_parameters = 1;
		json_decref(table);
		return NULL;
	}
	out = json_array();
	json_array_foreach(json_object_get(table, "rows"), i, row)
	{
		if (!json_is_string(json_array_get(row, 0)))
			continue;
		json_array_append_new(out,
		    json_pack("{s:O, s:O, s:O, s:O, s:O}", "name", cell(row, 0),
		        "type", cell(row, 1), "values", cell(row, 2), "default",
		        cell(row, 3), "description", cell(row, 4)));
	}
	json_decref(table);
	return out;
}

static json_t *
find_param(json_t *desc, const char *name)
{
	json_t *d;
	size_t  i;

	json_array_foreach(desc, i, d)
	{
		if (strcmp(json_string_value(json_object_get(d, "name")),
		        name) == 0)
			return d;
	}
	return NULL;
}

/* "a, b, c" from an array of strings or of objects with a name. */
static void
join_names(json_t *list, char *out, size_t len)
{
	json_t *v;
	size_t  i, o = 0;

	out[0] = '\0';
	json_array_foreach(list, i, v)
	{
		const char *s = json_is_string(v)
		    ? json_string_value(v)
		    : json_string_value(json_object_get(v, "name"));
		int w = snprintf(out + o, len - o, "%s%s", i ? ", " : "",
		    s ? s : "");
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
}

static int
whole_number(const char *s)
{
	size_t n = strlen(s), d;

	if (*s == '-')
		s++, n--;
	d = strspn(s, "0123456789");
	return n > 0 && n <= 18 && d == n;
}

/* Checks the request's parameters against the report's, adds defaults. */
static int
check_params(struct plugin *p, json_t *desc, json_t *given, json_t *params,
    struct rl_error *err)
{
	const char *key;
	json_t     *v, *d, *ordered;
	char        names[256];
	size_t      i;

	json_object_foreach(given, key, v)
	{
		const char *s = json_string_value(v), *type;
		if (s == NULL)
			return rl_fail(err, 400, "invalid_parameter", key,
			    "%s must be text", key);
		if (*s == '\0')
			continue; /* "year=": not given */
		if (desc == NULL) {
			if (!host_param(key))
				json_object_set_new(params, key,
				    json_string(s));
			continue;
		}
		if ((d = find_param(desc, key)) == NULL) {
			join_names(desc, names, sizeof(names));
			return rl_fail(err, 400, "invalid_parameter", key,
			    "report %s has no parameter %s; it takes %s",
			    p->name, key, names[0] ? names : "none");
		}
		if (strlen(s) > 200)
			return rl_fail(err, 400, "invalid_parameter", key,
			    "%s is too long", key);
		type = json_string_value(json_object_get(d, "type"));
		if (type != NULL && strcmp(type, "enum") == 0) {
			json_t *values = json_object_get(d, "values"), *x;
			int     ok = 0;
			json_array_foreach(values, i, x)
			{
				ok |= json_is_string(x) &&
				    strcmp(json_string_value(x), s) == 0;
			}
			if (!ok) {
				join_names(values, names, sizeof(names));
				return rl_fail(err, 400, "invalid_parameter",
				    key, "%s must be one of %s", key, names);
			}
		} else if (type != NULL && strcmp(type, "integer") == 0 &&
		    !whole_number(s))
			return rl_fail(err, 400, "invalid_parameter", key,
			    "%s must be a whole number", key);
		json_object_set_new(params, key, json_string(s));
	}
	/* In the report's order, with the defaults of those not given. */
	ordered = json_object();
	json_array_foreach(desc, i, d)
	{
		const char *name =
		    json_string_value(json_object_get(d, "name"));
		json_t *def = json_object_get(d, "default");
		if ((v = json_object_get(params, name)) != NULL)
			json_object_set(ordered, name, v);
		else if (json_is_string(def))
			json_object_set(ordered, name, def);
	}
	if (desc != NULL) {
		json_object_clear(params);
		json_object_update(params, ordered);
	}
	json_decref(ordered);
	return 0;
}

int
report_run(struct plugin *p, struct db *db, json_t *given, int include_private,
    json_t **doc, struct rl_error *err)
{
	json_t *desc = NULL, *params = json_object(), *args = NULL;
	json_t *table = NULL;
	char    ts[CLOCK_TS_LEN], rate[32];
	int     rc = -1;

	*doc = NULL;
	if (p->kind != ROLLIN_REPORT) {
		rl_fail(err, 404, "not_found", NULL, "there is no report %s",
		    p->name);
		goto out;
	}
	if (p->state != PLUGIN_LOADED) {
		rl_fail(err, 409, "plugin_unavailable", NULL,
		    "report %s is %s: %s", p->name, plugin_state_name(p->state),
		    p->last_error[0] ? p->last_error : "see the log");
		goto out;
	}
	desc = report_parameters(p, db);
	/* json_object_foreach over NULL visits nothing: no parameters. */
	if (check_params(p, desc, given, params, err) == -1)
		goto out;
	args = json_deep_copy(params);
	json_object_set_new(args, "include_private",
	    json_string(include_private ? "true" : "false"));
	snprintf(rate, sizeof(rate), "%" PRId64, costs_default_day_rate());
	json_object_set_new(args, "day_rate_cents", json_string(rate));
	if (run_report(p, db, args, &table, err) == -1)
		goto out;
	clock_format_ts(clock_now(), ts);
	*doc = json_pack("{s:s, s:s, s:s, s:O, s:O, s:O}", "report", p->name,
	    "title", p->description[0] ? p->description : p->name,
	    "generated_at", ts, "params", params, "columns",
	    json_object_get(table, "columns"), "rows",
	    json_object_get(table, "rows"));
	rc = *doc != NULL ? 0
	                  : rl_fail(err, 500, "report_failed", NULL,
	                        "report %s produced no table", p->name);
out:
	json_decref(desc);
	json_decref(params);
	json_decref(args);
	json_decref(table);
	return rc;
}

int
report_usable(const struct plugin *p)
{
	return p->kind == ROLLIN_REPORT && p->state == PLUGIN_LOADED;
}

json_t *
report_about(struct plugin *p, struct db *db)
{
	json_t *params = report_parameters(p, db);

	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:[s, s, s]}", "name",
	    p->name, "description", p->description, "version", p->version,
	    "language", p->language, "parameters",
	    params ? params : json_array(), "formats", "json", "csv", "html");
}

json_t *
report_list(struct plugin_registry *reg, struct db *db)
{
	json_t *items = json_array();

	for (size_t i = 0; reg != NULL && i < reg->n; i++)
		if (report_usable(&reg->items[i]))
			json_array_append_new(items,
			    report_about(&reg->items[i], db));
	return items;
}
