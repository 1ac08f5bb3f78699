/*
 * GET /api/v1/solutions/{slug}/overview: what a solution page shows at a
 * glance, in one answer: the entry, its current and next version, the
 * assessments that cover the current version, who uses it, how roll-ins
 * went.
 */
#include <stdlib.h>

#include "api/api.h"
#include "domain/assessment.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"

static json_t *
counts(struct db *db, const char *sql, int64_t solution_id)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	json_t       *out = json_object();

	if (st == NULL)
		return out;
	sqlite3_bind_int64(st, 1, solution_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(out, db_column_text(st, 0),
		    json_integer(sqlite3_column_int(st, 1)));
	sqlite3_reset(st);
	return out;
}

static json_t *
next_release(struct db *db, int64_t solution_id)
{
	sqlite3_stmt *st;
	json_t       *out = json_null();
	char          today[CLOCK_DATE_LEN];

	clock_format_date(clock_now(), today);
	st = db_prepare(db,
	    "SELECT r.version, r.planned_date, c.name FROM releases r LEFT "
	    "JOIN "
	    "cycles c ON c.id = r.cycle_id WHERE r.solution_id = ? AND "
	    "r.status = 'planned' AND r.planned_date >= ? ORDER BY "
	    "r.planned_date, r.id LIMIT 1");
	if (st == NULL)
		return out;
	sqlite3_bind_int64(st, 1, solution_id);
	db_bind_text(st, 2, today);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = json_pack("{s:s, s:s, s:s?}", "version",
		    db_column_text(st, 0), "planned_date",
		    db_column_text(st, 1), "cycle", db_column_text(st, 2));
	sqlite3_reset(st);
	return out;
}

/* Assessments whose scope includes the current version and that are valid. */
static json_t *
covering(struct request *req, int64_t solution_id)
{
	struct list_params lp = { .limit = 500 };
	struct rl_error    err;
	json_t            *items, *out = json_array(), *a;
	char              *next = NULL;
	size_t             i;

	if (record_list(req->db, &res_assessment, solution_id, &lp, NULL,
	        &req->who, &items, &next, &err) == -1)
		return out;
	json_array_foreach(items, i, a)
	{
		if (json_is_true(json_object_get(a, "covers_current_version")))
			json_array_append(out, a);
	}
	json_decref(items);
	free(next);
	return out;
}

void
api_solution_overview(struct request *req)
{
	struct record   r;
	struct rl_error err;
	char            version[72], cycle[72];
	json_t         *current = json_null(), *out;

	if (record_get(req->db, &res_solution, 0, req->params[0], &r, &err) ==
	    -1) {
		reply_error(req, &err);
		return;
	}
	if (assessment_current_version(req->db, r.id, version, sizeof(version),
	        cycle, sizeof(cycle)) == 0)
		current = json_pack("{s:s, s:s?}", "version", version, "cycle",
		    cycle[0] ? cycle : NULL);
	out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "solution",
	    record_show(req->db, &res_solution, &r, &req->who),
	    "current_version", current, "next_release",
	    next_release(req->db, r.id), "assessments_covering_current_version",
	    covering(req, r.id), "adoptions",
	    counts(req->db,
	        "SELECT status, count(*) FROM adoptions WHERE solution_id = ? "
	        "GROUP BY status",
	        r.id),
	    "rollins",
	    counts(req->db,
	        "SELECT status, count(*) FROM rollins WHERE solution_id = ? "
	        "GROUP BY status",
	        r.id),
	    "lessons",
	    counts(req->db,
	        "SELECT category, count(*) FROM lessons WHERE solution_id = ? "
	        "GROUP BY category",
	        r.id));
	reply_json(req, 200, out, r.rev);
	record_clear(&r);
}
