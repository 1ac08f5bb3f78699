/*
 * The Lua pattern matcher behind string.find, match, gmatch and gsub
 * (bounded.c), apart from them because it is the part that can run for
 * hours: backtracking is exponential or polynomial in the subject. It
 * follows Lua 5.4's lstrlib.c (MIT-licensed, Copyright (C) 1994-2022
 * Lua.org, PUC-Rio) and charges every step to the call's instruction
 * budget through pattern_step.
 */
#include <ctype.h>
#include <lauxlib.h>
#include <string.h>

#include "script/pattern.h"

#define PATTERN_DEPTH  200 /* nesting of matches (lstrlib's MAXCCALLS) */
#define CAP_UNFINISHED (-1)

static int
check_capture(struct pattern_state *ms, int l)
{
	l -= '1';
	if (l < 0 || l >= ms->level || ms->capture[l].len == CAP_UNFINISHED)
		return luaL_error(ms->L, "invalid capture index %%%d", l + 1);
	return l;
}

static int
capture_to_close(struct pattern_state *ms)
{
	int level = ms->level;

	for (level--; level >= 0; level--)
		if (ms->capture[level].len == CAP_UNFINISHED)
			return level;
	return luaL_error(ms->L, "invalid pattern capture");
}

/* The end of the single-character class at p. */
static const char *
class_end(struct pattern_state *ms, const char *p)
{
	switch (*p++) {
	case '%':
		if (p == ms->p_end)
			luaL_error(ms->L, "malformed pattern (ends with '%%')");
		return p + 1;
	case '[':
		if (*p == '^')
			p++;
		do {
			if (p == ms->p_end)
				luaL_error(ms->L,
				    "malformed pattern (missing ']')");
			if (*(p++) == '%' && p < ms->p_end)
				p++;
		} while (*p != ']');
		return p + 1;
	default:
		return p;
	}
}

static int
match_class(int c, int cl)
{
	int res;

	switch (tolower(cl)) {
	case 'a':
		res = isalpha(c);
		break;
	case 'c':
		res = iscntrl(c);
		break;
	case 'd':
		res = isdigit(c);
		break;
	case 'g':
		res = isgraph(c);
		break;
	case 'l':
		res = islower(c);
		break;
	case 'p':
		res = ispunct(c);
		break;
	case 's':
		res = isspace(c);
		break;
	case 'u':
		res = isupper(c);
		break;
	case 'w':
		res = isalnum(c);
		break;
	case 'x':
		res = isxdigit(c);
		break;
	default:
		return cl == c;
	}
	if (isupper(cl))
		res = !res;
	return res;
}

/* c against the set [...] from p to its closing ']' at ec. */
static int
match_bracket_class(int c, const char *p, const char *ec)
{
	int sig = 1;

	if (*(p + 1) == '^') {
		sig = 0;
		p++;
	}
	while (++p < ec) {
		if (*p == '%') {
			p++;
			if (match_class(c, (unsigned char)*p))
				return sig;
		} else if (*(p + 1) == '-' && p + 2 < ec) {
			p += 2;
			if ((unsigned char)*(p - 2) <= c &&
			    c <= (unsigned char)*p)
				return sig;
		} else if ((unsigned char)*p == c)
			return sig;
	}
	return !sig;
}

static int
single_match(struct pattern_state *ms, const char *s, const char *p,
    const char *ep)
{
	int c;

	if (s >= ms->src_end)
		return 0;
	c = (unsigned char)*s;
	switch (*p) {
	case '.':
		return 1;
	case '%':
		return match_class(c, (unsigned char)*(p + 1));
	case '[':
		return match_bracket_class(c, p, ep - 1);
	default:
		return (unsigned char)*p == c;
	}
}

static const char *
match_balance(struct pattern_state *ms, const char *s, const char *p)
{
	int b, e, cont = 1;

	if (p >= ms->p_end - 1)
		luaL_error(ms->L,
		    "malformed pattern (missing arguments to "
		    "'%%b')");
	if (*s != *p)
		return NULL;
	b = *p;
	e = *(p + 1);
	while (++s < ms->src_end) {
		pattern_step(ms, 1);
		if (*s == e) {
			if (--cont == 0)
				return s + 1;
		} else if (*s == b)
			cont++;
	}
	return NULL;
}

static const char *
max_expand(struct pattern_state *ms, const char *s, const char *p,
    const char *ep)
{
	ptrdiff_t i = 0;

	while (single_match(ms, s + i, p, ep)) {
		pattern_step(ms, 1);
		i++;
	}
	while (i >= 0) {
		const char *res = pattern_match(ms, s + i, ep + 1);

		if (res != NULL)
			return res;
		i--;
	}
	return NULL;
}

