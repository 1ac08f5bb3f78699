/*
 * Report documents rendered as JSON, CSV and HTML, and report plugins run
 * into such documents (see render.h).
 */
#include <csv.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/costs.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "report/chart.h"
#include "report/render.h"
#include "util/clock.h"

static const char *const format_names[] = { "json", "csv", "html" };

int
render_format_parse(const char *s, enum render_format *f)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names);
	     i++)
		if (s != NULL && strcmp(s, format_names[i]) == 0) {
			*f = (enum render_format)i;
			return 0;
		}
	return -1;
}

const char *
render_format_name(enum render_format f)
{
	return format_names[f];
}

const char *
render_content_type(enum render_format f)
{
	switch (f) {
	case RENDER_CSV:
		return "text/csv; charset=utf-8; header=present";
	case RENDER_HTML:
		return "text/html; charset=utf-8";
	case RENDER_JSON:
		break;
	}
	return "application/json; charset=utf-8";
}

/* ---- numbers in German notation ---------------------------------------- */

/* n's digits with a dot between groups of three. */
static void
group_digits(uint64_t n, char *out, size_t len)
{
	char   d[24];
	int    nd = snprintf(d, sizeof(d), "%" PRIu64, n);
	size_t o = 0;

	for (int i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

/* |v| without overflow for INT64_MIN. */
static uint64_t
magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void
render_euro(int64_t cents, char out[RENDER_EURO_LEN])
{
	uint64_t u = magnitude(cents);
	char     euros[32];

	group_digits(u / 100, euros, sizeof(euros));
	snprintf(out, RENDER_EURO_LEN, "%s%s,%02u €", cents < 0 ? "-" : "",
	    euros, (unsigned)(u % 100));
}

void
render_integer(int64_t v, char out[RENDER_EURO_LEN])
{
	uint64_t u = magnitude(v);
	char     digits[32];

	/* DIN 5008: four-digit numbers go without a separator. */
	if (u < 10000)
		snprintf(digits, sizeof(digits), "%" PRIu64, u);
	else
		group_digits(u, digits, sizeof(digits));
	snprintf(out, RENDER_EURO_LEN, "%s%s", v < 0 ? "-" : "", digits);
}

/* A real number with a decimal comma. */
static void
render_real(double d, char out[RENDER_EURO_LEN])
{
	char *dot;

	snprintf(out, RENDER_EURO_LEN, "%.15g", d);
	if ((dot = strchr(out, '.')) != NULL)
		*dot = ',';
}

void
render_escape(struct strbuf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			/* Control characters have no place in markup. */
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\n' && *s != '\r')
				rep = "";
			else
				continue;
		}
		strbuf_addf(b, "%.*s%s", (int)(s - run), run, rep);
		run = s + 1;
	}
	strbuf_add(b, run);
}

/* ---- columns -------------------------------------------------------------- */

enum col_type {
	COL_TEXT,
	COL_INTEGER,
	COL_CENTS,
	COL_PERCENT,
	COL_DATE,
	COL_BOOLEAN,
};

struct col {
	const char   *name, *label;
	enum col_type type;
	int           chart_label, chart_value;
};

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static enum col_type
col_type(const char *type, const char *name)
{
	static const struct {
		const char   *name;
		enum col_type type;
	} types[] = { { "integer", COL_INTEGER }, { "cents", COL_CENTS },
		{ "percent", COL_PERCENT }, { "date", COL_DATE },
		{ "boolean", COL_BOOLEAN } };

	if (type == NULL)
		return has_suffix(name, "_cents") ? COL_CENTS : COL_TEXT;
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++)
		if (strcmp(types[i].name, type) == 0)
			return types[i].type;
	return COL_TEXT;
}

/* The document's columns, whether given as names or as objects. */
static struct col *
columns(const json_t *doc, size_t *n)
{
	json_t     *cols = json_object_get(doc, "columns"), *c;
	struct col *v;
	size_t      i;

	*n = json_array_size(cols);
	if ((v = calloc(*n ? *n : 1, sizeof(*v))) == NULL)
		abort();
	json_array_foreach(cols, i, c)
	{
		const char *chart = NULL, *type = NULL;
		if (json_is_string(c))
			v[i].name = json_string_value(c);
		else {
			v[i].name =
			    json_string_value(json_object_get(c, "name"));
			v[i].label =
			    json_string_value(json_object_get(c, "label"));
			type = json_string_value(json_object_get(c, "type"));
			chart = json_string_value(json_object_get(c, "chart"));
		}
		if (v[i].name == NULL)
			v[i].name = "";
		if (v[i].label == NULL)
			v[i].label = v[i].name;
		v[i].type = col_type(type, v[i].name);
		v[i].chart_label = chart && strcmp(chart, "label") == 0;
		v[i].chart_value = chart && strcmp(chart, "value") == 0;
	}
	return v;
}

