/* A growable NUL-terminated string, for assembling SQL and messages. */
#ifndef ROLLIN_UTIL_STRBUF_H
#define ROLLIN_UTIL_STRBUF_H

#include <stddef.h>

struct strbuf {
	char  *s;
	size_t len, cap;
};

void strbuf_add(struct strbuf *, const char *);
void strbuf_addf(struct strbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the string over (never NULL) and resets the buffer. */
char *strbuf_take(struct strbuf *);
void  strbuf_free(struct strbuf *);

#endif
