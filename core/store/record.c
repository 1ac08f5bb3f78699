/*
 * Reading records: a row of a resource's SELECT into a struct record (its
 * document, parent, solution and controlling organisations), lookups by
 * key and by id, and the record an UPDATE has just stored, built from
 * the write instead of read back. What is shown of a record to clients
 * is record_show.c; the writes are record_write.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/record.h"
#include "store/record_internal.h"
#include "store/record_sql.h"

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
void
record_find_orgs(struct db *db, const struct resource *res, struct record *r,
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
		         f->type == FT_REF && record_ref_by_id(f) ? FT_INT
		                                                  : f->type)))
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
	record_find_orgs(db, res, r, ref_ids);
}

/*
 * A field's value as the store gives it back: what record_bind_fields() stores
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
		if (record_ref_by_id(f))
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
void
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

int64_t
record_solution_id(const struct resource *res, const struct record *r)
{
	(void)res;
	return r->solution_id;
}
