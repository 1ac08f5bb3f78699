/*
 * `rollin backup OUT`: a consistent copy of the database while the service
 * keeps running. SQLite's online backup copies pages in steps and restarts
 * when a writer changes the source meanwhile; the copy is checked and then
 * renamed into place, so OUT is either the old file or a complete backup.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/db.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin backup [--db PATH] [--config FILE] OUT\n\n"
	    "Writes a consistent copy of the database to OUT, also while\n"
	    "`rollin serve` runs. Restore by stopping the service and putting\n"
	    "the copy in place of the database file (see "
	    "docs/operations.md).\n\n");
	cli_common_help(out);
}

/* Copies src into the file at path; 0, or -1 with the reason printed. */
static int
copy_to(sqlite3 *src, const char *path)
{
	sqlite3        *dst = NULL;
	sqlite3_backup *b;
	sqlite3_stmt   *st;
	int             rc;

	if (sqlite3_open_v2(path, &dst,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	        NULL) != SQLITE_OK) {
		fprintf(stderr, "rollin: cannot create %s: %s\n", path,
		    sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		fprintf(stderr, "rollin: backup: %s\n", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	/* Small steps with pauses let the service write in between. */
	while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
	    rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(rc == SQLITE_OK ? 1 : 20);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "rollin: backup: %s\n", sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	rc = sqlite3_prepare_v2(dst, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
		rc = 0;
	else {
		fprintf(stderr, "rollin: the copy failed its check\n");
		rc = -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(dst);
	return rc;
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct db       *db;
	struct stat      sb;
	char             tmp[CONFIG_PATH_MAX + 16];
	const char      *out;
	int              ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (cli_common_option(ch, &flags, usage, &rc))
			return rc;
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	out = argv[optind];
	if ((db = cli_open_db(&flags, &cfg, DB_READONLY)) == NULL)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s.partial", out);
	unlink(tmp);
	if (copy_to(db_handle(db), tmp) == 0 && rename(tmp, out) == 0 &&
	    stat(out, &sb) == 0) {
		printf("%s: backup of %s, schema version %d, %lld bytes\n", out,
		    cfg.db, db_schema_version(db), (long long)sb.st_size);
		rc = 0;
	} else
		unlink(tmp);
	db_close(db);
	config_free(&cfg);
	return rc;
}
