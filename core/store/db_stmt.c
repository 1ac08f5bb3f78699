/*
 * Running SQL on the connection: the cache of prepared statements keyed by
 * their SQL text, statements run without results, and the helpers that
 * bind and read text. Every query of the store goes through here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/db_internal.h"
#include "util/log.h"

static uint32_t
hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void
db_cache_flush(struct db *db)
{
	for (size_t k = 0; k < STMT_CACHE_SIZE; k++) {
		sqlite3_finalize(db->stmts[k].stmt);
		free(db->stmts[k].sql);
		db->stmts[k].stmt = NULL;
		db->stmts[k].sql = NULL;
	}
	db->nstmts = 0;
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
		log_warnx("db_prepare: %s: %s", sqlite3_errmsg(db->handle),
		    sql);
		return NULL;
	}
	if (db->nstmts < STMT_CACHE_LOAD && (slot->sql = strdup(sql)) != NULL) {
		slot->stmt = st;
		db->used[db->nstmts++] = (uint16_t)(slot - db->stmts);
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
	for (size_t k = 0; k < db->nstmts; k++) {
		struct stmt_slot *slot = &db->stmts[db->used[k]];
		if (sqlite3_stmt_busy(slot->stmt)) {
			log_warnx("db_trim: statement left open: %s",
			    slot->sql);
			sqlite3_reset(slot->stmt);
		}
	}
	for (size_t k = 0; k < db->noverflow; k++)
		sqlite3_finalize(db->overflow[k]);
	free(db->overflow);
	db->overflow = NULL;
	if (db->noverflow > 0) {
		log_debug("db_trim: statement cache full, flushing");
		db_cache_flush(db);
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
