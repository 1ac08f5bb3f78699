/*
 * An error a user needs to see. It maps one to one onto the API's JSON error
 * { "error": { "code", "message", "field" } } and onto CLI messages.
 */
#ifndef ROLLIN_UTIL_ERROR_H
#define ROLLIN_UTIL_ERROR_H

struct rl_error {
	int  status;       /* HTTP status the API answers with */
	char code[32];     /* machine-readable, e.g. "invalid_field" */
	char field[128];   /* offending field ("steps[2].role"), or "" */
	char message[384]; /* one sentence for a person */
};

/* Fills err (if not NULL) and returns -1, so callers can `return rl_fail(..)`. */
int  rl_fail(struct rl_error *, int status, const char *code, const char *field,
     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void rl_error_clear(struct rl_error *);

#endif
