/*
 * A solution's lifecycle records: who is responsible for what, maintenance
 * cycles (release lines, as endoflife.date models them), releases (planned
 * ones are the published release plan) and adoptions.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/dates.h"
#include "domain/resource.h"
#include "domain/validate.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/markdown.h"

/* Dates are ISO 8601, so they compare as strings. */
static const char *
date_of(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

static void
today(char out[CLOCK_DATE_LEN])
{
	clock_format_date(clock_now(), out);
}

/* ---- responsibilities ------------------------------------------------- */

static const char *const responsibility_roles[] = { "provision", "operation",
	"maintenance", "advice", "development", "contact", NULL };

static const struct field responsibility_fields[] = {
	{ .name = "role",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = responsibility_roles },
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_organisation },
	{ .name = "contact", .type = FT_REF, .ref = &res_contact },
	{ .name = "since", .type = FT_DATE },
	{ .name = "until", .type = FT_DATE },
	{ 0 },
};

static int
responsibility_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	(void)db;
	(void)before;
	return validate_not_before(doc, "since", "until", err);
}

const struct resource res_responsibility = {
	.name = "responsibility",
	.plural = "responsibilities",
	.table = "responsibilities",
	.key = "id",
	.fields = responsibility_fields,
	.parent = &res_solution,
	.write = { { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL } },
	.hooks = { .check = responsibility_check },
};

/* ---- maintenance cycles ----------------------------------------------- */

static const struct field cycle_fields[] = {
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT,
	    .max = 64,
	    .help = "release line, e.g. 2.x or 2026" },
	{ .name = "release_date", .type = FT_DATE },
	{ .name = "support_until",
	    .type = FT_DATE,
	    .help = "end of active support" },
	{ .name = "eol",
	    .type = FT_DATE,
	    .help = "end of life: end of security support" },
	{ .name = "lts", .type = FT_BOOL },
	{ .name = "extended_support",
	    .type = FT_DATE,
	    .help = "end of paid or extended support after eol" },
	{ 0 },
};

static int
cycle_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	(void)db;
	(void)before;
	if (validate_not_before(doc, "release_date", "support_until", err) ==
	        -1 ||
	    validate_not_before(doc, "release_date", "eol", err) == -1 ||
	    validate_not_before(doc, "support_until", "eol", err) == -1 ||
	    validate_not_before(doc, "eol", "extended_support", err) == -1)
		return -1;
	return 0;
}

/*
 * Adds what is derived, never typed: the latest released version of the
 * cycle and where the cycle stands today (a cycle whose release date is
 * still ahead is upcoming, whatever its other dates say).
 */
static void
cycle_decorate(struct db *db, const struct record *r, json_t *out)
{
	sqlite3_stmt *st;
	const char   *support = date_of(r->doc, "support_until");
	const char   *eol = date_of(r->doc, "eol");
	const char   *ext = date_of(r->doc, "extended_support");
	const char   *released = date_of(r->doc, "release_date");
	const char   *status;
	char          now[CLOCK_DATE_LEN];

	st = db_prepare(db,
	    "SELECT version, date FROM releases WHERE "
	    "cycle_id = ? AND status = 'released' ORDER BY date DESC, id DESC "
	    "LIMIT 1");
	json_object_set_new(out, "latest", json_null());
	json_object_set_new(out, "latest_date", json_null());
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, r->id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			json_object_set_new(out, "latest",
			    json_string(db_column_text(st, 0)));
			if (db_column_text(st, 1))
				json_object_set_new(out, "latest_date",
				    json_string(db_column_text(st, 1)));
		}
		sqlite3_reset(st);
	}
	today(now);
	status = dates_support_status(released, support, eol, ext, now);
	json_object_set_new(out, "support_status", json_string(status));
}

const struct resource res_cycle = {
	.name = "cycle",
	.plural = "cycles",
	.table = "cycles",
	.key = "id",
	.fields = cycle_fields,
	.parent = &res_solution,
	.write = { { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL } },
	.default_sort = "name",
	.hooks = { .check = cycle_check, .decorate = cycle_decorate },
};

