/*
 * config: defaults < YAML file < ROLLIN_* environment < flags, each layer
 * refusing what it cannot use with a message that names the setting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "net/addr.h"

static const char *const env_vars[] = { "ROLLIN_LISTEN", "ROLLIN_DB",
	"ROLLIN_LOG_LEVEL", "ROLLIN_PUBLIC_CATALOGUE", "ROLLIN_STALE_DAYS",
	"ROLLIN_MAX_BODY_BYTES", "ROLLIN_MAX_HEADER_BYTES",
	"ROLLIN_REQUEST_TIMEOUT", "ROLLIN_SHUTDOWN_GRACE",
	"ROLLIN_CHECKPOINT_INTERVAL", "ROLLIN_WEB_ROOT", "ROLLIN_METRICS",
	"ROLLIN_PUBLIC_URL", "ROLLIN_TRUSTED_PROXIES", NULL };

struct fixture {
	char dir[64];
	char file[128];
};

static void
clear_env(void)
{
	for (size_t i = 0; env_vars[i]; i++)
		unsetenv(env_vars[i]);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/rollin-config-XXXXXX");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->file, sizeof(fx->file), "%s/rollin.yml", fx->dir);
	clear_env();
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->file);
	rmdir(fx->dir);
	free(fx);
	clear_env();
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Loads text as the config file on top of the defaults; returns the rc. */
static int
load(struct fixture *fx, struct config *c, const char *text, char *err,
    size_t errlen)
{
	config_defaults(c);
	write_file(fx->file, text);
	err[0] = '\0';
	return config_load_file(c, fx->file, err, errlen);
}

static void
test_defaults(void **state)
{
	struct config c;

	(void)state;
	setenv("HOME", "/home/tester", 1);
	unsetenv("XDG_DATA_HOME");
	config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.db, "/home/tester/.local/share/rollin/rollin.db");
	assert_int_equal(c.log_level, LOG_INFO);
	assert_int_equal(c.public_catalogue, 1);
	assert_int_equal(c.stale_days, 180);
	assert_int_equal(c.max_body_bytes, 1024 * 1024);
	assert_int_equal(c.request_timeout, 30);
	assert_string_equal(c.config_file, "");

	setenv("XDG_DATA_HOME", "/srv/data", 1);
	config_defaults(&c);
	assert_string_equal(c.db, "/srv/data/rollin/rollin.db");
	unsetenv("XDG_DATA_HOME");
}

static void
test_file_applies(void **state)
{
	struct fixture *fx = *state;
	struct config   c;
	char            err[512];

	assert_int_equal(load(fx, &c,
	                     "# production\n"
	                     "listen: 0.0.0.0:9000\n"
	                     "db: /var/lib/rollin/catalogue.db\n"
	                     "log_level: debug\n"
	                     "public_catalogue: false\n"
	                     "stale_days: 90\n"
	                     "request_timeout: \"45\"\n",
	                     err, sizeof(err)),
	    0);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_string_equal(c.db, "/var/lib/rollin/catalogue.db");
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_int_equal(c.public_catalogue, 0);
	assert_int_equal(c.stale_days, 90);
	assert_int_equal(c.request_timeout, 45);
	/* Settings the file does not name keep their defaults. */
	assert_int_equal(c.max_body_bytes, 1024 * 1024);
	assert_string_equal(c.config_file, fx->file);

	/* An empty file changes nothing. */
	assert_int_equal(load(fx, &c, "", err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:8080");
}

static void
test_file_unknown_key(void **state)
{
	struct fixture *fx = *state;
	struct config   c;
	char            err[512];

	assert_int_equal(load(fx, &c, "listen: 127.0.0.1:1\nlisten_port: 80\n",
	                     err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "listen_port"));
	/* The file is named too, so the user knows where to look. */
	assert_non_null(strstr(err, fx->file));
}

static void
test_file_bad_values(void **state)
{
	static const struct {
		const char *text;
		const char *named;
	} cases[] = {
		{ "listen: localhost\n", "listen" },
		{ "listen: \"127.0.0.1:\"\n", "listen" },
		{ "listen: 127.0.0.1:70000\n", "listen" },
		{ "log_level: bogus\n", "log_level" },
		{ "stale_days: 0\n", "stale_days" },
		{ "stale_days: 3651\n", "stale_days" },
		{ "stale_days: ten\n", "stale_days" },
		{ "stale_days: 30.5\n", "stale_days" },
		{ "public_catalogue: maybe\n", "public_catalogue" },
		{ "metrics: everyone\n", "metrics" },
		{ "db: [a, b]\n", "db" },
		{ "db: \"\"\n", "db" },
		{ "- listen\n", NULL },
		{ "listen: [\n", NULL },
	};
	struct fixture *fx = *state;
	struct config   c;
	char            err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load(fx, &c, cases[i].text, err, sizeof(err)) != -1)
			fail_msg("accepted config file: %s", cases[i].text);
		if (err[0] == '\0')
			fail_msg("no reason for refusing: %s", cases[i].text);
		if (cases[i].named && strstr(err, cases[i].named) == NULL)
			fail_msg("'%s' does not name %s", err, cases[i].named);
	}
	/* Bounds are inclusive. */
	assert_int_equal(load(fx, &c, "stale_days: 1\n", err, sizeof(err)), 0);
	assert_int_equal(c.stale_days, 1);
	assert_int_equal(load(fx, &c, "stale_days: 3650\n", err, sizeof(err)),
	    0);
	assert_int_equal(c.stale_days, 3650);
}

