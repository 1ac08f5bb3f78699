/*
 * IP addresses and ranges ("10.0.0.0/8", "::1") for deciding whom to
 * believe: the reverse proxies whose X-Forwarded-For names the client.
 * Addresses are parsed with inet_pton; an IPv4-mapped IPv6 address
 * ("::ffff:192.0.2.1", as a dual-stack socket reports IPv4 peers) counts
 * as the IPv4 address it maps.
 */
#ifndef ROLLIN_NET_ADDR_H
#define ROLLIN_NET_ADDR_H

#include <stddef.h>

#define NET_RANGES_MAX 16

struct net_range {
	int           family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int           bits; /* prefix length */
};

/*
 * Parses a comma-separated list of addresses and ranges into out (at
 * most NET_RANGES_MAX); "" gives none. -1 with the offending entry named
 * in err.
 */
int net_ranges_parse(const char *list, struct net_range *out, size_t *n,
    char *err, size_t errlen);
/* True if the address (text) lies in one of the ranges. */
int net_ranges_contain(const struct net_range *, size_t n, const char *addr);
/* True if the text is an IPv4 or IPv6 address. */
int net_addr_is_valid(const char *addr);
/* True if the address (text) is a loopback address. */
int net_addr_is_loopback(const char *addr);

#endif
