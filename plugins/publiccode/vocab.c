/*
 * The vocabularies of publiccode.yml (categories, scopes, aliases,
 * countries) and the format checks publiccode-parser-go applies, without
 * network access. Language tags and countries are checked for their shape
 * and the ISO list; the SPDX check is the core's own (domain/spdx.c is
 * compiled into this plugin with the same embedded licence list). The
 * core compiles this file too, for the publiccode.yml export, so that
 * both sides agree on what is valid.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/spdx.h"
#include "publiccode.h"

/* docs/standard/categories-list.rst of the standard, plus "other". */
static const char *const categories[] = { "accounting",
	"agile-project-management", "applicant-tracking",
	"application-development", "appointment-scheduling", "backup",
	"billing-and-invoicing", "blog", "budgeting", "business-intelligence",
	"business-process-management", "cad", "call-center-management",
	"cloud-management", "collaboration", "communications",
	"compliance-management", "contact-management", "content-management",
	"crm", "customer-service-and-support", "data-analytics",
	"data-collection", "data-visualization", "design", "design-system",
	"digital-asset-management", "digital-citizenship",
	"document-management", "donor-management", "e-commerce", "e-signature",
	"educational-content", "email-management", "email-marketing",
	"employee-management", "enterprise-project-management",
	"enterprise-social-networking", "erp", "event-management",
	"facility-management", "feedback-and-reviews-management",
	"financial-reporting", "fleet-management", "fundraising",
	"gamification", "geographic-information-systems", "grant-management",
	"graphic-design", "help-desk", "hr", "ide", "identity-management",
	"instant-messaging", "integrated-library-system",
	"inventory-management", "it-asset-management", "it-development",
	"it-management", "it-security", "it-service-management",
	"knowledge-management", "learning-management-system", "marketing",
	"mind-mapping", "mobile-marketing", "mobile-payment",
	"network-management", "office", "online-booking", "online-community",
	"other", "payment-gateway", "payroll", "predictive-analysis",
	"procurement", "productivity-suite", "project-collaboration",
	"project-management", "property-management", "real-estate-management",
	"regulations-and-directives", "remote-support", "resource-management",
	"sales-management", "seo", "service-desk", "social-media-management",
	"survey", "talent-management", "task-management", "taxes-management",
	"test-management", "time-management", "time-tracking", "translation",
	"video-conferencing", "video-editing", "visitor-management", "voip",
	"warehouse-management", "web-collaboration", "web-conferencing",
	"website-builder", "whistleblowing", "workflow-management", NULL };

/* docs/standard/scope-list.rst */
static const char *const scopes[] = { "agriculture", "culture", "defence",
	"education", "emergency-services", "employment", "energy",
	"environment", "finance-and-economic-development", "foreign-affairs",
	"healthcare", "infrastructures", "justice", "local-authorities",
	"manufacturing", "research", "science-and-technology", "security",
	"society", "sport", "tourism", "transportation", "welfare", NULL };

/*
 * Aliases for supports[].id ("alias:gdpr"). The standard keeps the list in
 * docs/standard/aliases-list.rst; these are the regulations and national
 * platforms it names that a catalogue in Europe meets.
 */
static const char *const aliases[] = { "ai-act", "anpr", "cie", "cra", "dora",
	"eidas", "gdpr", "io", "nis2", "pagopa", "pdnd", "spid", NULL };

/* ISO 3166-1 alpha-2, sorted, 249 codes. */
static const char countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH "
    "BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL "
    "CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET "
    "FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU "
    "GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
    "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC "
    "MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC "
    "NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT "
    "PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR "
    "SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA "
    "UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

int
pc_is_category(const char *s)
{
	return in_list(categories, s);
}

int
pc_is_scope(const char *s)
{
	return in_list(scopes, s);
}

int
pc_is_alias(const char *s)
{
	return in_list(aliases, s);
}

int
pc_is_country(const char *s)
{
	char code[3];
	int  upper, lower;

	if (strlen(s) != 2 || !isalpha((unsigned char)s[0]) ||
	    !isalpha((unsigned char)s[1]))
		return 0;
	upper = isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]);
	lower = islower((unsigned char)s[0]) && islower((unsigned char)s[1]);
	if (!upper && !lower) /* "It" is neither */
		return 0;
	code[0] = (char)toupper((unsigned char)s[0]);
	code[1] = (char)toupper((unsigned char)s[1]);
	code[2] = '\0';
	for (const char *p = countries; *p; p += p[2] ? 3 : 2)
		if (p[0] == code[0] && p[1] == code[1])
			return 1;
	return 0;
}

