/*
 * Internal to store/db*.c: the connection that opening (db.c), the
 * statement cache (db_stmt.c), transactions (db_txn.c) and the schema
 * (db_schema.c) share, and the VFS that db.c opens files with
 * (db_vfs.c). Callers outside use db.h.
 */
#ifndef ROLLIN_STORE_DB_INTERNAL_H
#define ROLLIN_STORE_DB_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

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
	uint16_t         used[STMT_CACHE_LOAD]; /* the slots in use */
	sqlite3_stmt   **overflow; /* prepared past the load limit */
	size_t           noverflow;
	int              depth; /* open transactions and savepoints */
};

/* Finalizes every cached statement and empties the cache. */
void db_cache_flush(struct db *);

/* The integer that a PRAGMA reads into *out; -1 if it gives none. */
int db_pragma_int(sqlite3 *, const char *sql, int *out);

/*
 * The name of the VFS that writes the WAL in one piece per commit,
 * registered on first use; NULL (SQLite's default VFS) if it cannot be.
 */
const char *db_vfs_name(void);

#endif
