/*
 * Report documents as CSV for spreadsheets: RFC 4180 (comma, CRLF, a
 * header row of column names, UTF-8), with the quoting left to libcsv.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "report/render_internal.h"

/* A field, quoted by libcsv when it needs quotes (RFC 4180). */
static void
csv_field(struct strbuf *b, const char *s)
{
	size_t n = strlen(s), need;
	char  *q;

	if (strpbrk(s, ",\"\r\n") == NULL &&
	    (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
		strbuf_add(b, s);
		return;
	}
	need = csv_write(NULL, 0, s, n);
	if ((q = malloc(need + 1)) == NULL)
		abort();
	csv_write(q, need, s, n);
	q[need] = '\0';
	strbuf_add(b, q);
	free(q);
}

char *
render_csv(const json_t *doc, size_t *len)
{
	struct strbuf b = { 0 }, cell = { 0 };
	json_t       *rows = json_object_get(doc, "rows"), *row;
	size_t        n, i;
	struct col   *cols = render_columns(doc, &n);

	for (size_t c = 0; c < n; c++) {
		if (c > 0)
			strbuf_add(&b, ",");
		csv_field(&b, cols[c].name);
	}
	strbuf_add(&b, "\r\n");
	json_array_foreach(rows, i, row)
	{
		for (size_t c = 0; c < n; c++) {
			if (c > 0)
				strbuf_add(&b, ",");
			render_plain_cell(&cell, json_array_get(row, c));
			csv_field(&b, cell.s ? cell.s : "");
			strbuf_free(&cell);
		}
		strbuf_add(&b, "\r\n");
	}
	free(cols);
	*len = b.len;
	return strbuf_take(&b);
}
