/*
 * Accounts of people who sign in with a user name and a password. An
 * account acts, like a token, with one role for one organisation; its
 * writes are signed "user:NAME@ORG". User names compare without regard
 * to case. The store keeps only the argon2id hash (util/password.h);
 * callers hash and verify, because that is slow and belongs off the loop.
 */
#ifndef ROLLIN_STORE_USERS_H
#define ROLLIN_STORE_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "util/error.h"
#include "util/password.h"

#define USERNAME_MAX     64
#define DISPLAY_NAME_MAX 200

struct db;

struct user {
	int64_t   id;
	char      username[USERNAME_MAX + 1];
	enum role role;
	int64_t   org_id;
	char      org_slug[72];
	char      hash[PASSWORD_HASH_LEN];
	int64_t   generation;
	int       disabled;
};

/* Checks a new user name: 2-64 of A-Z a-z 0-9 . _ - (no @: see actor). */
int users_name_valid(const char *, struct rl_error *);
/* Creates an account with a hashed password. Returns its id or -1. */
int64_t users_create(struct db *, const char *username,
    const char *display_name, enum role, const char *org_slug, const char *hash,
    const char *actor, struct rl_error *);
/* Finds an account by name (any case); -1 if there is none. */
int users_find(struct db *, const char *username, struct user *);
/* Finds an account by id; -1 if there is none. */
int users_find_id(struct db *, int64_t id, struct user *);
/* Fills who as an account acts; generation goes to the session. */
void users_principal(const struct user *, struct principal *who);
/*
 * Changes of an account; each ends its web sessions. Any argument that
 * is NULL (or ROLE_NONE, or disabled < 0) stays as it is.
 */
int users_update(struct db *, const char *username, const char *hash, enum role,
    const char *org_slug, const char *display_name, int disabled,
    const char *actor, struct rl_error *);
/*
 * Notes a successful sign-in; stores new_hash (when the cost parameters
 * changed) unless it is NULL. Sessions stay.
 */
int users_signed_in(struct db *, int64_t id, const char *new_hash);
/* True while the account exists, is enabled and at this generation. */
int users_session_valid(struct db *, int64_t id, int64_t generation);
/* One account (never its hash) as JSON; NULL if there is none. */
json_t *users_get(struct db *, const char *username);
/* Every account, by name. */
json_t *users_list(struct db *);

#endif
