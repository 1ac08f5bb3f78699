/*
 * loop/worker: jobs run on the worker thread and hand back to the loop in
 * the order they were queued; work on the worker hands something to the
 * loop with worker_to_loop; a stop waits for the job under way and
 * cancels the queued ones (their cancel runs, their run never does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop/worker.h"
#include "util/log.h"

struct fixture {
	char               dir[64], path[96];
	struct event_base *base;
	struct worker     *w;
	pthread_t          loop;
};

/* What happened, in order, and on which thread. */
static char           trail[256];
static int            on_loop_ok, ran_off_loop_ok;
static pthread_t      loop_thread;
static int            pending_dones;
static atomic_int     started;
static struct worker *hand_to;

static void
note(const char *what, int id)
{
	size_t n = strlen(trail);

	snprintf(trail + n, sizeof(trail) - n, "%s%s%d", n ? " " : "", what,
	    id);
}

static void
job_run(struct job *j, struct db *db)
{
	(void)db;
	(void)j;
	if (pthread_equal(pthread_self(), loop_thread))
		ran_off_loop_ok = 0;
	atomic_store(&started, 1);
	usleep(20000);
}

static void
job_done(struct job *j)
{
	if (!pthread_equal(pthread_self(), loop_thread))
		on_loop_ok = 0;
	note("done", (int)(intptr_t)j->arg);
	pending_dones--;
}

static void
job_cancel(struct job *j)
{
	note("cancel", (int)(intptr_t)j->arg);
}

static struct job handed;

/* A job that hands another to the loop from the worker. */
static void
hand_run(struct job *j, struct db *db)
{
	(void)j;
	(void)db;
	handed.done = job_done;
	handed.arg = (void *)(intptr_t)99;
	worker_to_loop(hand_to, &handed);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollin-worker-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/w.db", fx->dir);
	fx->base = event_base_new();
	assert_non_null(fx->base);
	fx->w = worker_start(fx->base, fx->path);
	assert_non_null(fx->w);
	loop_thread = pthread_self();
	trail[0] = '\0';
	atomic_store(&started, 0);
	on_loop_ok = ran_off_loop_ok = 1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char            path[128];

	if (fx->w != NULL)
		worker_stop(fx->w);
	event_base_free(fx->base);
	unlink(fx->path);
	snprintf(path, sizeof(path), "%s-wal", fx->path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", fx->path);
	unlink(path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
loop_until_done(struct fixture *fx)
{
	for (int i = 0; i < 500 && pending_dones > 0; i++) {
		event_base_loop(fx->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		usleep(2000);
	}
	assert_int_equal(pending_dones, 0);
}

static void
test_done_runs_on_the_loop_in_queue_order(void **state)
{
	struct fixture *fx = *state;
	struct job      jobs[4];

	memset(jobs, 0, sizeof(jobs));
	pending_dones = 4;
	for (int i = 0; i < 4; i++) {
		jobs[i].run = job_run;
		jobs[i].done = job_done;
		jobs[i].arg = (void *)(intptr_t)(i + 1);
		assert_int_equal(worker_submit(fx->w, &jobs[i]), 0);
	}
	usleep(200000); /* all of them finished: handed back together */
	loop_until_done(fx);
	assert_string_equal(trail, "done1 done2 done3 done4");
	assert_true(on_loop_ok);
	assert_true(ran_off_loop_ok);
}

static void
test_work_on_the_worker_hands_to_the_loop(void **state)
{
	struct fixture *fx = *state;
	struct job      j;

	memset(&j, 0, sizeof(j));
	j.run = hand_run;
	j.done = job_done;
	hand_to = fx->w;
	pending_dones = 2;
	assert_int_equal(worker_submit(fx->w, &j), 0);
	usleep(100000);
	loop_until_done(fx);
	/* Handed over while the job ran: before the job's own done. */
	assert_string_equal(trail, "done99 done0");
	assert_true(on_loop_ok);
}

static void
test_stop_waits_and_cancels_what_is_queued(void **state)
{
	struct fixture *fx = *state;
	struct job      jobs[3];

	memset(jobs, 0, sizeof(jobs));
	pending_dones = 1;
	for (int i = 0; i < 3; i++) {
		jobs[i].run = job_run;
		jobs[i].done = job_done;
		jobs[i].cancel = job_cancel;
		jobs[i].arg = (void *)(intptr_t)(i + 1);
		assert_int_equal(worker_submit(fx->w, &jobs[i]), 0);
	}
	while (!atomic_load(&started)) /* the first one is under way */
		usleep(1000);
	worker_stop(fx->w);
	fx->w = NULL;
	/* The job under way finished and was handed back; the rest were
	 * cancelled, in order, and never ran. */
	assert_string_equal(trail, "done1 cancel2 cancel3");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_done_runs_on_the_loop_in_queue_order, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_work_on_the_worker_hands_to_the_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stop_waits_and_cancels_what_is_queued, setup,
		    teardown),
	};

	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
