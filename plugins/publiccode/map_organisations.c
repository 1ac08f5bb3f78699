/*
 * The organisations a publiccode.yml names and what they do for the
 * solution: its owner, maintenance by the owner or by contractors, the
 * contacts of maintenance, and the administrations in usedBy as adopters.
 * An organisation is created when its slug is new and never changed when
 * it exists.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "map.h"

#define UNVERIFIED "unverified (from publiccode.yml usedBy)"

static int
starts_with_word(const char *name, const char *word)
{
	size_t n = strlen(word);

	return strncasecmp(name, word, n) == 0 &&
	    (name[n] == ' ' || name[n] == '\0');
}

/* The kind a name says plainly; everything else is "other". */
static const char *
guess_kind(const char *name)
{
	static const char *const municipal[] = { "Comune", "Gemeente", "Stadt",
		"Gemeinde", "Landkreis", "Kreis", "Kommune", "Municipality",
		"City", "Ville", "Città", "Samtgemeinde", "Verbandsgemeinde",
		"Markt", NULL };
	static const char *const state[] = { "Regione", "Freistaat", "Land",
		"Landtag", NULL };
	static const char *const federal[] = { "Bundesamt", "Bundesministerium",
		"Bundesanstalt", "Bundesagentur", NULL };

	for (size_t i = 0; municipal[i]; i++)
		if (starts_with_word(name, municipal[i]))
			return "municipal";
	for (size_t i = 0; state[i]; i++)
		if (starts_with_word(name, state[i]))
			return "state";
	for (size_t i = 0; federal[i]; i++)
		if (starts_with_word(name, federal[i]))
			return "federal";
	return "other";
}

/*
 * The organisation called name: its slug in slug (72 bytes), created with
 * kind (NULL: guessed from the name) if no organisation has that slug.
 */
static int
organisation(struct mapper *m, const char *raw, const char *kind,
    const char *website, const char *key, char *slug)
{
	char   *name = pc_one_line(raw);
	json_t *doc;
	int     rc = 0;

	if (name == NULL)
		return -1;
	pc_shorten(name, 200, 0);
	pc_slugify(name, "org", slug, 72);
	if (!pc_exists(m, "SELECT id FROM organisations WHERE slug = ?",
	        json_pack("[s]", slug))) {
		doc = json_pack("{s:s, s:s, s:s}", "slug", slug, "name", name,
		    "kind", kind ? kind : guess_kind(name));
		if (website && pc_is_http_url(website) &&
		    strlen(website) <= 500)
			json_object_set_new(doc, "website",
			    json_string(website));
		rc = pc_upsert(m, "organisation", doc, "slug", key);
	}
	free(name);
	return rc;
}

/* The repository's owner, "opf" in https://github.com/opf/openproject. */
static int
url_owner(const char *url, char *out, size_t len)
{
	const char *p, *seg;
	size_t      n;

	if (url == NULL || (p = strstr(url, "://")) == NULL ||
	    (seg = strchr(p + 3, '/')) == NULL)
		return 0;
	seg++;
	n = strcspn(seg, "/?#");
	if (n == 0 || seg[n] != '/' || n >= len)
		return 0;
	memcpy(out, seg, n);
	out[n] = '\0';
	return 1;
}

int
pc_owner(struct mapper *m)
{
	json_t     *org = json_object_get(m->doc, "organisation");
	json_t     *legal = json_object_get(m->doc, "legal");
	const char *name, *key, *website = NULL;
	char        from_url[128], at[1200];

	if ((name = json_string_value(json_object_get(org, "name"))) != NULL) {
		key = "organisation.name";
		website = json_string_value(json_object_get(org, "uri"));
	} else if ((name = json_string_value(
	                json_object_get(legal, "repoOwner"))) != NULL)
		key = "legal.repoOwner";
	else if ((name = json_string_value(
	              json_object_get(legal, "mainCopyrightOwner"))) != NULL)
		key = "legal.mainCopyrightOwner";
	else if (url_owner(json_string_value(json_object_get(m->doc, "url")),
	             from_url, sizeof(from_url))) {
		name = from_url;
		key = "url";
	} else {
		pc_where(m, "legal", at, sizeof(at));
		m->host->reject(m->call, at,
		    "legal.repoOwner: the file names no owner: give "
		    "organisation.name (or legal.repoOwner)");
		return -1;
	}
	return organisation(m, name, NULL, website, key, m->owner);
}

