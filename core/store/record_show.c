/*
 * A record as clients see it: private fields left out for anonymous
 * readers, the resource's decoration and what changes with time alone;
 * the stored rendering that reads of R_RENDERED resources serve as it
 * is; and a record's subject, the path events and the API name it by.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/record.h"
#include "store/record_internal.h"

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
char *
record_rendering(struct db *db, const struct resource *res,
    const struct record *r)
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
int
record_store_rendered(struct db *db, const struct resource *res,
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
	sqlite3_bind_text(st, 1, record_rendering(db, res, r), -1, free);
	sqlite3_bind_int64(st, 2, r->id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return 0;
}

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
	rc = record_store_rendered(db, res, &r, &err);
	record_clear(&r);
	return rc;
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
