/*
 * The instruction budget and the time limit of a call. A LUA_MASKCOUNT
 * hook runs every SCRIPT_HOOK_EVERY instructions of any thread of the
 * state (coroutines a script makes inherit it), counts the budget down and
 * compares the call's Lua time with its limit.
 *
 * Once a call is stopped, the hook raises an error and re-arms itself with
 * a count of 1 (Redis luaMaskCountHook): every further instruction raises
 * again, so the script's own pcall, xpcall or coroutine.resume cannot
 * swallow the stop, and the call unwinds to the host.
 */
#include <time.h>

#include "script/state.h"

int64_t
script_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *
script_stop_message(enum script_stop why)
{
	switch (why) {
	case SCRIPT_OUT_OF_MEMORY:
		return "memory cap exceeded";
	case SCRIPT_OUT_OF_BUDGET:
		return "instruction budget exceeded";
	case SCRIPT_OUT_OF_TIME:
		return "time limit exceeded";
	case SCRIPT_GOING:
		break;
	}
	return "";
}

void
script_stop(struct script_run *r, enum script_stop why)
{
	if (r->stop == SCRIPT_GOING)
		r->stop = why;
}

/* Arms the hook on a thread at the normal interval. */
void
script_arm(lua_State *L)
{
	lua_sethook(L, script_hook, LUA_MASKCOUNT, SCRIPT_HOOK_EVERY);
}

void
script_slice_begin(struct script_run *r)
{
	r->s->current = r;
	r->s->refused = 0; /* a refusal is retried within one allocation */
	r->slice_start = script_clock_ns();
}

void
script_slice_end(struct script_run *r)
{
	r->ran_ns += script_clock_ns() - r->slice_start;
	r->s->current = NULL;
}

/*
 * Charges n units of C work (steps of a pattern match, elements a table
 * function moves) to the running call, which the count hook cannot see,
 * and stops the call like the hook does when its budget or time is gone.
 * Raised from a C function, the error leaves hooks switched on.
 */
void
script_charge(lua_State *L, long long n)
{
	struct script_run *r = script_of(L)->current;

	if (r == NULL)
		return;
	if (r->stop == SCRIPT_GOING) {
		r->budget -= n;
		if (r->budget <= 0)
			script_stop(r, SCRIPT_OUT_OF_BUDGET);
		else if (r->ran_ns + (script_clock_ns() - r->slice_start) >
		    r->limit_ns)
			script_stop(r, SCRIPT_OUT_OF_TIME);
	}
	if (r->stop != SCRIPT_GOING) {
		lua_sethook(L, script_hook, LUA_MASKCOUNT, 1);
		lua_pushstring(L, script_stop_message(r->stop));
		lua_error(L);
	}
}

/*
 * The hook. The thread's own count tells how many instructions ran since
 * the last call (1 on a thread re-armed after a stop, which may run again
 * in a later call and then goes back to the normal interval). Lua code
 * that runs with no call to charge (there should be none) is stopped too.
 */
void
script_hook(lua_State *L, lua_Debug *ar)
{
	struct script     *s = script_of(L);
	struct script_run *r = s->current;
	int                every = lua_gethookcount(L);

	(void)ar;
	if (r == NULL) {
		lua_sethook(L, script_hook, LUA_MASKCOUNT, 1);
		lua_pushliteral(L, "Lua code ran outside a plugin call");
		lua_error(L);
	}
	if (r->stop == SCRIPT_GOING) {
		r->budget -= every;
		if (r->budget <= 0)
			script_stop(r, SCRIPT_OUT_OF_BUDGET);
		else if (r->ran_ns + (script_clock_ns() - r->slice_start) >
		    r->limit_ns)
			script_stop(r, SCRIPT_OUT_OF_TIME);
	}
	if (r->stop != SCRIPT_GOING) {
		lua_sethook(L, script_hook, LUA_MASKCOUNT, 1);
		lua_pushstring(L, script_stop_message(r->stop));
		lua_error(L);
	}
	if (every != SCRIPT_HOOK_EVERY)
		script_arm(L);
}
