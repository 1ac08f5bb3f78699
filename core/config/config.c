#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "config/config.h"
#include "util/yaml.h"

enum setting_type {
	SET_STRING,
	SET_INT,
	SET_BOOL,
	SET_LEVEL,
	SET_LISTEN,
	SET_METRICS,
	SET_URL,
	SET_PROXIES
};

/* One row per setting: the single place that names keys and variables. */
struct setting {
	const char       *key; /* config file key */
	const char       *env; /* environment variable */
	enum setting_type type;
	size_t            offset;
	size_t            size;     /* SET_STRING: buffer size */
	long              min, max; /* SET_INT bounds */
	const char       *help;
};

#define STR(f)                                  \
	SET_STRING, offsetof(struct config, f), \
	    sizeof(((struct config *)0)->f), 0, 0
#define INT(f, lo, hi) SET_INT, offsetof(struct config, f), 0, lo, hi

static const struct setting settings[] = {
	{ "listen", "ROLLIN_LISTEN", SET_LISTEN,
	    offsetof(struct config, listen),
	    sizeof(((struct config *)0)->listen), 0, 0,
	    "address and port to serve on (default 127.0.0.1:8080)" },
	{ "db", "ROLLIN_DB", STR(db),
	    "SQLite database file (default $XDG_DATA_HOME/rollin/rollin.db)" },
	{ "log_level", "ROLLIN_LOG_LEVEL", SET_LEVEL,
	    offsetof(struct config, log_level), 0, 0, 0,
	    "error, warn, info or debug (default info)" },
	{ "public_catalogue", "ROLLIN_PUBLIC_CATALOGUE", SET_BOOL,
	    offsetof(struct config, public_catalogue), 0, 0, 0,
	    "anonymous clients may read the catalogue (default true)" },
	{ "stale_days", "ROLLIN_STALE_DAYS", INT(stale_days, 1, 3650),
	    "an entry is stale once more than this many days have passed "
	    "since it was last confirmed or changed (default 180)" },
	{ "day_rate_cents", "ROLLIN_DAY_RATE_CENTS",
	    INT(day_rate_cents, 0, 100000000),
	    "euro cents per person-day of own effort in cost reports that "
	    "give no day rate (default 80000)" },
	{ "support_ending_days", "ROLLIN_SUPPORT_ENDING_DAYS",
	    STR(support_ending_days),
	    "days before a cycle's end of support that cycle.support_ending "
	    "is emitted, comma-separated (default 90,30,7)" },
	{ "timer_interval", "ROLLIN_TIMER_INTERVAL",
	    INT(timer_interval, 1, 86400),
	    "seconds between scans for time-driven events (default 60)" },
	{ "max_body_bytes", "ROLLIN_MAX_BODY_BYTES",
	    INT(max_body_bytes, 1024, 64 * 1024 * 1024),
	    "largest request body accepted (default 1048576)" },
	{ "max_header_bytes", "ROLLIN_MAX_HEADER_BYTES",
	    INT(max_header_bytes, 1024, 1024 * 1024),
	    "largest request header block accepted (default 16384)" },
	{ "request_timeout", "ROLLIN_REQUEST_TIMEOUT",
	    INT(request_timeout, 1, 3600),
	    "seconds a client may take to send a request (default 30)" },
	{ "shutdown_grace", "ROLLIN_SHUTDOWN_GRACE",
	    INT(shutdown_grace, 0, 600),
	    "seconds to finish requests in flight on shutdown (default 10)" },
	{ "checkpoint_interval", "ROLLIN_CHECKPOINT_INTERVAL",
	    INT(checkpoint_interval, 1, 3600),
	    "seconds between WAL checkpoints off the loop thread (default 5)" },
	{ "delivery_retention_days", "ROLLIN_DELIVERY_RETENTION_DAYS",
	    INT(delivery_retention_days, 0, 36500),
	    "days a delivered event's delivery row is kept; dead letters stay "
	    "until retried; 0 keeps every row (default 30)" },
	{ "metrics", "ROLLIN_METRICS", SET_METRICS,
	    offsetof(struct config, metrics), 0, 0, 0,
	    "who may read GET /metrics: local (clients on loopback), public, "
	    "token (an admin's token) or off (default local)" },
	{ "plugin_dirs", "ROLLIN_PLUGIN_DIRS", STR(plugin_dirs),
	    "directories searched for plugins (*.so, *.lua), separated by "
	    "':' (default: the build's plugins and the shipped scripts)" },
	{ "web_root", "ROLLIN_WEB_ROOT", STR(web_root),
	    "directory of the web UI's static files (default: web/ beside "
	    "the sources)" },
	{ "public_url", "ROLLIN_PUBLIC_URL", SET_URL,
	    offsetof(struct config, public_url),
	    sizeof(((struct config *)0)->public_url), 0, 0,
	    "http(s) URL under which clients reach the service, for absolute "
	    "links and ids in feeds and calendars (default: from the request's "
	    "Host)" },
	{ "trusted_proxies", "ROLLIN_TRUSTED_PROXIES", SET_PROXIES,
	    offsetof(struct config, trusted_proxies),
	    sizeof(((struct config *)0)->trusted_proxies), 0, 0,
	    "addresses or ranges of reverse proxies whose X-Forwarded-For "
	    "names the client, comma-separated, e.g. 127.0.0.1,::1 (default: "
	    "none; the direct peer is the client)" },
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

void
config_defaults(struct config *c)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	if (xdg != NULL && *xdg == '/')
		snprintf(c->db, sizeof(c->db), "%s/rollin/rollin.db", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(c->db, sizeof(c->db),
		    "%s/.local/share/rollin/rollin.db", home);
	else
		snprintf(c->db, sizeof(c->db), "rollin.db");
	c->log_level = LOG_INFO;
	c->public_catalogue = 1;
	c->stale_days = 180;
	c->day_rate_cents = 80000;
	snprintf(c->support_ending_days, sizeof(c->support_ending_days),
	    "90,30,7");
	c->timer_interval = 60;
	c->max_body_bytes = 1024 * 1024;
	c->max_header_bytes = 16 * 1024;
	c->request_timeout = 30;
	c->shutdown_grace = 10;
	c->checkpoint_interval = 5;
	c->delivery_retention_days = 30;
	c->metrics = METRICS_LOCAL;
#ifdef ROLLIN_SOURCE_DIR
	snprintf(c->web_root, sizeof(c->web_root), "%s/web", ROLLIN_SOURCE_DIR);
	snprintf(c->plugin_dirs, sizeof(c->plugin_dirs), "%s:%s/scripts",
	    ROLLIN_PLUGIN_DIR, ROLLIN_SOURCE_DIR);
#endif
}

int
config_split_listen(const char *s, char *addr, size_t addrlen,
    unsigned short *port)
{
	const char *colon;
	char       *end;
	size_t      alen;
	long        p;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		s++;
		alen = (size_t)(close - s);
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		alen = (size_t)(colon - s);
	}
	if (alen == 0 || alen >= addrlen)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || p < 0 ||
	    p > 65535)
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	*port = (unsigned short)p;
	return 0;
}

