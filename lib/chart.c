/*
 * chart.c: terminal bar charts and standalone SVG charts (chart.h).
 *
 * Scales are chosen the way a person would draw them by hand: y from 0 (or
 * below, for negative sums) to a round number in steps of 1, 2 or 5 times
 * a power of ten; on a log axis, one tick per decade with light lines at
 * 2..9; time ticks on calendar boundaries (minutes, hours, days, weeks,
 * months, years) labelled as dates; numeric x ticks in 1-2-5 steps.
 * Numbers on a linear axis share one format, with the SI prefix (k, M, G,
 * T) of the largest once it reaches 100000; the terminal chart prints each
 * value exactly as the NDJSON output does.  Text is measured in display
 * columns (East Asian wide characters take two) and cut with an ellipsis.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chart.h"

#define SVG_W		900.0
#define SVG_H		500.0
#define FONT		"DejaVu Sans, Helvetica, Arial, sans-serif"
#define CHAR_W		6.6	/* mean advance of a column of 11px sans text */
#define EM		0.62	/* mean advance of a column, in ems (DejaVu Sans) */
#define MAX_LEGEND	24

static const char *const palette[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
	"#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

/* ---------------------------------------------------------------- text */

/*
 * The East Asian Wide (W) and Fullwidth (F) code points of Unicode 14.0's
 * EastAsianWidth.txt, with the unassigned code points between them (the
 * file gives the CJK blocks' unassigned ones W too): a terminal gives
 * each two columns, and a font about two ems.
 */
static const struct { uint32_t lo, hi; } wide_cp[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
	{ 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
	{ 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 },
	{ 0x26fa, 0x26fa }, { 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf },
	{ 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x3247 }, { 0x3250, 0x4dbf }, { 0x4e00, 0xa4c6 }, { 0xa960, 0xa97c },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6b },
	{ 0xff01, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x1b2fb }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f320 },
	{ 0x1f32d, 0x1f335 }, { 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca },
	{ 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e },
	{ 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e },
	{ 0x1f550, 0x1f567 }, { 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 },
	{ 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 },
	{ 0x1f6d5, 0x1f6df }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7f0 },
	{ 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faf6 },
	{ 0x20000, 0x3fffd },
};

static int
cp_columns(uint32_t c)
{
	size_t lo = 0, hi = sizeof(wide_cp) / sizeof(wide_cp[0]);

	if (c < wide_cp[0].lo)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c < wide_cp[mid].lo)
			hi = mid;
		else if (c > wide_cp[mid].hi)
			lo = mid + 1;
		else
			return 2;
	}
	return 1;
}

/* The character at s (NUL-terminated): its code point and, in *n, its
 * bytes; a byte that starts no valid UTF-8 sequence is one character,
 * U+FFFD. */
static uint32_t
u8_next(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = u[0], min;
	size_t len;

	*n = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0xfffd;
	}
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0xfffd;
		c = c << 6 | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	*n = len;
	return c;
}

/* Columns of UTF-8 text in a terminal (wide characters count 2). */
static size_t
u8width(const char *s)
{
	size_t w = 0, n;

	for (; *s; s += n)
		w += (size_t)cp_columns(u8_next(s, &n));
	return w;
}

/* Append one character: a control character as its Control Pictures
 * symbol (a label must not move a terminal's cursor, and XML 1.0 has no
 * place for it), an invalid byte as U+FFFD. */
static void
add_char(struct buf *b, const char *s, size_t n, uint32_t c)
{
	if (c < 0x20 || c == 0x7f) {
		unsigned pic = c == 0x7f ? 0x2421 : 0x2400 + c;
		buf_addc(b, (char)(0xe0 | pic >> 12));
		buf_addc(b, (char)(0x80 | (pic >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (pic & 0x3f)));
	} else if (c == 0xfffd && n == 1) {
		buf_adds(b, "\xef\xbf\xbd");
	} else {
		buf_add(b, s, n);
	}
}

/* Columns w once cut to max (0: no limit). */
static size_t
cut_width(size_t w, size_t max)
{
	return max > 0 && w > max ? max : w;
}

/* Append s cut to at most max columns (0: no limit), the last one an
 * ellipsis when cut, padded with spaces to pad columns (0: no padding). */
static void
add_fit(struct buf *b, const char *s, size_t max, size_t pad)
{
	size_t total = u8width(s), cols = 0, n;

	for (; *s; s += n) {
		uint32_t c = u8_next(s, &n);
		size_t w = (size_t)cp_columns(c);
		if (max > 0 && total > max && cols + w > max - 1)
			break;
		add_char(b, s, n, c);
		cols += w;
	}
	if (*s) {
		buf_adds(b, "\xe2\x80\xa6");
		cols++;
	}
	for (; cols < pad; cols++)
		buf_addc(b, ' ');
}

/* XML character data, cut to max columns: markup characters escaped
 * (add_fit has made control characters visible: XML 1.0 has no place for
 * them). */
static void
add_xml(struct buf *b, const char *s, size_t max)
{
	struct buf t = { 0 };

	add_fit(&t, s, max, 0);
	for (const char *p = t.p; p && *p; p++) {
		switch (*p) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		default:
			buf_addc(b, *p);
		}
	}
	buf_free(&t);
}

