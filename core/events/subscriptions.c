#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/subscriptions.h"
#include "store/db.h"
#include "util/log.h"

json_t *
subscriptions_event(struct db *db, int64_t event_id)
{
	sqlite3_stmt *st;
	json_t       *ev = NULL, *payload;

	st = db_prepare(db,
	    "SELECT e.id, e.time, e.type, e.subject, e.actor, s.slug, "
	    "e.payload FROM events e LEFT JOIN solutions s ON "
	    "s.id = e.solution_id WHERE e.id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, event_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		payload = json_loads(db_column_text(st, 6), 0, NULL);
		ev = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:o}", "id",
		    (json_int_t)sqlite3_column_int64(st, 0), "time",
		    db_column_text(st, 1), "type", db_column_text(st, 2),
		    "subject", db_column_text(st, 3), "actor",
		    db_column_text(st, 4), "solution", db_column_text(st, 5),
		    "payload", payload ? payload : json_null());
	}
	sqlite3_reset(st);
	return ev;
}

/* The recipients being gathered, and the (organisation, contact) seen. */
struct gather {
	json_t *items;
	json_t *seen;
};

static void
add(struct gather *g, const char *org, int64_t contact, const char *reason,
    int64_t subscription)
{
	char    key[160];
	json_t *item;

	snprintf(key, sizeof(key), "%s\n%lld", org, (long long)contact);
	if (json_object_get(g->seen, key) != NULL)
		return;
	json_object_set_new(g->seen, key, json_true());
	item = json_pack("{s:s, s:o, s:s}", "organisation", org, "contact",
	    contact > 0 ? json_integer(contact) : json_null(), "reason",
	    reason);
	if (subscription > 0)
		json_object_set_new(item, "subscription",
		    json_integer(subscription));
	json_array_append_new(g->items, item);
}

/*
 * Explicit subscriptions: a type pattern matches exactly or, ending in
 * "*", as a prefix ("cycle.*" matches "cycle.eol_reached"). An event of no
 * solution (slug NULL) matches only subscriptions to every solution.
 */
static int
explicit_subscribers(struct db *db, const char *type, const char *slug,
    struct gather *g)
{
	sqlite3_stmt *st;
	int           rc;

	st = db_prepare(db,
	    "SELECT sub.id, o.slug, sub.contact_id FROM subscriptions sub "
	    "JOIN organisations o ON o.id = sub.organisation_id "
	    "WHERE (json_array_length(sub.event_types) = 0 OR EXISTS "
	    "(SELECT 1 FROM json_each(sub.event_types) t WHERE t.value = ?1 "
	    "OR (substr(t.value, -1) = '*' AND substr(?1, 1, "
	    "length(t.value) - 1) = substr(t.value, 1, length(t.value) - 1)))) "
	    "AND (json_array_length(sub.solutions) = 0 OR EXISTS "
	    "(SELECT 1 FROM json_each(sub.solutions) s WHERE s.value = ?2)) "
	    "ORDER BY sub.id");
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, type);
	db_bind_text(st, 2, slug);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(g, db_column_text(st, 1), sqlite3_column_int64(st, 2),
		    "subscription", sqlite3_column_int64(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Every organisation using the solution (an adoption not stopped). */
static int
adopters(struct db *db, int64_t solution_id, struct gather *g)
{
	sqlite3_stmt *st;
	int           rc;

	st = db_prepare(db,
	    "SELECT o.slug FROM adoptions a "
	    "JOIN organisations o ON o.id = a.organisation_id "
	    "WHERE a.solution_id = ? AND a.status <> 'stopped' "
	    "ORDER BY o.slug");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, solution_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(g, db_column_text(st, 0), 0, "adopter", 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
onboarding_team(struct db *db, int64_t rollin_id, struct gather *g)
{
	sqlite3_stmt *st;
	int           rc;

	st = db_prepare(db,
	    "SELECT o.slug FROM rollins r "
	    "JOIN organisations o ON o.id = r.onboarding_team_id "
	    "WHERE r.id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, rollin_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		add(g, db_column_text(st, 0), 0, "onboarding_team", 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/*
 * The roll-in an event is about: its subject is "rollins/<id>" or below
 * it; failing that, a rollin.* event names it in its payload. 0 if none.
 */
static int64_t
rollin_of(const char *type, const char *subject, json_t *payload)
{
	const char *p;
	char       *end;
	long long   id;

	if (strncmp(subject, "rollins/", 8) == 0) {
		p = subject + 8;
		id = strtoll(p, &end, 10);
		if (end != p && id > 0 && (*end == '\0' || *end == '/'))
			return id;
	}
	if (strncmp(type, "rollin.", 7) == 0 &&
	    json_is_integer(json_object_get(payload, "rollin")))
		return json_integer_value(json_object_get(payload, "rollin"));
	return 0;
}

json_t *
subscriptions_recipients(struct db *db, int64_t event_id)
{
	struct gather g = { NULL, NULL };
	sqlite3_stmt *st;
	json_t       *ev;
	const char   *type, *subject, *slug;
	int64_t       solution_id, rollin_id;
	int           rc = 0;

	st =
	    db_prepare(db, "SELECT e.solution_id FROM events e WHERE e.id = ?");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, event_id);
	solution_id =
	    sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	if (solution_id == -1 ||
	    (ev = subscriptions_event(db, event_id)) == NULL)
		return NULL;
	type = json_string_value(json_object_get(ev, "type"));
	subject = json_string_value(json_object_get(ev, "subject"));
	slug = json_string_value(json_object_get(ev, "solution"));

	g.items = json_array();
	g.seen = json_object();
	if (explicit_subscribers(db, type, slug, &g) == -1)
		rc = -1;
	if (rc == 0 && solution_id > 0 &&
	    (strcmp(type, "release.published") == 0 ||
	        strncmp(type, "cycle.", 6) == 0))
		rc = adopters(db, solution_id, &g);
	rollin_id = rollin_of(type, subject, json_object_get(ev, "payload"));
	if (rc == 0 && rollin_id > 0)
		rc = onboarding_team(db, rollin_id, &g);
	json_decref(ev);
	json_decref(g.seen);
	if (rc == -1) {
		log_warnx("recipients of event %lld: %s", (long long)event_id,
		    sqlite3_errmsg(db_handle(db)));
		json_decref(g.items);
		return NULL;
	}
	return g.items;
}
