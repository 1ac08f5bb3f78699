/*
 * What a search asks of the facets index: whether a solution passes the
 * filters, and how often each facet value occurs among the hits, as the
 * answer's facet counts.
 */
#include <stdlib.h>
#include <string.h>

#include "store/facets.h"
#include "store/facets_internal.h"

int
facets_filter_add(struct facets *f, struct facets_filter *filter,
    const char *facet, const char *value)
{
	int      i = facets_name_index(facet);
	uint32_t v = i < 0 ? NO_VALUE : facets_value_find(f, i, value);

	if (v == NO_VALUE) {
		filter->none = 1;
		return 0;
	}
	if (filter->nvalues == FACETS_MAX_FILTERS)
		return -1;
	facets_bits_build(f, v);
	filter->values[filter->nvalues++] = v;
	return 0;
}

int
facets_match(const struct facets *f, const struct facets_filter *filter,
    int64_t id)
{
	const uint64_t *bits;

	if (filter->none)
		return 0;
	if (id < 0 || (size_t)id >= f->nsols)
		return 0;
	for (int i = 0; i < filter->nvalues; i++) {
		if ((bits = f->values[filter->values[i]].bits) != NULL) {
			if (!(bits[id / 64] >> (id % 64) & 1))
				return 0;
		} else if (!has_value(f, &f->sols[id], filter->values[i]))
			return 0;
	}
	return f->sols[id].present;
}

int
facets_bind_filter(sqlite3_stmt *st, int idx, struct facets_filter *filter)
{
	return sqlite3_bind_pointer(st, idx, filter, "rollin_facets_filter",
	    NULL);
}

int64_t
facets_next(const struct facets *f, int64_t after)
{
	for (size_t i = after < 0 ? 0 : (size_t)after + 1; i < f->nsols; i++)
		if (f->sols[i].present)
			return (int64_t)i;
	return 0;
}

static void
count_value(struct facets *f, uint32_t v)
{
	if (f->values[v].count++ == 0)
		f->touched[f->ntouched++] = v;
}

void
facets_count(struct facets *f, int64_t id)
{
	const struct fsol *s;
	const uint32_t    *vals;

	if (id < 0 || (size_t)id >= f->nsols || !f->sols[id].present)
		return;
	s = &f->sols[id];
	vals = sol_values(f, s);
	for (uint32_t i = 0; i < s->nvals; i++)
		count_value(f, vals[i]);
	if (s->state != NO_VALUE)
		count_value(f, s->state);
}

static _Thread_local const struct fvalue *sorting;

/* By facet, then the most frequent first, then by value (as SQLite's
 * BINARY collation orders text). */
static int
cmp_counted(const void *a, const void *b)
{
	const struct fvalue *x = &sorting[*(const uint32_t *)a],
	                    *y = &sorting[*(const uint32_t *)b];

	if (x->facet != y->facet)
		return x->facet - y->facet;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

json_t *
facets_counts_take(struct facets *f)
{
	json_t        *out = json_object(), *lists[FACET_STATE + 1], *item;
	struct fvalue *v;

	for (int i = 0; facets_names[i]; i++) {
		lists[i] = json_array();
		json_object_set_new(out, facets_names[i], lists[i]);
	}
	sorting = f->values;
	if (f->ntouched > 1)
		qsort(f->touched, f->ntouched, sizeof(*f->touched),
		    cmp_counted);
	sorting = NULL;
	for (uint32_t i = 0; i < f->ntouched; i++) {
		v = &f->values[f->touched[i]];
		if (v->json == NULL)
			v->json = json_string(v->value);
		item = json_object();
		json_object_set(item, "value", v->json);
		json_object_set_new(item, "count", json_integer(v->count));
		json_array_append_new(lists[v->facet], item);
		v->count = 0;
	}
	f->ntouched = 0;
	return out;
}
