/*
 * store/record: the generic create, update, delete and list of records
 * against a real (temporary) database: revisions and optimistic locking,
 * references, duplicates, one event per write in the same transaction,
 * keyset pagination, and who may write what.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/resource.h"
#include "fixture.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/log.h"

struct fixture {
	char             dir[FIXTURE_DIR_LEN];
	char             path[FIXTURE_PATH_LEN];
	struct db       *db;
	struct principal admin;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	time_t          t;

	if (fx == NULL)
		return -1;
	if ((fx->db = fixture_db_open("record", fx->dir, fx->path)) == NULL) {
		free(fx);
		return -1;
	}
	clock_parse_ts("2026-03-02T10:00:00Z", &t);
	clock_set(t);
	fx->admin.role = ROLE_ADMIN;
	snprintf(fx->admin.actor, sizeof(fx->admin.actor), "admin@test#1");
	*state = fx;
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

static long long
events(struct fixture *fx)
{
	return fixture_query_int(fx->db, "SELECT count(*) FROM events");
}

/* Type and subject of the newest event, "" if there is none. */
static void
last_event(struct fixture *fx, char *type, size_t typelen, char *subject,
    size_t subjlen)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT type, "
	                     "subject FROM events ORDER BY id DESC LIMIT 1",
	                     -1, &st, NULL),
	    SQLITE_OK);
	type[0] = subject[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(type, typelen, "%s", sqlite3_column_text(st, 0));
		snprintf(subject, subjlen, "%s", sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
}

/* Creates a record that must be accepted; returns its id. */
static int64_t
create(struct fixture *fx, const struct resource *res, int64_t parent,
    const char *text, const struct principal *who)
{
	return fixture_create(fx->db, res, parent, text, who);
}

/* Creates a record that must be refused; returns the error. */
static struct rl_error
create_fails(struct fixture *fx, const struct resource *res, int64_t parent,
    const char *text, const struct principal *who)
{
	struct record   r;
	struct rl_error err = { 0 };
	json_t         *body = fixture_json(text);
	int rc = record_create(fx->db, res, parent, body, who, &r, &err);

	json_decref(body);
	if (rc != -1) {
		record_clear(&r);
		fail_msg("create %s %s was accepted", res->name, text);
	}
	assert_null(r.doc);
	return err;
}

static int
update(struct fixture *fx, const struct resource *res, int64_t parent,
    const char *key, const char *text, int64_t if_match,
    const struct principal *who, struct record *out, struct rl_error *err)
{
	json_t *patch = fixture_json(text);
	int     rc;

	memset(err, 0, sizeof(*err));
	rc = record_update(fx->db, res, parent, key, patch, if_match, who, out,
	    err);
	json_decref(patch);
	return rc;
}

static const char *
str(const struct record *r, const char *name)
{
	return json_string_value(json_object_get(r->doc, name));
}

static void
expect_error(const struct rl_error *err, int status, const char *code,
    const char *field)
{
	if (err->status != status || strcmp(err->code, code) != 0 ||
	    strcmp(err->field, field) != 0)
		fail_msg("expected %d %s '%s', got %d %s '%s': %s", status,
		    code, field, err->status, err->code, err->field,
		    err->message);
}

#define ORG(slug, name)                              \
	"{\"slug\": \"" slug "\", \"name\": \"" name \
	"\", \"kind\": \"municipal\"}"
#define SOL(slug, name, owner, maturity)                     \
	"{\"slug\": \"" slug "\", "                          \
	"\"name\": \"" name "\", \"owner\": \"" owner "\", " \
	"\"maturity\": \"" maturity "\"}"

static void
test_create(void **state)
{
	struct fixture *fx = *state;
	struct record   r;
	struct rl_error err;
	char            type[64], subject[128];
	int64_t         org, sol;

	org = create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"),
	    &fx->admin);
	assert_true(org > 0);
	assert_int_equal(events(fx), 1);
	last_event(fx, type, sizeof(type), subject, sizeof(subject));
	assert_string_equal(type, "organisation.created");
	assert_string_equal(subject, "organisations/org-a");

	sol = create(fx, &res_solution, 0,
	    SOL("sol-a", "Wohngeld digital", "org-a", "pilot"), &fx->admin);
	assert_int_equal(events(fx), 2);
	last_event(fx, type, sizeof(type), subject, sizeof(subject));
	assert_string_equal(type, "solution.created");
	assert_string_equal(subject, "solutions/sol-a");

	assert_int_equal(record_get(fx->db, &res_solution, 0, "sol-a", &r,
	                     &err),
	    0);
	assert_int_equal(r.id, sol);
	assert_int_equal(r.rev, 1);
	/* The reference reads back by the organisation's key. */
	assert_string_equal(str(&r, "owner"), "org-a");
	assert_string_equal(str(&r, "name"), "Wohngeld digital");
	assert_string_equal(str(&r, "created_at"), "2026-03-02T10:00:00Z");
	assert_string_equal(str(&r, "updated_by"), "admin@test#1");
	assert_int_equal(json_integer_value(json_object_get(r.doc, "rev")), 1);
	/* Controlled by its owner, for access checks. */
	assert_int_equal(r.org_ids[0], org);
	record_clear(&r);

	assert_int_equal(record_get(fx->db, &res_solution, 0, "sol-x", &r,
	                     &err),
	    -1);
	expect_error(&err, 404, "not_found", "");
}

