/*
 * Internal to store/record*.c: what reading (record.c), showing
 * (record_show.c), binding (record_bind.c) and writing (record_write.c)
 * records share beyond the generated SQL (record_sql.h). Callers outside
 * use record.h.
 */
#ifndef ROLLIN_STORE_RECORD_INTERNAL_H
#define ROLLIN_STORE_RECORD_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "domain/resource.h"

struct db;

/* Which organisation controls the record, per access rule (r->org_ids). */
void record_find_orgs(struct db *, const struct resource *, struct record *r,
    const int64_t *ref_ids);

/*
 * The record that record_update() has just stored, from the document it
 * stored: what row_to_record() would read back.
 */
void record_as_stored(struct db *, const struct resource *,
    const struct record *before, json_t *doc, int64_t *ref_ids,
    const int64_t org_ids[2], const char *now, const char *actor,
    struct record *out);

/* The public rendering of a record, as text (to be freed). */
char *
record_rendering(struct db *, const struct resource *, const struct record *);

/*
 * Stores the public rendering of an R_RENDERED record, inside the write's
 * transaction; nothing for other resources.
 */
int record_store_rendered(struct db *, const struct resource *,
    const struct record *, struct rl_error *);

/* Turns every FT_REF value of doc into a row id; 422 naming the field. */
int record_resolve_refs(struct db *, const struct resource *, json_t *doc,
    int64_t parent_id, int64_t *ref_ids, struct rl_error *);

/* 401 without a principal, 403 unless it may write r (creating: a new r). */
int record_check_access(const struct resource *, const struct principal *,
    const struct record *r, int creating, struct rl_error *);

/*
 * Binds the values of doc's fields from parameter idx on, as their columns
 * store them; returns the next parameter's index.
 */
int record_bind_fields(sqlite3_stmt *, int idx, const struct resource *,
    json_t *doc, const int64_t *ref_ids);

/* Maps a failed write's SQLite error to what the client did wrong (-1). */
int record_constraint_error(struct db *, const struct resource *, int rc,
    struct rl_error *);

#endif
