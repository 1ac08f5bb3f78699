/*
 * GET /api/v1/solutions/{slug}/publiccode.yml: the solution as a
 * publiccode.yml file (domain/publiccode_export.h), as a download. It
 * holds what the caller may read: contacts' names and e-mail addresses
 * only for those signed in.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>

#include "api/api.h"
#include "domain/publiccode_export.h"
#include "http/reply.h"

void
api_solution_publiccode(struct request *req)
{
	struct record    r;
	struct rl_error  err;
	struct evbuffer *buf;
	char            *text;
	size_t           len = 0;

	if (record_get(req->db, &res_solution, 0, req->params[0], &r, &err) ==
	    -1) {
		reply_error(req, &err);
		return;
	}
	text = publiccode_export_yaml(req->db, &r, &req->who, &len);
	if (text == NULL) {
		record_clear(&r);
		reply_errorf(req, 500, "internal", NULL,
		    "cannot write publiccode.yml");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Content-Disposition", "attachment; filename=\"publiccode.yml\"");
	buf = evbuffer_new();
	evbuffer_add(buf, text, len);
	free(text);
	/* RFC 9512 registers application/yaml. */
	reply_buffer(req, 200, "application/yaml; charset=utf-8", buf, 0);
	evbuffer_free(buf);
	record_clear(&r);
}
