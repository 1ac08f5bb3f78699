/*
 * The `rollin` subcommands. Each parses its own options; the ones every
 * subcommand takes (--db, --config, --log-level, --help) are handled by
 * cli_common_option and read by cli_config, which applies, in rising
 * precedence: defaults, the config file, ROLLIN_* variables, flags.
 */
#ifndef ROLLIN_CLI_CLI_H
#define ROLLIN_CLI_CLI_H

#include <getopt.h>

#include "config/config.h"

struct db;

#define CLI_MAX_FLAGS 16

/*
 * The options every subcommand takes, for its getopt_long table; their
 * values 'd', 'c', 'l' and 'h' are left to cli_common_option.
 */
/* clang-format off */
#define CLI_COMMON_OPTIONS \
	{ "db", required_argument, NULL, 'd' }, \
	{ "config", required_argument, NULL, 'c' }, \
	{ "log-level", required_argument, NULL, 'l' }, \
	{ "help", no_argument, NULL, 'h' }
/* clang-format on */

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
/*
 * Takes what getopt_long returned that the subcommand does not handle
 * itself. A common option goes into the flags: 0, parsing goes on.
 * --help prints the usage to stdout, anything else prints it to stderr
 * as a usage error: 1, the command ends with *exit_code (0 or 2).
 */
int cli_common_option(int ch, struct cli_flags *, void (*usage)(FILE *),
    int                  *exit_code);
/* Builds the configuration; prints the reason and returns -1 on error. */
int cli_config(const struct cli_flags *, struct config *);
/*
 * Builds the configuration and opens its database with db_open's flags;
 * prints the reason and returns NULL (the configuration freed) on error.
 */
struct db *cli_open_db(const struct cli_flags *, struct config *, unsigned);
/* 0 if db has the schema this rollin reads; -1, with the reason
 * printed, when it still needs `rollin migrate`. */
int cli_db_current(struct db *, const char *path);
/* Writes text to the file path, or to stdout if path is NULL; what names
 * stdout in the message if that fails. 0, or -1 with the reason printed. */
int
cli_write_out(const char *path, const char *text, size_t len, const char *what);
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
