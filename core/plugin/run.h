/*
 * Running plugins of each kind, whatever their language. These are the
 * only places that call into plugin code for imports and reports; the
 * delivery of events to notifiers is in events/delivery_attempt.c.
 */
#ifndef ROLLIN_PLUGIN_RUN_H
#define ROLLIN_PLUGIN_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "domain/access.h"
#include "plugin/plugin.h"
#include "util/error.h"

struct db;
struct rollin_call;

typedef void (
    *run_progress_fn)(struct rollin_call *, size_t done, size_t total);

/*
 * Imports input (len bytes, called name: a file name or URL) with the
 * importer on db, writing as who. Every record is all or nothing; the
 * records that pass land even if others are rejected. *summary gets
 * { "imported", "updated", "rejected": [ { "where", "message" } ] }.
 * Returns -1 with err only if the import as a whole failed (the plugin
 * failed or is not an importer); rejected records are not a failure.
 */
int run_import(struct plugin *, struct db *, const struct principal *who,
    const char *input, size_t len, const char *name, run_progress_fn progress,
    void *progress_arg, json_t **summary, struct rl_error *err);

/*
 * Runs a report with params ({ name: "value" }) on db; *table gets
 * { "columns": [...], "rows": [[...], ...] }.
 */
int run_report(struct plugin *, struct db *, json_t *params, json_t **table,
    struct rl_error *err);

/* Calls the plugin's run() in its own language. */
enum rollin_status run_call(struct plugin *, struct rollin_call *);

#endif
