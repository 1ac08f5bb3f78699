#include <event2/buffer.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "loop/checkpoint.h"
#include "loop/worker.h"
#include "plugin/plugin.h"
#include "store/db.h"
#include "util/log.h"

/*
 * Routes are counted by their index in api_routes; three more slots take
 * what no API route answers. The table has about 140 routes; one beyond
 * MAX_ROUTES would be counted as unmatched (and logged at start).
 */
#define MAX_ROUTES   256
#define SLOT_METRICS (MAX_ROUTES + 0)
#define SLOT_STATIC  (MAX_ROUTES + 1)
#define SLOT_NONE    (MAX_ROUTES + 2)
#define NSLOTS       (MAX_ROUTES + 3)

/* Upper bounds in seconds; a request slower than the last lands in +Inf. */
static const double bucket_le[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof(bucket_le) / sizeof(bucket_le[0]))

struct histogram {
	uint64_t count;
	double   sum;
	uint64_t bucket[NBUCKETS + 1]; /* per bucket, not cumulative */
};

/*
 * Requests by (route, method, status) in an open-addressed table of fixed
 * size: the product of routes and statuses that really occur is a few
 * hundred; should it ever fill, further combinations are counted in
 * `dropped` rather than allocating.
 */
#define NCOUNTERS 2048

struct counter {
	uint32_t key; /* slot << 16 | method << 10 | status; 0 = free */
	uint64_t n;
};

static const char *const methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH",
	"DELETE", "OPTIONS", "other" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static struct {
	int              nroutes;
	double           start_time;
	struct counter   counters[NCOUNTERS];
	uint64_t         dropped;
	struct histogram hist[NSLOTS];
} m;

