/*
 * The catalogue's records: organisations, their contacts, and solutions.
 * Lifecycle records (responsibilities, cycles, releases, adoptions) are in
 * domain/lifecycle.c.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/quality.h"
#include "domain/resource.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"
#include "util/markdown.h"

const struct field *
resource_field(const struct resource *res, const char *name)
{
	for (const struct field *f = res->fields; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const char *
field_ref_key(const struct field *f)
{
	return f->ref_key ? f->ref_key : f->ref->key;
}

/* ---- organisations ---------------------------------------------------- */

static const char *const org_kinds[] = { "federal", "state", "municipal",
	"association", "provider", "other", NULL };

const char *const german_states[] = { "Baden-Württemberg", "Bayern", "Berlin",
	"Brandenburg", "Bremen", "Hamburg", "Hessen", "Mecklenburg-Vorpommern",
	"Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland",
	"Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen", NULL };

static const struct field organisation_fields[] = {
	{ .name = "slug",
	    .type = FT_SLUG,
	    .flags = F_REQUIRED | F_IMMUTABLE | F_SORT },
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT | F_COLLATE,
	    .max = 200 },
	{ .name = "kind",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = org_kinds },
	{ .name = "state",
	    .type = FT_ENUM,
	    .flags = F_FILTER,
	    .values = german_states },
	{ .name = "ars",
	    .type = FT_STRING,
	    .flags = F_FILTER,
	    .max = 12,
	    .help = "official regional key (Amtlicher Regionalschlüssel)" },
	{ .name = "website", .type = FT_URL, .max = 500 },
	{ 0 },
};

/* The ARS is exactly 12 digits: Land, Regierungsbezirk, Kreis, Gemeinde. */
static int
organisation_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	json_t *ars = json_object_get(doc, "ars");

	(void)db;
	(void)before;
	if (!json_is_string(ars))
		return 0;
	if (json_string_length(ars) != 12 ||
	    strspn(json_string_value(ars), "0123456789") != 12)
		return rl_fail(err, 422, "invalid_format", "ars",
		    "ars must be "
		    "the 12-digit Amtlicher Regionalschlüssel");
	return 0;
}

const struct resource res_organisation = {
	.name = "organisation",
	.plural = "organisations",
	.table = "organisations",
	.key = "slug",
	.fields = organisation_fields,
	.flags = R_ADMIN_CREATE,
	.write = { { ROLE_OWNER, ORG_SELF, NULL } },
	.hooks = { .check = organisation_check },
};

/* ---- contacts --------------------------------------------------------- */

static const struct field contact_fields[] = {
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_organisation },
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_PRIVATE | F_SORT | F_COLLATE,
	    .max = 200 },
	{ .name = "role_title", .type = FT_STRING, .max = 200 },
	{ .name = "email", .type = FT_EMAIL, .flags = F_PRIVATE, .max = 254 },
	{ .name = "phone", .type = FT_STRING, .flags = F_PRIVATE, .max = 50 },
	{ 0 },
};

const struct resource res_contact = {
	.name = "contact",
	.plural = "contacts",
	.table = "contacts",
	.key = "id",
	.fields = contact_fields,
	.write = { { ROLES_MEMBER, ORG_FIELD, "organisation" } },
};

/* ---- solutions -------------------------------------------------------- */

const char *const maturities[] = { "concept", "development", "pilot",
	"production", "widespread", "retired", NULL };

static const char *const transfer_roles[] = { "adopter", "owner", "provider",
	"onboarding", NULL };

static const struct field documentation_fields[] = {
	{ .name = "title", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "url", .type = FT_URL, .flags = F_REQUIRED, .max = 500 },
	{ 0 },
};

static const struct field transfer_step_fields[] = {
	{ .name = "step", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "role",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED,
	    .values = transfer_roles },
	{ .name = "effort_days",
	    .type = FT_NUMBER,
	    .min_num = 0,
	    .max_num = 10000 },
	{ .name = "description", .type = FT_TEXT, .max = 2000 },
	{ 0 },
};

