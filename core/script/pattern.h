/*
 * The charged Lua pattern matcher (pattern.c), shared by the string
 * functions that use it (bounded.c). Private to core/script/.
 */
#ifndef ROLLIN_SCRIPT_PATTERN_H
#define ROLLIN_SCRIPT_PATTERN_H

#include <lua.h>
#include <stddef.h>

#include "script/state.h"

#define PATTERN_CAPTURES     32 /* lstrlib's LUA_MAXCAPTURES */
#define PATTERN_CAP_POSITION (-2)

struct pattern_state {
	const char *src_init, *src_end;
	const char *p_end;
	lua_State  *L;
	int         depth; /* remaining nesting of pattern_match() */
	int         level; /* captures, finished or not */
	long long   steps; /* not yet charged */
	struct {
		const char *init;
		ptrdiff_t   len;
	} capture[PATTERN_CAPTURES];
};

/* Counts n steps, charging them in batches. */
static inline void
pattern_step(struct pattern_state *ms, long long n)
{
	ms->steps += n;
	if (ms->steps >= SCRIPT_STEPS_PER_CHARGE) {
		n = ms->steps;
		ms->steps = 0;
		script_charge(ms->L, n);
	}
}

/* Sets ms to match in s[0, ls) against p[0, lp). */
void pattern_prepare(struct pattern_state *ms, lua_State *L, const char *s,
    size_t ls, const char *p, size_t lp);

/* Resets the captures and the nesting before each attempt. */
void pattern_reprepare(struct pattern_state *ms);

/*
 * Matches pattern p at s: the end of the match, or NULL. Raises on a
 * malformed pattern.
 */
const char *
pattern_match(struct pattern_state *ms, const char *s, const char *p);

/* Capture i's length (or PATTERN_CAP_POSITION, its position pushed); *cap. */
ptrdiff_t pattern_get_capture(struct pattern_state *ms, int i, const char *s,
    const char *e, const char **cap);

void pattern_push_capture(struct pattern_state *ms, int i, const char *s,
    const char *e);

/* Pushes every capture (or the whole match s..e); their number. */
int
pattern_push_captures(struct pattern_state *ms, const char *s, const char *e);

#endif
