/*
 * API handlers. Generic handlers serve every resource described in
 * domain/ (list, get, create, update, delete); the others add what is
 * special: confirming and retiring solutions, search, problems, events.
 */
#ifndef ROLLIN_API_API_H
#define ROLLIN_API_API_H

#include "http/request.h"
#include "store/record.h"

/* api/records.c */
void api_record_list(struct request *);
void api_record_get(struct request *);
void api_record_create(struct request *);
void api_record_update(struct request *);
void api_record_delete(struct request *);
/* Resolves the {slug} of a nested route to the solution's row id; replies
 * 404 and returns -1 if there is none. */
int api_parent_id(struct request *, int64_t *);
/* Reads limit/sort/cursor and the remaining query as filters. */
int api_list_params(struct request *, struct list_params *,
    const char *const *reserved);

/* api/users.c */
void api_user_list(struct request *);
void api_user_create(struct request *);
void api_user_get(struct request *);
void api_user_update(struct request *);

/* api/solutions.c */
void api_solution_list(struct request *);
void api_solution_get(struct request *);
void api_solution_confirm(struct request *);
void api_solution_delete(struct request *);

/* api/publiccode_export.c */
void api_solution_publiccode(struct request *);

/* api/overview.c */
void api_solution_overview(struct request *);

/* api/feedback.c */
void api_feedback_answer(struct request *);

/* api/reuse_checks.c */
void api_reuse_check_export(struct request *);

/* api/stats.c */
void api_rollin_stats(struct request *);

/* api/subscriptions.c */
void api_event_recipients(struct request *);

/* api/deliveries.c */
void api_deliveries_list(struct request *);
void api_deliveries_status(struct request *);
void api_delivery_retry(struct request *);
void api_delivery_discard(struct request *);

/* api/imports.c */
void api_import_create(struct request *);
void api_import_list(struct request *);
void api_import_get(struct request *);
void api_import_running(struct request *);

/* api/reports.c */
void api_report_list(struct request *);
void api_report_get(struct request *);

/* api/eol.c: the endoflife.date API v1 for the catalogue's solutions */
void api_eol_index(struct request *);
void api_eol_products(struct request *);
void api_eol_product(struct request *);
void api_eol_latest(struct request *);
void api_eol_release(struct request *);

/* api/calendar.c: iCalendar feeds of lifecycle dates and milestones */
void api_calendar_all(struct request *);
void api_calendar_solution(struct request *);
void api_calendar_organisation(struct request *);

/* api/feeds.c: Atom feeds of releases and lifecycle events */
void api_feed(struct request *);
void api_solution_feed(struct request *);

/* api/badges.c: SVG badges (maturity, maintenance, reuse) */
void api_solution_badge(struct request *);

/* api/search.c */
void api_search(struct request *);
void api_problems(struct request *);

/* http/session.c: signing a browser in and out */
void api_session_create(struct request *);
void api_session_get(struct request *);
void api_session_delete(struct request *);
/* The signed-in account changes its own password (http/signin.c). */
void api_session_password(struct request *);

/* api/meta.c */
void api_index(struct request *);
void api_openapi(struct request *);
void api_plugins(struct request *);
void api_events(struct request *);

#endif
