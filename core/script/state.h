/*
 * The inside of the Lua host (core/script/): one sandboxed lua_State per
 * plugin (struct script) and one coroutine per call (struct script_run).
 *
 *	alloc.c		the accounting allocator (memory cap)
 *	budget.c	the count hook (instruction budget, time limit)
 *	bounded.c	library functions that charge their C loops
 *	pattern.c	the charged Lua pattern matcher they use (pattern.h)
 *	sandbox.c	which libraries and functions a script gets, and why
 *	bind_rollin.c	the `rollin` table: the host table for Lua
 *	bind_json.c	Lua values <-> JSON (jansson)
 *	bind_csv.c	rollin.csv_parse (libcsv)
 *	bind_http.c	rollin.http and rollin.smtp, which yield until the
 *			answer comes
 *	script.c	loading and freeing plugins (script.h)
 *	calls.c		running a call as a coroutine, and resuming it
 *
 * Every entry into Lua is protected (lua_pcall, lua_resume): a panic would
 * abort the service.
 */
#ifndef ROLLIN_SCRIPT_STATE_H
#define ROLLIN_SCRIPT_STATE_H

#include <jansson.h>
#include <lua.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "rollin/plugin.h"

/* Defaults of plugins.<name>.memory_mb, .instructions and .timeout_ms. */
#define SCRIPT_MEMORY_MB    32
#define SCRIPT_INSTRUCTIONS 100000000LL
#define SCRIPT_TIMEOUT_MS   5000L

/*
 * The count hook runs every SCRIPT_HOOK_EVERY instructions: HAProxy found
 * 500 to 10000 nearly free, and 1000 stops a runaway within microseconds.
 */
#define SCRIPT_HOOK_EVERY 1000
/* C loops that the hook cannot see charge their steps in batches this big. */
#define SCRIPT_STEPS_PER_CHARGE 1024
/* Log lines one call may write before the rest are dropped. */
#define SCRIPT_LOG_LINES 1000
/* A plugin's source is read whole; nobody writes a 4 MB plugin by hand. */
#define SCRIPT_MAX_SOURCE (4L * 1024 * 1024)
/* Nesting of JSON values either way (and the end of a cyclic table). */
#define SCRIPT_MAX_DEPTH 200

struct plugin;
struct rollin_call;

/* Why a call was stopped by the host; first reason wins. */
enum script_stop {
	SCRIPT_GOING = 0,
	SCRIPT_OUT_OF_MEMORY,
	SCRIPT_OUT_OF_BUDGET,
	SCRIPT_OUT_OF_TIME,
};

/* Where a call's rollin.http stands. */
enum script_http {
	SCRIPT_HTTP_NONE = 0,
	SCRIPT_HTTP_WAITING, /* yielded; the answer has not come */
	SCRIPT_HTTP_DONE,    /* answered; resume to hand it over */
};

/* One call (or the loading of the script): its coroutine and its limits. */
struct script_run {
	struct script      *s;
	struct plugin      *plugin;
	struct rollin_call *call; /* NULL while the script's chunk runs */
	const char         *fn;   /* "run" or "init" */
	lua_State          *co;   /* the call's coroutine, or the main thread */
	long long           budget;      /* instructions left */
	int64_t             ran_ns;      /* Lua time of all slices so far */
	int64_t             slice_start; /* when the current slice began */
	int64_t             limit_ns;
	enum script_stop    stop;
	unsigned            log_lines;

	enum script_http http;
	long             http_status;
	char            *http_body; /* malloc'd answer, until handed over */
	size_t           http_len;
	char            *http_error;

	struct script_run *next; /* on s->pending */
};

struct script {
	lua_State      *L;
	pthread_mutex_t lock; /* one thread in the state at a time */
	char            name[64];
	char            file[64]; /* base name, for log lines */

	size_t      mem_used, mem_cap;
	const void *refused_ptr; /* the last growth the cap refused */
	size_t      refused_size;
	int         refused;

