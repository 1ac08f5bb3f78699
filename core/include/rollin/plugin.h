/*
 * rollin/plugin.h: the only header a C plugin includes.
 *
 * A plugin is a shared object that exports one symbol, rollin_plugin_entry.
 * The host calls it once with its function table and gets back the plugin's
 * descriptor. The host refuses a plugin whose ABI major version differs from
 * its own; within one major version the host table only grows at its end,
 * so a plugin built against an older minor version keeps working, and a
 * plugin that wants a newer member checks abi_minor (or size) first:
 *
 *	if (host->abi_minor >= 1)
 *		host->newer_function(...);
 *
 * Call host functions only on the thread the host called the plugin on
 * (the event loop for notifiers, a worker thread for imports and reports),
 * from inside init, run or a completion callback the host invoked, never
 * from threads the plugin started itself.
 */
#ifndef ROLLIN_PLUGIN_H
#define ROLLIN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define ROLLIN_ABI_MAJOR 1 /* incompatible change: plugins must be rebuilt */
#define ROLLIN_ABI_MINOR 0 /* members appended to struct rollin_host */

#define ROLLIN_ENTRY_SYMBOL "rollin_plugin_entry"

#ifdef __cplusplus
extern "C" {
#endif

/* One invocation of a plugin (an import, a delivery, a report); opaque. */
struct rollin_call;

/* An error a person will read: mapped to the API's JSON error. */
struct rollin_error {
	int  status;     /* HTTP status the host reports, e.g. 422 */
	char field[128]; /* offending field ("rows[3].amount"), or "" */
	char message[256];
};

enum rollin_log_level {
	ROLLIN_LOG_ERROR = 0,
	ROLLIN_LOG_WARN = 1,
	ROLLIN_LOG_INFO = 2,
	ROLLIN_LOG_DEBUG = 3,
};

/* What a plugin does; one kind per plugin. */
enum rollin_kind {
	ROLLIN_IMPORTER = 1, /* input -> upserts of domain records */
	ROLLIN_NOTIFIER = 2, /* event -> delivery (webhook, e-mail, chat) */
	ROLLIN_REPORT = 3,   /* parameters -> table (columns and rows) */
};

/* What run() and completions report. */
enum rollin_status {
	ROLLIN_OK = 0,      /* done */
	ROLLIN_FAILED = -1, /* failed; the message says why */
	ROLLIN_PENDING = 1, /* will finish later through host->finish() */
};

/* Called when an outbound HTTP request ends (status 0: no response). */
typedef void (*rollin_http_done)(struct rollin_call *, long status,
    const char *body, size_t len, const char *error, void *arg);

/*
 * The host's function table. Append only: never reorder, never remove,
 * never change a member's type within a major version.
 */
struct rollin_host {
	uint32_t abi_major; /* ROLLIN_ABI_MAJOR of the host */
	uint32_t abi_minor; /* ROLLIN_ABI_MINOR of the host */
	size_t   size; /* sizeof(struct rollin_host) as built by the host */

	/* Writes a line to the host's log, prefixed with the plugin's name. */
	void (*log)(struct rollin_call *, enum rollin_log_level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

	/*
	 * The plugin's setting key from the configuration file (plugins:
	 * <name>: <key>: value), or NULL. The string lives until the call
	 * ends.
	 */
	const char *(*setting)(struct rollin_call *, const char *key);

	/* Importers: the input, as bytes (not NUL-terminated) and its name. */
	const char *(*input)(struct rollin_call *, size_t *len);
	const char *(*input_name)(struct rollin_call *);

	/*
	 * Importers: creates or updates one record of kind ("organisation",
	 * "solution", "release", ...) from a JSON object, through the same
	 * validation as the API; all or nothing for that record. match names
	 * the field that identifies an existing record (e.g. "slug",
	 * "repository"), or NULL to always create. Returns 0, or -1 with err
	 * filled; the importer then reports the record with reject(), which
	 * is what puts it into the import's summary.
	 */
	int (*upsert)(struct rollin_call *, const char *kind, const char *json,
	    const char *match, struct rollin_error *err);
	/* Importers: reports a record the plugin itself rejects. */
	void (*reject)(struct rollin_call *, const char *where,
	    const char *message);
	/* Long runs: progress for `rollin import` and the API. */
	void (*progress)(struct rollin_call *, size_t done, size_t total);

	/* Notifiers: the event being delivered, as a JSON object. */
	const char *(*event)(struct rollin_call *);

	/* Reports: a parameter of the report request, or NULL. */
	const char *(*param)(struct rollin_call *, const char *name);
	/*
	 * Reports and importers: runs a read-only SQL query (a statement that
	 * would write is refused) with JSON-array parameters and
	 * returns its rows as a JSON array of arrays (caller frees with
	 * host->free), or NULL with err filled.
	 */
	char *(*query)(struct rollin_call *, const char *sql,
	    const char *params_json, struct rollin_error *err);
	/* Reports: the table, as JSON: ["col", ...] once, then rows. */
	int (*columns)(struct rollin_call *, const char *json_array);
	int (*row)(struct rollin_call *, const char *json_array);

	/*
	 * Outbound HTTP through the host's event loop (never blocking):
	 * headers is a NULL-terminated list of "Name: value" strings. done is
	 * called exactly once. Returns 0 if the request was started.
	 */
	int (*http_request)(struct rollin_call *, const char *method,
	    const char *url, const char *const *headers, const char *body,
	    size_t len, rollin_http_done done, void *arg);

	/* Ends a call that returned ROLLIN_PENDING. */
	void (*finish)(struct rollin_call *, enum rollin_status,
	    const char *message);

	/* HMAC-SHA256 of data under key, as 64 lowercase hex digits + NUL. */
	void (*hmac_sha256_hex)(const char *key, size_t keylen,
	    const void *data, size_t len, char out[65]);

	/* Frees memory the host handed out (query results). */
	void (*free)(void *);

	/*
	 * Sends one e-mail through the host's event loop (never blocking):
	 * url like "smtp://mail.example:587", from, NULL-terminated
	 * recipients, and the complete RFC 5322 message (headers, blank
	 * line, body). done is called once with status 250 on success.
	 * user and password may be NULL.
	 */
	int (*smtp_send)(struct rollin_call *, const char *url,
	    const char *from, const char *const *to, const char *message,
	    size_t len, const char *user, const char *password,
	    rollin_http_done done, void *arg);

	/*
	 * Notifiers: who the event is for, as a JSON array of
	 * { "organisation", "organisation_name", "contact", "email",
	 *   "reason" } (subscriptions, adopters, onboarding teams).
	 */
	const char *(*recipients)(struct rollin_call *);
};

/* The plugin's descriptor, in static storage inside the plugin. */
struct rollin_plugin {
	uint32_t    abi_major; /* ROLLIN_ABI_MAJOR the plugin was built with */
	uint32_t    abi_minor; /* ROLLIN_ABI_MINOR the plugin was built with */
	const char *name;      /* unique, [a-z0-9-]+ */
	const char *version;
	const char *description;
	enum rollin_kind kind;

	/*
	 * Once, after loading: may read settings and keep state. Returns 0,
	 * or -1 (the plugin is then disabled with the logged reason).
	 */
	int (*init)(const struct rollin_host *, struct rollin_call *,
	    void **state);
	/* Once, at shutdown. */
	void (*fini)(void *state);
	/* One invocation: an import, a delivery, a report. */
	enum rollin_status (*run)(void *state, struct rollin_call *);
};

/* The one symbol a plugin exports. */
const struct rollin_plugin *rollin_plugin_entry(const struct rollin_host *);

/* Declares the entry point with default visibility. */
#define ROLLIN_PLUGIN(descriptor)                                           \
	__attribute__((visibility("default"))) const struct rollin_plugin * \
	rollin_plugin_entry(const struct rollin_host *rollin_host_unused)   \
	{                                                                   \
		(void)rollin_host_unused;                                   \
		return &(descriptor);                                       \
	}

#ifdef __cplusplus
}
#endif

#endif
