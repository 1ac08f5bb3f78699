/*
 * rollin.http(method, url [, headers [, body]]) -> status, body | nil, message
 * (and rollin.smtp, which waits the same way)
 *
 * Outbound HTTP through the host's event loop (host->http_request): the
 * call's coroutine yields, script_plugin_run returns ROLLIN_PENDING, and
 * the completion resumes the coroutine with the answer; the call then
 * ends through host->finish. headers is { ["Name"] = "value" } or
 * { "Name: value", ... }.
 *
 * It works only where the call can wait: the caller set on_finish (it
 * takes ROLLIN_PENDING), there is an event loop, and rollin.http is called
 * from the call's own coroutine (not from one the script made, whose
 * yield would go to the script) and not across a C boundary such as a
 * table.sort comparator. Elsewhere it answers nil and the reason.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "script/state.h"

/* Strings handed to the host: header lines or recipients. */
struct lines {
	char **line; /* NULL-terminated */
	size_t n;
};

static void
lines_release(void *p)
{
	struct lines *h = p;

	for (size_t i = 0; i < h->n; i++)
		free(h->line[i]);
	free(h->line);
	free(h);
}

/* "Name: value", or NULL if either has a line break (header injection). */
static char *
header_line(const char *name, size_t nlen, const char *value, size_t vlen)
{
	char *line;

	if (nlen == 0 || memchr(name, '\r', nlen) || memchr(name, '\n', nlen) ||
	    memchr(name, ':', nlen) || memchr(value, '\r', vlen) ||
	    memchr(value, '\n', vlen) || memchr(name, '\0', nlen) ||
	    memchr(value, '\0', vlen))
		return NULL;
	if ((line = malloc(nlen + vlen + 3)) == NULL)
		return NULL;
	memcpy(line, name, nlen);
	memcpy(line + nlen, ": ", 2);
	memcpy(line + nlen + 2, value, vlen);
	line[nlen + 2 + vlen] = '\0';
	return line;
}

/*
 * Fills h from the table at idx; returns NULL or what is wrong. Only
 * strings and numbers are read, and no key is converted in place, so
 * lua_next stays valid and nothing raises.
 */
static const char *
headers_from(lua_State *L, int idx, struct lines *h)
{
	size_t      cap = 0, nlen, vlen;
	const char *name, *value;
	char      **grown, *line;

	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pop(L, 2);
			return "header values must be strings";
		}
		value = lua_tolstring(L, -1, &vlen);
		if (lua_type(L, -2) == LUA_TSTRING) {
			name = lua_tolstring(L, -2, &nlen);
			line = header_line(name, nlen, value, vlen);
		} else if (lua_isinteger(L, -2) &&
		    (name = memchr(value, ':', vlen)) != NULL) {
			nlen = (size_t)(name - value);
			line = header_line(value, nlen,
			    name + 1 + (name[1] == ' '),
			    vlen - nlen - 1 - (name[1] == ' '));
		} else
			line = NULL;
		lua_pop(L, 1);
		if (line == NULL) {
			lua_pop(L, 1);
			return "headers must be \"Name: value\" without line "
			       "breaks";
		}
		if (h->n + 2 > cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = realloc(h->line, cap * sizeof(*grown))) ==
			    NULL) {
				free(line);
				lua_pop(L, 1);
				return "out of memory";
			}
			h->line = grown;
		}
		h->line[h->n++] = line;
		h->line[h->n] = NULL;
	}
	return NULL;
}

static void
http_done(struct rollin_call *call, long status, const char *body, size_t len,
    const char *error, void *arg)
{
	struct script_run *r = arg;

	(void)call;
	if (r->s == NULL) {
		/* The plugin was freed while the request was in flight. */
		script_run_free_http(r);
		free(r);
		return;
	}
	r->http_status = status;
	r->http_len = 0;
	if (status != 0 && (r->http_body = malloc(len + 1)) != NULL) {
		memcpy(r->http_body, body, len);
		r->http_body[len] = '\0';
		r->http_len = len;
	} else if (status != 0) {
		r->http_status = 0;
		error = "out of memory";
	}
	if (status == 0 || r->http_body == NULL)
		r->http_error = strdup(error && *error ? error : "no answer");
	/* Answered from inside http_request: script_http hands it over. */
	if (r->http == SCRIPT_HTTP_NONE) {
		r->http = SCRIPT_HTTP_DONE;
		return;
	}
	r->http = SCRIPT_HTTP_DONE;
	script_resume(r);
}

void
script_run_free_http(struct script_run *r)
{
	free(r->http_body);
	free(r->http_error);
	r->http_body = r->http_error = NULL;
}

/*
 * A request of a call that runs on a thread of its own (call->runner):
 * the loop owns the network, so the request starts there, and its answer
 * goes back to the call's thread, which resumes the coroutine. The run
 * (r) is touched on the call's thread only.
 */
