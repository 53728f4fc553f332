/*
 * chart.h: a histogram drawn for people: a terminal bar chart that reads
 * at 80 columns, and a standalone SVG for a report.
 *
 * The caller (histo) describes the data: one or more series of points on
 * a numeric, time or category x axis, each point with its y value and the
 * exact text of that value.  The chart code chooses scales, ticks (1-2-5
 * steps, calendar steps for time, decades on a log axis), labels and
 * layout; it never prints: it appends to a struct buf.
 */
#ifndef TRAWL_CHART_H
#define TRAWL_CHART_H

#include <stddef.h>

#include "util.h"

enum chart_axis {
	CHART_NUM,	/* x0..x1 are bin edges */
	CHART_TIME,	/* x0..x1 are an interval, in seconds since the epoch */
	CHART_CAT	/* x0 is an index into cats */
};

enum chart_kind {
	CP_POINT,	/* an ordinary bin, interval or category */
	CP_UNDER,	/* values below the first bin (x1 is its lower edge) */
	CP_OVER		/* values above the last bin (x0 is its upper edge) */
};

struct chart_point {
	double x0, x1;
	double y;
	const char *ytext;	/* y as the NDJSON output prints it */
	enum chart_kind kind;
	int closed;		/* CHART_NUM: the bin holds x1 too (the last one) */
};

struct chart_series {
	const char *name;	/* the series' label; NULL for the only series */
	struct chart_point *pt;
	size_t n;
};

struct chart {
	enum chart_axis axis;
	const char *const *cats;	/* CHART_CAT: labels, UTF-8 */
	size_t ncats;
	struct chart_series *series;
	size_t nseries;
	const char *title;		/* may be NULL */
	const char *xlabel, *ylabel;	/* may be NULL */
	int logy;			/* log10 y axis; y <= 0 is not drawn */
	int lines;			/* SVG: lines through the points, not bars */
	size_t label_width;		/* category and series labels are cut to
					 * this many columns (0: never) */
};

/*
 * Append a bar chart for a terminal of the given width: per point a label
 * ("[0, 5)", a date, a category), the value, and a bar of U+2588 blocks
 * with eighth-block ends, all series on one scale.  With several series,
 * each starts with a heading line.  Widths are display columns: an East
 * Asian wide character takes two.
 */
void chart_bars(struct buf *out, const struct chart *c, int columns);

/*
 * Append a standalone SVG document (UTF-8, one <svg> element, 900 by 500
 * pixels, no scripts, no external references): the title; the y grid and
 * tick labels (the scale from 0, or below for negative sums, to a round
 * number; with logy, decades); the data; the axes with the x ticks (1-2-5
 * steps, calendar steps for time, the categories slanted when they do
 * not fit, at most 40 labelled); the axis labels; and, when a series has
 * a name, a legend of its first 24 series.  Bars, side by side per
 * category when there are several series; with lines, a polyline per
 * series and a dot per point while there are at most 60.  Every bar and
 * dot carries a <title>: the point's label and its ytext.  CP_UNDER and
 * CP_OVER points are not drawn: a note under the plot gives their sums.
 * With no point at all the plot says "no data".  Text is cut to fit
 * (label_width for categories and names) and escaped; the same chart
 * always gives the same bytes.
 */
void chart_svg(struct buf *out, const struct chart *c);

#endif