/* ---- releases --------------------------------------------------------- */

static const char *const release_statuses[] = { "planned", "released",
	"withdrawn", NULL };

static const struct field release_fields[] = {
	{ .name = "version",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT,
	    .max = 64 },
	{ .name = "cycle",
	    .type = FT_REF,
	    .flags = F_FILTER,
	    .ref = &res_cycle,
	    .ref_key = "name" },
	{ .name = "status",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = release_statuses },
	{ .name = "planned_date", .type = FT_DATE },
	{ .name = "date", .type = FT_DATE, .help = "actual release date" },
	{ .name = "notes", .type = FT_TEXT, .max = 20000, .help = "Markdown" },
	{ 0 },
};

static int
release_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	const char *status = date_of(doc, "status");

	(void)db;
	(void)before;
	if (strcmp(status, "planned") == 0 && !date_of(doc, "planned_date"))
		return rl_fail(err, 422, "missing_field", "planned_date",
		    "planned_date is required for a planned release");
	if (strcmp(status, "released") == 0 && !date_of(doc, "date"))
		return rl_fail(err, 422, "missing_field", "date",
		    "date (the "
		    "actual release date) is required for a released release");
	return 0;
}

/* Publishing is what adopters subscribe to: its own event. */
static int
release_after_write(struct db *db, const struct record *before,
    const struct record *after, const char *actor, struct rl_error *err)
{
	const char *was, *now;
	char        subject[256];

	if (after == NULL)
		return 0;
	was = before ? date_of(before->doc, "status") : NULL;
	now = date_of(after->doc, "status");
	if (strcmp(now, "released") != 0 || (was && strcmp(was, now) == 0))
		return 0;
	record_subject(db, &res_release, after, subject, sizeof(subject));
	if (outbox_append(db, "release.published", subject, actor,
	        after->solution_id, after->doc) == -1)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return 0;
}

static void
release_decorate(struct db *db, const struct record *r, json_t *out)
{
	const char *planned = date_of(r->doc, "planned_date");
	const char *notes = date_of(r->doc, "notes");
	char        now[CLOCK_DATE_LEN], *html;

	(void)db;
	today(now);
	json_object_set_new(out, "overdue",
	    json_boolean(strcmp(date_of(r->doc, "status"), "planned") == 0 &&
	        planned && strcmp(planned, now) < 0));
	if (notes && (html = markdown_html(notes, strlen(notes))) != NULL) {
		json_object_set_new(out, "notes_html", json_string(html));
		free(html);
	}
}

const struct resource res_release = {
	.name = "release",
	.plural = "releases",
	.table = "releases",
	.key = "id",
	.fields = release_fields,
	.parent = &res_solution,
	.write = { { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL } },
	.default_sort = "id",
	.hooks = { .check = release_check,
	    .after_write = release_after_write,
	    .decorate = release_decorate },
};

/* ---- adoptions -------------------------------------------------------- */

static const char *const adoption_statuses[] = { "evaluating", "rolling-in",
	"live", "stopped", NULL };

static const struct field adoption_fields[] = {
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_organisation },
	{ .name = "status",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = adoption_statuses },
	{ .name = "version",
	    .type = FT_STRING,
	    .max = 64,
	    .help = "version in use" },
	{ .name = "since", .type = FT_DATE },
	{ .name = "context", .type = FT_TEXT, .max = 2000 },
	{ 0 },
};

/*
 * An adoption is the adopting organisation's record; the solution's owner
 * may also record who uses it.
 */
const struct resource res_adoption = {
	.name = "adoption",
	.plural = "adoptions",
	.table = "adoptions",
	.key = "id",
	.fields = adoption_fields,
	.parent = &res_solution,
	.write = { { ROLE_ADOPTER | ROLE_ONBOARDING, ORG_FIELD,
	               "organisation" },
	    { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL } },
	.default_sort = "id",
};
