/*
 * The solution a publiccode.yml describes, from its German description,
 * else the English, else the first: its text, maturity and licence, the
 * lists it keeps (categories, prerequisites, standards, documentation),
 * found again by repository or slug; and its latest release.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "map.h"

/* de, else en, else the first language (by primary subtag). */
const char *
pc_pick_language(json_t *descs)
{
	static const char *const wanted[] = { "de", "en", NULL };
	const char              *lang;
	json_t                  *v;

	for (size_t i = 0; wanted[i]; i++)
		json_object_foreach(descs, lang, v)
		{
			size_t n = strlen(wanted[i]);
			if (strncasecmp(lang, wanted[i], n) == 0 &&
			    (lang[n] == '\0' || lang[n] == '-'))
				return lang;
		}
	return json_object_iter_key(json_object_iter(descs));
}

static void
add_tag(json_t *tags, const char *raw, size_t max)
{
	char   *s = pc_one_line(raw);
	json_t *v;
	size_t  i;

	if (s == NULL || *s == '\0' || json_array_size(tags) >= max) {
		free(s);
		return;
	}
	pc_shorten(s, 200, 0);
	json_array_foreach(tags, i, v)
	{
		if (strcmp(json_string_value(v), s) == 0) {
			free(s);
			return;
		}
	}
	json_array_append_new(tags, json_string(s));
	free(s);
}

/* The long description, then the features as a Markdown list. */
static char *
description(const char *lang, json_t *desc)
{
	const char *text =
	    json_string_value(json_object_get(desc, "longDescription"));
	json_t *features = json_object_get(desc, "features"), *v;
	size_t  cap, len, i;
	char   *out, *item, *grown;

	while (*text == ' ' || *text == '\n')
		text++;
	cap = strlen(text) + 64;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	len = (size_t)snprintf(out, cap, "%s", text);
	while (len > 0 && isspace((unsigned char)out[len - 1]))
		out[--len] = '\0';
	if (json_array_size(features) > 0)
		len += (size_t)snprintf(out + len, cap - len, "\n\n%s:\n",
		    strncmp(lang, "de", 2) == 0 ? "Funktionen" : "Features");
	json_array_foreach(features, i, v)
	{
		if ((item = pc_one_line(json_string_value(v))) == NULL)
			continue;
		if (len + strlen(item) + 4 > cap) {
			cap = (len + strlen(item) + 4) * 2;
			if ((grown = realloc(out, cap)) == NULL) {
				free(item);
				break;
			}
			out = grown;
		}
		len += (size_t)snprintf(out + len, cap - len, "\n- %s", item);
		free(item);
	}
	pc_shorten(out, 20000, 0);
	return out;
}

static const char *
maturity(const char *status)
{
	static const char *const map[][2] = { { "concept", "concept" },
		{ "development", "development" }, { "beta", "pilot" },
		{ "stable", "production" }, { "obsolete", "retired" } };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], status) == 0)
			return map[i][1];
	return "development";
}

/* Open source unless every licence of the expression is a LicenseRef. */
static int
open_source(const char *licence)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", licence);
	for (tok = strtok_r(buf, " ()", &save); tok != NULL;
	     tok = strtok_r(NULL, " ()", &save))
		if (strcmp(tok, "AND") != 0 && strcmp(tok, "OR") != 0 &&
		    strcmp(tok, "WITH") != 0 &&
		    strncmp(tok, "LicenseRef-", 11) != 0)
			return 1;
	return 0;
}

static void
prerequisite(json_t *d, const char *kind, json_t *tags)
{
	char text[400];

	if (pc_dependency_text(d, kind, text) == 0)
		add_tag(tags, text, 30);
}

static void
prerequisites(json_t *depends, json_t *tags)
{
	json_t *d;
	size_t  i;

	json_array_foreach(json_object_get(depends, "open"), i, d)
	{
		prerequisite(d, NULL, tags);
	}
	json_array_foreach(json_object_get(depends, "proprietary"), i, d)
	{
		prerequisite(d, "proprietary", tags);
	}
	json_array_foreach(json_object_get(depends, "hardware"), i, d)
	{
		prerequisite(d, "hardware", tags);
	}
}

