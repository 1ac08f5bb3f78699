/*
 * Deliveries of events to notifiers (events/delivery.h): what went out,
 * what is being retried, what gave up; sending a dead letter back, or
 * discarding it. Signed-in clients read; only an admin acts on dead
 * letters.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "config/config.h"
#include "events/delivery.h"
#include "http/reply.h"

#define DELIVERY_LIST_MAX 500

static int
parse_id(const char *s, long long *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end != '\0' || *out < 0 ? -1 : 0;
}

/*
 * GET /api/v1/deliveries?subscriber=&state=&limit=&cursor=: oldest first;
 * next is the cursor of the following page.
 */
void
api_deliveries_list(struct request *req)
{
	static const char *const states[] = { "pending", "retrying",
		"delivered", "dead", NULL };
	static const char *const known[] = { "subscriber", "state", "limit",
		"cursor", NULL };
	const char              *subscriber = request_query(req, "subscriber");
	const char              *state = request_query(req, "state");
	const char              *limit_s = request_query(req, "limit");
	struct evkeyval         *kv;
	long long                after = 0, limit = 100;
	json_t                  *items, *last;
	char                     next[32];
	size_t                   i;

	TAILQ_FOREACH(kv, &req->query, next)
	{
		for (i = 0; known[i] && strcmp(known[i], kv->key) != 0; i++)
			;
		if (known[i] == NULL) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "%s is not a parameter of this list; use "
			    "subscriber, state, limit and cursor",
			    kv->key);
			return;
		}
	}
	if (state != NULL) {
		for (i = 0; states[i] && strcmp(states[i], state) != 0; i++)
			;
		if (states[i] == NULL) {
			reply_errorf(req, 400, "invalid_parameter", "state",
			    "state must be pending, retrying, delivered or "
			    "dead");
			return;
		}
	}
	if (limit_s &&
	    (parse_id(limit_s, &limit) == -1 || limit < 1 ||
	        limit > DELIVERY_LIST_MAX)) {
		reply_errorf(req, 400, "invalid_parameter", "limit",
		    "limit must be from 1 to %d", DELIVERY_LIST_MAX);
		return;
	}
	if (request_query(req, "cursor") &&
	    parse_id(request_query(req, "cursor"), &after) == -1) {
		reply_errorf(req, 400, "invalid_parameter", "cursor",
		    "cursor must be the next value of a previous page");
		return;
	}
	if (subscriber != NULL && *subscriber == '\0')
		subscriber = NULL;
	items = delivery_list(req->db, subscriber, state, after, (int)limit);
	if (items == NULL) {
		reply_errorf(req, 500, "store", NULL,
		    "reading deliveries failed");
		return;
	}
	last = json_array_get(items, json_array_size(items) - 1);
	if (json_array_size(items) == (size_t)limit && last != NULL) {
		snprintf(next, sizeof(next), "%lld",
		    (long long)json_integer_value(json_object_get(last, "id")));
		reply_list(req, items, next);
	} else
		reply_list(req, items, NULL);
}

/*
 * Only an admin acts on a dead letter; replies and returns -1 otherwise
 * (or if the id is no number), else sets *id.
 */
static int
dead_letter_admin(struct request *req, const char *what, long long *id)
{
	if (!request_signed_in(req)) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "sign in to %s deliveries", what);
		return -1;
	}
	if (req->who.role != ROLE_ADMIN) {
		reply_errorf(req, 403, "forbidden", NULL,
		    "only an admin may %s a delivery", what);
		return -1;
	}
	if (parse_id(req->params[0], id) == -1) {
		reply_errorf(req, 404, "not_found", NULL,
		    "there is no delivery '%s'", req->params[0]);
		return -1;
	}
	return 0;
}

/* POST /api/v1/deliveries/{id}/retry: a dead letter back to retrying. */
void
api_delivery_retry(struct request *req)
{
	struct rl_error err;
	long long       id;
	json_t         *item;

	if (dead_letter_admin(req, "retry", &id) == -1)
		return;
	if (delivery_retry(req->db, id, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	if ((item = delivery_get(req->db, id)) == NULL) {
		reply_errorf(req, 500, "store", NULL,
		    "reading the delivery failed");
		return;
	}
	reply_json(req, 200, item, 0);
}

/* DELETE /api/v1/deliveries/{id}: a dead letter given up for good. */
void
api_delivery_discard(struct request *req)
{
	struct rl_error err;
	long long       id;

	if (dead_letter_admin(req, "discard", &id) == -1)
		return;
	if (delivery_discard(req->db, id, req->who.actor, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_empty(req, 204);
}

/* GET /api/v1/deliveries/status: per subscriber, how far it got. */
void
api_deliveries_status(struct request *req)
{
	json_t *items = delivery_status(req->db, req->cfg->plugins);

	if (items == NULL) {
		reply_errorf(req, 500, "store", NULL,
		    "reading the delivery "
		    "status failed");
		return;
	}
	reply_list(req, items, NULL);
}
