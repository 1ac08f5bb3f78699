/*
 * Lua plugins: one sandboxed Lua 5.4 state per plugin (core/script/).
 * A script defines the same three kinds as C plugins through a table it
 * returns: { name, version, description, kind, run = function(call) }.
 */
#ifndef ROLLIN_SCRIPT_SCRIPT_H
#define ROLLIN_SCRIPT_SCRIPT_H

#include "rollin/plugin.h"

struct config;
struct plugin;
struct plugin_registry;
struct rollin_call;

/*
 * Loads the script at path into a new sandboxed state and registers it.
 * Never fails: a script that does not load is recorded as refused.
 */
void script_plugin_load(struct plugin_registry *, const char *path,
    const struct config *);
/* Runs the script's run() for one call (same contract as a C run()). */
enum rollin_status script_plugin_run(struct plugin *, struct rollin_call *);
void               script_plugin_free(struct plugin *);

#endif
