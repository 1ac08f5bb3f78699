/*
 * The deliveries as the API shows them: lists and single rows, the
 * status per subscriber, and an admin sending a dead letter back. Reads
 * the store only (and asks the running engine what is in flight), so the
 * API needs no engine of its own.
 */
#include <stdio.h>
#include <string.h>

#include "events/delivery.h"
#include "events/delivery_internal.h"
#include "store/db.h"
#include "util/log.h"

#define ITEM_COLUMNS                                                          \
	"SELECT d.id, d.subscriber, d.event_id, e.type, e.subject, d.state, " \
	"d.attempts, d.next_attempt_at, d.last_error, d.created_at, "         \
	"d.updated_at FROM deliveries d LEFT JOIN events e ON e.id = "        \
	"d.event_id "

static json_t *
item_of(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:I, s:s?, s:s?, s:s, s:i, s:s?, s:s?, "
	                 "s:s, s:s}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0), "subscriber",
	    db_column_text(st, 1), "event_id",
	    (json_int_t)sqlite3_column_int64(st, 2), "event_type",
	    db_column_text(st, 3), "subject", db_column_text(st, 4), "state",
	    db_column_text(st, 5), "attempts", sqlite3_column_int(st, 6),
	    "next_attempt_at", db_column_text(st, 7), "last_error",
	    db_column_text(st, 8), "created_at", db_column_text(st, 9),
	    "updated_at", db_column_text(st, 10));
}

