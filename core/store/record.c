#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/validate.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/record.h"
#include "store/record_sql.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"

enum {
	COL_ID,
	COL_REV,
	COL_CREATED,
	COL_UPDATED,
	COL_BY,
	COL_PARENT,
	COL_PARENT_ID,
	COL_FIRST
};

static struct res_sql sqls[32]; /* one per resource */
static size_t         nsqls;

static void
column_name(const struct field *f, char *out, size_t len)
{
	snprintf(out, len, f->type == FT_REF ? "%s_id" : "%s", f->name);
}

static int
ref_by_id(const struct field *f)
{
	return strcmp(field_ref_key(f), "id") == 0;
}

const struct res_sql *
sql_for(const struct resource *res)
{
	struct strbuf sel = { 0 }, joins = { 0 }, ins = { 0 }, vals = { 0 },
	              upd = { 0 };
	struct res_sql     *q;
	const struct field *f;
	char                col[80];
	int                 n = COL_FIRST, i;

	for (size_t k = 0; k < nsqls; k++)
		if (sqls[k].res == res)
			return &sqls[k];
	if (nsqls == sizeof(sqls) / sizeof(sqls[0]))
		fatalx("sql_for: too many resources");
	q = &sqls[nsqls++];
	q->res = res;
	strbuf_add(&sel,
	    "SELECT t.id, t.rev, t.created_at, t.updated_at, "
	    "t.updated_by, ");
	if (res->parent) {
		snprintf(q->pcol, sizeof(q->pcol), "%s_id", res->parent->name);
		strbuf_addf(&sel, "p.%s, t.%s", res->parent->key, q->pcol);
		strbuf_addf(&joins, " JOIN %s p ON p.id = t.%s",
		    res->parent->table, q->pcol);
	} else
		strbuf_add(&sel, "NULL, NULL");
	strbuf_addf(&ins, "INSERT INTO %s (", res->table);
	strbuf_addf(&upd, "UPDATE %s SET ", res->table);
	if (res->parent) {
		strbuf_addf(&ins, "%s, ", q->pcol);
		strbuf_add(&vals, "?, ");
	}
	for (i = 0, f = res->fields; f->name; f++, i++) {
		if (i == MAX_FIELDS)
			fatalx("sql_for: %s has too many fields", res->name);
		column_name(f, col, sizeof(col));
		if (f->type == FT_REF && !ref_by_id(f)) {
			strbuf_addf(&sel, ", r%d.%s", i, field_ref_key(f));
			strbuf_addf(&joins,
			    " LEFT JOIN %s r%d ON r%d.id = t.%s", f->ref->table,
			    i, i, col);
			q->col[i] = n++;
			strbuf_addf(&sel, ", t.%s", col);
			q->idcol[i] = n++;
		} else {
			strbuf_addf(&sel, ", t.%s", col);
			q->col[i] = q->idcol[i] = n++;
		}
		strbuf_addf(&ins, "%s, ", col);
		strbuf_add(&vals, "?, ");
		strbuf_addf(&upd, "%s = ?, ", col);
	}
	/*
	 * A collated field's sort key is made from the value bound for the
	 * field itself (?N), in the same statement: no write can change the
	 * text and leave its key behind.
	 */
	for (i = 0, f = res->fields; f->name; f++, i++)
		if (f->flags & F_COLLATE) {
			strbuf_addf(&ins, "%s_key, ", f->name);
			strbuf_addf(&vals, "rollin_sort_key(?%d), ",
			    (res->parent ? 2 : 1) + i);
			strbuf_addf(&upd, "%s_key = rollin_sort_key(?%d), ",
			    f->name, 1 + i);
		}
	q->nfields = i;
	q->extra_col = n;
	for (const char *const *e = res->extra_columns; e && *e; e++)
		strbuf_addf(&sel, ", t.%s", *e);
	q->parent_col = res->parent ? COL_PARENT : -1;
	strbuf_addf(&sel, " FROM %s t%s", res->table, joins.s ? joins.s : "");
	strbuf_free(&joins);
	q->from = strbuf_take(&sel);

	strbuf_addf(&sel, "%s WHERE t.%s = ?", q->from, res->key);
	if (res->parent)
		strbuf_addf(&sel, " AND t.%s = ?", q->pcol);
	q->by_key = strbuf_take(&sel);
	strbuf_addf(&sel, "%s WHERE t.id = ?", q->from);
	q->by_id = strbuf_take(&sel);

	strbuf_addf(&ins,
	    "rev, created_at, updated_at, updated_by) VALUES "
	    "(%s1, ?, ?, ?)",
	    vals.s ? vals.s : "");
	strbuf_free(&vals);
	q->insert = strbuf_take(&ins);
	if (res->flags & R_RENDERED)
		strbuf_add(&upd, "rendered = ?, ");
	strbuf_add(&upd,
	    "rev = rev + 1, updated_at = ?, updated_by = ? "
	    "WHERE id = ? AND rev = ?");
	q->update = strbuf_take(&upd);
	strbuf_addf(&sel, "DELETE FROM %s WHERE id = ? AND rev = ?",
	    res->table);
	q->delete = strbuf_take(&sel);
	return q;
}

