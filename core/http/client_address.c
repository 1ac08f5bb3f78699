/*
 * Who is on the other end of a request. Behind a reverse proxy the direct
 * peer is the proxy, and the client is named in X-Forwarded-For, which any
 * client can also send: it is believed only when the peer is one of the
 * trusted_proxies, and then read from the right (each proxy appends the
 * address it saw) up to the first address that is not a trusted proxy.
 */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "http/request.h"
#include "net/addr.h"

static const char *
peer(struct request *req)
{
	struct evhttp_connection *conn;
	char                     *host = NULL;
	ev_uint16_t               port;

	if (req->ev == NULL ||
	    (conn = evhttp_request_get_connection(req->ev)) == NULL)
		return NULL;
	evhttp_connection_get_peer(conn, &host, &port);
	return host;
}

static const char *
forwarded_for(struct request *req)
{
	return req->ev
	    ? evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	          "X-Forwarded-For")
	    : NULL;
}

/* Is the peer a proxy whose X-Forwarded-For is to be believed? */
static int
trusted(const struct request *req, const char *addr)
{
	return req->cfg != NULL &&
	    net_ranges_contain(req->cfg->proxies, req->cfg->nproxies, addr);
}

void
request_client_address(struct request *req, char *out, size_t outlen)
{
	const char *addr = peer(req), *xff = forwarded_for(req);
	char       *list, *comma, *hop;
	size_t      len;

	snprintf(out, outlen, "%s", addr ? addr : "unknown");
	if (addr == NULL || xff == NULL || !trusted(req, addr) ||
	    (list = strdup(xff)) == NULL)
		return;
	/* From the right: the hop each trusted proxy saw. */
	for (;;) {
		comma = strrchr(list, ',');
		hop = comma ? comma + 1 : list;
		hop += strspn(hop, " \t");
		len = strcspn(hop, " \t");
		hop[len] = '\0';
		if (!net_addr_is_valid(hop))
			break; /* garbage: keep the last address believed */
		snprintf(out, outlen, "%s", hop);
		if (comma == NULL || !trusted(req, hop))
			break;
		*comma = '\0';
	}
	free(list);
}

int
request_from_loopback(struct request *req)
{
	char addr[64];

	/*
	 * A proxy on this host that is not trusted still says whom it
	 * forwards for: such a request did not start on this host.
	 */
	if (forwarded_for(req) != NULL && !trusted(req, peer(req)))
		return 0;
	request_client_address(req, addr, sizeof(addr));
	return net_addr_is_loopback(addr);
}
