/*
 * WAL checkpoints off the loop thread. The serving connection has automatic
 * checkpoints off; this thread, with its own connection, runs a PASSIVE
 * checkpoint every interval (it never waits for readers or writers), and a
 * TRUNCATE checkpoint when it stops, so the WAL does not grow without bound
 * and no request ever pays for a checkpoint.
 */
#ifndef ROLLIN_LOOP_CHECKPOINT_H
#define ROLLIN_LOOP_CHECKPOINT_H

struct checkpointer;

struct checkpointer *checkpoint_start(const char *db_path, int interval_s);
void                 checkpoint_stop(struct checkpointer *);

#endif
