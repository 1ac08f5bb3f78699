#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util/yaml.h"

static json_t *
scalar_value(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t      len = ev->data.scalar.length;
	char       *end;
	long long   n;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, len);
	/* The YAML 1.2 core schema's spellings. */
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)
		return json_true();
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 ||
	    strcmp(s, "FALSE") == 0)
		return json_false();
	if (strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0 || strcmp(s, "~") == 0 || len == 0)
		return json_null();
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno == 0 && *end == '\0' && end != s)
		return json_integer(n);
	return json_stringn(s, len);
}

/*
 * Builds the value that starts with the event in *ev. Consumes events up to
 * and including the value's end. Aliases are refused: configuration has no
 * use for them and they invite billion-laughs expansion.
 */
static json_t *
parse_node(yaml_parser_t *p, yaml_event_t *ev, char *err, size_t errlen)
{
	json_t      *v = NULL, *child;
	yaml_event_t next;
	char        *key;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return scalar_value(ev);
	case YAML_SEQUENCE_START_EVENT:
		v = json_array();
		for (;;) {
			if (!yaml_parser_parse(p, &next))
				goto parse_error;
			if (next.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&next);
				return v;
			}
			child = parse_node(p, &next, err, errlen);
			yaml_event_delete(&next);
			if (child == NULL)
				goto fail;
			json_array_append_new(v, child);
		}
	case YAML_MAPPING_START_EVENT:
		v = json_object();
		for (;;) {
			if (!yaml_parser_parse(p, &next))
				goto parse_error;
			if (next.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&next);
				return v;
			}
			if (next.type != YAML_SCALAR_EVENT) {
				snprintf(err, errlen,
				    "%zu:%zu: mapping keys "
				    "must be plain text",
				    next.start_mark.line + 1,
				    next.start_mark.column + 1);
				yaml_event_delete(&next);
				goto fail;
			}
			key = strdup((const char *)next.data.scalar.value);
			if (json_object_get(v, key) != NULL) {
				/* YAML keys are unique; silently taking the
				 * last would hide a typo'd duplicate. */
				snprintf(err, errlen,
				    "%zu:%zu: duplicate key "
				    "'%s'",
				    next.start_mark.line + 1,
				    next.start_mark.column + 1, key);
				free(key);
				yaml_event_delete(&next);
				goto fail;
			}
			yaml_event_delete(&next);
			if (!yaml_parser_parse(p, &next)) {
				free(key);
				goto parse_error;
			}
			child = parse_node(p, &next, err, errlen);
			yaml_event_delete(&next);
			if (child == NULL) {
				free(key);
				goto fail;
			}
			json_object_set_new(v, key, child);
			free(key);
		}
	case YAML_ALIAS_EVENT:
		snprintf(err, errlen, "%zu:%zu: aliases are not supported",
		    ev->start_mark.line + 1, ev->start_mark.column + 1);
		return NULL;
	default:
		snprintf(err, errlen, "%zu:%zu: unexpected YAML event",
		    ev->start_mark.line + 1, ev->start_mark.column + 1);
		return NULL;
	}

parse_error:
	snprintf(err, errlen, "%zu:%zu: %s", p->problem_mark.line + 1,
	    p->problem_mark.column + 1,
	    p->problem ? p->problem : "syntax error");
fail:
	json_decref(v);
	return NULL;
}

static json_t *
load(yaml_parser_t *p, char *err, size_t errlen)
{
	yaml_event_t ev;
	json_t      *root = NULL;

	/* Skip stream and document start; an empty file is an empty mapping. */
	for (;;) {
		if (!yaml_parser_parse(p, &ev)) {
			snprintf(err, errlen, "%zu:%zu: %s",
			    p->problem_mark.line + 1,
			    p->problem_mark.column + 1,
			    p->problem ? p->problem : "syntax error");
			return NULL;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return root ? root : json_object();
		}
		if (ev.type == YAML_STREAM_START_EVENT ||
		    ev.type == YAML_DOCUMENT_START_EVENT ||
		    ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (root != NULL) {
			snprintf(err, errlen,
			    "%zu:%zu: only one YAML "
			    "document is allowed",
			    ev.start_mark.line + 1, ev.start_mark.column + 1);
			yaml_event_delete(&ev);
			json_decref(root);
			return NULL;
		}
		root = parse_node(p, &ev, err, errlen);
		yaml_event_delete(&ev);
		if (root == NULL)
			return NULL;
	}
}

json_t *
yaml_load_string(const char *text, size_t len, char *err, size_t errlen)
{
	yaml_parser_t p;
	json_t       *v;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	v = load(&p, err, errlen);
	yaml_parser_delete(&p);
	return v;
}

json_t *
yaml_load_file(const char *path, char *err, size_t errlen)
{
	yaml_parser_t p;
	json_t       *v;
	FILE         *f;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return NULL;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	v = load(&p, err, errlen);
	yaml_parser_delete(&p);
	fclose(f);
	return v;
}
