/*
 * Web sessions: a browser signs in once with an API token or with a user
 * name and password, and then sends an HttpOnly, SameSite=Strict cookie.
 *
 * Sessions live in the server's memory only: a restart signs every
 * browser out, which is acceptable for a sign-in that costs one paste.
 * The store keeps the BLAKE2b hash of each 256-bit session id, never the
 * id itself, together with the principal of the token or account used to sign in
 * and a per-session CSRF token that the page must echo in X-CSRF-Token
 * on every write. A session ends on sign-out, after SESSION_IDLE seconds
 * without a request, SESSION_MAX_AGE seconds after sign-in, or as soon
 * as the token it was opened with is revoked or its account changes.
 */
#ifndef ROLLIN_HTTP_SESSION_H
#define ROLLIN_HTTP_SESSION_H

#include <jansson.h>
#include <time.h>

#include "domain/access.h"

#define SESSION_COOKIE   "rollin_session"
#define SESSION_ID_LEN   44 /* 43 base64url characters + NUL */
#define SESSION_CSRF_LEN 44
#define SESSION_IDLE     (8 * 3600)
#define SESSION_MAX_AGE  (24 * 3600)
#define SESSION_MAX      4096 /* beyond, the least recently used goes */

struct db;

/* Opens a session for who; fills the cookie value and the CSRF token. */
int session_open(const struct principal *who, char id[SESSION_ID_LEN],
    char csrf[SESSION_CSRF_LEN]);
/*
 * Finds the session behind a cookie value and refreshes its idle time.
 * Fills who and csrf (either may be NULL); -1 if there is none, it has
 * expired, or its token has been revoked meanwhile.
 */
int session_find(struct db *, const char *id, struct principal *who,
    char csrf[SESSION_CSRF_LEN]);
/* Ends the session behind a cookie value, if any. */
void session_close(const char *id);
/* Ends every session (shutdown, tests). */
void session_close_all(void);

/* --- for the sign-in routes (session.c, signin.c) ------------------- */

struct request;

/* Opens a session for who and answers 201 with its cookie and CSRF token. */
void session_answer_signin(struct request *, const struct principal *who);
/* Sets (or, with clear, deletes) the session cookie. */
void session_set_cookie(struct request *, const char *value, int clear);
/* Cache-Control: no-store, for answers that carry secrets. */
void session_no_store(struct request *);
/* The cookie value the request carries; -1 if none. */
int session_of_request(struct request *, char id[SESSION_ID_LEN]);
/* Who is signed in, as GET /api/v1/session shows it. */
json_t *session_principal_json(const struct principal *, const char *csrf);
/*
 * Signs in with {"username", "password"}: checks the password on the
 * worker thread and answers later (signin.c).
 */
void signin_password(struct request *);

/*
 * The value of the session cookie in a Cookie header, copied to out;
 * -1 if the header carries none (or a malformed one).
 */
int session_cookie_value(const char *cookie_header, char out[SESSION_ID_LEN]);

#endif
