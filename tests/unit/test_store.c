/*
 * store/db: opening and migrating a database file, refusing files from a
 * newer Rollin without touching them, nested transactions, and the
 * statement cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "store/db.h"
#include "util/log.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollin-store-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/rollin.db", fx->dir);
	log_set_level(LOG_WARN);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_remove_tree(fx->dir);
	free(fx);
	return 0;
}

static struct db *
open_db(const char *path)
{
	struct rl_error err = { 0 };
	struct db      *db = db_open(path, DB_MIGRATE, &err);

	if (db == NULL)
		fail_msg("db_open %s: %s %s", path, err.code, err.message);
	return db;
}

static char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long  n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
test_open_migrates(void **state)
{
	struct fixture *fx = *state;
	struct db      *db = open_db(fx->path);
	sqlite3_stmt   *st;

	assert_true(db_schema_latest() >= 1);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	assert_string_equal(db_path(db), fx->path);
	/* The catalogue's tables are there. */
	assert_int_equal(fixture_query_int(db,
	                     "SELECT count(*) FROM sqlite_master "
	                     "WHERE type = 'table' AND name IN "
	                     "('organisations', 'solutions', "
	                     "'releases', 'tokens', 'events')"),
	    5);

	assert_int_equal(sqlite3_prepare_v2(db_handle(db),
	                     "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);

	assert_int_equal(fixture_query_int(db, "PRAGMA foreign_keys"), 1);
	db_close(db);

	/* Opening again migrates nothing and keeps the data. */
	db = open_db(fx->path);
	assert_int_equal(db_schema_version(db), db_schema_latest());
	db_close(db);
}

static void
test_foreign_keys_enforced(void **state)
{
	struct fixture *fx = *state;
	struct db      *db = open_db(fx->path);

	/* A contact of an organisation that does not exist. */
	assert_int_equal(
	    db_exec(db,
	        "INSERT INTO contacts (organisation_id, "
	        "name, created_at, updated_at, updated_by) VALUES (999, 'x', "
	        "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'test')"),
	    -1);
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM contacts"),
	    0);
	db_close(db);
}

static void
test_creates_directories(void **state)
{
	struct fixture *fx = *state;
	char            path[192];
	struct stat     sb;
	struct db      *db;

	snprintf(path, sizeof(path), "%s/a/b/rollin.db", fx->dir);
	db = open_db(path);
	db_close(db);
	assert_int_equal(stat(path, &sb), 0);
}

/* Writes a SQLite file as a newer Rollin would: user_version too high. */
static void
write_newer(const char *path, int wal)
{
	sqlite3 *h;
	char     sql[128];

	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	if (wal)
		assert_int_equal(sqlite3_exec(h, "PRAGMA journal_mode=WAL",
		                     NULL, NULL, NULL),
		    SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "CREATE TABLE future (x); INSERT INTO "
	    "future VALUES (42); PRAGMA user_version = %d",
	    db_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void
check_refused_untouched(const char *path)
{
	struct rl_error err = { 0 };
	struct db      *db;
	char           *before, *after;
	size_t          blen, alen;

	before = read_all(path, &blen);
	db = db_open(path, DB_MIGRATE, &err);
	if (db != NULL) {
		db_close(db);
		fail_msg("opened a database from a newer schema");
	}
	assert_string_equal(err.code, "schema_too_new");
	after = read_all(path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);
	free(before);
	free(after);
}

static void
test_schema_too_new(void **state)
{
	struct fixture *fx = *state;
	char            wal[160];

	write_newer(fx->path, 0);
	check_refused_untouched(fx->path);
	/* Also without migrating: the file is not ours to write. */
	{
		struct rl_error err = { 0 };
		struct db      *db = db_open(fx->path, 0, &err);

		assert_null(db);
		assert_string_equal(err.code, "schema_too_new");
	}
	unlink(fx->path);

	/* The same for a file the newer Rollin left in WAL mode. */
	write_newer(fx->path, 1);
	check_refused_untouched(fx->path);
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	assert_int_equal(access(wal, F_OK), -1);
}

static void
test_not_a_database(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err = { 0 };
	FILE           *f = fopen(fx->path, "w");
	char           *before, *after;
	size_t          blen, alen;

	assert_non_null(f);
	fputs("listen: 127.0.0.1:8080\n# this is a config file, not a "
	      "database; somebody passed it as --db by mistake\n",
	    f);
	fclose(f);
	before = read_all(fx->path, &blen);
	assert_null(db_open(fx->path, DB_MIGRATE, &err));
	assert_true(err.message[0] != '\0');
	after = read_all(fx->path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(before, after, blen);
	free(before);
	free(after);
}

static void
test_nested_inner_rollback(void **state)
{
	struct fixture *fx = *state;
	struct db      *db = open_db(fx->path);

	assert_int_equal(db_exec(db, "CREATE TABLE scratch (x INTEGER)"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (1)"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (2)"), 0);
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM scratch"),
	    2);
	db_rollback(db);
	/* The inner work is gone, the outer work is still there... */
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM scratch"),
	    1);
	/* ...and the outer transaction goes on. */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (3)"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 1);
	db_close(db);

	/* Committed to the file. */
	db = open_db(fx->path);
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM scratch"),
	    2);
	assert_int_equal(fixture_query_int(db, "SELECT sum(x) FROM scratch"),
	    4);
	db_close(db);
}

static void
test_nested_outer_rollback(void **state)
{
	struct fixture *fx = *state;
	struct db      *db = open_db(fx->path);

	assert_int_equal(db_exec(db, "CREATE TABLE scratch (x INTEGER)"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (1)"), 0);
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (2)"), 0);
	assert_int_equal(db_commit(db), 0); /* inner */
	db_rollback(db);                    /* outer */
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM scratch"),
	    0);
	assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 1);

	/* A fresh transaction afterwards starts at the outer level again. */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_exec(db, "INSERT INTO scratch VALUES (5)"), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(sqlite3_get_autocommit(db_handle(db)), 1);
	/* Committing with nothing open is an error, not a silent success. */
	assert_int_equal(db_commit(db), -1);
	db_close(db);

	db = open_db(fx->path);
	assert_int_equal(fixture_query_int(db, "SELECT count(*) FROM scratch"),
	    1);
	db_close(db);
}

static void
test_statement_cache(void **state)
{
	struct fixture *fx = *state;
	struct db      *db = open_db(fx->path);
	sqlite3_stmt   *a, *b, *c;
	char            sql[64];

	a = db_prepare(db, "SELECT ?1 + 1");
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 41);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 42);

	/* The same text gives the same statement, reset and unbound. */
	snprintf(sql, sizeof(sql), "SELECT ?%d + 1", 1);
	b = db_prepare(db, sql);
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_step(b), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(b, 0), SQLITE_NULL);
	sqlite3_reset(b);

	/* Different text, different statement. */
	c = db_prepare(db, "SELECT ?1 + 2");
	assert_non_null(c);
	assert_ptr_not_equal(a, c);

	/* SQL that SQLite refuses gives NULL, and is not cached as such. */
	assert_null(db_prepare(db, "SELEKT nonsense"));
	assert_null(db_prepare(db, "SELEKT nonsense"));
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_migrates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_foreign_keys_enforced,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_creates_directories, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_schema_too_new, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nested_inner_rollback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_outer_rollback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
