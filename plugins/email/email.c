/*
 * email: a notifier that sends each event it gets as a German plain-text
 * e-mail over SMTP.
 *
 * Settings (plugins: email: ... in the config file):
 *   smtp_url   smtp://host:port or smtps://host:port; required
 *   from       sender address; required
 *   to         fixed recipients, comma-separated; without it, the
 *              e-mail addresses of the event's recipients (subscribers,
 *              adopters, onboarding teams: host->recipients)
 *   user, password   SMTP authentication, if the server wants it
 *   base_url   the service's public address, for the link in the mail
 *              (e.g. https://rollin.example.de); without it the link is
 *              the path only
 *   event_types, backoff_*, max_attempts, timeout_ms: see the host's
 *              delivery engine (events/delivery.h)
 *
 * An event with nobody to tell counts as delivered. Recipients never see
 * each other's addresses unless they are the fixed "to". The Message-ID
 * names the event, so a mail sent twice (delivery is at least once) is
 * recognisably the same message.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rollin/plugin.h"

#define MAX_RCPTS 200

struct email {
	const struct rollin_host *host;
	char *smtp_url, *from, *to, *user, *password, *base_url;
};

/* ---- a growing text buffer ----------------------------------------------- */

struct buf {
	char  *s;
	size_t len, cap;
	int    failed;
};

static void buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int     n;
	char   *grown;

	if (b->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
		    b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->failed = 1;
			return;
		}
		if (b->s != NULL && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap : 1024;
		while (cap <= b->len + (size_t)n)
			cap *= 2;
		if ((grown = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
}

/* ---- settings -------------------------------------------------------------- */

static char *
copy_setting(const struct rollin_host *host, struct rollin_call *call,
    const char *key)
{
	const char *v = host->setting(call, key);

	return v != NULL && *v != '\0' ? strdup(v) : NULL;
}

/* An address we can put in a header and an SMTP command as it is. */
static int
plain_address(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strpbrk(s, " \t\r\n,;<>\"()") == NULL && strlen(s) < 255;
}

static void
email_fini(void *state)
{
	struct email *e = state;

	if (e == NULL)
		return;
	free(e->smtp_url);
	free(e->from);
	free(e->to);
	free(e->user);
	free(e->password);
	free(e->base_url);
	free(e);
}

static int
email_init(const struct rollin_host *host, struct rollin_call *call,
    void **state)
{
	struct email *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -1;
	e->host = host;
	e->smtp_url = copy_setting(host, call, "smtp_url");
	e->from = copy_setting(host, call, "from");
	e->to = copy_setting(host, call, "to");
	e->user = copy_setting(host, call, "user");
	e->password = copy_setting(host, call, "password");
	e->base_url = copy_setting(host, call, "base_url");
	if (e->smtp_url == NULL ||
	    (strncmp(e->smtp_url, "smtp://", 7) != 0 &&
	        strncmp(e->smtp_url, "smtps://", 8) != 0)) {
		host->log(call, ROLLIN_LOG_ERROR,
		    "plugins.email.smtp_url is required: the mail server as "
		    "smtp://host:port or smtps://host:port");
		goto fail;
	}
	if (e->from == NULL || !plain_address(e->from)) {
		host->log(call, ROLLIN_LOG_ERROR,
		    "plugins.email.from is required: the sender's e-mail "
		    "address, like rollin@example.de");
		goto fail;
	}
	/* Trailing slashes would double the one before "api/v1". */
	while (e->base_url && *e->base_url &&
	    e->base_url[strlen(e->base_url) - 1] == '/')
		e->base_url[strlen(e->base_url) - 1] = '\0';
	*state = e;
	return 0;
fail:
	email_fini(e);
	return -1;
}

/* ---- the recipients ------------------------------------------------------ */

struct rcpts {
	char  *list[MAX_RCPTS + 1];
	size_t n;
};

static void
rcpt_add(struct rcpts *r, const char *addr)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcasecmp(r->list[i], addr) == 0)
			return;
	if (r->n < MAX_RCPTS && (r->list[r->n] = strdup(addr)) != NULL)
		r->list[++r->n] = NULL;
}

static void
rcpts_free(struct rcpts *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->list[i]);
	r->n = 0;
}