/* A number for a person: integers below 1e15 in full, others with up to
 * 6 significant digits; "-0" as "0". */
static void
add_num(struct buf *b, double v)
{
	char s[64];

	if (v == 0)
		v = 0;
	if (fabs(v) < 1e15 && v == floor(v))
		snprintf(s, sizeof(s), "%.0f", v);
	else
		snprintf(s, sizeof(s), "%.6g", v);
	buf_adds(b, s);
}

/*
 * One format for the tick labels of an axis: the SI prefix (k, M, G, T, P)
 * of its largest tick once that reaches si_from, and as many decimals as
 * the step needs at that scale.  So 0 20k 40k ... 100k, never 80000 beside
 * 100k.
 */
struct tickfmt {
	double div;
	const char *sfx;
	int dec;
};

static struct tickfmt
tick_format(double maxabs, double step, double si_from)
{
	static const char *const sfx[] = { "", "k", "M", "G", "T", "P" };
	struct tickfmt f = { 1, "", 0 };
	int i = 0;

	if (maxabs >= si_from)
		while (i < 5 && maxabs / (f.div * 1000) >= 1) {
			f.div *= 1000;
			i++;
		}
	f.sfx = sfx[i];
	for (double st = fabs(step) / f.div;
	    f.dec < 12 && fabs(st - round(st)) > 1e-9 * fmax(1, st); st *= 10)
		f.dec++;
	return f;
}

static void
add_tick(struct buf *b, double v, const struct tickfmt *f)
{
	char s[64];

	if (v == 0) {
		buf_addc(b, '0');
		return;
	}
	snprintf(s, sizeof(s), "%.*f%s", f->dec, v / f->div, f->sfx);
	buf_adds(b, s);
}

/* ---------------------------------------------------------------- time */

static void
add_date(struct buf *b, double secs, int level)
{
	time_t t = (time_t)floor(secs);
	struct tm tm;
	char s[64];

	gmtime_r(&t, &tm);
	switch (level) {
	case 0:		/* years */
		strftime(s, sizeof(s), "%Y", &tm);
		break;
	case 1:		/* months */
		strftime(s, sizeof(s), "%Y-%m", &tm);
		break;
	case 2:		/* days */
		strftime(s, sizeof(s), "%Y-%m-%d", &tm);
		break;
	case 3:		/* minutes */
		strftime(s, sizeof(s), "%Y-%m-%d %H:%M", &tm);
		break;
	case 4:		/* seconds */
		strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm);
		break;
	default:	/* axis ticks within days: the date at midnight only */
		if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
			strftime(s, sizeof(s), "%Y-%m-%d", &tm);
		else
			strftime(s, sizeof(s),
			    level == 5 ? "%H:%M" : "%H:%M:%S", &tm);
		break;
	}
	buf_adds(b, s);
}

/* How finely a set of interval starts must be written: 2 for whole days,
 * 3 for whole minutes, 4 otherwise. */
static int
time_level(const struct chart *c)
{
	int level = 2;

	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			double x = c->series[i].pt[j].x0;
			if (fmod(x, 60) != 0)
				return 4;
			if (fmod(x, 86400) != 0)
				level = 3;
		}
	return level;
}

/* ---------------------------------------------------------------- labels */

static void
point_label(struct buf *b, const struct chart *c, const struct chart_point *p,
    int tlevel)
{
	switch (p->kind) {
	case CP_UNDER:
		buf_adds(b, "< ");
		add_num(b, p->x1);
		return;
	case CP_OVER:
		buf_adds(b, "> ");
		add_num(b, p->x0);
		return;
	case CP_POINT:
		break;
	}
	switch (c->axis) {
	case CHART_NUM:
		buf_addc(b, '[');
		add_num(b, p->x0);
		buf_adds(b, ", ");
		add_num(b, p->x1);
		buf_addc(b, p->closed ? ']' : ')');
		break;
	case CHART_TIME:
		add_date(b, p->x0, tlevel);
		break;
	case CHART_CAT: {
		size_t i = (size_t)p->x0;
		buf_adds(b, i < c->ncats ? c->cats[i] : "");
		break;
	}
	}
}

/* ---------------------------------------------------------------- terminal */

static void
add_bar(struct buf *b, long eighths)
{
	/* U+2588 full block, then U+2589..U+258F for 7/8 down to 1/8. */
	static const char *const part[8] = {
		"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
		"\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
	};

	for (long i = 0; i < eighths / 8; i++)
		buf_adds(b, "\xe2\x96\x88");
	buf_adds(b, part[eighths % 8]);
}

