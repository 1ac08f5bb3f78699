/*
 * Reports over the API:
 *
 *	GET /api/v1/reports			the reports, with parameters
 *	GET /api/v1/reports/{name}?format=json|csv|html&<parameters>
 *
 * Reports run report plugins, whose SQL may take a while on a large
 * catalogue, so they run off the loop thread on the service's worker (its
 * own SQLite connection) and are answered from the job's done callback on
 * the loop; the request stays open meanwhile. Without a worker (tests,
 * tools) they run inline. Private records count only for signed-in
 * clients: the handler sets include_private, never the client.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/reply.h"
#include "http/offload.h"
#include "plugin/plugin.h"
#include "report/render.h"

struct report_job {
	struct offload     off;
	struct plugin     *plugin;  /* NULL: list the reports */
	struct plugin    **reports; /* the list: which to describe */
	size_t             nreports;
	enum render_format format;
	json_t            *given; /* the request's parameters */
	int                include_private;

	/* the outcome, made on the worker */
	struct rl_error err;
	int             failed;
	json_t         *list;
	char           *body;
	size_t          len;
};

/* On the worker (or inline): everything that touches plugins and SQL. */
static void
job_run(struct offload *o, struct db *db)
{
	struct report_job *rj = o->arg;
	json_t            *doc, *item;
	char               href[128];
	size_t             i;

	if (rj->plugin == NULL) {
		rj->list = json_array();
		for (i = 0; i < rj->nreports; i++) {
			item = report_about(rj->reports[i], db);
			snprintf(href, sizeof(href), "/api/v1/reports/%s",
			    rj->reports[i]->name);
			json_object_set_new(item, "href", json_string(href));
			json_array_append_new(rj->list, item);
		}
		return;
	}
	if (report_run(rj->plugin, db, rj->given, rj->include_private, &doc,
	        &rj->err) == -1) {
		rj->failed = 1;
		return;
	}
	rj->body = render(doc, rj->format, &rj->len);
	json_decref(doc);
	if (rj->body == NULL) {
		rj->failed = 1;
		rl_fail(&rj->err, 500, "report_failed", NULL,
		    "report %s could not be rendered", rj->plugin->name);
	}
}

static void
free_body(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)(uintptr_t)data);
}

/* On the loop thread: the answer. */
static void
job_done(struct offload *o, struct request *req)
{
	struct report_job *rj = o->arg;
	struct evbuffer   *buf;
	char               disposition[160];

	if (rj->failed)
		reply_error(req, &rj->err);
	else if (rj->plugin == NULL) {
		reply_list(req, rj->list, NULL);
		rj->list = NULL;
	} else {
		buf = evbuffer_new();
		evbuffer_add_reference(buf, rj->body, rj->len, free_body, NULL);
		rj->body = NULL;
		if (rj->format == RENDER_CSV && req->ev != NULL) {
			snprintf(disposition, sizeof(disposition),
			    "attachment; filename=\"%s.csv\"",
			    rj->plugin->name);
			evhttp_add_header(evhttp_request_get_output_headers(
			                      req->ev),
			    "Content-Disposition", disposition);
		}
		reply_buffer(req, 200, render_content_type(rj->format), buf, 0);
		evbuffer_free(buf);
	}
	json_decref(rj->list);
	json_decref(rj->given);
	free(rj->reports);
	free(rj->body);
	free(rj);
}

static void
start(struct request *req, struct report_job *rj)
{
	rj->off.run = job_run;
	rj->off.done = job_done;
	rj->off.arg = rj;
	request_offload(req, &rj->off, worker_default());
}

static struct report_job *
new_job(struct request *req)
{
	struct report_job *rj = calloc(1, sizeof(*rj));

	if (rj == NULL) {
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return NULL;
	}
	rj->include_private = request_signed_in(req);
	return rj;
}

void
api_report_list(struct request *req)
{
	struct plugin_registry *reg = plugins_default(); /* set by serve */
	struct report_job      *rj = new_job(req);

	if (rj == NULL)
		return;
	/*
	 * The loop picks the reports (the registry is the loop's: notifiers
	 * fail and change state there); the worker only runs these.
	 */
	if (reg != NULL && reg->n > 0 &&
	    (rj->reports = calloc(reg->n, sizeof(*rj->reports))) == NULL) {
		free(rj);
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	for (size_t i = 0; reg != NULL && i < reg->n; i++)
		if (report_usable(&reg->items[i]))
			rj->reports[rj->nreports++] = &reg->items[i];
	start(req, rj);
}

void
api_report_get(struct request *req)
{
	const char        *name = req->params[0], *f;
	enum render_format format = RENDER_JSON;
	struct plugin     *p;
	struct report_job *rj;
	struct evkeyval   *kv;

	f = request_query(req, "format");
	if (f != NULL && render_format_parse(f, &format) == -1) {
		reply_errorf(req, 400, "invalid_parameter", "format",
		    "format must be json, csv or html");
		return;
	}
	if ((rj = new_job(req)) == NULL)
		return;
	p = plugins_default() ? plugins_find(plugins_default(), name) : NULL;
	if (p == NULL || p->kind != ROLLIN_REPORT) {
		free(rj);
		reply_errorf(req, 404, "not_found", NULL,
		    "there is no report %s; GET /api/v1/reports lists them",
		    name);
		return;
	}
	rj->plugin = p;
	rj->format = format;
	rj->given = json_object();
	TAILQ_FOREACH(kv, &req->query, next)
	{
		json_t *v;
		if (strcmp(kv->key, "format") == 0)
			continue;
		if ((v = json_string(kv->value)) == NULL) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "%s is not valid UTF-8", kv->key);
			json_decref(rj->given);
			free(rj);
			return;
		}
		json_object_set_new(rj->given, kv->key, v);
	}
	start(req, rj);
}
