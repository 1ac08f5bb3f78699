/*
 * domain/validate: the single checks (slug, URL, e-mail) and
 * validate_fields() against the real resource descriptions, as a client
 * sees it: status, code, field path and message of the first problem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "domain/resource.h"
#include "domain/validate.h"

/* Parses a JSON literal written in the test; fails the test if malformed. */
/* Runs validate_fields and expects success. */
static void
ok(const struct resource *res, const char *text, int creating)
{
	struct rl_error err = { 0 };
	json_t         *doc = fixture_json(text);

	int rc = validate_fields(res->fields, doc, creating, NULL, &err);

	json_decref(doc);
	if (rc != 0)
		fail_msg("refused %s: %d %s %s: %s", text, err.status, err.code,
		    err.field, err.message);
}

/* Runs validate_fields and expects the given status, code and field. */
static void
refused(const struct resource *res, const char *text, int creating, int status,
    const char *code, const char *field, struct rl_error *out)
{
	struct rl_error err = { 0 };
	json_t         *doc = fixture_json(text);

	int rc = validate_fields(res->fields, doc, creating, NULL, &err);

	json_decref(doc);
	if (rc != -1)
		fail_msg("accepted %s", text);
	if (err.status != status || strcmp(err.code, code) != 0 ||
	    strcmp(err.field, field) != 0)
		fail_msg("%s: expected %d %s %s, got %d %s %s (%s)", text,
		    status, code, field, err.status, err.code, err.field,
		    err.message);
	if (out != NULL)
		*out = err;
}

/* A JSON string of n copies of the UTF-8 sequence s. */
static char *
repeat_json(const char *s, size_t n)
{
	size_t len = strlen(s);
	char  *out = malloc(n * len + 3), *p = out;

	assert_non_null(out);
	*p++ = '"';
	for (size_t i = 0; i < n; i++, p += len)
		memcpy(p, s, len);
	*p++ = '"';
	*p = '\0';
	return out;
}

#define ORG_MIN \
	"\"slug\": \"org-a\", \"name\": \"Org A\", \"kind\": \"municipal\""
#define SOL_MIN                                                            \
	"\"slug\": \"sol-a\", \"name\": \"Sol A\", \"owner\": \"org-a\", " \
	"\"maturity\": \"pilot\""

static void
test_slug(void **state)
{
	char long_slug[80];

	(void)state;
	assert_true(validate_slug("ab"));
	assert_true(validate_slug("ozg-wohngeld"));
	assert_true(validate_slug("a1-b2-c3"));
	assert_false(validate_slug(""));
	assert_false(validate_slug("a"));
	assert_false(validate_slug("Ozg"));
	assert_false(validate_slug("1abc"));
	assert_false(validate_slug("-abc"));
	assert_false(validate_slug("abc-"));
	assert_false(validate_slug("ab--cd"));
	assert_false(validate_slug("ab_cd"));
	assert_false(validate_slug("ab cd"));
	assert_false(validate_slug("über"));
	memset(long_slug, 'a', 64);
	long_slug[64] = '\0';
	assert_true(validate_slug(long_slug));
	long_slug[64] = 'a';
	long_slug[65] = '\0';
	assert_false(validate_slug(long_slug));
}

static void
test_url(void **state)
{
	(void)state;
	assert_true(validate_url("https://example.org"));
	assert_true(validate_url("http://example.org/path?q=1#x"));
	assert_true(validate_url("https://gitlab.opencode.de:8443/a/b"));
	assert_true(validate_url("HTTPS://EXAMPLE.ORG/"));
	assert_false(validate_url("ftp://example.org/file"));
	assert_false(validate_url("mailto:info@example.org"));
	assert_false(validate_url("javascript:alert(1)"));
	assert_false(validate_url("example.org"));
	assert_false(validate_url("//example.org/x"));
	assert_false(validate_url("http://"));
	assert_false(validate_url("http:///path"));
	assert_false(validate_url("https://exa mple.org"));
	assert_false(validate_url("https://example.org/a b"));
	assert_false(validate_url(" https://example.org"));
	assert_false(validate_url("https://example.org\n"));
	assert_false(validate_url(""));
}

