/*
 * Catalogue search: full text over name, summary, description, problems
 * and processes (FTS5, diacritics folded), narrowed by facets, with the
 * counts of every facet value among the hits, so that a client can show
 * "Pilot (4)" next to each filter. And navigation by problem: which
 * problems the catalogue solves and how many solutions address each.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/quality.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/strbuf.h"

#define SEARCH_MAX_TERMS     16
#define SEARCH_DEFAULT_LIMIT 20

/* Facets: name in the query and in the answer, and where it is stored. */
static const char *const tag_facets[] = { "maturity", "problem", "process",
	"target_group", "standard", "licence", "category", NULL };

/*
 * Makes a safe FTS5 query from what a person typed: each word becomes a
 * quoted prefix term ("gebuhr"* finds Gebührenbescheid), all must match.
 * FTS5 operators in the input are thereby taken literally.
 */
static char *
fts_query(const char *q)
{
	struct strbuf b = { 0 };
	char         *copy = strdup(q), *word, *save = NULL;
	int           n = 0;

	for (word = strtok_r(copy, " \t\r\n", &save);
	     word != NULL && n < SEARCH_MAX_TERMS;
	     word = strtok_r(NULL, " \t\r\n", &save)) {
		strbuf_add(&b, n++ ? " \"" : "\"");
		for (char *c = word; *c; c++) {
			char one[2] = { *c, '\0' };
			strbuf_add(&b, *c == '"' ? "\"\"" : one);
		}
		strbuf_add(&b, "\"*");
	}
	free(copy);
	if (n == 0) {
		strbuf_free(&b);
		return NULL;
	}
	return strbuf_take(&b);
}

struct search {
	struct strbuf hits; /* SQL selecting (id, rank) of the hits */
	const char   *binds[32];
	int           nbinds;
};

static int
facet_known(const char *name)
{
	if (strcmp(name, "state") == 0)
		return 1;
	for (size_t i = 0; tag_facets[i]; i++)
		if (strcmp(tag_facets[i], name) == 0)
			return 1;
	return 0;
}

static void
run_binds(sqlite3_stmt *st, const struct search *s)
{
	for (int i = 0; i < s->nbinds; i++)
		db_bind_text(st, i + 1, s->binds[i]);
}

static json_t *
facet_counts(struct request *req, const struct search *s)
{
	json_t       *facets = json_object(), *list;
	sqlite3_stmt *st;
	char         *sql;
	struct strbuf b = { 0 };

	for (size_t i = 0; tag_facets[i]; i++)
		json_object_set_new(facets, tag_facets[i], json_array());
	json_object_set_new(facets, "state", json_array());

	strbuf_addf(&b,
	    "WITH hits AS (%s) SELECT f.facet, f.value, count(*) "
	    "AS n FROM solution_facets f JOIN hits h ON h.id = f.solution_id "
	    "GROUP BY f.facet, f.value UNION ALL SELECT 'state', o.state, "
	    "count(*) FROM hits h JOIN solutions s ON s.id = h.id JOIN "
	    "organisations o ON o.id = s.owner_id WHERE o.state IS NOT NULL "
	    "GROUP BY o.state ORDER BY 1, 3 DESC, 2",
	    s->hits.s);
	sql = strbuf_take(&b);
	if ((st = db_prepare(req->db, sql)) != NULL) {
		run_binds(st, s);
		while (sqlite3_step(st) == SQLITE_ROW) {
			list = json_object_get(facets, db_column_text(st, 0));
			if (list != NULL)
				json_array_append_new(list,
				    json_pack("{s:s, "
				              "s:i}",
				        "value", db_column_text(st, 1), "count",
				        sqlite3_column_int(st, 2)));
		}
		sqlite3_reset(st);
	}
	free(sql);
	return facets;
}

static json_t *
hit_item(sqlite3_stmt *st)
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
	json_object_set_new(
	    item, "score", json_real(-sqlite3_column_double(st, 8)));
	return item;
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
	    "lesson_fts MATCH ? ORDER BY bm25(lesson_fts, 5.0, 1.0, 2.0) "
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

