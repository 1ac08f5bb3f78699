/*
 * publiccode.yml validation, classified and positioned the way the official
 * parser (italia/publiccode-parser-go, v0 files) does it, so that a file
 * gets the same verdict here as on Developers Italia or openCode:
 *
 * 1. bytes: the file must be UTF-8;
 * 2. YAML: libyaml loads the document (its message and line if not);
 * 3. version: publiccodeYmlVersion must be a supported string; old
 *    versions get a warning and are read as v0.7;
 * 4. decoding (validate_decode.c): every key must be known and of the
 *    right type. As in the upstream decoder, a type error inside a section
 *    empties that whole section (so its required keys are then reported
 *    missing), while a type error in a top-level key only drops that key;
 * 5. field rules (validate_rules.c) in the order of the upstream structure
 *    (required keys, enums, lengths, formats, vocabularies), keyed
 *    "a.b[2].c";
 * 6. the extra rules (validate_extra.c): deprecated keys (warnings),
 *    relative paths.
 *
 * Positions follow the upstream rules (validate_yaml.c): decoding errors
 * give the line and column 1; a rule gives the position of its key, or of
 * the enclosing node if the key is missing, or 0:0 if that is missing too.
 *
 * This file holds the steps that come before decoding and the findings
 * every step records.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define VERSION_LATEST "0.7"

static const char *const supported_versions[] = { "0", "0.2", "0.2.0", "0.2.1",
	"0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5.0", "0.5", "0.7.0", "0.7",
	NULL };

/* ---- findings ---------------------------------------------------------- */

void
pc_vadd(struct pc_result *res, int error, const char *key, int line, int col,
    const char *fmt, va_list ap)
{
	struct pc_issue *grown, *is;

	if (res->n == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		if ((grown = realloc(res->issues, cap * sizeof(*grown))) ==
		    NULL)
			return;
		res->issues = grown;
		res->cap = cap;
	}
	is = &res->issues[res->n++];
	is->error = error;
	is->line = line;
	is->col = col;
	snprintf(is->key, sizeof(is->key), "%s", key);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	if (error)
		res->errors++;
}

void
pc_add(struct pc_result *res, int error, const char *key, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pc_vadd(res, error, key, line, col, fmt, ap);
	va_end(ap);
}

/* A rule's finding, placed where the upstream parser places it. */
void
pc_rule(struct pc_result *res, int error, const char *key, const char *fmt, ...)
{
	va_list ap;
	int     line, col;

	pc_position(res, key, &line, &col);
	va_start(ap, fmt);
	pc_vadd(res, error, key, line, col, fmt, ap);
	va_end(ap);
}

/* A key path longer than out is cut: it only ever appears in messages. */
void
pc_join(char *out, size_t len, const char *prefix, const char *name)
{
	int n;

	if (prefix == NULL || *prefix == '\0')
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, "%s.%s", prefix, name);
	if (n < 0)
		*out = '\0';
}

/* ---- the whole file --------------------------------------------------------- */

/* Well-formed UTF-8 as Go's utf8.Valid sees it (no surrogates, overlongs). */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 &&
		        (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* publiccodeYmlVersion first: nothing else is read without a known one. */
static int
check_version(struct pc_result *res, const yaml_node_t *root)
{
	yaml_node_t *key = NULL, *v;
	const char  *s;
	char         list[256] = "";
	size_t       n = 0;
	int          line, col;

	v = pc_map_get(res, root, "publiccodeYmlVersion", 20, &key);
	if (v == NULL ||
	    (v->type == YAML_SCALAR_NODE && pc_resolve(v) == S_NULL)) {
		pc_add(res, 1, "publiccodeYmlVersion", 0, 0,
		    "publiccodeYmlVersion is a required field");
		return -1;
	}
	if (v->type != YAML_SCALAR_NODE || pc_resolve(v) != S_STR) {
		/* An unquoted 0.4 is a number, which upstream refuses. */
		pc_mark(key, &line, &col);
		pc_add(res, 1, "publiccodeYmlVersion", line, col,
		    "publiccodeYmlVersion must be a string: quote it, as in "
		    "publiccodeYmlVersion: \"%s\"",
		    v->type == YAML_SCALAR_NODE ? pc_scalar(v)
		                                : VERSION_LATEST);
		return -1;
	}
	s = pc_scalar(v);
	for (size_t i = 0; supported_versions[i]; i++)
		if (strcmp(supported_versions[i], s) == 0) {
			if (strcmp(s, "0") != 0 &&
			    strncmp(s, VERSION_LATEST, 3) != 0) {
				pc_mark(key, &line, &col);
				pc_add(res, 0, "publiccodeYmlVersion", line,
				    col,
				    "v%s is not the latest version, use '0'. "
				    "Parsing this file as v%s.",
				    s, VERSION_LATEST);
			}
			return 0;
		}
	for (size_t i = 0; supported_versions[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? ", " : "", supported_versions[i]);
	pc_add(res, 1, "publiccodeYmlVersion", 0, 0,
	    "unsupported version: '%s'. Supported versions: %s", s, list);
	return -1;
}

void
pc_validate(const char *buf, size_t len, struct pc_result *res)
{
	yaml_parser_t parser;
	yaml_node_t  *root;

	memset(res, 0, sizeof(*res));
	if (!valid_utf8((const unsigned char *)buf, len)) {
		pc_add(res, 1, "", 0, 0, "Invalid UTF-8");
		return;
	}
	if (!yaml_parser_initialize(&parser)) {
		pc_add(res, 1, "", 0, 0, "out of memory");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if ((res->yaml = malloc(sizeof(*res->yaml))) == NULL ||
	    !yaml_parser_load(&parser, res->yaml)) {
		free(res->yaml);
		res->yaml = NULL;
		/* Placed at the line, as upstream does; the column is told. */
		pc_add(res, 1, "", (int)parser.problem_mark.line + 1, 1,
		    "%s%s%s (column %d)",
		    parser.problem ? parser.problem : "invalid YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "",
		    (int)parser.problem_mark.column + 1);
		yaml_parser_delete(&parser);
		return;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(res->yaml);
	if (root == NULL) {
		pc_add(res, 1, "publiccodeYmlVersion", 0, 0,
		    "publiccodeYmlVersion is a required field");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		pc_add(res, 1, "", (int)root->start_mark.line + 1, 1,
		    "wrong type for this field");
		return;
	}
	if (check_version(res, root) == -1)
		return;
	res->doc = pc_decode_root(res, root);
	pc_check_fields(res, res->doc);
	pc_check_extra(res, res->doc);
}

void
pc_result_free(struct pc_result *res)
{
	free(res->issues);
	if (res->yaml != NULL) {
		yaml_document_delete(res->yaml);
		free(res->yaml);
	}
	json_decref(res->doc);
	memset(res, 0, sizeof(*res));
}
