/*
 * The facets index in memory: facet values and their ids, every solution's
 * values in one arena, the owners' states, and bitmaps of the values that
 * searches filter by. Loading it from the store is facets_sync.c's,
 * searching it facets_search.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "store/facets.h"
#include "store/facets_internal.h"

const char *const facets_names[] = { "maturity", "problem", "process",
	"target_group", "standard", "licence", "category", "state", NULL };

/* Bitmaps of filter values take at most this much memory. */
#define BITMAP_BUDGET (4u << 20)

static uint32_t
hash_value(int facet, const char *value)
{
	uint32_t h = 2166136261u ^ (uint32_t)facet; /* FNV-1a */

	while (*value)
		h = (h ^ (unsigned char)*value++) * 16777619u;
	return h;
}

int
facets_name_index(const char *name)
{
	for (int i = 0; facets_names[i]; i++)
		if (strcmp(facets_names[i], name) == 0)
			return i;
	return -1;
}

int
facets_known(const char *name)
{
	return facets_name_index(name) >= 0;
}

uint32_t
facets_value_find(const struct facets *f, int facet, const char *value)
{
	uint32_t i, v;

	if (f->tablecap == 0)
		return NO_VALUE;
	for (i = hash_value(facet, value) & (f->tablecap - 1);
	     (v = f->table[i]) != 0; i = (i + 1) & (f->tablecap - 1))
		if (f->values[v - 1].facet == facet &&
		    strcmp(f->values[v - 1].value, value) == 0)
			return v - 1;
	return NO_VALUE;
}

static int
table_grow(struct facets *f)
{
	uint32_t  cap = f->tablecap ? f->tablecap * 2 : 1024, i;
	uint32_t *table = calloc(cap, sizeof(*table));

	if (table == NULL)
		return -1;
	for (uint32_t v = 0; v < f->nvalues; v++) {
		i = hash_value(f->values[v].facet, f->values[v].value) &
		    (cap - 1);
		while (table[i] != 0)
			i = (i + 1) & (cap - 1);
		table[i] = v + 1;
	}
	free(f->table);
	f->table = table;
	f->tablecap = cap;
	return 0;
}

/* The id of (facet, value), added if new; NO_VALUE if out of memory. */
uint32_t
facets_value_id(struct facets *f, int facet, const char *value)
{
	uint32_t       v = facets_value_find(f, facet, value), i, cap, *touched;
	struct fvalue *values;

	if (v != NO_VALUE)
		return v;
	if ((f->nvalues + 1) * 2 > f->tablecap && table_grow(f) == -1)
		return NO_VALUE;
	if (f->nvalues == f->capvalues) {
		cap = f->capvalues ? f->capvalues * 2 : 256;
		if ((values = realloc(f->values, cap * sizeof(*values))) ==
		    NULL)
			return NO_VALUE;
		f->values = values;
		if ((touched = realloc(f->touched, cap * sizeof(*touched))) ==
		    NULL)
			return NO_VALUE;
		f->touched = touched;
		f->capvalues = cap;
	}
	v = f->nvalues;
	if ((f->values[v].value = strdup(value)) == NULL)
		return NO_VALUE;
	f->values[v].facet = facet;
	f->values[v].count = 0;
	f->values[v].bits = NULL;
	f->values[v].json = NULL;
	f->nvalues++;
	for (i = hash_value(facet, value) & (f->tablecap - 1); f->table[i];
	     i = (i + 1) & (f->tablecap - 1))
		;
	f->table[i] = v + 1;
	return v;
}

static size_t
bitmap_words(const struct facets *f)
{
	return (f->nsols + 63) / 64;
}

/* Room for solution id; bitmaps grow along. */
int
facets_sols_reserve(struct facets *f, int64_t id)
{
	size_t       n, words, old = bitmap_words(f);
	struct fsol *sols;
	uint64_t    *bits;

	if (id < 0)
		return -1;
	if ((size_t)id < f->nsols)
		return 0;
	/* Exact at the first load, then with room for new solutions. */
	n = (size_t)id + 1 + (f->nsols ? (size_t)id / 4 : 0) + 256;
	if ((sols = realloc(f->sols, n * sizeof(*sols))) == NULL)
		return -1;
	memset(sols + f->nsols, 0, (n - f->nsols) * sizeof(*sols));
	for (size_t i = f->nsols; i < n; i++)
		sols[i].state = NO_VALUE;
	f->sols = sols;
	f->nsols = n;
	words = bitmap_words(f);
	for (uint32_t i = 0; i < f->nbitmapped; i++) {
		struct fvalue *v = &f->values[f->bitmapped[i]];
		if ((bits = realloc(v->bits, words * sizeof(*bits))) == NULL)
			return -1;
		memset(bits + old, 0, (words - old) * sizeof(*bits));
		v->bits = bits;
	}
	return 0;
}

