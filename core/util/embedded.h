/*
 * Files compiled into the binary (see cmake/embed.cmake): schema migrations,
 * the SPDX licence list and the demo data set.
 */
#ifndef ROLLIN_UTIL_EMBEDDED_H
#define ROLLIN_UTIL_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* base name of the source file */
	const char *data; /* contents, NUL-terminated */
	size_t      len;  /* length without the terminating NUL */
};

/* Arrays end with an entry whose name is NULL. */
extern const struct embedded_file embedded_migrations[];
extern const struct embedded_file embedded_spdx[];
extern const struct embedded_file embedded_demo[];
extern const struct embedded_file embedded_openapi[];

#endif
