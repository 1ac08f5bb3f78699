/* SQL functions the service adds to every connection. */
#ifndef ROLLIN_STORE_FUNCTIONS_H
#define ROLLIN_STORE_FUNCTIONS_H

#include <sqlite3.h>

/*
 * rollin_days_since(ts): whole days from ts (ISO 8601) to the service's
 * clock (util/clock.h, so tests can move it); rollin_stale_days(): the
 * configured staleness threshold.
 */
int functions_register(sqlite3 *);

#endif