static const struct setting *
find_setting(const char *key)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

static int
parse_bool(const char *v, int *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0 || strcmp(v, "on") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0 || strcmp(v, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* An http(s) URL with a host, no query or fragment; trailing '/' dropped. */
static int
check_url(const char *v)
{
	struct evhttp_uri *u = evhttp_uri_parse(v);
	const char        *scheme, *host;
	int                ok;

	if (u == NULL)
		return -1;
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	ok = scheme &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	    host && *host && evhttp_uri_get_query(u) == NULL &&
	    evhttp_uri_get_fragment(u) == NULL &&
	    evhttp_uri_get_userinfo(u) == NULL;
	evhttp_uri_free(u);
	return ok ? 0 : -1;
}

static int
parse_metrics(const char *v, enum metrics_access *out, char *err, size_t errlen)
{
	static const char *const names[] = { [METRICS_LOCAL] = "local",
		[METRICS_PUBLIC] = "public",
		[METRICS_TOKEN] = "token",
		[METRICS_OFF] = "off" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (enum metrics_access)i;
			return 0;
		}
	snprintf(err, errlen,
	    "metrics: expected local, public, token or off, got '%s'", v);
	return -1;
}

static int
parse_proxies(struct config *c, const struct setting *s, const char *v,
    char *err, size_t errlen)
{
	struct net_range ranges[NET_RANGES_MAX];
	size_t           n;
	char             why[160];

	if (strlen(v) >= s->size) {
		snprintf(err, errlen, "%s: must be at most %zu characters",
		    s->key, s->size - 1);
		return -1;
	}
	if (net_ranges_parse(v, ranges, &n, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", s->key, why);
		return -1;
	}
	snprintf(c->trusted_proxies, sizeof(c->trusted_proxies), "%s", v);
	memcpy(c->proxies, ranges, sizeof(ranges));
	c->nproxies = n;
	return 0;
}

static int
apply(struct config *c, const struct setting *s, const char *v, char *err,
    size_t errlen)
{
	char          *field = (char *)c + s->offset;
	char           addr[256], *end;
	unsigned short port;
	long           n;

	switch (s->type) {
	case SET_LISTEN:
		if (config_split_listen(v, addr, sizeof(addr), &port) == -1) {
			snprintf(err, errlen,
			    "%s: expected ADDR:PORT, got "
			    "'%s'",
			    s->key, v);
			return -1;
		}
		/* FALLTHROUGH */
	case SET_URL:
		if (s->type == SET_URL && check_url(v) == -1) {
			snprintf(err, errlen,
			    "%s: expected an http or https URL like "
			    "https://rollin.example.org, got '%s'",
			    s->key, v);
			return -1;
		}
		/* FALLTHROUGH */
	case SET_STRING:
		if (strlen(v) >= s->size || *v == '\0') {
			snprintf(err, errlen, "%s: must be 1 to %zu characters",
			    s->key, s->size - 1);
			return -1;
		}
		memcpy(field, v, strlen(v) + 1);
		if (s->type == SET_URL)
			for (size_t len = strlen(field);
			     len > 0 && field[len - 1] == '/'; len--)
				field[len - 1] = '\0';
		return 0;
	case SET_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v || n < s->min ||
		    n > s->max) {
			snprintf(err, errlen,
			    "%s: expected a whole number "
			    "from %ld to %ld, got '%s'",
			    s->key, s->min, s->max, v);
			return -1;
		}
		*(int *)(void *)field = (int)n;
		return 0;
	case SET_BOOL:
		if (parse_bool(v, (int *)(void *)field) == -1) {
			snprintf(err, errlen,
			    "%s: expected true or false, got "
			    "'%s'",
			    s->key, v);
			return -1;
		}
		return 0;
	case SET_LEVEL:
		if (log_parse_level(v, (enum log_level *)(void *)field) == -1) {
			snprintf(err, errlen,
			    "%s: expected error, warn, info "
			    "or debug, got '%s'",
			    s->key, v);
			return -1;
		}
		return 0;
	case SET_METRICS:
		return parse_metrics(v, (enum metrics_access *)(void *)field,
		    err, errlen);
	case SET_PROXIES:
		return parse_proxies(c, s, v, err, errlen);
	}
	return -1;
}

int
config_set(struct config *c, const char *key, const char *value, char *err,
    size_t errlen)
{
	const struct setting *s = find_setting(key);

	if (s == NULL) {
		snprintf(err, errlen, "unknown setting '%s'", key);
		return -1;
	}
	return apply(c, s, value, err, errlen);
}

/*
 * plugins: { <name>: { <setting>: <scalar>, ... }, ... }. Values are kept
 * as text for the plugin to interpret; nesting deeper is refused.
 */
static int
check_plugins(json_t *v, const char *path, char *err, size_t errlen)
{
	const char *name, *key;
	json_t     *conf, *value;

	if (!json_is_object(v)) {
		snprintf(err, errlen,
		    "%s: plugins must map plugin names to "
		    "their settings",
		    path);
		return -1;
	}
	json_object_foreach(v, name, conf)
	{
		if (!json_is_object(conf)) {
			snprintf(err, errlen,
			    "%s: plugins.%s must be a mapping "
			    "of settings",
			    path, name);
			return -1;
		}
		json_object_foreach(conf, key, value)
		{
			if (json_is_object(value) || json_is_array(value)) {
				snprintf(err, errlen,
				    "%s: plugins.%s.%s must be "
				    "a single value",
				    path, name, key);
				return -1;
			}
		}
	}
	return 0;
}

void
config_free(struct config *c)
{
	json_decref(c->plugins);
	c->plugins = NULL;
}

int
config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	const struct setting *s;
	const char           *key;
	json_t               *root, *v;
	char                  buf[64], why[512];
	const char           *text;
	int                   rc = -1;

	if ((root = yaml_load_file(path, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s:%s", path, why);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(err, errlen, "%s: expected a mapping of settings",
		    path);
		goto done;
	}
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "plugins") == 0) {
			if (check_plugins(v, path, err, errlen) == -1)
				goto done;
			json_decref(c->plugins);
			c->plugins = json_incref(v);
			continue;
		}
		if ((s = find_setting(key)) == NULL) {
			snprintf(err, errlen, "%s: unknown setting '%s'", path,
			    key);
			goto done;
		}
		if (json_is_string(v))
			text = json_string_value(v);
		else if (json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%lld",
			    (long long)json_integer_value(v));
			text = buf;
		} else if (json_is_boolean(v))
			text = json_is_true(v) ? "true" : "false";
		else {
			snprintf(err, errlen, "%s: %s: expected a single value",
			    path, key);
			goto done;
		}
		if (apply(c, s, text, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: %s", path, why);
			goto done;
		}
	}
	snprintf(c->config_file, sizeof(c->config_file), "%s", path);
	rc = 0;
done:
	json_decref(root);
	return rc;
}

int
config_load_env(struct config *c, char *err, size_t errlen)
{
	const char *v;

	for (size_t i = 0; i < NSETTINGS; i++) {
		if ((v = getenv(settings[i].env)) == NULL || *v == '\0')
			continue;
		if (apply(c, &settings[i], v, err, errlen) == -1)
			return -1;
	}
	return 0;
}

void
config_describe(FILE *f)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		fprintf(f, "  %-23s %-30s %s\n", settings[i].key,
		    settings[i].env, settings[i].help);
}
