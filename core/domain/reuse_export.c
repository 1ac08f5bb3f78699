/*
 * The documentation of a reuse check as Markdown and as printable HTML.
 *
 * What users typed is plain text here, not Markdown: the reuse check's
 * fields are not declared as Markdown, and the document is filed as a
 * record, so it must show exactly what was decided. Every character that
 * CommonMark would read as markup is backslash-escaped, and so is every
 * character that would open a block at the start of a line (lists,
 * headings, quotes, fences, setext underlines). Indentation is dropped so
 * that no line becomes code. A line break typed by the user stays a line
 * break (a hard break), a blank line starts a new paragraph. User text can
 * therefore neither format itself nor end the document's own structure: an
 * unclosed ``` or a "# Entscheidung" line in the need stays text.
 *
 * The considered solutions are a numbered section each with a short list
 * of facts, not a pipe table: the service renders Markdown with CommonMark
 * (util/markdown.h), which has no tables, and the assessment of a solution
 * is multi-line text that no table cell could hold. A "|" in a name is
 * escaped all the same, so that viewers with table support see no table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/reuse_export.h"
#include "util/clock.h"
#include "util/markdown.h"
#include "util/strbuf.h"

/*
 * Characters that are markup wherever they stand in a line, and the
 * quotes, which util/markdown.h would otherwise turn into English curly
 * quotes in a German document.
 */
static const char md_special[] = "\\`*_[]<>|~&#\"'";

static const char *
str(const json_t *obj, const char *name)
{
	const char *s = json_string_value(json_object_get(obj, name));

	return s && *s ? s : NULL;
}

static void
add_span(struct strbuf *sb, const char *p, size_t n)
{
	if (n > 0)
		strbuf_addf(sb, "%.*s", (int)n, p);
}

/*
 * n bytes of one line of user text, escaped. Line breaks and tabs become
 * spaces (a one-line context such as a heading must stay one line), other
 * control characters are dropped.
 */
static void
md_escape(struct strbuf *sb, const char *p, size_t n)
{
	size_t run = 0, i;
	char   esc[3] = "\\";

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c != 0x7f && strchr(md_special, c) == NULL) {
			run++;
			continue;
		}
		add_span(sb, p + i - run, run);
		run = 0;
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		if (c == '\r' || c == '\n' || c == '\t')
			strbuf_add(sb, " ");
		else if (c >= 0x20 && c != 0x7f) {
			esc[1] = (char)c;
			strbuf_add(sb, esc);
		}
	}
	add_span(sb, p + n - run, run);
}

/* User text inside a line the document starts (heading, list item). */
static void
md_inline(struct strbuf *sb, const char *s)
{
	md_escape(sb, s, strlen(s));
}

/*
 * One trimmed, non-empty line of a paragraph. Besides md_escape(), what
 * opens a block at the start of a line: "-", "+" (lists, thematic breaks,
 * setext underlines), "=" (setext underline), "1." and "1)" (ordered
 * lists). "#", ">", "*", "_", "`", "~" and "<" are escaped anyway.
 */
static void
md_line(struct strbuf *sb, const char *p, size_t n)
{
	size_t digits = 0;

	if (*p == '-' || *p == '+' || *p == '=') {
		strbuf_addf(sb, "\\%c", *p);
		p++, n--;
	}
	while (digits < n && p[digits] >= '0' && p[digits] <= '9')
		digits++;
	if (digits > 0 && digits < n &&
	    (p[digits] == '.' || p[digits] == ')')) {
		add_span(sb, p, digits);
		strbuf_addf(sb, "\\%c", p[digits]);
		p += digits + 1, n -= digits + 1;
	}
	md_escape(sb, p, n);
}

/*
 * Multi-line user text as paragraphs: lines are trimmed, consecutive lines
 * are joined by hard breaks, blank lines separate paragraphs. Returns 0 if
 * the text has nothing to show.
 */
static int
md_block(struct strbuf *sb, const char *s)
{
	const char *line = s, *end, *a, *b;
	int         any = 0, gap = 0;

	while (*line) {
		end = line + strcspn(line, "\r\n");
		for (a = line; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		if (a == b)
			gap = any;
		else {
			if (gap)
				strbuf_add(sb, "\n\n");
			else if (any)
				strbuf_add(sb, "\\\n");
			md_line(sb, a, (size_t)(b - a));
			any = 1;
			gap = 0;
		}
		line = end;
		if (line[0] == '\r' && line[1] == '\n')
			line += 2;
		else if (*line)
			line++;
	}
	if (any)
		strbuf_add(sb, "\n\n");
	return any;
}

/*
 * A link destination: characters CommonMark ends a destination at are
 * percent-encoded, parentheses and backslashes escaped.
 */
static void
md_dest(struct strbuf *sb, const char *url)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			strbuf_addf(sb, "%%%02X", *p);
		else if (*p == '(' || *p == ')' || *p == '\\')
			strbuf_addf(sb, "\\%c", *p);
		else
			strbuf_addf(sb, "%c", *p);
	}
}

