/*
 * iCalendar feeds of the lifecycle dates (release plans, releases, support
 * ends, ends of life) and roll-in milestones, for calendar clients to
 * subscribe to:
 *
 *	GET /api/v1/solutions/{slug}/calendar.ics	one solution
 *	GET /api/v1/organisations/{slug}/calendar.ics	what it adopted,
 *							its roll-ins
 *	GET /api/v1/calendar.ics			every solution
 *
 * Every date is an all-day event. Its UID names the record, its id and
 * the kind of date ("cycle-57-eol@host"), and its SEQUENCE is the
 * record's revision, so that a client updates a moved date in place
 * instead of showing it twice. Support ends and ends of life carry a
 * reminder (?remind=N days before, 0 for none). Texts are German unless
 * ?lang=en. The text is built with libical, never by hand, on the worker
 * thread: a feed of the whole catalogue reads every date.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <libical/ical.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/dates.h"
#include "http/offload.h"
#include "http/reply.h"
#include "store/db.h"
#include "util/clock.h"
#include "util/strbuf.h"

#define REMIND_DEFAULT 30
#define REMIND_MAX     365
#define PRODID         "-//Rollin//Rollin " ROLLIN_VERSION "//DE"

enum lang { LANG_DE, LANG_EN };

/*
 * What a date means, per kind and language (LANG_DE first). In the
 * templates {s} is the solution's name, {l} the version, cycle or step,
 * {a} the adopter.
 */
struct kind_text {
	const char *summary[2], *description[2], *category[2];
	const char *done[2]; /* added when the milestone is reached */
	int         alarm;   /* whether it gets the reminder */
};

/* Prose reads best unbroken by the formatter. */
/* clang-format off */
static const struct kind_text kind_texts[DATE_KINDS] = {
	[DATE_RELEASE_PLANNED] = {
		.summary = { "{s} {l}: geplantes Release",
		    "{s} {l}: planned release" },
		.description = {
		    "Laut Release-Plan soll {s} {l} an diesem Tag erscheinen. "
		    "Der Termin kann sich noch verschieben.",
		    "According to the release plan, {s} {l} is due on this "
		    "day. The date may still move." },
		.category = { "Release-Plan", "Release plan" },
	},
	[DATE_RELEASED] = {
		.summary = { "{s} {l}: Release", "{s} {l}: released" },
		.description = { "{s} {l} ist an diesem Tag erschienen.",
		    "{s} {l} was released on this day." },
		.category = { "Release", "Release" },
	},
	[DATE_CYCLE_RELEASE] = {
		.summary = { "{s} {l}: Beginn des Wartungszyklus",
		    "{s} {l}: start of the maintenance cycle" },
		.description = {
		    "Der Wartungszyklus {l} von {s} beginnt an diesem Tag mit "
		    "seinem ersten Release.",
		    "The maintenance cycle {l} of {s} starts on this day with "
		    "its first release." },
		.category = { "Wartungszyklus", "Maintenance cycle" },
	},
	[DATE_SUPPORT_END] = {
		.summary = { "{s} {l}: Ende des aktiven Supports",
		    "{s} {l}: end of active support" },
		.description = {
		    "Der aktive Support für {s} {l} endet an diesem Tag: "
		    "danach gibt es nur noch Sicherheitskorrekturen. Planen "
		    "Sie den Wechsel auf einen neueren Zyklus.",
		    "Active support for {s} {l} ends on this day: afterwards "
		    "it receives security fixes only. Plan the move to a "
		    "newer cycle." },
		.category = { "Support-Ende", "End of support" },
		.alarm = 1,
	},
	[DATE_EOL] = {
		.summary = { "{s} {l}: Wartungsende", "{s} {l}: end of life" },
		.description = {
		    "{s} {l} erreicht an diesem Tag sein Wartungsende (End of "
		    "Life): danach gibt es auch keine Sicherheitskorrekturen "
		    "mehr. Wer diesen Zyklus nutzt, sollte vorher auf einen "
		    "unterstützten wechseln.",
		    "{s} {l} reaches its end of life on this day: afterwards "
		    "it receives no security fixes either. Whoever uses this "
		    "cycle should move to a supported one before." },
		.category = { "Wartungsende", "End of life" },
		.alarm = 1,
	},
	[DATE_EXTENDED_END] = {
		.summary = { "{s} {l}: Ende des erweiterten Supports",
		    "{s} {l}: end of extended support" },
		.description = {
		    "Der erweiterte Support für {s} {l} endet an diesem Tag; "
		    "danach wird der Zyklus gar nicht mehr unterstützt.",
		    "Extended support for {s} {l} ends on this day; afterwards "
		    "the cycle is not supported at all." },
		.category = { "Support-Ende", "End of support" },
		.alarm = 1,
	},
	[DATE_STEP_DUE] = {
		.summary = { "Roll-in {s} bei {a}: {l}",
		    "Roll-in {s} at {a}: {l}" },
		.description = {
		    "Der Schritt „{l}“ des Roll-ins von {s} bei {a} ist an "
		    "diesem Tag fällig.",
		    "The step “{l}” of the roll-in of {s} at {a} is due on "
		    "this day." },
		.category = { "Roll-in", "Roll-in" },
		.done = { " Der Schritt ist erledigt.", " The step is done." },
	},
	[DATE_GOLIVE_TARGET] = {
		.summary = { "Roll-in {s} bei {a}: geplanter Go-live",
		    "Roll-in {s} at {a}: target go-live" },
		.description = {
		    "Für den Roll-in von {s} bei {a} ist der Go-live an diesem "
		    "Tag geplant.",
		    "The roll-in of {s} at {a} aims to go live on this day." },
		.category = { "Roll-in", "Roll-in" },
		.done = { " Die Lösung ist live.", " The solution is live." },
	},
};
/* clang-format on */

