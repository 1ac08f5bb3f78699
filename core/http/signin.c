/*
 * Password sign-in: POST /api/v1/session {"username", "password"};
 * and changing one's own password: POST /api/v1/session/password
 * {"password", "new_password"}.
 *
 * An argon2id verification takes tens to hundreds of milliseconds, so it
 * runs on the service's worker thread while the request stays open; the
 * account is looked up before and the session opened after, on the loop.
 * Without a worker (tests, tools) it runs inline.
 *
 * Every wrong name or password gets the same 401 after the same work: an
 * unknown name is verified against a dummy hash. Failures are throttled
 * per name and per client address (http/throttle.h); a locked key gets
 * 429 with Retry-After before any hashing, so guessing costs the service
 * nothing. At most SIGNIN_MAX_PENDING verifications wait at a time; more
 * get 503, so that sign-ins cannot crowd out reports and imports.
 *
 * A change asks for the current password again, so that a browser left
 * signed in does not hand the account to whoever sits at it; a wrong one
 * counts as a failed sign-in. The change ends every session of the
 * account (a thief's too) and answers with a new one for this browser.
 */
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/session.h"
#include "http/throttle.h"
#include "http/offload.h"
#include "store/users.h"
#include "util/log.h"
#include "util/password.h"

#define SIGNIN_MAX_PENDING 8
#define SIGNIN_WRONG       "the user name or the password is wrong"

struct signin_job {
	struct offload off;
	int            change; /* a password change, not a sign-in */
	char           address[64];
	char           username[USERNAME_MAX + 1];
	struct user    user; /* id 0: there is no such account */
	char           password[PASSWORD_MAX + 1];
	char           new_password[PASSWORD_MAX + 1]; /* change */
	char           old_session[SESSION_ID_LEN];    /* change */

	/* the outcome, made on the worker */
	int  verified;
	int  hashed; /* new_hash holds a rehash, or the changed password */
	char new_hash[PASSWORD_HASH_LEN];
};

static int pending;

/* On the worker: the slow part, and nothing that touches shared state. */
static void
job_run(struct offload *o, struct db *db)
{
	struct signin_job *sj = o->arg;
	const char        *hash =
            sj->user.id != 0 ? sj->user.hash : password_dummy_hash();

	(void)db;
	sj->verified =
	    password_verify(hash, sj->password) == 0 && sj->user.id != 0;
	if (sj->verified && sj->change)
		sj->hashed = password_hash(sj->new_password, sj->new_hash) == 0;
	else if (sj->verified && password_needs_rehash(hash))
		sj->hashed = password_hash(sj->password, sj->new_hash) == 0;
	sodium_memzero(sj->password, sizeof(sj->password));
	sodium_memzero(sj->new_password, sizeof(sj->new_password));
}

static void
retry_after(struct request *req, long seconds)
{
	char value[24];

	snprintf(value, sizeof(value), "%ld", seconds < 1 ? 1 : seconds);
	if (req->ev != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "Retry-After", value);
}

static void
failed(struct signin_job *sj)
{
	int64_t now = throttle_now();

	throttle_fail(THROTTLE_USER, sj->username, now);
	throttle_fail(THROTTLE_ADDRESS, sj->address, now);
	/* Not the name: people type passwords into it by mistake. */
	log_info("password %s from %s failed",
	    sj->change ? "change" : "sign-in", sj->address);
}

/*
 * A sign-in's bookkeeping (its time, and a hash with today's parameters),
 * written on the jobs worker after whatever runs there: an import holds
 * the store's write lock for seconds, and neither the loop nor the
 * person signing in should wait for it.
 */
struct sign_in_note {
	struct job job;
	int64_t    user_id;
	int        hashed, failed;
	char       new_hash[PASSWORD_HASH_LEN];
	char       username[USERNAME_MAX + 1];
};

static void
note_run(struct job *j, struct db *db)
{
	struct sign_in_note *n = j->arg;

	n->failed = users_signed_in(db, n->user_id,
	                n->hashed ? n->new_hash : NULL) == -1;
}

