/*
 * Report documents as a complete HTML page for people: German, euro
 * amounts and dates in German notation, a bar chart when the report marks
 * a column for it, a total row as the table's foot, everything escaped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/render_internal.h"

/* Whether the last row is the table's total (its first cell is null). */
static int
has_total(const json_t *rows)
{
	size_t n = json_array_size(rows);

	return n > 0 &&
	    json_is_null(json_array_get(json_array_get(rows, n - 1), 0));
}

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
		render_plain_cell(&t, v);
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
		render_plain_cell(&labels[i], json_array_get(row, label));
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
		render_plain_cell(&t, v);
		render_escape(b, t.s ? t.s : "");
		strbuf_free(&t);
	}
	strbuf_add(b, first ? "</p>\n" : ".</p>\n");
}

char *
render_html(const json_t *doc, size_t *len)
{
	struct strbuf b = { 0 };
	json_t       *rows = json_object_get(doc, "rows");
	const char   *title = json_string_value(json_object_get(doc, "title"));
	size_t        n, nrows = json_array_size(rows), head;
	struct col   *cols = render_columns(doc, &n);
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
