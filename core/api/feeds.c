/*
 * Atom 1.0 (RFC 4287) feeds of releases and lifecycle events:
 *
 *	GET /api/v1/solutions/{slug}/feed.atom	one solution
 *	GET /api/v1/feed.atom			the whole catalogue
 *
 * An entry is either a release (planned, released or withdrawn: one entry
 * per release, whose id stays while its updated moves with every change)
 * or a lifecycle event from the event log that tells the public something
 * (a cycle's support ending, its end of life, a release overdue, a
 * solution retired). Roll-in events and the owners' freshness reminders
 * stay out: roll-ins are readable only when signed in.
 *
 * Ids are tag URIs (RFC 4151) built from row ids, with the host of the
 * configured public_url (else the request's Host) as authority; links
 * point at the web UI's solution page. Entries are sorted newest first by
 * updated; the feed's updated is its newest entry's. The body's hash is
 * the ETag, so readers that poll get 304 until something changes.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "config/config.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"
#include "util/markdown.h"
#include "util/strbuf.h"
#include "util/xml.h"

#define ATOM_NS       "http://www.w3.org/2005/Atom"
#define ATOM_TYPE     "application/atom+xml; charset=utf-8"
#define TAG_DATE      "2026" /* when Rollin minted its tag URIs */
#define LIMIT_DEFAULT 50
#define LIMIT_MAX     200
/* As in the events_feed index (migration 0006), which it lets SQLite use. */
#define LIFECYCLE_SQL                                              \
	"e.type IN ('cycle.support_ending', 'cycle.eol_reached', " \
	"'release.overdue', 'solution.retired')"

/* Titles and summaries in the feed's language. */
struct phrases {
	const char *lang;
	const char *feed_title, *solution_feed_title;
	const char *planned, *released, *withdrawn; /* titles */
	const char *sum_planned, *sum_released, *sum_withdrawn, *in_cycle;
	const char *support_ending, *sum_support_ending;
	const char *eol_reached, *sum_eol_reached;
	const char *overdue, *sum_overdue;
	const char *retired, *sum_retired;
};

static const struct phrases de = {
	"de",
	"Rollin: Releases und Lebenszyklus aller Lösungen",
	"%s: Releases und Lebenszyklus",
	"%s %s geplant für %s",
	"%s %s veröffentlicht",
	"%s %s zurückgezogen",
	"Version %s ist für %s geplant.",
	"Version %s wurde am %s veröffentlicht.",
	"Version %s wurde zurückgezogen.",
	" Zyklus: %s.",
	"%s %s: aktiver Support endet am %s",
	"Der aktive Support für den Zyklus %s endet in %d Tagen (%s).",
	"%s %s: Lebensende erreicht",
	"Der Zyklus %s erhält seit %s keine Sicherheitsupdates mehr.",
	"%s %s ist überfällig",
	"Version %s war für %s geplant und ist noch nicht veröffentlicht.",
	"%s eingestellt",
	"%s wird nicht mehr weiterentwickelt.",
};

static const struct phrases en = {
	"en",
	"Rollin: releases and lifecycle of all solutions",
	"%s: releases and lifecycle",
	"%s %s planned for %s",
	"%s %s released",
	"%s %s withdrawn",
	"Version %s is planned for %s.",
	"Version %s was released on %s.",
	"Version %s was withdrawn.",
	" Cycle: %s.",
	"%s %s: active support ends on %s",
	"Active support for cycle %s ends in %d days (%s).",
	"%s %s: end of life reached",
	"Cycle %s gets no security updates since %s.",
	"%s %s is overdue",
	"Version %s was planned for %s and is not released yet.",
	"%s retired",
	"%s is no longer developed.",
};

struct entry {
	char    kind[32]; /* "release.<status>" or the event type */
	char    id[96];   /* "release/42", "event/7" (after the tag) */
	char    updated[CLOCK_TS_LEN];
	char    when[CLOCK_TS_LEN]; /* the day it is about, to order ties */
	int64_t rowid;
	struct strbuf title, summary, author;
	char         *content; /* HTML of the release notes, or NULL */
	char          slug[128];
};

struct entries {
	struct entry *v;
	size_t        n, cap;
};