void
chart_bars(struct buf *out, const struct chart *c, int columns)
{
	struct buf lab = { 0 };
	size_t lw = 0, vw = 0;
	double ymax = 0, minpos = INFINITY;
	int tlevel = c->axis == CHART_TIME ? time_level(c) : 2;
	long width;

	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			const struct chart_point *p = &c->series[i].pt[j];
			buf_reset(&lab);
			point_label(&lab, c, p, tlevel);
			size_t n = u8width(lab.p);
			if (n > lw)
				lw = n;
			n = strlen(p->ytext);
			if (n > vw)
				vw = n;
			if (p->y > ymax)
				ymax = p->y;
			if (p->y > 0 && p->y < minpos)
				minpos = p->y;
		}
	/* On a log scale the bars start half a decade below the smallest
	 * value, so that it still shows as more than a sliver. */
	double llo = log10(minpos) - 0.5, lhi = log10(ymax);
	lw = cut_width(lw, c->label_width);
	width = (long)columns - (long)lw - (long)vw - 2;
	if (width < 10)
		width = 10;

	if (c->title || c->logy) {
		buf_adds(out, c->title ? c->title : "");
		buf_adds(out,
		    c->logy ? (c->title ? " (log scale)" : "(log scale)") : "");
		buf_addc(out, '\n');
	}
	for (size_t i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		if (s->name) {
			if (i > 0)
				buf_addc(out, '\n');
			add_fit(out, s->name,
			    columns > 2 ? (size_t)columns - 1 : 1, 0);
			buf_adds(out, ":\n");
		}
		for (size_t j = 0; j < s->n; j++) {
			const struct chart_point *p = &s->pt[j];
			long e = 0;
			buf_reset(&lab);
			point_label(&lab, c, p, tlevel);
			add_fit(out, lab.p, lw, lw);
			buf_addc(out, ' ');
			for (size_t k = strlen(p->ytext); k < vw; k++)
				buf_addc(out, ' ');
			buf_adds(out, p->ytext);
			if (p->y > 0 && ymax > 0) {
				double f = p->y / ymax;
				if (c->logy)
					f = (log10(p->y) - llo) / (lhi - llo);
				e = lround(f * (double)width * 8);
				if (e < 1)
					e = 1;	/* something is there: show it */
			}
			if (e > 0) {
				buf_addc(out, ' ');
				add_bar(out, e);
			}
			buf_addc(out, '\n');
		}
	}
	buf_free(&lab);
}

/* ---------------------------------------------------------------- SVG scales */

/* A step of 1, 2 or 5 times a power of ten giving about `ticks` ticks
 * (rounded to the nearest such step, so between 2/3 and 3/2 as many). */
static double
nice_step(double span, int ticks)
{
	double raw = span / ticks, e, f;

	if (!(raw > 0))
		return 1;
	e = pow(10, floor(log10(raw)));
	f = raw / e;
	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * e;
}

struct yscale {
	int log;
	double lo, hi;		/* linear: values; log: decades (exponents) */
	double step;
};

static double
ymap(const struct yscale *ys, double y, double top, double bottom)
{
	double f;

	if (ys->log) {
		if (y <= 0)
			return bottom;
		f = (log10(y) - ys->lo) / (ys->hi - ys->lo);
	} else {
		f = (y - ys->lo) / (ys->hi - ys->lo);
	}
	if (f < 0)
		f = 0;
	if (f > 1)
		f = 1;
	return bottom - f * (bottom - top);
}

static void
yscale_fit(struct yscale *ys, const struct chart *c)
{
	double mn = INFINITY, mx = -INFINITY, minpos = INFINITY;
	int allint = 1;

	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			const struct chart_point *p = &c->series[i].pt[j];
			if (p->kind != CP_POINT)
				continue;
			if (p->y < mn)
				mn = p->y;
			if (p->y > mx)
				mx = p->y;
			if (p->y > 0 && p->y < minpos)
				minpos = p->y;
			if (p->y != floor(p->y))
				allint = 0;
		}
	ys->log = c->logy && minpos < INFINITY;
	if (ys->log) {
		/* A decade below the smallest value when it sits on a decade,
		 * so that a count of 1 is a bar, not a hairline. */
		ys->lo = floor(log10(minpos));
		if (log10(minpos) - ys->lo < 0.3)
			ys->lo -= 1;
		ys->hi = ceil(log10(mx));
		if (ys->hi <= ys->lo)
			ys->hi = ys->lo + 1;
		ys->step = 1;
		return;
	}
	if (!(mn < INFINITY))
		mn = mx = 0;
	if (mn > 0)
		mn = 0;
	if (mx <= mn)
		mx = mn + 1;
	ys->step = nice_step(mx - mn, 5);
	if (allint && ys->step < 1)
		ys->step = 1;
	ys->lo = floor(mn / ys->step) * ys->step;
	ys->hi = ceil(mx / ys->step) * ys->step;
	if (ys->hi <= ys->lo)
		ys->hi = ys->lo + ys->step;
}

