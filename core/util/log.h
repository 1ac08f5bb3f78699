/*
 * Logging to stderr, one line per message, prefixed with time and level.
 * log_warn() appends strerror(errno); log_warnx() does not. fatal() and
 * fatalx() are for start-up only: they log and exit(1).
 */
#ifndef ROLLIN_UTIL_LOG_H
#define ROLLIN_UTIL_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void           log_set_level(enum log_level);
enum log_level log_get_level(void);
int            log_parse_level(const char *, enum log_level *);
const char    *log_level_name(enum log_level);

void log_msg(enum log_level, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void
fatal(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));
_Noreturn void
fatalx(const char *, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
