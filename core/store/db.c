#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/db.h"
#include "store/functions.h"
#include "store/sort_keys.h"
#include "util/embedded.h"
#include "util/log.h"

#define STMT_CACHE_SIZE 1024 /* power of two */
#define STMT_CACHE_LOAD (STMT_CACHE_SIZE * 3 / 4)

struct stmt_slot {
	char         *sql;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3         *handle;
	char            *path;
	size_t           nstmts;
	struct stmt_slot stmts[STMT_CACHE_SIZE];
	uint16_t         used[STMT_CACHE_LOAD]; /* the slots in use */
	sqlite3_stmt   **overflow; /* prepared past the load limit */
	size_t           noverflow;
	int              depth; /* open transactions and savepoints */
};

static uint32_t
hash_sql(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * The write-ahead log, written in one piece per commit.
 *
 * SQLite writes every frame of a commit to the WAL with two pwrite()
 * calls, one for its 24-byte header and one for the page: 20 to 60 system
 * calls for one write request, and on a virtual machine a system call is
 * what a write costs most. The "rollin" VFS is the default one, except
 * that the WAL file collects a run of frames in memory and writes it with
 * one call when the frame that commits (its header names the database
 * size) is complete. Readers see frames only after the commit has updated
 * the WAL index, which happens after that write, so they never look at
 * frames that are not yet in the file. Anything else done with the file
 * (a read, a sync, a truncation, a write elsewhere or of another shape)
 * first writes out what was collected, so the file is always as SQLite
 * expects it; an unexpected write goes straight through.
 */
#define WAL_HDR       32 /* the WAL file's own header */
#define WAL_FRAME_HDR 24 /* before each page */
#define WAL_BUF_MAX   (4u << 20)
#define WAL_WRITE_MAX 126976 /* 31 pages of 4 KB */

struct wal_file {
	sqlite3_file   base;
	sqlite3_file  *real; /* the default VFS's file, right after this */
	unsigned char *buf;
	size_t         len, cap;
	sqlite3_int64  off;    /* where buf[0] goes */
	int            expect; /* 1: a frame header came, its page is next */
	int            commit; /* that header marks a commit */
};

static sqlite3_vfs *real_vfs;

static int
wal_flush(struct wal_file *w)
{
	size_t done, n;
	int    rc = SQLITE_OK;

	/* The unix VFS writes at most 128 KB - 1 in one call. */
	for (done = 0; done < w->len && rc == SQLITE_OK; done += n) {
		n = w->len - done < WAL_WRITE_MAX ? w->len - done
		                                  : WAL_WRITE_MAX;
		rc = w->real->pMethods->xWrite(w->real, w->buf + done, (int)n,
		    w->off + (sqlite3_int64)done);
	}
	w->len = 0;
	w->expect = w->commit = 0;
	return rc;
}

static int
wal_collect(struct wal_file *w, const void *data, int amt, sqlite3_int64 off)
{
	unsigned char *grown;
	size_t         cap;

	if (w->len > 0 && off != w->off + (sqlite3_int64)w->len) {
		int rc = wal_flush(w);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (w->len + (size_t)amt > w->cap) {
		cap = w->cap ? w->cap : 65536;
		while (cap < w->len + (size_t)amt)
			cap *= 2;
		if ((grown = realloc(w->buf, cap)) == NULL)
			return SQLITE_NOMEM;
		w->buf = grown;
		w->cap = cap;
	}
	if (w->len == 0)
		w->off = off;
	memcpy(w->buf + w->len, data, (size_t)amt);
	w->len += (size_t)amt;
	return SQLITE_OK;
}

static int
wal_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
	struct wal_file     *w = (struct wal_file *)f;
	const unsigned char *p = data;
	int                  rc;

	if (w->expect) {
		/* the page of the frame whose header was collected */
		if ((rc = wal_collect(w, data, amt, off)) != SQLITE_OK)
			return rc;
		w->expect = 0;
		if (w->commit || w->len > WAL_BUF_MAX)
			return wal_flush(w);
		return SQLITE_OK;
	}
	if ((amt == WAL_HDR && off == 0) ||
	    (amt == WAL_FRAME_HDR && off >= WAL_HDR)) {
		if ((rc = wal_collect(w, data, amt, off)) != SQLITE_OK)
			return rc;
		if (amt == WAL_FRAME_HDR) {
			w->expect = 1;
			w->commit = (p[4] | p[5] | p[6] | p[7]) != 0;
		}
		return SQLITE_OK;
	}
	if ((rc = wal_flush(w)) != SQLITE_OK)
		return rc;
	return w->real->pMethods->xWrite(w->real, data, amt, off);
}

static int
wal_close(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;
	int              rc = wal_flush(w), rc2;

	rc2 = w->real->pMethods->xClose(w->real);
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

/* Every other method writes out what was collected, then passes on. */
#define WAL_PASS(call)                                     \
	do {                                               \
		struct wal_file *w = (struct wal_file *)f; \
		int              rc = wal_flush(w);        \
		if (rc != SQLITE_OK)                       \
			return rc;                         \
		return w->real->pMethods->call;            \
	} while (0)

static int
wal_read(sqlite3_file *f, void *data, int amt, sqlite3_int64 off)
{
	WAL_PASS(xRead(w->real, data, amt, off));
}

static int
wal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	WAL_PASS(xTruncate(w->real, size));
}

static int
wal_sync(sqlite3_file *f, int flags)
{
	WAL_PASS(xSync(w->real, flags));
}

static int
wal_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	WAL_PASS(xFileSize(w->real, size));
}

