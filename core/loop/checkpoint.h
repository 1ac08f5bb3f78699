/*
 * WAL checkpoints off the loop thread. The serving connection has automatic
 * checkpoints off; this thread, with its own connection, runs a PASSIVE
 * checkpoint every interval (it never waits for readers or writers), and
 * one as soon as the serving connection's commits take the WAL past
 * CHECKPOINT_WAL_FRAMES, followed then by a RESTART checkpoint that lets
 * the WAL start over from its beginning: under sustained writes a PASSIVE
 * checkpoint alone always ends behind the newest commit, and the WAL would
 * grow without bound. A TRUNCATE checkpoint runs when it stops. No request
 * ever pays for a checkpoint beyond a short wait for the write lock.
 */
#ifndef ROLLIN_LOOP_CHECKPOINT_H
#define ROLLIN_LOOP_CHECKPOINT_H

#include <sqlite3.h>

/* SQLite's own default for automatic checkpoints: about 4 MB of WAL. */
#define CHECKPOINT_WAL_FRAMES 1000

struct checkpointer;

struct checkpointer *checkpoint_start(const char *db_path, int interval_s);
/*
 * Watches the commits of writer (a connection of the calling thread) to
 * checkpoint by WAL size; checkpoint_stop() stops watching.
 */
void checkpoint_watch(struct checkpointer *, sqlite3 *writer);
/* Checkpoints run so far in a mode (SQLITE_CHECKPOINT_*); 0 for NULL. */
unsigned long long checkpoint_count(const struct checkpointer *, int mode);
/*
 * Seconds spent in them. A RESTART holds the write lock all along, so its
 * time is time that a write may have waited.
 */
double checkpoint_seconds(const struct checkpointer *, int mode);
void   checkpoint_stop(struct checkpointer *);

#endif
