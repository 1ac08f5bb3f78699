/*
 * Imports over the API:
 *
 *	POST /api/v1/imports?plugin=NAME&name=FILE	the file is the body
 *	GET  /api/v1/imports				newest first
 *	GET  /api/v1/imports/{id}
 *
 * An import runs an importer plugin exactly as `rollin import` does (one
 * transaction, every record all or nothing, events written with the
 * records), on the service's worker thread with its own connection, so a
 * large file never stalls the loop; the request stays open meanwhile and
 * is answered with the import's report, which is also kept.
 *
 * Owners and admins import. An import writes as the one who started it:
 * the store's access rules refuse every record of another organisation,
 * and the refusal is reported with that record. Owners see their
 * organisation's imports, admins all.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "http/reply.h"
#include "http/offload.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "store/imports.h"
#include "util/clock.h"

#define IMPORT_LIST_DEFAULT 50
#define IMPORT_LIST_MAX     200
#define IMPORT_NAME_MAX     200

/* The importer for a body by its media type, as `rollin import` picks
 * one by the file's extension. */
static const struct {
	const char *type, *plugin, *name;
} by_type[] = {
	{ "application/yaml", "publiccode", "publiccode.yml" },
	{ "application/x-yaml", "publiccode", "publiccode.yml" },
	{ "text/yaml", "publiccode", "publiccode.yml" },
	{ "text/x-yaml", "publiccode", "publiccode.yml" },
	{ "text/csv", "csv-import", "import.csv" },
	{ "application/json", "endoflife", "import.json" },
};

struct import_job {
	struct offload   off;
	struct plugin   *plugin;
	struct principal who;
	char            *input;
	size_t           len;
	char             name[IMPORT_NAME_MAX + 1];

	/* the outcome, made on the worker */
	struct rl_error err;
	int             failed;
	json_t         *report;

	/* while it waits or runs: GET /api/v1/imports/running */
	atomic_int         started; /* set on the worker */
	char               queued_at[CLOCK_TS_LEN];
	struct import_job *next_pending;
};

/* Imports accepted and not yet answered, oldest first; the loop's. */
static struct import_job *pending;

static void
pending_add(struct import_job *ij)
{
	struct import_job **p = &pending;

	while (*p != NULL)
		p = &(*p)->next_pending;
	*p = ij;
}

static void
pending_remove(struct import_job *ij)
{
	for (struct import_job **p = &pending; *p != NULL;
	     p = &(*p)->next_pending)
		if (*p == ij) {
			*p = ij->next_pending;
			return;
		}
}

static void
progress(struct rollin_call *call, size_t done, size_t total)
{
	struct import_job *ij = call->arg;

	atomic_store(&ij->off.job.progress_done, done);
	atomic_store(&ij->off.job.progress_total, total);
}

/*
 * A file the importer refused as a whole, as the import's one rejected
 * record: "publiccode could not import f: f:2:1: name: why" becomes
 * where "f:2:1", message "name: why", like the records it reports itself.
 */
static json_t *
refusal(struct import_job *ij)
{
	const char *msg = ij->err.message, *rest, *p;
	char        prefix[IMPORT_NAME_MAX + 96], where[IMPORT_NAME_MAX + 32];
	size_t      n, len = strlen(ij->name);

	snprintf(where, sizeof(where), "%s", ij->name);
	n = (size_t)snprintf(prefix, sizeof(prefix),
	    "%s could not import %s: ", ij->plugin->name, ij->name);
	if (strncmp(msg, prefix, n) == 0) {
		msg += n;
		rest = msg;
		if (strncmp(rest, ij->name, len) == 0 && rest[len] == ':') {
			p = rest + len + 1;
			p += strspn(p, "0123456789");
			if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
				p += 1 + strspn(p + 1, "0123456789");
				if (strncmp(p, ": ", 2) == 0 &&
				    (size_t)(p - rest) < sizeof(where)) {
					snprintf(where, sizeof(where), "%.*s",
					    (int)(p - rest), rest);
					msg = p + 2;
				}
			}
		}
	}
	return json_pack("{s:i, s:i, s:[{s:s, s:s}]}", "imported", 0, "updated",
	    0, "rejected", "where", where, "message", msg);
}

