/*
 * events/delivery: backoff, event-type filters, and what a notifier sees
 * on a real (temporary) database: events in order, one at a time; the
 * cursor moving only past delivered or dead-lettered events; retries
 * waiting for their backoff; dead letters sent back by an admin; an
 * attempt cut off by a stop sent again by the next start; recipients with
 * their e-mail addresses. The notifier is a mock C plugin whose run()
 * answers as each test scripts it.
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
#include <unistd.h>

#include "fixture.h"
#include "domain/resource.h"
#include "events/delivery.h"
#include "events/outbox.h"
#include "events/retention.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/log.h"

#define T0 1772445600000LL /* 2026-03-02T10:00:00Z in ms */

/* ---- the mock notifier ------------------------------------------------- */

#define MOCK_MAX 32

struct mock {
	enum rollin_status  script[MOCK_MAX]; /* answer of the n-th run */
	int                 nscript;          /* after the script: OK */
	int                 runs;
	int64_t             seen[MOCK_MAX];   /* event ids, in order of runs */
	char                recipients[2048]; /* of the last run */
	struct rollin_call *pending;          /* a run that answered PENDING */
};

static struct mock mock;

static enum rollin_status
mock_run(void *state, struct rollin_call *call)
{
	json_t            *ev = json_loads(plugin_host.event(call), 0, NULL);
	enum rollin_status rc;

	(void)state;
	assert_non_null(ev);
	if (mock.runs < MOCK_MAX)
		mock.seen[mock.runs] =
		    json_integer_value(json_object_get(ev, "id"));
	json_decref(ev);
	snprintf(mock.recipients, sizeof(mock.recipients), "%s",
	    plugin_host.recipients(call));
	rc = mock.runs < mock.nscript ? mock.script[mock.runs] : ROLLIN_OK;
	mock.runs++;
	if (rc == ROLLIN_PENDING)
		mock.pending = call;
	else if (rc == ROLLIN_FAILED)
		plugin_host.log(call, ROLLIN_LOG_ERROR,
		    "HTTP 500 from the mock");
	return rc;
}

static const struct rollin_plugin mock_desc = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "mock",
	.kind = ROLLIN_NOTIFIER,
	.run = mock_run,
};

/* ---- fixture ------------------------------------------------------------- */

struct fixture {
	char                   dir[FIXTURE_DIR_LEN];
	char                   path[FIXTURE_PATH_LEN];
	struct db             *db;
	struct plugin          plugin;
	struct plugin_registry reg;
	struct delivery       *d;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if ((fx->db = fixture_db_open("delivery", fx->dir, fx->path)) == NULL) {
		free(fx);
		return -1;
	}
	memset(&mock, 0, sizeof(mock));
	snprintf(fx->plugin.name, sizeof(fx->plugin.name), "mock");
	fx->plugin.language = "c";
	fx->plugin.kind = ROLLIN_NOTIFIER;
	fx->plugin.state = PLUGIN_LOADED;
	fx->plugin.desc = &mock_desc;
	fx->plugin.settings = json_object();
	fx->reg.items = &fx->plugin;
	fx->reg.n = 1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	delivery_stop(fx->d);
	json_decref(fx->plugin.settings);
	fixture_db_close(fx->db, fx->dir);
	free(fx);
	return 0;
}

static void
set(struct fixture *fx, const char *key, json_t *value)
{
	json_object_set_new(fx->plugin.settings, key, value);
}

static void
start(struct fixture *fx)
{
	fx->d = delivery_start(NULL, fx->db, &fx->reg);
	assert_non_null(fx->d);
}

static int64_t
append(struct fixture *fx, const char *type)
{
	json_t *payload = json_pack("{s:s}", "what", type);
	int64_t id =
	    outbox_append(fx->db, type, "solutions/x", "test", 0, payload);

	json_decref(payload);
	assert_true(id > 0);
	return id;
}

