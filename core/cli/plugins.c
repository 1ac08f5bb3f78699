/* `rollin plugins`: what the plugin directories hold and in which state. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "plugin/plugin.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin plugins [--json] [--plugins DIRS] "
	    "[--config FILE]\n\n"
	    "Lists every plugin found in the plugin directories: name, "
	    "kind,\nversion, language, file, state and last error. A "
	    "plugin that\ncannot be loaded is listed as refused with "
	    "the reason.\n\n"
	    "  --json             print JSON instead of a table\n"
	    "  --plugins DIRS     plugin directories, ':'-separated\n");
	cli_common_help(out);
}

int
cmd_plugins(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "plugins", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags       flags = { 0 };
	struct config          cfg;
	struct plugin_registry reg;
	int                    ch, rc, json = 0;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			cli_flag(&flags, "plugin_dirs", optarg);
			break;
		case 'j':
			json = 1;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (cli_config(&flags, &cfg) == -1)
		return 1;
	plugins_load(&reg, &cfg);
	if (json) {
		json_t *all = plugins_describe(&reg);
		char   *text = json_dumps(all, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
		json_decref(all);
	} else {
		printf("%-22s %-9s %-9s %-4s %-8s %s\n", "NAME", "KIND",
		    "VERSION", "LANG", "STATE", "FILE");
		for (size_t i = 0; i < reg.n; i++) {
			const struct plugin *p = &reg.items[i];
			printf("%-22s %-9s %-9s %-4s %-8s %s\n", p->name,
			    p->kind ? plugin_kind_name(p->kind) : "-",
			    p->version[0] ? p->version : "-", p->language,
			    plugin_state_name(p->state), p->file);
			if (p->last_error[0])
				printf("%22s %s: %s\n", "",
				    p->state == PLUGIN_DISABLED ? "note"
				                                : "error",
				    p->last_error);
		}
		if (reg.n == 0)
			printf("(no plugins in %s)\n", cfg.plugin_dirs);
	}
	plugins_unload(&reg);
	config_free(&cfg);
	return 0;
}
