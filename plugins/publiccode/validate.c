/*
 * publiccode.yml validation, classified and positioned the way the official
 * parser (italia/publiccode-parser-go, v0 files) does it, so that a file
 * gets the same verdict here as on Developers Italia or openCode:
 *
 * 1. bytes: the file must be UTF-8;
 * 2. YAML: libyaml loads the document (its message and line if not);
 * 3. version: publiccodeYmlVersion must be a supported string; old
 *    versions get a warning and are read as v0.7;
 * 4. decoding: every key must be known and of the right type. As in the
 *    upstream decoder, a type error inside a section empties that whole
 *    section (so its required keys are then reported missing), while a
 *    type error in a top-level key only drops that key;
 * 5. field rules in the order of the upstream structure (required keys,
 *    enums, lengths, formats, vocabularies), keyed "a.b[2].c";
 * 6. the extra rules: deprecated keys (warnings), relative paths.
 *
 * Positions follow the upstream rules: decoding errors give the line and
 * column 1; a rule gives the position of its key, or of the enclosing
 * node if the key is missing, or 0:0 if that is missing too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publiccode.h"

#define VERSION_LATEST "0.7"

static const char *const supported_versions[] = { "0", "0.2", "0.2.0", "0.2.1",
	"0.2.2", "0.3", "0.3.0", "0.4", "0.4.0", "0.5.0", "0.5", "0.7.0", "0.7",
	NULL };

static const char *const development_statuses[] = { "concept", "development",
	"beta", "stable", "obsolete", NULL };
static const char *const software_types[] = { "standalone/mobile",
	"standalone/iot", "standalone/desktop", "standalone/web",
	"standalone/backend", "standalone/other", "addon", "library",
	"configurationFiles", NULL };
static const char *const maintenance_types[] = { "internal", "contract",
	"community", "none", NULL };
static const char *const extension_versions[] = { "0.2", "1.0", NULL };

#define STANDARD_DOCS                                                     \
	"https://github.com/publiccodeyml/publiccode.yml/blob/main/docs/" \
	"standard/"
#define CATEGORIES_URL STANDARD_DOCS "categories-list.rst"
#define SCOPES_URL     STANDARD_DOCS "scope-list.rst"
#define ALIASES_URL    STANDARD_DOCS "aliases-list.rst"
#define IPA_URL                             \
	"https://github.com/publiccodeyml/" \
	"italian-organizations-ipa-vocabulary"

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

/* ---- findings ---------------------------------------------------------- */

static void
vadd(struct pc_result *res, int error, const char *key, int line, int col,
    const char *fmt, va_list ap)
{
	struct pc_issue *grown, *is;

	if (res->n == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		if ((grown = realloc(res->issues, cap * sizeof(*grown))) ==
		    NULL)
			return;
		res->issues = grown;
		res->cap = cap;
	}
	is = &res->issues[res->n++];
	is->error = error;
	is->line = line;
	is->col = col;
	snprintf(is->key, sizeof(is->key), "%s", key);
	vsnprintf(is->message, sizeof(is->message), fmt, ap);
	if (error)
		res->errors++;
}

static void __attribute__((format(printf, 6, 7))) add(struct pc_result *res,
    int error, const char *key, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(res, error, key, line, col, fmt, ap);
	va_end(ap);
}

/* A rule's finding, placed where the upstream parser places it. */
static void __attribute__((format(printf, 4, 5)))
rule(struct pc_result *res, int error, const char *key, const char *fmt, ...)
{
	va_list ap;
	int     line, col;

	pc_position(res, key, &line, &col);
	va_start(ap, fmt);
	vadd(res, error, key, line, col, fmt, ap);
	va_end(ap);
}

/* ---- the YAML document ------------------------------------------------- */

static yaml_node_t *
node_at(const struct pc_result *res, int index)
{
	return yaml_document_get_node(res->yaml, index);
}

static const char *
scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE
	    ? (const char *)n->data.scalar.value
	    : NULL;
}