/*
 * One feed: what the loop asked for, built on the worker (a feed of the
 * whole catalogue reads every date), answered on the loop.
 */
struct feed {
	struct offload     off;
	enum lang          lang;
	int                remind; /* days before; 0: no reminders */
	char               base[300], host[256], title[300];
	struct date_filter filter;
	char              *owner, *solutions; /* the filter's, owned */
	int                rollins;           /* with the adopter's roll-ins */
	int                private_data;      /* kept out of shared caches */

	/* made on the worker */
	struct strbuf events; /* the VEVENTs' text so far */
	char         *text;   /* the calendar; NULL if building it failed */
	char          etag[40];
};

/* Fills a template of kind_texts. */
static char *
fill(const char *tpl, const struct dated *d)
{
	struct strbuf b = { 0 };
	const char   *p = tpl, *v;
	size_t        n;

	while (*p) {
		if (p[0] == '{' && p[1] && p[2] == '}') {
			v = p[1] == 's'   ? d->solution_name
			    : p[1] == 'l' ? d->label
			    : p[1] == 'a' ? d->adopter
			                  : NULL;
			strbuf_add(&b, v ? v : "");
			p += 3;
			continue;
		}
		/* The literal text up to the next placeholder, at once. */
		n = strcspn(p + 1, "{") + 1;
		strbuf_addf(&b, "%.*s", (int)n, p);
		p += n;
	}
	return strbuf_take(&b);
}

/* A date as libical's all-day value; -1 if the stored date is malformed. */
static int
ical_date(const char *date, struct icaltimetype *out)
{
	struct tm tm;
	time_t    t;

	if (date == NULL || clock_parse_date(date, &t) == -1 ||
	    gmtime_r(&t, &tm) == NULL)
		return -1;
	*out = icaltime_null_date();
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	return 0;
}

/* The record's last change as a UTC date-time (now if unknown). */
static struct icaltimetype
ical_stamp(const char *ts)
{
	time_t t;

	if (ts == NULL || clock_parse_ts(ts, &t) == -1)
		t = clock_now();
	return icaltime_from_timet_with_zone(t, 0,
	    icaltimezone_get_utc_timezone());
}

