/*
 * Rollin's solution fields on publiccode.yml's keys. The mapping is the
 * importer's (plugins/publiccode/map_*.c) read backwards, so that a file the
 * importer read comes out the same way again:
 *
 * - name, url (repository), landingURL (homepage), categories (those of
 *   the standard's list), developmentStatus (from maturity), legal;
 * - softwareVersion and releaseDate: the latest released release;
 * - description: one language, the solution's text. The importer appends
 *   the features to the long description as a list under "Funktionen:"
 *   (German) or "Features:" (any other language); such a list is split
 *   off again, and its heading says which language the text came in;
 * - supports: standards that are URIs or the standard's aliases;
 * - maintenance: contractors and contacts from the responsibilities;
 * - usedBy from adoptions, dependsOn from dependencies on products.
 *
 * The vocabularies (categories, aliases, URL and e-mail shapes, character
 * counts) are the importer's own (plugins/publiccode/vocab.c), so that
 * both sides agree on what is valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/publiccode_export.h"
#include "publiccode.h"
#include "store/db.h"
#include "store/record.h"
#include "util/strbuf.h"
#include "util/yaml_emit.h"

#define SHORT_MAX 150 /* shortDescription, characters */
#define LONG_MIN  150 /* longDescription */
#define LONG_MAX  10000

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
has_text(const char *s)
{
	return s != NULL && *s != '\0';
}

/* ---- text ---------------------------------------------------------------- */

static const char *
text_of(const struct strbuf *b)
{
	return b->s ? b->s : "";
}

/* Byte offset after max code points of s (strlen if shorter). */
static size_t
cut_point(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			return i;
	return i;
}

/*
 * s shortened to at most max characters, at a word boundary with an
 * ellipsis (code points count at least as many as characters do).
 */
static json_t *
shortened(const char *s, size_t max)
{
	size_t  at;
	char   *buf;
	json_t *out;

	if (s[cut_point(s, max)] == '\0')
		return json_string(s);
	at = cut_point(s, max - 1);
	while (at > 0 && s[at] != ' ')
		at--;
	if (at == 0)
		at = cut_point(s, max - 1);
	while (at > 0 && strchr(" ,;:", s[at - 1]) != NULL)
		at--;
	if ((buf = malloc(at + 4)) == NULL)
		return json_string("");
	memcpy(buf, s, at);
	memcpy(buf + at, "\xe2\x80\xa6", 4); /* U+2026 ellipsis */
	out = json_string(buf);
	free(buf);
	return out;
}

/*
 * Splits off the feature list the importer appends to a long description,
 * "\n\nFunktionen:\n" or "\n\nFeatures:\n" followed only by "\n- item"
 * lines: returns the text's length before it and fills features, or
 * returns strlen(text) and leaves features empty. *german tells the
 * heading.
 */
static size_t
split_features(const char *text, json_t *features, int *german)
{
	static const char *const headings[] = { "\n\nFunktionen:\n",
		"\n\nFeatures:\n" };
	const char              *at, *p, *end;

	for (size_t h = 0; h < 2; h++) {
		at = NULL;
		for (p = strstr(text, headings[h]); p != NULL;
		     p = strstr(p + 1, headings[h]))
			at = p;
		if (at == NULL)
			continue;
		p = at + strlen(headings[h]);
		if (strncmp(p, "\n- ", 3) != 0)
			continue;
		while (strncmp(p, "\n- ", 3) == 0) {
			p += 3;
			end = p + strcspn(p, "\n");
			if (end == p)
				break;
			json_array_append_new(features,
			    json_stringn(p, (size_t)(end - p)));
			p = end;
		}
		if (*p == '\0') {
			*german = h == 0;
			return (size_t)(at - text);
		}
		json_array_clear(features);
	}
	return strlen(text);
}

/*
 * The description of one language: shortDescription (the summary, else
 * the name), longDescription (the text, with the summary and the usage
 * context added while it is shorter than the standard's minimum),
 * features, documentation links. Sets *german.
 */
