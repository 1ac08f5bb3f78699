/*
 * `rollin export publiccode SLUG`: writes a solution as publiccode.yml,
 * the same document GET /api/v1/solutions/{slug}/publiccode.yml serves.
 * The command line reads the database file itself, so it writes what an
 * admin sees (contacts' names and e-mail addresses included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/publiccode_export.h"
#include "store/db.h"
#include "store/record.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin export publiccode SLUG [-o FILE] [--db PATH]\n"
	    "                     [--config FILE]\n\n"
	    "Writes the solution SLUG as a publiccode.yml file "
	    "(version " PUBLICCODE_EXPORT_VERSION
	    " of the\nstandard) to standard "
	    "output or FILE; `rollin import` reads it back.\n\n"
	    "  -o, --out FILE     write to FILE instead of standard output\n");
	cli_common_help(out);
}

static int
export_publiccode(struct db *db, const char *slug, const char *out)
{
	static const struct principal cli = { .role = ROLE_ADMIN,
		.actor = "cli" };
	struct record                 r;
	struct rl_error               err;
	char                         *text;
	size_t                        len = 0;
	int                           rc;

	if (record_get(db, &res_solution, 0, slug, &r, &err) == -1) {
		fprintf(stderr, "rollin: %s\n",
		    err.status == 404 ? "there is no such solution"
		                      : err.message);
		return 1;
	}
	text = publiccode_export_yaml(db, &r, &cli, &len);
	record_clear(&r);
	if (text == NULL) {
		fprintf(stderr, "rollin: cannot write publiccode.yml\n");
		return 1;
	}
	rc = cli_write_out(out, text, len, "publiccode.yml") == 0 ? 0 : 1;
	free(text);
	return rc;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "out", required_argument, NULL, 'o' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct db       *db;
	const char      *out = NULL;
	int              ch, rc;

	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "publiccode") != 0) {
		usage(stderr);
		return 2;
	}
	/* An export only reads: never create, migrate or write the file. */
	if ((db = cli_open_db(&flags, &cfg, DB_READONLY)) == NULL)
		return 1;
	if (cli_db_current(db, cfg.db) == -1)
		rc = 1;
	else
		rc = export_publiccode(db, argv[optind + 1], out);
	db_close(db);
	config_free(&cfg);
	return rc;
}
