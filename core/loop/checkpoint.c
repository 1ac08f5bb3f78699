#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop/checkpoint.h"
#include "util/log.h"

struct checkpointer {
	pthread_t       thread;
	pthread_mutex_t lock;
	pthread_cond_t  wake;
	int             stop;
	int             interval;
	sqlite3        *db;
};

static void
run_checkpoint(sqlite3 *db, int mode)
{
	int log_pages = 0, done = 0, rc;

	rc = sqlite3_wal_checkpoint_v2(db, NULL, mode, &log_pages, &done);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		log_warnx("checkpoint: %s", sqlite3_errmsg(db));
	else if (log_pages > 0)
		log_debug("checkpoint: %d of %d WAL pages copied", done,
		    log_pages);
}

static void *
checkpoint_main(void *arg)
{
	struct checkpointer *c = arg;
	struct timespec      until;

	pthread_mutex_lock(&c->lock);
	while (!c->stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += c->interval;
		while (!c->stop &&
		    pthread_cond_timedwait(&c->wake, &c->lock, &until) !=
		        ETIMEDOUT)
			;
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->lock);
		run_checkpoint(c->db, SQLITE_CHECKPOINT_PASSIVE);
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	run_checkpoint(c->db, SQLITE_CHECKPOINT_TRUNCATE);
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
	sqlite3_busy_timeout(c->db, 1000);
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

void
checkpoint_stop(struct checkpointer *c)
{
	if (c == NULL)
		return;
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
