/*
 * Every route of the API in one table: the map of what the service offers.
 * Nested resources hang under /solutions/{slug}.
 */
#include "api/api.h"
#include "http/router.h"

#define GET    EVHTTP_REQ_GET
#define POST   EVHTTP_REQ_POST
#define PATCH  EVHTTP_REQ_PATCH
#define DELETE EVHTTP_REQ_DELETE
#define PUB    ROUTE_PUBLIC

/* List, create, read, update, delete of a top-level resource. */
#define CRUD(path, res)                                                   \
	{ GET, "/api/v1/" path, api_record_list, &res, PUB },             \
	    { POST, "/api/v1/" path, api_record_create, &res, 0 },        \
	    { GET, "/api/v1/" path "/{}", api_record_get, &res, PUB },    \
	    { PATCH, "/api/v1/" path "/{}", api_record_update, &res, 0 }, \
	{                                                                 \
		DELETE, "/api/v1/" path "/{}", api_record_delete, &res, 0 \
	}

#define NESTED(path, res) CRUD("solutions/{}/" path, res)

const struct route api_routes[] = {
	{ GET, "/api/v1", api_index, NULL, PUB },
	CRUD("organisations", res_organisation),
	CRUD("contacts", res_contact),

	{ GET, "/api/v1/solutions", api_solution_list, &res_solution, PUB },
	{ POST, "/api/v1/solutions", api_record_create, &res_solution, 0 },
	{ GET, "/api/v1/solutions/{}", api_solution_get, &res_solution, PUB },
	{ PATCH, "/api/v1/solutions/{}", api_record_update, &res_solution, 0 },
	{ DELETE, "/api/v1/solutions/{}", api_solution_delete, &res_solution,
	    0 },
	{ POST, "/api/v1/solutions/{}/confirm", api_solution_confirm,
	    &res_solution, ROUTE_NO_BODY },
	NESTED("responsibilities", res_responsibility),
	NESTED("cycles", res_cycle),
	NESTED("releases", res_release),
	NESTED("adoptions", res_adoption),

	{ GET, "/api/v1/search", api_search, NULL, PUB },
	{ GET, "/api/v1/problems", api_problems, NULL, PUB },
	{ GET, "/api/v1/categories", api_problems, NULL, PUB },
	{ GET, "/api/v1/events", api_events, NULL, 0 },
	{ 0, NULL, NULL, NULL, 0 },
};
