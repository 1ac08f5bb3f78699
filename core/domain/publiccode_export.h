/*
 * A solution as a publiccode.yml file (the metadata standard of
 * openCode.de and Developers Italia), written so that the publiccode
 * importer, and publiccode-parser-go, accept it without errors and so that
 * importing it gives back the solution's fields. What goes where, and the
 * values chosen for the standard's required keys that Rollin does not
 * keep, are listed in docs/api.md ("publiccode.yml export").
 */
#ifndef ROLLIN_DOMAIN_PUBLICCODE_EXPORT_H
#define ROLLIN_DOMAIN_PUBLICCODE_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#include "domain/resource.h"

struct db;

/* The version of the standard the export follows. */
#define PUBLICCODE_EXPORT_VERSION "0.7"

/*
 * The file's content as a JSON object with the keys in the standard's
 * order, from what who may read of the solution and its records.
 */
json_t *publiccode_export_doc(struct db *, const struct record *solution,
    const struct principal *who);

/* The same as YAML text (malloc'ed, its length in len), or NULL. */
char *publiccode_export_yaml(struct db *, const struct record *solution,
    const struct principal *who, size_t *len);

#endif
