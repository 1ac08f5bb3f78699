/*
 * The engine's bookkeeping in the store: each subscriber's cursor over the
 * event log (delivery_cursors) and a row per event it has started on
 * (deliveries). It answers what is due for a subscriber now and records
 * an attempt's outcome, moving the cursor in the same transaction, so a
 * restart goes on where the last recorded outcome left off.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events/delivery.h"
#include "events/delivery_internal.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "util/log.h"

#define SCAN_BATCH 256 /* events read per step over the log */
#define SCAN_STEPS 8   /* steps per subscriber and poll */

/* ---- time ----------------------------------------------------------------- */

int64_t
delivery_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
delivery_format_ms(int64_t ms, char out[DELIVERY_TS_LEN])
{
	time_t    t = (time_t)(ms / 1000);
	struct tm tm;
	char      secs[32];

	gmtime_r(&t, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, DELIVERY_TS_LEN, "%.19s.%03uZ", secs,
	    (unsigned)(ms % 1000) % 1000u);
}

/* ---- the store ------------------------------------------------------------ */

/* The newest event id, 0 for an empty log, -1 if the store failed. */
int64_t
delivery_last_event_id(struct db *db)
{
	sqlite3_stmt *st;
	int64_t       id = -1;

	if ((st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM events")) ==
	    NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* Reads the subscriber's cursor, creating it on first sight. */
int
delivery_cursor_load(struct db *db, struct subscriber *s)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];
	int           rc;

	if ((st = db_prepare(db,
	         "SELECT last_event_id FROM delivery_cursors "
	         "WHERE subscriber = ?")) == NULL)
		return -1;
	db_bind_text(st, 1, s->plugin->name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		s->cursor = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return -1;
	/* A new notifier gets what happens from now on, unless told. */
	s->cursor = s->policy.history ? 0 : delivery_last_event_id(db);
	if (s->cursor < 0 ||
	    (st = db_prepare(db,
	         "INSERT INTO delivery_cursors (subscriber, "
	         "last_event_id, updated_at) "
	         "VALUES (?, ?, ?)")) == NULL)
		return -1;
	delivery_format_ms(delivery_now_ms(), now);
	db_bind_text(st, 1, s->plugin->name);
	sqlite3_bind_int64(st, 2, s->cursor);
	db_bind_text(st, 3, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Moves the cursor forward to id (never back). */
static int
cursor_advance(struct db *db, struct subscriber *s, int64_t id, int64_t now_ms)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];
	int           rc;

	if ((st = db_prepare(db,
	         "UPDATE delivery_cursors SET last_event_id = "
	         "?1, updated_at = ?2 WHERE subscriber = ?3 "
	         "AND last_event_id < ?1")) == NULL)
		return -1;
	delivery_format_ms(now_ms, now);
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, s->plugin->name);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/*
 * Records one attempt's outcome in one transaction: the attempt is
 * counted; success delivers, failure waits for the backoff or, at
 * max_attempts, dead-letters; delivered and dead move the cursor past
 * the event. The cursor in memory follows only what was committed.
 */
void
delivery_record_outcome(struct delivery *d, struct subscriber *s,
    int64_t event_id, int ok, const char *message, int64_t now_ms)
{
	sqlite3_stmt *st;
	const char   *state;
	char          now[DELIVERY_TS_LEN], next[DELIVERY_TS_LEN], why[512];
	double        wait = 0;
	int           attempts = 0, rc, done;

	/* A person reads it in a list: one bounded line. */
	snprintf(why, sizeof(why), "%s",
	    message && *message ? message : "failed");
	for (char *c = why; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (db_begin(d->db) == -1)
		goto failed;
	if ((st = db_prepare(d->db,
	         "SELECT attempts FROM deliveries WHERE "
	         "subscriber = ? AND event_id = ?")) == NULL)
		goto rollback;
	db_bind_text(st, 1, s->plugin->name);
	sqlite3_bind_int64(st, 2, event_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		attempts = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	attempts++;
	if (ok)
		state = "delivered";
	else if (attempts >= s->policy.max_attempts)
		state = "dead";
	else {
		state = "retrying";
		wait = delivery_backoff(&s->policy, attempts);
	}
	done = strcmp(state, "retrying") != 0;
	delivery_format_ms(now_ms, now);
	delivery_format_ms(now_ms + (int64_t)(wait * 1000), next);
	if ((st = db_prepare(d->db,
	         "INSERT INTO deliveries (subscriber, event_id, attempts, "
	         "state, next_attempt_at, last_error, created_at, updated_at) "
	         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
	         "ON CONFLICT (subscriber, event_id) DO UPDATE SET "
	         "attempts = excluded.attempts, state = excluded.state, "
	         "next_attempt_at = excluded.next_attempt_at, "
	         "last_error = excluded.last_error, "
	         "updated_at = excluded.updated_at")) == NULL)
		goto rollback;
	db_bind_text(st, 1, s->plugin->name);
	sqlite3_bind_int64(st, 2, event_id);
	sqlite3_bind_int(st, 3, attempts);
	db_bind_text(st, 4, state);
	db_bind_text(st, 5, done ? NULL : next);
	db_bind_text(st, 6, ok ? NULL : why);
	db_bind_text(st, 7, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE ||
	    (done && cursor_advance(d->db, s, event_id, now_ms) == -1))
		goto rollback;
	if (db_commit(d->db) == -1)
		goto failed;
	if (done && event_id > s->cursor)
		s->cursor = event_id;
	if (ok)
		log_debug("delivery: %s got event %lld (attempt %d)",
		    s->plugin->name, (long long)event_id, attempts);
	else if (done)
		log_warnx("delivery: %s: event %lld is a dead letter after %d "
		          "attempts: %s",
		    s->plugin->name, (long long)event_id, attempts, why);
	else
		log_warnx("delivery: %s: event %lld, attempt %d of %d failed "
		          "(%s); next in %.3g s",
		    s->plugin->name, (long long)event_id, attempts,
		    s->policy.max_attempts, why, wait);
	return;
rollback:
	db_rollback(d->db);
failed:
	/* Unrecorded, the event is simply sent again: at least once. */
	log_warnx("delivery: %s: recording the outcome for event %lld "
	          "failed: %s",
	    s->plugin->name, (long long)event_id,
	    sqlite3_errmsg(db_handle(d->db)));
}

/* The row of an event that is about to be tried for the first time. */
void
delivery_mark_pending(struct db *db, struct subscriber *s, int64_t event_id,
    int64_t now_ms)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];

	if ((st = db_prepare(db,
	         "INSERT INTO deliveries (subscriber, "
	         "event_id, state, created_at, updated_at) "
	         "VALUES (?1, ?2, 'pending', ?3, ?3) "
	         "ON CONFLICT DO NOTHING")) == NULL)
		return;
	delivery_format_ms(now_ms, now);
	db_bind_text(st, 1, s->plugin->name);
	sqlite3_bind_int64(st, 2, event_id);
	db_bind_text(st, 3, now);
	sqlite3_step(st);
	sqlite3_reset(st);
}

/* A dead letter sent back by an admin that is due now; 0 if none. */
int64_t
delivery_due_requeued(struct delivery *d, struct subscriber *s, int64_t now_ms)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];
	int64_t       id = 0;

	if ((st = db_prepare(d->db,
	         "SELECT event_id FROM deliveries WHERE "
	         "subscriber = ?1 AND state = 'retrying' AND "
	         "event_id <= ?2 AND next_attempt_at <= ?3 "
	         "ORDER BY event_id LIMIT 1")) == NULL)
		return 0;
	delivery_format_ms(now_ms, now);
	db_bind_text(st, 1, s->plugin->name);
	sqlite3_bind_int64(st, 2, s->cursor);
	db_bind_text(st, 3, now);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/*
 * The first event after the cursor that s wants, if it is due now; 0 if
 * there is none or it waits for its backoff. Steps the cursor over
 * events s does not want.
 */
int64_t
delivery_due_head(struct delivery *d, struct subscriber *s, int64_t now_ms)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN];
	int64_t       head, skip;
	int           rows, rc;

	delivery_format_ms(now_ms, now);
	for (int step = 0; step < SCAN_STEPS; step++) {
		if ((st = db_prepare(d->db,
		         "SELECT id, type FROM events "
		         "WHERE id > ? ORDER BY id LIMIT ?")) == NULL)
			return 0;
		sqlite3_bind_int64(st, 1, s->cursor);
		sqlite3_bind_int(st, 2, SCAN_BATCH);
		head = skip = 0;
		rows = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			rows++;
			if (delivery_type_matches(s->policy.event_types,
			        db_column_text(st, 1))) {
				head = sqlite3_column_int64(st, 0);
				break;
			}
			skip = sqlite3_column_int64(st, 0);
		}
		sqlite3_reset(st);
		if (skip > 0 && cursor_advance(d->db, s, skip, now_ms) == 0)
			s->cursor = skip;
		if (head == 0) {
			if (rows < SCAN_BATCH)
				return 0;
			continue;
		}
		if ((st = db_prepare(d->db,
		         "SELECT state, next_attempt_at FROM "
		         "deliveries WHERE subscriber = ? AND "
		         "event_id = ?")) == NULL)
			return 0;
		db_bind_text(st, 1, s->plugin->name);
		sqlite3_bind_int64(st, 2, head);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const char *state = db_column_text(st, 0);
			const char *next = db_column_text(st, 1);
			if (strcmp(state, "delivered") == 0 ||
			    strcmp(state, "dead") == 0) {
				/* Done but the cursor lags (repair): step on. */
				sqlite3_reset(st);
				if (cursor_advance(d->db, s, head, now_ms) ==
				    -1)
					return 0;
				s->cursor = head;
				continue;
			}
			if (strcmp(state, "retrying") == 0 && next != NULL &&
			    strcmp(next, now) > 0)
				head = 0;
		}
		sqlite3_reset(st);
		return head;
	}
	return 0;
}
