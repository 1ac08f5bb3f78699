/*
 * The delivery engine (see delivery.h for the model and the settings).
 *
 * Per subscriber, a poll picks at most one attempt: first a dead letter an
 * admin sent back that is due (it lies behind the cursor), else the first
 * event after the cursor that the subscriber wants, unless that one waits
 * for its backoff. Events it does not want are stepped over by moving the
 * cursor. An attempt is a struct rollin_call on the heap; the plugin's run()
 * starts its I/O and returns ROLLIN_PENDING, and host->finish lands in
 * on_finish(), which records the outcome (the deliveries row and, if the
 * event is done, the cursor) in one transaction.
 *
 * A Lua notifier's run() is a job on the notifier thread instead: its
 * synchronous outcome (ran_off_loop) and its finish (finish_on_loop) come
 * back to the loop, so outcomes are recorded, and attempts freed, on the
 * loop thread only. in_run covers the whole time the job is queued or
 * running there.
 *
 * An attempt outlives its subscriber when the service stops: the plugin's
 * I/O still holds the call, and net_free() ends that I/O by calling the
 * plugin's completion, which calls finish. Such a detached attempt is
 * only freed, its outcome not recorded, so it is sent again after the
 * restart.
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events/delivery.h"
#include "events/notify_thread.h"
#include "events/outbox.h"
#include "events/subscriptions.h"
#include "loop/worker.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "store/db.h"
#include "util/log.h"

#define SCAN_BATCH 256 /* events read per step over the log */
#define SCAN_STEPS 8   /* steps per subscriber and poll */

struct attempt;

struct subscriber {
	struct delivery       *d;
	struct plugin         *plugin;
	struct delivery_policy policy;
	int64_t                cursor; /* as committed in delivery_cursors */
	struct attempt        *busy;   /* the attempt under way, or NULL */
};

struct delivery {
	struct event_base *base;
	struct db         *db;
	struct event      *tick; /* every DELIVERY_POLL_MS */
	struct event      *kick; /* at once, when there may be work */
	struct subscriber *subs;
	size_t             nsubs;
	struct attempt    *attempts; /* under way, for delivery_stop */
	int64_t            now; /* of the poll running, for sync outcomes */
};

struct attempt {
	struct rollin_call call;
	struct subscriber *sub; /* NULL: detached, nothing more to record */
	int64_t            event_id;
	int                in_run;   /* inside the plugin's run() */
	int                finished; /* the plugin called finish */
	int                recorded; /* the outcome is in the store */
	struct event      *deadline;
	char              *event_text, *recipients_text;
	struct attempt    *next, **prevp;

	/* A Lua notifier's attempt runs on the notifier thread. */
	struct job         run_job;
	enum rollin_status rc;         /* what run() returned there */
	enum rollin_status fin_status; /* what it finished with there */
	char               fin_message[512];
};

/* The engine of the running service, for the API (one per process). */
static struct delivery *running;

/* ---- settings ----------------------------------------------------------- */

