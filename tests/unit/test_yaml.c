/*
 * util/yaml: YAML as the configuration file uses it, turned into JSON
 * values with YAML 1.2 core-schema typing, and errors a user can find in
 * their file (line:column).
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

#include "util/yaml.h"

static json_t *
load(const char *text)
{
	char    err[256] = "";
	json_t *v = yaml_load_string(text, strlen(text), err, sizeof(err));

	if (v == NULL)
		fail_msg("refused %s: %s", text, err);
	return v;
}

/* Expects text to be refused; the reason goes to err. */
static void
load_fails(const char *text, char *err, size_t errlen)
{
	json_t *v;

	err[0] = '\0';
	v = yaml_load_string(text, strlen(text), err, errlen);
	if (v != NULL) {
		json_decref(v);
		fail_msg("accepted %s", text);
	}
	if (err[0] == '\0')
		fail_msg("refused without a reason: %s", text);
}

/* Compares the loaded value with the JSON it should equal. */
static void
expect(const char *yaml, const char *json)
{
	json_t *got = load(yaml), *want = json_loads(json, 0, NULL);
	char   *text;

	char msg[512];
	int  same;

	assert_non_null(want);
	same = json_equal(got, want);
	text = json_dumps(got, JSON_ENCODE_ANY | JSON_SORT_KEYS);
	snprintf(msg, sizeof(msg), "%s gave %s, expected %s", yaml, text, json);
	free(text);
	json_decref(got);
	json_decref(want);
	if (!same)
		fail_msg("%s", msg);
}

static void
test_plain_scalars_typed(void **state)
{
	(void)state;
	expect("a: true\nb: false\nc: null\nd: ~\ne:\n",
	    "{\"a\": true, \"b\": false, \"c\": null, \"d\": null, "
	    "\"e\": null}");
	expect("a: 42\nb: -7\nc: 0\nd: 8080\n",
	    "{\"a\": 42, \"b\": -7, \"c\": 0, \"d\": 8080}");
	/* Everything else stays text. */
	expect("a: yes\nb: 1.5\nc: 127.0.0.1:8080\nd: 12abc\ne: hello world\n",
	    "{\"a\": \"yes\", \"b\": \"1.5\", \"c\": \"127.0.0.1:8080\", "
	    "\"d\": \"12abc\", \"e\": \"hello world\"}");
	/* Too big for an integer: kept as written rather than wrapped. */
	expect("a: 99999999999999999999999\n",
	    "{\"a\": \"99999999999999999999999\"}");
}

static void
test_quoted_stay_strings(void **state)
{
	(void)state;
	expect("a: \"true\"\nb: 'false'\nc: \"null\"\nd: '42'\ne: \"\"\n",
	    "{\"a\": \"true\", \"b\": \"false\", \"c\": \"null\", "
	    "\"d\": \"42\", \"e\": \"\"}");
	expect("a: \"Thüringen\"\nb: 'it''s'\n",
	    "{\"a\": \"Thüringen\", \"b\": \"it's\"}");
}

/*
 * The YAML 1.2 core schema, which util/yaml.h promises, spells booleans and
 * null also True/TRUE/False/FALSE and Null/NULL; a config file written
 * "public_catalogue: True" must not end up as the text "True".
 */
static void
test_core_schema_spellings(void **state)
{
	(void)state;
	expect("a: True\nb: TRUE\nc: False\nd: FALSE\ne: Null\nf: NULL\n",
	    "{\"a\": true, \"b\": true, \"c\": false, \"d\": false, "
	    "\"e\": null, \"f\": null}");
	expect("a: +5\n", "{\"a\": 5}");
}

static void
test_nested(void **state)
{
	(void)state;
	expect("server:\n  listen: 0.0.0.0:80\n  limits:\n    body: 1024\n"
	       "plugins:\n  - name: webhook\n    urls: [https://a.example, "
	       "https://b.example]\n  - name: mail\n    enabled: false\n"
	       "empty_list: []\nempty_map: {}\n",
	    "{\"server\": {\"listen\": \"0.0.0.0:80\", \"limits\": "
	    "{\"body\": 1024}}, \"plugins\": [{\"name\": \"webhook\", "
	    "\"urls\": [\"https://a.example\", \"https://b.example\"]}, "
	    "{\"name\": \"mail\", \"enabled\": false}], \"empty_list\": [], "
	    "\"empty_map\": {}}");
	expect("- 1\n- [a, {b: c}]\n- - x\n  - y\n",
	    "[1, [\"a\", {\"b\": \"c\"}], [\"x\", \"y\"]]");
}

static void
test_empty_document(void **state)
{
	(void)state;
	expect("", "{}");
	expect("# only a comment\n", "{}");
}

static void
test_aliases_refused(void **state)
{
	char err[256];

	(void)state;
	load_fails("base: &b 1\ncopy: *b\n", err, sizeof(err));
	assert_non_null(strstr(err, "alias"));
	/* The position of the alias. */
	assert_int_equal(strncmp(err, "2:7:", 4), 0);
	/* Merge keys are aliases too. */
	load_fails("a: &a {x: 1}\nb:\n  <<: *a\n", err, sizeof(err));
	assert_non_null(strstr(err, "alias"));
}

static void
test_syntax_error_position(void **state)
{
	char err[256];

	(void)state;
	/* An unclosed flow sequence: noticed on line 3. */
	load_fails("a: 1\nb: [1, 2\nc: 3\n", err, sizeof(err));
	assert_int_equal(strncmp(err, "3:", 2), 0);
	assert_true(strlen(err) > 4);

	/* Bad indentation: the colon on line 3, column 12. */
	load_fails("listen: x\ndb: y\n  log_level: debug\n", err, sizeof(err));
	assert_int_equal(strncmp(err, "3:12:", 5), 0);

	/* A tab cannot indent YAML: line 2, column 1. */
	load_fails("a:\n\tb: 1\n", err, sizeof(err));
	assert_int_equal(strncmp(err, "2:1:", 4), 0);

	/* Two documents in one configuration file. */
	load_fails("a: 1\n---\nb: 2\n", err, sizeof(err));
	assert_int_equal(strncmp(err, "3:1:", 4), 0);
	assert_non_null(strstr(err, "one"));
}

/*
 * YAML mapping keys are unique. A configuration file that sets listen twice
 * is a mistake the user should hear about, not have the second value win
 * silently.
 */
static void
test_duplicate_keys_refused(void **state)
{
	char err[256];

	(void)state;
	load_fails("listen: 127.0.0.1:80\ndb: x\nlisten: 0.0.0.0:80\n", err,
	    sizeof(err));
	assert_non_null(strstr(err, "listen"));
	assert_int_equal(strncmp(err, "3:", 2), 0);
}

static void
test_load_file(void **state)
{
	char    dir[] = "/tmp/rollin-yaml-XXXXXX", path[64], err[256];
	FILE   *f;
	json_t *v;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.yml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("stale_days: 30\nlisten: \"[::1]:8080\"\n", f);
	fclose(f);
	v = yaml_load_file(path, err, sizeof(err));
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "stale_days")),
	    30);
	assert_string_equal(json_string_value(json_object_get(v, "listen")),
	    "[::1]:8080");
	json_decref(v);
	unlink(path);

	err[0] = '\0';
	assert_null(yaml_load_file(path, err, sizeof(err)));
	assert_true(err[0] != '\0');
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_scalars_typed),
		cmocka_unit_test(test_quoted_stay_strings),
		cmocka_unit_test(test_core_schema_spellings),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_aliases_refused),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_duplicate_keys_refused),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