static void
test_update_revisions(void **state)
{
	struct fixture *fx = *state;
	struct record   r;
	struct rl_error err;
	char            type[64], subject[128];

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	create(fx, &res_solution, 0,
	    SOL("sol-a", "Erster Name", "org-a", "pilot"), &fx->admin);
	assert_int_equal(events(fx), 2);

	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"Zweiter Name\"}",
	                     1, &fx->admin, &r, &err),
	    0);
	assert_int_equal(r.rev, 2);
	assert_string_equal(str(&r, "name"), "Zweiter Name");
	record_clear(&r);
	assert_int_equal(events(fx), 3);
	last_event(fx, type, sizeof(type), subject, sizeof(subject));
	assert_string_equal(type, "solution.updated");

	/* A client still at revision 1 is refused and changes nothing. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"Dritter Name\"}",
	                     1, &fx->admin, &r, &err),
	    -1);
	expect_error(&err, 412, "stale", "");
	assert_null(r.doc);
	assert_int_equal(events(fx), 3);
	assert_int_equal(record_get(fx->db, &res_solution, 0, "sol-a", &r,
	                     &err),
	    0);
	assert_int_equal(r.rev, 2);
	assert_string_equal(str(&r, "name"), "Zweiter Name");
	record_clear(&r);

	/* A patch that changes nothing is no write: same revision, no event. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"Zweiter Name\"}",
	                     2, &fx->admin, &r, &err),
	    0);
	assert_int_equal(r.rev, 2);
	record_clear(&r);
	assert_int_equal(events(fx), 3);

	/* null clears an optional field. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"summary\": "
	                     "\"kurz\"}",
	                     2, &fx->admin, &r, &err),
	    0);
	record_clear(&r);
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"summary\": "
	                     "null}",
	                     3, &fx->admin, &r, &err),
	    0);
	assert_int_equal(r.rev, 4);
	assert_null(json_object_get(r.doc, "summary"));
	record_clear(&r);
	assert_int_equal(events(fx), 5);

	/* The slug is the key: it never changes. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"slug\": "
	                     "\"sol-b\"}",
	                     4, &fx->admin, &r, &err),
	    -1);
	expect_error(&err, 422, "immutable", "slug");
	assert_int_equal(events(fx), 5);

	/* A patch that fails validation changes nothing either. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"maturity\": "
	                     "\"beta\"}",
	                     4, &fx->admin, &r, &err),
	    -1);
	expect_error(&err, 422, "invalid_value", "maturity");
	assert_int_equal(events(fx), 5);

	assert_int_equal(update(fx, &res_solution, 0, "sol-x",
	                     "{\"name\": "
	                     "\"x\"}",
	                     1, &fx->admin, &r, &err),
	    -1);
	expect_error(&err, 404, "not_found", "");
}

static void
test_unknown_reference(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err;
	struct record   r;
	int64_t         sol;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	err = create_fails(fx, &res_solution, 0,
	    SOL("sol-a", "A", "org-nope", "pilot"), &fx->admin);
	expect_error(&err, 422, "unknown_reference", "owner");
	assert_non_null(strstr(err.message, "org-nope"));
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM solutions"),
	    0);
	assert_int_equal(events(fx), 1);

	sol = create(fx, &res_solution, 0, SOL("sol-a", "A", "org-a", "pilot"),
	    &fx->admin);
	/* A cycle is looked up by name within the same solution. */
	err = create_fails(fx, &res_release, sol,
	    "{\"version\": \"1.0\", "
	    "\"status\": \"planned\", \"planned_date\": \"2026-06-01\", "
	    "\"cycle\": \"1.x\"}",
	    &fx->admin);
	expect_error(&err, 422, "unknown_reference", "cycle");
	assert_int_equal(events(fx), 2);

	/* Moving a solution to an owner that does not exist. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"owner\": "
	                     "\"org-nope\"}",
	                     1, &fx->admin, &r, &err),
	    -1);
	expect_error(&err, 422, "unknown_reference", "owner");
	assert_int_equal(events(fx), 2);
}

static void
test_duplicate(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err;
	int64_t         sol;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	err = create_fails(fx, &res_organisation, 0, ORG("org-a", "Stadt B"),
	    &fx->admin);
	expect_error(&err, 409, "duplicate", "slug");
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM "
	                     "organisations"),
	    1);
	assert_int_equal(events(fx), 1);

	sol = create(fx, &res_solution, 0, SOL("sol-a", "A", "org-a", "pilot"),
	    &fx->admin);
	err = create_fails(fx, &res_solution, 0,
	    SOL("sol-a", "B", "org-a", "pilot"), &fx->admin);
	expect_error(&err, 409, "duplicate", "slug");
	assert_int_equal(events(fx), 2);

	/* A version exists once per solution. */
	create(fx, &res_release, sol,
	    "{\"version\": \"1.0\", \"status\": "
	    "\"planned\", \"planned_date\": \"2026-06-01\"}",
	    &fx->admin);
	err = create_fails(fx, &res_release, sol,
	    "{\"version\": \"1.0\", "
	    "\"status\": \"planned\", \"planned_date\": \"2026-07-01\"}",
	    &fx->admin);
	expect_error(&err, 409, "duplicate", "version");
	assert_int_equal(events(fx), 3);

	/*
	 * An organisation adopts a solution once. The error names the field
	 * as the client sends it ("organisation"), not the column behind it.
	 */
	create(fx, &res_adoption, sol,
	    "{\"organisation\": \"org-a\", "
	    "\"status\": \"evaluating\"}",
	    &fx->admin);
	err = create_fails(fx, &res_adoption, sol,
	    "{\"organisation\": "
	    "\"org-a\", \"status\": \"live\"}",
	    &fx->admin);
	expect_error(&err, 409, "duplicate", "organisation");
	assert_int_equal(events(fx), 4);
}