static int64_t
query_int(struct fixture *fx, const char *sql, const char *text)
{
	sqlite3_stmt *st;
	int64_t       v = -1;

	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db), sql, -1, &st,
	                     NULL),
	    SQLITE_OK);
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
cursor(struct fixture *fx)
{
	return query_int(fx,
	    "SELECT last_event_id FROM delivery_cursors "
	    "WHERE subscriber = 'mock'",
	    NULL);
}

/* The state and attempts of the mock's delivery of event id. */
static void
row(struct fixture *fx, int64_t id, char *state, size_t len, int *attempts,
    char *next, size_t nextlen)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT state, attempts, next_attempt_at FROM "
	                     "deliveries WHERE subscriber = 'mock' AND "
	                     "event_id = ?",
	                     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no delivery row for event %lld", (long long)id);
	snprintf(state, len, "%s", sqlite3_column_text(st, 0));
	*attempts = sqlite3_column_int(st, 1);
	if (next)
		snprintf(next, nextlen, "%s",
		    sqlite3_column_text(st, 2)
		        ? (const char *)sqlite3_column_text(st, 2)
		        : "");
	sqlite3_finalize(st);
}

/* ---- pure functions ------------------------------------------------------ */

static void
test_backoff_doubles_up_to_the_cap(void **state)
{
	struct delivery_policy p;
	char                   err[256];

	(void)state;
	assert_int_equal(delivery_policy_parse(&p, "x", NULL, err, sizeof(err)),
	    0);
	assert_true(delivery_backoff(&p, 1) == 2);
	assert_true(delivery_backoff(&p, 2) == 4);
	assert_true(delivery_backoff(&p, 3) == 8);
	assert_true(delivery_backoff(&p, 11) == 2048);
	assert_true(delivery_backoff(&p, 12) == 3600); /* 4096 capped */
	assert_true(delivery_backoff(&p, 1000) == 3600);
	p.backoff_base = 0.2;
	p.backoff_max = 1;
	assert_true(
	    delivery_backoff(&p, 1) > 0.199 && delivery_backoff(&p, 1) < 0.201);
	assert_true(
	    delivery_backoff(&p, 3) > 0.799 && delivery_backoff(&p, 3) < 0.801);
	assert_true(delivery_backoff(&p, 4) == 1);
}

static void
test_settings_are_checked(void **state)
{
	struct delivery_policy p;
	char                   err[256];
	json_t                *s;

	(void)state;
	assert_int_equal(delivery_policy_parse(&p, "x", NULL, err, sizeof(err)),
	    0);
	assert_true(p.backoff_base == 2 && p.backoff_max == 3600);
	assert_int_equal(p.max_attempts, 8);
	assert_int_equal(p.timeout_ms, 60000);
	assert_int_equal(p.history, 0);
	assert_string_equal(p.event_types, "");

	/* YAML gives whole numbers as integers and decimals as text. */
	s = json_pack("{s:s, s:i, s:i, s:s, s:s, s:b}", "backoff_base", "0.25",
	    "backoff_max", 5, "max_attempts", 3, "event_types", "cycle.*",
	    "timeout_ms", "1500", "history", 1);
	assert_int_equal(delivery_policy_parse(&p, "x", s, err, sizeof(err)),
	    0);
	assert_true(p.backoff_base == 0.25 && p.backoff_max == 5);
	assert_int_equal(p.max_attempts, 3);
	assert_int_equal(p.timeout_ms, 1500);
	assert_int_equal(p.history, 1);
	assert_string_equal(p.event_types, "cycle.*");
	json_decref(s);

	s = json_pack("{s:s}", "backoff_base", "soon");
	assert_int_equal(delivery_policy_parse(&p, "webhook", s, err,
	                     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "plugins.webhook.backoff_base"));
	assert_non_null(strstr(err, "'soon'"));
	json_decref(s);
	s = json_pack("{s:i}", "max_attempts", 0);
	assert_int_equal(delivery_policy_parse(&p, "x", s, err, sizeof(err)),
	    -1);
	json_decref(s);
	s = json_pack("{s:s}", "max_attempts", "2.5");
	assert_int_equal(delivery_policy_parse(&p, "x", s, err, sizeof(err)),
	    -1);
	json_decref(s);
	s = json_pack("{s:s}", "history", "maybe");
	assert_int_equal(delivery_policy_parse(&p, "x", s, err, sizeof(err)),
	    -1);
	json_decref(s);
}

