/*
 * What the steps of the mapping share: the mapper, which carries the file
 * and what earlier steps settled (the owner's and the solution's slugs),
 * the text helpers, and the host's store as the steps use it. Private to
 * the importer (publiccode.h is what the core sees).
 */
#ifndef PUBLICCODE_MAP_H
#define PUBLICCODE_MAP_H

#include "publiccode.h"

struct mapper {
	const struct rollin_host *host;
	struct rollin_call       *call;
	const struct pc_result   *res;
	const char               *name; /* the input, for messages */
	json_t                   *doc;
	const char               *lang; /* description language used */
	char                      owner[72];
	char                      solution[80];
};

/* ---- map_text.c: text as the records take it ---------------------------- */

/* A copy with runs of white space as one space, trimmed: one-line text. */
char *pc_one_line(const char *);
/* At most max code points; cut at a word, with an ellipsis, if words. */
void pc_shorten(char *s, size_t max, int words);
/* A slug for a name: ASCII, 2 to 64 characters, starting with a letter. */
void pc_slugify(const char *name, const char *prefix, char *out, size_t outlen);

/* ---- map.c: the host ----------------------------------------------------- */

void pc_note(struct mapper *, enum rollin_log_level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "file:line:col" of a publiccode key. */
void pc_where(const struct mapper *, const char *key, char *out, size_t len);
/* The first column of the first row, as text (caller frees), or NULL. */
char *pc_lookup(struct mapper *, const char *sql, json_t *params);
int   pc_exists(struct mapper *, const char *sql, json_t *params);
/* One record, reported at key if refused. Returns 0 or -1. */
int pc_upsert(struct mapper *, const char *kind, json_t *doc, const char *match,
    const char *key);

/* ---- the steps, in the order pc_map runs them ---------------------------- */

/* map_solution.c */
const char *pc_pick_language(json_t *descs);
int         pc_solution(struct mapper *);
void        pc_release(struct mapper *);
/* map_organisations.c */
int  pc_owner(struct mapper *);
void pc_maintenance(struct mapper *);
void pc_adoptions(struct mapper *);
/* map_dependencies.c */
void pc_dependencies(struct mapper *);
/* A dependsOn entry as text (400 bytes), as a prerequisite or a note. */
int pc_dependency_text(json_t *d, const char *kind, char *text);

#endif
