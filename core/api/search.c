/*
 * Catalogue search: full text over name, summary, description, problems
 * and processes (FTS5, diacritics folded), narrowed by facets, with the
 * counts of every facet value among the hits, so that a client can show
 * "Pilot (4)" next to each filter. And navigation by problem: which
 * problems the catalogue solves and how many solutions address each.
 */
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/quality.h"
#include "http/reply.h"
#include "store/db.h"
#include "store/facets.h"
#include "util/german.h"
#include "util/strbuf.h"

#define SEARCH_MAX_TERMS     16
#define SEARCH_DEFAULT_LIMIT 20

/*
 * Makes a safe FTS5 query from what a person typed: each word becomes a
 * quoted prefix term ("gebuhr"* finds Gebührenbescheid), all must match.
 * FTS5 operators in the input are thereby taken literally. A word spelt
 * with "ue" or "ss" finds the texts spelt with umlauts or ß by the
 * index's spellings column, which holds their transliterations. A word
 * with an umlaut or ß also finds its transliteration in the texts
 * ("Straße" OR "Strasse"), though not in that column: there it would
 * only find the texts that the word itself finds, and change their rank.
 */
static void
add_term(struct strbuf *b, const char *word)
{
	strbuf_add(b, "\"");
	for (const char *c = word; *c; c++) {
		char one[2] = { *c, '\0' };
		strbuf_add(b, *c == '"' ? "\"\"" : one);
	}
	strbuf_add(b, "\"*");
}

static char *
fts_query(const char *q)
{
	struct strbuf b = { 0 };
	char         *copy = strdup(q), *word, *save = NULL, *spelt;
	int           n = 0;

	for (word = strtok_r(copy, " \t\r\n", &save);
	     word != NULL && n < SEARCH_MAX_TERMS;
	     word = strtok_r(NULL, " \t\r\n", &save)) {
		strbuf_add(&b, n++ ? " AND " : "");
		spelt = german_transliterate(word);
		if (spelt == NULL || *spelt == '\0') {
			add_term(&b, word);
		} else {
			strbuf_add(&b, "(");
			add_term(&b, word);
			strbuf_add(&b, " OR - {spellings} : ");
			add_term(&b, spelt);
			strbuf_add(&b, ")");
		}
		free(spelt);
	}
	free(copy);
	if (n == 0) {
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_take(&b);
}

/* A hit: its rank (bm25, lower is better; 0 without text). */
struct hit {
	int64_t id;
	double  rank;
	char   *key; /* sort key of the name, read only where ranks tie */
};

static int
by_rank(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int
by_key(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	/* ICU sort keys have no NUL but their last byte. */
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Orders the hits of a text search as the answer does (rank, then name,
 * then id) as far as the page [first, end) needs it: names are read only
 * for hits that share their rank with another one on or next to the page.
 */
static void
order_hits(struct request *req, struct hit *h, size_t n, size_t first,
    size_t end)
{
	sqlite3_stmt *st;
	const char   *key;
	size_t        lo = first, hi = end, i, j;

	qsort(h, n, sizeof(*h), by_rank);
	while (lo > 0 && h[lo - 1].rank == h[lo].rank)
		lo--;
	while (hi < n && h[hi].rank == h[hi - 1].rank)
		hi++;
	for (i = lo; i < hi; i = j) {
		for (j = i + 1; j < hi && h[j].rank == h[i].rank; j++)
			;
		if (j - i < 2 ||
		    (st = db_prepare(req->db,
		         "SELECT name_key FROM solutions WHERE id "
		         "= ?")) == NULL)
			continue;
		for (size_t k = i; k < j; k++) {
			sqlite3_bind_int64(st, 1, h[k].id);
			key = sqlite3_step(st) == SQLITE_ROW
			    ? db_column_text(st, 0)
			    : NULL;
			h[k].key = strdup(key ? key : "");
			sqlite3_reset(st);
			if (h[k].key == NULL)
				return;
		}
		qsort(h + i, j - i, sizeof(*h), by_key);
	}
}

static int
add_hit(struct hit **hits, size_t *n, size_t *cap, int64_t id, double rank)
{
	struct hit *grown;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		if ((grown = realloc(*hits, *cap * sizeof(*grown))) == NULL)
			return -1;
		*hits = grown;
	}
	(*hits)[*n].id = id;
	(*hits)[*n].key = NULL;
	(*hits)[(*n)++].rank = rank;
	return 0;
}

/*
 * The hits of a text search: the MATCH once, rowids and ranks only, with
 * the facet filter tested in memory before bm25() is computed for a row.
 * A query that FTS5 refuses has no hits. -1 if out of memory.
 */
static int
text_hits(struct request *req, const char *fts, struct facets_filter *filter,
    struct hit **hits, size_t *n)
{
	sqlite3_stmt *st;
	size_t        cap = 0;
	int           rc;

	st = db_prepare(req->db,
	    filter->nvalues > 0
	        ? "SELECT rowid, bm25(solution_fts, 10.0, 5.0, 1.0, 3.0, "
	          "2.0, 2.0) FROM solution_fts WHERE solution_fts MATCH ? AND "
	          "rollin_facets_match(rowid, ?)"
	        : "SELECT rowid, bm25(solution_fts, 10.0, 5.0, 1.0, 3.0, "
	          "2.0, 2.0) FROM solution_fts WHERE solution_fts MATCH ?");
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, fts);
	if (filter->nvalues > 0)
		facets_bind_filter(st, 2, filter);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (add_hit(hits, n, &cap, sqlite3_column_int64(st, 0),
		        sqlite3_column_double(st, 1)) == -1) {
			sqlite3_reset(st);
			return -1;
		}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		*n = 0;
	return 0;
}

/*
 * Without text: every solution that passes the filter is a hit, ranked 0,
 * and so the answer is in name order. The hits are counted in memory; the
 * page is found by walking the name index from its start.
 */
static void
browse(struct request *req, struct facets *f,
    const struct facets_filter *filter, size_t first, size_t limit,
    struct hit *page, size_t *npage, size_t *total)
{
	sqlite3_stmt *st;
	size_t        seen = 0;
	int64_t       id;

	for (id = facets_next(f, 0); id > 0; id = facets_next(f, id))
		if (facets_match(f, filter, id)) {
			facets_count(f, id);
			(*total)++;
		}
	if (first >= *total ||
	    (st = db_prepare(req->db,
	         "SELECT id FROM solutions ORDER BY name_key, "
	         "id")) == NULL)
		return;
	while (*npage < limit && sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (facets_match(f, filter, id) && seen++ >= first) {
			page[*npage].id = id;
			page[(*npage)++].rank = 0.0;
		}
	}
	sqlite3_reset(st);
}

static json_t *
hit_item(sqlite3_stmt *st, double rank)
{
	json_t *item = json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s?, s:i}",
	    "slug", db_column_text(st, 0), "name", db_column_text(st, 1),
	    "summary", db_column_text(st, 2), "owner", db_column_text(st, 3),
	    "maturity", db_column_text(st, 4), "licence", db_column_text(st, 5),
	    "completeness", sqlite3_column_int(st, 6));
	int     days = sqlite3_column_int(st, 7);

	json_object_set_new(item, "freshness",
	    json_pack("{s:i, s:b}", "days", days, "stale",
	        days > quality_stale_days()));
	json_object_set_new(item, "score", json_real(-rank));
	return item;
}