static void
test_email(void **state)
{
	(void)state;
	assert_true(validate_email("a@b.de"));
	assert_true(validate_email("vorname.nachname@stadt-musterstadt.de"));
	assert_false(validate_email("no-at.example.org"));
	assert_false(validate_email("@example.org"));
	assert_false(validate_email("a@@example.org"));
	assert_false(validate_email("a@b@example.org"));
	assert_false(validate_email("a@example"));
	assert_false(validate_email("a@.org"));
	assert_false(validate_email("a@example."));
	assert_false(validate_email("a b@example.org"));
	assert_false(validate_email("A <a@example.org>"));
	assert_false(validate_email("a@example.org, b@example.org"));
	assert_false(validate_email(""));
}

static void
test_complete_records_pass(void **state)
{
	(void)state;
	ok(&res_organisation,
	    "{" ORG_MIN ", \"state\": \"Baden-Württemberg\", "
	    "\"ars\": \"081110000000\", \"website\": \"https://example.org\"}",
	    1);
	ok(&res_solution,
	    "{" SOL_MIN ", \"summary\": \"s\", "
	    "\"description\": \"line 1\\nline 2\", \"open_source\": true, "
	    "\"licence\": \"EUPL-1.2 OR AGPL-3.0-or-later\", "
	    "\"repository\": \"https://gitlab.opencode.de/x\", "
	    "\"problems\": [\"a\", \"b\"], "
	    "\"documentation\": [{\"title\": \"t\", \"url\": "
	    "\"https://x.org\"}], "
	    "\"transfer_concept\": [{\"step\": \"s\", \"role\": \"owner\", "
	    "\"effort_days\": 2.5}]}",
	    1);
	ok(&res_release,
	    "{\"version\": \"1.0\", \"status\": \"released\", "
	    "\"date\": \"2026-01-31\", \"cycle\": \"1.x\"}",
	    1);
}

static void
test_unknown_and_read_only(void **state)
{
	(void)state;
	refused(&res_organisation, "{" ORG_MIN ", \"colour\": \"blue\"}", 1,
	    422, "unknown_field", "colour", NULL);
	refused(&res_organisation, "{\"id\": 5}", 0, 422, "read_only", "id",
	    NULL);
	refused(&res_solution, "{\"rev\": 3}", 0, 422, "read_only", "rev",
	    NULL);
	refused(&res_solution, "{\"updated_at\": \"2026-01-01\"}", 0, 422,
	    "read_only", "updated_at", NULL);
	/* Derived values are shown but cannot be written either. */
	refused(&res_solution, "{\"completeness\": 100}", 0, 422,
	    "unknown_field", "completeness", NULL);
	refused(&res_solution,
	    "{\"transfer_concept\": [{\"step\": \"s\", "
	    "\"role\": \"owner\", \"colour\": 1}]}",
	    0, 422, "unknown_field", "transfer_concept[0].colour", NULL);
}

static void
test_wrong_types(void **state)
{
	struct rl_error err;

	(void)state;
	refused(&res_organisation, "{\"name\": 5}", 0, 422, "wrong_type",
	    "name", &err);
	assert_non_null(strstr(err.message, "string"));
	refused(&res_solution, "{\"open_source\": \"true\"}", 0, 422,
	    "wrong_type", "open_source", NULL);
	refused(&res_solution, "{\"problems\": \"one\"}", 0, 422, "wrong_type",
	    "problems", NULL);
	refused(&res_solution, "{\"problems\": [\"a\", 2]}", 0, 422,
	    "wrong_type", "problems[1]", NULL);
	refused(&res_solution, "{\"documentation\": {\"title\": \"t\"}}", 0,
	    422, "wrong_type", "documentation", NULL);
	refused(&res_solution, "{\"documentation\": [\"https://x.org\"]}", 0,
	    422, "wrong_type", "documentation[0]", NULL);
	refused(&res_solution, "{\"owner\": 7}", 0, 422, "wrong_type", "owner",
	    NULL);
	refused(&res_solution,
	    "{\"transfer_concept\": [{\"step\": \"s\", "
	    "\"role\": \"owner\", \"effort_days\": \"3\"}]}",
	    0, 422, "wrong_type", "transfer_concept[0].effort_days", NULL);
	refused(&res_release, "{\"cycle\": 2}", 0, 422, "wrong_type", "cycle",
	    NULL);
	refused(&res_contact, "{\"organisation\": [\"org-a\"]}", 0, 422,
	    "wrong_type", "organisation", NULL);
}

