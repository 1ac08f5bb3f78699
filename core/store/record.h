/*
 * Generic storage of the records that struct resource describes: read by
 * key, list with filters, sorting and cursor pagination, and create, update
 * and delete with validation, reference resolution, optimistic locking, the
 * resource's hooks and the event, all in one transaction.
 */
#ifndef ROLLIN_STORE_RECORD_H
#define ROLLIN_STORE_RECORD_H

#include <jansson.h>
#include <stdint.h>

#include "domain/resource.h"

struct db;

#define LIST_MAX_FILTERS 16

struct list_params {
	struct {
		const char *name;
		const char *value;
	} filters[LIST_MAX_FILTERS];
	int         nfilters;
	const char *sort;   /* "name" or "-name"; NULL: default */
	const char *cursor; /* from a previous page's "next" */
	int         limit;  /* 1..500; 0: 50 */
};

/* Extra list filters a resource offers beyond its F_FILTER fields. */
struct list_filter {
	const char *param;
	const char *sql; /* condition on alias t with one '?' */
	enum { LF_TEXT, LF_INT, LF_BOOL } type;
};

/* Looks up a record by its public key (under parent_id if nested). */
int  record_get(struct db *, const struct resource *, int64_t parent_id,
     const char *key, struct record *, struct rl_error *);
int  record_get_by_id(struct db *, const struct resource *, int64_t id,
     struct record *, struct rl_error *);
void record_clear(struct record *);

/*
 * One page of records. *items gets a new array of shown documents (private
 * fields removed for anonymous principals), *next a cursor or NULL.
 */
int record_list(struct db *, const struct resource *, int64_t parent_id,
    const struct list_params *, const struct list_filter *extra,
    const struct principal *, json_t **items, char **next, struct rl_error *);

/* Creates a record from body (borrowed). *out gets the stored record. */
int record_create(struct db *, const struct resource *, int64_t parent_id,
    json_t *body, const struct principal *, struct record *out,
    struct rl_error *);
/*
 * Applies patch (borrowed; null clears an optional field) if the record is
 * still at revision if_match (-1: the caller checked nothing; refused).
 */
int record_update(struct db *, const struct resource *, int64_t parent_id,
    const char *key, json_t *patch, int64_t if_match, const struct principal *,
    struct record *out, struct rl_error *);
/* Deletes; if_match 0 skips the revision check. */
int record_delete(struct db *, const struct resource *, int64_t parent_id,
    const char *key, int64_t if_match, const struct principal *,
    struct rl_error *);

/*
 * Renders an R_RENDERED record again, for writes elsewhere that change what
 * it shows (new feedback changes a solution's rating). Inside a transaction.
 */
int record_rerender(struct db *, const struct resource *, int64_t id);

/* The record as clients see it: a new object. */
json_t *record_show(struct db *, const struct resource *, const struct record *,
    const struct principal *);
/* "solutions/ozg-wohngeld/releases/12": the event subject and API path. */
void record_subject(struct db *, const struct resource *, const struct record *,
    char *out, size_t len);
/* The id of the parent-level solution a record belongs to (0 if none). */
int64_t record_solution_id(const struct resource *, const struct record *);

/*
 * Resolves a reference value (slug or id) by the column keyname to a row
 * id; 0 if none. A nested target is looked up within parent_id when it is
 * given (> 0), across all parents otherwise.
 */
int64_t record_resolve(struct db *, const struct resource *target,
    const char *keyname, json_t *key, int64_t parent_id);

#endif
