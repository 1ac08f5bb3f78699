/*
 * The `rollin` table: the host table (struct rollin_host) for Lua, bound
 * to the call that runs now. Scripts see it as a read-only proxy.
 *
 *	rollin.log(level, message)	"error", "warn", "info", "debug"
 *	rollin.setting(key)		-> text | nil (plugins.<name>.<key>)
 *	rollin.input()			-> text | nil (importers)
 *	rollin.input_name()		-> text
 *	rollin.upsert(kind, record, match)
 *					-> true | nil, { status, field, message }
 *					record: a table or JSON text
 *	rollin.reject(where, message)
 *	rollin.progress(done, total)
 *	rollin.event()			-> table | nil (notifiers)
 *	rollin.recipients()		-> array of { organisation,
 *					organisation_name, contact, email,
 *					reason } (notifiers)
 *	rollin.param(name)		-> text | nil (reports)
 *	rollin.query(sql, params)	-> rows | nil, { status, field, message }
 *					rows are arrays; SQL NULL is nil
 *	rollin.columns(names), rollin.row(values)
 *	rollin.hmac_sha256_hex(key, data) -> 64 hex digits
 *	rollin.json_encode(value), rollin.json_decode(text)
 *	rollin.csv_parse(text, options)
 *	rollin.http(method, url, headers, body)
 *	rollin.smtp(url, from, to, message, user, password)
 *	rollin.null			JSON null
 */
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "plugin/call.h"
#include "plugin/plugin.h"
#include "script/state.h"
#include "util/log.h"

struct script_run *
script_need_call(lua_State *L, const char *fn)
{
	struct script_run *r = script_of(L)->current;

	if (r == NULL || r->call == NULL)
		luaL_error(L, "%s is available only while init() or run() runs",
		    fn);
	/* A stopped call does nothing more: its next instructions fail. */
	if (r->stop != SCRIPT_GOING) {
		lua_pushstring(L, script_stop_message(r->stop));
		lua_error(L);
	}
	return r;
}

/*
 * A log line of the plugin: through host->log while a call runs (an ERROR
 * line also becomes the call's message), else straight to the log. A call
 * writes at most SCRIPT_LOG_LINES lines, so a loop cannot flood the log.
 */
void
script_log(struct script_run *r, struct script *s, enum rollin_log_level level,
    const char *fmt, ...)
{
	char    line[1024];
	va_list ap;

	if (r != NULL && r->log_lines++ >= SCRIPT_LOG_LINES) {
		if (r->log_lines == SCRIPT_LOG_LINES + 1)
			log_warnx("plugin %s: more than %d log lines in one "
			          "call; the rest are dropped",
			    s->name, SCRIPT_LOG_LINES);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (r != NULL && r->call != NULL)
		plugin_host.log(r->call, level, "%s", line);
	else
		log_msg((enum log_level)level, "plugin %s: %s", s->name, line);
}

static int
l_log(lua_State *L)
{
	static const char *const levels[] = { "error", "warn", "info", "debug",
		NULL };
	struct script           *s = script_of(L);
	int                      level;

	if (lua_type(L, 1) == LUA_TNUMBER) {
		level = (int)luaL_checkinteger(L, 1);
		luaL_argcheck(L,
		    level >= ROLLIN_LOG_ERROR && level <= ROLLIN_LOG_DEBUG, 1,
		    "a level from 0 (error) to 3 (debug)");
	} else
		level = luaL_checkoption(L, 1, NULL, levels);
	script_log(s->current, s, (enum rollin_log_level)level, "%s",
	    luaL_checkstring(L, 2));
	return 0;
}

static int
push_text(lua_State *L, const char *s)
{
	if (s == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, s);
	return 1;
}

static int
l_setting(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.setting");

	return push_text(L,
	    plugin_host.setting(r->call, luaL_checkstring(L, 1)));
}

static int
l_input(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.input");
	const char        *in;
	size_t             len = 0;

	if ((in = plugin_host.input(r->call, &len)) == NULL)
		lua_pushnil(L);
	else
		lua_pushlstring(L, in, len);
	return 1;
}

static int
l_input_name(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.input_name");

	return push_text(L, plugin_host.input_name(r->call));
}

/* nil, { status, field, message }: what upsert and query answer. */
static int
push_error(lua_State *L, int status, const char *field, const char *message)
{
	lua_pushnil(L);
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, status);
	lua_setfield(L, -2, "status");
	lua_pushstring(L, field ? field : "");
	lua_setfield(L, -2, "field");
	lua_pushstring(L, message);
	lua_setfield(L, -2, "message");
	return 2;
}

