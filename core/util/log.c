#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
 * "2026-01-31T12:34:56" of the current second, formatted once per second
 * and thread: the access log writes a line per request, and strftime()
 * was a visible part of a fast request's cost.
 */
static size_t
format_time(char *out, const struct timespec *ts)
{
	static _Thread_local time_t sec = -1;
	static _Thread_local char   text[32];
	static _Thread_local size_t len;
	struct tm                   tm;
	long                        ms = ts->tv_nsec / 1000000;

	if (ts->tv_sec != sec) {
		gmtime_r(&ts->tv_sec, &tm);
		len = strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
		sec = ts->tv_sec;
	}
	memcpy(out, text, len);
	out[len] = '.';
	out[len + 1] = (char)('0' + ms / 100);
	out[len + 2] = (char)('0' + ms / 10 % 10);
	out[len + 3] = (char)('0' + ms % 10);
	out[len + 4] = 'Z';
	return len + 5;
}

/*
 * Formats the whole line first and writes it with one write(2), so that
 * lines from the loop thread and worker threads never interleave (a line
 * is at most 2 KB, less than a pipe writes atomically).
 */
static void
log_vwrite(enum log_level level, int errnum, const char *fmt, va_list ap)
{
	char            line[2048];
	struct timespec ts;
	size_t          n, k;
	ssize_t         w;
	int             r;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = format_time(line, &ts);
	line[n++] = ' ';
	/* the level, padded to five characters as "%-5s" would */
	for (k = 0; level_names[level][k]; k++)
		line[n++] = level_names[level][k];
	for (; k < 5; k++)
		line[n++] = ' ';
	line[n++] = ' ';
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n = (size_t)r + n >= sizeof(line) ? sizeof(line) - 1
		                                  : n + (size_t)r;
	if (errnum != 0 && n < sizeof(line) - 1) {
		r = snprintf(line + n, sizeof(line) - n, ": %s",
		    strerror(errnum));
		if (r > 0)
			n = (size_t)r + n >= sizeof(line) ? sizeof(line) - 1
			                                  : n + (size_t)r;
	}
	line[n++] = '\n';
	for (k = 0; k < n;) {
		if ((w = write(STDERR_FILENO, line + k, n - k)) > 0)
			k += (size_t)w;
		else if (w == -1 && errno == EINTR)
			continue;
		else
			break;
	}
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
