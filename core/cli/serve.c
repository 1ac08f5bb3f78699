/*
 * `rollin serve`: store and migrations first, then the loop with the HTTP
 * server, signal events and timers, then teardown in reverse order.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "events/delivery.h"
#include "events/notify_thread.h"
#include "events/timers.h"
#include "http/server.h"
#include "loop/checkpoint.h"
#include "loop/worker.h"
#include "net/http.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "util/log.h"

struct serve {
	const struct config   *cfg;
	struct event_base     *base;
	struct server          srv;
	struct event          *sigint, *sigterm, *drain;
	struct timespec        deadline;
	struct plugin_registry plugins;
	struct net            *net;
	struct worker         *worker, *passwords;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin serve [--listen ADDR:PORT] [--db PATH] [--demo]\n"
	    "                    [--config FILE] [--log-level LEVEL]\n\n"
	    "Serves the API (and the web UI) until SIGINT or SIGTERM. On a\n"
	    "signal it stops accepting connections, finishes the requests in\n"
	    "flight (for up to shutdown_grace seconds) and closes the "
	    "database.\n\n"
	    "  --listen ADDR:PORT address to serve on; port 0 picks a free "
	    "one\n"
	    "  --demo             load the demo data set into an empty "
	    "database\n");
	cli_common_help(out);
}

/* Once every request in flight has been answered (or time is up), stop. */
static void
drain_tick(evutil_socket_t fd, short what, void *arg)
{
	struct serve   *s = arg;
	struct timespec now;

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->srv.inflight <= 0 || now.tv_sec >= s->deadline.tv_sec) {
		if (s->srv.inflight > 0)
			log_warnx("stopping with %d requests unanswered",
			    s->srv.inflight);
		event_base_loopexit(s->base, NULL);
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct serve  *s = arg;
	struct timeval tick = { 0, 20 * 1000 };

	(void)what;
	if (s->drain != NULL)
		return;
	log_info("%s received: no new connections, finishing %d requests",
	    strsignal((int)sig), s->srv.inflight);
	if (s->srv.http != NULL)
		server_stop_accepting(&s->srv);
	clock_gettime(CLOCK_MONOTONIC, &s->deadline);
	s->deadline.tv_sec += s->cfg->shutdown_grace;
	s->drain = event_new(s->base, -1, EV_PERSIST, drain_tick, s);
	event_add(s->drain, &tick);
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'L' },
		CLI_COMMON_OPTIONS,
		{ "demo", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags     flags = { 0 };
	struct config        cfg;
	struct serve         s;
	struct rl_error      err;
	struct db           *db;
	struct checkpointer *ckpt = NULL;
	struct timer_config  tcfg;
	struct timer        *timer = NULL;
	struct delivery     *delivery = NULL;
	char                 why[256];
	int                  ch, demo = 0, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'L':
			cli_flag(&flags, "listen", optarg);
			break;
		case 'D':
			demo = 1;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cli_config(&flags, &cfg) == -1)
		return 1;
	if (timer_config_parse(&tcfg, cfg.support_ending_days, why,
	        sizeof(why)) == -1) {
		fprintf(stderr, "rollin: support_ending_days: %s\n", why);
		config_free(&cfg);
		return 1;
	}

	memset(&s, 0, sizeof(s));
	s.cfg = &cfg;
	if ((db = db_open(cfg.db, DB_MIGRATE | DB_MANUAL_CHECKPOINT, &err)) ==
	    NULL) {
		log_msg(LOG_ERROR, "%s", err.message);
		config_free(&cfg);
		return 1;
	}
	log_info("rollin %s, database %s (schema %d)", ROLLIN_VERSION, cfg.db,
	    db_schema_version(db));
	if (demo && demo_load(db, &err) == -1) {
		log_msg(LOG_ERROR, "%s", err.message);
		goto close_db;
	}
	plugins_load(&s.plugins, &cfg);
	plugins_set_default(&s.plugins);
	signal(SIGPIPE, SIG_IGN);
	if ((s.base = event_base_new()) == NULL)
		goto unload;
	/* Signals first: a signal that comes right after "listening" is
	 * already a clean shutdown. */
	s.sigint = evsignal_new(s.base, SIGINT, on_signal, &s);
	s.sigterm = evsignal_new(s.base, SIGTERM, on_signal, &s);
	event_add(s.sigint, NULL);
	event_add(s.sigterm, NULL);
	s.net = net_new(s.base);
	net_set_default(s.net);
	/* Lua notifiers and the pruning of old deliveries run off the loop. */
	if (notify_thread_start(s.base, db, cfg.delivery_retention_days) == -1)
		log_warnx("the notifier thread did not start: Lua notifiers "
		          "run on the loop thread");
	/* Notifiers follow the event log; what waited while down goes first. */
	if ((delivery = delivery_start(s.base, db, &s.plugins)) == NULL)
		goto free_base;
	/*
	 * Imports, reports and whole-catalogue feeds run off the loop, on
	 * their own connection; password checks on a thread of their own,
	 * so that a long import does not hold up signing in.
	 */
	s.worker = worker_start(s.base, cfg.db);
	worker_set_default(s.worker);
	s.passwords = worker_start(s.base, cfg.db);
	worker_set_passwords(s.passwords);
	/* Emits what fell due while down before the first request. */
	if ((timer = timer_start(s.base, db, &tcfg, cfg.timer_interval)) ==
	    NULL)
		goto free_base;
	if (server_start(&s.srv, s.base, db, &cfg) == -1)
		goto free_base;
	ckpt = checkpoint_start(cfg.db, cfg.checkpoint_interval);
	checkpoint_watch(ckpt, db_handle(db));
	s.srv.ckpt = ckpt;

	event_base_dispatch(s.base);
	rc = 0;

	checkpoint_stop(ckpt);
	if (s.drain)
		event_free(s.drain);
	server_free(&s.srv);
	log_info("stopped");
free_base:
	timer_stop(timer);
	worker_set_passwords(NULL);
	worker_stop(s.passwords);
	worker_stop(s.worker);
	/* Deliveries in flight are cancelled, and sent again after a start. */
	delivery_stop(delivery);
	net_free(s.net);
	/* Waits for a Lua notifier's call under way; its budget bounds it. */
	notify_thread_stop();
	event_free(s.sigint);
	event_free(s.sigterm);
	event_base_free(s.base);
unload:
	plugins_set_default(NULL);
	plugins_unload(&s.plugins);
close_db:
	db_close(db);
	config_free(&cfg);
	return rc;
}
