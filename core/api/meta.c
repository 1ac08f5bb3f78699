/* The API's front door and the event log. */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "api/api.h"
#include "plugin/plugin.h"
#include "util/embedded.h"
#include "events/outbox.h"
#include "http/reply.h"
#include "http/router.h"

void
api_index(struct request *req)
{
	json_t *routes = json_array();

	for (const struct route *r = api_routes; r->pattern; r++)
		json_array_append_new(routes,
		    json_pack("{s:s, s:s}", "method",
		        router_method_name(r->method), "path", r->pattern));
	reply_json(req, 200,
	    json_pack("{s:s, s:s, s:s, s:o}", "service", "rollin", "version",
	        ROLLIN_VERSION, "documentation", "/api/v1/openapi.yaml",
	        "routes", routes),
	    0);
}

/*
 * GET /api/v1/plugins: the running service's plugins with their state and
 * last error (a failure at run time shows only here, not in a separate
 * `rollin plugins` process).
 */
void
api_plugins(struct request *req)
{
	struct plugin_registry *reg = plugins_default();

	reply_list(req, reg ? plugins_describe(reg) : json_array(), NULL);
}

/* GET /api/v1/openapi.yaml: the API's description, as shipped. */
void
api_openapi(struct request *req)
{
	struct evbuffer *buf = evbuffer_new();

	evbuffer_add(buf, embedded_openapi[0].data, embedded_openapi[0].len);
	reply_buffer(req, 200, "application/yaml; charset=utf-8", buf, 0);
	evbuffer_free(buf);
}

/* GET /api/v1/events?after=ID&limit=N: the audit trail, oldest first. */
void
api_events(struct request *req)
{
	const char *after_s = request_query(req, "after");
	const char *limit_s = request_query(req, "limit");
	long long   after = 0;
	long        limit = 100;
	char       *end, next[32];
	json_t     *items, *last;

	if (after_s) {
		after = strtoll(after_s, &end, 10);
		if (*end != '\0' || end == after_s || after < 0) {
			reply_errorf(req, 400, "invalid_parameter", "after",
			    "after must be an event id (a whole number)");
			return;
		}
	}
	if (limit_s) {
		limit = strtol(limit_s, &end, 10);
		if (*end != '\0' || limit < 1 || limit > 1000) {
			reply_errorf(req, 400, "invalid_parameter", "limit",
			    "limit must be from 1 to 1000");
			return;
		}
	}
	if ((items = outbox_list(req->db, after, (int)limit)) == NULL) {
		reply_errorf(req, 500, "store", NULL, "reading events failed");
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
