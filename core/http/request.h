/*
 * One API request as the handlers see it: the decoded path and its
 * parameters, the query, the principal behind the token, the JSON body.
 * It lives on the stack of the dispatcher; handlers answer synchronously
 * through http/reply.h before they return.
 */
#ifndef ROLLIN_HTTP_REQUEST_H
#define ROLLIN_HTTP_REQUEST_H

#include <event2/http.h>
#include <sys/queue.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/access.h"

#define REQUEST_MAX_PARAMS 4

struct server;
struct route;

struct request {
	struct evhttp_request *ev;
	struct server         *srv;
	struct db             *db;
	const struct config   *cfg;
	const struct route    *route;
	enum evhttp_cmd_type   method;
	const char            *method_name;
	char                  *path; /* decoded, owned */
	struct evkeyvalq       query;
	char                  *params[REQUEST_MAX_PARAMS]; /* {} segments */
	int                    nparams;
	struct principal       who;
	json_t                *body; /* POST/PUT/PATCH, or NULL */
	struct timespec        start;
	int                    status; /* 0 until answered */
};

/* Query parameter value, or NULL. */
const char *request_query(struct request *, const char *name);
/* If-Match revision: 0 if absent, -1 if malformed. */
int64_t request_if_match(struct request *);
/* True if the client is signed in. */
int request_signed_in(const struct request *);
/*
 * "http://host:port" as the client reached the service (Host header,
 * X-Forwarded-Proto), for absolute links in answers; "localhost" when the
 * Host header is missing or malformed.
 */
void request_base_url(struct request *, char *out, size_t len);
/* The host name alone (no port), for identifiers such as iCalendar UIDs. */
void request_host_name(struct request *, char *out, size_t len);

/*
 * The client's address: the direct peer, or, when the peer is one of the
 * trusted_proxies, the address its X-Forwarded-For names.
 */
void request_client_address(struct request *, char *out, size_t len);
/*
 * True if the client is on this host (loopback), and no untrusted proxy
 * forwarded the request.
 */
int request_from_loopback(struct request *);

/*
 * For handlers that answer later (work done off the loop): returns a heap
 * copy of the request that the reply functions accept after the handler
 * has returned, and marks the original as answered. If the client goes
 * away meanwhile, the copy's ev becomes NULL: replying is then skipped.
 * Release the copy with request_release() after replying (or not).
 */
struct request *request_defer(struct request *);
void            request_release(struct request *);

#endif
