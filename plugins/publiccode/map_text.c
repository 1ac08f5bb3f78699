/*
 * Text from a publiccode.yml as Rollin's records take it: one line where a
 * field is one line, shortened to the field's length (at a word, for
 * summaries people read), and slugs for the names of organisations,
 * solutions and products.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map.h"

/* A copy with runs of white space as one space, trimmed: one-line text. */
char *
pc_one_line(const char *s)
{
	char *out, *o;
	int   space = 0;

	if (s == NULL || (out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s; s++) {
		if (isspace((unsigned char)*s) || (unsigned char)*s < 0x20) {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = 0;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* Byte offset after max code points of s (all of s if it is shorter). */
static size_t
cut_point(const char *s, size_t max)
{
	size_t i = 0, n = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			return i;
		i++;
	}
	return i;
}

/*
 * Shortens s in place to at most max code points; at a word boundary with
 * an ellipsis if words is set (for summaries people read).
 */
void
pc_shorten(char *s, size_t max, int words)
{
	size_t at;

	if (s[cut_point(s, max)] == '\0')
		return;
	if (!words) {
		s[cut_point(s, max)] = '\0';
		return;
	}
	at = cut_point(s, max - 1);
	while (at > 0 && s[at] != ' ')
		at--;
	if (at == 0)
		at = cut_point(s, max - 1);
	while (at > 0 &&
	    (s[at - 1] == ' ' || s[at - 1] == ',' || s[at - 1] == ';' ||
	        s[at - 1] == ':'))
		at--;
	memcpy(s + at, "\xe2\x80\xa6", 4); /* U+2026 ellipsis */
}

/* ASCII for the letters of Latin-1 and Latin Extended-A names use. */
static const char *
fold(unsigned cp)
{
	static const struct {
		unsigned    from, to;
		const char *ascii;
	} map[] = { { 0xe4, 0xe4, "ae" }, { 0xf6, 0xf6, "oe" },
		{ 0xfc, 0xfc, "ue" }, { 0xc4, 0xc4, "ae" },
		{ 0xd6, 0xd6, "oe" }, { 0xdc, 0xdc, "ue" },
		{ 0xdf, 0xdf, "ss" }, { 0xe6, 0xe6, "ae" },
		{ 0xc6, 0xc6, "ae" }, { 0x153, 0x153, "oe" },
		{ 0x152, 0x152, "oe" }, { 0xe0, 0xe5, "a" },
		{ 0xc0, 0xc5, "a" }, { 0xe7, 0xe7, "c" }, { 0xc7, 0xc7, "c" },
		{ 0xe8, 0xeb, "e" }, { 0xc8, 0xcb, "e" }, { 0xec, 0xef, "i" },
		{ 0xcc, 0xcf, "i" }, { 0xf1, 0xf1, "n" }, { 0xd1, 0xd1, "n" },
		{ 0xf2, 0xf5, "o" }, { 0xf8, 0xf8, "o" }, { 0xd2, 0xd5, "o" },
		{ 0xd8, 0xd8, "o" }, { 0xf9, 0xfb, "u" }, { 0xd9, 0xdb, "u" },
		{ 0xfd, 0xfd, "y" }, { 0xff, 0xff, "y" }, { 0xdd, 0xdd, "y" },
		{ 0x100, 0x105, "a" }, { 0x106, 0x10d, "c" },
		{ 0x10e, 0x111, "d" }, { 0x112, 0x11b, "e" },
		{ 0x11c, 0x123, "g" }, { 0x124, 0x127, "h" },
		{ 0x128, 0x131, "i" }, { 0x134, 0x135, "j" },
		{ 0x136, 0x137, "k" }, { 0x139, 0x142, "l" },
		{ 0x143, 0x148, "n" }, { 0x14c, 0x151, "o" },
		{ 0x154, 0x159, "r" }, { 0x15a, 0x161, "s" },
		{ 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
		{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" },
		{ 0x179, 0x17e, "z" } };

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (cp >= map[i].from && cp <= map[i].to)
			return map[i].ascii;
	return NULL;
}

static uint32_t
fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * A slug for a name: lowercase ASCII letters and digits, umlauts as ae oe
 * ue and ß as ss, accents dropped, everything else one hyphen; 2 to 64
 * characters starting with a letter (else prefix- goes first). A name
 * without Latin letters or digits gets prefix-<hash of the name>.
 */
void
pc_slugify(const char *name, const char *prefix, char *out, size_t outlen)
{
	char                 buf[256], tmp[300];
	size_t               n = 0;
	const unsigned char *p = (const unsigned char *)name;

	while (*p && n < sizeof(buf) - 3) {
		unsigned    c = *p, cp = c;
		const char *ascii = NULL;
		if (c >= 0xc0 && c < 0xe0 && (p[1] & 0xc0) == 0x80) {
			cp = ((c & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
			ascii = fold(cp);
		} else if (c >= 0x80) {
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
		} else
			p++;
		if (cp < 0x80 && isalnum((int)cp))
			buf[n++] = (char)tolower((int)cp);
		else if (ascii != NULL)
			for (; *ascii && n < sizeof(buf) - 3; ascii++)
				buf[n++] = *ascii;
		else if (n > 0 && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	while (n > 0 && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
	if (n == 0)
		snprintf(tmp, sizeof(tmp), "%s-%08x", prefix, fnv1a(name));
	else if (!isalpha((unsigned char)buf[0]) || n < 2)
		snprintf(tmp, sizeof(tmp), "%s-%s", prefix, buf);
	else
		snprintf(tmp, sizeof(tmp), "%s", buf);
	tmp[64] = '\0';
	for (n = strlen(tmp); n > 0 && tmp[n - 1] == '-'; n--)
		tmp[n - 1] = '\0';
	snprintf(out, outlen, "%.64s", tmp);
}
