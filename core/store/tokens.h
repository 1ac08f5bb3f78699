/*
 * Access tokens. A token is shown once when created; the store keeps only
 * its BLAKE2b hash, so a leaked database does not leak working tokens.
 * Tokens are 256-bit random, so a fast hash suffices (passwords, which are
 * guessable, get argon2id instead).
 */
#ifndef ROLLIN_STORE_TOKENS_H
#define ROLLIN_STORE_TOKENS_H

#include <jansson.h>
#include <stdint.h>

#include "domain/access.h"
#include "util/error.h"

#define TOKEN_PREFIX "rollin_"
#define TOKEN_LEN    64 /* prefix + 43 base64url characters + NUL, rounded */

struct db;

/* Creates a token; the secret goes to out (shown once). Returns the id. */
int64_t tokens_create(struct db *, enum role, const char *org_slug,
    const char *label, char out[TOKEN_LEN], struct rl_error *);
/* Fills who from a presented token; -1 if unknown or revoked. */
int tokens_lookup(struct db *, const char *token, struct principal *who);
int tokens_revoke(struct db *, int64_t id, struct rl_error *);
/* Every token (never the secret): id, role, organisation, label, state. */
json_t *tokens_list(struct db *);

#endif
