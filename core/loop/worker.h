/*
 * Work that must not run on the loop thread (imports, reports): a queue
 * served by one worker thread with its own SQLite connection. A job's run
 * function executes on the worker; its done function executes afterwards
 * on the loop thread, woken through a pipe, so results are handed back
 * without locks in the request path. Progress counters may be read from
 * the loop while the job runs.
 */
#ifndef ROLLIN_LOOP_WORKER_H
#define ROLLIN_LOOP_WORKER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct event_base;
struct worker;
struct job;

typedef void (*job_run_fn)(struct job *, struct db *);
typedef void (*job_done_fn)(struct job *);

struct job {
	job_run_fn  run;
	job_done_fn done;
	/*
	 * Optional: called instead of run and done, on the thread that
	 * stops the worker, for a job still queued at worker_stop().
	 */
	job_done_fn   cancel;
	void         *arg;
	atomic_size_t progress_done, progress_total;
	struct job   *next;
};

/* Starts the worker thread with a connection to db_path; NULL on error. */
struct worker *worker_start(struct event_base *, const char *db_path);
/*
 * Finishes the job in progress, drops queued ones (done is not called;
 * cancel is, if set).
 */
void worker_stop(struct worker *);
/* What a worker is doing, for the metrics. */
struct worker_stats {
	size_t   waiting;   /* jobs queued, not started */
	int      busy;      /* a job is running */
	uint64_t completed; /* jobs run since the start */
};

void worker_stats(struct worker *, struct worker_stats *);
/* Queues a job (the caller keeps it alive until done runs). */
int worker_submit(struct worker *, struct job *);
/*
 * From any thread: runs the job's done on the loop thread (run is not
 * called). Used by work on the worker to hand something to the loop.
 */
void worker_to_loop(struct worker *, struct job *);
/* The worker of the running service, for handlers (set by serve). */
void           worker_set_default(struct worker *);
struct worker *worker_default(void);
/*
 * The worker that checks and hashes passwords, so that a long import or
 * report never keeps people from signing in; the default worker if none
 * was set.
 */
void           worker_set_passwords(struct worker *);
struct worker *worker_passwords(void);

#endif
