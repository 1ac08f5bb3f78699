/*
 * events/subscriptions: who receives an event. Explicit subscriptions by
 * exact type or family and by solution; the defaults (adopters get their
 * solution's releases and cycle events, the onboarding team its roll-in's
 * events); one entry per organisation and contact; stopped adopters and
 * other solutions' subscribers left out.
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
#include "events/outbox.h"
#include "events/subscriptions.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/log.h"

struct fixture {
	char             dir[FIXTURE_DIR_LEN];
	char             path[FIXTURE_PATH_LEN];
	struct db       *db;
	struct principal admin;
	int64_t          sol, other, contact_b;
};

static int64_t
create(struct fixture *fx, const struct resource *res, int64_t parent,
    const char *text)
{
	return fixture_create(fx->db, res, parent, text, &fx->admin);
}

#define ORG(slug)                                    \
	"{\"slug\": \"" slug "\", \"name\": \"" slug \
	"\", \"kind\": \"municipal\"}"

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	time_t          t;
	char            body[256];

	if (fx == NULL)
		return -1;
	if ((fx->db = fixture_db_open("subs", fx->dir, fx->path)) == NULL) {
		free(fx);
		return -1;
	}
	clock_parse_ts("2026-03-02T10:00:00Z", &t);
	clock_set(t);
	fx->admin.role = ROLE_ADMIN;
	snprintf(fx->admin.actor, sizeof(fx->admin.actor), "admin@test#1");
	*state = fx;

	create(fx, &res_organisation, 0, ORG("owner"));
	create(fx, &res_organisation, 0, ORG("stadt-a"));
	create(fx, &res_organisation, 0, ORG("stadt-b"));
	create(fx, &res_organisation, 0, ORG("stadt-c"));
	create(fx, &res_organisation, 0, ORG("stadt-d"));
	create(fx, &res_organisation, 0, ORG("stadt-e"));
	create(fx, &res_organisation, 0, ORG("team"));
	fx->contact_b = create(fx, &res_contact, 0,
	    "{\"organisation\": \"stadt-b\", \"name\": \"Eva Beispiel\"}");
	fx->sol = create(fx, &res_solution, 0,
	    "{\"slug\": \"wohngeld\", \"name\": \"Wohngeld\", "
	    "\"owner\": \"owner\", \"maturity\": \"production\"}");
	fx->other = create(fx, &res_solution, 0,
	    "{\"slug\": \"kita\", \"name\": \"Kita-Portal\", "
	    "\"owner\": \"owner\", \"maturity\": \"pilot\"}");

	/* stadt-a: every cycle event, of every solution. */
	create(fx, &res_subscription, 0,
	    "{\"organisation\": \"stadt-a\", \"event_types\": [\"cycle.*\"]}");
	/* stadt-b's contact: releases of wohngeld only. */
	snprintf(body, sizeof(body),
	    "{\"organisation\": \"stadt-b\", \"contact\": %lld, "
	    "\"event_types\": [\"release.published\"], "
	    "\"solutions\": [\"wohngeld\"]}",
	    (long long)fx->contact_b);
	create(fx, &res_subscription, 0, body);
	/* stadt-c: everything about kita. */
	create(fx, &res_subscription, 0,
	    "{\"organisation\": \"stadt-c\", \"solutions\": [\"kita\"]}");

	/* Users of wohngeld: a (live), d (stopped), e (evaluating). */
	create(fx, &res_adoption, fx->sol,
	    "{\"organisation\": \"stadt-a\", \"status\": \"live\"}");
	create(fx, &res_adoption, fx->sol,
	    "{\"organisation\": \"stadt-d\", \"status\": \"stopped\"}");
	create(fx, &res_adoption, fx->sol,
	    "{\"organisation\": \"stadt-e\", \"status\": \"evaluating\"}");
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

/* The id of the newest event of type (and subject prefix, if given). */
static int64_t
event_id(struct fixture *fx, const char *type, const char *subject)
{
	sqlite3_stmt *st;
	int64_t       id = 0;

	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT max(id) FROM events WHERE type = ?1 AND "
	                     "(?2 IS NULL OR subject = ?2)",
	                     -1, &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	if (subject)
		sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (id == 0)
		fail_msg("no %s event %s", type, subject ? subject : "");
	return id;
}

/*
 * The recipients as "org/contact:reason" lines joined by spaces, in the
 * order given ("-" for no contact), e.g. "stadt-a/-:subscription".
 */
static void
recipients(struct fixture *fx, int64_t ev, char *out, size_t len)
{
	json_t *items = subscriptions_recipients(fx->db, ev), *it;
	size_t  i, n = 0;
	char    contact[32];

	assert_non_null(items);
	out[0] = '\0';
	json_array_foreach(items, i, it)
	{
		json_t *c = json_object_get(it, "contact");
		json_t *sub = json_object_get(it, "subscription");

		if (json_is_integer(c))
			snprintf(contact, sizeof(contact), "%lld",
			    (long long)json_integer_value(c));
		else {
			assert_true(json_is_null(c));
			snprintf(contact, sizeof(contact), "-");
		}
		/* A subscription names itself; defaults name none. */
		assert_int_equal(json_is_integer(sub),
		    strcmp(json_string_value(json_object_get(it, "reason")),
		        "subscription") == 0);
		n += (size_t)snprintf(out + n, len - n, "%s%s/%s:%s",
		    i ? " " : "",
		    json_string_value(json_object_get(it, "organisation")),
		    contact, json_string_value(json_object_get(it, "reason")));
	}
	json_decref(items);
}

