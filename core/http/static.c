#include <string.h>

#include "http/reply.h"
#include "http/static.h"

void
static_serve(struct request *req)
{
	if (req->method != EVHTTP_REQ_GET && req->method != EVHTTP_REQ_HEAD) {
		reply_errorf(req, 405, "method_not_allowed", NULL,
		    "%s is not "
		    "allowed on %s",
		    req->method_name, req->path);
		return;
	}
	if (strcmp(req->path, "/healthz") == 0) {
		reply_json(req, 200, json_pack("{s:s}", "status", "ok"), 0);
		return;
	}
	if (strcmp(req->path, "/") == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "Location", "/api/v1");
		reply_json(
		    req, 302, json_pack("{s:s}", "location", "/api/v1"), 0);
		return;
	}
	reply_errorf(req, 404, "not_found", NULL, "there is no %s", req->path);
}