static void
bit_set(uint64_t *bits, int64_t id, int on)
{
	if (on)
		bits[id / 64] |= (uint64_t)1 << (id % 64);
	else
		bits[id / 64] &= ~((uint64_t)1 << (id % 64));
}

/* Keeps the bitmaps right for one solution after it changed. */
static void
bits_update(struct facets *f, int64_t id)
{
	for (uint32_t i = 0; i < f->nbitmapped; i++) {
		uint32_t v = f->bitmapped[i];
		bit_set(f->values[v].bits, id, has_value(f, &f->sols[id], v));
	}
}

/* Drops the bitmaps of one facet, or of all (facet -1). */
void
facets_bits_drop(struct facets *f, int facet)
{
	uint32_t k = 0;

	for (uint32_t i = 0; i < f->nbitmapped; i++) {
		struct fvalue *v = &f->values[f->bitmapped[i]];
		if (facet >= 0 && v->facet != facet) {
			f->bitmapped[k++] = f->bitmapped[i];
			continue;
		}
		free(v->bits);
		v->bits = NULL;
	}
	f->nbitmapped = k;
}

/* A bitmap for a value used as a filter, within the budget. */
void
facets_bits_build(struct facets *f, uint32_t v)
{
	size_t    words = bitmap_words(f);
	uint32_t *grown;
	uint64_t *bits;

	if (f->values[v].bits != NULL ||
	    (f->nbitmapped + 1) * words * sizeof(*bits) > BITMAP_BUDGET)
		return;
	if ((grown = realloc(f->bitmapped,
	         (f->nbitmapped + 1) * sizeof(*grown))) == NULL)
		return;
	f->bitmapped = grown;
	if ((bits = calloc(words, sizeof(*bits))) == NULL)
		return;
	for (size_t id = 0; id < f->nsols; id++)
		if (has_value(f, &f->sols[id], v))
			bit_set(bits, (int64_t)id, 1);
	f->values[v].bits = bits;
	f->bitmapped[f->nbitmapped++] = v;
}

uint32_t
facets_org_state(const struct facets *f, int64_t org)
{
	size_t lo = 0, hi = f->norgs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->orgs[mid].id == org)
			return f->orgs[mid].state;
		if (f->orgs[mid].id < org)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NO_VALUE;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Rewrites the arena without the space that changes left unused. */
static int
arena_compact(struct facets *f)
{
	uint32_t *arena;
	size_t    n = 0;

	if ((arena = malloc((f->narena - f->garbage + 1) * sizeof(*arena))) ==
	    NULL)
		return -1;
	for (size_t i = 0; i < f->nsols; i++) {
		struct fsol *s = &f->sols[i];
		if (s->nvals > 0)
			memcpy(arena + n, sol_values(f, s),
			    s->nvals * sizeof(*arena));
		s->off = (uint32_t)n;
		n += s->nvals;
	}
	free(f->arena);
	f->arena = arena;
	f->narena = f->caparena = n;
	f->garbage = 0;
	return 0;
}

/*
 * Gives solution id its values (sorted and made distinct in place) and
 * its owner. The values go where the old ones were if they fit, at the
 * end of the arena otherwise.
 */
int
facets_sol_set(struct facets *f, int64_t id, uint32_t *vals, uint32_t n,
    int64_t owner)
{
	struct fsol *s = &f->sols[id];
	uint32_t     k = 0, *arena;
	size_t       cap;

	if (n > 1)
		qsort(vals, n, sizeof(*vals), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		if (k == 0 || vals[k - 1] != vals[i])
			vals[k++] = vals[i];
	if (k > UINT16_MAX)
		return -1;
	if (k > s->nvals) {
		if (f->narena + k > UINT32_MAX)
			return -1;
		if (f->narena + k > f->caparena) {
			cap = f->caparena ? f->caparena * 2 : 4096;
			while (cap < f->narena + k)
				cap *= 2;
			if ((arena = realloc(f->arena, cap * sizeof(*arena))) ==
			    NULL)
				return -1;
			f->arena = arena;
			f->caparena = cap;
		}
		f->garbage += s->nvals;
		s->off = (uint32_t)f->narena;
		f->narena += k;
	} else
		f->garbage += s->nvals - k;
	if (k > 0)
		memcpy(f->arena + s->off, vals, k * sizeof(*vals));
	s->nvals = (uint16_t)k;
	s->present = 1;
	s->owner = owner;
	s->state = facets_org_state(f, owner);
	bits_update(f, id);
	if (f->garbage > 65536 && f->garbage > f->narena / 2)
		return arena_compact(f);
	return 0;
}

void
facets_sol_remove(struct facets *f, int64_t id)
{
	struct fsol *s = &f->sols[id];

	f->garbage += s->nvals;
	memset(s, 0, sizeof(*s));
	s->state = NO_VALUE;
	bits_update(f, id);
}
