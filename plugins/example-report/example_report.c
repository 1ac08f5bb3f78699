/*
 * example-report: the worked example of a C report plugin (explained line
 * by line in docs/plugins.md). It counts the catalogue's solutions per
 * maturity level, and how many of them are open source:
 *
 *	rollin report example-report
 *	rollin report example-report --param retired=exclude --format csv
 *	curl 'http://127.0.0.1:8080/api/v1/reports/example-report?format=html'
 *
 * It includes only rollin/plugin.h and jansson (for reading the rows
 * host->query hands back and for writing cells safely as JSON), and
 * exports only rollin_plugin_entry.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "rollin/plugin.h"

/* The host's function table, kept by init() for run(). */
static const struct rollin_host *host;

/*
 * The columns, as objects the host's renderer reads: name (JSON and CSV),
 * label (the HTML page), type, and which column names the rows ("label")
 * and which one the HTML page draws as bars ("value").
 */
static const char columns[] =
    "[{\"name\": \"maturity\", \"label\": \"Reifegrad\", "
    "\"type\": \"text\", \"chart\": \"label\"},"
    " {\"name\": \"solutions\", \"label\": \"Lösungen\", "
    "\"type\": \"integer\", \"chart\": \"value\"},"
    " {\"name\": \"open_source\", \"label\": \"davon Open Source\", "
    "\"type\": \"integer\"}]";

/*
 * The parameter table the host asks for with describe=parameters: one row
 * per parameter with its name, type, values, default and description.
 * The host checks every request against it, so run() only ever sees
 * "include" or "exclude" here.
 */
static const char param_columns[] =
    "[\"name\", \"type\", \"values\", \"default\", \"description\"]";
static const char param_retired[] =
    "[\"retired\", \"enum\", [\"include\", \"exclude\"], \"include\", "
    "\"ausgemusterte Lösungen mitzählen (include) oder nicht (exclude)\"]";

/* Maturity levels in their natural order, not alphabetically. */
static const char query[] =
    "SELECT maturity, count(*), sum(open_source) FROM solutions "
    "WHERE ?1 = 'include' OR maturity <> 'retired' "
    "GROUP BY maturity ORDER BY CASE maturity WHEN 'concept' THEN 1 "
    "WHEN 'development' THEN 2 WHEN 'pilot' THEN 3 "
    "WHEN 'production' THEN 4 WHEN 'widespread' THEN 5 "
    "WHEN 'retired' THEN 6 ELSE 7 END";

static int
example_init(const struct rollin_host *h, struct rollin_call *call,
    void **state)
{
	(void)call;
	*state = NULL; /* no state of its own: run() needs only host */
	host = h;
	return 0;
}

/* Hands one row (stolen) to the host as JSON text. */
static int
emit_row(struct rollin_call *call, json_t *row)
{
	char *text = json_dumps(row, JSON_COMPACT);
	int   rc = text != NULL ? host->row(call, text) : -1;

	free(text);
	json_decref(row);
	return rc;
}

static enum rollin_status
example_run(void *state, struct rollin_call *call)
{
	struct rollin_error err;
	const char         *describe = host->param(call, "describe");
	const char         *retired = host->param(call, "retired");
	json_t             *rows, *row;
	json_int_t          solutions = 0, open_source = 0;
	char               *text, params[64];
	size_t              i;

	(void)state;
	if (describe != NULL && strcmp(describe, "parameters") == 0) {
		if (host->columns(call, param_columns) == -1 ||
		    host->row(call, param_retired) == -1)
			return ROLLIN_FAILED;
		return ROLLIN_OK;
	}
	if (retired == NULL || strcmp(retired, "exclude") != 0)
		retired = "include";

	/* Read-only SQL with its parameters as a JSON array. */
	snprintf(params, sizeof(params), "[\"%s\"]", retired);
	memset(&err, 0, sizeof(err));
	if ((text = host->query(call, query, params, &err)) == NULL) {
		host->log(call, ROLLIN_LOG_ERROR, "query failed: %s",
		    err.message);
		return ROLLIN_FAILED;
	}
	rows = json_loads(text, 0, NULL);
	host->free(text);
	if (!json_is_array(rows)) {
		json_decref(rows);
		host->log(call, ROLLIN_LOG_ERROR, "the query gave no rows");
		return ROLLIN_FAILED;
	}

	if (host->columns(call, columns) == -1)
		goto failed;
	json_array_foreach(rows, i, row)
	{
		/* [maturity, count, open source count]: as SQLite typed them. */
		json_int_t n = json_integer_value(json_array_get(row, 1));
		json_int_t o = json_integer_value(json_array_get(row, 2));

		solutions += n;
		open_source += o;
		if (emit_row(call,
		        json_pack("[O, I, I]", json_array_get(row, 0), n, o)) ==
		    -1)
			goto failed;
	}
	/* A last row whose first cell is null is the table's total. */
	if (emit_row(call, json_pack("[n, I, I]", solutions, open_source)) ==
	    -1)
		goto failed;
	json_decref(rows);
	return ROLLIN_OK;
failed:
	json_decref(rows);
	host->log(call, ROLLIN_LOG_ERROR, "the host refused the table");
	return ROLLIN_FAILED;
}

static const struct rollin_plugin example_report = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "example-report",
	.version = "1.0.0",
	.description = "Beispiel: Lösungen je Reifegrad",
	.kind = ROLLIN_REPORT,
	.init = example_init,
	.fini = NULL,
	.run = example_run,
};

ROLLIN_PLUGIN(example_report)
