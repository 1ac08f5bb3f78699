/*
 * What adopters report back: lessons learned (Markdown, searchable),
 * feedback with the owner's answer, and cost reports whose savings are
 * derived, never typed.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/costs.h"
#include "domain/reports.h"
#include "domain/validate.h"
#include "events/outbox.h"
#include "util/clock.h"
#include "domain/resource.h"
#include "domain/rollin.h"
#include "store/db.h"
#include "store/record.h"
#include "util/markdown.h"

static const char *
str(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

/* A roll-in named by a report must be one of the same solution. */
static int
check_rollin_solution(struct db *db, json_t *doc, struct rl_error *err)
{
	json_t       *rollin = json_object_get(doc, "rollin");
	sqlite3_stmt *st;
	int           same = 0;

	if (!json_is_integer(rollin))
		return 0;
	st = db_prepare(db,
	    "SELECT 1 FROM rollins r JOIN solutions s ON s.id = r.solution_id "
	    "WHERE r.id = ? AND s.slug = ?");
	if (st == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_int64(st, 1, json_integer_value(rollin));
	db_bind_text(st, 2, str(doc, "solution"));
	same = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	if (!same)
		return rl_fail(err, 422, "invalid_value", "rollin",
		    "roll-in %lld is not one of solution '%s'",
		    (long long)json_integer_value(rollin),
		    str(doc, "solution"));
	return 0;
}

/* ---- lessons learned -------------------------------------------------- */

static const struct field lesson_fields[] = {
	{ .name = "solution",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER,
	    .ref = &res_solution },
	{ .name = "rollin",
	    .type = FT_REF,
	    .flags = F_FILTER,
	    .ref = &res_rollin },
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation,
	    .help = "the organisation that learned it" },
	{ .name = "category",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = lesson_categories },
	{ .name = "title", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "text",
	    .type = FT_TEXT,
	    .flags = F_REQUIRED,
	    .max = 20000,
	    .help = "Markdown" },
	{ .name = "tags", .type = FT_TAGS, .max = 20 },
	{ 0 },
};

static int
lesson_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	(void)before;
	return check_rollin_solution(db, doc, err);
}

/* The Markdown text as safe HTML, for pages that show it. */
static void
lesson_decorate(struct db *db, const struct record *r, json_t *out)
{
	const char *text = str(r->doc, "text");
	char       *html;

	(void)db;
	if (text && (html = markdown_html(text, strlen(text))) != NULL) {
		json_object_set_new(out, "text_html", json_string(html));
		free(html);
	}
}

const struct resource res_lesson = {
	.name = "lesson",
	.plural = "lessons",
	.table = "lessons",
	.key = "id",
	.fields = lesson_fields,
	.write = { { ROLES_MEMBER, ORG_FIELD, "organisation", NULL } },
	.default_sort = "id",
	.hooks = { .check = lesson_check, .decorate = lesson_decorate },
};

/* ---- feedback --------------------------------------------------------- */

static const struct field feedback_fields[] = {
	{ .name = "solution",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_solution },
	{ .name = "organisation",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation },
	{ .name = "rating",
	    .type = FT_INT,
	    .flags = F_REQUIRED | F_FILTER | F_SORT,
	    .min_num = 1,
	    .max_num = 5 },
	{ .name = "text", .type = FT_TEXT, .max = 5000 },
	{ .name = "version", .type = FT_STRING, .max = 64 },
	{ 0 },
};

static const char *const feedback_extra[] = { "answer", "answered_at",
	"answered_by", NULL };

/* The solution shows its average rating: render it again. */
static int
feedback_after_write(struct db *db, const struct record *before,
    const struct record *after, const char *actor, struct rl_error *err)
{
	const struct record *r = after ? after : before;

	(void)actor;
	if (record_rerender(db, &res_solution, r->solution_id) == -1)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return 0;
}

const struct resource res_feedback = {
	.name = "feedback",
	.plural = "feedback",
	.table = "feedback",
	.key = "id",
	.fields = feedback_fields,
	.write = { { ROLE_ADOPTER, ORG_FIELD, "organisation", NULL } },
	.default_sort = "id",
	.extra_columns = feedback_extra,
	.hooks = { .after_write = feedback_after_write },
};

/* ---- cost reports ----------------------------------------------------- */

static const struct field cost_fields[] = {
	{ .name = "adoption",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_adoption },
	{ .name = "rollin",
	    .type = FT_REF,
	    .flags = F_FILTER,
	    .ref = &res_rollin },
	{ .name = "period_start",
	    .type = FT_DATE,
	    .flags = F_REQUIRED | F_SORT },
	{ .name = "period_end", .type = FT_DATE, .flags = F_REQUIRED },
#define CENTS(n, h)                                                       \
	{                                                                 \
		.name = n, .type = FT_INT, .flags = F_ZERO, .min_num = 0, \
		.max_num = 1e15, .help = h                                \
	}
	CENTS("one_off_cents", "one-off implementation cost"),
	CENTS("operating_cents", "yearly operating cost"),
	CENTS("contributions_cents", "contributions to further development"),
	CENTS("licence_cents", "licence fees"),
	CENTS("build_alone_cents", "estimated cost of building it alone"),
	{ .name = "own_effort_days",
	    .type = FT_NUMBER,
	    .flags = F_ZERO,
	    .min_num = 0,
	    .max_num = 1e6,
	    .help = "own effort in person-days" },
	{ .name = "day_rate_cents",
	    .type = FT_INT,
	    .min_num = 0,
	    .max_num = 1e9,
	    .help = "price of a person-day; default from configuration" },
	{ .name = "public", .type = FT_BOOL, .flags = F_FILTER },
	{ .name = "notes", .type = FT_TEXT, .max = 5000 },
	{ 0 },
};