/* A number from a setting: YAML integers arrive as such, decimals as text. */
static int
setting_number(json_t *v, double *out)
{
	const char *s;
	char       *end;

	if (json_is_integer(v)) {
		*out = (double)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		*out = json_real_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	*out = strtod(s, &end);
	while (*end == ' ')
		end++;
	return end == s || *end != '\0' ? -1 : 0;
}

static const char *
setting_text(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		snprintf(buf, len, "(empty)");
	return buf;
}

int
delivery_policy_parse(struct delivery_policy *p, const char *name,
    json_t *settings, char *err, size_t errlen)
{
	static const struct {
		const char *key;
		double      min, max;
		int         whole;
		const char *what;
	} limits[] = {
		{ "backoff_base", 0.001, 86400,
		    0, "a number of seconds above 0 (decimals allowed, e.g. 0.5)" },
		{ "backoff_max", 0.001, 30 * 86400, 0,
		    "a number of seconds above 0 (decimals allowed)" },
		{ "max_attempts", 1, 100, 1, "a whole number from 1 to 100" },
		{ "timeout_ms", 1, 3600000, 1,
		    "a whole number of milliseconds from 1 to 3600000" },
	};
	double  values[4] = { 2, 3600, 8, 60000 }, x;
	json_t *v;
	char    buf[64];

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		if ((v = json_object_get(settings, limits[i].key)) == NULL ||
		    json_is_null(v))
			continue;
		if (setting_number(v, &x) == -1 || x < limits[i].min ||
		    x > limits[i].max || (limits[i].whole && x != (long)x)) {
			snprintf(err, errlen,
			    "plugins.%s.%s must be %s, not '%s'", name,
			    limits[i].key, limits[i].what,
			    setting_text(v, buf, sizeof(buf)));
			return -1;
		}
		values[i] = x;
	}
	p->backoff_base = values[0];
	p->backoff_max = values[1];
	p->max_attempts = (int)values[2];
	p->timeout_ms = (long)values[3];
	v = json_object_get(settings, "history");
	if (v != NULL && !json_is_null(v)) {
		const char *t = setting_text(v, buf, sizeof(buf));
		if (strcmp(t, "true") != 0 && strcmp(t, "false") != 0) {
			snprintf(err, errlen,
			    "plugins.%s.history must be true "
			    "or false, not '%s'",
			    name, t);
			return -1;
		}
		p->history = strcmp(t, "true") == 0;
	}
	v = json_object_get(settings, "event_types");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    strlen(json_string_value(v)) >= sizeof(p->event_types)) {
			snprintf(err, errlen,
			    "plugins.%s.event_types must be "
			    "event types separated by commas, "
			    "like \"release.published, cycle.*\"",
			    name);
			return -1;
		}
		snprintf(p->event_types, sizeof(p->event_types), "%s",
		    json_string_value(v));
	}
	return 0;
}

double
delivery_backoff(const struct delivery_policy *p, int attempts)
{
	double wait = p->backoff_base;

	for (int i = 1; i < attempts && wait < p->backoff_max; i++)
		wait *= 2;
	return wait < p->backoff_max ? wait : p->backoff_max;
}

