#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "demo/demo.h"
#include "domain/resource.h"
#include "store/db.h"
#include "store/record.h"
#include "util/embedded.h"
#include "util/log.h"

static const struct principal demo_admin = {
	.role = ROLE_ADMIN,
	.actor = "demo",
};

static int
create(struct db *db, const struct resource *res, int64_t parent, json_t *doc,
    struct record *out, const char *what, struct rl_error *err)
{
	struct record   scratch;
	struct rl_error why;

	if (record_create(db, res, parent, doc, &demo_admin,
	        out ? out : &scratch, &why) == -1) {
		return rl_fail(err, why.status, why.code, why.field,
		    "demo %s: "
		    "%s",
		    what, why.message);
	}
	if (out == NULL)
		record_clear(&scratch);
	return 0;
}

/* Demo contacts are referred to by their 1-based place in the file. */
static int
map_contact(json_t *resp, const int64_t *contact_ids, size_t ncontacts)
{
	json_t *c = json_object_get(resp, "contact");
	size_t  i;

	if (c == NULL)
		return 0;
	i = (size_t)json_integer_value(c);
	if (i < 1 || i > ncontacts)
		return -1;
	json_object_set_new(resp, "contact", json_integer(contact_ids[i - 1]));
	return 0;
}

static int
load_solution(struct db *db, json_t *sol, const int64_t *contact_ids,
    size_t ncontacts, struct rl_error *err)
{
	static const char *const            children[] = { "cycles", "releases",
		           "responsibilities", "adoptions" };
	static const struct resource *const child_res[] = { &res_cycle,
		&res_release, &res_responsibility, &res_adoption };
	json_t       *own = json_deep_copy(sol), *list, *item;
	struct record r;
	char          what[160];
	size_t        i;
	int           rc = -1;

	for (i = 0; i < 4; i++)
		json_object_del(own, children[i]);
	snprintf(what, sizeof(what), "solution %s",
	    json_string_value(json_object_get(sol, "slug")));
	if (create(db, &res_solution, 0, own, &r, what, err) == -1)
		goto done;
	for (size_t k = 0; k < 4; k++) {
		list = json_object_get(sol, children[k]);
		json_array_foreach(list, i, item)
		{
			json_t *copy = json_deep_copy(item);
			snprintf(what, sizeof(what), "%s of %s[%zu]",
			    json_string_value(json_object_get(sol, "slug")),
			    children[k], i);
			if (child_res[k] == &res_responsibility &&
			    map_contact(copy, contact_ids, ncontacts) == -1) {
				json_decref(copy);
				rl_fail(err, 422, "unknown_reference",
				    "contact", "demo %s: no such contact",
				    what);
				goto done_r;
			}
			if (create(db, child_res[k], r.id, copy, NULL, what,
			        err) == -1) {
				json_decref(copy);
				goto done_r;
			}
			json_decref(copy);
		}
	}
	rc = 0;
done_r:
	record_clear(&r);
done:
	json_decref(own);
	return rc;
}

int
demo_load(struct db *db, struct rl_error *err)
{
	json_t       *root, *list, *item;
	json_error_t  jerr;
	sqlite3_stmt *st;
	struct record r;
	int64_t      *contact_ids = NULL;
	size_t        i, ncontacts;
	int           empty = 0, rc = -1;
	char          what[128];

	st = db_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM organisations)");
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		empty = sqlite3_column_int(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	if (!empty) {
		log_info("the catalogue is not empty; demo data not loaded");
		return 0;
	}
	root =
	    json_loadb(embedded_demo[0].data, embedded_demo[0].len, 0, &jerr);
	if (root == NULL)
		return rl_fail(err, 500, "demo", NULL, "demo.json:%d:%d: %s",
		    jerr.line, jerr.column, jerr.text);
	if (db_begin(db) == -1) {
		json_decref(root);
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	}
	json_array_foreach(json_object_get(root, "organisations"), i, item)
	{
		snprintf(what, sizeof(what), "organisation %zu", i);
		if (create(db, &res_organisation, 0, item, NULL, what, err) ==
		    -1)
			goto done;
	}
	list = json_object_get(root, "contacts");
	ncontacts = json_array_size(list);
	if ((contact_ids = calloc(ncontacts + 1, sizeof(*contact_ids))) == NULL)
		goto done;
	json_array_foreach(list, i, item)
	{
		snprintf(what, sizeof(what), "contact %zu", i + 1);
		if (create(db, &res_contact, 0, item, &r, what, err) == -1)
			goto done;
		contact_ids[i] = r.id;
		record_clear(&r);
	}
	json_array_foreach(json_object_get(root, "solutions"), i,
	    item) if (load_solution(db, item, contact_ids, ncontacts, err) ==
	    -1) goto done;
	if (db_commit(db) == -1) {
		rl_fail(err, 500, "store", NULL, "committing demo data failed");
		goto done;
	}
	log_info("demo data loaded: %zu organisations, %zu contacts, %zu "
	         "solutions",
	    json_array_size(json_object_get(root, "organisations")), ncontacts,
	    json_array_size(json_object_get(root, "solutions")));
	rc = 1;
done:
	if (rc == -1)
		db_rollback(db);
	free(contact_ids);
	json_decref(root);
	return rc;
}