/* Time ticks: the first step from this list that gives at most ~10. */
static const struct {
	double secs;
	int months;	/* calendar months instead of seconds */
	int level;	/* label precision for add_date */
} tsteps[] = {
	{ 1, 0, 6 }, { 2, 0, 6 }, { 5, 0, 6 }, { 10, 0, 6 }, { 15, 0, 6 }, { 30, 0, 6 },
	{ 60, 0, 5 }, { 120, 0, 5 }, { 300, 0, 5 }, { 600, 0, 5 }, { 900, 0, 5 },
	{ 1800, 0, 5 }, { 3600, 0, 5 }, { 7200, 0, 5 }, { 10800, 0, 5 },
	{ 21600, 0, 5 }, { 43200, 0, 5 }, { 86400, 0, 2 }, { 2 * 86400, 0, 2 },
	{ 7 * 86400, 0, 2 }, { 14 * 86400, 0, 2 }, { 0, 1, 1 }, { 0, 3, 1 },
	{ 0, 6, 1 }, { 0, 12, 0 }, { 0, 24, 0 }, { 0, 60, 0 }, { 0, 120, 0 },
	{ 0, 600, 0 },
};

static double
month_start(int y, int m)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	while (m > 11) {
		m -= 12;
		y++;
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	tm.tm_mday = 1;
	return (double)timegm(&tm);
}

/* Tick positions (seconds) and their label level for [lo, hi]. */
static size_t
time_ticks(double lo, double hi, double minstep, double maxticks, double *t,
    size_t max, int *level)
{
	size_t n = 0, k;

	/* No tick finer than the data's intervals (days get dates), and no
	 * more than the labels leave room for. */
	for (k = 0; k < sizeof(tsteps) / sizeof(tsteps[0]) - 1; k++) {
		double approx = tsteps[k].months ?
		    tsteps[k].months * 30.44 * 86400 : tsteps[k].secs;
		if (approx >= minstep && (hi - lo) / approx <= maxticks)
			break;
	}
	*level = tsteps[k].level;
	if (tsteps[k].months == 0) {
		double st = tsteps[k].secs;
		/* Weeks start on Monday (the epoch was a Thursday). */
		double off = st == 7 * 86400 || st == 14 * 86400 ?
		    4 * 86400 : 0;
		for (double x = ceil((lo - off) / st) * st + off;
		    x <= hi && n < max; x += st)
			t[n++] = x;
		return n;
	}
	time_t tt = (time_t)floor(lo);
	struct tm tm;
	gmtime_r(&tt, &tm);
	int y = tm.tm_year + 1900, m = tm.tm_mon, step = tsteps[k].months;
	m -= m % (step < 12 ? step : 12);
	if (step >= 12)
		y -= y % (step / 12);
	for (int i = 0; n < max && i < 1000; i++) {
		double x = month_start(y, m + i * step);
		if (x > hi)
			break;
		if (x >= lo)
			t[n++] = x;
	}
	return n;
}

/* ---------------------------------------------------------------- SVG */

/*
 * The SVG is drawn in two steps: svg_layout measures the chart once and
 * fixes every position (the scales, the margins, the plot area, the x
 * ticks), then one function per part appends that part, in the order of
 * the document (later parts paint over earlier ones): the title, the y
 * grid, the y tick labels, the data, the axes with the x tick marks, the
 * x tick labels, the axis labels and the note on values not drawn, the
 * legend.  The parts read the layout and never change it.
 */
#define MAX_XTICKS	64

struct svg_layout {
	const struct chart *c;
	struct yscale ys;
	double xlo, xhi;	/* the x domain: bin edges, seconds, or
				 * category indexes +- 0.5 */
	double x0, x1;		/* the plot area's left and right, in pixels */
	double y0, y1;		/* its top and bottom */
	int rotate;		/* category labels slanted */
	int plevel;		/* add_date's level for the points' labels */
	size_t npts;		/* points drawn (CP_POINT) in all series */
	double under, over;	/* the sums beyond the bins ... */
	double under_at, over_at; /* ... and where the bins end */
	int have_under, have_over;
	int legend;		/* series have names: draw a legend */
	size_t legend_cols;	/* the legend's names cut to this width */
	size_t legend_w;	/* the legend's width in pixels */
	double xtick[MAX_XTICKS]; /* x tick positions (x domain values) */
	size_t nxtick;
	double xtick_step;	/* CHART_NUM: the ticks' step */
	int xtick_level;	/* CHART_TIME: add_date's level for them */
	size_t every;		/* CHART_CAT: label every that many */
	struct buf t;		/* scratch text */
};

static const char *
colour(size_t series)
{
	return palette[series % (sizeof(palette) / sizeof(palette[0]))];
}

/* The x pixel of a value of the x domain. */
static double
svg_x(const struct svg_layout *l, double v)
{
	return l->x0 + (v - l->xlo) / (l->xhi - l->xlo) * (l->x1 - l->x0);
}

/* The y pixel of a value. */
static double
svg_y(const struct svg_layout *l, double v)
{
	return ymap(&l->ys, v, l->y0, l->y1);
}

static void
svg_line(struct buf *b, double x1, double y1, double x2, double y2)
{
	buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
	    x1, y1, x2, y2);
}

static void
svg_text(struct buf *b, double x, double y, const char *anchor,
    const char *extra, const char *s, size_t max)
{
	buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>",
	    x, y, anchor, extra ? " " : "", extra ? extra : "");
	add_xml(b, s, max);
	buf_adds(b, "</text>\n");
}