/* The value of key in mapping n (and its key node), or NULL. */
static yaml_node_t *
map_get(const struct pc_result *res, const yaml_node_t *n, const char *key,
    size_t keylen, yaml_node_t **keynode)
{
	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(res, p->key);
		const char  *s = scalar(k);
		if (s && strlen(s) == keylen && memcmp(s, key, keylen) == 0) {
			if (keynode)
				*keynode = k;
			return node_at(res, p->value);
		}
	}
	return NULL;
}

static void
mark(const yaml_node_t *n, int *line, int *col)
{
	*line = (int)n->start_mark.line + 1;
	*col = (int)n->start_mark.column + 1;
}

void
pc_position(const struct pc_result *res, const char *key, int *line, int *col)
{
	yaml_node_t *n, *next, *keynode;
	const char  *p = key, *name;
	size_t       len;
	int          bracket, last;

	*line = *col = 0;
	if (res->yaml == NULL ||
	    (n = yaml_document_get_root_node(res->yaml)) == NULL)
		return;
	while (*p) {
		bracket = *p == '[';
		name = p + bracket;
		len = strcspn(name, bracket ? "]" : ".[");
		p = name + len + (bracket && name[len] == ']');
		if (*p == '.')
			p++;
		last = *p == '\0';
		keynode = NULL;
		next = NULL;
		if (bracket && n->type == YAML_SEQUENCE_NODE &&
		    strspn(name, "0123456789") == len && len > 0) {
			long i = strtol(name, NULL, 10);
			if (i < n->data.sequence.items.top -
			        n->data.sequence.items.start)
				next = keynode = node_at(res,
				    n->data.sequence.items.start[i]);
		} else
			next = map_get(res, n, name, len, &keynode);
		if (next == NULL) {
			if (last) /* the key is missing: its parent */
				mark(n, line, col);
			return;
		}
		if (last) {
			mark(keynode, line, col);
			return;
		}
		n = next;
	}
}

/* YAML 1.2 core schema types of scalars. */
enum stype { S_NULL, S_BOOL, S_INT, S_FLOAT, S_STR };

