/*
 * Library functions whose loops run in C, where the count hook never
 * fires, so that one call could hold the thread for hours with a handful
 * of instructions:
 *
 *	string.find, string.match, string.gmatch, string.gsub
 *		backtracking ("a?a?a?...aaa", ".-.-.-x") is exponential or
 *		polynomial in the subject; a plain find is O(n * m)
 *	string.rep("", 1 << 40)	loops 2^40 times copying nothing
 *	table.insert, table.remove	shift up to #t elements, and __len
 *		(or a sparse table's border) can make #t 2^62
 *	table.move({}, 1, math.maxinteger - 1, 1)	the same
 *	table.sort, table.concat, table.unpack	bounded by the memory cap,
 *		but a thousand of them fit between two hooks
 *
 * These versions keep the behaviour of Lua 5.4's lstrlib.c and ltablib.c
 * (the matcher, in pattern.c, follows lstrlib.c's; Lua is MIT-licensed,
 * Copyright (C) 1994-2022 Lua.org, PUC-Rio) and charge their steps to the
 * call's instruction budget through script_charge, which also checks the
 * time limit. Other C loops are bounded by the memory cap: their work
 * grows the result.
 */
#include <ctype.h>
#include <lauxlib.h>
#include <lualib.h>
#include <string.h>

#include "script/pattern.h"
#include "script/state.h"

#define SPECIALS "^$*+?.([%-"

/* lstrlib's posrelatI: a start position in [1, len + 1]. */
static size_t
start_position(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0)
		return 1;
	if (pos < -(lua_Integer)len)
		return 1;
	return len + (size_t)pos + 1;
}

/* True if p has none of the pattern characters (zeros included). */
static int
no_specials(const char *p, size_t lp)
{
	size_t upto = 0;

	do {
		if (strpbrk(p + upto, SPECIALS))
			return 0;
		upto += strlen(p + upto) + 1;
	} while (upto <= lp);
	return 1;
}

/* memmem, charging one step per byte compared at each candidate. */
static const char *
find_plain(struct pattern_state *ms, const char *s, size_t ls, const char *p,
    size_t lp)
{
	const char *init;

	if (lp == 0)
		return s;
	if (lp > ls)
		return NULL;
	ls -= lp - 1;
	while (ls > 0 && (init = memchr(s, *p, ls)) != NULL) {
		pattern_step(ms, (long long)lp);
		init++;
		if (memcmp(init, p + 1, lp - 1) == 0)
			return init - 1;
		ls -= (size_t)(init - s);
		s = init;
	}
	return NULL;
}

static int
find_aux(lua_State *L, int find)
{
	struct pattern_state ms;
	size_t               ls, lp, init;
	const char          *s = luaL_checklstring(L, 1, &ls);
	const char          *p = luaL_checklstring(L, 2, &lp);
	const char          *s1, *res;
	int                  anchor;

	init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	pattern_prepare(&ms, L, s, ls, p, lp);
	if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
		if ((res = find_plain(&ms, s + init, ls - init, p, lp)) !=
		    NULL) {
			lua_pushinteger(L, (res - s) + 1);
			lua_pushinteger(L,
			    (lua_Integer)((size_t)(res - s) + lp));
			return 2;
		}
		luaL_pushfail(L);
		return 1;
	}
	s1 = s + init;
	if ((anchor = *p == '^')) {
		p++;
		lp--;
		ms.p_end = p + lp;
	}
	do {
		pattern_reprepare(&ms);
		if ((res = pattern_match(&ms, s1, p)) != NULL) {
			if (find) {
				lua_pushinteger(L, (s1 - s) + 1);
				lua_pushinteger(L, res - s);
				return pattern_push_captures(&ms, NULL, 0) + 2;
			}
			return pattern_push_captures(&ms, s1, res);
		}
	} while (s1++ < ms.src_end && !anchor);
	luaL_pushfail(L);
	return 1;
}

static int
bounded_find(lua_State *L)
{
	return find_aux(L, 1);
}

static int
bounded_match(lua_State *L)
{
	return find_aux(L, 0);
}

struct gmatch_state {
	const char          *src;
	const char          *p;
	const char          *lastmatch;
	struct pattern_state ms;
};

static int
gmatch_next(lua_State *L)
{
	struct gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
	const char          *src, *e;

	gm->ms.L = L;
	for (src = gm->src; src <= gm->ms.src_end; src++) {
		pattern_reprepare(&gm->ms);
		if ((e = pattern_match(&gm->ms, src, gm->p)) != NULL &&
		    e != gm->lastmatch) {
			gm->src = gm->lastmatch = e;
			return pattern_push_captures(&gm->ms, src, e);
		}
	}
	return 0;
}

