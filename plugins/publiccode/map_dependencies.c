/*
 * dependsOn as the solution's dependencies on products: the product found
 * by its name or label, or created, and the exact version the entry names
 * as the cycle. The entry's text is shared with the solution's
 * prerequisites.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

/*
 * "PostgreSQL >= 12", "Oracle 11.4 (proprietary)", "NFC Reader (optional)":
 * a dependsOn entry as text, in text (400 bytes). Returns -1 if it has no
 * name.
 */
int
pc_dependency_text(json_t *d, const char *kind, char *text)
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

/*
 * The product a dependsOn entry names, in out (72 bytes): a product whose
 * name is the entry's slug or whose label is its name (ASCII case folded),
 * else a new one labelled with the name. Returns 0, or -1 (reported).
 */
static int
product(struct mapper *m, const char *raw, const char *key, char *out)
{
	char *name = pc_one_line(raw), *found;
	int   rc = 0;

	if (name == NULL || *name == '\0') {
		free(name);
		return -1;
	}
	pc_shorten(name, 200, 0);
	pc_slugify(name, "product", out, 72);
	found = pc_lookup(m,
	    "SELECT name FROM products WHERE name = ?1 "
	    "OR lower(label) = lower(?2) ORDER BY name = ?1 DESC, id LIMIT 1",
	    json_pack("[s, s]", out, name));
	if (found != NULL)
		snprintf(out, 72, "%s", found);
	else
		rc = pc_upsert(m, "product",
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

	if (pc_dependency_text(d, strcmp(kind, "open") == 0 ? NULL : kind,
	        text) == -1 ||
	    product(m, json_string_value(json_object_get(d, "name")), key,
	        name) == -1)
		return;
	if (pc_exists(m,
	        "SELECT d.id FROM dependencies d "
	        "JOIN solutions s ON s.id = d.solution_id "
	        "JOIN products p ON p.id = d.product_id "
	        "WHERE s.slug = ? AND p.name = ?",
	        json_pack("[s, s]", m->solution, name)))
		return;
	if (exact == NULL && min && max && strcmp(min, max) == 0)
		exact = min;
	cycle = exact ? pc_one_line(exact) : NULL;
	doc = json_pack("{s:s, s:s, s:s, s:s}", "solution", m->solution,
	    "product", name, "kind", kind, "note", text);
	if (cycle && *cycle && strlen(cycle) <= 64)
		json_object_set_new(doc, "cycle", json_string(cycle));
	pc_upsert(m, "dependency", doc, NULL, key);
	free(cycle);
}

/* dependsOn: open, proprietary and hardware, as the solution's dependencies. */
void
pc_dependencies(struct mapper *m)
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