void
api_search(struct request *req)
{
	static const char *const reserved[] = { "q", "limit", "cursor", NULL };
	struct search            s = { 0 };
	struct evkeyval         *kv;
	sqlite3_stmt            *st;
	const char              *q = request_query(req, "q"), *cursor;
	char                    *fts = NULL, *sql = NULL, *end, next[32];
	struct strbuf            b = { 0 };
	json_t                  *items, *answer;
	long                     limit = SEARCH_DEFAULT_LIMIT, offset = 0;
	int                      total = 0, count = 0;

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

	if (q != NULL && (fts = fts_query(q)) != NULL) {
		strbuf_add(&s.hits,
		    "SELECT s.id AS id, bm25(solution_fts, "
		    "10.0, 5.0, 1.0, 3.0, 2.0) AS rank FROM solution_fts JOIN "
		    "solutions s ON s.id = solution_fts.rowid WHERE "
		    "solution_fts MATCH ?");
		s.binds[s.nbinds++] = fts;
	} else
		strbuf_add(&s.hits,
		    "SELECT s.id AS id, 0.0 AS rank FROM "
		    "solutions s WHERE 1 = 1");
	TAILQ_FOREACH(kv, &req->query, next)
	{
		int skip = 0;
		for (size_t i = 0; reserved[i]; i++)
			if (strcmp(reserved[i], kv->key) == 0)
				skip = 1;
		if (skip)
			continue;
		if (!facet_known(kv->key)) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "'%s' is not a search facet; use maturity, "
			    "problem, "
			    "process, target_group, standard, licence, "
			    "category or state",
			    kv->key);
			goto done;
		}
		if (s.nbinds >= 31) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "too many facet filters");
			goto done;
		}
		if (strcmp(kv->key, "state") == 0)
			strbuf_add(&s.hits,
			    " AND s.owner_id IN (SELECT id FROM "
			    "organisations WHERE state = ?)");
		else
			strbuf_addf(&s.hits,
			    " AND s.id IN (SELECT solution_id "
			    "FROM solution_facets WHERE facet = '%s' AND "
			    "value = ?)",
			    kv->key);
		s.binds[s.nbinds++] = kv->value;
	}

	strbuf_addf(
	    &b, "WITH hits AS (%s) SELECT count(*) FROM hits", s.hits.s);
	sql = strbuf_take(&b);
	if ((st = db_prepare(req->db, sql)) == NULL) {
		reply_errorf(req, 500, "store", NULL, "search failed");
		goto done;
	}
	run_binds(st, &s);
	if (sqlite3_step(st) == SQLITE_ROW)
		total = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	free(sql);

	strbuf_addf(&b,
	    "WITH hits AS (%s) SELECT s.slug, s.name, s.summary, "
	    "o.slug, s.maturity, s.licence, s.completeness, "
	    "rollin_days_since(max(s.touched_at, coalesce(s.confirmed_at, "
	    "''))), h.rank FROM hits h JOIN solutions s ON s.id = h.id JOIN "
	    "organisations o ON o.id = s.owner_id ORDER BY h.rank, s.name, "
	    "s.id LIMIT %ld OFFSET %ld",
	    s.hits.s, limit, offset);
	sql = strbuf_take(&b);
	if ((st = db_prepare(req->db, sql)) == NULL) {
		reply_errorf(req, 500, "store", NULL, "search failed");
		goto done;
	}
	run_binds(st, &s);
	items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(items, hit_item(st));
		count++;
	}
	sqlite3_reset(st);
	snprintf(next, sizeof(next), "%ld", offset + count);
	answer = json_pack("{s:s?, s:i, s:o, s:s?, s:o}", "q", q, "total",
	    total, "items", items, "next", offset + count < total ? next : NULL,
	    "facets", facet_counts(req, &s));
	if (fts != NULL && offset == 0)
		json_object_set_new(answer, "lessons", lesson_hits(req, fts));
	reply_json(req, 200, answer, 0);
done:
	free(sql);
	free(fts);
	strbuf_free(&s.hits);
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
