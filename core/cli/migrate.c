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
		{ "db", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct rl_error  err;
	struct db       *db;
	int              ch, before;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			cli_flag(&flags, "db", optarg);
			break;
		case 'c':
			flags.config = optarg;
			break;
		case 'l':
			cli_flag(&flags, "log_level", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cli_config(&flags, &cfg) == -1)
		return 1;
	if ((db = db_open(cfg.db, 0, &err)) == NULL) {
		fprintf(stderr, "rollin: %s\n", err.message);
		config_free(&cfg);
		return 1;
	}
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
