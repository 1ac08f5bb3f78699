#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

int
rl_fail(struct rl_error *err, int status, const char *code, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->status = status;
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

void
rl_error_clear(struct rl_error *err)
{
	memset(err, 0, sizeof(*err));
}
