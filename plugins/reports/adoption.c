/*
 * The adoption report: how far each solution (or each maturity level) has
 * spread: adoptions by status and roll-ins under way or live, with a total.
 * Counts only; which organisation runs which roll-in stays private.
 */
#include <string.h>

#include "report.h"

static const struct rollin_host *host;

static const struct report_param params[] = {
	{ "group_by", "enum", "solution,maturity", "solution",
	    "Gruppierung: je Lösung oder je Reifegrad" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct report_column solution_cols[] = {
	{ "solution", "Kennung", "text", NULL },
	{ "name", "Lösung", "text", "label" },
	{ "maturity", "Reifegrad", "text", NULL },
};

static const struct report_column maturity_cols[] = {
	{ "maturity", "Reifegrad", "text", "label" },
	{ "solutions", "Lösungen", "integer", NULL },
};

static const struct report_column count_cols[] = {
	{ "adoptions", "Nachnutzungen", "integer", "value" },
	{ "evaluating", "in Prüfung", "integer", NULL },
	{ "rolling_in", "in Einführung", "integer", NULL },
	{ "live", "im Betrieb", "integer", NULL },
	{ "stopped", "beendet", "integer", NULL },
	{ "rollins_running", "Roll-ins laufend", "integer", NULL },
	{ "rollins_live", "Roll-ins abgeschlossen", "integer", NULL },
};

#define NCOUNTS (sizeof(count_cols) / sizeof(count_cols[0]))

/*
 * Per solution: its adoptions and roll-ins counted by status. A roll-in
 * is running until it is live or aborted (on hold counts as running: the
 * adopter has not given up).
 */
#define COUNT_CELLS                                                        \
	"coalesce(a.n, 0) AS n, coalesce(a.evaluating, 0) AS evaluating, " \
	"coalesce(a.rolling_in, 0) AS rolling_in, "                        \
	"coalesce(a.live, 0) AS live, coalesce(a.stopped, 0) AS stopped, " \
	"coalesce(r.running, 0) AS running, "                              \
	"coalesce(r.live, 0) AS rollins_live "
#define FROM_COUNTS                                                         \
	"FROM solutions s "                                                 \
	"LEFT JOIN (SELECT solution_id, count(*) AS n, "                    \
	"sum(status = 'evaluating') AS evaluating, "                        \
	"sum(status = 'rolling-in') AS rolling_in, "                        \
	"sum(status = 'live') AS live, sum(status = 'stopped') AS stopped " \
	"FROM adoptions GROUP BY solution_id) a ON a.solution_id = s.id "   \
	"LEFT JOIN (SELECT solution_id, "                                   \
	"sum(status NOT IN ('live', 'aborted')) AS running, "               \
	"sum(status = 'live') AS live "                                     \
	"FROM rollins GROUP BY solution_id) r ON r.solution_id = s.id "

static const char                                     by_solution[] =
    "SELECT s.slug, s.name, s.maturity, " COUNT_CELLS FROM_COUNTS
    "ORDER BY n DESC, s.name, s.slug";

/* Maturity levels in their natural order, not alphabetically. */
static const char by_maturity[] =
    "SELECT maturity, count(*), sum(n), sum(evaluating), sum(rolling_in), "
    "sum(live), sum(stopped), sum(running), sum(rollins_live) "
    "FROM (SELECT s.maturity AS maturity, " COUNT_CELLS FROM_COUNTS ") "
    "GROUP BY maturity ORDER BY CASE maturity WHEN 'concept' THEN 1 "
    "WHEN 'development' THEN 2 WHEN 'pilot' THEN 3 "
    "WHEN 'production' THEN 4 WHEN 'widespread' THEN 5 "
    "WHEN 'retired' THEN 6 ELSE 7 END, maturity";

static int
init(const struct rollin_host *h, struct rollin_call *call, void **state)
{
	(void)call;
	(void)state;
	host = h;
	return 0;
}

static int
columns(struct rollin_call *call, const struct report_column *lead,
    size_t nlead)
{
	struct report_column all[16];
	size_t               n = 0;

	for (size_t i = 0; i < nlead; i++)
		all[n++] = lead[i];
	for (size_t i = 0; i < NCOUNTS; i++)
		all[n++] = count_cols[i];
	all[n].name = NULL;
	return report_columns(host, call, all);
}

static enum rollin_status
run(void *state, struct rollin_call *call)
{
	const char *by;
	json_t     *rows, *row, *total;
	json_int_t  sums[NCOUNTS + 1];
	size_t      i, lead, nsums;
	int         solution, rc = 0;

	(void)state;
	if (report_describing(host, call))
		return report_describe(host, call, params);
	by = report_param(host, call, params, "group_by");
	if (strcmp(by, "solution") != 0 && strcmp(by, "maturity") != 0)
		return report_fail(host, call,
		    "group_by must be solution or maturity");
	solution = strcmp(by, "solution") == 0;
	if ((rows = report_query(host, call,
	         solution ? by_solution : by_maturity, json_array())) == NULL)
		return ROLLIN_FAILED;
	/* The leading text cells, then the counts that add up to a total. */
	lead = solution ? 3 : 1;
	nsums = solution ? NCOUNTS : NCOUNTS + 1;
	if ((solution ? columns(call, solution_cols, 3)
	              : columns(call, maturity_cols, 2)) == -1) {
		json_decref(rows);
		return report_fail(host, call, "cannot emit the columns");
	}
	memset(sums, 0, sizeof(sums));
	json_array_foreach(rows, i, row)
	{
		for (size_t c = 0; c < nsums; c++)
			sums[c] += report_int(row, lead + c);
		rc |= report_row(host, call, json_incref(row));
	}
	total = json_array();
	for (size_t c = 0; c < lead; c++)
		json_array_append_new(total, json_null());
	for (size_t c = 0; c < nsums; c++)
		json_array_append_new(total, json_integer(sums[c]));
	rc |= report_row(host, call, total);
	json_decref(rows);
	return rc == 0 ? ROLLIN_OK
	               : report_fail(host, call, "cannot emit rows");
}

static const struct rollin_plugin plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "adoption",
	.version = "1.0.0",
	.description = "Nachnutzung und Reifegrad",
	.kind = ROLLIN_REPORT,
	.init = init,
	.run = run,
};

ROLLIN_PLUGIN(plugin)
