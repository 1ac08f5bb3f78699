/*
 * Time-driven events. A run asks, per kind, which occurrences have fallen
 * due by today and are not yet in time_events, then appends each event and
 * its time_events row in one transaction. The key of an occurrence names
 * the date it is about, so a moved date fires again while running again,
 * or restarting, never repeats one.
 *
 * Only occurrences due on or after the day their record was created count:
 * loading years of history must not flood the log with old end-of-lifes,
 * but whatever fell due while the service was down is emitted at the next
 * run. Dates are compared as ISO 8601 text, on UTC calendar days.
 */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/quality.h"
#include "domain/resource.h"
#include "events/outbox.h"
#include "events/timers.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/log.h"

/* What each kind's query returns, column by column. */
enum {
	COL_KEY,      /* the occurrence key */
	COL_ID,       /* the record's row id */
	COL_SOLUTION, /* the solution's row id */
	COL_SUBJECT,  /* the record's path */
	COL_DATE,     /* the date the occurrence is about */
	COL_DUE,      /* the day it fell due */
	COL_LEAD,     /* support_ending: the lead in days; else NULL */
};

enum kind_param { P_NONE, P_LEADS, P_STALE_DAYS };

struct kind {
	const char            *type;
	const struct resource *res; /* NULL: the solution, in brief */
	const char            *date_name;
	enum kind_param        param; /* what ?2 is */
	const char            *sql;   /* ?1 is today */
};

/*
 * Each query excludes what was emitted already by the key's primary-key
 * lookup, so a run costs one pass over the candidate rows.
 */
