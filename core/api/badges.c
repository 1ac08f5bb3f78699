/*
 * SVG badges for a solution's README or homepage, in the flat style of
 * shields.io, accessible (role="img", a <title>, aria-label):
 *
 *	GET /api/v1/solutions/{slug}/badges/maturity.svg
 *	GET /api/v1/solutions/{slug}/badges/maintenance.svg
 *	GET /api/v1/solutions/{slug}/badges/reuse.svg
 *
 * maturity shows the solution's maturity; maintenance the support status
 * of its current cycle (the newest one already released, else the next
 * upcoming) with its end of life, as the cycles API derives it; reuse the
 * adopting organisations that run it live (and those rolling it in).
 * German by default, ?lang=en for English. Texts are measured with the
 * advance widths of Verdana at 11px, as shields.io does, so the badge fits
 * its text in any renderer (textLength pins the width).
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/resource.h"
#include "http/reply.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/xml.h"

#define SVG_NS    "http://www.w3.org/2000/svg"
#define SVG_TYPE  "image/svg+xml; charset=utf-8"
#define GREY      "#9f9f9f"
#define RED       "#e05d44"
#define ORANGE    "#fe7d37"
#define YELLOW    "#dfb317"
#define GREEN     "#97ca00"
#define BRIGHT    "#44cc11"
#define BLUE      "#007ec6"
#define FONT_SIZE 11
#define PADDING   5 /* pixels left and right of each text */

/* Verdana's advance widths (units of 1/2048 em) for ' ' to '~'. */
static const unsigned short verdana[95] = { 720, 823, 1176, 1884, 1454, 2478,
	1667, 690, 1039, 1039, 1454, 1884, 832, 1039, 832, 1039, 1454, 1454,
	1454, 1454, 1454, 1454, 1454, 1454, 1454, 1454, 1039, 1039, 1884, 1884,
	1884, 1245, 2267, 1567, 1571, 1601, 1772, 1446, 1313, 1779, 1732, 985,
	1040, 1599, 1306, 1934, 1725, 1847, 1394, 1847, 1600, 1472, 1402, 1692,
	1567, 2276, 1570, 1401, 1456, 1039, 1039, 1039, 1884, 1454, 1454, 1233,
	1276, 1076, 1276, 1219, 720, 1276, 1296, 562, 705, 1202, 562, 1993,
	1296, 1243, 1276, 1276, 874, 1064, 807, 1296, 1202, 1675, 1202, 1202,
	1050, 1271, 1039, 1271, 1884 };

/* Latin-1 letters measured as their base letter (umlauts as vowels). */
static const char latin1_base[] =
    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYPsaaaaaaaceeeeiiiidnooooo/ouuuuypy";

static unsigned
char_units(unsigned long cp)
{
	if (cp >= 0x20 && cp < 0x7f)
		return verdana[cp - 0x20];
	if (cp == 0xdf) /* ß */
		return 1283;
	if (cp == 0xb7) /* middle dot */
		return 832;
	if (cp >= 0xc0 && cp <= 0xff)
		return verdana[latin1_base[cp - 0xc0] - 0x20];
	return 1454; /* anything else: a digit's width */
}