/* On the worker (or inline): the import itself and its record. */
static void
job_run(struct offload *o, struct db *db)
{
	struct import_job  *ij = o->arg;
	struct import_entry e = { .plugin = ij->plugin->name,
		.source = ij->name,
		.who = &ij->who };
	char                started[CLOCK_TS_LEN], finished[CLOCK_TS_LEN];
	json_t             *summary = NULL;
	int64_t             id;

	atomic_store(&ij->started, 1);
	clock_format_ts(clock_now(), started);
	if (run_import(ij->plugin, db, &ij->who, ij->input, ij->len, ij->name,
	        progress, ij, &summary, &ij->err) == -1) {
		/*
		 * The importer refused the file as a whole (nothing was
		 * written): that is the import's one rejected record. Other
		 * failures (a busy store) are the request's.
		 */
		if (strcmp(ij->err.code, "import_failed") != 0) {
			ij->failed = 1;
			return;
		}
		summary = refusal(ij);
	}
	clock_format_ts(clock_now(), finished);
	e.started_at = started;
	e.finished_at = finished;
	e.summary = summary;
	id = imports_add(db, &e);
	json_decref(summary);
	if (id == 0 || (ij->report = imports_get(db, id, 0)) == NULL) {
		ij->failed = 1;
		rl_fail(&ij->err, 500, "store", NULL,
		    "the import ran but its report could not be stored");
	}
}

/* On the loop thread: the answer. */
static void
job_done(struct offload *o, struct request *req)
{
	struct import_job *ij = o->arg;
	char               location[64];

	pending_remove(ij);

	if (ij->failed)
		reply_error(req, &ij->err);
	else {
		if (req->ev != NULL) {
			snprintf(location, sizeof(location),
			    "/api/v1/imports/%lld",
			    (long long)json_integer_value(
			        json_object_get(ij->report, "id")));
			evhttp_add_header(evhttp_request_get_output_headers(
			                      req->ev),
			    "Location", location);
		}
		reply_json(req, 201, ij->report, 0);
		ij->report = NULL;
	}
	json_decref(ij->report);
	free(ij->input);
	free(ij);
}

static void
start(struct request *req, struct import_job *ij)
{
	ij->off.run = job_run;
	ij->off.done = job_done;
	ij->off.arg = ij;
	request_offload(req, &ij->off, worker_default());
}

/* Who may import and see imports; replies and returns -1 if not. */
static int
allowed(struct request *req)
{
	if (req->who.role == ROLE_NONE) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "sign in: importing needs a token (Authorization: Bearer "
		    "...) or a session");
		return -1;
	}
	if (req->who.role != ROLE_ADMIN && req->who.role != ROLE_OWNER) {
		reply_errorf(req, 403, "forbidden", NULL,
		    "only owners and admins import; a token with role %s may "
		    "not",
		    role_name(req->who.role));
		return -1;
	}
	return 0;
}

/* The importer a media type calls for (parameters ignored), or -1. */
static int
type_index(const char *ctype)
{
	size_t n;

	if (ctype == NULL)
		return -1;
	n = strcspn(ctype, "; \t");
	for (size_t i = 0; i < sizeof(by_type) / sizeof(by_type[0]); i++)
		if (strlen(by_type[i].type) == n &&
		    strncasecmp(ctype, by_type[i].type, n) == 0)
			return (int)i;
	return -1;
}

/*
 * A file name is shown in positions ("publiccode.yml:3:5"): one line of
 * UTF-8 (JSON carries it).
 */
