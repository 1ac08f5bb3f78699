/*
 * `rollin org add`: creates an organisation from the command line. Tokens
 * are scoped to an organisation and only admins create organisations
 * through the API, so a new installation starts here.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/record.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin org add SLUG --name NAME --kind KIND [--state "
	    "LAND]\n"
	    "                      [--website URL]\n\n"
	    "Creates an organisation, e.g. the operator of this installation,\n"
	    "so that `rollin token create --role admin --org SLUG` can "
	    "follow.\n"
	    "KIND is federal, state, municipal, association, provider or "
	    "other.\n\n");
	cli_common_help(out);
}

int
cmd_org(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "state", required_argument, NULL, 's' },
		{ "website", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct principal cli = { .role = ROLE_ADMIN,
		.actor = "cli" };
	struct cli_flags              flags = { 0 };
	struct config                 cfg;
	struct rl_error               err;
	struct record                 r;
	struct db                    *db;
	json_t                       *doc = json_object();
	int                           ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			json_object_set_new(doc, "name", json_string(optarg));
			break;
		case 'k':
			json_object_set_new(doc, "kind", json_string(optarg));
			break;
		case 's':
			json_object_set_new(doc, "state", json_string(optarg));
			break;
		case 'w':
			json_object_set_new(doc, "website",
			    json_string(optarg));
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc)) {
				json_decref(doc);
				return rc;
			}
		}
	}
	if (optind + 2 != argc || strcmp(argv[optind], "add") != 0) {
		usage(stderr);
		json_decref(doc);
		return 2;
	}
	json_object_set_new(doc, "slug", json_string(argv[optind + 1]));
	if ((db = cli_open_db(&flags, &cfg, DB_MIGRATE)) == NULL) {
		json_decref(doc);
		return 1;
	}
	if (record_create(db, &res_organisation, 0, doc, &cli, &r, &err) == -1)
		fprintf(stderr, "rollin: %s%s%s%s\n", err.field[0] ? "--" : "",
		    err.field, err.field[0] ? ": " : "", err.message);
	else {
		printf("%s\n", argv[optind + 1]);
		record_clear(&r);
		rc = 0;
	}
	json_decref(doc);
	db_close(db);
	config_free(&cfg);
	return rc;
}
