/*
 * Service configuration. Every setting has a default and can be set, from
 * lowest to highest precedence, in the YAML config file, in an environment
 * variable, and on the command line. config_describe() prints the table.
 */
#ifndef ROLLIN_CONFIG_CONFIG_H
#define ROLLIN_CONFIG_CONFIG_H

#include <stdio.h>

#include "net/addr.h"
#include "util/log.h"

#define CONFIG_PATH_MAX 1024

/* Who may read GET /metrics. */
enum metrics_access {
	METRICS_LOCAL,  /* clients on the loopback interface (default) */
	METRICS_PUBLIC, /* anyone who reaches the port */
	METRICS_TOKEN,  /* an admin's bearer token */
	METRICS_OFF,    /* nobody: 404 */
};

struct config {
	char           listen[256]; /* ADDR:PORT; port 0 picks a free one */
	char           db[CONFIG_PATH_MAX];
	char           config_file[CONFIG_PATH_MAX];
	enum log_level log_level;
	int            public_catalogue; /* anonymous clients may read */
	int            stale_days;       /* freshness: stale after N days */
	int            day_rate_cents; /* price of a person-day of own effort */
	char           support_ending_days[64]; /* lead times, "90,30,7" */
	int            timer_interval; /* seconds between time-event scans */
	int            max_body_bytes;
	int            max_header_bytes;
	int            request_timeout; /* seconds */
	int            shutdown_grace;  /* seconds to finish requests */
	int checkpoint_interval;        /* seconds between WAL checkpoints */
	int delivery_retention_days;    /* delivered rows kept; 0: forever */
	enum metrics_access metrics;
	char                web_root[CONFIG_PATH_MAX];
	/*
	 * "https://host[:port][/prefix]" under which clients reach the
	 * service, without a trailing slash; "" if not set (absolute links
	 * then follow the request's Host header).
	 */
	char public_url[512];
	/*
	 * Reverse proxies whose X-Forwarded-For names the client (for
	 * throttling sign-ins and for "metrics: local"): the text as set,
	 * and parsed.
	 */
	char             trusted_proxies[512];
	struct net_range proxies[NET_RANGES_MAX];
	size_t           nproxies;
	char plugin_dirs[CONFIG_PATH_MAX]; /* colon-separated directories */
	/*
	 * The config file's "plugins" mapping: plugin name -> its settings
	 * (a mapping of scalars). NULL when the file has none; owned.
	 */
	struct json_t *plugins;
};

/* Releases what a configuration owns (the plugin settings). */
void config_free(struct config *);
/* Fills the defaults (which depend on $HOME and $XDG_DATA_HOME). */
void config_defaults(struct config *);
/* Applies the YAML file; -1 with the reason in err. */
int
config_load_file(struct config *, const char *path, char *err, size_t errlen);
/* Applies ROLLIN_* environment variables; -1 with the reason in err. */
int config_load_env(struct config *, char *err, size_t errlen);
/* Sets one setting by its file key (as a flag would); -1 if invalid. */
int config_set(struct config *, const char *key, const char *value, char *err,
    size_t errlen);
/* Prints every setting with its key, variable, default and meaning. */
void config_describe(FILE *);
/* Splits "ADDR:PORT" ("[::1]:8080" for IPv6); -1 if malformed. */
int config_split_listen(const char *, char *addr, size_t addrlen,
    unsigned short *port);

#endif
