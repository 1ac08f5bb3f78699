/*
 * Lua plugins: running a call. Each call of init() or run() is a
 * coroutine on the plugin's state, under the memory cap, the instruction
 * budget and the time limit; a call that waits for rollin.http yields and
 * is resumed when the answer comes. Loading and freeing a plugin are
 * script.c's.
 *
 * call is a table: { plugin, kind } and, by kind, input_name (importers),
 * params (reports) or event (notifiers). run() fails by raising an error
 * or by returning false and a message; a report may also return
 * { columns = {...}, rows = {{...}, ...} } instead of calling rollin.row.
 *
 * A failed call, whatever the cause (an error, the memory cap, the
 * instruction budget, the time limit), fails that call only: it is logged,
 * its message goes to the caller and to the plugin's last_error, and the
 * plugin stays loaded.
 */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin/call.h"
#include "plugin/plugin.h"
#include "script/script.h"
#include "script/state.h"
#include "util/log.h"

/*
 * Runs fn(ud) protected on the main thread; the error text, if any, goes
 * to err. Lua runs only under a run (s->current) so the hook can charge
 * it.
 */
int
script_protect(struct script *s, lua_CFunction fn, void *ud, char *err,
    size_t errlen)
{
	lua_State *L = s->L;
	int        top = lua_gettop(L), status;

	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	status = lua_pcall(L, 1, 0, 0);
	if (status != LUA_OK && err != NULL)
		snprintf(err, errlen, "%s",
		    lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
		                                   : "unknown error");
	lua_settop(L, top);
	return status;
}

void
script_run_init(struct script_run *r, struct script *s, struct plugin *p,
    struct rollin_call *call)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->plugin = p;
	r->call = call;
	r->budget = s->instructions;
	r->limit_ns = (int64_t)s->timeout_ms * 1000000;
}

