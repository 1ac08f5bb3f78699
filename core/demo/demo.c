#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "demo/demo.h"
#include "domain/reports.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/record.h"
#include "util/embedded.h"
#include "util/log.h"

static const struct principal demo_admin = {
	.role = ROLE_ADMIN,
	.actor = "demo",
};

static int
create(struct db *db, const struct resource *res, int64_t parent, json_t *doc,
    struct record *out, const char *what, struct rl_error *err)
{
	struct record   scratch;
	struct rl_error why;

	if (record_create(db, res, parent, doc, &demo_admin,
	        out ? out : &scratch, &why) == -1) {
		return rl_fail(err, why.status, why.code, why.field,
		    "demo %s: "
		    "%s",
		    what, why.message);
	}
	if (out == NULL)
		record_clear(&scratch);
	return 0;
}

/* Applies patch to the record id at revision *rev; *rev gets the new one. */
static int
update(struct db *db, const struct resource *res, int64_t parent, int64_t id,
    int64_t *rev, json_t *patch, const char *what, struct rl_error *err)
{
	struct record   r;
	struct rl_error why;
	char            key[32];

	snprintf(key, sizeof(key), "%lld", (long long)id);
	if (record_update(db, res, parent, key, patch, *rev, &demo_admin, &r,
	        &why) == -1) {
		return rl_fail(err, why.status, why.code, why.field,
		    "demo %s: %s", what, why.message);
	}
	*rev = r.rev;
	record_clear(&r);
	return 0;
}

/* Demo contacts are referred to by their 1-based place in the file. */
static int
map_contact(json_t *resp, const int64_t *contact_ids, size_t ncontacts)
{
	json_t *c = json_object_get(resp, "contact");
	size_t  i;

	if (c == NULL)
		return 0;
	i = (size_t)json_integer_value(c);
	if (i < 1 || i > ncontacts)
		return -1;
	json_object_set_new(resp, "contact", json_integer(contact_ids[i - 1]));
	return 0;
}

static int
load_solution(struct db *db, json_t *sol, const int64_t *contact_ids,
    size_t ncontacts, struct rl_error *err)
{
	static const char *const            children[] = { "cycles", "releases",
		           "responsibilities", "adoptions" };
	static const struct resource *const child_res[] = { &res_cycle,
		&res_release, &res_responsibility, &res_adoption };
	json_t       *own = json_deep_copy(sol), *list, *item;
	struct record r;
	char          what[160];
	size_t        i;
	int           rc = -1;

	for (i = 0; i < 4; i++)
		json_object_del(own, children[i]);
	snprintf(what, sizeof(what), "solution %s",
	    json_string_value(json_object_get(sol, "slug")));
	if (create(db, &res_solution, 0, own, &r, what, err) == -1)
		goto done;
	for (size_t k = 0; k < 4; k++) {
		list = json_object_get(sol, children[k]);
		json_array_foreach(list, i, item)
		{
			json_t *copy = json_deep_copy(item);
			snprintf(what, sizeof(what), "%s of %s[%zu]",
			    json_string_value(json_object_get(sol, "slug")),
			    children[k], i);
			if (child_res[k] == &res_responsibility &&
			    map_contact(copy, contact_ids, ncontacts) == -1) {
				json_decref(copy);
				rl_fail(err, 422, "unknown_reference",
				    "contact", "demo %s: no such contact",
				    what);
				goto done_r;
			}
			if (create(db, child_res[k], r.id, copy, NULL, what,
			        err) == -1) {
				json_decref(copy);
				goto done_r;
			}
			json_decref(copy);
		}
	}
	rc = 0;
done_r:
	record_clear(&r);
done:
	json_decref(own);
	return rc;
}

/*
 * Reports refer to roll-ins by their 1-based place in "rollins" (key from),
 * stored under key to as the roll-in's id.
 */
static int
map_index(json_t *item, const char *from, const char *to, const int64_t *ids,
    size_t n)
{
	json_t *v = json_object_get(item, from);
	size_t  i;

	if (v == NULL)
		return 0;
	i = (size_t)json_integer_value(v);
	if (!json_is_integer(v) || i < 1 || i > n)
		return -1;
	json_object_set_new(item, to, json_integer(ids[i - 1]));
	json_object_del(item, from);
	return 0;
}

/*
 * The running phases in order. A roll-in reaches its state the way a team
 * would: phase by phase, and into on-hold or aborted from the phase named
 * by "via" (planned if none). live is reached through the pilot.
 */
static const char *const phases[] = { "planned", "preparing", "integrating",
	"pilot", "live", NULL };

static int
phase_index(const char *state)
{
	for (int i = 0; state && phases[i]; i++)
		if (strcmp(phases[i], state) == 0)
			return i;
	return -1;
}