/* Whether the last row is the table's total (its first cell is null). */
static int
has_total(const json_t *rows)
{
	size_t n = json_array_size(rows);

	return n > 0 &&
	    json_is_null(json_array_get(json_array_get(rows, n - 1), 0));
}

/* ---- JSON ----------------------------------------------------------------- */

static char *
render_json(const json_t *doc, size_t *len)
{
	json_t     *names = json_array(), *out;
	size_t      n;
	char       *text;
	struct col *cols = columns(doc, &n);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(names, json_string(cols[i].name));
	free(cols);
	out = json_pack("{s:O?, s:O?, s:O?, s:o, s:O?}", "report",
	    json_object_get(doc, "report"), "generated_at",
	    json_object_get(doc, "generated_at"), "params",
	    json_object_get(doc, "params"), "columns", names, "rows",
	    json_object_get(doc, "rows"));
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (text == NULL)
		return NULL;
	*len = strlen(text);
	/* One line, newline-terminated, like every API answer. */
	text = realloc(text, *len + 2);
	if (text == NULL)
		abort();
	text[(*len)++] = '\n';
	text[*len] = '\0';
	return text;
}

/* ---- CSV ------------------------------------------------------------------ */

/* A cell as plain text: what CSV carries and what JSON said. */
static void
plain_cell(struct strbuf *b, const json_t *v)
{
	char *text;

	switch (json_typeof(v)) {
	case JSON_STRING:
		strbuf_add(b, json_string_value(v));
		break;
	case JSON_INTEGER:
		strbuf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		strbuf_addf(b, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_add(b, "true");
		break;
	case JSON_FALSE:
		strbuf_add(b, "false");
		break;
	case JSON_NULL:
		break;
	default:
		if ((text = json_dumps(v, JSON_COMPACT)) != NULL) {
			strbuf_add(b, text);
			free(text);
		}
		break;
	}
}

/* A field, quoted by libcsv when it needs quotes (RFC 4180). */
static void
csv_field(struct strbuf *b, const char *s)
{
	size_t n = strlen(s), need;
	char  *q;

	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		strbuf_add(b, s);
		return;
	}
	need = csv_write(NULL, 0, s, n);
	if ((q = malloc(need + 1)) == NULL)
		abort();
	csv_write(q, need, s, n);
	q[need] = '\0';
	strbuf_add(b, q);
	free(q);
}

static char *
render_csv(const json_t *doc, size_t *len)
{
	struct strbuf b = { 0 }, cell = { 0 };
	json_t       *rows = json_object_get(doc, "rows"), *row;
	size_t        n, i;
	struct col   *cols = columns(doc, &n);

	for (size_t c = 0; c < n; c++) {
		if (c > 0)
			strbuf_add(&b, ",");
		csv_field(&b, cols[c].name);
	}
	strbuf_add(&b, "\r\n");
	json_array_foreach(rows, i, row)
	{
		for (size_t c = 0; c < n; c++) {
			if (c > 0)
				strbuf_add(&b, ",");
			plain_cell(&cell, json_array_get(row, c));
			csv_field(&b, cell.s ? cell.s : "");
			strbuf_free(&cell);
		}
		strbuf_add(&b, "\r\n");
	}
	free(cols);
	*len = b.len;
	return strbuf_take(&b);
}

/* ---- HTML ----------------------------------------------------------------- */

static int
numeric(const struct col *c, const json_t *v)
{
	return c->type == COL_INTEGER || c->type == COL_CENTS ||
	    c->type == COL_PERCENT || json_is_number(v);
}

/* "2026-11-29" -> "29.11.2026" inside <time>; other text as it is. */
static void
html_date(struct strbuf *b, const char *s)
{
	if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
		strbuf_add(b, "<time datetime=\"");
		render_escape(b, s);
		strbuf_addf(b, "\">%.2s.%.2s.%.4s</time>", s + 8, s + 5, s);
	} else
		render_escape(b, s);
}

