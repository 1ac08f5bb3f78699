/*
 * Third-party products the catalogue's solutions depend on (PostgreSQL,
 * Ubuntu, Java, ...), kept apart from the solutions themselves:
 *
 * - product: keyed by its name as endoflife.date spells it ("postgresql");
 *   only admins write products (imports run as admin);
 * - product cycle: a release line of a product with the dates the source
 *   publishes; latest and latest_date are stored, since they come from
 *   the source and not from releases recorded here;
 * - dependency: a solution runs on a product, in a cycle if known. The
 *   product must exist (an importer creates it when it is missing); the
 *   cycle is free text, matched on read against the product's cycles
 *   (exactly, else by dotted prefix: "15.4" runs on cycle "15"), so that a
 *   dependency can be recorded before the product's cycles are imported.
 *   What the matched cycle says today is derived on every read.
 */
#include <stdio.h>
#include <string.h>

#include "domain/dates.h"
#include "domain/resource.h"
#include "domain/validate.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"

static const char *
text_of(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

/* Dates are ISO 8601, so they compare as strings. */

/*
 * The product cycle a dependency's cycle names, as a condition on alias c
 * with the dependency's product id as ?1 and its cycle as ?2: the cycle of
 * that name, or else the longest cycle that is a dotted prefix of it, so
 * that "15.4" finds PostgreSQL's cycle "15" (the exact name is the longest
 * that can match). The eol report plugin uses the same rule.
 */
#define PRODUCT_CYCLE_MATCH                                   \
	"c.product_id = ?1 AND (c.name = ?2 OR "              \
	"substr(?2, 1, length(c.name) + 1) = c.name || '.') " \
	"ORDER BY length(c.name) DESC, c.id LIMIT 1"

/*
 * Third-party products keep endoflife.date's three states: their release
 * and extended-support dates do not change what the state says.
 */
static const char *
product_status(const char *support_until, const char *eol, const char *today)
{
	return dates_support_status(NULL, support_until, eol, NULL, today);
}

/* Whole days from today until date (negative once it has passed). */
static json_t *
days_until(const char *date)
{
	time_t t;

	if (date == NULL || clock_parse_date(date, &t) == -1)
		return json_null();
	return json_integer(clock_days_between(clock_now(), t));
}

/* ---- products --------------------------------------------------------- */

static const struct field product_fields[] = {
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_IMMUTABLE | F_SORT,
	    .max = 64,
	    .help = "the product's key as endoflife.date spells it, e.g. "
	            "postgresql" },
	{ .name = "label",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT | F_COLLATE,
	    .max = 200,
	    .help = "how people name it, e.g. PostgreSQL" },
	{ .name = "category",
	    .type = FT_STRING,
	    .flags = F_FILTER,
	    .max = 64,
	    .help = "endoflife.date's category: os, database, lang, ..." },
	{ .name = "link",
	    .type = FT_URL,
	    .max = 500,
	    .help = "the product's page or release policy" },
	{ 0 },
};

/*
 * The name is a path segment and endoflife.date's key: lowercase letters,
 * digits, '.', '_' and '-', starting with a letter or digit.
 */
static int
product_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	const char *name = text_of(doc, "name");

	(void)db;
	(void)before;
	if (name == NULL)
		return 0;
	if (!((name[0] >= 'a' && name[0] <= 'z') ||
	        (name[0] >= '0' && name[0] <= '9')) ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
	        strlen(name))
		return rl_fail(err, 422, "invalid_format", "name",
		    "name must be lowercase letters, digits, '.', '_' and "
		    "'-', starting with a letter or digit (as endoflife.date "
		    "names products, e.g. postgresql)");
	return 0;
}

/* How many solutions depend on the product. */
static void
product_decorate(struct db *db, const struct record *r, json_t *out)
{
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT count(*) FROM dependencies WHERE product_id = ?");

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(out, "dependents",
		    json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
}

/* Only admins write products: no organisation controls them. */
const struct resource res_product = {
	.name = "product",
	.plural = "products",
	.table = "products",
	.key = "name",
	.fields = product_fields,
	.flags = R_ADMIN_CREATE,
	.default_sort = "name",
	.hooks = { .check = product_check, .decorate = product_decorate },
};

/* ---- product cycles --------------------------------------------------- */

static const struct field product_cycle_fields[] = {
	{ .name = "name",
	    .type = FT_STRING,
	    .flags = F_REQUIRED | F_SORT,
	    .max = 64,
	    .help = "release line, e.g. 15 or 22.04" },
	{ .name = "release_date", .type = FT_DATE },
	{ .name = "support_until",
	    .type = FT_DATE,
	    .help = "end of active support (endoflife.date: eoas)" },
	{ .name = "eol",
	    .type = FT_DATE,
	    .help = "end of life: end of security support" },
	{ .name = "lts", .type = FT_BOOL, .flags = F_FILTER },
	{ .name = "extended_support",
	    .type = FT_DATE,
	    .help = "end of paid or extended support (endoflife.date: eoes)" },
	{ .name = "latest",
	    .type = FT_STRING,
	    .max = 64,
	    .help = "latest version of the cycle, as the source says" },
	{ .name = "latest_date", .type = FT_DATE },
	{ .name = "link",
	    .type = FT_URL,
	    .max = 500,
	    .help = "release notes of the latest version" },
	{ 0 },
};

static int
product_cycle_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	(void)db;
	(void)before;
	if (validate_not_before(doc, "release_date", "support_until", err) ==
	        -1 ||
	    validate_not_before(doc, "release_date", "eol", err) == -1 ||
	    validate_not_before(doc, "support_until", "eol", err) == -1 ||
	    validate_not_before(doc, "eol", "extended_support", err) == -1 ||
	    validate_not_before(doc, "release_date", "latest_date", err) == -1)
		return -1;
	return 0;
}

