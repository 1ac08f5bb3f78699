/* SQL functions the service adds to every connection. */
#ifndef ROLLIN_STORE_FUNCTIONS_H
#define ROLLIN_STORE_FUNCTIONS_H

#include <sqlite3.h>

/*
 * rollin_days_since(ts): whole days from ts (ISO 8601) to the service's
 * clock (util/clock.h, so tests can move it); rollin_stale_days(): the
 * configured staleness threshold; rollin_sort_key(text): the German
 * dictionary-order sort key (a BLOB, util/german.h) that the *_key
 * columns hold; rollin_spellings(text): the transliterated spellings of
 * its words with umlauts or ß, which the full-text tables index too.
 */
int functions_register(sqlite3 *);

#endif