static int
bounded_gmatch(lua_State *L)
{
	struct gmatch_state *gm;
	size_t               ls, lp, init;
	const char          *s = luaL_checklstring(L, 1, &ls);
	const char          *p = luaL_checklstring(L, 2, &lp);

	init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
	if (init > ls)
		init = ls + 1;
	lua_settop(L, 2);
	gm = lua_newuserdatauv(L, sizeof(*gm), 0);
	pattern_prepare(&gm->ms, L, s, ls, p, lp);
	gm->src = s + init;
	gm->p = p;
	gm->lastmatch = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* A string replacement with %0-%9 and %%. */
static void
add_string(struct pattern_state *ms, luaL_Buffer *b, const char *s,
    const char *e)
{
	lua_State  *L = ms->L;
	size_t      l;
	const char *news = lua_tolstring(L, 3, &l), *p, *cap;
	ptrdiff_t   len;

	pattern_step(ms, 1);
	while ((p = memchr(news, '%', l)) != NULL) {
		pattern_step(ms, 1);
		luaL_addlstring(b, news, (size_t)(p - news));
		p++;
		if (*p == '%')
			luaL_addchar(b, *p);
		else if (*p == '0')
			luaL_addlstring(b, s, (size_t)(e - s));
		else if (isdigit((unsigned char)*p)) {
			len = pattern_get_capture(ms, *p - '1', s, e, &cap);
			if (len == PATTERN_CAP_POSITION)
				luaL_addvalue(b);
			else
				luaL_addlstring(b, cap, (size_t)len);
		} else
			luaL_error(L,
			    "invalid use of '%c' in replacement string", '%');
		l -= (size_t)(p + 1 - news);
		news = p + 1;
	}
	luaL_addlstring(b, news, l);
}

/* Adds the replacement of s..e; returns whether it changed anything. */
static int
add_value(struct pattern_state *ms, luaL_Buffer *b, const char *s,
    const char *e, int tr)
{
	lua_State *L = ms->L;

	switch (tr) {
	case LUA_TFUNCTION:
		lua_pushvalue(L, 3);
		lua_call(L, pattern_push_captures(ms, s, e), 1);
		break;
	case LUA_TTABLE:
		pattern_push_capture(ms, 0, s, e);
		lua_gettable(L, 3);
		break;
	default:
		add_string(ms, b, s, e);
		return 1;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return 0;
	}
	if (!lua_isstring(L, -1))
		return luaL_error(L, "invalid replacement value (a %s)",
		    luaL_typename(L, -1));
	luaL_addvalue(b);
	return 1;
}

static int
bounded_gsub(lua_State *L)
{
	struct pattern_state ms;
	luaL_Buffer          b;
	size_t               srcl, lp;
	const char          *src = luaL_checklstring(L, 1, &srcl);
	const char          *p = luaL_checklstring(L, 2, &lp);
	const char          *lastmatch = NULL, *e;
	int                  tr = lua_type(L, 3), anchor, changed = 0;
	lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
	lua_Integer n = 0;

	luaL_argexpected(L,
	    tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
	        tr == LUA_TTABLE,
	    3, "string/function/table");
	if ((anchor = *p == '^')) {
		p++;
		lp--;
	}
	luaL_buffinit(L, &b);
	pattern_prepare(&ms, L, src, srcl, p, lp);
	while (n < max_s) {
		pattern_reprepare(&ms);
		if ((e = pattern_match(&ms, src, p)) != NULL &&
		    e != lastmatch) {
			n++;
			changed = add_value(&ms, &b, src, e, tr) | changed;
			src = lastmatch = e;
		} else if (src < ms.src_end)
			luaL_addchar(&b, *src++);
		else
			break;
		if (anchor)
			break;
	}
	if (!changed)
		lua_pushvalue(L, 1);
	else {
		luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

/*
 * string.rep: a result of empty pieces is answered at once; any other
 * result is as long as the loop, so the memory cap bounds it.
 */
static int
bounded_rep(lua_State *L)
{
	size_t      l, lsep;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* A table, or something with the metamethods a table function needs. */
static void
check_table(lua_State *L, int arg)
{
	if (lua_type(L, arg) != LUA_TTABLE && !lua_getmetatable(L, arg))
		luaL_checktype(L, arg, LUA_TTABLE);
	else if (lua_type(L, arg) != LUA_TTABLE)
		lua_pop(L, 1);
}

/* t[to] = t[from] for one element, charged. */
static void
move_one(lua_State *L, int from_t, lua_Integer from, int to_t, lua_Integer to,
    long long *steps)
{
	lua_geti(L, from_t, from);
	lua_seti(L, to_t, to);
	if (++*steps >= SCRIPT_STEPS_PER_CHARGE) {
		script_charge(L, *steps);
		*steps = 0;
	}
}

static int
bounded_insert(lua_State *L)
{
	lua_Integer e, pos;
	long long   steps = 0;

	check_table(L, 1);
	e = luaL_len(L, 1);
	e = (lua_Integer)((lua_Unsigned)e + 1u);
	switch (lua_gettop(L)) {
	case 2:
		pos = e;
		break;
	case 3:
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
		    "position out of bounds");
		for (lua_Integer i = e; i > pos; i--)
			move_one(L, 1, i - 1, 1, i, &steps);
		break;
	default:
		return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

static int
bounded_remove(lua_State *L)
{
	lua_Integer size, pos;
	long long   steps = 0;

	check_table(L, 1);
	size = luaL_len(L, 1);
	pos = luaL_optinteger(L, 2, size);
	if (pos != size)
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size,
		    2, "position out of bounds");
	lua_geti(L, 1, pos);
	for (; pos < size; pos++)
		move_one(L, 1, pos + 1, 1, pos, &steps);
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

static int
bounded_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2);
	lua_Integer e = luaL_checkinteger(L, 3);
	lua_Integer t = luaL_checkinteger(L, 4), n, i;
	int         tt = !lua_isnoneornil(L, 5) ? 5 : 1;
	long long   steps = 0;

	check_table(L, 1);
	check_table(L, tt);
	if (e >= f) {
		luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
		    "too many elements to move");
		n = e - f + 1;
		luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4,
		    "destination wrap around");
		if (t > e || t <= f ||
		    (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ)))
			for (i = 0; i < n; i++)
				move_one(L, 1, f + i, tt, t + i, &steps);
		else
			for (i = n - 1; i >= 0; i--)
				move_one(L, 1, f + i, tt, t + i, &steps);
	}
	lua_pushvalue(L, tt);
	return 1;
}

