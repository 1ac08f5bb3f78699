/*
 * Accounts over the API, for admins only:
 *
 *	GET   /api/v1/users			every account
 *	POST  /api/v1/users			{username, password, role,
 *						 organisation, name?}
 *	GET   /api/v1/users/{username}
 *	PATCH /api/v1/users/{username}		{role?, organisation?, name?,
 *						 disabled?, password?}
 *
 * There is no DELETE: an account that signed changes stays to explain
 * them; disabled is how it ends. No answer ever carries a hash. Hashing a
 * password takes as long as verifying one, so a request that sets one
 * hashes on the worker thread (as sign-in does) and is answered from
 * there; the store is written on the loop.
 */
#include <event2/http.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/reply.h"
#include "http/offload.h"
#include "store/users.h"
#include "util/password.h"

struct user_job {
	struct offload off;
	int            create;
	char           username[USERNAME_MAX + 1];
	char          *name;
	enum role      role;
	char          *org;
	int            disabled; /* -1: unchanged */
	int            has_password;
	char           password[PASSWORD_MAX + 1];
	char           hash[PASSWORD_HASH_LEN];
	int            hash_failed;
};

static int
admin_only(struct request *req)
{
	if (req->who.role == ROLE_ADMIN)
		return 0;
	if (!request_signed_in(req)) {
		reply_errorf(req, 401, "unauthenticated", NULL,
		    "sign in as an admin to manage accounts");
		return -1;
	}
	reply_errorf(req, 403, "forbidden", NULL,
	    "only an admin manages accounts");
	return -1;
}

void
api_user_list(struct request *req)
{
	if (admin_only(req) == -1)
		return;
	reply_list(req, users_list(req->db), NULL);
}

void
api_user_get(struct request *req)
{
	json_t *v;

	if (admin_only(req) == -1)
		return;
	if ((v = users_get(req->db, req->params[0])) == NULL) {
		reply_errorf(req, 404, "not_found", NULL,
		    "there is no user '%s'", req->params[0]);
		return;
	}
	reply_json(req, 200, v, 0);
}

/* On the worker (or inline): only the hashing. */
static void
job_run(struct offload *o, struct db *db)
{
	struct user_job *uj = o->arg;

	(void)db;
	if (uj->has_password && password_hash(uj->password, uj->hash) == -1)
		uj->hash_failed = 1;
	sodium_memzero(uj->password, sizeof(uj->password));
}

static void
job_done(struct offload *o, struct request *req)
{
	struct user_job *uj = o->arg;
	struct rl_error  err;
	const char      *hash = uj->has_password ? uj->hash : NULL;
	char             location[128];
	int              rc;

	if (uj->hash_failed)
		rc = rl_fail(&err, 500, "internal", NULL,
		    "hashing the password failed");
	else if (uj->create)
		rc = users_create(req->db, uj->username, uj->name, uj->role,
		         uj->org, hash, req->who.actor, &err) == -1
		    ? -1
		    : 0;
	else
		rc = users_update(req->db, uj->username, hash, uj->role,
		    uj->org, uj->name, uj->disabled, req->who.actor, &err);
	if (req->ev == NULL)
		; /* the client went away; the change stands */
	else if (rc == -1) {
		/* users_create says "org" after the command line's flag. */
		if (strcmp(err.field, "org") == 0)
			strcpy(err.field, "organisation");
		reply_error(req, &err);
	} else {
		if (uj->create) {
			snprintf(location, sizeof(location), "/api/v1/users/%s",
			    uj->username);
			evhttp_add_header(evhttp_request_get_output_headers(
			                      req->ev),
			    "Location", location);
		}
		reply_json(req, uj->create ? 201 : 200,
		    users_get(req->db, uj->username), 0);
	}
	free(uj->name);
	free(uj->org);
	sodium_memzero(uj, sizeof(*uj));
	free(uj);
}

static void
start(struct request *req, struct user_job *uj)
{
	uj->off.run = job_run;
	uj->off.done = job_done;
	uj->off.arg = uj;
	/* Only hashing is slow; without a password it all runs here. */
	request_offload(req, &uj->off,
	    uj->has_password ? worker_passwords() : NULL);
}