static json_t *
description(const json_t *s, int *german)
{
	const char *text = str(s, "description"), *summary = str(s, "summary");
	const char *name = str(s, "name"), *usage = str(s, "usage_context");
	const char *title, *url;
	json_t     *features = json_array(), *out = json_object(), *v;
	struct strbuf body = { 0 };
	char         *lead;
	size_t        n, i;

	*german = 1;
	n = has_text(text) ? split_features(text, features, german) : 0;
	json_object_set_new(out, "shortDescription",
	    shortened(has_text(summary) ? summary : name, SHORT_MAX));
	if ((lead = strndup(text ? text : "", n)) != NULL)
		strbuf_add(&body, lead);
	free(lead);
	/* Too short for the standard: say more with what else is known. */
	if (has_text(summary) && pc_graphemes(text_of(&body)) < LONG_MIN &&
	    strstr(text_of(&body), summary) == NULL)
		strbuf_addf(&body, "%s%s", body.len ? "\n\n" : "", summary);
	if (has_text(usage) && pc_graphemes(text_of(&body)) < LONG_MIN)
		strbuf_addf(&body, "%s%s", body.len ? "\n\n" : "", usage);
	lead = strbuf_take(&body);
	lead[cut_point(lead, LONG_MAX)] = '\0';
	json_object_set_new(out, "longDescription", json_string(lead));
	free(lead);
	json_object_set_new(out, "features", features);
	/* No list in the text: what the solution is used for, one per item. */
	if (json_array_size(features) == 0)
		json_array_foreach(json_object_get(s, "scenarios"), i, v)
		{
			json_array_append(features, v);
		}
	if (json_array_size(features) == 0)
		json_array_append_new(features,
		    json_string(has_text(summary) ? summary : name));
	/* The importer titles the links it makes; others go in order. */
	json_array_foreach(json_object_get(s, "documentation"), i, v)
	{
		title = str(v, "title");
		url = str(v, "url");
		if (url == NULL || !pc_is_http_url(url))
			continue;
		if (title && strstr(title, "API") != NULL) {
			if (json_object_get(out, "apiDocumentation") == NULL)
				json_object_set_new(out, "apiDocumentation",
				    json_string(url));
		} else if (json_object_get(out, "documentation") == NULL)
			json_object_set_new(out, "documentation",
			    json_string(url));
	}
	return out;
}

/* ---- records ------------------------------------------------------------- */

/* What who may read of every record of res under the solution, in order. */
static json_t *
children(struct db *db, const struct resource *res, int64_t solution_id,
    const struct principal *who)
{
	struct list_params lp = { .limit = 500 };
	struct rl_error    err;
	json_t            *items = NULL;
	char              *next = NULL;

	if (record_list(db, res, solution_id, &lp, NULL, who, &items, &next,
	        &err) == -1)
		return json_array();
	free(next);
	return items;
}

/* An organisation as who sees it, by slug; an empty object if none. */
static json_t *
organisation(struct db *db, const char *slug, const struct principal *who)
{
	struct record   r;
	struct rl_error err;
	json_t         *out;

	if (slug == NULL ||
	    record_get(db, &res_organisation, 0, slug, &r, &err) == -1)
		return json_object();
	out = record_show(db, &res_organisation, &r, who);
	record_clear(&r);
	return out;
}

static json_t *
contact(struct db *db, json_int_t id, const struct principal *who)
{
	struct record   r;
	struct rl_error err;
	json_t         *out;

	if (record_get_by_id(db, &res_contact, id, &r, &err) == -1)
		return json_object();
	out = record_show(db, &res_contact, &r, who);
	record_clear(&r);
	return out;
}

/* The latest released release: softwareVersion and releaseDate. */
static void
current_release(struct db *db, int64_t solution_id, json_t *out)
{
	sqlite3_stmt *st = db_prepare(db,
	    "SELECT version, date FROM releases WHERE solution_id = ? AND "
	    "status = 'released' ORDER BY date DESC, id DESC LIMIT 1");

	if (st == NULL)
		return;
	sqlite3_bind_int64(st, 1, solution_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(out, "softwareVersion",
		    json_string(db_column_text(st, 0)));
		if (db_column_text(st, 1) != NULL)
			json_object_set_new(out, "releaseDate",
			    json_string(db_column_text(st, 1)));
	}
	sqlite3_reset(st);
}

/* ---- sections ---------------------------------------------------------- */

static const char *
development_status(const char *maturity)
{
	static const char *const map[][2] = { { "concept", "concept" },
		{ "development", "development" }, { "pilot", "beta" },
		{ "production", "stable" }, { "widespread", "stable" },
		{ "retired", "obsolete" } };

	for (size_t i = 0; maturity && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], maturity) == 0)
			return map[i][1];
	return "development";
}

/* The Italian platforms as the importer names them among standards. */
static const char *const platforms[][2] = { { "spid", "SPID" },
	{ "cie", "CIE" }, { "pagopa", "pagoPA" }, { "anpr", "ANPR" },
	{ "io", "App IO" } };

static int
platform(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(platforms[i][1], s) == 0)
			return i;
	return -1;
}