static const char *
min_expand(struct pattern_state *ms, const char *s, const char *p,
    const char *ep)
{
	for (;;) {
		const char *res = pattern_match(ms, s, ep + 1);

		if (res != NULL)
			return res;
		if (!single_match(ms, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *
start_capture(struct pattern_state *ms, const char *s, const char *p, int what)
{
	const char *res;
	int         level = ms->level;

	if (level >= PATTERN_CAPTURES)
		luaL_error(ms->L, "too many captures");
	ms->capture[level].init = s;
	ms->capture[level].len = what;
	ms->level = level + 1;
	if ((res = pattern_match(ms, s, p)) == NULL)
		ms->level--;
	return res;
}

static const char *
end_capture(struct pattern_state *ms, const char *s, const char *p)
{
	int         l = capture_to_close(ms);
	const char *res;

	ms->capture[l].len = s - ms->capture[l].init;
	if ((res = pattern_match(ms, s, p)) == NULL)
		ms->capture[l].len = CAP_UNFINISHED;
	return res;
}

static const char *
match_capture(struct pattern_state *ms, const char *s, int l)
{
	size_t len;

	l = check_capture(ms, l);
	len = (size_t)ms->capture[l].len;
	pattern_step(ms, (long long)len);
	if ((size_t)(ms->src_end - s) >= len &&
	    memcmp(ms->capture[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/*
 * Matches pattern p at s: the end of the match, or NULL. Every call is a
 * step; tail calls are loops (goto init), as in lstrlib.c.
 */
const char *
pattern_match(struct pattern_state *ms, const char *s, const char *p)
{
	const char *ep, *res;

	if (ms->depth-- == 0)
		luaL_error(ms->L, "pattern too complex");
init:
	pattern_step(ms, 1);
	if (p == ms->p_end)
		goto done;
	switch (*p) {
	case '(':
		if (*(p + 1) == ')')
			s = start_capture(ms, s, p + 2, PATTERN_CAP_POSITION);
		else
			s = start_capture(ms, s, p + 1, CAP_UNFINISHED);
		break;
	case ')':
		s = end_capture(ms, s, p + 1);
		break;
	case '$':
		if (p + 1 != ms->p_end)
			goto dflt;
		s = s == ms->src_end ? s : NULL;
		break;
	case '%':
		switch (*(p + 1)) {
		case 'b':
			if ((s = match_balance(ms, s, p + 2)) != NULL) {
				p += 4;
				goto init;
			}
			break;
		case 'f': {
			char previous;

			p += 2;
			if (*p != '[')
				luaL_error(ms->L,
				    "missing '[' after '%%f' in "
				    "pattern");
			ep = class_end(ms, p);
			previous = s == ms->src_init ? '\0' : *(s - 1);
			if (!match_bracket_class((unsigned char)previous, p,
			        ep - 1) &&
			    match_bracket_class((unsigned char)*s, p, ep - 1)) {
				p = ep;
				goto init;
			}
			s = NULL;
			break;
		}
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
		case '6':
		case '7':
		case '8':
		case '9':
			if ((s = match_capture(ms, s,
			         (unsigned char)*(p + 1))) != NULL) {
				p += 2;
				goto init;
			}
			break;
		default:
			goto dflt;
		}
		break;
	default:
	dflt:
		ep = class_end(ms, p);
		if (!single_match(ms, s, p, ep)) {
			if (*ep == '*' || *ep == '?' || *ep == '-') {
				p = ep + 1;
				goto init;
			}
			s = NULL;
			break;
		}
		switch (*ep) {
		case '?':
			if ((res = pattern_match(ms, s + 1, ep + 1)) != NULL)
				s = res;
			else {
				p = ep + 1;
				goto init;
			}
			break;
		case '+':
			s = max_expand(ms, s + 1, p, ep);
			break;
		case '*':
			s = max_expand(ms, s, p, ep);
			break;
		case '-':
			s = min_expand(ms, s, p, ep);
			break;
		default:
			s++;
			p = ep;
			goto init;
		}
		break;
	}
done:
	ms->depth++;
	return s;
}

/* Capture i's length (or PATTERN_CAP_POSITION, its position pushed); *cap. */
ptrdiff_t
pattern_get_capture(struct pattern_state *ms, int i, const char *s,
    const char *e, const char **cap)
{
	ptrdiff_t len;

	if (i >= ms->level) {
		if (i != 0)
			luaL_error(ms->L, "invalid capture index %%%d", i + 1);
		*cap = s;
		return e - s;
	}
	len = ms->capture[i].len;
	*cap = ms->capture[i].init;
	if (len == CAP_UNFINISHED)
		luaL_error(ms->L, "unfinished capture");
	else if (len == PATTERN_CAP_POSITION)
		lua_pushinteger(ms->L,
		    (ms->capture[i].init - ms->src_init) + 1);
	return len;
}

void
pattern_push_capture(struct pattern_state *ms, int i, const char *s,
    const char *e)
{
	const char *cap;
	ptrdiff_t   len = pattern_get_capture(ms, i, s, e, &cap);

	if (len != PATTERN_CAP_POSITION)
		lua_pushlstring(ms->L, cap, (size_t)len);
}

int
pattern_push_captures(struct pattern_state *ms, const char *s, const char *e)
{
	int n = ms->level == 0 && s != NULL ? 1 : ms->level;

	luaL_checkstack(ms->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		pattern_push_capture(ms, i, s, e);
	return n;
}

void
pattern_prepare(struct pattern_state *ms, lua_State *L, const char *s,
    size_t ls, const char *p, size_t lp)
{
	ms->L = L;
	ms->src_init = s;
	ms->src_end = s + ls;
	ms->p_end = p + lp;
	ms->steps = 0;
}

void
pattern_reprepare(struct pattern_state *ms)
{
	ms->level = 0;
	ms->depth = PATTERN_DEPTH;
}