struct feed {
	struct request       *req;
	const struct phrases *ph;
	char                  base[600]; /* "https://host[/prefix]" */
	char                  authority[256];
	const char           *query; /* "?lang=en" for self links, or "" */
	int                   limit;
};

static void
entry_clear(struct entry *e)
{
	strbuf_free(&e->title);
	strbuf_free(&e->summary);
	strbuf_free(&e->author);
	free(e->content);
	memset(e, 0, sizeof(*e));
}

static void
entries_free(struct entries *l)
{
	for (size_t i = 0; i < l->n; i++)
		entry_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct entry *
entries_add(struct entries *l)
{
	struct entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		void  *v = realloc(l->v, cap * sizeof(*l->v));
		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const char *s = db_column_text(st, i);

	return s ? s : "";
}

/* Stored times are "YYYY-MM-DDTHH:MM:SSZ" (or a date): RFC 3339 out. */
static void
rfc3339(const char *stored, char out[CLOCK_TS_LEN])
{
	time_t t;

	clock_format_ts(clock_parse_ts(stored, &t) == 0 ? t : 0, out);
}

/*
 * Where clients reach us: the configured public_url, else scheme and Host
 * of the request. The tag authority is that URL's host without the port
 * (RFC 4151 allows only a DNS name there).
 */
static void
feed_base(struct feed *f)
{
	const char *p;
	size_t      n;

	request_base_url(f->req, f->base, sizeof(f->base));
	p = strstr(f->base, "://") + 3;
	n = strcspn(p, ":/");
	if (n == 0 || n >= sizeof(f->authority) ||
	    strspn(p,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789.-") < n)
		snprintf(f->authority, sizeof(f->authority), "localhost");
	else
		snprintf(f->authority, sizeof(f->authority), "%.*s", (int)n, p);
}

static void
tag_uri(const struct feed *f, const char *what, char *out, size_t len)
{
	snprintf(out, len, "tag:%s,%s:%s", f->authority, TAG_DATE, what);
}

/* The web UI's page of a solution. */
static void
solution_page(const struct feed *f, const char *slug, char *out, size_t len)
{
	char *enc = evhttp_encode_uri(slug);

	snprintf(out, len, "%s/solution.html?slug=%s", f->base, enc ? enc : "");
	free(enc);
}

/* ---- entries ------------------------------------------------------------ */

#define RELEASES_SQL(where)                                          \
	"SELECT r.id, r.version, r.status, r.planned_date, r.date, " \
	"r.notes, r.updated_at, c.name, s.slug, s.name, o.name "     \
	"FROM releases r JOIN solutions s ON s.id = r.solution_id "  \
	"JOIN organisations o ON o.id = s.owner_id "                 \
	"LEFT JOIN cycles c ON c.id = r.cycle_id " where             \
	" ORDER BY r.updated_at DESC, r.id DESC LIMIT ?2"

static void
release_entry(const struct feed *f, sqlite3_stmt *st, struct entry *e)
{
	const struct phrases *ph = f->ph;
	const char           *version = col(st, 1), *status = col(st, 2);
	const char           *planned = col(st, 3), *date = col(st, 4);
	const char           *notes = db_column_text(st, 5);
	const char           *cycle = db_column_text(st, 7);
	const char           *name = col(st, 9);

	snprintf(e->kind, sizeof(e->kind), "release.%s", status);
	e->rowid = sqlite3_column_int64(st, 0);
	snprintf(e->id, sizeof(e->id), "release/%lld", (long long)e->rowid);
	rfc3339(col(st, 6), e->updated);
	snprintf(e->when, sizeof(e->when), "%s", *date ? date : planned);
	snprintf(e->slug, sizeof(e->slug), "%s", col(st, 8));
	strbuf_add(&e->author, col(st, 10));
	if (strcmp(status, "planned") == 0) {
		strbuf_addf(&e->title, ph->planned, name, version, planned);
		strbuf_addf(&e->summary, ph->sum_planned, version, planned);
	} else if (strcmp(status, "released") == 0) {
		strbuf_addf(&e->title, ph->released, name, version);
		strbuf_addf(&e->summary, ph->sum_released, version, date);
	} else {
		strbuf_addf(&e->title, ph->withdrawn, name, version);
		strbuf_addf(&e->summary, ph->sum_withdrawn, version);
	}
	if (cycle != NULL)
		strbuf_addf(&e->summary, ph->in_cycle, cycle);
	/* Rendered as the API renders notes_html: raw HTML dropped. */
	if (notes != NULL && *notes != '\0')
		e->content = markdown_html(notes, strlen(notes));
}

static int
read_releases(struct feed *f, int64_t solution_id, struct entries *out)
{
	sqlite3_stmt *st;
	struct entry *e;
	int           rc;

	st = db_prepare(f->req->db,
	    solution_id ? RELEASES_SQL("WHERE r.solution_id = ?1")
	                : RELEASES_SQL("WHERE ?1 = 0"));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, solution_id);
	sqlite3_bind_int(st, 2, f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = entries_add(out)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		release_entry(f, st, e);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const char *
field_of(json_t *payload, const char *record, const char *name)
{
	json_t *v = record ? json_object_get(payload, record) : payload;

	v = json_object_get(v, name);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Fills title and summary of a lifecycle event; 0 if the type is unknown. */
static int
event_text(const struct feed *f, const char *type, json_t *p, const char *name,
    struct entry *e)
{
	const struct phrases *ph = f->ph;
	const char           *cycle = field_of(p, "cycle", "name");
	const char           *version = field_of(p, "release", "version");

	if (strcmp(type, "cycle.support_ending") == 0) {
		const char *until = field_of(p, NULL, "support_until");
		strbuf_addf(&e->title, ph->support_ending, name, cycle, until);
		strbuf_addf(&e->summary, ph->sum_support_ending, cycle,
		    (int)json_integer_value(json_object_get(p, "days_left")),
		    until);
	} else if (strcmp(type, "cycle.eol_reached") == 0) {
		strbuf_addf(&e->title, ph->eol_reached, name, cycle);
		strbuf_addf(&e->summary, ph->sum_eol_reached, cycle,
		    field_of(p, NULL, "eol"));
	} else if (strcmp(type, "release.overdue") == 0) {
		strbuf_addf(&e->title, ph->overdue, name, version);
		strbuf_addf(&e->summary, ph->sum_overdue, version,
		    field_of(p, NULL, "planned_date"));
	} else if (strcmp(type, "solution.retired") == 0) {
		strbuf_addf(&e->title, ph->retired, name);
		strbuf_addf(&e->summary, ph->sum_retired, name);
	} else
		return 0;
	return 1;
}

#define EVENTS_SQL(where)                                                 \
	"SELECT e.id, e.time, e.type, e.payload, s.slug, s.name, o.name " \
	"FROM events e JOIN solutions s ON s.id = e.solution_id "         \
	"JOIN organisations o ON o.id = s.owner_id "                      \
	"WHERE " LIFECYCLE_SQL " AND " where " ORDER BY e.id DESC LIMIT ?2"

static int
read_events(struct feed *f, int64_t solution_id, struct entries *out)
{
	sqlite3_stmt *st;
	struct entry *e;
	json_t       *payload;
	int           rc;

	st = db_prepare(f->req->db,
	    solution_id ? EVENTS_SQL("e.solution_id = ?1")
	                : EVENTS_SQL("?1 = 0"));
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, solution_id);
	sqlite3_bind_int(st, 2, f->limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		payload = json_loads(col(st, 3), 0, NULL);
		if ((e = entries_add(out)) == NULL) {
			json_decref(payload);
			rc = SQLITE_NOMEM;
			break;
		}
		if (!event_text(f, col(st, 2), payload, col(st, 5), e)) {
			entry_clear(e);
			out->n--;
			json_decref(payload);
			continue;
		}
		json_decref(payload);
		snprintf(e->kind, sizeof(e->kind), "%s", col(st, 2));
		e->rowid = sqlite3_column_int64(st, 0);
		snprintf(e->id, sizeof(e->id), "event/%lld",
		    (long long)e->rowid);
		rfc3339(col(st, 1), e->updated);
		snprintf(e->when, sizeof(e->when), "%s", e->updated);
		snprintf(e->slug, sizeof(e->slug), "%s", col(st, 4));
		strbuf_add(&e->author, col(st, 6));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Newest first; equal times (a whole import lands in one second) by the
 * day the entry is about, then in a fixed order, so the body is stable.
 */
static int
newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int                 c = strcmp(y->updated, x->updated);

	if (c == 0)
		c = strcmp(y->when, x->when);
	if (c == 0)
		c = strcmp(y->kind, x->kind);
	if (c == 0)
		c = (y->rowid > x->rowid) - (y->rowid < x->rowid);
	return c;
}

/* ---- the document ------------------------------------------------------- */

static const char *
text_of(const struct strbuf *b)
{
	return b->s ? b->s : "";
}

static void
link(struct xml *x, const char *rel, const char *type, const char *href)
{
	xml_start(x, "link");
	xml_attr(x, "rel", rel);
	if (type)
		xml_attr(x, "type", type);
	xml_attr(x, "href", href);
	xml_end(x);
}

static void
write_entry(struct xml *x, const struct feed *f, const struct entry *e)
{
	char uri[900];

	xml_start(x, "entry");
	tag_uri(f, e->id, uri, sizeof(uri));
	xml_element(x, "id", uri);
	xml_start(x, "title");
	xml_attr(x, "type", "text");
	xml_text(x, text_of(&e->title));
	xml_end(x);
	xml_element(x, "updated", e->updated);
	solution_page(f, e->slug, uri, sizeof(uri));
	link(x, "alternate", "text/html", uri);
	xml_start(x, "author");
	xml_element(x, "name", text_of(&e->author));
	xml_end(x);
	xml_start(x, "category");
	xml_attr(x, "term", e->kind);
	xml_end(x);
	xml_start(x, "summary");
	xml_attr(x, "type", "text");
	xml_text(x, text_of(&e->summary));
	xml_end(x);
	/* type="html": the writer escapes the fragment, readers unescape it. */
	if (e->content != NULL) {
		xml_start(x, "content");
		xml_attr(x, "type", "html");
		xml_text(x, e->content);
		xml_end(x);
	}
	xml_end(x);
}

struct feed_head {
	const char *id, *title, *self, *alternate;
	const char *updated; /* when the feed has no entry */
};

static int
write_feed(struct feed *f, const struct feed_head *head, struct entries *l,
    struct evbuffer *out)
{
	struct xml x;

	if (xml_open(&x) == -1)
		return -1;
	xml_start_ns(&x, "feed", ATOM_NS);
	xml_attr(&x, "xml:lang", f->ph->lang);
	xml_element(&x, "id", head->id);
	xml_element(&x, "title", head->title);
	xml_element(&x, "updated", l->n ? l->v[0].updated : head->updated);
	link(&x, "self", "application/atom+xml", head->self);
	link(&x, "alternate", "text/html", head->alternate);
	xml_start(&x, "generator");
	xml_attr(&x, "version", ROLLIN_VERSION);
	xml_text(&x, "Rollin");
	xml_end(&x);
	for (size_t i = 0; i < l->n; i++)
		write_entry(&x, f, &l->v[i]);
	xml_end(&x);
	return xml_finish(&x, out);
}

/* ---- requests ----------------------------------------------------------- */

/* ?limit= and ?lang=; replies 400 and returns -1 if one is bad. */
static int
feed_params(struct request *req, struct feed *f)
{
	const char *limit = request_query(req, "limit");
	const char *lang = request_query(req, "lang");
	char       *end;
	long        n;

	memset(f, 0, sizeof(*f));
	f->req = req;
	f->limit = LIMIT_DEFAULT;
	f->ph = &de;
	f->query = "";
	if (limit != NULL) {
		n = strtol(limit, &end, 10);
		if (end == limit || *end != '\0' || n < 1 || n > LIMIT_MAX) {
			reply_errorf(req, 400, "invalid_parameter", "limit",
			    "limit must be a whole number from 1 to %d",
			    LIMIT_MAX);
			return -1;
		}
		f->limit = (int)n;
	}
	if (lang != NULL && strcmp(lang, "de") != 0) {
		if (strcmp(lang, "en") != 0) {
			reply_errorf(req, 400, "invalid_parameter", "lang",
			    "lang must be de or en");
			return -1;
		}
		f->ph = &en;
		f->query = "?lang=en";
	}
	feed_base(f);
	return 0;
}

/* Sends the feed with its hash as ETag, or 304 if the client has it. */
static void
reply_feed(struct request *req, struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req->ev);
	unsigned char     hash[16];
	char              hex[sizeof(hash) * 2 + 1], etag[sizeof(hex) + 2];
	const char       *inm;
	size_t            len = evbuffer_get_length(body);

	crypto_generichash(hash, sizeof(hash), evbuffer_pullup(body, -1), len,
	    NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(etag, sizeof(etag), "\"%s\"", hex);
	evhttp_add_header(h, "ETag", etag);
	evhttp_add_header(h, "Cache-Control", "no-cache");
	inm = evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	    "If-None-Match");
	if (inm && (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL)) {
		reply_buffer(req, 304, NULL, NULL, 0);
		return;
	}
	reply_buffer(req, 200, ATOM_TYPE, body, 0);
}

static void
serve_feed(struct request *req, struct feed *f, int64_t solution_id,
    const struct feed_head *head)
{
	struct entries   l = { 0 };
	struct evbuffer *body;

	if (read_releases(f, solution_id, &l) == -1 ||
	    read_events(f, solution_id, &l) == -1) {
		entries_free(&l);
		reply_errorf(req, 500, "store", NULL,
		    "reading the feed failed");
		return;
	}
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), newest_first);
	if (l.n > (size_t)f->limit) {
		for (size_t i = (size_t)f->limit; i < l.n; i++)
			entry_clear(&l.v[i]);
		l.n = (size_t)f->limit;
	}
	body = evbuffer_new();
	if (body == NULL || write_feed(f, head, &l, body) == -1)
		reply_errorf(req, 500, "internal", NULL,
		    "writing the feed failed");
	else
		reply_feed(req, body);
	if (body)
		evbuffer_free(body);
	entries_free(&l);
}

void
api_feed(struct request *req)
{
	struct feed      f;
	struct feed_head head;
	char             id[400], self[800], alt[700], now[CLOCK_TS_LEN];

	if (feed_params(req, &f) == -1)
		return;
	tag_uri(&f, "feed", id, sizeof(id));
	snprintf(self, sizeof(self), "%s/api/v1/feed.atom%s", f.base, f.query);
	snprintf(alt, sizeof(alt), "%s/", f.base);
	clock_format_ts(clock_now(), now);
	head = (struct feed_head){ id, f.ph->feed_title, self, alt, now };
	serve_feed(req, &f, 0, &head);
}

void
api_solution_feed(struct request *req)
{
	struct feed      f;
	struct feed_head head;
	sqlite3_stmt    *st;
	char             what[64], id[400], title[512], self[800], alt[700];
	char             created[CLOCK_TS_LEN], *slug;
	int64_t          sid = 0;

	if (feed_params(req, &f) == -1)
		return;
	st = db_prepare(req->db,
	    "SELECT id, name, created_at FROM solutions WHERE slug = ?");
	if (st == NULL) {
		reply_errorf(req, 500, "store", NULL, "store unavailable");
		return;
	}
	db_bind_text(st, 1, req->params[0]);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sid = sqlite3_column_int64(st, 0);
		snprintf(title, sizeof(title), f.ph->solution_feed_title,
		    col(st, 1));
		rfc3339(col(st, 2), created);
	}
	sqlite3_reset(st);
	if (sid == 0) {
		reply_errorf(req, 404, "not_found", NULL, "no solution '%s'",
		    req->params[0]);
		return;
	}
	/* By row id: the feed keeps its identity if the slug changes. */
	snprintf(what, sizeof(what), "solution/%lld/feed", (long long)sid);
	tag_uri(&f, what, id, sizeof(id));
	slug = evhttp_encode_uri(req->params[0]);
	snprintf(self, sizeof(self), "%s/api/v1/solutions/%s/feed.atom%s",
	    f.base, slug ? slug : "", f.query);
	free(slug);
	solution_page(&f, req->params[0], alt, sizeof(alt));
	head = (struct feed_head){ id, title, self, alt, created };
	serve_feed(req, &f, sid, &head);
}
