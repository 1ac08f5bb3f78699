/*
 * webhook: a notifier that POSTs every event it gets as JSON to one URL.
 *
 * Settings (plugins: webhook: ... in the config file):
 *   url         where to POST (http:// or https://); required
 *   secret      key of the signature header; without it, no signature
 *   timeout_ms  how long an attempt may take (the host's delivery
 *               engine enforces it, see events/delivery.h)
 *
 * The request carries
 *   Content-Type: application/json
 *   X-Rollin-Event: <event type>
 *   X-Rollin-Delivery: <event id>       (receivers drop duplicates by it:
 *                                        delivery is at least once)
 *   X-Rollin-Signature: sha256=<hex HMAC-SHA256 of the exact body>
 * and the body { id, type, subject, time, actor, solution, payload }.
 * A 2xx answer is a delivery; anything else, or no answer, fails the
 * attempt and the host retries it later.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollin/plugin.h"

struct webhook {
	const struct rollin_host *host;
	char                     *url;
	char                     *secret; /* NULL: unsigned */
};

static int
webhook_init(const struct rollin_host *host, struct rollin_call *call,
    void **state)
{
	struct webhook *w;
	const char     *url = host->setting(call, "url");
	const char     *secret = host->setting(call, "secret");

	if (url == NULL || *url == '\0') {
		host->log(call, ROLLIN_LOG_ERROR,
		    "plugins.webhook.url is required: the http:// or https:// "
		    "address events are POSTed to");
		return -1;
	}
	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		host->log(call, ROLLIN_LOG_ERROR,
		    "plugins.webhook.url must start with http:// or https://, "
		    "not '%.200s'",
		    url);
		return -1;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->url = strdup(url)) == NULL) {
		free(w);
		return -1;
	}
	w->host = host;
	if (secret != NULL && *secret != '\0')
		w->secret = strdup(secret);
	else
		host->log(call, ROLLIN_LOG_WARN,
		    "no plugins.webhook.secret: requests to %s go unsigned",
		    url);
	*state = w;
	return 0;
}

static void
webhook_fini(void *state)
{
	struct webhook *w = state;

	if (w == NULL)
		return;
	free(w->url);
	free(w->secret);
	free(w);
}

/* The receiver's answer: 2xx delivers, anything else fails the attempt. */
static void
webhook_done(struct rollin_call *call, long status, const char *body,
    size_t len, const char *error, void *arg)
{
	struct webhook *w = arg;
	char            why[384];

	if (status >= 200 && status < 300) {
		w->host->finish(call, ROLLIN_OK, NULL);
		return;
	}
	if (status == 0)
		snprintf(why, sizeof(why), "no answer from %.200s: %s", w->url,
		    error && *error ? error : "the request failed");
	else
		snprintf(why, sizeof(why), "HTTP %ld from %.200s%s%.*s", status,
		    w->url, len > 0 ? ": " : "", len > 100 ? 100 : (int)len,
		    body ? body : "");
	w->host->finish(call, ROLLIN_FAILED, why);
}

static enum rollin_status
webhook_run(void *state, struct rollin_call *call)
{
	struct webhook           *w = state;
	const struct rollin_host *host = w->host;
	static const char *const  keys[] = { "id", "type", "subject", "time",
		 "actor", "solution", "payload", NULL };
	json_error_t              jerr;
	json_t                   *ev, *out, *v;
	char       *body = NULL, sig[65], sig_h[96], type_h[160], id_h[64];
	const char *headers[6];
	size_t      n = 0;
	enum rollin_status rc = ROLLIN_FAILED;

	if ((ev = json_loads(host->event(call), 0, &jerr)) == NULL) {
		host->log(call, ROLLIN_LOG_ERROR, "the event is not JSON: %s",
		    jerr.text);
		return ROLLIN_FAILED;
	}
	/* The documented body, in this order, whatever the host adds. */
	out = json_object();
	for (size_t i = 0; keys[i]; i++) {
		v = json_object_get(ev, keys[i]);
		json_object_set(out, keys[i], v ? v : json_null());
	}
	if ((body = json_dumps(out, JSON_COMPACT)) == NULL) {
		host->log(call, ROLLIN_LOG_ERROR,
		    "the event cannot be written "
		    "as JSON");
		goto done;
	}
	snprintf(type_h, sizeof(type_h), "X-Rollin-Event: %.120s",
	    json_string_value(json_object_get(ev, "type"))
	        ? json_string_value(json_object_get(ev, "type"))
	        : "");
	snprintf(id_h, sizeof(id_h), "X-Rollin-Delivery: %lld",
	    (long long)json_integer_value(json_object_get(ev, "id")));
	headers[n++] = "Content-Type: application/json";
	headers[n++] = type_h;
	headers[n++] = id_h;
	if (w->secret != NULL) {
		host->hmac_sha256_hex(w->secret, strlen(w->secret), body,
		    strlen(body), sig);
		snprintf(sig_h, sizeof(sig_h), "X-Rollin-Signature: sha256=%s",
		    sig);
		headers[n++] = sig_h;
	}
	headers[n] = NULL;
	/* The host copies method, URL, headers and body before returning. */
	if (host->http_request(call, "POST", w->url, headers, body,
	        strlen(body), webhook_done, w) != 0) {
		host->log(call, ROLLIN_LOG_ERROR,
		    "cannot start a request to %s", w->url);
		goto done;
	}
	rc = ROLLIN_PENDING;
done:
	free(body);
	json_decref(out);
	json_decref(ev);
	return rc;
}

static const struct rollin_plugin webhook = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "webhook",
	.version = "1.0.0",
	.description = "POSTs events as signed JSON to a URL",
	.kind = ROLLIN_NOTIFIER,
	.init = webhook_init,
	.fini = webhook_fini,
	.run = webhook_run,
};

ROLLIN_PLUGIN(webhook)