static const struct kind kinds[] = {
	{ "cycle.support_ending", &res_cycle, "support_until", P_LEADS,
	    "WITH k AS (SELECT c.id, c.solution_id, c.support_until, "
	    "c.created_at, l.value AS lead, 'cycle.support_ending:' || c.id "
	    "|| ':' || l.value || ':' || c.support_until AS key, "
	    "date(c.support_until, '-' || l.value || ' days') AS due "
	    "FROM cycles c, json_each(?2) l WHERE c.support_until > ?1) "
	    "SELECT k.key, k.id, k.solution_id, "
	    "'solutions/' || s.slug || '/cycles/' || k.id, k.support_until, "
	    "k.due, k.lead FROM k JOIN solutions s ON s.id = k.solution_id "
	    "WHERE k.due <= ?1 AND k.due >= substr(k.created_at, 1, 10) "
	    "AND NOT EXISTS (SELECT 1 FROM time_events t "
	    "WHERE t.occurrence = k.key) "
	    "ORDER BY k.id, k.lead DESC" },
	{ "cycle.eol_reached", &res_cycle, "eol", P_NONE,
	    "SELECT 'cycle.eol_reached:' || c.id || ':' || c.eol, c.id, "
	    "c.solution_id, 'solutions/' || s.slug || '/cycles/' || c.id, "
	    "c.eol, c.eol, NULL FROM cycles c "
	    "JOIN solutions s ON s.id = c.solution_id "
	    "WHERE c.eol <= ?1 AND c.eol >= substr(c.created_at, 1, 10) "
	    "AND NOT EXISTS (SELECT 1 FROM time_events t WHERE t.occurrence = "
	    "'cycle.eol_reached:' || c.id || ':' || c.eol) "
	    "ORDER BY c.id" },
	/* Overdue from the day after the planned date. */
	{ "release.overdue", &res_release, "planned_date", P_NONE,
	    "SELECT 'release.overdue:' || r.id || ':' || r.planned_date, "
	    "r.id, r.solution_id, "
	    "'solutions/' || s.slug || '/releases/' || r.id, r.planned_date, "
	    "date(r.planned_date, '+1 day'), NULL FROM releases r "
	    "JOIN solutions s ON s.id = r.solution_id "
	    "WHERE r.status = 'planned' AND r.planned_date < ?1 "
	    "AND date(r.planned_date, '+1 day') >= "
	    "substr(r.created_at, 1, 10) "
	    "AND NOT EXISTS (SELECT 1 FROM time_events t WHERE t.occurrence = "
	    "'release.overdue:' || r.id || ':' || r.planned_date) "
	    "ORDER BY r.id" },
	{ "rollin.step_overdue", &res_rollin_step, "planned_date", P_NONE,
	    "SELECT 'rollin.step_overdue:' || st.id || ':' || st.planned_date, "
	    "st.id, ro.solution_id, "
	    "'rollins/' || st.rollin_id || '/steps/' || st.id, "
	    "st.planned_date, date(st.planned_date, '+1 day'), NULL "
	    "FROM rollin_steps st JOIN rollins ro ON ro.id = st.rollin_id "
	    "WHERE st.done = 0 AND st.planned_date < ?1 "
	    "AND ro.status NOT IN ('live', 'aborted') "
	    "AND date(st.planned_date, '+1 day') >= "
	    "substr(st.created_at, 1, 10) "
	    "AND NOT EXISTS (SELECT 1 FROM time_events t WHERE t.occurrence = "
	    "'rollin.step_overdue:' || st.id || ':' || st.planned_date) "
	    "ORDER BY st.id" },
	/*
	 * Stale as the freshness signal counts it: more than stale_days whole
	 * days since the later of confirmed_at and touched_at. The condition
	 * repeats the expression of the solutions_fresh index to use it.
	 */
	{ "solution.stale", NULL, "last_change", P_STALE_DAYS,
	    "SELECT 'solution.stale:' || s.id || ':' || "
	    "max(s.touched_at, coalesce(s.confirmed_at, '')), s.id, s.id, "
	    "'solutions/' || s.slug, "
	    "max(s.touched_at, coalesce(s.confirmed_at, '')), "
	    "date(max(s.touched_at, coalesce(s.confirmed_at, '')), "
	    "'+' || (?2 + 1) || ' days'), NULL FROM solutions s "
	    "WHERE max(s.touched_at, coalesce(s.confirmed_at, '')) < "
	    "date(?1, '-' || ?2 || ' days') "
	    "AND s.maturity <> 'retired' "
	    "AND date(max(s.touched_at, coalesce(s.confirmed_at, '')), "
	    "'+' || (?2 + 1) || ' days') >= substr(s.created_at, 1, 10) "
	    "AND NOT EXISTS (SELECT 1 FROM time_events t WHERE t.occurrence = "
	    "'solution.stale:' || s.id || ':' || "
	    "max(s.touched_at, coalesce(s.confirmed_at, ''))) "
	    /* "+": rowid order must not lead the planner into a full scan
	     * of the table instead of the solutions_fresh index. */
	    "ORDER BY +s.id" },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* One occurrence found due, copied out of the statement. */
struct occurrence {
	const struct kind *kind;
	char              *key, *subject, *date, *due;
	int64_t            id, solution_id;
	int                lead;
};

struct due_list {
	struct occurrence *v;
	size_t             n, cap;
};

struct timer {
	struct event       *ev;
	struct db          *db;
	struct timer_config cfg;
};

int
timer_config_parse(struct timer_config *cfg, const char *leads, char *err,
    size_t errlen)
{
	const char *p = leads;
	char       *end;
	long        v;

	memset(cfg, 0, sizeof(*cfg));
	while (*p != '\0') {
		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno != 0 || v < 1 || v > 3650 ||
		    (*end != ',' && *end != '\0') ||
		    (*end == ',' && end[1] == '\0')) {
			snprintf(err, errlen,
			    "expected days from 1 to 3650 separated by "
			    "commas, like 90,30,7; got '%s'",
			    leads);
			return -1;
		}
		if (cfg->nleads == TIMER_MAX_LEADS) {
			snprintf(err, errlen, "at most %d lead times",
			    TIMER_MAX_LEADS);
			return -1;
		}
		/* A lead given twice would be one occurrence anyway. */
		for (int i = 0; i < cfg->nleads; i++)
			if (cfg->leads[i] == (int)v)
				goto next;
		cfg->leads[cfg->nleads++] = (int)v;
	next:
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static void
due_free(struct due_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].subject);
		free(l->v[i].date);
		free(l->v[i].due);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static char *
dup_col(sqlite3_stmt *st, int col)
{
	const char *s = db_column_text(st, col);

	return strdup(s ? s : "");
}

/* Collects the kind's due occurrences; the statement is reset after. */
static int
collect(struct db *db, const struct kind *k, const char *today,
    const char *leads_json, int stale_days, struct due_list *out)
{
	sqlite3_stmt      *st;
	struct occurrence *o;
	int                rc;

	if ((st = db_prepare(db, k->sql)) == NULL)
		return -1;
	db_bind_text(st, 1, today);
	if (k->param == P_LEADS)
		db_bind_text(st, 2, leads_json);
	else if (k->param == P_STALE_DAYS)
		sqlite3_bind_int(st, 2, stale_days);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 16;
			void  *v = realloc(out->v, cap * sizeof(*out->v));
			if (v == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			out->v = v;
			out->cap = cap;
		}
		o = &out->v[out->n++];
		o->kind = k;
		o->key = dup_col(st, COL_KEY);
		o->id = sqlite3_column_int64(st, COL_ID);
		o->solution_id = sqlite3_column_int64(st, COL_SOLUTION);
		o->subject = dup_col(st, COL_SUBJECT);
		o->date = dup_col(st, COL_DATE);
		o->due = dup_col(st, COL_DUE);
		o->lead = sqlite3_column_int(st, COL_LEAD);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("timers: %s: %s", k->type,
		    sqlite3_errmsg(db_handle(db)));
		return -1;
	}
	return 0;
}