void
record_clear(struct record *r)
{
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}

static json_t *
column_json(sqlite3_stmt *st, int col, enum field_type type)
{
	const char *text;
	json_t     *v;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	switch (type) {
	case FT_BOOL:
		return json_boolean(sqlite3_column_int(st, col));
	case FT_INT:
		return json_integer(sqlite3_column_int64(st, col));
	case FT_NUMBER:
		return json_real(sqlite3_column_double(st, col));
	case FT_TAGS:
	case FT_OBJECTS:
		text = db_column_text(st, col);
		v = json_loads(text, JSON_DECODE_ANY, NULL);
		return v ? v : json_array();
	default:
		return json_string(db_column_text(st, col));
	}
}

/*
 * The solution a record belongs to, for events and subscriptions: the
 * solution itself, its parent solution, a "solution" reference, or the
 * parent's solution (a roll-in's steps belong to the roll-in's solution).
 */
static int64_t
find_solution(struct db *db, const struct resource *res, struct record *r,
    const int64_t *ref_ids)
{
	const struct field *f;
	sqlite3_stmt       *st;
	char                sql[128];
	int64_t             id = 0;
	int                 i;

	if (res == &res_solution)
		return r->id;
	if (res->parent == &res_solution)
		return r->parent_id;
	for (i = 0, f = res->fields; f->name; f++, i++)
		if (f->type == FT_REF && f->ref == &res_solution)
			return ref_ids[i];
	/* Through a reference to a record of a solution (an adoption). */
	for (i = 0, f = res->fields; f->name; f++, i++)
		if (f->type == FT_REF && f->ref->parent == &res_solution &&
		    ref_ids[i] > 0) {
			snprintf(sql, sizeof(sql),
			    "SELECT solution_id FROM %s WHERE id = ?",
			    f->ref->table);
			if ((st = db_prepare(db, sql)) == NULL)
				return 0;
			sqlite3_bind_int64(st, 1, ref_ids[i]);
			if (sqlite3_step(st) == SQLITE_ROW)
				id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			return id;
		}
	if (res->parent == NULL)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT solution_id FROM %s WHERE id = ?",
	    res->parent->table);
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, r->parent_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* Which organisation controls the record, per access rule. */
static void
find_orgs(struct db *db, const struct resource *res, struct record *r,
    const int64_t *ref_ids)
{
	const struct field *f;
	sqlite3_stmt       *st;
	int                 i;

	for (int k = 0; k < 2; k++) {
		const struct access_rule *rule = &res->write[k];
		r->org_ids[k] = 0;
		if (rule->roles == 0)
			continue;
		switch (rule->via) {
		case ORG_SELF:
			r->org_ids[k] = r->id;
			break;
		case ORG_FIELD:
			for (i = 0, f = res->fields; f->name; f++, i++)
				if (strcmp(f->name, rule->field) == 0)
					r->org_ids[k] = ref_ids[i];
			break;
		case ORG_PARENT_SQL:
		case ORG_REF_SQL:
			if ((st = db_prepare(db, rule->sql)) == NULL)
				break;
			if (rule->via == ORG_PARENT_SQL)
				sqlite3_bind_int64(st, 1, r->parent_id);
			else
				for (i = 0, f = res->fields; f->name; f++, i++)
					if (strcmp(f->name, rule->field) == 0)
						sqlite3_bind_int64(st, 1,
						    ref_ids[i]);
			if (sqlite3_step(st) == SQLITE_ROW)
				r->org_ids[k] = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			break;
		}
	}
}

void
row_to_record(struct db *db, const struct res_sql *q, sqlite3_stmt *st,
    struct record *r)
{
	const struct resource *res = q->res;
	const struct field    *f;
	int64_t                ref_ids[MAX_FIELDS] = { 0 };
	json_t                *doc = json_object(), *v;
	int                    i, n;