int
delivery_type_matches(const char *patterns, const char *type)
{
	const char *p = patterns ? patterns : "", *end;
	size_t      n;
	int         any = 0;

	while (*p) {
		p += strspn(p, " \t,");
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0) {
			any = 1;
			if (p[n - 1] == '*') {
				if (strncmp(type, p, n - 1) == 0)
					return 1;
			} else if (strlen(type) == n &&
			    strncmp(type, p, n) == 0)
				return 1;
		}
		p = end;
	}
	return !any;
}

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
static int64_t
last_event_id(struct db *db)
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
static int
cursor_load(struct db *db, struct subscriber *s)
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
	s->cursor = s->policy.history ? 0 : last_event_id(db);
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
static void
record_outcome(struct delivery *d, struct subscriber *s, int64_t event_id,
    int ok, const char *message, int64_t now_ms)
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
static void
mark_pending(struct db *db, struct subscriber *s, int64_t event_id,
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

/*
 * The event's recipients as notifiers see them: subscriptions_recipients()
 * with each organisation's name and an e-mail address per person. A
 * recipient that is an organisation as a whole stands for each of its
 * contacts with an address (it keeps its place and reason); without any,
 * it stays with "email": null. NULL if the store failed.
 */
static json_t *
recipients_for(struct db *db, int64_t event_id)
{
	sqlite3_stmt *st;
	json_t       *base, *out, *seen, *item, *copy;
	const char   *org;
	char          key[160];
	size_t        i;

	if ((base = subscriptions_recipients(db, event_id)) == NULL)
		return NULL;
	out = json_array();
	seen = json_object();
	json_array_foreach(base, i, item)
	{
		org = json_string_value(json_object_get(item, "organisation"));
		if (org == NULL)
			continue;
		if (json_object_get(item, "organisation_name") == NULL &&
		    (st = db_prepare(db,
		         "SELECT name FROM organisations "
		         "WHERE slug = ?")) != NULL) {
			db_bind_text(st, 1, org);
			if (sqlite3_step(st) == SQLITE_ROW)
				json_object_set_new(item, "organisation_name",
				    json_string(db_column_text(st, 0)));
			sqlite3_reset(st);
		}
		if (json_object_get(item, "email") != NULL) {
			json_array_append(out, item);
			continue;
		}
		if (json_is_integer(json_object_get(item, "contact"))) {
			st = db_prepare(db,
			    "SELECT c.id, c.email FROM contacts c "
			    "WHERE c.id = ?");
			if (st == NULL)
				goto failed;
			sqlite3_bind_int64(st, 1,
			    json_integer_value(
			        json_object_get(item, "contact")));
		} else {
			st = db_prepare(db,
			    "SELECT c.id, c.email FROM contacts c "
			    "JOIN organisations o ON o.id = "
			    "c.organisation_id WHERE o.slug = ? "
			    "AND c.email <> '' ORDER BY c.id");
			if (st == NULL)
				goto failed;
			db_bind_text(st, 1, org);
		}
		int rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(key, sizeof(key), "%s\n%lld", org,
			    (long long)sqlite3_column_int64(st, 0));
			rows++;
			if (json_object_get(seen, key) != NULL)
				continue;
			json_object_set_new(seen, key, json_true());
			copy = json_copy(item);
			json_object_set_new(copy, "contact",
			    json_integer(sqlite3_column_int64(st, 0)));
			json_object_set_new(copy, "email",
			    db_column_text(st, 1)
			        ? json_string(db_column_text(st, 1))
			        : json_null());
			json_array_append_new(out, copy);
		}
		sqlite3_reset(st);
		if (rows == 0) {
			copy = json_copy(item);
			json_object_set_new(copy, "email", json_null());
			json_array_append_new(out, copy);
		}
	}
	json_decref(base);
	json_decref(seen);
	return out;
failed:
	json_decref(base);
	json_decref(seen);
	json_decref(out);
	return NULL;
}

/* ---- attempts ------------------------------------------------------------- */

/*
 * Polls as soon as the loop is free. A one-shot event of its own: waking
 * the persistent timer instead would move its schedule.
 */
static void
wake(struct delivery *d)
{
	if (d != NULL && d->kick != NULL)
		event_active(d->kick, 0, 1);
}

/* Frees an attempt; its subscriber (if still attached) is free again. */
static void
attempt_free(struct attempt *a)
{
	if (a->deadline != NULL)
		event_free(a->deadline);
	if (a->sub != NULL) {
		a->sub->busy = NULL;
		wake(a->sub->d);
	}
	if (a->prevp != NULL && (*a->prevp = a->next) != NULL)
		a->next->prevp = a->prevp;
	call_clear(&a->call);
	free(a->event_text);
	free(a->recipients_text);
	free(a);
}

/* The plugin's host->finish: the outcome of a pending attempt. */
static void
on_finish(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	struct attempt *a = call->arg;

	if (a->finished)
		return; /* finish twice: the first one counts */
	a->finished = 1;
	if (a->sub != NULL && !a->recorded) {
		a->recorded = 1;
		record_outcome(a->sub->d, a->sub, a->event_id,
		    status == ROLLIN_OK, message,
		    a->in_run ? a->sub->d->now : delivery_now_ms());
	}
	/* Inside run() the plugin still holds the call; free it after. */
	if (!a->in_run)
		attempt_free(a);
}

/* The plugin's last error, for the API (which reads it on the loop). */
static void
plugin_note_error(struct plugin *p, const char *message)
{
	snprintf(p->last_error, sizeof(p->last_error), "%s", message);
}

