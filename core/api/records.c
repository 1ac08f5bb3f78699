/*
 * The generic record handlers: each route names its resource, and these
 * turn HTTP into store/record.h calls. Nested routes carry the solution's
 * slug as their first parameter.
 */
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/resource.h"
#include "http/reply.h"
#include "http/router.h"
#include "store/db.h"
#include "store/record.h"

int
api_parent_id(struct request *req, int64_t *id)
{
	const struct resource *res = req->route->res;
	json_t                *key;

	*id = 0;
	if (res->parent == NULL)
		return 0;
	if (strcmp(res->parent->key, "id") == 0) {
		char     *end;
		long long n = strtoll(req->params[0], &end, 10);
		key = *end == '\0' && n > 0 ? json_integer(n) : NULL;
	} else
		key = json_string(req->params[0]);
	if (key == NULL) {
		reply_errorf(req, 404, "not_found", NULL, "there is no %s/%s",
		    res->parent->plural, req->params[0]);
		return -1;
	}
	*id = record_resolve(req->db, res->parent, res->parent->key, key, 0);
	json_decref(key);
	if (*id == 0) {
		reply_errorf(req, 404, "not_found", NULL, "there is no %s/%s",
		    res->parent->plural, req->params[0]);
		return -1;
	}
	return 0;
}

/* The record's key is the last path parameter. */
static const char *
record_key(struct request *req)
{
	return req->params[req->nparams - 1];
}

int
api_list_params(struct request *req, struct list_params *lp,
    const char *const *reserved)
{
	struct evkeyval *kv;
	char            *end;
	long             n;

	memset(lp, 0, sizeof(*lp));
	TAILQ_FOREACH(kv, &req->query, next)
	{
		int skip = 0;
		for (const char *const *r = reserved; r && *r; r++)
			if (strcmp(*r, kv->key) == 0)
				skip = 1;
		if (skip)
			continue;
		if (strcmp(kv->key, "limit") == 0) {
			n = strtol(kv->value, &end, 10);
			if (*end != '\0' || end == kv->value || n < 1 ||
			    n > 500) {
				reply_errorf(req, 400, "invalid_parameter",
				    "limit", "limit must be from 1 to 500");
				return -1;
			}
			lp->limit = (int)n;
		} else if (strcmp(kv->key, "sort") == 0)
			lp->sort = kv->value;
		else if (strcmp(kv->key, "cursor") == 0)
			lp->cursor = kv->value;
		else if (lp->nfilters == LIST_MAX_FILTERS) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "at most %d filters", LIST_MAX_FILTERS);
			return -1;
		} else {
			lp->filters[lp->nfilters].name = kv->key;
			lp->filters[lp->nfilters++].value = kv->value;
		}
	}
	return 0;
}

void
api_record_list(struct request *req)
{
	const struct resource *res = req->route->res;
	struct list_params     lp;
	struct rl_error        err;
	int64_t                parent;
	json_t                *items;
	char                  *next;

	if (api_parent_id(req, &parent) == -1 ||
	    api_list_params(req, &lp, NULL) == -1)
		return;
	if (record_list(req->db, res, parent, &lp, NULL, &req->who, &items,
	        &next, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_list(req, items, next);
	free(next);
}

void
api_record_get(struct request *req)
{
	const struct resource *res = req->route->res;
	struct record          r;
	struct rl_error        err;
	int64_t                parent;

	if (api_parent_id(req, &parent) == -1)
		return;
	if (record_get(req->db, res, parent, record_key(req), &r, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	/* Records their author did not publish do not exist for anonymous. */
	if (res->visible_field && !request_signed_in(req) &&
	    !json_is_true(json_object_get(r.doc, res->visible_field))) {
		record_clear(&r);
		reply_errorf(req, 404, "not_found", NULL, "there is no %s/%s",
		    res->plural, record_key(req));
		return;
	}
	reply_json(req, 200, record_show(req->db, res, &r, &req->who), r.rev);
	record_clear(&r);
}

void
api_record_create(struct request *req)
{
	const struct resource *res = req->route->res;
	struct record          r;
	struct rl_error        err;
	int64_t                parent;
	char                   location[512], subject[384];

	if (api_parent_id(req, &parent) == -1)
		return;
	if (record_create(req->db, res, parent, req->body, &req->who, &r,
	        &err) == -1) {
		reply_error(req, &err);
		return;
	}
	record_subject(req->db, res, &r, subject, sizeof(subject));
	snprintf(location, sizeof(location), "/api/v1/%s", subject);
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Location", location);
	reply_json(req, 201, record_show(req->db, res, &r, &req->who), r.rev);
	record_clear(&r);
}

/*
 * PATCH: the client must say which revision it changes (If-Match with the
 * ETag it read), so that two editors never overwrite each other unseen.
 */
void
api_record_update(struct request *req)
{
	const struct resource *res = req->route->res;
	struct record          r;
	struct rl_error        err;
	int64_t                parent, rev = request_if_match(req);

	if (rev == 0) {
		reply_errorf(req, 428, "precondition_required", "If-Match",
		    "send If-Match with the ETag of the %s you changed",
		    res->name);
		return;
	}
	if (rev < 0) {
		reply_errorf(req, 400, "invalid_header", "If-Match",
		    "If-Match "
		    "must be an ETag as this service sends it, e.g. \"3\"");
		return;
	}
	if (api_parent_id(req, &parent) == -1)
		return;
	if (record_update(req->db, res, parent, record_key(req), req->body, rev,
	        &req->who, &r, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_json(req, 200, record_show(req->db, res, &r, &req->who), r.rev);
	record_clear(&r);
}

void
api_record_delete(struct request *req)
{
	const struct resource *res = req->route->res;
	struct rl_error        err;
	int64_t                parent, rev = request_if_match(req);

	if (rev < 0) {
		reply_errorf(req, 400, "invalid_header", "If-Match",
		    "If-Match "
		    "must be an ETag as this service sends it, e.g. \"3\"");
		return;
	}
	if (api_parent_id(req, &parent) == -1)
		return;
	if (record_delete(req->db, res, parent, record_key(req), rev, &req->who,
	        &err) == -1) {
		reply_error(req, &err);
		return;
	}
	reply_empty(req, 204);
}
