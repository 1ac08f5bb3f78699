/*
 * The schema version of a database and the migrations, embedded in the
 * binary, that bring it to the newest this binary knows.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "store/db_internal.h"
#include "util/embedded.h"
#include "util/log.h"

int
db_schema_version(struct db *db)
{
	int v = 0;

	db_pragma_int(db->handle, "PRAGMA user_version", &v);
	return v;
}

/* Migrations are named NNNN_what.sql; the number is the schema version. */
int
db_schema_latest(void)
{
	int latest = 0;

	for (const struct embedded_file *m = embedded_migrations; m->name; m++)
		latest = atoi(m->name);
	return latest;
}

int
db_migrate(struct db *db, struct rl_error *err)
{
	int  current = db_schema_version(db), n;
	char sql[64];

	for (const struct embedded_file *m = embedded_migrations; m->name;
	     m++) {
		if ((n = atoi(m->name)) <= current)
			continue;
		if (db_begin(db) == -1)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", n);
		if (db_exec(db, m->data) == -1 || db_exec(db, sql) == -1) {
			db_rollback(db);
			goto fail;
		}
		if (db_commit(db) == -1)
			goto fail;
		log_info("migrated %s to schema version %d (%s)", db->path, n,
		    m->name);
	}
	return 0;
fail:
	return rl_fail(err, 500, "migration_failed", "db",
	    "migrating %s "
	    "failed: %s",
	    db->path, sqlite3_errmsg(db->handle));
}
