/*
 * libcurl multi on libevent, in the socket-action style: curl tells which
 * sockets to watch (socket callback) and when to call back (timer
 * callback); libevent calls curl_multi_socket_action when either fires.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "util/log.h"

#define NET_MAX_RESPONSE (8 * 1024 * 1024)

struct net {
	struct event_base *base;
	CURLM             *multi;
	struct event      *timer;
	int                pending;
	struct transfer   *transfers; /* in flight, for cancelling */
};

struct transfer {
	struct net        *net;
	CURL              *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpts;
	char              *body; /* request body, owned */
	size_t             body_len, body_off;
	char              *response; /* response body, grown */
	size_t             len, cap;
	int                too_big;
	char               error[CURL_ERROR_SIZE];
	net_done           done;
	void              *arg;
	struct transfer   *next, **prevp;
};

/* The event of one socket curl watches. */
struct sock {
	struct event *ev;
};

static struct net *default_net;

void
net_set_default(struct net *n)
{
	default_net = n;
}

struct net *
net_default(void)
{
	return default_net;
}

int
net_pending(const struct net *n)
{
	return n->pending;
}

static void
finish(struct transfer *t, CURLcode code)
{
	long status = 0;

	curl_multi_remove_handle(t->net->multi, t->easy);
	if ((*t->prevp = t->next) != NULL)
		t->next->prevp = t->prevp;
	if (code == CURLE_OK)
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
	else if (t->error[0] == '\0')
		strncpy(t->error, curl_easy_strerror(code),
		    sizeof(t->error) - 1);
	if (t->too_big) {
		status = 0;
		strncpy(t->error, "response too large", sizeof(t->error) - 1);
	}
	t->net->pending--;
	if (t->done)
		t->done(status, t->response ? t->response : "", t->len,
		    status ? NULL : t->error, t->arg);
	curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->headers);
	curl_slist_free_all(t->rcpts);
	free(t->body);
	free(t->response);
	free(t);
}

static void
check_done(struct net *n)
{
	CURLMsg         *msg;
	int              left;
	struct transfer *t;

	while ((msg = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&t);
		finish(t, msg->data.result);
	}
}

static void
on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct net *n = arg;
	int         running, flags = 0;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(n->multi, fd, flags, &running);
	check_done(n);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct net *n = arg;
	int         running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(n->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(n);
}

static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct net  *n = userp;
	struct sock *s = sockp;
	short        kind = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s) {
			event_free(s->ev);
			free(s);
		}
		curl_multi_assign(n->multi, fd, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		curl_multi_assign(n->multi, fd, s);
	} else
		event_free(s->ev);
	s->ev = event_new(n->base, fd, kind, on_socket_event, n);
	event_add(s->ev, NULL);
	return 0;
}

static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct net    *n = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(n->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(n->timer, &tv);
	return 0;
}

struct net *
net_new(struct event_base *base)
{
	struct net *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	n->base = base;
	n->multi = curl_multi_init();
	n->timer = evtimer_new(base, on_timeout, n);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(n->multi, CURLMOPT_SOCKETDATA, n);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(n->multi, CURLMOPT_TIMERDATA, n);
	return n;
}

void
net_free(struct net *n)
{
	struct transfer *t;

	if (n == NULL)
		return;
	while ((t = n->transfers) != NULL) {
		strncpy(t->error, "shutting down", sizeof(t->error) - 1);
		finish(t, CURLE_ABORTED_BY_CALLBACK);
	}
	curl_multi_cleanup(n->multi);
	event_free(n->timer);
	if (default_net == n)
		default_net = NULL;
	free(n);
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t           n = size * nmemb;
	char            *grown;

	if (t->len + n > NET_MAX_RESPONSE) {
		t->too_big = 1;
		return 0;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		if ((grown = realloc(t->response, cap)) == NULL)
			return 0;
		t->response = grown;
		t->cap = cap;
	}
	memcpy(t->response + t->len, data, n);
	t->len += n;
	t->response[t->len] = '\0';
	return n;
}

static size_t
read_cb(char *buf, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t           n = size * nmemb, left = t->body_len - t->body_off;

	if (n > left)
		n = left;
	memcpy(buf, t->body + t->body_off, n);
	t->body_off += n;
	return n;
}