static int
wal_lock(sqlite3_file *f, int level)
{
	WAL_PASS(xLock(w->real, level));
}

static int
wal_unlock(sqlite3_file *f, int level)
{
	WAL_PASS(xUnlock(w->real, level));
}

static int
wal_check_reserved(sqlite3_file *f, int *out)
{
	WAL_PASS(xCheckReservedLock(w->real, out));
}

static int
wal_file_control(sqlite3_file *f, int op, void *arg)
{
	WAL_PASS(xFileControl(w->real, op, arg));
}

static int
wal_sector_size(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xSectorSize(w->real);
}

static int
wal_device(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	return w->real->pMethods->xDeviceCharacteristics(w->real);
}

static int
wal_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **p)
{
	WAL_PASS(xShmMap(w->real, page, size, extend, p));
}

static int
wal_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	WAL_PASS(xShmLock(w->real, offset, n, flags));
}

static void
wal_shm_barrier(sqlite3_file *f)
{
	struct wal_file *w = (struct wal_file *)f;

	wal_flush(w);
	w->real->pMethods->xShmBarrier(w->real);
}

static int
wal_shm_unmap(sqlite3_file *f, int delete)
{
	WAL_PASS(xShmUnmap(w->real, delete));
}

static int
wal_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **p)
{
	WAL_PASS(xFetch(w->real, off, amt, p));
}

static int
wal_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	WAL_PASS(xUnfetch(w->real, off, p));
}

static const sqlite3_io_methods wal_methods = {
	.iVersion = 3,
	.xClose = wal_close,
	.xRead = wal_read,
	.xWrite = wal_write,
	.xTruncate = wal_truncate,
	.xSync = wal_sync,
	.xFileSize = wal_file_size,
	.xLock = wal_lock,
	.xUnlock = wal_unlock,
	.xCheckReservedLock = wal_check_reserved,
	.xFileControl = wal_file_control,
	.xSectorSize = wal_sector_size,
	.xDeviceCharacteristics = wal_device,
	.xShmMap = wal_shm_map,
	.xShmLock = wal_shm_lock,
	.xShmBarrier = wal_shm_barrier,
	.xShmUnmap = wal_shm_unmap,
	.xFetch = wal_fetch,
	.xUnfetch = wal_unfetch,
};

static int
vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	struct wal_file *w = (struct wal_file *)f;
	int              rc;

	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return real_vfs->xOpen(real_vfs, name, f, flags, out);
	memset(w, 0, sizeof(*w));
	w->real = (sqlite3_file *)(w + 1);
	w->real->pMethods = NULL;
	rc = real_vfs->xOpen(real_vfs, name, w->real, flags, out);
	/* SQLite closes what has methods, even after a failed open. */
	f->pMethods = w->real->pMethods != NULL ? &wal_methods : NULL;
	return rc;
}

