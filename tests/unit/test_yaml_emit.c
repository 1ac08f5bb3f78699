/*
 * util/yaml_emit: JSON values written as YAML come back as the same values
 * through a YAML parser (util/yaml, which types plain scalars), including
 * strings that look like other types, comments, Markdown and umlauts; and
 * the document reads as people expect (order, literal blocks).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/yaml.h"
#include "util/yaml_emit.h"

/* Emits json, parses the YAML back, and compares. Returns the YAML. */
static char *
round_trip(const char *json)
{
	json_t *want = json_loads(json, 0, NULL), *got;
	char    err[256] = "", *text, *dump;
	size_t  len = 0;

	assert_non_null(want);
	text = yaml_emit_json(want, "a comment\nover two lines", &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	got = yaml_load_string(text, len, err, sizeof(err));
	if (got == NULL)
		fail_msg("unreadable YAML (%s):\n%s", err, text);
	if (!json_equal(got, want)) {
		dump = json_dumps(got, JSON_ENCODE_ANY);
		fail_msg("%s came back as %s via\n%s", json, dump, text);
	}
	json_decref(got);
	json_decref(want);
	return text;
}

static void
test_strings_that_look_like_other_types(void **state)
{
	(void)state;
	free(round_trip("{\"a\": [\"yes\", \"no\", \"on\", \"off\", \"y\", "
	                "\"true\", \"False\", \"null\", \"~\", \"\", \"0.7\", "
	                "\"12\", \"-3\", \"0x1f\", \"1e3\", \".inf\", "
	                "\"2024-05-01\", \"1:20\", \"+1\"]}"));
}

static void
test_yaml_syntax_in_text(void **state)
{
	(void)state;
	free(
	    round_trip("{\"name\": \"#Bürger: \\\"Service\\\" 'x' - [a] {b}\", "
	               "\"k: v\": \"- item\", \"amp\": \"&anchor *alias !tag "
	               "%dir @at `tick` |pipe >gt\", \"trail\": \"x \", "
	               "\"lead\": \" x\"}"));
}

static void
test_multi_line_text_is_a_literal_block(void **state)
{
	char *text;

	(void)state;
	text = round_trip(
	    "{\"longDescription\": \"# Heading\\n\\nText: with colon, "
	    "Umlaute äöü ß.\\n\\n- yes\\n- no\\n\\n```\\n  indented\\n```\"}");
	assert_non_null(strstr(text, "longDescription: |-\n  # Heading\n"));
	assert_non_null(strstr(text, "äöü ß"));
	free(text);
	free(round_trip("{\"a\": \"ends with a break\\n\", "
	                "\"b\": \"\\n starts with one\", "
	                "\"c\": \"trailing space \\nline\"}"));
}

static void
test_order_types_and_comment(void **state)
{
	char *text;

	(void)state;
	text = round_trip("{\"z\": 1, \"a\": true, \"m\": false, \"list\": "
	                  "[{\"x\": \"1\"}, []], \"empty\": {}}");
	assert_true(strncmp(text,
	                "# a comment\n# over two lines\nz: 1\na: "
	                "true\nm: false\n",
	                48) == 0);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings_that_look_like_other_types),
		cmocka_unit_test(test_yaml_syntax_in_text),
		cmocka_unit_test(test_multi_line_text_is_a_literal_block),
		cmocka_unit_test(test_order_types_and_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
