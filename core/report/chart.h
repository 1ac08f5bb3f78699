/*
 * Charts for report pages: inline SVG, no scripts, no external resources,
 * readable without sight: role="img" with a <title> and a <desc> that
 * states every value, and every value printed beside its bar.
 */
#ifndef ROLLIN_REPORT_CHART_H
#define ROLLIN_REPORT_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct chart_bar {
	const char *label;
	int64_t     value;
};

struct chart {
	const char *title; /* what it shows, e.g. "Einsparung je Lösung" */
	const char *label_axis; /* what the bars are, e.g. "Lösung" */
	const char *value_axis; /* what their length is */
	int         money;      /* values are euro cents */
	const struct chart_bar *bars;
	size_t                  n;
};

/*
 * Appends a horizontal bar chart, one bar per entry, lengths scaled to
 * the largest magnitude; negative values grow leftwards from the zero line.
 */
void chart_bars(struct strbuf *, const struct chart *);

#endif
