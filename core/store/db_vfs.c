/*
 * The VFS that Rollin opens its databases with: SQLite's default one, but
 * for the write-ahead log, which it writes in one piece per commit. It is
 * apart from the connection because it is about files and system calls,
 * not about SQL.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_internal.h"

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

const char *
db_vfs_name(void)
{
	pthread_once(&vfs_once, vfs_register);
	return real_vfs != NULL ? "rollin" : NULL;
}
