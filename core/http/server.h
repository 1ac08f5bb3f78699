/*
 * The HTTP front: evhttp bound on the loop, with body, header and time
 * limits, request dispatch (routing, sign-in, JSON body), and a graceful
 * stop that first closes the listening socket and then waits for requests
 * in flight.
 */
#ifndef ROLLIN_HTTP_SERVER_H
#define ROLLIN_HTTP_SERVER_H

#include <event2/event.h>

struct config;
struct db;
struct checkpointer;

struct server {
	struct event_base          *base;
	struct evhttp              *http;
	struct evhttp_bound_socket *sock;
	struct db                  *db;
	const struct config        *cfg;
	const struct checkpointer  *ckpt;     /* counted in the metrics */
	int                         inflight; /* not yet sent */
	unsigned short              port;     /* bound port */
};

/* Binds cfg->listen and starts serving; -1 (logged) on failure. */
int server_start(struct server *, struct event_base *, struct db *,
    const struct config *);
/* Stops accepting connections; requests in flight go on. */
void server_stop_accepting(struct server *);
void server_free(struct server *);

#endif