/* ---- patterns compiled on first use ---------------------------------- */

/*
 * BCP 47 (RFC 5646) shape, as the upstream parser's strict check: a 2-3
 * letter language with up to three extlangs, script, region, variants,
 * extensions and private use; or a grandfathered or private-use tag. The
 * upstream check also looks the subtags up in the IANA registry; this one
 * does not.
 */
#define BCP47_RE                                                            \
	"^(([a-z]{2,3}(-[a-z]{3}){0,3})(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?" \
	"(-([a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"                              \
	"(-[a-wyz0-9](-[a-z0-9]{2,8})+)*(-x(-[a-z0-9]{1,8})+)?"             \
	"|x(-[a-z0-9]{1,8})+"                                               \
	"|en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon"       \
	"|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr"         \
	"|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn"         \
	"|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)$"

/* RFC 2045 media type, as jshttp/media-typer matches it. */
#define MIME_RE                                    \
	"^ *[A-Za-z0-9][A-Za-z0-9!#$&^_-]{0,126}/" \
	"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} *$"

static regex_t bcp47_re, mime_re;
static int     compiled;

static int
patterns(void)
{
	if (compiled)
		return compiled > 0;
	compiled = -1;
	if (regcomp(&bcp47_re, BCP47_RE,
	        REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
		return 0;
	if (regcomp(&mime_re, MIME_RE, REG_EXTENDED | REG_NOSUB) != 0) {
		regfree(&bcp47_re);
		return 0;
	}
	compiled = 1;
	return 1;
}

void
pc_vocab_free(void)
{
	if (compiled > 0) {
		regfree(&bcp47_re);
		regfree(&mime_re);
	}
	compiled = 0;
}

int
pc_is_bcp47(const char *s)
{
	return patterns() && regexec(&bcp47_re, s, 0, NULL, 0) == 0;
}

int
pc_is_mime_type(const char *s)
{
	return patterns() && regexec(&mime_re, s, 0, NULL, 0) == 0;
}

/* ---- formats --------------------------------------------------------- */

/*
 * local@domain with a dotted domain, as the validator's address pattern
 * wants it; non-ASCII letters are allowed on both sides.
 */
int
pc_is_email(const char *s)
{
	const char *at = strrchr(s, '@'), *p, *label;

	if (at == NULL || at == s || at[1] == '\0')
		return 0;
	for (p = s; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x80 || isalnum(c) ||
		    strchr("!#$%&'*+/=?^_`{|}~.-", c) != NULL)
			continue;
		return 0;
	}
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	if (strchr(at + 1, '.') == NULL)
		return 0;
	for (label = p = at + 1;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.' || c == '\0') {
			if (p == label || label[0] == '-' || p[-1] == '-')
				return 0;
			if (c == '\0')
				return 1;
			label = p + 1;
		} else if (!(c >= 0x80 || isalnum(c) || c == '-'))
			return 0;
	}
}