static void
note_done(struct job *j)
{
	struct sign_in_note *n = j->arg;

	if (n->failed)
		log_warnx("sign-in of '%s': the time of sign-in was not stored",
		    n->username);
	sodium_memzero(n, sizeof(*n));
	free(n);
}

static void
note_sign_in(struct db *db, const struct signin_job *sj)
{
	struct sign_in_note *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return;
	n->user_id = sj->user.id;
	n->hashed = sj->hashed;
	memcpy(n->new_hash, sj->new_hash, sizeof(n->new_hash));
	snprintf(n->username, sizeof(n->username), "%s", sj->username);
	n->job.run = note_run;
	n->job.done = note_done;
	n->job.cancel = note_done;
	n->job.arg = n;
	if (worker_default() == NULL ||
	    worker_submit(worker_default(), &n->job) == -1) {
		note_run(&n->job, db);
		note_done(&n->job);
	}
}

/* On the loop: a sign-in's verdict and answer. */
static void
signed_in(struct signin_job *sj, struct request *req)
{
	struct principal who;

	if (!sj->verified) {
		failed(sj);
		reply_errorf(req, 401, "unauthenticated", "password",
		    SIGNIN_WRONG);
	} else if (sj->user.disabled) {
		/* Said only to whoever knows the password. */
		reply_errorf(req, 401, "account_disabled", "username",
		    "this account is disabled; an administrator can "
		    "enable it again");
	} else {
		throttle_forget(THROTTLE_USER, sj->username);
		note_sign_in(req->db, sj);
		users_principal(&sj->user, &who);
		if (req->ev != NULL)
			session_answer_signin(req, &who);
	}
}

/* On the loop: a change's verdict, the store and the new session. */
static void
changed(struct signin_job *sj, struct request *req)
{
	struct principal who;
	struct user      now;
	struct rl_error  err;

	if (!sj->verified) {
		failed(sj);
		reply_errorf(req, 422, "invalid_value", "password",
		    "the current password is wrong");
		return;
	}
	if (!sj->hashed) {
		reply_errorf(req, 500, "internal", NULL,
		    "hashing the new password failed");
		return;
	}
	throttle_forget(THROTTLE_USER, sj->username);
	if (users_update(req->db, sj->username, sj->new_hash, ROLE_NONE, NULL,
	        NULL, -1, req->who.actor, &err) == -1) {
		reply_error(req, &err);
		return;
	}
	/* Every session ended with the change; this browser gets a new one. */
	session_close(sj->old_session);
	if (users_find_id(req->db, sj->user.id, &now) == -1) {
		reply_errorf(req, 500, "store", NULL,
		    "the password was changed, but reading the account "
		    "failed; sign in again");
		return;
	}
	users_principal(&now, &who);
	if (req->ev != NULL)
		session_answer_signin(req, &who);
}

static void
job_done(struct offload *o, struct request *req)
{
	struct signin_job *sj = o->arg;

	pending--;
	/* The account may have changed while the password was checked. */
	if (sj->verified &&
	    !users_session_valid(req->db, sj->user.id, sj->user.generation) &&
	    !sj->user.disabled)
		sj->verified = 0;
	if (sj->change)
		changed(sj, req);
	else
		signed_in(sj, req);
	sodium_memzero(sj, sizeof(*sj));
	free(sj);
}

