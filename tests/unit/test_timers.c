/*
 * events/timers: time-driven events against a real (temporary) database
 * with a moved clock. Each occurrence fires on its day, not before, and
 * never twice however often the timer runs; what fell due while the
 * service was down is emitted at the next run; a moved date fires again;
 * records loaded with dates long past do not flood the log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "domain/quality.h"
#include "domain/resource.h"
#include "events/timers.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/log.h"

struct fixture {
	char                dir[FIXTURE_DIR_LEN];
	char                path[FIXTURE_PATH_LEN];
	struct db          *db;
	struct principal    admin;
	struct timer_config cfg;
	int64_t             sol;
};

static void
set_day(const char *ts)
{
	time_t t;

	if (clock_parse_ts(ts, &t) == -1)
		fail_msg("bad time in test: %s", ts);
	clock_set(t);
}

/* Creates a record that must be accepted; returns its id. */
static int64_t
create(struct fixture *fx, const struct resource *res, int64_t parent,
    const char *text)
{
	return fixture_create(fx->db, res, parent, text, &fx->admin);
}

static void
update(struct fixture *fx, const struct resource *res, int64_t parent,
    int64_t id, const char *text)
{
	struct record   r;
	struct rl_error err = { 0 };
	json_t         *patch = fixture_json(text);
	char            key[32];
	int64_t         rev;
	int             rc;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (record_get_by_id(fx->db, res, id, &r, &err) == -1)
		fail_msg("no %s %s", res->name, key);
	rev = r.rev;
	record_clear(&r);
	rc = record_update(fx->db, res, parent, key, patch, rev, &fx->admin, &r,
	    &err);
	json_decref(patch);
	if (rc != 0)
		fail_msg("update %s %s: %d %s: %s", res->name, text, err.status,
		    err.code, err.message);
	record_clear(&r);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char            why[128];

	if (fx == NULL)
		return -1;
	if ((fx->db = fixture_db_open("timers", fx->dir, fx->path)) == NULL) {
		free(fx);
		return -1;
	}
	set_day("2026-03-02T10:00:00Z");
	fx->admin.role = ROLE_ADMIN;
	snprintf(fx->admin.actor, sizeof(fx->admin.actor), "admin@test#1");
	if (timer_config_parse(&fx->cfg, "90,30,7", why, sizeof(why)) == -1)
		return -1;
	/* Long enough that the solution itself does not go stale. */
	fx->cfg.stale_days = 3000;
	*state = fx;
	create(fx, &res_organisation, 0,
	    "{\"slug\": \"stadt-a\", \"name\": \"Stadt A\", "
	    "\"kind\": \"municipal\"}");
	create(fx, &res_organisation, 0,
	    "{\"slug\": \"stadt-b\", \"name\": \"Stadt B\", "
	    "\"kind\": \"municipal\"}");
	create(fx, &res_organisation, 0,
	    "{\"slug\": \"team\", \"name\": \"Onboarding-Team\", "
	    "\"kind\": \"provider\"}");
	fx->sol = create(fx, &res_solution, 0,
	    "{\"slug\": \"wohngeld\", \"name\": \"Wohngeld digital\", "
	    "\"owner\": \"stadt-a\", \"maturity\": \"production\"}");
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_db_close(fx->db, fx->dir);
	free(fx);
	clock_set(0);
	return 0;
}

/* Sets the clock to day (midday) and runs the timer; returns how many. */
static int
run_on(struct fixture *fx, const char *day)
{
	char ts[32];
	int  n = -1;

	snprintf(ts, sizeof(ts), "%sT12:00:00Z", day);
	set_day(ts);
	assert_int_equal(timers_run(fx->db, clock_now(), &fx->cfg, &n), 0);
	return n;
}

