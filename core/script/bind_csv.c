/*
 * rollin.csv_parse(text [, { separator = ";", header = true }])
 *	-> rows [, header] | nil, message, line
 *
 * CSV through libcsv in strict mode: rows are arrays of strings; with
 * header = true the first row is returned on its own as the second value.
 * A UTF-8 byte order mark (spreadsheets write one) is skipped. Without a
 * separator, the first line decides between ",", ";" and tab: German
 * spreadsheets write ";". Malformed input is reported with its line.
 */
#include <csv.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "script/state.h"

struct csv_ctx {
	lua_State  *L;
	int         rows;   /* stack index of the rows table */
	int         header; /* stack index of the header slot, or 0 */
	lua_Integer nrows, nfields;
	int         in_row;   /* a row table is on top of the stack */
	long        line;     /* line being parsed */
	long        row_line; /* line the current row began on */
};

static void
csv_release(void *p)
{
	csv_free(p);
	free(p);
}

static void
on_field(void *field, size_t len, void *data)
{
	struct csv_ctx *c = data;

	if (!c->in_row) {
		lua_createtable(c->L, 8, 0);
		c->in_row = 1;
	}
	lua_pushlstring(c->L, field ? field : "", len);
	lua_rawseti(c->L, -2, ++c->nfields);
}

static void
on_row(int term, void *data)
{
	struct csv_ctx *c = data;

	(void)term;
	if (!c->in_row)
		lua_createtable(c->L, 0, 0);
	if (c->header != 0 && c->nrows == 0 && lua_isnil(c->L, c->header)) {
		lua_replace(c->L, c->header);
	} else
		lua_rawseti(c->L, c->rows, ++c->nrows);
	c->in_row = 0;
	c->nfields = 0;
	c->row_line = c->line + 1;
}

/* The separator of the first line: whichever of , ; tab is most common. */
static unsigned char
guess_separator(const char *text, size_t len)
{
	size_t n[3] = { 0, 0, 0 };
	int    quoted = 0;

	for (size_t i = 0; i < len && (quoted || text[i] != '\n'); i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (!quoted && text[i] == ',')
			n[0]++;
		else if (!quoted && text[i] == ';')
			n[1]++;
		else if (!quoted && text[i] == '\t')
			n[2]++;
	}
	if (n[1] > n[0] && n[1] >= n[2])
		return ';';
	if (n[2] > n[0] && n[2] > n[1])
		return '\t';
	return ',';
}

static int
malformed(lua_State *L, long line, const char *what)
{
	lua_pushnil(L);
	lua_pushfstring(L, "line %d: %s", (int)line, what);
	lua_pushinteger(L, line);
	return 3;
}

int
script_csv_parse(lua_State *L)
{
	struct script_box *b;
	struct csv_parser *p;
	struct csv_ctx     c;
	size_t             len, off = 0, n;
	const char        *text = luaL_checklstring(L, 1, &len), *nl, *sep;
	unsigned char      delim;
	int                header = 0;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_getfield(L, 2, "header");
		header = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	delim = guess_separator(text, len);
	if (!lua_isnoneornil(L, 2)) {
		lua_getfield(L, 2, "separator");
		if (!lua_isnil(L, -1)) {
			sep = lua_tolstring(L, -1, &n);
			if (sep == NULL || n != 1)
				return luaL_error(L,
				    "rollin.csv_parse: the "
				    "separator must be one "
				    "character");
			delim = (unsigned char)sep[0];
		}
		lua_pop(L, 1);
	}
	lua_settop(L, 1);
	b = script_box(L, csv_release);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return luaL_error(L, "rollin.csv_parse: out of memory");
	b->ptr = p;
	if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return luaL_error(L, "rollin.csv_parse: out of memory");
	csv_set_delim(p, delim);

	memset(&c, 0, sizeof(c));
	c.L = L;
	lua_newtable(L);
	c.rows = lua_gettop(L);
	if (header) {
		lua_pushnil(L);
		c.header = lua_gettop(L);
	}
	c.line = c.row_line = 1;
	/* Line by line, so that an error knows its line. */
	while (off < len) {
		nl = memchr(text + off, '\n', len - off);
		n = nl ? (size_t)(nl - (text + off)) + 1 : len - off;
		if (csv_parse(p, text + off, n, on_field, on_row, &c) != n) {
			if (csv_error(p) == CSV_EPARSE)
				return malformed(L, c.line,
				    "a quote inside an unquoted field, or "
				    "text after a closing quote");
			return luaL_error(L, "rollin.csv_parse: %s",
			    csv_strerror(csv_error(p)));
		}
		off += n;
		if (nl != NULL)
			c.line++;
	}
	if (csv_fini(p, on_field, on_row, &c) != 0)
		return malformed(L, c.row_line, "a quoted field is not closed");
	script_box_release(b);
	lua_settop(L, header ? c.header : c.rows);
	return header ? 2 : 1;
}