static void
test_delete_in_use(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err;
	struct record   r;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	create(fx, &res_organisation, 0, ORG("org-b", "Stadt B"), &fx->admin);
	create(fx, &res_solution, 0, SOL("sol-a", "A", "org-a", "pilot"),
	    &fx->admin);
	assert_int_equal(events(fx), 3);
	/* An organisation that owns a solution cannot vanish under it. */
	assert_int_equal(record_delete(fx->db, &res_organisation, 0, "org-a", 0,
	                     &fx->admin, &err),
	    -1);
	expect_error(&err, 409, "in_use", "");
	assert_int_equal(record_get(fx->db, &res_organisation, 0, "org-a", &r,
	                     &err),
	    0);
	record_clear(&r);
	assert_int_equal(events(fx), 3);
	/* One that nothing refers to can. */
	assert_int_equal(record_delete(fx->db, &res_organisation, 0, "org-b", 1,
	                     &fx->admin, &err),
	    0);
	assert_int_equal(events(fx), 4);
	assert_int_equal(record_get(fx->db, &res_organisation, 0, "org-b", &r,
	                     &err),
	    -1);
	expect_error(&err, 404, "not_found", "");
}

static void
test_events_per_write(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err;
	struct record   r;
	char            type[64], subject[128], key[32], sql[160];
	int64_t         sol, rel;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	sol = create(fx, &res_solution, 0, SOL("sol-a", "A", "org-a", "pilot"),
	    &fx->admin);
	assert_int_equal(events(fx), 2);

	/* A planned release: one event. */
	rel = create(fx, &res_release, sol,
	    "{\"version\": \"1.0\", "
	    "\"status\": \"planned\", \"planned_date\": \"2026-06-01\"}",
	    &fx->admin);
	assert_int_equal(events(fx), 3);
	last_event(fx, type, sizeof(type), subject, sizeof(subject));
	assert_string_equal(type, "release.created");
	snprintf(key, sizeof(key), "%lld", (long long)rel);
	snprintf(sql, sizeof(sql), "solutions/sol-a/releases/%s", key);
	assert_string_equal(subject, sql);

	/* Publishing it: the update and release.published. */
	assert_int_equal(update(fx, &res_release, sol, key,
	                     "{\"status\": "
	                     "\"released\", \"date\": \"2026-06-03\"}",
	                     1, &fx->admin, &r, &err),
	    0);
	record_clear(&r);
	assert_int_equal(events(fx), 5);
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM events "
	                     "WHERE type = 'release.published'"),
	    1);
	/* Editing the notes of a published release publishes nothing. */
	assert_int_equal(update(fx, &res_release, sol, key,
	                     "{\"notes\": "
	                     "\"Fehlerbehebungen\"}",
	                     2, &fx->admin, &r, &err),
	    0);
	record_clear(&r);
	assert_int_equal(events(fx), 6);
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM events "
	                     "WHERE type = 'release.published'"),
	    1);

	/* Created as released: created and published. */
	create(fx, &res_release, sol,
	    "{\"version\": \"1.1\", \"status\": "
	    "\"released\", \"date\": \"2026-07-01\"}",
	    &fx->admin);
	assert_int_equal(events(fx), 8);
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM events "
	                     "WHERE type = 'release.published'"),
	    2);
	/* Every event of a solution's records names the solution. */
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM events WHERE type "
	    "LIKE 'release.%%' AND solution_id IS NOT %lld",
	    (long long)sol);
	assert_int_equal(fixture_query_int(fx->db, sql), 0);

	/* Refused by a rule of the resource: no event. */
	err = create_fails(fx, &res_release, sol,
	    "{\"version\": \"2.0\", "
	    "\"status\": \"planned\"}",
	    &fx->admin);
	expect_error(&err, 422, "missing_field", "planned_date");
	/* Refused by validation: no event. */
	err = create_fails(fx, &res_release, sol, "{\"status\": \"planned\"}",
	    &fx->admin);
	expect_error(&err, 422, "missing_field", "version");
	/* Refused for want of a token: no event. */
	err = create_fails(fx, &res_release, sol,
	    "{\"version\": \"2.0\", "
	    "\"status\": \"planned\", \"planned_date\": \"2026-09-01\"}",
	    NULL);
	expect_error(&err, 401, "unauthenticated", "");
	assert_int_equal(events(fx), 8);

	/* Deleting: one event. */
	assert_int_equal(record_delete(fx->db, &res_release, sol, key, 3,
	                     &fx->admin, &err),
	    0);
	assert_int_equal(events(fx), 9);
	last_event(fx, type, sizeof(type), subject, sizeof(subject));
	assert_string_equal(type, "release.deleted");
	/* A stale delete: nothing. */
	snprintf(key, sizeof(key), "%lld", (long long)rel + 1);
	assert_int_equal(record_delete(fx->db, &res_release, sol, key, 7,
	                     &fx->admin, &err),
	    -1);
	expect_error(&err, 412, "stale", "");
	assert_int_equal(events(fx), 9);
}

