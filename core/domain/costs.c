#include <math.h>

#include "domain/costs.h"

static int64_t default_day_rate = 80000;

void
costs_set_default_day_rate(int64_t cents)
{
	default_day_rate = cents;
}

int64_t
costs_default_day_rate(void)
{
	return default_day_rate;
}

int64_t
costs_centidays(double days)
{
	return (int64_t)llround(days * 100.0);
}

/* Integer division rounding half away from zero (for non-negative a, b). */
static int64_t
div_round(int64_t a, int64_t b)
{
	return (a + b / 2) / b;
}

void
costs_derive(const struct cost_input *in, struct cost_figures *out)
{
	int64_t advantage;

	out->own_effort = div_round(in->effort_centidays * in->day_rate, 100);
	out->one_off_total = in->one_off + out->own_effort;
	out->recurring = in->operating + in->contributions + in->licence;
	out->total = out->one_off_total + out->recurring;
	out->savings = in->build_alone - out->total;
	advantage = in->build_alone - out->recurring;
	if (advantage <= 0)
		out->payback_months = -1;
	else if (out->one_off_total == 0)
		out->payback_months = 0;
	else
		out->payback_months =
		    (out->one_off_total * 12 + advantage - 1) / advantage;
}