	long long instructions; /* per call */
	long      timeout_ms;   /* of Lua time per call */

	struct script_run *current; /* the run Lua executes now, or NULL */
	struct script_run *pending; /* calls waiting for an HTTP answer */

	char   warning[512]; /* warn() pieces until the last one */
	size_t warning_len;
};

/* The script a Lua thread belongs to (every thread copies the pointer). */
static inline struct script *
script_of(lua_State *L)
{
	return *(struct script **)lua_getextraspace(L);
}

/* alloc.c: lua_Alloc that counts into s->mem_used and refuses past cap. */
void *script_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

/* budget.c */
int64_t     script_clock_ns(void);
void        script_hook(lua_State *, lua_Debug *);
void        script_arm(lua_State *);
void        script_charge(lua_State *, long long n);
void        script_stop(struct script_run *, enum script_stop);
const char *script_stop_message(enum script_stop);
/* Starts and ends a slice of Lua time for r (sets s->current). */
void script_slice_begin(struct script_run *);
void script_slice_end(struct script_run *);

/* bounded.c: replaces library functions whose C loops need charging. */
void script_open_bounded(lua_State *);

/* sandbox.c */
int  script_open_sandbox(lua_State *);
void script_warn(void *ud, const char *msg, int tocont);
int  script_msgh(lua_State *);
/* Pushes a read-only proxy of the table at idx (a userdata). */
void script_push_proxy(lua_State *, int idx, const char *name);

/*
 * A C resource held across Lua calls that may raise: the userdata's __gc
 * releases it if an error unwinds first. script_box pushes the box.
 */
struct script_box {
	void *ptr;
	void (*release)(void *);
};
struct script_box *script_box(lua_State *, void (*release)(void *));
void               script_box_release(struct script_box *);

/* bind_rollin.c */
void script_open_rollin(lua_State *);
/* The running call, or a Lua error naming fn if there is none. */
struct script_run *script_need_call(lua_State *, const char *fn);
/* rollin.columns and rollin.row, also for a report's returned table. */
int  script_columns(lua_State *);
int  script_row(lua_State *);
void script_log(struct script_run *, struct script *, enum rollin_log_level,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* bind_json.c */
/* Pushes v as a Lua value (null: rollin.null); raises on nesting. */
void script_push_json(lua_State *, json_t *v, int null_as_nil);
/*
 * The Lua value at idx as JSON, or NULL with err filled. Never raises:
 * it only reads. empty_array: an empty table becomes [] rather than {}.
 */
json_t *
script_to_json(lua_State *, int idx, int empty_array, char *err, size_t errlen);
int script_json_encode(lua_State *);
int script_json_decode(lua_State *);

/* bind_csv.c */
int script_csv_parse(lua_State *);

/* bind_http.c */
int  script_http(lua_State *);
int  script_smtp(lua_State *);
void script_run_free_http(struct script_run *);

/*
 * script.c: registry keys, of which only the addresses count: the
 * descriptor the script returned, and each run's coroutine by its run.
 */
extern const char script_key_module;
extern const char script_key_runs;

/* calls.c */
void script_run_init(struct script_run *, struct script *, struct plugin *,
    struct rollin_call *);
/*
 * Runs fn(ud) protected on the main thread; the error text, if any, goes
 * to err. Lua runs only under a run (s->current) so the hook can charge
 * it.
 */
int script_protect(struct script *, lua_CFunction fn, void *ud, char *err,
    size_t errlen);
/* The text of a failure, the host's reason first, on one line. */
void script_failure_text(struct script_run *, const char *lua_msg, char *out,
    size_t outlen);
/*
 * Starts fn ("run" or "init") for r's call; the caller holds s->lock.
 * Returns the outcome; on ROLLIN_PENDING the run stays on s->pending.
 */
enum rollin_status script_start_run(struct script_run *, const char *fn);
/* Resumes a call whose HTTP request was answered. */
void script_resume(struct script_run *);

#endif