/*
 * Standards the standard can name: URIs and its aliases ("GDPR") in
 * supports, the Italian platforms in IT.piattaforme. The importer lists
 * supports first, then the platforms in their fixed order; a trailing run
 * of platform names in that order goes back to IT, so that the list
 * comes back the same.
 */
static void
supports(const json_t *standards, json_t *list, json_t *italian)
{
	const char *s;
	char        alias[64];
	size_t      i, k, n = json_array_size(standards), tail = n;
	int         last = 5, p;

	while (tail > 0 &&
	    (p = platform(json_string_value(
	         json_array_get(standards, tail - 1)))) >= 0 &&
	    p < last) {
		last = p;
		tail--;
	}
	for (i = tail; i < n; i++)
		json_object_set_new(italian,
		    platforms[platform(
		        json_string_value(json_array_get(standards, i)))][0],
		    json_true());
	for (i = 0; i < tail; i++) {
		s = json_string_value(json_array_get(standards, i));
		if (strchr(s, ':') != NULL && pc_is_url(s)) {
			json_array_append_new(list,
			    json_pack("{s:s}", "id", s));
			continue;
		}
		for (k = 0; k < sizeof(alias) - 1 && s[k]; k++)
			alias[k] = (s[k] >= 'A' && s[k] <= 'Z')
			    ? (char)(s[k] - 'A' + 'a')
			    : s[k];
		alias[k] = '\0';
		if (!s[k] && pc_is_alias(alias))
			json_array_append_new(list,
			    json_pack("{s:s+}", "id", "alias:", alias));
	}
}

static void
add_unique(json_t *list, json_t *item)
{
	json_t *v;
	size_t  i;

	json_array_foreach(list, i, v)
	{
		if (json_equal(v, item)) {
			json_decref(item);
			return;
		}
	}
	json_array_append_new(list, item);
}

/*
 * maintenance: contract if another organisation maintains the solution
 * until a known date (the standard needs the date); internal if the owner
 * maintains or develops it; community if people are named without either;
 * none otherwise. Contacts are the people named in responsibilities (the
 * owner's without affiliation, as the importer reads them back); whom who
 * may not read by name stands in as their organisation.
 */
static json_t *
maintenance(struct db *db, const json_t *resps, const char *owner,
    const char *owner_name, const struct principal *who)
{
	json_t     *out = json_object(), *contractors = json_array();
	json_t     *contacts = json_array(), *r, *org, *c, *entry;
	const char *role, *slug, *type;
	int         internal = 0;
	size_t      i;

	json_array_foreach(resps, i, r)
	{
		role = str(r, "role");
		slug = str(r, "organisation");
		if (role == NULL || slug == NULL)
			continue;
		if (strcmp(slug, owner) == 0 &&
		    (strcmp(role, "maintenance") == 0 ||
		        strcmp(role, "development") == 0))
			internal = 1;
		if (strcmp(slug, owner) != 0 &&
		    strcmp(role, "maintenance") == 0 && str(r, "until")) {
			org = organisation(db, slug, who);
			entry = json_pack("{s:s}", "name",
			    str(org, "name") ? str(org, "name") : slug);
			if (str(org, "website") &&
			    pc_is_http_url(str(org, "website")))
				json_object_set_new(entry, "website",
				    json_string(str(org, "website")));
			json_object_set_new(entry, "until",
			    json_string(str(r, "until")));
			add_unique(contractors, entry);
			json_decref(org);
		}
		if (!json_is_integer(json_object_get(r, "contact")))
			continue;
		c = contact(db,
		    json_integer_value(json_object_get(r, "contact")), who);
		org = strcmp(slug, owner) == 0 ? NULL
		                               : organisation(db, slug, who);
		if (has_text(str(c, "name"))) {
			entry = json_pack("{s:s}", "name", str(c, "name"));
			if (str(c, "email") && pc_is_email(str(c, "email")))
				json_object_set_new(entry, "email",
				    json_string(str(c, "email")));
			if (has_text(str(c, "phone")))
				json_object_set_new(entry, "phone",
				    json_string(str(c, "phone")));
			if (org && str(org, "name"))
				json_object_set_new(entry, "affiliation",
				    json_string(str(org, "name")));
		} else
			entry = json_pack("{s:s}", "name",
			    org && str(org, "name") ? str(org, "name")
			                            : owner_name);
		add_unique(contacts, entry);
		json_decref(org);
		json_decref(c);
	}
	if (json_array_size(contractors) > 0)
		type = "contract";
	else if (internal)
		type = "internal";
	else if (json_array_size(contacts) > 0)
		type = "community";
	else
		type = "none";
	json_object_set_new(out, "type", json_string(type));
	if (strcmp(type, "contract") == 0)
		json_object_set(out, "contractors", contractors);
	/* internal needs contacts: the owner itself then. */
	if (strcmp(type, "internal") == 0 && json_array_size(contacts) == 0)
		json_array_append_new(contacts,
		    json_pack("{s:s}", "name", owner_name));
	if (json_array_size(contacts) > 0)
		json_object_set(out, "contacts", contacts);
	json_decref(contractors);
	json_decref(contacts);
	return out;
}

