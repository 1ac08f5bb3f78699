/*
 * Lua plugins: loading a script into its own sandboxed state under the
 * limits of its settings, and freeing it, ending the calls that still
 * wait for HTTP. Running init() and run() is calls.c's.
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
 * A failed call fails that call only (calls.c). Only a script that does not
 * load, or whose init() fails, is taken out of service.
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

const char script_key_module = 'm';
const char script_key_runs = 'r';

static int
panic(lua_State *L)
{
	/* Every entry into Lua is protected: this is a bug in the host. */
	log_warnx("Lua panic (unprotected error): %s",
	    lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?");
	return 0;
}

static int
setup_state(lua_State *L)
{
	script_open_sandbox(L);
	script_open_rollin(L);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &script_key_runs);
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
	lua_rawsetp(L, LUA_REGISTRYINDEX, &script_key_module);
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

	script_run_init(&r, s, p, NULL);
	r.co = s->L;
	c.text = text;
	snprintf(c.chunkname, sizeof(c.chunkname), "@%.70s", base);
	script_slice_begin(&r);
	if (script_protect(s, setup_state, NULL, c.err, sizeof(c.err)) ==
	    LUA_OK)
		script_protect(s, load_chunk, &c, c.err, sizeof(c.err));
	script_slice_end(&r);
	free(text);
	text = NULL;
	if (c.err[0] != '\0' || r.stop != SCRIPT_GOING) {
		script_failure_text(&r, c.err[0] ? c.err : "not enough memory",
		    err, sizeof(err));
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
	script_run_init(&r, s, p, &call);
	if (script_start_run(&r, "init") != ROLLIN_OK) {
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
