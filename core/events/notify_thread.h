/*
 * The notifier thread: Lua notifiers run here, off the loop thread, so a
 * runaway script (stopped by its budget) never holds up API requests.
 * It is a worker (loop/worker.h) with its own SQLite connection; every
 * Lua notifier call runs on it, one at a time, so no Lua state is ever
 * used by two threads at once. The loop keeps the network: a script's
 * rollin.http starts on the loop and its answer resumes the script here
 * (struct call_runner). Outcomes are recorded on the loop.
 *
 * The same thread prunes old delivered rows (delivery_retention_days),
 * in small batches.
 */
#ifndef ROLLIN_EVENTS_NOTIFY_THREAD_H
#define ROLLIN_EVENTS_NOTIFY_THREAD_H

struct call_runner;
struct db;
struct event_base;
struct job;

/* Delivered rows per pruning transaction. */
#define RETENTION_BATCH 500
/* Seconds between prunings (the first runs at start). */
#define RETENTION_INTERVAL 3600

/*
 * Starts the thread on a connection of its own to db's file (db is the
 * loop's connection); retention_days 0 keeps every row. -1 on error.
 */
int notify_thread_start(struct event_base *, struct db *, int retention_days);
/*
 * Waits for the call running on the thread (its budget bounds it), then
 * runs what is queued on the calling (loop) thread: answers of requests
 * that were in flight resume their scripts there, attempts that had not
 * started are dropped. Call after net_free().
 */
void notify_thread_stop(void);
/* For calls that run on the thread; NULL if it does not run. */
struct call_runner *notify_thread_runner(void);
/* Queues a job on the thread; -1 if it does not run. */
int notify_thread_submit(struct job *);

#endif
