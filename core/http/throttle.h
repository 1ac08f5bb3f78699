/*
 * Failed password sign-ins, counted per user name and per client address
 * in the server's memory, so that guessing passwords gets slow. The first
 * THROTTLE_FREE failures of a key cost nothing; each further one locks the
 * key for twice as long as the one before (1 s, 2 s, 4 s ... up to
 * THROTTLE_MAX_LOCK). A key is forgotten THROTTLE_FORGET seconds after its
 * last failure, and a user name also on a successful sign-in. Addresses
 * are allowed more failures than names: many people may share one.
 *
 * Times are the monotonic clock's milliseconds, passed in, so tests can
 * move them. Only the loop thread uses the table.
 */
#ifndef ROLLIN_HTTP_THROTTLE_H
#define ROLLIN_HTTP_THROTTLE_H

#include <stdint.h>

#define THROTTLE_FREE         5
#define THROTTLE_FREE_ADDRESS 20
#define THROTTLE_MAX_LOCK     900  /* seconds */
#define THROTTLE_FORGET       3600 /* seconds */
#define THROTTLE_SLOTS        4096 /* beyond, the oldest key goes */

enum throttle_kind { THROTTLE_USER, THROTTLE_ADDRESS };

/* Whole seconds (rounded up) until key may try again, 0 if it may now. */
long throttle_wait(enum throttle_kind, const char *key, int64_t now_ms);
/* Counts a failure of key. */
void throttle_fail(enum throttle_kind, const char *key, int64_t now_ms);
/* Forgets key's failures. */
void throttle_forget(enum throttle_kind, const char *key);
/* Forgets everything (tests). */
void throttle_reset(void);
/* The monotonic clock in milliseconds. */
int64_t throttle_now(void);

#endif
