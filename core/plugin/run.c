#include <string.h>

#include "plugin/call.h"
#include "plugin/run.h"
#include "script/script.h"
#include "store/db.h"
#include "util/log.h"

enum rollin_status
run_call(struct plugin *p, struct rollin_call *call)
{
	if (p->state != PLUGIN_LOADED)
		return ROLLIN_FAILED;
	if (strcmp(p->language, "lua") == 0)
		return script_plugin_run(p, call);
	return p->desc->run(p->state_ptr, call);
}

int
run_import(struct plugin *p, struct db *db, const struct principal *who,
    const char *input, size_t len, const char *name, run_progress_fn progress,
    void *progress_arg, json_t **summary, struct rl_error *err)
{
	struct rollin_call call;
	enum rollin_status rc;

	*summary = NULL;
	if (p->kind != ROLLIN_IMPORTER)
		return rl_fail(err, 400, "not_an_importer", "plugin",
		    "plugin %s is a %s, not an importer", p->name,
		    plugin_kind_name(p->kind));
	if (p->state != PLUGIN_LOADED)
		return rl_fail(err, 409, "plugin_unavailable", "plugin",
		    "plugin %s is %s: %s", p->name, plugin_state_name(p->state),
		    p->last_error);
	call_init(&call, p);
	call.db = db;
	call.who = who;
	call.input = input;
	call.input_len = len;
	call.input_name = name;
	call.on_progress = progress;
	call.arg = progress_arg;
	/*
	 * One transaction for the whole import (fast), one savepoint per
	 * record inside it (record_create/update nest), so a rejected record
	 * leaves nothing behind and the others still land.
	 */
	if (db_begin(db) == -1) {
		call_clear(&call);
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	}
	rc = run_call(p, &call);
	if (rc != ROLLIN_OK) {
		db_rollback(db);
		rl_fail(err, 422, "import_failed", NULL,
		    "%s could not import "
		    "%s: %s",
		    p->name, name ? name : "the input",
		    call.message[0] ? call.message : "the plugin failed");
		call_clear(&call);
		return -1;
	}
	if (db_commit(db) == -1) {
		call_clear(&call);
		return rl_fail(err, 500, "store", NULL,
		    "committing the import "
		    "failed");
	}
	if (call.summary == NULL)
		call.summary = json_pack("{s:i, s:i, s:[]}", "imported", 0,
		    "updated", 0, "rejected");
	*summary = json_incref(call.summary);
	log_info("import %s by %s: %lld imported, %lld updated, %zu rejected",
	    name ? name : "-", p->name,
	    (long long)json_integer_value(
	        json_object_get(*summary, "imported")),
	    (long long)json_integer_value(json_object_get(*summary, "updated")),
	    json_array_size(json_object_get(*summary, "rejected")));
	call_clear(&call);
	return 0;
}

int
run_report(struct plugin *p, struct db *db, json_t *params, json_t **table,
    struct rl_error *err)
{
	struct rollin_call call;
	enum rollin_status rc;

	*table = NULL;
	if (p->kind != ROLLIN_REPORT)
		return rl_fail(err, 404, "not_found", NULL,
		    "there is no report %s", p->name);
	if (p->state != PLUGIN_LOADED)
		return rl_fail(err, 409, "plugin_unavailable", NULL,
		    "report %s is %s: %s", p->name, plugin_state_name(p->state),
		    p->last_error);
	call_init(&call, p);
	call.db = db;
	call.params = json_incref(params ? params : json_object());
	if (params == NULL)
		json_decref(call.params);
	rc = run_call(p, &call);
	if (rc != ROLLIN_OK || call.columns == NULL) {
		rl_fail(err, 500, "report_failed", NULL, "report %s failed: %s",
		    p->name,
		    call.message[0] ? call.message : "it produced no table");
		call_clear(&call);
		return -1;
	}
	*table = json_pack("{s:O, s:o}", "columns", call.columns, "rows",
	    call.rows ? json_incref(call.rows) : json_array());
	call_clear(&call);
	return 0;
}
