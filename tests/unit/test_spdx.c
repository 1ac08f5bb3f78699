/*
 * domain/spdx: the embedded SPDX licence list and licence expressions as a
 * solution's "licence" field accepts them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/spdx.h"

static void
expect_valid(const char *expr)
{
	char bad[64] = "";

	if (!spdx_valid_expression(expr, bad, sizeof(bad)))
		fail_msg("refused '%s' (bad token '%s')", expr, bad);
}

/* Refused, naming bad_token (or, if NULL, naming something). */
static void
expect_invalid(const char *expr, const char *bad_token)
{
	char bad[64] = "";

	if (spdx_valid_expression(expr, bad, sizeof(bad)))
		fail_msg("accepted '%s'", expr);
	if (bad[0] == '\0')
		fail_msg("'%s' refused without naming the bad token", expr);
	if (bad_token != NULL && strcmp(bad, bad_token) != 0)
		fail_msg("'%s': expected bad token '%s', got '%s'", expr,
		    bad_token, bad);
}

static void
test_ids_on_list(void **state)
{
	(void)state;
	assert_true(spdx_is_id("EUPL-1.2"));
	assert_true(spdx_is_id("AGPL-3.0-or-later"));
	assert_true(spdx_is_id("MIT"));
	assert_true(spdx_is_id("Apache-2.0"));
	assert_true(spdx_is_id("0BSD"));
	/* The list's comment header is no licence. */
	assert_false(spdx_is_id("# SPDX licence identifiers"));
	assert_false(spdx_is_id(""));
}

static void
test_ids_case_sensitive(void **state)
{
	(void)state;
	assert_false(spdx_is_id("mit"));
	assert_false(spdx_is_id("eupl-1.2"));
	assert_false(spdx_is_id("Agpl-3.0-or-later"));
	expect_invalid("mit", "mit");
}

static void
test_ids_not_on_list(void **state)
{
	(void)state;
	assert_false(spdx_is_id("EUPL-1.3"));
	assert_false(spdx_is_id("Proprietary"));
	assert_false(spdx_is_id("MIT "));
	expect_invalid("EUPL-1.3", "EUPL-1.3");
	expect_invalid("MIT OR Made-Up-1.0", "Made-Up-1.0");
}

static void
test_expressions(void **state)
{
	(void)state;
	expect_valid("MIT");
	expect_valid("MIT OR Apache-2.0");
	expect_valid("EUPL-1.2 OR AGPL-3.0-or-later");
	expect_valid("(MIT AND BSD-3-Clause) OR EUPL-1.2");
	expect_valid("EUPL-1.2 OR (MIT AND (BSD-3-Clause OR Apache-2.0))");
	expect_valid("GPL-2.0-or-later WITH Classpath-exception-2.0");
	expect_valid("LicenseRef-Proprietary");
	expect_valid("LicenseRef-Stadt-Musterstadt.1 OR MIT");
	expect_valid("Apache-2.0+");
}

static void
test_malformed(void **state)
{
	char bad[64];

	(void)state;
	expect_invalid("MIT OR", NULL);
	expect_invalid("(MIT", NULL);
	expect_invalid("MIT)", ")");
	expect_invalid("MIT Apache-2.0", "Apache-2.0");
	expect_invalid("MIT OR OR Apache-2.0", "OR");
	expect_invalid("AND MIT", "AND");
	expect_invalid("()", ")");
	expect_invalid("MIT WITH", NULL);
	expect_invalid("LicenseRef-", "LicenseRef-");
	expect_invalid("MIT or Apache-2.0", "or");
	/* Nothing at all is no licence either. */
	bad[0] = '\0';
	assert_false(spdx_valid_expression("", bad, sizeof(bad)));
	assert_true(bad[0] != '\0');
}

static void
test_count(void **state)
{
	(void)state;
	assert_true(spdx_count() > 600);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_on_list),
		cmocka_unit_test(test_ids_case_sensitive),
		cmocka_unit_test(test_ids_not_on_list),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
