/*
 * The field rules of the upstream structure, run over the decoded file in
 * the order of its fields, since that order is the order of the messages:
 * required keys, enums, lengths, formats and vocabularies, section by
 * section.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "validate.h"

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

/* ---- field rules ----------------------------------------------------------- */

struct check {
	struct pc_result *res;
	json_t           *obj;    /* the mapping being checked */
	const char       *prefix; /* its key: "maintenance", "" at the top */
};

const char *
pc_text(json_t *obj, const char *name)
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

	pc_join(key, sizeof(key), c->prefix, name);
	pc_position(c->res, key, &line, &col);
	va_start(ap, fmt);
	pc_vadd(c->res, 1, key, line, col, fmt, ap);
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
	const char *s = pc_text(c->obj, name);
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
	const char *s = pc_text(c->obj, name);

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
	const char *s = pc_text(c->obj, name);

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
	uri = pc_text(org, "uri");
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
		id = pc_text(v, "id");
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
		if (pc_graphemes(pc_text(desc, "longDescription")) < 150)
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
		pc_rule(res, 1, "description",
		    "description must contain more than 0 items");
		return;
	}
	json_object_foreach(descs, lang, d)
	{
		if (!pc_is_bcp47(lang)) {
			pc_rule(res, 1, "description",
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
	type = pc_text(m, "type");
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
	if ((ipa = pc_text(r.obj, "codiceIPA")) != NULL && *ipa != '\0')
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

void
pc_check_fields(struct pc_result *res, json_t *doc)
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
