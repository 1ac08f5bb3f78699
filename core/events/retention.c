#include <stdlib.h>

#include "events/delivery.h"
#include "events/retention.h"
#include "store/db.h"

int
delivery_prune(struct db *db, int64_t cutoff_ms, int batch)
{
	sqlite3_stmt *st;
	char          cutoff[DELIVERY_TS_LEN];
	int64_t      *ids;
	int           n = 0, rc;

	if ((ids = calloc((size_t)batch, sizeof(*ids))) == NULL)
		return -1;
	delivery_format_ms(cutoff_ms, cutoff);
	/* Read first, outside the write lock; then a short delete. */
	if ((st = db_prepare(db,
	         "SELECT id FROM deliveries WHERE state = 'delivered' "
	         "AND updated_at < ? ORDER BY id LIMIT ?")) == NULL)
		goto failed;
	db_bind_text(st, 1, cutoff);
	sqlite3_bind_int(st, 2, batch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto failed;
	if (n == 0) {
		free(ids);
		return 0;
	}
	if (db_begin(db) == -1)
		goto failed;
	/* The state again: a delivered row never changes, but be exact. */
	if ((st = db_prepare(db,
	         "DELETE FROM deliveries WHERE id = ? AND "
	         "state = 'delivered' AND updated_at < ?")) == NULL)
		goto rollback;
	for (int i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		db_bind_text(st, 2, cutoff);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto rollback;
	}
	if (db_commit(db) == -1)
		goto failed;
	free(ids);
	return n;
rollback:
	db_rollback(db);
failed:
	free(ids);
	return -1;
}
