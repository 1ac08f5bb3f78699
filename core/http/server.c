#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "api/api.h"
#include "config/config.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/router.h"
#include "http/server.h"
#include "http/session.h"
#include "http/static.h"
#include "store/db.h"
#include "store/tokens.h"
#include "util/log.h"

const char *
request_query(struct request *req, const char *name)
{
	return evhttp_find_header(&req->query, name);
}

int64_t
request_if_match(struct request *req)
{
	const char *h =
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "If-Match");
	char     *end;
	long long rev;

	if (h == NULL)
		return 0;
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	if (*h++ != '"')
		return -1;
	rev = strtoll(h, &end, 10);
	if (end == h || rev < 1 || strcmp(end, "\"") != 0)
		return -1;
	return rev;
}

static void
deferred_gone(struct evhttp_connection *conn, void *arg)
{
	struct request *copy = arg;

	(void)conn;
	copy->ev = NULL;
}

struct request *
request_defer(struct request *req)
{
	struct request *copy = calloc(1, sizeof(*copy));

	if (copy == NULL || (copy->path = strdup(req->path)) == NULL) {
		free(copy);
		return NULL;
	}
	copy->ev = req->ev;
	copy->srv = req->srv;
	copy->db = req->db;
	copy->cfg = req->cfg;
	copy->route = req->route;
	copy->method = req->method;
	copy->method_name = req->method_name;
	copy->start = req->start;
	copy->who = req->who;
	TAILQ_INIT(&copy->query);
	evhttp_connection_set_closecb(evhttp_request_get_connection(req->ev),
	    deferred_gone, copy);
	req->status = -1; /* answered through the copy */
	return copy;
}

void
request_release(struct request *copy)
{
	if (copy == NULL)
		return;
	if (copy->ev != NULL)
		evhttp_connection_set_closecb(evhttp_request_get_connection(
		                                  copy->ev),
		    NULL, NULL);
	free(copy->path);
	free(copy);
}

int
request_signed_in(const struct request *req)
{
	return req->who.role != ROLE_NONE;
}

static void
request_done(struct evhttp_request *ev, void *arg)
{
	struct server *srv = arg;

	(void)ev;
	srv->inflight--;
}

/*
 * Sign-in by the web session cookie (http/session.h). An unknown or
 * expired session means anonymity, not an error: browsers keep cookies
 * longer than sessions live, and the page then offers to sign in again.
 * Every write under a session must carry the session's CSRF token in
 * X-CSRF-Token; SameSite=Strict already keeps the cookie off requests
 * from other sites, the token also guards older browsers. Signing in
 * ignores any old cookie: it replaces that session.
 */
static int
authenticate_session(struct request *req)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req->ev);
	const char       *cookie = evhttp_find_header(in, "Cookie"), *sent;
	char              id[SESSION_ID_LEN], csrf[SESSION_CSRF_LEN];

	if (cookie == NULL || session_cookie_value(cookie, id) == -1 ||
	    req->route->handler == api_session_create)
		return 0;
	if (session_find(req->db, id, &req->who, csrf) == -1)
		return 0;
	if (req->method == EVHTTP_REQ_GET || req->method == EVHTTP_REQ_HEAD)
		return 0;
	sent = evhttp_find_header(in, "X-CSRF-Token");
	if (sent == NULL || strlen(sent) != strlen(csrf) ||
	    sodium_memcmp(sent, csrf, strlen(csrf)) != 0) {
		memset(&req->who, 0, sizeof(req->who));
		reply_errorf(req, 403, "csrf", NULL,
		    "a change made with a "
		    "session cookie needs the session's X-CSRF-Token header");
		return -1;
	}
	return 0;
}

/* Sign-in: "Authorization: Bearer <token>", else a session cookie. A
 * wrong token is an error, not anonymity, so a typo never silently
 * downgrades a client. */
static int
authenticate(struct request *req)
{
	const char *h =
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "Authorization");

	if (h == NULL)
		return authenticate_session(req);
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "the "
		    "Authorization header must be 'Bearer <token>'");
		return -1;
	}
	h += 7;
	while (*h == ' ')
		h++;
	if (tokens_lookup(req->db, h, &req->who) == -1) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "the token is "
		    "unknown or revoked");
		return -1;
	}
	return 0;
}

