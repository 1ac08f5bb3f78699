/*
 * domain/reuse_export: the documentation of a reuse check as Markdown and
 * as an HTML page rendered from it. What users typed must appear as they
 * typed it, never as markup, and never break the document's structure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "domain/reuse_export.h"

#define contains(hay, needle) contains_at(hay, needle, __LINE__)
#define lacks(hay, needle)    lacks_at(hay, needle, __LINE__)

static void
contains_at(const char *hay, const char *needle, int line)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("line %d: missing \"%s\" in:\n%s", line, needle, hay);
}

static void
lacks_at(const char *hay, const char *needle, int line)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("line %d: unexpected \"%s\" in:\n%s", line, needle,
		    hay);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static char *
markdown(const char *check_json)
{
	json_t *check = fixture_json(check_json);
	char   *md = reuse_export_markdown(check);

	json_decref(check);
	assert_non_null(md);
	return md;
}

static char *
html(const char *check_json)
{
	json_t *check = fixture_json(check_json);
	char   *h = reuse_export_html(check);

	json_decref(check);
	assert_non_null(h);
	return h;
}

/* A complete check gives exactly this document. */
static void
test_complete_document(void **state)
{
	char *md;

	(void)state;
	md = markdown("{\"id\": 7, \"title\": \"Wohngeld digital\","
	              " \"organisation\": {\"slug\": \"musterstadt\","
	              "   \"name\": \"Stadt Musterstadt\"},"
	              " \"need\": \"Anträge online annehmen.\","
	              " \"considered\": ["
	              "  {\"solution\": {\"slug\": \"ozg-wohngeld\","
	              "     \"name\": \"Wohngeld Online\", \"maturity\":"
	              "     \"production\", \"owner\": {\"slug\": \"hessen\","
	              "     \"name\": \"Land Hessen\"}},"
	              "   \"assessment\": \"Deckt alles ab.\","
	              "   \"suitable\": true},"
	              "  {\"name\": \"Formularserver X\","
	              "   \"url\": \"https://example.org/x\","
	              "   \"assessment\": \"Zu teuer.\", \"suitable\": false}],"
	              " \"decision\": \"reuse\","
	              " \"chosen\": {\"slug\": \"ozg-wohngeld\","
	              "   \"name\": \"Wohngeld Online\"},"
	              " \"reason\": \"Geringster Aufwand.\","
	              " \"decided_on\": \"2026-11-29\","
	              " \"exported_on\": \"2026-12-01\"}");
	assert_string_equal(md,
	    "# Dokumentation der Nachnutzungsprüfung\n"
	    "\n"
	    "## Wohngeld digital\n"
	    "\n"
	    "- **Organisation:** Stadt Musterstadt (musterstadt)\n"
	    "- **Prüfung:** Nr. 7\n"
	    "- **Entschieden am:** 29.11.2026\n"
	    "- **Stand des Dokuments:** 01.12.2026\n"
	    "\n"
	    "## Bedarf\n"
	    "\n"
	    "Anträge online annehmen.\n"
	    "\n"
	    "## Geprüfte Lösungen\n"
	    "\n"
	    "### 1. Wohngeld Online\n"
	    "\n"
	    "- **Herkunft:** Katalogeintrag\n"
	    "- **Reifegrad:** Produktivbetrieb\n"
	    "- **Eigentümer:** Land Hessen (hessen)\n"
	    "- **Katalog:** [/api/v1/solutions/ozg-wohngeld]"
	    "(/api/v1/solutions/ozg-wohngeld)\n"
	    "- **Geeignet:** ja\n"
	    "\n"
	    "**Bewertung**\n"
	    "\n"
	    "Deckt alles ab.\n"
	    "\n"
	    "### 2. Formularserver X\n"
	    "\n"
	    "- **Herkunft:** außerhalb des Katalogs\n"
	    "- **Webseite:** [https://example.org/x](https://example.org/x)\n"
	    "- **Geeignet:** nein\n"
	    "\n"
	    "**Bewertung**\n"
	    "\n"
	    "Zu teuer.\n"
	    "\n"
	    "## Entscheidung\n"
	    "\n"
	    "- **Entscheidung:** Nachnutzung\n"
	    "- **Gewählte Lösung:** Wohngeld Online "
	    "([/api/v1/solutions/ozg-wohngeld](/api/v1/solutions/"
	    "ozg-wohngeld))\n"
	    "- **Entschieden am:** 29.11.2026\n"
	    "\n"
	    "## Begründung\n"
	    "\n"
	    "Geringster Aufwand.\n");
	free(md);
}