struct hop {
	struct call_runner *runner;
	struct rollin_call *call;
	struct script_run  *r;
	int                 smtp;
	char               *method, *url, *from, *user, *password, *body;
	size_t              len;
	struct lines       *lines; /* headers or recipients */
	long                status;
	char               *answer, *error;
	size_t              answer_len;
};

static void
hop_free(struct hop *h)
{
	free(h->method);
	free(h->url);
	free(h->from);
	free(h->user);
	free(h->password);
	free(h->body);
	if (h->lines != NULL)
		lines_release(h->lines);
	free(h->answer);
	free(h->error);
	free(h);
}

static char *
dup_opt(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* On the call's thread: the answer, as if it had come on this thread. */
static void
hop_resume(void *arg, struct db *db)
{
	struct hop *h = arg;

	if (h->r->s != NULL)
		h->r->call->db = db;
	http_done(NULL, h->status, h->answer, h->answer_len, h->error, h->r);
	hop_free(h);
}

/* On the loop: the request's completion. */
static void
hop_answered(struct rollin_call *call, long status, const char *body,
    size_t len, const char *error, void *arg)
{
	struct hop *h = arg;

	(void)call;
	h->status = status;
	if (status != 0 && (h->answer = malloc(len + 1)) != NULL) {
		memcpy(h->answer, body, len);
		h->answer[len] = '\0';
		h->answer_len = len;
	} else if (status != 0) {
		h->status = 0;
		error = "out of memory";
	}
	h->error = dup_opt(error);
	h->runner->to_call(h->runner, hop_resume, h);
}

/* On the loop: starts the request. */
static void
hop_start(void *arg)
{
	struct hop *h = arg;
	int         rc;

	if (h->smtp)
		rc = plugin_host.smtp_send(h->call, h->url, h->from,
		    (const char *const *)h->lines->line, h->body, h->len,
		    h->user, h->password, hop_answered, h);
	else
		rc = plugin_host.http_request(h->call, h->method, h->url,
		    (const char *const *)h->lines->line, h->body, h->len,
		    hop_answered, h);
	if (rc != 0)
		hop_answered(h->call, 0, NULL, 0,
		    "the request could not be started", h);
}

/*
 * Hands the request to the loop; takes the lines. Returns 0, or -1 if
 * it could not (the lines are then released).
 */
static int
hop_request(struct script_run *r, int smtp, const char *method, const char *url,
    const char *from, struct lines *lines, const char *body, size_t len,
    const char *user, const char *password)
{
	struct hop *h = calloc(1, sizeof(*h));

	if (h == NULL) {
		lines_release(lines);
		return -1;
	}
	h->runner = r->call->runner;
	h->call = r->call;
	h->r = r;
	h->smtp = smtp;
	h->lines = lines;
	h->method = dup_opt(method);
	h->url = dup_opt(url);
	h->from = dup_opt(from);
	h->user = dup_opt(user);
	h->password = dup_opt(password);
	h->len = len;
	if (body != NULL && (h->body = malloc(len + 1)) != NULL) {
		memcpy(h->body, body, len);
		h->body[len] = '\0';
	}
	if (h->url == NULL || (body != NULL && h->body == NULL) ||
	    (!smtp && h->method == NULL) || (smtp && h->from == NULL) ||
	    (user != NULL && h->user == NULL) ||
	    (password != NULL && h->password == NULL)) {
		hop_free(h);
		return -1;
	}
	h->runner->to_loop(h->runner, hop_start, h);
	return 0;
}

/* Pushes the answer: status, body or nil, message. */
static int
http_answer(lua_State *L, struct script_run *r)
{
	int n;

	r->http = SCRIPT_HTTP_NONE;
	if (r->http_status != 0 && r->http_body != NULL) {
		lua_pushinteger(L, r->http_status);
		lua_pushlstring(L, r->http_body, r->http_len);
		n = 2;
	} else {
		lua_pushnil(L);
		lua_pushstring(L,
		    r->http_error ? r->http_error : "the request failed");
		n = 2;
	}
	script_run_free_http(r);
	return n;
}

/* Runs in the call's coroutine when the host resumes it. */
static int
http_continue(lua_State *L, int status, lua_KContext ctx)
{
	struct script_run *r = script_of(L)->current;

	(void)status;
	(void)ctx;
	if (r == NULL || r->co != L || r->http != SCRIPT_HTTP_DONE)
		return luaL_error(L,
		    "this call's coroutine was resumed "
		    "before its answer came");
	return http_answer(L, r);
}

static int
refuse(lua_State *L, const char *why)
{
	lua_pushnil(L);
	lua_pushstring(L, why);
	return 2;
}

/* Why the call cannot wait here, or NULL if it can. */
static const char *
cannot_wait(lua_State *L, struct script_run *r)
{
	if (net_default() == NULL)
		return "no event loop";
	if (r->call->on_finish == NULL)
		return "this call cannot wait for an answer (it does not run "
		       "on the event loop)";
	if (L != r->co || !lua_isyieldable(L))
		return "only init() or run() itself can wait for an answer, "
		       "not a coroutine or a callback";
	return NULL;
}

/* After host->http_request or smtp_send returned rc: wait or answer. */
static int
wait_answer(lua_State *L, struct script_run *r, int rc)
{
	if (rc != 0) {
		r->http = SCRIPT_HTTP_NONE;
		return refuse(L, "the request could not be started");
	}
	if (r->http == SCRIPT_HTTP_DONE)
		return http_answer(L, r);
	r->http = SCRIPT_HTTP_WAITING;
	return lua_yieldk(L, 0, 0, http_continue);
}

int
script_http(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.http");
	struct script_box *b;
	struct lines      *h;
	const char        *method = luaL_checkstring(L, 1);
	const char        *url = luaL_checkstring(L, 2), *body = NULL, *why;
	size_t             len = 0;
	int                rc;

	if (!lua_isnoneornil(L, 3))
		luaL_checktype(L, 3, LUA_TTABLE);
	if (!lua_isnoneornil(L, 4))
		body = luaL_checklstring(L, 4, &len);
	if (method[0] == '\0' ||
	    strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method))
		return luaL_argerror(L, 1, "an HTTP method such as \"GET\"");
	if ((why = cannot_wait(L, r)) != NULL)
		return refuse(L, why);

	lua_settop(L, 4);
	b = script_box(L, lines_release);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return luaL_error(L, "rollin.http: out of memory");
	b->ptr = h;
	if (lua_istable(L, 3) && (why = headers_from(L, 3, h)) != NULL) {
		script_box_release(b);
		return luaL_error(L, "rollin.http: %s", why);
	}
	r->http = SCRIPT_HTTP_NONE;
	if (r->call->runner != NULL) {
		b->ptr = NULL;
		script_box_release(b);
		rc = hop_request(r, 0, method, url, NULL, h, body, len, NULL,
		    NULL);
		return wait_answer(L, r, rc);
	}
	rc = plugin_host.http_request(r->call, method, url,
	    (const char *const *)h->line, body, len, http_done, r);
	script_box_release(b);
	return wait_answer(L, r, rc);
}