	r->id = sqlite3_column_int64(st, COL_ID);
	r->rev = sqlite3_column_int64(st, COL_REV);
	json_object_set_new(doc, "id", json_integer(r->id));
	for (i = 0, f = res->fields; f->name; f++, i++) {
		if ((v = column_json(st, q->col[i],
		         f->type == FT_REF && ref_by_id(f) ? FT_INT : f->type)))
			json_object_set_new(doc, f->name, v);
		if (f->type == FT_REF)
			ref_ids[i] = sqlite3_column_int64(st, q->idcol[i]);
	}
	n = q->extra_col;
	for (const char *const *e = res->extra_columns; e && *e; e++, n++)
		if ((v = column_json(st, n, FT_STRING)))
			json_object_set_new(doc, *e, v);
	if (res->parent) {
		json_object_set_new(doc, res->parent->name,
		    strcmp(res->parent->key, "id") == 0
		        ? json_integer(sqlite3_column_int64(st, COL_PARENT))
		        : json_string(db_column_text(st, COL_PARENT)));
		r->parent_id = sqlite3_column_int64(st, COL_PARENT_ID);
	}
	json_object_set_new(doc, "rev", json_integer(r->rev));
	json_object_set_new(doc, "created_at",
	    json_string(db_column_text(st, COL_CREATED)));
	json_object_set_new(doc, "updated_at",
	    json_string(db_column_text(st, COL_UPDATED)));
	json_object_set_new(doc, "updated_by",
	    json_string(db_column_text(st, COL_BY)));
	r->doc = doc;
	r->solution_id = find_solution(db, res, r, ref_ids);
	find_orgs(db, res, r, ref_ids);
}

/*
 * A field's value as the store gives it back: what bind_fields() stores
 * for v, read back by column_json(). NULL where the column stays NULL.
 */
static json_t *
stored_value(const struct field *f, json_t *v, int64_t ref_id)
{
	if (v == NULL || json_is_null(v)) {
		if (f->type == FT_TAGS || f->type == FT_OBJECTS)
			return json_array();
		if (f->type == FT_BOOL)
			return json_false();
		if (f->flags & F_ZERO)
			return f->type == FT_NUMBER ? json_real(0)
			                            : json_integer(0);
		return NULL;
	}
	switch (f->type) {
	case FT_BOOL:
		return json_boolean(json_is_true(v));
	case FT_INT:
		return json_integer(json_integer_value(v));
	case FT_NUMBER:
		return json_real(json_number_value(v));
	case FT_TAGS:
	case FT_OBJECTS:
		return json_deep_copy(v);
	case FT_REF:
		if (ref_by_id(f))
			return json_integer(ref_id);
		return json_string(json_string_value(v));
	default:
		return json_string(json_string_value(v));
	}
}

/*
 * The record that record_update() has just stored, from the document it
 * stored: what row_to_record() would read back (the same members in the
 * same order), without reading and parsing the row again. Columns that
 * the UPDATE leaves alone (the resource's extra columns, the parent) come
 * from before.
 */
static void
record_as_stored(struct db *db, const struct resource *res,
    const struct record *before, json_t *doc, int64_t *ref_ids,
    const int64_t org_ids[2], const char *now, const char *actor,
    struct record *out)
{
	const struct field *f;
	json_t             *r = json_object(), *v;
	int                 i;

	memset(out, 0, sizeof(*out));
	out->id = before->id;
	out->rev = before->rev + 1;
	out->parent_id = before->parent_id;
	json_object_set_new(r, "id", json_integer(out->id));
	for (i = 0, f = res->fields; f->name; f++, i++)
		if ((v = stored_value(f, json_object_get(doc, f->name),
		         ref_ids[i])) != NULL)
			json_object_set_new(r, f->name, v);
	for (const char *const *e = res->extra_columns; e && *e; e++)
		if ((v = json_object_get(before->doc, *e)) != NULL)
			json_object_set_new(r, *e, json_deep_copy(v));
	if (res->parent &&
	    (v = json_object_get(before->doc, res->parent->name)) != NULL)
		json_object_set_new(r, res->parent->name, json_deep_copy(v));
	json_object_set_new(r, "rev", json_integer(out->rev));
	json_object_set(r, "created_at",
	    json_object_get(before->doc, "created_at"));
	json_object_set_new(r, "updated_at", json_string(now));
	json_object_set_new(r, "updated_by", json_string(actor));
	out->doc = r;
	out->solution_id = find_solution(db, res, out, ref_ids);
	out->org_ids[0] = org_ids[0];
	out->org_ids[1] = org_ids[1];
}

