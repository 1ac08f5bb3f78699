/*
 * The end-of-life report: solutions that run on a third-party product
 * cycle whose end of life has passed, or comes within within_days days
 * (default 90), most overdue first, with the way out: the product's
 * released cycle that is supported longest (no end announced, else the
 * latest eol). A dependency names its cycle as the
 * API matches it (domain/product.c): the cycle of that name, else the
 * longest cycle that is a dotted prefix of it ("15.4" runs on "15").
 * Dependencies without a known cycle or eol date, and retired solutions,
 * are left out. Days count on the service's clock (rollin_days_since).
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const struct rollin_host *host;

static const struct report_param params[] = {
	{ "within_days", "integer", NULL, "90",
	    "auch Abhängigkeiten, deren Supportende in höchstens so vielen "
	    "Tagen erreicht ist (0: nur bereits abgelaufene)" },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct report_column cols[] = {
	{ "solution", "Kennung", "text", NULL },
	{ "name", "Lösung", "text", "label" },
	{ "owner", "Verantwortlich", "text", NULL },
	{ "product", "Produkt", "text", NULL },
	{ "product_label", "Produktname", "text", NULL },
	{ "cycle", "Version", "text", NULL },
	{ "eol", "Supportende", "date", NULL },
	{ "days_past", "Tage seit Supportende", "integer", NULL },
	{ "days_left", "Tage bis Supportende", "integer", NULL },
	{ "status", "Status", "text", NULL },
	{ "upgrade_to", "Nachfolger mit Support", "text", NULL },
	{ NULL, NULL, NULL, NULL },
};

static const char sql[] =
    "SELECT s.slug, s.name, o.name, p.name, p.label, d.cycle, c.eol, "
    "rollin_days_since(c.eol) AS days, "
    "(SELECT n.name FROM product_cycles n WHERE n.product_id = p.id "
    "AND n.id <> c.id AND (n.eol IS NULL OR rollin_days_since(n.eol) < 0) "
    "AND (n.release_date IS NULL OR rollin_days_since(n.release_date) >= 0) "
    "ORDER BY n.eol IS NULL DESC, n.eol DESC, n.release_date DESC, n.id DESC "
    "LIMIT 1) "
    "FROM dependencies d "
    "JOIN solutions s ON s.id = d.solution_id "
    "JOIN organisations o ON o.id = s.owner_id "
    "JOIN products p ON p.id = d.product_id "
    "JOIN product_cycles c ON c.id = (SELECT m.id FROM product_cycles m "
    "WHERE m.product_id = d.product_id AND (m.name = d.cycle OR "
    "substr(d.cycle, 1, length(m.name) + 1) = m.name || '.') "
    "ORDER BY length(m.name) DESC, m.id LIMIT 1) "
    "WHERE s.maturity <> 'retired' AND c.eol IS NOT NULL "
    "AND rollin_days_since(c.eol) >= -?1 "
    "ORDER BY days DESC, s.name, s.slug, p.name";

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
	const char *within_s;
	json_t     *rows, *row, *out;
	json_int_t  days;
	char       *end;
	long        within;
	size_t      i;
	int         rc = 0;

	(void)state;
	if (report_describing(host, call))
		return report_describe(host, call, params);
	within_s = report_param(host, call, params, "within_days");
	within = strtol(within_s, &end, 10);
	if (*end != '\0' || within < 0 || within > 36500)
		return report_fail(host, call,
		    "within_days must be a number of days from 0 to 36500");
	if ((rows = report_query(host, call, sql,
	         json_pack("[I]", (json_int_t)within))) == NULL)
		return ROLLIN_FAILED;
	if (report_columns(host, call, cols) == -1) {
		json_decref(rows);
		return report_fail(host, call, "cannot emit the columns");
	}
	json_array_foreach(rows, i, row)
	{
		days = report_int(row, 7);
		out = json_pack("[O, O, O, O, O, O, O]", json_array_get(row, 0),
		    json_array_get(row, 1), json_array_get(row, 2),
		    json_array_get(row, 3), json_array_get(row, 4),
		    json_array_get(row, 5), json_array_get(row, 6));
		json_array_append_new(out,
		    days >= 0 ? json_integer(days) : json_null());
		json_array_append_new(out,
		    days < 0 ? json_integer(-days) : json_null());
		json_array_append_new(out,
		    json_string(days >= 0 ? "eol" : "ending"));
		json_array_append(out, json_array_get(row, 8));
		rc |= report_row(host, call, out);
	}
	json_decref(rows);
	return rc == 0 ? ROLLIN_OK
	               : report_fail(host, call, "cannot emit rows");
}

static const struct rollin_plugin plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "eol",
	.version = "1.0.0",
	.description = "Abhängigkeiten am Supportende",
	.kind = ROLLIN_REPORT,
	.init = init,
	.run = run,
};

ROLLIN_PLUGIN(plugin)
