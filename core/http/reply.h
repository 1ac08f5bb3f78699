/*
 * Answers to API requests: JSON bodies, the JSON error shape
 * { "error": { "code", "message", "field" } }, and the one log line per
 * request (method, path, status, duration).
 */
#ifndef ROLLIN_HTTP_REPLY_H
#define ROLLIN_HTTP_REPLY_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"
#include "util/error.h"

/* Sends v (stolen) with status; adds ETag if rev > 0. */
void reply_json(struct request *, int status, json_t *v, int64_t rev);
/* { "items": [...], "next": cursor|null } (items stolen, next borrowed). */
void reply_list(struct request *, json_t *items, const char *next);
void reply_error(struct request *, const struct rl_error *);
void
reply_errorf(struct request *, int status, const char *code, const char *field,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void reply_empty(struct request *, int status);
/* Sends a prepared body (buffer contents are moved) with a content type. */
void reply_buffer(struct request *, int status, const char *content_type,
    struct evbuffer *body, int64_t rev);

#endif
