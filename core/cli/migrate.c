#include <stdio.h>

#include "cli/cli.h"
#include "store/db.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin migrate [--db PATH] [--config FILE]\n\n"
	    "Applies pending schema migrations to the database and prints its\n"
	    "schema version. `rollin serve` does the same at start.\n\n");
	cli_common_help(out);
}

int
cmd_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct rl_error  err;
	struct db       *db;
	int              ch, rc, before;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (cli_common_option(ch, &flags, usage, &rc))
			return rc;
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((db = cli_open_db(&flags, &cfg, 0)) == NULL)
		return 1;
	before = db_schema_version(db);
	if (db_migrate(db, &err) == -1) {
		fprintf(stderr, "rollin: %s\n", err.message);
		db_close(db);
		config_free(&cfg);
		return 1;
	}
	printf("%s: schema version %d (was %d; this rollin knows up to %d)\n",
	    cfg.db, db_schema_version(db), before, db_schema_latest());
	db_close(db);
	config_free(&cfg);
	return 0;
}
