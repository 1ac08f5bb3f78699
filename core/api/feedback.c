/* The owner's answer to an adopter's feedback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "events/outbox.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"

/*
 * POST /api/v1/feedback/{id}/answer {"answer": "..."}: only the owner of
 * the solution answers; answering again replaces the answer.
 */
void
api_feedback_answer(struct request *req)
{
	struct record   r;
	struct rl_error err;
	sqlite3_stmt   *st;
	json_t         *answer = json_object_get(req->body, "answer");
	const char     *key;
	char            now[CLOCK_TS_LEN], subject[64];
	int64_t         owner = 0;

	if (!request_signed_in(req)) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "sign in to answer feedback");
		return;
	}
	json_object_foreach(req->body, key, answer) if (strcmp(key, "answer"))
	{
		reply_errorf(req, 422, "unknown_field", key,
		    "%s is not a known field", key);
		return;
	}
	answer = json_object_get(req->body, "answer");
	if (!json_is_string(answer) || json_string_length(answer) == 0 ||
	    json_string_length(answer) > 5000) {
		reply_errorf(req, 422, "invalid_value", "answer",
		    "answer must be text of 1 to 5000 characters");
		return;
	}
	if (db_begin(req->db) == -1) {
		reply_errorf(req, 503, "busy", NULL, "the store is busy");
		return;
	}
	if (record_get(req->db, &res_feedback, 0, req->params[0], &r, &err) ==
	    -1) {
		db_rollback(req->db);
		reply_error(req, &err);
		return;
	}
	st = db_prepare(req->db, "SELECT owner_id FROM solutions WHERE id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, r.solution_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			owner = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (!access_may_write(&req->who, ROLE_OWNER, owner)) {
		db_rollback(req->db);
		record_clear(&r);
		reply_errorf(req, 403, "forbidden", NULL,
		    "only the owner of the solution answers its feedback");
		return;
	}
	clock_format_ts(clock_now(), now);
	st = db_prepare(req->db,
	    "UPDATE feedback SET answer = ?, answered_at = ?, answered_by = ?, "
	    "rev = rev + 1 WHERE id = ?");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, json_string_value(answer));
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, req->who.actor);
	sqlite3_bind_int64(st, 4, r.id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	record_clear(&r);
	if (record_get_by_id(req->db, &res_feedback, (int64_t)atoll(req->params[0]),
	        &r, &err) == -1)
		goto fail;
	snprintf(subject, sizeof(subject), "feedback/%lld", (long long)r.id);
	if (outbox_append(req->db, "feedback.answered", subject, req->who.actor,
	        r.solution_id, r.doc) == -1 ||
	    db_commit(req->db) == -1)
		goto fail;
	reply_json(req, 200, record_show(req->db, &res_feedback, &r, &req->who),
	    r.rev);
	record_clear(&r);
	return;
fail:
	db_rollback(req->db);
	record_clear(&r);
	reply_errorf(req, 500, "store", NULL, "answering failed");
}
