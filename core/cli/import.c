/*
 * `rollin import`: feeds files, directories and URLs to an importer plugin
 * and writes what it makes of them, as an admin of this installation.
 * Every source is one import (one transaction: its records all land or,
 * if the plugin fails, none); within it every record is all or nothing.
 * Progress goes to stderr, the summary to stdout.
 */
#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "net/http.h"
#include "plugin/plugin.h"
#include "plugin/run.h"
#include "store/db.h"

#define IMPORT_MAX_BYTES (64L * 1024 * 1024) /* bytes of one source */

/* Which importer reads a file by default, by its extension. */
static const struct {
	const char *ext, *plugin;
} by_ext[] = {
	{ ".yml", "publiccode" },
	{ ".yaml", "publiccode" },
	{ ".csv", "csv-import" },
	{ ".json", "endoflife" },
};

struct source {
	char *path; /* file path or URL */
	int   url;
};

struct sources {
	struct source *items;
	size_t         n, cap;
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: rollin import [--plugin NAME] [--json] [--db PATH]\n"
	    "                     [--config FILE] SOURCE...\n\n"
	    "Imports records from each SOURCE: a file, a directory (every\n"
	    "file below it that the importer reads, e.g. *.yml and *.yaml,\n"
	    "in name order) or an http(s) URL. The importer follows from the\n"
	    "extension (.yml/.yaml: publiccode; .json: endoflife, for\n"
	    "endoflife.date product files) unless --plugin names one.\n"
	    "Records are validated as the API validates them; a rejected\n"
	    "record is reported with its reason and the others still land.\n\n"
	    "Exit status: 0 if nothing was rejected, 1 if something was,\n"
	    "2 on usage errors.\n\n"
	    "  --plugin NAME      the importer to use (see rollin plugins)\n"
	    "  --json             print the summary as JSON\n"
	    "  --plugins DIRS     plugin directories, ':'-separated\n");
	cli_common_help(out);
}

static const char *
ext_of(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	size_t      n;

	base = base ? base + 1 : path;
	n = strcspn(base, "?#");
	for (dot = base + n; dot > base && dot[-1] != '.'; dot--)
		;
	return dot > base ? dot - 1 : NULL;
}

static int
is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

/*
 * JSON is a format, not a kind of record: a local .json file goes to the
 * endoflife importer only if it looks like what endoflife.date's API v1
 * answers for a product (an object whose "result" has a "name" and a
 * "releases" array). The last verdict is kept, since a file is asked
 * about more than once.
 */
static int
looks_like_endoflife(const char *path)
{
	static char last[4096];
	static int  verdict;
	json_t     *doc, *result;

	if (last[0] != '\0' && strcmp(last, path) == 0)
		return verdict;
	doc = json_load_file(path, 0, NULL);
	result = json_object_get(doc, "result");
	verdict = json_is_object(result) &&
	    json_is_string(json_object_get(result, "name")) &&
	    json_is_array(json_object_get(result, "releases"));
	json_decref(doc);
	snprintf(last, sizeof(last), "%s", path);
	return verdict;
}

/* The default importer for a path or URL, or NULL. */
static const char *
plugin_for(const char *path)
{
	const char *ext = ext_of(path);
	size_t      n;

	if (ext == NULL)
		return NULL;
	n = strcspn(ext, "?#");
	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++) {
		if (strlen(by_ext[i].ext) != n ||
		    strncasecmp(ext, by_ext[i].ext, n) != 0)
			continue;
		if (strcmp(by_ext[i].plugin, "endoflife") == 0 &&
		    !is_url(path) && !looks_like_endoflife(path))
			return NULL;
		return by_ext[i].plugin;
	}
	return NULL;
}

/*
 * Whether a file found in a directory is for this import: with --plugin,
 * the extensions of that importer (every file if it has none listed);
 * otherwise any extension some importer reads.
 */
static int
wanted(const char *path, const char *plugin)
{
	const char *p = plugin_for(path);
	int         listed = 0;

	if (plugin == NULL)
		return p != NULL;
	for (size_t i = 0; i < sizeof(by_ext) / sizeof(by_ext[0]); i++)
		listed |= strcmp(by_ext[i].plugin, plugin) == 0;
	return listed ? p != NULL && strcmp(p, plugin) == 0 : 1;
}

static void
push(struct sources *s, const char *path, int url)
{
	if (s->n == s->cap) {
		size_t         cap = s->cap ? s->cap * 2 : 16;
		struct source *grown = realloc(s->items, cap * sizeof(*grown));
		if (grown == NULL) {
			fprintf(stderr, "rollin: out of memory\n");
			exit(1);
		}
		s->items = grown;
		s->cap = cap;
	}
	s->items[s->n].path = strdup(path);
	s->items[s->n++].url = url;
}

static int
cmp_source(const void *a, const void *b)
{
	return strcmp(((const struct source *)a)->path,
	    ((const struct source *)b)->path);
}

