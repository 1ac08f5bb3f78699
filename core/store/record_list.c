/*
 * Lists of records: filters on declared fields, sorting on declared
 * columns, and keyset pagination. The cursor is the last row's sort value
 * and id, base64url-encoded JSON, so a page is found by an index seek and
 * rows written meanwhile neither repeat nor vanish. Names (F_COLLATE) sort
 * in German dictionary order by their stored sort key, and a cursor's
 * name is compared by its key, as ORDER BY orders.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/record.h"
#include "store/record_sql.h"
#include "util/german.h"
#include "util/strbuf.h"

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT     500
#define MAX_BINDS          (LIST_MAX_FILTERS + 4)

struct bind {
	enum { B_TEXT, B_INT } type;
	const char *text;
	int64_t     num;
	json_t     *own; /* keeps text alive */
};

static char *
cursor_encode(json_t *value, int64_t id)
{
	json_t *c =
	    json_pack("[O, I]", value ? value : json_null(), (json_int_t)id);
	char  *raw = json_dumps(c, JSON_COMPACT), *out;
	size_t len = strlen(raw);
	size_t olen = sodium_base64_ENCODED_LEN(len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);

	out = malloc(olen);
	sodium_bin2base64(out, olen, (const unsigned char *)raw, len,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(raw);
	json_decref(c);
	return out;
}

/*
 * Binds the sort key of the name that a cursor carries; -1 if it carries
 * none. The cursor carries the name rather than its key: a key may be
 * forty times as long as its name, and the name is made into the key
 * that the rows were stored with, by the same collator.
 */
static int
bind_key(sqlite3_stmt *st, int idx, json_t *v)
{
	unsigned char *key;
	size_t         len;

	if (!json_is_string(v) ||
	    german_sort_key(json_string_value(v), (int)json_string_length(v),
	        &key, &len) == -1)
		return -1;
	sqlite3_bind_blob64(st, idx, key, len, free);
	return 0;
}

static json_t *
cursor_decode(const char *s)
{
	size_t         cap = strlen(s) * 3 / 4 + 4, len;
	unsigned char *raw = malloc(cap);
	json_t        *c;

	/* Sort values are at most a few hundred characters; so are cursors. */
	if (raw == NULL || strlen(s) > 8192 ||
	    sodium_base642bin(raw, cap, s, strlen(s), NULL, &len, NULL,
	        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		free(raw);
		return NULL;
	}
	c = json_loadb((const char *)raw, len, 0, NULL);
	free(raw);
	if (!json_is_array(c) || json_array_size(c) != 2 ||
	    !json_is_integer(json_array_get(c, 1)) ||
	    !(json_is_string(json_array_get(c, 0)) ||
	        json_is_integer(json_array_get(c, 0)))) {
		json_decref(c);
		return NULL;
	}
	return c;
}

static int
add_bind_text(struct bind *b, int *n, const char *text)
{
	if (*n >= MAX_BINDS)
		return -1;
	b[*n].type = B_TEXT;
	b[*n].text = text;
	b[*n].own = NULL;
	(*n)++;
	return 0;
}

static int
field_filter(const struct resource *res, const char *name, const char *value,
    struct strbuf *where, struct bind *binds, int *nb, struct rl_error *err)
{
	const struct field *f;
	int                 i;

	for (i = 0, f = res->fields; f->name; f++, i++)
		if (strcmp(f->name, name) == 0 && (f->flags & F_FILTER))
			break;
	if (f->name == NULL)
		return 1;
	switch (f->type) {
	case FT_REF:
		if (strcmp(field_ref_key(f), "id") == 0)
			strbuf_addf(where, " AND t.%s_id = ?", f->name);
		else
			strbuf_addf(where, " AND r%d.%s = ?", i,
			    field_ref_key(f));
		break;
	case FT_TAGS:
		strbuf_addf(where,
		    " AND EXISTS (SELECT 1 FROM json_each(t.%s) "
		    "WHERE value = ?)",
		    f->name);
		break;
	case FT_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
			return rl_fail(err, 400, "invalid_parameter", name,
			    "%s must be true or false", name);
		strbuf_addf(where, " AND t.%s = %d", f->name,
		    strcmp(value, "true") == 0);
		return 0;
	default:
		strbuf_addf(where, " AND t.%s = ?", f->name);
		break;
	}
	return add_bind_text(binds, nb, value) == -1
	    ? rl_fail(err, 400, "invalid_parameter", name, "too many filters")
	    : 0;
}

static int
extra_filter(const struct list_filter *extra, const char *name,
    const char *value, struct strbuf *where, struct bind *binds, int *nb,
    struct rl_error *err)
{
	const struct list_filter *x;
	char                     *end;
	long long                 n = 0;

	for (x = extra; x && x->param; x++)
		if (strcmp(x->param, name) == 0)
			break;
	if (x == NULL || x->param == NULL)
		return 1;
	strbuf_addf(where, " AND %s", x->sql);
	if (*nb >= MAX_BINDS)
		return rl_fail(err, 400, "invalid_parameter", name,
		    "too many filters");
	switch (x->type) {
	case LF_TEXT:
		return add_bind_text(binds, nb, value);
	case LF_BOOL:
		if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
			return rl_fail(err, 400, "invalid_parameter", name,
			    "%s must be true or false", name);
		n = strcmp(value, "true") == 0;
		break;
	case LF_INT:
		n = strtoll(value, &end, 10);
		if (*end != '\0' || end == value)
			return rl_fail(err, 400, "invalid_parameter", name,
			    "%s must be a whole number", name);
		break;
	}
	binds[*nb].type = B_INT;
	binds[*nb].num = n;
	binds[*nb].own = NULL;
	(*nb)++;
	return 0;
}

/*
 * The SQL expression to sort by, if name may be sorted on; -1 if not.
 * *collated tells whether it is a German sort key.
 */
static int
sort_column(const struct resource *res, const char *name, char *expr,
    size_t len, int *collated)
{
	static const char *const meta[] = { "created_at", "updated_at", NULL };

	*collated = 0;
	if (strcmp(name, "id") == 0) {
		snprintf(expr, len, "t.id");
		return 0;
	}
	for (size_t i = 0; meta[i]; i++)
		if (strcmp(meta[i], name) == 0) {
			snprintf(expr, len, "t.%s", name);
			return 0;
		}
	for (const struct field *f = res->fields; f->name; f++)
		if (strcmp(f->name, name) == 0 && (f->flags & F_SORT) &&
		    f->type != FT_REF) {
			*collated = (f->flags & F_COLLATE) != 0;
			snprintf(expr, len, *collated ? "t.%s_key" : "t.%s",
			    name);
			return 0;
		}
	return -1;
}

int
record_list(struct db *db, const struct resource *res, int64_t parent_id,
    const struct list_params *lp, const struct list_filter *extra,
    const struct principal *who, json_t **items, char **next,
    struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	struct strbuf         sql = { 0 };
	struct bind           binds[MAX_BINDS];
	struct record         r;
	const char           *sort = lp->sort ? lp->sort : res->default_sort;
	json_t               *cur = NULL, *last_value = NULL;
	sqlite3_stmt         *st;
	char                  expr[96];
	int                   nb = 0, desc = 0, limit, rc, count = 0, collated;
	int64_t               last_id = 0;

	*items = NULL;
	*next = NULL;
	limit = lp->limit ? lp->limit : LIST_DEFAULT_LIMIT;
	if (limit < 1 || limit > LIST_MAX_LIMIT)
		return rl_fail(err, 400, "invalid_parameter", "limit",
		    "limit "
		    "must be from 1 to %d",
		    LIST_MAX_LIMIT);
	if (sort == NULL)
		sort = res->key;
	if (*sort == '-') {
		desc = 1;
		sort++;
	}
	/* A cursor carries the last sort value: never of hidden data. */
	if ((who == NULL || who->role == ROLE_NONE) &&
	    resource_field(res, sort) != NULL &&
	    (resource_field(res, sort)->flags & F_PRIVATE))
		return rl_fail(err, 400, "invalid_parameter", "sort",
		    "sign in to sort %s by %s", res->plural, sort);
	if (sort_column(res, sort, expr, sizeof(expr), &collated) == -1)
		return rl_fail(err, 400, "invalid_parameter", "sort",
		    "cannot "
		    "sort %s by '%s'",
		    res->plural, sort);

	strbuf_addf(&sql, "%s WHERE 1 = 1", q->from);
	if (res->parent)
		strbuf_addf(&sql, " AND t.%s = %lld", q->pcol,
		    (long long)parent_id);
	if (res->visible_field && (who == NULL || who->role == ROLE_NONE))
		strbuf_addf(&sql, " AND t.%s = 1", res->visible_field);
	for (int i = 0; i < lp->nfilters; i++) {
		rc = field_filter(res, lp->filters[i].name,
		    lp->filters[i].value, &sql, binds, &nb, err);
		if (rc == 1)
			rc = extra_filter(extra, lp->filters[i].name,
			    lp->filters[i].value, &sql, binds, &nb, err);
		if (rc == 1)
			rc = rl_fail(err, 400, "invalid_parameter",
			    lp->filters[i].name,
			    "%s cannot be filtered by "
			    "'%s'",
			    res->plural, lp->filters[i].name);
		if (rc == -1)
			goto fail;
	}
	if (lp->cursor) {
		if ((cur = cursor_decode(lp->cursor)) == NULL) {
			rl_fail(err, 400, "invalid_parameter", "cursor",
			    "the "
			    "cursor is not one this service handed out");
			goto fail;
		}
		strbuf_addf(&sql,
		    " AND (%s %c ?%d OR (%s = ?%d AND t.id %c "
		    "?%d))",
		    expr, desc ? '<' : '>', nb + 1, expr, nb + 1,
		    desc ? '<' : '>', nb + 2);
	}
	strbuf_addf(&sql, " ORDER BY %s %s, t.id %s LIMIT %d", expr,
	    desc ? "DESC" : "ASC", desc ? "DESC" : "ASC", limit + 1);

	if ((st = db_prepare(db, sql.s)) == NULL) {
		rl_fail(err, 500, "store", NULL, "listing %s failed",
		    res->plural);
		goto fail;
	}
	for (int i = 0; i < nb; i++) {
		if (binds[i].type == B_TEXT)
			db_bind_text(st, i + 1, binds[i].text);
		else
			sqlite3_bind_int64(st, i + 1, binds[i].num);
	}
	if (cur) {
		json_t *v = json_array_get(cur, 0);
		if (collated) {
			if (bind_key(st, nb + 1, v) == -1) {
				sqlite3_reset(st);
				rl_fail(err, 400, "invalid_parameter", "cursor",
				    "the cursor is not one this service "
				    "handed out");
				goto fail;
			}
		} else if (json_is_integer(v))
			sqlite3_bind_int64(st, nb + 1, json_integer_value(v));
		else
			db_bind_text(st, nb + 1, json_string_value(v));
		sqlite3_bind_int64(st, nb + 2,
		    json_integer_value(json_array_get(cur, 1)));
	}
	*items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == limit) {
			*next = cursor_encode(last_value, last_id);
			break;
		}
		memset(&r, 0, sizeof(r));
		row_to_record(db, q, st, &r);
		json_decref(last_value);
		if (strcmp(sort, "id") == 0)
			last_value = json_integer(r.id);
		else
			last_value = json_incref(json_object_get(r.doc, sort));
		last_id = r.id;
		json_array_append_new(*items, record_show(db, res, &r, who));
		record_clear(&r);
		count++;
	}
	sqlite3_reset(st);
	json_decref(last_value);
	json_decref(cur);
	strbuf_free(&sql);
	return 0;
fail:
	json_decref(cur);
	strbuf_free(&sql);
	return -1;
}
