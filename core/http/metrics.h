/*
 * Prometheus metrics (GET /metrics, text exposition format 0.0.4). The
 * request counters and latency histograms are plain counters in fixed
 * tables, bumped on the loop thread where the access log line is written:
 * no allocation and no lock per request. Gauges of the store (file sizes,
 * event log, delivery backlog) and of the process are read when scraped.
 */
#ifndef ROLLIN_HTTP_METRICS_H
#define ROLLIN_HTTP_METRICS_H

#include <event2/buffer.h>

struct request;
struct db;
struct checkpointer;

/* The "route" label of requests that no API route matched. */
#define METRICS_ROUTE_UNMATCHED "unmatched"
/* The "route" label of the web UI's files. */
#define METRICS_ROUTE_STATIC "static"
/* The route of the metrics themselves. */
#define METRICS_PATH "/metrics"

/* Sizes the tables by the route table and notes the start time. */
void metrics_init(void);
/* Counts an answered request (its status, route and duration). */
void metrics_observe(const struct request *, double seconds);
/*
 * Appends the whole exposition to out: the request metrics, the store's
 * sizes and backlogs read through db, the checkpoints counted by ckpt
 * (may be NULL), the plugins and the process.
 */
int
metrics_write(struct evbuffer *out, struct db *, const struct checkpointer *);

#endif
