#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/spdx.h"
#include "util/embedded.h"

static const char **ids;
static size_t       nids;

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Indexes the embedded list on first use: one pointer per line into a copy
 * of the text. The list is sorted when generated, but sorting here keeps
 * bsearch correct whatever the file's order.
 */
static void
load_ids(void)
{
	static char *text;
	char        *line, *save = NULL;
	size_t       cap = 1024;

	if (ids != NULL)
		return;
	text = strdup(embedded_spdx[0].data);
	ids = calloc(cap, sizeof(*ids));
	if (text == NULL || ids == NULL)
		abort();
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || *line == '\0')
			continue;
		if (nids == cap) {
			const char **grown;
			cap *= 2;
			if ((grown = realloc(ids, cap * sizeof(*ids))) == NULL)
				abort();
			ids = grown;
		}
		ids[nids++] = line;
	}
	qsort(ids, nids, sizeof(*ids), cmp_str);
}

int
spdx_is_id(const char *id)
{
	load_ids();
	return bsearch(&id, ids, nids, sizeof(*ids), cmp_str) != NULL;
}

size_t
spdx_count(void)
{
	load_ids();
	return nids;
}

static int
is_idstring(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return 0;
	return 1;
}

/* A licence term: a listed id (optionally "+"), or LicenseRef-idstring. */
static int
is_licence(const char *tok)
{
	char   buf[128];
	size_t len = strlen(tok);

	if (strncmp(tok, "LicenseRef-", 11) == 0)
		return is_idstring(tok + 11);
	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, tok, len + 1);
	if (buf[len - 1] == '+')
		buf[len - 1] = '\0';
	return spdx_is_id(buf);
}

/*
 * The expression grammar of SPDX annex D, reduced to what a catalogue needs:
 * term := licence [WITH exception] | "(" expr ")"; expr := term {(AND|OR)
 * term}. Tokens are split on spaces and parentheses.
 */
int
spdx_valid_expression(const char *expr, char *bad, size_t badlen)
{
	char   tok[128];
	int    depth = 0, want_term = 1, after_with = 0;
	size_t n;

	if (*expr == '\0') {
		snprintf(bad, badlen, "(empty)");
		return 0;
	}
	while (*expr) {
		if (*expr == ' ') {
			expr++;
			continue;
		}
		if (*expr == '(' || *expr == ')') {
			tok[0] = *expr++;
			tok[1] = '\0';
		} else {
			n = strcspn(expr, " ()");
			if (n >= sizeof(tok)) {
				snprintf(bad, badlen, "%.40s...", expr);
				return 0;
			}
			memcpy(tok, expr, n);
			tok[n] = '\0';
			expr += n;
		}
		if (strcmp(tok, "(") == 0 && want_term && !after_with)
			depth++;
		else if (strcmp(tok, ")") == 0 && !want_term && depth > 0)
			depth--;
		else if (after_with && is_idstring(tok)) {
			after_with = 0;
			want_term = 0;
		} else if (want_term && !after_with && is_licence(tok))
			want_term = 0;
		else if (!want_term && strcmp(tok, "WITH") == 0)
			after_with = 1, want_term = 1;
		else if (!want_term &&
		    (strcmp(tok, "AND") == 0 || strcmp(tok, "OR") == 0))
			want_term = 1;
		else {
			snprintf(bad, badlen, "%s", tok);
			return 0;
		}
	}
	if (want_term || depth != 0) {
		snprintf(bad, badlen, "%s", want_term ? "(incomplete)" : "(");
		return 0;
	}
	return 1;
}
