/*
 * The host side of the plugin ABI: the function table every plugin gets.
 * Each function reaches the call's context through struct rollin_call.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/resource.h"
#include "net/http.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "store/record.h"
#include "util/log.h"

void
call_init(struct rollin_call *call, struct plugin *p)
{
	memset(call, 0, sizeof(*call));
	call->plugin = p;
}

void
call_clear(struct rollin_call *call)
{
	json_decref(call->summary);
	json_decref(call->params);
	json_decref(call->columns);
	json_decref(call->rows);
	json_decref(call->strings);
	call->summary = call->params = call->columns = call->rows = NULL;
	call->strings = NULL;
}

/* Keeps s alive until the call ends and returns it. */
static const char *
keep(struct rollin_call *call, json_t *s)
{
	if (call->strings == NULL)
		call->strings = json_array();
	json_array_append_new(call->strings, s);
	return json_string_value(s);
}

static void
host_log(struct rollin_call *call, enum rollin_log_level level, const char *fmt,
    ...)
{
	char    line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level < ROLLIN_LOG_ERROR || level > ROLLIN_LOG_DEBUG)
		level = ROLLIN_LOG_INFO;
	log_msg((enum log_level)level, "plugin %s: %s",
	    call && call->plugin ? call->plugin->name : "?", line);
	if (level == ROLLIN_LOG_ERROR && call)
		snprintf(call->message, sizeof(call->message), "%.500s", line);
}

static const char *
host_setting(struct rollin_call *call, const char *key)
{
	json_t *v;
	char    buf[64];

	if (call == NULL || call->plugin == NULL ||
	    (v = json_object_get(call->plugin->settings, key)) == NULL)
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(v));
		return keep(call, json_string(buf));
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

static const char *
host_input(struct rollin_call *call, size_t *len)
{
	*len = call->input_len;
	return call->input;
}

static const char *
host_input_name(struct rollin_call *call)
{
	return call->input_name ? call->input_name : "";
}

/*
 * What an importer may write: the kind's resource, and for records nested
 * under a solution the key in the JSON that names their solution (a
 * product's cycles name their product by "product").
 */
static const struct import_kind {
	const char            *kind;
	const struct resource *res;
} import_kinds[] = {
	{ "organisation", &res_organisation },
	{ "contact", &res_contact },
	{ "solution", &res_solution },
	{ "responsibility", &res_responsibility },
	{ "cycle", &res_cycle },
	{ "release", &res_release },
	{ "adoption", &res_adoption },
	{ "rollin", &res_rollin },
	{ "lesson", &res_lesson },
	{ "feedback", &res_feedback },
	{ "cost_report", &res_cost_report },
	{ "assessment", &res_assessment },
	{ "product", &res_product },
	{ "product_cycle", &res_product_cycle },
	{ "dependency", &res_dependency },
	{ NULL, NULL },
};

/* { "imported": n, "updated": n, "rejected": [ { where, message } ] } */
static json_t *
summary(struct rollin_call *call)
{
	if (call->summary == NULL)
		call->summary = json_pack("{s:i, s:i, s:[]}", "imported", 0,
		    "updated", 0, "rejected");
	return call->summary;
}

static void
summary_count(struct rollin_call *call, const char *what)
{
	json_t *s = summary(call);

	json_object_set_new(s, what,
	    json_integer(json_integer_value(json_object_get(s, what)) + 1));
}

static void
host_reject(struct rollin_call *call, const char *where, const char *message)
{
	json_array_append_new(json_object_get(summary(call), "rejected"),
	    json_pack("{s:s, s:s}", "where", where ? where : "", "message",
	        message ? message : ""));
}

