/*
 * The endoflife.date API v1 (schema 1.2.1) for the catalogue's solutions,
 * so that any endoflife.date client can point at Rollin:
 *
 *	GET /eol/api/v1/				index
 *	GET /eol/api/v1/products/			every solution (summary)
 *	GET /eol/api/v1/products/{slug}/		a solution, its cycles
 *	GET /eol/api/v1/products/{slug}/releases/{cycle}/
 *	GET /eol/api/v1/products/{slug}/releases/latest/
 *
 * Same envelope ({ schema_version, generated_at, ..., result }) and field
 * semantics as endoflife.date: a product is a solution (name = slug, label
 * = name), a release is a maintenance cycle. isEol/eolFrom come from the
 * cycle's eol, isEoas/eoasFrom from its end of active support, isEoes/
 * eoesFrom from its extended support (both pairs only for solutions that
 * have such dates, as endoflife.date leaves out columns a product lacks),
 * latest from the cycle's newest released release. A date counts as
 * reached on its day, as everywhere in Rollin (cycles' support_status).
 * Releases are listed newest first; "latest" is the newest cycle already
 * released. Unknown products and releases answer 404 with endoflife.date's
 * { "message": ... }.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"

#define EOL_SCHEMA_VERSION "1.2.1"
#define EOL_CATEGORY       "app" /* endoflife.date's for applications */

/* One cycle of a solution as the query reads it. */
struct eol_cycle {
	const char *name, *release_date, *support_until, *eol, *ext;
	const char *latest, *latest_date;
	int         lts;
};

/* The envelope; meta (may be NULL) and result are stolen. */
static void
reply_envelope(struct request *req, json_t *meta, json_t *result)
{
	char    ts[CLOCK_TS_LEN];
	json_t *doc;

	clock_format_ts(clock_now(), ts);
	doc = json_pack("{s:s, s:s}", "schema_version", EOL_SCHEMA_VERSION,
	    "generated_at", ts);
	if (meta != NULL) {
		json_object_update(doc, meta);
		json_decref(meta);
	}
	json_object_set_new(doc, "result", result);
	/* Public data, read by tools and browsers alike. */
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Access-Control-Allow-Origin", "*");
	reply_json(req, 200, doc, 0);
}

/* endoflife.date's 404: { "message": "Product not found" }. */
static void
reply_not_found(struct request *req, const char *message)
{
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Access-Control-Allow-Origin", "*");
	reply_json(req, 404, json_pack("{s:s}", "message", message), 0);
}

static void
reply_store_error(struct request *req)
{
	reply_errorf(req, 500, "store", NULL, "reading the catalogue failed");
}

/* ---- products ----------------------------------------------------------- */

/* The category is always one of the tags; tags are sorted. */
static json_t *
tags_of(const char *owner)
{
	json_t *tags = json_array();

	if (owner && strcmp(owner, EOL_CATEGORY) < 0)
		json_array_append_new(tags, json_string(owner));
	json_array_append_new(tags, json_string(EOL_CATEGORY));
	if (owner && strcmp(owner, EOL_CATEGORY) > 0)
		json_array_append_new(tags, json_string(owner));
	return tags;
}

static json_t *
product_summary(struct request *req, const char *slug, const char *label,
    const char *owner)
{
	char base[300], uri[600];

	request_base_url(req, base, sizeof(base));
	snprintf(uri, sizeof(uri), "%s/eol/api/v1/products/%s/", base, slug);
	return json_pack("{s:s, s:s, s:[], s:s, s:o, s:s}", "name", slug,
	    "label", label, "aliases", "category", EOL_CATEGORY, "tags",
	    tags_of(owner), "uri", uri);
}

void
api_eol_index(struct request *req)
{
	char base[300], uri[600];

	request_base_url(req, base, sizeof(base));
	snprintf(uri, sizeof(uri), "%s/eol/api/v1/products/", base);
	reply_envelope(req, json_pack("{s:i}", "total", 1),
	    json_pack("[{s:s, s:s}]", "name", "products", "uri", uri));
}

