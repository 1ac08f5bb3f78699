/*
 * Report documents as JSON for programs: the document with its columns
 * reduced to their names, on one line like every API answer.
 */
#include <stdlib.h>
#include <string.h>

#include "report/render_internal.h"

char *
render_json(const json_t *doc, size_t *len)
{
	json_t     *names = json_array(), *out;
	size_t      n;
	char       *text;
	struct col *cols = render_columns(doc, &n);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(names, json_string(cols[i].name));
	free(cols);
	out = json_pack("{s:O?, s:O?, s:O?, s:o, s:O?}", "report",
	    json_object_get(doc, "report"), "generated_at",
	    json_object_get(doc, "generated_at"), "params",
	    json_object_get(doc, "params"), "columns", names, "rows",
	    json_object_get(doc, "rows"));
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (text == NULL)
		return NULL;
	*len = strlen(text);
	/* One line, newline-terminated, like every API answer. */
	text = realloc(text, *len + 2);
	if (text == NULL)
		abort();
	text[(*len)++] = '\n';
	text[*len] = '\0';
	return text;
}
