#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop/worker.h"
#include "store/db.h"
#include "util/log.h"

struct worker {
	pthread_t       thread;
	pthread_mutex_t lock;
	pthread_cond_t  wake;
	struct job     *queue, **queue_tail; /* waiting */
	struct job     *finished;            /* run, waiting for done */
	int             stop;
	int             pipe[2]; /* worker -> loop: "a job finished" */
	struct event   *ev;
	struct db      *db;
	/* for the metrics, under lock */
	size_t   waiting;
	int      busy;
	uint64_t completed;
};

static struct worker *default_worker, *password_worker;

void
worker_set_default(struct worker *w)
{
	default_worker = w;
}

struct worker *
worker_default(void)
{
	return default_worker;
}

void
worker_set_passwords(struct worker *w)
{
	password_worker = w;
}

struct worker *
worker_passwords(void)
{
	return password_worker ? password_worker : default_worker;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct job    *j;
	char           one = 1;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->stop && w->queue == NULL)
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->stop)
			break;
		j = w->queue;
		if ((w->queue = j->next) == NULL)
			w->queue_tail = &w->queue;
		w->waiting--;
		w->busy = 1;
		pthread_mutex_unlock(&w->lock);

		j->run(j, w->db);
		db_trim(w->db);

		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		w->completed++;
		j->next = w->finished;
		w->finished = j;
		while (write(w->pipe[1], &one, 1) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* On the loop: hands finished jobs to their done functions. */
static void
on_finished(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct job    *list, *j, *rev = NULL;
	char           buf[64];

	(void)what;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&w->lock);
	list = w->finished;
	w->finished = NULL;
	pthread_mutex_unlock(&w->lock);
	/* The list is newest first: hand them back in the order they came. */
	while ((j = list) != NULL) {
		list = j->next;
		j->next = rev;
		rev = j;
	}
	while ((j = rev) != NULL) {
		rev = j->next;
		if (j->done)
			j->done(j);
	}
}

struct worker *
worker_start(struct event_base *base, const char *db_path)
{
	struct worker  *w = calloc(1, sizeof(*w));
	struct rl_error err;

	if (w == NULL)
		return NULL;
	w->queue_tail = &w->queue;
	if ((w->db = db_open(db_path, 0, &err)) == NULL) {
		log_warnx("worker: %s", err.message);
		free(w);
		return NULL;
	}
	if (pipe(w->pipe) == -1) {
		log_warn("worker: pipe");
		db_close(w->db);
		free(w);
		return NULL;
	}
	fcntl(w->pipe[0], F_SETFL, O_NONBLOCK);
	fcntl(w->pipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(w->pipe[1], F_SETFD, FD_CLOEXEC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->ev =
	    event_new(base, w->pipe[0], EV_READ | EV_PERSIST, on_finished, w);
	event_add(w->ev, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		log_warnx("worker: cannot start thread");
		event_free(w->ev);
		close(w->pipe[0]);
		close(w->pipe[1]);
		db_close(w->db);
		free(w);
		return NULL;
	}
	return w;
}

void
worker_stats(struct worker *w, struct worker_stats *st)
{
	pthread_mutex_lock(&w->lock);
	st->waiting = w->waiting;
	st->busy = w->busy;
	st->completed = w->completed;
	pthread_mutex_unlock(&w->lock);
}

int
worker_submit(struct worker *w, struct job *j)
{
	if (w == NULL)
		return -1;
	j->next = NULL;
	pthread_mutex_lock(&w->lock);
	*w->queue_tail = j;
	w->queue_tail = &j->next;
	w->waiting++;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void
worker_to_loop(struct worker *w, struct job *j)
{
	char one = 1;

	pthread_mutex_lock(&w->lock);
	j->next = w->finished;
	w->finished = j;
	while (write(w->pipe[1], &one, 1) == -1 && errno == EINTR)
		;
	pthread_mutex_unlock(&w->lock);
}

void
worker_stop(struct worker *w)
{
	struct job *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	/* Jobs that finished are handed back; queued ones are dropped. */
	on_finished(w->pipe[0], EV_READ, w);
	while ((j = w->queue) != NULL) {
		w->queue = j->next;
		if (j->cancel)
			j->cancel(j);
	}
	w->queue_tail = &w->queue;
	w->waiting = 0;
	/* A cancel may have handed more to the loop. */
	on_finished(w->pipe[0], EV_READ, w);
	event_free(w->ev);
	close(w->pipe[0]);
	close(w->pipe[1]);
	db_close(w->db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	if (default_worker == w)
		default_worker = NULL;
	free(w);
}
