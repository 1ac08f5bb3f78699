/*
 * Web sessions (see session.h) and the API routes that open, show and
 * close them: POST, GET and DELETE /api/v1/session.
 *
 * The table is a fixed array scanned linearly: a few thousand entries
 * cost microseconds per request, and only the loop thread touches it.
 */
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "http/reply.h"
#include "http/session.h"
#include "store/db.h"
#include "store/tokens.h"
#include "store/users.h"
#include "util/clock.h"

struct session {
	unsigned char    hash[crypto_generichash_BYTES]; /* of the cookie */
	char             csrf[SESSION_CSRF_LEN];
	struct principal who;
	time_t           opened, seen;
	int              used;
};

static struct session sessions[SESSION_MAX];

static void
id_hash(const char *id, unsigned char out[crypto_generichash_BYTES])
{
	crypto_generichash(out, crypto_generichash_BYTES,
	    (const unsigned char *)id, strlen(id), NULL, 0);
}

static void
random_text(char *out, size_t outlen)
{
	unsigned char bytes[32];

	randombytes_buf(bytes, sizeof(bytes));
	sodium_bin2base64(out, outlen, bytes, sizeof(bytes),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof(bytes));
}

static void
forget(struct session *s)
{
	sodium_memzero(s, sizeof(*s));
}

static int
expired(const struct session *s, time_t now)
{
	return now - s->seen > SESSION_IDLE ||
	    now - s->opened > SESSION_MAX_AGE;
}

int
session_open(const struct principal *who, char id[SESSION_ID_LEN],
    char csrf[SESSION_CSRF_LEN])
{
	struct session *slot = NULL;
	time_t          now = clock_now();

	/* A free or expired slot, else the least recently used one. */
	for (size_t i = 0; i < SESSION_MAX; i++) {
		struct session *s = &sessions[i];

		if (!s->used || expired(s, now)) {
			slot = s;
			break;
		}
		if (slot == NULL || s->seen < slot->seen)
			slot = s;
	}
	forget(slot);
	random_text(id, SESSION_ID_LEN);
	random_text(slot->csrf, sizeof(slot->csrf));
	id_hash(id, slot->hash);
	slot->who = *who;
	slot->opened = slot->seen = now;
	slot->used = 1;
	memcpy(csrf, slot->csrf, SESSION_CSRF_LEN);
	return 0;
}

static struct session *
lookup(const char *id)
{
	unsigned char hash[crypto_generichash_BYTES];

	if (strlen(id) != SESSION_ID_LEN - 1)
		return NULL;
	id_hash(id, hash);
	for (size_t i = 0; i < SESSION_MAX; i++)
		if (sessions[i].used &&
		    sodium_memcmp(sessions[i].hash, hash, sizeof(hash)) == 0)
			return &sessions[i];
	return NULL;
}

/*
 * The session outlives neither its token nor any change of its account
 * (password, role, disabling: users.h).
 */
static int
token_active(struct db *db, int64_t token_id)
{
	sqlite3_stmt *st;
	int           active = 0;

	st = db_prepare(db,
	    "SELECT 1 FROM tokens WHERE id = ? AND revoked_at "
	    "IS NULL");
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, token_id);
	active = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return active;
}

int
session_find(struct db *db, const char *id, struct principal *who,
    char csrf[SESSION_CSRF_LEN])
{
	struct session *s = lookup(id);
	time_t          now = clock_now();

	if (s == NULL)
		return -1;
	if (expired(s, now) ||
	    (s->who.user_id != 0
	            ? !users_session_valid(db, s->who.user_id, s->who.user_gen)
	            : !token_active(db, s->who.token_id))) {
		forget(s);
		return -1;
	}
	s->seen = now;
	if (who != NULL)
		*who = s->who;
	if (csrf != NULL)
		memcpy(csrf, s->csrf, SESSION_CSRF_LEN);
	return 0;
}

void
session_close(const char *id)
{
	struct session *s = lookup(id);

	if (s != NULL)
		forget(s);
}

void
session_close_all(void)
{
	for (size_t i = 0; i < SESSION_MAX; i++)
		forget(&sessions[i]);
}

int
session_cookie_value(const char *h, char out[SESSION_ID_LEN])
{
	const size_t namelen = sizeof(SESSION_COOKIE) - 1;
	size_t       len;

	/* "a=1; rollin_session=XYZ; b=2": pairs separated by ';'. */
	while (*h != '\0') {
		while (*h == ' ' || *h == ';')
			h++;
		if (strncmp(h, SESSION_COOKIE, namelen) == 0 &&
		    h[namelen] == '=') {
			h += namelen + 1;
			len = strcspn(h, "; ");
			if (len == 0 || len >= SESSION_ID_LEN)
				return -1;
			memcpy(out, h, len);
			out[len] = '\0';
			return 0;
		}
		h += strcspn(h, ";");
	}
	return -1;
}

/* --- routes ---------------------------------------------------------- */

