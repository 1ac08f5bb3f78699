/* Who an event goes to, for people setting up and checking notifications. */
#include <stdlib.h>

#include "api/api.h"
#include "events/subscriptions.h"
#include "http/reply.h"

/*
 * GET /api/v1/events/{id}/recipients: { "event": {...}, "items": [...] },
 * the organisations and contacts the event is delivered to, and why.
 */
void
api_event_recipients(struct request *req)
{
	json_t   *ev, *items;
	char     *end;
	long long id = strtoll(req->params[0], &end, 10);

	if (*end != '\0' || end == req->params[0] || id < 1 ||
	    (ev = subscriptions_event(req->db, id)) == NULL) {
		reply_errorf(req, 404, "not_found", NULL, "no event '%s'",
		    req->params[0]);
		return;
	}
	if ((items = subscriptions_recipients(req->db, id)) == NULL) {
		json_decref(ev);
		reply_errorf(req, 500, "store", NULL,
		    "reading the recipients failed");
		return;
	}
	reply_json(req, 200,
	    json_pack("{s:o, s:o}", "event", ev, "items", items), 0);
}
