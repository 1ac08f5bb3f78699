/*
 * From a client's document to a row: references resolved to row ids,
 * the writer's access checked against the organisations that control the
 * record, values bound to a statement as their columns store them, and a
 * failed write's constraint told as what the client did wrong.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/record.h"
#include "store/record_internal.h"

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
int
record_resolve_refs(struct db *db, const struct resource *res, json_t *doc,
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

int
record_check_access(const struct resource *res, const struct principal *who,
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

int
record_bind_fields(sqlite3_stmt *st, int idx, const struct resource *res,
    json_t *doc, const int64_t *ref_ids)
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
int
record_constraint_error(struct db *db, const struct resource *res, int rc,
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