static int64_t
cents(json_t *doc, const char *name)
{
	return (int64_t)json_integer_value(json_object_get(doc, name));
}

static int
cost_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	json_t *days = json_object_get(doc, "own_effort_days");

	(void)db;
	(void)before;
	if (strcmp(str(doc, "period_start"), str(doc, "period_end")) > 0)
		return rl_fail(err, 422, "invalid_value", "period_end",
		    "period_end must not be before period_start");
	if (json_is_number(days)) {
		/* 0.29 * 100 is 28.999999999999996 in binary floating point */
		double d = json_number_value(days) * 100.0;
		if (fabs(d - (double)costs_centidays(json_number_value(days))) >
		    1e-6)
			return rl_fail(err, 422, "invalid_value",
			    "own_effort_days",
			    "own_effort_days has at most two decimals");
	}
	return 0;
}

static void
cost_decorate(struct db *db, const struct record *r, json_t *out)
{
	struct cost_input   in;
	struct cost_figures f;
	json_t             *rate = json_object_get(r->doc, "day_rate_cents");
	sqlite3_stmt       *st;

	in.one_off = cents(r->doc, "one_off_cents");
	in.operating = cents(r->doc, "operating_cents");
	in.contributions = cents(r->doc, "contributions_cents");
	in.licence = cents(r->doc, "licence_cents");
	in.build_alone = cents(r->doc, "build_alone_cents");
	in.effort_centidays = costs_centidays(
	    json_number_value(json_object_get(r->doc, "own_effort_days")));
	in.day_rate = json_is_integer(rate) ? json_integer_value(rate)
	                                    : costs_default_day_rate();
	costs_derive(&in, &f);
	json_object_set_new(out, "derived",
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "day_rate_cents",
	        (json_int_t)in.day_rate, "own_effort_cents",
	        (json_int_t)f.own_effort, "one_off_total_cents",
	        (json_int_t)f.one_off_total, "recurring_cents",
	        (json_int_t)f.recurring, "total_cents", (json_int_t)f.total,
	        "savings_cents", (json_int_t)f.savings, "payback_months",
	        f.payback_months < 0 ? json_null()
	                             : json_integer(f.payback_months)));
	st = db_prepare(db,
	    "SELECT s.slug, o.slug FROM adoptions a JOIN solutions s ON s.id = "
	    "a.solution_id JOIN organisations o ON o.id = a.organisation_id "
	    "WHERE a.id = ?");
	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1,
	    json_integer_value(json_object_get(r->doc, "adoption")));
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(out, "solution",
		    json_string((const char *)sqlite3_column_text(st, 0)));
		json_object_set_new(out, "organisation",
		    json_string((const char *)sqlite3_column_text(st, 1)));
	}
	sqlite3_reset(st);
}

const struct resource res_cost_report = {
	.name = "cost_report",
	.plural = "cost-reports",
	.table = "cost_reports",
	.key = "id",
	.fields = cost_fields,
	.write = { { ROLE_ADOPTER, ORG_REF_SQL, "adoption",
	    "SELECT organisation_id FROM adoptions WHERE id = ?" } },
	.default_sort = "id",
	.visible_field = "public",
	.hooks = { .check = cost_check, .decorate = cost_decorate },
};

int
feedback_answer(struct db *db, int64_t id, json_t *answer,
    const struct principal *who, struct record *out, struct rl_error *err)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN], subject[64];
	int64_t       owner = 0;

	memset(out, 0, sizeof(*out));
	if (who == NULL || who->role == ROLE_NONE)
		return rl_fail(err, 401, "unauthenticated", NULL,
		    "sign in to answer feedback");
	if (!json_is_string(answer) ||
	    utf8_length(json_string_value(answer)) == 0 ||
	    utf8_length(json_string_value(answer)) > 5000)
		return rl_fail(err, 422, "invalid_value", "answer",
		    "answer must be text of 1 to 5000 characters");
	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if (record_get_by_id(db, &res_feedback, id, out, err) == -1)
		goto fail;
	st = db_prepare(db, "SELECT owner_id FROM solutions WHERE id = ?");
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, out->solution_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			owner = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (!access_may_write(who, ROLE_OWNER, owner)) {
		rl_fail(err, 403, "forbidden", NULL,
		    "only the owner of the solution answers its feedback");
		goto fail;
	}
	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "UPDATE feedback SET answer = ?, answered_at = ?, answered_by = ?, "
	    "rev = rev + 1 WHERE id = ?");
	if (st == NULL)
		goto store_fail;
	db_bind_text(st, 1, json_string_value(answer));
	db_bind_text(st, 2, now);
	db_bind_text(st, 3, who->actor);
	sqlite3_bind_int64(st, 4, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto store_fail;
	}
	sqlite3_reset(st);
	record_clear(out);
	if (record_get_by_id(db, &res_feedback, id, out, err) == -1)
		goto fail;
	snprintf(subject, sizeof(subject), "feedback/%lld", (long long)id);
	if (outbox_append(db, "feedback.answered", subject, who->actor,
	        out->solution_id, out->doc) == -1 ||
	    db_commit(db) == -1)
		goto store_fail;
	return 0;
store_fail:
	rl_fail(err, 500, "store", NULL, "answering failed");
fail:
	db_rollback(db);
	record_clear(out);
	return -1;
}
