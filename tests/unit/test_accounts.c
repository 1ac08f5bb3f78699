/*
 * util/password and http/throttle: what a new password must meet, that
 * hashes are argon2id and verify, when a hash is due for renewal, and how
 * failed sign-ins lock a name or an address for growing times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "http/throttle.h"
#include "util/password.h"

/* The throttle counts in milliseconds. */
#define S(seconds) ((int64_t)(seconds)*1000)

static void
test_password_rules(void **state)
{
	char why[128], longest[PASSWORD_MAX + 2];

	(void)state;
	assert_int_equal(password_acceptable("elf Zeichen", why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "at least 12 characters"));
	assert_int_equal(password_acceptable("zwölf Zeichen", why, sizeof(why)),
	    0);
	/* Twelve characters, but fewer than twelve bytes would not do. */
	assert_int_equal(password_acceptable("äöüäöüäöüäö", why, sizeof(why)),
	    -1);
	assert_int_equal(password_acceptable("äöüäöüäöüäöü", why, sizeof(why)),
	    0);
	assert_int_equal(password_acceptable("mit\tTabulator drin", why,
	                     sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "control"));
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	assert_int_equal(password_acceptable(longest, why, sizeof(why)), -1);
	longest[PASSWORD_MAX] = '\0';
	assert_int_equal(password_acceptable(longest, why, sizeof(why)), 0);
}

static void
test_password_hash_and_verify(void **state)
{
	char hash[PASSWORD_HASH_LEN], again[PASSWORD_HASH_LEN];

	(void)state;
	assert_int_equal(password_hash("richtig und lang", hash), 0);
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	assert_null(strstr(hash, "richtig"));
	assert_int_equal(password_verify(hash, "richtig und lang"), 0);
	assert_int_equal(password_verify(hash, "Richtig und lang"), -1);
	assert_int_equal(password_verify(hash, ""), -1);
	/* Salted: the same password never hashes the same way twice. */
	assert_int_equal(password_hash("richtig und lang", again), 0);
	assert_string_not_equal(hash, again);
	assert_false(password_needs_rehash(hash));
	assert_false(password_needs_rehash(password_dummy_hash()));
	assert_true(password_needs_rehash(
	    "$argon2id$v=19$m=8192,t=1,p=1$OSpK03/UwHUIcBjtgP1B1A$"
	    "BXcG4KIdNhfLWj/RBIQjr+VK9/eYvP23TFVmzfzoofw"));
	assert_int_equal(password_verify(password_dummy_hash(), ""), -1);
}

static void
test_throttle_locks_after_free_failures(void **state)
{
	int64_t t = S(1000);

	(void)state;
	throttle_reset();
	for (int i = 1; i < THROTTLE_FREE; i++) {
		throttle_fail(THROTTLE_USER, "anna", t);
		assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t), 0);
	}
	throttle_fail(THROTTLE_USER, "anna", t);
	assert_int_equal(throttle_wait(THROTTLE_USER, "ANNA", t), 1);
	/* A second means a whole second: what is left rounds up. */
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + 999), 1);
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + S(1)), 0);
	/* Each further failure doubles the lock, up to the cap. */
	throttle_fail(THROTTLE_USER, "anna", t + S(1));
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + S(1)), 2);
	throttle_fail(THROTTLE_USER, "anna", t + S(3));
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + S(3)), 4);
	for (int i = 0; i < 20; i++)
		throttle_fail(THROTTLE_USER, "anna", t + S(10));
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + S(10)),
	    THROTTLE_MAX_LOCK);
	/* Other names and addresses are untouched. */
	assert_int_equal(throttle_wait(THROTTLE_USER, "bernd", t + S(10)), 0);
	assert_int_equal(throttle_wait(THROTTLE_ADDRESS, "anna", t + S(10)), 0);
	/* Success forgets a name; time forgets it too. */
	throttle_forget(THROTTLE_USER, "Anna");
	assert_int_equal(throttle_wait(THROTTLE_USER, "anna", t + S(10)), 0);
	for (int i = 0; i < THROTTLE_FREE; i++)
		throttle_fail(THROTTLE_USER, "carl", t);
	throttle_fail(THROTTLE_USER, "carl", t + S(THROTTLE_FORGET + 1));
	assert_int_equal(throttle_wait(THROTTLE_USER, "carl",
	                     t + S(THROTTLE_FORGET + 1)),
	    0);
}

static void
test_throttle_addresses_allow_more(void **state)
{
	int64_t t = S(5000);

	(void)state;
	throttle_reset();
	for (int i = 1; i < THROTTLE_FREE_ADDRESS; i++)
		throttle_fail(THROTTLE_ADDRESS, "192.0.2.7", t);
	assert_int_equal(throttle_wait(THROTTLE_ADDRESS, "192.0.2.7", t), 0);
	throttle_fail(THROTTLE_ADDRESS, "192.0.2.7", t);
	assert_int_equal(throttle_wait(THROTTLE_ADDRESS, "192.0.2.7", t), 1);
	assert_int_equal(throttle_wait(THROTTLE_ADDRESS, "192.0.2.8", t), 0);
}

static void
test_throttle_table_full(void **state)
{
	char    key[32];
	int64_t t = S(9000);

	(void)state;
	throttle_reset();
	for (int i = 0; i < THROTTLE_FREE; i++)
		throttle_fail(THROTTLE_USER, "victim", t);
	/* More keys than slots: the oldest go, the table never fails. */
	for (int i = 0; i < THROTTLE_SLOTS + 10; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		throttle_fail(THROTTLE_USER, key, t + S(1));
	}
	assert_int_equal(throttle_wait(THROTTLE_USER, "victim", t), 0);
	throttle_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_password_hash_and_verify),
		cmocka_unit_test(test_throttle_locks_after_free_failures),
		cmocka_unit_test(test_throttle_addresses_allow_more),
		cmocka_unit_test(test_throttle_table_full),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