static int
vfs_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int
vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
vfs_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
vfs_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*vfs_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
vfs_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, h);
}

static int
vfs_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
vfs_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int
vfs_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
vfs_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
vfs_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs    rollin_vfs;
static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;

static void
vfs_register(void)
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);

	if (real == NULL || real->iVersion < 2)
		return;
	real_vfs = real;
	rollin_vfs.iVersion = 2;
	rollin_vfs.szOsFile =
	    (int)(sizeof(struct wal_file) + (size_t)real->szOsFile);
	rollin_vfs.mxPathname = real->mxPathname;
	rollin_vfs.zName = "rollin";
	rollin_vfs.xOpen = vfs_open;
	rollin_vfs.xDelete = vfs_delete;
	rollin_vfs.xAccess = vfs_access;
	rollin_vfs.xFullPathname = vfs_full_pathname;
	rollin_vfs.xDlOpen = vfs_dlopen;
	rollin_vfs.xDlError = vfs_dlerror;
	rollin_vfs.xDlSym = vfs_dlsym;
	rollin_vfs.xDlClose = vfs_dlclose;
	rollin_vfs.xRandomness = vfs_randomness;
	rollin_vfs.xSleep = vfs_sleep;
	rollin_vfs.xCurrentTime = vfs_current_time;
	rollin_vfs.xGetLastError = vfs_last_error;
	rollin_vfs.xCurrentTimeInt64 = vfs_current_time64;
	if (sqlite3_vfs_register(&rollin_vfs, 0) != SQLITE_OK)
		real_vfs = NULL;
}

