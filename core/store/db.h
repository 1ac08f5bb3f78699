/*
 * The SQLite store: one connection per thread, WAL, foreign keys, a busy
 * timeout, and a cache of prepared statements keyed by their SQL text, so
 * that every query is prepared once and only bound and stepped afterwards.
 */
#ifndef ROLLIN_STORE_DB_H
#define ROLLIN_STORE_DB_H

#include <sqlite3.h>

#include "util/error.h"

struct db;

enum db_open_flags {
	DB_MIGRATE = 1 << 0,           /* apply pending migrations */
	DB_MANUAL_CHECKPOINT = 1 << 1, /* the caller checkpoints (serve) */
	DB_READONLY = 1 << 2,
};

/*
 * Opens (creating if needed, with its directory) the database at path. A
 * database written by a newer schema than this binary knows is refused
 * before anything is written to it. Returns NULL with the reason in err.
 */
struct db  *db_open(const char *path, unsigned flags, struct rl_error *);
void        db_close(struct db *);
sqlite3    *db_handle(struct db *);
const char *db_path(const struct db *);

/*
 * Returns the cached statement for sql, reset and with bindings cleared,
 * preparing it on first use; NULL (logged) if SQLite refuses the SQL.
 */
sqlite3_stmt *db_prepare(struct db *, const char *sql);
/*
 * Releases statements prepared past the cache's load limit. Call it where no
 * statement is in use: between requests, at the end of a command.
 */
void db_trim(struct db *);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK; -1 on failure (logged). */
int  db_begin(struct db *);
int  db_commit(struct db *);
void db_rollback(struct db *);

/* Runs sql (no results wanted) with no parameters; -1 on failure. */
int db_exec(struct db *, const char *sql);

/* Schema version of the open file and the newest this binary knows. */
int db_schema_version(struct db *);
int db_schema_latest(void);
/* Applies pending migrations; -1 with the reason in err. */
int db_migrate(struct db *, struct rl_error *);

/* Binds text or NULL when s is NULL. */
int db_bind_text(sqlite3_stmt *, int idx, const char *s);
/* Column as a C string, or NULL for SQL NULL. */
const char *db_column_text(sqlite3_stmt *, int col);

#endif
