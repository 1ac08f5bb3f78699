/*
 * The rules upstream applies beyond its structure: warnings for deprecated
 * keys and lowercase country codes, and errors for file paths that are
 * absolute or file:// URLs. They come after all the field rules.
 */
#include <stdio.h>
#include <string.h>

#include "validate.h"

#define DEPRECATED "This key is DEPRECATED and will be removed in the future. "
#define DROP_IT    "It's safe to drop it"

/* A warning for a key that is there, however empty; key names it. */
static void
deprecated(struct pc_result *res, json_t *obj, const char *name,
    const char *key, const char *instead)
{
	if (json_object_get(obj, name) != NULL)
		pc_rule(res, 0, key, DEPRECATED "%s", instead);
}

/* Files the standard lets point into the repository or to a URL. */
static void
relative_path(struct pc_result *res, const char *key, const char *s)
{
	if (s == NULL)
		return;
	if (s[0] == '/')
		pc_rule(res, 1, key,
		    "is an absolute path. Only relative paths or HTTP(s) URLs "
		    "allowed");
	else if (strncmp(s, "file:", 5) == 0)
		pc_rule(res, 1, key,
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
		pc_rule(res, 0, key,
		    "Lowercase country codes are DEPRECATED. Use uppercase "
		    "instead ('%s')",
		    upper);
	}
}

void
pc_check_extra(struct pc_result *res, json_t *doc)
{
	json_t     *v, *shot, *legal = json_object_get(doc, "legal"), *it;
	const char *lang, *s;
	char        key[192];
	size_t      i;

	relative_path(res, "logo", pc_text(doc, "logo"));
	if ((s = pc_text(doc, "monochromeLogo")) != NULL && *s != '\0') {
		pc_rule(res, 0, "monochromeLogo",
		    DEPRECATED "Use 'logo' instead");
		relative_path(res, "monochromeLogo", s);
	}
	if ((v = json_object_get(doc, "intendedAudience")) != NULL) {
		lowercase_countries(res, v, "countries");
		lowercase_countries(res, v, "unsupportedCountries");
	}
	if ((s = pc_text(legal, "authorsFile")) != NULL) {
		pc_rule(res, 0, "legal.authorsFile", DEPRECATED DROP_IT);
		relative_path(res, "legal.authorsFile", s);
	}
	deprecated(res, legal, "repoOwner", "legal.repoOwner",
	    "Use 'organisation.name' instead");
	deprecated(res, doc, "inputTypes", "inputTypes", DROP_IT);
	deprecated(res, doc, "outputTypes", "outputTypes", DROP_IT);
	json_object_foreach(json_object_get(doc, "description"), lang, v)
	{
		if ((s = pc_text(v, "genericName")) != NULL && *s != '\0') {
			snprintf(key, sizeof(key), "description.%s.genericName",
			    lang);
			pc_rule(res, 0, key, DEPRECATED DROP_IT);
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
		pc_rule(res, 0, "it",
		    "Lowercase country codes are DEPRECATED and will be "
		    "removed in the future. Use 'IT' instead");
		if (it != NULL)
			pc_rule(res, 1, "it",
			    "'IT' key already present. Remove this key");
		else
			it = json_object_get(doc, "it");
	}
	if (it == NULL)
		return;
	/* Keyed IT.* even for a lowercase section, as upstream does. */
	deprecated(res, it, "conforme", "IT.conforme", DROP_IT);
	s = pc_text(json_object_get(it, "riuso"), "codiceIPA");
	if (s != NULL && *s != '\0' && pc_is_ipa_code(s))
		pc_rule(res, 0, "IT.riuso.codiceIPA",
		    DEPRECATED "Use 'organisation.uri' and set it to "
		               "'urn:x-italian-pa:%s' instead",
		    s);
}
