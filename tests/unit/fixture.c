#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "store/record.h"
#include "util/log.h"

static char template_dir[FIXTURE_DIR_LEN], template_path[FIXTURE_PATH_LEN];

void
fixture_remove_tree(const char *dir)
{
	DIR           *d = opendir(dir);
	struct dirent *e;
	struct stat    sb;
	char           path[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			fixture_remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int
copy_file(const char *from, const char *to)
{
	FILE  *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char   buf[8192];
	size_t n;
	int    rc = 0;

	if (in == NULL || out == NULL)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0)
		rc = -1;
	return rc;
}

int
fixture_template_setup(void **state)
{
	struct db *db;

	(void)state;
	if ((db = fixture_db_open("template", template_dir, template_path)) ==
	    NULL)
		return -1;
	/* Closing checkpoints the WAL: the file alone is the database. */
	db_close(db);
	return 0;
}

int
fixture_template_teardown(void **state)
{
	(void)state;
	fixture_remove_tree(template_dir);
	template_dir[0] = template_path[0] = '\0';
	return 0;
}

struct db *
fixture_db_open(const char *name, char dir[FIXTURE_DIR_LEN],
    char path[FIXTURE_PATH_LEN])
{
	struct rl_error err = { 0 };
	struct db      *db;

	log_set_level(LOG_ERROR);
	snprintf(dir, FIXTURE_DIR_LEN, "/tmp/rollin-%s-XXXXXX", name);
	if (mkdtemp(dir) == NULL)
		return NULL;
	snprintf(path, FIXTURE_PATH_LEN, "%s/rollin.db", dir);
	/* A copy of the template, unless this is the template. */
	if (path != template_path && template_path[0] != '\0' &&
	    copy_file(template_path, path) == -1) {
		fprintf(stderr, "cannot copy %s\n", template_path);
		fixture_remove_tree(dir);
		return NULL;
	}
	if ((db = db_open(path, DB_MIGRATE, &err)) == NULL) {
		fprintf(stderr, "db_open: %s\n", err.message);
		fixture_remove_tree(dir);
	}
	return db;
}

void
fixture_db_close(struct db *db, const char *dir)
{
	db_close(db);
	fixture_remove_tree(dir);
}

json_t *
fixture_json(const char *text)
{
	json_error_t jerr;
	json_t      *v = json_loads(text, 0, &jerr);

	if (v == NULL)
		fail_msg("bad JSON in test: %s: %s", jerr.text, text);
	return v;
}

int64_t
fixture_create(struct db *db, const struct resource *res, int64_t parent,
    const char *text, const struct principal *who)
{
	struct record   r;
	struct rl_error err = { 0 };
	json_t         *body = fixture_json(text);
	int     rc = record_create(db, res, parent, body, who, &r, &err);
	int64_t id = r.id;

	json_decref(body);
	if (rc != 0)
		fail_msg("create %s %s: %d %s %s: %s", res->name, text,
		    err.status, err.code, err.field, err.message);
	record_clear(&r);
	return id;
}

long long
fixture_query_int(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long     v = -1;

	assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}
