/*
 * Address ranges for the trusted_proxies setting; see addr.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/addr.h"

/* Text to family and bytes, IPv4-mapped IPv6 folded to IPv4; -1 if none. */
static int
parse_addr(const char *text, int *family, unsigned char out[16])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	unsigned char              a6[16];

	if (inet_pton(AF_INET, text, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a6) != 1)
		return -1;
	if (memcmp(a6, mapped, sizeof(mapped)) == 0) {
		*family = AF_INET;
		memcpy(out, a6 + 12, 4);
	} else {
		*family = AF_INET6;
		memcpy(out, a6, 16);
	}
	return 0;
}

/* One entry, "ADDR" or "ADDR/BITS"; -1 if malformed. */
static int
parse_range(const char *text, struct net_range *r)
{
	char        addr[64], *end;
	const char *slash = strchr(text, '/');
	size_t      len = slash ? (size_t)(slash - text) : strlen(text);
	long        bits;
	int         max;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, text, len);
	addr[len] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	if (parse_addr(addr, &r->family, r->addr) == -1)
		return -1;
	max = r->family == AF_INET ? 32 : 128;
	r->bits = max;
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		bits = strtol(slash + 1, &end, 10);
		if (*end != '\0' || bits > max)
			return -1;
		r->bits = (int)bits;
	}
	return 0;
}

int
net_ranges_parse(const char *list, struct net_range *out, size_t *n, char *err,
    size_t errlen)
{
	char   entry[80];
	size_t len;

	*n = 0;
	while (*list) {
		list += strspn(list, " \t,");
		len = strcspn(list, ",");
		while (len > 0 && isspace((unsigned char)list[len - 1]))
			len--;
		if (len == 0)
			break;
		if (*n == NET_RANGES_MAX) {
			snprintf(err, errlen, "at most %d ranges are allowed",
			    NET_RANGES_MAX);
			return -1;
		}
		if (len >= sizeof(entry)) {
			snprintf(err, errlen,
			    "'%.40s…' is too long for an address", list);
			return -1;
		}
		memcpy(entry, list, len);
		entry[len] = '\0';
		if (parse_range(entry, &out[*n]) == -1) {
			snprintf(err, errlen,
			    "'%s' is not an IP address or a range like "
			    "10.0.0.0/8 or fd00::/8",
			    entry);
			return -1;
		}
		(*n)++;
		list += strcspn(list, ",");
	}
	return 0;
}

static int
in_range(const struct net_range *r, int family, const unsigned char *a)
{
	int           whole = r->bits / 8, rest = r->bits % 8;
	unsigned char mask;

	if (r->family != family || memcmp(r->addr, a, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (r->addr[whole] & mask) == (a[whole] & mask);
}

int
net_ranges_contain(const struct net_range *r, size_t n, const char *addr)
{
	unsigned char a[16];
	int           family;

	if (addr == NULL || parse_addr(addr, &family, a) == -1)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (in_range(&r[i], family, a))
			return 1;
	return 0;
}

int
net_addr_is_valid(const char *addr)
{
	unsigned char a[16];
	int           family;

	return parse_addr(addr, &family, a) == 0;
}

int
net_addr_is_loopback(const char *addr)
{
	static const struct net_range loopback[] = {
		{ AF_INET, { 127 }, 8 },
		{ AF_INET6, { [15] = 1 }, 128 },
	};

	return net_ranges_contain(loopback, 2, addr);
}
