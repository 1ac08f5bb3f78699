#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

static enum log_level log_level = LOG_INFO;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

const char *
log_level_name(enum log_level level)
{
	return level_names[level];
}

/* Accepts "error", "warn", "info" or "debug"; returns -1 for anything else. */
int
log_parse_level(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/*
 * Formats the whole line first and writes it with one call, so that lines
 * from the loop thread and worker threads never interleave.
 */
static void
log_vwrite(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char            line[2048];
	struct timespec ts;
	struct tm       tm;
	size_t          n;
	int             r;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	r = snprintf(line + n, sizeof(line) - n, ".%03ldZ %-5s ",
	    ts.tv_nsec / 1000000, level_names[level]);
	n += (size_t)r;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n = (size_t)r + n >= sizeof(line) ? sizeof(line) - 1
		                                  : n + (size_t)r;
	if (errnum != 0 && n < sizeof(line) - 1) {
		r = snprintf(
		    line + n, sizeof(line) - n, ": %s", strerror(errnum));
		if (r > 0)
			n = (size_t)r + n >= sizeof(line) ? sizeof(line) - 1
			                                  : n + (size_t)r;
	}
	line[n++] = '\n';
	fwrite(line, 1, n, stderr);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(level, 0, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	int     saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARN, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARN, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	int     saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERROR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
