/*
 * jansson values written as a YAML document through libyaml's emitter, for
 * exports that people and other parsers read (publiccode.yml). Object keys
 * keep their order; strings that a YAML 1.1 or 1.2 parser would read as
 * something else ("yes", "0.7", "2024-05-01", "~", "") are quoted, text
 * with line breaks is a literal block, and UTF-8 is written as it is.
 */
#ifndef ROLLIN_UTIL_YAML_EMIT_H
#define ROLLIN_UTIL_YAML_EMIT_H

#include <jansson.h>
#include <stddef.h>

/*
 * The document, preceded by the comment lines in header (each line gets
 * "# ", NULL for none); a malloc'ed NUL-terminated string and its length,
 * or NULL if the emitter refused (out of memory, invalid UTF-8).
 */
char *yaml_emit_json(const json_t *doc, const char *header, size_t *len);

#endif
