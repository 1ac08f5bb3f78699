/*
 * Lua values <-> JSON through jansson, for rollin.json_encode and
 * rollin.json_decode and for everything the host table takes or gives as
 * JSON text (upsert, query, columns, row, event).
 *
 * Lua to JSON: nil and rollin.null are null; integers stay integers; a
 * table whose keys are all positive integers is an array (holes become
 * null, but a table that is mostly holes is refused); any other table is
 * an object whose number keys become text. Functions, threads and
 * userdata, NaN and infinities, text that is not UTF-8, and tables nested
 * deeper than SCRIPT_MAX_DEPTH (which is also where a table that contains
 * itself ends) are refused with a message.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "script/state.h"

static json_t *to_json(lua_State *, int, int, int, char *, size_t);

static json_t *__attribute__((format(printf, 3, 4)))
refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return NULL;
}

/* Object key for a non-string key, or -1 if it cannot be one. */
static int
key_text(lua_State *L, int idx, char *buf, size_t len)
{
	if (lua_isinteger(L, idx))
		snprintf(buf, len, "%lld", (long long)lua_tointeger(L, idx));
	else if (lua_type(L, idx) == LUA_TNUMBER)
		snprintf(buf, len, "%.14g", (double)lua_tonumber(L, idx));
	else
		return -1;
	return 0;
}

static json_t *
table_to_json(lua_State *L, int idx, int empty_array, int depth, char *err,
    size_t errlen)
{
	json_t     *out, *v;
	lua_Integer max = 0, count = 0;
	int         strings = 0, others = 0;
	char        buf[64];

	if (depth > SCRIPT_MAX_DEPTH)
		return refuse(err, errlen,
		    "cannot encode tables nested more than %d deep (does a "
		    "table contain itself?)",
		    SCRIPT_MAX_DEPTH);
	if (!lua_checkstack(L, 4))
		return refuse(err, errlen, "cannot encode: out of Lua stack");
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > 0) {
			if (lua_tointeger(L, -2) > max)
				max = lua_tointeger(L, -2);
		} else if (lua_type(L, -2) == LUA_TSTRING)
			strings = 1;
		else
			others = 1;
		count++;
		lua_pop(L, 1);
	}
	if (!strings && !others && (count > 0 || empty_array)) {
		if (max > 2 * count + 16)
			return refuse(err, errlen,
			    "cannot encode an array with more holes than "
			    "values");
		out = json_array();
		for (lua_Integer i = 1; i <= max; i++) {
			lua_rawgeti(L, idx, i);
			v = to_json(L, lua_gettop(L), 0, depth + 1, err,
			    errlen);
			lua_pop(L, 1);
			if (v == NULL || json_array_append_new(out, v) == -1) {
				json_decref(out);
				return NULL;
			}
		}
		return out;
	}
	out = json_object();
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		const char *key;
		size_t      keylen;

		if (lua_type(L, -2) == LUA_TSTRING)
			key = lua_tolstring(L, -2, &keylen);
		else if (key_text(L, -2, buf, sizeof(buf)) == 0) {
			key = buf;
			keylen = strlen(buf);
		} else {
			const char *type = luaL_typename(L, -2);

			lua_pop(L, 2);
			json_decref(out);
			return refuse(err, errlen,
			    "cannot encode a table with a %s key", type);
		}
		v = to_json(L, lua_gettop(L), 0, depth + 1, err, errlen);
		if (v == NULL) {
			lua_pop(L, 2);
			json_decref(out);
			return NULL;
		}
		if (json_object_setn_new(out, key, keylen, v) == -1) {
			lua_pop(L, 2);
			json_decref(out);
			return refuse(err, errlen,
			    "cannot encode a key that is not UTF-8");
		}
		lua_pop(L, 1);
	}
	return out;
}