/* supports ids and the Italian platforms as the standards a solution uses. */
static void
standards(json_t *doc, json_t *tags)
{
	static const char *const platforms[][2] = { { "spid", "SPID" },
		{ "cie", "CIE" }, { "pagopa", "pagoPA" }, { "anpr", "ANPR" },
		{ "io", "App IO" } };
	json_t                  *v, *it;
	size_t                   i, k;
	char                     name[64];

	json_array_foreach(json_object_get(doc, "supports"), i, v)
	{
		const char *id = json_string_value(json_object_get(v, "id"));
		if (id == NULL)
			continue;
		if (strncmp(id, "alias:", 6) != 0) {
			add_tag(tags, id, 30);
			continue;
		}
		for (k = 0; id[6 + k] && k < sizeof(name) - 1; k++)
			name[k] = (char)toupper((unsigned char)id[6 + k]);
		name[k] = '\0';
		add_tag(tags, name, 30);
	}
	if ((it = json_object_get(doc, "IT")) == NULL)
		it = json_object_get(doc, "it");
	it = json_object_get(it, "piattaforme");
	for (i = 0; i < sizeof(platforms) / sizeof(platforms[0]); i++)
		if (json_is_true(json_object_get(it, platforms[i][0])))
			add_tag(tags, platforms[i][1], 30);
}

/* The description's documentation links, titled in its language. */
static void
documentation(const char *lang, json_t *desc, json_t *out)
{
	const char *doc =
	    json_string_value(json_object_get(desc, "documentation"));
	const char *api =
	    json_string_value(json_object_get(desc, "apiDocumentation"));
	int de = strncmp(lang, "de", 2) == 0;

	if (doc && pc_is_http_url(doc) && strlen(doc) <= 500)
		json_array_append_new(out,
		    json_pack("{s:s, s:s}", "title",
		        de ? "Dokumentation" : "Documentation", "url", doc));
	if (api && pc_is_http_url(api) && strlen(api) <= 500)
		json_array_append_new(out,
		    json_pack("{s:s, s:s}", "title",
		        de ? "API-Dokumentation" : "API documentation", "url",
		        api));
}

/* Which publiccode key a refusal of the solution's field goes back to. */
static const char *
solution_key(const struct mapper *m, const char *field, char *buf, size_t len)
{
	static const char *const map[][2] = { { "name", "name" },
		{ "homepage", "landingURL" }, { "repository", "url" },
		{ "licence", "legal.license" },
		{ "maturity", "developmentStatus" },
		{ "categories", "categories" },
		{ "prerequisites", "dependsOn" }, { "standards", "supports" },
		{ "owner", "legal" } };

	if (strcmp(field, "summary") == 0 ||
	    strcmp(field, "description") == 0 ||
	    strcmp(field, "documentation") == 0) {
		snprintf(buf, len, "description.%s.%s", m->lang,
		    strcmp(field, "summary") == 0           ? "shortDescription"
		        : strcmp(field, "description") == 0 ? "longDescription"
		                                            : "documentation");
		return buf;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], field) == 0)
			return map[i][1];
	return "name";
}

/* The slug of the solution this file describes, existing or new. */
static char *
find_solution(struct mapper *m, const char *url, int repo, const char *name)
{
	char  candidate[72], base[64];
	char *found = NULL;
	int   n;

	if (repo)
		found = pc_lookup(m,
		    "SELECT slug FROM solutions WHERE repository = ?",
		    json_pack("[s]", url));
	pc_slugify(name, "solution", candidate, sizeof(candidate));
	if (found == NULL && !repo &&
	    pc_exists(m, "SELECT id FROM solutions WHERE slug = ?",
	        json_pack("[s]", candidate)))
		found = strdup(candidate);
	if (found != NULL) {
		snprintf(m->solution, sizeof(m->solution), "%s", found);
		return found;
	}
	/* Another repository's solution may have the name already. */
	snprintf(m->solution, sizeof(m->solution), "%s", candidate);
	for (n = 2; n < 100 &&
	     pc_exists(m, "SELECT id FROM solutions WHERE slug = ?",
	         json_pack("[s]", m->solution));
	     n++) {
		size_t k;
		snprintf(base, sizeof(base), "%.61s", candidate);
		for (k = strlen(base); k > 0 && base[k - 1] == '-'; k--)
			base[k - 1] = '\0';
		snprintf(m->solution, sizeof(m->solution), "%s-%d", base, n);
	}
	return NULL;
}

