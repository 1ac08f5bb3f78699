/*
 * The SQL of each resource, generated once from its descriptor: the
 * SELECT with the joins that show references by their keys, lookups by
 * key and by id, and the INSERT, UPDATE and DELETE the writes use. The
 * column layout it makes is the one row_to_record() reads.
 */
#include <stdio.h>
#include <string.h>

#include "store/record_sql.h"
#include "util/log.h"
#include "util/strbuf.h"

static struct res_sql sqls[32]; /* one per resource */
static size_t         nsqls;

static void
column_name(const struct field *f, char *out, size_t len)
{
	snprintf(out, len, f->type == FT_REF ? "%s_id" : "%s", f->name);
}

int
record_ref_by_id(const struct field *f)
{
	return strcmp(field_ref_key(f), "id") == 0;
}

const struct res_sql *
sql_for(const struct resource *res)
{
	struct strbuf sel = { 0 }, joins = { 0 }, ins = { 0 }, vals = { 0 },
	              upd = { 0 };
	struct res_sql     *q;
	const struct field *f;
	char                col[80];
	int                 n = COL_FIRST, i;

	for (size_t k = 0; k < nsqls; k++)
		if (sqls[k].res == res)
			return &sqls[k];
	if (nsqls == sizeof(sqls) / sizeof(sqls[0]))
		fatalx("sql_for: too many resources");
	q = &sqls[nsqls++];
	q->res = res;
	strbuf_add(&sel,
	    "SELECT t.id, t.rev, t.created_at, t.updated_at, "
	    "t.updated_by, ");
	if (res->parent) {
		snprintf(q->pcol, sizeof(q->pcol), "%s_id", res->parent->name);
		strbuf_addf(&sel, "p.%s, t.%s", res->parent->key, q->pcol);
		strbuf_addf(&joins, " JOIN %s p ON p.id = t.%s",
		    res->parent->table, q->pcol);
	} else
		strbuf_add(&sel, "NULL, NULL");
	strbuf_addf(&ins, "INSERT INTO %s (", res->table);
	strbuf_addf(&upd, "UPDATE %s SET ", res->table);
	if (res->parent) {
		strbuf_addf(&ins, "%s, ", q->pcol);
		strbuf_add(&vals, "?, ");
	}
	for (i = 0, f = res->fields; f->name; f++, i++) {
		if (i == MAX_FIELDS)
			fatalx("sql_for: %s has too many fields", res->name);
		column_name(f, col, sizeof(col));
		if (f->type == FT_REF && !record_ref_by_id(f)) {
			strbuf_addf(&sel, ", r%d.%s", i, field_ref_key(f));
			strbuf_addf(&joins,
			    " LEFT JOIN %s r%d ON r%d.id = t.%s", f->ref->table,
			    i, i, col);
			q->col[i] = n++;
			strbuf_addf(&sel, ", t.%s", col);
			q->idcol[i] = n++;
		} else {
			strbuf_addf(&sel, ", t.%s", col);
			q->col[i] = q->idcol[i] = n++;
		}
		strbuf_addf(&ins, "%s, ", col);
		strbuf_add(&vals, "?, ");
		strbuf_addf(&upd, "%s = ?, ", col);
	}
	/*
	 * A collated field's sort key is made from the value bound for the
	 * field itself (?N), in the same statement: no write can change the
	 * text and leave its key behind.
	 */
	for (i = 0, f = res->fields; f->name; f++, i++)
		if (f->flags & F_COLLATE) {
			strbuf_addf(&ins, "%s_key, ", f->name);
			strbuf_addf(&vals, "rollin_sort_key(?%d), ",
			    (res->parent ? 2 : 1) + i);
			strbuf_addf(&upd, "%s_key = rollin_sort_key(?%d), ",
			    f->name, 1 + i);
		}
	q->nfields = i;
	q->extra_col = n;
	for (const char *const *e = res->extra_columns; e && *e; e++)
		strbuf_addf(&sel, ", t.%s", *e);
	q->parent_col = res->parent ? COL_PARENT : -1;
	strbuf_addf(&sel, " FROM %s t%s", res->table, joins.s ? joins.s : "");
	strbuf_free(&joins);
	q->from = strbuf_take(&sel);

	strbuf_addf(&sel, "%s WHERE t.%s = ?", q->from, res->key);
	if (res->parent)
		strbuf_addf(&sel, " AND t.%s = ?", q->pcol);
	q->by_key = strbuf_take(&sel);
	strbuf_addf(&sel, "%s WHERE t.id = ?", q->from);
	q->by_id = strbuf_take(&sel);

	strbuf_addf(&ins,
	    "rev, created_at, updated_at, updated_by) VALUES "
	    "(%s1, ?, ?, ?)",
	    vals.s ? vals.s : "");
	strbuf_free(&vals);
	q->insert = strbuf_take(&ins);
	if (res->flags & R_RENDERED)
		strbuf_add(&upd, "rendered = ?, ");
	strbuf_add(&upd,
	    "rev = rev + 1, updated_at = ?, updated_by = ? "
	    "WHERE id = ? AND rev = ?");
	q->update = strbuf_take(&upd);
	strbuf_addf(&sel, "DELETE FROM %s WHERE id = ? AND rev = ?",
	    res->table);
	q->delete = strbuf_take(&sel);
	return q;
}