/* Markup in what users typed is shown as text, in Markdown and in HTML. */
static void
test_user_text_is_escaped(void **state)
{
	const char *check =
	    "{\"title\": \"Prüfung *wichtig* <b>fett</b> [x](https://e.org) "
	    "A&B #1 #\","
	    " \"organisation\": {\"slug\": \"o\", \"name\": \"O_1_ `c`\"},"
	    " \"need\": \"# Entscheidung\\n```\\n1. Punkt\\n- Strich\\n"
	    "  > Zitat\\n    eingerückt\\n***\\nText\\n===\\n"
	    "[ref]: https://evil.example\\n+ plus\\n7) sieben\","
	    " \"decision\": \"build\","
	    " \"reason\": \"<script>alert(1)</script> und "
	    "<img src=x onerror=alert(2)> und &amp; und \\\\ende\\\\\"}";
	char *md = markdown(check), *h = html(check);

	(void)state;
	contains(md,
	    "## Prüfung \\*wichtig\\* \\<b\\>fett\\</b\\> "
	    "\\[x\\](https://e.org) A\\&B \\#1 \\#\n");
	contains(md, "O\\_1\\_ \\`c\\`");
	/* Every line that would open a block is escaped at its start. */
	contains(md,
	    "\\# Entscheidung\\\n\\`\\`\\`\\\n1\\. Punkt\\\n"
	    "\\- Strich\\\n\\> Zitat\\\neingerückt\\\n\\*\\*\\*\\\n"
	    "Text\\\n\\===\\\n\\[ref\\]: https://evil.example\\\n"
	    "\\+ plus\\\n7\\) sieben\n");
	contains(md, "\\<script\\>alert(1)\\</script\\>");
	contains(md, "\\&amp; und \\\\ende\\\\");

	/* In HTML: the text as typed, no element from the user. */
	lacks(h, "<script");
	lacks(h, "<img");
	lacks(h, "<b>");
	lacks(h, "<em>");
	lacks(h, "<code>");
	lacks(h, "<ol");
	lacks(h, "<blockquote");
	lacks(h, "<pre");
	lacks(h, "<hr");
	lacks(h, "evil.example\"");
	contains(h, "&lt;script&gt;alert(1)&lt;/script&gt;");
	contains(h, "&lt;img src=x onerror=alert(2)&gt;");
	contains(h, "&amp;amp; und \\ende\\");
	contains(h,
	    "<h2>Prüfung *wichtig* &lt;b&gt;fett&lt;/b&gt; "
	    "[x](https://e.org) A&amp;B #1 #</h2>");
	contains(h, "<li><strong>Organisation:</strong> O_1_ `c` (o)</li>");
	/* The need's "# Entscheidung" is no heading: the document has its
	 * own five h2 and one h1, nothing more. */
	assert_int_equal(count(h, "<h1>"), 1);
	assert_int_equal(count(h, "<h2>"), 5);
	contains(h,
	    "<p># Entscheidung<br />\n```<br />\n1. Punkt<br />\n"
	    "- Strich<br />\n&gt; Zitat<br />\neingerückt<br />\n"
	    "***<br />\nText<br />\n===<br />\n"
	    "[ref]: https://evil.example<br />\n+ plus<br />\n"
	    "7) sieben</p>");
	/* The unclosed fence swallowed nothing after it. */
	contains(h, "<h2>Begründung</h2>");
	free(md);
	free(h);
}

/*
 * A "|" in a name stays in its heading and is escaped for Markdown viewers
 * with table support; a line break in a one-line field does not start a
 * block of its own.
 */
