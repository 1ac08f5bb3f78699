/*
 * GET /api/v1/solutions/{slug}/rollin-stats: what an organisation wants to
 * know about a solution's roll-ins before it decides to adopt it: how many
 * there are and where they stand, how long they took to go live, how the
 * effort compared to the plan, what blocked them, what was learned, and
 * how many adoptions there are. Public: only counts and blocker titles,
 * never a single roll-in.
 *
 * Counting and summing is SQL; the quantiles are computed here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/rollin.h"
#include "http/reply.h"
#include "store/db.h"

#define TOP_TITLES 5

static const char *const adoption_statuses[] = { "evaluating", "rolling-in",
	"live", "stopped", NULL };

/* Rows of SQL (text key, count) into an object with every key at 0. */
static json_t *
count_by(struct db *db, const char *sql, int64_t solution_id,
    const char *const *keys, json_int_t *total)
{
	json_t       *out = json_object();
	sqlite3_stmt *st;

	for (; *keys; keys++)
		json_object_set_new(out, *keys, json_integer(0));
	if ((st = db_prepare(db, sql)) == NULL)
		return out;
	sqlite3_bind_int64(st, 1, solution_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_int_t n = sqlite3_column_int64(st, 1);
		json_object_set_new(out, db_column_text(st, 0),
		    json_integer(n));
		if (total)
			*total += n;
	}
	sqlite3_reset(st);
	return out;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The p-quantile (0 <= p <= 1) of n > 0 sorted values, by linear
 * interpolation between the closest ranks, as numpy's default method
 * ("linear", Hyndman and Fan type 7): with h = (n - 1) * p, the value is
 * x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). The median is
 * p = 0.5: the middle value, or the mean of the two middle ones.
 */
static double
quantile(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/*
 * Days from start to go-live of the live roll-ins that have a go-live
 * date: actual_golive minus started_on, or minus the day the roll-in was
 * recorded when it has no start date.
 */
static json_t *
days_to_golive(struct db *db, int64_t solution_id)
{
	sqlite3_stmt *st;
	double       *x = NULL, *grown;
	size_t        n = 0, cap = 0;
	json_t       *out;

	st = db_prepare(db,
	    "SELECT round(julianday(actual_golive) - julianday(coalesce("
	    "started_on, substr(created_at, 1, 10)))) FROM rollins WHERE "
	    "solution_id = ? AND status = 'live' AND actual_golive IS NOT "
	    "NULL");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, solution_id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (sqlite3_column_type(st, 0) == SQLITE_NULL)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				if ((grown = realloc(x, cap * sizeof(*x))) ==
				    NULL)
					break;
				x = grown;
			}
			x[n++] = sqlite3_column_double(st, 0);
		}
		sqlite3_reset(st);
	}
	if (n == 0) {
		free(x);
		return json_pack("{s:i, s:n, s:n, s:n, s:n, s:n}", "count", 0,
		    "median", "p25", "p75", "min", "max");
	}
	qsort(x, n, sizeof(*x), cmp_double);
	out = json_pack("{s:I, s:f, s:f, s:f, s:I, s:I}", "count",
	    (json_int_t)n, "median", quantile(x, n, 0.5), "p25",
	    quantile(x, n, 0.25), "p75", quantile(x, n, 0.75), "min",
	    (json_int_t)x[0], "max", (json_int_t)x[n - 1]);
	free(x);
	return out;
}

/* Person-days to two decimals, as cost reports keep them. */
static double
round2(double v)
{
	return round(v * 100.0) / 100.0;
}

static json_t *
effort_of(double planned, double actual)
{
	return json_pack("{s:f, s:f, s:o}", "planned_days", round2(planned),
	    "actual_days", round2(actual), "ratio",
	    planned > 0 ? json_real(round2(actual / planned)) : json_null());
}

/*
 * Planned and actual effort over the steps of the live roll-ins, and the
 * same over all roll-ins ("all_rollins"); ratio is actual / planned.
 */
