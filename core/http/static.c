/*
 * Everything outside /api: the web UI's static files from web_root, the
 * health check, and the front page. A path is served only if it resolves
 * (symbolic links included) to a regular file inside web_root.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "http/reply.h"
#include "http/static.h"

static const struct {
	const char *ext, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".woff", "font/woff" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".yaml", "application/yaml; charset=utf-8" },
};

static const char *
content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/*
 * Resolves the request path below the web root. Returns an open file
 * descriptor and fills st, or -1 (not found, or outside the root).
 */
static int
open_below(const char *root, const char *path, struct stat *st, char *real,
    size_t reallen)
{
	char want[PATH_MAX], base[PATH_MAX], *resolved;
	int  fd;

	if (strstr(path, "/../") || strstr(path, "/./") ||
	    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return -1;
	if (realpath(root, base) == NULL)
		return -1;
	if ((size_t)snprintf(want, sizeof(want), "%s%s", base, path) >=
	    sizeof(want))
		return -1;
	if ((resolved = realpath(want, NULL)) == NULL)
		return -1;
	if (strncmp(resolved, base, strlen(base)) != 0 ||
	    resolved[strlen(base)] != '/') {
		free(resolved);
		return -1;
	}
	snprintf(real, reallen, "%s", resolved);
	free(resolved);
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, st) == -1 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
serve_file(struct request *req, const char *path)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req->ev);
	struct evbuffer  *buf;
	struct stat       st;
	const char       *inm;
	char              real[PATH_MAX], etag[64];
	int               fd;

	if ((fd = open_below(req->cfg->web_root, path, &st, real,
	         sizeof(real))) == -1) {
		reply_errorf(req, 404, "not_found", NULL, "there is no %s",
		    req->path);
		return;
	}
	snprintf(etag, sizeof(etag), "\"%llx-%llx\"",
	    (unsigned long long)st.st_mtime, (unsigned long long)st.st_size);
	evhttp_add_header(out, "ETag", etag);
	/* Pages are checked on every load; assets may be cached a while. */
	evhttp_add_header(out, "Cache-Control",
	    strstr(content_type(real), "text/html") ? "no-cache"
	                                            : "public, max-age=3600");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	inm = evhttp_find_header(evhttp_request_get_input_headers(req->ev),
	    "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		reply_buffer(req, 304, NULL, NULL, 0);
		return;
	}
	buf = evbuffer_new();
	if (st.st_size > 0 && evbuffer_add_file(buf, fd, 0, st.st_size) == -1) {
		close(fd);
		evbuffer_free(buf);
		reply_errorf(req, 500, "internal", NULL, "cannot read %s",
		    req->path);
		return;
	}
	if (st.st_size == 0)
		close(fd);
	reply_buffer(req, 200, content_type(real), buf, 0);
	evbuffer_free(buf);
}

void
static_serve(struct request *req)
{
	struct stat st;
	char        index[PATH_MAX];

	if (req->method != EVHTTP_REQ_GET && req->method != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "Allow", "GET, HEAD");
		reply_errorf(req, 405, "method_not_allowed", NULL,
		    "%s is not allowed on %s", req->method_name, req->path);
		return;
	}
	if (strcmp(req->path, "/healthz") == 0) {
		reply_json(req, 200, json_pack("{s:s}", "status", "ok"), 0);
		return;
	}
	if (strcmp(req->path, "/") == 0) {
		snprintf(index, sizeof(index), "%s/index.html",
		    req->cfg->web_root);
		if (req->cfg->web_root[0] && stat(index, &st) == 0) {
			serve_file(req, "/index.html");
			return;
		}
		/* No web UI installed: the API is the front page. */
		evhttp_add_header(evhttp_request_get_output_headers(req->ev),
		    "Location", "/api/v1");
		reply_json(req, 302, json_pack("{s:s}", "location", "/api/v1"),
		    0);
		return;
	}
	if (req->cfg->web_root[0] == '\0') {
		reply_errorf(req, 404, "not_found", NULL, "there is no %s",
		    req->path);
		return;
	}
	serve_file(req, req->path);
}
