/*
 * script: Lua plugins in their sandbox. The fixtures in tests/lua/ are
 * loaded through the real loader: well-behaved plugins of each kind, and
 * scripts that try to escape the sandbox, to exhaust memory, to run
 * forever or to swallow the host's stop. Each bad call must fail with the
 * right message while the plugin stays loaded, and a good plugin must
 * work right after it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "net/http.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "script/script.h"
#include "script/state.h"
#include "store/db.h"
#include "util/log.h"

#ifndef LUA_FIXTURES
#ifdef ROLLIN_SOURCE_DIR
#define LUA_FIXTURES ROLLIN_SOURCE_DIR "/tests/lua"
#endif
#endif

#define ESCAPED "/tmp/rollin-escaped"

static char fixtures[1024];

/* tests/lua beside this file's directory, if no definition says where. */
static void
find_fixtures(void)
{
#ifdef LUA_FIXTURES
	snprintf(fixtures, sizeof(fixtures), "%s", LUA_FIXTURES);
#else
	const char *slash;

	snprintf(fixtures, sizeof(fixtures), "%s", __FILE__);
	slash = strrchr(fixtures, '/');
	snprintf(fixtures + (slash ? slash - fixtures : 0),
	    sizeof(fixtures) - (size_t)(slash ? slash - fixtures : 0),
	    "%s../lua", slash ? "/" : "");
#endif
}

/* Settings of the fixtures: small limits keep the runaways quick. */
static const char settings[] =
    "{"
    "\"loop-endless\": {\"instructions\": 2000000},"
    "\"loop-pcall\": {\"instructions\": 2000000},"
    "\"loop-xpcall\": {\"instructions\": 2000000},"
    "\"loop-coroutine\": {\"instructions\": 2000000},"
    "\"loop-coroutine-resume\": {\"instructions\": 2000000},"
    "\"loop-close\": {\"instructions\": 2000000},"
    "\"loop-close-coroutine\": {\"instructions\": 2000000},"
    "\"loop-close-wrap\": {\"instructions\": 2000000},"
    "\"loop-close-later\": {\"instructions\": 2000000},"
    "\"loop-c\": {\"instructions\": 2000000},"
    "\"loop-slow\": {\"instructions\": 10000000000000, \"timeout_ms\": 150},"
    "\"error-table\": {\"instructions\": 2000000},"
    "\"bomb-table\": {\"memory_mb\": 8},"
    "\"bomb-pcall\": {\"memory_mb\": 8},"
    "\"bomb-coroutine\": {\"memory_mb\": 8},"
    "\"eval\": {\"instructions\": 5000000, \"memory_mb\": \"16\"},"
    "\"good-notifier\": {\"secret\": \"s3cret\", \"instructions\": \"3000000\"}"
    "}";

struct fixture {
	struct config          cfg;
	struct plugin_registry reg;
};

static struct fixture *fx;

