#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/tokens.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin token create --role ROLE --org SLUG [--label TEXT]\n"
	    "       rollin token list\n"
	    "       rollin token revoke ID\n\n"
	    "Access tokens for the API. `create` prints the new token once;\n"
	    "only its hash is stored. ROLE is admin, owner, onboarding or\n"
	    "adopter; every token acts for the organisation SLUG.\n\n"
	    "  --role ROLE        what the token may do\n"
	    "  --org SLUG         the organisation it acts for\n"
	    "  --label TEXT       a note for whom or what it is\n");
	cli_common_help(out);
}

int
cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "role", required_argument, NULL, 'r' },
		{ "org", required_argument, NULL, 'o' },
		{ "label", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags flags = { 0 };
	struct config    cfg;
	struct rl_error  err;
	struct db       *db;
	const char      *role = NULL, *org = NULL, *label = NULL, *verb;
	char             token[TOKEN_LEN], *end, *text;
	int              ch, rc = 1;
	long long        id;
	json_t          *list;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			role = optarg;
			break;
		case 'o':
			org = optarg;
			break;
		case 'L':
			label = optarg;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[optind];
	if ((db = cli_open_db(&flags, &cfg, DB_MIGRATE)) == NULL)
		return 1;
	if (strcmp(verb, "create") == 0 && optind + 1 == argc) {
		if (role == NULL || org == NULL) {
			fprintf(stderr,
			    "rollin: token create needs --role and "
			    "--org\n");
			rc = 2;
		} else if (role_parse(role) == ROLE_NONE)
			fprintf(stderr,
			    "rollin: --role must be admin, owner, "
			    "onboarding or adopter, not '%s'\n",
			    role);
		else if (tokens_create(db, role_parse(role), org, label, token,
		             &err) == -1)
			fprintf(stderr, "rollin: --%s: %s\n", err.field,
			    err.message);
		else {
			printf("%s\n", token);
			fprintf(stderr,
			    "rollin: token for %s of %s created; "
			    "it is shown only this once\n",
			    role, org);
			rc = 0;
		}
	} else if (strcmp(verb, "list") == 0 && optind + 1 == argc) {
		list = tokens_list(db);
		text = json_dumps(list, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
		json_decref(list);
		rc = 0;
	} else if (strcmp(verb, "revoke") == 0 && optind + 2 == argc) {
		id = strtoll(argv[optind + 1], &end, 10);
		if (*end != '\0' || id < 1)
			fprintf(stderr,
			    "rollin: token revoke needs a token id "
			    "(see rollin token list)\n");
		else if (tokens_revoke(db, id, &err) == -1)
			fprintf(stderr, "rollin: %s\n", err.message);
		else
			rc = 0;
	} else {
		usage(stderr);
		rc = 2;
	}
	db_close(db);
	config_free(&cfg);
	return rc;
}
