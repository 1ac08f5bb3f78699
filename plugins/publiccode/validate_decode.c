/*
 * The structure of a v0 publiccode.yml and its decoding into JSON: every
 * key known and of the right type, or a "wrong type" or "unknown field"
 * finding. The rules then read the decoded file, never the YAML itself.
 */
#include <stdio.h>
#include <string.h>

#include "validate.h"

/* ---- the structure of a v0 file --------------------------------------- */

enum kind {
	K_STR,   /* any scalar, kept as text */
	K_BOOL,  /* true or false */
	K_STRS,  /* sequence of scalars */
	K_URLS,  /* a scalar or a sequence of scalars */
	K_OBJ,   /* mapping with the fields in sub */
	K_OBJS,  /* sequence of such mappings */
	K_DESCS, /* mapping of language -> mapping with the fields in sub */
};

struct fdef {
	const char        *name;
	enum kind          kind;
	const struct fdef *sub;
};

static const struct fdef org_fields[] = { { "name", K_STR, NULL },
	{ "uri", K_STR, NULL }, { NULL, K_STR, NULL } };
static const struct fdef support_fields[] = { { "id", K_STR, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef audience_fields[] = { { "scope", K_STRS, NULL },
	{ "countries", K_STRS, NULL }, { "unsupportedCountries", K_STRS, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef desc_fields[] = { { "localisedName", K_STR, NULL },
	{ "genericName", K_STR, NULL }, { "shortDescription", K_STR, NULL },
	{ "longDescription", K_STR, NULL }, { "documentation", K_STR, NULL },
	{ "apiDocumentation", K_STR, NULL }, { "features", K_STRS, NULL },
	{ "screenshots", K_STRS, NULL }, { "videos", K_STRS, NULL },
	{ "awards", K_STRS, NULL }, { NULL, K_STR, NULL } };
static const struct fdef legal_fields[] = { { "license", K_STR, NULL },
	{ "mainCopyrightOwner", K_STR, NULL }, { "repoOwner", K_STR, NULL },
	{ "authorsFile", K_STR, NULL }, { NULL, K_STR, NULL } };
static const struct fdef contractor_fields[] = { { "name", K_STR, NULL },
	{ "email", K_STR, NULL }, { "website", K_STR, NULL },
	{ "until", K_STR, NULL }, { NULL, K_STR, NULL } };
static const struct fdef contact_fields[] = { { "name", K_STR, NULL },
	{ "email", K_STR, NULL }, { "affiliation", K_STR, NULL },
	{ "phone", K_STR, NULL }, { NULL, K_STR, NULL } };
static const struct fdef maintenance_fields[] = { { "type", K_STR, NULL },
	{ "contractors", K_OBJS, contractor_fields },
	{ "contacts", K_OBJS, contact_fields }, { NULL, K_STR, NULL } };
static const struct fdef localisation_fields[] = { { "localisationReady",
	                                               K_BOOL, NULL },
	{ "availableLanguages", K_STRS, NULL }, { NULL, K_STR, NULL } };
static const struct fdef dependency_fields[] = { { "name", K_STR, NULL },
	{ "versionMin", K_STR, NULL }, { "versionMax", K_STR, NULL },
	{ "optional", K_BOOL, NULL }, { "version", K_STR, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef depends_fields[] = { { "open", K_OBJS,
	                                          dependency_fields },
	{ "proprietary", K_OBJS, dependency_fields },
	{ "hardware", K_OBJS, dependency_fields }, { NULL, K_STR, NULL } };
static const struct fdef conforme_fields[] = { { "lineeGuidaDesign", K_BOOL,
	                                           NULL },
	{ "modelloInteroperabilita", K_BOOL, NULL },
	{ "misureMinimeSicurezza", K_BOOL, NULL }, { "gdpr", K_BOOL, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef riuso_fields[] = { { "codiceIPA", K_STR, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef piattaforme_fields[] = { { "spid", K_BOOL, NULL },
	{ "pagopa", K_BOOL, NULL }, { "cie", K_BOOL, NULL },
	{ "anpr", K_BOOL, NULL }, { "io", K_BOOL, NULL },
	{ NULL, K_STR, NULL } };
static const struct fdef it_fields[] = { { "countryExtensionVersion", K_STR,
	                                     NULL },
	{ "conforme", K_OBJ, conforme_fields },
	{ "riuso", K_OBJ, riuso_fields },
	{ "piattaforme", K_OBJ, piattaforme_fields }, { NULL, K_STR, NULL } };

/* In the order of the upstream structure, which orders its messages. */
static const struct fdef root_fields[] = {
	{ "publiccodeYmlVersion", K_STR, NULL }, { "name", K_STR, NULL },
	{ "applicationSuite", K_STR, NULL }, { "url", K_STR, NULL },
	{ "landingURL", K_STR, NULL }, { "isBasedOn", K_URLS, NULL },
	{ "softwareVersion", K_STR, NULL }, { "releaseDate", K_STR, NULL },
	{ "logo", K_STR, NULL }, { "monochromeLogo", K_STR, NULL },
	{ "organisation", K_OBJ, org_fields }, { "inputTypes", K_STRS, NULL },
	{ "outputTypes", K_STRS, NULL }, { "platforms", K_STRS, NULL },
	{ "categories", K_STRS, NULL }, { "usedBy", K_STRS, NULL },
	{ "fundedBy", K_OBJS, org_fields },
	{ "supports", K_OBJS, support_fields }, { "roadmap", K_STR, NULL },
	{ "developmentStatus", K_STR, NULL }, { "softwareType", K_STR, NULL },
	{ "intendedAudience", K_OBJ, audience_fields },
	{ "description", K_DESCS, desc_fields },
	{ "legal", K_OBJ, legal_fields },
	{ "maintenance", K_OBJ, maintenance_fields },
	{ "localisation", K_OBJ, localisation_fields },
	{ "dependsOn", K_OBJ, depends_fields }, { "IT", K_OBJ, it_fields },
	{ "it", K_OBJ, it_fields }, { NULL, K_STR, NULL }
};

/* ---- decoding ------------------------------------------------------------ */

static void
wrong_type(struct pc_result *res, const char *path, const yaml_node_t *n)
{
	pc_add(res, 1, path, (int)n->start_mark.line + 1, 1,
	    "wrong type for this field");
}

static int decode(struct pc_result *, const yaml_node_t *, const struct fdef *,
    const char *path, json_t **out);

/* A scalar as text (NULL for null), or a type error. */
static int
decode_scalar(struct pc_result *res, const yaml_node_t *n, const char *path,
    json_t **out)
{
	if (n->type != YAML_SCALAR_NODE) {
		wrong_type(res, path, n);
		return -1;
	}
	*out = pc_resolve(n) == S_NULL ? NULL : json_string(pc_scalar(n));
	return 0;
}

static int decode_mapping(struct pc_result *, const yaml_node_t *,
    const struct fdef *, const char *path, json_t **out);

/*
 * The pairs of a mapping. With fields, the keys are field names: an
 * unknown or repeated one is reported and left out. With langs, every key
 * is a language whose value is a mapping of those fields (description).
 */
static int
decode_pairs(struct pc_result *res, const yaml_node_t *n,
    const struct fdef *fields, const struct fdef *langs, const char *path,
    json_t **out)
{
	char               key[192];
	const struct fdef *f;
	json_t            *v;
	int                rc = 0;

	if (n->type != YAML_MAPPING_NODE) {
		wrong_type(res, path, n);
		return -1;
	}
	*out = json_object();
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = pc_node_at(res, p->key);
		const yaml_node_t *val = pc_node_at(res, p->value);
		const char        *name = pc_scalar(k);
		if (name == NULL) {
			wrong_type(res, path, k);
			rc = -1;
			continue;
		}
		pc_join(key, sizeof(key), path, name);
		v = NULL;
		if (langs != NULL) {
			if (decode_mapping(res, val, langs, key, &v) == -1) {
				json_decref(v);
				rc = -1;
				continue;
			}
			json_object_set_new(*out, name, v);
			continue;
		}
		for (f = fields; f->name; f++)
			if (strcmp(f->name, name) == 0)
				break;
		if (f->name == NULL) {
			pc_add(res, 1, key, (int)k->start_mark.line + 1, 1,
			    "unknown field \"%s\"", name);
			continue;
		}
		if (json_object_get(*out, name) != NULL) {
			pc_add(res, 1, key, (int)k->start_mark.line + 1, 1,
			    "mapping key \"%s\" already defined", name);
			continue;
		}
		if (decode(res, val, f, key, &v) == -1) {
			json_decref(v);
			rc = -1;
			continue;
		}
		if (v)
			json_object_set_new(*out, name, v);
	}
	return rc;
}

/* A mapping, where null stands for an empty one. */
static int
decode_mapping(struct pc_result *res, const yaml_node_t *n,
    const struct fdef *fields, const char *path, json_t **out)
{
	if (n->type == YAML_SCALAR_NODE && pc_resolve(n) == S_NULL) {
		*out = json_object();
		return 0;
	}
	return decode_pairs(res, n, fields, NULL, path, out);
}

/* A sequence of scalars (null as "") or, for K_OBJS, of mappings. */
static int
decode_list(struct pc_result *res, const yaml_node_t *n, const struct fdef *f,
    const char *path, json_t **out)
{
	char    item[192];
	json_t *v;
	int     rc = 0;

	if (n->type != YAML_SEQUENCE_NODE) {
		wrong_type(res, path, n);
		return -1;
	}
	*out = json_array();
	for (yaml_node_item_t *i = n->data.sequence.items.start;
	     i < n->data.sequence.items.top; i++) {
		const yaml_node_t *e = pc_node_at(res, *i);
		snprintf(item, sizeof(item), "%s[%d]", path,
		    (int)(i - n->data.sequence.items.start));
		v = NULL;
		if ((f->kind == K_OBJS
		            ? decode_mapping(res, e, f->sub, item, &v)
		            : decode_scalar(res, e, item, &v)) == -1) {
			json_decref(v);
			rc = -1;
			continue;
		}
		json_array_append_new(*out, v ? v : json_string(""));
	}
	return rc;
}

static int
decode(struct pc_result *res, const yaml_node_t *n, const struct fdef *f,
    const char *path, json_t **out)
{
	*out = NULL;
	if (n->type == YAML_SCALAR_NODE && pc_resolve(n) == S_NULL)
		return 0; /* null: as if the key were not there */
	switch (f->kind) {
	case K_STR:
		return decode_scalar(res, n, path, out);
	case K_BOOL:
		if (n->type != YAML_SCALAR_NODE || pc_resolve(n) != S_BOOL) {
			wrong_type(res, path, n);
			return -1;
		}
		*out = json_boolean(
		    pc_scalar(n)[0] == 't' || pc_scalar(n)[0] == 'T');
		return 0;
	case K_STRS:
		return decode_list(res, n, f, path, out);
	case K_URLS:
		if (n->type == YAML_SCALAR_NODE) {
			*out = json_pack("[s]", pc_scalar(n));
			return 0;
		}
		return decode_list(res, n, f, path, out);
	case K_OBJ:
		return decode_pairs(res, n, f->sub, NULL, path, out);
	case K_OBJS:
		return decode_list(res, n, f, path, out);
	case K_DESCS:
		return decode_pairs(res, n, NULL, f->sub, path, out);
	}
	return 0;
}

/*
 * Decodes the top level: as any mapping, a key whose value (or anything
 * inside it) has the wrong type is dropped as a whole; the others stay.
 */
json_t *
pc_decode_root(struct pc_result *res, const yaml_node_t *root)
{
	json_t *doc = NULL;

	decode_pairs(res, root, root_fields, NULL, "", &doc);
	return doc;
}