/* Columns of text of the given font size (px) that fit in px pixels. */
static size_t
columns_in(double px, double font)
{
	return px > 0 ? (size_t)(px / (font * EM)) : 1;
}

/* An x tick label centred under its tick, but kept inside the picture. */
static void
xtick_text(struct buf *b, double x, double y, const char *s)
{
	double half = (double)cut_width(u8width(s), 20) * CHAR_W / 2;

	if (x + half > SVG_W - 4)
		svg_text(b, SVG_W - 4, y, "end", NULL, s, 20);
	else if (x - half < 4)
		svg_text(b, 4, y, "start", NULL, s, 20);
	else
		svg_text(b, x, y, "middle", NULL, s, 20);
}

/* A point's tooltip: its label and its value as the output prints it. */
static void
point_title(struct buf *out, struct svg_layout *l, const struct chart_point *p)
{
	buf_reset(&l->t);
	point_label(&l->t, l->c, p, l->plevel);
	add_xml(out, l->t.p, 200);
	buf_adds(out, ": ");
	add_xml(out, p->ytext, 60);
}

/* The x domain from the points, and the sums beyond the bins. */
static void
layout_x(struct svg_layout *l)
{
	const struct chart *c = l->c;

	l->xlo = INFINITY;
	l->xhi = -INFINITY;
	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			const struct chart_point *p = &c->series[i].pt[j];
			if (p->kind == CP_UNDER) {
				l->under += p->y;
				l->under_at = p->x1;
				l->have_under = 1;
				continue;
			}
			if (p->kind == CP_OVER) {
				l->over += p->y;
				l->over_at = p->x0;
				l->have_over = 1;
				continue;
			}
			l->npts++;
			double a = p->x0;
			double b = c->axis == CHART_NUM ? p->x1 : p->x0;
			if (a < l->xlo)
				l->xlo = a;
			if (b > l->xhi)
				l->xhi = b;
		}
	if (c->axis == CHART_CAT) {
		l->xlo = -0.5;
		l->xhi = (double)c->ncats - 0.5;
	}
	if (!(l->xlo < INFINITY)) {
		l->xlo = 0;
		l->xhi = 1;
	}
	if (l->xhi <= l->xlo) {
		/* One time point: a day (or the interval) either side. */
		double pad = 1;
		if (c->axis == CHART_TIME) {
			pad = 86400;
			for (size_t i = 0; i < c->nseries; i++)
				if (c->series[i].n)
					pad = c->series[i].pt[0].x1 -
					    c->series[i].pt[0].x0;
		}
		l->xlo -= pad;
		l->xhi += pad;
	}
}

/* The legend's names as --label-width cuts them, but the legend no wider
 * than 40% of the picture. */
static void
layout_legend(struct svg_layout *l)
{
	const struct chart *c = l->c;
	size_t widest = columns_in(SVG_W * 0.4 - 44, 11), m = 0;

	l->legend = c->nseries > 1 || (c->nseries == 1 && c->series[0].name);
	l->legend_cols = cut_width(c->label_width, widest);
	if (l->legend_cols == 0)
		l->legend_cols = widest;
	if (!l->legend)
		return;
	for (size_t i = 0; i < c->nseries && i < MAX_LEGEND; i++) {
		const char *name = c->series[i].name;
		size_t n = name ? u8width(name) : 4;
		n = cut_width(n, l->legend_cols);
		if (n > m)
			m = n;
	}
	l->legend_w = (size_t)(m * CHAR_W) + 44;
}

/* The plot area: margins for the title, the tick labels (slanted when
 * the categories' labels do not fit their slots), the note and the
 * legend. */
static void
layout_area(struct svg_layout *l)
{
	const struct chart *c = l->c;
	double left = 78, right = 24 + (double)l->legend_w;
	double top = c->title ? 52 : 24, bottom = 64;
	size_t maxcat = 0;

	if (c->axis == CHART_CAT && c->ncats > 0) {
		for (size_t i = 0; i < c->ncats; i++) {
			size_t n = cut_width(u8width(c->cats[i]),
			    c->label_width);
			if (n > maxcat)
				maxcat = n;
		}
		double slot = (SVG_W - left - right) / (double)c->ncats;
		if ((double)maxcat * CHAR_W > slot * 0.95) {
			/* Slanted labels hang down and to the left: make room
			 * below, and left of the first one. */
			size_t n0 = cut_width(u8width(c->cats[0]),
			    c->label_width);
			double need = (double)n0 * CHAR_W * 0.77;
			l->rotate = 1;
			bottom = 40 + (double)maxcat * CHAR_W * 0.64 + 12;
			if (need + 12 > left)
				left = need + 12;
		}
	}
	if (l->have_under || l->have_over)
		bottom += 16;
	l->x0 = left;
	l->x1 = SVG_W - right;
	l->y0 = top;
	l->y1 = SVG_H - bottom;
}

