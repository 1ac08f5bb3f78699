/*
 * Who is asking: the principal behind a request's token (or nobody), and
 * the roles the service knows. Every role is scoped to one organisation.
 */
#ifndef ROLLIN_DOMAIN_ACCESS_H
#define ROLLIN_DOMAIN_ACCESS_H

#include <stdint.h>

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,      /* everything, everywhere */
	ROLE_OWNER = 1 << 1,      /* the organisation's solutions */
	ROLE_ONBOARDING = 1 << 2, /* roll-ins the organisation runs */
	ROLE_ADOPTER = 1 << 3,    /* the organisation's adoptions and reports */
};

#define ROLES_MEMBER (ROLE_OWNER | ROLE_ONBOARDING | ROLE_ADOPTER)

struct principal {
	enum role role;     /* ROLE_NONE: anonymous */
	int64_t   token_id; /* signed in with a token, or 0 */
	int64_t   user_id;  /* signed in with a password, or 0 */
	int64_t   user_gen; /* the account's generation then (users.h) */
	int64_t   org_id;
	char      org_slug[72];
	char      actor[128]; /* as written into events */
};

const char *role_name(enum role);
/* Parses "admin", "owner", "onboarding" or "adopter"; ROLE_NONE if not. */
enum role role_parse(const char *);

/* True if the principal may write records controlled by org_id. */
int access_may_write(const struct principal *, unsigned roles, int64_t org_id);

#endif
