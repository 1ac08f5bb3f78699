/*
 * bare: the floor of the benchmark. An evhttp server on the same libevent,
 * built with the same flags, that answers every request with one fixed
 * JSON body (a solution document as the service sends it, read from a
 * file) and the same headers, and does nothing else. What the service
 * spends beyond this is the cost of routing, the store and JSON.
 *
 *   bare --listen 127.0.0.1:0 --body FILE
 *
 * Prints "listening on 127.0.0.1:PORT" once it accepts connections; stops
 * on SIGINT or SIGTERM.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct bare {
	char  *body;
	size_t len;
};

static void
answer(struct evhttp_request *req, void *arg)
{
	struct bare      *b = arg;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer  *out = evbuffer_new();

	/* The service's reply path: headers, a referenced body, send. */
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "ETag", "\"1\"");
	evbuffer_add_reference(out, b->body, b->len, NULL, NULL);
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long  n;

	if (f == NULL || fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 ||
	    (s = malloc((size_t)n + 1)) == NULL ||
	    fread(s, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	s[n] = '\0';
	*len = (size_t)n;
	return s;
}

int
main(int argc, char **argv)
{
	struct event_base          *base;
	struct evhttp              *http;
	struct evhttp_bound_socket *sock;
	struct event               *sigint, *sigterm;
	struct sockaddr_in          sin;
	socklen_t                   slen = sizeof(sin);
	struct bare                 b;
	char                        addr[64] = "127.0.0.1", *colon;
	const char                 *listen = "127.0.0.1:0", *body = NULL;
	unsigned short              port;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--listen") == 0)
			listen = argv[i + 1];
		else if (strcmp(argv[i], "--body") == 0)
			body = argv[i + 1];
	}
	if (body == NULL || (colon = strrchr(listen, ':')) == NULL ||
	    (size_t)(colon - listen) >= sizeof(addr)) {
		fprintf(stderr, "usage: bare --listen ADDR:PORT --body FILE\n");
		return 2;
	}
	memcpy(addr, listen, (size_t)(colon - listen));
	addr[colon - listen] = '\0';
	port = (unsigned short)atoi(colon + 1);
	b.body = slurp(body, &b.len);

	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		return 1;
	evhttp_set_allowed_methods(http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	        EVHTTP_REQ_PATCH);
	evhttp_set_gencb(http, answer, &b);
	if ((sock = evhttp_bind_socket_with_handle(http, addr, port)) == NULL) {
		fprintf(stderr, "bare: cannot listen on %s\n", listen);
		return 1;
	}
	if (getsockname(evhttp_bound_socket_get_fd(sock),
	        (struct sockaddr *)&sin, &slen) == 0)
		port = ntohs(sin.sin_port);
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	printf("listening on %s:%u\n", addr, port);
	fflush(stdout);

	event_base_dispatch(base);

	event_free(sigint);
	event_free(sigterm);
	evhttp_free(http);
	event_base_free(base);
	free(b.body);
	return 0;
}