static void
test_retire_event(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err;
	struct record   r;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	create(fx, &res_solution, 0, SOL("sol-a", "A", "org-a", "production"),
	    &fx->admin);
	assert_int_equal(events(fx), 2);
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"maturity\": \"retired\"}", 1, &fx->admin, &r,
	                     &err),
	    0);
	record_clear(&r);
	assert_int_equal(events(fx), 4);
	assert_int_equal(fixture_query_int(fx->db,
	                     "SELECT count(*) FROM events WHERE "
	                     "type = 'solution.retired'"),
	    1);
	/* Further edits of a retired solution do not retire it again. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": \"B\"}", 2, &fx->admin, &r, &err),
	    0);
	record_clear(&r);
	assert_int_equal(events(fx), 5);
}

/* Walks every page of a list; returns all items in order. */
static json_t *
list_filtered(struct fixture *fx, const struct resource *res, const char *sort,
    int limit, const char *fname, const char *fvalue, int *pages)
{
	struct list_params lp;
	struct rl_error    err;
	json_t            *all = json_array(), *items;
	char              *next = NULL, *cursor = NULL;

	*pages = 0;
	do {
		memset(&lp, 0, sizeof(lp));
		lp.sort = sort;
		lp.limit = limit;
		lp.cursor = cursor;
		if (fname != NULL) {
			lp.filters[0].name = fname;
			lp.filters[0].value = fvalue;
			lp.nfilters = 1;
		}
		if (record_list(fx->db, res, 0, &lp, NULL, &fx->admin, &items,
		        &next, &err) != 0) {
			json_decref(all);
			free(cursor);
			fail_msg("record_list: %s", err.message);
		}
		assert_true(json_array_size(items) <= (size_t)limit);
		/* A page that says there is more is a full page. */
		if (next != NULL)
			assert_int_equal(json_array_size(items), limit);
		json_array_extend(all, items);
		json_decref(items);
		free(cursor);
		cursor = next;
		if (++*pages > 100)
			fail_msg("pagination does not end");
	} while (cursor != NULL);
	return all;
}