static int
fail(struct rollin_error *err, int status, const char *field, const char *fmt,
    ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->status = status;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Creates or updates one record through the same validation as the API:
 * with match, an existing record whose field equals the document's is
 * updated (at its current revision, inside this transaction), otherwise a
 * record is created. Nested kinds name their solution by "solution".
 */
static int
host_upsert(struct rollin_call *call, const char *kind, const char *json,
    const char *match, struct rollin_error *err)
{
	const struct import_kind *k;
	struct rl_error           why;
	struct record             r;
	json_error_t              jerr;
	json_t                   *doc, *key;
	int64_t                   parent = 0, id = 0;
	char                      keytext[128];
	int                       rc = -1;

	for (k = import_kinds; k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			break;
	if (k->kind == NULL)
		return fail(err, 422, "kind", "unknown record kind '%s'", kind);
	if ((doc = json_loads(json, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(doc)) {
		json_decref(doc);
		return fail(err, 400, NULL, "not a JSON object: %s", jerr.text);
	}
	if (k->res->parent) {
		key = json_object_get(doc, k->res->parent->name);
		parent = json_is_string(key)
		    ? record_resolve(call->db, k->res->parent,
		          k->res->parent->key, key, 0)
		    : 0;
		if (parent == 0) {
			fail(err, 422, k->res->parent->name,
			    "%s: there is no %s "
			    "'%s'",
			    k->res->parent->name, k->res->parent->name,
			    json_is_string(key) ? json_string_value(key) : "");
			goto done;
		}
		json_object_del(doc, k->res->parent->name);
	}
	if (match != NULL && (key = json_object_get(doc, match)) != NULL)
		id = record_resolve(call->db, k->res, match, key, parent);
	if (id != 0) {
		int64_t rev;

		if (record_get_by_id(call->db, k->res, id, &r, &why) == -1)
			goto rl_failed;
		/* The record's key, for the update; then the record goes. */
		snprintf(keytext, sizeof(keytext), "%s",
		    json_is_integer(json_object_get(r.doc, k->res->key))
		        ? ""
		        : json_string_value(
		              json_object_get(r.doc, k->res->key)));
		if (keytext[0] == '\0')
			snprintf(keytext, sizeof(keytext), "%lld",
			    (long long)id);
		rev = r.rev;
		record_clear(&r);
		/* Matched by its own key: the key is not a field to write. */
		if (strcmp(match, k->res->key) == 0)
			json_object_del(doc, match);
		if (record_update(call->db, k->res, parent, keytext, doc, rev,
		        call->who, &r, &why) == -1)
			goto rl_failed;
		summary_count(call, "updated");
	} else {
		if (record_create(call->db, k->res, parent, doc, call->who, &r,
		        &why) == -1)
			goto rl_failed;
		summary_count(call, "imported");
	}
	record_clear(&r);
	rc = 0;
	goto done;
rl_failed:
	/*
	 * An import by an owner writes for the owner's organisation only;
	 * the store's generic refusal would not say that this is the reason.
	 */
	if (why.status == 403 && call->who && call->who->role != ROLE_ADMIN &&
	    !(id == 0 && (k->res->flags & R_ADMIN_CREATE)))
		fail(err, 403, why.field,
		    "this %s belongs to another organisation: an import by "
		    "organisation '%s' (role %s) writes only its own records",
		    k->res->name, call->who->org_slug,
		    role_name(call->who->role));
	else
		fail(err, why.status, why.field, "%s", why.message);
done:
	json_decref(doc);
	return rc;
}

static void
host_progress(struct rollin_call *call, size_t done, size_t total)
{
	call->progress_done = done;
	call->progress_total = total;
	if (call->on_progress)
		call->on_progress(call, done, total);
}

static const char *
host_event(struct rollin_call *call)
{
	return call->event;
}

static const char *
host_recipients(struct rollin_call *call)
{
	return call->recipients ? call->recipients : "[]";
}

static const char *
host_param(struct rollin_call *call, const char *name)
{
	return json_string_value(json_object_get(call->params, name));
}

/*
 * Read-only SQL for reports: the statement must not write (SQLite tells:
 * sqlite3_stmt_readonly), and parameters come as a JSON array.
 */
static char *
host_query(struct rollin_call *call, const char *sql, const char *params_json,
    struct rollin_error *err)
{
	sqlite3_stmt *st;
	json_t       *params = NULL, *rows, *row, *v;
	size_t        i;
	char         *out;
	int           rc, ncol;

	if (sqlite3_prepare_v2(db_handle(call->db), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		fail(err, 400, "sql", "%s",
		    sqlite3_errmsg(db_handle(call->db)));
		return NULL;
	}
	if (!sqlite3_stmt_readonly(st)) {
		sqlite3_finalize(st);
		fail(err, 403, "sql", "reports may only read");
		return NULL;
	}
	if (params_json && *params_json) {
		params = json_loads(params_json, 0, NULL);
		if (!json_is_array(params)) {
			json_decref(params);
			sqlite3_finalize(st);
			fail(err, 400, "params",
			    "parameters must be a JSON array");
			return NULL;
		}
		json_array_foreach(params, i, v)
		{
			int idx = (int)i + 1;
			if (json_is_integer(v))
				sqlite3_bind_int64(st, idx,
				    json_integer_value(v));
			else if (json_is_real(v))
				sqlite3_bind_double(st, idx,
				    json_real_value(v));
			else if (json_is_string(v))
				db_bind_text(st, idx, json_string_value(v));
			else
				sqlite3_bind_null(st, idx);
		}
	}
	rows = json_array();
	ncol = sqlite3_column_count(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = json_array();
		for (int c = 0; c < ncol; c++) {
			switch (sqlite3_column_type(st, c)) {
			case SQLITE_INTEGER:
				v = json_integer(sqlite3_column_int64(st, c));
				break;
			case SQLITE_FLOAT:
				v = json_real(sqlite3_column_double(st, c));
				break;
			case SQLITE_NULL:
				v = json_null();
				break;
			default:
				v = json_string(db_column_text(st, c));
				break;
			}
			json_array_append_new(row, v ? v : json_null());
		}
		json_array_append_new(rows, row);
	}
	sqlite3_finalize(st);
	json_decref(params);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		fail(err, 400, "sql", "%s",
		    sqlite3_errmsg(db_handle(call->db)));
		return NULL;
	}
	out = json_dumps(rows, JSON_COMPACT);
	json_decref(rows);
	return out;
}

static int
table_part(json_t **slot, const char *json, int append)
{
	json_t *v = json_loads(json, 0, NULL);

	if (!json_is_array(v)) {
		json_decref(v);
		return -1;
	}
	if (!append) {
		json_decref(*slot);
		*slot = v;
		return 0;
	}
	if (*slot == NULL)
		*slot = json_array();
	json_array_append_new(*slot, v);
	return 0;
}

static int
host_columns(struct rollin_call *call, const char *json)
{
	return table_part(&call->columns, json, 0);
}

static int
host_row(struct rollin_call *call, const char *json)
{
	return table_part(&call->rows, json, 1);
}

static void
host_finish(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	if (message)
		snprintf(call->message, sizeof(call->message), "%s", message);
	if (call->on_finish)
		call->on_finish(call, status, message);
}

static void
host_hmac(const char *key, size_t keylen, const void *data, size_t len,
    char out[65])
{
	crypto_auth_hmacsha256_state st;
	unsigned char                mac[crypto_auth_hmacsha256_BYTES];

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, keylen);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

static void
host_free(void *p)
{
	free(p);
}

const struct rollin_host plugin_host = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.size = sizeof(struct rollin_host),
	.log = host_log,
	.setting = host_setting,
	.input = host_input,
	.input_name = host_input_name,
	.upsert = host_upsert,
	.reject = host_reject,
	.progress = host_progress,
	.event = host_event,
	.param = host_param,
	.query = host_query,
	.columns = host_columns,
	.row = host_row,
	.http_request = net_plugin_http_request,
	.finish = host_finish,
	.hmac_sha256_hex = host_hmac,
	.free = host_free,
	.smtp_send = net_plugin_smtp_send,
	.recipients = host_recipients,
};
