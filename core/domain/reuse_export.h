/*
 * The documentation of a reuse check ("Dokumentation der
 * Nachnutzungsprüfung") that the seeking organisation files with its
 * project: Markdown, and a printable HTML5 page rendered from it.
 *
 * The generator works on a prepared JSON object so that it needs no store:
 *
 *   { "id": 12, "title": "...", "need": "...", "decision": "reuse",
 *     "reason": "...", "decided_on": "2026-11-29",
 *     "exported_on": "2026-11-30",
 *     "organisation": { "slug": "...", "name": "..." },
 *     "chosen": { "slug": "...", "name": "..." },
 *     "considered": [
 *       { "solution": { "slug", "name", "maturity",
 *                       "owner": { "slug", "name" } },
 *         "name": "...", "url": "...", "assessment": "...",
 *         "suitable": true } ] }
 *
 * Everything but title, organisation and decision may be missing; the
 * document then says so ("nicht angegeben") instead of leaving a gap.
 * "solution" is present for catalogue entries, "name" and "url" for
 * solutions outside the catalogue.
 */
#ifndef ROLLIN_DOMAIN_REUSE_EXPORT_H
#define ROLLIN_DOMAIN_REUSE_EXPORT_H

#include <jansson.h>

#define REUSE_EXPORT_DATE_LEN 11 /* "29.11.2026" + NUL */

/* The document as Markdown (CommonMark); a malloc'ed string. */
char *reuse_export_markdown(const json_t *check);
/*
 * A complete HTML5 document whose body is the Markdown above rendered by
 * util/markdown.h (raw HTML dropped); malloc'ed, NULL if out of memory.
 */
char *reuse_export_html(const json_t *check);
/* "2026-11-29" as "29.11.2026"; -1 (out empty) if iso is no such date. */
int reuse_export_date(const char *iso, char out[REUSE_EXPORT_DATE_LEN]);

#endif
