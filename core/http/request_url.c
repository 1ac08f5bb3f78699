/*
 * Absolute addresses of the service as its client sees them: feeds and
 * foreign API formats carry links and identifiers that must make sense
 * outside of Rollin.
 */
#include <event2/http.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/request.h"

/* The Host header, or "localhost" if it is missing or unsafe to echo. */
static const char *
host_header(struct request *req)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req->ev);
	const char       *host = h ? evhttp_find_header(h, "Host") : NULL;

	if (host == NULL || *host == '\0' || strlen(host) > 255 ||
	    strpbrk(host, "/ \t\r\n\"\\<>@?#"))
		return "localhost";
	return host;
}

void
request_base_url(struct request *req, char *out, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req->ev);
	const char       *proto =
            h ? evhttp_find_header(h, "X-Forwarded-Proto") : NULL;

	snprintf(out, len, "%s://%s",
	    proto && strcasecmp(proto, "https") == 0 ? "https" : "http",
	    host_header(req));
}

void
request_host_name(struct request *req, char *out, size_t len)
{
	const char *host = host_header(req), *end;

	if (*host == '[') /* an IPv6 literal keeps its brackets */
		end = strchr(host, ']') ? strchr(host, ']') + 1 : NULL;
	else
		end = strchr(host, ':');
	snprintf(out, len, "%.*s", end ? (int)(end - host) : (int)strlen(host),
	    host);
}
