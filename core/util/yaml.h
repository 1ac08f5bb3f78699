/*
 * YAML documents as jansson values, for the configuration file. Plain
 * scalars become strings except YAML 1.2 core-schema booleans, null, and
 * integers; quoted scalars always stay strings.
 */
#ifndef ROLLIN_UTIL_YAML_H
#define ROLLIN_UTIL_YAML_H

#include <jansson.h>

/* Returns a new reference, or NULL with "line:column: reason" in err. */
json_t *yaml_load_file(const char *path, char *err, size_t errlen);
json_t *
yaml_load_string(const char *text, size_t len, char *err, size_t errlen);

#endif
