/*
 * store/tokens: access tokens are shown once, stored only as a hash, and
 * resolve to the role and organisation they were made for until revoked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/db.h"
#include "store/record.h"
#include "store/tokens.h"
#include "util/log.h"

struct fixture {
	char       dir[FIXTURE_DIR_LEN];
	char       path[FIXTURE_PATH_LEN];
	struct db *db;
	int64_t    org_a, org_b;
};

static int64_t
make_org(struct db *db, const char *slug)
{
	struct principal admin = { .role = ROLE_ADMIN };
	struct rl_error  err = { 0 };
	struct record    r;
	json_t *body = json_pack("{s:s, s:s, s:s}", "slug", slug, "name", slug,
	    "kind", "state");
	int64_t id;

	if (record_create(db, &res_organisation, 0, body, &admin, &r, &err) !=
	    0) {
		fprintf(stderr, "record_create: %s\n", err.message);
		id = 0;
	} else
		id = r.id;
	json_decref(body);
	record_clear(&r);
	return id;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	if ((fx->db = fixture_db_open("tokens", fx->dir, fx->path)) == NULL) {
		free(fx);
		return -1;
	}
	fx->org_a = make_org(fx->db, "org-a");
	fx->org_b = make_org(fx->db, "org-b");
	*state = fx;
	return fx->org_a > 0 && fx->org_b > 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_db_close(fx->db, fx->dir);
	free(fx);
	return 0;
}

static int64_t
new_token(struct fixture *fx, enum role role, const char *org,
    char out[TOKEN_LEN])
{
	struct rl_error err = { 0 };
	int64_t         id;

	id = tokens_create(fx->db, role, org, "test", out, &err);
	if (id <= 0)
		fail_msg("tokens_create: %s", err.message);
	return id;
}

static void
test_create_format(void **state)
{
	struct fixture *fx = *state;
	char            a[TOKEN_LEN], b[TOKEN_LEN];
	size_t          len;

	new_token(fx, ROLE_OWNER, "org-a", a);
	new_token(fx, ROLE_OWNER, "org-a", b);
	assert_int_equal(strncmp(a, "rollin_", 7), 0);
	len = strlen(a);
	/* 256 random bits in base64url: 43 characters after the prefix. */
	assert_int_equal(len, 7 + 43);
	assert_int_equal(strspn(a + 7,
	                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
	                     "klmnopqrstuvwxyz0123456789-_"),
	    43);
	/* Every token is new. */
	assert_string_not_equal(a, b);
}

/* memmem() is a GNU extension; the build is plain POSIX. */
static int
contains(const void *hay, size_t n, const char *needle, size_t m)
{
	const char *h = hay;

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(h + i, needle, m) == 0)
			return 1;
	return 0;
}

/* True if needle occurs in the file's bytes. */
static int
file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long  n;
	int   found;

	if (f == NULL)
		return 0;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	found = contains(buf, (size_t)n, needle, strlen(needle));
	free(buf);
	return found;
}