/* The recipients at idx (one address or an array of them) into h. */
static const char *
recipients_from(lua_State *L, int idx, struct lines *h)
{
	size_t n = lua_istable(L, idx) ? lua_rawlen(L, idx) : 1;
	size_t len;

	if (n == 0)
		return "no recipients";
	if ((h->line = calloc(n + 1, sizeof(*h->line))) == NULL)
		return "out of memory";
	for (size_t i = 0; i < n; i++) {
		const char *to;

		if (lua_istable(L, idx))
			lua_rawgeti(L, idx, (lua_Integer)i + 1);
		else
			lua_pushvalue(L, idx);
		to = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len)
		                                    : NULL;
		if (to == NULL || len == 0 || strlen(to) != len ||
		    strpbrk(to, "\r\n") != NULL ||
		    (h->line[i] = strdup(to)) == NULL) {
			lua_pop(L, 1);
			return "recipients must be addresses without line "
			       "breaks";
		}
		h->n++;
		lua_pop(L, 1);
	}
	return NULL;
}

/*
 * rollin.smtp(url, from, to, message [, user [, password]])
 *	-> 250, "" | nil, message
 * to is an address or an array of them; message is the whole RFC 5322
 * text (headers, blank line, body). It waits like rollin.http.
 */
int
script_smtp(lua_State *L)
{
	struct script_run *r = script_need_call(L, "rollin.smtp");
	struct script_box *b;
	struct lines      *h;
	const char        *url = luaL_checkstring(L, 1);
	const char        *from = luaL_checkstring(L, 2), *message, *why;
	const char        *user = luaL_optstring(L, 5, NULL);
	const char        *password = luaL_optstring(L, 6, NULL);
	size_t             len;
	int                rc;

	if (lua_type(L, 3) != LUA_TSTRING)
		luaL_checktype(L, 3, LUA_TTABLE);
	message = luaL_checklstring(L, 4, &len);
	if ((why = cannot_wait(L, r)) != NULL)
		return refuse(L, why);

	lua_settop(L, 6);
	b = script_box(L, lines_release);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return luaL_error(L, "rollin.smtp: out of memory");
	b->ptr = h;
	if ((why = recipients_from(L, 3, h)) != NULL) {
		script_box_release(b);
		return luaL_error(L, "rollin.smtp: %s", why);
	}
	r->http = SCRIPT_HTTP_NONE;
	if (r->call->runner != NULL) {
		b->ptr = NULL;
		script_box_release(b);
		rc = hop_request(r, 1, NULL, url, from, h, message, len, user,
		    password);
		return wait_answer(L, r, rc);
	}
	rc = plugin_host.smtp_send(r->call, url, from,
	    (const char *const *)h->line, message, len, user, password,
	    http_done, r);
	script_box_release(b);
	return wait_answer(L, r, rc);
}