static int
name_ok(const char *name)
{
	size_t  n = strlen(name);
	json_t *utf8;

	if (n == 0 || n > IMPORT_NAME_MAX || (utf8 = json_string(name)) == NULL)
		return 0;
	json_decref(utf8);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

void
api_import_create(struct request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req->ev);
	const char      *ctype =
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "Content-Type");
	const char             *name = request_query(req, "plugin");
	const char             *file = request_query(req, "name");
	struct plugin_registry *reg = plugins_default();
	struct import_job      *ij;
	struct plugin          *p;
	size_t                  len = evbuffer_get_length(in);
	int                     t = type_index(ctype);

	if (allowed(req) == -1)
		return;
	if (name == NULL && t < 0) {
		reply_errorf(req, 415, "unsupported_media_type", "plugin",
		    "send the file as application/yaml (publiccode.yml), "
		    "text/csv or application/json, or name the importer with "
		    "?plugin=");
		return;
	}
	if (name == NULL)
		name = by_type[t].plugin;
	p = reg ? plugins_find(reg, name) : NULL;
	if (p == NULL || p->kind != ROLLIN_IMPORTER) {
		reply_errorf(req, 400, "invalid_parameter", "plugin",
		    "plugin: there is no importer %.64s; GET /api/v1/plugins "
		    "lists them",
		    name);
		return;
	}
	if (p->state != PLUGIN_LOADED) {
		reply_errorf(req, 409, "plugin_unavailable", "plugin",
		    "plugin: importer %s is %s: %s", p->name,
		    plugin_state_name(p->state), p->last_error);
		return;
	}
	if (file != NULL && !name_ok(file)) {
		reply_errorf(req, 400, "invalid_parameter", "name",
		    "name must be a file name of 1 to %d bytes of UTF-8 on "
		    "one line",
		    IMPORT_NAME_MAX);
		return;
	}
	if (len == 0) {
		reply_errorf(req, 400, "empty_body", "body",
		    "the request needs the file to import as its body");
		return;
	}
	if ((ij = calloc(1, sizeof(*ij))) == NULL ||
	    (ij->input = malloc(len + 1)) == NULL) {
		free(ij);
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	evbuffer_copyout(in, ij->input, len);
	ij->input[len] = '\0';
	ij->len = len;
	ij->plugin = p;
	ij->who = req->who;
	if (file == NULL)
		for (size_t i = 0; i < sizeof(by_type) / sizeof(by_type[0]);
		     i++)
			if (strcmp(by_type[i].plugin, p->name) == 0) {
				file = by_type[i].name;
				break;
			}
	snprintf(ij->name, sizeof(ij->name), "%s", file ? file : "import");
	clock_format_ts(clock_now(), ij->queued_at);
	pending_add(ij);
	start(req, ij);
}

/*
 * GET /api/v1/imports/running: the imports accepted and not finished,
 * oldest first (they run one at a time), with how far each has got as
 * its importer reports it. Owners see their organisation's.
 */
void
api_import_running(struct request *req)
{
	json_t *items;

	if (allowed(req) == -1)
		return;
	items = json_array();
	for (struct import_job *ij = pending; ij != NULL;
	     ij = ij->next_pending) {
		if (req->who.role != ROLE_ADMIN &&
		    ij->who.org_id != req->who.org_id)
			continue;
		json_array_append_new(items,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "plugin",
		        ij->plugin->name, "source", ij->name, "by",
		        ij->who.actor, "state",
		        atomic_load(&ij->started) ? "running" : "waiting",
		        "queued_at", ij->queued_at, "done",
		        (json_int_t)atomic_load(&ij->off.job.progress_done),
		        "total",
		        (json_int_t)atomic_load(&ij->off.job.progress_total)));
	}
	reply_list(req, items, NULL);
}

/* The organisation whose imports the client sees: 0 for all (admins). */
static int64_t
scope(struct request *req)
{
	return req->who.role == ROLE_ADMIN ? 0 : req->who.org_id;
}

static int
parse_positive(const char *s, long long max, long long *out)
{
	char *end;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end != '\0' || *out < 1 || *out > max ? -1 : 0;
}

void
api_import_list(struct request *req)
{
	const char *limit_s = request_query(req, "limit");
	const char *cursor = request_query(req, "cursor");
	long long   limit = IMPORT_LIST_DEFAULT, before = 0;
	json_t     *items;
	char        next[32];
	int         more;

	if (allowed(req) == -1)
		return;
	if (limit_s && parse_positive(limit_s, IMPORT_LIST_MAX, &limit) == -1) {
		reply_errorf(req, 400, "invalid_parameter", "limit",
		    "limit must be from 1 to %d", IMPORT_LIST_MAX);
		return;
	}
	if (cursor && parse_positive(cursor, INT64_MAX, &before) == -1) {
		reply_errorf(req, 400, "invalid_parameter", "cursor",
		    "cursor must be the next value of a previous page");
		return;
	}
	items = imports_list(req->db, scope(req), before, (int)limit, &more);
	if (more)
		snprintf(next, sizeof(next), "%lld",
		    (long long)json_integer_value(
		        json_object_get(json_array_get(items,
		                            json_array_size(items) - 1),
		            "id")));
	reply_list(req, items, more ? next : NULL);
}

void
api_import_get(struct request *req)
{
	long long id;
	json_t   *out;

	if (allowed(req) == -1)
		return;
	if (parse_positive(req->params[0], INT64_MAX, &id) == -1 ||
	    (out = imports_get(req->db, id, scope(req))) == NULL) {
		reply_errorf(req, 404, "not_found", NULL,
		    "there is no import %.32s", req->params[0]);
		return;
	}
	reply_json(req, 200, out, 0);
}
