/*
 * What a plugin's Lua state contains, and why (after Redis' deny lists and
 * HAProxy's selective opening of libraries).
 *
 * Opened, each with luaL_requiref:
 *	base		the language itself (minus the functions below)
 *	coroutine	plain Lua coroutines; they inherit the budget hook
 *	table, string, math, utf8
 *			pure computation on values the script already has
 * Never opened:
 *	io, package (require, loadlib, C modules), debug (sethook and
 *	getregistry undo every limit here)
 * os:	a fresh table with time, date and clock copied from the os library;
 *	execute, exit, getenv, remove, rename, tmpname and setlocale reach
 *	the machine and stay out. The full os table is never stored.
 * Removed from base:
 *	dofile, loadfile	read files
 *	collectgarbage		stopping or tuning the collector is the host's
 *	print			replaced: its lines go to the log
 * Replaced in base:
 *	load		text only (in 5.4 it defaults to "bt"), with the
 *			sandbox's globals unless an env is given: crafted
 *			bytecode can break the VM's memory safety
 *	pcall, xpcall	cannot catch a stop of the call (memory cap,
 *			instruction budget, time limit): they re-raise it;
 *			xpcall's handler is not called after a stop
 *	coroutine.create, coroutine.wrap
 *			the function runs under a pcall (see
 *			coroutine_body), so no coroutine ends with the
 *			hook switched off
 *	setmetatable	refuses __gc: finalizers run with hooks switched
 *			off (lgc.c GCTM), so a loop in one would never stop
 * Removed from string:
 *	dump		bytecode is refused anyway; nothing to make it with
 * Replaced in string and table (bounded.c): find, match, gmatch, gsub,
 * rep, insert, remove and move loop in C where the hook cannot see them;
 * the replacements charge their steps to the budget.
 * The strings' metatable is locked (__metatable), so getmetatable("")
 * gives nothing to modify or to look removed functions up in.
 * Warnings (warn()) go to the log.
 * The one global the host adds, rollin, is a read-only proxy (a userdata:
 * rawset, setmetatable and assignment cannot replace host functions).
 */
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "script/state.h"

#define BOX_META "rollin.box"

static int
box_gc(lua_State *L)
{
	struct script_box *b = lua_touserdata(L, 1);

	if (b != NULL)
		script_box_release(b);
	return 0;
}

struct script_box *
script_box(lua_State *L, void (*release)(void *))
{
	struct script_box *b = lua_newuserdatauv(L, sizeof(*b), 0);

	b->ptr = NULL;
	b->release = release;
	luaL_setmetatable(L, BOX_META);
	return b;
}

void
script_box_release(struct script_box *b)
{
	void *ptr = b->ptr;

	b->ptr = NULL;
	if (ptr != NULL)
		b->release(ptr);
}

/* print(...): one INFO line in the log, the values separated by tabs. */
static int
sandbox_print(lua_State *L)
{
	struct script *s = script_of(L);
	luaL_Buffer    b;
	int            n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	script_log(s->current, s, ROLLIN_LOG_INFO, "%s", lua_tostring(L, -1));
	return 0;
}

/* warn(...): pieces are collected until the last one, then logged. */
void
script_warn(void *ud, const char *msg, int tocont)
{
	struct script *s = ud;
	size_t         n = strlen(msg);

	if (s->warning_len == 0 && !tocont && msg[0] == '@')
		return; /* "@on", "@off": warnings always go to the log */
	if (n > sizeof(s->warning) - 1 - s->warning_len)
		n = sizeof(s->warning) - 1 - s->warning_len;
	memcpy(s->warning + s->warning_len, msg, n);
	s->warning_len += n;
	s->warning[s->warning_len] = '\0';
	if (tocont)
		return;
	script_log(s->current, s, ROLLIN_LOG_WARN, "warning: %s", s->warning);
	s->warning_len = 0;
}