/* The x ticks: 1-2-5 steps on a numeric axis, calendar steps on a time
 * axis no finer than the data's intervals, every category up to 40. */
static void
layout_xticks(struct svg_layout *l)
{
	const struct chart *c = l->c;

	switch (c->axis) {
	case CHART_NUM: {
		double st = nice_step(l->xhi - l->xlo, 8);
		double v = ceil(l->xlo / st - 1e-9) * st;
		for (; v <= l->xhi + st * 1e-9 && l->nxtick < MAX_XTICKS;
		    v += st)
			l->xtick[l->nxtick++] = fabs(v) < st * 1e-9 ? 0 : v;
		l->xtick_step = st;
		break;
	}
	case CHART_TIME: {
		double minstep = 0, plot_w = l->x1 - l->x0;
		for (size_t i = 0; i < c->nseries; i++)
			if (c->series[i].n > 0)
				minstep = fmax(minstep, c->series[i].pt[0].x1 -
				    c->series[i].pt[0].x0);
		l->nxtick = time_ticks(l->xlo, l->xhi, minstep,
		    fmin(10, plot_w / (10 * CHAR_W + 24)), l->xtick,
		    MAX_XTICKS, &l->xtick_level);
		break;
	}
	case CHART_CAT:
		l->every = c->ncats > 40 ? (c->ncats + 39) / 40 : 1;
		break;
	}
}

static void
svg_layout(struct svg_layout *l, const struct chart *c)
{
	memset(l, 0, sizeof(*l));
	l->c = c;
	l->plevel = c->axis == CHART_TIME ? time_level(c) : 2;
	l->xtick_level = 2;
	yscale_fit(&l->ys, c);
	layout_x(l);
	layout_legend(l);
	layout_area(l);
	layout_xticks(l);
}

static void
svg_head(struct buf *out, const struct svg_layout *l)
{
	buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" "
	    "font-size=\"11\">\n", SVG_W, SVG_H, SVG_W, SVG_H, FONT);
	buf_addf(out, "<rect width=\"%.0f\" height=\"%.0f\" "
	    "fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
	if (l->c->title)
		svg_text(out, SVG_W / 2, 30, "middle",
		    "font-size=\"16\" font-weight=\"bold\"", l->c->title,
		    columns_in(SVG_W - 20, 16 * 1.1));
}

/* Horizontal lines at the y ticks; on a log axis light ones at 2..9 of
 * each decade too, while there are at most 8 decades. */
static void
svg_grid(struct buf *out, const struct svg_layout *l)
{
	const struct yscale *ys = &l->ys;

	buf_adds(out, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
	if (!ys->log) {
		for (double v = ys->lo; v <= ys->hi + ys->step * 1e-9;
		    v += ys->step)
			svg_line(out, l->x0, svg_y(l, v), l->x1, svg_y(l, v));
		buf_adds(out, "</g>\n");
		return;
	}
	for (double e = ys->lo; e <= ys->hi + 1e-9; e++) {
		double y = svg_y(l, pow(10, e));
		svg_line(out, l->x0, y, l->x1, y);
		if (e < ys->hi && ys->hi - ys->lo <= 8)
			for (int m = 2; m <= 9; m++) {
				double ym = svg_y(l, m * pow(10, e));
				buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" "
				    "x2=\"%.1f\" y2=\"%.1f\" "
				    "stroke=\"#f2f2f2\"/>\n",
				    l->x0, ym, l->x1, ym);
			}
	}
	buf_adds(out, "</g>\n");
}

/* The y tick labels: one format for the axis; on a log axis decades with
 * their SI prefix from 1000 on (1 10 100 1k 10k). */
static void
svg_yticks(struct buf *out, struct svg_layout *l)
{
	const struct yscale *ys = &l->ys;
	double x = l->x0 - 8;

	buf_adds(out, "<g fill=\"#333333\">\n");
	if (!ys->log) {
		struct tickfmt f = tick_format(fmax(fabs(ys->lo), fabs(ys->hi)),
		    ys->step, 1e5);
		for (double v = ys->lo; v <= ys->hi + ys->step * 1e-9;
		    v += ys->step) {
			buf_reset(&l->t);
			add_tick(&l->t, fabs(v) < ys->step * 1e-9 ? 0 : v, &f);
			svg_text(out, x, svg_y(l, v) + 4, "end", NULL, l->t.p,
			    20);
		}
		buf_adds(out, "</g>\n");
		return;
	}
	for (double e = ys->lo; e <= ys->hi + 1e-9; e++) {
		struct tickfmt f = tick_format(pow(10, e), pow(10, e), 1e3);
		buf_reset(&l->t);
		add_tick(&l->t, pow(10, e), &f);
		svg_text(out, x, svg_y(l, pow(10, e)) + 4, "end", NULL, l->t.p,
		    20);
		/* Two decades or less leave room for 2 and 5 too. */
		for (int m = 2; e < ys->hi && ys->hi - ys->lo <= 2 && m <= 5;
		    m += 3) {
			double v = m * pow(10, e);
			buf_reset(&l->t);
			add_tick(&l->t, v, &f);
			svg_text(out, x, svg_y(l, v) + 4, "end",
			    "fill=\"#777777\"", l->t.p, 20);
		}
	}
	buf_adds(out, "</g>\n");
}

