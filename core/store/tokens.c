#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/outbox.h"
#include "store/db.h"
#include "store/tokens.h"
#include "util/clock.h"

static void
token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token),
	    NULL, 0);
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

/*
 * Verified tokens, so that a request signed in again costs a hash and a
 * table probe instead of a query. A token's principal changes only when it
 * is revoked (organisations with tokens can be neither deleted nor
 * renamed): tokens_revoke() empties the cache of its connection, and a
 * commit of any other connection or process, which PRAGMA data_version
 * shows, empties it too. Only tokens that were found are kept, so guessing
 * cannot fill it; when full it starts over. Each connection has its own,
 * hung on it as the user data of a function whose destructor SQLite calls
 * when the connection closes. Use it from the connection's thread.
 */
#define TOKEN_CACHE_SIZE 256 /* power of two */

struct token_entry {
	unsigned char    hash[32];
	int              used;
	struct principal who;
};

struct token_cache {
	sqlite3            *handle;
	struct token_cache *next;
	int64_t             data_version;
	int                 n;
	struct token_entry  slots[TOKEN_CACHE_SIZE];
};

static pthread_mutex_t     caches_lock = PTHREAD_MUTEX_INITIALIZER;
static struct token_cache *caches;

static void
cache_clear(struct token_cache *c)
{
	c->n = 0;
	for (int i = 0; i < TOKEN_CACHE_SIZE; i++)
		c->slots[i].used = 0;
}

static void
cache_free(void *arg)
{
	struct token_cache *c = arg, **p;

	pthread_mutex_lock(&caches_lock);
	for (p = &caches; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	pthread_mutex_unlock(&caches_lock);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

/* Never called: it only carries the cache. */
static void
cache_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_null(ctx);
}

static struct token_cache *
cache_find(struct db *db, int create)
{
	sqlite3            *h = db_handle(db);
	struct token_cache *c;

	pthread_mutex_lock(&caches_lock);
	for (c = caches; c && c->handle != h; c = c->next)
		;
	pthread_mutex_unlock(&caches_lock);
	if (c != NULL || !create)
		return c;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->handle = h;
	c->data_version = -1;
	if (sqlite3_create_function_v2(h, "rollin_token_cache", 0, SQLITE_UTF8,
	        c, cache_fn, NULL, NULL, cache_free) != SQLITE_OK)
		return NULL; /* SQLite has called cache_free */
	pthread_mutex_lock(&caches_lock);
	c->next = caches;
	caches = c;
	pthread_mutex_unlock(&caches_lock);
	return c;
}

/* The connection's cache, emptied if another writer committed. */
static struct token_cache *
cache_for(struct db *db)
{
	struct token_cache *c = cache_find(db, 1);
	sqlite3_stmt       *st;
	int64_t             version = -1;

	if (c == NULL || (st = db_prepare(db, "PRAGMA data_version")) == NULL)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (version == -1)
		return NULL;
	if (c->data_version != version) {
		cache_clear(c);
		c->data_version = version;
	}
	return c;
}

static struct token_entry *
cache_slot(struct token_cache *c, const unsigned char hash[32])
{
	unsigned i;

	memcpy(&i, hash, sizeof(i));
	for (i &= TOKEN_CACHE_SIZE - 1;; i = (i + 1) & (TOKEN_CACHE_SIZE - 1))
		if (!c->slots[i].used ||
		    sodium_memcmp(c->slots[i].hash, hash, 32) == 0)
			return &c->slots[i];
}

int
tokens_lookup(struct db *db, const char *token, struct principal *who)
{
	unsigned char       hash[32];
	sqlite3_stmt       *st;
	struct token_cache *c;
	struct token_entry *e = NULL;
	int                 rc = -1;

	memset(who, 0, sizeof(*who));
	if (strncmp(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1) != 0 ||
	    strlen(token) >= TOKEN_LEN)
		return -1;
	token_hash(token, hash);
	if ((c = cache_for(db)) != NULL) {
		e = cache_slot(c, hash);
		if (e->used) {
			*who = e->who;
			return 0;
		}
	}
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
	if (rc == 0 && e != NULL) {
		/* Keeps a quarter of the slots free for short probes. */
		if (c->n >= TOKEN_CACHE_SIZE * 3 / 4) {
			cache_clear(c);
			e = cache_slot(c, hash);
		}
		memcpy(e->hash, hash, sizeof(hash));
		e->who = *who;
		e->used = 1;
		c->n++;
	}
	return rc;
}

int
tokens_revoke(struct db *db, int64_t id, struct rl_error *err)
{
	struct token_cache *c;
	sqlite3_stmt       *st;
	char                now[CLOCK_TS_LEN], subject[64];
	json_t             *payload;
	int                 changed;

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
	if ((c = cache_find(db, 0)) != NULL)
		cache_clear(c);
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
