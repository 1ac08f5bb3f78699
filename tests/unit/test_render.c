/*
 * report/render and report/chart: report tables as JSON, CSV (RFC 4180)
 * and HTML pages with an SVG bar chart; euro amounts in German notation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "report/chart.h"
#include "report/render.h"

/* A report document with these columns and rows (JSON text). */
static json_t *
doc(const char *columns, const char *rows)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:{}}", "report", "test",
	    "title", "Testbericht & Co", "generated_at", "2026-03-01T09:30:00Z",
	    "params");

	json_object_set_new(d, "columns", fixture_json(columns));
	json_object_set_new(d, "rows", fixture_json(rows));
	return d;
}

static char *
rendered(const char *columns, const char *rows, enum render_format f)
{
	json_t *d = doc(columns, rows);
	size_t  len = 0;
	char   *text = render(d, f, &len);

	json_decref(d);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	return text;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL;
	     p += strlen(needle))
		n++;
	return n;
}

static void
test_euro(void **state)
{
	char buf[RENDER_EURO_LEN];

	(void)state;
	render_euro(123456, buf);
	assert_string_equal(buf, "1.234,56 €");
	render_euro(0, buf);
	assert_string_equal(buf, "0,00 €");
	render_euro(5, buf);
	assert_string_equal(buf, "0,05 €");
	render_euro(-5, buf);
	assert_string_equal(buf, "-0,05 €");
	render_euro(-123456789, buf);
	assert_string_equal(buf, "-1.234.567,89 €");
	render_euro(100000, buf);
	assert_string_equal(buf, "1.000,00 €");
	render_euro(99999, buf);
	assert_string_equal(buf, "999,99 €");
	render_euro(INT64_MAX, buf);
	assert_string_equal(buf, "92.233.720.368.547.758,07 €");
	render_euro(INT64_MIN, buf);
	assert_string_equal(buf, "-92.233.720.368.547.758,08 €");

	render_integer(950, buf);
	assert_string_equal(buf, "950");
	render_integer(1234, buf);
	assert_string_equal(buf, "1234");
	render_integer(12345, buf);
	assert_string_equal(buf, "12.345");
	render_integer(-1234567, buf);
	assert_string_equal(buf, "-1.234.567");
}

static void
test_csv_quoting(void **state)
{
	char *csv;

	(void)state;
	csv = rendered("[\"name\", \"note, with comma\", \"amount_cents\"]",
	    "[[\"a,b\", \"he said \\\"hi\\\"\", 5],"
	    " [\"line1\\nline2\", null, -3],"
	    " [\" padded \", \"plain\", 0],"
	    " [\"Müller & Söhne\", true, 1.5]]",
	    RENDER_CSV);
	assert_string_equal(csv,
	    "name,\"note, with comma\",amount_cents\r\n"
	    "\"a,b\",\"he said \"\"hi\"\"\",5\r\n"
	    "\"line1\nline2\",,-3\r\n"
	    "\" padded \",plain,0\r\n"
	    "Müller & Söhne,true,1.5\r\n");
	free(csv);
}

static void
test_json(void **state)
{
	json_t *out, *names;
	char   *text;

	(void)state;
	text =
	    rendered("[{\"name\": \"solution\", \"label\": \"Lösung\"},"
	             " {\"name\": \"savings_cents\", \"label\": \"Einsparung\","
	             "  \"type\": \"cents\", \"chart\": \"value\"}]",
	        "[[\"a\", 123456], [null, 123456]]", RENDER_JSON);
	out = fixture_json(text);
	/* Names, not labels; money stays integer cents; no page title. */
	assert_string_equal(json_string_value(json_object_get(out, "report")),
	    "test");
	assert_string_equal(json_string_value(
	                        json_object_get(out, "generated_at")),
	    "2026-03-01T09:30:00Z");
	names = fixture_json("[\"solution\", \"savings_cents\"]");
	assert_true(json_equal(json_object_get(out, "columns"), names));
	json_decref(names);
	assert_int_equal(json_integer_value(json_array_get(
	                     json_array_get(json_object_get(out, "rows"), 0),
	                     1)),
	    123456);
	assert_null(json_object_get(out, "title"));
	assert_non_null(json_object_get(out, "params"));
	json_decref(out);
	free(text);
}