/* Bars from the y axis' zero (the bottom on a log axis), with a tooltip.
 * Several series on a category axis: bars side by side in each
 * category's slot (on numeric and time axes only the first is drawn as
 * bars: several series there are drawn as lines). */
static void
svg_bars(struct buf *out, struct svg_layout *l)
{
	const struct chart *c = l->c;
	double base = l->ys.log ? l->y1 : svg_y(l, 0);
	size_t nbs = c->axis == CHART_CAT && c->nseries > 1 ? c->nseries : 1;

	for (size_t i = 0; i < nbs && i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		double sub = 0.8 / (double)nbs;
		buf_addf(out, "<g fill=\"%s\">\n", colour(i));
		for (size_t j = 0; j < s->n; j++) {
			const struct chart_point *p = &s->pt[j];
			double a, b, y;
			if (p->kind != CP_POINT)
				continue;
			if (c->axis == CHART_CAT) {
				a = svg_x(l, p->x0 - 0.4 + sub * (double)i);
				b = svg_x(l,
				    p->x0 - 0.4 + sub * (double)(i + 1));
				if (nbs > 1 && b - a > 3)
					b -= 1;
			} else {
				a = svg_x(l, p->x0);
				b = svg_x(l, p->x1);
				if (b - a > 3)
					b -= 1;	/* a hairline between neighbours */
			}
			if (l->ys.log && p->y <= 0)
				continue;
			y = svg_y(l, p->y);
			buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"%.1f\" height=\"%.1f\"><title>", a,
			    fmin(y, base), fmax(b - a, 0.5), fabs(base - y));
			point_title(out, l, p);
			buf_adds(out, "</title></rect>\n");
		}
		buf_adds(out, "</g>\n");
	}
}

/* A point's x on a line: a bin's middle, an interval's start. */
static double
line_x(const struct svg_layout *l, const struct chart_point *p)
{
	if (l->c->axis == CHART_NUM)
		return svg_x(l, (p->x0 + p->x1) / 2);
	return svg_x(l, p->x0);
}

/* Per series a polyline through its points (broken where a log axis has
 * no place for a value), and a dot with a tooltip on each point while
 * there are at most 60 a series. */
static void
svg_lines(struct buf *out, struct svg_layout *l)
{
	const struct chart *c = l->c;
	size_t per_series = l->npts / (c->nseries ? c->nseries : 1);

	for (size_t i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		int open = 0;
		buf_addf(out, "<g stroke=\"%s\" fill=\"none\" "
		    "stroke-width=\"2\">\n", colour(i));
		for (size_t j = 0; j < s->n; j++) {
			const struct chart_point *p = &s->pt[j];
			if (p->kind != CP_POINT)
				continue;
			if (l->ys.log && p->y <= 0) {
				if (open)
					buf_adds(out, "\"/>\n");
				open = 0;
				continue;
			}
			buf_addf(out, "%s%.1f,%.1f",
			    open ? " " : "<polyline points=\"", line_x(l, p),
			    svg_y(l, p->y));
			open = 1;
		}
		if (open)
			buf_adds(out, "\"/>\n");
		buf_adds(out, "</g>\n");
		if (per_series > 60)
			continue;
		buf_addf(out, "<g fill=\"%s\">\n", colour(i));
		for (size_t j = 0; j < s->n; j++) {
			const struct chart_point *p = &s->pt[j];
			if (p->kind != CP_POINT || (l->ys.log && p->y <= 0))
				continue;
			buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" "
			    "r=\"2.5\"><title>", line_x(l, p), svg_y(l, p->y));
			point_title(out, l, p);
			buf_adds(out, "</title></circle>\n");
		}
		buf_adds(out, "</g>\n");
	}
}

/* The x and y axes and the x tick marks. */
static void
svg_axes(struct buf *out, const struct svg_layout *l)
{
	const struct chart *c = l->c;

	buf_adds(out, "<g stroke=\"#333333\" stroke-width=\"1\">\n");
	svg_line(out, l->x0, l->y1, l->x1, l->y1);
	svg_line(out, l->x0, l->y0, l->x0, l->y1);
	if (c->axis == CHART_CAT) {
		for (size_t i = 0; i < c->ncats; i += l->every)
			svg_line(out, svg_x(l, (double)i), l->y1,
			    svg_x(l, (double)i), l->y1 + 4);
	} else {
		for (size_t i = 0; i < l->nxtick; i++)
			svg_line(out, svg_x(l, l->xtick[i]), l->y1,
			    svg_x(l, l->xtick[i]), l->y1 + 5);
	}
	buf_adds(out, "</g>\n");
}

/* The x tick labels: numbers in one format, dates, or the categories
 * (slanted when the layout says so). */