/* YYYY-MM-DD and a day that exists, like Go's time.Parse("2006-01-02"). */
int
pc_is_date(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	int              y, m, d, leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

static int
has_space_or_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Length of "scheme:" at the start of s, or 0. */
static size_t
scheme_len(const char *s)
{
	size_t n;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	n = 1 +
	    strspn(s + 1,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789+.-");
	return s[n] == ':' ? n + 1 : 0;
}

/* True if s (after the scheme) is "//" and a non-empty host. */
static int
has_host(const char *rest)
{
	const char *host, *at;
	size_t      n;

	if (strncmp(rest, "//", 2) != 0)
		return 0;
	host = rest + 2;
	n = strcspn(host, "/?#");
	if ((at = memchr(host, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	return n > 0 && host[0] != ':';
}

int
pc_is_url(const char *s)
{
	size_t n = scheme_len(s);

	if (n == 0 || has_space_or_control(s) || s[n] == '\0')
		return 0;
	if (strncmp(s + n, "//", 2) == 0)
		return has_host(s + n) || strncasecmp(s, "file:", 5) == 0;
	return 1;
}

int
pc_is_http_url(const char *s)
{
	size_t n = scheme_len(s);

	if (n == 0 || has_space_or_control(s))
		return 0;
	if (!(n == 5 && strncasecmp(s, "http:", 5) == 0) &&
	    !(n == 6 && strncasecmp(s, "https:", 6) == 0))
		return 0;
	return has_host(s + n);
}

/*
 * Codes of the Indice delle Pubbliche Amministrazioni ("c_h501", "pcm"):
 * their shape only; the upstream parser also looks them up in the list.
 */
int
pc_is_ipa_code(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && n <= 20 &&
	    (islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])) &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

/* urn:<NID>:<NSS> (RFC 2141). */
static int
is_urn(const char *s)
{
	const char *nid = s + 4, *nss;
	size_t      n;

	if (strncasecmp(s, "urn:", 4) != 0 || !isalnum((unsigned char)*nid))
		return 0;
	n = strspn(nid,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
	if (n > 32 || nid[n] != ':')
		return 0;
	nss = nid + n + 1;
	n = strspn(nss,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789()+,-.:=@;$_!*'%/?#");
	return n > 0 && nss[n] == '\0';
}

int
pc_organisation_uri(const char *s)
{
	size_t n = scheme_len(s);

	if (n == 0 || has_space_or_control(s))
		return 0;
	if (n == 4 && strncasecmp(s, "urn:", 4) == 0) {
		if (!is_urn(s))
			return 0;
		if (strncasecmp(s + 4, "x-italian-pa:", 13) == 0)
			return pc_is_ipa_code(s + 17) ? 1 : -1;
		return 1;
	}
	return has_host(s + n);
}

int
pc_is_spdx(const char *s)
{
	char bad[64];

	return spdx_valid_expression(s, bad, sizeof(bad));
}

/* ---- characters ------------------------------------------------------ */

/* Decodes one UTF-8 sequence (the input is valid UTF-8). */
static unsigned
next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned             c = s[0];
	int                  n = 0;

	if (c >= 0xf0) {
		c &= 0x07;
		n = 3;
	} else if (c >= 0xe0) {
		c &= 0x0f;
		n = 2;
	} else if (c >= 0xc0) {
		c &= 0x1f;
		n = 1;
	}
	s++;
	while (n-- > 0 && (*s & 0xc0) == 0x80)
		c = (c << 6) | (*s++ & 0x3f);
	*p = s;
	return c;
}

/* Code points that extend the character before them. */
static int
is_extend(unsigned c)
{
	static const unsigned ranges[][2] = { { 0x0300, 0x036f },
		{ 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x05bf, 0x05bf },
		{ 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 }, { 0x05c7, 0x05c7 },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0670, 0x0670 },
		{ 0x06d6, 0x06dc }, { 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 },
		{ 0x06ea, 0x06ed }, { 0x0900, 0x0903 }, { 0x093a, 0x094f },
		{ 0x0951, 0x0957 }, { 0x0962, 0x0963 }, { 0x0e31, 0x0e31 },
		{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1160, 0x11ff },
		{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200c, 0x200c },
		{ 0x20d0, 0x20ff }, { 0x3099, 0x309a }, { 0xd7b0, 0xd7ff },
		{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0x1f3fb, 0x1f3ff },
		{ 0xe0020, 0xe007f }, { 0xe0100, 0xe01ef } };

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return 1;
	return 0;
}

/*
 * Counts what a reader sees as one character, as the upstream limits do
 * (uniseg's grapheme clusters): combining marks, variation selectors,
 * emoji modifiers and Hangul vowel and final jamo join the character
 * before them, ZWJ joins two, a pair of regional indicators is one flag,
 * and CR LF is one line break.
 */
size_t
pc_graphemes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t               n = 0;
	unsigned             c, prev = 0;
	int                  joined = 0, flag_open = 0;

	while (*p) {
		c = next_cp(&p);
		if (joined) { /* the code point after a ZWJ */
			joined = 0;
			prev = c;
			continue;
		}
		if (c == 0x200d) {
			joined = n > 0;
			prev = c;
			continue;
		}
		if ((is_extend(c) && n > 0) || (c == '\n' && prev == '\r')) {
			prev = c;
			continue;
		}
		if (c >= 0x1f1e6 && c <= 0x1f1ff) {
			if (flag_open) {
				flag_open = 0;
				prev = c;
				continue;
			}
			flag_open = 1;
		} else
			flag_open = 0;
		n++;
		prev = c;
	}
	return n;
}