static void
add_alarm(icalcomponent *ev, int days, const char *text)
{
	icalcomponent         *alarm = icalcomponent_new_valarm();
	struct icaltriggertype trig;

	memset(&trig, 0, sizeof(trig));
	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_int(-days * 24 * 3600);
	icalcomponent_add_property(alarm,
	    icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(alarm, icalproperty_new_trigger(trig));
	icalcomponent_add_property(alarm, icalproperty_new_description(text));
	icalcomponent_add_component(ev, alarm);
}

/* Appends a component as libical writes it (as it would nested). */
static void
append_component(struct strbuf *b, icalcomponent *c)
{
	char *text = icalcomponent_as_ical_string_r(c);

	if (text != NULL)
		strbuf_add(b, text);
	icalmemory_free_buffer(text);
}

/* dated_fn: one VEVENT per date. */
static int
add_event(const struct dated *d, void *arg)
{
	struct feed            *f = arg;
	const struct kind_text *kt = &kind_texts[d->kind];
	struct icaltimetype     start, end;
	icalcomponent          *ev;
	struct strbuf           desc = { 0 };
	char                    uid[400], url[600], *summary, *text;

	if (ical_date(d->date, &start) == -1)
		return 0; /* nothing a calendar could place */
	end = start;
	icaltime_adjust(&end, 1, 0, 0, 0);
	snprintf(uid, sizeof(uid), "%s-%lld-%s@%s", d->record, (long long)d->id,
	    date_kind_name(d->kind), f->host);
	snprintf(url, sizeof(url), "%s/solution.html?slug=%s", f->base,
	    d->solution_slug);
	summary = fill(kt->summary[f->lang], d);
	text = fill(kt->description[f->lang], d);
	strbuf_add(&desc, text);
	if (d->done && kt->done[f->lang])
		strbuf_add(&desc, kt->done[f->lang]);
	strbuf_addf(&desc, "\n\n%s", url);
	free(text);
	text = strbuf_take(&desc);

	ev = icalcomponent_new_vevent();
	icalcomponent_add_property(ev, icalproperty_new_uid(uid));
	icalcomponent_add_property(ev,
	    icalproperty_new_dtstamp(ical_stamp(d->updated_at)));
	icalcomponent_add_property(ev,
	    icalproperty_new_lastmodified(ical_stamp(d->updated_at)));
	icalcomponent_add_property(ev,
	    icalproperty_new_sequence(d->rev > 0 ? (int)d->rev : 0));
	icalcomponent_add_property(ev, icalproperty_new_dtstart(start));
	icalcomponent_add_property(ev, icalproperty_new_dtend(end));
	icalcomponent_add_property(ev, icalproperty_new_summary(summary));
	icalcomponent_add_property(ev, icalproperty_new_description(text));
	icalcomponent_add_property(ev, icalproperty_new_url(url));
	icalcomponent_add_property(ev,
	    icalproperty_new_categories(kt->category[f->lang]));
	/* A date is not a meeting: it never blocks the reader's time. */
	icalcomponent_add_property(ev,
	    icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	if (kt->alarm && f->remind > 0)
		add_alarm(ev, f->remind, summary);
	/*
	 * Each event is written out and freed at once: the text of a
	 * catalogue's calendar is an eighth of its libical tree.
	 */
	append_component(&f->events, ev);
	icalcomponent_free(ev);
	free(summary);
	free(text);
	return 0;
}

/* ---- building, off the loop --------------------------------------------- */

/*
 * The calendar: libical writes the VCALENDAR with its properties and no
 * events, and the events' text goes in before its END line, where
 * libical would have written them.
 */
static char *
feed_close(struct feed *f)
{
	icalcomponent    *cal = icalcomponent_new_vcalendar();
	icalproperty     *p;
	struct strbuf     out = { 0 };
	static const char last[] = "END:VCALENDAR\r\n";
	char             *shell;
	size_t            len;

	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal,
	    icalproperty_new_method(ICAL_METHOD_PUBLISH));
	/* The name most clients show for a subscribed calendar. */
	p = icalproperty_new_x(f->title);
	icalproperty_set_x_name(p, "X-WR-CALNAME");
	icalcomponent_add_property(cal, p);
	shell = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	/* The last line, not the first "END:VCALENDAR" (a name may say it). */
	len = shell ? strlen(shell) : 0;
	if (len < sizeof(last) - 1 ||
	    strcmp(shell + len - (sizeof(last) - 1), last) != 0) {
		icalmemory_free_buffer(shell);
		return NULL;
	}
	strbuf_addf(&out, "%.*s", (int)(len - (sizeof(last) - 1)), shell);
	if (f->events.s != NULL)
		strbuf_add(&out, f->events.s);
	strbuf_add(&out, last);
	icalmemory_free_buffer(shell);
	return strbuf_take(&out);
}

/* On the worker: the calendar's text and its ETag, a hash of the text. */
static void
feed_build(struct offload *o, struct db *db)
{
	struct feed  *f = o->arg;
	unsigned char hash[16];
	char          hex[33];

	if (dates_lifecycle(db, &f->filter, add_event, f) == 0 &&
	    (!f->rollins ||
	        dates_rollins(db, f->filter.adopter_id, add_event, f) == 0))
		f->text = feed_close(f);
	strbuf_free(&f->events);
	if (f->text == NULL)
		return;
	crypto_generichash(hash, sizeof(hash), (const unsigned char *)f->text,
	    strlen(f->text), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(f->etag, sizeof(f->etag), "\"%s\"", hex);
}

/*
 * On the loop: the answer. A client polling an unchanged feed gets 304
 * without the body; no-cache makes it ask every time, as dates move.
 */
static void
feed_send(struct offload *o, struct request *req)
{
	struct feed      *f = o->arg;
	struct evkeyvalq *out;
	const char       *inm;
	struct evbuffer  *buf;

	if (req->ev == NULL)
		; /* the client went away */
	else if (f->text == NULL)
		reply_errorf(req, 500, "store", NULL,
		    "reading the dates failed");
	else {
		out = evhttp_request_get_output_headers(req->ev);
		evhttp_add_header(out, "ETag", f->etag);
		evhttp_add_header(out, "Cache-Control",
		    f->private_data ? "private, no-cache" : "no-cache");
		inm = evhttp_find_header(evhttp_request_get_input_headers(
		                             req->ev),
		    "If-None-Match");
		if (inm && strcmp(inm, f->etag) == 0)
			reply_buffer(req, 304, NULL, NULL, 0);
		else {
			buf = evbuffer_new();
			evbuffer_add(buf, f->text, strlen(f->text));
			reply_buffer(req, 200, "text/calendar; charset=utf-8",
			    buf, 0);
			evbuffer_free(buf);
		}
	}
	free(f->text);
	free(f->owner);
	free(f->solutions);
	free(f);
}

/* ---- request ------------------------------------------------------------ */

/*
 * A new feed with lang and remind read; refuses any parameter not in
 * allowed. Replies 400 (or 500) and returns NULL on a bad one.
 */
static struct feed *
feed_new(struct request *req, const char *const *allowed)
{
	const char        *lang = request_query(req, "lang");
	const char        *remind = request_query(req, "remind");
	struct evkeyval   *kv;
	const char *const *a;
	struct feed       *f;
	char              *end;
	long               n = REMIND_DEFAULT;

	TAILQ_FOREACH(kv, &req->query, next)
	{
		for (a = allowed; *a && strcmp(*a, kv->key) != 0; a++)
			;
		if (*a == NULL) {
			reply_errorf(req, 400, "invalid_parameter", kv->key,
			    "%s is not a parameter of this feed", kv->key);
			return NULL;
		}
	}
	if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "de") != 0) {
		reply_errorf(req, 400, "invalid_parameter", "lang",
		    "lang must be de or en");
		return NULL;
	}
	if (remind) {
		n = strtol(remind, &end, 10);
		if (*remind == '\0' || *end != '\0' || n < 0 ||
		    n > REMIND_MAX) {
			reply_errorf(req, 400, "invalid_parameter", "remind",
			    "remind must be a number of days from 0 (no "
			    "reminders) to %d",
			    REMIND_MAX);
			return NULL;
		}
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return NULL;
	}
	f->lang = lang && strcmp(lang, "en") == 0 ? LANG_EN : LANG_DE;
	f->remind = (int)n;
	request_base_url(req, f->base, sizeof(f->base));
	request_host_name(req, f->host, sizeof(f->host));
	return f;
}

