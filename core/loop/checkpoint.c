#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop/checkpoint.h"
#include "util/log.h"

/*
 * How long a RESTART checkpoint waits, holding the write lock, for the
 * writer to finish its transaction or readers to leave the WAL: every
 * millisecond of it is a millisecond a request waits to write.
 */
#define RESTART_TRIES    5
#define RESTART_SLEEP_US 1000
/* After a RESTART that found readers, the next waits at least this long. */
#define RESTART_BACKOFF_MS 50

struct checkpointer {
	pthread_t       thread;
	pthread_mutex_t lock;
	pthread_cond_t  wake;
	int             stop;
	int             interval;
	sqlite3        *db;      /* the checkpointer's own connection */
	sqlite3        *writer;  /* the watched connection, or NULL */
	atomic_int      large;   /* the WAL passed CHECKPOINT_WAL_FRAMES */
	atomic_ullong   done[3]; /* by mode: passive, restart, truncate */
	atomic_ullong   ns[3];   /* time spent in them, nanoseconds */
};

static int
mode_index(int mode)
{
	switch (mode) {
	case SQLITE_CHECKPOINT_PASSIVE:
		return 0;
	case SQLITE_CHECKPOINT_RESTART:
		return 1;
	default:
		return 2;
	}
}

/* Returns SQLite's result; BUSY means that it could not finish. */
static int
run_checkpoint(struct checkpointer *c, int mode)
{
	int             log_pages = 0, done = 0, rc;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = sqlite3_wal_checkpoint_v2(c->db, NULL, mode, &log_pages, &done);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(c->db));
	else {
		atomic_fetch_add(&c->done[mode_index(mode)], 1);
		atomic_fetch_add(&c->ns[mode_index(mode)],
		    (unsigned long long)((t1.tv_sec - t0.tv_sec) *
		            1000000000LL +
		        (t1.tv_nsec - t0.tv_nsec)));
		if (log_pages > 0)
			log_debug("checkpoint: %d of %d WAL pages copied", done,
			    log_pages);
	}
	return rc;
}

/*
 * Busy handler of the checkpointer's connection: a few short waits and
 * then give up. A blocking checkpoint holds the write lock while it waits
 * for readers, so a long wait here would stall the request loop's writes;
 * giving up only leaves the WAL to the next checkpoint.
 */
static int
busy_briefly(void *arg, int tries)
{
	struct timespec ts = { 0, RESTART_SLEEP_US * 1000L };

	(void)arg;
	if (tries >= RESTART_TRIES)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

/*
 * A PASSIVE checkpoint copies what it can without ever blocking the
 * writer. Under sustained writes it always ends behind the newest commit,
 * so the WAL would never start over and grow without bound; when the WAL
 * is large, a RESTART then copies the few frames written meanwhile and
 * makes the next writer begin at the start of the file again.
 */
static void
checkpoint_now(struct checkpointer *c, int large)
{
	struct timespec backoff = { 0, RESTART_BACKOFF_MS * 1000000L };

	run_checkpoint(c, SQLITE_CHECKPOINT_PASSIVE);
	if (!large)
		return;
	if (run_checkpoint(c, SQLITE_CHECKPOINT_RESTART) == SQLITE_BUSY)
		nanosleep(&backoff, NULL);
}

static void *
checkpoint_main(void *arg)
{
	struct checkpointer *c = arg;
	struct timespec      until;
	int                  large;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->interval;
		while (!c->stop && !atomic_load(&c->large) &&
		    pthread_cond_timedwait(&c->wake, &c->lock, &until) !=
		        ETIMEDOUT)
			;
		if (c->stop)
			break;
		large = atomic_exchange(&c->large, 0);
		pthread_mutex_unlock(&c->lock);
		checkpoint_now(c, large);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	run_checkpoint(c, SQLITE_CHECKPOINT_TRUNCATE);
	return NULL;
}

struct checkpointer *
checkpoint_start(const char *db_path, int interval_s)
{
	struct checkpointer *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->interval = interval_s;
	if (sqlite3_open_v2(db_path, &c->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		log_warnx("checkpoint: cannot open %s: %s", db_path,
		    sqlite3_errmsg(c->db));
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	sqlite3_busy_handler(c->db, busy_briefly, NULL);
	/*
	 * A connection learns that the file is in WAL mode on its first read;
	 * until then every checkpoint is a no-op that reports -1 frames.
	 */
	if (sqlite3_exec(c->db, "PRAGMA journal_mode", NULL, NULL, NULL) !=
	    SQLITE_OK)
		log_warnx("checkpoint: %s", sqlite3_errmsg(c->db));
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
		log_warnx("checkpoint: cannot start thread");
		sqlite3_close(c->db);
		free(c);
		return NULL;
	}
	return c;
}

/*
 * Runs on the writer's thread after each of its commits, with the number
 * of frames in the WAL: past the mark it wakes the checkpointer once.
 */
static int
on_commit(void *arg, sqlite3 *db, const char *schema, int frames)
{
	struct checkpointer *c = arg;

	(void)db;
	(void)schema;
	if (frames < CHECKPOINT_WAL_FRAMES || atomic_load(&c->large))
		return SQLITE_OK;
	pthread_mutex_lock(&c->lock);
	atomic_store(&c->large, 1);
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	return SQLITE_OK;
}

void
checkpoint_watch(struct checkpointer *c, sqlite3 *writer)
{
	if (c == NULL)
		return;
	c->writer = writer;
	sqlite3_wal_hook(writer, on_commit, c);
}

unsigned long long
checkpoint_count(const struct checkpointer *c, int mode)
{
	if (c == NULL)
		return 0;
	return atomic_load(&c->done[mode_index(mode)]);
}

double
checkpoint_seconds(const struct checkpointer *c, int mode)
{
	if (c == NULL)
		return 0;
	return (double)atomic_load(&c->ns[mode_index(mode)]) / 1e9;
}

void
checkpoint_stop(struct checkpointer *c)
{
	if (c == NULL)
		return;
	if (c->writer != NULL)
		sqlite3_wal_hook(c->writer, NULL, NULL);
	pthread_mutex_lock(&c->lock);
	c->stop = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->wake);
	free(c);
}