/* load(chunk [, chunkname [, mode [, env]]]) with mode forced to "t". */
static int
sandbox_load(lua_State *L)
{
	int         n = lua_gettop(L);
	size_t      len;
	const char *text;

	if (lua_type(L, 1) == LUA_TSTRING) {
		text = lua_tolstring(L, 1, &len);
		if (len > 0 && text[0] == LUA_SIGNATURE[0]) {
			lua_pushnil(L);
			lua_pushliteral(L,
			    "load: precompiled Lua bytecode is "
			    "not accepted, only source text");
			return 2;
		}
	}
	if (n >= 4) {
		lua_pushliteral(L, "t");
		lua_replace(L, 3);
	} else {
		lua_settop(L, 2);
		lua_pushliteral(L, "t");
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/*
 * The end of pcall and xpcall, also their continuation after a yield: a
 * failure that stopped the call is raised again instead of returned.
 */
static int
finish_pcall(lua_State *L, int status, lua_KContext extra)
{
	struct script *s = script_of(L);

	if (status != LUA_OK && status != LUA_YIELD) {
		if (status == LUA_ERRMEM && s->current != NULL)
			script_stop(s->current, SCRIPT_OUT_OF_MEMORY);
		if (s->current == NULL || s->current->stop != SCRIPT_GOING)
			return lua_error(L);
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int
sandbox_pcall(lua_State *L)
{
	int status;

	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	status =
	    lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
	return finish_pcall(L, status, 0);
}

/*
 * xpcall's message handler around the script's own. An error the hook
 * raised reaches the handler while the hook is switched off (ldo.c calls
 * it before unwinding, with allowhook still 0), so after a stop the
 * script's handler is not called at all: it could loop unstopped.
 */
static int
xpcall_handler(lua_State *L)
{
	struct script *s = script_of(L);

	if (s->current == NULL || s->current->stop != SCRIPT_GOING)
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static int
sandbox_xpcall(lua_State *L)
{
	int status, n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, xpcall_handler, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2);
	status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
	return finish_pcall(L, status, 2);
}

/*
 * Every coroutine a script makes runs its function under a pcall of its
 * own, which the error is raised again from. An error the hook raises
 * leaves the hook switched off in its thread (allowhook 0) until a pcall
 * unwinds it; a coroutine that died of one without a pcall would run its
 * pending __close handlers unstopped when coroutine.close or
 * coroutine.wrap reset it. The pcall's unwinding switches the hook back
 * on and closes those variables under it.
 */
static int
coroutine_body_k(lua_State *L, int status, lua_KContext ctx)
{
	(void)ctx;
	if (status != LUA_OK && status != LUA_YIELD)
		return lua_error(L);
	return lua_gettop(L);
}

static int
coroutine_body(lua_State *L)
{
	int status;

	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	status = lua_pcallk(L, lua_gettop(L) - 1, LUA_MULTRET, 0, 0,
	    coroutine_body_k);
	return coroutine_body_k(L, status, 0);
}

/* coroutine.create and coroutine.wrap (upvalue 1) of coroutine_body. */
static int
sandbox_coroutine(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_settop(L, 1);
	lua_pushcclosure(L, coroutine_body, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 1, 1);
	return 1;
}

/* setmetatable(t, mt) as in lbaselib.c, but never with a finalizer. */
static int
sandbox_setmetatable(lua_State *L)
{
	int t = lua_type(L, 2);

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2,
	    "nil or table");
	if (t == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L,
			    "setmetatable: __gc finalizers are "
			    "not available to plugins");
		lua_pop(L, 1);
	}
	if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
		return luaL_error(L, "cannot change a protected metatable");
	lua_settop(L, 2);
	lua_setmetatable(L, 1);
	return 1;
}

/*
 * The message handler of every call: the error as text, with the
 * traceback of where it happened (lua.c msghandler). An error object that
 * is a table says what it is through __tostring or a "message" field.
 */
int
script_msgh(lua_State *L)
{
	const char *msg = NULL;

	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER)
		msg = lua_tostring(L, 1);
	else if (luaL_callmeta(L, 1, "__tostring") &&
	    lua_type(L, -1) == LUA_TSTRING)
		msg = lua_tostring(L, -1);
	else if (lua_type(L, 1) == LUA_TTABLE &&
	    lua_getfield(L, 1, "message") == LUA_TSTRING)
		msg = lua_tostring(L, -1);
	if (msg == NULL)
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int
proxy_newindex(lua_State *L)
{
	return luaL_error(L, "%s is read-only",
	    lua_tostring(L, lua_upvalueindex(1)));
}

/*
 * A read-only view of the table at idx. It is a userdata, not a table, so
 * rawset, rawget, setmetatable and pairs refuse it outright; __index
 * reaches the table, __newindex raises, and __metatable hides both.
 */
void
script_push_proxy(lua_State *L, int idx, const char *name)
{
	idx = lua_absindex(L, idx);
	lua_newuserdatauv(L, 0, 0);
	lua_createtable(L, 0, 4);
	lua_pushvalue(L, idx);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushcclosure(L, proxy_newindex, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushfstring(L, "%s is read-only", name);
	lua_setfield(L, -2, "__metatable");
	lua_pushstring(L, name);
	lua_setfield(L, -2, "__name");
	lua_setmetatable(L, -2);
}

static const struct {
	const char   *name;
	lua_CFunction open;
} sandbox_libs[] = {
	{ LUA_GNAME, luaopen_base },
	{ LUA_COLIBNAME, luaopen_coroutine },
	{ LUA_TABLIBNAME, luaopen_table },
	{ LUA_STRLIBNAME, luaopen_string },
	{ LUA_MATHLIBNAME, luaopen_math },
	{ LUA_UTF8LIBNAME, luaopen_utf8 },
};

static const char *const removed_globals[] = { "dofile", "loadfile",
	"collectgarbage", NULL };
static const char *const os_kept[] = { "time", "date", "clock", NULL };

/*
 * Builds the sandbox in a fresh state; a lua_CFunction, so it runs
 * protected (a memory error while building is an error, not a panic).
 */
int
script_open_sandbox(lua_State *L)
{
	size_t i;

	for (i = 0; i < sizeof(sandbox_libs) / sizeof(sandbox_libs[0]); i++) {
		luaL_requiref(L, sandbox_libs[i].name, sandbox_libs[i].open, 1);
		lua_pop(L, 1);
	}
	lua_pushglobaltable(L);
	for (i = 0; removed_globals[i] != NULL; i++) {
		lua_pushnil(L);
		lua_setfield(L, -2, removed_globals[i]);
	}
	lua_pushcfunction(L, sandbox_print);
	lua_setfield(L, -2, "print");
	lua_getfield(L, -1, "load");
	lua_pushcclosure(L, sandbox_load, 1);
	lua_setfield(L, -2, "load");
	lua_pushcfunction(L, sandbox_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, sandbox_xpcall);
	lua_setfield(L, -2, "xpcall");
	lua_pushcfunction(L, sandbox_setmetatable);
	lua_setfield(L, -2, "setmetatable");

	/* os: called directly, so it is never registered in _LOADED. */
	lua_pushcfunction(L, luaopen_os);
	lua_call(L, 0, 1);
	lua_createtable(L, 0, 3);
	for (i = 0; os_kept[i] != NULL; i++) {
		lua_getfield(L, -2, os_kept[i]);
		lua_setfield(L, -2, os_kept[i]);
	}
	lua_setfield(L, -3, LUA_OSLIBNAME);
	lua_pop(L, 1);

	lua_getfield(L, -1, LUA_COLIBNAME);
	lua_getfield(L, -1, "create");
	lua_pushcclosure(L, sandbox_coroutine, 1);
	lua_setfield(L, -2, "create");
	lua_getfield(L, -1, "wrap");
	lua_pushcclosure(L, sandbox_coroutine, 1);
	lua_setfield(L, -2, "wrap");
	lua_pop(L, 1);

	lua_getfield(L, -1, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	script_open_bounded(L);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 3);

	luaL_newmetatable(L, BOX_META);
	lua_pushcfunction(L, box_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	return 0;
}
