/*
 * Who receives an event. Explicit subscriptions name event types (exact,
 * or a family like "cycle.*"; none: all) and solutions (slugs; none: all).
 * On top of those, defaults that need no set-up: every organisation that
 * uses a solution (an adoption not stopped) receives its release.published
 * and cycle.* events, and a roll-in's onboarding team receives the roll-in's
 * events.
 */
#ifndef ROLLIN_EVENTS_SUBSCRIPTIONS_H
#define ROLLIN_EVENTS_SUBSCRIPTIONS_H

#include <jansson.h>
#include <stdint.h>

struct db;

/*
 * The event as the event log shows it ({ id, time, type, subject, actor,
 * solution, payload }), or NULL if there is none with this id.
 */
json_t *subscriptions_event(struct db *, int64_t event_id);

/*
 * A new array of { organisation (slug), contact (id or null), reason
 * ("subscription" with "subscription": id, "adopter", "onboarding_team") },
 * one per organisation and contact: explicit subscriptions first (by id),
 * then adopters, then the onboarding team. NULL if there is no such event
 * or the store failed.
 */
json_t *subscriptions_recipients(struct db *, int64_t event_id);

#endif