static void
test_event_type_patterns(void **state)
{
	(void)state;
	assert_true(delivery_type_matches("", "release.published"));
	assert_true(delivery_type_matches(NULL, "release.published"));
	assert_true(delivery_type_matches(" , ", "release.published"));
	assert_true(delivery_type_matches("*", "solution.created"));
	assert_true(
	    delivery_type_matches("release.published", "release.published"));
	assert_false(
	    delivery_type_matches("release.published", "release.published2"));
	assert_false(delivery_type_matches("release.published", "release"));
	assert_true(delivery_type_matches("cycle.*", "cycle.eol_reached"));
	assert_false(delivery_type_matches("cycle.*", "cycles.eol"));
	assert_false(delivery_type_matches("cycle.*", "release.published"));
	assert_true(delivery_type_matches(" release.published , cycle.* ",
	    "cycle.support_ending"));
	assert_true(delivery_type_matches(" release.published , cycle.* ",
	    "release.published"));
	assert_false(delivery_type_matches(" release.published , cycle.* ",
	    "solution.stale"));
}

/* ---- the engine on a database --------------------------------------------- */

static void
test_events_arrive_in_order_and_the_cursor_follows(void **state)
{
	struct fixture *fx = *state;
	int64_t         before = append(fx, "solution.created"), e[3];
	char            st[16];
	int             attempts;

	start(fx);
	/* A new notifier starts at the end of the log. */
	assert_int_equal(cursor(fx), before);
	assert_int_equal(delivery_poll(fx->d, T0), 0);
	for (int i = 0; i < 3; i++)
		e[i] = append(fx, "release.published");
	/* One attempt per poll and subscriber: the order is the log's. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(delivery_poll(fx->d, T0 + i), 1);
	assert_int_equal(delivery_poll(fx->d, T0 + 3), 0);
	assert_int_equal(mock.runs, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mock.seen[i], e[i]);
		row(fx, e[i], st, sizeof(st), &attempts, NULL, 0);
		assert_string_equal(st, "delivered");
		assert_int_equal(attempts, 1);
	}
	assert_int_equal(cursor(fx), e[2]);
}

static void
test_failures_back_off_then_dead_letter_and_move_on(void **state)
{
	struct fixture *fx = *state;
	int64_t         e1, e2, id;
	char            st[16], next[32];
	int             attempts;
	struct rl_error err;

	set(fx, "backoff_base", json_string("1"));
	set(fx, "max_attempts", json_integer(3));
	start(fx);
	e1 = append(fx, "release.published");
	e2 = append(fx, "release.published");
	mock.nscript = 3;
	mock.script[0] = mock.script[1] = mock.script[2] = ROLLIN_FAILED;

	assert_int_equal(delivery_poll(fx->d, T0), 1);
	row(fx, e1, st, sizeof(st), &attempts, next, sizeof(next));
	assert_string_equal(st, "retrying");
	assert_int_equal(attempts, 1);
	assert_string_equal(next, "2026-03-02T10:00:01.000Z");
	assert_int_equal(cursor(fx), e1 - 1);

	/* Waiting for the backoff: e2 does not overtake e1. */
	assert_int_equal(delivery_poll(fx->d, T0 + 999), 0);
	assert_int_equal(mock.runs, 1);
	assert_int_equal(delivery_poll(fx->d, T0 + 1000), 1);
	row(fx, e1, st, sizeof(st), &attempts, next, sizeof(next));
	assert_int_equal(attempts, 2);
	assert_string_equal(next, "2026-03-02T10:00:03.000Z"); /* +2 s */
	assert_int_equal(delivery_poll(fx->d, T0 + 2999), 0);
	assert_int_equal(delivery_poll(fx->d, T0 + 3000), 1);

	/* Third failure of three: a dead letter, and the cursor moves on. */
	row(fx, e1, st, sizeof(st), &attempts, next, sizeof(next));
	assert_string_equal(st, "dead");
	assert_int_equal(attempts, 3);
	assert_string_equal(next, "");
	assert_int_equal(cursor(fx), e1);
	assert_int_equal(query_int(fx,
	                     "SELECT count(*) FROM deliveries WHERE "
	                     "last_error LIKE '%HTTP 500%'",
	                     NULL),
	    1);
	assert_int_equal(delivery_poll(fx->d, T0 + 3001), 1);
	assert_int_equal(mock.seen[3], e2);
	row(fx, e2, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "delivered");
	assert_int_equal(cursor(fx), e2);

	/* Only a dead letter can be sent back. */
	id = query_int(fx, "SELECT id FROM deliveries WHERE state = ?", "dead");
	assert_int_equal(delivery_retry(fx->db, id + 1, &err), -1);
	assert_int_equal(err.status, 409); /* e2's row: delivered */
	assert_int_equal(delivery_retry(fx->db, 9999, &err), -1);
	assert_int_equal(err.status, 404);
	assert_int_equal(delivery_retry(fx->db, id, &err), 0);
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "retrying");
	assert_int_equal(attempts, 0);
	assert_int_equal(delivery_retry(fx->db, id, &err), -1);
	assert_int_equal(err.status, 409);

	/* Sent back, it goes out again though the cursor is past it. */
	assert_int_equal(delivery_poll(fx->d, delivery_now_ms() + 1), 1);
	assert_int_equal(mock.seen[4], e1);
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "delivered");
	assert_int_equal(attempts, 1);
	assert_int_equal(cursor(fx), e2);
}