static int
l_upsert(lua_State *L)
{
	struct script_run  *r = script_need_call(L, "rollin.upsert");
	struct rollin_error e;
	struct script_box  *b;
	const char         *kind = luaL_checkstring(L, 1), *json;
	const char         *match = luaL_optstring(L, 3, NULL);
	json_t             *v;
	char                err[256];
	int                 rc;

	if (lua_type(L, 2) != LUA_TSTRING && lua_type(L, 2) != LUA_TTABLE)
		return luaL_typeerror(L, 2, "table or JSON text");
	if (r->call->db == NULL)
		return push_error(L, 400, NULL,
		    "rollin.upsert is available to imports only");
	lua_settop(L, 3);
	b = script_box(L, free);
	if (lua_type(L, 2) == LUA_TSTRING)
		json = lua_tostring(L, 2);
	else {
		if ((v = script_to_json(L, 2, 0, err, sizeof(err))) == NULL)
			return push_error(L, 400, NULL, err);
		b->ptr = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		if ((json = b->ptr) == NULL)
			return push_error(L, 400, NULL,
			    "cannot encode the record");
	}
	memset(&e, 0, sizeof(e));
	rc = plugin_host.upsert(r->call, kind, json, match, &e);
	script_box_release(b);
	if (rc == 0) {
		lua_pushboolean(L, 1);
		return 1;
	}
	return push_error(L, e.status ? e.status : 422, e.field,
	    e.message[0] ? e.message : "the record was refused");
}

static int
l_reject(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.reject");

	plugin_host.reject(r->call, luaL_checkstring(L, 1),
	    luaL_checkstring(L, 2));
	return 0;
}

static int
l_progress(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.progress");
	lua_Integer        done = luaL_checkinteger(L, 1);
	lua_Integer        total = luaL_checkinteger(L, 2);

	luaL_argcheck(L, done >= 0, 1, "must not be negative");
	luaL_argcheck(L, total >= 0, 2, "must not be negative");
	plugin_host.progress(r->call, (size_t)done, (size_t)total);
	return 0;
}

static void
release_json(void *v)
{
	json_decref(v);
}

/* Decodes JSON text the host handed over and pushes it (nil if NULL). */
static int
push_decoded(lua_State *L, const char *text, int null_as_nil)
{
	struct script_box *b;

	if (text == NULL) {
		lua_pushnil(L);
		return 1;
	}
	b = script_box(L, release_json);
	if ((b->ptr = json_loads(text, JSON_DECODE_ANY, NULL)) == NULL)
		return luaL_error(L, "the host handed over malformed JSON");
	script_push_json(L, b->ptr, null_as_nil);
	script_box_release(b);
	return 1;
}

static int
l_event(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.event");

	return push_decoded(L, plugin_host.event(r->call), 0);
}

static int
l_recipients(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.recipients");

	return push_decoded(L, plugin_host.recipients(r->call), 0);
}

static int
l_param(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.param");

	return push_text(L, plugin_host.param(r->call, luaL_checkstring(L, 1)));
}

static void
release_host(void *p)
{
	plugin_host.free(p);
}