static int
group_setup(void **state)
{
	json_error_t jerr;

	(void)state;
	log_set_level(LOG_ERROR);
	find_fixtures();
	unlink(ESCAPED);
	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	config_defaults(&fx->cfg);
	snprintf(fx->cfg.plugin_dirs, sizeof(fx->cfg.plugin_dirs), "%s",
	    fixtures);
	if ((fx->cfg.plugins = json_loads(settings, 0, &jerr)) == NULL) {
		fprintf(stderr, "settings: %s\n", jerr.text);
		return -1;
	}
	plugins_load(&fx->reg, &fx->cfg);
	if (fx->reg.n < 30) {
		fprintf(stderr, "only %zu plugins in %s\n", fx->reg.n,
		    fixtures);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	plugins_unload(&fx->reg);
	config_free(&fx->cfg);
	free(fx);
	return 0;
}

static struct plugin *
plugin(const char *name)
{
	struct plugin *p = plugins_find(&fx->reg, name);

	if (p == NULL)
		fail_msg("no plugin %s in %s", name, fixtures);
	return p;
}

/* Runs a report with params (JSON text); call is cleared by the caller. */
static enum rollin_status
run_with(struct plugin *p, const char *params, struct rollin_call *call)
{
	call_init(call, p);
	call->params = json_loads(params ? params : "{}", 0, NULL);
	assert_non_null(call->params);
	return run_call(p, call);
}

static void
expect_rows(struct rollin_call *call, const char *json)
{
	char *got =
	    json_dumps(call->rows ? call->rows : json_array(), JSON_COMPACT);

	if (strcmp(got, json) != 0)
		fail_msg("rows %s, expected %s", got, json);
	free(got);
}

/* The good report answers right: the process and the sandbox still work. */
static void
expect_good_report(void)
{
	struct rollin_call call;

	if (run_with(plugin("good-report"), "{\"n\": \"4\"}", &call) !=
	    ROLLIN_OK)
		fail_msg("good-report failed: %s", call.message);
	expect_rows(&call, "[[1,1],[2,4],[3,9],[4,16]]");
	call_clear(&call);
}

/* The plugin's call fails with a message containing want; it stays. */
static void
expect_failure(const char *name, const char *params, const char *want)
{
	struct plugin     *p = plugin(name);
	struct rollin_call call;
	enum rollin_status rc = run_with(p, params, &call);

	if (rc != ROLLIN_FAILED)
		fail_msg("%s: expected a failure, got %d", name, rc);
	if (strstr(call.message, want) == NULL)
		fail_msg("%s: message '%s' lacks '%s'", name, call.message,
		    want);
	if (call.columns != NULL)
		fail_msg("%s: escaped and set columns", name);
	assert_int_equal(p->state, PLUGIN_LOADED);
	if (strstr(p->last_error, want) == NULL)
		fail_msg("%s: last_error '%s' lacks '%s'", name, p->last_error,
		    want);
	call_clear(&call);
	expect_good_report();
}

static void
test_good_report(void **state)
{
	struct plugin     *p = plugin("good-report");
	struct rollin_call call;

	(void)state;
	assert_int_equal(p->state, PLUGIN_LOADED);
	assert_int_equal(p->kind, ROLLIN_REPORT);
	assert_string_equal(p->language, "lua");
	assert_string_equal(p->version, "1.0");
	assert_string_equal(p->description,
	    "squares, to show the sandbox still works");
	expect_good_report();
	/* A report may also return its table; state lives across calls. */
	assert_int_equal(run_with(p, "{\"n\": \"1\", \"style\": \"return\"}",
	                     &call),
	    ROLLIN_OK);
	assert_string_equal(json_string_value(json_array_get(call.columns, 0)),
	    "calls");
	expect_rows(&call, "[[1,1],[2]]");
	call_clear(&call);
}

static const struct escape {
	const char *plugin;
	const char *params;
	const char *message;
} escapes[] = {
	{ "escape-io-open", NULL, "global 'io'" },
	{ "escape-os-execute", NULL, "field 'execute'" },
	{ "escape-os-getenv", NULL, "field 'getenv'" },
	{ "escape-require-os", NULL, "global 'require'" },
	{ "escape-c-module", NULL, "global 'package'" },
	{ "escape-bytecode", NULL, "precompiled Lua bytecode is not accepted" },
	{ "escape-bytecode", NULL, "attempt to load a binary chunk" },
	{ "escape-dofile", NULL, "global 'loadfile'" },
	{ "escape-debug-sethook", NULL, "global 'debug'" },
	{ "escape-debug-registry", NULL, "global 'debug'" },
	{ "escape-string-metatable", NULL, "local 'dump'" },
	{ "escape-rollin-setmetatable", NULL, "table expected, got rollin" },
	{ "escape-rollin-rawset", NULL, "table expected, got rollin" },
	{ "escape-rollin-assign", NULL, "rollin is read-only" },
	{ "escape-gc-finalizer", NULL, "__gc finalizers are not available" },
	{ "yield-host", NULL, "only rollin.http may wait" },
	{ "error-table", "{\"how\": \"tostring\"}", "custom failure" },
	{ "error-table", "{\"how\": \"message\"}", "bad row 7" },
	{ "error-table", NULL, "(error object is a table value)" },
	{ "error-table", "{\"how\": \"looping\"}",
	    "instruction budget exceeded" },
};

static void
test_escapes_contained(void **state)
{
	struct stat sb;

	(void)state;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		expect_failure(escapes[i].plugin, escapes[i].params,
		    escapes[i].message);
	assert_int_equal(stat(ESCAPED, &sb), -1);
}

static void
test_runaways_stopped(void **state)
{
	static const char *const loops[] = { "loop-endless", "loop-pcall",
		"loop-xpcall", "loop-coroutine", "loop-coroutine-resume",
		"loop-close", "loop-close-coroutine", "loop-close-wrap", NULL };
	static const char *const c_loops[] = { "backtracking", "lazy", "gsub",
		"plain", "move", "insert", "remove", "sort", "concat", NULL };
	struct rollin_call       call;
	struct timespec          a, b;

	(void)state;
	for (size_t i = 0; loops[i] != NULL; i++)
		expect_failure(loops[i], NULL,
		    "instruction budget exceeded (2000000 instructions per "
		    "call; setting plugins.");
	/* Loops in library functions are charged to the budget too. */
	for (size_t i = 0; c_loops[i] != NULL; i++) {
		char params[64];

		snprintf(params, sizeof(params), "{\"how\": \"%s\"}",
		    c_loops[i]);
		expect_failure("loop-c", params, "instruction budget exceeded");
	}
	/* A coroutine stopped in one call is closed in the next. */
	expect_failure("loop-close-later", "{\"phase\": \"1\"}",
	    "instruction budget exceeded");
	assert_int_equal(run_with(plugin("loop-close-later"),
	                     "{\"phase\": \"2\"}", &call),
	    ROLLIN_OK);
	expect_rows(&call, "[[false]]");
	call_clear(&call);
	/* A budget too big to matter: the time limit ends the loop. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	expect_failure("loop-slow", NULL,
	    "time limit exceeded (150 ms per call; setting "
	    "plugins.loop-slow.timeout_ms)");
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 5);
	/* The traceback says where the loop was. */
	expect_failure("loop-endless", NULL, "at loop_endless.lua:7");
}

static void
test_memory_bombs(void **state)
{
	static const char *const bombs[] = { "bomb-string-rep", "bomb-concat",
		"bomb-table", "bomb-pcall", "bomb-coroutine", NULL };

	(void)state;
	for (size_t i = 0; bombs[i] != NULL; i++) {
		expect_failure(bombs[i], NULL, "memory cap exceeded (");
		/* The garbage is collected after the failed call. */
		assert_true(plugin(bombs[i])->script->mem_used < 1024 * 1024);
	}
	expect_failure("bomb-table", NULL,
	    "memory cap exceeded (8 MB; setting plugins.bomb-table.memory_mb)");
}

/* Runs code in the eval plugin; its returned values, as JSON rows. */
static void
eval(const char *code, const char *rows)
{
	struct rollin_call call;
	json_t            *params = json_pack("{s:s}", "code", code);
	char              *text = json_dumps(params, 0);

	if (run_with(plugin("eval"), text, &call) != ROLLIN_OK)
		fail_msg("eval failed: %s\n%s", call.message, code);
	expect_rows(&call, rows);
	call_clear(&call);
	free(text);
	json_decref(params);
}

static void
eval_fails(const char *code, const char *want)
{
	json_t *params = json_pack("{s:s}", "code", code);
	char   *text = json_dumps(params, 0);

	expect_failure("eval", text, want);
	free(text);
	json_decref(params);
}

/* One state runs on after its calls failed, whatever the failure. */
static void
test_state_survives_failures(void **state)
{
	(void)state;
	eval_fails("while true do end", "instruction budget exceeded");
	eval("return 1", "[[1]]");
	eval_fails("local t = {} while true do t[#t + 1] = {} end",
	    "memory cap exceeded (16 MB");
	eval("return collectgarbage == nil, print ~= nil", "[[true,true]]");
	eval_fails("error('plain')", "code:1: plain");
	eval("kept = (kept or 0) + 1 return kept", "[[1]]");
	eval("kept = (kept or 0) + 1 return kept", "[[2]]");
	/* Thousands of log lines: the call goes on, the log is spared. */
	eval("for i = 1, 5000 do print(i) end return 'done'", "[[\"done\"]]");
	/* rollin.http outside an event loop's call. */
	eval("return rollin.http('GET', 'http://127.0.0.1:1/')",
	    "[[null,\"no event loop\"]]");
}

static void
test_json(void **state)
{
	(void)state;
	eval("return rollin.json_encode({ b = 1.5, a = { 1, 2, rollin.null }, "
	     "c = 'ü', d = {}, e = 0.1 })",
	    "[[\"{\\\"a\\\":[1,2,null],\\\"b\\\":1.5,\\\"c\\\":\\\"ü\\\","
	    "\\\"d\\\":{},\\\"e\\\":0.1}\"]]");
	eval("local v = rollin.json_decode('{\"a\":[1,null,3],\"b\":{\"c\":"
	     "true}}') return v.a[3], v.a[2] == rollin.null, v.b.c",
	    "[[3,true,true]]");
	eval("local v, err = rollin.json_decode('{\"a\":}') "
	     "return v, err:match('^line 1, column %d+')",
	    "[[null,\"line 1, column 6\"]]");
	eval("local t = {} t.t = t local v, err = rollin.json_encode(t) "
	     "return v, err:match('nested more than 200 deep') ~= nil",
	    "[[null,true]]");
	eval("return rollin.json_encode({ f = print })",
	    "[[null,\"cannot encode a function value\"]]");
	eval("return rollin.json_encode({ [1] = 'a', [3] = 'c' })",
	    "[[\"[\\\"a\\\",null,\\\"c\\\"]\"]]");
	/* The library functions the sandbox replaced still behave. */
	eval("return #string.rep('', 1 << 40), string.rep('ab', 3, ','), "
	     "('key = value'):match('^(%w+)%s*=%s*(%w+)$'), "
	     "('a,b,,c'):gsub(',', ';'), ('hello'):find('l+')",
	    "[[0,\"ab,ab,ab\",\"key\",\"a;b;;c\",3,4]]");
	eval("local t = { 1, 2, 3 } table.insert(t, 1, 0) table.remove(t) "
	     "table.move(t, 1, 3, 2) return table.concat(t, ',')",
	    "[[\"0,0,1,2\"]]");
	eval("local t = { 3, 1, 2 } table.sort(t) "
	     "return table.concat(t, '-', 2), table.unpack(t, 2)",
	    "[[\"2-3\",2,3]]");
	eval("local words = {} for w in ('one two  three'):gmatch('%a+') do "
	     "words[#words + 1] = w end return table.concat(words, '|')",
	    "[[\"one|two|three\"]]");
	eval("return rollin.json_encode(0/0)",
	    "[[null,\"cannot encode NaN or an infinite number\"]]");
}

static void
test_csv(void **state)
{
	(void)state;
	/* ";" found on the first line; quotes keep separators. */
	eval("local rows = rollin.csv_parse('a;b\\n1;\"x;y\"\\n') "
	     "return #rows, rows[2][2]",
	    "[[2,\"x;y\"]]");
	/* A byte order mark is skipped; the header comes on its own. */
	eval("local rows, h = rollin.csv_parse('\\239\\187\\191name,kind\\r\\n"
	     "A,b\\r\\n', { header = true }) return h[1], #rows, rows[1][2]",
	    "[[\"name\",1,\"b\"]]");
	eval(
	    "local rows = rollin.csv_parse('a,b\\tc\\n', { separator = '\\t' })"
	    " return rows[1][1], rows[1][2]",
	    "[[\"a,b\",\"c\"]]");
	/* Malformed input names its line. */
	eval("return rollin.csv_parse('a,b\\nc,d\\ne,f\"g\\n')",
	    "[[null,\"line 3: a quote inside an unquoted field, or text after "
	    "a closing quote\",3]]");
	eval("return rollin.csv_parse('a,b\\n\"c,d\\ne,f\\n')",
	    "[[null,\"line 2: a quoted field is not closed\",2]]");
}

static void
test_host_functions(void **state)
{
	(void)state;
	/* RFC 4231-style check against a well-known HMAC-SHA256 value. */
	eval("return rollin.hmac_sha256_hex('key', 'The quick brown fox jumps "
	     "over the lazy dog')",
	    "[["
	    "\"f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd"
	    "8\"]]");
	eval("local ok, e = rollin.upsert('organisation', {}) "
	     "return ok, e.status, e.message",
	    "[[null,400,\"rollin.upsert is available to imports only\"]]");
	eval("return rollin.input(), rollin.event(), "
	     "rollin.setting('memory_mb')",
	    "[[null,null,\"16\"]]");
	eval("return pcall(function() rollin.x = 1 end)",
	    "[[false,\"code:1: rollin is read-only\"]]");
	eval("return getmetatable(rollin)", "[[\"rollin is read-only\"]]");
	eval("return #rollin.recipients(), rollin.smtp('smtp://127.0.0.1:1', "
	     "'from@example.org', { 'to@example.org' }, 'Subject: "
	     "x\\r\\n\\r\\nx')",
	    "[[0,null,\"no event loop\"]]");
	eval("return type(io), type(package), type(debug), type(require), "
	     "type(dofile), type(loadfile), type(string.dump), os.exit",
	    "[[\"nil\",\"nil\",\"nil\",\"nil\",\"nil\",\"nil\",\"nil\"]]");
}

static void
test_load_refusals(void **state)
{
	struct plugin *p;

	(void)state;
	p = plugin("load_loop");
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_non_null(strstr(p->last_error,
	    "instruction budget exceeded "
	    "(100000000 instructions"));
	p = plugin("load_bad_descriptor");
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_string_equal(p->last_error,
	    "the descriptor has no run function");
	p = plugin("init-fails");
	assert_int_equal(p->state, PLUGIN_FAILED);
	assert_non_null(strstr(p->last_error,
	    "init failed: init_fails.lua:6: the configuration lacks"));
}

/* Loads one script written to a temporary directory. */
static struct plugin *
load_text(struct plugin_registry *reg, char *dir, const char *file,
    const void *text, size_t len, const char *plugin_settings)
{
	char  path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	json_decref(fx->cfg.plugins);
	fx->cfg.plugins =
	    json_loads(plugin_settings ? plugin_settings : "{}", 0, NULL);
	script_plugin_load(reg, path, &fx->cfg);
	unlink(path);
	return &reg->items[reg->n - 1];
}

static void
test_refused_files(void **state)
{
	static const char bytecode[] = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n"
	                               "\x04\x08\x08xV\x00\x00";
	static const char uses_rollin[] = "local url = rollin.setting('url')\n"
	                                  "return {}\n";
	static const char good[] = "return { name = 'tmp', kind = 'report', "
	                           "run = function() end }\n";
	struct plugin_registry reg = { 0 };
	struct plugin         *p;
	char                   dir[] = "/tmp/rollin-script-XXXXXX";
	json_t                *saved = json_incref(fx->cfg.plugins);

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = load_text(&reg, dir, "compiled.lua", bytecode, sizeof(bytecode) - 1,
	    NULL);
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_non_null(strstr(p->last_error, "precompiled Lua bytecode"));
	p = load_text(&reg, dir, "early.lua", uses_rollin,
	    sizeof(uses_rollin) - 1, NULL);
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_non_null(strstr(p->last_error,
	    "rollin.setting is available only while init() or run() runs"));
	p = load_text(&reg, dir, "syntax.lua", "return {", 8, NULL);
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_non_null(strstr(p->last_error, "syntax.lua:1:"));
	p = load_text(&reg, dir, "tmp.lua", good, sizeof(good) - 1,
	    "{\"tmp\": {\"memory_mb\": \"32MB\"}}");
	assert_int_equal(p->state, PLUGIN_REFUSED);
	assert_string_equal(p->last_error,
	    "plugins.tmp.memory_mb must be a "
	    "whole number from 1 to 4096, not "
	    "'32MB'");
	p = load_text(&reg, dir, "tmp.lua", good, sizeof(good) - 1,
	    "{\"tmp\": {\"enabled\": false}}");
	assert_int_equal(p->state, PLUGIN_DISABLED);
	p = load_text(&reg, dir, "tmp.lua", good, sizeof(good) - 1, NULL);
	assert_int_equal(p->state, PLUGIN_LOADED);
	assert_int_equal(p->kind, ROLLIN_REPORT);
	plugins_unload(&reg);
	rmdir(dir);
	json_decref(fx->cfg.plugins);
	fx->cfg.plugins = saved;
}

static void
remove_db(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/rollin.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rollin.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/rollin.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_import_and_query(void **state)
{
	static const char csv[] = "\xEF\xBB\xBF"
	                          "slug;name;kind\n"
	                          "kreis-a;Kreis A;municipal\n"
	                          "Bad Slug;X;municipal\n"
	                          "land-b;\"Land \"\"B\"\"\";state\n";
	struct principal  admin = { .role = ROLE_ADMIN };
	struct rl_error   err = { 0 };
	struct db        *db;
	json_t           *summary, *table, *params;
	char              dir[] = "/tmp/rollin-script-XXXXXX", path[256], *text;

	(void)state;
	snprintf(admin.actor, sizeof(admin.actor), "test");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/rollin.db", dir);
	if ((db = db_open(path, DB_MIGRATE, &err)) == NULL)
		fail_msg("db_open: %s", err.message);
	if (run_import(plugin("good-importer"), db, &admin, csv,
	        sizeof(csv) - 1, "orgs.csv", NULL, NULL, &summary, &err) == -1)
		fail_msg("import: %s", err.message);
	text = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS);
	assert_non_null(strstr(text, "\"imported\":2"));
	assert_non_null(strstr(text, "\"where\":\"line 3\""));
	assert_non_null(strstr(text, "\"message\":\"slug: "));
	free(text);
	json_decref(summary);
	/* Matched by slug: the same rows update. */
	assert_int_equal(run_import(plugin("good-importer"), db, &admin, csv,
	                     sizeof(csv) - 1, "orgs.csv", NULL, NULL, &summary,
	                     &err),
	    0);
	assert_int_equal(json_integer_value(
	                     json_object_get(summary, "updated")),
	    2);
	json_decref(summary);

	params = json_pack("{s:s}", "kind", "state");
	if (run_report(plugin("good-query"), db, params, &table, &err) == -1)
		fail_msg("report: %s", err.message);
	text = json_dumps(table, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text,
	    "{\"columns\":[\"slug\",\"name\",\"state\"],"
	    "\"rows\":[[\"land-b\",\"Land \\\"B\\\"\","
	    "null]]}");
	free(text);
	json_decref(table);
	json_decref(params);
	db_close(db);
	remove_db(dir);
}

/* A local HTTP receiver for the notifier. */
struct receiver {
	struct evhttp *http;
	int            port, hits;
	char           body[1024], signature[128];
};

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct receiver *rv = arg;
	struct evbuffer *in = evhttp_request_get_input_buffer(req), *out;
	size_t           n = evbuffer_get_length(in);
	const char      *sig =
	    evhttp_find_header(evhttp_request_get_input_headers(req),
	        "X-Rollin-Signature");

	if (n >= sizeof(rv->body))
		n = sizeof(rv->body) - 1;
	evbuffer_copyout(in, rv->body, n);
	rv->body[n] = '\0';
	snprintf(rv->signature, sizeof(rv->signature), "%s", sig ? sig : "");
	rv->hits++;
	out = evbuffer_new();
	evbuffer_add_printf(out, "accepted");
	evhttp_send_reply(req, 202, "Accepted", out);
	evbuffer_free(out);
}

