/*
 * The quality report: catalogue entries that need their owner's attention,
 * because minimum fields are missing (completeness below 100 %) or because
 * nobody confirmed or changed them for longer than the configured stale
 * threshold. The same measures the catalogue shows: completeness and its
 * missing fields as rendered with the entry, freshness from the later of
 * confirmation and change (rollin_days_since, rollin_stale_days). Retired
 * solutions need no upkeep and are left out.
 */
#include <string.h>

#include "report.h"

static const struct rollin_host *host;

static const struct report_param params[] = {
	{ "show", "enum", "all,stale,incomplete", "all",
	    "welche Einträge: alle auffälligen, nur veraltete oder nur "
	    "unvollständige" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct report_column cols[] = {
	{ "solution", "Kennung", "text", NULL },
	{ "name", "Lösung", "text", "label" },
	{ "owner", "Verantwortlich", "text", NULL },
	{ "maturity", "Reifegrad", "text", NULL },
	{ "completeness", "Vollständigkeit", "percent", NULL },
	{ "missing_fields", "Fehlende Angaben", "integer", NULL },
	{ "missing", "Es fehlen", "text", NULL },
	{ "days", "Tage seit Bestätigung oder Änderung", "integer", NULL },
	{ "stale", "Veraltet", "boolean", NULL },
	{ "confirmed_on", "Zuletzt bestätigt", "date", NULL },
	{ "changed_on", "Zuletzt geändert", "date", NULL },
	{ NULL, NULL, NULL, NULL },
};

#define STALE_CELL 8

static const char sql[] =
    "SELECT slug, name, owner, maturity, completeness, missing_fields, "
    "missing, days, days > rollin_stale_days(), confirmed_on, changed_on "
    "FROM (SELECT s.slug AS slug, s.name AS name, o.name AS owner, "
    "s.maturity AS maturity, s.completeness AS completeness, "
    "coalesce(json_array_length(s.rendered, '$.completeness.missing'), 0) "
    "AS missing_fields, "
    "(SELECT group_concat(value, ', ') FROM "
    "json_each(s.rendered, '$.completeness.missing')) AS missing, "
    "rollin_days_since(max(coalesce(nullif(s.touched_at, ''), "
    "s.updated_at), coalesce(s.confirmed_at, ''))) AS days, "
    "substr(s.confirmed_at, 1, 10) AS confirmed_on, "
    "substr(coalesce(nullif(s.touched_at, ''), s.updated_at), 1, 10) "
    "AS changed_on "
    "FROM solutions s JOIN organisations o ON o.id = s.owner_id "
    "WHERE s.maturity <> 'retired') "
    "WHERE (?1 <> 'incomplete' AND days > rollin_stale_days()) "
    "OR (?1 <> 'stale' AND completeness < 100) "
    "ORDER BY days > rollin_stale_days() DESC, days DESC, completeness, "
    "name, slug";

static int
init(const struct rollin_host *h, struct rollin_call *call, void **state)
{
	(void)call;
	(void)state;
	host = h;
	return 0;
}

static enum rollin_status
run(void *state, struct rollin_call *call)
{
	const char *show;
	json_t     *rows, *row;
	size_t      i;
	int         rc = 0;

	(void)state;
	if (report_describing(host, call))
		return report_describe(host, call, params);
	show = report_param(host, call, params, "show");
	if ((rows = report_query(host, call, sql, json_pack("[s]", show))) ==
	    NULL)
		return ROLLIN_FAILED;
	if (report_columns(host, call, cols) == -1) {
		json_decref(rows);
		return report_fail(host, call, "cannot emit the columns");
	}
	json_array_foreach(rows, i, row)
	{
		json_array_set_new(row, STALE_CELL,
		    json_boolean(report_int(row, STALE_CELL) != 0));
		rc |= report_row(host, call, json_incref(row));
	}
	json_decref(rows);
	return rc == 0 ? ROLLIN_OK
	               : report_fail(host, call, "cannot emit rows");
}

static const struct rollin_plugin plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "quality",
	.version = "1.0.0",
	.description = "Veraltete und unvollständige Einträge",
	.kind = ROLLIN_REPORT,
	.init = init,
	.run = run,
};

ROLLIN_PLUGIN(plugin)