/* Builds the feed on the worker and answers from the loop. */
static void
feed_start(struct request *req, struct feed *f)
{
	f->filter.owner = f->owner;
	f->filter.solutions = f->solutions;
	f->off.run = feed_build;
	f->off.done = feed_send;
	f->off.arg = f;
	request_offload(req, &f->off, worker_default());
}

/*
 * Looks up the id and name of a solution or organisation by slug; 0 if
 * found, 1 if there is none, -1 if reading failed. name may be NULL.
 */
static int
find_by_slug(struct request *req, const char *table, const char *slug,
    int64_t *id, char *name, size_t namelen)
{
	/* table is one of two literals, never client input. */
	sqlite3_stmt *st = db_prepare(req->db,
	    strcmp(table, "solutions") == 0
	        ? "SELECT id, name FROM solutions WHERE slug = ?"
	        : "SELECT id, name FROM organisations WHERE slug = ?");
	int           rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, slug);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (name)
			snprintf(name, namelen, "%s", db_column_text(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Replies 404 or 500 for a slug find_by_slug did not resolve. */
static void
reply_unknown(struct request *req, int rc, const char *what, const char *field,
    const char *slug)
{
	if (rc == 1)
		reply_errorf(req, 404, "not_found", field,
		    "there is no %s '%s'", what, slug);
	else
		reply_errorf(req, 500, "store", NULL,
		    "reading the catalogue failed");
}

static const char *const single_params[] = { "lang", "remind", NULL };

void
api_calendar_solution(struct request *req)
{
	struct feed *f;
	char         name[256];
	int          rc;

	if ((f = feed_new(req, single_params)) == NULL)
		return;
	rc = find_by_slug(req, "solutions", req->params[0],
	    &f->filter.solution_id, name, sizeof(name));
	if (rc != 0) {
		free(f);
		reply_unknown(req, rc, "solution", NULL, req->params[0]);
		return;
	}
	snprintf(f->title, sizeof(f->title), "Rollin: %s", name);
	feed_start(req, f);
}

/*
 * The solutions an organisation adopted and, for a signed-in client (as
 * roll-ins are readable only signed in), the milestones of the roll-ins
 * it takes part in.
 */
void
api_calendar_organisation(struct request *req)
{
	struct feed *f;
	char         name[256];
	int          rc;

	if ((f = feed_new(req, single_params)) == NULL)
		return;
	rc = find_by_slug(req, "organisations", req->params[0],
	    &f->filter.adopter_id, name, sizeof(name));
	if (rc != 0) {
		free(f);
		reply_unknown(req, rc, "organisation", NULL, req->params[0]);
		return;
	}
	snprintf(f->title, sizeof(f->title), "Rollin: %s", name);
	f->rollins = f->private_data = request_signed_in(req);
	feed_start(req, f);
}

/* Every solution, or those named by ?solution=slug (repeatable) and
 * ?owner=organisation. */
void
api_calendar_all(struct request *req)
{
	static const char *const params[] = { "lang", "remind", "solution",
		"owner", NULL };
	struct feed             *f;
	struct evkeyval         *kv;
	const char              *owner = request_query(req, "owner");
	json_t                  *slugs = NULL;
	int64_t                  id;
	int                      rc;

	if ((f = feed_new(req, params)) == NULL)
		return;
	TAILQ_FOREACH(kv, &req->query, next)
	{
		if (strcmp(kv->key, "solution") != 0)
			continue;
		if ((rc = find_by_slug(req, "solutions", kv->value, &id, NULL,
		         0)) != 0) {
			json_decref(slugs);
			free(f);
			reply_unknown(req, rc, "solution", "solution",
			    kv->value);
			return;
		}
		if (slugs == NULL)
			slugs = json_array();
		json_array_append_new(slugs, json_string(kv->value));
	}
	if (owner &&
	    (rc = find_by_slug(req, "organisations", owner, &id, NULL, 0)) !=
	        0) {
		json_decref(slugs);
		free(f);
		reply_unknown(req, rc, "organisation", "owner", owner);
		return;
	}
	if (slugs) {
		f->solutions = json_dumps(slugs, JSON_COMPACT);
		json_decref(slugs);
	}
	f->owner = owner ? strdup(owner) : NULL;
	if ((slugs != NULL && f->solutions == NULL) ||
	    (owner != NULL && f->owner == NULL)) {
		free(f->solutions);
		free(f);
		reply_errorf(req, 500, "internal", NULL, "out of memory");
		return;
	}
	snprintf(f->title, sizeof(f->title), "%s",
	    f->lang == LANG_EN ? "Rollin: solution catalogue"
	                       : "Rollin: Lösungskatalog");
	feed_start(req, f);
}