static void
test_formats_and_ranges(void **state)
{
	(void)state;
	refused(&res_organisation, "{\"website\": \"ftp://example.org\"}", 0,
	    422, "invalid_format", "website", NULL);
	refused(&res_organisation, "{\"slug\": \"Org A\"}", 0, 422,
	    "invalid_format", "slug", NULL);
	refused(&res_contact, "{\"email\": \"nobody\"}", 0, 422,
	    "invalid_format", "email", NULL);
	refused(&res_release, "{\"date\": \"2026-02-29\"}", 0, 422,
	    "invalid_format", "date", NULL);
	/* One-line fields take no line breaks; text fields do. */
	refused(&res_organisation, "{\"name\": \"a\\nb\"}", 0, 422,
	    "invalid_format", "name", NULL);
	ok(&res_solution, "{\"usage_context\": \"a\\nb\"}", 0);
	refused(&res_solution,
	    "{\"transfer_concept\": [{\"step\": \"s\", "
	    "\"role\": \"owner\", \"effort_days\": -1}]}",
	    0, 422, "out_of_range", "transfer_concept[0].effort_days", NULL);
	refused(&res_solution, "{\"licence\": \"Proprietary-Licence\"}", 0, 422,
	    "invalid_value", "licence", NULL);
}

static void
test_enum_message(void **state)
{
	struct rl_error err;

	(void)state;
	refused(&res_organisation, "{\"kind\": \"county\"}", 0, 422,
	    "invalid_value", "kind", &err);
	assert_non_null(strstr(err.message,
	    "federal, state, municipal, "
	    "association, provider, other"));
	assert_non_null(strstr(err.message, "county"));

	/* The longest list: all sixteen states must be named. */
	refused(&res_organisation, "{\"state\": \"Bavaria\"}", 0, 422,
	    "invalid_value", "state", &err);
	assert_non_null(strstr(err.message, "Baden-Württemberg"));
	assert_non_null(strstr(err.message, "Thüringen"));

	refused(&res_solution, "{\"maturity\": \"beta\"}", 0, 422,
	    "invalid_value", "maturity", &err);
	assert_non_null(strstr(err.message,
	    "concept, development, pilot, "
	    "production, widespread, retired"));
	/* Enum values compare exactly. */
	refused(&res_solution, "{\"maturity\": \"Pilot\"}", 0, 422,
	    "invalid_value", "maturity", NULL);
}

static void
test_length_counts_characters(void **state)
{
	char  *name, *doc;
	size_t len;

	(void)state;
	/* 200 "ü" are 400 bytes but 200 characters: allowed. */
	name = repeat_json("ü", 200);
	len = strlen(name) + 32;
	doc = malloc(len);
	snprintf(doc, len, "{\"name\": %s}", name);
	ok(&res_organisation, doc, 0);
	free(name);
	free(doc);

	name = repeat_json("ü", 201);
	len = strlen(name) + 32;
	doc = malloc(len);
	snprintf(doc, len, "{\"name\": %s}", name);
	refused(&res_organisation, doc, 0, 422, "too_long", "name", NULL);
	free(name);
	free(doc);

	/* Four-byte characters count once too. */
	name = repeat_json("\xf0\x9f\x9a\x80", 64);
	len = strlen(name) + 32;
	doc = malloc(len);
	snprintf(doc, len, "{\"version\": %s}", name);
	ok(&res_release, doc, 0);
	free(name);
	free(doc);

	refused(&res_organisation, "{\"ars\": \"0811100000001\"}", 0, 422,
	    "too_long", "ars", NULL);
	assert_int_equal(utf8_length("Thüringen"), 9);
	assert_int_equal(utf8_length(""), 0);
}

static void
test_nested_paths(void **state)
{
	struct rl_error err;

	(void)state;
	refused(&res_solution,
	    "{\"transfer_concept\": ["
	    "{\"step\": \"Vertrag\", \"role\": \"owner\"}, "
	    "{\"step\": \"Betrieb\", \"role\": \"boss\"}]}",
	    0, 422, "invalid_value", "transfer_concept[1].role", &err);
	assert_non_null(strstr(err.message,
	    "adopter, owner, provider, "
	    "onboarding"));
	/* Items are always complete, also in a patch. */
	refused(&res_solution,
	    "{\"transfer_concept\": [{\"role\": "
	    "\"owner\"}]}",
	    0, 422, "missing_field", "transfer_concept[0].step", NULL);
	refused(&res_solution,
	    "{\"documentation\": [{\"title\": \"t\", "
	    "\"url\": \"https://x.org\"}, {\"title\": \"u\", "
	    "\"url\": \"not a url\"}]}",
	    0, 422, "invalid_format", "documentation[1].url", NULL);
}