static int
fetch(struct db *db, const struct res_sql *q, sqlite3_stmt *st,
    struct record *out, struct rl_error *err, const char *key)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		row_to_record(db, q, st, out);
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rl_fail(err, 500, "store", NULL, "reading %s failed: %s",
		    q->res->name, sqlite3_errmsg(db_handle(db)));
	return rl_fail(err, 404, "not_found", NULL, "there is no %s/%s",
	    q->res->plural, key);
}

int
record_get(struct db *db, const struct resource *res, int64_t parent_id,
    const char *key, struct record *out, struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	sqlite3_stmt         *st = db_prepare(db, q->by_key);
	char                 *end;
	long long             id;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	if (strcmp(res->key, "id") == 0) {
		id = strtoll(key, &end, 10);
		if (*end != '\0' || end == key || id < 1)
			return rl_fail(err, 404, "not_found", NULL,
			    "there is no %s/%s", res->plural, key);
		sqlite3_bind_int64(st, 1, id);
	} else
		db_bind_text(st, 1, key);
	if (res->parent)
		sqlite3_bind_int64(st, 2, parent_id);
	return fetch(db, q, st, out, err, key);
}

int
record_get_by_id(struct db *db, const struct resource *res, int64_t id,
    struct record *out, struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	sqlite3_stmt         *st = db_prepare(db, q->by_id);
	char                  key[32];

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_int64(st, 1, id);
	snprintf(key, sizeof(key), "%lld", (long long)id);
	return fetch(db, q, st, out, err, key);
}

static int store_rendered(struct db *, const struct resource *,
    const struct record *, struct rl_error *);

int
record_rerender(struct db *db, const struct resource *res, int64_t id)
{
	struct record   r;
	struct rl_error err;
	int             rc;

	if (!(res->flags & R_RENDERED))
		return 0;
	if (record_get_by_id(db, res, id, &r, &err) == -1)
		return -1;
	rc = store_rendered(db, res, &r, &err);
	record_clear(&r);
	return rc;
}

/* The record as shown, less what changes with time alone. */
static json_t *
show_stable(struct db *db, const struct resource *res, const struct record *r,
    const struct principal *who)
{
	json_t *out = json_deep_copy(r->doc);

	if (who == NULL || who->role == ROLE_NONE)
		for (const struct field *f = res->fields; f->name; f++)
			if (f->flags & F_PRIVATE)
				json_object_del(out, f->name);
	if (res->hooks.decorate)
		res->hooks.decorate(db, r, out);
	return out;
}

json_t *
record_show(struct db *db, const struct resource *res, const struct record *r,
    const struct principal *who)
{
	json_t *out = show_stable(db, res, r, who);

	if (res->hooks.live)
		res->hooks.live(r, out);
	return out;
}

/* The public rendering of a record, as text (to be freed). */
static char *
rendering(struct db *db, const struct resource *res, const struct record *r)
{
	json_t *doc = show_stable(db, res, r, NULL);
	char   *text = json_dumps(doc, JSON_COMPACT);

	json_decref(doc);
	return text;
}

/*
 * Stores the public rendering of a record that reads serve as they are
 * (R_RENDERED), inside the write's transaction.
 */