void
metrics_init(void)
{
	struct timespec now;

	memset(&m, 0, sizeof(m));
	while (api_routes[m.nroutes].pattern != NULL)
		m.nroutes++;
	if (m.nroutes > MAX_ROUTES) {
		log_warnx("metrics: %d routes, only %d counted by route",
		    m.nroutes, MAX_ROUTES);
		m.nroutes = MAX_ROUTES;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	m.start_time = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static unsigned
method_index(enum evhttp_cmd_type method)
{
	switch (method) {
	case EVHTTP_REQ_GET:
		return 0;
	case EVHTTP_REQ_HEAD:
		return 1;
	case EVHTTP_REQ_POST:
		return 2;
	case EVHTTP_REQ_PUT:
		return 3;
	case EVHTTP_REQ_PATCH:
		return 4;
	case EVHTTP_REQ_DELETE:
		return 5;
	case EVHTTP_REQ_OPTIONS:
		return 6;
	default:
		return 7;
	}
}

static unsigned
route_slot(const struct request *req)
{
	ptrdiff_t i;

	if (req->route != NULL) {
		i = req->route - api_routes;
		if (i >= 0 && i < m.nroutes)
			return (unsigned)i;
		return SLOT_NONE;
	}
	if (req->path == NULL)
		return SLOT_NONE;
	if (strcmp(req->path, METRICS_PATH) == 0)
		return SLOT_METRICS;
	if (strncmp(req->path, "/api", 4) == 0 ||
	    strncmp(req->path, "/eol/", 5) == 0)
		return SLOT_NONE;
	return SLOT_STATIC;
}

static const char *
slot_name(unsigned slot)
{
	switch (slot) {
	case SLOT_METRICS:
		return METRICS_PATH;
	case SLOT_STATIC:
		return METRICS_ROUTE_STATIC;
	case SLOT_NONE:
		return METRICS_ROUTE_UNMATCHED;
	default:
		return api_routes[slot].pattern;
	}
}

void
metrics_observe(const struct request *req, double seconds)
{
	unsigned          slot = route_slot(req), status, b;
	uint32_t          key, h, first;
	struct histogram *hg = &m.hist[slot];

	status =
	    req->status > 0 && req->status < 1000 ? (unsigned)req->status : 0;
	key = (uint32_t)slot << 16 | method_index(req->method) << 10 | status;
	key |= 1u << 31; /* never 0, the mark of a free slot */
	first = (key * 2654435761u) % NCOUNTERS;
	for (h = first;; h = (h + 1) % NCOUNTERS) {
		if (m.counters[h].key == key) {
			m.counters[h].n++;
			break;
		}
		if (m.counters[h].key == 0) {
			m.counters[h].key = key;
			m.counters[h].n = 1;
			break;
		}
		if ((h + 1) % NCOUNTERS == first) {
			m.dropped++;
			break;
		}
	}
	for (b = 0; b < NBUCKETS && seconds > bucket_le[b]; b++)
		;
	hg->bucket[b]++;
	hg->count++;
	hg->sum += seconds;
}

/* A label value with \, " and newline escaped as the format asks. */
static void
add_label(struct evbuffer *out, const char *s)
{
	size_t n;

	while (*s) {
		n = strcspn(s, "\\\"\n");
		evbuffer_add(out, s, n);
		s += n;
		if (*s == '\n')
			evbuffer_add(out, "\\n", 2);
		else if (*s)
			evbuffer_add_printf(out, "\\%c", *s);
		if (*s)
			s++;
	}
}

static void
family(struct evbuffer *out, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help,
	    name, type);
}

static void
write_requests(struct evbuffer *out)
{
	char     le[32];
	uint64_t cum;

	family(out, "rollin_http_requests_total", "counter",
	    "HTTP requests answered, by route pattern, method and status.");
	for (unsigned i = 0; i < NCOUNTERS; i++) {
		uint32_t key = m.counters[i].key;

		if (key == 0)
			continue;
		evbuffer_add_printf(out,
		    "rollin_http_requests_total{method=\"%s\",route=\"",
		    methods[(key >> 10) & 0x3f]);
		add_label(out, slot_name((key >> 16) & 0x7fff));
		evbuffer_add_printf(out, "\",status=\"%u\"} %llu\n",
		    key & 0x3ff, (unsigned long long)m.counters[i].n);
	}
	family(out, "rollin_http_requests_uncounted_total", "counter",
	    "Requests not counted by route because the counter table was "
	    "full.");
	evbuffer_add_printf(out, "rollin_http_requests_uncounted_total %llu\n",
	    (unsigned long long)m.dropped);

	family(out, "rollin_http_request_duration_seconds", "histogram",
	    "Time from reading a request to sending its answer, by route "
	    "pattern.");
	for (unsigned s = 0; s < NSLOTS; s++) {
		const struct histogram *hg = &m.hist[s];

		if (hg->count == 0)
			continue;
		cum = 0;
		for (unsigned b = 0; b <= NBUCKETS; b++) {
			cum += hg->bucket[b];
			if (b < NBUCKETS)
				snprintf(le, sizeof(le), "%g", bucket_le[b]);
			else
				snprintf(le, sizeof(le), "+Inf");
			evbuffer_add_printf(out,
			    "rollin_http_request_duration_seconds_bucket{"
			    "route=\"");
			add_label(out, slot_name(s));
			evbuffer_add_printf(out, "\",le=\"%s\"} %llu\n", le,
			    (unsigned long long)cum);
		}
		evbuffer_add_printf(out,
		    "rollin_http_request_duration_seconds_sum{route=\"");
		add_label(out, slot_name(s));
		evbuffer_add_printf(out, "\"} %.9f\n", hg->sum);
		evbuffer_add_printf(out,
		    "rollin_http_request_duration_seconds_count{route=\"");
		add_label(out, slot_name(s));
		evbuffer_add_printf(out, "\"} %llu\n",
		    (unsigned long long)hg->count);
	}
}

static long long
file_size(const char *path, const char *suffix)
{
	char        name[4096];
	struct stat st;

	if ((size_t)snprintf(name, sizeof(name), "%s%s", path, suffix) >=
	    sizeof(name))
		return 0;
	return stat(name, &st) == 0 ? (long long)st.st_size : 0;
}

static int
write_store(struct evbuffer *out, struct db *db)
{
	sqlite3_stmt *st;
	long long     last = 0;

	family(out, "rollin_db_size_bytes", "gauge",
	    "Size of the SQLite database file.");
	evbuffer_add_printf(out, "rollin_db_size_bytes %lld\n",
	    file_size(db_path(db), ""));
	family(out, "rollin_db_wal_size_bytes", "gauge",
	    "Size of the write-ahead log file (-wal) beside it.");
	evbuffer_add_printf(out, "rollin_db_wal_size_bytes %lld\n",
	    file_size(db_path(db), "-wal"));

	if ((st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM events")) ==
	    NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		last = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	family(out, "rollin_events_total", "counter",
	    "Events written to the event log (the outbox) since it was "
	    "created.");
	evbuffer_add_printf(out, "rollin_events_total %lld\n", last);

	/* Every notifier has a cursor over the log; the lag is behind it. */
	if ((st = db_prepare(db,
	         "SELECT subscriber, last_event_id FROM delivery_cursors "
	         "ORDER BY subscriber")) == NULL)
		return -1;
	family(out, "rollin_outbox_lag_events", "gauge",
	    "Events in the log that a notifier has not yet finished with.");
	while (sqlite3_step(st) == SQLITE_ROW) {
		long long lag = last - sqlite3_column_int64(st, 1);

		evbuffer_add_printf(out,
		    "rollin_outbox_lag_events{notifier=\"");
		add_label(out, (const char *)sqlite3_column_text(st, 0));
		evbuffer_add_printf(out, "\"} %lld\n", lag > 0 ? lag : 0);
	}
	sqlite3_reset(st);

	/* Delivered rows are history; what is waiting or gave up is not. */
	if ((st = db_prepare(db,
	         "SELECT c.subscriber, s.state, (SELECT count(*) FROM "
	         "deliveries d WHERE d.subscriber = c.subscriber AND d.state "
	         "= s.state) FROM delivery_cursors c, (SELECT 'pending' AS "
	         "state UNION ALL SELECT 'retrying' UNION ALL SELECT 'dead') "
	         "s ORDER BY c.subscriber, s.state")) == NULL)
		return -1;
	family(out, "rollin_deliveries", "gauge",
	    "Deliveries of events to notifiers that are pending, retrying "
	    "or dead (gave up), by notifier.");
	while (sqlite3_step(st) == SQLITE_ROW) {
		evbuffer_add_printf(out, "rollin_deliveries{notifier=\"");
		add_label(out, (const char *)sqlite3_column_text(st, 0));
		evbuffer_add_printf(out, "\",state=\"%s\"} %lld\n",
		    (const char *)sqlite3_column_text(st, 1),
		    (long long)sqlite3_column_int64(st, 2));
	}
	sqlite3_reset(st);
	return 0;
}

static void
write_checkpoints(struct evbuffer *out, const struct checkpointer *ckpt)
{
	static const struct {
		const char *name;
		int         mode;
	} modes[] = { { "passive", SQLITE_CHECKPOINT_PASSIVE },
		{ "restart", SQLITE_CHECKPOINT_RESTART },
		{ "truncate", SQLITE_CHECKPOINT_TRUNCATE } };

	family(out, "rollin_checkpoints_total", "counter",
	    "WAL checkpoints run, by SQLite checkpoint mode.");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		evbuffer_add_printf(out,
		    "rollin_checkpoints_total{mode=\"%s\"} %llu\n",
		    modes[i].name,
		    (unsigned long long)checkpoint_count(ckpt, modes[i].mode));
	family(out, "rollin_checkpoint_seconds_total", "counter",
	    "Time spent in WAL checkpoints, by mode; a restart holds the "
	    "write lock all along.");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		evbuffer_add_printf(out,
		    "rollin_checkpoint_seconds_total{mode=\"%s\"} %.6f\n",
		    modes[i].name, checkpoint_seconds(ckpt, modes[i].mode));
}

static void
write_process(struct evbuffer *out)
{
	const struct plugin_registry *reg = plugins_default();
	size_t                        loaded = 0;

	for (size_t i = 0; reg != NULL && i < reg->n; i++)
		if (reg->items[i].state == PLUGIN_LOADED)
			loaded++;
	family(out, "rollin_plugins_loaded", "gauge",
	    "Plugins loaded and ready.");
	evbuffer_add_printf(out, "rollin_plugins_loaded %zu\n", loaded);
	family(out, "process_start_time_seconds", "gauge",
	    "Start time of the process since the Unix epoch in seconds.");
	evbuffer_add_printf(out, "process_start_time_seconds %.3f\n",
	    m.start_time);
	family(out, "rollin_build_info", "gauge",
	    "Always 1; the labels name the running version.");
	evbuffer_add_printf(out,
	    "rollin_build_info{version=\"%s\",sqlite=\"%s\"} 1\n",
	    ROLLIN_VERSION, sqlite3_libversion());
}

/* The worker threads: long jobs, and password checks. */
static void
write_workers(struct evbuffer *out)
{
	const struct {
		const char    *name;
		struct worker *w;
	} workers[] = {
		{ "jobs", worker_default() },
		{ "passwords",
		    worker_passwords() != worker_default() ? worker_passwords()
		                                           : NULL },
	};
	struct worker_stats st[2] = { { 0 } };
	size_t              i;

	for (i = 0; i < 2; i++)
		if (workers[i].w != NULL)
			worker_stats(workers[i].w, &st[i]);
	family(out, "rollin_worker_jobs_waiting", "gauge",
	    "Jobs queued for a worker thread and not yet started.");
	for (i = 0; i < 2; i++)
		if (workers[i].w != NULL)
			evbuffer_add_printf(out,
			    "rollin_worker_jobs_waiting{worker=\"%s\"} %zu\n",
			    workers[i].name, st[i].waiting);
	family(out, "rollin_worker_busy", "gauge",
	    "1 while a worker thread runs a job.");
	for (i = 0; i < 2; i++)
		if (workers[i].w != NULL)
			evbuffer_add_printf(out,
			    "rollin_worker_busy{worker=\"%s\"} %d\n",
			    workers[i].name, st[i].busy);
	family(out, "rollin_worker_jobs_total", "counter",
	    "Jobs a worker thread has run: imports, reports and "
	    "whole-catalogue feeds (jobs), password checks and hashes "
	    "(passwords).");
	for (i = 0; i < 2; i++)
		if (workers[i].w != NULL)
			evbuffer_add_printf(out,
			    "rollin_worker_jobs_total{worker=\"%s\"} %llu\n",
			    workers[i].name,
			    (unsigned long long)st[i].completed);
}

int
metrics_write(struct evbuffer *out, struct db *db,
    const struct checkpointer *ckpt)
{
	write_requests(out);
	if (write_store(out, db) == -1)
		return -1;
	write_checkpoints(out, ckpt);
	write_workers(out);
	write_process(out);
	return 0;
}
