#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/sort_keys.h"
#include "util/german.h"
#include "util/log.h"

/* The F_COLLATE fields of domain/catalogue.c and domain/product.c. */
static const struct {
	const char *table, *column;
} keyed[] = {
	{ "organisations", "name" },
	{ "contacts", "name" },
	{ "solutions", "name" },
	{ "products", "label" },
};

/* Whether a row lacks its key; 1 if that cannot be told. */
static int
keys_missing(struct db *db)
{
	sqlite3_stmt *st;
	char          sql[128];
	int           rc;

	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++) {
		snprintf(sql, sizeof(sql),
		    "SELECT 1 FROM %s WHERE %s_key IS NULL LIMIT 1",
		    keyed[i].table, keyed[i].column);
		if ((st = db_prepare(db, sql)) == NULL)
			return 1;
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return 1;
	}
	return 0;
}

int
sort_keys_refresh(struct db *db)
{
	const char   *now = german_collation_version(), *was;
	sqlite3_stmt *st;
	char          sql[160];
	int           all;

	/* Before the migration that adds the keys, there are none to make. */
	st = db_prepare(db,
	    "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name = 'collation'");
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		if (st != NULL)
			sqlite3_reset(st);
		return -1;
	}
	all = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (all == 0)
		return 0;
	if ((st = db_prepare(db, "SELECT version FROM collation")) == NULL)
		return -1;
	was = sqlite3_step(st) == SQLITE_ROW ? db_column_text(st, 0) : "";
	all = strcmp(was ? was : "", now) != 0;
	sqlite3_reset(st);
	/* Most starts have nothing to do, and then write nothing. */
	if (!all && !keys_missing(db))
		return 0;
	if (db_begin(db) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++) {
		/* A missing key is found by a seek in the key's index. */
		if (all)
			snprintf(sql, sizeof(sql),
			    "UPDATE %s SET %s_key = rollin_sort_key(%s)",
			    keyed[i].table, keyed[i].column, keyed[i].column);
		else
			snprintf(sql, sizeof(sql),
			    "UPDATE %s SET %s_key = rollin_sort_key(%s) "
			    "WHERE %s_key IS NULL",
			    keyed[i].table, keyed[i].column, keyed[i].column,
			    keyed[i].column);
		if (db_exec(db, sql) == -1)
			goto fail;
	}
	if ((st = db_prepare(db, "UPDATE collation SET version = ?")) == NULL)
		goto fail;
	db_bind_text(st, 1, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	if (db_commit(db) == -1)
		return -1;
	if (all)
		log_info("sort keys made for collation version %s", now);
	return 0;
fail:
	db_rollback(db);
	return -1;
}