static int
string_field(struct request *req, const char *name, const char **out)
{
	json_t *v = json_object_get(req->body, name);

	if (v == NULL || (json_is_string(v) && *json_string_value(v) == '\0')) {
		reply_errorf(req, 422, "missing_field", name,
		    strcmp(name, "username") == 0 ? "enter your user name"
		        : strcmp(name, "new_password") == 0
		        ? "enter the new password"
		        : "enter your password");
		return -1;
	}
	if (!json_is_string(v)) {
		reply_errorf(req, 422, "wrong_type", name,
		    "%s must be a string", name);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/*
 * Refuses (429, 503) a check the throttle or the queue does not admit;
 * otherwise a new job for the account, with the client's address.
 */
static struct signin_job *
admit(struct request *req, const char *username)
{
	struct signin_job *sj;
	char               address[64];
	long               wait;
	int64_t            now = throttle_now();

	request_client_address(req, address, sizeof(address));
	wait = throttle_wait(THROTTLE_USER, username, now);
	if (wait == 0)
		wait = throttle_wait(THROTTLE_ADDRESS, address, now);
	if (wait > 0) {
		retry_after(req, wait);
		reply_errorf(req, 429, "too_many_attempts", "password",
		    "too many failed attempts; try again in %ld second%s", wait,
		    wait == 1 ? "" : "s");
		return NULL;
	}
	if (pending >= SIGNIN_MAX_PENDING) {
		retry_after(req, 1);
		reply_errorf(req, 503, "busy", NULL,
		    "too many password checks at once; try again in a "
		    "moment");
		return NULL;
	}
	if ((sj = calloc(1, sizeof(*sj))) == NULL) {
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return NULL;
	}
	snprintf(sj->address, sizeof(sj->address), "%s", address);
	/* Longer names exist nowhere; they are checked like unknown ones. */
	snprintf(sj->username, sizeof(sj->username), "%s", username);
	return sj;
}

static void
start(struct request *req, struct signin_job *sj, const char *password)
{
	/* An overlong password matches no stored one and is not hashed. */
	if (strlen(password) <= PASSWORD_MAX)
		snprintf(sj->password, sizeof(sj->password), "%s", password);
	sj->off.run = job_run;
	sj->off.done = job_done;
	sj->off.arg = sj;
	pending++;
	request_offload(req, &sj->off, worker_passwords());
}

void
signin_password(struct request *req)
{
	struct signin_job *sj;
	const char        *username, *password;
	char               id[SESSION_ID_LEN];

	if (string_field(req, "username", &username) == -1 ||
	    string_field(req, "password", &password) == -1)
		return;
	/* Any session the browser had ends, whatever follows. */
	if (session_of_request(req, id) == 0)
		session_close(id);
	if ((sj = admit(req, username)) == NULL)
		return;
	if (strlen(username) > USERNAME_MAX ||
	    users_find(req->db, username, &sj->user) == -1)
		sj->user.id = 0;
	start(req, sj, password);
}

void
api_session_password(struct request *req)
{
	struct signin_job *sj;
	struct user        user;
	const char        *password, *new_password, *key;
	json_t            *v;
	char               why[128], id[SESSION_ID_LEN];

	if (req->who.user_id == 0 || session_of_request(req, id) == -1) {
		reply_errorf(req, request_signed_in(req) ? 403 : 401,
		    request_signed_in(req) ? "forbidden" : "unauthenticated",
		    NULL,
		    "sign in with your user name and password to change "
		    "your password");
		return;
	}
	json_object_foreach(req->body, key, v)
	{
		if (strcmp(key, "password") != 0 &&
		    strcmp(key, "new_password") != 0) {
			reply_errorf(req, 422, "unknown_field", key,
			    "%s is not a known field; send password and "
			    "new_password",
			    key);
			return;
		}
	}
	if (string_field(req, "password", &password) == -1 ||
	    string_field(req, "new_password", &new_password) == -1)
		return;
	if (password_acceptable(new_password, why, sizeof(why)) == -1) {
		reply_errorf(req, 422, "invalid_value", "new_password", "%s",
		    why);
		return;
	}
	if (strcmp(password, new_password) == 0) {
		reply_errorf(req, 422, "invalid_value", "new_password",
		    "the new password must differ from the current one");
		return;
	}
	if (users_find_id(req->db, req->who.user_id, &user) == -1) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "the account is gone; sign in again");
		return;
	}
	if ((sj = admit(req, user.username)) == NULL)
		return;
	sj->change = 1;
	sj->user = user;
	snprintf(sj->new_password, sizeof(sj->new_password), "%s",
	    new_password);
	snprintf(sj->old_session, sizeof(sj->old_session), "%s", id);
	start(req, sj, password);
}