static json_t *
effort(struct db *db, int64_t solution_id)
{
	sqlite3_stmt *st;
	double        v[4] = { 0, 0, 0, 0 };
	json_t       *out;

	st = db_prepare(db,
	    "SELECT total(CASE WHEN r.status = 'live' THEN s.planned_effort "
	    "END), total(CASE WHEN r.status = 'live' THEN s.actual_effort "
	    "END), total(s.planned_effort), total(s.actual_effort) FROM "
	    "rollin_steps s JOIN rollins r ON r.id = s.rollin_id WHERE "
	    "r.solution_id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, solution_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			for (int i = 0; i < 4; i++)
				v[i] = sqlite3_column_double(st, i);
		sqlite3_reset(st);
	}
	out = effort_of(v[0], v[1]);
	json_object_set_new(out, "all_rollins", effort_of(v[2], v[3]));
	return out;
}

/* Rows of SQL (category, count[, open]) as a ranked array. */
static json_t *
ranking(struct db *db, const char *sql, int64_t solution_id, int with_open)
{
	json_t       *out = json_array(), *row;
	sqlite3_stmt *st;

	if ((st = db_prepare(db, sql)) == NULL)
		return out;
	sqlite3_bind_int64(st, 1, solution_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		row = json_pack("{s:s, s:I}", "category", db_column_text(st, 0),
		    "count", (json_int_t)sqlite3_column_int64(st, 1));
		if (with_open)
			json_object_set_new(row, "open",
			    json_integer(sqlite3_column_int64(st, 2)));
		json_array_append_new(out, row);
	}
	sqlite3_reset(st);
	return out;
}