static int
store_rendered(struct db *db, const struct resource *res,
    const struct record *r, struct rl_error *err)
{
	sqlite3_stmt *st;
	char          sql[128];
	int           rc;

	if (!(res->flags & R_RENDERED))
		return 0;
	snprintf(sql, sizeof(sql), "UPDATE %s SET rendered = ? WHERE id = ?",
	    res->table);
	if ((st = db_prepare(db, sql)) == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_text(st, 1, rendering(db, res, r), -1, free);
	sqlite3_bind_int64(st, 2, r->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return 0;
}

int64_t
record_solution_id(const struct resource *res, const struct record *r)
{
	(void)res;
	return r->solution_id;
}

/* A key as it appears in a path: slugs as they are, ids as digits. */
static void
key_text(json_t *key, char *out, size_t len)
{
	if (json_is_integer(key))
		snprintf(out, len, "%lld", (long long)json_integer_value(key));
	else
		snprintf(out, len, "%s", json_string_value(key));
}

void
record_subject(struct db *db, const struct resource *res,
    const struct record *r, char *out, size_t len)
{
	char k[96], p[96];

	(void)db;
	key_text(json_object_get(r->doc, res->key), k, sizeof(k));
	if (res->parent) {
		key_text(json_object_get(r->doc, res->parent->name), p,
		    sizeof(p));
		snprintf(out, len, "%s/%s/%s/%s", res->parent->plural, p,
		    res->plural, k);
	} else
		snprintf(out, len, "%s/%s", res->plural, k);
}

int64_t
record_resolve(struct db *db, const struct resource *target,
    const char *keyname, json_t *key, int64_t parent_id)
{
	sqlite3_stmt *st;
	char          sql[256];
	int64_t       id = 0;
	int           scoped = target->parent != NULL && parent_id > 0;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?%s%s%s",
	    target->table, keyname, scoped ? " AND " : "",
	    scoped ? target->parent->name : "", scoped ? "_id = ?" : "");
	if ((st = db_prepare(db, sql)) == NULL)
		return 0;
	if (json_is_integer(key))
		sqlite3_bind_int64(st, 1, json_integer_value(key));
	else
		db_bind_text(st, 1, json_string_value(key));
	if (scoped)
		sqlite3_bind_int64(st, 2, parent_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* Turns every FT_REF value of doc into a row id; 422 naming the field. */
static int
resolve_refs(struct db *db, const struct resource *res, json_t *doc,
    int64_t parent_id, int64_t *ref_ids, struct rl_error *err)
{
	const struct field *f;
	json_t             *v;
	int                 i, scoped;

	for (i = 0, f = res->fields; f->name; f++, i++) {
		ref_ids[i] = 0;
		if (f->type != FT_REF)
			continue;
		if ((v = json_object_get(doc, f->name)) == NULL ||
		    json_is_null(v))
			continue;
		/* A key like a cycle's name is unique only within the
		 * parent that both records share. */
		scoped =
		    f->ref->parent != NULL && f->ref->parent == res->parent;
		ref_ids[i] = record_resolve(db, f->ref, field_ref_key(f), v,
		    scoped ? parent_id : 0);
		if (ref_ids[i] == 0) {
			if (json_is_integer(v))
				return rl_fail(err, 422, "unknown_reference",
				    f->name,
				    "%s: there is no %s with id %lld%s",
				    f->name, f->ref->name,
				    (long long)json_integer_value(v),
				    scoped ? " in this solution" : "");
			return rl_fail(err, 422, "unknown_reference", f->name,
			    "%s: there is no %s '%s'%s", f->name, f->ref->name,
			    json_string_value(v),
			    scoped ? " in this solution" : "");
		}
	}
	return 0;
}

static int
check_access(const struct resource *res, const struct principal *who,
    const struct record *r, int creating, struct rl_error *err)
{
	if (who == NULL || who->role == ROLE_NONE)
		return rl_fail(err, 401, "unauthenticated", NULL,
		    "sign in: "
		    "writing needs a token (Authorization: Bearer ...)");
	if (who->role == ROLE_ADMIN)
		return 0;
	if (creating && (res->flags & R_ADMIN_CREATE))
		return rl_fail(err, 403, "forbidden", NULL,
		    "only an admin may create %s", res->plural);
	for (int k = 0; k < 2; k++)
		if (res->write[k].roles &&
		    access_may_write(who, res->write[k].roles, r->org_ids[k]))
			return 0;
	return rl_fail(err, 403, "forbidden", NULL,
	    "a token with role %s for "
	    "organisation '%s' may not change this %s",
	    role_name(who->role), who->org_slug, res->name);
}

static int
bind_fields(sqlite3_stmt *st, int idx, const struct resource *res, json_t *doc,
    const int64_t *ref_ids)
{
	const struct field *f;
	json_t             *v;
	int                 i;

	for (i = 0, f = res->fields; f->name; f++, i++, idx++) {
		v = json_object_get(doc, f->name);
		if (v == NULL || json_is_null(v)) {
			if (f->type == FT_TAGS || f->type == FT_OBJECTS)
				sqlite3_bind_text(st, idx, "[]", -1,
				    SQLITE_STATIC);
			else if (f->type == FT_BOOL || (f->flags & F_ZERO))
				sqlite3_bind_int(st, idx, 0);
			else
				sqlite3_bind_null(st, idx);
			continue;
		}
		switch (f->type) {
		case FT_BOOL:
			sqlite3_bind_int(st, idx, json_is_true(v));
			break;
		case FT_INT:
			sqlite3_bind_int64(st, idx, json_integer_value(v));
			break;
		case FT_NUMBER:
			sqlite3_bind_double(st, idx, json_number_value(v));
			break;
		case FT_TAGS:
		case FT_OBJECTS:
			sqlite3_bind_text(st, idx, json_dumps(v, JSON_COMPACT),
			    -1, free);
			break;
		case FT_REF:
			sqlite3_bind_int64(st, idx, ref_ids[i]);
			break;
		default:
			db_bind_text(st, idx, json_string_value(v));
			break;
		}
	}
	return idx;
}

/* Maps a failed write's SQLite error to what the client did wrong. */
static int
constraint_error(struct db *db, const struct resource *res, int rc,
    struct rl_error *err)
{
	const char *msg = sqlite3_errmsg(db_handle(db)), *col;
	char        field[64];
	size_t      n;

	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
		/* "UNIQUE constraint failed: cycles.solution_id, cycles.name";
		 * a reference column names its field without "_id". */
		col = strrchr(msg, '.');
		snprintf(field, sizeof(field), "%s", col ? col + 1 : "");
		n = strlen(field);
		if (n > 3 && strcmp(field + n - 3, "_id") == 0) {
			field[n - 3] = '\0';
			if (resource_field(res, field) == NULL)
				field[n - 3] = '_';
		}
		return rl_fail(err, 409, "duplicate", field,
		    "another %s already has this %s", res->name, field);
	}
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return rl_fail(err, 409, "in_use", NULL,
		    "this %s is still "
		    "referenced by other records",
		    res->name);
	return rl_fail(err, 500, "store", NULL, "writing %s failed: %s",
	    res->name, msg);
}

/* A change anywhere in a solution's records counts as a sign of life. */
static void
touch_solution(struct db *db, const struct resource *res, int64_t solution_id)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN];

	if (solution_id <= 0 || res == &res_solution ||
	    (st = db_prepare(db,
	         "UPDATE solutions SET touched_at = ? "
	         "WHERE id = ?")) == NULL)
		return;
	clock_format_ts(clock_now(), now);
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, solution_id);
	sqlite3_step(st);
	sqlite3_reset(st);
}