/* On the loop: the outcome a notifier on the notifier thread finished with. */
static void
finish_on_loop(void *arg)
{
	struct attempt *a = arg;

	if (a->fin_status != ROLLIN_OK && a->fin_message[0])
		plugin_note_error(a->call.plugin, a->fin_message);
	on_finish(&a->call, a->fin_status,
	    a->fin_message[0] ? a->fin_message : NULL);
}

/* host->finish on the notifier thread: the outcome goes to the loop. */
static void
finish_off_loop(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	struct attempt *a = call->arg;

	a->fin_status = status;
	snprintf(a->fin_message, sizeof(a->fin_message), "%s",
	    message ? message : "");
	call->runner->to_loop(call->runner, finish_on_loop, a);
}

/*
 * After the plugin's run() returned rc (on whichever thread): records a
 * synchronous outcome, or waits for finish if the attempt is pending.
 */
static void
attempt_ran(struct attempt *a, enum rollin_status rc, int64_t now_ms)
{
	a->in_run = 0;
	if (a->finished)
		attempt_free(a);
	else if (rc != ROLLIN_PENDING) {
		if (a->sub != NULL && !a->recorded) {
			a->recorded = 1;
			record_outcome(a->sub->d, a->sub, a->event_id,
			    rc == ROLLIN_OK,
			    a->call.message[0] ? a->call.message
			                       : "the notifier failed",
			    now_ms);
		}
		attempt_free(a);
	}
}

/* On the notifier thread, with its connection. */
static void
run_off_loop(struct job *j, struct db *db)
{
	struct attempt *a = j->arg;

	a->call.db = db;
	a->rc = run_call(a->call.plugin, &a->call);
}

static void
ran_off_loop(struct job *j)
{
	struct attempt *a = j->arg;

	if (a->rc == ROLLIN_FAILED && a->call.message[0])
		plugin_note_error(a->call.plugin, a->call.message);
	attempt_ran(a, a->rc, delivery_now_ms());
}

/* Not started when the service stopped: sent again after the restart. */
static void
dropped_off_loop(struct job *j)
{
	attempt_free(j->arg);
}

/*
 * No outcome in time: counted as a failure now. The subscriber stays
 * busy until the plugin finishes, so attempts never pile up behind a
 * receiver that does not answer.
 */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct attempt *a = arg;
	char            why[96];

	(void)fd;
	(void)what;
	if (a->sub == NULL || a->recorded)
		return;
	a->recorded = 1;
	snprintf(why, sizeof(why), "no outcome within %ld ms",
	    a->sub->policy.timeout_ms);
	record_outcome(a->sub->d, a->sub, a->event_id, 0, why,
	    delivery_now_ms());
}

/*
 * Starts one attempt of event_id on s. Returns 1 if an attempt was made
 * (it may have ended already), 0 if the store failed before it began.
 */