/* Appends the UTF-8 encoding of a code point below U+0800. */
static char *
put2(char *o, unsigned cp)
{
	if (cp < 0x80)
		*o++ = (char)cp;
	else {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Lower case of the Latin-1 and Latin Extended-A capitals. */
static unsigned
latin_lower(unsigned cp)
{
	if ((cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
		return cp + 0x20;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
		return cp % 2 == 0 ? cp + 1 : cp;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp % 2 == 1 ? cp + 1 : cp;
	if (cp == 0x178)
		return 0xff;
	return cp;
}

/*
 * The key blocker titles are grouped by: trimmed, runs of white space as
 * one space, and in lower case. SQLite's lower() folds ASCII only, which
 * would keep "Übergabe" and "übergabe" apart; this folds the Latin letters
 * German and its neighbours write (and capital sharp s to ß). Malloc'ed.
 */
static char *
title_key(const char *s)
{
	char                *key = malloc(strlen(s) + 1), *o = key;
	const unsigned char *p = (const unsigned char *)s;
	int                  space = 0;

	if (key == NULL)
		return NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = 1;
			p++;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		if (*p < 0x80) {
			o = put2(o, latin_lower(*p));
			p++;
		} else if ((*p == 0xc3 || *p == 0xc4 || *p == 0xc5) &&
		    (p[1] & 0xc0) == 0x80) {
			o = put2(o,
			    latin_lower(
			        ((unsigned)(*p & 0x1f) << 6) | (p[1] & 0x3f)));
			p += 2;
		} else if (p[0] == 0xe1 && p[1] == 0xba && p[2] == 0x9e) {
			o = put2(o, 0xdf); /* ẞ */
			p += 3;
		} else
			*o++ = (char)*p++;
	}
	*o = '\0';
	return key;
}

struct title_group {
	char       *key;
	const char *title; /* as first raised; borrowed from titles */
	json_int_t  count;
	size_t      first; /* rank of the first raise */
};

static int
cmp_group(const void *a, const void *b)
{
	const struct title_group *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

/*
 * The most frequent blocker titles, grouped case-insensitively; of each
 * group the spelling raised first is shown. Ties go to the title raised
 * first.
 */
static json_t *
top_titles(struct db *db, int64_t solution_id)
{
	json_t             *titles = json_array(), *out = json_array();
	struct title_group *g = NULL, *grown;
	sqlite3_stmt       *st;
	size_t              n = 0, cap = 0, i, k;
	char               *key;

	st = db_prepare(db,
	    "SELECT b.title, count(*) FROM rollin_blockers b JOIN rollins r "
	    "ON r.id = b.rollin_id WHERE r.solution_id = ? GROUP BY b.title "
	    "ORDER BY min(b.id)");
	if (st == NULL)
		return out;
	sqlite3_bind_int64(st, 1, solution_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(titles,
		    json_string(db_column_text(st, 0)));
		if ((key = title_key(db_column_text(st, 0))) == NULL)
			break;
		for (k = 0; k < n && strcmp(g[k].key, key) != 0; k++)
			;
		if (k < n) {
			g[k].count += sqlite3_column_int64(st, 1);
			free(key);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(g, cap * sizeof(*g))) == NULL) {
				free(key);
				break;
			}
			g = grown;
		}
		g[n].key = key;
		g[n].title = json_string_value(
		    json_array_get(titles, json_array_size(titles) - 1));
		g[n].count = sqlite3_column_int64(st, 1);
		g[n].first = n;
		n++;
	}
	sqlite3_reset(st);
	if (n > 0)
		qsort(g, n, sizeof(*g), cmp_group);
	for (i = 0; i < n; i++) {
		if (i < TOP_TITLES)
			json_array_append_new(out,
			    json_pack("{s:s, s:I}", "title", g[i].title,
			        "count", g[i].count));
		free(g[i].key);
	}
	free(g);
	json_decref(titles);
	return out;
}

void
api_rollin_stats(struct request *req)
{
	const char   *slug = req->params[0];
	sqlite3_stmt *st;
	int64_t       id = 0;
	json_int_t    total = 0;
	json_t       *by_status, *out;

	if ((st = db_prepare(req->db,
	         "SELECT id FROM solutions WHERE slug = ?")) == NULL) {
		reply_errorf(req, 500, "store", NULL, "store unavailable");
		return;
	}
	db_bind_text(st, 1, slug);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id == 0) {
		reply_errorf(req, 404, "not_found", NULL, "no solution '%s'",
		    slug);
		return;
	}
	by_status = count_by(req->db,
	    "SELECT status, count(*) FROM rollins WHERE solution_id = ? "
	    "GROUP BY status",
	    id, rollin_states, &total);
	out = json_pack("{s:s, s:{s:I, s:o}}", "solution", slug, "rollins",
	    "total", total, "by_status", by_status);
	json_object_set_new(out, "days_to_golive", days_to_golive(req->db, id));
	json_object_set_new(out, "effort", effort(req->db, id));
	json_object_set_new(out, "blockers",
	    ranking(req->db,
	        "SELECT b.category, count(*), count(*) - count(b.resolved_on) "
	        "FROM rollin_blockers b JOIN rollins r ON r.id = b.rollin_id "
	        "WHERE r.solution_id = ? GROUP BY b.category "
	        "ORDER BY count(*) DESC, b.category",
	        id, 1));
	/* Blocker titles come from roll-ins, which only signed-in clients
	 * read; anonymous clients see the counts per category. */
	if (request_signed_in(req))
		json_object_set_new(out, "top_titles", top_titles(req->db, id));
	json_object_set_new(out, "lessons",
	    ranking(req->db,
	        "SELECT category, count(*) FROM lessons WHERE solution_id = ? "
	        "GROUP BY category ORDER BY count(*) DESC, category",
	        id, 0));
	json_object_set_new(out, "adoptions",
	    count_by(req->db,
	        "SELECT status, count(*) FROM adoptions WHERE solution_id = ? "
	        "GROUP BY status",
	        id, adoption_statuses, NULL));
	reply_json(req, 200, out, 0);
}