/* The solution in brief, for solution.stale; NULL if it is gone. */
static json_t *
solution_brief(struct db *db, int64_t id)
{
	sqlite3_stmt *st;
	json_t       *v = NULL;

	st = db_prepare(db,
	    "SELECT s.slug, s.name, s.maturity, o.slug, s.confirmed_at, "
	    "s.touched_at FROM solutions s "
	    "JOIN organisations o ON o.id = s.owner_id WHERE s.id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "slug",
		    db_column_text(st, 0), "name", db_column_text(st, 1),
		    "maturity", db_column_text(st, 2), "owner",
		    db_column_text(st, 3), "confirmed_at",
		    db_column_text(st, 4), "changed_at", db_column_text(st, 5));
	sqlite3_reset(st);
	return v;
}

/*
 * { <record name>: the record, <date field>: the date it is about,
 *   "due_on": the day it fell due, ... }, or NULL if the record is gone.
 */
static json_t *
payload_for(struct db *db, const struct occurrence *o, time_t now,
    int stale_days)
{
	struct record   r;
	struct rl_error err;
	json_t         *p, *rec;
	time_t          date;
	long            days = 0;

	if (o->kind->res != NULL) {
		if (record_get_by_id(db, o->kind->res, o->id, &r, &err) == -1)
			return NULL;
		rec = json_incref(r.doc);
		record_clear(&r);
	} else if ((rec = solution_brief(db, o->id)) == NULL)
		return NULL;
	p = json_pack("{s:o, s:s, s:s}",
	    o->kind->res ? o->kind->res->name : "solution", rec,
	    o->kind->date_name, o->date, "due_on", o->due);
	if (clock_parse_ts(o->date, &date) == 0)
		days = clock_days_between(now, date);
	if (o->kind->param == P_LEADS) {
		json_object_set_new(p, "lead", json_integer(o->lead));
		json_object_set_new(p, "days_left", json_integer(days));
	} else if (o->kind->param == P_STALE_DAYS) {
		json_object_set_new(p, "days", json_integer(-days));
		json_object_set_new(p, "stale_after_days",
		    json_integer(stale_days));
	} else if (strcmp(o->kind->date_name, "planned_date") == 0)
		json_object_set_new(p, "days_overdue", json_integer(-days));
	return p;
}