/*
 * Personal data is deletable on request: when a record with private fields
 * is deleted, its fields are removed from the payloads of its earlier
 * events and left out of the deletion event (payload is that event's).
 */
static int
forget_personal_data(struct db *db, const struct resource *res,
    const char *subject, json_t *payload)
{
	sqlite3_stmt *st;
	char          path[128];
	int           rc = 0;

	for (const struct field *f = res->fields; f->name; f++) {
		if (!(f->flags & F_PRIVATE))
			continue;
		json_object_del(json_object_get(payload, res->name), f->name);
		snprintf(path, sizeof(path), "$.%s.%s", res->name, f->name);
		st = db_prepare(db,
		    "UPDATE events SET payload = "
		    "json_remove(payload, ?) WHERE subject = ?");
		if (st == NULL)
			return -1;
		db_bind_text(st, 1, path);
		db_bind_text(st, 2, subject);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
	}
	return rc;
}

static int
emit(struct db *db, const struct resource *res, const struct record *r,
    const char *what, json_t *changed, const char *actor)
{
	char    type[64], subject[256];
	json_t *payload = json_pack("{s:O}", res->name, r->doc);
	int64_t id;

	if (changed != NULL)
		json_object_set(payload, "changed", changed);
	snprintf(type, sizeof(type), "%s.%s", res->name, what);
	record_subject(db, res, r, subject, sizeof(subject));
	if (strcmp(what, "deleted") == 0 &&
	    forget_personal_data(db, res, subject, payload) == -1) {
		json_decref(payload);
		return -1;
	}
	id = outbox_append(db, type, subject, actor, r->solution_id, payload);
	json_decref(payload);
	return id > 0 ? 0 : -1;
}

static const char *
actor_of(const struct principal *who)
{
	return who && who->actor[0] ? who->actor : "system";
}

int
record_create(struct db *db, const struct resource *res, int64_t parent_id,
    json_t *body, const struct principal *who, struct record *out,
    struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	int64_t               ref_ids[MAX_FIELDS];
	struct record         draft = { 0 };
	sqlite3_stmt         *st;
	char                  now[CLOCK_TS_LEN];
	int                   idx, rc;

	memset(out, 0, sizeof(*out));
	if (validate_fields(res->fields, body, 1, NULL, err) == -1)
		return -1;
	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if (resolve_refs(db, res, body, parent_id, ref_ids, err) == -1)
		goto fail;
	draft.parent_id = parent_id;
	draft.doc = body;
	find_orgs(db, res, &draft, ref_ids);
	if (check_access(res, who, &draft, 1, err) == -1)
		goto fail;
	if (res->hooks.check && res->hooks.check(db, NULL, body, err) == -1)
		goto fail;
	if ((st = db_prepare(db, q->insert)) == NULL) {
		rl_fail(err, 500, "store", NULL, "store unavailable");
		goto fail;
	}
	idx = 1;
	if (res->parent)
		sqlite3_bind_int64(st, idx++, parent_id);
	idx = bind_fields(st, idx, res, body, ref_ids);
	clock_format_ts(clock_now(), now);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, actor_of(who));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		constraint_error(db, res, rc, err);
		goto fail;
	}
	if (record_get_by_id(db, res, sqlite3_last_insert_rowid(db_handle(db)),
	        out, err) == -1)
		goto fail;
	if (res->hooks.after_write &&
	    res->hooks.after_write(db, NULL, out, actor_of(who), err) == -1)
		goto fail;
	if (store_rendered(db, res, out, err) == -1)
		goto fail;
	touch_solution(db, res, out->solution_id);
	if (emit(db, res, out, "created", NULL, actor_of(who)) == -1 ||
	    db_commit(db) == -1) {
		rl_fail(err, 500, "store", NULL, "committing failed");
		goto fail;
	}
	return 0;
