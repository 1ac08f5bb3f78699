/* The owner's answer to an adopter's feedback. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/reports.h"
#include "http/reply.h"

/*
 * POST /api/v1/feedback/{id}/answer {"answer": "..."}: only the owner of
 * the solution answers; answering again replaces the answer.
 */
void
api_feedback_answer(struct request *req)
{
	struct record   r;
	struct rl_error err;
	const char     *key;
	json_t         *v;
	char           *end;
	long long       id = strtoll(req->params[0], &end, 10);

	json_object_foreach(req->body, key, v)
	{
		if (strcmp(key, "answer") != 0) {
			reply_errorf(req, 422, "unknown_field", key,
			    "%s is not a known field", key);
			return;
		}
	}
	if (*end != '\0' || id < 1) {
		reply_errorf(req, 404, "not_found", NULL, "no feedback '%s'",
		    req->params[0]);
		return;
	}
	if (feedback_answer(req->db, id, json_object_get(req->body, "answer"),
	        &req->who, &r, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_json(req, 200, record_show(req->db, &res_feedback, &r, &req->who),
	    r.rev);
	record_clear(&r);
}