static json_t *
list_all(struct fixture *fx, const struct resource *res, const char *sort,
    int limit, int *pages)
{
	return list_filtered(fx, res, sort, limit, NULL, NULL, pages);
}

/*
 * Checks that got holds every item of want once, in want's order, where
 * want is the unpaged list.
 */
static void
same_order(json_t *got, json_t *want, const char *what)
{
	size_t i;

	if (json_array_size(got) != json_array_size(want))
		fail_msg("%s: %zu items in pages, %zu in one list", what,
		    json_array_size(got), json_array_size(want));
	for (i = 0; i < json_array_size(want); i++) {
		json_int_t a = json_integer_value(
		    json_object_get(json_array_get(got, i), "id"));
		json_int_t b = json_integer_value(
		    json_object_get(json_array_get(want, i), "id"));
		if (a != b)
			fail_msg("%s: item %zu is id %lld, expected %lld", what,
			    i, (long long)a, (long long)b);
	}
}

/* Checks that items are sorted by field (with id breaking ties). */
static void
sorted_by(json_t *items, const char *field, int desc)
{
	for (size_t i = 1; i < json_array_size(items); i++) {
		json_t *a = json_array_get(items, i - 1);
		json_t *b = json_array_get(items, i);
		int     c = strcmp(json_string_value(json_object_get(a, field)),
		        json_string_value(json_object_get(b, field)));
		json_int_t ia = json_integer_value(json_object_get(a, "id"));
		json_int_t ib = json_integer_value(json_object_get(b, "id"));

		if (c == 0)
			c = ia < ib ? -1 : 1;
		if (desc ? c < 0 : c > 0)
			fail_msg("items %zu and %zu out of %s order by %s",
			    i - 1, i, desc ? "descending" : "ascending", field);
	}
}

