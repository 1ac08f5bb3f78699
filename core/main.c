/*
 * rollin: roll-in and lifecycle tracking for reusable public-sector IT
 * solutions. One binary; the first argument picks the subcommand.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
	const char *name;
	int (*run)(int, char **);
	const char *help;
} commands[] = {
	{ "serve", cmd_serve, "serve the API and web UI" },
	{ "migrate", cmd_migrate, "apply pending database migrations" },
	{ "token", cmd_token, "create, list and revoke access tokens" },
	{ "user", cmd_user,
	    "add, list, disable user accounts; set their passwords" },
	{ "plugins", cmd_plugins, "list plugins and their state" },
	{ "report", cmd_report, "run a report: JSON, CSV or HTML" },
	{ "org", cmd_org, "add an organisation (to bootstrap tokens)" },
	{ "backup", cmd_backup,
	    "copy the database consistently, also while serving" },
	{ "import", cmd_import,
	    "import publiccode.yml and other files through importers" },
	{ "export", cmd_export, "write a solution as publiccode.yml" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin COMMAND [OPTIONS]\n\n"
	    "Rollin tracks reusable public-sector IT solutions: releases,\n"
	    "maintenance cycles, responsibilities, adoptions and roll-ins.\n\n"
	    "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->help);
	fprintf(out,
	    "\n`rollin COMMAND --help` explains each command's options.\n"
	    "  --version          print the version\n\n"
	    "Options of `rollin serve`:\n"
	    "  --listen ADDR:PORT address to serve on; port 0 picks a free "
	    "one\n"
	    "  --demo             load the demo data set into an empty "
	    "database\n\n"
	    "Options every command takes:\n");
	cli_common_help(out);
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "rollin: libsodium failed to initialise\n");
		return 1;
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("rollin %s\n", ROLLIN_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "rollin: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
