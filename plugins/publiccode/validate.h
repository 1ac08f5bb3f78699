/*
 * What the steps of publiccode.yml validation share: the findings, the
 * YAML document, the decoded file and the rules run over it. Private to
 * the importer (publiccode.h is what the core sees).
 */
#ifndef PUBLICCODE_VALIDATE_H
#define PUBLICCODE_VALIDATE_H

#include <stdarg.h>

#include "publiccode.h"

/* ---- validate.c: findings and their keys ------------------------------ */

void pc_vadd(struct pc_result *, int error, const char *key, int line, int col,
    const char *fmt, va_list);
void pc_add(struct pc_result *, int error, const char *key, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* A rule's finding, placed where the upstream parser places it. */
void pc_rule(struct pc_result *, int error, const char *key, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));
/* "prefix.name", or name alone at the top. */
void pc_join(char *out, size_t len, const char *prefix, const char *name);

/* ---- validate_yaml.c: the YAML document -------------------------------- */

/* YAML 1.2 core schema types of scalars. */
enum pc_stype { S_NULL, S_BOOL, S_INT, S_FLOAT, S_STR };

yaml_node_t *pc_node_at(const struct pc_result *, int index);
/* The text of a scalar node, NULL for any other node. */
const char *pc_scalar(const yaml_node_t *);
/* The value of key in mapping n (and its key node), or NULL. */
yaml_node_t *pc_map_get(const struct pc_result *, const yaml_node_t *n,
    const char *key, size_t keylen, yaml_node_t **keynode);
/* Where a node starts, 1-based. */
void pc_mark(const yaml_node_t *, int *line, int *col);
/* The type of a scalar node, by its tag or else its plain text. */
enum pc_stype pc_resolve(const yaml_node_t *);

/* ---- validate_decode.c: the file as JSON -------------------------------- */

json_t *pc_decode_root(struct pc_result *, const yaml_node_t *root);

/* ---- validate_rules.c, validate_extra.c: the rules ----------------------- */

/* The text of key name in obj, NULL if missing or not text. */
const char *pc_text(json_t *obj, const char *name);
void        pc_check_fields(struct pc_result *, json_t *doc);
void        pc_check_extra(struct pc_result *, json_t *doc);

#endif