static void
check_paging(struct fixture *fx, const struct resource *res, const char *sort,
    const char *field, int limit, int expect_items)
{
	json_t *paged, *whole;
	int     pages, one;
	char    what[64];

	snprintf(what, sizeof(what), "%s sort=%s limit=%d", res->plural, sort,
	    limit);
	paged = list_all(fx, res, sort, limit, &pages);
	whole = list_all(fx, res, sort, 500, &one);
	assert_int_equal(one, 1);
	assert_int_equal(json_array_size(whole), expect_items);
	assert_int_equal(pages, (expect_items + limit - 1) / limit);
	same_order(paged, whole, what);
	sorted_by(paged, field, sort[0] == '-');
	json_decref(paged);
	json_decref(whole);
}

static void
test_list_pagination(void **state)
{
	static const char *const names[] = { "Kreis Lippe", "Bremen",
		"Amt Süderbrarup", "Zweckverband Nord", "Dataport",
		"Gemeinde Aach", "Bremen", "Stadt Köln", "Bremen" };
	static const char *const maturities[] = { "pilot", "concept",
		"production", "pilot", "pilot", "widespread", "concept" };
	struct fixture          *fx = *state;
	char                     body[256], slug[32];
	size_t                   i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(body, sizeof(body),
		    "{\"slug\": \"org-%zu\", \"name\": "
		    "\"%s\", \"kind\": \"municipal\"}",
		    i, names[i]);
		create(fx, &res_organisation, 0, body, &fx->admin);
	}
	/* Equal names: the id decides, and no page repeats or skips one. */
	for (int limit = 1; limit <= 4; limit++) {
		check_paging(fx, &res_organisation, "name", "name", limit, 9);
		check_paging(fx, &res_organisation, "-name", "name", limit, 9);
	}
	/* Exactly full pages end with next = null, not an empty page. */
	check_paging(fx, &res_organisation, "slug", "slug", 3, 9);
	check_paging(fx, &res_organisation, "-slug", "slug", 9, 9);
	/* All written at the same (fixed) time: ties throughout. */
	check_paging(fx, &res_organisation, "created_at", "created_at", 2, 9);
	check_paging(fx, &res_organisation, "-updated_at", "updated_at", 4, 9);

	for (i = 0; i < sizeof(maturities) / sizeof(maturities[0]); i++) {
		snprintf(slug, sizeof(slug), "sol-%zu", i);
		snprintf(body, sizeof(body),
		    "{\"slug\": \"%s\", \"name\": "
		    "\"Lösung %zu\", \"owner\": \"org-1\", \"maturity\": "
		    "\"%s\"}",
		    slug, 7 - i, maturities[i]);
		create(fx, &res_solution, 0, body, &fx->admin);
	}
	/* Paging within a filter: the three pilots, one per page. */
	{
		json_t *pilots;
		int     pages;
		size_t  k;
		json_t *v;

		pilots = list_filtered(fx, &res_solution, "-name", 1,
		    "maturity", "pilot", &pages);
		assert_int_equal(json_array_size(pilots), 3);
		assert_int_equal(pages, 3);
		for (k = 0; k < json_array_size(pilots); k++) {
			v = json_array_get(pilots, k);
			assert_string_equal(json_string_value(
			                        json_object_get(v, "maturity")),
			    "pilot");
		}
		sorted_by(pilots, "name", 1);
		json_decref(pilots);
	}
	/* Without a sort: the resource's default order (organisations by
	 * slug, solutions by name). */
	{
		json_t *all;
		int     pages;

		all = list_all(fx, &res_organisation, NULL, 4, &pages);
		assert_int_equal(json_array_size(all), 9);
		sorted_by(all, "slug", 0);
		json_decref(all);
		all = list_all(fx, &res_solution, NULL, 2, &pages);
		assert_int_equal(json_array_size(all), 7);
		sorted_by(all, "name", 0);
		json_decref(all);
	}
	for (int limit = 1; limit <= 3; limit++) {
		check_paging(fx, &res_solution, "maturity", "maturity", limit,
		    7);
		check_paging(fx, &res_solution, "-maturity", "maturity", limit,
		    7);
		check_paging(fx, &res_solution, "-name", "name", limit, 7);
	}
}