static void
product_cycle_decorate(struct db *db, const struct record *r, json_t *out)
{
	char today[CLOCK_DATE_LEN];

	(void)db;
	clock_format_date(clock_now(), today);
	json_object_set_new(out, "support_status",
	    json_string(product_status(text_of(r->doc, "support_until"),
	        text_of(r->doc, "eol"), today)));
	json_object_set_new(out, "days_to_eol",
	    days_until(text_of(r->doc, "eol")));
}

const struct resource res_product_cycle = {
	.name = "product_cycle",
	.plural = "cycles",
	.table = "product_cycles",
	.key = "id",
	.fields = product_cycle_fields,
	.parent = &res_product,
	.default_sort = "name",
	.hooks = { .check = product_cycle_check,
	    .decorate = product_cycle_decorate },
};

/* ---- dependencies ------------------------------------------------------ */

static const char *const dependency_kinds[] = { "open", "proprietary",
	"hardware", NULL };

static const struct field dependency_fields[] = {
	{ .name = "product",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_product,
	    .help = "the product's name, e.g. postgresql" },
	{ .name = "cycle",
	    .type = FT_STRING,
	    .flags = F_FILTER,
	    .max = 64,
	    .help = "the product cycle (or version) the solution runs on, "
	            "e.g. 15" },
	{ .name = "kind",
	    .type = FT_ENUM,
	    .flags = F_FILTER,
	    .values = dependency_kinds,
	    .help = "as publiccode.yml's dependsOn: open, proprietary or "
	            "hardware" },
	{ .name = "note", .type = FT_TEXT, .max = 2000 },
	{ 0 },
};

/*
 * What the product's matching cycle says today: its dates, latest version
 * and support status, "unknown" when no cycle is named or the product has
 * no such cycle.
 */
static void
dependency_decorate(struct db *db, const struct record *r, json_t *out)
{
	const char   *product = text_of(r->doc, "product");
	const char   *cycle = text_of(r->doc, "cycle");
	const char   *status = "unknown";
	sqlite3_stmt *st;
	int64_t       pid = 0;
	char          today[CLOCK_DATE_LEN];
	json_t       *matched = json_null(), *eol = json_null();
	json_t       *support = json_null(), *ext = json_null();
	json_t       *latest = json_null(), *days = json_null();

	st = db_prepare(db, "SELECT id, label FROM products WHERE name = ?");
	if (st != NULL && product != NULL) {
		db_bind_text(st, 1, product);
		if (sqlite3_step(st) == SQLITE_ROW) {
			pid = sqlite3_column_int64(st, 0);
			json_object_set_new(out, "product_label",
			    json_string(db_column_text(st, 1)));
		}
		sqlite3_reset(st);
	}
	st = db_prepare(db,
	    "SELECT c.name, c.support_until, c.eol, c.extended_support, "
	    "c.latest FROM product_cycles c WHERE " PRODUCT_CYCLE_MATCH);
	if (st != NULL && pid > 0 && cycle != NULL) {
		sqlite3_bind_int64(st, 1, pid);
		db_bind_text(st, 2, cycle);
		if (sqlite3_step(st) == SQLITE_ROW) {
			const char *s = db_column_text(st, 1);
			const char *e = db_column_text(st, 2);
			const char *x = db_column_text(st, 3);
			const char *l = db_column_text(st, 4);

			clock_format_date(clock_now(), today);
			status = product_status(s, e, today);
			matched = json_string(db_column_text(st, 0));
			support = s ? json_string(s) : json_null();
			eol = e ? json_string(e) : json_null();
			ext = x ? json_string(x) : json_null();
			latest = l ? json_string(l) : json_null();
			days = days_until(e);
		}
		sqlite3_reset(st);
	}
	json_object_set_new(out, "product_cycle", matched);
	json_object_set_new(out, "support_until", support);
	json_object_set_new(out, "eol", eol);
	json_object_set_new(out, "extended_support", ext);
	json_object_set_new(out, "latest", latest);
	json_object_set_new(out, "support_status", json_string(status));
	json_object_set_new(out, "days_to_eol", days);
}

/* The solution's owner records what it runs on. */
const struct resource res_dependency = {
	.name = "dependency",
	.plural = "dependencies",
	.table = "dependencies",
	.key = "id",
	.fields = dependency_fields,
	.parent = &res_solution,
	.write = { { ROLE_OWNER, ORG_PARENT_SQL, NULL, PARENT_OWNER_SQL } },
	.default_sort = "id",
	.hooks = { .decorate = dependency_decorate },
};