static int
read_body(struct request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req->ev);
	size_t           len = evbuffer_get_length(in);
	const char      *ctype =
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "Content-Type");
	json_error_t jerr;

	if (len > (size_t)req->cfg->max_body_bytes) {
		reply_errorf(req, 413, "too_large", NULL,
		    "the body has %zu "
		    "bytes; at most %d are accepted",
		    len, req->cfg->max_body_bytes);
		return -1;
	}
	if (req->route->flags & ROUTE_NO_BODY)
		return 0;
	if (len == 0) {
		reply_errorf(req, 400, "invalid_json", NULL,
		    "the request needs "
		    "a JSON object as its body");
		return -1;
	}
	if (ctype != NULL && strncasecmp(ctype, "application/json", 16) != 0) {
		reply_errorf(req, 415, "unsupported_media_type", NULL,
		    "send "
		    "the body as application/json, not %.60s",
		    ctype);
		return -1;
	}
	req->body = json_loadb((const char *)evbuffer_pullup(in, -1), len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (req->body == NULL) {
		reply_errorf(req, 400, "invalid_json", NULL,
		    "the body is not "
		    "valid JSON: %s (line %d, column %d)",
		    jerr.text, jerr.line, jerr.column);
		return -1;
	}
	if (!json_is_object(req->body)) {
		reply_errorf(req, 400, "invalid_json", NULL,
		    "the body must be "
		    "a JSON object");
		return -1;
	}
	return 0;
}

static void
allow_header(struct request *req, unsigned allowed)
{
	static const enum evhttp_cmd_type methods[] = { EVHTTP_REQ_GET,
		EVHTTP_REQ_POST, EVHTTP_REQ_PUT, EVHTTP_REQ_PATCH,
		EVHTTP_REQ_DELETE };
	char                              buf[64] = "";
	size_t                            n = 0;

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (allowed & (unsigned)methods[i])
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
			    n ? ", " : "", router_method_name(methods[i]));
	evhttp_add_header(evhttp_request_get_output_headers(req->ev), "Allow",
	    buf);
}

static void
dispatch_api(struct request *req)
{
	unsigned allowed;

	req->route = router_match(api_routes, req->method, req->path,
	    req->params, &req->nparams, &allowed);
	if (req->route == NULL) {
		if (allowed) {
			allow_header(req, allowed);
			reply_errorf(req, 405, "method_not_allowed", NULL,
			    "%s is not allowed on %s", req->method_name,
			    req->path);
		} else
			reply_errorf(req, 404, "not_found", NULL,
			    "there is no "
			    "%s",
			    req->path);
		return;
	}
	if (authenticate(req) == -1)
		return;
	if (req->method == EVHTTP_REQ_GET || req->method == EVHTTP_REQ_HEAD) {
		if (!request_signed_in(req) &&
		    !(req->route->flags & ROUTE_OPEN) &&
		    (!(req->route->flags & ROUTE_PUBLIC) ||
		        !req->cfg->public_catalogue)) {
			reply_errorf(req, 401, "unauthenticated", NULL,
			    "sign "
			    "in to read %s",
			    req->path);
			return;
		}
	} else if ((req->method == EVHTTP_REQ_POST ||
	               req->method == EVHTTP_REQ_PATCH ||
	               req->method == EVHTTP_REQ_PUT) &&
	    read_body(req) == -1)
		return;
	req->route->handler(req);
}

/*
 * GET /metrics for Prometheus. Who may read it is the "metrics" setting:
 * by default only clients on the loopback interface (a Prometheus or an
 * agent on the same host), or an admin's token, or anyone, or nobody.
 */
static void
dispatch_metrics(struct request *req)
{
	struct evbuffer *buf;

	if (req->cfg->metrics == METRICS_OFF) {
		reply_errorf(req, 404, "not_found", NULL, "there is no %s",
		    req->path);
		return;
	}
	if (req->method != EVHTTP_REQ_GET && req->method != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "Allow", "GET");
		reply_errorf(req, 405, "method_not_allowed", NULL,
		    "%s is not allowed on %s", req->method_name, req->path);
		return;
	}
	if (req->cfg->metrics == METRICS_LOCAL && !request_from_loopback(req)) {
		reply_errorf(req, 403, "forbidden", NULL,
		    "the metrics are served to clients on this host only");
		return;
	}
	if (req->cfg->metrics == METRICS_TOKEN) {
		if (authenticate(req) == -1)
			return;
		if (!request_signed_in(req)) {
			reply_errorf(req, 401, "unauthenticated", NULL,
			    "sign in with an admin's token to read %s",
			    req->path);
			return;
		}
		if (!(req->who.role & ROLE_ADMIN)) {
			reply_errorf(req, 403, "forbidden", NULL,
			    "only an admin may read %s", req->path);
			return;
		}
	}
	if ((buf = evbuffer_new()) == NULL ||
	    metrics_write(buf, req->db, req->srv->ckpt) == -1) {
		if (buf != NULL)
			evbuffer_free(buf);
		reply_errorf(req, 500, "internal", NULL,
		    "cannot read the metrics");
		return;
	}
	reply_buffer(req, 200, "text/plain; version=0.0.4; charset=utf-8", buf,
	    0);
	evbuffer_free(buf);
}

