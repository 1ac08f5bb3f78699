/*
 * Delivery of the event log to notifier plugins, at least once and in
 * order per notifier.
 *
 * Every loaded notifier is a subscriber with a cursor over the event log
 * (delivery_cursors) and a row per event it has started on (deliveries).
 * One attempt per subscriber is under way at a time, so events reach a
 * receiver in log order. The cursor moves past an event only when the
 * event was delivered or dead-lettered, in the same transaction that
 * records the outcome; a failed attempt is retried after a backoff that
 * doubles, and after max_attempts the event becomes a dead letter and the
 * cursor moves on. An admin can send a dead letter back (it is then
 * delivered out of band, beside the stream). Everything lives in SQLite,
 * so a restart (even after kill -9) goes on where the last recorded
 * outcome left off; what was in flight is sent again.
 *
 * Settings per notifier (plugins: <name>: ... in the config file):
 *   event_types   comma-separated types or families ("release.published,
 *                 cycle.*"); empty or "*": every event
 *   backoff_base  seconds before the first retry, decimals allowed
 *                 ("0.2"); default 2
 *   backoff_max   longest wait between attempts, seconds; default 3600
 *   max_attempts  attempts before an event is dead-lettered; default 8
 *   timeout_ms    an attempt that has not finished by then counts as
 *                 failed; default 60000
 *   history       true: a notifier seen for the first time starts at the
 *                 beginning of the log instead of its end; default false
 *
 * The engine runs on the libevent loop: a poll timer (every 200 ms, and
 * at once after an outcome or a retry request) starts due attempts; the
 * notifier's run() starts asynchronous I/O and returns ROLLIN_PENDING,
 * and its host->finish records the outcome. Nothing here blocks the loop
 * beyond a few indexed SQLite statements. C notifiers run on the loop;
 * a Lua notifier's run() runs on the notifier thread (notify_thread.h),
 * whose outcome comes back to the loop, where it is recorded.
 */
#ifndef ROLLIN_EVENTS_DELIVERY_H
#define ROLLIN_EVENTS_DELIVERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct db;
struct event_base;
struct plugin_registry;

#define DELIVERY_POLL_MS 200

/* A notifier's delivery settings. */
struct delivery_policy {
	double backoff_base; /* seconds */
	double backoff_max;  /* seconds */
	int    max_attempts;
	long   timeout_ms;
	int    history;
	char   event_types[512]; /* as configured, "" for all */
};

/*
 * Reads a notifier's settings (its "plugins: <name>:" mapping, or NULL)
 * into policy, defaults for what is absent. Returns 0, or -1 with a
 * message naming the setting in err.
 */
int delivery_policy_parse(struct delivery_policy *, const char *name,
    json_t *settings, char *err, size_t errlen);

/*
 * Seconds to wait after the attempts-th failed attempt (1, 2, ...):
 * backoff_base * 2^(attempts-1), at most backoff_max.
 */
double delivery_backoff(const struct delivery_policy *, int attempts);

/*
 * True if type is one of the comma-separated patterns: exact, "*" for
 * every type, or a family ending in "*" ("cycle.*" matches
 * "cycle.eol_reached"). Empty patterns match every type.
 */
int delivery_type_matches(const char *patterns, const char *type);

struct delivery;

/*
 * Makes every loaded notifier in the registry a subscriber (creating its
 * cursor on first sight) and, with a base, polls on it. Without a base
 * nothing runs by itself: call delivery_poll() (tests). NULL if the store
 * failed. The registry must outlive the delivery.
 */
struct delivery *
delivery_start(struct event_base *, struct db *, struct plugin_registry *);

/*
 * Stops polling and forgets attempts in flight: their outcome is not
 * recorded, so they are sent again after a restart. Cancel them (net_free)
 * after this, before the plugins are unloaded.
 */
void delivery_stop(struct delivery *);

/*
 * Starts every attempt that is due at now_ms (wall clock, milliseconds
 * since the epoch) on subscribers with nothing in flight. Returns how
 * many were started.
 */
int delivery_poll(struct delivery *, int64_t now_ms);

/* Polls as soon as the loop is free (after a retry was requested). */
void delivery_wake(void);

/*
 * The running engine's view of a subscriber, for the status API: 1 if a
 * notifier of this name is running, with *in_flight the event id of its
 * attempt under way (0: none); 0 if no such subscriber runs.
 */
int delivery_subscriber_running(const char *name, int64_t *in_flight);

/*
 * For the API. Deliveries with id > after, oldest first, at most limit,
 * optionally of one subscriber and in one state: a new array of { id,
 * subscriber, event_id, event_type, subject, state, attempts,
 * next_attempt_at, last_error, created_at, updated_at }, or NULL if the
 * store failed.
 */
json_t *delivery_list(struct db *, const char *subscriber, const char *state,
    int64_t after, int limit);

/* One delivery as delivery_list() shows it, or NULL if there is none. */
json_t *delivery_get(struct db *, int64_t id);

/*
 * Sends a dead letter back: state retrying, due now, with a fresh budget
 * of attempts (it is then delivered beside the stream, out of order).
 * Returns 0, or -1 with err: 404 no such delivery, 409 not dead.
 */
int delivery_retry(struct db *, int64_t id, struct rl_error *);
/*
 * Deletes a dead letter that will not be sent again (its event stays in
 * the log); actor is named in the service's log. Returns 0, or -1 with
 * err: 404 no such delivery, 409 not dead.
 */
int
delivery_discard(struct db *, int64_t id, const char *actor, struct rl_error *);

/*
 * Per subscriber (every notifier that ever had a cursor): { subscriber,
 * running, in_flight, cursor, last_event_id (the newest in the log),
 * pending (events it has yet to get through), retrying, dead, delivered }.
 * plugins is the config's plugins mapping (for event_types), may be NULL.
 */
json_t *delivery_status(struct db *, json_t *plugins);

/* Wall-clock milliseconds since the epoch. */
int64_t delivery_now_ms(void);

/* Formats ms as "2026-03-02T10:00:00.200Z" (24 characters). */
#define DELIVERY_TS_LEN 32
void delivery_format_ms(int64_t ms, char out[DELIVERY_TS_LEN]);

#endif
