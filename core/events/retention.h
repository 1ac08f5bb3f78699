/*
 * Retention of the deliveries table: a row per event per notifier would
 * otherwise stay forever. Only delivered rows go; dead letters wait for a
 * person (a retry or a removal), retrying and pending rows are still work.
 */
#ifndef ROLLIN_EVENTS_RETENTION_H
#define ROLLIN_EVENTS_RETENTION_H

#include <stdint.h>

struct db;

/*
 * Deletes at most batch delivered rows last updated before cutoff_ms
 * (milliseconds since the epoch), in one short transaction. Returns how
 * many went, or -1 if the store failed.
 */
int delivery_prune(struct db *, int64_t cutoff_ms, int batch);

#endif
