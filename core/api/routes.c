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

/* One route per line reads best as a table. */
/* clang-format off */

/* List, create, read, update, delete of a top-level resource. */
#define CRUD(path, res) \
	{ GET, "/api/v1/" path, api_record_list, &res, PUB }, \
	{ POST, "/api/v1/" path, api_record_create, &res, 0 }, \
	{ GET, "/api/v1/" path "/{}", api_record_get, &res, PUB }, \
	{ PATCH, "/api/v1/" path "/{}", api_record_update, &res, 0 }, \
	{ DELETE, "/api/v1/" path "/{}", api_record_delete, &res, 0 }

#define NESTED(path, res) CRUD("solutions/{}/" path, res)

/* The same, readable only when signed in. */
#define CRUD_PRIVATE(path, res) \
	{ GET, "/api/v1/" path, api_record_list, &res, 0 }, \
	{ POST, "/api/v1/" path, api_record_create, &res, 0 }, \
	{ GET, "/api/v1/" path "/{}", api_record_get, &res, 0 }, \
	{ PATCH, "/api/v1/" path "/{}", api_record_update, &res, 0 }, \
	{ DELETE, "/api/v1/" path "/{}", api_record_delete, &res, 0 }

const struct route api_routes[] = {
	{ GET, "/api/v1", api_index, NULL, PUB | ROUTE_OPEN },
	{ GET, "/api/v1/openapi.yaml", api_openapi, NULL, PUB | ROUTE_OPEN },
	{ GET, "/api/v1/plugins", api_plugins, NULL, 0 },
	{ GET, "/api/v1/session", api_session_get, NULL, PUB | ROUTE_OPEN },
	{ POST, "/api/v1/session", api_session_create, NULL, 0 },
	{ DELETE, "/api/v1/session", api_session_delete, NULL, 0 },
	{ POST, "/api/v1/session/password", api_session_password, NULL, 0 },
	{ GET, "/api/v1/users", api_user_list, NULL, 0 },
	{ POST, "/api/v1/users", api_user_create, NULL, 0 },
	{ GET, "/api/v1/users/{}", api_user_get, NULL, 0 },
	{ PATCH, "/api/v1/users/{}", api_user_update, NULL, 0 },
	CRUD("organisations", res_organisation),
	CRUD("contacts", res_contact),

	{ GET, "/api/v1/solutions", api_solution_list, &res_solution, PUB },
	{ POST, "/api/v1/solutions", api_record_create, &res_solution, 0 },
	{ GET, "/api/v1/solutions/{}", api_solution_get, &res_solution, PUB },
	{ PATCH, "/api/v1/solutions/{}", api_record_update, &res_solution, 0 },
	{ DELETE, "/api/v1/solutions/{}", api_solution_delete, &res_solution,
	    ROUTE_REFUSAL },
	{ POST, "/api/v1/solutions/{}/confirm", api_solution_confirm,
	    &res_solution, ROUTE_NO_BODY },
	NESTED("responsibilities", res_responsibility),
	NESTED("cycles", res_cycle),
	NESTED("releases", res_release),
	NESTED("adoptions", res_adoption),

	NESTED("assessments", res_assessment),
	NESTED("dependencies", res_dependency),
	{ GET, "/api/v1/solutions/{}/overview", api_solution_overview,
	    &res_solution, PUB },
	{ GET, "/api/v1/solutions/{}/rollin-stats", api_rollin_stats,
	    &res_solution, PUB },
	{ GET, "/api/v1/solutions/{}/publiccode.yml", api_solution_publiccode,
	    &res_solution, PUB },

	/* iCalendar feeds of lifecycle dates and milestones (api/calendar.c). */
	{ GET, "/api/v1/calendar.ics", api_calendar_all, NULL, PUB },
	{ GET, "/api/v1/solutions/{}/calendar.ics", api_calendar_solution,
	    NULL, PUB },
	{ GET, "/api/v1/organisations/{}/calendar.ics",
	    api_calendar_organisation, NULL, PUB },

	/* Atom feeds and SVG badges (api/feeds.c, api/badges.c). */
	{ GET, "/api/v1/solutions/{}/feed.atom", api_solution_feed, NULL, PUB },
	{ GET, "/api/v1/solutions/{}/badges/{}", api_solution_badge, NULL,
	    PUB },

	/* Roll-ins are abandoned by aborting them, never deleted. */
	{ GET, "/api/v1/rollins", api_record_list, &res_rollin, 0 },
	{ POST, "/api/v1/rollins", api_record_create, &res_rollin, 0 },
	{ GET, "/api/v1/rollins/{}", api_record_get, &res_rollin, 0 },
	{ PATCH, "/api/v1/rollins/{}", api_record_update, &res_rollin, 0 },
	CRUD_PRIVATE("rollins/{}/steps", res_rollin_step),
	CRUD_PRIVATE("rollins/{}/blockers", res_rollin_blocker),

	CRUD("lessons", res_lesson),
	CRUD("feedback", res_feedback),
	{ POST, "/api/v1/feedback/{}/answer", api_feedback_answer,
	    &res_feedback, 0 },
	CRUD("cost-reports", res_cost_report),
	CRUD_PRIVATE("reuse-checks", res_reuse_check),
	{ GET, "/api/v1/reuse-checks/{}/export", api_reuse_check_export,
	    &res_reuse_check, 0 },
	CRUD_PRIVATE("subscriptions", res_subscription),

	/* Third-party products that solutions depend on; admins write them. */
	CRUD("products", res_product),
	CRUD("products/{}/cycles", res_product_cycle),

	/* Imports run importer plugins on a file sent as the body. */
	{ GET, "/api/v1/imports", api_import_list, NULL, 0 },
	{ POST, "/api/v1/imports", api_import_create, NULL, ROUTE_NO_BODY },
	{ GET, "/api/v1/imports/running", api_import_running, NULL, 0 },
	{ GET, "/api/v1/imports/{}", api_import_get, NULL, 0 },

	{ GET, "/api/v1/reports", api_report_list, NULL, PUB },
	{ GET, "/api/v1/reports/{}", api_report_get, NULL, PUB },
	{ GET, "/api/v1/search", api_search, NULL, PUB },
	{ GET, "/api/v1/feed.atom", api_feed, NULL, PUB },
	{ GET, "/api/v1/problems", api_problems, NULL, PUB },
	{ GET, "/api/v1/categories", api_problems, NULL, PUB },
	{ GET, "/api/v1/events", api_events, NULL, 0 },
	{ GET, "/api/v1/events/{}/recipients", api_event_recipients, NULL, 0 },
	{ GET, "/api/v1/deliveries", api_deliveries_list, NULL, 0 },
	{ GET, "/api/v1/deliveries/status", api_deliveries_status, NULL, 0 },
	{ DELETE, "/api/v1/deliveries/{}", api_delivery_discard, NULL, 0 },
	{ POST, "/api/v1/deliveries/{}/retry", api_delivery_retry, NULL,
	    ROUTE_NO_BODY },

	/*
	 * endoflife.date API v1 for the catalogue's solutions (api/eol.c).
	 * Its clients ask with and without a trailing slash; "latest" comes
	 * before the release it would otherwise be taken for.
	 */
	{ GET, "/eol/api/v1", api_eol_index, NULL, PUB },
	{ GET, "/eol/api/v1/", api_eol_index, NULL, PUB },
	{ GET, "/eol/api/v1/products", api_eol_products, NULL, PUB },
	{ GET, "/eol/api/v1/products/", api_eol_products, NULL, PUB },
	{ GET, "/eol/api/v1/products/{}", api_eol_product, NULL, PUB },
	{ GET, "/eol/api/v1/products/{}/", api_eol_product, NULL, PUB },
	{ GET, "/eol/api/v1/products/{}/releases/latest", api_eol_latest, NULL,
	    PUB },
	{ GET, "/eol/api/v1/products/{}/releases/latest/", api_eol_latest,
	    NULL, PUB },
	{ GET, "/eol/api/v1/products/{}/releases/{}", api_eol_release, NULL,
	    PUB },
	{ GET, "/eol/api/v1/products/{}/releases/{}/", api_eol_release, NULL,
	    PUB },
	{ 0, NULL, NULL, NULL, 0 },
};

/* clang-format on */
