/*
 * Third-party products (domain/product.c): what a day's support status of
 * a release cycle is, shared by product cycles, dependencies and the
 * endoflife.date-compatible API (api/eol.c).
 */
#ifndef ROLLIN_DOMAIN_PRODUCT_H
#define ROLLIN_DOMAIN_PRODUCT_H

/*
 * The product cycle a dependency's cycle names, as a condition on alias c
 * with the dependency's product id as ?1 and its cycle as ?2: the cycle of
 * that name, or else the longest cycle that is a dotted prefix of it, so
 * that "15.4" finds PostgreSQL's cycle "15". The eol report plugin uses
 * the same rule.
 */
#define PRODUCT_CYCLE_MATCH                                           \
	"c.product_id = ?1 AND (c.name = ?2 OR "                      \
	"substr(?2, 1, length(c.name) + 1) = c.name || '.') "         \
	"ORDER BY c.name = ?2 DESC, length(c.name) DESC, c.id LIMIT 1"

/*
 * Where a cycle stands on day today (YYYY-MM-DD), from its end of active
 * support and end of life (either may be NULL): "eol" from the eol date
 * on, "security" from the end of active support on, else "active". A date
 * is reached on its day, as for a solution's cycles.
 */
const char *product_support_status(
    const char *support_until, const char *eol, const char *today);

#endif