static int
l_query(lua_State *L)
{
	struct script_run  *r = script_need_call(L, "rollin.query");
	struct rollin_error e;
	struct script_box  *params, *rows;
	const char         *sql = luaL_checkstring(L, 1);
	json_t             *v;
	char                err[256], *out;

	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	if (r->call->db == NULL)
		return push_error(L, 400, "sql",
		    "rollin.query is available to reports only");
	lua_settop(L, 2);
	params = script_box(L, free);
	rows = script_box(L, release_host);
	if (lua_istable(L, 2)) {
		if ((v = script_to_json(L, 2, 1, err, sizeof(err))) == NULL)
			return push_error(L, 400, "params", err);
		if (!json_is_array(v)) {
			json_decref(v);
			return push_error(L, 400, "params",
			    "parameters must be an array");
		}
		params->ptr = json_dumps(v, JSON_COMPACT);
		json_decref(v);
	}
	memset(&e, 0, sizeof(e));
	out = plugin_host.query(r->call, sql, params->ptr, &e);
	script_box_release(params);
	if (out == NULL)
		return push_error(L, e.status ? e.status : 400, e.field,
		    e.message[0] ? e.message : "the query failed");
	rows->ptr = out;
	push_decoded(L, out, 1);
	script_box_release(rows);
	return 1;
}

/* columns and row: the array at 1 as JSON text to f. */
static int
table_part(lua_State *L, const char *fn,
    int (*f)(struct rollin_call *, const char *))
{
	struct script_run *r = script_need_call(L, fn);
	struct script_box *b;
	json_t            *v;
	char               err[256];
	int                rc;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	b = script_box(L, free);
	if ((v = script_to_json(L, 1, 1, err, sizeof(err))) == NULL)
		return luaL_error(L, "%s: %s", fn, err);
	if (!json_is_array(v)) {
		json_decref(v);
		return luaL_error(L, "%s: expects an array", fn);
	}
	b->ptr = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(v);
	rc = b->ptr ? f(r->call, b->ptr) : -1;
	script_box_release(b);
	if (rc != 0)
		return luaL_error(L, "%s: the host refused the values", fn);
	lua_pushboolean(L, 1);
	return 1;
}

int
script_columns(lua_State *L)
{
	return table_part(L, "rollin.columns", plugin_host.columns);
}

int
script_row(lua_State *L)
{
	return table_part(L, "rollin.row", plugin_host.row);
}

static int
l_hmac(lua_State *L)
{
	size_t      klen, dlen;
	const char *key = luaL_checklstring(L, 1, &klen);
	const char *data = luaL_checklstring(L, 2, &dlen);
	char        out[65];

	plugin_host.hmac_sha256_hex(key, klen, data, dlen, out);
	lua_pushstring(L, out);
	return 1;
}

static const luaL_Reg rollin_functions[] = {
	{ "log", l_log },
	{ "setting", l_setting },
	{ "input", l_input },
	{ "input_name", l_input_name },
	{ "upsert", l_upsert },
	{ "reject", l_reject },
	{ "progress", l_progress },
	{ "event", l_event },
	{ "recipients", l_recipients },
	{ "param", l_param },
	{ "query", l_query },
	{ "columns", script_columns },
	{ "row", script_row },
	{ "hmac_sha256_hex", l_hmac },
	{ "json_encode", script_json_encode },
	{ "json_decode", script_json_decode },
	{ "csv_parse", script_csv_parse },
	{ "http", script_http },
	{ "smtp", script_smtp },
	{ NULL, NULL },
};

/* Sets the global `rollin` (protected: runs inside script_open_sandbox's
 * caller). */
void
script_open_rollin(lua_State *L)
{
	luaL_newlib(L, rollin_functions);
	lua_pushlightuserdata(L, NULL);
	lua_setfield(L, -2, "null");
	script_push_proxy(L, -1, "rollin");
	lua_setglobal(L, "rollin");
	lua_pop(L, 1);
}
