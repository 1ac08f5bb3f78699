/*
 * Transactions, which nest: callers that group many writes make them all
 * or nothing, while each write inside still rolls back alone.
 */
#include <stdio.h>

#include "store/db.h"
#include "store/db_internal.h"
#include "util/log.h"

/*
 * Runs a statement without parameters or results through the statement
 * cache: BEGIN, COMMIT and savepoints run on every write, and parsing
 * them anew each time (sqlite3_exec) is a measurable part of a write.
 */
static int
step_cached(struct db *db, const char *sql, int quiet)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int           rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (!quiet)
			log_warnx("db_exec: %s: %s", sqlite3_errmsg(db->handle),
			    sql);
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
		if (step_cached(db, "BEGIN IMMEDIATE", 0) == -1)
			return -1;
	} else {
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", db->depth);
		if (step_cached(db, sql, 0) == -1)
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
		if (step_cached(db, sql, 0) == -1) {
			db_rollback(db);
			return -1;
		}
		db->depth--;
		return 0;
	}
	if (step_cached(db, "COMMIT", 0) == -1) {
		db_rollback(db);
		return -1;
	}
	db->depth = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	char sql[32];

	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "ROLLBACK TO s%d", db->depth - 1);
		step_cached(db, sql, 1);
		snprintf(sql, sizeof(sql), "RELEASE s%d", db->depth - 1);
		step_cached(db, sql, 1);
		db->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(db->handle))
		step_cached(db, "ROLLBACK", 1);
	db->depth = 0;
}