/* Every wanted file below dir (hidden entries skipped). */
static int
walk(struct sources *s, const char *dir, const char *plugin)
{
	DIR           *d = opendir(dir);
	struct dirent *e;
	struct stat    st;
	char           path[4096];
	int            rc = 0;

	if (d == NULL) {
		fprintf(stderr, "rollin: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s%s%s", dir,
		    dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		if (stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			rc |= walk(s, path, plugin);
		else if (S_ISREG(st.st_mode) && wanted(path, plugin))
			push(s, path, 0);
	}
	closedir(d);
	return rc;
}

/* Expands the arguments; prints why and returns -1 if one is unusable. */
static int
collect(struct sources *s, char **args, int n, const char *plugin)
{
	struct stat st;

	for (int i = 0; i < n; i++) {
		size_t first = s->n;
		if (is_url(args[i]))
			push(s, args[i], 1);
		else if (stat(args[i], &st) == -1) {
			fprintf(stderr, "rollin: %s: %s\n", args[i],
			    strerror(errno));
			return -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (walk(s, args[i], plugin) == -1)
				return -1;
			qsort(s->items + first, s->n - first, sizeof(*s->items),
			    cmp_source);
			if (s->n == first)
				fprintf(stderr,
				    "rollin: %s: no file to import in it\n",
				    args[i]);
			continue;
		} else
			push(s, args[i], 0);
		if (plugin == NULL && plugin_for(args[i]) == NULL) {
			fprintf(stderr,
			    "rollin: %s: no importer reads this kind of file; "
			    "name one with --plugin\n",
			    args[i]);
			return -1;
		}
	}
	return 0;
}

static char *
read_file(const char *path, size_t *len, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long  size;

	if (f == NULL) {
		snprintf(why, whylen, "%s", strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1)
		snprintf(why, whylen, "cannot read: %s", strerror(errno));
	else if (size > IMPORT_MAX_BYTES)
		snprintf(why, whylen, "larger than %ld bytes",
		    IMPORT_MAX_BYTES);
	else if ((buf = malloc((size_t)size + 1)) == NULL)
		snprintf(why, whylen, "out of memory");
	else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		snprintf(why, whylen, "cannot read: %s", strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[size] = '\0';
		*len = (size_t)size;
	}
	fclose(f);
	return buf;
}

struct fetch {
	char  *body;
	size_t len;
	char   why[256];
};

static void
fetched(long status, const char *body, size_t len, const char *error, void *arg)
{
	struct fetch *f = arg;

	if (status == 200) {
		if ((f->body = malloc(len + 1)) != NULL) {
			memcpy(f->body, body, len);
			f->body[len] = '\0';
			f->len = len;
		} else
			snprintf(f->why, sizeof(f->why), "out of memory");
	} else if (status == 0)
		snprintf(f->why, sizeof(f->why), "%s",
		    error ? error : "no answer");
	else
		snprintf(f->why, sizeof(f->why), "the server answered HTTP %ld",
		    status);
}

/* GETs url on a loop of its own (the command has no other loop). */
static char *
fetch_url(const char *url, size_t *len, char *why, size_t whylen)
{
	static const char *const headers[] = {
		"Accept: application/yaml, text/yaml, text/plain;q=0.9, "
		"*/*;q=0.5",
		NULL
	};
	struct event_base *base = event_base_new();
	struct net        *net = base ? net_new(base) : NULL;
	struct fetch       f = { 0 };

	if (net == NULL ||
	    net_http(net, "GET", url, headers, NULL, 0, 60000, fetched, &f) ==
	        -1)
		snprintf(f.why, sizeof(f.why), "cannot start the request");
	else
		event_base_dispatch(base);
	if (net)
		net_free(net);
	if (base)
		event_base_free(base);
	snprintf(why, whylen, "%s", f.why);
	*len = f.len;
	return f.body;
}

static void
reject(json_t *rejected, const char *where, const char *message)
{
	json_array_append_new(rejected,
	    json_pack("{s:s, s:s}", "where", where, "message", message));
}

static void
print_summary(json_t *total, int json)
{
	json_t *r;
	size_t  i;
	char   *text;

	if (json) {
		text = json_dumps(total, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
		return;
	}
	printf("imported: %lld\nupdated: %lld\nrejected: %zu\n",
	    (long long)json_integer_value(json_object_get(total, "imported")),
	    (long long)json_integer_value(json_object_get(total, "updated")),
	    json_array_size(json_object_get(total, "rejected")));
	json_array_foreach(json_object_get(total, "rejected"), i, r)
	{
		printf("  %s: %s\n",
		    json_string_value(json_object_get(r, "where")),
		    json_string_value(json_object_get(r, "message")));
	}
}

static void
add_count(json_t *total, json_t *summary, const char *what)
{
	json_object_set_new(total, what,
	    json_integer(json_integer_value(json_object_get(total, what)) +
	        json_integer_value(json_object_get(summary, what))));
}

/* Imports one source; adds to total. */
static void
import_one(struct plugin_registry *reg, const char *forced, struct db *db,
    const struct source *src, size_t index, size_t count, json_t *total)
{
	static const struct principal cli = { .role = ROLE_ADMIN,
		.actor = "cli" };
	json_t         *rejected = json_object_get(total, "rejected"), *summary;
	json_t         *r;
	struct plugin  *p;
	struct rl_error err;
	const char     *name = forced ? forced : plugin_for(src->path);
	char            why[512] = "";
	char           *input;
	size_t          len = 0, i, nrej;

	if (name == NULL || (p = plugins_find(reg, name)) == NULL) {
		fprintf(stderr, "[%zu/%zu] %s ... no importer\n", index, count,
		    src->path);
		reject(rejected, src->path,
		    "no importer reads this kind of file");
		return;
	}
	input = src->url ? fetch_url(src->path, &len, why, sizeof(why))
	                 : read_file(src->path, &len, why, sizeof(why));
	if (input == NULL) {
		fprintf(stderr, "[%zu/%zu] %s ... %s\n", index, count,
		    src->path, why);
		reject(rejected, src->path, why);
		return;
	}
	if (run_import(p, db, &cli, input, len, src->path, NULL, NULL, &summary,
	        &err) == -1) {
		fprintf(stderr, "[%zu/%zu] %s ... failed: %s\n", index, count,
		    src->path, err.message);
		reject(rejected, src->path, err.message);
		free(input);
		return;
	}
	free(input);
	nrej = json_array_size(json_object_get(summary, "rejected"));
	fprintf(stderr,
	    "[%zu/%zu] %s ... imported %lld, updated %lld, "
	    "rejected %zu\n",
	    index, count, src->path,
	    (long long)json_integer_value(json_object_get(summary, "imported")),
	    (long long)json_integer_value(json_object_get(summary, "updated")),
	    nrej);
	add_count(total, summary, "imported");
	add_count(total, summary, "updated");
	json_array_foreach(json_object_get(summary, "rejected"), i, r)
	{
		json_array_append(rejected, r);
	}
	json_array_append_new(json_object_get(total, "sources"),
	    json_pack("{s:s, s:s, s:O, s:O, s:I}", "source", src->path,
	        "plugin", p->name, "imported",
	        json_object_get(summary, "imported"), "updated",
	        json_object_get(summary, "updated"), "rejected",
	        (json_int_t)nrej));
	json_decref(summary);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plugin", required_argument, NULL, 'P' },
		{ "plugins", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		CLI_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_flags       flags = { 0 };
	struct config          cfg;
	struct plugin_registry reg;
	struct sources         src = { 0 };
	struct rl_error        err;
	struct plugin         *p;
	struct db             *db;
	const char            *plugin = NULL;
	json_t                *total;
	int                    ch, json = 0, rc = 2;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'P':
			plugin = optarg;
			break;
		case 'p':
			cli_flag(&flags, "plugin_dirs", optarg);
			break;
		case 'j':
			json = 1;
			break;
		default:
			if (cli_common_option(ch, &flags, usage, &rc))
				return rc;
		}
	}
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	if (cli_config(&flags, &cfg) == -1)
		return 2;
	if (collect(&src, argv + optind, argc - optind, plugin) == -1)
		goto out;
	plugins_load(&reg, &cfg);
	for (size_t i = 0; i < src.n; i++) {
		const char *name =
		    plugin ? plugin : plugin_for(src.items[i].path);
		if ((p = plugins_find(&reg, name)) == NULL) {
			fprintf(stderr,
			    "rollin: there is no plugin %s in %s (see rollin "
			    "plugins)\n",
			    name, cfg.plugin_dirs);
			goto unload;
		}
		if (p->kind != ROLLIN_IMPORTER) {
			fprintf(stderr,
			    "rollin: plugin %s is a %s, not an importer\n",
			    name, plugin_kind_name(p->kind));
			goto unload;
		}
		if (p->state != PLUGIN_LOADED) {
			fprintf(stderr, "rollin: plugin %s is %s: %s\n", name,
			    plugin_state_name(p->state), p->last_error);
			goto unload;
		}
	}
	if ((db = db_open(cfg.db, DB_MIGRATE, &err)) == NULL) {
		fprintf(stderr, "rollin: %s\n", err.message);
		rc = 1;
		goto unload;
	}
	total = json_pack("{s:i, s:i, s:[], s:[]}", "imported", 0, "updated", 0,
	    "rejected", "sources");
	for (size_t i = 0; i < src.n; i++)
		import_one(&reg, plugin, db, &src.items[i], i + 1, src.n,
		    total);
	print_summary(total, json);
	rc = json_array_size(json_object_get(total, "rejected")) > 0 ? 1 : 0;
	json_decref(total);
	db_close(db);
unload:
	plugins_unload(&reg);
out:
	for (size_t i = 0; i < src.n; i++)
		free(src.items[i].path);
	free(src.items);
	config_free(&cfg);
	return rc;
}
