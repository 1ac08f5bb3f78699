#include <string.h>

#include "domain/access.h"

const char *
role_name(enum role r)
{
	switch (r) {
	case ROLE_ADMIN:
		return "admin";
	case ROLE_OWNER:
		return "owner";
	case ROLE_ONBOARDING:
		return "onboarding";
	case ROLE_ADOPTER:
		return "adopter";
	default:
		return "anonymous";
	}
}

enum role
role_parse(const char *s)
{
	static const enum role roles[] = { ROLE_ADMIN, ROLE_OWNER,
		ROLE_ONBOARDING, ROLE_ADOPTER };

	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, role_name(roles[i])) == 0)
			return roles[i];
	return ROLE_NONE;
}

/*
 * An admin writes anywhere; everybody else only where one of the given roles
 * matches their own and the record belongs to their own organisation.
 */
int
access_may_write(const struct principal *p, unsigned roles, int64_t org_id)
{
	if (p->role == ROLE_ADMIN)
		return 1;
	return (p->role & roles) != 0 && org_id != 0 && p->org_id == org_id;
}
