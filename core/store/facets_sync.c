/*
 * The facets index follows the store: loaded in full on first use, then
 * brought up to date with the solutions and organisations that the events
 * since the last sync name. Each connection has its own index, which lives
 * and dies with the connection.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/facets.h"
#include "store/facets_internal.h"
#include "util/log.h"

static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct facets  *all;

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
		    state ? facets_value_id(f, FACET_STATE, state) : NO_VALUE;
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
			f->sols[i].state =
			    facets_org_state(f, f->sols[i].owner);
	facets_bits_drop(f, FACET_STATE);
	return 0;
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
	int      facet = facets_name_index(db_column_text(st, col));
	uint32_t v;

	if (facet < 0 || facet == FACET_STATE)
		return 0; /* not a facet that search offers */
	if ((v = facets_value_id(f, facet, db_column_text(st, col + 1))) ==
	    NO_VALUE)
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

	if (facets_sols_reserve(f, id) == -1)
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
		facets_sol_remove(f, id);
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
		rc = facets_sol_set(f, id, b.v, b.n, owner) == -1 ? SQLITE_NOMEM
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
	facets_bits_drop(f, -1);
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
	    facets_sols_reserve(f, max) == -1 || load_orgs(f, db) == -1)
		return -1;
	if ((st = db_prepare(db, "SELECT id, owner_id FROM solutions")) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (facets_sols_reserve(f, id) == -1)
			break;
		f->sols[id].owner = sqlite3_column_int64(st, 1);
		f->sols[id].present = 1;
		f->sols[id].state = facets_org_state(f, f->sols[id].owner);
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
			    facets_sol_set(f, cur, b.v, b.n,
			        f->sols[cur].owner) == -1)
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
	    facets_sol_set(f, cur, b.v, b.n, f->sols[cur].owner) == -1)
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
