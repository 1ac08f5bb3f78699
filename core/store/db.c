#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "store/functions.h"
#include "util/embedded.h"
#include "util/log.h"

#define STMT_CACHE_SIZE 1024 /* power of two */
#define STMT_CACHE_LOAD (STMT_CACHE_SIZE * 3 / 4)

struct stmt_slot {
	char         *sql;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3         *handle;
	char            *path;
	size_t           nstmts;
	struct stmt_slot stmts[STMT_CACHE_SIZE];
	sqlite3_stmt   **overflow; /* prepared past the load limit */
	size_t           noverflow;
	int              depth; /* open transactions and savepoints */
};

static uint32_t
hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Creates every missing directory above path; -1 (errno set) on failure. */
static int
make_parent_dirs(const char *path)
{
	char buf[4096], *p;

	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int
pragma_int(sqlite3 *h, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int           rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
flush_cache(struct db *db)
{
	for (size_t k = 0; k < STMT_CACHE_SIZE; k++) {
		sqlite3_finalize(db->stmts[k].stmt);
		free(db->stmts[k].sql);
		db->stmts[k].stmt = NULL;
		db->stmts[k].sql = NULL;
	}
	db->nstmts = 0;
}

struct db *
db_open(const char *path, unsigned flags, struct rl_error *err)
{
	struct db *db;
	int        version, oflags;

	if (!(flags & DB_READONLY) && make_parent_dirs(path) == -1) {
		rl_fail(err, 500, "store", "db",
		    "cannot create the directory "
		    "of %s: %s",
		    path, strerror(errno));
		return NULL;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		rl_fail(err, 500, "store", "db", "out of memory");
		return NULL;
	}
	oflags = (flags & DB_READONLY)
	    ? SQLITE_OPEN_READONLY
	    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->handle, oflags | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		rl_fail(err, 500, "store", "db", "cannot open %s: %s", path,
		    db->handle ? sqlite3_errmsg(db->handle) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->handle, 5000);
	sqlite3_extended_result_codes(db->handle, 1);

	/*
	 * Read the schema version before any pragma that writes: a file from a
	 * newer Rollin must stay exactly as it is.
	 */
	if (pragma_int(db->handle, "PRAGMA user_version", &version) == -1) {
		rl_fail(err, 500, "store", "db",
		    "%s is not a Rollin database: "
		    "%s",
		    path, sqlite3_errmsg(db->handle));
		goto fail;
	}
	if (version > db_schema_latest()) {
		rl_fail(err, 500, "schema_too_new", "db",
		    "%s has schema version "
		    "%d, but this rollin %s knows versions up to %d; run a "
		    "newer rollin or restore a backup (nothing was changed)",
		    path, version, ROLLIN_VERSION, db_schema_latest());
		goto fail;
	}
	if (!(flags & DB_READONLY) &&
	    (db_exec(db, "PRAGMA journal_mode=WAL") == -1 ||
	        db_exec(db, "PRAGMA synchronous=NORMAL") == -1)) {
		rl_fail(err, 500, "store", "db", "cannot switch %s to WAL: %s",
		    path, sqlite3_errmsg(db->handle));
		goto fail;
	}
	if (functions_register(db->handle) == -1 ||
	    db_exec(db, "PRAGMA foreign_keys=ON") == -1 ||
	    db_exec(db, "PRAGMA temp_store=MEMORY") == -1)
		goto fail;
	/*
	 * The service checkpoints from its own thread, so that a checkpoint
	 * never runs inside a request.
	 */
	if ((flags & DB_MANUAL_CHECKPOINT) &&
	    db_exec(db, "PRAGMA wal_autocheckpoint=0") == -1)
		goto fail;
	if ((flags & DB_MIGRATE) && db_migrate(db, err) == -1)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_trim(db);
	flush_cache(db);
	/* Gives the planner the statistics it lacks (SQLite's advice). */
	if (db->handle != NULL && !sqlite3_db_readonly(db->handle, "main"))
		sqlite3_exec(db->handle, "PRAGMA optimize", NULL, NULL, NULL);
	if (db->handle != NULL && sqlite3_close(db->handle) != SQLITE_OK)
		log_warnx("db_close: %s", sqlite3_errmsg(db->handle));
	free(db->path);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->handle;
}

const char *
db_path(const struct db *db)
{
	return db->path;
}

/*
 * Open addressing keyed by the SQL text. List queries are assembled from
 * whitelisted pieces, so the set of distinct texts is small and bounded.
 * Past the load limit a statement is prepared for this use only and kept
 * until db_trim(), because a caller may still hold earlier statements.
 */
sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	uint32_t          i = hash_sql(sql) & (STMT_CACHE_SIZE - 1);
	struct stmt_slot *slot;
	sqlite3_stmt     *st, **grown;

	for (;; i = (i + 1) & (STMT_CACHE_SIZE - 1)) {
		slot = &db->stmts[i];
		if (slot->sql == NULL)
			break;
		if (strcmp(slot->sql, sql) == 0) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
	}
	if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &st, NULL) != SQLITE_OK) {
		log_warnx(
		    "db_prepare: %s: %s", sqlite3_errmsg(db->handle), sql);
		return NULL;
	}
	if (db->nstmts < STMT_CACHE_LOAD && (slot->sql = strdup(sql)) != NULL) {
		slot->stmt = st;
		db->nstmts++;
		return st;
	}
	grown = realloc(db->overflow, (db->noverflow + 1) * sizeof(*grown));
	if (grown == NULL) {
		sqlite3_finalize(st);
		return NULL;
	}
	db->overflow = grown;
	db->overflow[db->noverflow++] = st;
	return st;
}

