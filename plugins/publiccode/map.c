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
 *
 * The steps live in map_organisations.c, map_solution.c and
 * map_dependencies.c; this file runs them and holds what they share of
 * the host: lookups, upserts and where in the file a record came from.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

void
pc_note(struct mapper *m, enum rollin_log_level level, const char *fmt, ...)
{
	char    line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->host->log(m->call, level, "%s: %s", m->name, line);
}

/* "file:line:col" of a publiccode key. */
void
pc_where(const struct mapper *m, const char *key, char *out, size_t len)
{
	int line, col;

	pc_position(m->res, key, &line, &col);
	snprintf(out, len, "%s:%d:%d", m->name, line, col);
}

/*
 * The first column of the first row of a read-only query, as text (caller
 * frees), or NULL. params is a JSON array (stolen).
 */
char *
pc_lookup(struct mapper *m, const char *sql, json_t *params)
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

int
pc_exists(struct mapper *m, const char *sql, json_t *params)
{
	char *v = pc_lookup(m, sql, params);

	free(v);
	return v != NULL;
}

/*
 * One upsert; a refused record is reported at key's position with the
 * core's reason and does not stop the others. Returns 0 or -1.
 */
int
pc_upsert(struct mapper *m, const char *kind, json_t *doc, const char *match,
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
	pc_where(m, key, at, sizeof(at));
	snprintf(why, sizeof(why), "%s: %s not imported: %s", key, kind,
	    err.message[0] ? err.message : "refused");
	m->host->reject(m->call, at, why);
	return -1;
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

	m.lang = pc_pick_language(json_object_get(m.doc, "description"));
	if (m.lang == NULL)
		return ROLLIN_FAILED;
	if (pc_owner(&m) == -1)
		return ROLLIN_OK; /* reported as rejected, nothing written */
	if (pc_solution(&m) == -1)
		return ROLLIN_FAILED;
	pc_release(&m);
	pc_maintenance(&m);
	pc_adoptions(&m);
	pc_dependencies(&m);
	return ROLLIN_OK;
}
