/*
 * The record of imports started over the API (table imports, schema 7):
 * who ran which importer on what, when, and what came of it.
 */
#ifndef ROLLIN_STORE_IMPORTS_H
#define ROLLIN_STORE_IMPORTS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"

struct db;

struct import_entry {
	const char             *plugin;
	const char             *source; /* the file's name */
	const struct principal *who;
	const char             *started_at, *finished_at;
	json_t                 *summary; /* { imported, updated, rejected } */
};

/* Stores an import; returns its id, or 0 on failure. */
int64_t imports_add(struct db *, const struct import_entry *);
/*
 * One import as the API shows it, or NULL if there is none with id that
 * org_id may see (org_id 0: every import).
 */
json_t *imports_get(struct db *, int64_t id, int64_t org_id);
/*
 * Up to limit imports, newest first, with ids below before (0: from the
 * newest); org_id as for imports_get. Items carry the counts, not the
 * rejected records. *more is set if older ones follow.
 */
json_t *
imports_list(struct db *, int64_t org_id, int64_t before, int limit, int *more);

#endif
