/*
 * One attempt to hand an event to a notifier. An attempt is a struct
 * rollin_call on the heap; the plugin's run() starts its I/O and returns
 * ROLLIN_PENDING, and host->finish lands in on_finish(), which records
 * the outcome (delivery_record_outcome()). A deadline counts an attempt
 * that does not finish in time as failed.
 *
 * A Lua notifier's run() is a job on the notifier thread instead: its
 * synchronous outcome (ran_off_loop) and its finish (finish_on_loop) come
 * back to the loop, so outcomes are recorded, and attempts freed, on the
 * loop thread only. in_run covers the whole time the job is queued or
 * running there.
 *
 * An attempt outlives its subscriber when the service stops: the plugin's
 * I/O still holds the call, and net_free() ends that I/O by calling the
 * plugin's completion, which calls finish. Such a detached attempt is
 * only freed, its outcome not recorded, so it is sent again after the
 * restart.
 */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/delivery.h"
#include "events/delivery_internal.h"
#include "events/notify_thread.h"
#include "events/outbox.h"
#include "plugin/plugin.h"
#include "plugin/run.h"

/* Frees an attempt; its subscriber (if still attached) is free again. */
static void
attempt_free(struct attempt *a)
{
	if (a->deadline != NULL)
		event_free(a->deadline);
	if (a->sub != NULL) {
		a->sub->busy = NULL;
		delivery_kick(a->sub->d);
	}
	if (a->prevp != NULL && (*a->prevp = a->next) != NULL)
		a->next->prevp = a->prevp;
	call_clear(&a->call);
	free(a->event_text);
	free(a->recipients_text);
	free(a);
}

/* The plugin's host->finish: the outcome of a pending attempt. */
static void
on_finish(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	struct attempt *a = call->arg;

	if (a->finished)
		return; /* finish twice: the first one counts */
	a->finished = 1;
	if (a->sub != NULL && !a->recorded) {
		a->recorded = 1;
		delivery_record_outcome(a->sub->d, a->sub, a->event_id,
		    status == ROLLIN_OK, message,
		    a->in_run ? a->sub->d->now : delivery_now_ms());
	}
	/* Inside run() the plugin still holds the call; free it after. */
	if (!a->in_run)
		attempt_free(a);
}

/* The plugin's last error, for the API (which reads it on the loop). */
static void
plugin_note_error(struct plugin *p, const char *message)
{
	snprintf(p->last_error, sizeof(p->last_error), "%s", message);
}

/* On the loop: the outcome a notifier on the notifier thread finished with. */
static void
finish_on_loop(void *arg)
{
	struct attempt *a = arg;

	if (a->fin_status != ROLLIN_OK && a->fin_message[0])
		plugin_note_error(a->call.plugin, a->fin_message);
	on_finish(&a->call, a->fin_status,
	    a->fin_message[0] ? a->fin_message : NULL);
}

/* host->finish on the notifier thread: the outcome goes to the loop. */
static void
finish_off_loop(struct rollin_call *call, enum rollin_status status,
    const char *message)
{
	struct attempt *a = call->arg;

	a->fin_status = status;
	snprintf(a->fin_message, sizeof(a->fin_message), "%s",
	    message ? message : "");
	call->runner->to_loop(call->runner, finish_on_loop, a);
}

/*
 * After the plugin's run() returned rc (on whichever thread): records a
 * synchronous outcome, or waits for finish if the attempt is pending.
 */
static void
attempt_ran(struct attempt *a, enum rollin_status rc, int64_t now_ms)
{
	a->in_run = 0;
	if (a->finished)
		attempt_free(a);
	else if (rc != ROLLIN_PENDING) {
		if (a->sub != NULL && !a->recorded) {
			a->recorded = 1;
			delivery_record_outcome(a->sub->d, a->sub, a->event_id,
			    rc == ROLLIN_OK,
			    a->call.message[0] ? a->call.message
			                       : "the notifier failed",
			    now_ms);
		}
		attempt_free(a);
	}
}

/* On the notifier thread, with its connection. */
static void
run_off_loop(struct job *j, struct db *db)
{
	struct attempt *a = j->arg;

	a->call.db = db;
	a->rc = run_call(a->call.plugin, &a->call);
}