static void
svg_xticks(struct buf *out, struct svg_layout *l)
{
	const struct chart *c = l->c;
	double y = l->y1 + 18;

	buf_adds(out, "<g fill=\"#333333\">\n");
	if (c->axis == CHART_NUM) {
		double maxabs = 0;
		for (size_t i = 0; i < l->nxtick; i++)
			maxabs = fmax(maxabs, fabs(l->xtick[i]));
		struct tickfmt f = tick_format(maxabs, l->xtick_step, 1e5);
		for (size_t i = 0; i < l->nxtick; i++) {
			buf_reset(&l->t);
			add_tick(&l->t, l->xtick[i], &f);
			xtick_text(out, svg_x(l, l->xtick[i]), y, l->t.p);
		}
	} else if (c->axis == CHART_TIME) {
		for (size_t i = 0; i < l->nxtick; i++) {
			buf_reset(&l->t);
			add_date(&l->t, l->xtick[i], l->xtick_level);
			xtick_text(out, svg_x(l, l->xtick[i]), y, l->t.p);
		}
	} else {
		for (size_t i = 0; i < c->ncats; i += l->every) {
			double x = svg_x(l, (double)i);
			if (l->rotate) {
				char tr[96];
				snprintf(tr, sizeof(tr), "transform=\"rotate("
				    "-40 %.1f %.1f)\"", x + 3, l->y1 + 14);
				svg_text(out, x + 3, l->y1 + 14, "end", tr,
				    c->cats[i], c->label_width);
			} else {
				svg_text(out, x, y, "middle", NULL, c->cats[i],
				    c->label_width);
			}
		}
	}
	buf_adds(out, "</g>\n");
}

/* The axis labels (each cut to 80% of its axis' length) and the note on
 * the values below and above the bins, which are not drawn. */
static void
svg_labels(struct buf *out, struct svg_layout *l)
{
	const struct chart *c = l->c;
	int note = l->have_under || l->have_over;

	if (c->xlabel)
		svg_text(out, (l->x0 + l->x1) / 2, SVG_H - (note ? 30 : 14),
		    "middle", "font-size=\"13\"", c->xlabel,
		    columns_in(0.8 * (l->x1 - l->x0), 13));
	if (c->ylabel) {
		double mid = (l->y0 + l->y1) / 2;
		char tr[96];
		snprintf(tr, sizeof(tr), "font-size=\"13\" "
		    "transform=\"rotate(-90 18 %.1f)\"", mid);
		svg_text(out, 18, mid, "middle", tr, c->ylabel,
		    columns_in(0.8 * (l->y1 - l->y0), 13));
	}
	if (!note)
		return;
	buf_reset(&l->t);
	if (l->have_under) {
		buf_adds(&l->t, "below ");
		add_num(&l->t, l->under_at);
		buf_adds(&l->t, ": ");
		add_num(&l->t, l->under);
	}
	if (l->have_over) {
		buf_adds(&l->t, l->have_under ? "; above " : "above ");
		add_num(&l->t, l->over_at);
		buf_adds(&l->t, ": ");
		add_num(&l->t, l->over);
	}
	buf_adds(&l->t, " (not drawn)");
	svg_text(out, l->x1, SVG_H - 10, "end", "fill=\"#666666\"", l->t.p,
	    120);
}

/* Right of the plot, a swatch and a name per series, the first
 * MAX_LEGEND of them ("null" for a series without a name). */
static void
svg_legend(struct buf *out, struct svg_layout *l)
{
	const struct chart *c = l->c;
	double lx = l->x1 + 16, ly = l->y0 + 6;

	if (!l->legend)
		return;
	buf_adds(out, "<g>\n");
	for (size_t i = 0; i < c->nseries && i < MAX_LEGEND; i++, ly += 18) {
		const char *name = c->series[i].name;
		if (c->lines)
			buf_addf(out,
			    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
			    lx, ly, lx + 18, ly, colour(i));
		else
			buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" "
			    "width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			    lx + 3, ly - 6, colour(i));
		svg_text(out, lx + 24, ly + 4, "start", NULL,
		    name ? name : "null", l->legend_cols);
	}
	if (c->nseries > MAX_LEGEND) {
		buf_reset(&l->t);
		buf_addf(&l->t, "and %zu more", c->nseries - MAX_LEGEND);
		svg_text(out, lx + 24, ly + 4, "start", "fill=\"#666666\"",
		    l->t.p, 40);
	}
	buf_adds(out, "</g>\n");
}

void
chart_svg(struct buf *out, const struct chart *c)
{
	struct svg_layout l;

	svg_layout(&l, c);
	svg_head(out, &l);
	svg_grid(out, &l);
	svg_yticks(out, &l);
	if (c->lines)
		svg_lines(out, &l);
	else
		svg_bars(out, &l);
	svg_axes(out, &l);
	svg_xticks(out, &l);
	svg_labels(out, &l);
	svg_legend(out, &l);
	if (l.npts == 0)
		svg_text(out, (l.x0 + l.x1) / 2, (l.y0 + l.y1) / 2, "middle",
		    "fill=\"#666666\"", "no data", 20);
	buf_adds(out, "</svg>\n");
	buf_free(&l.t);
}