void
session_set_cookie(struct request *req, const char *value, int clear)
{
	struct evkeyvalq *in = evhttp_request_get_input_headers(req->ev);
	const char       *proto = evhttp_find_header(in, "X-Forwarded-Proto");
	char              cookie[160];

	/* Secure only where the browser reaches us by HTTPS: on plain HTTP
	 * (development, loopback) a Secure cookie would not come back. */
	snprintf(cookie, sizeof(cookie),
	    "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", SESSION_COOKIE,
	    value, clear ? "; Max-Age=0" : "",
	    proto && strcasecmp(proto, "https") == 0 ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Set-Cookie", cookie);
}

void
session_no_store(struct request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req->ev),
	    "Cache-Control", "no-store");
}

json_t *
session_principal_json(const struct principal *who, const char *csrf)
{
	json_t     *v = json_pack("{s:b, s:s, s:s, s:s, s:s}", "signed_in", 1,
	        "role", role_name(who->role), "organisation", who->org_slug,
	        "actor", who->actor, "via", csrf ? "session" : "token");
	const char *at;

	/* An account's actor is "user:NAME@ORG" (users_principal). */
	if (who->user_id != 0 && (at = strchr(who->actor, '@')) != NULL)
		json_object_set_new(v, "username",
		    json_stringn(who->actor + 5,
		        (size_t)(at - who->actor - 5)));
	if (csrf != NULL)
		json_object_set_new(v, "csrf_token", json_string(csrf));
	return v;
}

int
session_of_request(struct request *req, char id[SESSION_ID_LEN])
{
	const char *h =
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "Cookie");

	return h == NULL ? -1 : session_cookie_value(h, id);
}

/*
 * POST /api/v1/session {"token": "..."} or {"username", "password"}:
 * signs a browser in. Any session the browser had ends. The body must be
 * JSON (the dispatcher refuses other content types), which a cross-site
 * form cannot send, so another site cannot sign a visitor in under its
 * own credentials. Passwords are checked in signin.c.
 */
void
api_session_create(struct request *req)
{
	struct principal who;
	const char      *key;
	json_t          *v, *token = json_object_get(req->body, "token");
	char             id[SESSION_ID_LEN];
	int              password = json_object_get(req->body, "username") ||
	    json_object_get(req->body, "password");

	json_object_foreach(req->body, key, v)
	{
		if (strcmp(key, "token") != 0 && strcmp(key, "username") != 0 &&
		    strcmp(key, "password") != 0) {
			reply_errorf(req, 422, "unknown_field", key,
			    "%s is not a known field; send token, or "
			    "username and password",
			    key);
			return;
		}
	}
	if (token != NULL && password) {
		reply_errorf(req, 422, "unknown_field", "token",
		    "send either a token or a username and password, not "
		    "both");
		return;
	}
	if (password) {
		signin_password(req);
		return;
	}
	if (token == NULL) {
		reply_errorf(req, 422, "missing_field", "token",
		    "token is required: an API token such as rollin_..., "
		    "or else username and password");
		return;
	}
	if (!json_is_string(token)) {
		reply_errorf(req, 422, "wrong_type", "token",
		    "token must be a string");
		return;
	}
	if (session_of_request(req, id) == 0)
		session_close(id);
	if (tokens_lookup(req->db, json_string_value(token), &who) == -1) {
		reply_errorf(req, 401, "unauthenticated", "token",
		    "the token is unknown or revoked");
		return;
	}
	session_answer_signin(req, &who);
}

void
session_answer_signin(struct request *req, const struct principal *who)
{
	char id[SESSION_ID_LEN], csrf[SESSION_CSRF_LEN];

	session_open(who, id, csrf);
	session_set_cookie(req, id, 0);
	session_no_store(req);
	reply_json(req, 201, session_principal_json(who, csrf), 0);
	sodium_memzero(id, sizeof(id));
	sodium_memzero(csrf, sizeof(csrf));
}

/*
 * GET /api/v1/session: who the browser is signed in as, and the CSRF
 * token its page needs for writes (the cookie itself is out of the
 * page's reach). Other sites cannot read this answer.
 */
void
api_session_get(struct request *req)
{
	char id[SESSION_ID_LEN], csrf[SESSION_CSRF_LEN];

	session_no_store(req);
	if (!request_signed_in(req)) {
		reply_json(req, 200, json_pack("{s:b}", "signed_in", 0), 0);
		return;
	}
	if (session_of_request(req, id) == 0 &&
	    session_find(req->db, id, NULL, csrf) == 0 &&
	    (req->who.token_id != 0 || req->who.user_id != 0) &&
	    evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	        "Authorization") == NULL) {
		reply_json(req, 200, session_principal_json(&req->who, csrf),
		    0);
		return;
	}
	reply_json(req, 200, session_principal_json(&req->who, NULL), 0);
}

/* DELETE /api/v1/session: signs out; answers 204 even if there was none. */
void
api_session_delete(struct request *req)
{
	char id[SESSION_ID_LEN];

	if (session_of_request(req, id) == 0)
		session_close(id);
	session_set_cookie(req, "", 1);
	session_no_store(req);
	reply_empty(req, 204);
}
