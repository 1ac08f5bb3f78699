#include <stdlib.h>
#include <string.h>

#include "http/router.h"

const char *
router_method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "?";
}

/*
 * Walks pattern and path segment by segment. A placeholder matches one
 * non-empty segment; on success the segments are copied into params.
 */
static int
match(const char *pattern, const char *path, char **params, int *nparams)
{
	const char *p = pattern, *s = path, *pe, *se;
	int         n = 0;

	for (;;) {
		if (*p != '/' || *s != '/')
			break;
		p++, s++;
		pe = p + strcspn(p, "/");
		se = s + strcspn(s, "/");
		if (pe - p == 2 && p[0] == '{' && p[1] == '}') {
			if (se == s || n == REQUEST_MAX_PARAMS)
				goto fail;
			if (params)
				params[n] = strndup(s, (size_t)(se - s));
			n++;
		} else if (pe - p != se - s || memcmp(p, s, (size_t)(pe - p)))
			goto fail;
		p = pe, s = se;
		if (*p == '\0' && *s == '\0') {
			if (nparams)
				*nparams = n;
			return 1;
		}
	}
fail:
	while (params && n > 0)
		free(params[--n]), params[n] = NULL;
	return 0;
}

const struct route *
router_match(const struct route *routes, enum evhttp_cmd_type method,
    const char *path, char **params, int *nparams, unsigned *allowed)
{
	const struct route *r;

	*allowed = 0;
	for (r = routes; r->pattern; r++) {
		if (!match(r->pattern, path, NULL, NULL))
			continue;
		if (r->method == method ||
		    (method == EVHTTP_REQ_HEAD &&
		        r->method == EVHTTP_REQ_GET)) {
			match(r->pattern, path, params, nparams);
			return r;
		}
		if (!(r->flags & ROUTE_REFUSAL))
			*allowed |= (unsigned)r->method;
	}
	return NULL;
}
