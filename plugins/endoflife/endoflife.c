/*
 * endoflife: imports a product as endoflife.date's API v1 answers for
 * /api/v1/products/{product}:
 *
 *	{ "schema_version": "1.2.1", "generated_at": "...",
 *	  "result": { "name": "postgresql", "label": "PostgreSQL",
 *	    "category": "database", "links": { "html": ..., ... },
 *	    "releases": [ { "name": "15", "releaseDate": "2022-10-13",
 *	      "isLts": false, "isEoas": ..., "eoasFrom": ..., "isEol": ...,
 *	      "eolFrom": "2027-11-11", "isEoes": ..., "eoesFrom": ...,
 *	      "latest": { "name": "15.8", "date": ..., "link": ... } }, ... ] } }
 *
 * By default the product and its release cycles become a third-party
 * product (kinds product and product_cycle), found again by name, so that
 * a re-import updates and never duplicates. Into a solution's own cycles
 * instead (cycle, and a released release for each cycle's latest
 * version) when
 *
 * - the plugin's setting solution names it (plugins: endoflife:
 *   solution: <slug>), or a parameter solution=<slug> does, or
 * - the document says "rollin": { "target": "solution" } beside
 *   "result" and the product's name is an existing solution's slug.
 *
 * Dates are the truth: isEol and the like are used only where the source
 * gives a flag without a date ("isEol": true, "eolFrom": null); the day of
 * generated_at (or today) then stands in as the day it was known to be
 * reached, and the log says so. A malformed release is rejected with the
 * JSON path of what is wrong ("file:result.releases[3].eolFrom") and the
 * others still land; a document that is not an API v1 product fails as a
 * whole and writes nothing.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rollin/plugin.h"

#define MAX_NAME 64

static const struct rollin_host *host;

struct import {
	struct rollin_call *call;
	const char         *input;    /* the input's name, for messages */
	const char         *solution; /* import into this solution, or NULL */
	const char         *product;  /* result.name */
	char                day[11];  /* generated_at's day, for flags */
	size_t              index;    /* the release being imported */
	char                cycle[MAX_NAME + 1];
};

/* How the core's fields of a cycle or release are named in the source. */
static const char *const source_names[][2] = {
	{ "name", "name" },
	{ "release_date", "releaseDate" },
	{ "support_until", "eoasFrom" },
	{ "eol", "eolFrom" },
	{ "lts", "isLts" },
	{ "extended_support", "eoesFrom" },
	{ "latest", "latest.name" },
	{ "latest_date", "latest.date" },
	{ "link", "latest.link" },
	{ "version", "latest.name" },
	{ "date", "latest.date" },
	{ "cycle", "name" },
};

static int
init(const struct rollin_host *h, struct rollin_call *call, void **state)
{
	(void)call;
	*state = NULL;
	host = h;
	return 0;
}