static void
test_unwanted_types_are_stepped_over(void **state)
{
	struct fixture *fx = *state;
	int64_t         a, b, c;

	set(fx, "event_types", json_string("release.published, cycle.*"));
	start(fx);
	append(fx, "solution.created");
	a = append(fx, "release.published");
	append(fx, "solution.updated");
	b = append(fx, "cycle.eol_reached");
	c = append(fx, "contact.created");
	while (delivery_poll(fx->d, T0) > 0)
		;
	assert_int_equal(mock.runs, 2);
	assert_int_equal(mock.seen[0], a);
	assert_int_equal(mock.seen[1], b);
	/* Nothing more it wants: the cursor is past everything. */
	assert_int_equal(cursor(fx), c);
	assert_int_equal(query_int(fx, "SELECT count(*) FROM deliveries", NULL),
	    2);
}

static void
test_pending_attempt_blocks_until_finished(void **state)
{
	struct fixture *fx = *state;
	int64_t         e1, e2;
	char            st[16];
	int             attempts;

	start(fx);
	e1 = append(fx, "release.published");
	e2 = append(fx, "release.published");
	mock.nscript = 1;
	mock.script[0] = ROLLIN_PENDING;
	assert_int_equal(delivery_poll(fx->d, T0), 1);
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "pending");
	assert_int_equal(attempts, 0);
	/* In flight: nothing else starts, whatever the time. */
	assert_int_equal(delivery_poll(fx->d, T0 + 100000), 0);
	assert_non_null(mock.pending);
	plugin_host.finish(mock.pending, ROLLIN_OK, NULL);
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "delivered");
	assert_int_equal(attempts, 1);
	assert_int_equal(cursor(fx), e1);
	assert_int_equal(delivery_poll(fx->d, T0 + 100001), 1);
	assert_int_equal(mock.seen[1], e2);
}

