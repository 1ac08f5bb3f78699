/*
 * Finding and loading plugins. A C plugin is opened with RTLD_NOW |
 * RTLD_LOCAL (unresolved symbols fail now, not in the middle of a run; its
 * symbols never mix with the core's) and must export rollin_plugin_entry.
 * A plugin built for another ABI major version is refused with a message
 * that names the file, both versions and what to do. Plugins are never
 * unloaded while the service runs: a failing one is disabled instead.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "plugin/call.h"
#include "plugin/plugin.h"
#include "script/script.h"
#include "util/log.h"

static struct plugin_registry *default_registry;

void
plugins_set_default(struct plugin_registry *reg)
{
	default_registry = reg;
}

struct plugin_registry *
plugins_default(void)
{
	return default_registry;
}

const char *
plugin_kind_name(enum rollin_kind kind)
{
	switch (kind) {
	case ROLLIN_IMPORTER:
		return "importer";
	case ROLLIN_NOTIFIER:
		return "notifier";
	case ROLLIN_REPORT:
		return "report";
	}
	return "unknown";
}

const char *
plugin_state_name(enum plugin_state state)
{
	switch (state) {
	case PLUGIN_LOADED:
		return "loaded";
	case PLUGIN_DISABLED:
		return "disabled";
	case PLUGIN_REFUSED:
		return "refused";
	case PLUGIN_FAILED:
		return "failed";
	}
	return "unknown";
}

void
plugin_fail(struct plugin *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->last_error, sizeof(p->last_error), fmt, ap);
	va_end(ap);
	if (p->state == PLUGIN_LOADED)
		p->state = PLUGIN_FAILED;
	log_warnx("plugin %s: %s", p->name[0] ? p->name : p->file,
	    p->last_error);
}

static struct plugin *
add(struct plugin_registry *reg, const char *file, const char *language)
{
	struct plugin *grown, *p;

	grown = realloc(reg->items, (reg->n + 1) * sizeof(*grown));
	if (grown == NULL)
		fatal("plugins");
	reg->items = grown;
	p = &reg->items[reg->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->file, sizeof(p->file), "%s", file);
	p->language = language;
	p->state = PLUGIN_LOADED;
	return p;
}

/* Plugin names become config keys and report names: keep them plain. */
static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 64 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static void
load_c(struct plugin_registry *reg, const char *file, const struct config *cfg)
{
	const struct rollin_plugin *(*entry)(const struct rollin_host *);
	struct plugin     *p = add(reg, file, "c");
	struct rollin_call call;
	const char        *base = strrchr(file, '/');

	snprintf(p->name, sizeof(p->name), "%.63s", base ? base + 1 : file);
	p->name[strcspn(p->name, ".")] = '\0';
	if ((p->handle = dlopen(file, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		p->state = PLUGIN_REFUSED;
		plugin_fail(p, "cannot load %s: %s", file, dlerror());
		return;
	}
	*(void **)(&entry) = dlsym(p->handle, ROLLIN_ENTRY_SYMBOL);
	if (entry == NULL) {
		p->state = PLUGIN_REFUSED;
		plugin_fail(p,
		    "%s exports no %s(): it is not a Rollin plugin, "
		    "or it was built without ROLLIN_PLUGIN(...) from "
		    "rollin/plugin.h",
		    file, ROLLIN_ENTRY_SYMBOL);
		dlclose(p->handle);
		p->handle = NULL;
		return;
	}
	p->desc = entry(&plugin_host);
	if (p->desc == NULL) {
		p->state = PLUGIN_REFUSED;
		plugin_fail(p, "%s: %s() returned no descriptor", file,
		    ROLLIN_ENTRY_SYMBOL);
		return;
	}
	if (p->desc->abi_major != ROLLIN_ABI_MAJOR) {
		p->state = PLUGIN_REFUSED;
		plugin_fail(p,
		    "%s was built for plugin ABI %u.%u, but this rollin "
		    "%s has ABI %u.%u; rebuild the plugin against this "
		    "rollin's rollin/plugin.h",
		    file, p->desc->abi_major, p->desc->abi_minor,
		    ROLLIN_VERSION, ROLLIN_ABI_MAJOR, ROLLIN_ABI_MINOR);
		return;
	}
	if (p->desc->name == NULL || !valid_name(p->desc->name) ||
	    p->desc->run == NULL || p->desc->kind < ROLLIN_IMPORTER ||
	    p->desc->kind > ROLLIN_REPORT) {
		p->state = PLUGIN_REFUSED;
		plugin_fail(p,
		    "%s: the descriptor needs a name of lowercase "
		    "letters, digits and hyphens, a kind and run()",
		    file);
		return;
	}
	snprintf(p->name, sizeof(p->name), "%s", p->desc->name);
	snprintf(p->version, sizeof(p->version), "%s",
	    p->desc->version ? p->desc->version : "");
	snprintf(p->description, sizeof(p->description), "%s",
	    p->desc->description ? p->desc->description : "");
	p->kind = p->desc->kind;
	p->settings =
	    cfg->plugins ? json_object_get(cfg->plugins, p->name) : NULL;
	if (json_is_false(json_object_get(p->settings, "enabled"))) {
		p->state = PLUGIN_DISABLED;
		return;
	}
	/* A notifier delivers somewhere only once it is told where. */
	if (p->kind == ROLLIN_NOTIFIER && p->settings == NULL) {
		p->state = PLUGIN_DISABLED;
		snprintf(p->last_error, sizeof(p->last_error),
		    "not configured: add plugins: %s: ... to the config file",
		    p->name);
		return;
	}
	call_init(&call, p);
	if (p->desc->init &&
	    p->desc->init(&plugin_host, &call, &p->state_ptr) != 0) {
		p->state = PLUGIN_FAILED;
		plugin_fail(p, "init failed%s%s", call.message[0] ? ": " : "",
		    call.message);
	}
	call_clear(&call);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads a directory's plugins in name order, so the order is stable. */
static void
load_dir(struct plugin_registry *reg, const char *dir, const struct config *cfg)
{
	DIR           *d = opendir(dir);
	struct dirent *e;
	char         **names = NULL, path[1024];
	size_t         n = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (!has_suffix(e->d_name, ".so") &&
		    !has_suffix(e->d_name, ".lua"))
			continue;
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		if (grown == NULL)
			break;
		names = grown;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (has_suffix(names[i], ".so"))
			load_c(reg, path, cfg);
		else
			script_plugin_load(reg, path, cfg);
		free(names[i]);
	}
	free(names);
}

void
plugins_load(struct plugin_registry *reg, const struct config *cfg)
{
	char *dirs = strdup(cfg->plugin_dirs), *dir, *save = NULL;

	memset(reg, 0, sizeof(*reg));
	for (dir = strtok_r(dirs, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save))
		load_dir(reg, dir, cfg);
	free(dirs);
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin *p = &reg->items[i];
		for (size_t j = 0; j < i; j++)
			if (strcmp(reg->items[j].name, p->name) == 0 &&
			    p->state == PLUGIN_LOADED) {
				p->state = PLUGIN_REFUSED;
				plugin_fail(p,
				    "another plugin named %s was "
				    "loaded first from %s",
				    p->name, reg->items[j].file);
			}
		if (p->state == PLUGIN_LOADED)
			log_info("plugin %s %s (%s, %s) loaded from %s",
			    p->name, p->version, plugin_kind_name(p->kind),
			    p->language, p->file);
	}
}

void
plugins_unload(struct plugin_registry *reg)
{
	for (size_t i = 0; i < reg->n; i++) {
		struct plugin *p = &reg->items[i];
		if (p->desc && p->desc->fini && p->state != PLUGIN_REFUSED &&
		    p->state != PLUGIN_DISABLED)
			p->desc->fini(p->state_ptr);
		if (p->script)
			script_plugin_free(p);
		/* The library stays mapped: its code may still be referenced
		 * by callbacks that are being torn down with the loop. */
	}
	free(reg->items);
	memset(reg, 0, sizeof(*reg));
}

struct plugin *
plugins_find(struct plugin_registry *reg, const char *name)
{
	for (size_t i = 0; i < reg->n; i++)
		if (strcmp(reg->items[i].name, name) == 0)
			return &reg->items[i];
	return NULL;
}

json_t *
plugins_describe(const struct plugin_registry *reg)
{
	json_t *items = json_array();

	for (size_t i = 0; i < reg->n; i++) {
		const struct plugin *p = &reg->items[i];
		json_array_append_new(items,
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?}",
		        "name", p->name, "kind",
		        p->state == PLUGIN_REFUSED && p->kind == 0
		            ? "unknown"
		            : plugin_kind_name(p->kind),
		        "version", p->version, "language", p->language, "file",
		        p->file, "description", p->description, "state",
		        plugin_state_name(p->state), "last_error",
		        p->last_error[0] ? p->last_error : NULL));
	}
	return items;
}