struct finished {
	int                done;
	enum rollin_status status;
	char               message[512];
};

static void
on_finish(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	struct finished *f = call->arg;

	f->done = 1;
	f->status = status;
	snprintf(f->message, sizeof(f->message), "%s", message ? message : "");
}

/* Runs the loop until *flag is set (at most about ten seconds). */
static void
loop_until(struct event_base *base, const int *flag)
{
	struct timeval tick = { 0, 10000 };

	for (int i = 0; i < 1000 && !*flag; i++) {
		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
	}
}

static void
start_receiver(struct event_base *base, struct receiver *rv)
{
	struct evhttp_bound_socket *sock;
	struct sockaddr_in          sin;
	socklen_t                   len = sizeof(sin);

	memset(rv, 0, sizeof(*rv));
	rv->http = evhttp_new(base);
	evhttp_set_gencb(rv->http, on_request, rv);
	sock = evhttp_bind_socket_with_handle(rv->http, "127.0.0.1", 0);
	assert_non_null(sock);
	assert_int_equal(getsockname(evhttp_bound_socket_get_fd(sock),
	                     (struct sockaddr *)&sin, &len),
	    0);
	rv->port = ntohs(sin.sin_port);
}

/* Starts a delivery of a release.published event. */
static enum rollin_status
deliver(struct plugin *p, struct rollin_call *call, struct finished *f)
{
	memset(f, 0, sizeof(*f));
	call_init(call, p);
	call->event = "{\"id\": 7, \"type\": \"release.published\"}";
	call->on_finish = on_finish;
	call->arg = f;
	return run_call(p, call);
}

