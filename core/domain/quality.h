/*
 * Quality signals of a solution entry. Completeness: which of the minimum
 * fields of an entry are filled. Freshness: days since the owner last
 * confirmed the entry or anything in it changed.
 */
#ifndef ROLLIN_DOMAIN_QUALITY_H
#define ROLLIN_DOMAIN_QUALITY_H

#include <jansson.h>
#include <time.h>

/* Percentage 0..100 of minimum fields filled; *missing (if not NULL) gets a
 * new array of the names of those that are not. */
int quality_completeness(json_t *doc, json_t **missing);

void quality_set_stale_days(int);
int  quality_stale_days(void);

/*
 * { "confirmed_at", "changed_at", "days", "stale" } from the two stamps
 * (confirmed may be NULL), measured against now.
 */
json_t *
quality_freshness(const char *confirmed_at, const char *changed_at, time_t now);
/* Days since the later of the two stamps (either may be NULL or ""). */
long
quality_age_days(const char *confirmed_at, const char *changed_at, time_t now);

#endif
