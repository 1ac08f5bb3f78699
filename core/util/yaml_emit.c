/*
 * The emitter decides quoting and line breaks itself; this file only says,
 * per scalar, whether a plain spelling would be read back as a string.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "util/strbuf.h"
#include "util/yaml_emit.h"

static int
write_out(void *data, unsigned char *buffer, size_t size)
{
	struct strbuf *out = data;
	char          *grown;
	size_t         cap;

	if (out->len + size + 1 > out->cap) {
		cap = (out->len + size + 1) * 2;
		if ((grown = realloc(out->s, cap)) == NULL)
			return 0;
		out->s = grown;
		out->cap = cap;
	}
	memcpy(out->s + out->len, buffer, size);
	out->len += size;
	out->s[out->len] = '\0';
	return 1;
}

/*
 * Whether a plain scalar s is read as a string by YAML 1.1 parsers (which
 * take yes/no/on/off and sexagesimal numbers for other types) and YAML 1.2
 * ones alike: it starts with a letter (ASCII or not) and is no boolean or
 * null word. Everything else is quoted.
 */
static int
plain_is_string(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off",
		"true", "false", "null", NULL };
	unsigned char            c = (unsigned char)s[0];

	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80))
		return 0;
	for (size_t i = 0; words[i]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 0;
	return 1;
}

static int
emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev);
}

static int
scalar(yaml_emitter_t *e, const char *s, int plain)
{
	yaml_event_t        ev;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (strchr(s, '\n') != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	        (yaml_char_t *)(uintptr_t)s, (int)strlen(s), plain, 1, style))
		return 0;
	return emit(e, &ev);
}

static int
node(yaml_emitter_t *e, const json_t *v)
{
	yaml_event_t ev;
	const char  *key;
	json_t      *item;
	size_t       i;
	char         num[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		        YAML_BLOCK_MAPPING_STYLE) ||
		    !emit(e, &ev))
			return 0;
		json_object_foreach((json_t *)(uintptr_t)v, key, item)
		{
			if (!scalar(e, key, plain_is_string(key)) ||
			    !node(e, item))
				return 0;
		}
		return yaml_mapping_end_event_initialize(&ev) && emit(e, &ev);
	case JSON_ARRAY:
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		        YAML_BLOCK_SEQUENCE_STYLE) ||
		    !emit(e, &ev))
			return 0;
		json_array_foreach(v, i, item)
		{
			if (!node(e, item))
				return 0;
		}
		return yaml_sequence_end_event_initialize(&ev) && emit(e, &ev);
	case JSON_STRING:
		return scalar(e, json_string_value(v),
		    plain_is_string(json_string_value(v)));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return scalar(e, num, 1);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return scalar(e, num, 1);
	case JSON_TRUE:
		return scalar(e, "true", 1);
	case JSON_FALSE:
		return scalar(e, "false", 1);
	default:
		return scalar(e, "null", 1);
	}
}

/* "# line" for every line of header, then the document. */
static void
comment(struct strbuf *out, const char *header)
{
	size_t n;

	while (header && *header) {
		n = strcspn(header, "\n");
		strbuf_add(out, "# ");
		write_out(out, (unsigned char *)(uintptr_t)header, n);
		strbuf_add(out, "\n");
		header += n + (header[n] == '\n');
	}
}

char *
yaml_emit_json(const json_t *doc, const char *header, size_t *len)
{
	yaml_emitter_t e;
	yaml_event_t   ev;
	struct strbuf  out = { 0 };
	int            ok;

	if (!yaml_emitter_initialize(&e))
		return NULL;
	comment(&out, header);
	yaml_emitter_set_output(&e, write_out, &out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1); /* no folding of long lines */
	yaml_emitter_set_indent(&e, 2);
	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	    emit(&e, &ev) &&
	    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	    emit(&e, &ev) && node(&e, doc) &&
	    yaml_document_end_event_initialize(&ev, 1) && emit(&e, &ev) &&
	    yaml_stream_end_event_initialize(&ev) && emit(&e, &ev) &&
	    yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	if (!ok) {
		strbuf_free(&out);
		return NULL;
	}
	*len = out.len;
	return strbuf_take(&out);
}
