#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>

#include "events/notify_thread.h"
#include "events/retention.h"
#include "loop/worker.h"
#include "plugin/call.h"
#include "store/db.h"
#include "util/clock.h"
#include "util/log.h"

/*
 * One per process, and it outlives the delivery engine: answers of
 * requests cancelled at shutdown (net_free) still find their way here.
 */
static struct {
	struct call_runner runner;
	struct worker     *w;
	struct db         *loop_db;
	pthread_t          loop;
	int                stopping; /* read and written on the loop only */
	int                retention_days;
	struct event      *prune_timer;
	struct job         prune;
	int                prune_queued; /* loop only */
} nt;

/* A function handed from one thread to the other. */
struct hop_job {
	struct job job;
	void (*on_loop)(void *);
	void (*on_call)(void *, struct db *);
	void *arg;
};

static void
hop_loop_done(struct job *j)
{
	struct hop_job *h = (struct hop_job *)j;

	h->on_loop(h->arg);
	free(h);
}

static void
hop_call_run(struct job *j, struct db *db)
{
	struct hop_job *h = (struct hop_job *)j;

	h->on_call(h->arg, db);
}

static void
hop_call_done(struct job *j)
{
	free(j);
}

/* Still queued at stop: the thread is gone, the loop runs it. */
static void
hop_call_cancel(struct job *j)
{
	struct hop_job *h = (struct hop_job *)j;

	h->on_call(h->arg, nt.loop_db);
	free(h);
}

static void
to_loop(struct call_runner *r, void (*fn)(void *), void *arg)
{
	struct hop_job *h;

	(void)r;
	/* After the thread stopped, only the loop thread is left. */
	if (nt.w == NULL || pthread_equal(pthread_self(), nt.loop)) {
		fn(arg);
		return;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		log_warnx("notifier thread: out of memory handing work to "
		          "the loop");
		return;
	}
	h->job.done = hop_loop_done;
	h->on_loop = fn;
	h->arg = arg;
	worker_to_loop(nt.w, &h->job);
}

static void
to_call(struct call_runner *r, void (*fn)(void *, struct db *), void *arg)
{
	struct hop_job *h;

	(void)r;
	if (nt.w == NULL || nt.stopping) {
		fn(arg, nt.loop_db);
		return;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		fn(arg, nt.loop_db);
		return;
	}
	h->job.run = hop_call_run;
	h->job.done = hop_call_done;
	h->job.cancel = hop_call_cancel;
	h->on_call = fn;
	h->arg = arg;
	worker_submit(nt.w, &h->job);
}

/* ---- retention ---------------------------------------------------------- */

/* On the thread: batch after batch, each its own short transaction. */
static void
prune_run(struct job *j, struct db *db)
{
	int64_t cutoff;
	long    total = 0;
	int     n;

	(void)j;
	cutoff =
	    ((int64_t)clock_now() - (int64_t)nt.retention_days * 86400) * 1000;
	while ((n = delivery_prune(db, cutoff, RETENTION_BATCH)) > 0) {
		total += n;
		if (n < RETENTION_BATCH)
			break;
	}
	if (n < 0)
		log_warnx("delivery retention: %s",
		    sqlite3_errmsg(db_handle(db)));
	else
		log_info("delivery retention: %ld delivered row%s older than "
		         "%d days removed",
		    total, total == 1 ? "" : "s", nt.retention_days);
}

static void
prune_done(struct job *j)
{
	(void)j;
	nt.prune_queued = 0;
}

static void
prune_due(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (nt.prune_queued || nt.w == NULL)
		return;
	nt.prune.run = prune_run;
	nt.prune.done = prune_done;
	nt.prune.cancel = prune_done;
	if (worker_submit(nt.w, &nt.prune) == 0)
		nt.prune_queued = 1;
}

/* ---- the thread ----------------------------------------------------------- */

int
notify_thread_start(struct event_base *base, struct db *db, int retention_days)
{
	struct timeval tv = { RETENTION_INTERVAL, 0 };

	if (nt.w != NULL)
		return -1;
	if ((nt.w = worker_start(base, db_path(db))) == NULL)
		return -1;
	nt.runner.to_loop = to_loop;
	nt.runner.to_call = to_call;
	nt.loop_db = db;
	nt.loop = pthread_self();
	nt.stopping = 0;
	nt.retention_days = retention_days;
	if (retention_days > 0) {
		nt.prune_timer =
		    event_new(base, -1, EV_PERSIST, prune_due, NULL);
		if (nt.prune_timer != NULL)
			event_add(nt.prune_timer, &tv);
		prune_due(-1, 0, NULL);
	}
	return 0;
}

void
notify_thread_stop(void)
{
	if (nt.w == NULL)
		return;
	if (nt.prune_timer != NULL)
		event_free(nt.prune_timer);
	nt.prune_timer = NULL;
	nt.stopping = 1;
	worker_stop(nt.w);
	nt.w = NULL;
}

struct call_runner *
notify_thread_runner(void)
{
	return nt.w != NULL ? &nt.runner : NULL;
}

int
notify_thread_submit(struct job *j)
{
	return nt.w != NULL ? worker_submit(nt.w, j) : -1;
}
