/*
 * "One checks for all": legal, data-protection, security, accessibility and
 * procurement assessments done once and reused by every adopter; and reuse
 * checks, in which a seeking organisation documents which solutions it
 * considered, what it decided and why.
 */
#include <stdio.h>
#include <string.h>

#include "domain/assessment.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"

static const char *
str(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

/* ---- assessments ------------------------------------------------------ */

static const char *const assessment_kinds[] = { "data-protection",
	"it-security", "accessibility", "procurement-law", "licence", "other",
	NULL };
static const char *const assessment_results[] = { "passed",
	"passed-with-conditions", "failed", NULL };
static const char *const assessment_scopes[] = { "solution", "cycle", "version",
	NULL };

static const struct field assessment_fields[] = {
	{ .name = "kind",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = assessment_kinds,
	    .help = "data-protection (DPIA), it-security (BSI baseline), ..." },
	{ .name = "result",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = assessment_results },
	{ .name = "conditions", .type = FT_TEXT, .max = 5000 },
	{ .name = "scope",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = assessment_scopes },
	{ .name = "cycle",
	    .type = FT_REF,
	    .ref = &res_cycle,
	    .ref_key = "name" },
	{ .name = "version", .type = FT_STRING, .max = 64 },
	{ .name = "performed_by", .type = FT_REF, .ref = &res_organisation },
	{ .name = "performer",
	    .type = FT_STRING,
	    .max = 200,
	    .help =
	        "who performed it, if not an organisation in the catalogue" },
	{ .name = "date", .type = FT_DATE, .flags = F_REQUIRED | F_SORT },
	{ .name = "valid_until", .type = FT_DATE },
	{ .name = "document", .type = FT_URL, .max = 500 },
	{ .name = "summary", .type = FT_TEXT, .max = 5000 },
	{ 0 },
};

static int
assessment_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	const char *scope = str(doc, "scope"), *result = str(doc, "result");

	(void)db;
	(void)before;
	if (strcmp(scope, "cycle") == 0 && !str(doc, "cycle"))
		return rl_fail(err, 422, "missing_field", "cycle",
		    "an assessment with scope cycle names the cycle");
	if (strcmp(scope, "version") == 0 && !str(doc, "version"))
		return rl_fail(err, 422, "missing_field", "version",
		    "an assessment with scope version names the version");
	if (strcmp(result, "passed-with-conditions") == 0 &&
	    (!str(doc, "conditions") || *str(doc, "conditions") == '\0'))
		return rl_fail(err, 422, "missing_field", "conditions",
		    "a pass with conditions lists the conditions");
	if (str(doc, "valid_until") &&
	    strcmp(str(doc, "valid_until"), str(doc, "date")) < 0)
		return rl_fail(err, 422, "invalid_value", "valid_until",
		    "valid_until must not be before date");
	return 0;
}

/*
 * The solution's current version: its latest released release, with the
 * cycle it belongs to. Returns 0 and fills the buffers, or -1 if nothing is
 * released yet.
 */
int
assessment_current_version(struct db *db, int64_t solution_id, char *version,
    size_t vlen, char *cycle, size_t clen)
{
	sqlite3_stmt *st;
	int           rc = -1;

	st = db_prepare(db,
	    "SELECT r.version, c.name FROM releases r LEFT JOIN cycles c ON "
	    "c.id = r.cycle_id WHERE r.solution_id = ? AND r.status = "
	    "'released' ORDER BY r.date DESC, r.id DESC LIMIT 1");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, solution_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(version, vlen, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		snprintf(cycle, clen, "%s",
		    sqlite3_column_text(st, 1)
		        ? (const char *)sqlite3_column_text(st, 1)
		        : "");
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * Expired once valid_until has passed; covers the current version if it
 * is valid and its scope (the solution, the version's cycle, or that very
 * version) includes it.
 */
static void
assessment_live(const struct record *r, json_t *out)
{
	const char *until = str(r->doc, "valid_until");
	char        now[CLOCK_DATE_LEN];

	clock_format_date(clock_now(), now);
	json_object_set_new(out, "expired",
	    json_boolean(until && strcmp(until, now) < 0));
}

static void
assessment_decorate(struct db *db, const struct record *r, json_t *out)
{
	const char *scope = str(r->doc, "scope"), *until;
	char        version[72], cycle[72], now[CLOCK_DATE_LEN];
	int         covers = 0;

	if (assessment_current_version(db, r->solution_id, version,
	        sizeof(version), cycle, sizeof(cycle)) == -1) {
		json_object_set_new(out, "covers_current_version",
		    json_false());
		return;
	}
	clock_format_date(clock_now(), now);
	until = str(r->doc, "valid_until");
	if (strcmp(str(r->doc, "result"), "failed") != 0 &&
	    !(until && strcmp(until, now) < 0)) {
		if (strcmp(scope, "solution") == 0)
			covers = 1;
		else if (strcmp(scope, "cycle") == 0)
			covers = str(r->doc, "cycle") &&
			    strcmp(str(r->doc, "cycle"), cycle) == 0;
		else
			covers = str(r->doc, "version") &&
			    strcmp(str(r->doc, "version"), version) == 0;
	}
	json_object_set_new(out, "current_version", json_string(version));
	json_object_set_new(out, "covers_current_version",
	    json_boolean(covers));
}

/*
 * The owner records assessments of its solution; the organisation that
 * performed one (a Land's data-protection office, say) may record it too.
 */
const struct resource res_assessment = {
	.name = "assessment",
	.plural = "assessments",
	.table = "assessments",
	.key = "id",
	.fields = assessment_fields,
	.parent = &res_solution,
	.write = { { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL },
	    { ROLES_MEMBER, ORG_FIELD, "performed_by", NULL } },
	.default_sort = "date",
	.hooks = { .check = assessment_check,
	    .decorate = assessment_decorate,
	    .live = assessment_live },
};

/* ---- reuse checks ----------------------------------------------------- */

static const char *const decisions[] = { "reuse", "adapt", "build", "buy",
	"postpone", NULL };

static const struct field considered_fields[] = {
	{ .name = "solution",
	    .type = FT_SLUG,
	    .help = "slug of a catalogue entry, or omit and give name" },
	{ .name = "name",
	    .type = FT_STRING,
	    .max = 200,
	    .help = "name of a solution outside the catalogue" },
	{ .name = "url", .type = FT_URL, .max = 500 },
	{ .name = "assessment", .type = FT_TEXT, .max = 5000 },
	{ .name = "suitable", .type = FT_BOOL },
	{ 0 },
};

static const struct field reuse_check_fields[] = {
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation,
	    .help = "the organisation that seeks a solution" },
	{ .name = "title", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "need", .type = FT_TEXT, .flags = F_REQUIRED, .max = 10000 },
	{ .name = "considered",
	    .type = FT_OBJECTS,
	    .max = 50,
	    .sub = considered_fields },
	{ .name = "decision",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = decisions },
	{ .name = "chosen", .type = FT_REF, .ref = &res_solution },
	{ .name = "reason", .type = FT_TEXT, .max = 10000 },
	{ .name = "decided_on", .type = FT_DATE },
	{ 0 },
};

/* Every considered entry names a catalogue solution that exists, or a name. */
static int
reuse_check_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	json_t *item;
	size_t  i;
	char    path[64];

	(void)before;
	json_array_foreach(json_object_get(doc, "considered"), i, item)
	{
		json_t *slug = json_object_get(item, "solution");
		snprintf(path, sizeof(path), "considered[%zu]", i);
		if (!json_is_string(slug) && !str(item, "name"))
			return rl_fail(err, 422, "missing_field", path,
			    "%s names a catalogue solution or gives a name",
			    path);
		if (json_is_string(slug) &&
		    record_resolve(db, &res_solution, "slug", slug, 0) == 0) {
			snprintf(path, sizeof(path), "considered[%zu].solution",
			    i);
			return rl_fail(err, 422, "unknown_reference", path,
			    "%s: there is no solution '%s'", path,
			    json_string_value(slug));
		}
	}
	if ((strcmp(str(doc, "decision"), "reuse") == 0 ||
	        strcmp(str(doc, "decision"), "adapt") == 0) &&
	    !str(doc, "chosen"))
		return rl_fail(err, 422, "missing_field", "chosen",
		    "a decision to %s names the chosen solution",
		    str(doc, "decision"));
	return 0;
}

