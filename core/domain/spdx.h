/*
 * SPDX licence identifiers (the list ships inside the binary) and licence
 * expressions such as "EUPL-1.2 OR AGPL-3.0-or-later".
 */
#ifndef ROLLIN_DOMAIN_SPDX_H
#define ROLLIN_DOMAIN_SPDX_H

#include <stddef.h>

/* True if id is on the SPDX licence list (exact case, as SPDX compares). */
int spdx_is_id(const char *id);
/*
 * True if expr is a licence id, a LicenseRef-..., or ids joined by AND, OR
 * and WITH with balanced parentheses. On failure names the first bad token.
 */
int    spdx_valid_expression(const char *expr, char *bad, size_t badlen);
size_t spdx_count(void);

#endif
