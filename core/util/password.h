/*
 * Passwords: the rules a new one must meet, and argon2id hashing with
 * libsodium (crypto_pwhash_str). Hashes are self-describing strings, so
 * a later change of cost parameters still verifies old hashes and
 * password_needs_rehash() says when to store a fresh one.
 *
 * The cost is libsodium's INTERACTIVE level (64 MiB, 2 passes): one hash
 * or verification takes tens to hundreds of milliseconds, far too long
 * for the event loop, so the service runs them on its worker thread.
 */
#ifndef ROLLIN_UTIL_PASSWORD_H
#define ROLLIN_UTIL_PASSWORD_H

#include <sodium.h>
#include <stddef.h>

#define PASSWORD_MIN      12   /* characters (UTF-8 code points) */
#define PASSWORD_MAX      1024 /* bytes */
#define PASSWORD_HASH_LEN crypto_pwhash_STRBYTES

/*
 * Checks a new password against the rules; fills msg with the reason
 * and returns -1 if it does not meet them.
 */
int password_acceptable(const char *pw, char *msg, size_t msglen);
/* Hashes pw into out; -1 if memory ran out. */
int password_hash(const char *pw, char out[PASSWORD_HASH_LEN]);
/* 0 if pw matches the stored hash, else -1. */
int password_verify(const char *hash, const char *pw);
/* True if hash was made with other parameters than password_hash uses. */
int password_needs_rehash(const char *hash);
/*
 * A hash of a random, forgotten password with the current parameters:
 * verifying against it when an account does not exist costs as long as
 * a real verification, so the answer's timing does not reveal names.
 */
const char *password_dummy_hash(void);

#endif
