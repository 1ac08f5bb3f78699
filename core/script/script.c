/*
 * Lua plugins: loading a script into its own sandboxed state, running its
 * init() and run() as coroutines under the memory cap, the instruction
 * budget and the time limit, and ending calls that waited for HTTP.
 *
 * A script returns its descriptor:
 *
 *	return {
 *		name = "csv-rollins", version = "1.0", description = "...",
 *		kind = "importer",	-- or "notifier", "report"
 *		init = function(call) ... end,	-- optional
 *		run = function(call) ... end,
 *	}
 *
 * call is a table: { plugin, kind } and, by kind, input_name (importers),
 * params (reports) or event (notifiers). run() fails by raising an error
 * or by returning false and a message; a report may also return
 * { columns = {...}, rows = {{...}, ...} } instead of calling rollin.row.
 *
 * A failed call, whatever the cause (an error, the memory cap, the
 * instruction budget, the time limit), fails that call only: it is logged,
 * its message goes to the caller and to the plugin's last_error, and the
 * plugin stays loaded. Only a script that does not load, or whose init()
 * fails, is taken out of service.
 */
#include <errno.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "script/script.h"
#include "script/state.h"
#include "util/log.h"

/* Registry keys: their addresses are what counts. */
static const char key_module = 'm'; /* the descriptor the script returned */
static const char key_runs = 'r';   /* coroutine of each run, by run */

