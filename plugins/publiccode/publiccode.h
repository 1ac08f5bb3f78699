/*
 * The publiccode.yml importer: validation as publiccode-parser-go does it
 * (validate.c and the validate_*.c steps it runs, with the vocabularies
 * and format checks in vocab.c) and the mapping of a valid file onto
 * Rollin's records (map.c and the map_*.c steps it runs).
 */
#ifndef PUBLICCODE_H
#define PUBLICCODE_H

#include <jansson.h>
#include <stddef.h>
#include <yaml.h>

#include "rollin/plugin.h"

/* One finding, positioned like the upstream parser (1-based, 0:0 if none). */
struct pc_issue {
	int  error; /* 1: error, 0: warning */
	int  line, col;
	char key[192];
	char message[400];
};

/* What validation found, and the file as the mapping reads it. */
struct pc_result {
	struct pc_issue *issues;
	size_t           n, cap;
	size_t           errors;
	yaml_document_t *yaml; /* NULL if the file is not YAML */
	json_t *doc; /* decoded keys of the right type; NULL if unparsable */
};

/*
 * Validates len bytes of publiccode.yml: errors and warnings in the order
 * and with the keys, messages and positions the upstream parser gives,
 * network checks off. Always fills res; pc_result_free releases it.
 */
void pc_validate(const char *buf, size_t len, struct pc_result *res);
void pc_result_free(struct pc_result *);

/*
 * The line and column (1-based) of key ("a.b[2].c", "description[en-US]")
 * in the file as upstream places them: the key itself, or its parent's
 * node if the key is missing, or 0:0 if the parent is missing too.
 */
void
pc_position(const struct pc_result *, const char *key, int *line, int *col);

/* Maps a valid file's records through host->upsert. */
enum rollin_status pc_map(const struct rollin_host *, struct rollin_call *,
    const struct pc_result *, const char *name);

/* ---- vocab.c: vocabularies and format checks ------------------------- */

int pc_is_category(const char *);
int pc_is_scope(const char *);
int pc_is_alias(const char *);
/* ISO 3166-1 alpha-2, all upper or all lower case. */
int pc_is_country(const char *);
int pc_is_bcp47(const char *);
int pc_is_email(const char *);
int pc_is_date(const char *);
int pc_is_url(const char *);      /* scheme:... with a host if // */
int pc_is_http_url(const char *); /* http(s)://host... */
int pc_is_mime_type(const char *);
int pc_is_ipa_code(const char *);
/* 1 valid, 0 not a URI, -1 an urn:x-italian-pa: with a bad iPA code. */
int pc_organisation_uri(const char *);
int pc_is_spdx(const char *);
/* User-perceived characters (extended grapheme clusters, approximated). */
size_t pc_graphemes(const char *);
/* Frees what the checks compiled on first use. */
void pc_vocab_free(void);

#endif