/*
 * Every cursor the service hands out must be accepted back, also after a
 * record whose sort value is long: a name of 200 characters outside ASCII
 * (here the euro sign, three bytes in UTF-8).
 */
static void
test_cursor_after_long_name(void **state)
{
	struct fixture *fx = *state;
	char            body[1024], *p;
	json_t         *all;
	int             pages;

	for (int k = 0; k < 3; k++) {
		p = body +
		    snprintf(body, sizeof(body),
		        "{\"slug\": \"org-%d\", "
		        "\"kind\": \"other\", \"name\": \"%c",
		        k, 'A' + k);
		for (int i = 0; i < 199; i++)
			p += snprintf(p, 4, "\xe2\x82\xac");
		snprintf(p, sizeof(body) - (size_t)(p - body), "\"}");
		create(fx, &res_organisation, 0, body, &fx->admin);
	}
	all = list_all(fx, &res_organisation, "name", 1, &pages);
	assert_int_equal(json_array_size(all), 3);
	assert_int_equal(pages, 3);
	json_decref(all);
}

static void
test_list_params_refused(void **state)
{
	struct fixture    *fx = *state;
	struct list_params lp = { 0 };
	struct rl_error    err;
	json_t            *items;
	char              *next;

	lp.limit = 501;
	assert_int_equal(record_list(fx->db, &res_solution, 0, &lp, NULL, NULL,
	                     &items, &next, &err),
	    -1);
	expect_error(&err, 400, "invalid_parameter", "limit");
	lp.limit = 0;
	lp.sort = "description";
	assert_int_equal(record_list(fx->db, &res_solution, 0, &lp, NULL, NULL,
	                     &items, &next, &err),
	    -1);
	expect_error(&err, 400, "invalid_parameter", "sort");
	lp.sort = NULL;
	lp.cursor = "not-a-cursor";
	assert_int_equal(record_list(fx->db, &res_solution, 0, &lp, NULL, NULL,
	                     &items, &next, &err),
	    -1);
	expect_error(&err, 400, "invalid_parameter", "cursor");
}

static void
test_private_fields_hidden(void **state)
{
	struct fixture    *fx = *state;
	struct list_params lp = { 0 };
	struct rl_error    err;
	json_t            *items;
	char              *next;

	create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"), &fx->admin);
	create(fx, &res_contact, 0,
	    "{\"organisation\": \"org-a\", \"name\": "
	    "\"Erika Mustermann\", \"email\": \"erika@example.org\", "
	    "\"role_title\": \"Fachverfahren\"}",
	    &fx->admin);
	assert_int_equal(record_list(fx->db, &res_contact, 0, &lp, NULL, NULL,
	                     &items, &next, &err),
	    0);
	assert_int_equal(json_array_size(items), 1);
	assert_null(json_object_get(json_array_get(items, 0), "name"));
	assert_null(json_object_get(json_array_get(items, 0), "email"));
	assert_string_equal(json_string_value(
	                        json_object_get(json_array_get(items, 0),
	                            "role_title")),
	    "Fachverfahren");
	json_decref(items);
	assert_int_equal(record_list(fx->db, &res_contact, 0, &lp, NULL,
	                     &fx->admin, &items, &next, &err),
	    0);
	assert_string_equal(json_string_value(
	                        json_object_get(json_array_get(items, 0),
	                            "email")),
	    "erika@example.org");
	json_decref(items);
}