/* Organisations using the solution (every adoption not stopped). */
static json_t *
used_by(struct db *db, const json_t *adoptions, const struct principal *who)
{
	json_t *out = json_array(), *a, *org;
	size_t  i;

	json_array_foreach(adoptions, i, a)
	{
		if (str(a, "status") &&
		    strcmp(str(a, "status"), "stopped") == 0)
			continue;
		org = organisation(db, str(a, "organisation"), who);
		if (str(org, "name"))
			add_unique(out, json_string(str(org, "name")));
		json_decref(org);
	}
	return out;
}

/*
 * One dependsOn entry. The importer notes an entry as "Name 2.1",
 * "Name >= 12, <= 16", "Name (proprietary)", "Name (optional)"; a note of
 * that shape gives the version range and optional flag back, else the
 * cycle is the version.
 */
static json_t *
depends_entry(const json_t *d, const char *name)
{
	json_t     *out = json_pack("{s:s}", "name", name);
	const char *note = str(d, "note"), *cycle = str(d, "cycle");
	const char *kind = str(d, "kind"), *p, *end;
	char        suffix[32];
	size_t      n = strlen(name), rest;

	if (note == NULL || strncmp(note, name, n) != 0) {
		if (has_text(cycle))
			json_object_set_new(out, "version", json_string(cycle));
		return out;
	}
	p = note + n;
	rest = strlen(p);
	if (rest >= 11 && strcmp(p + rest - 11, " (optional)") == 0) {
		json_object_set_new(out, "optional", json_true());
		rest -= 11;
	}
	snprintf(suffix, sizeof(suffix), " (%s)", kind ? kind : "");
	if (kind && strcmp(kind, "open") != 0 && rest >= strlen(suffix) &&
	    strncmp(p + rest - strlen(suffix), suffix, strlen(suffix)) == 0)
		rest -= strlen(suffix);
	if (strncmp(p, " >= ", 4) == 0 && rest > 4) {
		p += 4;
		end = p + strcspn(p, ",");
		if (end > note + n + rest)
			end = note + n + rest;
		json_object_set_new(out, "versionMin",
		    json_stringn(p, (size_t)(end - p)));
		if (strncmp(end, ", <= ", 5) == 0 && end < note + n + rest)
			json_object_set_new(out, "versionMax",
			    json_stringn(end + 5,
			        (size_t)(note + n + rest - end - 5)));
	} else if (strncmp(p, " <= ", 4) == 0 && rest > 4)
		json_object_set_new(out, "versionMax",
		    json_stringn(p + 4, rest - 4));
	else if (rest > 1 && p[0] == ' ')
		json_object_set_new(out, "version",
		    json_stringn(p + 1, rest - 1));
	else if (has_text(cycle))
		json_object_set_new(out, "version", json_string(cycle));
	return out;
}

static json_t *
depends_on(const json_t *deps)
{
	static const char *const kinds[] = { "open", "proprietary",
		"hardware" };
	json_t                  *out = json_object(), *d, *list;
	const char              *kind, *name;
	size_t                   i;

	for (size_t k = 0; k < 3; k++) {
		list = json_array();
		json_array_foreach(deps, i, d)
		{
			kind = str(d, "kind") ? str(d, "kind") : "open";
			name = str(d, "product_label") ? str(d, "product_label")
			                               : str(d, "product");
			if (strcmp(kind, kinds[k]) == 0 && has_text(name))
				json_array_append_new(list,
				    depends_entry(d, name));
		}
		if (json_array_size(list) > 0)
			json_object_set_new(out, kinds[k], list);
		else
			json_decref(list);
	}
	return out;
}

/* ---- the document ---------------------------------------------------- */

/* A licence expression the standard accepts, from a solution's. */
static const char *
licence(const json_t *s)
{
	const char *l = str(s, "licence");

	if (has_text(l) && pc_is_spdx(l))
		return l;
	/* LicenseRef- is SPDX's prefix for licences not on its list. */
	return "LicenseRef-not-specified";
}