static int
all_in(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* [0-9]+(\.[0-9]*)? or \.[0-9]+, then an optional exponent. */
static int
is_decimal(const char *d)
{
	size_t i = strspn(d, "0123456789"), frac, j, e;

	if (d[i] == '.') {
		frac = strspn(d + i + 1, "0123456789");
		if (i == 0 && frac == 0)
			return 0;
		i += 1 + frac;
	} else if (i == 0)
		return 0;
	if (d[i] == 'e' || d[i] == 'E') {
		j = i + 1 + (d[i + 1] == '-' || d[i + 1] == '+');
		if ((e = strspn(d + j, "0123456789")) == 0)
			return 0;
		i = j + e;
	}
	return d[i] == '\0';
}

static enum stype
resolve(const yaml_node_t *n)
{
	const char *s = scalar(n), *tag = (const char *)n->tag, *d;

	if (tag && strcmp(tag, YAML_DEFAULT_SCALAR_TAG) != 0) {
		if (strcmp(tag, YAML_NULL_TAG) == 0)
			return S_NULL;
		if (strcmp(tag, YAML_BOOL_TAG) == 0)
			return S_BOOL;
		if (strcmp(tag, YAML_INT_TAG) == 0)
			return S_INT;
		if (strcmp(tag, YAML_FLOAT_TAG) == 0)
			return S_FLOAT;
		return S_STR;
	}
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return S_STR;
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return S_NULL;
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
		return S_BOOL;
	if ((strncmp(s, "0x", 2) == 0 &&
	        all_in(s + 2, "0123456789abcdefABCDEF")) ||
	    (strncmp(s, "0o", 2) == 0 && all_in(s + 2, "01234567")))
		return S_INT;
	d = s + (*s == '-' || *s == '+');
	if (all_in(d, "0123456789"))
		return S_INT;
	if (strcmp(d, ".inf") == 0 || strcmp(d, ".Inf") == 0 ||
	    strcmp(d, ".INF") == 0 || strcmp(s, ".nan") == 0 ||
	    strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0 || is_decimal(d))
		return S_FLOAT;
	return S_STR;
}

/* ---- decoding ------------------------------------------------------------ */

/* A key path longer than out is cut: it only ever appears in messages. */
static void
join(char *out, size_t len, const char *prefix, const char *name)
{
	int n;

	if (prefix == NULL || *prefix == '\0')
		n = snprintf(out, len, "%s", name);
	else
		n = snprintf(out, len, "%s.%s", prefix, name);
	if (n < 0)
		*out = '\0';
}

static void
wrong_type(struct pc_result *res, const char *path, const yaml_node_t *n)
{
	add(res, 1, path, (int)n->start_mark.line + 1, 1,
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
	*out = resolve(n) == S_NULL ? NULL : json_string(scalar(n));
	return 0;
}

static int
decode_object(struct pc_result *res, const yaml_node_t *n,
    const struct fdef *fields, const char *path, json_t **out)
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
		const yaml_node_t *k = node_at(res, p->key);
		const yaml_node_t *val = node_at(res, p->value);
		const char        *name = scalar(k);
		if (name == NULL) {
			wrong_type(res, path, k);
			rc = -1;
			continue;
		}
		join(key, sizeof(key), path, name);
		for (f = fields; f->name; f++)
			if (strcmp(f->name, name) == 0)
				break;
		if (f->name == NULL) {
			add(res, 1, key, (int)k->start_mark.line + 1, 1,
			    "unknown field \"%s\"", name);
			continue;
		}
		if (json_object_get(*out, name) != NULL) {
			add(res, 1, key, (int)k->start_mark.line + 1, 1,
			    "mapping key \"%s\" already defined", name);
			continue;
		}
		v = NULL;
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
	if (n->type == YAML_SCALAR_NODE && resolve(n) == S_NULL) {
		*out = json_object();
		return 0;
	}
	return decode_object(res, n, fields, path, out);
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
		const yaml_node_t *e = node_at(res, *i);
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
decode_descs(struct pc_result *res, const yaml_node_t *n,
    const struct fdef *fields, const char *path, json_t **out)
{
	char    key[192];
	json_t *v;
	int     rc = 0;

	if (n->type != YAML_MAPPING_NODE) {
		wrong_type(res, path, n);
		return -1;
	}
	*out = json_object();
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(res, p->key);
		const yaml_node_t *val = node_at(res, p->value);
		const char        *lang = scalar(k);
		if (lang == NULL) {
			wrong_type(res, path, k);
			rc = -1;
			continue;
		}
		join(key, sizeof(key), path, lang);
		v = NULL;
		if (decode_mapping(res, val, fields, key, &v) == -1) {
			json_decref(v);
			rc = -1;
			continue;
		}
		json_object_set_new(*out, lang, v);
	}
	return rc;
}

static int
decode(struct pc_result *res, const yaml_node_t *n, const struct fdef *f,
    const char *path, json_t **out)
{
	*out = NULL;
	if (n->type == YAML_SCALAR_NODE && resolve(n) == S_NULL)
		return 0; /* null: as if the key were not there */
	switch (f->kind) {
	case K_STR:
		return decode_scalar(res, n, path, out);
	case K_BOOL:
		if (n->type != YAML_SCALAR_NODE || resolve(n) != S_BOOL) {
			wrong_type(res, path, n);
			return -1;
		}
		*out = json_boolean(scalar(n)[0] == 't' || scalar(n)[0] == 'T');
		return 0;
	case K_STRS:
		return decode_list(res, n, f, path, out);
	case K_URLS:
		if (n->type == YAML_SCALAR_NODE) {
			*out = json_pack("[s]", scalar(n));
			return 0;
		}
		return decode_list(res, n, f, path, out);
	case K_OBJ:
		return decode_object(res, n, f->sub, path, out);
	case K_OBJS:
		return decode_list(res, n, f, path, out);
	case K_DESCS:
		return decode_descs(res, n, f->sub, path, out);
	}
	return 0;
}

/*
 * Decodes the top level: as any mapping, a key whose value (or anything
 * inside it) has the wrong type is dropped as a whole; the others stay.
 */
static json_t *
decode_root(struct pc_result *res, const yaml_node_t *root)
{
	json_t *doc = NULL;

	decode_object(res, root, root_fields, "", &doc);
	return doc;
}

/* ---- field rules ----------------------------------------------------------- */

struct check {
	struct pc_result *res;
	json_t           *obj;    /* the mapping being checked */
	const char       *prefix; /* its key: "maintenance", "" at the top */
};

static const char *
text(json_t *obj, const char *name)
{
	return json_string_value(json_object_get(obj, name));
}

/* An error about the key name of the mapping being checked. */
static void __attribute__((format(printf, 3, 4)))
reject(const struct check *c, const char *name, const char *fmt, ...)
{
	char    key[192];
	va_list ap;
	int     line, col;

	join(key, sizeof(key), c->prefix, name);
	pc_position(c->res, key, &line, &col);
	va_start(ap, fmt);
	vadd(c->res, 1, key, line, col, fmt, ap);
	va_end(ap);
}

/* "name is a required field" if the key is missing or empty. */
static int
required(const struct check *c, const char *name)
{
	json_t     *v = json_object_get(c->obj, name);
	const char *s = json_string_value(v);

	if (v != NULL && (s == NULL || *s != '\0'))
		return 1;
	reject(c, name, "%s is a required field", name);
	return 0;
}

static void
one_of(const struct check *c, const char *name, const char *const *values)
{
	char        list[512] = "";
	const char *s = text(c->obj, name);
	size_t      n = 0, count = 0;

	if (s == NULL)
		return;
	for (size_t i = 0; values[i]; i++) {
		if (strcmp(values[i], s) == 0)
			return;
		count++;
	}
	for (size_t i = 0; values[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s\"%s\"",
		    i == 0               ? ""
		        : i + 1 == count ? " or "
		                         : ", ",
		    values[i]);
	reject(c, name, "%s must be one of the following: %s", name, list);
}

/* A format check on an optional text key: "<name> <what>" if it fails. */
static void
format(const struct check *c, const char *name, int (*ok)(const char *),
    const char *what)
{
	const char *s = text(c->obj, name);

	if (s == NULL || ok(s))
		return;
	reject(c, name, "%s %s", name, what);
}

/* Each item of a list of text: "<name>[i] <what>" if it fails. */
static void
each(const struct check *c, const char *name, int (*ok)(const char *),
    const char *what)
{
	char    field[128];
	json_t *v;
	size_t  i;

	json_array_foreach(json_object_get(c->obj, name), i, v)
	{
		if (ok(json_string_value(v)))
			continue;
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		reject(c, field, "%s %s", field, what);
	}
}

/* Lists that must have an item: missing and empty alike. */
static void
not_empty(const struct check *c, const char *name)
{
	if (json_array_size(json_object_get(c->obj, name)) > 0)
		return;
	reject(c, name, "%s must contain more than 0 items", name);
}

/* A text key longer than max characters (grapheme clusters). */
static void
max_length(const struct check *c, const char *name, size_t max)
{
	const char *s = text(c->obj, name);

	if (s != NULL && pc_graphemes(s) > max)
		reject(c, name,
		    "%s must be a maximum of %zu characters in length", name,
		    max);
}

static void
check_org(struct pc_result *res, json_t *org, const char *prefix)
{
	struct check c = { res, org, prefix };
	const char  *uri;
	int          ok;

	/* Since v0.5 the URI identifies an organisation; a name is optional. */
	if (!required(&c, "uri"))
		return;
	uri = text(org, "uri");
	if ((ok = pc_organisation_uri(uri)) == 1)
		return;
	if (ok == -1)
		reject(&c, "uri",
		    "uri must be a valid Italian Public Administration Code "
		    "(iPA) with format 'urn:x-italian-pa:[codiceIPA]' "
		    "(see " IPA_URL ")");
	else
		reject(&c, "uri", "uri is not a valid URI");
}

static void
check_supports(struct pc_result *res, json_t *list)
{
	char        prefix[64];
	const char *id;
	json_t     *v;
	size_t      i;

	json_array_foreach(list, i, v)
	{
		struct check c = { res, v, prefix };
		snprintf(prefix, sizeof(prefix), "supports[%zu]", i);
		if (!required(&c, "id"))
			continue;
		id = text(v, "id");
		if (strncmp(id, "alias:", 6) != 0)
			format(&c, "id", pc_is_url,
			    "must be an alias (alias:NAME) or a valid URI");
		else if (!pc_is_alias(id + 6))
			reject(&c, "id",
			    "id contains an unknown alias (see " ALIASES_URL
			    ")");
	}
}

/* The description of one language (DescV0). */
static void
check_desc(struct pc_result *res, json_t *desc, const char *prefix)
{
	struct check c = { res, desc, prefix };

	max_length(&c, "genericName", 35);
	if (required(&c, "shortDescription"))
		max_length(&c, "shortDescription", 150);
	if (required(&c, "longDescription")) {
		if (pc_graphemes(text(desc, "longDescription")) < 150)
			reject(&c, "longDescription",
			    "longDescription must be at least 150 characters "
			    "in length");
		else
			max_length(&c, "longDescription", 10000);
	}
	format(&c, "documentation", pc_is_http_url, "must be an HTTP URL");
	format(&c, "apiDocumentation", pc_is_http_url, "must be an HTTP URL");
	not_empty(&c, "features");
	each(&c, "videos", pc_is_http_url, "must be an HTTP URL");
}

static int
is_letters(const char *s)
{
	return *s &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
	    strlen(s);
}

static void
check_description(struct pc_result *res, json_t *descs)
{
	const char *lang;
	char        prefix[128];
	json_t     *d;

	if (json_object_size(descs) == 0) {
		rule(res, 1, "description",
		    "description must contain more than 0 items");
		return;
	}
	json_object_foreach(descs, lang, d)
	{
		if (!pc_is_bcp47(lang)) {
			rule(res, 1, "description",
			    "description must be a valid BCP 47 language");
			return;
		}
	}
	json_object_foreach(descs, lang, d)
	{
		/* The upstream validator writes letters-only keys as .lang. */
		if (is_letters(lang))
			snprintf(prefix, sizeof(prefix), "description.%s",
			    lang);
		else
			snprintf(prefix, sizeof(prefix), "description[%s]",
			    lang);
		check_desc(res, d, prefix);
	}
}

/* Contractors (with until) or contacts of maintenance. */
static void
check_people(struct pc_result *res, json_t *list, const char *what,
    int contractors)
{
	char    prefix[64];
	json_t *v;
	size_t  i;

	json_array_foreach(list, i, v)
	{
		struct check e = { res, v, prefix };
		snprintf(prefix, sizeof(prefix), "maintenance.%s[%zu]", what,
		    i);
		required(&e, "name");
		format(&e, "email", pc_is_email,
		    "must be a valid email address");
		if (!contractors)
			continue;
		format(&e, "website", pc_is_http_url, "must be an HTTP URL");
		if (required(&e, "until"))
			format(&e, "until", pc_is_date,
			    "must be a date with format 'YYYY-MM-DD'");
	}
}

static void
check_maintenance(struct pc_result *res, json_t *m)
{
	struct check c = { res, m, "maintenance" };
	json_t      *contractors = json_object_get(m, "contractors");
	json_t      *contacts = json_object_get(m, "contacts");
	const char  *type;
	int          contract;

	if (required(&c, "type"))
		one_of(&c, "type", maintenance_types);
	type = text(m, "type");
	type = type ? type : "";
	contract = strcmp(type, "contract") == 0;
	if (contractors == NULL && contract)
		reject(&c, "contractors",
		    "contractors is a required field when \"type\" is "
		    "\"contract\"");
	else if (contractors != NULL && !contract)
		reject(&c, "contractors",
		    "contractors must not be present unless \"type\" is "
		    "\"contract\"");
	else
		check_people(res, contractors, "contractors", 1);
	if (contacts == NULL &&
	    (strcmp(type, "community") == 0 || strcmp(type, "internal") == 0))
		reject(&c, "contacts",
		    "contacts is a required field when \"type\" is \"%s\"",
		    type);
	check_people(res, contacts, "contacts", 0);
}

static void
check_it(struct pc_result *res, json_t *it, const char *prefix)
{
	struct check c = { res, it, prefix };
	char         key[64];
	struct check r = { res, json_object_get(it, "riuso"), key };
	const char  *ipa;

	one_of(&c, "countryExtensionVersion", extension_versions);
	snprintf(key, sizeof(key), "%s.riuso", prefix);
	if ((ipa = text(r.obj, "codiceIPA")) != NULL && *ipa != '\0')
		format(&r, "codiceIPA", pc_is_ipa_code,
		    "must be a valid Italian Public Administration Code (iPA) "
		    "(see " IPA_URL ")");
}

/* legal, maintenance and localisation are checked even when absent. */
static json_t *
section(json_t *doc, const char *name, json_t *empty)
{
	json_t *v = json_object_get(doc, name);

	return v ? v : empty;
}

static void
check_fields(struct pc_result *res, json_t *doc)
{
	struct check c = { res, doc, "" };
	json_t      *v, *sub, *empty = json_object();
	char         prefix[64];
	size_t       i;

	required(&c, "name");
	if (required(&c, "url"))
		format(&c, "url", pc_is_url, "must be a valid URL");
	format(&c, "landingURL", pc_is_http_url, "must be an HTTP URL");
	each(&c, "isBasedOn", pc_is_url, "must be a valid URL");
	format(&c, "releaseDate", pc_is_date,
	    "must be a date with format 'YYYY-MM-DD'");
	if ((v = json_object_get(doc, "organisation")) != NULL)
		check_org(res, v, "organisation");
	each(&c, "inputTypes", pc_is_mime_type, "is not a valid MIME type");
	each(&c, "outputTypes", pc_is_mime_type, "is not a valid MIME type");
	not_empty(&c, "platforms");
	each(&c, "categories", pc_is_category,
	    "must be a valid category (see " CATEGORIES_URL ")");
	json_array_foreach(json_object_get(doc, "fundedBy"), i, v)
	{
		snprintf(prefix, sizeof(prefix), "fundedBy[%zu]", i);
		check_org(res, v, prefix);
	}
	check_supports(res, json_object_get(doc, "supports"));
	format(&c, "roadmap", pc_is_http_url, "must be an HTTP URL");
	if (required(&c, "developmentStatus"))
		one_of(&c, "developmentStatus", development_statuses);
	if (required(&c, "softwareType"))
		one_of(&c, "softwareType", software_types);
	if ((v = json_object_get(doc, "intendedAudience")) != NULL) {
		struct check a = { res, v, "intendedAudience" };
		each(&a, "scope", pc_is_scope,
		    "must be a valid scope (see " SCOPES_URL ")");
		each(&a, "countries", pc_is_country,
		    "must be a valid ISO 3166-1 alpha-2 two-letter country "
		    "code");
		each(&a, "unsupportedCountries", pc_is_country,
		    "must be a valid ISO 3166-1 alpha-2 two-letter country "
		    "code");
	}
	check_description(res, json_object_get(doc, "description"));
	{
		struct check l = { res, section(doc, "legal", empty), "legal" };
		if (required(&l, "license"))
			format(&l, "license", pc_is_spdx,
			    "must be a valid license (see "
			    "https://spdx.org/licenses)");
	}
	check_maintenance(res, section(doc, "maintenance", empty));
	{
		struct check l = { res, section(doc, "localisation", empty),
			"localisation" };
		required(&l, "localisationReady");
		if (required(&l, "availableLanguages")) {
			not_empty(&l, "availableLanguages");
			each(&l, "availableLanguages", pc_is_bcp47,
			    "must be a valid BCP 47 language");
		}
	}
	if ((v = json_object_get(doc, "dependsOn")) != NULL) {
		static const char *const kinds[] = { "open", "proprietary",
			"hardware", NULL };
		for (const char *const *k = kinds; *k; k++)
			json_array_foreach(json_object_get(v, *k), i, sub)
			{
				struct check d = { res, sub, prefix };
				snprintf(prefix, sizeof(prefix),
				    "dependsOn.%s[%zu]", *k, i);
				required(&d, "name");
			}
	}
	if ((v = json_object_get(doc, "IT")) != NULL)
		check_it(res, v, "IT");
	if ((v = json_object_get(doc, "it")) != NULL)
		check_it(res, v, "it");
	json_decref(empty);
}

/* ---- the rules beyond the structure ---------------------------------------- */

#define DEPRECATED "This key is DEPRECATED and will be removed in the future. "
#define DROP_IT    "It's safe to drop it"

/* A warning for a key that is there, however empty; key names it. */
static void
deprecated(struct pc_result *res, json_t *obj, const char *name,
    const char *key, const char *instead)
{
	if (json_object_get(obj, name) != NULL)
		rule(res, 0, key, DEPRECATED "%s", instead);
}

/* Files the standard lets point into the repository or to a URL. */
static void
relative_path(struct pc_result *res, const char *key, const char *s)
{
	if (s == NULL)
		return;
	if (s[0] == '/')
		rule(res, 1, key,
		    "is an absolute path. Only relative paths or HTTP(s) URLs "
		    "allowed");
	else if (strncmp(s, "file:", 5) == 0)
		rule(res, 1, key,
		    "is a file:// URL. Only relative paths or HTTP(s) URLs "
		    "allowed");
}

static void
lowercase_countries(struct pc_result *res, json_t *audience, const char *name)
{
	char        key[96], upper[3];
	const char *s;
	json_t     *v;
	size_t      i;

	json_array_foreach(json_object_get(audience, name), i, v)
	{
		s = json_string_value(v);
		if (!pc_is_country(s) || s[0] < 'a' || s[0] > 'z')
			continue;
		upper[0] = (char)(s[0] - 'a' + 'A');
		upper[1] = (char)(s[1] - 'a' + 'A');
		upper[2] = '\0';
		snprintf(key, sizeof(key), "intendedAudience.%s[%zu]", name, i);
		rule(res, 0, key,
		    "Lowercase country codes are DEPRECATED. Use uppercase "
		    "instead ('%s')",
		    upper);
	}
}

static void
check_extra(struct pc_result *res, json_t *doc)
{
	json_t     *v, *shot, *legal = json_object_get(doc, "legal"), *it;
	const char *lang, *s;
	char        key[192];
	size_t      i;

	relative_path(res, "logo", text(doc, "logo"));
	if ((s = text(doc, "monochromeLogo")) != NULL && *s != '\0') {
		rule(res, 0, "monochromeLogo", DEPRECATED "Use 'logo' instead");
		relative_path(res, "monochromeLogo", s);
	}
	if ((v = json_object_get(doc, "intendedAudience")) != NULL) {
		lowercase_countries(res, v, "countries");
		lowercase_countries(res, v, "unsupportedCountries");
	}
	if ((s = text(legal, "authorsFile")) != NULL) {
		rule(res, 0, "legal.authorsFile", DEPRECATED DROP_IT);
		relative_path(res, "legal.authorsFile", s);
	}
	deprecated(res, legal, "repoOwner", "legal.repoOwner",
	    "Use 'organisation.name' instead");
	deprecated(res, doc, "inputTypes", "inputTypes", DROP_IT);
	deprecated(res, doc, "outputTypes", "outputTypes", DROP_IT);
	json_object_foreach(json_object_get(doc, "description"), lang, v)
	{
		if ((s = text(v, "genericName")) != NULL && *s != '\0') {
			snprintf(key, sizeof(key), "description.%s.genericName",
			    lang);
			rule(res, 0, key, DEPRECATED DROP_IT);
		}
		json_array_foreach(json_object_get(v, "screenshots"), i, shot)
		{
			snprintf(key, sizeof(key),
			    "description.%s.screenshots[%zu]", lang, i);
			relative_path(res, key, json_string_value(shot));
		}
	}
	it = json_object_get(doc, "IT");
	if (json_object_get(doc, "it") != NULL) {
		rule(res, 0, "it",
		    "Lowercase country codes are DEPRECATED and will be "
		    "removed in the future. Use 'IT' instead");
		if (it != NULL)
			rule(res, 1, "it",
			    "'IT' key already present. Remove this key");
		else
			it = json_object_get(doc, "it");
	}
	if (it == NULL)
		return;
	/* Keyed IT.* even for a lowercase section, as upstream does. */
	deprecated(res, it, "conforme", "IT.conforme", DROP_IT);
	s = text(json_object_get(it, "riuso"), "codiceIPA");
	if (s != NULL && *s != '\0' && pc_is_ipa_code(s))
		rule(res, 0, "IT.riuso.codiceIPA",
		    DEPRECATED "Use 'organisation.uri' and set it to "
		               "'urn:x-italian-pa:%s' instead",
		    s);
}

/* ---- the whole file --------------------------------------------------------- */

/* Well-formed UTF-8 as Go's utf8.Valid sees it (no surrogates, overlongs). */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, cp = c & 0x07;
		else
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 &&
		        (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* publiccodeYmlVersion first: nothing else is read without a known one. */
static int
check_version(struct pc_result *res, const yaml_node_t *root)
{
	yaml_node_t *key = NULL, *v;
	const char  *s;
	char         list[256] = "";
	size_t       n = 0;
	int          line, col;

	v = map_get(res, root, "publiccodeYmlVersion", 20, &key);
	if (v == NULL ||
	    (v->type == YAML_SCALAR_NODE && resolve(v) == S_NULL)) {
		add(res, 1, "publiccodeYmlVersion", 0, 0,
		    "publiccodeYmlVersion is a required field");
		return -1;
	}
	if (v->type != YAML_SCALAR_NODE || resolve(v) != S_STR) {
		/* An unquoted 0.4 is a number, which upstream refuses. */
		mark(key, &line, &col);
		add(res, 1, "publiccodeYmlVersion", line, col,
		    "publiccodeYmlVersion must be a string: quote it, as in "
		    "publiccodeYmlVersion: \"%s\"",
		    v->type == YAML_SCALAR_NODE ? scalar(v) : VERSION_LATEST);
		return -1;
	}
	s = scalar(v);
	for (size_t i = 0; supported_versions[i]; i++)
		if (strcmp(supported_versions[i], s) == 0) {
			if (strcmp(s, "0") != 0 &&
			    strncmp(s, VERSION_LATEST, 3) != 0) {
				mark(key, &line, &col);
				add(res, 0, "publiccodeYmlVersion", line, col,
				    "v%s is not the latest version, use '0'. "
				    "Parsing this file as v%s.",
				    s, VERSION_LATEST);
			}
			return 0;
		}
	for (size_t i = 0; supported_versions[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i ? ", " : "", supported_versions[i]);
	add(res, 1, "publiccodeYmlVersion", 0, 0,
	    "unsupported version: '%s'. Supported versions: %s", s, list);
	return -1;
}

void
pc_validate(const char *buf, size_t len, struct pc_result *res)
{
	yaml_parser_t parser;
	yaml_node_t  *root;

	memset(res, 0, sizeof(*res));
	if (!valid_utf8((const unsigned char *)buf, len)) {
		add(res, 1, "", 0, 0, "Invalid UTF-8");
		return;
	}
	if (!yaml_parser_initialize(&parser)) {
		add(res, 1, "", 0, 0, "out of memory");
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if ((res->yaml = malloc(sizeof(*res->yaml))) == NULL ||
	    !yaml_parser_load(&parser, res->yaml)) {
		free(res->yaml);
		res->yaml = NULL;
		/* Placed at the line, as upstream does; the column is told. */
		add(res, 1, "", (int)parser.problem_mark.line + 1, 1,
		    "%s%s%s (column %d)",
		    parser.problem ? parser.problem : "invalid YAML",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "",
		    (int)parser.problem_mark.column + 1);
		yaml_parser_delete(&parser);
		return;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(res->yaml);
	if (root == NULL) {
		add(res, 1, "publiccodeYmlVersion", 0, 0,
		    "publiccodeYmlVersion is a required field");
		return;
	}
	if (root->type != YAML_MAPPING_NODE) {
		add(res, 1, "", (int)root->start_mark.line + 1, 1,
		    "wrong type for this field");
		return;
	}
	if (check_version(res, root) == -1)
		return;
	res->doc = decode_root(res, root);
	check_fields(res, res->doc);
	check_extra(res, res->doc);
}

void
pc_result_free(struct pc_result *res)
{
	free(res->issues);
	if (res->yaml != NULL) {
		yaml_document_delete(res->yaml);
		free(res->yaml);
	}
	json_decref(res->doc);
	memset(res, 0, sizeof(*res));
}
