/*
 * Internal to events/delivery*.c: the engine's state, shared by its parts,
 * and what they ask of each other. The engine loop (delivery.c) polls
 * subscribers; the store's bookkeeping (delivery_store.c) says what is due
 * and records outcomes; an attempt (delivery_attempt.c) hands one event
 * to a notifier with its recipients (delivery_recipients.c). Callers
 * outside use delivery.h.
 */
#ifndef ROLLIN_EVENTS_DELIVERY_INTERNAL_H
#define ROLLIN_EVENTS_DELIVERY_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "events/delivery.h"
#include "loop/worker.h"
#include "plugin/call.h"

struct event;
struct plugin;

struct attempt;

struct subscriber {
	struct delivery       *d;
	struct plugin         *plugin;
	struct delivery_policy policy;
	int64_t                cursor; /* as committed in delivery_cursors */
	struct attempt        *busy;   /* the attempt under way, or NULL */
};

struct delivery {
	struct event_base *base;
	struct db         *db;
	struct event      *tick; /* every DELIVERY_POLL_MS */
	struct event      *kick; /* at once, when there may be work */
	struct subscriber *subs;
	size_t             nsubs;
	struct attempt    *attempts; /* under way, for delivery_stop */
	int64_t            now; /* of the poll running, for sync outcomes */
};

struct attempt {
	struct rollin_call call;
	struct subscriber *sub; /* NULL: detached, nothing more to record */
	int64_t            event_id;
	int                in_run;   /* inside the plugin's run() */
	int                finished; /* the plugin called finish */
	int                recorded; /* the outcome is in the store */
	struct event      *deadline;
	char              *event_text, *recipients_text;
	struct attempt    *next, **prevp;

	/* A Lua notifier's attempt runs on the notifier thread. */
	struct job         run_job;
	enum rollin_status rc;         /* what run() returned there */
	enum rollin_status fin_status; /* what it finished with there */
	char               fin_message[512];
};

/* Polls as soon as the loop is free (d may be NULL). */
void delivery_kick(struct delivery *d);

/* The newest event id, 0 for an empty log, -1 if the store failed. */
int64_t delivery_last_event_id(struct db *);

/* Reads the subscriber's cursor, creating it on first sight. */
int delivery_cursor_load(struct db *, struct subscriber *);

/*
 * Records one attempt's outcome in one transaction, moving the cursor
 * past the event when it is done (delivered or dead).
 */
void delivery_record_outcome(struct delivery *, struct subscriber *,
    int64_t event_id, int ok, const char *message, int64_t now_ms);

/* The row of an event that is about to be tried for the first time. */
void delivery_mark_pending(struct db *, struct subscriber *, int64_t event_id,
    int64_t now_ms);

/* A dead letter sent back by an admin that is due now; 0 if none. */
int64_t
delivery_due_requeued(struct delivery *, struct subscriber *, int64_t now_ms);

/*
 * The first event after the cursor that the subscriber wants, if it is
 * due now; 0 if there is none or it waits for its backoff.
 */
int64_t
delivery_due_head(struct delivery *, struct subscriber *, int64_t now_ms);

/* The event's recipients as notifiers see them; NULL if the store failed. */
json_t *delivery_recipients(struct db *, int64_t event_id);

/*
 * Starts one attempt of event_id on the subscriber. Returns 1 if an
 * attempt was made (it may have ended already), 0 if the store failed
 * before it began.
 */
int delivery_attempt_start(struct subscriber *, int64_t event_id);

#endif
