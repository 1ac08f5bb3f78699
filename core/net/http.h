/*
 * Outbound HTTP and SMTP through libcurl's multi interface, driven by the
 * libevent loop: sockets and timeouts are libevent events, so a slow
 * receiver never blocks the loop or the API. One client per event base.
 */
#ifndef ROLLIN_NET_HTTP_H
#define ROLLIN_NET_HTTP_H

#include <stddef.h>

#include "rollin/plugin.h"

struct event_base;
struct net;

/* Called once per request: status 0 and error set if there was no answer. */
typedef void (*net_done)(long status, const char *body, size_t len,
    const char *error, void *arg);

struct net *net_new(struct event_base *);
/* Cancels requests in flight (their done is called with an error). */
void net_free(struct net *);
/* The client of the running loop, for plugins (set by whoever runs one). */
void        net_set_default(struct net *);
struct net *net_default(void);
/* Requests in flight. */
int net_pending(const struct net *);

/*
 * Starts an HTTP request; headers is NULL-terminated "Name: value" list.
 * Returns 0 if started (done will be called), -1 otherwise.
 */
int net_http(struct net *, const char *method, const char *url,
    const char *const *headers, const char *body, size_t len, long timeout_ms,
    net_done done, void *arg);

/*
 * Sends one e-mail (an RFC 5322 message with headers) over SMTP: url like
 * smtp://127.0.0.1:2525, from and NULL-terminated recipients.
 */
int net_smtp(struct net *, const char *url, const char *from,
    const char *const *to, const char *message, size_t len, const char *user,
    const char *password, long timeout_ms, net_done done, void *arg);

/* The plugin ABI's http_request, on the default client. */
int net_plugin_http_request(struct rollin_call *, const char *method,
    const char *url, const char *const *headers, const char *body, size_t len,
    rollin_http_done done, void *arg);

/* The plugin ABI's smtp_send, on the default client. */
int net_plugin_smtp_send(struct rollin_call *, const char *url,
    const char *from, const char *const *to, const char *message, size_t len,
    const char *user, const char *password, rollin_http_done done, void *arg);

#endif
