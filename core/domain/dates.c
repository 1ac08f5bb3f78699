/*
 * The dated milestones of solutions and roll-ins (see dates.h). Each date
 * kind is one arm of a UNION, so that a feed reads every date it shows in
 * one statement, in date order.
 */
#include <string.h>

#include "domain/dates.h"
#include "store/db.h"

static const char *const kind_names[DATE_KINDS] = {
	[DATE_RELEASE_PLANNED] = "release-planned",
	[DATE_RELEASED] = "release",
	[DATE_CYCLE_RELEASE] = "cycle-release",
	[DATE_SUPPORT_END] = "support-end",
	[DATE_EOL] = "eol",
	[DATE_EXTENDED_END] = "extended-support-end",
	[DATE_STEP_DUE] = "step-due",
	[DATE_GOLIVE_TARGET] = "golive-target",
};

const char *
date_kind_name(enum date_kind k)
{
	return k < DATE_KINDS ? kind_names[k] : "date";
}

/*
 * Columns: kind, record, id, date, solution slug, solution name, label,
 * adopter, updated_at, rev, done. Withdrawn releases have no date worth
 * showing; a release that was released shows its actual date only.
 */
static const char lifecycle_sql[] =
    "SELECT d.kind, d.rec, d.id, d.day, s.slug, s.name, d.label, NULL, "
    "d.updated_at, d.rev, 0 FROM ("
    "SELECT 0 AS kind, 'release' AS rec, id, planned_date AS day, "
    "solution_id, version AS label, updated_at, rev FROM releases "
    "WHERE status = 'planned' AND planned_date IS NOT NULL "
    "UNION ALL SELECT 1, 'release', id, date, solution_id, version, "
    "updated_at, rev FROM releases "
    "WHERE status = 'released' AND date IS NOT NULL "
    "UNION ALL SELECT 2, 'cycle', id, release_date, solution_id, name, "
    "updated_at, rev FROM cycles WHERE release_date IS NOT NULL "
    "UNION ALL SELECT 3, 'cycle', id, support_until, solution_id, name, "
    "updated_at, rev FROM cycles WHERE support_until IS NOT NULL "
    "UNION ALL SELECT 4, 'cycle', id, eol, solution_id, name, "
    "updated_at, rev FROM cycles WHERE eol IS NOT NULL "
    "UNION ALL SELECT 5, 'cycle', id, extended_support, solution_id, name, "
    "updated_at, rev FROM cycles WHERE extended_support IS NOT NULL"
    ") d JOIN solutions s ON s.id = d.solution_id "
    "JOIN organisations o ON o.id = s.owner_id "
    "WHERE (?1 = 0 OR s.id = ?1) "
    "AND (?2 = 0 OR s.id IN (SELECT solution_id FROM adoptions "
    "WHERE organisation_id = ?2 AND status <> 'stopped')) "
    "AND (?3 IS NULL OR s.slug IN (SELECT value FROM json_each(?3))) "
    "AND (?4 IS NULL OR o.slug = ?4) "
    "ORDER BY d.day, s.slug, d.kind, d.id";

static const char rollins_sql[] =
    "SELECT 6, 'rollin-step', st.id, st.planned_date, s.slug, s.name, "
    "st.step, a.name, st.updated_at, st.rev, st.done "
    "FROM rollin_steps st JOIN rollins r ON r.id = st.rollin_id "
    "JOIN solutions s ON s.id = r.solution_id "
    "JOIN organisations a ON a.id = r.adopter_id "
    "WHERE (r.adopter_id = ?1 OR r.onboarding_team_id = ?1) "
    "AND r.status <> 'aborted' AND st.planned_date IS NOT NULL "
    "UNION ALL SELECT 7, 'rollin', r.id, r.target_golive, s.slug, s.name, "
    "NULL, a.name, r.updated_at, r.rev, r.status = 'live' "
    "FROM rollins r JOIN solutions s ON s.id = r.solution_id "
    "JOIN organisations a ON a.id = r.adopter_id "
    "WHERE (r.adopter_id = ?1 OR r.onboarding_team_id = ?1) "
    "AND r.status <> 'aborted' AND r.target_golive IS NOT NULL "
    "ORDER BY 4, 5, 1, 3";

/* Steps st (bound by the caller) and hands every row to fn. */
static int
walk(sqlite3_stmt *st, dated_fn fn, void *arg)
{
	struct dated d;
	int          rc, kind;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		kind = sqlite3_column_int(st, 0);
		if (kind < 0 || kind >= DATE_KINDS)
			continue;
		memset(&d, 0, sizeof(d));
		d.kind = (enum date_kind)kind;
		d.record = db_column_text(st, 1);
		d.id = sqlite3_column_int64(st, 2);
		d.date = db_column_text(st, 3);
		d.solution_slug = db_column_text(st, 4);
		d.solution_name = db_column_text(st, 5);
		d.label = db_column_text(st, 6);
		d.adopter = db_column_text(st, 7);
		d.updated_at = db_column_text(st, 8);
		d.rev = sqlite3_column_int64(st, 9);
		d.done = sqlite3_column_int(st, 10);
		if (fn(&d, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
dates_lifecycle(struct db *db, const struct date_filter *f, dated_fn fn,
    void *arg)
{
	sqlite3_stmt *st = db_prepare(db, lifecycle_sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, f->solution_id);
	sqlite3_bind_int64(st, 2, f->adopter_id);
	db_bind_text(st, 3, f->solutions);
	db_bind_text(st, 4, f->owner);
	return walk(st, fn, arg);
}

int
dates_rollins(struct db *db, int64_t org_id, dated_fn fn, void *arg)
{
	sqlite3_stmt *st = db_prepare(db, rollins_sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, org_id);
	return walk(st, fn, arg);
}

const char *
dates_support_status(const char *released, const char *support_until,
    const char *eol, const char *extended, const char *today)
{
	if (released && strcmp(today, released) < 0)
		return "upcoming";
	if (eol && strcmp(today, eol) >= 0)
		return extended && strcmp(today, extended) < 0 ? "extended"
		                                               : "eol";
	if (support_until && strcmp(today, support_until) >= 0)
		return "security";
	return "active";
}
