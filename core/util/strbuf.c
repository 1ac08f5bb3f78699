#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/strbuf.h"

static void
reserve(struct strbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 128;
	char  *s;

	if (b->len + more + 1 <= b->cap)
		return;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL)
		fatal("strbuf");
	b->s = s;
	b->cap = cap;
}

void
strbuf_add(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);

	reserve(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void
strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
strbuf_take(struct strbuf *b)
{
	char *s;

	if (b->s == NULL)
		reserve(b, 0), b->s[0] = '\0';
	s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
