/*
 * Opening and closing the store: the database file and its directory, the
 * pragmas every connection runs with, the refusal of a schema newer than
 * this binary, and the migrations and sort keys when asked for.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "store/db_internal.h"
#include "store/functions.h"
#include "store/sort_keys.h"
#include "util/log.h"

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

int
db_pragma_int(sqlite3 *h, const char *sql, int *out)
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
	        db_vfs_name()) != SQLITE_OK) {
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
	if (db_pragma_int(db->handle, "PRAGMA user_version", &version) == -1) {
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
	 * 8 MB of page cache instead of SQLite's 2 MB: enough for the slug
	 * index, the search index's document sizes and the terms in use of a
	 * catalogue of 100,000 solutions, which otherwise come through
	 * pread() again and again (a search made 100 such reads, now 3).
	 */
	if (db_exec(db, "PRAGMA cache_size=-8192") == -1)
		goto fail;
	/*
	 * The service checkpoints from its own thread, so that a checkpoint
	 * never runs inside a request.
	 */
	if ((flags & DB_MANUAL_CHECKPOINT) &&
	    db_exec(db, "PRAGMA wal_autocheckpoint=0") == -1)
		goto fail;
	/*
	 * When the WAL starts over after a checkpoint, a file that a burst
	 * (or a reader that held the checkpoints back) made larger than
	 * this is cut back to it, so it does not keep its largest size.
	 */
	if (!(flags & DB_READONLY) &&
	    db_exec(db, "PRAGMA journal_size_limit=16777216") == -1)
		goto fail;
	if ((flags & DB_MIGRATE) && db_migrate(db, err) == -1)
		goto fail;
	if ((flags & DB_MIGRATE) && !(flags & DB_READONLY) &&
	    sort_keys_refresh(db) == -1) {
		rl_fail(err, 500, "migration_failed", "db",
		    "making the sort keys of %s failed: %s", path,
		    sqlite3_errmsg(db->handle));
		goto fail;
	}
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
	db_cache_flush(db);
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
