/*
 * Internal to store/facets*.c: the index in memory that the index itself
 * (facets.c), its loading and syncing with the store (facets_sync.c) and
 * searching it (facets_search.c) share. Callers outside use facets.h.
 */
#ifndef ROLLIN_STORE_FACETS_INTERNAL_H
#define ROLLIN_STORE_FACETS_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define FACET_STATE 7 /* the owner's state: not in solution_facets */
#define NO_VALUE    UINT32_MAX

struct fvalue {
	char     *value;
	json_t   *json;  /* value as a JSON string, made on first use */
	uint64_t *bits;  /* which solutions have it, once used as a filter */
	uint32_t  count; /* among the hits being counted */
	int       facet;
};

struct fsol {
	uint32_t off; /* its value ids, ascending: arena[off..off+nvals) */
	uint16_t nvals;
	uint16_t present;
	uint32_t state; /* value id of the owner's state, or NO_VALUE */
	int64_t  owner;
};

struct forg {
	int64_t  id;
	uint32_t state;
};

struct facets {
	sqlite3       *handle;
	struct facets *next; /* every index of the process */
	int            loaded;
	int            data_version;
	int64_t        last_event;
	struct fsol   *sols; /* by solution id */
	size_t         nsols;
	uint32_t      *arena; /* every solution's value ids */
	size_t         narena, caparena, garbage;
	struct fvalue *values; /* by value id */
	uint32_t       nvalues, capvalues;
	uint32_t      *table; /* (facet, value) -> value id + 1; 0: empty */
	uint32_t       tablecap;
	uint32_t      *touched; /* value ids counted since the last take */
	uint32_t       ntouched;
	uint32_t      *bitmapped; /* value ids that have bits */
	uint32_t       nbitmapped;
	struct forg   *orgs; /* by id */
	size_t         norgs;
};

/* Which of facets_names name is; -1 for none. */
int facets_name_index(const char *name);
/* The id of (facet, value); NO_VALUE if the index has none. */
uint32_t facets_value_find(const struct facets *, int facet, const char *value);
/* The id of (facet, value), added if new; NO_VALUE if out of memory. */
uint32_t facets_value_id(struct facets *, int facet, const char *value);
/* Room for solution id; bitmaps grow along. */
int facets_sols_reserve(struct facets *, int64_t id);
/*
 * Gives solution id its values (sorted and made distinct in place) and
 * its owner.
 */
int facets_sol_set(struct facets *, int64_t id, uint32_t *vals, uint32_t n,
    int64_t owner);
/* Forgets solution id: it was deleted. */
void facets_sol_remove(struct facets *, int64_t id);
/* The value id of the state of organisation org, or NO_VALUE. */
uint32_t facets_org_state(const struct facets *, int64_t org);
/* Drops the bitmaps of one facet, or of all (facet -1). */
void facets_bits_drop(struct facets *, int facet);
/* A bitmap for a value used as a filter, within the budget. */
void facets_bits_build(struct facets *, uint32_t v);

static inline const uint32_t *
sol_values(const struct facets *f, const struct fsol *s)
{
	return s->nvals > 0 ? f->arena + s->off : NULL;
}

/* Whether the solution has the value (not a state: see s->state). */
static inline int
sol_has(const struct facets *f, const struct fsol *s, uint32_t v)
{
	const uint32_t *vals = sol_values(f, s);
	uint32_t        lo = 0, hi = s->nvals, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vals[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nvals && vals[lo] == v;
}

static inline int
has_value(const struct facets *f, const struct fsol *s, uint32_t v)
{
	if (!s->present)
		return 0;
	if (f->values[v].facet == FACET_STATE)
		return s->state == v;
	return sol_has(f, s, v);
}

#endif