json_t *
publiccode_export_doc(struct db *db, const struct record *sol,
    const struct principal *who)
{
	json_t     *s = record_show(db, &res_solution, sol, who);
	json_t     *owner = organisation(db, str(s, "owner"), who);
	json_t     *doc = json_object(), *v, *list, *desc, *legal, *resps;
	json_t     *italian;
	const char *owner_name =
	    str(owner, "name") ? str(owner, "name") : str(s, "owner");
	const char *website = str(owner, "website");
	char        urn[128];
	int         german;
	size_t      i;

	json_object_set_new(doc, "publiccodeYmlVersion",
	    json_string(PUBLICCODE_EXPORT_VERSION));
	json_object_set_new(doc, "name", json_string(str(s, "name")));
	/* The standard requires url: without a repository, a name for it. */
	if (has_text(str(s, "repository")))
		json_object_set_new(doc, "url",
		    json_string(str(s, "repository")));
	else {
		snprintf(urn, sizeof(urn), "urn:x-rollin:solution:%s",
		    str(s, "slug"));
		json_object_set_new(doc, "url", json_string(urn));
	}
	if (has_text(str(s, "homepage")))
		json_object_set_new(doc, "landingURL",
		    json_string(str(s, "homepage")));
	current_release(db, sol->id, doc);
	if (website && pc_is_url(website))
		json_object_set_new(doc, "organisation",
		    json_pack("{s:s, s:s}", "uri", website, "name",
		        owner_name));
	/* Rollin does not record platforms; its solutions run in browsers. */
	json_object_set_new(doc, "platforms", json_pack("[s]", "web"));
	list = json_array();
	json_array_foreach(json_object_get(s, "categories"), i, v)
	{
		if (pc_is_category(json_string_value(v)))
			json_array_append(list, v);
	}
	if (json_array_size(list) > 0)
		json_object_set_new(doc, "categories", list);
	else
		json_decref(list);
	list = used_by(db, v = children(db, &res_adoption, sol->id, who), who);
	json_decref(v);
	if (json_array_size(list) > 0)
		json_object_set_new(doc, "usedBy", list);
	else
		json_decref(list);
	list = json_array();
	italian = json_object();
	supports(json_object_get(s, "standards"), list, italian);
	if (json_array_size(list) > 0)
		json_object_set_new(doc, "supports", list);
	else
		json_decref(list);
	json_object_set_new(doc, "developmentStatus",
	    json_string(development_status(str(s, "maturity"))));
	/* Rollin does not record the kind of software: the neutral value. */
	json_object_set_new(doc, "softwareType",
	    json_string("standalone/other"));
	desc = description(s, &german);
	json_object_set_new(doc, "description",
	    json_pack("{s:o}", german ? "de" : "en",
	        desc ? desc : json_object()));
	/*
	 * The owner is organisation.name (where its website gives the URI the
	 * standard requires) and mainCopyrightOwner, which the importer reads
	 * when organisation is missing; legal.repoOwner is deprecated.
	 */
	legal = json_pack("{s:s, s:s}", "license", licence(s),
	    "mainCopyrightOwner", owner_name);
	json_object_set_new(doc, "legal", legal);
	resps = children(db, &res_responsibility, sol->id, who);
	json_object_set_new(doc, "maintenance",
	    maintenance(db, resps, str(s, "owner"), owner_name, who));
	json_decref(resps);
	/* The languages of the description; localisation is not recorded. */
	json_object_set_new(doc, "localisation",
	    json_pack("{s:b, s:[s]}", "localisationReady", 0,
	        "availableLanguages", german ? "de" : "en"));
	v = children(db, &res_dependency, sol->id, who);
	list = depends_on(v);
	json_decref(v);
	if (json_object_size(list) > 0)
		json_object_set_new(doc, "dependsOn", list);
	else
		json_decref(list);
	/* The country section only where it carries something. */
	if (json_object_size(italian) > 0)
		json_object_set_new(doc, "IT",
		    json_pack("{s:s, s:o}", "countryExtensionVersion", "1.0",
		        "piattaforme", italian));
	else
		json_decref(italian);
	json_decref(owner);
	json_decref(s);
	return doc;
}

char *
publiccode_export_yaml(struct db *db, const struct record *sol,
    const struct principal *who, size_t *len)
{
	json_t *doc = publiccode_export_doc(db, sol, who);
	char   *text = yaml_emit_json(doc,
	      "publiccode.yml, exported from the Rollin catalogue\n"
	        "https://github.com/publiccodeyml/publiccode.yml",
	      len);

	json_decref(doc);
	return text;
}
