/*
 * Roll-ins with their steps and blockers. A roll-in is created from the
 * solution's transfer concept (its steps are copied and then edited), moves
 * through explicit states, and keeps the adopter's adoption record in step:
 * rolling-in while it runs, live at go-live, stopped when aborted.
 */
#include <stdio.h>
#include <string.h>

#include "domain/rollin.h"
#include "domain/resource.h"
#include "events/outbox.h"
#include "store/db.h"
#include "store/record.h"
#include "util/clock.h"

const char *const rollin_states[] = { "planned", "preparing", "integrating",
	"pilot", "live", "on-hold", "aborted", NULL };

const char *const lesson_categories[] = { "technical", "organisational",
	"legal", "procurement", "data-protection", "operations", NULL };

/*
 * The allowed transitions. Work moves forward one phase at a time (a pilot
 * may fall back to integration), any running roll-in can be put on hold or
 * aborted, and a held one resumes in any running phase. live and aborted
 * are final.
 */
static const struct transition {
	const char *from;
	const char *to[6];
} transitions[] = {
	{ "planned", { "preparing", "on-hold", "aborted" } },
	{ "preparing", { "integrating", "on-hold", "aborted" } },
	{ "integrating", { "pilot", "live", "on-hold", "aborted" } },
	{ "pilot", { "live", "integrating", "on-hold", "aborted" } },
	{ "on-hold",
	    { "planned", "preparing", "integrating", "pilot", "aborted" } },
	{ "live", { NULL } },
	{ "aborted", { NULL } },
};

static const struct transition *
transition_from(const char *from)
{
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]);
	     i++)
		if (strcmp(transitions[i].from, from) == 0)
			return &transitions[i];
	return NULL;
}

int
rollin_may_transition(const char *from, const char *to)
{
	const struct transition *t = transition_from(from);

	for (size_t i = 0; t && i < 6 && t->to[i]; i++)
		if (strcmp(t->to[i], to) == 0)
			return 1;
	return 0;
}

json_t *
rollin_next_states(const char *from)
{
	const struct transition *t = transition_from(from);
	json_t                  *out = json_array();

	for (size_t i = 0; t && i < 6 && t->to[i]; i++)
		json_array_append_new(out, json_string(t->to[i]));
	return out;
}

static const char *
str(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(doc, name));
}

static void
today(char out[CLOCK_DATE_LEN])
{
	clock_format_date(clock_now(), out);
}

/* ---- roll-ins --------------------------------------------------------- */

static const struct field rollin_fields[] = {
	{ .name = "solution",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_solution },
	{ .name = "adopter",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation },
	{ .name = "onboarding_team",
	    .type = FT_REF,
	    .flags = F_REQUIRED | F_FILTER | F_IMMUTABLE,
	    .ref = &res_organisation },
	{ .name = "status",
	    .type = FT_ENUM,
	    .flags = F_FILTER,
	    .values = rollin_states },
	{ .name = "started_on", .type = FT_DATE },
	{ .name = "target_golive", .type = FT_DATE },
	{ .name = "actual_golive", .type = FT_DATE },
	{ .name = "notes", .type = FT_TEXT, .max = 20000 },
	{ 0 },
};

/*
 * A new roll-in starts as planned; afterwards the status only moves along
 * the allowed transitions, and a refused one names the allowed next states.
 */
static int
rollin_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	const char *to = str(doc, "status"), *from;
	char        allowed[160] = "";
	json_t     *next, *v;
	size_t      i, n = 0;

	(void)db;
	if (before == NULL) {
		if (to == NULL)
			json_object_set_new(doc, "status",
			    json_string("planned"));
		else if (strcmp(to, "planned") != 0)
			return rl_fail(err, 422, "invalid_value", "status",
			    "a roll-in starts as planned, not %s", to);
		return 0;
	}
	from = str(before->doc, "status");
	if (to == NULL)
		return rl_fail(err, 422, "missing_field", "status",
		    "status is required");
	if (strcmp(from, to) == 0 || rollin_may_transition(from, to))
		return 0;
	next = rollin_next_states(from);
	json_array_foreach(next, i, v) n += (size_t)snprintf(allowed + n,
	    sizeof(allowed) - n, "%s%s", i ? ", " : "", json_string_value(v));
	json_decref(next);
	return rl_fail(err, 409, "invalid_transition", "status",
	    "a roll-in cannot go from %s to %s; allowed next: %s", from, to,
	    n ? allowed : "none (final state)");
}