static long long
count(struct fixture *fx, const char *type)
{
	sqlite3_stmt *st;
	long long     n = -1;

	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT count(*) FROM events WHERE type = ?", -1,
	                     &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The newest event of type: subject, actor, solution_id and payload. */
struct ev {
	char    subject[128], actor[32], time[32];
	int64_t solution_id;
	json_t *payload;
};

static void
newest(struct fixture *fx, const char *type, struct ev *ev)
{
	sqlite3_stmt *st;

	memset(ev, 0, sizeof(*ev));
	assert_int_equal(
	    sqlite3_prepare_v2(db_handle(fx->db),
	        "SELECT subject, actor, solution_id, payload, time FROM events "
	        "WHERE type = ? ORDER BY id DESC LIMIT 1",
	        -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no %s event", type);
	snprintf(ev->subject, sizeof(ev->subject), "%s",
	    sqlite3_column_text(st, 0));
	snprintf(ev->actor, sizeof(ev->actor), "%s",
	    sqlite3_column_text(st, 1));
	ev->solution_id = sqlite3_column_int64(st, 2);
	ev->payload = fixture_json((const char *)sqlite3_column_text(st, 3));
	snprintf(ev->time, sizeof(ev->time), "%s", sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
}

static long long
num(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_integer(v))
		fail_msg("%s is not a number", name);
	return json_integer_value(v);
}

static const char *
text(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	if (s == NULL)
		fail_msg("%s is not a string", name);
	return s;
}

static void
test_config_parse(void **state)
{
	struct timer_config cfg;
	char                why[128];

	(void)state;
	assert_int_equal(timer_config_parse(&cfg, "90,30,7", why, sizeof(why)),
	    0);
	assert_int_equal(cfg.nleads, 3);
	assert_int_equal(cfg.leads[0], 90);
	assert_int_equal(cfg.leads[2], 7);
	/* The same lead twice is one lead. */
	assert_int_equal(timer_config_parse(&cfg, "30,30", why, sizeof(why)),
	    0);
	assert_int_equal(cfg.nleads, 1);
	assert_int_equal(timer_config_parse(&cfg, "90,,7", why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "90,,7"));
	assert_int_equal(timer_config_parse(&cfg, "90,x", why, sizeof(why)),
	    -1);
	assert_int_equal(timer_config_parse(&cfg, "0", why, sizeof(why)), -1);
	assert_int_equal(timer_config_parse(&cfg, "7,", why, sizeof(why)), -1);
}

/* Leads 90, 30 and 7 each fire once, on their day and not before. */
static void
test_support_ending_leads(void **state)
{
	struct fixture *fx = *state;
	struct ev       ev;
	int64_t         cyc;
	char            subject[64];

	cyc = create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"2.x\", \"support_until\": \"2026-07-01\", "
	    "\"eol\": \"2027-01-01\"}");
	assert_int_equal(run_on(fx, "2026-03-02"), 0);
	/* 2026-07-01 less 90 days is 2026-04-02. */
	assert_int_equal(run_on(fx, "2026-04-01"), 0);
	assert_int_equal(run_on(fx, "2026-04-02"), 1);
	newest(fx, "cycle.support_ending", &ev);
	snprintf(subject, sizeof(subject), "solutions/wohngeld/cycles/%lld",
	    (long long)cyc);
	assert_string_equal(ev.subject, subject);
	assert_string_equal(ev.actor, "timer");
	assert_int_equal(ev.solution_id, fx->sol);
	assert_string_equal(ev.time, "2026-04-02T12:00:00Z");
	assert_int_equal(num(ev.payload, "lead"), 90);
	assert_int_equal(num(ev.payload, "days_left"), 90);
	assert_string_equal(text(ev.payload, "support_until"), "2026-07-01");
	assert_string_equal(text(ev.payload, "due_on"), "2026-04-02");
	assert_string_equal(text(json_object_get(ev.payload, "cycle"), "name"),
	    "2.x");
	json_decref(ev.payload);

	/* The same day again, and the days after: nothing new. */
	assert_int_equal(run_on(fx, "2026-04-02"), 0);
	assert_int_equal(run_on(fx, "2026-04-03"), 0);
	assert_int_equal(run_on(fx, "2026-05-31"), 0);
	assert_int_equal(run_on(fx, "2026-06-01"), 1);
	newest(fx, "cycle.support_ending", &ev);
	assert_int_equal(num(ev.payload, "lead"), 30);
	assert_int_equal(num(ev.payload, "days_left"), 30);
	json_decref(ev.payload);
	assert_int_equal(run_on(fx, "2026-06-23"), 0);
	assert_int_equal(run_on(fx, "2026-06-24"), 1);
	newest(fx, "cycle.support_ending", &ev);
	assert_int_equal(num(ev.payload, "lead"), 7);
	assert_int_equal(num(ev.payload, "days_left"), 7);
	json_decref(ev.payload);
	assert_int_equal(run_on(fx, "2026-06-30"), 0);
	assert_int_equal(run_on(fx, "2026-07-01"), 0);
	assert_int_equal(count(fx, "cycle.support_ending"), 3);
	assert_int_equal(count(fx, "cycle.eol_reached"), 0);
}

/* End of life fires on the day, once; a moved date fires again. */
static void
test_eol_reached(void **state)
{
	struct fixture *fx = *state;
	struct ev       ev;
	int64_t         cyc;

	cyc = create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"1.x\", \"eol\": \"2026-05-01\"}");
	assert_int_equal(run_on(fx, "2026-04-30"), 0);
	assert_int_equal(run_on(fx, "2026-05-01"), 1);
	assert_int_equal(run_on(fx, "2026-05-01"), 0);
	assert_int_equal(run_on(fx, "2026-05-20"), 0);
	newest(fx, "cycle.eol_reached", &ev);
	assert_string_equal(text(ev.payload, "eol"), "2026-05-01");
	assert_int_equal(ev.solution_id, fx->sol);
	json_decref(ev.payload);

	/* The owner extends security support: the new date fires anew. */
	update(fx, &res_cycle, fx->sol, cyc, "{\"eol\": \"2026-09-01\"}");
	assert_int_equal(run_on(fx, "2026-08-31"), 0);
	assert_int_equal(run_on(fx, "2026-09-01"), 1);
	assert_int_equal(run_on(fx, "2026-09-02"), 0);
	assert_int_equal(count(fx, "cycle.eol_reached"), 2);
	newest(fx, "cycle.eol_reached", &ev);
	assert_string_equal(text(ev.payload, "eol"), "2026-09-01");
	json_decref(ev.payload);
}

/* Overdue from the day after the planned date, until it is released. */
static void
test_release_overdue(void **state)
{
	struct fixture *fx = *state;
	struct ev       ev;
	int64_t         rel;
	char            subject[64];

	rel = create(fx, &res_release, fx->sol,
	    "{\"version\": \"2.1.0\", \"status\": \"planned\", "
	    "\"planned_date\": \"2026-04-10\"}");
	create(fx, &res_release, fx->sol,
	    "{\"version\": \"2.0.0\", \"status\": \"released\", "
	    "\"planned_date\": \"2026-03-01\", \"date\": \"2026-03-02\"}");
	assert_int_equal(run_on(fx, "2026-04-10"), 0);
	assert_int_equal(run_on(fx, "2026-04-11"), 1);
	assert_int_equal(run_on(fx, "2026-04-11"), 0);
	assert_int_equal(run_on(fx, "2026-04-30"), 0);
	assert_int_equal(count(fx, "release.overdue"), 1);
	newest(fx, "release.overdue", &ev);
	snprintf(subject, sizeof(subject), "solutions/wohngeld/releases/%lld",
	    (long long)rel);
	assert_string_equal(ev.subject, subject);
	assert_string_equal(text(ev.payload, "planned_date"), "2026-04-10");
	assert_int_equal(num(ev.payload, "days_overdue"), 1);
	assert_string_equal(text(json_object_get(ev.payload, "release"),
	                        "version"),
	    "2.1.0");
	json_decref(ev.payload);

	/* Replanned: overdue again after the new date; released: never. */
	update(fx, &res_release, fx->sol, rel,
	    "{\"planned_date\": \"2026-05-15\"}");
	assert_int_equal(run_on(fx, "2026-05-16"), 1);
	update(fx, &res_release, fx->sol, rel,
	    "{\"planned_date\": \"2026-06-01\"}");
	update(fx, &res_release, fx->sol, rel,
	    "{\"status\": \"released\", \"date\": \"2026-05-20\"}");
	assert_int_equal(run_on(fx, "2026-06-10"), 0);
	assert_int_equal(count(fx, "release.overdue"), 2);
}

/* Open steps of running roll-ins only. */
static void
test_step_overdue(void **state)
{
	struct fixture *fx = *state;
	struct ev       ev;
	int64_t         run, stopped, step;
	char            subject[64];

	run = create(fx, &res_rollin, 0,
	    "{\"solution\": \"wohngeld\", \"adopter\": \"stadt-b\", "
	    "\"onboarding_team\": \"team\"}");
	stopped = create(fx, &res_rollin, 0,
	    "{\"solution\": \"wohngeld\", \"adopter\": \"stadt-a\", "
	    "\"onboarding_team\": \"team\"}");
	step = create(fx, &res_rollin_step, run,
	    "{\"position\": 1, \"step\": \"Kick-off\", \"role\": \"adopter\", "
	    "\"planned_date\": \"2026-04-10\"}");
	create(fx, &res_rollin_step, run,
	    "{\"position\": 2, \"step\": \"Vertrag\", \"role\": \"owner\", "
	    "\"planned_date\": \"2026-04-01\", \"done\": true}");
	create(fx, &res_rollin_step, stopped,
	    "{\"position\": 1, \"step\": \"Kick-off\", \"role\": \"adopter\", "
	    "\"planned_date\": \"2026-04-10\"}");
	update(fx, &res_rollin, 0, stopped, "{\"status\": \"aborted\"}");

	assert_int_equal(run_on(fx, "2026-04-10"), 0);
	assert_int_equal(run_on(fx, "2026-04-11"), 1);
	assert_int_equal(run_on(fx, "2026-04-12"), 0);
	assert_int_equal(count(fx, "rollin.step_overdue"), 1);
	newest(fx, "rollin.step_overdue", &ev);
	snprintf(subject, sizeof(subject), "rollins/%lld/steps/%lld",
	    (long long)run, (long long)step);
	assert_string_equal(ev.subject, subject);
	assert_int_equal(ev.solution_id, fx->sol);
	assert_string_equal(text(json_object_get(ev.payload, "rollin_step"),
	                        "step"),
	    "Kick-off");
	json_decref(ev.payload);
}

/*
 * Stale the day freshness says so (more than stale_days days), once; a
 * confirmation re-arms it; retired entries never go stale.
 */
static void
test_solution_stale(void **state)
{
	struct fixture *fx = *state;
	struct ev       ev;

	fx->cfg.stale_days = 30;
	create(fx, &res_solution, 0,
	    "{\"slug\": \"alt\", \"name\": \"Altverfahren\", "
	    "\"owner\": \"stadt-a\", \"maturity\": \"retired\"}");
	assert_int_equal(run_on(fx, "2026-04-01"), 0);
	assert_int_equal(quality_age_days(NULL, "2026-03-02T10:00:00Z",
	                     clock_now()),
	    30);
	assert_int_equal(run_on(fx, "2026-04-02"), 1);
	assert_int_equal(run_on(fx, "2026-04-03"), 0);
	newest(fx, "solution.stale", &ev);
	assert_string_equal(ev.subject, "solutions/wohngeld");
	assert_int_equal(ev.solution_id, fx->sol);
	assert_int_equal(num(ev.payload, "days"), 31);
	assert_int_equal(num(ev.payload, "stale_after_days"), 30);
	assert_string_equal(text(json_object_get(ev.payload, "solution"),
	                        "slug"),
	    "wohngeld");
	json_decref(ev.payload);

	/* The owner confirms the entry: stale again 31 days later. */
	assert_int_equal(db_exec(fx->db,
	                     "UPDATE solutions SET confirmed_at = "
	                     "'2026-04-05T08:00:00Z' WHERE slug = 'wohngeld'"),
	    0);
	assert_int_equal(run_on(fx, "2026-05-05"), 0);
	assert_int_equal(run_on(fx, "2026-05-06"), 1);
	assert_int_equal(run_on(fx, "2026-06-30"), 0);
	assert_int_equal(count(fx, "solution.stale"), 2);
}

/*
 * The service was down across several due dates: the next run emits each
 * of them, once.
 */
static void
test_downtime(void **state)
{
	struct fixture *fx = *state;

	create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"3.x\", \"support_until\": \"2026-07-01\", "
	    "\"eol\": \"2026-08-01\"}");
	create(fx, &res_release, fx->sol,
	    "{\"version\": \"3.1.0\", \"status\": \"planned\", "
	    "\"planned_date\": \"2026-05-10\"}");
	assert_int_equal(run_on(fx, "2026-03-02"), 0);
	/* Down from March to 25 June: three support notices, one overdue. */
	assert_int_equal(run_on(fx, "2026-06-25"), 4);
	assert_int_equal(count(fx, "cycle.support_ending"), 3);
	assert_int_equal(count(fx, "release.overdue"), 1);
	assert_int_equal(run_on(fx, "2026-06-25"), 0);
	/* Down again past the end of life. */
	assert_int_equal(run_on(fx, "2026-08-20"), 1);
	assert_int_equal(count(fx, "cycle.eol_reached"), 1);
	assert_int_equal(run_on(fx, "2026-08-21"), 0);
	assert_int_equal(count(fx, "cycle.support_ending"), 3);
}