/* [url](url): the address stays readable on paper. */
static void
md_link(struct strbuf *sb, const char *url)
{
	strbuf_add(sb, "[");
	md_inline(sb, url);
	strbuf_add(sb, "](");
	md_dest(sb, url);
	strbuf_add(sb, ")");
}

static void
md_catalogue_link(struct strbuf *sb, const char *slug)
{
	char path[256];

	snprintf(path, sizeof(path), "/api/v1/solutions/%s", slug);
	md_link(sb, path);
}

/* "Name (slug)" of an organisation, or what there is of it. */
static void
md_org(struct strbuf *sb, const json_t *org)
{
	const char *name = str(org, "name"), *slug = str(org, "slug");

	if (name)
		md_inline(sb, name);
	if (name && slug)
		strbuf_add(sb, " (");
	if (slug)
		md_inline(sb, slug);
	if (name && slug)
		strbuf_add(sb, ")");
	if (!name && !slug)
		strbuf_add(sb, "nicht angegeben");
}

static void
md_date(struct strbuf *sb, const char *iso)
{
	char de[REUSE_EXPORT_DATE_LEN];

	if (iso == NULL)
		strbuf_add(sb, "nicht angegeben");
	else if (reuse_export_date(iso, de) == 0)
		strbuf_add(sb, de);
	else
		md_inline(sb, iso);
}

static const char *
label(const char *const map[][2], const char *value)
{
	for (size_t i = 0; value && map[i][0]; i++)
		if (strcmp(map[i][0], value) == 0)
			return map[i][1];
	return NULL;
}

static const char *const decision_labels[][2] = {
	{ "reuse", "Nachnutzung" },
	{ "adapt", "Nachnutzung mit Anpassung" },
	{ "build", "Eigenentwicklung" },
	{ "buy", "Beschaffung am Markt" },
	{ "postpone", "Zurückgestellt" },
	{ NULL, NULL },
};

static const char *const maturity_labels[][2] = {
	{ "concept", "Konzept" },
	{ "development", "In Entwicklung" },
	{ "pilot", "Pilotbetrieb" },
	{ "production", "Produktivbetrieb" },
	{ "widespread", "Weit verbreitet" },
	{ "retired", "Eingestellt" },
	{ NULL, NULL },
};

/* A known value by its German label, an unknown one as it is. */
static void
md_label(struct strbuf *sb, const char *const map[][2], const char *value)
{
	const char *l = label(map, value);

	if (l)
		strbuf_add(sb, l);
	else if (value)
		md_inline(sb, value);
	else
		strbuf_add(sb, "nicht angegeben");
}

static void
md_considered(struct strbuf *sb, size_t n, const json_t *item)
{
	const json_t *sol = json_object_get(item, "solution");
	const json_t *suitable = json_object_get(item, "suitable");
	const char   *name = str(sol, "name"), *url = str(item, "url");

	if (name == NULL)
		name = str(item, "name");
	if (name == NULL)
		name = str(sol, "slug");
	strbuf_addf(sb, "### %zu. ", n);
	if (name)
		md_inline(sb, name);
	else
		strbuf_add(sb, "Ohne Namen");
	strbuf_add(sb, "\n\n");
	if (json_is_object(sol)) {
		strbuf_add(sb, "- **Herkunft:** Katalogeintrag\n");
		strbuf_add(sb, "- **Reifegrad:** ");
		md_label(sb, maturity_labels, str(sol, "maturity"));
		strbuf_add(sb, "\n- **Eigentümer:** ");
		md_org(sb, json_object_get(sol, "owner"));
		if (str(sol, "slug")) {
			strbuf_add(sb, "\n- **Katalog:** ");
			md_catalogue_link(sb, str(sol, "slug"));
		}
		strbuf_add(sb, "\n");
	} else
		strbuf_add(sb, "- **Herkunft:** außerhalb des Katalogs\n");
	if (url) {
		strbuf_add(sb, "- **Webseite:** ");
		md_link(sb, url);
		strbuf_add(sb, "\n");
	} else if (!json_is_object(sol))
		strbuf_add(sb, "- **Webseite:** nicht angegeben\n");
	strbuf_addf(sb, "- **Geeignet:** %s\n\n",
	    json_is_true(suitable)        ? "ja"
	        : json_is_false(suitable) ? "nein"
	                                  : "nicht bewertet");
	strbuf_add(sb, "**Bewertung**\n\n");
	if (!str(item, "assessment") || !md_block(sb, str(item, "assessment")))
		strbuf_add(sb, "Keine Bewertung erfasst.\n\n");
}

