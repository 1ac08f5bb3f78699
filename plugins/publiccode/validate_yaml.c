/*
 * The loaded YAML document as validation reads it: nodes by index, keys
 * of mappings, where a key sits in the file (the positions findings
 * carry), and what type a scalar has under the YAML 1.2 core schema, which
 * is how the upstream decoder tells a string from a number or a boolean.
 */
#include <stdlib.h>
#include <string.h>

#include "validate.h"

yaml_node_t *
pc_node_at(const struct pc_result *res, int index)
{
	return yaml_document_get_node(res->yaml, index);
}

const char *
pc_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
	    ? (const char *)n->data.scalar.value
	    : NULL;
}

yaml_node_t *
pc_map_get(const struct pc_result *res, const yaml_node_t *n, const char *key,
    size_t keylen, yaml_node_t **keynode)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = pc_node_at(res, p->key);
		const char  *s = pc_scalar(k);
		if (s && strlen(s) == keylen && memcmp(s, key, keylen) == 0) {
			if (keynode)
				*keynode = k;
			return pc_node_at(res, p->value);
		}
	}
	return NULL;
}

void
pc_mark(const yaml_node_t *n, int *line, int *col)
{
	*line = (int)n->start_mark.line + 1;
	*col = (int)n->start_mark.column + 1;
}

void
pc_position(const struct pc_result *res, const char *key, int *line, int *col)
{
	yaml_node_t *n, *next, *keynode;
	const char  *p = key, *name;
	size_t       len;
	int          bracket, last;

	*line = *col = 0;
	if (res->yaml == NULL ||
	    (n = yaml_document_get_root_node(res->yaml)) == NULL)
		return;
	while (*p) {
		bracket = *p == '[';
		name = p + bracket;
		len = strcspn(name, bracket ? "]" : ".[");
		p = name + len + (bracket && name[len] == ']');
		if (*p == '.')
			p++;
		last = *p == '\0';
		keynode = NULL;
		next = NULL;
		if (bracket && n->type == YAML_SEQUENCE_NODE &&
		    strspn(name, "0123456789") == len && len > 0) {
			long i = strtol(name, NULL, 10);
			if (i < n->data.sequence.items.top -
			        n->data.sequence.items.start)
				next = keynode = pc_node_at(res,
				    n->data.sequence.items.start[i]);
		} else
			next = pc_map_get(res, n, name, len, &keynode);
		if (next == NULL) {
			if (last) /* the key is missing: its parent */
				pc_mark(n, line, col);
			return;
		}
		if (last) {
			pc_mark(keynode, line, col);
			return;
		}
		n = next;
	}
}

static int
all_in(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* [0-9]+(\.[0-9]*)? or \.[0-9]+, then an optional exponent. */
static int
is_decimal(const char *d)
{
	size_t i = strspn(d, "0123456789"), frac, j, e;

	if (d[i] == '.') {
		frac = strspn(d + i + 1, "0123456789");
		if (i == 0 && frac == 0)
			return 0;
		i += 1 + frac;
	} else if (i == 0)
		return 0;
	if (d[i] == 'e' || d[i] == 'E') {
		j = i + 1 + (d[i + 1] == '-' || d[i + 1] == '+');
		if ((e = strspn(d + j, "0123456789")) == 0)
			return 0;
		i = j + e;
	}
	return d[i] == '\0';
}

enum pc_stype
pc_resolve(const yaml_node_t *n)
{
	const char *s = pc_scalar(n), *tag = (const char *)n->tag, *d;

	if (tag && strcmp(tag, YAML_DEFAULT_SCALAR_TAG) != 0) {
		if (strcmp(tag, YAML_NULL_TAG) == 0)
			return S_NULL;
		if (strcmp(tag, YAML_BOOL_TAG) == 0)
			return S_BOOL;
		if (strcmp(tag, YAML_INT_TAG) == 0)
			return S_INT;
		if (strcmp(tag, YAML_FLOAT_TAG) == 0)
			return S_FLOAT;
		return S_STR;
	}
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return S_STR;
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return S_NULL;
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
		return S_BOOL;
	if ((strncmp(s, "0x", 2) == 0 &&
	        all_in(s + 2, "0123456789abcdefABCDEF")) ||
	    (strncmp(s, "0o", 2) == 0 && all_in(s + 2, "01234567")))
		return S_INT;
	d = s + (*s == '-' || *s == '+');
	if (all_in(d, "0123456789"))
		return S_INT;
	if (strcmp(d, ".inf") == 0 || strcmp(d, ".Inf") == 0 ||
	    strcmp(d, ".INF") == 0 || strcmp(s, ".nan") == 0 ||
	    strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0 || is_decimal(d))
		return S_FLOAT;
	return S_STR;
}
