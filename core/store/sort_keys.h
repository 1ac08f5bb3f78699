/* The stored German sort keys of the F_COLLATE fields. */
#ifndef ROLLIN_STORE_SORT_KEYS_H
#define ROLLIN_STORE_SORT_KEYS_H

struct db;

/*
 * Makes every sort key again if ICU's collation version is not the one
 * the keys were made with, and else the keys that are missing (of rows
 * written by another tool, such as the sqlite3 shell). -1 on failure.
 */
int sort_keys_refresh(struct db *);

#endif