/* The latest released version of a solution, or NULL. */
static const char *
current_version(struct db *db, int64_t solution_id, char *buf, size_t len)
{
	sqlite3_stmt *st;
	const char   *v = NULL;

	st = db_prepare(db,
	    "SELECT version FROM releases WHERE solution_id = ? AND status = "
	    "'released' ORDER BY date DESC, id DESC LIMIT 1");
	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, solution_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, len, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		v = buf;
	}
	sqlite3_reset(st);
	return v;
}

/*
 * The adoption record follows the roll-in: created (rolling-in) with it,
 * live with the current version at go-live, stopped when it is aborted.
 */
static int
sync_adoption(struct db *db, const struct record *r, const char *actor,
    struct rl_error *err)
{
	static struct principal system = { .role = ROLE_ADMIN };
	const char             *status = str(r->doc, "status"), *want;
	struct record           a;
	sqlite3_stmt           *st;
	json_t                 *patch;
	int64_t                 adoption = 0, rev;
	char                    key[32], version[72], day[CLOCK_DATE_LEN];
	int                     rc;

	if (strcmp(status, "live") == 0)
		want = "live";
	else if (strcmp(status, "aborted") == 0)
		want = "stopped";
	else
		want = "rolling-in";
	snprintf(system.actor, sizeof(system.actor), "%s", actor);
	st = db_prepare(db,
	    "SELECT a.id FROM adoptions a JOIN rollins r ON r.solution_id = "
	    "a.solution_id AND r.adopter_id = a.organisation_id WHERE r.id = "
	    "?");
	if (st == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_int64(st, 1, r->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		adoption = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);

	patch = json_pack("{s:s}", "status", want);
	if (strcmp(want, "live") == 0) {
		if (current_version(db, r->solution_id, version,
		        sizeof(version)))
			json_object_set_new(patch, "version",
			    json_string(version));
		json_object_set(patch, "since",
		    json_object_get(r->doc, "actual_golive"));
	}
	if (adoption == 0) {
		today(day);
		json_object_set(patch, "organisation",
		    json_object_get(r->doc, "adopter"));
		if (!json_object_get(patch, "since"))
			json_object_set_new(patch, "since", json_string(day));
		json_object_set_new(patch, "context",
		    json_string("Roll-in project"));
		rc = record_create(db, &res_adoption, r->solution_id, patch,
		    &system, &a, err);
	} else {
		if (record_get_by_id(db, &res_adoption, adoption, &a, err) ==
		    -1) {
			json_decref(patch);
			return -1;
		}
		rev = a.rev;
		record_clear(&a);
		snprintf(key, sizeof(key), "%lld", (long long)adoption);
		rc = record_update(db, &res_adoption, r->solution_id, key,
		    patch, rev, &system, &a, err);
	}
	json_decref(patch);
	record_clear(&a);
	return rc;
}

/* Each copied step is a write like any other: it leaves its event. */
static int
step_created(struct db *db, const struct record *r, json_t *step,
    size_t position)
{
	int64_t id = sqlite3_last_insert_rowid(db_handle(db));
	char    subject[96];
	json_t *payload;
	int64_t ev;

	snprintf(subject, sizeof(subject), "rollins/%lld/steps/%lld",
	    (long long)r->id, (long long)id);
	payload = json_pack("{s:{s:I, s:I, s:s?, s:s?, s:O?}}", "rollin_step",
	    "id", (json_int_t)id, "position", (json_int_t)position, "step",
	    str(step, "step"), "role", str(step, "role"), "planned_effort",
	    json_object_get(step, "effort_days"));
	ev = outbox_append(db, "rollin_step.created", subject,
	    str(r->doc, "updated_by"), r->solution_id, payload);
	json_decref(payload);
	return ev == -1 ? -1 : 0;
}

/* Copies the solution's transfer concept into the new roll-in's steps. */
static int
copy_steps(struct db *db, const struct record *r, struct rl_error *err)
{
	sqlite3_stmt *get, *put;
	json_t *concept, *step;
	char   now[CLOCK_TS_LEN];
	size_t i;
	int    rc = 0;

	get = db_prepare(db,
	    "SELECT transfer_concept FROM solutions WHERE id = ?");
	if (get == NULL)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	sqlite3_bind_int64(get, 1, r->solution_id);
	concept = sqlite3_step(get) == SQLITE_ROW
	    ? json_loads((const char *)sqlite3_column_text(get, 0), 0, NULL)
	    : NULL;
	sqlite3_reset(get);
	clock_format_ts(clock_now(), now);
	put = db_prepare(db,
	    "INSERT INTO rollin_steps (rollin_id, position, step, role, "
	    "planned_effort, notes, created_at, updated_at, updated_by) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?)");
	json_array_foreach(concept, i, step)
	{
		json_t *effort = json_object_get(step, "effort_days");
		if (put == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_int64(put, 1, r->id);
		sqlite3_bind_int64(put, 2, (sqlite3_int64)i + 1);
		db_bind_text(put, 3, str(step, "step"));
		db_bind_text(put, 4, str(step, "role"));
		if (json_is_number(effort))
			sqlite3_bind_double(put, 5, json_number_value(effort));
		else
			sqlite3_bind_null(put, 5);
		db_bind_text(put, 6, str(step, "description"));
		db_bind_text(put, 7, now);
		db_bind_text(put, 8, now);
		db_bind_text(put, 9, str(r->doc, "updated_by"));
		if (sqlite3_step(put) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(put);
		if (rc == -1 || step_created(db, r, step, i + 1) == -1) {
			rc = -1;
			break;
		}
	}
	json_decref(concept);
	return rc == -1 ? rl_fail(err, 500, "store", NULL,
	                      "copying the transfer concept failed")
	                : 0;
}

static int
rollin_after_write(struct db *db, const struct record *before,
    const struct record *after, const char *actor, struct rl_error *err)
{
	const char *from, *to;
	char        subject[64];
	json_t     *payload;
	int64_t     id;

	if (after == NULL)
		return 0;
	to = str(after->doc, "status");
	if (before == NULL)
		return copy_steps(db, after, err) == -1 ||
		        sync_adoption(db, after, actor, err) == -1
		    ? -1
		    : 0;
	from = str(before->doc, "status");
	if (strcmp(from, to) == 0)
		return 0;
	snprintf(subject, sizeof(subject), "rollins/%lld",
	    (long long)after->id);
	payload =
	    json_pack("{s:I, s:s, s:s, s:O}", "rollin", (json_int_t)after->id,
	        "from", from, "to", to, "record", after->doc);
	id = outbox_append(db, "rollin.status_changed", subject, actor,
	    after->solution_id, payload);
	json_decref(payload);
	if (id == -1)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return sync_adoption(db, after, actor, err);
}

static void
rollin_decorate(struct db *db, const struct record *r, json_t *out)
{
	sqlite3_stmt *st;
	char          now[CLOCK_DATE_LEN];

	json_object_set_new(out, "next_states",
	    rollin_next_states(str(r->doc, "status")));
	today(now);
	st = db_prepare(db,
	    "SELECT count(*), sum(done), sum(NOT done AND planned_date < ?1), "
	    "sum(planned_effort), sum(actual_effort), (SELECT count(*) FROM "
	    "rollin_blockers WHERE rollin_id = ?2 AND resolved_on IS NULL) "
	    "FROM rollin_steps WHERE rollin_id = ?2");
	if (st == NULL)
		return;
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, r->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(out, "progress",
		    json_pack("{s:i, s:i, s:i, s:f, s:f, s:i}", "steps",
		        sqlite3_column_int(st, 0), "done",
		        sqlite3_column_int(st, 1), "overdue",
		        sqlite3_column_int(st, 2), "planned_effort",
		        sqlite3_column_double(st, 3), "actual_effort",
		        sqlite3_column_double(st, 4), "open_blockers",
		        sqlite3_column_int(st, 5)));
	sqlite3_reset(st);
}

const struct resource res_rollin = {
	.name = "rollin",
	.plural = "rollins",
	.table = "rollins",
	.key = "id",
	.fields = rollin_fields,
	.write = { { ROLE_ONBOARDING, ORG_FIELD, "onboarding_team", NULL } },
	.default_sort = "id",
	.hooks = { .check = rollin_check,
	    .after_write = rollin_after_write,
	    .decorate = rollin_decorate },
};

/* ---- steps ------------------------------------------------------------ */

static const char *const step_roles[] = { "adopter", "owner", "provider",
	"onboarding", NULL };

static const struct field step_fields[] = {
	{ .name = "position",
	    .type = FT_INT,
	    .flags = F_REQUIRED | F_SORT,
	    .min_num = 1,
	    .max_num = 1000 },
	{ .name = "step", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "role",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = step_roles },
	{ .name = "owner", .type = FT_STRING, .max = 200 },
	{ .name = "planned_start", .type = FT_DATE },
	{ .name = "planned_date", .type = FT_DATE, .help = "due date" },
	{ .name = "actual_date", .type = FT_DATE, .help = "date it was done" },
	{ .name = "planned_effort",
	    .type = FT_NUMBER,
	    .min_num = 0,
	    .max_num = 100000 },
	{ .name = "actual_effort",
	    .type = FT_NUMBER,
	    .min_num = 0,
	    .max_num = 100000 },
	{ .name = "done", .type = FT_BOOL, .flags = F_FILTER },
	{ .name = "notes", .type = FT_TEXT, .max = 5000 },
	{ 0 },
};

static int
step_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	const char *start = str(doc, "planned_start"),
	           *due = str(doc, "planned_date");

	(void)db;
	(void)before;
	if (start && due && strcmp(start, due) > 0)
		return rl_fail(err, 422, "invalid_value", "planned_date",
		    "planned_date (%s) must not be before planned_start (%s)",
		    due, start);
	return 0;
}

static void
step_decorate(struct db *db, const struct record *r, json_t *out)
{
	const char *due = str(r->doc, "planned_date");
	char        now[CLOCK_DATE_LEN];

	(void)db;
	today(now);
	json_object_set_new(out, "overdue",
	    json_boolean(!json_is_true(json_object_get(r->doc, "done")) &&
	        due && strcmp(due, now) < 0));
}

#define ROLLIN_TEAM_SQL "SELECT onboarding_team_id FROM rollins WHERE id = ?"

const struct resource res_rollin_step = {
	.name = "rollin_step",
	.plural = "steps",
	.table = "rollin_steps",
	.key = "id",
	.fields = step_fields,
	.parent = &res_rollin,
	.write = { { ROLE_ONBOARDING, ORG_PARENT_SQL, NULL, ROLLIN_TEAM_SQL } },
	.default_sort = "position",
	.hooks = { .check = step_check, .decorate = step_decorate },
};

/* ---- blockers --------------------------------------------------------- */

static const struct field blocker_fields[] = {
	{ .name = "title", .type = FT_STRING, .flags = F_REQUIRED, .max = 200 },
	{ .name = "category",
	    .type = FT_ENUM,
	    .flags = F_REQUIRED | F_FILTER,
	    .values = lesson_categories },
	{ .name = "description", .type = FT_TEXT, .max = 5000 },
	{ .name = "raised_on", .type = FT_DATE },
	{ .name = "resolved_on", .type = FT_DATE },
	{ .name = "resolution", .type = FT_TEXT, .max = 5000 },
	{ 0 },
};

static int
blocker_check(struct db *db, const struct record *before, json_t *doc,
    struct rl_error *err)
{
	char day[CLOCK_DATE_LEN];

	(void)db;
	(void)before;
	if (str(doc, "raised_on") == NULL) {
		today(day);
		json_object_set_new(doc, "raised_on", json_string(day));
	}
	if (str(doc, "resolved_on") &&
	    strcmp(str(doc, "resolved_on"), str(doc, "raised_on")) < 0)
		return rl_fail(err, 422, "invalid_value", "resolved_on",
		    "resolved_on must not be before raised_on");
	if (str(doc, "resolution") && !str(doc, "resolved_on")) {
		today(day);
		json_object_set_new(doc, "resolved_on", json_string(day));
	}
	return 0;
}

/* Raising and resolving are what the team and the adopter follow. */
static int
blocker_after_write(struct db *db, const struct record *before,
    const struct record *after, const char *actor, struct rl_error *err)
{
	const char *type = NULL;
	char        subject[96];

	if (after == NULL)
		return 0;
	if (before == NULL)
		type = "rollin.blocker_raised";
	else if (str(after->doc, "resolved_on") &&
	    !str(before->doc, "resolved_on"))
		type = "rollin.blocker_resolved";
	if (type == NULL)
		return 0;
	snprintf(subject, sizeof(subject), "rollins/%lld/blockers/%lld",
	    (long long)after->parent_id, (long long)after->id);
	if (outbox_append(db, type, subject, actor, after->solution_id,
	        after->doc) == -1)
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	return 0;
}

const struct resource res_rollin_blocker = {
	.name = "rollin_blocker",
	.plural = "blockers",
	.table = "rollin_blockers",
	.key = "id",
	.fields = blocker_fields,
	.parent = &res_rollin,
	.write = { { ROLE_ONBOARDING, ORG_PARENT_SQL, NULL, ROLLIN_TEAM_SQL } },
	.default_sort = "id",
	.hooks = { .check = blocker_check, .after_write = blocker_after_write },
};
