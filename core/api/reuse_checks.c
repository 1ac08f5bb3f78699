/*
 * GET /api/v1/reuse-checks/{id}/export?format=markdown|html: the reuse
 * check as a document the organisation files with its project. The
 * stored record is completed with what the catalogue knows about every
 * solution it names (name, maturity, owner), then handed to
 * domain/reuse_export.c, which writes the document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "api/api.h"
#include "domain/reuse_export.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"

static const char *
str(const json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

/* {"slug", "name"} of the organisation with slug. */
static json_t *
organisation(struct db *db, const char *slug)
{
	sqlite3_stmt *st;
	json_t       *org = json_pack("{s:s}", "slug", slug);

	st = db_prepare(db, "SELECT name FROM organisations WHERE slug = ?");
	if (st == NULL)
		return org;
	db_bind_text(st, 1, slug);
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(org, "name",
		    json_string(db_column_text(st, 0)));
	sqlite3_reset(st);
	return org;
}

/*
 * {"slug", "name", "maturity", "owner": {"slug", "name"}} of a catalogue
 * entry; only the slug if the catalogue does not know it (any more).
 */
static json_t *
solution(struct db *db, const char *slug)
{
	sqlite3_stmt *st;
	json_t       *sol = json_pack("{s:s}", "slug", slug);

	st = db_prepare(db,
	    "SELECT s.name, s.maturity, o.slug, o.name FROM solutions s "
	    "JOIN organisations o ON o.id = s.owner_id WHERE s.slug = ?");
	if (st == NULL)
		return sol;
	db_bind_text(st, 1, slug);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(sol, "name",
		    json_string(db_column_text(st, 0)));
		json_object_set_new(sol, "maturity",
		    json_string(db_column_text(st, 1)));
		json_object_set_new(sol, "owner",
		    json_pack("{s:s, s:s}", "slug", db_column_text(st, 2),
		        "name", db_column_text(st, 3)));
	}
	sqlite3_reset(st);
	return sol;
}

/* Fields of the record the document shows as they are. */
static const char *const copied[] = { "title", "need", "decision", "reason",
	"decided_on", NULL };

/* The prepared object that domain/reuse_export.h describes. */
static json_t *
export_view(struct db *db, const json_t *doc)
{
	json_t *view = json_object(), *considered = json_array(), *item, *v;
	char    today[CLOCK_DATE_LEN];
	size_t  i;

	json_object_set(view, "id", json_object_get(doc, "id"));
	for (const char *const *k = copied; *k; k++)
		if ((v = json_object_get(doc, *k)))
			json_object_set(view, *k, v);
	if (str(doc, "organisation"))
		json_object_set_new(view, "organisation",
		    organisation(db, str(doc, "organisation")));
	if (str(doc, "chosen"))
		json_object_set_new(view, "chosen",
		    solution(db, str(doc, "chosen")));
	json_array_foreach(json_object_get(doc, "considered"), i, v)
	{
		item = json_deep_copy(v);
		if (str(v, "solution"))
			json_object_set_new(item, "solution",
			    solution(db, str(v, "solution")));
		json_array_append_new(considered, item);
	}
	json_object_set_new(view, "considered", considered);
	clock_format_date(clock_now(), today);
	json_object_set_new(view, "exported_on", json_string(today));
	return view;
}

void
api_reuse_check_export(struct request *req)
{
	const char      *format = request_query(req, "format");
	struct record    r;
	struct rl_error  err;
	struct evbuffer *buf;
	json_t          *view;
	char            *text, disposition[96];
	int              html;

	if (format == NULL || strcmp(format, "markdown") == 0)
		html = 0;
	else if (strcmp(format, "html") == 0)
		html = 1;
	else {
		reply_errorf(req, 400, "invalid_parameter", "format",
		    "format must be markdown or html");
		return;
	}
	if (record_get(req->db, &res_reuse_check, 0, req->params[0], &r,
	        &err) == -1) {
		reply_error(req, &err);
		return;
	}
	view = export_view(req->db, r.doc);
	text = html ? reuse_export_html(view) : reuse_export_markdown(view);
	json_decref(view);
	if (text == NULL) {
		record_clear(&r);
		reply_errorf(req, 500, "internal", NULL,
		    "cannot render export");
		return;
	}
	snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"reuse-check-%lld.%s\"", (long long)r.id,
	    html ? "html" : "md");
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Content-Disposition", disposition);
	buf = evbuffer_new();
	evbuffer_add(buf, text, strlen(text));
	free(text);
	reply_buffer(req, 200,
	    html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8",
	    buf, r.rev);
	evbuffer_free(buf);
	record_clear(&r);
}