static json_t *
to_json(lua_State *L, int idx, int empty_array, int depth, char *err,
    size_t errlen)
{
	const char *s;
	size_t      len;
	double      d;
	json_t     *v;

	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return json_null();
	case LUA_TBOOLEAN:
		return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx))
			return json_integer(lua_tointeger(L, idx));
		d = lua_tonumber(L, idx);
		if (!isfinite(d))
			return refuse(err, errlen,
			    "cannot encode NaN or an infinite number");
		return json_real(d);
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if ((v = json_stringn(s, len)) == NULL)
			return refuse(err, errlen,
			    "cannot encode text that is not UTF-8");
		return v;
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == NULL)
			return json_null(); /* rollin.null */
		break;
	case LUA_TTABLE:
		return table_to_json(L, lua_absindex(L, idx), empty_array,
		    depth, err, errlen);
	default:
		break;
	}
	return refuse(err, errlen, "cannot encode a %s value",
	    luaL_typename(L, idx));
}

json_t *
script_to_json(lua_State *L, int idx, int empty_array, char *err, size_t errlen)
{
	return to_json(L, lua_absindex(L, idx), empty_array, 0, err, errlen);
}

static void
push_json(lua_State *L, json_t *v, int null_as_nil, int depth)
{
	const char *key;
	size_t      i, keylen;
	json_t     *item;

	if (depth > SCRIPT_MAX_DEPTH)
		luaL_error(L, "JSON nested more than %d deep",
		    SCRIPT_MAX_DEPTH);
	luaL_checkstack(L, 4, "JSON nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(v));
		json_object_keylen_foreach(v, key, keylen, item)
		{
			if (json_is_null(item) && null_as_nil)
				continue;
			lua_pushlstring(L, key, keylen);
			push_json(L, item, null_as_nil, depth + 1);
			lua_rawset(L, -3);
		}
		break;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, item)
		{
			push_json(L, item, null_as_nil, depth + 1);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		break;
	case JSON_TRUE:
		lua_pushboolean(L, 1);
		break;
	case JSON_FALSE:
		lua_pushboolean(L, 0);
		break;
	case JSON_NULL:
		if (null_as_nil)
			lua_pushnil(L);
		else
			lua_pushlightuserdata(L, NULL);
		break;
	}
}

void
script_push_json(lua_State *L, json_t *v, int null_as_nil)
{
	push_json(L, v, null_as_nil, 0);
}

static void
release_json(void *v)
{
	json_decref(v);
}

/*
 * rollin.json_encode(value) -> text | nil, message. Keys are sorted, so
 * the same table always gives the same text (signatures depend on it);
 * numbers keep 15 significant digits, so 0.1 stays 0.1.
 */
int
script_json_encode(lua_State *L)
{
	struct script_box *b;
	json_t            *v;
	char               err[256];

	luaL_checkany(L, 1);
	b = script_box(L, free);
	if ((v = script_to_json(L, 1, 0, err, sizeof(err))) == NULL) {
		lua_pushnil(L);
		lua_pushstring(L, err);
		return 2;
	}
	b->ptr = json_dumps(v,
	    JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS |
	        JSON_REAL_PRECISION(15));
	json_decref(v);
	if (b->ptr == NULL) {
		lua_pushnil(L);
		lua_pushliteral(L, "cannot encode the value");
		return 2;
	}
	lua_pushstring(L, b->ptr);
	script_box_release(b);
	return 1;
}

/*
 * rollin.json_decode(text) -> value | nil, message. JSON null becomes
 * rollin.null, so arrays keep their positions.
 */
int
script_json_decode(lua_State *L)
{
	struct script_box *b;
	json_error_t       jerr;
	size_t             len;
	const char        *text = luaL_checklstring(L, 1, &len);

	b = script_box(L, release_json);
	b->ptr = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (b->ptr == NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "line %d, column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		return 2;
	}
	script_push_json(L, b->ptr, 0);
	script_box_release(b);
	return 1;
}