static int
walk_status(struct db *db, int64_t id, int64_t *rev, json_t *spec,
    const char *what, struct rl_error *err)
{
	const char *target = json_string_value(json_object_get(spec, "status"));
	const char *via = json_string_value(json_object_get(spec, "via"));
	json_t     *patch;
	int         last, i, rc = 0;

	if (target == NULL)
		return 0;
	last = phase_index(target);
	if (last == -1) {
		last = via ? phase_index(via) : 0;
		if (last == -1)
			return rl_fail(err, 422, "invalid_value", "via",
			    "demo %s: via must be a running phase, not %s",
			    what, via);
	}
	for (i = 1; i <= last && rc == 0; i++) {
		patch = json_pack("{s:s}", "status", phases[i]);
		if (strcmp(phases[i], "live") == 0 &&
		    json_object_get(spec, "actual_golive"))
			json_object_set(patch, "actual_golive",
			    json_object_get(spec, "actual_golive"));
		rc = update(db, &res_rollin, 0, id, rev, patch, what, err);
		json_decref(patch);
	}
	if (rc == 0 && phase_index(target) == -1) {
		patch = json_pack("{s:s}", "status", target);
		rc = update(db, &res_rollin, 0, id, rev, patch, what, err);
		json_decref(patch);
	}
	return rc;
}

/* The steps came from the transfer concept; fill in how they went. */
static int
load_steps(struct db *db, int64_t rollin, json_t *steps, const char *what,
    struct rl_error *err)
{
	sqlite3_stmt *st;
	json_t       *item, *patch;
	int64_t       id, rev;
	size_t        i;
	char          name[200];
	int           rc;