json_t *
delivery_list(struct db *db, const char *subscriber, const char *state,
    int64_t after, int limit)
{
	/* One text per combination of filters, so each can use an index. */
	static const char *const sql[4] = {
		ITEM_COLUMNS "WHERE d.id > ?1 ORDER BY d.id LIMIT ?4",
		ITEM_COLUMNS "WHERE d.id > ?1 AND d.subscriber = ?2 "
		             "ORDER BY d.id LIMIT ?4",
		ITEM_COLUMNS "WHERE d.id > ?1 AND d.state = ?3 "
		             "ORDER BY d.id LIMIT ?4",
		ITEM_COLUMNS "WHERE d.id > ?1 AND d.subscriber = ?2 AND "
		             "d.state = ?3 ORDER BY d.id LIMIT ?4",
	};
	sqlite3_stmt *st;
	json_t       *items;
	int           rc;

	if ((st = db_prepare(db,
	         sql[(subscriber ? 1 : 0) | (state ? 2 : 0)])) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, after);
	if (subscriber)
		db_bind_text(st, 2, subscriber);
	if (state)
		db_bind_text(st, 3, state);
	sqlite3_bind_int(st, 4, limit);
	items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(items, item_of(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}

json_t *
delivery_get(struct db *db, int64_t id)
{
	sqlite3_stmt *st;
	json_t       *item = NULL;

	if ((st = db_prepare(db, ITEM_COLUMNS "WHERE d.id = ?")) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		item = item_of(st);
	sqlite3_reset(st);
	return item;
}

/*
 * In a transaction: 0 if delivery id is a dead letter; else rolls back
 * and fails (404 none, 409 not dead) saying what could not be done.
 */
static int
begin_on_dead_letter(struct db *db, int64_t id, const char *done,
    struct rl_error *err)
{
	sqlite3_stmt *st;
	char          state[16] = "";
	int           rc;

	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if ((st = db_prepare(db,
	         "SELECT state FROM deliveries WHERE id = ?")) == NULL) {
		db_rollback(db);
		return rl_fail(err, 500, "store", NULL, "the store failed");
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(state, sizeof(state), "%s", db_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && strcmp(state, "dead") == 0)
		return 0;
	db_rollback(db);
	if (rc == SQLITE_DONE)
		return rl_fail(err, 404, "not_found", NULL,
		    "there is no delivery %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return rl_fail(err, 500, "store", NULL, "the store failed");
	return rl_fail(err, 409, "not_dead", "state",
	    "delivery %lld is %s; only dead letters can be %s", (long long)id,
	    state, done);
}

/* Runs st (bound) and commits; -1 with err if either failed. */
static int
step_and_commit(struct db *db, sqlite3_stmt *st, struct rl_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_rollback(db);
		return rl_fail(err, 500, "store", NULL, "the store failed");
	}
	if (db_commit(db) == -1)
		return rl_fail(err, 500, "store", NULL, "the store failed");
	return 0;
}

int
delivery_retry(struct db *db, int64_t id, struct rl_error *err)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];

	if (begin_on_dead_letter(db, id, "retried", err) == -1)
		return -1;
	if ((st = db_prepare(db,
	         "UPDATE deliveries SET state = 'retrying', "
	         "attempts = 0, next_attempt_at = ?1, "
	         "updated_at = ?1 WHERE id = ?2")) == NULL) {
		db_rollback(db);
		return rl_fail(err, 500, "store", NULL, "the store failed");
	}
	delivery_format_ms(delivery_now_ms(), now);
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	if (step_and_commit(db, st, err) == -1)
		return -1;
	log_info("delivery %lld sent back for another try", (long long)id);
	delivery_wake();
	return 0;
}

int
delivery_discard(struct db *db, int64_t id, const char *actor,
    struct rl_error *err)
{
	sqlite3_stmt *st;

	if (begin_on_dead_letter(db, id, "discarded", err) == -1)
		return -1;
	if ((st = db_prepare(db, "DELETE FROM deliveries WHERE id = ?")) ==
	    NULL) {
		db_rollback(db);
		return rl_fail(err, 500, "store", NULL, "the store failed");
	}
	sqlite3_bind_int64(st, 1, id);
	if (step_and_commit(db, st, err) == -1)
		return -1;
	log_info("dead letter %lld discarded by %s", (long long)id, actor);
	return 0;
}

/* Events after cursor that a subscriber with these patterns wants. */
static int64_t
count_wanted(struct db *db, int64_t cursor, const char *patterns)
{
	sqlite3_stmt *st;
	int64_t       n = 0;
	int           rc;

	if ((st = db_prepare(db, "SELECT type FROM events WHERE id > ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, cursor);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n += delivery_type_matches(patterns, db_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

json_t *
delivery_status(struct db *db, json_t *plugins)
{
	struct delivery_policy policy;
	sqlite3_stmt          *st, *counts;
	json_t                *items, *item;
	int64_t                last, in_flight, wanted;
	char                   why[256];
	int                    rc, running_now;

	if ((last = delivery_last_event_id(db)) < 0 ||
	    (st = db_prepare(db,
	         "SELECT subscriber, last_event_id FROM "
	         "delivery_cursors ORDER BY subscriber")) == NULL)
		return NULL;
	items = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = db_column_text(st, 0);
		int64_t     cursor = sqlite3_column_int64(st, 1);

		if (delivery_policy_parse(&policy, name,
		        json_object_get(plugins, name), why, sizeof(why)) == -1)
			policy.event_types[0] = '\0';
		running_now = delivery_subscriber_running(name, &in_flight);
		item = json_pack("{s:s, s:b, s:o, s:I, s:I}", "subscriber",
		    name, "running", running_now, "in_flight",
		    in_flight > 0 ? json_integer(in_flight) : json_null(),
		    "cursor", (json_int_t)cursor, "last_event_id",
		    (json_int_t)last);
		counts = db_prepare(db,
		    "SELECT count(*) FILTER (WHERE state = 'retrying'), "
		    "count(*) FILTER (WHERE state = 'dead'), "
		    "count(*) FILTER (WHERE state = 'delivered'), "
		    "count(*) FILTER (WHERE state = 'retrying' AND "
		    "event_id <= ?2) FROM deliveries WHERE subscriber = ?1");
		wanted = count_wanted(db, cursor, policy.event_types);
		if (counts == NULL || wanted < 0) {
			json_decref(item);
			sqlite3_reset(st);
			json_decref(items);
			return NULL;
		}
		db_bind_text(counts, 1, name);
		sqlite3_bind_int64(counts, 2, cursor);
		if (sqlite3_step(counts) == SQLITE_ROW) {
			json_object_set_new(item, "pending",
			    json_integer(
			        wanted + sqlite3_column_int64(counts, 3)));
			json_object_set_new(item, "retrying",
			    json_integer(sqlite3_column_int64(counts, 0)));
			json_object_set_new(item, "dead",
			    json_integer(sqlite3_column_int64(counts, 1)));
			json_object_set_new(item, "delivered",
			    json_integer(sqlite3_column_int64(counts, 2)));
		}
		sqlite3_reset(counts);
		json_array_append_new(items, item);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(items);
		return NULL;
	}
	return items;
}