/* Creates every missing directory above path; -1 (errno set) on failure. */
static int
make_parent_dirs(const char *path)
{
	char buf[4096], *p;

	if (strlen(path) >= sizeof(buf))
		return -1;
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

static int
pragma_int(sqlite3 *h, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int           rc;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static void
flush_cache(struct db *db)
{
	for (size_t k = 0; k < STMT_CACHE_SIZE; k++) {
		sqlite3_finalize(db->stmts[k].stmt);
		free(db->stmts[k].sql);
		db->stmts[k].stmt = NULL;
		db->stmts[k].sql = NULL;
	}
	db->nstmts = 0;
}

struct db *
db_open(const char *path, unsigned flags, struct rl_error *err)
{
	struct db *db;
	int        version, oflags;

	if (!(flags & DB_READONLY) && make_parent_dirs(path) == -1) {
		rl_fail(err, 500, "store", "db",
		    "cannot create the directory "
		    "of %s: %s",
		    path, strerror(errno));
		return NULL;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		rl_fail(err, 500, "store", "db", "out of memory");
		return NULL;
	}
	oflags = (flags & DB_READONLY)
	    ? SQLITE_OPEN_READONLY
	    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	pthread_once(&vfs_once, vfs_register);
	if (sqlite3_open_v2(path, &db->handle, oflags | SQLITE_OPEN_NOMUTEX,
	        real_vfs != NULL ? "rollin" : NULL) != SQLITE_OK) {
		rl_fail(err, 500, "store", "db", "cannot open %s: %s", path,
		    db->handle ? sqlite3_errmsg(db->handle) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db->handle, 5000);
	sqlite3_extended_result_codes(db->handle, 1);

	/*
	 * Read the schema version before any pragma that writes: a file from a
	 * newer Rollin must stay exactly as it is.
	 */
	if (pragma_int(db->handle, "PRAGMA user_version", &version) == -1) {
		rl_fail(err, 500, "store", "db",
		    "%s is not a Rollin database: "
		    "%s",
		    path, sqlite3_errmsg(db->handle));
		goto fail;
	}
	if (version > db_schema_latest()) {
		rl_fail(err, 500, "schema_too_new", "db",
		    "%s has schema version "
		    "%d, but this rollin %s knows versions up to %d; run a "
		    "newer rollin or restore a backup (nothing was changed)",
		    path, version, ROLLIN_VERSION, db_schema_latest());
		goto fail;
	}
	if (!(flags & DB_READONLY) &&
	    (db_exec(db, "PRAGMA journal_mode=WAL") == -1 ||
	        db_exec(db, "PRAGMA synchronous=NORMAL") == -1)) {
		rl_fail(err, 500, "store", "db", "cannot switch %s to WAL: %s",
		    path, sqlite3_errmsg(db->handle));
		goto fail;
	}
	if (functions_register(db->handle) == -1 ||
	    db_exec(db, "PRAGMA foreign_keys=ON") == -1 ||
	    db_exec(db, "PRAGMA temp_store=MEMORY") == -1)
		goto fail;
	/*
	 * 8 MB of page cache instead of SQLite's 2 MB: enough for the slug
	 * index, the search index's document sizes and the terms in use of a
	 * catalogue of 100,000 solutions, which otherwise come through
	 * pread() again and again (a search made 100 such reads, now 3).
	 */
	if (db_exec(db, "PRAGMA cache_size=-8192") == -1)
		goto fail;
	/*
	 * The service checkpoints from its own thread, so that a checkpoint
	 * never runs inside a request.
	 */
	if ((flags & DB_MANUAL_CHECKPOINT) &&
	    db_exec(db, "PRAGMA wal_autocheckpoint=0") == -1)
		goto fail;
	/*
	 * When the WAL starts over after a checkpoint, a file that a burst
	 * (or a reader that held the checkpoints back) made larger than
	 * this is cut back to it, so it does not keep its largest size.
	 */
	if (!(flags & DB_READONLY) &&
	    db_exec(db, "PRAGMA journal_size_limit=16777216") == -1)
		goto fail;
	if ((flags & DB_MIGRATE) && db_migrate(db, err) == -1)
		goto fail;
	if ((flags & DB_MIGRATE) && !(flags & DB_READONLY) &&
	    sort_keys_refresh(db) == -1) {
		rl_fail(err, 500, "migration_failed", "db",
		    "making the sort keys of %s failed: %s", path,
		    sqlite3_errmsg(db->handle));
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_trim(db);
	flush_cache(db);
	/* Gives the planner the statistics it lacks (SQLite's advice). */
	if (db->handle != NULL && !sqlite3_db_readonly(db->handle, "main"))
		sqlite3_exec(db->handle, "PRAGMA optimize", NULL, NULL, NULL);
	if (db->handle != NULL && sqlite3_close(db->handle) != SQLITE_OK)
		log_warnx("db_close: %s", sqlite3_errmsg(db->handle));
	free(db->path);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->handle;
}

const char *
db_path(const struct db *db)
{
	return db->path;
}

/*
 * Open addressing keyed by the SQL text. List queries are assembled from
 * whitelisted pieces, so the set of distinct texts is small and bounded.
 * Past the load limit a statement is prepared for this use only and kept
 * until db_trim(), because a caller may still hold earlier statements.
 */
sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	uint32_t          i = hash_sql(sql) & (STMT_CACHE_SIZE - 1);
	struct stmt_slot *slot;
	sqlite3_stmt     *st, **grown;

	for (;; i = (i + 1) & (STMT_CACHE_SIZE - 1)) {
		slot = &db->stmts[i];
		if (slot->sql == NULL)
			break;
		if (strcmp(slot->sql, sql) == 0) {
			sqlite3_reset(slot->stmt);
			sqlite3_clear_bindings(slot->stmt);
			return slot->stmt;
		}
	}
	if (sqlite3_prepare_v3(db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &st, NULL) != SQLITE_OK) {
		log_warnx("db_prepare: %s: %s", sqlite3_errmsg(db->handle),
		    sql);
		return NULL;
	}
	if (db->nstmts < STMT_CACHE_LOAD && (slot->sql = strdup(sql)) != NULL) {
		slot->stmt = st;
		db->used[db->nstmts++] = (uint16_t)(slot - db->stmts);
		return st;
	}
	grown = realloc(db->overflow, (db->noverflow + 1) * sizeof(*grown));
	if (grown == NULL) {
		sqlite3_finalize(st);
		return NULL;
	}
	db->overflow = grown;
	db->overflow[db->noverflow++] = st;
	return st;
}

void
db_trim(struct db *db)
{
	/*
	 * A statement left stepping holds a read transaction open, and with
	 * it the WAL: no checkpoint can pass its snapshot. Find it and end it.
	 */
	for (size_t k = 0; k < db->nstmts; k++) {
		struct stmt_slot *slot = &db->stmts[db->used[k]];
		if (sqlite3_stmt_busy(slot->stmt)) {
			log_warnx("db_trim: statement left open: %s",
			    slot->sql);
			sqlite3_reset(slot->stmt);
		}
	}
	for (size_t k = 0; k < db->noverflow; k++)
		sqlite3_finalize(db->overflow[k]);
	free(db->overflow);
	db->overflow = NULL;
	if (db->noverflow > 0) {
		log_debug("db_trim: statement cache full, flushing");
		flush_cache(db);
	}
	db->noverflow = 0;
}

int
db_exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->handle, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("db_exec: %s: %s", msg ? msg : "?", sql);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Runs a statement without parameters or results through the statement
 * cache: BEGIN, COMMIT and savepoints run on every write, and parsing
 * them anew each time (sqlite3_exec) is a measurable part of a write.
 */
static int
step_cached(struct db *db, const char *sql, int quiet)
{
	sqlite3_stmt *st = db_prepare(db, sql);
	int           rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (!quiet)
			log_warnx("db_exec: %s: %s", sqlite3_errmsg(db->handle),
			    sql);
		return -1;
	}
	return 0;
}

/*
 * Transactions nest: the outermost is BEGIN IMMEDIATE (so a writer never
 * fails half-way on a lock upgrade), inner ones are savepoints. A caller
 * that groups many writes (demo data, an import) thereby makes them all or
 * nothing, while each write still rolls back alone on its own error.
 */
int
db_begin(struct db *db)
{
	char sql[32];

	if (db->depth == 0) {
		if (step_cached(db, "BEGIN IMMEDIATE", 0) == -1)
			return -1;
	} else {
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", db->depth);
		if (step_cached(db, sql, 0) == -1)
			return -1;
	}
	db->depth++;
	return 0;
}

int
db_commit(struct db *db)
{
	char sql[32];

	if (db->depth == 0)
		return -1;
	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "RELEASE s%d", db->depth - 1);
		if (step_cached(db, sql, 0) == -1) {
			db_rollback(db);
			return -1;
		}
		db->depth--;
		return 0;
	}
	if (step_cached(db, "COMMIT", 0) == -1) {
		db_rollback(db);
		return -1;
	}
	db->depth = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	char sql[32];

	if (db->depth > 1) {
		snprintf(sql, sizeof(sql), "ROLLBACK TO s%d", db->depth - 1);
		step_cached(db, sql, 1);
		snprintf(sql, sizeof(sql), "RELEASE s%d", db->depth - 1);
		step_cached(db, sql, 1);
		db->depth--;
		return;
	}
	if (!sqlite3_get_autocommit(db->handle))
		step_cached(db, "ROLLBACK", 1);
	db->depth = 0;
}

int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *
db_column_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int
db_schema_version(struct db *db)
{
	int v = 0;

	pragma_int(db->handle, "PRAGMA user_version", &v);
	return v;
}

/* Migrations are named NNNN_what.sql; the number is the schema version. */
int
db_schema_latest(void)
{
	int latest = 0;

	for (const struct embedded_file *m = embedded_migrations; m->name; m++)
		latest = atoi(m->name);
	return latest;
}

int
db_migrate(struct db *db, struct rl_error *err)
{
	int  current = db_schema_version(db), n;
	char sql[64];

	for (const struct embedded_file *m = embedded_migrations; m->name;
	     m++) {
		if ((n = atoi(m->name)) <= current)
			continue;
		if (db_begin(db) == -1)
			goto fail;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", n);
		if (db_exec(db, m->data) == -1 || db_exec(db, sql) == -1) {
			db_rollback(db);
			goto fail;
		}
		if (db_commit(db) == -1)
			goto fail;
		log_info("migrated %s to schema version %d (%s)", db->path, n,
		    m->name);
	}
	return 0;
fail:
	return rl_fail(err, 500, "migration_failed", "db",
	    "migrating %s "
	    "failed: %s",
	    db->path, sqlite3_errmsg(db->handle));
}
