/*
 * Absolute addresses of the service as its client sees them: feeds and
 * foreign API formats carry links and identifiers that must make sense
 * outside of Rollin. The configured public_url wins; without it they
 * follow the request's Host and X-Forwarded-Proto.
 */
#include <event2/http.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "http/request.h"

/*
 * The host (with port) of public_url, else the Host header, or
 * "localhost" if that is missing or unsafe to echo.
 */
static const char *
host_header(struct request *req)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(req->ev);
	const char       *host = h ? evhttp_find_header(h, "Host") : NULL;

	if (req->cfg != NULL && req->cfg->public_url[0] != '\0')
		return strstr(req->cfg->public_url, "://") + 3;

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

	if (req->cfg != NULL && req->cfg->public_url[0] != '\0') {
		snprintf(out, len, "%s", req->cfg->public_url);
		return;
	}

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
	else /* public_url may go on with a port or a path */
		end = host + strcspn(host, ":/");
	snprintf(out, len, "%.*s", end ? (int)(end - host) : (int)strlen(host),
	    host);
}