static void
test_missing_file(void **state)
{
	struct fixture *fx = *state;
	struct config   c;
	char            err[512] = "", path[160];

	config_defaults(&c);
	snprintf(path, sizeof(path), "%s/absent.yml", fx->dir);
	assert_int_equal(config_load_file(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
}

static void
test_env_overrides_file(void **state)
{
	struct fixture *fx = *state;
	struct config   c;
	char            err[512];

	assert_int_equal(load(fx, &c,
	                     "listen: 0.0.0.0:9000\nstale_days: 90\n"
	                     "log_level: debug\n",
	                     err, sizeof(err)),
	    0);
	setenv("ROLLIN_LISTEN", "127.0.0.1:7000", 1);
	setenv("ROLLIN_STALE_DAYS", "30", 1);
	setenv("ROLLIN_PUBLIC_CATALOGUE", "off", 1);
	assert_int_equal(config_load_env(&c, err, sizeof(err)), 0);
	assert_string_equal(c.listen, "127.0.0.1:7000");
	assert_int_equal(c.stale_days, 30);
	assert_int_equal(c.public_catalogue, 0);
	/* Not set in the environment: the file's value stays. */
	assert_int_equal(c.log_level, LOG_DEBUG);

	/* An empty variable counts as unset. */
	setenv("ROLLIN_LOG_LEVEL", "", 1);
	assert_int_equal(config_load_env(&c, err, sizeof(err)), 0);
	assert_int_equal(c.log_level, LOG_DEBUG);

	setenv("ROLLIN_STALE_DAYS", "-5", 1);
	err[0] = '\0';
	assert_int_equal(config_load_env(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stale_days"));
}

static void
test_flags_override_env(void **state)
{
	struct config c;
	char          err[512];

	(void)state;
	config_defaults(&c);
	setenv("ROLLIN_LISTEN", "127.0.0.1:7000", 1);
	setenv("ROLLIN_DB", "/tmp/from-env.db", 1);
	assert_int_equal(config_load_env(&c, err, sizeof(err)), 0);
	assert_int_equal(config_set(&c, "listen", "[::1]:8081", err,
	                     sizeof(err)),
	    0);
	assert_string_equal(c.listen, "[::1]:8081");
	assert_string_equal(c.db, "/tmp/from-env.db");
	assert_int_equal(config_set(&c, "log_level", "warn", err, sizeof(err)),
	    0);
	assert_int_equal(c.log_level, LOG_WARN);
	/* The metrics are for this host only unless said otherwise. */
	assert_int_equal(c.metrics, METRICS_LOCAL);
	assert_int_equal(config_set(&c, "metrics", "token", err, sizeof(err)),
	    0);
	assert_int_equal(c.metrics, METRICS_TOKEN);
	assert_int_equal(config_set(&c, "metrics", "off", err, sizeof(err)), 0);
	assert_int_equal(c.metrics, METRICS_OFF);

	err[0] = '\0';
	assert_int_equal(config_set(&c, "port", "80", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "port"));
	/* A refused flag leaves the setting as it was. */
	assert_int_equal(config_set(&c, "listen", "nowhere", err, sizeof(err)),
	    -1);
	assert_string_equal(c.listen, "[::1]:8081");
	assert_int_equal(config_set(&c, "max_body_bytes", "100", err,
	                     sizeof(err)),
	    -1);
	assert_int_equal(c.max_body_bytes, 1024 * 1024);
}

static void
test_split_listen(void **state)
{
	static const char *const bad[] = { "8080", ":8080",
		"127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
		"127.0.0.1:80x", "127.0.0.1:http", "[::1]8080", "[::1:8080",
		"[]:8080", "[::1]:", "", NULL };
	char                     addr[64];
	unsigned short           port = 1;

	(void)state;
	assert_int_equal(config_split_listen("127.0.0.1:8080", addr,
	                     sizeof(addr), &port),
	    0);
	assert_string_equal(addr, "127.0.0.1");
	assert_int_equal(port, 8080);

	assert_int_equal(config_split_listen("[::1]:8080", addr, sizeof(addr),
	                     &port),
	    0);
	assert_string_equal(addr, "::1");
	assert_int_equal(port, 8080);

	/* Port 0: the system picks a free one. */
	assert_int_equal(config_split_listen("0.0.0.0:0", addr, sizeof(addr),
	                     &port),
	    0);
	assert_string_equal(addr, "0.0.0.0");
	assert_int_equal(port, 0);

	assert_int_equal(config_split_listen("localhost:65535", addr,
	                     sizeof(addr), &port),
	    0);
	assert_string_equal(addr, "localhost");
	assert_int_equal(port, 65535);

	for (size_t i = 0; bad[i]; i++)
		if (config_split_listen(bad[i], addr, sizeof(addr), &port) !=
		    -1)
			fail_msg("accepted listen address '%s'", bad[i]);
	/* An address that does not fit the buffer is refused, not cut. */
	assert_int_equal(config_split_listen("very-long-host-name:80", addr, 8,
	                     &port),
	    -1);
}

/* Feeds build their links on public_url: an http(s) URL with a host. */
static void
test_public_url(void **state)
{
	struct config c;
	char          err[256];

	(void)state;
	config_defaults(&c);
	assert_string_equal(c.public_url, "");
	assert_int_equal(config_set(&c, "public_url",
	                     "https://rollin.example.org/katalog/", err,
	                     sizeof(err)),
	    0);
	/* No trailing slash: paths are appended to it. */
	assert_string_equal(c.public_url, "https://rollin.example.org/katalog");
	assert_int_equal(config_set(&c, "public_url", "http://127.0.0.1:8080",
	                     err, sizeof(err)),
	    0);
	assert_string_equal(c.public_url, "http://127.0.0.1:8080");
	for (const char *const *bad = (const char *const[]){ "ftp://x.example",
	         "rollin.example.org", "https://", "https://x.example/?a=1",
	         "https://user@x.example", "", NULL };
	     *bad; bad++) {
		assert_int_equal(config_set(&c, "public_url", *bad, err,
		                     sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "public_url"));
	}
	assert_string_equal(c.public_url, "http://127.0.0.1:8080");
	config_free(&c);
}

static void
test_trusted_proxies(void **state)
{
	struct config c;
	char          err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.nproxies, 0);
	assert_int_equal(config_set(&c, "trusted_proxies",
	                     " 127.0.0.1, 10.0.0.0/8 ,fd00::/8,::1", err,
	                     sizeof(err)),
	    0);
	assert_int_equal(c.nproxies, 4);
	assert_true(net_ranges_contain(c.proxies, c.nproxies, "127.0.0.1"));
	assert_false(net_ranges_contain(c.proxies, c.nproxies, "127.0.0.2"));
	assert_true(net_ranges_contain(c.proxies, c.nproxies, "10.200.3.4"));
	assert_false(net_ranges_contain(c.proxies, c.nproxies, "11.0.0.1"));
	assert_true(net_ranges_contain(c.proxies, c.nproxies, "fd12::7"));
	assert_true(net_ranges_contain(c.proxies, c.nproxies, "::1"));
	assert_false(net_ranges_contain(c.proxies, c.nproxies, "fe80::1"));
	/* A dual-stack socket's IPv4 peer is the IPv4 address. */
	assert_true(
	    net_ranges_contain(c.proxies, c.nproxies, "::ffff:10.1.2.3"));
	assert_false(net_ranges_contain(c.proxies, c.nproxies, "nonsense"));
	/* A range that is not a whole number of bytes. */
	assert_int_equal(config_set(&c, "trusted_proxies", "192.0.2.128/25",
	                     err, sizeof(err)),
	    0);
	assert_true(net_ranges_contain(c.proxies, c.nproxies, "192.0.2.200"));
	assert_false(net_ranges_contain(c.proxies, c.nproxies, "192.0.2.127"));
	/* A bad value names the setting and the entry, and changes nothing. */
	for (const char *const *bad =
	         (const char *const[]){ "10.0.0.0/33", "proxy.example.org",
	             "10.0.0.1/", "::1/129", "10.0.0.1/x", NULL };
	     *bad; bad++) {
		assert_int_equal(config_set(&c, "trusted_proxies", *bad, err,
		                     sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "trusted_proxies"));
		assert_non_null(strstr(err, *bad));
		assert_int_equal(c.nproxies, 1);
	}
	/* Empty: nobody is trusted again. */
	assert_int_equal(config_set(&c, "trusted_proxies", "", err,
	                     sizeof(err)),
	    0);
	assert_int_equal(c.nproxies, 0);
	assert_true(net_addr_is_loopback("127.0.0.1"));
	assert_true(net_addr_is_loopback("::1"));
	assert_true(net_addr_is_loopback("::ffff:127.0.0.1"));
	assert_false(net_addr_is_loopback("192.0.2.1"));
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_applies, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_unknown_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_file_bad_values, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_env_overrides_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flags_override_env, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_split_listen, setup,
		    teardown),
		cmocka_unit_test(test_public_url),
		cmocka_unit_test(test_trusted_proxies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
