/*
 * The plugin registry: every plugin found in the configured directories,
 * C shared objects (dlopen) and Lua scripts alike, with its state and last
 * error. A plugin that fails to load, or fails later, is disabled and
 * reported; the core keeps running.
 */
#ifndef ROLLIN_PLUGIN_PLUGIN_H
#define ROLLIN_PLUGIN_PLUGIN_H

#include <jansson.h>

#include "rollin/plugin.h"

enum plugin_state {
	PLUGIN_LOADED,   /* ready */
	PLUGIN_DISABLED, /* turned off in the configuration */
	PLUGIN_REFUSED,  /* not loadable: wrong ABI, no entry point, ... */
	PLUGIN_FAILED,   /* init or a run failed in a way that disables it */
};

struct plugin {
	char                        name[64];
	char                        version[32];
	char                        description[256];
	char                        file[1024];
	const char                 *language; /* "c" or "lua" */
	enum rollin_kind            kind;
	enum plugin_state           state;
	char                        last_error[512];
	void                       *handle;    /* dlopen handle (C) */
	const struct rollin_plugin *desc;      /* C descriptor */
	void                       *state_ptr; /* C plugin's own state */
	struct script              *script;    /* Lua plugin */
	json_t                     *settings;  /* from the config; borrowed */
	/* A report that answered describe=parameters with its ordinary
	 * table once does not describe parameters: not asked again. */
	_Atomic int no_parameters;
};

struct plugin_registry {
	struct plugin *items;
	size_t         n;
};

struct config;

/*
 * Loads every *.so and *.lua in the configured directories (missing
 * directories are skipped) and initialises them. Never fails: problems
 * are recorded on the plugin and logged.
 */
void           plugins_load(struct plugin_registry *, const struct config *);
void           plugins_unload(struct plugin_registry *);
struct plugin *plugins_find(struct plugin_registry *, const char *name);
const char    *plugin_kind_name(enum rollin_kind);
const char    *plugin_state_name(enum plugin_state);
/* Every plugin as JSON: name, kind, version, language, file, state, error. */
json_t *plugins_describe(const struct plugin_registry *);
/* Marks a plugin failed with a message (logged). */
void plugin_fail(struct plugin *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * The registry of the running service (set by serve once it loaded the
 * plugins), for handlers that run plugins; NULL when nothing set one.
 */
void                    plugins_set_default(struct plugin_registry *);
struct plugin_registry *plugins_default(void);

/* The function table handed to C plugins (core/plugin/host.c). */
extern const struct rollin_host plugin_host;

#endif
