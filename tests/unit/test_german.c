/*
 * util/german: German dictionary order (DIN 5007-1) by ICU sort keys that
 * compare bytewise, as SQLite compares the stored BLOBs, and the
 * transliterated spellings that search indexes besides the words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/german.h"

/* memcmp() of the sort keys, as SQLite compares BLOBs: shorter first. */
static int
compare(const char *a, const char *b)
{
	unsigned char *ka, *kb;
	size_t         la, lb;
	int            c;

	assert_int_equal(german_sort_key(a, -1, &ka, &la), 0);
	assert_int_equal(german_sort_key(b, -1, &kb, &lb), 0);
	c = memcmp(ka, kb, la < lb ? la : lb);
	if (c == 0)
		c = la < lb ? -1 : la > lb;
	free(ka);
	free(kb);
	return c < 0 ? -1 : c > 0;
}

static void
test_dictionary_order(void **state)
{
	/* Each before the next, as a German dictionary or phone book lists. */
	static const char *const order[] = { "Amt für Statistik",
		"Ärztekammer Berlin", "Bezirk Mitte", "ekom21", "Finanzamt",
		"Gottesdienst", "Göttingen", "Masse", "Maße",
		"Massenermittlung", "Öffentliche Ordnung", "Ordnungsamt",
		"Übersetzung", "Ulm", "zentrale Stelle", "Zulassung", NULL };

	(void)state;
	for (size_t i = 0; order[i + 1]; i++)
		if (compare(order[i], order[i + 1]) != -1)
			fail_msg("\"%s\" does not sort before \"%s\"", order[i],
			    order[i + 1]);
}

static void
test_case_and_umlauts_only_break_ties(void **state)
{
	(void)state;
	/* Case does not separate words that differ later. */
	assert_int_equal(compare("amt b", "Amt c"), -1);
	assert_int_equal(compare("Amt b", "amt c"), -1);
	/* ä is a where the rest differs, ß is ss. */
	assert_int_equal(compare("Ärzte b", "Arzte c"), -1);
	assert_int_equal(compare("Arzte b", "Ärzte c"), -1);
	assert_int_equal(compare("Straße a", "Strasse b"), -1);
	/* Texts that differ only so are still ordered, and equal is equal. */
	assert_int_not_equal(compare("Amt", "amt"), 0);
	assert_int_not_equal(compare("Maße", "Masse"), 0);
	assert_int_equal(compare("Köln", "Köln"), 0);
}

static void
test_key_of_bad_utf8(void **state)
{
	unsigned char *key;
	size_t         len;

	(void)state;
	assert_int_equal(german_sort_key("Stra\xdf"
	                                 "e",
	                     -1, &key, &len),
	    0);
	assert_true(len > 0);
	free(key);
	assert_int_equal(german_sort_key("", -1, &key, &len), 0);
	free(key);
	assert_true(strlen(german_collation_version()) > 0);
}

static void
spells(const char *text, const char *want)
{
	char *got = german_spellings(text);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_spellings(void **state)
{
	(void)state;
	spells("Gebührenbescheid für Straßen",
	    "Gebuehrenbescheid fuer "
	    "Strassen");
	spells("Ärztekammer, Öl und Übersee", "Aerztekammer Oel Uebersee");
	spells("Straßen-Gebühren (2026)", "Strassen Gebuehren");
	/* No umlaut, nothing to add: "ae" in Michael is no umlaut. */
	spells("Michael aus Israel, Gebuehren", "");
	spells("", "");
	spells("Stra\xdf"
	       "e",
	    "");
}

static void
test_transliterate(void **state)
{
	char *got;

	(void)state;
	got = german_transliterate("Straßen-Ämter");
	assert_string_equal(got, "Strassen-Aemter");
	free(got);
	got = german_transliterate("Michael");
	assert_string_equal(got, "");
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dictionary_order),
		cmocka_unit_test(test_case_and_umlauts_only_break_ties),
		cmocka_unit_test(test_key_of_bad_utf8),
		cmocka_unit_test(test_spellings),
		cmocka_unit_test(test_transliterate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
