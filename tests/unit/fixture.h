/*
 * What the unit tests share: JSON written in a test and, for the tests
 * against a real database, a temporary directory with a migrated
 * database in it, removed after the test, records created from JSON text
 * that must be accepted, and numbers read back with SQL.
 */
#ifndef ROLLIN_TESTS_FIXTURE_H
#define ROLLIN_TESTS_FIXTURE_H

#include <jansson.h>
#include <stdint.h>

#include "domain/resource.h"
#include "store/db.h"

#define FIXTURE_DIR_LEN  64
#define FIXTURE_PATH_LEN 128

/*
 * Group set-up and tear-down (for cmocka_run_group_tests): migrates one
 * template database that fixture_db_open then copies, because migrating
 * a fresh database for every test is most of a test's time.
 */
int fixture_template_setup(void **state);
int fixture_template_teardown(void **state);

/*
 * Makes a directory /tmp/rollin-NAME-XXXXXX in dir and opens a migrated
 * database in it at path (the template's copy, if there is a template).
 * Only errors are logged from then on. NULL, the directory removed, on
 * failure.
 */
struct db *fixture_db_open(const char *name, char dir[FIXTURE_DIR_LEN],
    char path[FIXTURE_PATH_LEN]);
/* Closes db and removes dir with everything below it. */
void fixture_db_close(struct db *, const char *dir);
void fixture_remove_tree(const char *dir);

/* JSON written in a test; fails the test if it is not JSON. */
json_t *fixture_json(const char *text);
/* Creates a record that must be accepted; returns its id. */
int64_t fixture_create(struct db *, const struct resource *, int64_t parent,
    const char *text, const struct principal *who);
/* The first column of the first row of sql, -1 without a row. */
long long fixture_query_int(struct db *, const char *sql);

#endif