	json_array_foreach(steps, i, item)
	{
		json_int_t pos =
		    json_integer_value(json_object_get(item, "position"));
		snprintf(name, sizeof(name), "%s steps[%zu]", what, i);
		st = db_prepare(db,
		    "SELECT id, rev FROM rollin_steps WHERE rollin_id = ? AND "
		    "position = ?");
		if (st == NULL)
			return rl_fail(err, 500, "store", NULL,
			    "store unavailable");
		sqlite3_bind_int64(st, 1, rollin);
		sqlite3_bind_int64(st, 2, pos);
		id = 0;
		rev = 0;
		if (sqlite3_step(st) == SQLITE_ROW) {
			id = sqlite3_column_int64(st, 0);
			rev = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (id == 0)
			return rl_fail(err, 422, "unknown_reference",
			    "position", "demo %s: the roll-in has no step %lld",
			    name, (long long)pos);
		patch = json_deep_copy(item);
		json_object_del(patch, "position");
		rc = update(db, &res_rollin_step, rollin, id, &rev, patch, name,
		    err);
		json_decref(patch);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * A resolved blocker is raised first and resolved afterwards, so the log
 * tells both events like it would for a real one.
 */
static int
load_blockers(struct db *db, int64_t rollin, json_t *blockers, const char *what,
    struct rl_error *err)
{
	json_t       *item, *raise, *resolve;
	struct record r;
	size_t        i;
	char          name[200];
	int           rc;

	json_array_foreach(blockers, i, item)
	{
		snprintf(name, sizeof(name), "%s blockers[%zu]", what, i);
		raise = json_deep_copy(item);
		resolve = json_object();
		if (json_object_get(item, "resolved_on"))
			json_object_set(resolve, "resolved_on",
			    json_object_get(item, "resolved_on"));
		if (json_object_get(item, "resolution"))
			json_object_set(resolve, "resolution",
			    json_object_get(item, "resolution"));
		json_object_del(raise, "resolved_on");
		json_object_del(raise, "resolution");
		rc = create(db, &res_rollin_blocker, rollin, raise, &r, name,
		    err);
		if (rc == 0) {
			if (json_object_size(resolve) > 0)
				rc = update(db, &res_rollin_blocker, rollin,
				    r.id, &r.rev, resolve, name, err);
			record_clear(&r);
		}
		json_decref(raise);
		json_decref(resolve);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/*
 * A roll-in is created as planned (which copies the transfer concept into
 * its steps and starts the adoption), its steps and blockers are filled in,
 * and it is then moved to its state.
 */
static int
load_rollin(struct db *db, json_t *spec, int64_t *id, const char *what,
    struct rl_error *err)
{
	static const char *const extra[] = { "status", "via", "actual_golive",
		"steps", "blockers" };
	json_t                  *own = json_deep_copy(spec);
	struct record            r;
	int64_t                  rev;
	int                      rc = -1;

	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		json_object_del(own, extra[i]);
	if (create(db, &res_rollin, 0, own, &r, what, err) == -1)
		goto done;
	*id = r.id;
	rev = r.rev;
	record_clear(&r);
	if (load_steps(db, *id, json_object_get(spec, "steps"), what, err) ==
	        -1 ||
	    load_blockers(db, *id, json_object_get(spec, "blockers"), what,
	        err) == -1 ||
	    walk_status(db, *id, &rev, spec, what, err) == -1)
		goto done;
	rc = 0;
done:
	json_decref(own);
	return rc;
}

/* Feedback, and the owner's answer where the demo gives one. */
static int
load_feedback(struct db *db, json_t *spec, const char *what,
    struct rl_error *err)
{
	json_t         *own = json_deep_copy(spec);
	json_t         *answer = json_object_get(spec, "answer");
	struct record   r, a;
	struct rl_error why;
	int             rc = -1;

	json_object_del(own, "answer");
	if (create(db, &res_feedback, 0, own, &r, what, err) == -1)
		goto done;
	if (answer == NULL) {
		rc = 0;
	} else if (feedback_answer(db, r.id, answer, &demo_admin, &a, &why) ==
	    -1) {
		rl_fail(err, why.status, why.code, why.field, "demo %s: %s",
		    what, why.message);
	} else {
		record_clear(&a);
		rc = 0;
	}
	record_clear(&r);
done:
	json_decref(own);
	return rc;
}

/* Cost reports name the adoption by solution and organisation. */
static int
load_cost_report(struct db *db, json_t *spec, const int64_t *rollin_ids,
    size_t nrollins, const char *what, struct rl_error *err)
{
	json_t       *own = json_deep_copy(spec);
	sqlite3_stmt *st;
	int64_t       adoption = 0;
	int           rc = -1;

	st = db_prepare(db,
	    "SELECT a.id FROM adoptions a JOIN solutions s ON s.id = "
	    "a.solution_id JOIN organisations o ON o.id = a.organisation_id "
	    "WHERE s.slug = ? AND o.slug = ?");
	if (st == NULL) {
		rl_fail(err, 500, "store", NULL, "store unavailable");
		goto done;
	}
	db_bind_text(st, 1,
	    json_string_value(json_object_get(spec, "solution")));
	db_bind_text(st, 2,
	    json_string_value(json_object_get(spec, "organisation")));
	if (sqlite3_step(st) == SQLITE_ROW)
		adoption = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (adoption == 0) {
		rl_fail(err, 422, "unknown_reference", "adoption",
		    "demo %s: no adoption of that solution by that "
		    "organisation",
		    what);
		goto done;
	}
	json_object_del(own, "solution");
	json_object_del(own, "organisation");
	json_object_set_new(own, "adoption", json_integer(adoption));
	if (map_index(own, "rollin_index", "rollin", rollin_ids, nrollins) ==
	    -1) {
		rl_fail(err, 422, "unknown_reference", "rollin_index",
		    "demo %s: no such roll-in", what);
		goto done;
	}
	rc = create(db, &res_cost_report, 0, own, NULL, what, err);
done:
	json_decref(own);
	return rc;
}

/* Assessments are nested under the solution that the item names. */
static int
load_assessment(struct db *db, json_t *spec, const char *what,
    struct rl_error *err)
{
	json_t *own = json_deep_copy(spec);
	int64_t solution;
	int     rc = -1;

	solution = record_resolve(db, &res_solution, "slug",
	    json_object_get(spec, "solution"), 0);
	if (solution == 0) {
		rl_fail(err, 422, "unknown_reference", "solution",
		    "demo %s: no such solution", what);
		goto done;
	}
	json_object_del(own, "solution");
	rc = create(db, &res_assessment, solution, own, NULL, what, err);
done:
	json_decref(own);
	return rc;
}

/*
 * What happened after the catalogue was published: roll-ins, lessons,
 * feedback, cost reports, assessments, reuse checks and subscriptions.
 */
static int
load_reports(struct db *db, json_t *root, const int64_t *contact_ids,
    size_t ncontacts, struct rl_error *err)
{
	json_t  *list, *item, *copy;
	int64_t *rollin_ids;
	size_t   i, nrollins;
	char     what[96];
	int      rc = -1;

	list = json_object_get(root, "rollins");
	nrollins = json_array_size(list);
	if ((rollin_ids = calloc(nrollins + 1, sizeof(*rollin_ids))) == NULL)
		return rl_fail(err, 500, "memory", NULL, "out of memory");
	json_array_foreach(list, i, item)
	{
		snprintf(what, sizeof(what), "roll-in %zu", i + 1);
		if (load_rollin(db, item, &rollin_ids[i], what, err) == -1)
			goto done;
	}
	json_array_foreach(json_object_get(root, "lessons"), i, item)
	{
		snprintf(what, sizeof(what), "lesson %zu", i + 1);
		copy = json_deep_copy(item);
		if (map_index(copy, "rollin_index", "rollin", rollin_ids,
		        nrollins) == -1) {
			json_decref(copy);
			rl_fail(err, 422, "unknown_reference", "rollin_index",
			    "demo %s: no such roll-in", what);
			goto done;
		}
		rc = create(db, &res_lesson, 0, copy, NULL, what, err);
		json_decref(copy);
		if (rc == -1)
			goto done;
		rc = -1;
	}
	json_array_foreach(json_object_get(root, "feedback"), i, item)
	{
		snprintf(what, sizeof(what), "feedback %zu", i + 1);
		if (load_feedback(db, item, what, err) == -1)
			goto done;
	}
	json_array_foreach(json_object_get(root, "cost_reports"), i, item)
	{
		snprintf(what, sizeof(what), "cost report %zu", i + 1);
		if (load_cost_report(db, item, rollin_ids, nrollins, what,
		        err) == -1)
			goto done;
	}
	json_array_foreach(json_object_get(root, "assessments"), i, item)
	{
		snprintf(what, sizeof(what), "assessment %zu", i + 1);
		if (load_assessment(db, item, what, err) == -1)
			goto done;
	}
	json_array_foreach(json_object_get(root, "reuse_checks"), i, item)
	{
		snprintf(what, sizeof(what), "reuse check %zu", i + 1);
		if (create(db, &res_reuse_check, 0, item, NULL, what, err) ==
		    -1)
			goto done;
	}
	json_array_foreach(json_object_get(root, "subscriptions"), i, item)
	{
		snprintf(what, sizeof(what), "subscription %zu", i + 1);
		copy = json_deep_copy(item);
		if (map_contact(copy, contact_ids, ncontacts) == -1) {
			json_decref(copy);
			rl_fail(err, 422, "unknown_reference", "contact",
			    "demo %s: no such contact", what);
			goto done;
		}
		rc = create(db, &res_subscription, 0, copy, NULL, what, err);
		json_decref(copy);
		if (rc == -1)
			goto done;
		rc = -1;
	}
	rc = 0;
done:
	free(rollin_ids);
	return rc;
}

int
demo_load(struct db *db, struct rl_error *err)
{
	json_t       *root, *list, *item;
	json_error_t  jerr;
	sqlite3_stmt *st;
	struct record r;
	int64_t      *contact_ids = NULL;
	size_t        i, ncontacts;
	int           empty = 0, rc = -1;
	char          what[128];

	st = db_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM organisations)");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		empty = sqlite3_column_int(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	if (!empty) {
		log_info("the catalogue is not empty; demo data not loaded");
		return 0;
	}
	root =
	    json_loadb(embedded_demo[0].data, embedded_demo[0].len, 0, &jerr);
	if (root == NULL)
		return rl_fail(err, 500, "demo", NULL, "demo.json:%d:%d: %s",
		    jerr.line, jerr.column, jerr.text);
	if (db_begin(db) == -1) {
		json_decref(root);
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	}
	json_array_foreach(json_object_get(root, "organisations"), i, item)
	{
		snprintf(what, sizeof(what), "organisation %zu", i);
		if (create(db, &res_organisation, 0, item, NULL, what, err) ==
		    -1)
			goto done;
	}
	list = json_object_get(root, "contacts");
	ncontacts = json_array_size(list);
	if ((contact_ids = calloc(ncontacts + 1, sizeof(*contact_ids))) == NULL)
		goto done;
	json_array_foreach(list, i, item)
	{
		snprintf(what, sizeof(what), "contact %zu", i + 1);
		if (create(db, &res_contact, 0, item, &r, what, err) == -1)
			goto done;
		contact_ids[i] = r.id;
		record_clear(&r);
	}
	json_array_foreach(json_object_get(root, "solutions"), i, item)
	{
		if (load_solution(db, item, contact_ids, ncontacts, err) == -1)
			goto done;
	}
	if (load_reports(db, root, contact_ids, ncontacts, err) == -1)
		goto done;
	if (db_commit(db) == -1) {
		rl_fail(err, 500, "store", NULL, "committing demo data failed");
		goto done;
	}
	log_info(
	    "demo data loaded: %zu organisations, %zu contacts, %zu "
	    "solutions, %zu roll-ins, %zu lessons, %zu feedback, %zu cost "
	    "reports, %zu assessments, %zu reuse checks, %zu subscriptions",
	    json_array_size(json_object_get(root, "organisations")), ncontacts,
	    json_array_size(json_object_get(root, "solutions")),
	    json_array_size(json_object_get(root, "rollins")),
	    json_array_size(json_object_get(root, "lessons")),
	    json_array_size(json_object_get(root, "feedback")),
	    json_array_size(json_object_get(root, "cost_reports")),
	    json_array_size(json_object_get(root, "assessments")),
	    json_array_size(json_object_get(root, "reuse_checks")),
	    json_array_size(json_object_get(root, "subscriptions")));
	rc = 1;
done:
	if (rc == -1)
		db_rollback(db);
	free(contact_ids);
	json_decref(root);
	return rc;
}