/* Width in pixels of UTF-8 text at 11px, rounded up. */
static long
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long        units = 0, cp;

	while (*p) {
		if (*p < 0x80)
			cp = *p++;
		else if ((*p & 0xe0) == 0xc0 && p[1]) {
			cp = ((unsigned long)(*p & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else {
			/* Wider sequences: measured as one character. */
			cp = 0x10000;
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		}
		units += char_units(cp);
	}
	return (long)((units * FONT_SIZE + 2047) / 2048);
}

/* Dark text on light colours, as shields.io decides it. */
static int
is_light(const char *hex)
{
	unsigned r, g, b;

	if (sscanf(hex, "#%02x%02x%02x", &r, &g, &b) != 3)
		return 0;
	return (299 * r + 587 * g + 114 * b) / 1000.0 / 255.0 > 0.69;
}

static void
badge_text(struct xml *x, long left, long width, const char *text, int dark)
{
	/* The shadow first, hidden from screen readers, then the text. */
	for (int shadow = 1; shadow >= 0; shadow--) {
		xml_start(x, "text");
		if (shadow) {
			xml_attr(x, "aria-hidden", "true");
			xml_attr(x, "fill", dark ? "#ccc" : "#010101");
			xml_attr(x, "fill-opacity", ".3");
		} else
			xml_attr(x, "fill", dark ? "#333" : "#fff");
		xml_attr_int(x, "x", left + width / 2);
		xml_attr_int(x, "y", shadow ? 15 : 14);
		xml_attr_int(x, "textLength", width - 2 * PADDING);
		xml_attr(x, "lengthAdjust", "spacingAndGlyphs");
		xml_text(x, text);
		xml_end(x);
	}
}

static void
rect(struct xml *x, long left, long width, const char *fill)
{
	xml_start(x, "rect");
	if (left)
		xml_attr_int(x, "x", left);
	xml_attr_int(x, "width", width);
	xml_attr(x, "height", "20");
	xml_attr(x, "fill", fill);
	xml_end(x);
}

/* The flat badge "label | message" in colour, into out. */
static int
write_badge(const char *label, const char *message, const char *colour,
    struct evbuffer *out)
{
	struct xml x;
	char       title[512], clip[32], clip_url[40];
	long       lw = text_width(label) + 2 * PADDING;
	long       mw = text_width(message) + 2 * PADDING;

	snprintf(title, sizeof(title), "%s: %s", label, message);
	if (xml_open(&x) == -1)
		return -1;
	xml_start_ns(&x, "svg", SVG_NS);
	xml_attr_int(&x, "width", lw + mw);
	xml_attr(&x, "height", "20");
	xml_attr(&x, "role", "img");
	xml_attr(&x, "aria-label", title);
	xml_element(&x, "title", title);

	xml_start(&x, "linearGradient");
	xml_attr(&x, "id", "s");
	xml_attr(&x, "x2", "0");
	xml_attr(&x, "y2", "100%");
	xml_start(&x, "stop");
	xml_attr(&x, "offset", "0");
	xml_attr(&x, "stop-color", "#bbb");
	xml_attr(&x, "stop-opacity", ".1");
	xml_end(&x);
	xml_start(&x, "stop");
	xml_attr(&x, "offset", "1");
	xml_attr(&x, "stop-opacity", ".1");
	xml_end(&x);
	xml_end(&x);

	/*
	 * Ids name what they hold, so that badges inlined into one page
	 * share an id only where its content is the same.
	 */
	snprintf(clip, sizeof(clip), "r%ld", lw + mw);
	snprintf(clip_url, sizeof(clip_url), "url(#%s)", clip);
	xml_start(&x, "clipPath");
	xml_attr(&x, "id", clip);
	xml_start(&x, "rect");
	xml_attr_int(&x, "width", lw + mw);
	xml_attr(&x, "height", "20");
	xml_attr(&x, "rx", "3");
	xml_attr(&x, "fill", "#fff");
	xml_end(&x);
	xml_end(&x);

	xml_start(&x, "g");
	xml_attr(&x, "clip-path", clip_url);
	rect(&x, 0, lw, "#555");
	rect(&x, lw, mw, colour);
	rect(&x, 0, lw + mw, "url(#s)");
	xml_end(&x);

	xml_start(&x, "g");
	xml_attr(&x, "text-anchor", "middle");
	xml_attr(&x, "font-family", "Verdana,Geneva,DejaVu Sans,sans-serif");
	xml_attr(&x, "text-rendering", "geometricPrecision");
	xml_attr_int(&x, "font-size", FONT_SIZE);
	badge_text(&x, 0, lw, label, 0);
	badge_text(&x, lw, mw, message, is_light(colour));
	xml_end(&x);
	xml_end(&x);
	return xml_finish(&x, out);
}

/* ---- what the badges say ------------------------------------------------ */

struct badge {
	const char *label;
	char        message[256];
	const char *colour;
};

struct badge_ctx {
	struct request *req;
	int64_t         solution_id;
	const char     *maturity;
	int             en;
};

static const struct {
	const char *value, *de, *en, *colour;
} maturities[] = {
	{ "concept", "Konzept", "Concept", GREY },
	{ "development", "In Entwicklung", "In development", ORANGE },
	{ "pilot", "Pilot", "Pilot", YELLOW },
	{ "production", "Im Betrieb", "In production", GREEN },
	{ "widespread", "Weit verbreitet", "Widespread", BRIGHT },
	{ "retired", "Eingestellt", "Retired", RED },
};

static int
maturity_badge(struct badge_ctx *c, struct badge *b)
{
	b->label = c->en ? "maturity" : "Reifegrad";
	snprintf(b->message, sizeof(b->message), "%s", c->maturity);
	b->colour = GREY;
	for (size_t i = 0; i < sizeof(maturities) / sizeof(maturities[0]); i++)
		if (strcmp(c->maturity, maturities[i].value) == 0) {
			snprintf(b->message, sizeof(b->message), "%s",
			    c->en ? maturities[i].en : maturities[i].de);
			b->colour = maturities[i].colour;
		}
	return 0;
}

/*
 * The current cycle: the newest one released by today (a cycle without a
 * release date counts from its first release), else the next upcoming.
 */
static const char current_cycle_sql[] =
    "SELECT id FROM (SELECT c.id, coalesce(c.release_date, (SELECT "
    "min(date) FROM releases r WHERE r.cycle_id = c.id AND "
    "r.status = 'released')) AS rd FROM cycles c WHERE c.solution_id = ?1) "
    "ORDER BY rd <= ?2 DESC, CASE WHEN rd <= ?2 THEN rd END DESC, "
    "rd IS NULL, rd, id DESC LIMIT 1";

static const char *
str(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

static int
maintenance_badge(struct badge_ctx *c, struct badge *b)
{
	sqlite3_stmt   *st = db_prepare(c->req->db, current_cycle_sql);
	struct record   r;
	struct rl_error err;
	char            today[CLOCK_DATE_LEN];
	json_t         *doc;
	const char     *status, *name, *eol;
	int64_t         id = 0;
	int             rc;

	b->label = c->en ? "maintenance" : "Wartung";
	b->colour = GREY;
	snprintf(b->message, sizeof(b->message), "%s",
	    c->en ? "no cycle" : "kein Zyklus");
	if (st == NULL)
		return -1;
	clock_format_date(clock_now(), today);
	sqlite3_bind_int64(st, 1, c->solution_id);
	db_bind_text(st, 2, today);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : -1;
	/* Shown as the cycles API shows it: the same support_status. */
	if (record_get_by_id(c->req->db, &res_cycle, id, &r, &err) == -1)
		return -1;
	doc = record_show(c->req->db, &res_cycle, &r, &c->req->who);
	record_clear(&r);
	status = str(doc, "support_status");
	name = str(doc, "name");
	eol = str(doc, "eol");
	if (status == NULL || name == NULL) {
		json_decref(doc);
		return -1;
	}
	if (strcmp(status, "active") == 0 || strcmp(status, "security") == 0) {
		int active = status[0] == 'a';
		snprintf(b->message, sizeof(b->message), "%s %s%s%s", name,
		    active ? (c->en ? "active" : "aktiv")
		           : (c->en ? "security fixes" : "Sicherheitsupdates"),
		    eol ? ", EOL " : "", eol ? eol : "");
		b->colour = active ? BRIGHT : YELLOW;
	} else if (strcmp(status, "extended") == 0) {
		snprintf(b->message, sizeof(b->message), "%s %s %s", name,
		    c->en ? "extended support until"
		          : "erweiterter Support bis",
		    str(doc, "extended_support"));
		b->colour = ORANGE;
	} else if (strcmp(status, "eol") == 0) {
		snprintf(b->message, sizeof(b->message), "%s %s %s", name,
		    c->en ? "end of life since" : "Lebensende seit",
		    eol ? eol : "");
		b->colour = RED;
	} else {
		const char *from = str(doc, "release_date");
		snprintf(b->message, sizeof(b->message), "%s %s%s", name,
		    c->en ? "upcoming" : "geplant",
		    from ? (c->en ? " from " : " ab ") : "");
		if (from)
			strncat(b->message, from,
			    sizeof(b->message) - strlen(b->message) - 1);
		b->colour = BLUE;
	}
	json_decref(doc);
	return 0;
}

static int
reuse_badge(struct badge_ctx *c, struct badge *b)
{
	sqlite3_stmt *st = db_prepare(c->req->db,
	    "SELECT count(*) FILTER (WHERE status = 'live'), "
	    "count(*) FILTER (WHERE status = 'rolling-in') "
	    "FROM adoptions WHERE solution_id = ?");
	long          live = 0, rolling = 0;
	int           rc, n;

	b->label = c->en ? "reuse" : "Nachnutzung";
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, c->solution_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		live = sqlite3_column_int(st, 0);
		rolling = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	n = snprintf(b->message, sizeof(b->message), "%ld %s", live,
	    c->en ? "in use" : "im Einsatz");
	if (rolling > 0 && n > 0 && (size_t)n < sizeof(b->message))
		snprintf(b->message + n, sizeof(b->message) - (size_t)n,
		    c->en ? " · %ld rolling in" : " · %ld in Einführung",
		    rolling);
	b->colour = live >= 5 ? BRIGHT : live > 0 ? BLUE : GREY;
	return 0;
}

static const struct {
	const char *kind;
	int (*make)(struct badge_ctx *, struct badge *);
} kinds[] = {
	{ "maturity.svg", maturity_badge },
	{ "maintenance.svg", maintenance_badge },
	{ "reuse.svg", reuse_badge },
};

void
api_solution_badge(struct request *req)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req->ev);
	struct badge_ctx  c = { .req = req };
	struct badge      b = { 0 };
	struct evbuffer  *body;
	sqlite3_stmt     *st;
	const char       *lang = request_query(req, "lang");
	json_t           *maturity = NULL;
	int (*make)(struct badge_ctx *, struct badge *) = NULL;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(req->params[1], kinds[i].kind) == 0)
			make = kinds[i].make;
	if (make == NULL) {
		reply_errorf(req, 404, "not_found", "kind",
		    "no badge '%s': there are maturity.svg, maintenance.svg "
		    "and reuse.svg",
		    req->params[1]);
		return;
	}
	if (lang != NULL && strcmp(lang, "de") != 0 &&
	    strcmp(lang, "en") != 0) {
		reply_errorf(req, 400, "invalid_parameter", "lang",
		    "lang must be de or en");
		return;
	}
	c.en = lang != NULL && strcmp(lang, "en") == 0;
	if ((st = db_prepare(req->db,
	         "SELECT id, maturity FROM solutions WHERE slug = ?")) ==
	    NULL) {
		reply_errorf(req, 500, "store", NULL, "store unavailable");
		return;
	}
	db_bind_text(st, 1, req->params[0]);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c.solution_id = sqlite3_column_int64(st, 0);
		maturity = json_string(db_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (c.solution_id == 0 || maturity == NULL) {
		json_decref(maturity);
		reply_errorf(req, 404, "not_found", NULL, "no solution '%s'",
		    req->params[0]);
		return;
	}
	c.maturity = json_string_value(maturity);
	body = evbuffer_new();
	if (make(&c, &b) == -1 || body == NULL ||
	    write_badge(b.label, b.message, b.colour, body) == -1)
		reply_errorf(req, 500, "internal", NULL,
		    "drawing the badge failed");
	else {
		/* Embedded in pages elsewhere: cached briefly, never run. */
		evhttp_add_header(h, "Cache-Control", "max-age=300");
		evhttp_add_header(h, "Content-Security-Policy",
		    "default-src 'none'; style-src 'unsafe-inline'");
		evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
		reply_buffer(req, 200, SVG_TYPE, body, 0);
	}
	if (body)
		evbuffer_free(body);
	json_decref(maturity);
}
