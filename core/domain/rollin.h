/*
 * Roll-in projects: an adopting organisation takes a solution into use,
 * run by an onboarding team, step by step along the solution's transfer
 * concept. Their states and the transitions allowed between them.
 */
#ifndef ROLLIN_DOMAIN_ROLLIN_H
#define ROLLIN_DOMAIN_ROLLIN_H

#include <jansson.h>

/* True if a roll-in may go from state `from` to state `to`. */
int rollin_may_transition(const char *from, const char *to);
/* The states reachable from `from`, as a new JSON array. */
json_t *rollin_next_states(const char *from);

extern const char *const rollin_states[];
extern const char *const lesson_categories[];

#endif