static void
test_http_yields(void **state)
{
	struct event_base *base = event_base_new();
	struct net        *net = net_new(base);
	struct plugin     *p = plugin("good-notifier");
	struct receiver    rv;
	struct rollin_call call;
	struct finished    f;
	char               url[64], sig[80], hex[65];

	(void)state;
	assert_int_equal(p->state, PLUGIN_LOADED);
	start_receiver(base, &rv);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", rv.port);
	json_object_set_new(p->settings, "url", json_string(url));
	net_set_default(net);

	assert_int_equal(deliver(p, &call, &f), ROLLIN_PENDING);
	assert_false(f.done);
	/* Other calls run while this one waits. */
	expect_good_report();
	loop_until(base, &f.done);
	if (f.status != ROLLIN_OK)
		fail_msg("delivery failed: %s", f.message);
	assert_int_equal(rv.hits, 1);
	assert_string_equal(rv.body,
	    "{\"id\":7,\"type\":\"release.published\"}");
	plugin_host.hmac_sha256_hex("s3cret", 6, rv.body, strlen(rv.body), hex);
	snprintf(sig, sizeof(sig), "sha256=%s", hex);
	assert_string_equal(rv.signature, sig);
	call_clear(&call);

	/* The budget holds across the resume: the loop after it is stopped. */
	json_object_set_new(p->settings, "spin", json_string("true"));
	assert_int_equal(deliver(p, &call, &f), ROLLIN_PENDING);
	loop_until(base, &f.done);
	assert_int_equal(f.status, ROLLIN_FAILED);
	assert_non_null(
	    strstr(f.message, "instruction budget exceeded (3000000"));
	assert_non_null(strstr(call.message, "instruction budget exceeded"));
	assert_int_equal(p->state, PLUGIN_LOADED);
	call_clear(&call);
	json_object_del(p->settings, "spin");

	/* A caller that cannot wait gets an answer instead of a yield. */
	call_init(&call, p);
	call.event = "{\"id\": 8, \"type\": \"release.published\"}";
	assert_int_equal(run_call(p, &call), ROLLIN_FAILED);
	assert_non_null(strstr(call.message, "cannot wait for an answer"));
	call_clear(&call);

	/* No event loop: rollin.http answers nil, "no event loop". */
	net_set_default(NULL);
	assert_int_equal(deliver(p, &call, &f), ROLLIN_FAILED);
	assert_string_equal(call.message, "delivery failed: no event loop");
	assert_false(f.done);
	call_clear(&call);

	net_free(net);
	evhttp_free(rv.http);
	event_base_free(base);
}

