#include <stdlib.h>

#include "events/outbox.h"
#include "store/db.h"
#include "util/clock.h"
#include "util/log.h"

int64_t
outbox_append(struct db *db, const char *type, const char *subject,
    const char *actor, int64_t solution_id, json_t *payload)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN], *text;
	int           rc;

	st = db_prepare(db,
	    "INSERT INTO events (time, type, subject, actor, "
	    "solution_id, payload) VALUES (?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		return -1;
	if ((text = json_dumps(payload, JSON_COMPACT)) == NULL)
		return -1;
	clock_format_ts(clock_now(), now);
	db_bind_text(st, 1, now);
	db_bind_text(st, 2, type);
	db_bind_text(st, 3, subject);
	db_bind_text(st, 4, actor);
	if (solution_id > 0)
		sqlite3_bind_int64(st, 5, solution_id);
	sqlite3_bind_text(st, 6, text, -1, free);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("outbox_append: %s", sqlite3_errmsg(db_handle(db)));
		return -1;
	}
	return sqlite3_last_insert_rowid(db_handle(db));
}

json_t *
outbox_list(struct db *db, int64_t after, int limit)
{
	sqlite3_stmt *st;
	json_t       *items, *payload;

	st = db_prepare(db,
	    "SELECT e.id, e.time, e.type, e.subject, e.actor, "
	    "s.slug, e.payload FROM events e LEFT JOIN solutions s ON "
	    "s.id = e.solution_id WHERE e.id > ? ORDER BY e.id LIMIT ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	items = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		payload = json_loads(db_column_text(st, 6), 0, NULL);
		json_array_append_new(items,
		    json_pack("{s:I, s:s, s:s, s:s, "
		              "s:s, s:s?, s:o}",
		        "id", sqlite3_column_int64(st, 0), "time",
		        db_column_text(st, 1), "type", db_column_text(st, 2),
		        "subject", db_column_text(st, 3), "actor",
		        db_column_text(st, 4), "solution",
		        db_column_text(st, 5), "payload",
		        payload ? payload : json_null()));
	}
	sqlite3_reset(st);
	return items;
}