static void
test_pipe_and_newline_in_names(void **state)
{
	const char *check =
	    "{\"title\": \"T\", \"organisation\": {\"slug\": \"o\"},"
	    " \"need\": \"n\", \"decision\": \"adapt\","
	    " \"chosen\": {\"slug\": \"a-b\", \"name\": \"A | B\"},"
	    " \"considered\": ["
	    "  {\"solution\": {\"slug\": \"a-b\", \"name\": \"A | B\","
	    "    \"maturity\": \"pilot\","
	    "    \"owner\": {\"slug\": \"x\", \"name\": \"X|Y GmbH\"}}},"
	    "  {\"name\": \"Teil 1\\n## Böse | Zelle |\\n|:-|-:|\"}]}";
	char *md = markdown(check), *h = html(check);

	(void)state;
	contains(md, "### 1. A \\| B\n");
	contains(md, "- **Eigentümer:** X\\|Y GmbH (x)\n");
	contains(md, "### 2. Teil 1 \\#\\# Böse \\| Zelle \\| \\|:-\\|-:\\|\n");
	contains(md, "- **Gewählte Lösung:** A \\| B ([/api/v1/solutions/a-b]");
	lacks(md, "\n|");
	contains(h, "<h3>1. A | B</h3>");
	contains(h, "<h3>2. Teil 1 ## Böse | Zelle | |:-|-:|</h3>");
	contains(h, "X|Y GmbH (x)");
	contains(h, "<strong>Reifegrad:</strong> Pilotbetrieb");
	contains(h, "<strong>Entscheidung:</strong> Nachnutzung mit Anpassung");
	assert_int_equal(count(h, "<h3>"), 2);
	assert_int_equal(count(h, "<h2>"), 5);
	free(md);
	free(h);
}

/* What was not recorded is said to be missing, not left out silently. */
static void
test_missing_optional_fields(void **state)
{
	char *md;

	(void)state;
	md = markdown("{\"title\": \"Minimal\","
	              " \"organisation\": {\"slug\": \"kreis-x\"},"
	              " \"need\": \"Ein Bedarf\", \"decision\": \"build\"}");
	contains(md, "- **Organisation:** kreis-x\n");
	contains(md, "- **Entschieden am:** nicht angegeben\n");
	lacks(md, "Prüfung:** Nr.");
	lacks(md, "Stand des Dokuments");
	contains(md,
	    "## Geprüfte Lösungen\n\nEs wurden keine Lösungen "
	    "erfasst.\n\n## Entscheidung");
	contains(md, "- **Entscheidung:** Eigenentwicklung\n");
	contains(md, "- **Gewählte Lösung:** keine\n");
	contains(md, "## Begründung\n\nKeine Begründung erfasst.\n");
	lacks(md, "(null)");
	free(md);

	/* Entries with nothing but a name; blank texts count as missing. */
	md = markdown("{\"title\": \"Lücken\","
	              " \"organisation\": {\"slug\": \"o\", \"name\": \"O\"},"
	              " \"need\": \"  \\n\\t\\n\", \"decision\": \"postpone\","
	              " \"reason\": \"\","
	              " \"considered\": [{\"name\": \"Nur Name\"},"
	              "  {\"solution\": {\"slug\": \"weg\"}}]}");
	contains(md, "## Bedarf\n\nNicht angegeben.\n\n");
	contains(md,
	    "### 1. Nur Name\n\n- **Herkunft:** außerhalb des "
	    "Katalogs\n- **Webseite:** nicht angegeben\n"
	    "- **Geeignet:** nicht bewertet\n\n**Bewertung**\n\n"
	    "Keine Bewertung erfasst.\n\n");
	/* A catalogue entry the catalogue no longer knows: its slug. */
	contains(md,
	    "### 2. weg\n\n- **Herkunft:** Katalogeintrag\n"
	    "- **Reifegrad:** nicht angegeben\n"
	    "- **Eigentümer:** nicht angegeben\n"
	    "- **Katalog:** [/api/v1/solutions/weg]");
	contains(md, "- **Entscheidung:** Zurückgestellt\n");
	contains(md, "Keine Begründung erfasst.");
	lacks(md, "(null)");
	free(md);
}

