/*
 * German text as German readers expect it: dictionary order (DIN 5007-1)
 * and the transliterated spellings (ae, oe, ue, ss) of umlauts and ß.
 * Both are ICU's: the "de" collator and the "de-ASCII" transliterator.
 */
#ifndef ROLLIN_UTIL_GERMAN_H
#define ROLLIN_UTIL_GERMAN_H

#include <stddef.h>

/*
 * The collation sort key of the UTF-8 text s (len bytes, or -1 up to its
 * NUL) in *key (malloc'd, *keylen bytes). Keys compare with memcmp() the
 * way the texts compare in German dictionary order: ä = a, ö = o, ü = u,
 * ß = ss, case and accents only breaking ties. -1 if out of memory or ICU
 * fails.
 */
int
german_sort_key(const char *s, int len, unsigned char **key, size_t *keylen);

/*
 * The version of the collation rules: sort keys made by another version
 * do not compare with these and must be made again. "" if unavailable.
 */
const char *german_collation_version(void);

/*
 * The transliterated spelling of each word of s that has an umlaut or ß
 * ("Gebührenbescheid für Straßen" gives "Gebuehrenbescheid Strassen"),
 * malloc'd and space-separated; "" if s has no such word; NULL if out of
 * memory or ICU fails.
 */
char *german_spellings(const char *s);

/*
 * s transliterated as a whole ("Straßen-Ämter" gives "Strassen-Aemter"),
 * malloc'd; "" if s has no umlaut or ß; NULL if out of memory or ICU fails.
 */
char *german_transliterate(const char *s);

#endif
