/*
 * A valid publiccode.yml as Rollin's records, written through host->upsert
 * so that the core validates every record as the API would:
 *
 * - organisations: the owner (organisation.name, else legal.repoOwner,
 *   else legal.mainCopyrightOwner, else the repository's owner in the
 *   url), contractors (kind provider), contacts' affiliations and usedBy;
 *   created when their slug is new, never changed when it exists, since
 *   an administration's own record is better than a file's spelling;
 * - the solution, found again by its repository (url), else by slug;
 * - a release for softwareVersion + releaseDate, found again by version;
 * - responsibilities: maintenance by the owner (internal) or each
 *   contractor (contract, until its end date); contact for each contact;
 * - adoptions for usedBy, status evaluating and marked unverified;
 * - dependencies for dependsOn (open, proprietary, hardware), on the
 *   product of that name (found by name or label, created with the name
 *   as its label if missing), in the version the entry names exactly.
 *
 * Records that exist already (same solution, role, organisation and
 * contact; same adopter; same product) are left as they are, so a re-import never
 * duplicates and never undoes what owners and adopters wrote since.
 * Lookups read the store through host->query.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "publiccode.h"

#define UNVERIFIED "unverified (from publiccode.yml usedBy)"

struct mapper {
	const struct rollin_host *host;
	struct rollin_call       *call;
	const struct pc_result   *res;
	const char               *name; /* the input, for messages */
	json_t                   *doc;
	const char               *lang; /* description language used */
	char                      owner[72];
	char                      solution[80];
};

/* ---- text --------------------------------------------------------------- */

