/*
 * Password sign-in: POST /api/v1/session {"username", "password"}.
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
 */
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char           address[64];
	char           username[USERNAME_MAX + 1];
	struct user    user; /* id 0: there is no such account */
	char           password[PASSWORD_MAX + 1];

	/* the outcome, made on the worker */
	int  verified;
	int  rehashed;
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
	if (sj->verified && password_needs_rehash(hash) &&
	    password_hash(sj->password, sj->new_hash) == 0)
		sj->rehashed = 1;
	sodium_memzero(sj->password, sizeof(sj->password));
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

/* On the loop: the verdict, the throttle's books and the answer. */
static void
job_done(struct offload *o, struct request *req)
{
	struct signin_job *sj = o->arg;
	struct principal   who;
	int64_t            now = throttle_now();

	pending--;
	/* The account may have changed while the password was checked. */
	if (sj->verified &&
	    !users_session_valid(req->db, sj->user.id, sj->user.generation) &&
	    !sj->user.disabled)
		sj->verified = 0;
	if (!sj->verified) {
		throttle_fail(THROTTLE_USER, sj->username, now);
		throttle_fail(THROTTLE_ADDRESS, sj->address, now);
		/* Not the name: people type passwords into it by mistake. */
		log_info("password sign-in from %s failed", sj->address);
		if (req->ev != NULL)
			reply_errorf(req, 401, "unauthenticated", "password",
			    SIGNIN_WRONG);
	} else if (sj->user.disabled) {
		/* Said only to whoever knows the password. */
		if (req->ev != NULL)
			reply_errorf(req, 401, "account_disabled", "username",
			    "this account is disabled; an administrator can "
			    "enable it again");
	} else {
		throttle_forget(THROTTLE_USER, sj->username);
		if (users_signed_in(req->db, sj->user.id,
		        sj->rehashed ? sj->new_hash : NULL) == -1)
			log_warnx("sign-in of '%s': the time of sign-in was "
			          "not stored",
			    sj->username);
		users_principal(&sj->user, &who);
		if (req->ev != NULL)
			session_answer_signin(req, &who);
	}
	sodium_memzero(sj, sizeof(*sj));
	free(sj);
}

static int
string_field(struct request *req, const char *name, const char **out)
{
	json_t *v = json_object_get(req->body, name);

	if (v == NULL) {
		reply_errorf(req, 422, "missing_field", name,
		    "%s is required to sign in with a password", name);
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

void
signin_password(struct request *req)
{
	struct signin_job *sj;
	const char        *username, *password;
	int64_t            now = throttle_now();
	long               wait;
	char               address[64], id[SESSION_ID_LEN];

	if (string_field(req, "username", &username) == -1 ||
	    string_field(req, "password", &password) == -1)
		return;
	if (*username == '\0') {
		reply_errorf(req, 422, "missing_field", "username",
		    "enter your user name");
		return;
	}
	if (*password == '\0') {
		reply_errorf(req, 422, "missing_field", "password",
		    "enter your password");
		return;
	}
	/* Any session the browser had ends, whatever follows. */
	if (session_of_request(req, id) == 0)
		session_close(id);
	request_client_address(req, address, sizeof(address));
	wait = throttle_wait(THROTTLE_USER, username, now);
	if (wait == 0)
		wait = throttle_wait(THROTTLE_ADDRESS, address, now);
	if (wait > 0) {
		retry_after(req, wait);
		reply_errorf(req, 429, "too_many_attempts", "password",
		    "too many failed sign-ins; try again in %ld second%s", wait,
		    wait == 1 ? "" : "s");
		return;
	}
	if (pending >= SIGNIN_MAX_PENDING) {
		retry_after(req, 1);
		reply_errorf(req, 503, "busy", NULL,
		    "too many sign-ins at once; try again in a moment");
		return;
	}
	if ((sj = calloc(1, sizeof(*sj))) == NULL) {
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	snprintf(sj->address, sizeof(sj->address), "%s", address);
	/* Longer names exist nowhere; they are checked like unknown ones. */
	snprintf(sj->username, sizeof(sj->username), "%s", username);
	if (strlen(username) > USERNAME_MAX ||
	    users_find(req->db, username, &sj->user) == -1)
		sj->user.id = 0;
	/* An overlong password matches no stored one and is not hashed. */
	if (strlen(password) <= PASSWORD_MAX)
		snprintf(sj->password, sizeof(sj->password), "%s", password);
	sj->off.run = job_run;
	sj->off.done = job_done;
	sj->off.arg = sj;
	pending++;
	request_offload(req, &sj->off, worker_default());
}
