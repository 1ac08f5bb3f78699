/* Internal to store/record*.c: the SQL generated for each resource. */
#ifndef ROLLIN_STORE_RECORD_SQL_H
#define ROLLIN_STORE_RECORD_SQL_H

#include <sqlite3.h>

#include "domain/resource.h"

#define MAX_FIELDS 40

struct db;

/* The leading columns of every res_sql.from, before the fields'. */
enum {
	COL_ID,
	COL_REV,
	COL_CREATED,
	COL_UPDATED,
	COL_BY,
	COL_PARENT,
	COL_PARENT_ID,
	COL_FIRST
};

struct res_sql {
	const struct resource *res;
	int                    nfields;
	int                    col[MAX_FIELDS];   /* shown value */
	int                    idcol[MAX_FIELDS]; /* FT_REF: row id */
	int                    parent_col;        /* parent's key, or -1 */
	char                   pcol[64];          /* "solution_id" */
	int                    extra_col;         /* first extra column */
	char                  *from; /* SELECT ... FROM ... JOIN ... */
	char                  *by_key, *by_id;
	char                  *insert, *update, *delete;
};

/*
 * True if an FT_REF field is keyed by the target's row id: its column is
 * shown as it is, with no join for a key of the target's.
 */
int record_ref_by_id(const struct field *);

/* Builds (once) and returns the SQL of res. */
const struct res_sql *sql_for(const struct resource *);
/* Reads the current row of a statement made from q->from into r. */
void row_to_record(struct db *, const struct res_sql *, sqlite3_stmt *,
    struct record *);

#endif