/* Appends the event and its time_events row (inside the transaction). */
static int
emit(struct db *db, const struct occurrence *o, time_t now, int stale_days)
{
	sqlite3_stmt *st;
	json_t       *payload;
	char          ts[CLOCK_TS_LEN];
	int64_t       id;
	int           rc;

	if ((payload = payload_for(db, o, now, stale_days)) == NULL)
		return -1;
	id = outbox_append(db, o->kind->type, o->subject, "timer",
	    o->solution_id, payload);
	json_decref(payload);
	if (id == -1)
		return -1;
	st = db_prepare(db,
	    "INSERT INTO time_events (occurrence, event_id, emitted_at) "
	    "VALUES (?, ?, ?)");
	if (st == NULL)
		return -1;
	clock_format_ts(now, ts);
	db_bind_text(st, 1, o->key);
	sqlite3_bind_int64(st, 2, id);
	db_bind_text(st, 3, ts);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("timers: recording %s: %s", o->key,
		    sqlite3_errmsg(db_handle(db)));
		return -1;
	}
	return 0;
}

int
timers_run(struct db *db, time_t now, const struct timer_config *cfg,
    int *emitted)
{
	struct due_list due = { 0 };
	char            today[CLOCK_DATE_LEN], leads[TIMER_MAX_LEADS * 6 + 3];
	int             stale_days, n = 0, len;

	if (emitted)
		*emitted = 0;
	stale_days =
	    cfg->stale_days > 0 ? cfg->stale_days : quality_stale_days();
	clock_format_date(now, today);
	len = snprintf(leads, sizeof(leads), "[");
	for (int i = 0; i < cfg->nleads; i++)
		len += snprintf(leads + len, sizeof(leads) - (size_t)len,
		    "%s%d", i ? "," : "", cfg->leads[i]);
	snprintf(leads + len, sizeof(leads) - (size_t)len, "]");

	/*
	 * One write transaction for the scan and the writes, so that a
	 * concurrent writer cannot slip in between finding and recording.
	 */
	if (db_begin(db) == -1)
		return -1;
	for (size_t i = 0; i < NKINDS; i++)
		if (collect(db, &kinds[i], today, leads, stale_days, &due) ==
		    -1)
			goto fail;
	for (size_t i = 0; i < due.n; i++) {
		if (emit(db, &due.v[i], now, stale_days) == -1)
			goto fail;
		n++;
	}
	if (db_commit(db) == -1) {
		due_free(&due);
		return -1;
	}
	due_free(&due);
	if (n > 0)
		log_info("time events: %d emitted", n);
	else
		log_debug("time events: none due");
	if (emitted)
		*emitted = n;
	return 0;
fail:
	db_rollback(db);
	due_free(&due);
	log_warnx("time events: run failed, nothing emitted");
	return -1;
}

static void
timer_tick(evutil_socket_t fd, short what, void *arg)
{
	struct timer *t = arg;

	(void)fd;
	(void)what;
	timers_run(t->db, clock_now(), &t->cfg, NULL);
	db_trim(t->db);
}

struct timer *
timer_start(struct event_base *base, struct db *db,
    const struct timer_config *cfg, int interval)
{
	struct timer  *t;
	struct timeval tv = { interval > 0 ? interval : 60, 0 };

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->db = db;
	t->cfg = *cfg;
	/* What fell due while the service was down, before serving. */
	timers_run(db, clock_now(), cfg, NULL);
	if ((t->ev = event_new(base, -1, EV_PERSIST, timer_tick, t)) == NULL ||
	    event_add(t->ev, &tv) == -1) {
		timer_stop(t);
		return NULL;
	}
	return t;
}

void
timer_stop(struct timer *t)
{
	if (t == NULL)
		return;
	if (t->ev != NULL)
		event_free(t->ev);
	free(t);
}