void
api_eol_products(struct request *req)
{
	sqlite3_stmt *st = db_prepare(req->db,
	    "SELECT s.slug, s.name, o.slug FROM solutions s "
	    "JOIN organisations o ON o.id = s.owner_id ORDER BY s.slug");
	json_t       *items = json_array();
	int           rc;

	if (st == NULL) {
		json_decref(items);
		reply_store_error(req);
		return;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items,
		    product_summary(req, db_column_text(st, 0),
		        db_column_text(st, 1), db_column_text(st, 2)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(items);
		reply_store_error(req);
		return;
	}
	reply_envelope(req,
	    json_pack("{s:I}", "total", (json_int_t)json_array_size(items)),
	    items);
}

/* ---- releases (cycles) ---------------------------------------------------- */

/*
 * A solution's cycles, newest first. A cycle without a release date counts
 * from its first release. latest is the newest released release, as the
 * cycles API derives it.
 */
static const char cycles_sql[] =
    "SELECT name, rd, support_until, eol, lts, extended_support, "
    "(SELECT version FROM releases r WHERE r.cycle_id = x.id "
    "AND r.status = 'released' ORDER BY date DESC, id DESC LIMIT 1), "
    "(SELECT date FROM releases r WHERE r.cycle_id = x.id "
    "AND r.status = 'released' ORDER BY date DESC, id DESC LIMIT 1) "
    "FROM (SELECT c.*, coalesce(c.release_date, (SELECT min(date) "
    "FROM releases r WHERE r.cycle_id = c.id AND r.status = 'released')) "
    "AS rd FROM cycles c WHERE c.solution_id = ?) x "
    "ORDER BY rd IS NULL, rd DESC, id DESC";

static int
reached(const char *date, const char *today)
{
	return date != NULL && strcmp(today, date) >= 0;
}

static json_t *
date_or_null(const char *date)
{
	return date ? json_string(date) : json_null();
}

/*
 * One ProductRelease. has_eoas/has_eoes: whether the solution has the
 * columns at all (any cycle with such a date).
 */
static json_t *
release_json(const struct eol_cycle *c, int has_eoas, int has_eoes,
    const char *today)
{
	int     eol = reached(c->eol, today);
	int     ext_running = c->ext != NULL && !reached(c->ext, today);
	char    label[96];
	json_t *r;

	snprintf(label, sizeof(label), "%s%s", c->name, c->lts ? " (LTS)" : "");
	r = json_pack("{s:s, s:n, s:s, s:o, s:b, s:n}", "name", c->name,
	    "codename", "label", label, "releaseDate",
	    date_or_null(c->release_date), "isLts", c->lts, "ltsFrom");
	if (has_eoas) {
		/* Without its own date, active support ends with life. */
		json_object_set_new(r, "isEoas",
		    json_boolean(c->support_until
		            ? reached(c->support_until, today)
		            : eol));
		json_object_set_new(r, "eoasFrom",
		    date_or_null(c->support_until));
	}
	json_object_set_new(r, "isEol", json_boolean(eol));
	json_object_set_new(r, "eolFrom", date_or_null(c->eol));
	if (has_eoes) {
		/* null: this cycle gets no extended support. */
		json_object_set_new(r, "isEoes",
		    c->ext ? json_boolean(reached(c->ext, today))
		           : json_null());
		json_object_set_new(r, "eoesFrom", date_or_null(c->ext));
	}
	json_object_set_new(r, "isMaintained",
	    json_boolean(!eol || ext_running));
	json_object_set_new(r, "latest",
	    c->latest ? json_pack("{s:s, s:o, s:n}", "name", c->latest, "date",
	                    date_or_null(c->latest_date), "link")
	              : json_null());
	json_object_set_new(r, "custom", json_null());
	return r;
}

struct eol_product {
	int64_t     id;
	const char *slug, *label, *owner, *homepage, *modified;
	json_t     *row; /* keeps the strings above */
};

/* Looks up the solution; replies 404 and returns -1 if there is none. */
static int
find_product(struct request *req, struct eol_product *p)
{
	sqlite3_stmt *st = db_prepare(req->db,
	    "SELECT s.id, s.slug, s.name, o.slug, s.homepage, "
	    "max(s.updated_at, s.touched_at) FROM solutions s "
	    "JOIN organisations o ON o.id = s.owner_id WHERE s.slug = ?");
	int           rc;

	memset(p, 0, sizeof(*p));
	if (st == NULL) {
		reply_store_error(req);
		return -1;
	}
	db_bind_text(st, 1, req->params[0]);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->id = sqlite3_column_int64(st, 0);
		p->row = json_pack("[s, s, s, s?, s]", db_column_text(st, 1),
		    db_column_text(st, 2), db_column_text(st, 3),
		    db_column_text(st, 4), db_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			reply_not_found(req, "Product not found");
		else
			reply_store_error(req);
		return -1;
	}
	p->slug = json_string_value(json_array_get(p->row, 0));
	p->label = json_string_value(json_array_get(p->row, 1));
	p->owner = json_string_value(json_array_get(p->row, 2));
	p->homepage = json_string_value(json_array_get(p->row, 3));
	p->modified = json_string_value(json_array_get(p->row, 4));
	return 0;
}

/*
 * The solution's cycles as rows [name, release date, support until, eol,
 * lts, extended support, latest, latest date]; NULL if reading failed.
 */
static json_t *
read_cycles(struct request *req, int64_t id)
{
	sqlite3_stmt *st = db_prepare(req->db, cycles_sql);
	json_t       *rows = json_array(), *row;
	int           rc;

	if (st == NULL) {
		json_decref(rows);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = json_array();
		for (int i = 0; i < 8; i++) {
			const char *v = db_column_text(st, i);
			if (i == 4)
				json_array_append_new(row,
				    json_boolean(sqlite3_column_int(st, i)));
			else
				json_array_append_new(row,
				    v ? json_string(v) : json_null());
		}
		json_array_append_new(rows, row);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static void
cycle_of(json_t *row, struct eol_cycle *c)
{
	c->name = json_string_value(json_array_get(row, 0));
	c->release_date = json_string_value(json_array_get(row, 1));
	c->support_until = json_string_value(json_array_get(row, 2));
	c->eol = json_string_value(json_array_get(row, 3));
	c->lts = json_is_true(json_array_get(row, 4));
	c->ext = json_string_value(json_array_get(row, 5));
	c->latest = json_string_value(json_array_get(row, 6));
	c->latest_date = json_string_value(json_array_get(row, 7));
}

/* Whether any cycle has a value in column col. */
static int
any_has(json_t *rows, size_t col)
{
	json_t *row;
	size_t  i;

	json_array_foreach(rows, i, row)
	{
		if (json_is_string(json_array_get(row, col)))
			return 1;
	}
	return 0;
}

void
api_eol_product(struct request *req)
{
	struct eol_product p;
	struct eol_cycle   c;
	json_t            *rows, *row, *releases, *result;
	char               today[CLOCK_DATE_LEN], base[300], html[700];
	char               modified[CLOCK_TS_LEN];
	time_t             t;
	size_t             i;
	int                has_eoas, has_eoes;

	if (find_product(req, &p) == -1)
		return;
	if ((rows = read_cycles(req, p.id)) == NULL) {
		json_decref(p.row);
		reply_store_error(req);
		return;
	}
	clock_format_date(clock_now(), today);
	has_eoas = any_has(rows, 2);
	has_eoes = any_has(rows, 5);
	releases = json_array();
	json_array_foreach(rows, i, row)
	{
		cycle_of(row, &c);
		json_array_append_new(releases,
		    release_json(&c, has_eoas, has_eoes, today));
	}
	/* The solution's own page if it has one, else its catalogue entry. */
	request_base_url(req, base, sizeof(base));
	if (p.homepage)
		snprintf(html, sizeof(html), "%s", p.homepage);
	else
		snprintf(html, sizeof(html), "%s/api/v1/solutions/%s", base,
		    p.slug);
	result = product_summary(req, p.slug, p.label, p.owner);
	json_object_del(result, "uri");
	json_object_set_new(result, "versionCommand", json_null());
	json_object_set_new(result, "identifiers", json_array());
	json_object_set_new(result, "labels",
	    json_pack("{s:s?, s:n, s:s, s:s?}", "eoas",
	        has_eoas ? "Active Support" : NULL, "discontinued", "eol",
	        "Security Support", "eoes",
	        has_eoes ? "Extended Support" : NULL));
	json_object_set_new(result, "links",
	    json_pack("{s:n, s:s, s:n}", "icon", "html", html,
	        "releasePolicy"));
	json_object_set_new(result, "releases", releases);
	/* Stored as "2026-01-01T10:00:00Z" (or a date): one format out. */
	if (p.modified && clock_parse_ts(p.modified, &t) == 0)
		clock_format_ts(t, modified);
	else
		clock_format_ts(clock_now(), modified);
	reply_envelope(req, json_pack("{s:s}", "last_modified", modified),
	    result);
	json_decref(rows);
	json_decref(p.row);
}

/*
 * One release: by name (a '/' in a cycle's name may be given as '-', as
 * endoflife.date names such releases), or the latest: the newest cycle
 * already released on the day, else the newest.
 */
static void
answer_release(struct request *req, const char *name)
{
	struct eol_product p;
	struct eol_cycle   c;
	json_t            *rows, *row, *found = NULL;
	char               today[CLOCK_DATE_LEN], dashed[128];
	size_t             i;

	if (find_product(req, &p) == -1)
		return;
	if ((rows = read_cycles(req, p.id)) == NULL) {
		json_decref(p.row);
		reply_store_error(req);
		return;
	}
	clock_format_date(clock_now(), today);
	json_array_foreach(rows, i, row)
	{
		cycle_of(row, &c);
		if (name == NULL) {
			if (c.release_date &&
			    strcmp(c.release_date, today) <= 0) {
				found = row;
				break;
			}
			continue;
		}
		snprintf(dashed, sizeof(dashed), "%s", c.name);
		for (char *s = dashed; *s; s++)
			if (*s == '/')
				*s = '-';
		if (strcmp(c.name, name) == 0 || strcmp(dashed, name) == 0) {
			found = row;
			break;
		}
	}
	if (name == NULL && found == NULL)
		found = json_array_get(rows, 0);
	if (found == NULL)
		reply_not_found(req, "Release not found");
	else {
		cycle_of(found, &c);
		reply_envelope(req, NULL,
		    release_json(&c, any_has(rows, 2), any_has(rows, 5),
		        today));
	}
	json_decref(rows);
	json_decref(p.row);
}

void
api_eol_latest(struct request *req)
{
	answer_release(req, NULL);
}

void
api_eol_release(struct request *req)
{
	answer_release(req, req->params[1]);
}