static void
dispatch(struct evhttp_request *ev, void *arg)
{
	struct server           *srv = arg;
	struct request           req;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char              *path, *query;
	size_t                   len;

	memset(&req, 0, sizeof(req));
	clock_gettime(CLOCK_MONOTONIC, &req.start);
	TAILQ_INIT(&req.query);
	req.ev = ev;
	req.srv = srv;
	req.db = srv->db;
	req.cfg = srv->cfg;
	req.method = evhttp_request_get_command(ev);
	req.method_name = router_method_name(req.method);
	srv->inflight++;
	evhttp_request_set_on_complete_cb(ev, request_done, srv);

	path = uri ? evhttp_uri_get_path(uri) : NULL;
	query = uri ? evhttp_uri_get_query(uri) : NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	req.path = evhttp_uridecode(path, 0, &len);
	if (req.path == NULL || strlen(req.path) != len) {
		reply_errorf(&req, 400, "invalid_path", NULL,
		    "the path is not "
		    "valid");
		goto done;
	}
	if (query != NULL && evhttp_parse_query_str(query, &req.query) == -1) {
		reply_errorf(&req, 400, "invalid_query", NULL,
		    "the query "
		    "string is not valid");
		goto done;
	}
	if (strncmp(req.path, "/api/", 5) == 0 ||
	    strcmp(req.path, "/api") == 0 || strncmp(req.path, "/eol/", 5) == 0)
		dispatch_api(&req);
	else if (strcmp(req.path, METRICS_PATH) == 0)
		dispatch_metrics(&req);
	else
		static_serve(&req);
	if (req.status == 0) {
		log_warnx("dispatch: %s %s: no reply", req.method_name,
		    req.path);
		reply_errorf(&req, 500, "internal", NULL, "no reply");
	}
done:
	for (int i = 0; i < REQUEST_MAX_PARAMS; i++)
		free(req.params[i]);
	evhttp_clear_headers(&req.query);
	json_decref(req.body);
	free(req.path);
	db_trim(srv->db);
}

int
server_start(struct server *srv, struct event_base *base, struct db *db,
    const struct config *cfg)
{
	struct timeval          tv = { cfg->request_timeout, 0 };
	struct sockaddr_storage ss;
	socklen_t               sslen = sizeof(ss);
	char                    addr[256];
	unsigned short          port;
	int                     one = 1;

	memset(srv, 0, sizeof(*srv));
	metrics_init();
	srv->base = base;
	srv->db = db;
	srv->cfg = cfg;
	if (config_split_listen(cfg->listen, addr, sizeof(addr), &port) == -1) {
		log_warnx("server_start: cannot parse listen address %s",
		    cfg->listen);
		return -1;
	}
	if ((srv->http = evhttp_new(base)) == NULL)
		return -1;
	/*
	 * libevent answers bodies over its limit itself, with an HTML page;
	 * its limit is a hard memory bound four times ours, so that bodies
	 * over our limit up to that bound get the API's JSON 413.
	 */
	evhttp_set_max_body_size(srv->http,
	    (ev_ssize_t)cfg->max_body_bytes * 4);
	evhttp_set_max_headers_size(srv->http, cfg->max_header_bytes);
	evhttp_set_timeout_tv(srv->http, &tv);
	evhttp_set_allowed_methods(srv->http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	        EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE |
	        EVHTTP_REQ_OPTIONS);
	/* Read what a refused client still sends, so it sees the status. */
	evhttp_set_flags(srv->http, EVHTTP_SERVER_LINGERING_CLOSE);
	evhttp_set_gencb(srv->http, dispatch, srv);
	srv->sock = evhttp_bind_socket_with_handle(srv->http, addr, port);
	if (srv->sock == NULL) {
		log_warn("cannot listen on %s", cfg->listen);
		return -1;
	}
	/*
	 * Answers go out as they are written: libevent writes an answer over
	 * 16 KB in pieces, and with Nagle's algorithm the last piece waited
	 * for the client's delayed ACK of the first (up to 40 ms). Accepted
	 * sockets inherit the option from the listening one (Linux).
	 */
	if (setsockopt(evhttp_bound_socket_get_fd(srv->sock), IPPROTO_TCP,
	        TCP_NODELAY, &one, sizeof(one)) == -1)
		log_warn("TCP_NODELAY");
	if (getsockname(evhttp_bound_socket_get_fd(srv->sock),
	        (struct sockaddr *)&ss, &sslen) == 0)
		srv->port = ntohs(ss.ss_family == AF_INET6
		        ? ((struct sockaddr_in6 *)&ss)->sin6_port
		        : ((struct sockaddr_in *)&ss)->sin_port);
	log_info("listening on http://%s%s%s:%u/", strchr(addr, ':') ? "[" : "",
	    addr, strchr(addr, ':') ? "]" : "", srv->port);
	return 0;
}

void
server_stop_accepting(struct server *srv)
{
	if (srv->sock != NULL) {
		evhttp_del_accept_socket(srv->http, srv->sock);
		srv->sock = NULL;
	}
}

void
server_free(struct server *srv)
{
	if (srv->http != NULL)
		evhttp_free(srv->http);
	srv->http = NULL;
}