static int
panic(lua_State *L)
{
	/* Every entry into Lua is protected: this is a bug in the host. */
	log_warnx("Lua panic (unprotected error): %s",
	    lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
	return 0;
}

/*
 * Runs fn(ud) protected on the main thread; the error text, if any, goes
 * to err. Lua runs only under a run (s->current) so the hook can charge
 * it.
 */
static int
protect(struct script *s, lua_CFunction fn, void *ud, char *err, size_t errlen)
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

static int
setup_state(lua_State *L)
{
	script_open_sandbox(L);
	script_open_rollin(L);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_runs);
	return 0;
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* What the loading of a script found out. */
struct load_ctx {
	const char      *text;
	size_t           len;
	char             chunkname[80];
	char             name[64], version[32], description[256];
	enum rollin_kind kind;
	int              has_init;
	char             err[1024];
};

/* A text field of the descriptor at idx, copied; "" if absent. */
static int
descriptor_text(lua_State *L, int idx, const char *field, char *out,
    size_t outlen)
{
	int type = lua_getfield(L, idx, field);

	out[0] = '\0';
	if (type == LUA_TSTRING || type == LUA_TNUMBER)
		snprintf(out, outlen, "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	return type == LUA_TNIL || type == LUA_TSTRING || type == LUA_TNUMBER
	    ? 0
	    : -1;
}

/*
 * Compiles the script as text, runs its chunk with the message handler,
 * and checks the descriptor it returns (lua_CFunction, run protected).
 */
static int
load_chunk(lua_State *L)
{
	struct load_ctx *c = lua_touserdata(L, 1);
	char             kind[32];
	int              mod, t;

	if (luaL_loadbufferx(L, c->text, c->len, c->chunkname, "t") != LUA_OK) {
		snprintf(c->err, sizeof(c->err), "%s", lua_tostring(L, -1));
		return 0;
	}
	lua_pushcfunction(L, script_msgh);
	lua_insert(L, -2);
	if (lua_pcall(L, 0, 1, -2) != LUA_OK) {
		snprintf(c->err, sizeof(c->err), "%s",
		    lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
		                                   : "not enough memory");
		return 0;
	}
	mod = lua_gettop(L);
	if (!lua_istable(L, mod)) {
		snprintf(c->err, sizeof(c->err),
		    "the script must return its "
		    "descriptor, a table { name, version, kind, run }, not a "
		    "%s",
		    luaL_typename(L, mod));
		return 0;
	}
	if (descriptor_text(L, mod, "name", c->name, sizeof(c->name)) == -1 ||
	    !valid_name(c->name)) {
		snprintf(c->err, sizeof(c->err),
		    "the descriptor needs a name "
		    "of lowercase letters, digits and hyphens");
		return 0;
	}
	if (descriptor_text(L, mod, "version", c->version,
	        sizeof(c->version)) == -1 ||
	    descriptor_text(L, mod, "description", c->description,
	        sizeof(c->description)) == -1) {
		snprintf(c->err, sizeof(c->err),
		    "version and description must "
		    "be text");
		return 0;
	}
	descriptor_text(L, mod, "kind", kind, sizeof(kind));
	if (strcmp(kind, "importer") == 0)
		c->kind = ROLLIN_IMPORTER;
	else if (strcmp(kind, "notifier") == 0)
		c->kind = ROLLIN_NOTIFIER;
	else if (strcmp(kind, "report") == 0)
		c->kind = ROLLIN_REPORT;
	else {
		snprintf(c->err, sizeof(c->err),
		    "kind must be \"importer\", "
		    "\"notifier\" or \"report\", not \"%s\"",
		    kind);
		return 0;
	}
	if (lua_getfield(L, mod, "run") != LUA_TFUNCTION) {
		snprintf(c->err, sizeof(c->err),
		    "the descriptor has no run "
		    "function");
		return 0;
	}
	t = lua_getfield(L, mod, "init");
	if (t != LUA_TNIL && t != LUA_TFUNCTION) {
		snprintf(c->err, sizeof(c->err), "init must be a function");
		return 0;
	}
	c->has_init = t == LUA_TFUNCTION;
	lua_pushvalue(L, mod);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_module);
	return 0;
}

/*
 * A limit from the plugin's settings: a whole number in [min, max], def
 * if unset. -1 with err if it is set to something else.
 */
static int
limit_setting(json_t *settings, const char *plugin, const char *key,
    long long min, long long max, long long def, long long *out, char *err,
    size_t errlen)
{
	json_t   *v = json_object_get(settings, key);
	char     *end, text[64];
	long long n = 0;
	int       ok = 0;

	*out = def;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
		ok = 1;
	} else if (json_is_string(v)) {
		errno = 0;
		n = strtoll(json_string_value(v), &end, 10);
		ok = errno == 0 && end != json_string_value(v) && *end == '\0';
	}
	if (ok && n >= min && n <= max) {
		*out = n;
		return 0;
	}
	if (json_is_string(v))
		snprintf(text, sizeof(text), "'%.40s'", json_string_value(v));
	else
		snprintf(text, sizeof(text), "a %s",
		    json_is_real(v) ? "fraction" : "non-number");
	snprintf(err, errlen,
	    "plugins.%s.%s must be a whole number from %lld "
	    "to %lld, not %s",
	    plugin, key, min, max, text);
	return -1;
}

/*
 * Applies plugins.<name>.memory_mb, .instructions and .timeout_ms.
 * Notifiers mostly wait on the network, which the budget does not count:
 * their default budget is a tenth, so that a runaway one holds up its own
 * deliveries (and a shutdown) for about 100 ms, not a second. They run on
 * the notifier thread, never on the loop (events/notify_thread.h).
 */
static int
apply_limits(struct script *s, json_t *settings, const char *name,
    enum rollin_kind kind, char *err, size_t errlen)
{
	long long mb, n, ms;

	if (limit_setting(settings, name, "memory_mb", 1, 4096,
	        SCRIPT_MEMORY_MB, &mb, err, errlen) == -1 ||
	    limit_setting(settings, name, "instructions", 1000,
	        10000000000000LL,
	        kind == ROLLIN_NOTIFIER ? SCRIPT_INSTRUCTIONS / 10
	                                : SCRIPT_INSTRUCTIONS,
	        &n, err, errlen) == -1 ||
	    limit_setting(settings, name, "timeout_ms", 1, 3600000,
	        SCRIPT_TIMEOUT_MS, &ms, err, errlen) == -1)
		return -1;
	s->mem_cap = (size_t)mb * 1024 * 1024;
	s->instructions = n;
	s->timeout_ms = (long)ms;
	return 0;
}