static void
test_only_hash_stored(void **state)
{
	struct fixture *fx = *state;
	char            tok[TOKEN_LEN], wal[160];
	unsigned char   hash[32];
	sqlite3_stmt   *st;
	int             rows = 0, cols;

	new_token(fx, ROLE_ADMIN, "org-a", tok);

	/* No column of any token row holds the token or its secret part. */
	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT * FROM tokens", -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		rows++;
		cols = sqlite3_column_count(st);
		for (int i = 0; i < cols; i++) {
			const void *v = sqlite3_column_blob(st, i);
			int         n = sqlite3_column_bytes(st, i);

			if (v == NULL)
				continue;
			if (contains(v, (size_t)n, tok + 7, 16))
				fail_msg("column %s holds the token",
				    sqlite3_column_name(st, i));
		}
	}
	sqlite3_finalize(st);
	assert_int_equal(rows, 1);

	/* What is stored is the BLAKE2b hash of the whole token. */
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)tok,
	    strlen(tok), NULL, 0);
	assert_int_equal(sqlite3_prepare_v2(db_handle(fx->db),
	                     "SELECT hash FROM tokens", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), 32);
	assert_memory_equal(sqlite3_column_blob(st, 0), hash, 32);
	sqlite3_finalize(st);

	/* Nor does the token end up anywhere else: events, log, the files. */
	assert_int_equal(
	    sqlite3_prepare_v2(db_handle(fx->db),
	        "SELECT count(*) FROM events WHERE instr(payload, ?1) > 0", -1,
	        &st, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(st, 1, tok + 7, 16, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	snprintf(wal, sizeof(wal), "%s-wal", fx->path);
	assert_false(file_contains(fx->path, tok + 7));
	assert_false(file_contains(wal, tok + 7));
}

static void
test_lookup(void **state)
{
	struct fixture  *fx = *state;
	struct principal who;
	char             owner[TOKEN_LEN], adopter[TOKEN_LEN];
	int64_t          id_owner, id_adopter;

	id_owner = new_token(fx, ROLE_OWNER, "org-a", owner);
	id_adopter = new_token(fx, ROLE_ADOPTER, "org-b", adopter);

	assert_int_equal(tokens_lookup(fx->db, owner, &who), 0);
	assert_int_equal(who.role, ROLE_OWNER);
	assert_int_equal(who.org_id, fx->org_a);
	assert_string_equal(who.org_slug, "org-a");
	assert_int_equal(who.token_id, id_owner);
	/* Events name the token, never the secret. */
	assert_non_null(strstr(who.actor, "org-a"));
	assert_null(strstr(who.actor, owner + 7));

	assert_int_equal(tokens_lookup(fx->db, adopter, &who), 0);
	assert_int_equal(who.role, ROLE_ADOPTER);
	assert_int_equal(who.org_id, fx->org_b);
	assert_string_equal(who.org_slug, "org-b");
	assert_int_equal(who.token_id, id_adopter);
}

static void
test_wrong_token(void **state)
{
	struct fixture  *fx = *state;
	struct principal who;
	char             tok[TOKEN_LEN], bad[TOKEN_LEN + 8];
	size_t           len;

	new_token(fx, ROLE_ADMIN, "org-a", tok);
	len = strlen(tok);

	/* One character changed. */
	memcpy(bad, tok, len + 1);
	bad[len - 1] = bad[len - 1] == 'A' ? 'B' : 'A';
	assert_int_equal(tokens_lookup(fx->db, bad, &who), -1);
	assert_int_equal(who.role, ROLE_NONE);
	/* Cut short, or with something appended. */
	memcpy(bad, tok, len - 1);
	bad[len - 1] = '\0';
	assert_int_equal(tokens_lookup(fx->db, bad, &who), -1);
	snprintf(bad, sizeof(bad), "%sx", tok);
	assert_int_equal(tokens_lookup(fx->db, bad, &who), -1);
	/* The secret without its prefix. */
	assert_int_equal(tokens_lookup(fx->db, tok + 7, &who), -1);
	assert_int_equal(tokens_lookup(fx->db, "", &who), -1);
	assert_int_equal(tokens_lookup(fx->db, "rollin_", &who), -1);
	assert_int_equal(who.role, ROLE_NONE);
	/* The real one still works. */
	assert_int_equal(tokens_lookup(fx->db, tok, &who), 0);
	assert_int_equal(who.role, ROLE_ADMIN);
}

static void
test_revoke(void **state)
{
	struct fixture  *fx = *state;
	struct principal who;
	struct rl_error  err = { 0 };
	char             a[TOKEN_LEN], b[TOKEN_LEN];
	int64_t          id_a;
	json_t          *list;

	id_a = new_token(fx, ROLE_OWNER, "org-a", a);
	new_token(fx, ROLE_OWNER, "org-a", b);
	assert_int_equal(tokens_revoke(fx->db, id_a, &err), 0);
	assert_int_equal(tokens_lookup(fx->db, a, &who), -1);
	assert_int_equal(who.role, ROLE_NONE);
	/* Revoking one token leaves the others working. */
	assert_int_equal(tokens_lookup(fx->db, b, &who), 0);

	/* Revoking twice, or a token that never was: 404. */
	assert_int_equal(tokens_revoke(fx->db, id_a, &err), -1);
	assert_int_equal(err.status, 404);
	assert_int_equal(tokens_revoke(fx->db, 999, &err), -1);
	assert_int_equal(err.status, 404);

	/* The list shows both, the first as revoked, and no secret. */
	list = tokens_list(fx->db);
	assert_int_equal(json_array_size(list), 2);
	assert_true(json_is_string(
	    json_object_get(json_array_get(list, 0), "revoked_at")));
	assert_false(json_is_string(
	    json_object_get(json_array_get(list, 1), "revoked_at")));
	{
		char *text = json_dumps(list, 0);
		assert_null(strstr(text, a + 7));
		assert_null(strstr(text, b + 7));
		free(text);
	}
	json_decref(list);
}

static void
test_create_refused(void **state)
{
	struct fixture *fx = *state;
	struct rl_error err = { 0 };
	char            tok[TOKEN_LEN];
	json_t         *list;

	assert_true(
	    tokens_create(fx->db, ROLE_OWNER, "org-nope", "x", tok, &err) <= 0);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.code, "unknown_reference");
	assert_non_null(strstr(err.message, "org-nope"));
	assert_true(
	    tokens_create(fx->db, ROLE_NONE, "org-a", "x", tok, &err) <= 0);
	assert_int_equal(err.status, 422);
	list = tokens_list(fx->db);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_create_format),
		T(test_only_hash_stored),
		T(test_lookup),
		T(test_wrong_token),
		T(test_revoke),
		T(test_create_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, fixture_template_setup,
	    fixture_template_teardown);
}
