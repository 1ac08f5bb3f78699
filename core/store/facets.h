/*
 * The facets of every solution in memory, for search: per solution its
 * name, its owner and the ids of its facet values (problem, process,
 * target group, standard, category, maturity, licence, and the owner's
 * state). Filtering and counting the hits of a search then costs a few
 * array lookups per hit instead of index reads.
 *
 * The index belongs to one connection and follows the store through the
 * event log: every write of a solution or an organisation emits an event,
 * so facets_sync() refreshes what the events since its last call name,
 * whichever connection or process wrote them. It is loaded from
 * solution_facets on first use and freed when the connection closes.
 * Use it from the thread that owns the connection.
 */
#ifndef ROLLIN_STORE_FACETS_H
#define ROLLIN_STORE_FACETS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

struct db;
struct facets;

#define FACETS_MAX_FILTERS 32

/* The facets of a search answer, in its order; NULL-terminated. */
extern const char *const facets_names[];

/* Facet filters that a solution must all pass. */
struct facets_filter {
	uint32_t values[FACETS_MAX_FILTERS];
	int      nvalues;
	int      none; /* a value no solution has: nothing passes */
};

/*
 * The index of db's connection, loaded if needed and brought up to date
 * with every write committed since the last call. Call it inside a read
 * transaction, so that the index matches what the following statements
 * read. NULL (logged) if the store failed.
 */
struct facets *facets_sync(struct db *);

/* Whether name is one of facets_names. */
int facets_known(const char *name);
/* Adds "facet = value" to f; -1 when f is full. */
int facets_filter_add(struct facets *, struct facets_filter *,
    const char *facet, const char *value);
/* Whether the solution with this id passes f. */
int
facets_match(const struct facets *, const struct facets_filter *, int64_t id);
/*
 * Binds f as parameter idx of a statement that calls
 * rollin_facets_match(rowid, ?): true for the rows that pass f. f must
 * outlive the statement's steps.
 */
int facets_bind_filter(sqlite3_stmt *, int idx, struct facets_filter *);

/* The next solution id after this one (0: the first), 0 at the end. */
int64_t facets_next(const struct facets *, int64_t after);

/* Counts the facet values of a solution among the hits. */
void facets_count(struct facets *, int64_t id);
/*
 * {"maturity": [{"value", "count"}, ...], ...} for every facet in
 * facets_names, the most frequent value first; resets the counts.
 */
json_t *facets_counts_take(struct facets *);

#endif
