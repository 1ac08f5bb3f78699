/*
 * What reuse cost and saved, from an adopter's cost report. Money is in
 * integer euro cents; effort in person-days (two decimals), priced at the
 * report's day rate. Nothing here is typed by a person: it is derived.
 *
 *   own effort      = effort days x day rate
 *   one-off total   = one-off implementation + own effort
 *   recurring       = operating + contributions + licence fees (per year)
 *   total           = one-off total + recurring
 *   savings         = estimated cost of building it alone - total
 *   payback months  = months until the one-off total is recovered by the
 *                     yearly advantage over building alone (building cost
 *                     minus recurring costs), rounded up; none if there is
 *                     no such advantage
 */
#ifndef ROLLIN_DOMAIN_COSTS_H
#define ROLLIN_DOMAIN_COSTS_H

#include <stdint.h>

struct cost_input {
	int64_t one_off, operating, contributions, licence, build_alone;
	int64_t effort_centidays; /* person-days x 100 */
	int64_t day_rate;
};

struct cost_figures {
	int64_t own_effort, one_off_total, recurring, total, savings;
	int64_t payback_months; /* -1: never pays back */
};

void costs_derive(const struct cost_input *, struct cost_figures *);
/* The day rate of reports that give none (configuration: day_rate_cents). */
void    costs_set_default_day_rate(int64_t cents);
int64_t costs_default_day_rate(void);
/* Person-days as a JSON number to hundredths, rounded half away from 0. */
int64_t costs_centidays(double days);

#endif
