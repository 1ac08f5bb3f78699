#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/costs.h"
#include "domain/quality.h"
#include "store/db.h"
#include "util/clock.h"
#include "util/log.h"

void
cli_flag(struct cli_flags *f, const char *key, const char *value)
{
	if (f->n == CLI_MAX_FLAGS)
		fatalx("too many options");
	f->set[f->n].key = key;
	f->set[f->n++].value = value;
}

int
cli_common_option(int ch, struct cli_flags *f, void (*usage)(FILE *),
    int *exit_code)
{
	switch (ch) {
	case 'd':
		cli_flag(f, "db", optarg);
		return 0;
	case 'c':
		f->config = optarg;
		return 0;
	case 'l':
		cli_flag(f, "log_level", optarg);
		return 0;
	case 'h':
		usage(stdout);
		*exit_code = 0;
		return 1;
	default:
		usage(stderr);
		*exit_code = 2;
		return 1;
	}
}

int
cli_config(const struct cli_flags *f, struct config *cfg)
{
	const char *file = f->config ? f->config : getenv("ROLLIN_CONFIG");
	char        err[768];

	config_defaults(cfg);
	if (file != NULL && *file != '\0' &&
	    config_load_file(cfg, file, err, sizeof(err)) == -1) {
		fprintf(stderr, "rollin: config %s\n", err);
		return -1;
	}
	if (config_load_env(cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "rollin: environment: %s\n", err);
		config_free(cfg);
		return -1;
	}
	for (int i = 0; i < f->n; i++)
		if (config_set(cfg, f->set[i].key, f->set[i].value, err,
		        sizeof(err)) == -1) {
			fprintf(stderr, "rollin: --%s: %s\n", f->set[i].key,
			    err);
			config_free(cfg);
			return -1;
		}
	if (clock_from_env() == -1) {
		fprintf(stderr,
		    "rollin: ROLLIN_NOW must be YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM:SSZ\n");
		return -1;
	}
	log_set_level(cfg->log_level);
	quality_set_stale_days(cfg->stale_days);
	costs_set_default_day_rate(cfg->day_rate_cents);
	return 0;
}

struct db *
cli_open_db(const struct cli_flags *f, struct config *cfg, unsigned flags)
{
	struct rl_error err;
	struct db      *db;

	if (cli_config(f, cfg) == -1)
		return NULL;
	if ((db = db_open(cfg->db, flags, &err)) == NULL) {
		fprintf(stderr, "rollin: %s\n", err.message);
		config_free(cfg);
	}
	return db;
}

int
cli_db_current(struct db *db, const char *path)
{
	if (db_schema_version(db) >= db_schema_latest())
		return 0;
	fprintf(stderr,
	    "rollin: %s has schema version %d, this rollin needs %d: "
	    "run `rollin migrate` first\n",
	    path, db_schema_version(db), db_schema_latest());
	return -1;
}

int
cli_write_out(const char *path, const char *text, size_t len, const char *what)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	int   failed;

	if (f == NULL) {
		fprintf(stderr, "rollin: cannot write %s: ", path);
		perror(NULL);
		return -1;
	}
	failed = fwrite(text, 1, len, f) != len;
	if (path != NULL)
		failed |= fclose(f) != 0;
	else
		failed |= fflush(f) != 0;
	if (failed) {
		fprintf(stderr, "rollin: writing %s failed\n",
		    path ? path : what);
		return -1;
	}
	return 0;
}

void
cli_common_help(FILE *out)
{
	fprintf(out,
	    "  --db PATH          SQLite database file\n"
	    "  --config FILE      YAML configuration file (also "
	    "ROLLIN_CONFIG)\n"
	    "  --log-level LEVEL  error, warn, info or debug\n"
	    "  -h, --help         this help\n"
	    "\n"
	    "Settings come from, in rising precedence: built-in defaults, the\n"
	    "config file, ROLLIN_* environment variables, command-line flags.\n"
	    "Every setting (config key, variable, meaning):\n");
	config_describe(out);
}
