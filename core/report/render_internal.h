/*
 * Internal to report/render*.c: what the renderers of each format
 * (render_json.c, render_csv.c, render_html.c) share with the common part
 * (render.c): the document's columns and its cells as plain text.
 * Callers outside use render.h.
 */
#ifndef ROLLIN_REPORT_RENDER_INTERNAL_H
#define ROLLIN_REPORT_RENDER_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "report/render.h"
#include "util/strbuf.h"

enum col_type {
	COL_TEXT,
	COL_INTEGER,
	COL_CENTS,
	COL_PERCENT,
	COL_DATE,
	COL_BOOLEAN,
};

struct col {
	const char   *name, *label;
	enum col_type type;
	int           chart_label, chart_value;
};

/* The document's columns, whether given as names or as objects. */
struct col *render_columns(const json_t *doc, size_t *n);
/* A cell as plain text: what CSV carries and what JSON said. */
void render_plain_cell(struct strbuf *, const json_t *v);
/* A real number with a decimal comma. */
void render_real(double d, char out[RENDER_EURO_LEN]);

/* doc in each format; malloc'ed, NUL-terminated text of *len bytes. */
char *render_json(const json_t *doc, size_t *len);
char *render_csv(const json_t *doc, size_t *len);
char *render_html(const json_t *doc, size_t *len);

#endif