static void
test_attempt_cut_off_by_a_stop_is_sent_again(void **state)
{
	struct fixture *fx = *state;
	int64_t         e1;
	char            st[16];
	int             attempts;

	start(fx);
	e1 = append(fx, "release.published");
	mock.nscript = 1;
	mock.script[0] = ROLLIN_PENDING;
	assert_int_equal(delivery_poll(fx->d, T0), 1);
	/* The service stops; the I/O is cancelled afterwards (net_free). */
	delivery_stop(fx->d);
	fx->d = NULL;
	plugin_host.finish(mock.pending, ROLLIN_FAILED, "shutting down");
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "pending");
	assert_int_equal(attempts, 0);
	assert_int_equal(cursor(fx), e1 - 1);

	/* The next start goes on from the stored cursor, not the log's end. */
	append(fx, "solution.updated");
	start(fx);
	assert_int_equal(cursor(fx), e1 - 1);
	assert_int_equal(delivery_poll(fx->d, T0 + 1), 1);
	assert_int_equal(mock.seen[1], e1);
	row(fx, e1, st, sizeof(st), &attempts, NULL, 0);
	assert_string_equal(st, "delivered");
	assert_int_equal(attempts, 1);
}

static void
test_status_counts_what_waits(void **state)
{
	struct fixture *fx = *state;
	json_t         *items, *it, *plugins;

	set(fx, "max_attempts", json_integer(1));
	set(fx, "event_types", json_string("release.*"));
	start(fx);
	append(fx, "release.published");
	append(fx, "release.published");
	append(fx, "solution.updated");
	append(fx, "release.overdue");
	mock.nscript = 1;
	mock.script[0] = ROLLIN_FAILED;
	assert_int_equal(delivery_poll(fx->d, T0), 1); /* dead at once */
	assert_int_equal(delivery_poll(fx->d, T0), 1); /* delivered */

	plugins = json_pack("{s:O}", "mock", fx->plugin.settings);
	items = delivery_status(fx->db, plugins);
	json_decref(plugins);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 1);
	it = json_array_get(items, 0);
	assert_string_equal(json_string_value(
	                        json_object_get(it, "subscriber")),
	    "mock");
	assert_int_equal(json_integer_value(json_object_get(it, "cursor")),
	    cursor(fx));
	assert_int_equal(json_integer_value(
	                     json_object_get(it, "last_event_id")),
	    query_int(fx, "SELECT max(id) FROM events", NULL));
	/* Left: release.overdue (solution.updated is not wanted). */
	assert_int_equal(json_integer_value(json_object_get(it, "pending")), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "dead")), 1);
	assert_int_equal(json_integer_value(json_object_get(it, "delivered")),
	    1);
	json_decref(items);
}

static int64_t
create(struct fixture *fx, const struct resource *res, const char *text)
{
	struct principal admin = { .role = ROLE_ADMIN };
	struct record    r;
	struct rl_error  err = { 0 };
	json_t          *body = json_loads(text, 0, NULL);
	int64_t          id;

	snprintf(admin.actor, sizeof(admin.actor), "admin@test#1");
	assert_non_null(body);
	if (record_create(fx->db, res, 0, body, &admin, &r, &err) != 0)
		fail_msg("create %s: %s", text, err.message);
	id = r.id;
	record_clear(&r);
	json_decref(body);
	return id;
}

