/*
 * Events that time creates rather than a write: a cycle's support is about
 * to end or its end of life has come, a planned release or a roll-in step
 * is overdue, a solution entry has gone stale. Each occurrence is emitted
 * exactly once: it is recorded in time_events, under a key that names the
 * record and the date it is about, in the same transaction as its event.
 */
#ifndef ROLLIN_EVENTS_TIMERS_H
#define ROLLIN_EVENTS_TIMERS_H

#include <stddef.h>
#include <time.h>

struct db;
struct event_base;

#define TIMER_MAX_LEADS 16

struct timer_config {
	/* days before a cycle's support_until that cycle.support_ending is
	 * emitted, one occurrence per lead */
	int leads[TIMER_MAX_LEADS];
	int nleads;
	/* solution.stale after this many days; 0: quality_stale_days() */
	int stale_days;
};

/*
 * Fills cfg from a comma-separated list of lead days ("90,30,7"), each 1
 * to 3650; stale_days is left 0. -1 with the reason in err if malformed.
 */
int timer_config_parse(struct timer_config *, const char *leads, char *err,
    size_t errlen);

/*
 * Emits every occurrence that has fallen due by now and was not emitted
 * yet (also those that fell due while the service was down), but none
 * that fell due before its record was created. *emitted (if not NULL)
 * gets how many. Returns 0, or -1 if the store failed (nothing emitted).
 */
int
timers_run(struct db *, time_t now, const struct timer_config *, int *emitted);

/*
 * Runs once at once, then every interval seconds on base until
 * timer_stop(). cfg is copied.
 */
struct timer *timer_start(struct event_base *, struct db *,
    const struct timer_config *, int interval);
void          timer_stop(struct timer *);

#endif