/* The solution's fields that lists hold. */
static void
solution_lists(struct mapper *m, json_t *desc, json_t *out)
{
	json_t *tags = json_array(), *v;
	size_t  i, n = json_array_size(json_object_get(m->doc, "categories"));

	json_array_foreach(json_object_get(m->doc, "categories"), i, v)
	{
		add_tag(tags, json_string_value(v), 10);
	}
	if (n > 10)
		pc_note(m, ROLLIN_LOG_INFO,
		    "categories: %zu given, the first 10 are kept", n);
	json_object_set_new(out, "categories", tags);
	tags = json_array();
	prerequisites(json_object_get(m->doc, "dependsOn"), tags);
	json_object_set_new(out, "prerequisites", tags);
	tags = json_array();
	standards(m->doc, tags);
	json_object_set_new(out, "standards", tags);
	tags = json_array();
	documentation(m->lang, desc, tags);
	json_object_set_new(out, "documentation", tags);
}

/*
 * Creates or updates the solution. A refusal here fails the whole file,
 * so that nothing of it (the organisations just created) stays behind.
 */
int
pc_solution(struct mapper *m)
{
	json_t *doc = m->doc, *out;
	json_t *desc =
	    json_object_get(json_object_get(doc, "description"), m->lang);
	const char *url = json_string_value(json_object_get(doc, "url"));
	const char *landing =
	    json_string_value(json_object_get(doc, "landingURL"));
	const char *licence = json_string_value(
	    json_object_get(json_object_get(doc, "legal"), "license"));
	const char *status =
	    json_string_value(json_object_get(doc, "developmentStatus"));
	const char *key, *match;
	char       *name =
	    pc_one_line(json_string_value(json_object_get(doc, "name")));
	char *summary = pc_one_line(
	    json_string_value(json_object_get(desc, "shortDescription")));
	char *text = description(m->lang, desc), *found = NULL, *was = NULL;
	char  keybuf[128], at[1200], *json = NULL;
	struct rollin_error err = { 0 };
	int repo = url && pc_is_http_url(url) && strlen(url) <= 500;
	int rc = -1;

	if (name == NULL || summary == NULL || text == NULL)
		goto done;
	pc_shorten(name, 200, 0);
	pc_shorten(summary, 300, 1);
	if ((found = find_solution(m, url, repo, name)) != NULL)
		was = pc_lookup(m,
		    "SELECT maturity FROM solutions WHERE slug = ?",
		    json_pack("[s]", found));
	out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "slug",
	    m->solution, "name", name, "summary", summary, "description", text,
	    "maturity", maturity(status), "licence", licence, "open_source",
	    open_source(licence));
	/* Widespread use is Rollin's knowledge, not the file's. */
	if (was && strcmp(was, "widespread") == 0 &&
	    strcmp(maturity(status), "production") == 0)
		json_object_del(out, "maturity");
	/* Who owns an existing solution is the catalogue's business. */
	if (found == NULL)
		json_object_set_new(out, "owner", json_string(m->owner));
	if (repo)
		json_object_set_new(out, "repository", json_string(url));
	if (landing && pc_is_http_url(landing) && strlen(landing) <= 500)
		json_object_set_new(out, "homepage", json_string(landing));
	solution_lists(m, desc, out);
	json = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	match = repo ? "repository" : "slug";
	if (json != NULL &&
	    m->host->upsert(m->call, "solution", json, match, &err) == 0) {
		rc = 0;
		goto done;
	}
	key = solution_key(m, err.field, keybuf, sizeof(keybuf));
	pc_where(m, key, at, sizeof(at));
	if (strcmp(key, "legal.license") == 0)
		m->host->log(m->call, ROLLIN_LOG_ERROR,
		    "%s: legal.license: license must be a valid license (see "
		    "https://spdx.org/licenses)",
		    at);
	else
		m->host->log(m->call, ROLLIN_LOG_ERROR, "%s: %s: %s", at, key,
		    err.message[0] ? err.message : "the solution was refused");
done:
	free(json);
	free(name);
	free(summary);
	free(text);
	free(found);
	free(was);
	return rc;
}

void
pc_release(struct mapper *m)
{
	const char *version =
	    json_string_value(json_object_get(m->doc, "softwareVersion"));
	const char *date =
	    json_string_value(json_object_get(m->doc, "releaseDate"));
	char *v;

	if (version == NULL || *version == '\0')
		return;
	if (date == NULL) {
		pc_note(m, ROLLIN_LOG_INFO,
		    "softwareVersion %s has no releaseDate: no release "
		    "recorded",
		    version);
		return;
	}
	if ((v = pc_one_line(version)) == NULL)
		return;
	pc_upsert(m, "release",
	    json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
	        "version", v, "status", "released", "date", date),
	    "version", "softwareVersion");
	free(v);
}
