/*
 * The demo data set (demo/demo.json, compiled in): German organisations,
 * contacts and solutions with cycles, releases, responsibilities and
 * adoptions; roll-ins in every state with steps and blockers; lessons,
 * feedback with answers, cost reports, assessments, reuse checks and
 * subscriptions. It goes through the same validation and events as the API.
 */
#ifndef ROLLIN_DEMO_DEMO_H
#define ROLLIN_DEMO_DEMO_H

#include "util/error.h"

struct db;

/*
 * Loads the set into an empty catalogue, all or nothing. Returns 1 if
 * loaded, 0 if the catalogue already had organisations (nothing done), -1
 * with the failing record named in err.
 */
int demo_load(struct db *, struct rl_error *);

#endif
