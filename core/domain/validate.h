/*
 * Checks a JSON document against a resource's field declarations. The first
 * problem found is reported with the field's path ("transfer_concept[2].role")
 * and the API's status and code for it.
 */
#ifndef ROLLIN_DOMAIN_VALIDATE_H
#define ROLLIN_DOMAIN_VALIDATE_H

#include <jansson.h>

#include "domain/resource.h"

/* Read-only names every record shows and no client may send. */
int validate_is_meta(const char *name);

/*
 * Checks doc against fields: unknown and read-only names, types, formats,
 * lengths, enum values; with `creating` also that required fields are there.
 * References are only checked for type; the store resolves them.
 */
int validate_fields(const struct field *fields, json_t *doc, int creating,
    const char *prefix, struct rl_error *);

/* Single checks, also used by the CLI and importers. */
int validate_slug(const char *);
int validate_url(const char *);
int validate_email(const char *);
/*
 * The date field late is not before early (either may be missing; ISO
 * dates compare as strings): 0, or a 422 naming late.
 */
int validate_not_before(json_t *doc, const char *early, const char *late,
    struct rl_error *);
/* Number of Unicode code points in valid UTF-8 s. */
size_t utf8_length(const char *s);

#endif