/* The page: only its rows are read. */
static json_t *
page_items(struct request *req, const struct hit *page, size_t n)
{
	sqlite3_stmt *st;
	json_t       *items = json_array();

	st = db_prepare(req->db,
	    "SELECT s.slug, s.name, s.summary, o.slug, "
	    "s.maturity, s.licence, s.completeness, "
	    "rollin_days_since(max(s.touched_at, coalesce(s.confirmed_at, "
	    "''))) FROM solutions s JOIN organisations o ON o.id = "
	    "s.owner_id WHERE s.id = ?");
	if (st == NULL)
		return items;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, page[i].id);
		if (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(items,
			    hit_item(st, page[i].rank));
		sqlite3_reset(st);
	}
	return items;
}

/*
 * Lessons learned that match the text: what went wrong elsewhere is part
 * of what a person searching the catalogue should find.
 */
static json_t *
lesson_hits(struct request *req, const char *fts)
{
	sqlite3_stmt *st;
	json_t       *hits = json_array();

	st = db_prepare(req->db,
	    "SELECT l.id, l.title, l.category, s.slug, snippet(lesson_fts, 1, "
	    "'', '', ' … ', 16) FROM lesson_fts JOIN lessons l ON l.id = "
	    "lesson_fts.rowid JOIN solutions s ON s.id = l.solution_id WHERE "
	    "lesson_fts MATCH ? ORDER BY bm25(lesson_fts, 5.0, 1.0, 2.0, 1.0) "
	    "LIMIT 10");
	if (st == NULL)
		return hits;
	db_bind_text(st, 1, fts);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(hits,
		    json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
		        (json_int_t)sqlite3_column_int64(st, 0), "title",
		        db_column_text(st, 1), "category",
		        db_column_text(st, 2), "solution",
		        db_column_text(st, 3), "excerpt",
		        db_column_text(st, 4)));
	sqlite3_reset(st);
	return hits;
}

static void
step_once(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);

	if (st != NULL) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

