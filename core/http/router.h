/*
 * Routes: method + path pattern -> handler. Patterns are literal segments
 * and "{}" placeholders ("/api/v1/solutions/{}/releases/{}"); a request's
 * placeholders land in request->params in order. A path that matches with
 * another method gets 405 with an Allow header; no match gets 404.
 */
#ifndef ROLLIN_HTTP_ROUTER_H
#define ROLLIN_HTTP_ROUTER_H

#include <event2/http.h>

#include "domain/resource.h"
#include "http/request.h"

struct route {
	enum evhttp_cmd_type method;
	const char          *pattern;
	void (*handler)(struct request *);
	const struct resource *res; /* for the generic record handlers */
	unsigned               flags;
};

enum route_flags {
	ROUTE_PUBLIC = 1 << 0,  /* readable without sign-in when allowed */
	ROUTE_NO_BODY = 1 << 1, /* POST without a JSON body */
	ROUTE_OPEN = 1 << 3,    /* readable anonymously even when the
	                         * catalogue is not public */
	ROUTE_REFUSAL = 1 << 2, /* only explains why a method is refused;
	                         * not listed in Allow */
};

/* The table, defined in api/routes.c, ends with a NULL pattern. */
extern const struct route api_routes[];

/*
 * Finds the route for method and path. Fills params (strdup'ed; the caller
 * frees). Returns the route, or NULL with *allowed set to the methods the
 * path accepts (0: the path is unknown).
 */
const struct route *router_match(const struct route *, enum evhttp_cmd_type,
    const char *path, char **params, int *nparams, unsigned *allowed);
const char         *router_method_name(enum evhttp_cmd_type);

#endif