/*
 * A cycle event: the family subscriber, and the adopters that still use
 * the solution; stadt-a (subscriber and adopter) once; stadt-d (stopped)
 * and stadt-c (other solution) not.
 */
static void
test_cycle_event(void **state)
{
	struct fixture *fx = *state;
	char            got[512];

	create(fx, &res_cycle, fx->sol, "{\"name\": \"2.x\"}");
	recipients(fx, event_id(fx, "cycle.created", NULL), got, sizeof(got));
	assert_string_equal(got, "stadt-a/-:subscription stadt-e/-:adopter");
}

/* release.published: the contact's exact subscription and the adopters. */
static void
test_release_published(void **state)
{
	struct fixture *fx = *state;
	char            got[512], want[256];

	create(fx, &res_release, fx->sol,
	    "{\"version\": \"2.0.0\", \"status\": \"released\", "
	    "\"date\": \"2026-03-01\"}");
	recipients(fx, event_id(fx, "release.published", NULL), got,
	    sizeof(got));
	snprintf(want, sizeof(want),
	    "stadt-b/%lld:subscription stadt-a/-:adopter stadt-e/-:adopter",
	    (long long)fx->contact_b);
	assert_string_equal(got, want);
	/* Other release events go to nobody here: no defaults for them. */
	recipients(fx, event_id(fx, "release.created", NULL), got, sizeof(got));
	assert_string_equal(got, "");

	/* The same type on another solution: only kita's subscriber. */
	create(fx, &res_release, fx->other,
	    "{\"version\": \"1.0.0\", \"status\": \"released\", "
	    "\"date\": \"2026-03-01\"}");
	recipients(fx,
	    event_id(fx, "release.published", "solutions/kita/releases/2"), got,
	    sizeof(got));
	assert_string_equal(got, "stadt-c/-:subscription");
}

/*
 * A subscription to every event of every solution also gets events of no
 * solution; one limited to solutions does not.
 */
static void
test_event_without_solution(void **state)
{
	struct fixture *fx = *state;
	char            got[512];

	create(fx, &res_subscription, 0, "{\"organisation\": \"stadt-d\"}");
	create(fx, &res_organisation, 0, ORG("stadt-f"));
	recipients(fx,
	    event_id(fx, "organisation.created", "organisations/stadt-f"), got,
	    sizeof(got));
	assert_string_equal(got, "stadt-d/-:subscription");
}

/* The onboarding team gets the roll-in's events, and its steps'. */
static void
test_onboarding_team(void **state)
{
	struct fixture *fx = *state;
	char            got[512], subject[64];
	int64_t         r1, step;
	json_t         *payload;

	r1 = create(fx, &res_rollin, 0,
	    "{\"solution\": \"kita\", \"adopter\": \"stadt-b\", "
	    "\"onboarding_team\": \"team\"}");
	snprintf(subject, sizeof(subject), "rollins/%lld", (long long)r1);
	recipients(fx, event_id(fx, "rollin.created", subject), got,
	    sizeof(got));
	/* stadt-c subscribed to everything about kita. */
	assert_string_equal(got,
	    "stadt-c/-:subscription team/-:onboarding_team");

	step = create(fx, &res_rollin_step, r1,
	    "{\"position\": 1, \"step\": \"Kick-off\", \"role\": "
	    "\"adopter\"}");
	snprintf(subject, sizeof(subject), "rollins/%lld/steps/%lld",
	    (long long)r1, (long long)step);
	recipients(fx, event_id(fx, "rollin_step.created", subject), got,
	    sizeof(got));
	assert_string_equal(got,
	    "stadt-c/-:subscription team/-:onboarding_team");

	/*
	 * rollins/1 is not rollins/10: a roll-in whose id starts with the
	 * same digits is another team's.
	 */
	create(fx, &res_organisation, 0, ORG("team-2"));
	assert_int_equal(
	    db_exec(fx->db,
	        "INSERT INTO rollins (id, solution_id, adopter_id, "
	        "onboarding_team_id, status, created_at, "
	        "updated_at, updated_by) SELECT 10, s.id, a.id, "
	        "t.id, 'planned', 'x', 'x', 'x' FROM solutions s, "
	        "organisations a, organisations t WHERE s.slug = "
	        "'wohngeld' AND a.slug = 'stadt-a' AND t.slug = "
	        "'team-2'"),
	    0);
	assert_int_equal(r1, 1);
	payload = json_object();
	assert_true(outbox_append(fx->db, "rollin.blocker_raised",
	                "rollins/10/blockers/3", "test", 0, payload) > 0);
	json_decref(payload);
	recipients(fx, event_id(fx, "rollin.blocker_raised", NULL), got,
	    sizeof(got));
	assert_string_equal(got, "team-2/-:onboarding_team");
}

static void
test_unknown_event(void **state)
{
	struct fixture *fx = *state;

	assert_null(subscriptions_recipients(fx->db, 999999));
	assert_null(subscriptions_event(fx->db, 999999));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cycle_event),
		T(test_release_published),
		T(test_event_without_solution),
		T(test_onboarding_team),
		T(test_unknown_event),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
