#include <event2/buffer.h>
#include <event2/http.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/metrics.h"
#include "http/reply.h"
#include "util/log.h"

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 302:
		return "Found";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 412:
		return "Precondition Failed";
	case 413:
		return "Payload Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 428:
		return "Precondition Required";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Internal Server Error" : "Error";
	}
}

/* The access log line and the request metrics, from the same clock. */
static void
log_request(struct request *req)
{
	struct timespec now;
	double          s;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (double)(now.tv_sec - req->start.tv_sec) +
	    (double)(now.tv_nsec - req->start.tv_nsec) / 1e9;
	metrics_observe(req, s);
	if (req->ev == NULL)
		return;
	log_info("%s %s %d %.2fms", req->method_name,
	    req->path ? req->path : evhttp_request_get_uri(req->ev),
	    req->status, s * 1e3);
}

void
reply_buffer(struct request *req, int status, const char *content_type,
    struct evbuffer *body, int64_t rev)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req->ev);
	char              etag[32];

	if (req->status != 0) {
		log_warnx("reply_buffer: %s answered twice", req->path);
		return;
	}
	if (req->ev == NULL) {
		/* A deferred request whose client went away. */
		log_info("%s %s: client gone before the answer",
		    req->method_name, req->path);
		req->status = status;
		log_request(req);
		return;
	}
	req->status = status;
	if (content_type)
		evhttp_add_header(h, "Content-Type", content_type);
	if (rev > 0) {
		snprintf(etag, sizeof(etag), "\"%lld\"", (long long)rev);
		evhttp_add_header(h, "ETag", etag);
	}
	evhttp_send_reply(req->ev, status, reason(status), body);
	log_request(req);
}

static void
free_text(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)(uintptr_t)data);
}

void
reply_json(struct request *req, int status, json_t *v, int64_t rev)
{
	struct evbuffer *buf = evbuffer_new();
	char            *text = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	if (text == NULL) {
		evbuffer_free(buf);
		reply_errorf(req, 500, "internal", NULL, "cannot encode reply");
		return;
	}
	evbuffer_add_reference(buf, text, strlen(text), free_text, NULL);
	evbuffer_add(buf, "\n", 1);
	reply_buffer(req, status, "application/json; charset=utf-8", buf, rev);
	evbuffer_free(buf);
}

void
reply_list(struct request *req, json_t *items, const char *next)
{
	reply_json(req, 200,
	    json_pack("{s:o, s:s?}", "items", items, "next", next), 0);
}

void
reply_error(struct request *req, const struct rl_error *err)
{
	json_t *e = json_pack("{s:s, s:s}", "code",
	    err->code[0] ? err->code : "error", "message", err->message);

	json_object_set_new(e, "field",
	    err->field[0] ? json_string(err->field) : json_null());
	if (err->status == 401)
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "WWW-Authenticate", "Bearer realm=\"rollin\"");
	reply_json(req, err->status ? err->status : 500,
	    json_pack("{s:o}", "error", e), 0);
}

void
reply_errorf(struct request *req, int status, const char *code,
    const char *field, const char *fmt, ...)
{
	struct rl_error err;
	va_list         ap;

	rl_error_clear(&err);
	err.status = status;
	snprintf(err.code, sizeof(err.code), "%s", code);
	snprintf(err.field, sizeof(err.field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	reply_error(req, &err);
}

void
reply_empty(struct request *req, int status)
{
	reply_buffer(req, status, NULL, NULL, 0);
}