static int
attempt_start(struct subscriber *s, int64_t event_id)
{
	struct delivery   *d = s->d;
	struct attempt    *a;
	json_t            *events, *ev, *recipients;
	enum rollin_status rc;

	if ((events = outbox_list(d->db, event_id - 1, 1)) == NULL)
		return 0;
	ev = json_array_get(events, 0);
	if (ev == NULL ||
	    json_integer_value(json_object_get(ev, "id")) != event_id) {
		json_decref(events);
		record_outcome(d, s, event_id, 0,
		    "the event is no longer in the log", d->now);
		return 1;
	}
	if ((recipients = recipients_for(d->db, event_id)) == NULL) {
		json_decref(events);
		record_outcome(d, s, event_id, 0,
		    "the recipients could not be determined", d->now);
		return 1;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		json_decref(events);
		json_decref(recipients);
		return 0;
	}
	a->event_text = json_dumps(ev, JSON_COMPACT);
	a->recipients_text = json_dumps(recipients, JSON_COMPACT);
	json_decref(events);
	json_decref(recipients);
	if (a->event_text == NULL || a->recipients_text == NULL) {
		free(a->event_text);
		free(a->recipients_text);
		free(a);
		return 0;
	}
	mark_pending(d->db, s, event_id, d->now);
	a->sub = s;
	a->event_id = event_id;
	call_init(&a->call, s->plugin);
	a->call.db = d->db;
	a->call.event = a->event_text;
	a->call.recipients = a->recipients_text;
	a->call.on_finish = on_finish;
	a->call.arg = a;
	if ((a->next = d->attempts) != NULL)
		a->next->prevp = &a->next;
	d->attempts = a;
	a->prevp = &d->attempts;
	s->busy = a;
	if (d->base != NULL) {
		struct timeval tv = { s->policy.timeout_ms / 1000,
			(s->policy.timeout_ms % 1000) * 1000 };
		a->deadline = evtimer_new(d->base, on_deadline, a);
		if (a->deadline != NULL)
			evtimer_add(a->deadline, &tv);
	}

	a->in_run = 1;
	/*
	 * A Lua notifier runs on the notifier thread: a runaway script
	 * holds that thread until its budget stops it, never the loop.
	 */
	if (strcmp(s->plugin->language, "lua") == 0 &&
	    (a->call.runner = notify_thread_runner()) != NULL) {
		a->call.db = NULL;
		a->call.on_finish = finish_off_loop;
		a->run_job.run = run_off_loop;
		a->run_job.done = ran_off_loop;
		a->run_job.cancel = dropped_off_loop;
		a->run_job.arg = a;
		if (notify_thread_submit(&a->run_job) == 0)
			return 1;
		a->call.runner = NULL;
		a->call.db = d->db;
		a->call.on_finish = on_finish;
	}
	rc = run_call(s->plugin, &a->call);
	attempt_ran(a, rc, d->now);
	return 1;
}

/* A dead letter sent back by an admin that is due now; 0 if none. */
static int64_t
due_requeued(struct delivery *d, struct subscriber *s, int64_t now_ms)
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
static int64_t
due_head(struct delivery *d, struct subscriber *s, int64_t now_ms)
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

int
delivery_poll(struct delivery *d, int64_t now_ms)
{
	struct subscriber *s;
	int64_t            id;
	int                started = 0;

	d->now = now_ms;
	for (size_t i = 0; i < d->nsubs; i++) {
		s = &d->subs[i];
		if (s->busy != NULL || s->plugin->state != PLUGIN_LOADED)
			continue;
		if ((id = due_requeued(d, s, now_ms)) == 0)
			id = due_head(d, s, now_ms);
		if (id > 0)
			started += attempt_start(s, id);
	}
	return started;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	delivery_poll(arg, delivery_now_ms());
}

struct delivery *
delivery_start(struct event_base *base, struct db *db,
    struct plugin_registry *reg)
{
	struct delivery *d = calloc(1, sizeof(*d));
	struct timeval   tv = { 0, DELIVERY_POLL_MS * 1000 };
	char             why[512];

