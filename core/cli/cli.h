/*
 * The `rollin` subcommands. Each parses its own options; the ones every
 * subcommand takes (--db, --config, --log-level) are read by cli_config,
 * which applies, in rising precedence: defaults, the config file,
 * ROLLIN_* variables, flags.
 */
#ifndef ROLLIN_CLI_CLI_H
#define ROLLIN_CLI_CLI_H

#include <getopt.h>

#include "config/config.h"

#define CLI_MAX_FLAGS 16

/* Settings given as flags, applied after the file and the environment. */
struct cli_flags {
	const char *config;
	struct {
		const char *key;
		const char *value;
	} set[CLI_MAX_FLAGS];
	int n;
};

void cli_flag(struct cli_flags *, const char *key, const char *value);
/* Builds the configuration; prints the reason and returns -1 on error. */
int cli_config(const struct cli_flags *, struct config *);
/* Prints the options every subcommand takes. */
void cli_common_help(FILE *);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