static void
test_tags(void **state)
{
	struct rl_error err;
	char            doc[512];
	size_t          n;

	(void)state;
	refused(&res_solution,
	    "{\"problems\": [\"Wohngeld\", \"Antrag\", "
	    "\"Wohngeld\"]}",
	    0, 422, "duplicate", "problems[2]", &err);
	assert_non_null(strstr(err.message, "Wohngeld"));
	refused(&res_solution, "{\"problems\": [\"\"]}", 0, 422,
	    "invalid_format", "problems[0]", NULL);
	/* categories allows 10 tags. */
	n = (size_t)snprintf(doc, sizeof(doc), "{\"categories\": [");
	for (int i = 0; i < 11; i++)
		n += (size_t)snprintf(doc + n, sizeof(doc) - n, "%s\"c%d\"",
		    i ? ", " : "", i);
	snprintf(doc + n, sizeof(doc) - n, "]}");
	refused(&res_solution, doc, 0, 422, "too_long", "categories", NULL);
	ok(&res_solution, "{\"categories\": []}", 0);
}

/*
 * A licence refused for its syntax must not be reported as unknown: telling
 * a user that Apache-2.0 "is not on the SPDX licence list" sends them
 * looking for a typo that is not there.
 */
static void
test_licence_message(void **state)
{
	struct rl_error err;

	(void)state;
	refused(&res_solution, "{\"licence\": \"Bogus-1.0\"}", 0, 422,
	    "invalid_value", "licence", &err);
	assert_non_null(strstr(err.message, "Bogus-1.0"));
	refused(&res_solution, "{\"licence\": \"MIT Apache-2.0\"}", 0, 422,
	    "invalid_value", "licence", &err);
	assert_non_null(strstr(err.message, "Apache-2.0"));
	if (strstr(err.message, "not on the SPDX licence list") != NULL)
		fail_msg("says a listed licence is unknown: %s", err.message);
	refused(&res_solution, "{\"licence\": \"MIT OR\"}", 0, 422,
	    "invalid_value", "licence", &err);
	if (strstr(err.message, "not on the SPDX licence list") != NULL)
		fail_msg("calls an incomplete expression an unknown licence: "
		         "%s",
		    err.message);
}

static void
test_required_on_create_only(void **state)
{
	(void)state;
	/* A patch need not repeat required fields... */
	ok(&res_organisation, "{\"name\": \"Neu\"}", 0);
	ok(&res_solution, "{}", 0);
	/* ...a new record must have them. */
	refused(&res_organisation,
	    "{\"slug\": \"org-a\", \"kind\": "
	    "\"state\"}",
	    1, 422, "missing_field", "name", NULL);
	refused(&res_solution,
	    "{\"slug\": \"sol-a\", \"name\": \"S\", "
	    "\"owner\": \"org-a\"}",
	    1, 422, "missing_field", "maturity", NULL);
	refused(&res_release, "{\"status\": \"planned\"}", 1, 422,
	    "missing_field", "version", NULL);
	/* An empty string is no value for a required field. */
	refused(&res_organisation, "{\"name\": \"\"}", 0, 422, "missing_field",
	    "name", NULL);
}

static void
test_null(void **state)
{
	(void)state;
	/* null clears an optional field, on create and in a patch. */
	ok(&res_organisation,
	    "{" ORG_MIN ", \"website\": null, "
	    "\"state\": null}",
	    1);
	ok(&res_solution,
	    "{\"summary\": null, \"problems\": null, "
	    "\"open_source\": null}",
	    0);
	/* A required field cannot be cleared. */
	refused(&res_solution, "{\"name\": null}", 0, 422, "missing_field",
	    "name", NULL);
	refused(&res_organisation,
	    "{\"slug\": \"org-a\", \"name\": null, "
	    "\"kind\": \"state\"}",
	    1, 422, "missing_field", "name", NULL);
	refused(&res_solution,
	    "{\"transfer_concept\": [{\"step\": null, "
	    "\"role\": \"owner\"}]}",
	    0, 422, "missing_field", "transfer_concept[0].step", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slug),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_complete_records_pass),
		cmocka_unit_test(test_unknown_and_read_only),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_formats_and_ranges),
		cmocka_unit_test(test_enum_message),
		cmocka_unit_test(test_length_counts_characters),
		cmocka_unit_test(test_nested_paths),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_licence_message),
		cmocka_unit_test(test_required_on_create_only),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
