/* Assessments and what they cover. */
#ifndef ROLLIN_DOMAIN_ASSESSMENT_H
#define ROLLIN_DOMAIN_ASSESSMENT_H

#include <stddef.h>
#include <stdint.h>

struct db;

/*
 * The solution's current version (its latest released release) and that
 * release's cycle name ("" if none); -1 if nothing is released yet.
 */
int assessment_current_version(struct db *, int64_t solution_id, char *version,
    size_t vlen, char *cycle, size_t clen);

#endif