void
db_trim(struct db *db)
{
	/*
	 * A statement left stepping holds a read transaction open, and with
	 * it the WAL: no checkpoint can pass its snapshot. Find it and end it.
	 */
	for (size_t k = 0; k < STMT_CACHE_SIZE; k++)
		if (db->stmts[k].stmt && sqlite3_stmt_busy(db->stmts[k].stmt)) {
			log_warnx("db_trim: statement left open: %s",
			    db->stmts[k].sql);
			sqlite3_reset(db->stmts[k].stmt);
		}
	for (size_t k = 0; k < db->noverflow; k++)
		sqlite3_finalize(db->overflow[k]);
	free(db->overflow);
	db->overflow = NULL;
	if (db->noverflow > 0) {
		log_debug("db_trim: statement cache full, flushing");
		flush_cache(db);
	}
	db->noverflow = 0;
}

int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->handle, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("db_exec: %s: %s", msg ? msg : "?", sql);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Transactions nest: the outermost is BEGIN IMMEDIATE (so a writer never
 * fails half-way on a lock upgrade), inner ones are savepoints. A caller
 * that groups many writes (demo data, an import) thereby makes them all or
 * nothing, while each write still rolls back alone on its own error.
 */
int
db_begin(struct db *db)
{
	char sql[32];

	if (db->depth == 0) {
		if (db_exec(db, "BEGIN IMMEDIATE") == -1)
			return -1;
	} else {
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", db->depth);
		if (db_exec(db, sql) == -1)
			return -1;
	}
	db->depth++;
	return 0;
}

int
db_commit(struct db *db)
{
	char sql[32];

	if (db->depth == 0)
		return -1;
	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "RELEASE s%d", db->depth - 1);
		if (db_exec(db, sql) == -1) {
			db_rollback(db);
			return -1;
		}
		db->depth--;
		return 0;
	}
	if (db_exec(db, "COMMIT") == -1) {
		db_rollback(db);
		return -1;
	}
	db->depth = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	char sql[64];

	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "ROLLBACK TO s%d; RELEASE s%d",
		    db->depth - 1, db->depth - 1);
		sqlite3_exec(db->handle, sql, NULL, NULL, NULL);
		db->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(db->handle))
		sqlite3_exec(db->handle, "ROLLBACK", NULL, NULL, NULL);
	db->depth = 0;
}

int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *
db_column_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int
db_schema_version(struct db *db)
{
	int v = 0;

	pragma_int(db->handle, "PRAGMA user_version", &v);
	return v;
}

/* Migrations are named NNNN_what.sql; the number is the schema version. */
int
db_schema_latest(void)
{
	int latest = 0;

	for (const struct embedded_file *m = embedded_migrations; m->name; m++)
		latest = atoi(m->name);
	return latest;
}

int
db_migrate(struct db *db, struct rl_error *err)
{
	int  current = db_schema_version(db), n;
	char sql[64];

	for (const struct embedded_file *m = embedded_migrations; m->name;
	     m++) {
		if ((n = atoi(m->name)) <= current)
			continue;
		if (db_begin(db) == -1)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", n);
		if (db_exec(db, m->data) == -1 || db_exec(db, sql) == -1) {
			db_rollback(db);
			goto fail;
		}
		if (db_commit(db) == -1)
			goto fail;
		log_info("migrated %s to schema version %d (%s)", db->path, n,
		    m->name);
	}
	return 0;
fail:
	return rl_fail(err, 500, "migration_failed", "db",
	    "migrating %s "
	    "failed: %s",
	    db->path, sqlite3_errmsg(db->handle));
}