/* Lines stay lines, blank lines make paragraphs, in HTML too. */
static void
test_paragraphs_and_links(void **state)
{
	const char *check =
	    "{\"title\": \"T\", \"organisation\": {\"slug\": \"o\"},"
	    " \"need\": \"  Zeile eins  \\r\\nZeile zwei\\n\\n\\n"
	    "Absatz \\\"zwei\\\" 'drei'\\n\", \"decision\": \"buy\","
	    " \"considered\": [{\"name\": \"N\","
	    "   \"url\": \"https://example.org/a_(b)?q=x y<z>\"}]}";
	char *md = markdown(check), *h = html(check);

	(void)state;
	/* Quotes stay straight, not English curly quotes. */
	contains(md,
	    "## Bedarf\n\nZeile eins\\\nZeile zwei\n\nAbsatz "
	    "\\\"zwei\\\" \\'drei\\'\n\n");
	contains(md,
	    "[https://example.org/a\\_(b)?q=x y\\<z\\>]"
	    "(https://example.org/a_\\(b\\)?q=x%20y%3Cz%3E)");
	contains(h,
	    "<p>Zeile eins<br />\nZeile zwei</p>\n"
	    "<p>Absatz &quot;zwei&quot; 'drei'</p>");
	contains(h,
	    "<a href=\"https://example.org/a_(b)?q=x%20y%3Cz%3E\">"
	    "https://example.org/a_(b)?q=x y&lt;z&gt;</a>");
	contains(h, "<strong>Entscheidung:</strong> Beschaffung am Markt");
	free(md);
	free(h);
}

/* The HTML is a complete page, ready to print and to file. */
static void
test_html_document(void **state)
{
	char *h;

	(void)state;
	h = html("{\"title\": \"A & B <x> \\\"q\\\"\","
	         " \"organisation\": {\"slug\": \"o\"},"
	         " \"need\": \"n\", \"decision\": \"build\"}");
	assert_int_equal(strncmp(h, "<!doctype html>\n", 16), 0);
	contains(h, "<html lang=\"de\">");
	contains(h, "<meta charset=\"utf-8\">");
	contains(h,
	    "<title>Nachnutzungsprüfung: A &amp; B &lt;x&gt; "
	    "&quot;q&quot;</title>");
	contains(h, "<style>");
	contains(h, "@media print");
	contains(h, "<h1>Dokumentation der Nachnutzungsprüfung</h1>");
	contains(h, "<h2>Bedarf</h2>");
	contains(h, "<h2>Geprüfte Lösungen</h2>");
	contains(h, "<h2>Entscheidung</h2>");
	contains(h, "<h2>Begründung</h2>");
	assert_true(
	    strlen(h) > 7 && strcmp(h + strlen(h) - 8, "</html>\n") == 0);
	free(h);
}

static void
test_german_dates(void **state)
{
	char out[REUSE_EXPORT_DATE_LEN];

	(void)state;
	assert_int_equal(reuse_export_date("2026-11-29", out), 0);
	assert_string_equal(out, "29.11.2026");
	assert_int_equal(reuse_export_date("2028-02-29", out), 0);
	assert_string_equal(out, "29.02.2028");
	assert_int_equal(reuse_export_date("2026-02-30", out), -1);
	assert_string_equal(out, "");
	assert_int_equal(reuse_export_date("29.11.2026", out), -1);
	assert_int_equal(reuse_export_date("2026-11-29T10:00:00Z", out), -1);
	assert_int_equal(reuse_export_date(NULL, out), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_document),
		cmocka_unit_test(test_user_text_is_escaped),
		cmocka_unit_test(test_pipe_and_newline_in_names),
		cmocka_unit_test(test_missing_optional_fields),
		cmocka_unit_test(test_paragraphs_and_links),
		cmocka_unit_test(test_html_document),
		cmocka_unit_test(test_german_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
