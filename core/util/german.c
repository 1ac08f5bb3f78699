#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "util/german.h"
#include "util/strbuf.h"

/*
 * One collator and one transliterator for the process, opened once. A
 * collator's sort keys may be made by several threads at a time; the
 * transliterator is used under a lock.
 */
static pthread_once_t   once = PTHREAD_ONCE_INIT;
static pthread_mutex_t  trans_lock = PTHREAD_MUTEX_INITIALIZER;
static UCollator       *collator;
static UTransliterator *trans;
static char             version[U_MAX_VERSION_STRING_LENGTH];

static void
open_icu(void)
{
	UErrorCode   status = U_ZERO_ERROR;
	UVersionInfo v;
	UChar        id[16];

	/* "de" is DIN 5007-1; "de@collation=phonebook" would be 5007-2. */
	collator = ucol_open("de", &status);
	if (U_FAILURE(status)) {
		collator = NULL;
		status = U_ZERO_ERROR;
	} else {
		ucol_getVersion(collator, v);
		u_versionToString(v, version);
	}
	u_uastrcpy(id, "de-ASCII");
	trans = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
	if (U_FAILURE(status))
		trans = NULL;
}

const char *
german_collation_version(void)
{
	pthread_once(&once, open_icu);
	return version;
}

/* s as UTF-16 in a malloc'd buffer with room for growth times its length. */
static UChar *
to_utf16(const char *s, int len, int growth, int32_t *n, int32_t *cap)
{
	UErrorCode status = U_ZERO_ERROR;
	UChar     *u;

	if (len < 0)
		len = (int)strlen(s);
	*cap = len * growth + 1;
	if ((u = malloc(sizeof(*u) * (size_t)*cap)) == NULL)
		return NULL;
	/* Invalid UTF-8 becomes U+FFFD rather than an error. */
	u_strFromUTF8WithSub(u, *cap, n, s, len, 0xfffd, NULL, &status);
	if (U_FAILURE(status)) {
		free(u);
		return NULL;
	}
	return u;
}

int
german_sort_key(const char *s, int len, unsigned char **key, size_t *keylen)
{
	int32_t n, cap, need;
	UChar  *u;

	*key = NULL;
	pthread_once(&once, open_icu);
	if (collator == NULL || (u = to_utf16(s, len, 1, &n, &cap)) == NULL)
		return -1;
	need = ucol_getSortKey(collator, u, n, NULL, 0);
	if (need > 0 && (*key = malloc((size_t)need)) != NULL)
		ucol_getSortKey(collator, u, n, *key, need);
	free(u);
	if (*key == NULL)
		return -1;
	/* The key ends with a NUL that is no part of the comparison. */
	*keylen = (size_t)need - 1;
	return 0;
}

/* Whether the UTF-8 word [w, w + len) has ä, ö, ü (either case), ß or ẞ. */
static int
has_umlaut(const char *w, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char a = (unsigned char)w[i],
		              b = (unsigned char)w[i + 1];

		if (a == 0xc3 &&
		    (b == 0xa4 || b == 0xb6 || b == 0xbc || b == 0x84 ||
		        b == 0x96 || b == 0x9c || b == 0x9f))
			return 1;
		if (a == 0xe1 && b == 0xba && i + 2 < len &&
		    (unsigned char)w[i + 2] == 0x9e)
			return 1;
	}
	return 0;
}

/* Appends the transliteration of the word to b; -1 if ICU fails. */
static int
add_spelling(struct strbuf *b, const char *w, size_t len)
{
	UErrorCode status = U_ZERO_ERROR;
	int32_t    n, cap, limit, out;
	UChar     *u;
	char      *utf8;

	/* Every umlaut and ß becomes two letters: at most twice as long. */
	if ((u = to_utf16(w, (int)len, 2, &n, &cap)) == NULL)
		return -1;
	limit = n;
	pthread_mutex_lock(&trans_lock);
	utrans_transUChars(trans, u, &n, cap, 0, &limit, &status);
	pthread_mutex_unlock(&trans_lock);
	if (U_FAILURE(status) || (utf8 = malloc((size_t)n * 3 + 1)) == NULL) {
		free(u);
		return -1;
	}
	u_strToUTF8(utf8, n * 3 + 1, &out, u, n, &status);
	free(u);
	if (U_SUCCESS(status)) {
		strbuf_add(b, b->s && b->s[0] ? " " : "");
		strbuf_add(b, utf8);
	}
	free(utf8);
	return U_SUCCESS(status) ? 0 : -1;
}

/* A word as FTS5's unicode61 tokenizer sees one: no ASCII but letters and
 * digits; every other character (umlauts included) belongs to words. */
static int
word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

char *
german_spellings(const char *s)
{
	struct strbuf b = { 0 };
	const char   *w;
	size_t        len;

	pthread_once(&once, open_icu);
	if (trans == NULL)
		return NULL;
	while (*s) {
		for (; *s && !word_byte((unsigned char)*s); s++)
			;
		for (w = s; *s && word_byte((unsigned char)*s); s++)
			;
		len = (size_t)(s - w);
		if (len > 0 && has_umlaut(w, len) &&
		    add_spelling(&b, w, len) == -1) {
			strbuf_free(&b);
			return NULL;
		}
	}
	return b.s ? strbuf_take(&b) : strdup("");
}

char *
german_transliterate(const char *s)
{
	struct strbuf b = { 0 };

	pthread_once(&once, open_icu);
	if (trans == NULL)
		return NULL;
	if (!has_umlaut(s, strlen(s)))
		return strdup("");
	if (add_spelling(&b, s, strlen(s)) == -1) {
		strbuf_free(&b);
		return NULL;
	}
	return b.s ? strbuf_take(&b) : strdup("");
}
