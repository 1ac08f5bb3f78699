/*
 * What the renderers of report documents share: the formats' names and
 * content types, numbers in German notation, escaping, the document's
 * columns and cells; each format has its own file (render_json.c,
 * render_csv.c, render_html.c). Running reports is run.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/render.h"
#include "report/render_internal.h"

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
void
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
struct col *
render_columns(const json_t *doc, size_t *n)
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

/* ---- cells ---------------------------------------------------------------- */

/* A cell as plain text: what CSV carries and what JSON said. */
void
render_plain_cell(struct strbuf *b, const json_t *v)
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

/* ---- formats -------------------------------------------------------------- */

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
