/*
 * Handlers whose work is slow (checking or hashing a password, a report,
 * an import, the calendar of the whole catalogue) must not hold the loop:
 * they hand the slow part to the service's worker thread, which has its
 * own SQLite connection, and answer from the loop once it is done. The
 * request stays open meanwhile. Without a worker (tests, tools), or when
 * the worker cannot take the job, both parts run inline.
 */
#ifndef ROLLIN_HTTP_OFFLOAD_H
#define ROLLIN_HTTP_OFFLOAD_H

#include "loop/worker.h"

struct db;
struct request;

struct offload {
	/*
	 * The slow part, on the worker (or inline); db is that thread's
	 * connection. It must not touch the request or the loop's state.
	 */
	void (*run)(struct offload *, struct db *);
	/*
	 * On the loop: answers req (whose ev is NULL if the client went
	 * away: replies are then skipped) and frees what holds the
	 * offload. req is released afterwards.
	 */
	void (*done)(struct offload *, struct request *req);
	void *arg; /* the caller's */

	/* private */
	struct job      job;
	struct request *req;
	int             later; /* req is a deferred copy */
};

/* Runs o->run on w (NULL: inline), then o->done on the loop thread. */
void request_offload(struct request *, struct offload *o, struct worker *w);

#endif