fail:
	db_rollback(db);
	record_clear(out);
	return -1;
}

#ifdef RECORD_VERIFY
/* Development check: what the UPDATE stored is what is shown after it. */
static void
verify_rendered(struct db *db, const struct resource *res,
    const struct record *r)
{
	sqlite3_stmt *st;
	char          sql[128], *now;

	if (!(res->flags & R_RENDERED))
		return;
	snprintf(sql, sizeof(sql), "SELECT rendered FROM %s WHERE id = ?",
	    res->table);
	st = db_prepare(db, sql);
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) != SQLITE_ROW)
		fatalx("verify_rendered: no row");
	now = rendering(db, res, r);
	if (strcmp(now, db_column_text(st, 0)) != 0)
		fatalx("verify_rendered: %s differs:\n%s\n%s", res->name,
		    db_column_text(st, 0), now);
	sqlite3_reset(st);
	free(now);
}

/* Development check: the document built from the write is the row. */
static void
verify_stored(struct db *db, const struct resource *res,
    const struct record *built)
{
	struct record   read;
	struct rl_error err;
	char           *a, *b;

	if (record_get_by_id(db, res, built->id, &read, &err) == -1)
		fatalx("verify_stored: %s", err.message);
	a = json_dumps(built->doc, JSON_COMPACT);
	b = json_dumps(read.doc, JSON_COMPACT);
	if (strcmp(a, b) != 0 || built->rev != read.rev ||
	    built->parent_id != read.parent_id ||
	    built->solution_id != read.solution_id ||
	    built->org_ids[0] != read.org_ids[0] ||
	    built->org_ids[1] != read.org_ids[1])
		fatalx("verify_stored: %s differs:\n%s\n%s", res->name, a, b);
	free(a);
	free(b);
	record_clear(&read);
}
#endif

/* The writable fields of a stored document, as a client would send them. */
static json_t *
writable_copy(const struct resource *res, json_t *doc)
{
	json_t *out = json_object(), *v;

	for (const struct field *f = res->fields; f->name; f++)
		if ((v = json_object_get(doc, f->name)) != NULL)
			json_object_set(out, f->name, v);
	return out;
}