/* An organisation as a recipient stands for its contacts with addresses. */
static void
test_recipients_carry_email_addresses(void **state)
{
	struct fixture *fx = *state;
	json_t         *rs, *it;
	size_t          i;
	int             anna = 0, bert = 0;

	create(fx, &res_organisation,
	    "{\"slug\": \"stadt-a\", \"name\": \"Stadt A\", "
	    "\"kind\": \"municipal\"}");
	create(fx, &res_contact,
	    "{\"organisation\": \"stadt-a\", \"name\": \"Anna\", "
	    "\"email\": \"anna@stadt-a.example\"}");
	create(fx, &res_contact,
	    "{\"organisation\": \"stadt-a\", \"name\": \"Bert\", "
	    "\"email\": \"bert@stadt-a.example\"}");
	create(fx, &res_contact,
	    "{\"organisation\": \"stadt-a\", \"name\": \"Ohne Adresse\"}");
	create(fx, &res_subscription,
	    "{\"organisation\": \"stadt-a\", \"event_types\": [\"test.*\"]}");
	set(fx, "event_types", json_string("test.*"));
	start(fx);
	append(fx, "test.happened");
	assert_int_equal(delivery_poll(fx->d, T0), 1);
	rs = json_loads(mock.recipients, 0, NULL);
	assert_non_null(rs);
	assert_int_equal(json_array_size(rs), 2);
	json_array_foreach(rs, i, it)
	{
		const char *email =
		    json_string_value(json_object_get(it, "email"));
		assert_string_equal(json_string_value(json_object_get(it,
		                        "organisation_name")),
		    "Stadt A");
		assert_string_equal(json_string_value(
		                        json_object_get(it, "reason")),
		    "subscription");
		assert_non_null(email);
		anna += strcmp(email, "anna@stadt-a.example") == 0;
		bert += strcmp(email, "bert@stadt-a.example") == 0;
	}
	assert_int_equal(anna, 1);
	assert_int_equal(bert, 1);
	json_decref(rs);
}

/* Retention: delivered rows older than the cutoff go, batch by batch. */
static void
test_prune_removes_old_delivered_rows_only(void **state)
{
	struct fixture *fx = *state;
	int64_t         dead;

	set(fx, "max_attempts", json_integer(1));
	start(fx);
	dead = append(fx, "release.published");
	for (int i = 0; i < 5; i++)
		append(fx, "release.published");
	mock.nscript = 1;
	mock.script[0] = ROLLIN_FAILED;
	for (int i = 0; i < 6; i++)
		assert_int_equal(delivery_poll(fx->d, T0), 1);
	assert_int_equal(query_int(fx,
	                     "SELECT count(*) FROM deliveries WHERE state = ?",
	                     "delivered"),
	    5);

	/* Not older than the cutoff: nothing goes. */
	assert_int_equal(delivery_prune(fx->db, T0, 2), 0);
	assert_int_equal(delivery_prune(fx->db, T0 + 1, 2), 2);
	assert_int_equal(delivery_prune(fx->db, T0 + 1, 2), 2);
	assert_int_equal(delivery_prune(fx->db, T0 + 1, 2), 1);
	assert_int_equal(delivery_prune(fx->db, T0 + 1, 2), 0);
	/* The dead letter stays, and the cursor did not move back. */
	assert_int_equal(query_int(fx, "SELECT count(*) FROM deliveries", NULL),
	    1);
	assert_int_equal(query_int(fx,
	                     "SELECT event_id FROM deliveries WHERE state = ?",
	                     "dead"),
	    dead);
	assert_int_equal(cursor(fx), dead + 5);
	assert_int_equal(delivery_poll(fx->d, T0 + 1000), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_doubles_up_to_the_cap),
		cmocka_unit_test(test_settings_are_checked),
		cmocka_unit_test(test_event_type_patterns),
		cmocka_unit_test_setup_teardown(
		    test_events_arrive_in_order_and_the_cursor_follows, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_failures_back_off_then_dead_letter_and_move_on, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_unwanted_types_are_stepped_over, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_pending_attempt_blocks_until_finished, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_attempt_cut_off_by_a_stop_is_sent_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_status_counts_what_waits,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_recipients_carry_email_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_prune_removes_old_delivered_rows_only, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
