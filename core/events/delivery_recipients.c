/*
 * Who an event goes to, as a notifier is handed it: the subscriptions'
 * recipients made concrete, with organisation names and one e-mail
 * address per person, so notifiers need not query the store themselves.
 */
#include <stdio.h>

#include "events/delivery_internal.h"
#include "events/subscriptions.h"
#include "store/db.h"

/*
 * The event's recipients as notifiers see them: subscriptions_recipients()
 * with each organisation's name and an e-mail address per person. A
 * recipient that is an organisation as a whole stands for each of its
 * contacts with an address (it keeps its place and reason); without any,
 * it stays with "email": null. NULL if the store failed.
 */
json_t *
delivery_recipients(struct db *db, int64_t event_id)
{
	sqlite3_stmt *st;
	json_t       *base, *out, *seen, *item, *copy;
	const char   *org;
	char          key[160];
	size_t        i;

	if ((base = subscriptions_recipients(db, event_id)) == NULL)
		return NULL;
	out = json_array();
	seen = json_object();
	json_array_foreach(base, i, item)
	{
		org = json_string_value(json_object_get(item, "organisation"));
		if (org == NULL)
			continue;
		if (json_object_get(item, "organisation_name") == NULL &&
		    (st = db_prepare(db,
		         "SELECT name FROM organisations "
		         "WHERE slug = ?")) != NULL) {
			db_bind_text(st, 1, org);
			if (sqlite3_step(st) == SQLITE_ROW)
				json_object_set_new(item, "organisation_name",
				    json_string(db_column_text(st, 0)));
			sqlite3_reset(st);
		}
		if (json_object_get(item, "email") != NULL) {
			json_array_append(out, item);
			continue;
		}
		if (json_is_integer(json_object_get(item, "contact"))) {
			st = db_prepare(db,
			    "SELECT c.id, c.email FROM contacts c "
			    "WHERE c.id = ?");
			if (st == NULL)
				goto failed;
			sqlite3_bind_int64(st, 1,
			    json_integer_value(
			        json_object_get(item, "contact")));
		} else {
			st = db_prepare(db,
			    "SELECT c.id, c.email FROM contacts c "
			    "JOIN organisations o ON o.id = "
			    "c.organisation_id WHERE o.slug = ? "
			    "AND c.email <> '' ORDER BY c.id");
			if (st == NULL)
				goto failed;
			db_bind_text(st, 1, org);
		}
		int rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			snprintf(key, sizeof(key), "%s\n%lld", org,
			    (long long)sqlite3_column_int64(st, 0));
			rows++;
			if (json_object_get(seen, key) != NULL)
				continue;
			json_object_set_new(seen, key, json_true());
			copy = json_copy(item);
			json_object_set_new(copy, "contact",
			    json_integer(sqlite3_column_int64(st, 0)));
			json_object_set_new(copy, "email",
			    db_column_text(st, 1)
			        ? json_string(db_column_text(st, 1))
			        : json_null());
			json_array_append_new(out, copy);
		}
		sqlite3_reset(st);
		if (rows == 0) {
			copy = json_copy(item);
			json_object_set_new(copy, "email", json_null());
			json_array_append_new(out, copy);
		}
	}
	json_decref(base);
	json_decref(seen);
	return out;
failed:
	json_decref(base);
	json_decref(seen);
	json_decref(out);
	return NULL;
}
