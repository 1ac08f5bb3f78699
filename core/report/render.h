/*
 * Reports as programs and people read them. Running a report plugin gives
 * a document
 *
 *	{ "report": name, "title": what it is, "generated_at": timestamp,
 *	  "params": { name: "value" }, "columns": [ column, ... ],
 *	  "rows": [ [ cell, ... ], ... ] }
 *
 * where a column is a name or an object { "name", "label", "type",
 * "chart" } (see plugins/reports/report.h: types text, integer, cents,
 * percent, date, boolean; a plain name ending in "_cents" is cents). A
 * last row whose first cell is null is the table's total.
 *
 * The renderers turn it into JSON ({ report, generated_at, params,
 * columns (names), rows }: money stays integer cents), CSV (RFC 4180:
 * comma, CRLF, a header row of column names, UTF-8, quoting by libcsv) or
 * a complete HTML page (German, euro amounts as "1.234,56 €", a bar chart
 * when the report marks a column for it, everything escaped).
 */
#ifndef ROLLIN_REPORT_RENDER_H
#define ROLLIN_REPORT_RENDER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

enum render_format { RENDER_JSON, RENDER_CSV, RENDER_HTML };

/* "json", "csv" or "html"; -1 for anything else. */
int         render_format_parse(const char *, enum render_format *);
const char *render_format_name(enum render_format);
const char *render_content_type(enum render_format);

/* Renders doc; malloc'ed, NUL-terminated text of *len bytes. */
char *render(const json_t *doc, enum render_format, size_t *len);

#define RENDER_EURO_LEN 40
/* Euro cents in German notation: "1.234,56 €", "-0,05 €". */
void render_euro(int64_t cents, char out[RENDER_EURO_LEN]);
/* A whole number in German notation: "950", "12.345" (groups from 10.000). */
void render_integer(int64_t, char out[RENDER_EURO_LEN]);
/* Appends s with & < > " ' escaped (HTML and SVG text and attributes). */
void render_escape(struct strbuf *, const char *s);

/*
 * Running report plugins into documents, for `rollin report` and the API.
 * Parameters: a report describes its own (run with describe=parameters;
 * see plugins/reports/report.h); requests are checked against that and
 * get its defaults. A report that describes none takes any parameter.
 * The host sets include_private ("true"/"false": whether private records,
 * such as private cost reports, count) and day_rate_cents (the configured
 * default) itself: a request cannot choose them.
 */
struct plugin;
struct plugin_registry;
struct db;

/* [ { name, type, values, default, description } ], or NULL. */
json_t *report_parameters(struct plugin *, struct db *);
/*
 * Runs the report with the request's parameters (an object of strings;
 * NULL for none) into *doc. -1 with err: 404 no such report, 400
 * invalid_parameter naming the parameter, 409 plugin unavailable, 500 the
 * report failed.
 */
int report_run(struct plugin *, struct db *, json_t *given, int include_private,
    json_t **doc, struct rl_error *err);
/* What a report is and takes: { name, description, version, language,
 * parameters, formats }. */
json_t *report_about(struct plugin *, struct db *);
/* Whether the plugin is a report that can run. */
int report_usable(const struct plugin *);
/* report_about() of every usable report in the registry. */
json_t *report_list(struct plugin_registry *, struct db *);

#endif
