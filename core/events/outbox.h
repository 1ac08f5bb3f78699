/*
 * The event log (transactional outbox). Every write appends its event in the
 * same transaction as the change, so the log is a complete audit trail and
 * the one input that notifiers and other plugins consume.
 */
#ifndef ROLLIN_EVENTS_OUTBOX_H
#define ROLLIN_EVENTS_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

struct db;

/*
 * Appends an event; call inside the write's transaction. payload is
 * borrowed. Returns the event id, or -1.
 */
int64_t outbox_append(struct db *, const char *type, const char *subject,
    const char *actor, int64_t solution_id, json_t *payload);

/*
 * Events with id > after, oldest first, at most limit. Returns a new array
 * of { id, time, type, subject, actor, solution, payload } or NULL.
 */
json_t *outbox_list(struct db *, int64_t after, int limit);

#endif
