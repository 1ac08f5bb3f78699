/*
 * Imports started over the API, as the service keeps them: one row per
 * import with its counts and its rejected records (a JSON array).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/imports.h"

#define IMPORT_COLUMNS                                                    \
	"SELECT i.id, i.plugin, i.source, i.actor, i.role, o.slug, "      \
	"i.started_at, i.finished_at, i.imported, i.updated, i.rejected " \
	"FROM imports i LEFT JOIN organisations o ON o.id = "             \
	"i.organisation_id "

int64_t
imports_add(struct db *db, const struct import_entry *e)
{
	sqlite3_stmt *st = db_prepare(db,
	    "INSERT INTO imports (plugin, source, actor, role, "
	    "organisation_id, started_at, finished_at, imported, updated, "
	    "rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	json_t       *rejected = json_object_get(e->summary, "rejected");
	char         *text;
	int           rc;

	if (st == NULL)
		return 0;
	text = rejected ? json_dumps(rejected, JSON_COMPACT) : NULL;
	db_bind_text(st, 1, e->plugin);
	db_bind_text(st, 2, e->source);
	db_bind_text(st, 3, e->who->actor[0] ? e->who->actor : "system");
	db_bind_text(st, 4, role_name(e->who->role));
	if (e->who->org_id > 0)
		sqlite3_bind_int64(st, 5, e->who->org_id);
	else
		sqlite3_bind_null(st, 5);
	db_bind_text(st, 6, e->started_at);
	db_bind_text(st, 7, e->finished_at);
	sqlite3_bind_int64(st, 8,
	    json_integer_value(json_object_get(e->summary, "imported")));
	sqlite3_bind_int64(st, 9,
	    json_integer_value(json_object_get(e->summary, "updated")));
	db_bind_text(st, 10, text ? text : "[]");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	free(text);
	return rc == SQLITE_DONE ? sqlite3_last_insert_rowid(db_handle(db)) : 0;
}

/* The number that ends s at *end (exclusive), or -1; *end moves before it. */
static long
number_before(const char *s, const char **end)
{
	const char *p = *end;
	long        n = 0, scale = 1;

	while (p > s && isdigit((unsigned char)p[-1]) && scale < 100000000) {
		p--;
		n += (p[0] - '0') * scale;
		scale *= 10;
	}
	if (p == *end)
		return -1;
	*end = p;
	return n;
}

/*
 * Where an importer says a record is: "file:line:column" (publiccode) or
 * "Zeile N" / "line N" (csv-import). The position, as numbers, lets a
 * client point at the record without knowing each importer's wording.
 */
static void
position(json_t *item)
{
	const char *where = json_string_value(json_object_get(item, "where"));
	const char *end;
	long        a, b;

	if (where == NULL || *where == '\0')
		return;
	end = where + strlen(where);
	if ((b = number_before(where, &end)) < 0)
		return;
	if (end > where && end[-1] == ':') {
		end--;
		if ((a = number_before(where, &end)) >= 0 && end > where &&
		    end[-1] == ':') {
			json_object_set_new(item, "line", json_integer(a));
			json_object_set_new(item, "column", json_integer(b));
		}
		return;
	}
	if ((end - where == 6 && strncmp(where, "Zeile ", 6) == 0) ||
	    (end - where == 5 && strncmp(where, "line ", 5) == 0))
		json_object_set_new(item, "line", json_integer(b));
}

static json_t *
row(sqlite3_stmt *st, int with_rejected)
{
	json_t *rejected, *item, *out;
	size_t  i;

	rejected = json_loads(db_column_text(st, 10), 0, NULL);
	if (!json_is_array(rejected)) {
		json_decref(rejected);
		rejected = json_array();
	}
	out = json_pack("{s:I, s:s, s:s, s:{s:s, s:s, s:s?}, s:s, s:s, "
	                "s:{s:I, s:I, s:I}}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0), "plugin",
	    db_column_text(st, 1), "source", db_column_text(st, 2), "by",
	    "actor", db_column_text(st, 3), "role", db_column_text(st, 4),
	    "organisation",
	    sqlite3_column_type(st, 5) == SQLITE_NULL ? NULL
	                                              : db_column_text(st, 5),
	    "started_at", db_column_text(st, 6), "finished_at",
	    db_column_text(st, 7), "counts", "imported",
	    (json_int_t)sqlite3_column_int64(st, 8), "updated",
	    (json_int_t)sqlite3_column_int64(st, 9), "rejected",
	    (json_int_t)json_array_size(rejected));
	if (out != NULL && with_rejected) {
		json_array_foreach(rejected, i, item)
		{
			position(item);
		}
		json_object_set(out, "rejected", rejected);
	}
	json_decref(rejected);
	return out;
}

json_t *
imports_get(struct db *db, int64_t id, int64_t org_id)
{
	sqlite3_stmt *st = db_prepare(db,
	    IMPORT_COLUMNS "WHERE i.id = ?1 AND (?2 = 0 OR "
	                   "i.organisation_id = ?2)");
	json_t       *out = NULL;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, org_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = row(st, 1);
	sqlite3_reset(st);
	return out;
}

json_t *
imports_list(struct db *db, int64_t org_id, int64_t before, int limit,
    int *more)
{
	sqlite3_stmt *st = db_prepare(db,
	    IMPORT_COLUMNS "WHERE (?1 = 0 OR i.organisation_id = ?1) AND "
	                   "(?2 = 0 OR i.id < ?2) ORDER BY i.id DESC LIMIT ?3");
	json_t       *items = json_array();
	int           n = 0;

	*more = 0;
	if (st == NULL)
		return items;
	sqlite3_bind_int64(st, 1, org_id);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int(st, 3, limit + 1);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		json_array_append_new(items, row(st, 0));
	}
	sqlite3_reset(st);
	return items;
}
