/*
 * The dated milestones of solutions and roll-ins, one row per date: what
 * a calendar, a reminder or a timeline shows. Lifecycle dates come from
 * releases (planned and actual) and maintenance cycles (release, end of
 * active support, end of life, end of extended support); roll-in dates
 * from steps' due dates and the target go-live.
 */
#ifndef ROLLIN_DOMAIN_DATES_H
#define ROLLIN_DOMAIN_DATES_H

#include <stdint.h>

struct db;

enum date_kind {
	DATE_RELEASE_PLANNED, /* a planned release's planned_date */
	DATE_RELEASED,        /* a released release's date */
	DATE_CYCLE_RELEASE,   /* a cycle's release_date */
	DATE_SUPPORT_END,     /* a cycle's support_until */
	DATE_EOL,             /* a cycle's eol */
	DATE_EXTENDED_END,    /* a cycle's extended_support */
	DATE_STEP_DUE,        /* a roll-in step's planned_date */
	DATE_GOLIVE_TARGET,   /* a roll-in's target_golive */
	DATE_KINDS
};

struct dated {
	enum date_kind kind;
	const char    *record; /* "release", "cycle", "rollin-step", "rollin" */
	int64_t        id;     /* of that record */
	const char    *date;   /* YYYY-MM-DD */
	const char    *solution_slug, *solution_name;
	const char    *label;   /* version, cycle name or step; may be NULL */
	const char    *adopter; /* roll-ins: the adopting organisation */
	const char    *updated_at;
	int64_t        rev;
	int            done; /* roll-ins: step done, roll-in live */
};

/* Which solutions' lifecycle dates; unset members do not filter. */
struct date_filter {
	int64_t     solution_id;
	int64_t     adopter_id; /* solutions it adopted (not stopped) */
	const char *solutions;  /* JSON array of slugs */
	const char *owner;      /* owning organisation's slug */
};

/* Called per date in date order; a non-zero return stops the walk. */
typedef int (*dated_fn)(const struct dated *, void *arg);

/* Stable names of the kinds ("eol", "step-due", ...). */
const char *date_kind_name(enum date_kind);

/* Lifecycle dates of the selected solutions; -1 if reading failed. */
int
dates_lifecycle(struct db *, const struct date_filter *, dated_fn, void *arg);
/*
 * Milestones of the roll-ins an organisation takes part in (as adopter or
 * onboarding team), aborted ones left out; -1 if reading failed.
 */
int dates_rollins(struct db *, int64_t org_id, dated_fn, void *arg);

/*
 * Where a maintenance cycle stands on the day today (YYYY-MM-DD):
 * "upcoming" before released, "active" before support_until, "security"
 * from support_until on, "eol" from eol on, or "extended" while extended
 * support lasts. A NULL date is not known, and its state never begins.
 */
const char *
dates_support_status(const char *released, const char *support_until,
    const char *eol, const char *extended, const char *today);

#endif
