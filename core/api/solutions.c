/*
 * What solutions have beyond the generic record handlers: list filters on
 * facets and quality signals, confirmation by the owner (freshness without
 * a change), and retirement instead of deletion.
 */
#include <stdio.h>
#include <stdlib.h>

#include <event2/buffer.h>

#include "api/api.h"
#include "domain/quality.h"
#include "events/outbox.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"

#define FACET_FILTER(name)                                                    \
	{                                                                     \
		name,                                                         \
		    "t.id IN (SELECT solution_id FROM solution_facets WHERE " \
		    "facet = '" name "' AND value = ?)",                      \
		    LF_TEXT                                                   \
	}

static const struct list_filter solution_filters[] = {
	FACET_FILTER("problem"),
	FACET_FILTER("process"),
	FACET_FILTER("target_group"),
	FACET_FILTER("standard"),
	FACET_FILTER("category"),
	{ "state",
	    "t.owner_id IN (SELECT id FROM organisations WHERE "
	    "state = ?)",
	    LF_TEXT },
	{ "completeness_min", "t.completeness >= ?", LF_INT },
	{ "complete", "(t.completeness = 100) = ?", LF_BOOL },
	{ "stale",
	    "(rollin_days_since(max(t.touched_at, "
	    "coalesce(t.confirmed_at, ''))) > rollin_stale_days()) = ?",
	    LF_BOOL },
	{ "fresh_within",
	    "rollin_days_since(max(t.touched_at, "
	    "coalesce(t.confirmed_at, ''))) <= ?",
	    LF_INT },
	{ NULL, NULL, LF_TEXT },
};

void
api_solution_list(struct request *req)
{
	struct list_params lp;
	struct rl_error    err;
	json_t            *items;
	char              *next;

	if (api_list_params(req, &lp, NULL) == -1)
		return;
	if (record_list(req->db, &res_solution, 0, &lp, solution_filters,
	        &req->who, &items, &next, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_list(req, items, next);
	free(next);
}

/*
 * The owner says "this entry is still right": freshness restarts, the
 * record's revision does not change, and the confirmation is an event.
 */
void
api_solution_confirm(struct request *req)
{
	struct record   r;
	struct rl_error err;
	sqlite3_stmt   *st;
	char            now[CLOCK_TS_LEN], subject[160];
	json_t         *payload;

	if (!request_signed_in(req)) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "sign in to "
		    "confirm a solution");
		return;
	}
	if (db_begin(req->db) == -1) {
		reply_errorf(req, 503, "busy", NULL, "the store is busy");
		return;
	}
	if (record_get(req->db, &res_solution, 0, req->params[0], &r, &err) ==
	    -1) {
		db_rollback(req->db);
		reply_error(req, &err);
		return;
	}
	if (!access_may_write(&req->who, ROLE_OWNER, r.org_ids[0])) {
		db_rollback(req->db);
		record_clear(&r);
		reply_errorf(req, 403, "forbidden", NULL,
		    "only the owner of "
		    "'%s' may confirm it",
		    req->params[0]);
		return;
	}
	clock_format_ts(clock_now(), now);
	st = db_prepare(req->db,
	    "UPDATE solutions SET confirmed_at = ? "
	    "WHERE id = ?");
	snprintf(subject, sizeof(subject), "solutions/%s", req->params[0]);
	payload = json_pack("{s:s, s:s}", "solution", req->params[0],
	    "confirmed_at", now);
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, r.id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	if (outbox_append(req->db, "solution.confirmed", subject,
	        req->who.actor, r.id, payload) == -1 ||
	    db_commit(req->db) == -1)
		goto fail;
	json_decref(payload);
	record_clear(&r);
	if (record_get(req->db, &res_solution, 0, req->params[0], &r, &err) ==
	    -1) {
		reply_error(req, &err);
		return;
	}
	reply_json(req, 200, record_show(req->db, &res_solution, &r, &req->who),
	    r.rev);
	record_clear(&r);
	return;
fail:
	db_rollback(req->db);
	json_decref(payload);
	record_clear(&r);
	reply_errorf(req, 500, "store", NULL, "confirming failed");
}

/*
 * GET /api/v1/solutions/{slug}: the hottest read. The public document was
 * rendered at the last write; only freshness, which moves with the date,
 * is added here, so the answer costs one indexed row and no JSON parsing.
 */
void
api_solution_get(struct request *req)
{
	sqlite3_stmt    *st;
	struct evbuffer *buf;
	const char      *doc, *confirmed, *changed;
	int              len;
	long             days;
	int64_t          rev;

	st = db_prepare(req->db,
	    "SELECT rendered, rev, confirmed_at, "
	    "touched_at FROM solutions WHERE slug = ?");
	if (st == NULL) {
		reply_errorf(req, 500, "store", NULL, "store unavailable");
		return;
	}
	db_bind_text(st, 1, req->params[0]);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		reply_errorf(req, 404, "not_found", NULL, "no solution '%s'",
		    req->params[0]);
		return;
	}
	doc = db_column_text(st, 0);
	len = sqlite3_column_bytes(st, 0);
	rev = sqlite3_column_int64(st, 1);
	confirmed = db_column_text(st, 2);
	changed = db_column_text(st, 3);
	if (doc == NULL || len < 2 || doc[len - 1] != '}') {
		sqlite3_reset(st);
		reply_errorf(req, 500, "store", NULL,
		    "solution '%s' has no "
		    "rendered document",
		    req->params[0]);
		return;
	}
	days = quality_age_days(confirmed, changed, clock_now());
	buf = evbuffer_new();
	evbuffer_add(buf, doc, (size_t)len - 1);
	evbuffer_add_printf(buf, ",\"freshness\":{\"confirmed_at\":");
	if (confirmed)
		evbuffer_add_printf(buf, "\"%s\"", confirmed);
	else
		evbuffer_add(buf, "null", 4);
	evbuffer_add_printf(buf,
	    ",\"changed_at\":\"%s\",\"days\":%ld,"
	    "\"stale\":%s,\"stale_after_days\":%d}}\n",
	    changed ? changed : "", days,
	    days > quality_stale_days() ? "true" : "false",
	    quality_stale_days());
	sqlite3_reset(st);
	reply_buffer(req, 200, "application/json; charset=utf-8", buf, rev);
	evbuffer_free(buf);
}

void
api_solution_delete(struct request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req->ev), "Allow",
	    "GET, PATCH");
	reply_errorf(req, 405, "method_not_allowed", NULL,
	    "solutions are "
	    "retired, not deleted: PATCH /api/v1/solutions/%s with "
	    "{\"maturity\": \"retired\"}",
	    req->params[0]);
}
