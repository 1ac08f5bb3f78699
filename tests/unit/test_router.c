/*
 * http/router: which handler a method and path reach, the placeholders it
 * hands over, and what 405 (Allow) and 404 are based on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/router.h"

#define GET    EVHTTP_REQ_GET
#define POST   EVHTTP_REQ_POST
#define PATCH  EVHTTP_REQ_PATCH
#define DELETE EVHTTP_REQ_DELETE
#define HEAD   EVHTTP_REQ_HEAD

static const struct route routes[] = {
	{ GET, "/api/v1", NULL, NULL, ROUTE_PUBLIC },
	{ GET, "/api/v1/things", NULL, NULL, ROUTE_PUBLIC },
	{ POST, "/api/v1/things", NULL, NULL, 0 },
	{ GET, "/api/v1/things/{}", NULL, NULL, ROUTE_PUBLIC },
	{ PATCH, "/api/v1/things/{}", NULL, NULL, 0 },
	{ DELETE, "/api/v1/things/{}", NULL, NULL, 0 },
	{ POST, "/api/v1/things/{}/confirm", NULL, NULL, ROUTE_NO_BODY },
	{ GET, "/api/v1/things/{}/parts/{}", NULL, NULL, ROUTE_PUBLIC },
	{ POST, "/api/v1/only-post", NULL, NULL, 0 },
	{ 0, NULL, NULL, NULL, 0 },
};

struct match {
	const struct route *route;
	char               *params[REQUEST_MAX_PARAMS];
	int                 nparams;
	unsigned            allowed;
};

static void
run(struct match *m, enum evhttp_cmd_type method, const char *path)
{
	memset(m, 0, sizeof(*m));
	m->nparams = -1;
	m->allowed = 12345;
	m->route = router_match(routes, method, path, m->params, &m->nparams,
	    &m->allowed);
}

static void
done(struct match *m)
{
	for (int i = 0; i < REQUEST_MAX_PARAMS; i++)
		free(m->params[i]);
}

/* Index of the matched route in the table, -1 if none. */
static int
which(const struct match *m)
{
	return m->route ? (int)(m->route - routes) : -1;
}

static void
test_literal_routes(void **state)
{
	struct match m;

	(void)state;
	run(&m, GET, "/api/v1");
	assert_int_equal(which(&m), 0);
	assert_int_equal(m.nparams, 0);
	done(&m);
	run(&m, GET, "/api/v1/things");
	assert_int_equal(which(&m), 1);
	done(&m);
	run(&m, POST, "/api/v1/things");
	assert_int_equal(which(&m), 2);
	assert_null(m.params[0]);
	done(&m);
}

static void
test_params(void **state)
{
	struct match m;

	(void)state;
	run(&m, GET, "/api/v1/things/ozg-wohngeld");
	assert_int_equal(which(&m), 3);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "ozg-wohngeld");
	assert_null(m.params[1]);
	done(&m);

	run(&m, PATCH, "/api/v1/things/x1");
	assert_int_equal(which(&m), 4);
	assert_string_equal(m.params[0], "x1");
	done(&m);

	run(&m, GET, "/api/v1/things/ozg-wohngeld/parts/12");
	assert_int_equal(which(&m), 7);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.params[0], "ozg-wohngeld");
	assert_string_equal(m.params[1], "12");
	done(&m);

	/* A literal segment after a placeholder must match exactly. */
	run(&m, POST, "/api/v1/things/a/confirm");
	assert_int_equal(which(&m), 6);
	assert_string_equal(m.params[0], "a");
	done(&m);
	run(&m, POST, "/api/v1/things/a/confirmed");
	assert_null(m.route);
	assert_int_equal(m.allowed, 0);
	done(&m);
}

static void
test_method_not_allowed(void **state)
{
	struct match m;

	(void)state;
	/* The path exists with GET, PATCH and DELETE: 405 with those. */
	run(&m, POST, "/api/v1/things/x");
	assert_null(m.route);
	assert_int_equal(m.allowed, GET | PATCH | DELETE);
	assert_null(m.params[0]);
	done(&m);

	run(&m, DELETE, "/api/v1/things");
	assert_null(m.route);
	assert_int_equal(m.allowed, GET | POST);
	done(&m);

	run(&m, GET, "/api/v1/only-post");
	assert_null(m.route);
	assert_int_equal(m.allowed, POST);
	done(&m);
}

static void
test_head_falls_back_to_get(void **state)
{
	struct match m;

	(void)state;
	run(&m, HEAD, "/api/v1/things/x");
	assert_int_equal(which(&m), 3);
	assert_int_equal(m.route->method, GET);
	assert_string_equal(m.params[0], "x");
	done(&m);

	/* No GET route, no HEAD either. */
	run(&m, HEAD, "/api/v1/only-post");
	assert_null(m.route);
	assert_int_equal(m.allowed, POST);
	done(&m);
}

static void
test_not_found(void **state)
{
	static const char *const paths[] = {
		"/api/v1/nothing",
		"/api/v2/things",
		"/api",
		"/",
		"",
		"api/v1/things",
		"/api/v1/things/x/parts",     /* one placeholder short */
		"/api/v1/things/x/parts/1/2", /* one segment too many */
		"/api/v1/thingsx",
		"/API/V1/THINGS",
	};
	struct match m;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		run(&m, GET, paths[i]);
		if (m.route != NULL || m.allowed != 0)
			fail_msg("'%s' matched route %d (allowed %#x)",
			    paths[i], which(&m), m.allowed);
		if (m.params[0] != NULL)
			fail_msg("'%s' left a parameter behind", paths[i]);
		done(&m);
	}
}

static void
test_empty_segments(void **state)
{
	static const char *const paths[] = {
		"/api/v1/things/", /* empty placeholder */
		"/api/v1/things//parts/1",
		"/api/v1/things/x/parts/",
		"/api/v1/things/x/", /* trailing slash */
		"/api/v1/things/",
		"/api/v1//things",
		"/api/v1/",
		"//api/v1",
	};
	struct match m;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		run(&m, GET, paths[i]);
		if (m.route != NULL)
			fail_msg("'%s' matched route %d", paths[i], which(&m));
		if (m.params[0] != NULL)
			fail_msg("'%s' left a parameter behind", paths[i]);
		done(&m);
	}
	/* Not even as a 405 for another method. */
	run(&m, PATCH, "/api/v1/things/");
	assert_null(m.route);
	assert_int_equal(m.allowed, 0);
	done(&m);
}

static void
test_service_table(void **state)
{
	const struct route *r;
	char               *params[REQUEST_MAX_PARAMS] = { 0 };
	int                 n = 0;
	unsigned            allowed;

	(void)state;
	/* The service's own table hands nested keys over in order. */
	r = router_match(api_routes, GET, "/api/v1/solutions/x/releases/3",
	    params, &n, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->res, &res_release);
	assert_int_equal(n, 2);
	assert_string_equal(params[0], "x");
	assert_string_equal(params[1], "3");
	free(params[0]);
	free(params[1]);
	assert_string_equal(router_method_name(PATCH), "PATCH");
	assert_string_equal(router_method_name(HEAD), "HEAD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_routes),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_head_falls_back_to_get),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_empty_segments),
		cmocka_unit_test(test_service_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