/* The fixed "to" list, or every address among the event's recipients. */
static void
rcpts_gather(struct email *e, struct rollin_call *call, struct rcpts *r)
{
	const struct rollin_host *host = e->host;
	json_t                   *all, *item;
	const char               *addr;
	char                     *list, *tok, *save = NULL;
	size_t                    i;

	if (e->to != NULL) {
		if ((list = strdup(e->to)) == NULL)
			return;
		for (tok = strtok_r(list, ", ", &save); tok != NULL;
		     tok = strtok_r(NULL, ", ", &save))
			if (plain_address(tok))
				rcpt_add(r, tok);
			else
				host->log(call, ROLLIN_LOG_WARN,
				    "plugins.email.to: '%s' is not an e-mail "
				    "address",
				    tok);
		free(list);
		return;
	}
	if ((all = json_loads(host->recipients(call), 0, NULL)) == NULL)
		return;
	json_array_foreach(all, i, item)
	{
		addr = json_string_value(json_object_get(item, "email"));
		if (addr == NULL || *addr == '\0')
			continue;
		if (plain_address(addr))
			rcpt_add(r, addr);
		else
			host->log(call, ROLLIN_LOG_WARN,
			    "skipping recipient address '%.100s'", addr);
	}
	json_decref(all);
}

/* ---- the message ---------------------------------------------------------- */

/* German names of resources, for "<Ressource> angelegt/geändert/gelöscht". */
static const struct {
	const char *name, *german;
} resources[] = {
	{ "organisation", "Organisation" },
	{ "contact", "Kontakt" },
	{ "solution", "Lösung" },
	{ "responsibility", "Zuständigkeit" },
	{ "cycle", "Wartungszyklus" },
	{ "release", "Version" },
	{ "adoption", "Nachnutzung" },
	{ "rollin", "Roll-in" },
	{ "rollin_step", "Roll-in-Schritt" },
	{ "rollin_blocker", "Roll-in-Hindernis" },
	{ "lesson", "Erfahrungsbericht" },
	{ "feedback", "Rückmeldung" },
	{ "cost_report", "Kostenbericht" },
	{ "assessment", "Prüfung" },
	{ "reuse_check", "Nachnutzungsprüfung" },
	{ "subscription", "Abonnement" },
	{ NULL, NULL },
};

static const struct {
	const char *type, *title;
} titles[] = {
	{ "release.published", "Neue Version veröffentlicht" },
	{ "release.overdue", "Geplante Version überfällig" },
	{ "cycle.support_ending", "Support endet bald" },
	{ "cycle.eol_reached", "Wartungsende erreicht" },
	{ "solution.stale", "Eintrag nicht mehr aktuell" },
	{ "solution.confirmed", "Eintrag bestätigt" },
	{ "solution.retired", "Lösung eingestellt" },
	{ "rollin.status_changed", "Roll-in-Status geändert" },
	{ "rollin.step_overdue", "Roll-in-Schritt überfällig" },
	{ "rollin.blocker_raised", "Hindernis im Roll-in gemeldet" },
	{ "rollin.blocker_resolved", "Hindernis im Roll-in gelöst" },
	{ "feedback.answered", "Rückmeldung beantwortet" },
	{ NULL, NULL },
};

/* The German title of an event type ("Neue Version veröffentlicht"). */
static void
title_of(const char *type, char *out, size_t len)
{
	const char *dot = strrchr(type, '.'), *verb = NULL;
	size_t      i, n;

	for (i = 0; titles[i].type; i++)
		if (strcmp(titles[i].type, type) == 0) {
			snprintf(out, len, "%s", titles[i].title);
			return;
		}
	if (dot != NULL) {
		if (strcmp(dot, ".created") == 0)
			verb = "angelegt";
		else if (strcmp(dot, ".updated") == 0)
			verb = "geändert";
		else if (strcmp(dot, ".deleted") == 0)
			verb = "gelöscht";
		n = (size_t)(dot - type);
		for (i = 0; verb && resources[i].name; i++)
			if (strlen(resources[i].name) == n &&
			    strncmp(resources[i].name, type, n) == 0) {
				snprintf(out, len, "%s %s", resources[i].german,
				    verb);
				return;
			}
	}
	snprintf(out, len, "Ereignis %s", type);
}

/* A value for one line: no line breaks, bounded. */
static void
one_line(const char *s, char *out, size_t len)
{
	size_t i;

	snprintf(out, len, "%s", s ? s : "");
	for (i = 0; out[i]; i++)
		if (out[i] == '\r' || out[i] == '\n' || out[i] == '\t')
			out[i] = ' ';
}

