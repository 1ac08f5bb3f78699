/*
 * The delivery engine (see delivery.h for the model and the settings):
 * one subscriber per loaded notifier, polled on the loop.
 *
 * Per subscriber, a poll picks at most one attempt: first a dead letter an
 * admin sent back that is due (it lies behind the cursor), else the first
 * event after the cursor that the subscriber wants, unless that one waits
 * for its backoff. Events it does not want are stepped over by moving the
 * cursor. What is due comes from the store (delivery_store.c); the attempt
 * itself, and how its outcome comes back, is delivery_attempt.c.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "events/delivery.h"
#include "events/delivery_internal.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "util/log.h"

/* The engine of the running service, for the API (one per process). */
static struct delivery *running;

/*
 * Polls as soon as the loop is free. A one-shot event of its own: waking
 * the persistent timer instead would move its schedule.
 */
void
delivery_kick(struct delivery *d)
{
	if (d != NULL && d->kick != NULL)
		event_active(d->kick, 0, 1);
}

int
delivery_poll(struct delivery *d, int64_t now_ms)
{
	struct subscriber *s;
	int64_t            id;
	int                started = 0;

	d->now = now_ms;
	for (size_t i = 0; i < d->nsubs; i++) {
		s = &d->subs[i];
		if (s->busy != NULL || s->plugin->state != PLUGIN_LOADED)
			continue;
		if ((id = delivery_due_requeued(d, s, now_ms)) == 0)
			id = delivery_due_head(d, s, now_ms);
		if (id > 0)
			started += delivery_attempt_start(s, id);
	}
	return started;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	delivery_poll(arg, delivery_now_ms());
}

struct delivery *
delivery_start(struct event_base *base, struct db *db,
    struct plugin_registry *reg)
{
	struct delivery *d = calloc(1, sizeof(*d));
	struct timeval   tv = { 0, DELIVERY_POLL_MS * 1000 };
	char             why[512];

	if (d == NULL ||
	    (d->subs = calloc(reg->n ? reg->n : 1, sizeof(*d->subs))) == NULL) {
		free(d);
		return NULL;
	}
	d->base = base;
	d->db = db;
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin     *p = &reg->items[i];
		struct subscriber *s = &d->subs[d->nsubs];
		if (p->kind != ROLLIN_NOTIFIER || p->state != PLUGIN_LOADED)
			continue;
		if (delivery_policy_parse(&s->policy, p->name, p->settings, why,
		        sizeof(why)) == -1) {
			plugin_fail(p, "%s", why);
			continue;
		}
		s->d = d;
		s->plugin = p;
		if (delivery_cursor_load(db, s) == -1) {
			log_warnx("delivery: the cursor of %s: %s", p->name,
			    sqlite3_errmsg(db_handle(db)));
			delivery_stop(d);
			return NULL;
		}
		log_info("delivery: notifier %s gets events after %lld%s%s",
		    p->name, (long long)s->cursor,
		    s->policy.event_types[0] ? " of types " : "",
		    s->policy.event_types);
		d->nsubs++;
	}
	/* Without notifiers there is nothing to poll for. */
	if (base != NULL && d->nsubs > 0) {
		if ((d->tick = event_new(base, -1, EV_PERSIST, on_tick, d)) ==
		        NULL ||
		    (d->kick = event_new(base, -1, 0, on_tick, d)) == NULL ||
		    event_add(d->tick, &tv) == -1) {
			delivery_stop(d);
			return NULL;
		}
		running = d;
		/* What waited while the service was down goes out first. */
		delivery_kick(d);
	}
	return d;
}

void
delivery_stop(struct delivery *d)
{
	struct attempt *a;
	int             n = 0;

	if (d == NULL)
		return;
	if (running == d)
		running = NULL;
	if (d->tick != NULL)
		event_free(d->tick);
	if (d->kick != NULL)
		event_free(d->kick);
	/* Detached: the plugin's I/O ends later (net_free) and frees them. */
	while ((a = d->attempts) != NULL) {
		d->attempts = a->next;
		n++;
		if (a->deadline != NULL)
			event_free(a->deadline);
		a->deadline = NULL;
		a->sub = NULL;
		a->next = NULL;
		a->prevp = NULL;
	}
	if (n > 0)
		log_info(
		    "delivery: %d attempt%s in flight cancelled, to be sent "
		    "again after the next start",
		    n, n == 1 ? "" : "s");
	free(d->subs);
	free(d);
}

void
delivery_wake(void)
{
	delivery_kick(running);
}

int
delivery_subscriber_running(const char *name, int64_t *in_flight)
{
	*in_flight = 0;
	if (running == NULL)
		return 0;
	for (size_t i = 0; i < running->nsubs; i++) {
		const struct subscriber *s = &running->subs[i];
		if (strcmp(s->plugin->name, name) != 0)
			continue;
		if (s->busy != NULL)
			*in_flight = s->busy->event_id;
		return s->plugin->state == PLUGIN_LOADED;
	}
	return 0;
}