static void
ran_off_loop(struct job *j)
{
	struct attempt *a = j->arg;

	if (a->rc == ROLLIN_FAILED && a->call.message[0])
		plugin_note_error(a->call.plugin, a->call.message);
	attempt_ran(a, a->rc, delivery_now_ms());
}

/* Not started when the service stopped: sent again after the restart. */
static void
dropped_off_loop(struct job *j)
{
	attempt_free(j->arg);
}

/*
 * No outcome in time: counted as a failure now. The subscriber stays
 * busy until the plugin finishes, so attempts never pile up behind a
 * receiver that does not answer.
 */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct attempt *a = arg;
	char            why[96];

	(void)fd;
	(void)what;
	if (a->sub == NULL || a->recorded)
		return;
	a->recorded = 1;
	snprintf(why, sizeof(why), "no outcome within %ld ms",
	    a->sub->policy.timeout_ms);
	delivery_record_outcome(a->sub->d, a->sub, a->event_id, 0, why,
	    delivery_now_ms());
}

/*
 * Starts one attempt of event_id on s. Returns 1 if an attempt was made
 * (it may have ended already), 0 if the store failed before it began.
 */
int
delivery_attempt_start(struct subscriber *s, int64_t event_id)
{
	struct delivery   *d = s->d;
	struct attempt    *a;
	json_t            *events, *ev, *recipients;
	enum rollin_status rc;

	if ((events = outbox_list(d->db, event_id - 1, 1)) == NULL)
		return 0;
	ev = json_array_get(events, 0);
	if (ev == NULL ||
	    json_integer_value(json_object_get(ev, "id")) != event_id) {
		json_decref(events);
		delivery_record_outcome(d, s, event_id, 0,
		    "the event is no longer in the log", d->now);
		return 1;
	}
	if ((recipients = delivery_recipients(d->db, event_id)) == NULL) {
		json_decref(events);
		delivery_record_outcome(d, s, event_id, 0,
		    "the recipients could not be determined", d->now);
		return 1;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		json_decref(events);
		json_decref(recipients);
		return 0;
	}
	a->event_text = json_dumps(ev, JSON_COMPACT);
	a->recipients_text = json_dumps(recipients, JSON_COMPACT);
	json_decref(events);
	json_decref(recipients);
	if (a->event_text == NULL || a->recipients_text == NULL) {
		free(a->event_text);
		free(a->recipients_text);
		free(a);
		return 0;
	}
	delivery_mark_pending(d->db, s, event_id, d->now);
	a->sub = s;
	a->event_id = event_id;
	call_init(&a->call, s->plugin);
	a->call.db = d->db;
	a->call.event = a->event_text;
	a->call.recipients = a->recipients_text;
	a->call.on_finish = on_finish;
	a->call.arg = a;
	if ((a->next = d->attempts) != NULL)
		a->next->prevp = &a->next;
	d->attempts = a;
	a->prevp = &d->attempts;
	s->busy = a;
	if (d->base != NULL) {
		struct timeval tv = { s->policy.timeout_ms / 1000,
			(s->policy.timeout_ms % 1000) * 1000 };
		a->deadline = evtimer_new(d->base, on_deadline, a);
		if (a->deadline != NULL)
			evtimer_add(a->deadline, &tv);
	}

	a->in_run = 1;
	/*
	 * A Lua notifier runs on the notifier thread: a runaway script
	 * holds that thread until its budget stops it, never the loop.
	 */
	if (strcmp(s->plugin->language, "lua") == 0 &&
	    (a->call.runner = notify_thread_runner()) != NULL) {
		a->call.db = NULL;
		a->call.on_finish = finish_off_loop;
		a->run_job.run = run_off_loop;
		a->run_job.done = ran_off_loop;
		a->run_job.cancel = dropped_off_loop;
		a->run_job.arg = a;
		if (notify_thread_submit(&a->run_job) == 0)
			return 1;
		a->call.runner = NULL;
		a->call.db = d->db;
		a->call.on_finish = on_finish;
	}
	rc = run_call(s->plugin, &a->call);
	attempt_ran(a, rc, d->now);
	return 1;
}
