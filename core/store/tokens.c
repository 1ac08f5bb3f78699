#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "events/outbox.h"
#include "store/db.h"
#include "store/tokens.h"
#include "util/clock.h"

static void
token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(
	    out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

int64_t
tokens_create(struct db *db, enum role role, const char *org_slug,
    const char *label, char out[TOKEN_LEN], struct rl_error *err)
{
	unsigned char secret[32], hash[32];
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN], subject[64];
	int64_t       org_id = 0, id;
	json_t       *payload;

	if (role == ROLE_NONE)
		return rl_fail(err, 422, "invalid_value", "role",
		    "role must be "
		    "admin, owner, onboarding or adopter");
	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	st = db_prepare(db, "SELECT id FROM organisations WHERE slug = ?");
	if (st != NULL) {
		db_bind_text(st, 1, org_slug);
		if (sqlite3_step(st) == SQLITE_ROW)
			org_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	if (org_id == 0) {
		db_rollback(db);
		return rl_fail(err, 422, "unknown_reference", "org",
		    "there is "
		    "no organisation '%s'",
		    org_slug);
	}
	randombytes_buf(secret, sizeof(secret));
	memcpy(out, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1);
	sodium_bin2base64(out + sizeof(TOKEN_PREFIX) - 1,
	    TOKEN_LEN - sizeof(TOKEN_PREFIX) + 1, secret, sizeof(secret),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(out, hash);
	sodium_memzero(secret, sizeof(secret));
	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "INSERT INTO tokens (hash, role, organisation_id, "
	    "label, created_at) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_TRANSIENT);
	db_bind_text(st, 2, role_name(role));
	sqlite3_bind_int64(st, 3, org_id);
	db_bind_text(st, 4, label ? label : "");
	db_bind_text(st, 5, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		goto fail;
	}
	sqlite3_reset(st);
	id = sqlite3_last_insert_rowid(db_handle(db));
	snprintf(subject, sizeof(subject), "tokens/%lld", (long long)id);
	payload = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "role", role_name(role), "organisation", org_slug, "label",
	    label ? label : "");
	if (outbox_append(db, "token.created", subject, "cli", 0, payload) ==
	    -1) {
		json_decref(payload);
		goto fail;
	}
	json_decref(payload);
	if (db_commit(db) == -1)
		goto fail;
	return id;
fail:
	db_rollback(db);
	sodium_memzero(out, TOKEN_LEN);
	return rl_fail(err, 500, "store", NULL, "storing the token failed: %s",
	    sqlite3_errmsg(db_handle(db)));
}

int
tokens_lookup(struct db *db, const char *token, struct principal *who)
{
	unsigned char hash[32];
	sqlite3_stmt *st;
	int           rc = -1;

	memset(who, 0, sizeof(*who));
	if (strncmp(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1) != 0 ||
	    strlen(token) >= TOKEN_LEN)
		return -1;
	token_hash(token, hash);
	st = db_prepare(db,
	    "SELECT t.id, t.role, t.organisation_id, o.slug, "
	    "t.label FROM tokens t JOIN organisations o ON o.id = "
	    "t.organisation_id WHERE t.hash = ? AND t.revoked_at IS NULL");
	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, hash, sizeof(hash), SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		who->token_id = sqlite3_column_int64(st, 0);
		who->role = role_parse(db_column_text(st, 1));
		who->org_id = sqlite3_column_int64(st, 2);
		snprintf(who->org_slug, sizeof(who->org_slug), "%s",
		    db_column_text(st, 3));
		snprintf(who->actor, sizeof(who->actor), "%s@%s#%lld",
		    role_name(who->role), who->org_slug,
		    (long long)who->token_id);
		rc = who->role == ROLE_NONE ? -1 : 0;
	}
	sqlite3_reset(st);
	return rc;
}

int
tokens_revoke(struct db *db, int64_t id, struct rl_error *err)
{
	sqlite3_stmt *st;
	char          now[CLOCK_TS_LEN], subject[64];
	json_t       *payload;
	int           changed;

	if (db_begin(db) == -1)
		return rl_fail(err, 503, "busy", NULL, "the store is busy");
	clock_format_ts(clock_now(), now);
	st = db_prepare(db,
	    "UPDATE tokens SET revoked_at = ? WHERE id = ? AND "
	    "revoked_at IS NULL");
	if (st == NULL) {
		db_rollback(db);
		return rl_fail(err, 500, "store", NULL, "store unavailable");
	}
	db_bind_text(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_step(st);
	sqlite3_reset(st);
	changed = sqlite3_changes(db_handle(db));
	if (changed == 0) {
		db_rollback(db);
		return rl_fail(err, 404, "not_found", "id",
		    "no active token "
		    "with id %lld",
		    (long long)id);
	}
	snprintf(subject, sizeof(subject), "tokens/%lld", (long long)id);
	payload = json_pack("{s:I}", "id", (json_int_t)id);
	outbox_append(db, "token.revoked", subject, "cli", 0, payload);
	json_decref(payload);
	return db_commit(db);
}

json_t *
tokens_list(struct db *db)
{
	sqlite3_stmt *st;
	json_t       *items = json_array();

	st = db_prepare(db,
	    "SELECT t.id, t.role, o.slug, t.label, "
	    "t.created_at, t.revoked_at FROM tokens t JOIN organisations o ON "
	    "o.id = t.organisation_id ORDER BY t.id");
	if (st == NULL)
		return items;
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(items,
		    json_pack("{s:I, s:s, s:s, s:s, "
		              "s:s, s:s?}",
		        "id", sqlite3_column_int64(st, 0), "role",
		        db_column_text(st, 1), "organisation",
		        db_column_text(st, 2), "label", db_column_text(st, 3),
		        "created_at", db_column_text(st, 4), "revoked_at",
		        db_column_text(st, 5)));
	sqlite3_reset(st);
	return items;
}