static void
test_html_escaping(void **state)
{
	char *html;

	(void)state;
	html = rendered("[{\"name\": \"n\", \"label\": \"<b>Name</b>\"},"
	                " {\"name\": \"total_cents\", \"label\": \"Kosten\","
	                "  \"type\": \"cents\"}]",
	    "[[\"<script>alert('x')</script>\", 123456]]", RENDER_HTML);
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(
	    strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&lt;b&gt;Name&lt;/b&gt;"));
	/* The title is escaped too. */
	assert_non_null(strstr(html, "<title>Testbericht &amp; Co"));
	/* A whole page, German, with an accessible table. */
	assert_true(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(html, "<html lang=\"de\">"));
	assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
	assert_non_null(
	    strstr(html, "<caption>Testbericht &amp; Co</caption>"));
	assert_int_equal(count(html, "<th scope=\"col\""), 2);
	/* Money as German euro amounts, right-aligned; only in HTML. */
	assert_non_null(strstr(html, "<td class=\"num\">1.234,56 €</td>"));
	assert_non_null(strstr(html, ".num{text-align:right"));
	/* No external resources. */
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_non_null(strstr(html, "</html>\n"));
	free(html);
}

/* x and width of the first three bars of an SVG chart. */
static void
bar_geometry(const char *svg, double x[3], double w[3])
{
	const char *p = svg;

	for (int i = 0; i < 3; i++) {
		double y;
		assert_non_null(p = strstr(p, "<rect class=\"bar\""));
		assert_int_equal(sscanf(p,
		                     "<rect class=\"bar\" x=\"%lf\" y=\"%lf\" "
		                     "width=\"%lf\"",
		                     &x[i], &y, &w[i]),
		    3);
		p++;
	}
}

static void
test_chart(void **state)
{
	const struct chart_bar bars[] = { { "Abfall <App>", 7020000 },
		{ "Elterngeld", 42775000 }, { "Gebührenrechner", -1290000 } };
	struct chart  c = { "Einsparung je Lösung", "Lösung", "Einsparung", 1,
		 bars, 3 };
	struct strbuf b = { 0 };
	double        x[3], w[3];

	(void)state;
	chart_bars(&b, &c);
	assert_int_equal(count(b.s, "<svg"), 1);
	assert_non_null(strstr(b.s, "role=\"img\""));
	assert_int_equal(count(b.s, "<title"), 1);
	assert_non_null(strstr(b.s,
	    "<title id=\"chart-title\">Einsparung je Lösung</title>"));
	assert_int_equal(count(b.s, "<rect class=\"bar\""), 3);
	/* The text alternative states every value, escaped. */
	assert_non_null(strstr(b.s, "<desc"));
	assert_non_null(strstr(b.s, "Abfall &lt;App&gt;: 70.200,00 €"));
	assert_non_null(strstr(b.s, "Elterngeld: 427.750,00 €"));
	assert_non_null(strstr(b.s, "Gebührenrechner: -12.900,00 €"));
	assert_null(strstr(b.s, "<App>"));
	/* Bars scaled to the largest: it ends where the bar area ends, the
	 * others are as long in proportion; values printed beside them. */
	bar_geometry(b.s, x, w);
	assert_true(fabs(x[1] + w[1] - 640.0) < 0.2);
	assert_true(fabs(w[0] / w[1] - 7020000.0 / 42775000.0) < 0.01);
	assert_true(fabs(w[2] / w[1] - 1290000.0 / 42775000.0) < 0.01);
	/* The negative bar grows leftwards from where the others start. */
	assert_true(fabs(x[2] + w[2] - x[0]) < 0.2);
	assert_non_null(strstr(b.s, ">427.750,00 €</text>"));
	assert_non_null(strstr(b.s, "Einsparung in Euro"));
	strbuf_free(&b);
}

static void
test_chart_in_page(void **state)
{
	char *html;

	(void)state;
	html =
	    rendered("[{\"name\": \"solution\", \"label\": \"Kennung\"},"
	             " {\"name\": \"name\", \"label\": \"Lösung\", \"chart\": "
	             "\"label\"},"
	             " {\"name\": \"adoptions\", \"label\": \"Nachnutzungen\","
	             "  \"type\": \"integer\", \"chart\": \"value\"}]",
	        "[[\"a\", \"Alpha\", 4], [\"b\", \"Beta\", 2], [\"c\", "
	        "\"Gamma\", 0],"
	        " [null, null, 6]]",
	        RENDER_HTML);
	/* One bar per row; the total row is the table's footer, no bar. */
	assert_int_equal(count(html, "<rect class=\"bar\""), 3);
	assert_non_null(strstr(html, "Nachnutzungen je Lösung"));
	assert_non_null(strstr(html, "<tfoot>"));
	assert_non_null(strstr(html, "<th scope=\"row\">Summe</th>"));
	assert_non_null(strstr(html, "<th scope=\"row\">Alpha</th>"));
	free(html);
}

static void
test_empty(void **state)
{
	char   *text;
	json_t *out;

	(void)state;
	text = rendered("[\"a\", \"b_cents\"]", "[]", RENDER_CSV);
	assert_string_equal(text, "a,b_cents\r\n");
	free(text);

	text = rendered("[\"a\", \"b_cents\"]", "[]", RENDER_JSON);
	out = fixture_json(text);
	assert_int_equal(json_array_size(json_object_get(out, "rows")), 0);
	assert_int_equal(json_array_size(json_object_get(out, "columns")), 2);
	json_decref(out);
	free(text);

	text = rendered("[{\"name\": \"a\"}, {\"name\": \"b_cents\","
	                " \"chart\": \"value\"}]",
	    "[]", RENDER_HTML);
	assert_non_null(strstr(text, "Keine Einträge."));
	assert_null(strstr(text, "<svg"));
	assert_non_null(strstr(text, "</table>"));
	free(text);

	/* Not even columns: still a page. */
	text = rendered("[]", "[]", RENDER_HTML);
	assert_non_null(strstr(text, "Keine Einträge."));
	free(text);
}

static void
test_formats(void **state)
{
	enum render_format f;

	(void)state;
	assert_int_equal(render_format_parse("csv", &f), 0);
	assert_int_equal(f, RENDER_CSV);
	assert_int_equal(render_format_parse("html", &f), 0);
	assert_int_equal(f, RENDER_HTML);
	assert_int_equal(render_format_parse("json", &f), 0);
	assert_int_equal(f, RENDER_JSON);
	assert_int_equal(render_format_parse("pdf", &f), -1);
	assert_int_equal(render_format_parse("CSV", &f), -1);
	assert_non_null(strstr(render_content_type(RENDER_CSV), "text/csv"));
	assert_non_null(strstr(render_content_type(RENDER_HTML), "text/html"));
	assert_non_null(
	    strstr(render_content_type(RENDER_JSON), "application/json"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_euro),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_html_escaping),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_chart_in_page),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
