/* PLACEHOLDER: the Lua host is being written. */
#include "plugin/plugin.h"
#include "script/script.h"

void
script_plugin_load(struct plugin_registry *reg, const char *path,
    const struct config *cfg)
{
	(void)reg;
	(void)path;
	(void)cfg;
}

enum rollin_status
script_plugin_run(struct plugin *p, struct rollin_call *call)
{
	(void)p;
	(void)call;
	return ROLLIN_FAILED;
}

void
script_plugin_free(struct plugin *p)
{
	(void)p;
}