/*
 * table.sort, table.concat and table.unpack, charged before they run:
 * their loops are bounded by the memory cap, but a thousand calls between
 * two hooks would still hold the thread far past the time limit. The
 * length is taken as the original will take it; a __len that answers
 * differently the second time only reaches missing elements, which the
 * original refuses at once, or __index functions, which the hook sees.
 */
static int
charged_call(lua_State *L, long long cost)
{
	if (cost > 0)
		script_charge(L, cost);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int
bounded_sort(lua_State *L)
{
	long long n = 0, log = 1;

	if (lua_type(L, 1) == LUA_TTABLE)
		n = (long long)luaL_len(L, 1);
	for (long long m = n; m > 1; m >>= 1)
		log++;
	return charged_call(L, n > 0 && n < (1LL << 40) ? n * log : n);
}

/* The number of elements from i (arg) to j (arg + 1, default #t). */
static long long
span(lua_State *L, int arg)
{
	lua_Integer i, j;

	if (lua_type(L, 1) != LUA_TTABLE)
		return 0;
	i = luaL_optinteger(L, arg, 1);
	j = lua_isnoneornil(L, arg + 1) ? luaL_len(L, 1)
	                                : luaL_checkinteger(L, arg + 1);
	return i > j || (i <= 0 && j > LUA_MAXINTEGER + i)
	    ? 0
	    : (long long)(j - i) + 1;
}

static int
bounded_concat(lua_State *L)
{
	return charged_call(L, span(L, 3));
}

static int
bounded_unpack(lua_State *L)
{
	return charged_call(L, span(L, 2));
}

void
script_open_bounded(lua_State *L)
{
	static const luaL_Reg strings[] = {
		{ "find", bounded_find },
		{ "match", bounded_match },
		{ "gmatch", bounded_gmatch },
		{ "gsub", bounded_gsub },
		{ NULL, NULL },
	};
	static const luaL_Reg tables[] = {
		{ "insert", bounded_insert },
		{ "remove", bounded_remove },
		{ "move", bounded_move },
		{ NULL, NULL },
	};

	lua_getglobal(L, LUA_STRLIBNAME);
	luaL_setfuncs(L, strings, 0);
	lua_getfield(L, -1, "rep");
	lua_pushcclosure(L, bounded_rep, 1);
	lua_setfield(L, -2, "rep");
	lua_pop(L, 1);
	lua_getglobal(L, LUA_TABLIBNAME);
	luaL_setfuncs(L, tables, 0);
	lua_getfield(L, -1, "sort");
	lua_pushcclosure(L, bounded_sort, 1);
	lua_setfield(L, -2, "sort");
	lua_getfield(L, -1, "concat");
	lua_pushcclosure(L, bounded_concat, 1);
	lua_setfield(L, -2, "concat");
	lua_getfield(L, -1, "unpack");
	lua_pushcclosure(L, bounded_unpack, 1);
	lua_setfield(L, -2, "unpack");
	lua_pop(L, 1);
}