int
record_update(struct db *db, const struct resource *res, int64_t parent_id,
    const char *key, json_t *patch, int64_t if_match,
    const struct principal *who, struct record *out, struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	int64_t               ref_ids[MAX_FIELDS];
	struct record         before = { 0 }, draft = { 0 };
	json_t               *merged = NULL, *changed = NULL, *v, *old;
	const char           *name;
	sqlite3_stmt         *st;
	char                  now[CLOCK_TS_LEN];
	int                   idx, rc;

	memset(out, 0, sizeof(*out));
	if (validate_fields(res->fields, patch, 0, NULL, err) == -1)
		return -1;
	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if (record_get(db, res, parent_id, key, &before, err) == -1)
		goto fail;
	if (check_access(res, who, &before, 0, err) == -1)
		goto fail;
	if (if_match != before.rev) {
		rl_fail(err, 412, "stale", NULL,
		    "the %s was changed meanwhile "
		    "(now at revision %lld, you sent If-Match for %lld); "
		    "reload it and apply your change again",
		    res->name, (long long)before.rev, (long long)if_match);
		goto fail;
	}
	merged = writable_copy(res, before.doc);
	changed = json_array();
	json_object_foreach(patch, name, v)
	{
		const struct field *f = resource_field(res, name);
		old = json_object_get(merged, name);
		if (json_equal(old, v) || (old == NULL && json_is_null(v)))
			continue;
		if (f->flags & F_IMMUTABLE) {
			rl_fail(err, 422, "immutable", name,
			    "%s cannot be "
			    "changed once set",
			    name);
			goto fail;
		}
		json_array_append_new(changed, json_string(name));
		if (json_is_null(v))
			json_object_del(merged, name);
		else
			json_object_set(merged, name, v);
	}
	if (json_array_size(changed) == 0) {
		/* Nothing to do: answer with the record as it is. */
		db_rollback(db);
		*out = before;
		json_decref(merged);
		json_decref(changed);
		return 0;
	}
	if (validate_fields(res->fields, merged, 1, NULL, err) == -1 ||
	    resolve_refs(db, res, merged, parent_id, ref_ids, err) == -1)
		goto fail;
	draft.id = before.id;
	draft.parent_id = before.parent_id;
	draft.doc = merged;
	find_orgs(db, res, &draft, ref_ids);
	if (check_access(res, who, &draft, 0, err) == -1)
		goto fail;
	if (res->hooks.check &&
	    res->hooks.check(db, &before, merged, err) == -1)
		goto fail;
	if ((st = db_prepare(db, q->update)) == NULL) {
		rl_fail(err, 500, "store", NULL, "store unavailable");
		goto fail;
	}
	clock_format_ts(clock_now(), now);
	record_as_stored(db, res, &before, merged, ref_ids, draft.org_ids, now,
	    actor_of(who), out);
	idx = bind_fields(st, 1, res, merged, ref_ids);
	/*
	 * The rendering goes into the same UPDATE: writing the 10 KB row a
	 * second time was a sixth of a solution's PATCH. Nothing it shows
	 * depends on what the after_write hook changes.
	 */
	if (res->flags & R_RENDERED)
		sqlite3_bind_text(st, idx++, rendering(db, res, out), -1, free);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, actor_of(who));
	sqlite3_bind_int64(st, idx++, before.id);
	sqlite3_bind_int64(st, idx++, before.rev);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		constraint_error(db, res, rc, err);
		goto fail;
	}
	if (sqlite3_changes(db_handle(db)) != 1) {
		rl_fail(err, 412, "stale", NULL,
		    "the %s was changed meanwhile; "
		    "reload it and apply your change again",
		    res->name);
		goto fail;
	}
#ifdef RECORD_VERIFY
	verify_stored(db, res, out);
#endif
	if (res->hooks.after_write &&
	    res->hooks.after_write(db, &before, out, actor_of(who), err) == -1)
		goto fail;
#ifdef RECORD_VERIFY
	verify_rendered(db, res, out);
#endif
	touch_solution(db, res, before.solution_id);
	if (emit(db, res, out, "updated", changed, actor_of(who)) == -1 ||
	    db_commit(db) == -1) {
		rl_fail(err, 500, "store", NULL, "committing failed");
		goto fail;
	}
	record_clear(&before);
	json_decref(merged);
	json_decref(changed);
	return 0;
fail:
	db_rollback(db);
	record_clear(&before);
	record_clear(out);
	json_decref(merged);
	json_decref(changed);
	return -1;
}

int
record_delete(struct db *db, const struct resource *res, int64_t parent_id,
    const char *key, int64_t if_match, const struct principal *who,
    struct rl_error *err)
{
	const struct res_sql *q = sql_for(res);
	struct record         before = { 0 };
	sqlite3_stmt         *st;
	int                   rc;

	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if (record_get(db, res, parent_id, key, &before, err) == -1 ||
	    check_access(res, who, &before, 0, err) == -1)
		goto fail;
	if (if_match != 0 && if_match != before.rev) {
		rl_fail(err, 412, "stale", NULL,
		    "the %s was changed meanwhile "
		    "(now at revision %lld)",
		    res->name, (long long)before.rev);
		goto fail;
	}
	if ((st = db_prepare(db, q->delete)) == NULL) {
		rl_fail(err, 500, "store", NULL, "store unavailable");
		goto fail;
	}
	sqlite3_bind_int64(st, 1, before.id);
	sqlite3_bind_int64(st, 2, before.rev);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		constraint_error(db, res, rc, err);
		goto fail;
	}
	if (res->hooks.after_write &&
	    res->hooks.after_write(db, &before, NULL, actor_of(who), err) == -1)
		goto fail;
	touch_solution(db, res, before.solution_id);
	if (emit(db, res, &before, "deleted", NULL, actor_of(who)) == -1 ||
	    db_commit(db) == -1) {
		rl_fail(err, 500, "store", NULL, "committing failed");
		goto fail;
	}
	record_clear(&before);
	return 0;
fail:
	db_rollback(db);
	record_clear(&before);
	return -1;
}