/* A copy with runs of white space as one space, trimmed: one-line text. */
static char *
one_line(const char *s)
{
	char *out, *o;
	int   space = 0;

	if (s == NULL || (out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s; s++) {
		if (isspace((unsigned char)*s) || (unsigned char)*s < 0x20) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Byte offset after max code points of s (all of s if it is shorter). */
static size_t
cut_point(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			return i;
		i++;
	}
	return i;
}

/*
 * Shortens s in place to at most max code points; at a word boundary with
 * an ellipsis if words is set (for summaries people read).
 */
static void
shorten(char *s, size_t max, int words)
{
	size_t at;

	if (s[cut_point(s, max)] == '\0')
		return;
	if (!words) {
		s[cut_point(s, max)] = '\0';
		return;
	}
	at = cut_point(s, max - 1);
	while (at > 0 && s[at] != ' ')
		at--;
	if (at == 0)
		at = cut_point(s, max - 1);
	while (at > 0 &&
	    (s[at - 1] == ' ' || s[at - 1] == ',' || s[at - 1] == ';' ||
	        s[at - 1] == ':'))
		at--;
	memcpy(s + at, "\xe2\x80\xa6", 4); /* U+2026 ellipsis */
}

/* ASCII for the letters of Latin-1 and Latin Extended-A names use. */
static const char *
fold(unsigned cp)
{
	static const struct {
		unsigned    from, to;
		const char *ascii;
	} map[] = { { 0xe4, 0xe4, "ae" }, { 0xf6, 0xf6, "oe" },
		{ 0xfc, 0xfc, "ue" }, { 0xc4, 0xc4, "ae" },
		{ 0xd6, 0xd6, "oe" }, { 0xdc, 0xdc, "ue" },
		{ 0xdf, 0xdf, "ss" }, { 0xe6, 0xe6, "ae" },
		{ 0xc6, 0xc6, "ae" }, { 0x153, 0x153, "oe" },
		{ 0x152, 0x152, "oe" }, { 0xe0, 0xe5, "a" },
		{ 0xc0, 0xc5, "a" }, { 0xe7, 0xe7, "c" }, { 0xc7, 0xc7, "c" },
		{ 0xe8, 0xeb, "e" }, { 0xc8, 0xcb, "e" }, { 0xec, 0xef, "i" },
		{ 0xcc, 0xcf, "i" }, { 0xf1, 0xf1, "n" }, { 0xd1, 0xd1, "n" },
		{ 0xf2, 0xf5, "o" }, { 0xf8, 0xf8, "o" }, { 0xd2, 0xd5, "o" },
		{ 0xd8, 0xd8, "o" }, { 0xf9, 0xfb, "u" }, { 0xd9, 0xdb, "u" },
		{ 0xfd, 0xfd, "y" }, { 0xff, 0xff, "y" }, { 0xdd, 0xdd, "y" },
		{ 0x100, 0x105, "a" }, { 0x106, 0x10d, "c" },
		{ 0x10e, 0x111, "d" }, { 0x112, 0x11b, "e" },
		{ 0x11c, 0x123, "g" }, { 0x124, 0x127, "h" },
		{ 0x128, 0x131, "i" }, { 0x134, 0x135, "j" },
		{ 0x136, 0x137, "k" }, { 0x139, 0x142, "l" },
		{ 0x143, 0x148, "n" }, { 0x14c, 0x151, "o" },
		{ 0x154, 0x159, "r" }, { 0x15a, 0x161, "s" },
		{ 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
		{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" },
		{ 0x179, 0x17e, "z" } };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (cp >= map[i].from && cp <= map[i].to)
			return map[i].ascii;
	return NULL;
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * A slug for a name: lowercase ASCII letters and digits, umlauts as ae oe
 * ue and ß as ss, accents dropped, everything else one hyphen; 2 to 64
 * characters starting with a letter (else prefix- goes first). A name
 * without Latin letters or digits gets prefix-<hash of the name>.
 */
static void
slugify(const char *name, const char *prefix, char *out, size_t outlen)
{
	char                 buf[256], tmp[300];
	size_t               n = 0;
	const unsigned char *p = (const unsigned char *)name;

	while (*p && n < sizeof(buf) - 3) {
		unsigned    c = *p, cp = c;
		const char *ascii = NULL;
		if (c >= 0xc0 && c < 0xe0 && (p[1] & 0xc0) == 0x80) {
			cp = ((c & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
			ascii = fold(cp);
		} else if (c >= 0x80) {
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		} else
			p++;
		if (cp < 0x80 && isalnum((int)cp))
			buf[n++] = (char)tolower((int)cp);
		else if (ascii != NULL)
			for (; *ascii && n < sizeof(buf) - 3; ascii++)
				buf[n++] = *ascii;
		else if (n > 0 && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	while (n > 0 && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	if (n == 0)
		snprintf(tmp, sizeof(tmp), "%s-%08x", prefix, fnv1a(name));
	else if (!isalpha((unsigned char)buf[0]) || n < 2)
		snprintf(tmp, sizeof(tmp), "%s-%s", prefix, buf);
	else
		snprintf(tmp, sizeof(tmp), "%s", buf);
	tmp[64] = '\0';
	for (n = strlen(tmp); n > 0 && tmp[n - 1] == '-'; n--)
		tmp[n - 1] = '\0';
	snprintf(out, outlen, "%.64s", tmp);
}

/* ---- host helpers --------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4)))
note(struct mapper *m, enum rollin_log_level level, const char *fmt, ...)
{
	char    line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->host->log(m->call, level, "%s: %s", m->name, line);
}

/* "file:line:col" of a publiccode key. */
static void
where(const struct mapper *m, const char *key, char *out, size_t len)
{
	int line, col;

	pc_position(m->res, key, &line, &col);
	snprintf(out, len, "%s:%d:%d", m->name, line, col);
}

/*
 * The first column of the first row of a read-only query, as text (caller
 * frees), or NULL. params is a JSON array (stolen).
 */
static char *
lookup(struct mapper *m, const char *sql, json_t *params)
{
	struct rollin_error err;
	char               *p = json_dumps(params, JSON_COMPACT), *rows, *out;
	json_t             *all, *v;

	json_decref(params);
	rows = p ? m->host->query(m->call, sql, p, &err) : NULL;
	free(p);
	if (rows == NULL)
		return NULL;
	all = json_loads(rows, 0, NULL);
	m->host->free(rows);
	v = json_array_get(json_array_get(all, 0), 0);
	if (json_is_string(v))
		out = strdup(json_string_value(v));
	else if (json_is_integer(v) && (out = malloc(24)) != NULL)
		snprintf(out, 24, "%lld", (long long)json_integer_value(v));
	else
		out = NULL;
	json_decref(all);
	return out;
}

static int
exists(struct mapper *m, const char *sql, json_t *params)
{
	char *v = lookup(m, sql, params);

	free(v);
	return v != NULL;
}

/*
 * One upsert; a refused record is reported at key's position with the
 * core's reason and does not stop the others. Returns 0 or -1.
 */
static int
upsert(struct mapper *m, const char *kind, json_t *doc, const char *match,
    const char *key)
{
	struct rollin_error err = { 0 };
	char               *text = json_dumps(doc, JSON_COMPACT);
	char                at[1200], why[600];
	int                 rc;

	json_decref(doc);
	rc = text ? m->host->upsert(m->call, kind, text, match, &err) : -1;
	free(text);
	if (rc == 0)
		return 0;
	where(m, key, at, sizeof(at));
	snprintf(why, sizeof(why), "%s: %s not imported: %s", key, kind,
	    err.message[0] ? err.message : "refused");
	m->host->reject(m->call, at, why);
	return -1;
}

/* ---- organisations --------------------------------------------------------- */

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
	char   *name = one_line(raw);
	json_t *doc;
	int     rc = 0;

	if (name == NULL)
		return -1;
	shorten(name, 200, 0);
	slugify(name, "org", slug, 72);
	if (!exists(m, "SELECT id FROM organisations WHERE slug = ?",
	        json_pack("[s]", slug))) {
		doc = json_pack("{s:s, s:s, s:s}", "slug", slug, "name", name,
		    "kind", kind ? kind : guess_kind(name));
		if (website && pc_is_http_url(website) &&
		    strlen(website) <= 500)
			json_object_set_new(doc, "website",
			    json_string(website));
		rc = upsert(m, "organisation", doc, "slug", key);
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

static int
owner(struct mapper *m)
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
		where(m, "legal", at, sizeof(at));
		m->host->reject(m->call, at,
		    "legal.repoOwner: the file names no owner: give "
		    "organisation.name (or legal.repoOwner)");
		return -1;
	}
	return organisation(m, name, NULL, website, key, m->owner);
}

/* ---- the solution ------------------------------------------------------------ */

/* de, else en, else the first language (by primary subtag). */
static const char *
pick_language(json_t *descs)
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
	char   *s = one_line(raw);
	json_t *v;
	size_t  i;

	if (s == NULL || *s == '\0' || json_array_size(tags) >= max) {
		free(s);
		return;
	}
	shorten(s, 200, 0);
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
		if ((item = one_line(json_string_value(v))) == NULL)
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
	shorten(out, 20000, 0);
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

/*
 * "PostgreSQL >= 12", "Oracle 11.4 (proprietary)", "NFC Reader (optional)":
 * a dependsOn entry as text, in text (400 bytes). Returns -1 if it has no
 * name.
 */
static int
dependency_text(json_t *d, const char *kind, char *text)
{
	const char *name = json_string_value(json_object_get(d, "name"));
	const char *min = json_string_value(json_object_get(d, "versionMin"));
	const char *max = json_string_value(json_object_get(d, "versionMax"));
	const char *exact = json_string_value(json_object_get(d, "version"));
	size_t      n, size = 400;

	if (name == NULL)
		return -1;
	n = (size_t)snprintf(text, size, "%s", name);
	if (exact && n < size)
		n += (size_t)snprintf(text + n, size - n, " %s", exact);
	else if (min && max && strcmp(min, max) == 0 && n < size)
		n += (size_t)snprintf(text + n, size - n, " %s", min);
	else {
		if (min && n < size)
			n +=
			    (size_t)snprintf(text + n, size - n, " >= %s", min);
		if (max && n < size)
			n += (size_t)snprintf(text + n, size - n, "%s <= %s",
			    min ? "," : "", max);
	}
	if (kind != NULL && n < size)
		n += (size_t)snprintf(text + n, size - n, " (%s)", kind);
	if (json_is_true(json_object_get(d, "optional")) && n < size)
		snprintf(text + n, size - n, " (optional)");
	return 0;
}

static void
prerequisite(json_t *d, const char *kind, json_t *tags)
{
	char text[400];

	if (dependency_text(d, kind, text) == 0)
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
		found =
		    lookup(m, "SELECT slug FROM solutions WHERE repository = ?",
		        json_pack("[s]", url));
	slugify(name, "solution", candidate, sizeof(candidate));
	if (found == NULL && !repo &&
	    exists(m, "SELECT id FROM solutions WHERE slug = ?",
	        json_pack("[s]", candidate)))
		found = strdup(candidate);
	if (found != NULL) {
		snprintf(m->solution, sizeof(m->solution), "%s", found);
		return found;
	}
	/* Another repository's solution may have the name already. */
	snprintf(m->solution, sizeof(m->solution), "%s", candidate);
	for (n = 2; n < 100 &&
	     exists(m, "SELECT id FROM solutions WHERE slug = ?",
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
		note(m, ROLLIN_LOG_INFO,
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
static int
solution(struct mapper *m)
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
	char *name = one_line(json_string_value(json_object_get(doc, "name")));
	char *summary = one_line(
	    json_string_value(json_object_get(desc, "shortDescription")));
	char *text = description(m->lang, desc), *found = NULL, *was = NULL;
	char  keybuf[128], at[1200], *json = NULL;
	struct rollin_error err = { 0 };
	int repo = url && pc_is_http_url(url) && strlen(url) <= 500;
	int rc = -1;

	if (name == NULL || summary == NULL || text == NULL)
		goto done;
	shorten(name, 200, 0);
	shorten(summary, 300, 1);
	if ((found = find_solution(m, url, repo, name)) != NULL)
		was = lookup(m, "SELECT maturity FROM solutions WHERE slug = ?",
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
	where(m, key, at, sizeof(at));
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

/* ---- release, responsibilities, contacts, adoptions ------------------------------ */

static void
release(struct mapper *m)
{
	const char *version =
	    json_string_value(json_object_get(m->doc, "softwareVersion"));
	const char *date =
	    json_string_value(json_object_get(m->doc, "releaseDate"));
	char *v;

	if (version == NULL || *version == '\0')
		return;
	if (date == NULL) {
		note(m, ROLLIN_LOG_INFO,
		    "softwareVersion %s has no releaseDate: no release "
		    "recorded",
		    version);
		return;
	}
	if ((v = one_line(version)) == NULL)
		return;
	upsert(m, "release",
	    json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
	        "version", v, "status", "released", "date", date),
	    "version", "softwareVersion");
	free(v);
}

/* Adds the responsibility unless the solution has it already. */
static void
responsibility(struct mapper *m, const char *role, const char *org,
    const char *contact, const char *until, const char *key)
{
	json_t *doc;

	if (exists(m,
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
	upsert(m, "responsibility", doc, NULL, key);
}

/* The id of the contact name at organisation org, created if new. */
static char *
contact(struct mapper *m, const char *org, json_t *c, const char *key)
{
	static const char *sql =
	    "SELECT c.id FROM contacts c "
	    "JOIN organisations o ON o.id = c.organisation_id "
	    "WHERE o.slug = ? AND c.name = ? ORDER BY c.id LIMIT 1";
	char *name = one_line(json_string_value(json_object_get(c, "name")));
	char *phone = one_line(json_string_value(json_object_get(c, "phone")));
	const char *email = json_string_value(json_object_get(c, "email"));
	char       *id = NULL;
	json_t     *doc;

	if (name == NULL)
		goto done;
	shorten(name, 200, 0);
	if ((id = lookup(m, sql, json_pack("[s, s]", org, name))) != NULL)
		goto done;
	doc = json_pack("{s:s, s:s}", "organisation", org, "name", name);
	if (email && strlen(email) <= 254)
		json_object_set_new(doc, "email", json_string(email));
	if (phone && *phone && strlen(phone) <= 50)
		json_object_set_new(doc, "phone", json_string(phone));
	if (upsert(m, "contact", doc, NULL, key) == 0)
		id = lookup(m, sql, json_pack("[s, s]", org, name));
done:
	free(name);
	free(phone);
	return id;
}

static void
maintenance(struct mapper *m)
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

static void
adoptions(struct mapper *m)
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
			note(m, ROLLIN_LOG_INFO,
			    "%s: '%s' names nobody, skipped", key, name);
			continue;
		}
		if (organisation(m, name, NULL, NULL, key, slug) == -1)
			continue;
		if (exists(m,
		        "SELECT a.id FROM adoptions a "
		        "JOIN solutions s ON s.id = a.solution_id "
		        "JOIN organisations o ON o.id = a.organisation_id "
		        "WHERE s.slug = ? AND o.slug = ?",
		        json_pack("[s, s]", m->solution, slug)))
			continue;
		upsert(m, "adoption",
		    json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
		        "organisation", slug, "status", "evaluating", "context",
		        UNVERIFIED),
		    NULL, key);
	}
}

/* ---- dependencies --------------------------------------------------------- */

/*
 * The product a dependsOn entry names, in out (72 bytes): a product whose
 * name is the entry's slug or whose label is its name (ASCII case folded),
 * else a new one labelled with the name. Returns 0, or -1 (reported).
 */
static int
product(struct mapper *m, const char *raw, const char *key, char *out)
{
	char *name = one_line(raw), *found;
	int   rc = 0;

	if (name == NULL || *name == '\0') {
		free(name);
		return -1;
	}
	shorten(name, 200, 0);
	slugify(name, "product", out, 72);
	found = lookup(m,
	    "SELECT name FROM products WHERE name = ?1 "
	    "OR lower(label) = lower(?2) ORDER BY name = ?1 DESC, id LIMIT 1",
	    json_pack("[s, s]", out, name));
	if (found != NULL)
		snprintf(out, 72, "%s", found);
	else
		rc = upsert(m, "product",
		    json_pack("{s:s, s:s}", "name", out, "label", name), "name",
		    key);
	free(found);
	free(name);
	return rc;
}

/*
 * The solution's dependency on one dependsOn entry, unless it has one on
 * that product already (its owner may have said more since). The cycle is
 * the exact version the entry names, if it names one; the entry as text
 * (with its version range, optional) is the note.
 */
static void
dependency(struct mapper *m, json_t *d, const char *kind, const char *key)
{
	const char *exact = json_string_value(json_object_get(d, "version"));
	const char *min = json_string_value(json_object_get(d, "versionMin"));
	const char *max = json_string_value(json_object_get(d, "versionMax"));
	char        text[400], name[72], *cycle;
	json_t     *doc;

	if (dependency_text(d, strcmp(kind, "open") == 0 ? NULL : kind, text) ==
	        -1 ||
	    product(m, json_string_value(json_object_get(d, "name")), key,
	        name) == -1)
		return;
	if (exists(m,
	        "SELECT d.id FROM dependencies d "
	        "JOIN solutions s ON s.id = d.solution_id "
	        "JOIN products p ON p.id = d.product_id "
	        "WHERE s.slug = ? AND p.name = ?",
	        json_pack("[s, s]", m->solution, name)))
		return;
	if (exact == NULL && min && max && strcmp(min, max) == 0)
		exact = min;
	cycle = exact ? one_line(exact) : NULL;
	doc = json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
	    "product", name, "kind", kind, "note", text);
	if (cycle && *cycle && strlen(cycle) <= 64)
		json_object_set_new(doc, "cycle", json_string(cycle));
	upsert(m, "dependency", doc, NULL, key);
	free(cycle);
}

/* dependsOn: open, proprietary and hardware, as the solution's dependencies. */
static void
dependencies(struct mapper *m)
{
	static const char *const kinds[] = { "open", "proprietary",
		"hardware" };
	json_t *depends = json_object_get(m->doc, "dependsOn"), *d;
	char    key[96];
	size_t  i;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		json_array_foreach(json_object_get(depends, kinds[k]), i, d)
		{
			snprintf(key, sizeof(key), "dependsOn.%s[%zu]",
			    kinds[k], i);
			dependency(m, d, kinds[k], key);
		}
}

enum rollin_status
pc_map(const struct rollin_host *host, struct rollin_call *call,
    const struct pc_result *res, const char *name)
{
	struct mapper m = { .host = host,
		.call = call,
		.res = res,
		.name = name,
		.doc = res->doc };

	m.lang = pick_language(json_object_get(m.doc, "description"));
	if (m.lang == NULL)
		return ROLLIN_FAILED;
	if (owner(&m) == -1)
		return ROLLIN_OK; /* reported as rejected, nothing written */
	if (solution(&m) == -1)
		return ROLLIN_FAILED;
	release(&m);
	maintenance(&m);
	adoptions(&m);
	dependencies(&m);
	return ROLLIN_OK;
}