const struct resource res_reuse_check = {
	.name = "reuse_check",
	.plural = "reuse-checks",
	.table = "reuse_checks",
	.key = "id",
	.fields = reuse_check_fields,
	.write = { { ROLES_MEMBER, ORG_FIELD, "organisation", NULL } },
	.default_sort = "id",
	.hooks = { .check = reuse_check_check },
};

/* ---- subscriptions ---------------------------------------------------- */

static const struct field subscription_fields[] = {
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation },
	{ .name = "contact",
	    .type = FT_REF,
	    .ref = &res_contact,
	    .help = "a person of the organisation; omit for the organisation" },
	{ .name = "event_types",
	    .type = FT_TAGS,
	    .max = 50,
	    .help = "event types; \"cycle.*\" matches a family; empty: all" },
	{ .name = "solutions",
	    .type = FT_TAGS,
	    .max = 500,
	    .help = "solution slugs; empty: every solution" },
	{ 0 },
};

static int
subscription_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	json_t *v, *contact = json_object_get(doc, "contact");
	size_t  i;
	char    path[64];

	(void)before;
	json_array_foreach(json_object_get(doc, "solutions"), i, v)
	{
		if (record_resolve(db, &res_solution, "slug", v, 0) == 0) {
			snprintf(path, sizeof(path), "solutions[%zu]", i);
			return rl_fail(err, 422, "unknown_reference", path,
			    "%s: there is no solution '%s'", path,
			    json_string_value(v));
		}
	}
	json_array_foreach(json_object_get(doc, "event_types"), i, v)
	{
		const char *t = json_string_value(v);
		size_t      n = strspn(t, "abcdefghijklmnopqrstuvwxyz_.*");
		if (n != strlen(t) ||
		    (strchr(t, '*') && strcmp(strchr(t, '*'), "*") != 0)) {
			snprintf(path, sizeof(path), "event_types[%zu]", i);
			return rl_fail(err, 422, "invalid_format", path,
			    "%s must be an event type like release.published "
			    "or a family like cycle.*",
			    path);
		}
	}
	if (json_is_integer(contact)) {
		sqlite3_stmt *st = db_prepare(db,
		    "SELECT 1 FROM contacts c JOIN organisations o ON o.id = "
		    "c.organisation_id WHERE c.id = ? AND o.slug = ?");
		int           ok;
		if (st == NULL)
			return rl_fail(err, 500, "store", NULL,
			    "store unavailable");
		sqlite3_bind_int64(st, 1, json_integer_value(contact));
		db_bind_text(st, 2, str(doc, "organisation"));
		ok = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!ok)
			return rl_fail(err, 422, "invalid_value", "contact",
			    "the contact belongs to another organisation");
	}
	return 0;
}

const struct resource res_subscription = {
	.name = "subscription",
	.plural = "subscriptions",
	.table = "subscriptions",
	.key = "id",
	.fields = subscription_fields,
	.write = { { ROLES_MEMBER, ORG_FIELD, "organisation", NULL } },
	.default_sort = "id",
	.hooks = { .check = subscription_check },
};