/* "2026-03-02T10:00:00Z" as "02.03.2026, 10:00 UTC". */
static void
german_time(const char *iso, char *out, size_t len)
{
	int y, mo, d, h, mi;

	if (iso != NULL &&
	    sscanf(iso, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5)
		snprintf(out, len, "%02d.%02d.%04d, %02d:%02d UTC", d, mo, y, h,
		    mi);
	else if (iso != NULL && sscanf(iso, "%4d-%2d-%2d", &y, &mo, &d) == 3)
		snprintf(out, len, "%02d.%02d.%04d", d, mo, y);
	else
		one_line(iso, out, len);
}

static const char *
str_at(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/*
 * What the event is about, from its payload: the version (a release, or
 * the record under "release"), the cycle's name, a date it names.
 */
static void
details(json_t *payload, const char **version, const char **cycle,
    const char **date_label, const char **date)
{
	json_t *rel = json_object_get(payload, "release");
	json_t *cyc = json_object_get(payload, "cycle");

	*version = str_at(payload, "version");
	if (*version == NULL && json_is_object(rel))
		*version = str_at(rel, "version");
	*cycle = NULL;
	if (json_is_object(cyc))
		*cycle = str_at(cyc, "name");
	else if (json_is_string(cyc))
		*cycle = json_string_value(cyc);
	else if (json_is_object(rel))
		*cycle = str_at(rel, "cycle");
	*date_label = NULL;
	*date = NULL;
	if ((*date = str_at(payload, "support_until")) != NULL)
		*date_label = "Support bis";
	else if ((*date = str_at(payload, "eol")) != NULL)
		*date_label = "Wartungsende";
	else if ((*date = str_at(payload, "planned_date")) != NULL)
		*date_label = "Geplant für";
}

/* Subject: one or more RFC 2047 encoded-words (UTF-8, base64), folded. */
static void
encode_subject(struct buf *b, const char *text)
{
	size_t len = strlen(text), off = 0, n;
	char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];

	buf_printf(b, "Subject:");
	do {
		/* 45 bytes make 60 base64 characters: a word of 72 <= 75. */
		n = len - off > 45 ? 45 : len - off;
		/* Never split a UTF-8 sequence between two words. */
		while (n > 0 && off + n < len &&
		    ((unsigned char)text[off + n] & 0xC0) == 0x80)
			n--;
		sodium_bin2base64(b64, sizeof(b64),
		    (const unsigned char *)text + off, n,
		    sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", off ? "\r\n " : " ", b64);
		off += n;
	} while (off < len);
	buf_printf(b, "\r\n");
}

/* RFC 5322 date of now, in English names whatever the locale. */
static void
rfc5322_date(char *out, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t                   t = time(NULL);
	struct tm                tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Builds the whole message (headers, blank line, body) into b. */
static void
compose(struct email *e, json_t *ev, const struct rcpts *r, struct buf *b)
{
	const char *type = str_at(ev, "type"),
	           *solution = str_at(ev, "solution");
	const char *subject = str_at(ev, "subject"), *version, *cycle;
	const char *date_label, *date;
	json_t     *payload = json_object_get(ev, "payload");
	long long id = (long long)json_integer_value(json_object_get(ev, "id"));
	char      title[160], what[400], line[512], when[64], now[64];
	char      stamp[32];
	const char *domain = strchr(e->from, '@') + 1, *t;
	size_t      i, n = 0;

	type = type ? type : "";
	subject = subject ? subject : "";
	details(payload, &version, &cycle, &date_label, &date);
	title_of(type, title, sizeof(title));
	if (solution != NULL)
		snprintf(what, sizeof(what), "%.120s%s%.64s%s%.64s", solution,
		    version ? " " : "", version ? version : "",
		    !version && cycle ? " " : "",
		    !version && cycle ? cycle : "");
	else
		snprintf(what, sizeof(what), "%.200s", subject);
	for (i = 0; what[i]; i++)
		if (what[i] == '\r' || what[i] == '\n' || what[i] == '\t')
			what[i] = ' ';

	/* Headers. */
	rfc5322_date(now, sizeof(now));
	/* The event's time without separators: 20260302T100000Z. */
	for (t = str_at(ev, "time"); t && *t && n < sizeof(stamp) - 1; t++)
		if (*t != '-' && *t != ':' && *t > ' ' && *t != '>' &&
		    *t != '@')
			stamp[n++] = *t;
	stamp[n] = '\0';
	buf_printf(b, "From: Rollin <%s>\r\n", e->from);
	if (e->to != NULL) {
		buf_printf(b, "To: ");
		for (i = 0; i < r->n; i++)
			buf_printf(b, "%s%s", i ? ",\r\n " : "", r->list[i]);
		buf_printf(b, "\r\n");
	} else
		buf_printf(b, "To: undisclosed-recipients:;\r\n");
	snprintf(line, sizeof(line), "[Rollin] %.150s: %.340s", title, what);
	encode_subject(b, line);
	buf_printf(b, "Date: %s\r\n", now);
	buf_printf(b, "Message-ID: <rollin-event-%lld-%s@%s>\r\n", id, stamp,
	    domain);
	buf_printf(b,
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "Content-Language: de\r\n"
	    "Auto-Submitted: auto-generated\r\n");
	one_line(type, line, 128);
	buf_printf(b, "X-Rollin-Event: %s\r\nX-Rollin-Delivery: %lld\r\n\r\n",
	    line, id);

	/* Body. */
	buf_printf(b, "Guten Tag,\r\n\r\n");
	if (strcmp(type, "release.published") == 0 && solution && version)
		buf_printf(b,
		    "für die Lösung %s ist die Version %s "
		    "veröffentlicht worden.\r\n\r\n",
		    solution, version);
	else
		buf_printf(b,
		    "in Rollin ist ein Ereignis eingetreten, das Sie "
		    "betrifft: %s.\r\n\r\n",
		    title);
	if (solution) {
		one_line(solution, line, 200);
		buf_printf(b, "Lösung:          %s\r\n", line);
	}
	if (version) {
		one_line(version, line, 100);
		buf_printf(b, "Version:         %s\r\n", line);
	}
	if (cycle) {
		one_line(cycle, line, 100);
		buf_printf(b, "Wartungszyklus:  %s\r\n", line);
	}
	if (date) {
		german_time(date, when, sizeof(when));
		buf_printf(b, "%-16s %s\r\n",
		    strcmp(date_label, "Support bis") == 0 ? "Support bis:"
		        : strcmp(date_label, "Wartungsende") == 0
		        ? "Wartungsende:"
		        : "Geplant für:",
		    when);
	}
	one_line(type, line, 128);
	buf_printf(b, "Ereignis:        %s (%s)\r\n", title, line);
	german_time(str_at(ev, "time"), when, sizeof(when));
	buf_printf(b, "Zeitpunkt:       %s\r\n", when);
	one_line(str_at(ev, "actor"), line, 200);
	if (*line)
		buf_printf(b, "Ausgelöst von:   %s\r\n", line);
	one_line(subject, line, 300);
	buf_printf(b, "Link:            %s/api/v1/%s\r\n\r\n",
	    e->base_url ? e->base_url : "", line);
	buf_printf(b,
	    "Sie erhalten diese Nachricht, weil Sie solche Ereignisse "
	    "abonniert haben\r\noder Ihre Organisation die Lösung "
	    "nutzt oder einführt.\r\n"
	    "Ereignis-Nr. %lld: eine doppelt zugestellte Nachricht "
	    "trägt dieselbe Nummer.\r\n\r\n-- \r\nRollin\r\n",
	    id);
}

/* The server's verdict on the message: 250 delivers it. */
static void
email_done(struct rollin_call *call, long status, const char *body, size_t len,
    const char *error, void *arg)
{
	struct email *e = arg;
	char          why[384];

	(void)body;
	(void)len;
	if (status == 250) {
		e->host->finish(call, ROLLIN_OK, NULL);
		return;
	}
	if (status == 0)
		snprintf(why, sizeof(why), "no answer from %.200s: %s",
		    e->smtp_url, error && *error ? error : "sending failed");
	else
		snprintf(why, sizeof(why), "SMTP %ld from %.200s%s%.100s",
		    status, e->smtp_url, error && *error ? ": " : "",
		    error ? error : "");
	e->host->finish(call, ROLLIN_FAILED, why);
}

static enum rollin_status
email_run(void *state, struct rollin_call *call)
{
	struct email             *e = state;
	const struct rollin_host *host = e->host;
	struct rcpts              r = { .n = 0 };
	struct buf                b = { 0 };
	json_error_t              jerr;
	json_t                   *ev;
	enum rollin_status        rc = ROLLIN_FAILED;

	if ((ev = json_loads(host->event(call), 0, &jerr)) == NULL) {
		host->log(call, ROLLIN_LOG_ERROR, "the event is not JSON: %s",
		    jerr.text);
		return ROLLIN_FAILED;
	}
	rcpts_gather(e, call, &r);
	if (r.n == 0) {
		/* Nobody to tell is not a failure: nothing to retry. */
		host->log(call, ROLLIN_LOG_DEBUG, "event %lld: no recipients",
		    (long long)json_integer_value(json_object_get(ev, "id")));
		rc = ROLLIN_OK;
		goto done;
	}
	compose(e, ev, &r, &b);
	if (b.failed) {
		host->log(call, ROLLIN_LOG_ERROR, "out of memory");
		goto done;
	}
	/* The host copies everything it needs before returning. */
	if (host->smtp_send(call, e->smtp_url, e->from,
	        (const char *const *)r.list, b.s, b.len, e->user, e->password,
	        email_done, e) != 0) {
		host->log(call, ROLLIN_LOG_ERROR, "cannot start sending to %s",
		    e->smtp_url);
		goto done;
	}
	rc = ROLLIN_PENDING;
done:
	free(b.s);
	rcpts_free(&r);
	json_decref(ev);
	return rc;
}

static const struct rollin_plugin email = {
	.abi_major = ROLLIN_ABI_MAJOR,
	.abi_minor = ROLLIN_ABI_MINOR,
	.name = "email",
	.version = "1.0.0",
	.description = "sends events as German e-mails over SMTP",
	.kind = ROLLIN_NOTIFIER,
	.init = email_init,
	.fini = email_fini,
	.run = email_run,
};

ROLLIN_PLUGIN(email)