static void
html_value(struct strbuf *b, const struct col *c, const json_t *v)
{
	char buf[RENDER_EURO_LEN];

	if (v == NULL || json_is_null(v))
		return;
	if (c->type == COL_CENTS && json_is_integer(v)) {
		render_euro(json_integer_value(v), buf);
		strbuf_add(b, buf);
	} else if (json_is_integer(v)) {
		render_integer(json_integer_value(v), buf);
		strbuf_addf(b, "%s%s", buf, c->type == COL_PERCENT ? " %" : "");
	} else if (json_is_real(v)) {
		render_real(json_real_value(v), buf);
		strbuf_addf(b, "%s%s", buf, c->type == COL_PERCENT ? " %" : "");
	} else if (json_is_boolean(v))
		strbuf_add(b, json_is_true(v) ? "ja" : "nein");
	else if (json_is_string(v) && c->type == COL_DATE)
		html_date(b, json_string_value(v));
	else {
		struct strbuf t = { 0 };
		plain_cell(&t, v);
		render_escape(b, t.s ? t.s : "");
		strbuf_free(&t);
	}
}

/* The column that names a row: the chart's labels, else the first. */
static size_t
header_column(const struct col *cols, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cols[i].chart_label)
			return i;
	return 0;
}

static void
html_row(struct strbuf *b, const struct col *cols, size_t n, size_t head,
    const json_t *row, int total)
{
	strbuf_add(b, "<tr>");
	for (size_t c = 0; c < n; c++) {
		const json_t *v = json_array_get(row, c);
		const char *num = numeric(&cols[c], v) ? " class=\"num\"" : "";
		if (c == head) {
			strbuf_addf(b, "<th scope=\"row\"%s>", num);
			if (total && (v == NULL || json_is_null(v)))
				strbuf_add(b, "Summe");
			else
				html_value(b, &cols[c], v);
			strbuf_add(b, "</th>");
		} else {
			strbuf_addf(b, "<td%s>", num);
			html_value(b, &cols[c], v);
			strbuf_add(b, "</td>");
		}
	}
	strbuf_add(b, "</tr>\n");
}

/* The chart of the column marked "value", one bar per row but the total. */
static void
html_chart(struct strbuf *b, const struct col *cols, size_t n,
    const json_t *rows, int total)
{
	struct chart_bar *bars;
	struct strbuf     title = { 0 }, *labels;
	struct chart      ch;
	size_t            value = n, label, nbars, i;

	for (i = 0; i < n; i++)
		if (cols[i].chart_value)
			value = i;
	nbars = json_array_size(rows) - (total ? 1 : 0);
	if (value == n || nbars == 0)
		return;
	label = header_column(cols, n);
	if ((bars = calloc(nbars, sizeof(*bars))) == NULL ||
	    (labels = calloc(nbars, sizeof(*labels))) == NULL)
		abort();
	for (i = 0; i < nbars; i++) {
		const json_t *row = json_array_get(rows, i);
		const json_t *v = json_array_get(row, value);
		plain_cell(&labels[i], json_array_get(row, label));
		bars[i].label = labels[i].s ? labels[i].s : "";
		bars[i].value = json_is_integer(v)
		    ? json_integer_value(v)
		    : llround(json_number_value(v));
	}
	strbuf_addf(&title, "%s je %s", cols[value].label, cols[label].label);
	ch.title = title.s;
	ch.label_axis = cols[label].label;
	ch.value_axis = cols[value].label;
	ch.money = cols[value].type == COL_CENTS;
	ch.bars = bars;
	ch.n = nbars;
	strbuf_add(b, "<figure>\n");
	chart_bars(b, &ch);
	strbuf_add(b, "</figure>\n");
	for (i = 0; i < nbars; i++)
		strbuf_free(&labels[i]);
	free(labels);
	free(bars);
	strbuf_free(&title);
}