/* A string member of the body, or NULL if absent; -1 if not a string. */
static int
text(struct request *req, const char *name, const char **out)
{
	json_t *v = json_object_get(req->body, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v)) {
		reply_errorf(req, 422, "wrong_type", name,
		    "%s must be a string", name);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* True if word is one of the space-separated words of list. */
static int
listed(const char *list, const char *word)
{
	size_t len = strlen(word), n;

	while (*list != '\0') {
		n = strcspn(list, " ");
		if (n == len && strncmp(list, word, len) == 0)
			return 1;
		list += n;
		list += strspn(list, " ");
	}
	return 0;
}

/*
 * Reads what the body may carry into uj; allowed lists the members the
 * route takes. Replies and returns -1 on anything wrong.
 */
static int
read_body(struct request *req, struct user_job *uj, const char *allowed)
{
	const char *key, *name, *role, *org, *password;
	json_t     *v, *disabled;
	char        why[128];

	json_object_foreach(req->body, key, v)
	{
		if (!listed(allowed, key)) {
			reply_errorf(req, 422, "unknown_field", key,
			    "%s is not a known field; send %s", key, allowed);
			return -1;
		}
	}
	if (text(req, "name", &name) == -1 || text(req, "role", &role) == -1 ||
	    text(req, "organisation", &org) == -1 ||
	    text(req, "password", &password) == -1)
		return -1;
	if (role != NULL && (uj->role = role_parse(role)) == ROLE_NONE) {
		reply_errorf(req, 422, "invalid_value", "role",
		    "role must be admin, owner, onboarding or adopter");
		return -1;
	}
	if (password != NULL) {
		if (password_acceptable(password, why, sizeof(why)) == -1) {
			reply_errorf(req, 422, "invalid_value", "password",
			    "%s", why);
			return -1;
		}
		snprintf(uj->password, sizeof(uj->password), "%s", password);
		uj->has_password = 1;
	}
	uj->disabled = -1;
	if ((disabled = json_object_get(req->body, "disabled")) != NULL) {
		if (!json_is_boolean(disabled)) {
			reply_errorf(req, 422, "wrong_type", "disabled",
			    "disabled must be true or false");
			return -1;
		}
		uj->disabled = json_is_true(disabled);
	}
	if ((name != NULL && (uj->name = strdup(name)) == NULL) ||
	    (org != NULL && (uj->org = strdup(org)) == NULL)) {
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return -1;
	}
	return 0;
}

static struct user_job *
new_job(struct request *req)
{
	struct user_job *uj;

	if (admin_only(req) == -1)
		return NULL;
	if ((uj = calloc(1, sizeof(*uj))) == NULL)
		reply_errorf(req, 500, "internal", NULL, "out of memory");
	return uj;
}

static void
drop(struct user_job *uj)
{
	free(uj->name);
	free(uj->org);
	sodium_memzero(uj, sizeof(*uj));
	free(uj);
}

void
api_user_create(struct request *req)
{
	static const char *const required[] = { "username", "password", "role",
		"organisation" };
	struct user_job         *uj;
	const char              *username;
	struct rl_error          err;
	struct user              existing;

	if ((uj = new_job(req)) == NULL)
		return;
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (json_object_get(req->body, required[i]) == NULL) {
			reply_errorf(req, 422, "missing_field", required[i],
			    "%s is required", required[i]);
			drop(uj);
			return;
		}
	if (text(req, "username", &username) == -1 ||
	    read_body(req, uj, "username password role organisation name") ==
	        -1) {
		drop(uj);
		return;
	}
	if (users_name_valid(username, &err) == -1) {
		reply_error(req, &err);
		drop(uj);
		return;
	}
	/* Before hashing, so a taken name costs nothing. */
	if (users_find(req->db, username, &existing) == 0) {
		reply_errorf(req, 409, "duplicate", "username",
		    "there is already a user '%s'", existing.username);
		drop(uj);
		return;
	}
	snprintf(uj->username, sizeof(uj->username), "%s", username);
	uj->create = 1;
	start(req, uj);
}

void
api_user_update(struct request *req)
{
	struct user_job *uj;
	struct user      u;

	if ((uj = new_job(req)) == NULL)
		return;
	if (users_find(req->db, req->params[0], &u) == -1) {
		reply_errorf(req, 404, "not_found", NULL,
		    "there is no user '%s'", req->params[0]);
		drop(uj);
		return;
	}
	if (json_object_size(req->body) == 0) {
		reply_errorf(req, 422, "missing_field", NULL,
		    "send what to change: role, organisation, name, disabled "
		    "or password");
		drop(uj);
		return;
	}
	if (read_body(req, uj, "role organisation name disabled password") ==
	    -1) {
		drop(uj);
		return;
	}
	snprintf(uj->username, sizeof(uj->username), "%s", u.username);
	start(req, uj);
}