static void
test_access(void **state)
{
	struct fixture  *fx = *state;
	struct principal owner_a = { 0 }, adopter_a = { 0 };
	struct rl_error  err;
	struct record    r;
	int64_t          org_a, sol_a, sol_b;
	long long        n;

	org_a = create(fx, &res_organisation, 0, ORG("org-a", "Stadt A"),
	    &fx->admin);
	create(fx, &res_organisation, 0, ORG("org-b", "Stadt B"), &fx->admin);
	sol_a = create(fx, &res_solution, 0,
	    SOL("sol-a", "A", "org-a", "pilot"), &fx->admin);
	sol_b = create(fx, &res_solution, 0,
	    SOL("sol-b", "B", "org-b", "pilot"), &fx->admin);
	owner_a.role = ROLE_OWNER;
	owner_a.org_id = org_a;
	snprintf(owner_a.org_slug, sizeof(owner_a.org_slug), "org-a");
	snprintf(owner_a.actor, sizeof(owner_a.actor), "owner@org-a#2");
	adopter_a = owner_a;
	adopter_a.role = ROLE_ADOPTER;
	n = events(fx);

	/* Org A's owner may not touch org B's solution. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-b",
	                     "{\"name\": "
	                     "\"Gekapert\"}",
	                     1, &owner_a, &r, &err),
	    -1);
	expect_error(&err, 403, "forbidden", "");
	assert_int_equal(record_get(fx->db, &res_solution, 0, "sol-b", &r,
	                     &err),
	    0);
	assert_string_equal(str(&r, "name"), "B");
	assert_int_equal(r.rev, 1);
	record_clear(&r);
	assert_int_equal(record_delete(fx->db, &res_solution, 0, "sol-b", 0,
	                     &owner_a, &err),
	    -1);
	expect_error(&err, 403, "forbidden", "");
	err = create_fails(fx, &res_release, sol_b,
	    "{\"version\": \"1\", "
	    "\"status\": \"planned\", \"planned_date\": \"2026-06-01\"}",
	    &owner_a);
	expect_error(&err, 403, "forbidden", "");
	/* Nor create a solution in org B's name. */
	err = create_fails(fx, &res_solution, 0,
	    SOL("sol-c", "C", "org-b", "pilot"), &owner_a);
	expect_error(&err, 403, "forbidden", "");
	/* Nor hand its own solution over to org B. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"owner\": "
	                     "\"org-b\"}",
	                     1, &owner_a, &r, &err),
	    -1);
	expect_error(&err, 403, "forbidden", "");
	/* Only admins create organisations. */
	err =
	    create_fails(fx, &res_organisation, 0, ORG("org-c", "C"), &owner_a);
	expect_error(&err, 403, "forbidden", "");
	/* An adopter does not edit solutions, not even its own org's. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"X\"}",
	                     1, &adopter_a, &r, &err),
	    -1);
	expect_error(&err, 403, "forbidden", "");
	/* Anonymous writers are asked to sign in. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"X\"}",
	                     1, NULL, &r, &err),
	    -1);
	expect_error(&err, 401, "unauthenticated", "");
	assert_int_equal(events(fx), n);

	/* What the owner may do. */
	assert_int_equal(update(fx, &res_solution, 0, "sol-a",
	                     "{\"name\": "
	                     "\"A neu\"}",
	                     1, &owner_a, &r, &err),
	    0);
	assert_string_equal(str(&r, "updated_by"), "owner@org-a#2");
	record_clear(&r);
	create(fx, &res_release, sol_a,
	    "{\"version\": \"1\", \"status\": "
	    "\"planned\", \"planned_date\": \"2026-06-01\"}",
	    &owner_a);
	create(fx, &res_solution, 0, SOL("sol-d", "D", "org-a", "concept"),
	    &owner_a);
	/* The adopter records its own organisation's adoption of B. */
	create(fx, &res_adoption, sol_b,
	    "{\"organisation\": \"org-a\", "
	    "\"status\": \"evaluating\"}",
	    &adopter_a);
	err = create_fails(fx, &res_adoption, sol_a,
	    "{\"organisation\": "
	    "\"org-b\", \"status\": \"live\"}",
	    &adopter_a);
	expect_error(&err, 403, "forbidden", "");
	assert_int_equal(events(fx), n + 4);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create),
		T(test_update_revisions),
		T(test_unknown_reference),
		T(test_duplicate),
		T(test_delete_in_use),
		T(test_events_per_write),
		T(test_retire_event),
		T(test_list_pagination),
		T(test_cursor_after_long_name),
		T(test_list_params_refused),
		T(test_private_fields_hidden),
		T(test_access),
	};
#undef T

	return cmocka_run_group_tests(tests, fixture_template_setup,
	    fixture_template_teardown);
}