static const struct field solution_fields[] = {
	{ .name = "slug",
	    .type = FT_SLUG,
	    .flags = F_REQUIRED | F_IMMUTABLE | F_SORT },
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT | F_COLLATE,
	    .max = 200 },
	{ .name = "summary", .type = FT_STRING, .max = 300 },
	{ .name = "description",
	    .type = FT_TEXT,
	    .max = 20000,
	    .help = "Markdown" },
	{ .name = "owner",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_organisation },
	{ .name = "homepage", .type = FT_URL, .max = 500 },
	{ .name = "repository", .type = FT_URL, .max = 500 },
	{ .name = "licence", .type = FT_SPDX, .flags = F_FILTER, .max = 200 },
	{ .name = "open_source", .type = FT_BOOL, .flags = F_FILTER },
	{ .name = "maturity",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER | F_SORT,
	    .values = maturities },
	{ .name = "problems", .type = FT_TAGS, .max = 20 },
	{ .name = "processes", .type = FT_TAGS, .max = 50 },
	{ .name = "target_groups", .type = FT_TAGS, .max = 20 },
	{ .name = "standards", .type = FT_TAGS, .max = 30 },
	{ .name = "interfaces", .type = FT_TAGS, .max = 30 },
	{ .name = "prerequisites", .type = FT_TAGS, .max = 30 },
	{ .name = "categories", .type = FT_TAGS, .max = 10 },
	{ .name = "usage_context", .type = FT_TEXT, .max = 5000 },
	{ .name = "scenarios", .type = FT_TAGS, .max = 20 },
	{ .name = "documentation",
	    .type = FT_OBJECTS,
	    .max = 30,
	    .sub = documentation_fields },
	{ .name = "transfer_concept",
	    .type = FT_OBJECTS,
	    .max = 40,
	    .sub = transfer_step_fields },
	{ 0 },
};

static const char *const solution_extra[] = { "confirmed_at", "touched_at",
	NULL };

/*
 * Keeps the stored completeness (for filtering) and the change stamp in
 * step with every write, and records retirement as its own event.
 */
static int
solution_after_write(struct db *db, const struct record *before,
    const struct record *after, const char *actor, struct rl_error *err)
{
	sqlite3_stmt *st;
	const char   *was, *now;
	char          subject[160];

	if (after == NULL)
		return 0;
	st = db_prepare(db,
	    "UPDATE solutions SET completeness = ?, "
	    "touched_at = updated_at WHERE id = ?");
	if (st == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_int(st, 1, quality_completeness(after->doc, NULL));
	sqlite3_bind_int64(st, 2, after->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	}
	sqlite3_reset(st);
	was = before
	    ? json_string_value(json_object_get(before->doc, "maturity"))
	    : NULL;
	now = json_string_value(json_object_get(after->doc, "maturity"));
	if (strcmp(now, "retired") == 0 &&
	    (was == NULL || strcmp(was, "retired") != 0)) {
		snprintf(subject, sizeof(subject), "solutions/%s",
		    json_string_value(json_object_get(after->doc, "slug")));
		if (outbox_append(db, "solution.retired", subject, actor,
		        after->id, after->doc) == -1)
			return rl_fail(err, 500, "store", NULL,
			    "store unavailable");
	}
	return 0;
}

static void
solution_decorate(struct db *db, const struct record *r, json_t *out)
{
	json_t       *missing;
	sqlite3_stmt *st;
	const char   *md =
	    json_string_value(json_object_get(r->doc, "description"));
	char *html;
	int   percent;

	/* Rendered once per write (the document is stored rendered). */
	if (md != NULL && (html = markdown_html(md, strlen(md))) != NULL) {
		json_object_set_new(out, "description_html", json_string(html));
		free(html);
	}
	percent = quality_completeness(r->doc, &missing);
	st = db_prepare(db,
	    "SELECT avg(rating), count(*) FROM feedback WHERE "
	    "solution_id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, r->id);
		if (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(out, "rating",
			    json_pack("{s:o, s:i}", "average",
			        sqlite3_column_type(st, 0) == SQLITE_NULL
			            ? json_null()
			            : json_real(sqlite3_column_double(st, 0)),
			        "count", sqlite3_column_int(st, 1)));
		sqlite3_reset(st);
	}
	json_object_set_new(out, "completeness",
	    json_pack("{s:i, s:o}", "percent", percent, "missing", missing));
	/* shown as freshness instead */
	json_object_del(out, "confirmed_at");
	json_object_del(out, "touched_at");
}

/* Freshness depends on today's date, so it is never stored rendered. */
static void
solution_live(const struct record *r, json_t *out)
{
	const char *changed =
	               json_string_value(json_object_get(r->doc, "touched_at")),
	           *updated =
	               json_string_value(json_object_get(r->doc, "updated_at"));

	/* A write stamps touched_at after the record was read back. */
	if (changed == NULL || (updated && strcmp(updated, changed) > 0))
		changed = updated;
	json_object_set_new(out, "freshness",
	    quality_freshness(json_string_value(
	                          json_object_get(r->doc, "confirmed_at")),
	        changed, clock_now()));
}

const struct resource res_solution = {
	.name = "solution",
	.plural = "solutions",
	.table = "solutions",
	.key = "slug",
	.fields = solution_fields,
	.flags = R_NO_DELETE | R_RENDERED,
	.write = { { ROLE_OWNER, ORG_FIELD, "owner" } },
	.default_sort = "name",
	.extra_columns = solution_extra,
	.hooks = { .after_write = solution_after_write,
	    .decorate = solution_decorate,
	    .live = solution_live },
};
