/*
 * What the shipped report plugins share: reading rows through the host,
 * emitting columns and rows, and describing their parameters.
 *
 * Columns are emitted as objects, which the core's renderer understands:
 *
 *	{ "name": "savings_cents", "label": "Einsparung", "type": "cents",
 *	  "chart": "value" }
 *
 * name is what JSON and CSV show, label what a person reads (HTML), type
 * one of text, integer, cents (euro cents), percent, date, boolean. chart
 * "label" marks the column that names a row (the HTML table's row header
 * and the chart's bar labels), "value" the column the HTML page charts as
 * bars (no such column, no chart). A last row whose first cell is null is
 * the table's total.
 *
 * Parameters: when the host sets the parameter describe=parameters, a
 * report emits the table of its parameters instead of its data, with the
 * columns name, type (enum, integer, text), values (array, for enum),
 * default and description; the host validates requests against it, so
 * run() sees only values it declared.
 */
#ifndef ROLLIN_PLUGINS_REPORT_H
#define ROLLIN_PLUGINS_REPORT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollin/plugin.h"

struct report_param {
	const char *name;
	const char *type;   /* enum, integer, text */
	const char *values; /* enum: comma-separated */
	const char *def;    /* default, or NULL */
	const char *description;
};

struct report_column {
	const char *name;
	const char *label;
	const char *type;
	const char *chart; /* "label", "value" or NULL */
};

/* True if the host asks for the parameter table. */
static inline int
report_describing(const struct rollin_host *host, struct rollin_call *call)
{
	const char *d = host->param(call, "describe");

	return d != NULL && strcmp(d, "parameters") == 0;
}

/* A parameter's value, or its default if the request gave none. */
static inline const char *
report_param(const struct rollin_host *host, struct rollin_call *call,
    const struct report_param *params, const char *name)
{
	const char *v = host->param(call, name);

	if (v != NULL && *v != '\0')
		return v;
	for (; params->name; params++)
		if (strcmp(params->name, name) == 0)
			return params->def;
	return NULL;
}

/* Logs why the report failed; the host shows it as the report's error. */
static inline enum rollin_status
report_fail(const struct rollin_host *host, struct rollin_call *call,
    const char *what)
{
	host->log(call, ROLLIN_LOG_ERROR, "%s", what);
	return ROLLIN_FAILED;
}

/* Hands one JSON array (stolen) to emit (host->columns or host->row). */
static inline int
report_emit(struct rollin_call *call,
    int (*emit)(struct rollin_call *, const char *), json_t *array)
{
	char *text = json_dumps(array, JSON_COMPACT);
	int   rc = text != NULL ? emit(call, text) : -1;

	free(text);
	json_decref(array);
	return rc;
}

static inline int
report_columns(const struct rollin_host *host, struct rollin_call *call,
    const struct report_column *cols)
{
	json_t *a = json_array();

	for (; cols->name; cols++) {
		json_t *c = json_pack("{s:s, s:s, s:s}", "name", cols->name,
		    "label", cols->label, "type", cols->type);
		if (cols->chart)
			json_object_set_new(c, "chart",
			    json_string(cols->chart));
		json_array_append_new(a, c);
	}
	return report_emit(call, host->columns, a);
}

static inline int
report_row(const struct rollin_host *host, struct rollin_call *call,
    json_t *row)
{
	return report_emit(call, host->row, row);
}

/* Emits the parameter table (see above). */
static inline enum rollin_status
report_describe(const struct rollin_host *host, struct rollin_call *call,
    const struct report_param *params)
{
	json_t *cols = json_pack("[s, s, s, s, s]", "name", "type", "values",
	    "default", "description");

	if (report_emit(call, host->columns, cols) == -1)
		return report_fail(host, call, "cannot describe parameters");
	for (; params->name; params++) {
		json_t *values = json_null();
		if (params->values != NULL) {
			char        buf[256];
			const char *p = params->values;
			values = json_array();
			while (*p) {
				size_t n = strcspn(p, ",");
				snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
				json_array_append_new(values, json_string(buf));
				p += n + (p[n] == ',');
			}
		}
		if (report_row(host, call,
		        json_pack("[s, s, o, s?, s]", params->name,
		            params->type, values, params->def,
		            params->description)) == -1)
			return report_fail(host, call,
			    "cannot describe parameters");
	}
	return ROLLIN_OK;
}

/*
 * Runs a read-only query with parameters (a JSON array, stolen) and
 * returns its rows as a JSON array of arrays, or NULL (logged).
 */
static inline json_t *
report_query(const struct rollin_host *host, struct rollin_call *call,
    const char *sql, json_t *params)
{
	struct rollin_error err;
	char               *args = json_dumps(params, JSON_COMPACT);
	char               *text;
	json_t             *rows;

	json_decref(params);
	memset(&err, 0, sizeof(err));
	text = host->query(call, sql, args ? args : "[]", &err);
	free(args);
	if (text == NULL) {
		host->log(call, ROLLIN_LOG_ERROR, "query failed: %s",
		    err.message);
		return NULL;
	}
	rows = json_loads(text, 0, NULL);
	host->free(text);
	if (!json_is_array(rows)) {
		json_decref(rows);
		host->log(call, ROLLIN_LOG_ERROR, "query returned no rows");
		return NULL;
	}
	return rows;
}

/* Integer cell of a query row (0 for NULL). */
static inline json_int_t
report_int(json_t *row, size_t i)
{
	json_t *v = json_array_get(row, i);

	return json_is_integer(v) ? json_integer_value(v)
	                          : (json_int_t)json_number_value(v);
}

#endif