/* Adds the responsibility unless the solution has it already. */
static void
responsibility(struct mapper *m, const char *role, const char *org,
    const char *contact, const char *until, const char *key)
{
	json_t *doc;

	if (pc_exists(m,
	        "SELECT r.id FROM responsibilities r "
	        "JOIN solutions s ON s.id = r.solution_id "
	        "JOIN organisations o ON o.id = r.organisation_id "
	        "WHERE s.slug = ? AND r.role = ? AND o.slug = ? "
	        "AND r.contact_id IS ?",
	        json_pack("[s, s, s, o]", m->solution, role, org,
	            contact ? json_integer(strtoll(contact, NULL, 10))
	                    : json_null())))
		return;
	doc = json_pack("{s:s, s:s, s:s}", "solution", m->solution, "role",
	    role, "organisation", org);
	if (contact)
		json_object_set_new(doc, "contact",
		    json_integer(strtoll(contact, NULL, 10)));
	if (until)
		json_object_set_new(doc, "until", json_string(until));
	pc_upsert(m, "responsibility", doc, NULL, key);
}

/* The id of the contact name at organisation org, created if new. */
static char *
contact(struct mapper *m, const char *org, json_t *c, const char *key)
{
	static const char *sql =
	    "SELECT c.id FROM contacts c "
	    "JOIN organisations o ON o.id = c.organisation_id "
	    "WHERE o.slug = ? AND c.name = ? ORDER BY c.id LIMIT 1";
	char *name = pc_one_line(json_string_value(json_object_get(c, "name")));
	char *phone =
	    pc_one_line(json_string_value(json_object_get(c, "phone")));
	const char *email = json_string_value(json_object_get(c, "email"));
	char       *id = NULL;
	json_t     *doc;

	if (name == NULL)
		goto done;
	pc_shorten(name, 200, 0);
	if ((id = pc_lookup(m, sql, json_pack("[s, s]", org, name))) != NULL)
		goto done;
	doc = json_pack("{s:s, s:s}", "organisation", org, "name", name);
	if (email && strlen(email) <= 254)
		json_object_set_new(doc, "email", json_string(email));
	if (phone && *phone && strlen(phone) <= 50)
		json_object_set_new(doc, "phone", json_string(phone));
	if (pc_upsert(m, "contact", doc, NULL, key) == 0)
		id = pc_lookup(m, sql, json_pack("[s, s]", org, name));
done:
	free(name);
	free(phone);
	return id;
}

void
pc_maintenance(struct mapper *m)
{
	json_t     *mt = json_object_get(m->doc, "maintenance"), *v;
	const char *type = json_string_value(json_object_get(mt, "type"));
	const char *aff;
	char        key[96], slug[72], *id;
	size_t      i;

	if (strcmp(type, "internal") == 0)
		responsibility(m, "maintenance", m->owner, NULL, NULL,
		    "maintenance.type");
	json_array_foreach(json_object_get(mt, "contractors"), i, v)
	{
		snprintf(key, sizeof(key), "maintenance.contractors[%zu]", i);
		if (organisation(m,
		        json_string_value(json_object_get(v, "name")),
		        "provider",
		        json_string_value(json_object_get(v, "website")), key,
		        slug) == 0)
			responsibility(m, "maintenance", slug, NULL,
			    json_string_value(json_object_get(v, "until")),
			    key);
	}
	json_array_foreach(json_object_get(mt, "contacts"), i, v)
	{
		aff = json_string_value(json_object_get(v, "affiliation"));
		snprintf(key, sizeof(key), "maintenance.contacts[%zu]", i);
		if (aff && *aff) {
			if (organisation(m, aff, NULL, NULL, key, slug) == -1)
				continue;
		} else
			snprintf(slug, sizeof(slug), "%s", m->owner);
		if ((id = contact(m, slug, v, key)) == NULL)
			continue;
		responsibility(m, "contact", slug, id, NULL, key);
		free(id);
	}
}

static int
names_someone(const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

void
pc_adoptions(struct mapper *m)
{
	json_t     *v;
	const char *name;
	char        key[64], slug[72];
	size_t      i;

	json_array_foreach(json_object_get(m->doc, "usedBy"), i, v)
	{
		name = json_string_value(v);
		snprintf(key, sizeof(key), "usedBy[%zu]", i);
		if (!names_someone(name)) { /* "...", "-" */
			pc_note(m, ROLLIN_LOG_INFO,
			    "%s: '%s' names nobody, skipped", key, name);
			continue;
		}
		if (organisation(m, name, NULL, NULL, key, slug) == -1)
			continue;
		if (pc_exists(m,
		        "SELECT a.id FROM adoptions a "
		        "JOIN solutions s ON s.id = a.solution_id "
		        "JOIN organisations o ON o.id = a.organisation_id "
		        "WHERE s.slug = ? AND o.slug = ?",
		        json_pack("[s, s]", m->solution, slug)))
			continue;
		pc_upsert(m, "adoption",
		    json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
		        "organisation", slug, "status", "evaluating", "context",
		        UNVERIFIED),
		    NULL, key);
	}
}