char *
reuse_export_markdown(const json_t *check)
{
	struct strbuf sb = { 0 };
	const json_t *considered = json_object_get(check, "considered");
	const json_t *chosen = json_object_get(check, "chosen");
	const char   *title = str(check, "title");
	size_t        i;

	strbuf_add(&sb, "# Dokumentation der Nachnutzungsprüfung\n\n## ");
	if (title)
		md_inline(&sb, title);
	else
		strbuf_add(&sb, "Ohne Titel");
	strbuf_add(&sb, "\n\n- **Organisation:** ");
	md_org(&sb, json_object_get(check, "organisation"));
	if (json_is_integer(json_object_get(check, "id")))
		strbuf_addf(&sb, "\n- **Prüfung:** Nr. %lld",
		    (long long)json_integer_value(
		        json_object_get(check, "id")));
	strbuf_add(&sb, "\n- **Entschieden am:** ");
	md_date(&sb, str(check, "decided_on"));
	if (str(check, "exported_on")) {
		strbuf_add(&sb, "\n- **Stand des Dokuments:** ");
		md_date(&sb, str(check, "exported_on"));
	}

	strbuf_add(&sb, "\n\n## Bedarf\n\n");
	if (!str(check, "need") || !md_block(&sb, str(check, "need")))
		strbuf_add(&sb, "Nicht angegeben.\n\n");

	strbuf_add(&sb, "## Geprüfte Lösungen\n\n");
	if (json_array_size(considered) == 0)
		strbuf_add(&sb, "Es wurden keine Lösungen erfasst.\n\n");
	for (i = 0; i < json_array_size(considered); i++)
		md_considered(&sb, i + 1, json_array_get(considered, i));

	strbuf_add(&sb, "## Entscheidung\n\n- **Entscheidung:** ");
	md_label(&sb, decision_labels, str(check, "decision"));
	strbuf_add(&sb, "\n- **Gewählte Lösung:** ");
	if (str(chosen, "name") || str(chosen, "slug")) {
		md_inline(&sb,
		    str(chosen, "name") ? str(chosen, "name")
		                        : str(chosen, "slug"));
		if (str(chosen, "slug")) {
			strbuf_add(&sb, " (");
			md_catalogue_link(&sb, str(chosen, "slug"));
			strbuf_add(&sb, ")");
		}
	} else
		strbuf_add(&sb, "keine");
	strbuf_add(&sb, "\n- **Entschieden am:** ");
	md_date(&sb, str(check, "decided_on"));

	strbuf_add(&sb, "\n\n## Begründung\n\n");
	if (!str(check, "reason") || !md_block(&sb, str(check, "reason")))
		strbuf_add(&sb, "Keine Begründung erfasst.\n\n");
	/* One newline at the end, as text files have it. */
	sb.s[--sb.len] = '\0';
	return strbuf_take(&sb);
}

static void
html_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			strbuf_add(sb, "&amp;");
			break;
		case '<':
			strbuf_add(sb, "&lt;");
			break;
		case '>':
			strbuf_add(sb, "&gt;");
			break;
		case '"':
			strbuf_add(sb, "&quot;");
			break;
		default:
			strbuf_addf(sb, "%c", *s);
		}
}

/* Enough style for reading on screen and for printing on A4. */
static const char html_style[] =
    "body{font-family:\"Helvetica Neue\",Arial,sans-serif;font-size:11pt;"
    "line-height:1.45;color:#111;max-width:46em;margin:2em auto;"
    "padding:0 1em}\n"
    "h1{font-size:1.5em;border-bottom:1px solid #888;padding-bottom:.2em}\n"
    "h2{font-size:1.25em;margin-top:1.6em}\n"
    "h3{font-size:1.05em;margin-top:1.3em}\n"
    "ul{padding-left:1.3em}\n"
    "a{color:#0b4f8a;overflow-wrap:anywhere}\n"
    "@page{size:A4;margin:2cm}\n"
    "@media print{body{max-width:none;margin:0;padding:0}"
    "h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}\n";

char *
reuse_export_html(const json_t *check)
{
	struct strbuf sb = { 0 };
	const char   *title = str(check, "title");
	char         *md = reuse_export_markdown(check), *body;

	body = markdown_html(md, strlen(md));
	free(md);
	if (body == NULL)
		return NULL;
	strbuf_add(&sb,
	    "<!doctype html>\n<html lang=\"de\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Nachnutzungsprüfung: ");
	html_escape(&sb, title ? title : "Ohne Titel");
	strbuf_add(&sb, "</title>\n<style>\n");
	strbuf_add(&sb, html_style);
	strbuf_add(&sb, "</style>\n</head>\n<body>\n<main>\n");
	strbuf_add(&sb, body);
	strbuf_add(&sb, "</main>\n</body>\n</html>\n");
	free(body);
	return strbuf_take(&sb);
}

int
reuse_export_date(const char *iso, char out[REUSE_EXPORT_DATE_LEN])
{
	time_t t;

	out[0] = '\0';
	if (iso == NULL || strlen(iso) != 10 || clock_parse_date(iso, &t) == -1)
		return -1;
	snprintf(out, REUSE_EXPORT_DATE_LEN, "%.2s.%.2s.%.4s", iso + 8, iso + 5,
	    iso);
	return 0;
}