static void
run_init(struct script_run *r, struct script *s, struct plugin *p,
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
static void
failure_text(struct script_run *r, const char *lua_msg, char *out,
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

	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_runs);
	r->co = lua_newthread(L);
	lua_rawsetp(L, -2, r);
	script_arm(r->co);
	lua_pushcfunction(r->co, body);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_module);
	lua_getfield(L, -1, c->fn);
	lua_xmove(L, r->co, 1);
	return 0;
}

static int
end_thread(lua_State *L)
{
	struct script_run *r = lua_touserdata(L, 1);

	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_runs);
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
	failure_text(r, text ? text : "the call failed", msg, msglen);
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
	protect(s, end_thread, r, NULL, 0);
	if (outcome != ROLLIN_OK)
		protect(s, collect, NULL, NULL, 0);
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
static enum rollin_status
start_run(struct script_run *r, const char *fn)
{
	struct script     *s = r->s;
	struct start_ctx   c = { r, fn };
	char               msg[512], err[512];
	enum rollin_status outcome;
	int                status, nres = 0;

	r->fn = fn;
	script_slice_begin(r);
	if (protect(s, start_thread, &c, err, sizeof(err)) != LUA_OK) {
		script_slice_end(r);
		r->co = NULL;
		failure_text(r, err, msg, sizeof(msg));
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
		failure_text(r,
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
	run_init(r, s, p, call);
	outcome = start_run(r, "run");
	pthread_mutex_unlock(&s->lock);
	if (outcome != ROLLIN_PENDING)
		free(r);
	return outcome;
}

static void
close_state(struct script *s)
{
	if (s->L != NULL)
		lua_close(s->L);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* The source, read whole; NULL with err if it cannot be. */
static char *
read_source(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE       *f = fopen(path, "rb");
	struct stat sb;
	char       *text = NULL;

	if (f == NULL || fstat(fileno(f), &sb) == -1) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		goto done;
	}
	if (sb.st_size > SCRIPT_MAX_SOURCE) {
		snprintf(err, errlen, "%s is larger than %ld bytes", path,
		    SCRIPT_MAX_SOURCE);
		goto done;
	}
	if ((text = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	*len = fread(text, 1, (size_t)sb.st_size, f);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		free(text);
		text = NULL;
	}
done:
	if (f != NULL)
		fclose(f);
	return text;
}

static struct plugin *
registry_add(struct plugin_registry *reg, const char *path)
{
	struct plugin *grown, *p;

	grown = realloc(reg->items, (reg->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		log_warnx("plugin %s: out of memory", path);
		return NULL;
	}
	reg->items = grown;
	p = &reg->items[reg->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->file, sizeof(p->file), "%s", path);
	p->language = "lua";
	p->state = PLUGIN_LOADED;
	return p;
}

/*
 * Loads the script at path: a fresh state under the limits of the
 * settings named after the file (the script's name is known only once it
 * ran), the chunk as text, the descriptor it returns, then the limits
 * under its own name, and init().
 */
void
script_plugin_load(struct plugin_registry *reg, const char *path,
    const struct config *cfg)
{
	struct plugin     *p = registry_add(reg, path);
	struct script     *s = NULL;
	struct script_run  r;
	struct load_ctx    c;
	struct rollin_call call;
	const char        *base = strrchr(path, '/');
	char               err[1024];
	char              *text = NULL;
	json_t            *settings;

	if (p == NULL)
		return;
	base = base ? base + 1 : path;
	memset(&c, 0, sizeof(c));
	snprintf(p->name, sizeof(p->name), "%s", base);
	p->name[strcspn(p->name, ".")] = '\0';
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
		goto refused;
	}
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->name, sizeof(s->name), "%s", p->name);
	snprintf(s->file, sizeof(s->file), "%s", base);
	settings = cfg->plugins ? json_object_get(cfg->plugins, p->name) : NULL;
	if (apply_limits(s, settings, p->name, 0, err, sizeof(err)) == -1)
		goto refused;
	if ((text = read_source(path, &c.len, err, sizeof(err))) == NULL)
		goto refused;
	if (c.len >= 4 && memcmp(text, LUA_SIGNATURE, 4) == 0) {
		snprintf(err, sizeof(err),
		    "%s is precompiled Lua bytecode; "
		    "plugins are loaded from Lua source text only",
		    path);
		goto refused;
	}
	if ((s->L = lua_newstate(script_alloc, s)) == NULL) {
		snprintf(err, sizeof(err),
		    "cannot create a Lua state within "
		    "%zu MB",
		    s->mem_cap / (1024 * 1024));
		goto refused;
	}
	lua_atpanic(s->L, panic);
	*(struct script **)lua_getextraspace(s->L) = s;
	lua_setwarnf(s->L, script_warn, s);
	script_arm(s->L);

	run_init(&r, s, p, NULL);
	r.co = s->L;
	c.text = text;
	snprintf(c.chunkname, sizeof(c.chunkname), "@%.70s", base);
	script_slice_begin(&r);
	if (protect(s, setup_state, NULL, c.err, sizeof(c.err)) == LUA_OK)
		protect(s, load_chunk, &c, c.err, sizeof(c.err));
	script_slice_end(&r);
	free(text);
	text = NULL;
	if (c.err[0] != '\0' || r.stop != SCRIPT_GOING) {
		failure_text(&r, c.err[0] ? c.err : "not enough memory", err,
		    sizeof(err));
		goto refused;
	}

	snprintf(p->name, sizeof(p->name), "%s", c.name);
	snprintf(s->name, sizeof(s->name), "%s", c.name);
	snprintf(p->version, sizeof(p->version), "%s", c.version);
	snprintf(p->description, sizeof(p->description), "%s", c.description);
	p->kind = c.kind;
	p->settings =
	    cfg->plugins ? json_object_get(cfg->plugins, p->name) : NULL;
	if (apply_limits(s, p->settings, p->name, c.kind, err, sizeof(err)) ==
	    -1)
		goto refused;
	p->script = s;
	if (json_is_false(json_object_get(p->settings, "enabled"))) {
		p->state = PLUGIN_DISABLED;
		return;
	}
	/* As for C notifiers: one delivers only once it is told where. */
	if (p->kind == ROLLIN_NOTIFIER && p->settings == NULL) {
		p->state = PLUGIN_DISABLED;
		snprintf(p->last_error, sizeof(p->last_error),
		    "not configured: add plugins: %s: ... to the config file",
		    p->name);
		return;
	}
	if (!c.has_init)
		return;
	/* init() runs like a call, but cannot wait: no on_finish. */
	call_init(&call, p);
	pthread_mutex_lock(&s->lock);
	run_init(&r, s, p, &call);
	if (start_run(&r, "init") != ROLLIN_OK) {
		p->state = PLUGIN_FAILED;
		plugin_fail(p, "init failed: %s", call.message);
	}
	pthread_mutex_unlock(&s->lock);
	call_clear(&call);
	return;
refused:
	free(text);
	if (s != NULL)
		close_state(s);
	p->script = NULL;
	p->state = PLUGIN_REFUSED;
	plugin_fail(p, "%s", err);
}

void
script_plugin_free(struct plugin *p)
{
	struct script      *s = p->script;
	struct script_run  *r, *next;
	struct rollin_call *call;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	r = s->pending;
	s->pending = NULL;
	pthread_mutex_unlock(&s->lock);
	/*
	 * Calls still waiting for HTTP end now; their runs stay allocated
	 * until the answer comes (http_done frees a run whose s is NULL).
	 */
	for (; r != NULL; r = next) {
		next = r->next;
		call = r->call;
		r->s = NULL;
		r->co = NULL;
		plugin_host.finish(call, ROLLIN_FAILED,
		    "the plugin was unloaded while the call waited for HTTP");
	}
	close_state(s);
	p->script = NULL;
}
