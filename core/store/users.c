#include <stdio.h>
#include <string.h>

#include "events/outbox.h"
#include "store/db.h"
#include "store/users.h"
#include "util/clock.h"

#define USER_COLUMNS                                                       \
	"u.id, u.username, u.display_name, u.role, o.slug, u.created_at, " \
	"u.updated_at, u.password_changed_at, u.disabled_at, "             \
	"u.last_sign_in_at"

int
users_name_valid(const char *name, struct rl_error *err)
{
	size_t len = strlen(name);

	if (len < 2 || len > USERNAME_MAX)
		return rl_fail(err, 422, "invalid_value", "username",
		    "a user name has 2 to %d characters", USERNAME_MAX);
	if (strspn(name,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789._-") != len)
		return rl_fail(err, 422, "invalid_value", "username",
		    "a user name consists of letters A-Z, digits, '.', '_' "
		    "and '-'");
	return 0;
}

static int64_t
org_id_of(struct db *db, const char *slug)
{
	sqlite3_stmt *st;
	int64_t       id = 0;

	st = db_prepare(db, "SELECT id FROM organisations WHERE slug = ?");
	if (st == NULL)
		return 0;
	db_bind_text(st, 1, slug);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* The event of a change, in the change's transaction; never the hash. */
static int
emit(struct db *db, const char *type, int64_t id, const char *username,
    json_t *payload, const char *actor)
{
	char    subject[64];
	int64_t rc;

	snprintf(subject, sizeof(subject), "users/%lld", (long long)id);
	json_object_set_new(payload, "id", json_integer(id));
	json_object_set_new(payload, "username", json_string(username));
	rc = outbox_append(db, type, subject, actor, 0, payload);
	json_decref(payload);
	return rc == -1 ? -1 : 0;
}

int64_t
users_create(struct db *db, const char *username, const char *display_name,
    enum role role, const char *org_slug, const char *hash, const char *actor,
    struct rl_error *err)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN];
	int64_t       org_id, id;
	int           rc;

	if (users_name_valid(username, err) == -1)
		return -1;
	if (role == ROLE_NONE)
		return rl_fail(err, 422, "invalid_value", "role",
		    "role must be admin, owner, onboarding or adopter");
	if (display_name != NULL && strlen(display_name) > DISPLAY_NAME_MAX)
		return rl_fail(err, 422, "too_long", "name",
		    "the name may have at most %d characters",
		    DISPLAY_NAME_MAX);
	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	if ((org_id = org_id_of(db, org_slug)) == 0) {
		db_rollback(db);
		return rl_fail(err, 422, "unknown_reference", "org",
		    "there is no organisation '%s'", org_slug);
	}
	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "INSERT INTO users (username, display_name, role, "
	    "organisation_id, password_hash, created_at, updated_at, "
	    "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	db_bind_text(st, 1, username);
	db_bind_text(st, 2, display_name ? display_name : "");
	db_bind_text(st, 3, role_name(role));
	sqlite3_bind_int64(st, 4, org_id);
	db_bind_text(st, 5, hash);
	db_bind_text(st, 6, now);
	db_bind_text(st, 7, now);
	db_bind_text(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT) {
		db_rollback(db);
		return rl_fail(err, 409, "duplicate", "username",
		    "there is already a user '%s'", username);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	id = sqlite3_last_insert_rowid(db_handle(db));
	if (emit(db, "user.created", id, username,
	        json_pack("{s:s, s:s}", "role", role_name(role), "organisation",
	            org_slug),
	        actor) == -1 ||
	    db_commit(db) == -1)
		goto fail;
	return id;
fail:
	db_rollback(db);
	return rl_fail(err, 500, "store", NULL, "storing the user failed: %s",
	    sqlite3_errmsg(db_handle(db)));
}

#define ACCOUNT_SELECT                                                 \
	"SELECT u.id, u.username, u.role, u.organisation_id, o.slug, " \
	"u.password_hash, u.generation, u.disabled_at IS NOT NULL "    \
	"FROM users u JOIN organisations o ON o.id = u.organisation_id "

/* Steps st (ACCOUNT_SELECT with its key bound) into u; -1 if no account. */
static int
find(sqlite3_stmt *st, struct user *u)
{
	int rc = -1;

	if (sqlite3_step(st) == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		snprintf(u->username, sizeof(u->username), "%s",
		    db_column_text(st, 1));
		u->role = role_parse(db_column_text(st, 2));
		u->org_id = sqlite3_column_int64(st, 3);
		snprintf(u->org_slug, sizeof(u->org_slug), "%s",
		    db_column_text(st, 4));
		snprintf(u->hash, sizeof(u->hash), "%s", db_column_text(st, 5));
		u->generation = sqlite3_column_int64(st, 6);
		u->disabled = sqlite3_column_int(st, 7);
		rc = u->role == ROLE_NONE ? -1 : 0;
	}
	sqlite3_reset(st);
	return rc;
}

int
users_find(struct db *db, const char *username, struct user *u)
{
	sqlite3_stmt *st;

	memset(u, 0, sizeof(*u));
	if (strlen(username) > USERNAME_MAX ||
	    (st = db_prepare(db, ACCOUNT_SELECT "WHERE u.username = ?")) ==
	        NULL)
		return -1;
	db_bind_text(st, 1, username);
	return find(st, u);
}

int
users_find_id(struct db *db, int64_t id, struct user *u)
{
	sqlite3_stmt *st;

	memset(u, 0, sizeof(*u));
	if ((st = db_prepare(db, ACCOUNT_SELECT "WHERE u.id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return find(st, u);
}

void
users_principal(const struct user *u, struct principal *who)
{
	memset(who, 0, sizeof(*who));
	who->role = u->role;
	who->user_id = u->id;
	who->user_gen = u->generation;
	who->org_id = u->org_id;
	snprintf(who->org_slug, sizeof(who->org_slug), "%s", u->org_slug);
	snprintf(who->actor, sizeof(who->actor), "user:%.64s@%.57s",
	    u->username, u->org_slug);
}

int
users_update(struct db *db, const char *username, const char *hash,
    enum role role, const char *org_slug, const char *display_name,
    int disabled, const char *actor, struct rl_error *err)
{
	sqlite3_stmt *st;
	struct user   u;
	char          now[CLOCK_TS_LEN];
	int64_t       org_id = 0;
	json_t       *changed = json_object();

	if (display_name != NULL && strlen(display_name) > DISPLAY_NAME_MAX) {
		json_decref(changed);
		return rl_fail(err, 422, "too_long", "name",
		    "the name may have at most %d characters",
		    DISPLAY_NAME_MAX);
	}
	if (db_begin(db) == -1) {
		json_decref(changed);
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	}
	if (users_find(db, username, &u) == -1) {
		db_rollback(db);
		json_decref(changed);
		return rl_fail(err, 404, "not_found", "username",
		    "there is no user '%s'", username);
	}
	if (org_slug != NULL && (org_id = org_id_of(db, org_slug)) == 0) {
		db_rollback(db);
		json_decref(changed);
		return rl_fail(err, 422, "unknown_reference", "organisation",
		    "there is no organisation '%s'", org_slug);
	}
	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "UPDATE users SET "
	    "password_hash = coalesce(?1, password_hash), "
	    "password_changed_at = CASE WHEN ?1 IS NULL THEN "
	    "password_changed_at ELSE ?2 END, "
	    "role = coalesce(?3, role), "
	    "organisation_id = coalesce(?4, organisation_id), "
	    "display_name = coalesce(?5, display_name), "
	    "disabled_at = CASE ?6 WHEN 1 THEN coalesce(disabled_at, ?2) "
	    "WHEN 0 THEN NULL ELSE disabled_at END, "
	    "generation = generation + 1, updated_at = ?2 WHERE id = ?7");
	if (st == NULL)
		goto fail;
	if (hash != NULL) {
		db_bind_text(st, 1, hash);
		json_object_set_new(changed, "password", json_true());
	}
	db_bind_text(st, 2, now);
	if (role != ROLE_NONE) {
		db_bind_text(st, 3, role_name(role));
		json_object_set_new(changed, "role",
		    json_string(role_name(role)));
	}
	if (org_id != 0) {
		sqlite3_bind_int64(st, 4, org_id);
		json_object_set_new(changed, "organisation",
		    json_string(org_slug));
	}
	if (display_name != NULL)
		db_bind_text(st, 5, display_name);
	if (disabled >= 0) {
		sqlite3_bind_int(st, 6, disabled);
		json_object_set_new(changed, "disabled",
		    json_boolean(disabled));
	}
	sqlite3_bind_int64(st, 7, u.id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	if (emit(db, "user.updated", u.id, u.username, changed, actor) == -1) {
		changed = NULL;
		goto fail;
	}
	return db_commit(db);
fail:
	json_decref(changed);
	db_rollback(db);
	return rl_fail(err, 500, "store", NULL, "storing the user failed: %s",
	    sqlite3_errmsg(db_handle(db)));
}

int
users_signed_in(struct db *db, int64_t id, const char *new_hash)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN];
	int           rc;

	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "UPDATE users SET last_sign_in_at = ?, password_hash = "
	    "coalesce(?, password_hash) WHERE id = ?");
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, now);
	if (new_hash != NULL)
		db_bind_text(st, 2, new_hash);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
users_session_valid(struct db *db, int64_t id, int64_t generation)
{
	sqlite3_stmt *st;
	int           valid;

	st = db_prepare(db,
	    "SELECT 1 FROM users WHERE id = ? AND generation = ? "
	    "AND disabled_at IS NULL");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, generation);
	valid = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return valid;
}

static json_t *
row_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, "
	                 "s:s?, s:b}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0), "username",
	    db_column_text(st, 1), "name", db_column_text(st, 2), "role",
	    db_column_text(st, 3), "organisation", db_column_text(st, 4),
	    "created_at", db_column_text(st, 5), "updated_at",
	    db_column_text(st, 6), "password_changed_at", db_column_text(st, 7),
	    "disabled_at", db_column_text(st, 8), "last_sign_in_at",
	    db_column_text(st, 9), "disabled",
	    sqlite3_column_type(st, 8) != SQLITE_NULL);
}

json_t *
users_get(struct db *db, const char *username)
{
	sqlite3_stmt *st;
	json_t       *v = NULL;

	st = db_prepare(db,
	    "SELECT " USER_COLUMNS " FROM users u JOIN organisations o "
	    "ON o.id = u.organisation_id WHERE u.username = ?");
	if (st == NULL)
		return NULL;
	db_bind_text(st, 1, username);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = row_json(st);
	sqlite3_reset(st);
	return v;
}

json_t *
users_list(struct db *db)
{
	sqlite3_stmt *st;
	json_t       *items = json_array();

	st = db_prepare(db,
	    "SELECT " USER_COLUMNS " FROM users u JOIN organisations o "
	    "ON o.id = u.organisation_id ORDER BY u.username COLLATE NOCASE");
	if (st == NULL)
		return items;
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items, row_json(st));
	sqlite3_reset(st);
	return items;
}
