/*
 * The savings report: what reuse cost and saved, per solution, per adopter
 * or per year, with a total. Every figure is derived from the adopters'
 * cost reports by core/domain/costs.c, compiled into this plugin, so the
 * report and the API's cost reports can never disagree by a cent.
 *
 * The host sets two parameters itself: include_private ("true" for
 * signed-in clients and the command line; otherwise only public cost
 * reports count) and day_rate_cents (the configured price of a
 * person-day, for cost reports that give none).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/costs.h"
#include "report.h"

static const struct rollin_host *host;

static const struct report_param params[] = {
	{ "group_by", "enum", "solution,adopter,year", "solution",
	    "Gruppierung: je Lösung, je Nachnutzer oder je Jahr des "
	    "Berichtszeitraums" },
	{ "year", "integer", NULL, NULL,
	    "nur Kostenberichte, deren Zeitraum in diesem Jahr beginnt" },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* How each grouping names, labels and orders its groups. */
static const struct grouping {
	const char          *name;
	const char          *key, *label, *order;
	struct report_column cols[3];
} groupings[] = {
	{ "solution", "s.slug", "s.name", "s.name, s.slug",
	    { { "solution", "Kennung", "text", NULL },
	        { "name", "Lösung", "text", "label" },
	        { NULL, NULL, NULL, NULL } } },
	{ "adopter", "o.slug", "o.name", "o.name, o.slug",
	    { { "adopter", "Kennung", "text", NULL },
	        { "name", "Nachnutzer", "text", "label" },
	        { NULL, NULL, NULL, NULL } } },
	{ "year", "substr(c.period_start, 1, 4)", NULL,
	    "substr(c.period_start, 1, 4)",
	    { { "year", "Jahr", "text", "label" },
	        { NULL, NULL, NULL, NULL } } },
};

static const struct report_column figures[] = {
	{ "reports", "Kostenberichte", "integer", NULL },
	{ "one_off_total_cents", "Einmalkosten inkl. Eigenaufwand", "cents",
	    NULL },
	{ "recurring_cents", "Laufende Kosten", "cents", NULL },
	{ "total_cents", "Kosten gesamt", "cents", NULL },
	{ "build_alone_cents", "Eigenentwicklung (Schätzung)", "cents", NULL },
	{ "savings_cents", "Einsparung", "cents", "value" },
	{ NULL, NULL, NULL, NULL },
};

struct sums {
	json_int_t reports, one_off_total, recurring, total, build_alone,
	    savings;
};

static int
init(const struct rollin_host *h, struct rollin_call *call, void **state)
{
	(void)call;
	(void)state;
	host = h;
	return 0;
}

static int
columns(struct rollin_call *call, const struct grouping *g)
{
	struct report_column all[16];
	size_t               n = 0;

	for (const struct report_column *c = g->cols; c->name; c++)
		all[n++] = *c;
	for (const struct report_column *c = figures; c->name; c++)
		all[n++] = *c;
	all[n].name = NULL;
	return report_columns(host, call, all);
}

static void
add(struct sums *s, json_t *row, int64_t default_rate)
{
	struct cost_input   in;
	struct cost_figures f;
	json_t             *rate = json_array_get(row, 8);

	in.one_off = report_int(row, 2);
	in.operating = report_int(row, 3);
	in.contributions = report_int(row, 4);
	in.licence = report_int(row, 5);
	in.build_alone = report_int(row, 6);
	in.effort_centidays =
	    costs_centidays(json_number_value(json_array_get(row, 7)));
	in.day_rate =
	    json_is_integer(rate) ? json_integer_value(rate) : default_rate;
	costs_derive(&in, &f);
	s->reports++;
	s->one_off_total += f.one_off_total;
	s->recurring += f.recurring;
	s->total += f.total;
	s->build_alone += in.build_alone;
	s->savings += f.savings;
}

/* One output row: the group's key (and label) cells, then the sums. */
static int
emit(struct rollin_call *call, const struct grouping *g, json_t *key,
    json_t *label, const struct sums *s)
{
	json_t *row = json_array();

	json_array_append(row, key);
	if (g->label != NULL)
		json_array_append(row, label);
	json_array_append_new(row, json_integer(s->reports));
	json_array_append_new(row, json_integer(s->one_off_total));
	json_array_append_new(row, json_integer(s->recurring));
	json_array_append_new(row, json_integer(s->total));
	json_array_append_new(row, json_integer(s->build_alone));
	json_array_append_new(row, json_integer(s->savings));
	return report_row(host, call, row);
}

static enum rollin_status
run(void *state, struct rollin_call *call)
{
	const struct grouping *g = NULL;
	const char            *by, *year, *priv, *rate_s;
	struct sums            group, total;
	json_t                *rows, *row, *key = NULL, *label = NULL;
	int64_t                rate = costs_default_day_rate();
	char                   sql[1024];
	size_t                 i;
	int                    rc = 0;

	(void)state;
	if (report_describing(host, call))
		return report_describe(host, call, params);
	by = report_param(host, call, params, "group_by");
	for (i = 0; i < sizeof(groupings) / sizeof(groupings[0]); i++)
		if (strcmp(groupings[i].name, by) == 0)
			g = &groupings[i];
	if (g == NULL)
		return report_fail(host, call,
		    "group_by must be solution, adopter or year");
	year = report_param(host, call, params, "year");
	priv = host->param(call, "include_private");
	if ((rate_s = host->param(call, "day_rate_cents")) != NULL)
		rate = strtoll(rate_s, NULL, 10);

	snprintf(sql, sizeof(sql),
	    "SELECT %s, %s, c.one_off_cents, c.operating_cents, "
	    "c.contributions_cents, c.licence_cents, c.build_alone_cents, "
	    "c.own_effort_days, c.day_rate_cents "
	    "FROM cost_reports c "
	    "JOIN adoptions a ON a.id = c.adoption_id "
	    "JOIN solutions s ON s.id = a.solution_id "
	    "JOIN organisations o ON o.id = a.organisation_id "
	    "WHERE (?1 OR c.public) "
	    "AND (?2 IS NULL OR substr(c.period_start, 1, 4) = ?2) "
	    "ORDER BY %s, c.id",
	    g->key, g->label ? g->label : g->key, g->order);
	rows = report_query(host, call, sql,
	    json_pack("[i, s?]", priv != NULL && strcmp(priv, "true") == 0,
	        year));
	if (rows == NULL)
		return ROLLIN_FAILED;
	if (columns(call, g) == -1) {
		json_decref(rows);
		return report_fail(host, call, "cannot emit the columns");
	}
	memset(&group, 0, sizeof(group));
	memset(&total, 0, sizeof(total));
	/* Rows come ordered by group: a group ends where its key changes. */
	json_array_foreach(rows, i, row)
	{
		json_t *k = json_array_get(row, 0);
		if (key != NULL && !json_equal(key, k)) {
			rc |= emit(call, g, key, label, &group);
			memset(&group, 0, sizeof(group));
		}
		key = k;
		label = json_array_get(row, 1);
		add(&group, row, rate);
		add(&total, row, rate);
	}
	if (key != NULL)
		rc |= emit(call, g, key, label, &group);
	rc |= emit(call, g, json_null(), json_null(), &total);
	json_decref(rows);
	return rc == 0 ? ROLLIN_OK
	               : report_fail(host, call, "cannot emit rows");
}

static const struct rollin_plugin plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "savings",
	.version = "1.0.0",
	.description = "Einsparungen durch Nachnutzung",
	.kind = ROLLIN_REPORT,
	.init = init,
	.run = run,
};

ROLLIN_PLUGIN(plugin)
