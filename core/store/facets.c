#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/facets.h"
#include "util/log.h"

const char *const facets_names[] = { "maturity", "problem", "process",
	"target_group", "standard", "licence", "category", "state", NULL };

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

/* Bitmaps of filter values take at most this much memory. */
#define BITMAP_BUDGET (4u << 20)

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct facets  *all;

static uint32_t
hash_value(int facet, const char *value)
{
	uint32_t h = 2166136261u ^ (uint32_t)facet; /* FNV-1a */

	while (*value)
		h = (h ^ (unsigned char)*value++) * 16777619u;
	return h;
}

static int
facet_index(const char *name)
{
	for (int i = 0; facets_names[i]; i++)
		if (strcmp(facets_names[i], name) == 0)
			return i;
	return -1;
}

int
facets_known(const char *name)
{
	return facet_index(name) >= 0;
}

static uint32_t
value_find(const struct facets *f, int facet, const char *value)
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
static uint32_t
value_id(struct facets *f, int facet, const char *value)
{
	uint32_t       v = value_find(f, facet, value), i, cap, *touched;
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
static int
sols_reserve(struct facets *f, int64_t id)
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

static const uint32_t *
sol_values(const struct facets *f, const struct fsol *s)
{
	return s->nvals > 0 ? f->arena + s->off : NULL;
}

/* Whether the solution has the value (not a state: see s->state). */
static int
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

static int
has_value(const struct facets *f, const struct fsol *s, uint32_t v)
{
	if (!s->present)
		return 0;
	if (f->values[v].facet == FACET_STATE)
		return s->state == v;
	return sol_has(f, s, v);
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
static void
bits_drop(struct facets *f, int facet)
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
static void
bits_build(struct facets *f, uint32_t v)
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

static uint32_t
org_state(const struct facets *f, int64_t org)
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

/* Every organisation's state, and with it every solution's. */
static int
load_orgs(struct facets *f, struct db *db)
{
	sqlite3_stmt *st;
	struct forg  *orgs = NULL, *grown;
	size_t        n = 0, cap = 0;
	const char   *state;
	int           rc;

	if ((st = db_prepare(db,
	         "SELECT id, state FROM organisations "
	         "ORDER BY id")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((grown = realloc(orgs, cap * sizeof(*orgs))) ==
			    NULL)
				break;
			orgs = grown;
		}
		orgs[n].id = sqlite3_column_int64(st, 0);
		state = db_column_text(st, 1);
		orgs[n++].state =
		    state ? value_id(f, FACET_STATE, state) : NO_VALUE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(orgs);
		return -1;
	}
	free(f->orgs);
	f->orgs = orgs;
	f->norgs = n;
	for (size_t i = 0; i < f->nsols; i++)
		if (f->sols[i].present)
			f->sols[i].state = org_state(f, f->sols[i].owner);
	bits_drop(f, FACET_STATE);
	return 0;
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
static int
sol_set(struct facets *f, int64_t id, uint32_t *vals, uint32_t n, int64_t owner)
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
	s->state = org_state(f, owner);
	bits_update(f, id);
	if (f->garbage > 65536 && f->garbage > f->narena / 2)
		return arena_compact(f);
	return 0;
}

static void
sol_remove(struct facets *f, int64_t id)
{
	struct fsol *s = &f->sols[id];

	f->garbage += s->nvals;
	memset(s, 0, sizeof(*s));
	s->state = NO_VALUE;
	bits_update(f, id);
}

struct vbuf {
	uint32_t *v;
	uint32_t  n, cap;
};

static int
vbuf_add(struct vbuf *b, uint32_t v)
{
	uint32_t *grown;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		if ((grown = realloc(b->v, b->cap * sizeof(*grown))) == NULL)
			return -1;
		b->v = grown;
	}
	b->v[b->n++] = v;
	return 0;
}

/* Adds the value of a solution_facets row (facet, value at col) to b. */
static int
add_row_value(struct facets *f, struct vbuf *b, sqlite3_stmt *st, int col)
{
	int      facet = facet_index(db_column_text(st, col));
	uint32_t v;

	if (facet < 0 || facet == FACET_STATE)
		return 0; /* not a facet that search offers */
	if ((v = value_id(f, facet, db_column_text(st, col + 1))) == NO_VALUE)
		return -1;
	return vbuf_add(b, v);
}

/* Reads one solution again after a write. */
static int
refresh_solution(struct facets *f, struct db *db, int64_t id)
{
	sqlite3_stmt *st;
	struct vbuf   b = { 0 };
	int64_t       owner = 0;
	int           rc;

	if (sols_reserve(f, id) == -1)
		return -1;
	if ((st = db_prepare(db,
	         "SELECT owner_id FROM solutions WHERE id = "
	         "?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		owner = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		sol_remove(f, id);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return -1;
	if ((st = db_prepare(db,
	         "SELECT facet, value FROM solution_facets "
	         "WHERE solution_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (add_row_value(f, &b, st, 0) == -1)
			break;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		rc = sol_set(f, id, b.v, b.n, owner) == -1 ? SQLITE_NOMEM
		                                           : SQLITE_OK;
	free(b.v);
	return rc == SQLITE_OK ? 0 : -1;
}

static int64_t
query_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int64_t       v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

static void
clear_all(struct facets *f)
{
	bits_drop(f, -1);
	free(f->sols);
	free(f->arena);
	f->sols = NULL;
	f->arena = NULL;
	f->nsols = f->narena = f->caparena = f->garbage = 0;
	f->loaded = 0;
}

/*
 * Everything, once: owners from the covering index on solutions (the rows
 * themselves are large), values from solution_facets in solution order.
 */
static int load_all(struct facets *, struct db *);

static int
load(struct facets *f, struct db *db)
{
	char    sql[64];
	int64_t cache;
	int     rc;

	clear_all(f);
	/*
	 * The load reads 60 MB of index once: through a small page cache, so
	 * that it does not fill the connection's cache (and the process's
	 * memory) with pages that no search needs.
	 */
	cache = query_int(db, "PRAGMA cache_size");
	db_exec(db, "PRAGMA cache_size=-1024");
	rc = load_all(f, db);
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=%lld", (long long)cache);
	db_exec(db, sql);
	return rc;
}

static int
load_all(struct facets *f, struct db *db)
{
	sqlite3_stmt *st;
	struct vbuf   b = { 0 };
	uint32_t     *arena;
	int64_t       id, cur = -1, max;
	int           rc;

	if ((f->last_event = query_int(db,
	         "SELECT coalesce(max(id), 0) FROM "
	         "events")) < 0 ||
	    (max = query_int(db,
	         "SELECT coalesce(max(id), 0) FROM "
	         "solutions")) < 0 ||
	    sols_reserve(f, max) == -1 || load_orgs(f, db) == -1)
		return -1;
	if ((st = db_prepare(db, "SELECT id, owner_id FROM solutions")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (sols_reserve(f, id) == -1)
			break;
		f->sols[id].owner = sqlite3_column_int64(st, 1);
		f->sols[id].present = 1;
		f->sols[id].state = org_state(f, f->sols[id].owner);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if ((st = db_prepare(db,
	         "SELECT solution_id, facet, value FROM "
	         "solution_facets ORDER BY solution_id")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id != cur) {
			if (cur >= 0 && (size_t)cur < f->nsols &&
			    f->sols[cur].present &&
			    sol_set(f, cur, b.v, b.n, f->sols[cur].owner) == -1)
				break;
			b.n = 0;
			cur = id;
		}
		if (add_row_value(f, &b, st, 1) == -1)
			break;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && cur >= 0 && (size_t)cur < f->nsols &&
	    f->sols[cur].present &&
	    sol_set(f, cur, b.v, b.n, f->sols[cur].owner) == -1)
		rc = SQLITE_NOMEM;
	free(b.v);
	if (rc != SQLITE_DONE)
		return -1;
	/* The arena grew by doubling: give back what it will not need. */
	if (f->narena > 0 &&
	    (arena = realloc(f->arena, f->narena * sizeof(*arena))) != NULL) {
		f->arena = arena;
		f->caparena = f->narena;
	}
	f->loaded = 1;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Applies the writes that the events since the last call name. */
static int
catch_up(struct facets *f, struct db *db, int orgs_changed)
{
	sqlite3_stmt *st;
	int64_t      *ids = NULL, *grown, sid;
	size_t        n = 0, cap = 0;
	const char   *type;
	int           rc, failed = 0;

	if ((st = db_prepare(db,
	         "SELECT id, solution_id, type FROM events "
	         "WHERE id > ? ORDER BY id")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, f->last_event);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f->last_event = sqlite3_column_int64(st, 0);
		sid = sqlite3_column_int64(st, 1);
		type = db_column_text(st, 2);
		if (strncmp(type, "organisation.", 13) == 0)
			orgs_changed = 1;
		if (sid <= 0 || strncmp(type, "solution.", 9) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((grown = realloc(ids, cap * sizeof(*ids))) ==
			    NULL) {
				failed = 1;
				break;
			}
			ids = grown;
		}
		ids[n++] = sid;
	}
	sqlite3_reset(st);
	if (failed || rc != SQLITE_DONE ||
	    (orgs_changed && load_orgs(f, db) == -1)) {
		free(ids);
		return -1;
	}
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_i64);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || ids[i] != ids[i - 1]) &&
		    refresh_solution(f, db, ids[i]) == -1)
			failed = 1;
	free(ids);
	return failed ? -1 : 0;
}

static void
facets_free(void *arg)
{
	struct facets *f = arg, **p;

	pthread_mutex_lock(&list_lock);
	for (p = &all; *p; p = &(*p)->next)
		if (*p == f) {
			*p = f->next;
			break;
		}
	pthread_mutex_unlock(&list_lock);
	clear_all(f);
	for (uint32_t v = 0; v < f->nvalues; v++) {
		free(f->values[v].value);
		json_decref(f->values[v].json);
	}
	free(f->values);
	free(f->table);
	free(f->touched);
	free(f->bitmapped);
	free(f->orgs);
	free(f);
}

static void
match_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct facets        *f = sqlite3_user_data(ctx);
	const struct facets_filter *filter;

	(void)argc;
	filter = sqlite3_value_pointer(argv[1], "rollin_facets_filter");
	sqlite3_result_int(ctx,
	    filter == NULL ||
	        facets_match(f, filter, sqlite3_value_int64(argv[0])));
}

/*
 * The index hangs on its connection as the user data of its SQL function,
 * whose destructor SQLite calls when the connection closes.
 */
static struct facets *
facets_of(struct db *db)
{
	sqlite3       *h = db_handle(db);
	struct facets *f;

	pthread_mutex_lock(&list_lock);
	for (f = all; f && f->handle != h; f = f->next)
		;
	pthread_mutex_unlock(&list_lock);
	if (f != NULL)
		return f;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->handle = h;
	if (sqlite3_create_function_v2(h, "rollin_facets_match", 2, SQLITE_UTF8,
	        f, match_fn, NULL, NULL, facets_free) != SQLITE_OK)
		return NULL; /* SQLite has called facets_free */
	pthread_mutex_lock(&list_lock);
	f->next = all;
	all = f;
	pthread_mutex_unlock(&list_lock);
	return f;
}

struct facets *
facets_sync(struct db *db)
{
	struct facets *f = facets_of(db);
	int64_t        version;
	int            rc;

	if (f == NULL)
		return NULL;
	/* Another connection's commit: organisations may have changed
	 * without an event (they are few; read them all again). */
	version = query_int(db, "PRAGMA data_version");
	if (!f->loaded)
		rc = load(f, db);
	else
		rc = catch_up(f, db, version != f->data_version);
	if (rc == -1) {
		/* Whatever was missed is read again in full next time. */
		log_warnx("facets: %s", sqlite3_errmsg(db_handle(db)));
		clear_all(f);
		return NULL;
	}
	f->data_version = (int)version;
	return f;
}

int
facets_filter_add(struct facets *f, struct facets_filter *filter,
    const char *facet, const char *value)
{
	int      i = facet_index(facet);
	uint32_t v = i < 0 ? NO_VALUE : value_find(f, i, value);

	if (v == NO_VALUE) {
		filter->none = 1;
		return 0;
	}
	if (filter->nvalues == FACETS_MAX_FILTERS)
		return -1;
	bits_build(f, v);
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
