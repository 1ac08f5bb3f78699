/*
 * `rollin report NAME`: runs a report plugin on the database and prints
 * its table as JSON, CSV or HTML; without NAME, lists the reports. The
 * command line reads the database file itself, so private records (such
 * as private cost reports) count: whoever may read the file sees them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plugin/plugin.h"
#include "report/render.h"
#include "store/db.h"
#include "util/log.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin report [NAME] [--format json|csv|html]\n"
	    "                     [--param KEY=VALUE ...] [-o FILE] "
	    "[--plugins DIRS]\n\n"
	    "Runs the report plugin NAME and prints its table; without "
	    "NAME, lists\nthe reports and their parameters. The shipped "
	    "reports: savings (what\nreuse cost and saved), adoption "
	    "(adoptions and maturity), quality\n(stale and incomplete "
	    "entries). Private cost reports count.\n\n"
	    "  --format FORMAT    json (default), csv (RFC 4180) or html "
	    "(a page\n"
	    "                     with a table and a chart)\n"
	    "  --param KEY=VALUE  a report parameter, e.g. group_by=adopter "
	    "(repeatable)\n"
	    "  -o, --output FILE  write to FILE instead of standard output\n"
	    "  --json             with no NAME: list the reports as JSON\n"
	    "  --plugins DIRS     plugin directories, ':'-separated\n");
	cli_common_help(out);
}

static void
print_list(json_t *list, int json)
{
	json_t *r, *p;
	size_t  i, j;

	if (json) {
		char *text = json_dumps(list, JSON_INDENT(2));
		printf("%s\n", text ? text : "[]");
		free(text);
		return;
	}
	if (json_array_size(list) == 0)
		printf("(no reports)\n");
	json_array_foreach(list, i, r)
	{
		printf("%-12s %s\n",
		    json_string_value(json_object_get(r, "name")),
		    json_string_value(json_object_get(r, "description")));
		json_array_foreach(json_object_get(r, "parameters"), j, p)
		{
			json_t     *values = json_object_get(p, "values"), *v;
			const char *def =
			    json_string_value(json_object_get(p, "default"));
			size_t k;
			printf("  --param %s=",
			    json_string_value(json_object_get(p, "name")));
			if (json_array_size(values) == 0)
				printf("%s",
				    json_string_value(
				        json_object_get(p, "type")));
			json_array_foreach(values, k, v)
			{
				printf("%s%s", k ? "|" : "",
				    json_string_value(v));
			}
			if (def != NULL)
				printf(" (default %s)", def);
			printf("\n      %s\n",
			    json_string_value(
			        json_object_get(p, "description")));
		}
	}
}

int
cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "param", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "plugins", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags       flags = { 0 };
	struct config          cfg;
	struct plugin_registry reg;
	struct rl_error        err;
	enum render_format     format = RENDER_JSON;
	struct plugin         *p;
	struct db             *db;
	const char            *output = NULL, *name;
	json_t                *params = json_object(), *doc = NULL;
	char                  *text = NULL, *eq;
	size_t                 len = 0;
	int                    ch, json = 0, log_level_given = 0, rc = 1;

	while ((ch = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (render_format_parse(optarg, &format) == -1) {
				fprintf(stderr,
				    "rollin: --format must be json, "
				    "csv or html, not '%s'\n",
				    optarg);
				json_decref(params);
				return 2;
			}
			break;
		case 'P':
			if ((eq = strchr(optarg, '=')) == NULL ||
			    eq == optarg) {
				fprintf(stderr,
				    "rollin: --param takes KEY=VALUE, "
				    "not '%s'\n",
				    optarg);
				json_decref(params);
				return 2;
			}
			*eq = '\0';
			json_object_set_new(params, optarg,
			    json_string(eq + 1));
			*eq = '=';
			break;
		case 'o':
			output = optarg;
			break;
		case 'p':
			cli_flag(&flags, "plugin_dirs", optarg);
			break;
		case 'l':
			cli_flag(&flags, "log_level", optarg);
			log_level_given = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc)) {
				json_decref(params);
				return rc;
			}
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		json_decref(params);
		return 2;
	}
	name = optind < argc ? argv[optind] : NULL;
	/* A report only reads: never create, migrate or write the file. */
	if ((db = cli_open_db(&flags, &cfg, DB_READONLY)) == NULL) {
		json_decref(params);
		return 1;
	}
	if (cli_db_current(db, cfg.db) == -1) {
		db_close(db);
		json_decref(params);
		config_free(&cfg);
		return 1;
	}
	/* Plugins announce themselves at info level: noise on a report's
	 * terminal, unless asked for. */
	if (!log_level_given && cfg.log_level == LOG_INFO)
		log_set_level(LOG_WARN);
	plugins_load(&reg, &cfg);
	if (name == NULL) {
		json_t *list = report_list(&reg, db);
		print_list(list, json);
		json_decref(list);
		rc = 0;
		goto done;
	}
	if ((p = plugins_find(&reg, name)) == NULL ||
	    p->kind != ROLLIN_REPORT) {
		json_t *list = report_list(&reg, db), *r;
		size_t  i;
		fprintf(stderr,
		    "rollin: there is no report '%s'; reports:", name);
		json_array_foreach(list, i, r)
		{
			fprintf(stderr, " %s",
			    json_string_value(json_object_get(r, "name")));
		}
		fprintf(stderr, "%s\n", json_array_size(list) ? "" : " none");
		json_decref(list);
		goto done;
	}
	if (report_run(p, db, params, 1, &doc, &err) == -1) {
		if (err.field[0])
			fprintf(stderr, "rollin: report %s: --param %s: %s\n",
			    name, err.field, err.message);
		else
			fprintf(stderr, "rollin: %s\n", err.message);
		rc = err.status == 400 ? 2 : 1;
		goto done;
	}
	if ((text = render(doc, format, &len)) == NULL) {
		fprintf(stderr, "rollin: cannot render report %s\n", name);
		goto done;
	}
	rc = cli_write_out(output, text, len, "the report") == 0 ? 0 : 1;
done:
	free(text);
	json_decref(doc);
	json_decref(params);
	plugins_unload(&reg);
	db_trim(db);
	db_close(db);
	config_free(&cfg);
	return rc;
}
