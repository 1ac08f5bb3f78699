/*
 * Create, update and delete, each in one transaction: validation, access,
 * optimistic locking by revision, the resource's hooks, the stored
 * rendering, and the event in the outbox, which commits or rolls back
 * with the row. Deleting a record also forgets its personal data in the
 * events written before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/validate.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/record.h"
#include "store/record_internal.h"
#include "store/record_sql.h"
#include "util/clock.h"
#include "util/log.h"

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
	if (record_resolve_refs(db, res, body, parent_id, ref_ids, err) == -1)
		goto fail;
	draft.parent_id = parent_id;
	draft.doc = body;
	record_find_orgs(db, res, &draft, ref_ids);
	if (record_check_access(res, who, &draft, 1, err) == -1)
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
	idx = record_bind_fields(st, idx, res, body, ref_ids);
	clock_format_ts(clock_now(), now);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, actor_of(who));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		record_constraint_error(db, res, rc, err);
		goto fail;
	}
	if (record_get_by_id(db, res, sqlite3_last_insert_rowid(db_handle(db)),
	        out, err) == -1)
		goto fail;
	if (res->hooks.after_write &&
	    res->hooks.after_write(db, NULL, out, actor_of(who), err) == -1)
		goto fail;
	if (record_store_rendered(db, res, out, err) == -1)
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
	now = record_rendering(db, res, r);
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
	if (record_check_access(res, who, &before, 0, err) == -1)
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
	    record_resolve_refs(db, res, merged, parent_id, ref_ids, err) == -1)
		goto fail;
	draft.id = before.id;
	draft.parent_id = before.parent_id;
	draft.doc = merged;
	record_find_orgs(db, res, &draft, ref_ids);
	if (record_check_access(res, who, &draft, 0, err) == -1)
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
	idx = record_bind_fields(st, 1, res, merged, ref_ids);
	/*
	 * The rendering goes into the same UPDATE: writing the 10 KB row a
	 * second time was a sixth of a solution's PATCH. Nothing it shows
	 * depends on what the after_write hook changes.
	 */
	if (res->flags & R_RENDERED)
		sqlite3_bind_text(st, idx++, record_rendering(db, res, out), -1,
		    free);
	db_bind_text(st, idx++, now);
	db_bind_text(st, idx++, actor_of(who));
	sqlite3_bind_int64(st, idx++, before.id);
	sqlite3_bind_int64(st, idx++, before.rev);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		record_constraint_error(db, res, rc, err);
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
	    record_check_access(res, who, &before, 0, err) == -1)
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
		record_constraint_error(db, res, rc, err);
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