/* ---- checks ---------------------------------------------------------------- */

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD naming a day that exists. */
static int
valid_date(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	int              y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* endoflife.date's product names, which are also Rollin's keys. */
static int
valid_product_name(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= MAX_NAME &&
	    ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')) &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* One line of text: no control characters. */
static int
one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* ---- reporting ------------------------------------------------------------- */

/*
 * Rejects the release being imported: where is "file:result.releases[i]"
 * plus key (".eolFrom"), the message names the cycle and what is wrong.
 */
static void __attribute__((format(printf, 3, 4)))
reject(struct import *im, const char *key, const char *fmt, ...)
{
	char    where[512], what[400], message[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(where, sizeof(where), "%s:result.releases[%zu]%s%s", im->input,
	    im->index, key && *key ? "." : "", key ? key : "");
	if (im->cycle[0])
		snprintf(message, sizeof(message),
		    "release cycle '%s' not imported: %s", im->cycle, what);
	else
		snprintf(message, sizeof(message),
		    "release cycle not imported: %s", what);
	host->reject(im->call, where, message);
}

/* The source's name for a core field the core refused. */
static const char *
source_name(const char *field)
{
	for (size_t i = 0; i < sizeof(source_names) / sizeof(source_names[0]);
	     i++)
		if (strcmp(source_names[i][0], field) == 0)
			return source_names[i][1];
	return field;
}

static int
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/*
 * The core's message with its field names as the source names them
 * ("eol (2020-01-01) must not be before ..." -> "eolFrom (...) ...").
 */
static void
translate(const char *msg, char *out, size_t len)
{
	size_t n = 0, w;

	while (*msg && n + 1 < len) {
		const char *to = NULL;
		for (w = 0; word_char(msg[w]); w++)
			;
		for (size_t i = 0; w > 0 &&
		     i < sizeof(source_names) / sizeof(source_names[0]);
		     i++)
			if (strlen(source_names[i][0]) == w &&
			    strncmp(source_names[i][0], msg, w) == 0)
				to = source_names[i][1];
		if (w == 0)
			w = 1;
		n += (size_t)snprintf(out + n, len - n, "%.*s",
		    to ? (int)strlen(to) : (int)w, to ? to : msg);
		msg += w;
	}
	if (n >= len)
		out[len - 1] = '\0';
}

/* Upserts doc (stolen) as kind; a refusal rejects the release. */
static int
upsert(struct import *im, const char *kind, json_t *doc, const char *match)
{
	struct rollin_error err;
	char               *text = json_dumps(doc, JSON_COMPACT);
	char                why[400];
	int                 rc;

	json_decref(doc);
	memset(&err, 0, sizeof(err));
	rc = text ? host->upsert(im->call, kind, text, match, &err) : -1;
	free(text);
	if (rc == 0)
		return 0;
	translate(err.message[0] ? err.message : "refused", why, sizeof(why));
	reject(im, err.field[0] ? source_name(err.field) : NULL, "%s", why);
	return -1;
}

/* ---- one release ------------------------------------------------------------ */

/*
 * A date member: absent or null is NULL, a valid date its text; anything
 * else is rejected (returns -1).
 */
static int
date_member(struct import *im, json_t *obj, const char *key, const char *path,
    const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		reject(im, path, "%s must be a date (YYYY-MM-DD) or null",
		    path);
		return -1;
	}
	if (!valid_date(json_string_value(v))) {
		reject(im, path,
		    "%s must be a date (YYYY-MM-DD) or null, not \"%.40s\"",
		    path, json_string_value(v));
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* A flag member: absent or null is 0, true 1, false 0; else -1. */
static int
flag_member(struct import *im, json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		reject(im, key, "%s must be true, false or null", key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/*
 * A flag that the source sets without a date: the day the document was
 * generated is the first day it is known to hold.
 */
static const char *
undated(struct import *im, const char *flag, int set, const char *date)
{
	if (date != NULL || !set)
		return date;
	host->log(im->call, ROLLIN_LOG_INFO,
	    "%s: result.releases[%zu] (%s): %s without a date, recorded as "
	    "reached on %s",
	    im->input, im->index, im->cycle, flag, im->day);
	return im->day;
}

static json_t *
date_json(const char *date)
{
	return date ? json_string(date) : json_null();
}

static void
import_release(struct import *im, json_t *rel)
{
	json_t     *name, *latest, *lname = NULL, *link = NULL, *doc;
	const char *released, *eoas, *eol, *eoes, *ldate = NULL;
	int         lts, is_eoas, is_eol, is_eoes;

	im->cycle[0] = '\0';
	if (!json_is_object(rel)) {
		reject(im, NULL, "a release must be an object");
		return;
	}
	name = json_object_get(rel, "name");
	if (!json_is_string(name) || json_string_length(name) == 0) {
		reject(im, "name", "name (the release cycle) is missing");
		return;
	}
	snprintf(im->cycle, sizeof(im->cycle), "%s", json_string_value(name));
	if (json_string_length(name) > MAX_NAME ||
	    !one_line(json_string_value(name))) {
		reject(im, "name",
		    "name must be one line of at most %d characters", MAX_NAME);
		return;
	}
	if (date_member(im, rel, "releaseDate", "releaseDate", &released) ==
	        -1 ||
	    date_member(im, rel, "eoasFrom", "eoasFrom", &eoas) == -1 ||
	    date_member(im, rel, "eolFrom", "eolFrom", &eol) == -1 ||
	    date_member(im, rel, "eoesFrom", "eoesFrom", &eoes) == -1 ||
	    flag_member(im, rel, "isLts", &lts) == -1 ||
	    flag_member(im, rel, "isEoas", &is_eoas) == -1 ||
	    flag_member(im, rel, "isEol", &is_eol) == -1 ||
	    flag_member(im, rel, "isEoes", &is_eoes) == -1)
		return;
	latest = json_object_get(rel, "latest");
	if (latest != NULL && !json_is_null(latest)) {
		if (!json_is_object(latest)) {
			reject(im, "latest",
			    "latest must be an object or null");
			return;
		}
		lname = json_object_get(latest, "name");
		link = json_object_get(latest, "link");
		if (!json_is_string(lname) || json_string_length(lname) == 0) {
			reject(im, "latest.name",
			    "latest.name (the latest version) is missing");
			return;
		}
		if (date_member(im, latest, "date", "latest.date", &ldate) ==
		    -1)
			return;
		if (link != NULL && !json_is_null(link) &&
		    !json_is_string(link)) {
			reject(im, "latest.link",
			    "latest.link must be a URL or null");
			return;
		}
	}
	eol = undated(im, "isEol", is_eol, eol);
	/* Active support cannot outlast life. */
	if (eoas == NULL && is_eoas && eol && strcmp(eol, im->day) < 0)
		eoas = eol;
	eoas = undated(im, "isEoas", is_eoas, eoas);
	eoes = undated(im, "isEoes", is_eoes, eoes);

	doc = json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:o}",
	    im->solution ? "solution" : "product",
	    im->solution ? im->solution : im->product, "name", im->cycle,
	    "release_date", date_json(released), "support_until",
	    date_json(eoas), "eol", date_json(eol), "lts", lts,
	    "extended_support", date_json(eoes));
	if (im->solution == NULL) {
		json_object_set_new(doc, "latest",
		    lname ? json_incref(lname) : json_null());
		json_object_set_new(doc, "latest_date", date_json(ldate));
		json_object_set_new(doc, "link",
		    json_is_string(link) ? json_incref(link) : json_null());
		upsert(im, "product_cycle", doc, "name");
		return;
	}
	if (upsert(im, "cycle", doc, "name") == -1 || lname == NULL)
		return;
	/* A solution's latest version is a release of its own. */
	if (ldate == NULL) {
		reject(im, "latest.date",
		    "latest.date is missing: the release %s needs the day it "
		    "was released",
		    json_string_value(lname));
		return;
	}
	upsert(im, "release",
	    json_pack("{s:s, s:O, s:s, s:s, s:s}", "solution", im->solution,
	        "version", lname, "cycle", im->cycle, "status", "released",
	        "date", ldate),
	    "version");
}

/* ---- the document ------------------------------------------------------------ */

static enum rollin_status __attribute__((format(printf, 2, 3)))
fail(struct import *im, const char *fmt, ...)
{
	char    what[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	host->log(im->call, ROLLIN_LOG_ERROR, "%s: %s", im->input, what);
	return ROLLIN_FAILED;
}

/* Whether a solution with this slug exists. */
static int
solution_exists(struct import *im, const char *slug)
{
	struct rollin_error err;
	json_t             *params = json_pack("[s]", slug);
	char *args = json_dumps(params, JSON_COMPACT), *rows = NULL;
	int   found = 0;

	json_decref(params);
	memset(&err, 0, sizeof(err));
	if (args)
		rows = host->query(im->call,
		    "SELECT 1 FROM solutions WHERE slug = ?", args, &err);
	free(args);
	if (rows) {
		found = strcmp(rows, "[]") != 0;
		host->free(rows);
	}
	return found;
}

/* The solution to import into, or NULL for a third-party product. */
static enum rollin_status
pick_target(struct import *im, json_t *doc)
{
	const char *slug = host->param(im->call, "solution");
	json_t     *target;

	if (slug == NULL || *slug == '\0')
		slug = host->setting(im->call, "solution");
	target = json_object_get(json_object_get(doc, "rollin"), "target");
	if ((slug == NULL || *slug == '\0') && json_is_string(target)) {
		if (strcmp(json_string_value(target), "solution") != 0)
			return fail(im,
			    "rollin.target must be \"solution\" (or left "
			    "out for a third-party product)");
		slug = im->product;
	}
	if (slug == NULL || *slug == '\0')
		return ROLLIN_OK;
	if (!solution_exists(im, slug))
		return fail(im,
		    "there is no solution '%s' to import the release cycles "
		    "into",
		    slug);
	im->solution = slug;
	return ROLLIN_OK;
}

/* The product's page: its release policy, else endoflife.date's page. */
static json_t *
product_link(json_t *result)
{
	json_t *links = json_object_get(result, "links");
	json_t *policy = json_object_get(links, "releasePolicy");
	json_t *html = json_object_get(links, "html");

	if (json_is_string(policy) && json_string_length(policy) <= 500)
		return json_incref(policy);
	if (json_is_string(html) && json_string_length(html) <= 500)
		return json_incref(html);
	return json_null();
}

static enum rollin_status
import_product(struct import *im, json_t *result)
{
	struct rollin_error err;
	json_t             *label = json_object_get(result, "label");
	json_t             *category = json_object_get(result, "category");
	json_t             *doc;
	char               *text;
	int                 rc;

	if (label != NULL && !json_is_null(label) &&
	    (!json_is_string(label) || json_string_length(label) == 0))
		return fail(im, "result.label must be the product's name");
	if (category != NULL && !json_is_null(category) &&
	    !json_is_string(category))
		return fail(im, "result.category must be a string");
	doc = json_pack("{s:s, s:O, s:O, s:o}", "name", im->product, "label",
	    json_is_string(label) ? label : json_object_get(result, "name"),
	    "category", json_is_string(category) ? category : json_null(),
	    "link", product_link(result));
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	memset(&err, 0, sizeof(err));
	rc = text ? host->upsert(im->call, "product", text, "name", &err) : -1;
	free(text);
	if (rc == -1)
		return fail(im, "result%s%s: the product was refused: %s",
		    err.field[0] ? "." : "", err.field, err.message);
	return ROLLIN_OK;
}

/*
 * The service's today (which tests may set), through its SQL function
 * rollin_days_since; the system's clock if that fails.
 */
static void
today(struct import *im)
{
	struct rollin_error err;
	json_t             *rows = NULL, *day;
	char               *text;
	time_t              now;
	struct tm           tm;

	memset(&err, 0, sizeof(err));
	text = host->query(im->call,
	    "SELECT date('2000-01-01', '+' || "
	    "rollin_days_since('2000-01-01') || ' days')",
	    "[]", &err);
	if (text != NULL) {
		rows = json_loads(text, 0, NULL);
		host->free(text);
	}
	day = json_array_get(json_array_get(rows, 0), 0);
	if (json_is_string(day) && valid_date(json_string_value(day)))
		snprintf(im->day, sizeof(im->day), "%s",
		    json_string_value(day));
	else {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(im->day, sizeof(im->day), "%Y-%m-%d", &tm);
	}
	json_decref(rows);
}

static enum rollin_status
run(void *state, struct rollin_call *call)
{
	struct import im;
	json_error_t  jerr;
	json_t       *doc, *result, *name, *releases, *v, *rel;
	const char   *input;
	size_t        len, i, n;

	(void)state;
	memset(&im, 0, sizeof(im));
	im.call = call;
	im.input = host->input_name(call);
	if (im.input == NULL || *im.input == '\0')
		im.input = "product.json";
	input = host->input(call, &len);
	doc = json_loadb(input ? input : "", input ? len : 0,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL)
		return fail(&im, "not JSON: line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
	result = json_object_get(doc, "result");
	name = json_object_get(result, "name");
	releases = json_object_get(result, "releases");
	v = json_object_get(doc, "schema_version");
	if (!json_is_object(doc) || !json_is_object(result)) {
		json_decref(doc);
		return fail(&im,
		    "not an endoflife.date product: expected an object with "
		    "\"result\" as /api/v1/products/{product} answers");
	}
	if (json_is_string(v) && strncmp(json_string_value(v), "1.", 2) != 0) {
		json_decref(doc);
		return fail(&im,
		    "schema_version %.20s: only endoflife.date API v1 (1.x) "
		    "is understood",
		    json_string_value(v));
	}
	if (!json_is_string(name) ||
	    !valid_product_name(json_string_value(name))) {
		json_decref(doc);
		return fail(&im,
		    "result.name must be the product's name as endoflife.date "
		    "spells it (lowercase letters, digits, '.', '_', '-')");
	}
	if (!json_is_array(releases)) {
		json_decref(doc);
		return fail(&im,
		    "result.releases must be an array of release "
		    "cycles");
	}
	im.product = json_string_value(name);
	/* The day the source's flags were true, for flags without dates. */
	v = json_object_get(doc, "generated_at");
	if (json_is_string(v))
		snprintf(im.day, sizeof(im.day), "%.10s", json_string_value(v));
	if (!valid_date(im.day))
		today(&im);
	if (pick_target(&im, doc) != ROLLIN_OK ||
	    (im.solution == NULL && import_product(&im, result) != ROLLIN_OK)) {
		json_decref(doc);
		return ROLLIN_FAILED;
	}
	n = json_array_size(releases);
	json_array_foreach(releases, i, rel)
	{
		im.index = i;
		import_release(&im, rel);
		host->progress(call, i + 1, n);
	}
	json_decref(doc);
	return ROLLIN_OK;
}

static const struct rollin_plugin plugin = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "endoflife",
	.version = "1.0.0",
	.description = "endoflife.date API v1 product importer: third-party "
	               "products and their release cycles, or a solution's "
	               "own cycles",
	.kind = ROLLIN_IMPORTER,
	.init = init,
	.run = run,
};

ROLLIN_PLUGIN(plugin)
