/*
 * Horizontal bar charts as inline SVG. Horizontal, because the labels are
 * names of solutions and organisations: long, and readable only when they
 * run left to right.
 */
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/render.h"

#define WIDTH    830
#define LABEL_X  230 /* right edge of the bar labels */
#define AREA_X   240 /* where the bar area starts */
#define AREA_W   400 /* its width; the values are printed after it */
#define TOP      36
#define ROW      26
#define BAR      16
#define MAXLABEL 32 /* characters of a label shown beside its bar */

static void
format(const struct chart *c, int64_t v, char out[RENDER_EURO_LEN])
{
	if (c->money)
		render_euro(v, out);
	else
		render_integer(v, out);
}

/* Appends s, cut to max characters (not bytes: UTF-8) with an ellipsis. */
static void
add_cut(struct strbuf *b, const char *s, size_t max)
{
	size_t chars = 0, i;
	char  *cut;

	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > max)
			break;
	if (s[i] == '\0') {
		render_escape(b, s);
		return;
	}
	/* Room for the ellipsis: one character fewer. */
	while (i > 0 && ((unsigned char)s[--i] & 0xc0) == 0x80)
		;
	if ((cut = strndup(s, i)) == NULL)
		return;
	render_escape(b, cut);
	strbuf_add(b, "…");
	free(cut);
}

static double
xpos(int64_t v, int64_t lo, int64_t hi)
{
	return AREA_X +
	    ((double)v - (double)lo) * AREA_W / ((double)hi - (double)lo);
}

void
chart_bars(struct strbuf *b, const struct chart *c)
{
	int64_t lo = 0, hi = 0;
	double  x0, axis_y, last_tick = -1e9;
	char    num[RENDER_EURO_LEN];
	int     height, flat = 0;

	for (size_t i = 0; i < c->n; i++) {
		if (c->bars[i].value < lo)
			lo = c->bars[i].value;
		if (c->bars[i].value > hi)
			hi = c->bars[i].value;
	}
	if (lo == hi) {
		hi = lo + 1; /* all zero: a scale of nothing, still drawable */
		flat = 1;
	}
	x0 = xpos(0, lo, hi);
	axis_y = TOP + (double)c->n * ROW + 4;
	height = (int)axis_y + 52;

	strbuf_addf(b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "aria-labelledby=\"chart-title chart-desc\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "font-family=\"system-ui, sans-serif\" font-size=\"13\" "
	    "fill=\"#1a202c\">\n<title id=\"chart-title\">",
	    WIDTH, height, WIDTH, height);
	render_escape(b, c->title);
	strbuf_add(b, "</title>\n<desc id=\"chart-desc\">");
	strbuf_addf(b, "Balkendiagramm mit %zu Balken: ", c->n);
	render_escape(b, c->value_axis);
	strbuf_add(b, " je ");
	render_escape(b, c->label_axis);
	strbuf_add(b, ". ");
	for (size_t i = 0; i < c->n; i++) {
		format(c, c->bars[i].value, num);
		render_escape(b, c->bars[i].label);
		strbuf_addf(b, ": %s%s", num, i + 1 < c->n ? "; " : ".");
	}
	strbuf_add(b, "</desc>\n");

	/* The axis of the labels: its title above them. */
	strbuf_addf(b,
	    "<text x=\"%d\" y=\"20\" text-anchor=\"end\" "
	    "font-weight=\"600\">",
	    LABEL_X);
	render_escape(b, c->label_axis);
	strbuf_add(b, "</text>\n");

	for (size_t i = 0; i < c->n; i++) {
		int64_t v = c->bars[i].value;
		double  xe = xpos(v, lo, hi), y = TOP + (double)i * ROW;
		double  left = v < 0 ? xe : x0, w = v < 0 ? x0 - xe : xe - x0;
		strbuf_addf(b, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">",
		    LABEL_X, y + BAR - 3);
		add_cut(b, c->bars[i].label, MAXLABEL);
		strbuf_addf(b,
		    "</text>\n<rect class=\"bar\" x=\"%.1f\" y=\"%.0f\" "
		    "width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
		    left, y, w, BAR, v < 0 ? "#c05621" : "#2b6cb0");
		format(c, v, num);
		strbuf_addf(b, "<text x=\"%.1f\" y=\"%.0f\">%s</text>\n",
		    (xe > x0 ? xe : x0) + 6, y + BAR - 3, num);
	}

	/* The zero line and the value axis with its scale and title. */
	strbuf_addf(b,
	    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" "
	    "stroke=\"#4a5568\"/>\n"
	    "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\" "
	    "stroke=\"#4a5568\"/>\n",
	    x0, TOP - 6, x0, axis_y, AREA_X, axis_y, AREA_X + AREA_W, axis_y);
	{
		const int64_t ticks[] = { lo, 0, hi };
		for (size_t i = 0; i < 3; i++) {
			double x = xpos(ticks[i], lo, hi);
			if ((i == 0 && lo == 0) || (i == 2 && flat) ||
			    x - last_tick < 90)
				continue;
			last_tick = x;
			format(c, ticks[i], num);
			strbuf_addf(b,
			    "<text x=\"%.1f\" y=\"%.0f\" "
			    "text-anchor=\"middle\" "
			    "font-size=\"11\">%s</text>\n",
			    x, axis_y + 16, num);
		}
	}
	strbuf_addf(b,
	    "<text x=\"%d\" y=\"%.0f\" text-anchor=\"middle\" "
	    "font-weight=\"600\">",
	    AREA_X + AREA_W / 2, axis_y + 40);
	render_escape(b, c->value_axis);
	strbuf_addf(b, "%s</text>\n</svg>\n", c->money ? " in Euro" : "");
}