/* The text of a failure, the host's reason first, on one line. */
void
script_failure_text(struct script_run *r, const char *lua_msg, char *out,
    size_t outlen)
{
	const char *tb = lua_msg ? strstr(lua_msg, "\nstack traceback:") : NULL;
	size_t      n = 0;

	switch (r->stop) {
	case SCRIPT_OUT_OF_MEMORY:
		n = (size_t)snprintf(out, outlen,
		    "%s (%zu MB; setting "
		    "plugins.%s.memory_mb)",
		    script_stop_message(r->stop), r->s->mem_cap / (1024 * 1024),
		    r->s->name);
		break;
	case SCRIPT_OUT_OF_BUDGET:
		n = (size_t)snprintf(out, outlen,
		    "%s (%lld instructions per "
		    "call; setting plugins.%s.instructions)",
		    script_stop_message(r->stop), r->s->instructions,
		    r->s->name);
		break;
	case SCRIPT_OUT_OF_TIME:
		n = (size_t)snprintf(out, outlen,
		    "%s (%ld ms per call; "
		    "setting plugins.%s.timeout_ms)",
		    script_stop_message(r->stop), r->s->timeout_ms, r->s->name);
		break;
	case SCRIPT_GOING:
		n = (size_t)snprintf(out, outlen, "%.*s",
		    tb ? (int)(tb - lua_msg)
		       : (int)strlen(lua_msg ? lua_msg : ""),
		    lua_msg ? lua_msg : "");
		break;
	}
	if (tb == NULL || n >= outlen)
		goto flatten;
	/* The traceback's lines, as "; at <frame>", without C frames. */
	for (const char *line = strchr(tb + 1, '\n');
	     line != NULL && n < outlen; line = strchr(line + 1, '\n')) {
		const char *end = strchr(line + 1, '\n');
		int len = end ? (int)(end - line - 1) : (int)strlen(line + 1);
		const char *frame = line + 1;

		while (len > 0 && (*frame == '\t' || *frame == ' ')) {
			frame++;
			len--;
		}
		if (len == 0 || strncmp(frame, "[C]", 3) == 0 ||
		    strncmp(frame, "(...tail calls...)", 18) == 0)
			continue;
		n += (size_t)snprintf(out + n, outlen - n, "; at %.*s", len,
		    frame);
	}
flatten:
	for (char *c = out; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
}

/*
 * Records a failed call on the call and, for run(), on the plugin, and
 * logs it. A failed init() is the loader's to report (plugin_fail).
 */
static void
report_failure(struct script_run *r, const char *text)
{
	snprintf(r->call->message, sizeof(r->call->message), "%s", text);
	if (strcmp(r->fn, "run") != 0)
		return;
	log_warnx("plugin %s: run() failed: %s", r->s->name, text);
	/* Off the loop, the loop records it with the outcome (the API reads
	 * it there). */
	if (r->call->runner == NULL)
		snprintf(r->plugin->last_error, sizeof(r->plugin->last_error),
		    "%s", text);
}

static void
release_json(void *v)
{
	json_decref(v);
}

static void
run_table_fields(lua_State *L, struct script_run *r)
{
	struct rollin_call *call = r->call;
	struct plugin      *p = r->plugin;

	lua_createtable(L, 0, 4);
	lua_pushstring(L, p->name);
	lua_setfield(L, -2, "plugin");
	lua_pushstring(L, plugin_kind_name(p->kind));
	lua_setfield(L, -2, "kind");
	if (call->input_name != NULL) {
		lua_pushstring(L, call->input_name);
		lua_setfield(L, -2, "input_name");
	}
	if (call->params != NULL) {
		script_push_json(L, call->params, 1);
		lua_setfield(L, -2, "params");
	}
	if (call->event != NULL) {
		struct script_box *b = script_box(L, release_json);

		if ((b->ptr = json_loads(call->event, 0, NULL)) == NULL)
			luaL_error(L, "the event is not JSON");
		script_push_json(L, b->ptr, 0);
		script_box_release(b);
		lua_setfield(L, -3, "event");
		lua_pop(L, 1);
	}
}

/* A report's returned { columns, rows }: handed to the host table. */
static void
report_result(lua_State *L, int idx)
{
	if (lua_getfield(L, idx, "columns") == LUA_TTABLE) {
		lua_pushcfunction(L, script_columns);
		lua_insert(L, -2);
		lua_call(L, 1, 0);
	} else
		lua_pop(L, 1);
	if (lua_getfield(L, idx, "rows") == LUA_TTABLE) {
		for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL;
		     i++) {
			lua_pushcfunction(L, script_row);
			lua_insert(L, -2);
			lua_call(L, 1, 0);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/*
 * The end of a call, in its coroutine: [msgh, results...] after success,
 * [msgh, message] after an error. Leaves true, or false and a message.
 */
static int
body_done(lua_State *L, int status, lua_KContext ctx)
{
	struct script_run *r = script_of(L)->current;

	(void)ctx;
	if (status != LUA_OK && status != LUA_YIELD) {
		if (status == LUA_ERRMEM && r != NULL)
			script_stop(r, SCRIPT_OUT_OF_MEMORY);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	if (lua_gettop(L) >= 2 && lua_type(L, 2) == LUA_TBOOLEAN &&
	    !lua_toboolean(L, 2)) {
		lua_pushboolean(L, 0);
		if (lua_type(L, 3) == LUA_TSTRING)
			lua_pushvalue(L, 3);
		else
			lua_pushliteral(L, "run() returned false");
		return 2;
	}
	if (lua_gettop(L) >= 2 && lua_istable(L, 2) && r != NULL &&
	    r->plugin->kind == ROLLIN_REPORT)
		report_result(L, 2);
	lua_pushboolean(L, 1);
	return 1;
}

/* The body of every call's coroutine: fn(call) under the handler. */
static int
body(lua_State *L)
{
	struct script_run *r = script_of(L)->current;
	int                status;

	lua_pushcfunction(L, script_msgh);
	lua_insert(L, 1);
	run_table_fields(L, r);
	status = lua_pcallk(L, 1, LUA_MULTRET, 1, 0, body_done);
	return body_done(L, status, 0);
}

struct start_ctx {
	struct script_run *r;
	const char        *fn;
};

/* Makes the call's coroutine, anchored in the registry by its run. */
static int
start_thread(lua_State *L)
{
	struct start_ctx  *c = lua_touserdata(L, 1);
	struct script_run *r = c->r;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &script_key_runs);
	r->co = lua_newthread(L);
	lua_rawsetp(L, -2, r);
	script_arm(r->co);
	lua_pushcfunction(r->co, body);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &script_key_module);
	lua_getfield(L, -1, c->fn);
	lua_xmove(L, r->co, 1);
	return 0;
}

static int
end_thread(lua_State *L)
{
	struct script_run *r = lua_touserdata(L, 1);

	lua_rawgetp(L, LUA_REGISTRYINDEX, &script_key_runs);
	lua_pushnil(L);
	lua_rawsetp(L, -2, r);
	return 0;
}

static int
collect(lua_State *L)
{
	lua_gc(L, LUA_GCCOLLECT);
	return 0;
}

/*
 * What a resume came to: ROLLIN_PENDING (waiting for HTTP), ROLLIN_OK, or
 * ROLLIN_FAILED with the text in msg. Reads the coroutine's stack without
 * converting anything (no allocation outside protection).
 */
static enum rollin_status
settle(struct script_run *r, int status, int nres, char *msg, size_t msglen)
{
	lua_State  *co = r->co;
	const char *text = NULL;

	if (status == LUA_YIELD) {
		lua_pop(co, nres);
		if (r->http == SCRIPT_HTTP_WAITING && r->stop == SCRIPT_GOING)
			return ROLLIN_PENDING;
		text = "coroutine.yield() reached the host: only rollin.http "
		       "may wait";
	} else if (status == LUA_OK && nres >= 1 && lua_toboolean(co, -nres) &&
	    r->stop == SCRIPT_GOING) {
		lua_pop(co, nres);
		return ROLLIN_OK;
	} else if (status == LUA_OK && nres >= 2 &&
	    lua_type(co, -nres + 1) == LUA_TSTRING)
		text = lua_tostring(co, -nres + 1);
	else if (status != LUA_OK && lua_type(co, -1) == LUA_TSTRING)
		text = lua_tostring(co, -1);
	if (status == LUA_ERRMEM)
		script_stop(r, SCRIPT_OUT_OF_MEMORY);
	script_failure_text(r, text ? text : "the call failed", msg, msglen);
	return ROLLIN_FAILED;
}

/*
 * Ends a run that finished: closes its coroutine (its pending to-be-closed
 * variables run under the same limits), drops it from the registry and,
 * after a failure, collects the garbage it left.
 */
static void
end_run(struct script_run *r, enum rollin_status outcome)
{
	struct script *s = r->s;

	script_slice_begin(r);
	if (r->co != NULL && outcome != ROLLIN_OK)
		lua_resetthread(r->co);
	script_protect(s, end_thread, r, NULL, 0);
	if (outcome != ROLLIN_OK)
		script_protect(s, collect, NULL, NULL, 0);
	script_slice_end(r);
	script_run_free_http(r);
}

static void
unlink_pending(struct script_run *r)
{
	for (struct script_run **pp = &r->s->pending; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
}

/*
 * Starts fn ("run" or "init") for call; the caller holds s->lock. Returns
 * the outcome; on ROLLIN_PENDING the run stays on s->pending.
 */
enum rollin_status
script_start_run(struct script_run *r, const char *fn)
{
	struct script     *s = r->s;
	struct start_ctx   c = { r, fn };
	char               msg[512], err[512];
	enum rollin_status outcome;
	int                status, nres = 0;

	r->fn = fn;
	script_slice_begin(r);
	if (script_protect(s, start_thread, &c, err, sizeof(err)) != LUA_OK) {
		script_slice_end(r);
		r->co = NULL;
		script_failure_text(r, err, msg, sizeof(msg));
		report_failure(r, msg);
		end_run(r, ROLLIN_FAILED);
		return ROLLIN_FAILED;
	}
	status = lua_resume(r->co, s->L, 1, &nres);
	script_slice_end(r);
	outcome = settle(r, status, nres, msg, sizeof(msg));
	if (outcome == ROLLIN_PENDING) {
		r->next = s->pending;
		s->pending = r;
		return outcome;
	}
	if (outcome == ROLLIN_FAILED)
		report_failure(r, msg);
	end_run(r, outcome);
	return outcome;
}

void
script_resume(struct script_run *r)
{
	struct script      *s = r->s;
	struct rollin_call *call = r->call;
	enum rollin_status  outcome;
	char                msg[512];
	int                 status, nres = 0;

	pthread_mutex_lock(&s->lock);
	if (lua_status(r->co) != LUA_YIELD) {
		/* Another call resumed or closed this coroutine. */
		script_failure_text(r,
		    "the plugin resumed or closed this call's "
		    "coroutine while it waited for HTTP",
		    msg, sizeof(msg));
		outcome = ROLLIN_FAILED;
	} else {
		script_slice_begin(r);
		status = lua_resume(r->co, s->L, 0, &nres);
		script_slice_end(r);
		outcome = settle(r, status, nres, msg, sizeof(msg));
		if (outcome == ROLLIN_PENDING) {
			pthread_mutex_unlock(&s->lock);
			return;
		}
	}
	unlink_pending(r);
	if (outcome == ROLLIN_FAILED)
		report_failure(r, msg);
	end_run(r, outcome);
	pthread_mutex_unlock(&s->lock);
	free(r);
	/* Last: on_finish may free the call or start another one. */
	plugin_host.finish(call, outcome, outcome == ROLLIN_OK ? NULL : msg);
}

enum rollin_status
script_plugin_run(struct plugin *p, struct rollin_call *call)
{
	struct script     *s = p->script;
	struct script_run *r;
	enum rollin_status outcome;

	if (s == NULL || s->L == NULL) {
		snprintf(call->message, sizeof(call->message),
		    "plugin %s is not loaded", p->name);
		return ROLLIN_FAILED;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(call->message, sizeof(call->message), "out of memory");
		return ROLLIN_FAILED;
	}
	pthread_mutex_lock(&s->lock);
	script_run_init(r, s, p, call);
	outcome = script_start_run(r, "run");
	pthread_mutex_unlock(&s->lock);
	if (outcome != ROLLIN_PENDING)
		free(r);
	return outcome;
}