	if (d == NULL ||
	    (d->subs = calloc(reg->n ? reg->n : 1, sizeof(*d->subs))) == NULL) {
		free(d);
		return NULL;
	}
	d->base = base;
	d->db = db;
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin     *p = &reg->items[i];
		struct subscriber *s = &d->subs[d->nsubs];
		if (p->kind != ROLLIN_NOTIFIER || p->state != PLUGIN_LOADED)
			continue;
		if (delivery_policy_parse(&s->policy, p->name, p->settings, why,
		        sizeof(why)) == -1) {
			plugin_fail(p, "%s", why);
			continue;
		}
		s->d = d;
		s->plugin = p;
		if (cursor_load(db, s) == -1) {
			log_warnx("delivery: the cursor of %s: %s", p->name,
			    sqlite3_errmsg(db_handle(db)));
			delivery_stop(d);
			return NULL;
		}
		log_info("delivery: notifier %s gets events after %lld%s%s",
		    p->name, (long long)s->cursor,
		    s->policy.event_types[0] ? " of types " : "",
		    s->policy.event_types);
		d->nsubs++;
	}
	/* Without notifiers there is nothing to poll for. */
	if (base != NULL && d->nsubs > 0) {
		if ((d->tick = event_new(base, -1, EV_PERSIST, on_tick, d)) ==
		        NULL ||
		    (d->kick = event_new(base, -1, 0, on_tick, d)) == NULL ||
		    event_add(d->tick, &tv) == -1) {
			delivery_stop(d);
			return NULL;
		}
		running = d;
		/* What waited while the service was down goes out first. */
		wake(d);
	}
	return d;
}

void
delivery_stop(struct delivery *d)
{
	struct attempt *a;
	int             n = 0;

	if (d == NULL)
		return;
	if (running == d)
		running = NULL;
	if (d->tick != NULL)
		event_free(d->tick);
	if (d->kick != NULL)
		event_free(d->kick);
	/* Detached: the plugin's I/O ends later (net_free) and frees them. */
	while ((a = d->attempts) != NULL) {
		d->attempts = a->next;
		n++;
		if (a->deadline != NULL)
			event_free(a->deadline);
		a->deadline = NULL;
		a->sub = NULL;
		a->next = NULL;
		a->prevp = NULL;
	}
	if (n > 0)
		log_info(
		    "delivery: %d attempt%s in flight cancelled, to be sent "
		    "again after the next start",
		    n, n == 1 ? "" : "s");
	free(d->subs);
	free(d);
}

void
delivery_wake(void)
{
	wake(running);
}

int
delivery_subscriber_running(const char *name, int64_t *in_flight)
{
	*in_flight = 0;
	if (running == NULL)
		return 0;
	for (size_t i = 0; i < running->nsubs; i++) {
		const struct subscriber *s = &running->subs[i];
		if (strcmp(s->plugin->name, name) != 0)
			continue;
		if (s->busy != NULL)
			*in_flight = s->busy->event_id;
		return s->plugin->state == PLUGIN_LOADED;
	}
	return 0;
}

/* ---- the API's view --------------------------------------------------- */

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

int
delivery_retry(struct db *db, int64_t id, struct rl_error *err)
{
	sqlite3_stmt *st;
	char          now[DELIVERY_TS_LEN], state[16] = "";
	int           rc;

	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if ((st = db_prepare(db,
	         "SELECT state FROM deliveries "
	         "WHERE id = ?")) == NULL)
		goto failed;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(state, sizeof(state), "%s", db_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		db_rollback(db);
		return rl_fail(err, 404, "not_found", NULL,
		    "there is no delivery %lld", (long long)id);
	}
	if (rc != SQLITE_ROW)
		goto failed;
	if (strcmp(state, "dead") != 0) {
		db_rollback(db);
		return rl_fail(err, 409, "not_dead", "state",
		    "delivery %lld is %s; only dead letters can be retried",
		    (long long)id, state);
	}
	if ((st = db_prepare(db,
	         "UPDATE deliveries SET state = 'retrying', "
	         "attempts = 0, next_attempt_at = ?1, "
	         "updated_at = ?1 WHERE id = ?2")) == NULL)
		goto failed;
	delivery_format_ms(delivery_now_ms(), now);
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto failed;
	if (db_commit(db) == -1)
		return rl_fail(err, 500, "store", NULL, "the store failed");
	log_info("delivery %lld sent back for another try", (long long)id);
	delivery_wake();
	return 0;
failed:
	db_rollback(db);
	return rl_fail(err, 500, "store", NULL, "the store failed");
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

	if ((last = last_event_id(db)) < 0 ||
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