static struct transfer *
transfer_new(struct net *n, const char *body, size_t len, long timeout_ms,
    net_done done, void *arg)
{
	struct transfer *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->easy = curl_easy_init()) == NULL) {
		free(t);
		return NULL;
	}
	t->net = n;
	t->done = done;
	t->arg = arg;
	if (body != NULL && len > 0) {
		if ((t->body = malloc(len)) == NULL) {
			curl_easy_cleanup(t->easy);
			free(t);
			return NULL;
		}
		memcpy(t->body, body, len);
		t->body_len = len;
	}
	curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->error);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS,
	    timeout_ms > 0 ? timeout_ms : 30000L);
	curl_easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	return t;
}

static int
start(struct transfer *t)
{
	if (curl_multi_add_handle(t->net->multi, t->easy) != CURLM_OK) {
		curl_easy_cleanup(t->easy);
		curl_slist_free_all(t->headers);
		curl_slist_free_all(t->rcpts);
		free(t->body);
		free(t);
		return -1;
	}
	t->net->pending++;
	if ((t->next = t->net->transfers) != NULL)
		t->next->prevp = &t->next;
	t->net->transfers = t;
	t->prevp = &t->net->transfers;
	return 0;
}

int
net_http(struct net *n, const char *method, const char *url,
    const char *const *headers, const char *body, size_t len, long timeout_ms,
    net_done done, void *arg)
{
	struct transfer *t;

	if (n == NULL ||
	    (t = transfer_new(n, body, len, timeout_ms, done, arg)) == NULL)
		return -1;
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Raw-file hosts answer with redirects; follow a few, same schemes. */
	curl_easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(t->easy, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(t->easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(t->easy, CURLOPT_USERAGENT, "rollin/" ROLLIN_VERSION);
	for (size_t i = 0; headers && headers[i]; i++)
		t->headers = curl_slist_append(t->headers, headers[i]);
	/* No "Expect: 100-continue" round trip for small bodies. */
	t->headers = curl_slist_append(t->headers, "Expect:");
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
	else {
		curl_easy_setopt(t->easy, CURLOPT_CUSTOMREQUEST, method);
		if (t->body || strcmp(method, "POST") == 0 ||
		    strcmp(method, "PUT") == 0) {
			curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS,
			    t->body ? t->body : "");
			curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)t->body_len);
		}
	}
	return start(t);
}

int
net_smtp(struct net *n, const char *url, const char *from,
    const char *const *to, const char *message, size_t len, const char *user,
    const char *password, long timeout_ms, net_done done, void *arg)
{
	struct transfer *t;

	if (n == NULL ||
	    (t = transfer_new(n, message, len, timeout_ms, done, arg)) == NULL)
		return -1;
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(t->easy, CURLOPT_MAIL_FROM, from);
	for (size_t i = 0; to && to[i]; i++)
		t->rcpts = curl_slist_append(t->rcpts, to[i]);
	curl_easy_setopt(t->easy, CURLOPT_MAIL_RCPT, t->rcpts);
	curl_easy_setopt(t->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(t->easy, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(t->easy, CURLOPT_READDATA, t);
	curl_easy_setopt(t->easy, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)t->body_len);
	if (user && *user) {
		curl_easy_setopt(t->easy, CURLOPT_USERNAME, user);
		curl_easy_setopt(t->easy, CURLOPT_PASSWORD,
		    password ? password : "");
	}
	return start(t);
}

/* Adapts a plugin's completion (which carries its call) to net_done. */
struct plugin_req {
	struct rollin_call *call;
	rollin_http_done    done;
	void               *arg;
};

static void
plugin_done(long status, const char *body, size_t len, const char *error,
    void *arg)
{
	struct plugin_req *r = arg;

	r->done(r->call, status, body, len, error, r->arg);
	free(r);
}

int
net_plugin_smtp_send(struct rollin_call *call, const char *url,
    const char *from, const char *const *to, const char *message, size_t len,
    const char *user, const char *password, rollin_http_done done, void *arg)
{
	struct plugin_req *r;

	if (default_net == NULL || done == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->call = call;
	r->done = done;
	r->arg = arg;
	if (net_smtp(default_net, url, from, to, message, len, user, password,
	        30000, plugin_done, r) == -1) {
		free(r);
		return -1;
	}
	return 0;
}

int
net_plugin_http_request(struct rollin_call *call, const char *method,
    const char *url, const char *const *headers, const char *body, size_t len,
    rollin_http_done done, void *arg)
{
	struct plugin_req *r;

	if (default_net == NULL || done == NULL ||
	    (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->call = call;
	r->done = done;
	r->arg = arg;
	if (net_http(default_net, method, url, headers, body, len, 30000,
	        plugin_done, r) == -1) {
		free(r);
		return -1;
	}
	return 0;
}