/* Unloading a plugin ends its waiting calls; the answer is dropped. */
static void
test_unload_while_waiting(void **state)
{
	struct event_base     *base = event_base_new();
	struct net            *net = net_new(base);
	struct plugin_registry reg = { 0 };
	struct receiver        rv;
	struct rollin_call     call;
	struct finished        f;
	struct plugin         *p;
	char                   path[1100], url[64];

	(void)state;
	start_receiver(base, &rv);
	net_set_default(net);
	snprintf(path, sizeof(path), "%s/good_notifier.lua", fixtures);
	script_plugin_load(&reg, path, &fx->cfg);
	p = &reg.items[0];
	assert_int_equal(p->state, PLUGIN_LOADED);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/hook", rv.port);
	json_object_set_new(p->settings, "url", json_string(url));

	assert_int_equal(deliver(p, &call, &f), ROLLIN_PENDING);
	plugins_unload(&reg);
	assert_true(f.done);
	assert_int_equal(f.status, ROLLIN_FAILED);
	assert_non_null(strstr(f.message, "unloaded"));
	/* The answer comes to a run without a plugin, which it frees. */
	loop_until(base, &rv.hits);
	for (int i = 0; i < 20; i++) {
		struct timeval tick = { 0, 10000 };

		event_base_loopexit(base, &tick);
		event_base_dispatch(base);
	}
	call_clear(&call);
	net_free(net);
	evhttp_free(rv.http);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_report),
		cmocka_unit_test(test_escapes_contained),
		cmocka_unit_test(test_runaways_stopped),
		cmocka_unit_test(test_memory_bombs),
		cmocka_unit_test(test_state_survives_failures),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_host_functions),
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_refused_files),
		cmocka_unit_test(test_import_and_query),
		cmocka_unit_test(test_http_yields),
		cmocka_unit_test(test_unload_while_waiting),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