static const char html_style[] =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;"
    "margin:2rem;color:#1a202c;background:#fff;line-height:1.4}"
    "h1{font-size:1.5rem;margin:0 0 .5rem}"
    ".meta{color:#4a5568;margin:0 0 1rem}"
    "figure{margin:1rem 0}"
    "svg{max-width:100%;height:auto}"
    "table{border-collapse:collapse;margin:1rem 0}"
    "caption{text-align:left;font-weight:600;padding-bottom:.5rem}"
    "th,td{border:1px solid #cbd5e0;padding:.3rem .6rem;"
    "vertical-align:top;text-align:left}"
    "thead th{background:#edf2f7}"
    "tbody th{font-weight:normal}"
    ".num{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}"
    "tfoot th,tfoot td{font-weight:600;background:#f7fafc}";

static void
html_meta(struct strbuf *b, const json_t *doc)
{
	const char *ts =
	    json_string_value(json_object_get(doc, "generated_at"));
	const char *name = json_string_value(json_object_get(doc, "report"));
	json_t     *params = json_object_get(doc, "params"), *v;
	const char *key;
	int         first = 1;

	strbuf_add(b, "<p class=\"meta\">Bericht „");
	render_escape(b, name ? name : "");
	strbuf_add(b, "“");
	if (ts != NULL && strlen(ts) >= 16) {
		strbuf_add(b, ", erstellt am ");
		html_date(b, ts);
		strbuf_addf(b, " um %.5s UTC", ts + 11);
	}
	strbuf_add(b, ".");
	json_object_foreach(params, key, v)
	{
		struct strbuf t = { 0 };
		strbuf_add(b, first ? " Parameter: " : "; ");
		first = 0;
		render_escape(b, key);
		strbuf_add(b, " = ");
		plain_cell(&t, v);
		render_escape(b, t.s ? t.s : "");
		strbuf_free(&t);
	}
	strbuf_add(b, first ? "</p>\n" : ".</p>\n");
}

static char *
render_html(const json_t *doc, size_t *len)
{
	struct strbuf b = { 0 };
	json_t       *rows = json_object_get(doc, "rows");
	const char   *title = json_string_value(json_object_get(doc, "title"));
	size_t        n, nrows = json_array_size(rows), head;
	struct col   *cols = columns(doc, &n);
	int           total = has_total(rows);

	if (title == NULL || *title == '\0')
		title = json_string_value(json_object_get(doc, "report"));
	if (title == NULL)
		title = "Bericht";
	head = header_column(cols, n);
	strbuf_add(&b,
	    "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	render_escape(&b, title);
	strbuf_addf(&b,
	    " – Rollin</title>\n<style>%s</style>\n</head>\n"
	    "<body>\n<main>\n<h1>",
	    html_style);
	render_escape(&b, title);
	strbuf_add(&b, "</h1>\n");
	html_meta(&b, doc);
	html_chart(&b, cols, n, rows, total);

	strbuf_add(&b, "<table>\n<caption>");
	render_escape(&b, title);
	strbuf_add(&b, "</caption>\n<thead>\n<tr>");
	for (size_t c = 0; c < n; c++) {
		strbuf_addf(&b, "<th scope=\"col\"%s>",
		    numeric(&cols[c], NULL) ? " class=\"num\"" : "");
		render_escape(&b, cols[c].label);
		strbuf_add(&b, "</th>");
	}
	strbuf_add(&b, "</tr>\n</thead>\n<tbody>\n");
	for (size_t r = 0; r + (total ? 1 : 0) < nrows; r++)
		html_row(&b, cols, n, head, json_array_get(rows, r), 0);
	if (nrows == (size_t)total)
		strbuf_addf(&b,
		    "<tr><td colspan=\"%zu\">Keine Einträge.</td></tr>\n",
		    n ? n : 1);
	strbuf_add(&b, "</tbody>\n");
	if (total) {
		strbuf_add(&b, "<tfoot>\n");
		html_row(&b, cols, n, head, json_array_get(rows, nrows - 1), 1);
		strbuf_add(&b, "</tfoot>\n");
	}
	strbuf_add(&b, "</table>\n</main>\n</body>\n</html>\n");
	free(cols);
	*len = b.len;
	return strbuf_take(&b);
}

char *
render(const json_t *doc, enum render_format f, size_t *len)
{
	switch (f) {
	case RENDER_CSV:
		return render_csv(doc, len);
	case RENDER_HTML:
		return render_html(doc, len);
	case RENDER_JSON:
		break;
	}
	return render_json(doc, len);
}

/* ---- running reports -------------------------------------------------------- */

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
