/*
 * struct rollin_call: one invocation of a plugin, as the host keeps it.
 * Plugins see it as an opaque pointer and reach its contents only through
 * the host table (core/plugin/host.c).
 */
#ifndef ROLLIN_PLUGIN_CALL_H
#define ROLLIN_PLUGIN_CALL_H

#include <jansson.h>
#include <stddef.h>

#include "domain/access.h"
#include "rollin/plugin.h"

struct db;
struct plugin;

/*
 * How a call that runs on a thread of its own (not the loop's) reaches
 * the loop and back: the loop owns the network (curl multi), the call's
 * thread owns the plugin's Lua state and its SQLite connection.
 */
struct call_runner {
	/* From the call's thread: fn(arg) on the loop thread. */
	void (*to_loop)(struct call_runner *, void (*fn)(void *), void *arg);
	/* From the loop: fn(arg, db) on the call's thread, db its connection. */
	void (*to_call)(struct call_runner *, void (*fn)(void *, struct db *),
	    void *arg);
};

struct rollin_call {
	struct plugin          *plugin;
	struct db              *db;  /* the connection of the calling thread */
	const struct principal *who; /* on whose behalf records are written */

	/* importers */
	const char *input;
	size_t      input_len;
	const char *input_name;
	json_t     *summary; /* { imported, updated, rejected: [...] } */
	size_t      progress_done, progress_total;
	void (*on_progress)(struct rollin_call *, size_t done, size_t total);

	/* notifiers */
	const char *event;      /* JSON text */
	const char *recipients; /* JSON text: array */

	/* reports */
	json_t *params;  /* { name: "value" } */
	json_t *columns; /* [ "col", ... ] */
	json_t *rows;    /* [ [ ... ], ... ] */

	/* outcome of a call that returned ROLLIN_PENDING */
	void (*on_finish)(struct rollin_call *, enum rollin_status,
	    const char *message);
	void *arg;
	/* NULL: the call runs on the loop thread. */
	struct call_runner *runner;

	char    message[512]; /* the plugin's last error, for the registry */
	json_t *strings;      /* keeps strings handed to the plugin alive */
};

void call_init(struct rollin_call *, struct plugin *);
void call_clear(struct rollin_call *);

#endif