/* Records loaded with dates long past emit nothing for those dates. */
static void
test_old_dates_do_not_flood(void **state)
{
	struct fixture *fx = *state;

	create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"0.x\", \"support_until\": \"2019-06-01\", "
	    "\"eol\": \"2020-01-01\"}");
	create(fx, &res_release, fx->sol,
	    "{\"version\": \"0.9.0\", \"status\": \"planned\", "
	    "\"planned_date\": \"2019-12-01\"}");
	/* Support ends in 20 days: the 90 and 30 day notices are past. */
	create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"1.x\", \"support_until\": \"2026-03-22\"}");
	assert_int_equal(run_on(fx, "2026-03-02"), 0);
	assert_int_equal(run_on(fx, "2026-03-15"), 1);
	assert_int_equal(run_on(fx, "2026-04-15"), 0);
	assert_int_equal(count(fx, "cycle.support_ending"), 1);
	assert_int_equal(count(fx, "cycle.eol_reached"), 0);
	assert_int_equal(count(fx, "release.overdue"), 0);
}

/* A failed run emits nothing and records nothing; the next one catches up. */
static void
test_all_or_nothing(void **state)
{
	struct fixture *fx = *state;
	int             n = -1;

	create(fx, &res_cycle, fx->sol,
	    "{\"name\": \"1.x\", \"eol\": \"2026-05-01\"}");
	set_day("2026-05-02T12:00:00Z");
	/* Another connection holds the write lock: the run cannot begin. */
	assert_int_equal(db_exec(fx->db, "PRAGMA busy_timeout = 0"), 0);
	{
		struct rl_error err;
		struct db      *other = db_open(fx->path, 0, &err);

		assert_non_null(other);
		assert_int_equal(db_exec(other, "PRAGMA busy_timeout = 0"), 0);
		assert_int_equal(db_begin(other), 0);
		assert_int_equal(timers_run(fx->db, clock_now(), &fx->cfg, &n),
		    -1);
		assert_int_equal(n, 0);
		db_rollback(other);
		db_close(other);
	}
	assert_int_equal(count(fx, "cycle.eol_reached"), 0);
	assert_int_equal(run_on(fx, "2026-05-02"), 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		T(test_support_ending_leads),
		T(test_eol_reached),
		T(test_release_overdue),
		T(test_step_overdue),
		T(test_solution_stale),
		T(test_downtime),
		T(test_old_dates_do_not_flood),
		T(test_all_or_nothing),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