static int
is_reserved(const char *key)
{
	static const char *const reserved[] = { "q", "limit", "cursor", NULL };

	for (size_t i = 0; reserved[i]; i++)
		if (strcmp(reserved[i], key) == 0)
			return 1;
	return 0;
}

void
api_search(struct request *req)
{
	struct facets_filter filter = { 0 };
	struct evkeyval     *kv;
	struct facets       *f;
	struct hit          *hits = NULL, page[100];
	const char          *q = request_query(req, "q"), *cursor;
	char                *fts = NULL, *end, next[32];
	json_t              *items, *answer;
	long                 limit = SEARCH_DEFAULT_LIMIT, offset = 0;
	size_t               n = 0, first, count = 0;
	int                  nbinds, reading = 0;

	if (request_query(req, "limit")) {
		limit = strtol(request_query(req, "limit"), &end, 10);
		if (*end != '\0' || limit < 1 || limit > 100) {
			reply_errorf(req, 400, "invalid_parameter", "limit",
			    "limit must be from 1 to 100");
			return;
		}
	}
	if ((cursor = request_query(req, "cursor")) != NULL) {
		offset = strtol(cursor, &end, 10);
		if (*end != '\0' || offset < 0) {
			reply_errorf(req, 400, "invalid_parameter", "cursor",
			    "the cursor is not one this service handed out");
			return;
		}
	}
	if (q != NULL)
		fts = fts_query(q);
	nbinds = fts != NULL;
	TAILQ_FOREACH(kv, &req->query, next)
	{
		if (is_reserved(kv->key))
			continue;
		if (!facets_known(kv->key)) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "'%s' is not a search facet; use maturity, "
			    "problem, "
			    "process, target_group, standard, licence, "
			    "category or state",
			    kv->key);
			goto done;
		}
		if (nbinds++ >= 31) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "too many facet filters");
			goto done;
		}
	}

	/* One snapshot for the index, the hits and the page. */
	if (sqlite3_get_autocommit(db_handle(req->db))) {
		step_once(req->db, "BEGIN");
		reading = 1;
	}
	if ((f = facets_sync(req->db)) == NULL) {
		reply_errorf(req, 500, "store", NULL, "search failed");
		goto done;
	}
	TAILQ_FOREACH(kv, &req->query, next)
	if (!is_reserved(kv->key))
		facets_filter_add(f, &filter, kv->key, kv->value);
	first = (size_t)offset;
	if (fts == NULL) {
		if (!filter.none)
			browse(req, f, &filter, first, (size_t)limit, page,
			    &count, &n);
	} else {
		if (!filter.none &&
		    text_hits(req, fts, &filter, &hits, &n) == -1) {
			reply_errorf(req, 500, "store", NULL, "search failed");
			goto done;
		}
		for (size_t i = 0; i < n; i++)
			facets_count(f, hits[i].id);
		first = first < n ? first : n;
		count = n - first < (size_t)limit ? n - first : (size_t)limit;
		if (count > 0) {
			order_hits(req, hits, n, first, first + count);
			memcpy(page, hits + first, count * sizeof(*page));
		}
	}
	items = page_items(req, page, count);
	count = json_array_size(items);
	snprintf(next, sizeof(next), "%ld", offset + (long)count);
	answer = json_pack("{s:s?, s:i, s:o, s:s?, s:o}", "q", q, "total",
	    (int)n, "items", items, "next",
	    offset + (long)count < (long)n ? next : NULL, "facets",
	    facets_counts_take(f));
	if (fts != NULL && offset == 0)
		json_object_set_new(answer, "lessons", lesson_hits(req, fts));
	reply_json(req, 200, answer, 0);
done:
	if (reading)
		step_once(req->db, "COMMIT");
	for (size_t i = 0; i < n && hits != NULL; i++)
		free(hits[i].key);
	free(hits);
	free(fts);
}

/* GET /api/v1/problems and /api/v1/categories: value and solution count. */
void
api_problems(struct request *req)
{
	const char *facet =
	    strstr(req->path, "categories") ? "category" : "problem";
	sqlite3_stmt *st;
	json_t       *items = json_array();

	st = db_prepare(req->db,
	    "SELECT f.value, count(*) FROM "
	    "solution_facets f WHERE f.facet = ? GROUP BY f.value ORDER BY "
	    "count(*) DESC, f.value");
	if (st == NULL) {
		json_decref(items);
		reply_errorf(req, 500, "store", NULL, "listing failed");
		return;
	}
	db_bind_text(st, 1, facet);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items,
		    json_pack("{s:s, s:i}", facet, db_column_text(st, 0),
		        "solutions", sqlite3_column_int(st, 1)));
	sqlite3_reset(st);
	reply_list(req, items, NULL);
}
