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
	size_t lo = 0, hi = sizeof wide_cp / sizeof wide_cp[0];

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
		snprintf(s, sizeof s, "%.0f", v);
	else
		snprintf(s, sizeof s, "%.6g", v);
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
	for (double st = fabs(step) / f.div; f.dec < 12 && fabs(st - round(st)) > 1e-9 * fmax(1, st);
	    st *= 10)
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
	snprintf(s, sizeof s, "%.*f%s", f->dec, v / f->div, f->sfx);
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
		strftime(s, sizeof s, "%Y", &tm);
		break;
	case 1:		/* months */
		strftime(s, sizeof s, "%Y-%m", &tm);
		break;
	case 2:		/* days */
		strftime(s, sizeof s, "%Y-%m-%d", &tm);
		break;
	case 3:		/* minutes */
		strftime(s, sizeof s, "%Y-%m-%d %H:%M", &tm);
		break;
	case 4:		/* seconds */
		strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm);
		break;
	default:	/* axis ticks within days: the date at midnight only */
		if (tm.tm_hour == 0 && tm.tm_min == 0 && tm.tm_sec == 0)
			strftime(s, sizeof s, "%Y-%m-%d", &tm);
		else
			strftime(s, sizeof s, level == 5 ? "%H:%M" : "%H:%M:%S", &tm);
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
point_label(struct buf *b, const struct chart *c, const struct chart_point *p, int tlevel)
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
		buf_adds(out, c->logy ? (c->title ? " (log scale)" : "(log scale)") : "");
		buf_addc(out, '\n');
	}
	for (size_t i = 0; i < c->nseries; i++) {
		const struct chart_series *s = &c->series[i];
		if (s->name) {
			if (i > 0)
				buf_addc(out, '\n');
			add_fit(out, s->name, columns > 2 ? (size_t)columns - 1 : 1, 0);
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

	memset(&tm, 0, sizeof tm);
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
time_ticks(double lo, double hi, double minstep, double maxticks, double *t, size_t max,
    int *level)
{
	size_t n = 0, k;

	/* No tick finer than the data's intervals (days get dates), and no
	 * more than the labels leave room for. */
	for (k = 0; k < sizeof tsteps / sizeof tsteps[0] - 1; k++) {
		double approx = tsteps[k].months ? tsteps[k].months * 30.44 * 86400 : tsteps[k].secs;
		if (approx >= minstep && (hi - lo) / approx <= maxticks)
			break;
	}
	*level = tsteps[k].level;
	if (tsteps[k].months == 0) {
		double st = tsteps[k].secs;
		/* Weeks start on Monday (the epoch was a Thursday). */
		double off = st == 7 * 86400 || st == 14 * 86400 ? 4 * 86400 : 0;
		for (double x = ceil((lo - off) / st) * st + off; x <= hi && n < max; x += st)
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

static void
svg_text(struct buf *b, double x, double y, const char *anchor, const char *extra,
    const char *s, size_t max)
{
	buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s%s>", x, y, anchor,
	    extra ? " " : "", extra ? extra : "");
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

void
chart_svg(struct buf *out, const struct chart *c)
{
	struct buf t = { 0 };
	struct yscale ys;
	double xlo = INFINITY, xhi = -INFINITY;
	double under = 0, over = 0, under_at = 0, over_at = 0;
	int have_under = 0, have_over = 0, rotate = 0;
	size_t legend_w = 0, maxcat = 0, npts = 0;
	int legend = c->nseries > 1 || (c->nseries == 1 && c->series[0].name);
	int plevel = c->axis == CHART_TIME ? time_level(c) : 2;

	yscale_fit(&ys, c);
	for (size_t i = 0; i < c->nseries; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			const struct chart_point *p = &c->series[i].pt[j];
			if (p->kind == CP_UNDER) {
				under += p->y;
				under_at = p->x1;
				have_under = 1;
				continue;
			}
			if (p->kind == CP_OVER) {
				over += p->y;
				over_at = p->x0;
				have_over = 1;
				continue;
			}
			npts++;
			double a = p->x0, b = c->axis == CHART_NUM ? p->x1 : p->x0;
			if (a < xlo)
				xlo = a;
			if (b > xhi)
				xhi = b;
		}
	if (c->axis == CHART_CAT) {
		xlo = -0.5;
		xhi = (double)c->ncats - 0.5;
		for (size_t i = 0; i < c->ncats; i++) {
			size_t n = cut_width(u8width(c->cats[i]), c->label_width);
			if (n > maxcat)
				maxcat = n;
		}
	}
	if (!(xlo < INFINITY)) {
		xlo = 0;
		xhi = 1;
	}
	if (xhi <= xlo) {
		/* One time point: a day (or the interval) either side. */
		double pad = 1;
		if (c->axis == CHART_TIME) {
			pad = 86400;
			for (size_t i = 0; i < c->nseries; i++)
				if (c->series[i].n)
					pad = c->series[i].pt[0].x1 - c->series[i].pt[0].x0;
		}
		xlo -= pad;
		xhi += pad;
	}
	/* The legend's names as --label-width cuts them, but the legend no
	 * wider than 40% of the picture. */
	size_t legend_cols = cut_width(c->label_width, columns_in(SVG_W * 0.4 - 44, 11));
	if (legend_cols == 0)
		legend_cols = columns_in(SVG_W * 0.4 - 44, 11);
	if (legend) {
		size_t m = 0;
		for (size_t i = 0; i < c->nseries && i < MAX_LEGEND; i++) {
			size_t n = c->series[i].name ? u8width(c->series[i].name) : 4;
			n = cut_width(n, legend_cols);
			if (n > m)
				m = n;
		}
		legend_w = (size_t)(m * CHAR_W) + 44;
	}

	double left = 78, right = 24 + (double)legend_w, top = c->title ? 52 : 24;
	double bottom = 64;
	double plot_w, slot = 0;
	if (c->axis == CHART_CAT && c->ncats > 0) {
		slot = (SVG_W - left - right) / (double)c->ncats;
		if ((double)maxcat * CHAR_W > slot * 0.95) {
			/* Slanted labels hang down and to the left: make room
			 * below, and left of the first one. */
			size_t n0 = cut_width(u8width(c->cats[0]), c->label_width);
			double need = (double)n0 * CHAR_W * 0.77;
			rotate = 1;
			bottom = 40 + (double)maxcat * CHAR_W * 0.64 + 12;
			if (need + 12 > left)
				left = need + 12;
			slot = (SVG_W - left - right) / (double)c->ncats;
		}
	}
	if (have_under || have_over)
		bottom += 16;
	double x0 = left, x1 = SVG_W - right, y0 = top, y1 = SVG_H - bottom;
	plot_w = x1 - x0;
#define SX(v) (x0 + ((v) - xlo) / (xhi - xlo) * plot_w)

	buf_addf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\" font-size=\"11\">\n",
	    SVG_W, SVG_H, SVG_W, SVG_H, FONT);
	buf_addf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
	if (c->title)
		svg_text(out, SVG_W / 2, 30, "middle", "font-size=\"16\" font-weight=\"bold\"",
		    c->title, columns_in(SVG_W - 20, 16 * 1.1));

	/* y grid, ticks and labels */
	buf_adds(out, "<g stroke=\"#e0e0e0\" stroke-width=\"1\">\n");
	if (ys.log) {
		for (double e = ys.lo; e <= ys.hi + 1e-9; e++) {
			double y = ymap(&ys, pow(10, e), y0, y1);
			buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x0, y, x1, y);
			if (e < ys.hi && ys.hi - ys.lo <= 8)
				for (int m = 2; m <= 9; m++) {
					double ym = ymap(&ys, m * pow(10, e), y0, y1);
					buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
					    "stroke=\"#f2f2f2\"/>\n", x0, ym, x1, ym);
				}
		}
	} else {
		for (double v = ys.lo; v <= ys.hi + ys.step * 1e-9; v += ys.step) {
			double y = ymap(&ys, v, y0, y1);
			buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x0, y, x1, y);
		}
	}
	buf_adds(out, "</g>\n<g fill=\"#333333\">\n");
	if (ys.log) {
		/* Decades from 1000 on with their SI prefix: 1 10 100 1k 10k. */
		for (double e = ys.lo; e <= ys.hi + 1e-9; e++) {
			struct tickfmt f = tick_format(pow(10, e), pow(10, e), 1e3);
			buf_reset(&t);
			add_tick(&t, pow(10, e), &f);
			svg_text(out, x0 - 8, ymap(&ys, pow(10, e), y0, y1) + 4, "end", NULL, t.p, 20);
			/* Two decades or less leave room for 2 and 5 too. */
			for (int m = 2; e < ys.hi && ys.hi - ys.lo <= 2 && m <= 5; m += 3) {
				double v = m * pow(10, e);
				buf_reset(&t);
				add_tick(&t, v, &f);
				svg_text(out, x0 - 8, ymap(&ys, v, y0, y1) + 4, "end",
				    "fill=\"#777777\"", t.p, 20);
			}
		}
	} else {
		struct tickfmt f = tick_format(fmax(fabs(ys.lo), fabs(ys.hi)), ys.step, 1e5);
		for (double v = ys.lo; v <= ys.hi + ys.step * 1e-9; v += ys.step) {
			buf_reset(&t);
			add_tick(&t, fabs(v) < ys.step * 1e-9 ? 0 : v, &f);
			svg_text(out, x0 - 8, ymap(&ys, v, y0, y1) + 4, "end", NULL, t.p, 20);
		}
	}
	buf_adds(out, "</g>\n");

	/* data */
	double base = ys.log ? y1 : ymap(&ys, 0, y0, y1);
	if (!c->lines) {
		/* Several series on a category axis: bars side by side in each
		 * category's slot (on numeric and time axes they are lines). */
		size_t nbs = c->axis == CHART_CAT && c->nseries > 1 ? c->nseries : 1;
		for (size_t i = 0; i < nbs && i < c->nseries; i++) {
			const struct chart_series *s = &c->series[i];
			double sub = 0.8 / (double)nbs;
			buf_addf(out, "<g fill=\"%s\">\n",
			    palette[i % (sizeof palette / sizeof palette[0])]);
			for (size_t j = 0; j < s->n; j++) {
				const struct chart_point *p = &s->pt[j];
				double a, b, y;
				if (p->kind != CP_POINT)
					continue;
				if (c->axis == CHART_CAT) {
					a = SX(p->x0 - 0.4 + sub * (double)i);
					b = SX(p->x0 - 0.4 + sub * (double)(i + 1));
					if (nbs > 1 && b - a > 3)
						b -= 1;
				} else {
					a = SX(p->x0);
					b = SX(p->x1);
					if (b - a > 3)
						b -= 1;	/* a hairline between neighbours */
				}
				if (ys.log && p->y <= 0)
					continue;
				y = ymap(&ys, p->y, y0, y1);
				buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
				    a, fmin(y, base), fmax(b - a, 0.5), fabs(base - y));
				buf_reset(&t);
				point_label(&t, c, p, plevel);
				add_xml(out, t.p, 200);
				buf_adds(out, ": ");
				add_xml(out, p->ytext, 60);
				buf_adds(out, "</title></rect>\n");
			}
			buf_adds(out, "</g>\n");
		}
	} else {
		for (size_t i = 0; i < c->nseries; i++) {
			const struct chart_series *s = &c->series[i];
			const char *col = palette[i % (sizeof palette / sizeof palette[0])];
			int open = 0;
			buf_addf(out, "<g stroke=\"%s\" fill=\"none\" stroke-width=\"2\">\n", col);
			for (size_t j = 0; j < s->n; j++) {
				const struct chart_point *p = &s->pt[j];
				if (p->kind != CP_POINT)
					continue;
				if (ys.log && p->y <= 0) {
					if (open)
						buf_adds(out, "\"/>\n");
					open = 0;
					continue;
				}
				double x = c->axis == CHART_NUM ? SX((p->x0 + p->x1) / 2) : SX(p->x0);
				buf_addf(out, "%s%.1f,%.1f", open ? " " : "<polyline points=\"", x,
				    ymap(&ys, p->y, y0, y1));
				open = 1;
			}
			if (open)
				buf_adds(out, "\"/>\n");
			buf_adds(out, "</g>\n");
			if (npts / (c->nseries ? c->nseries : 1) <= 60) {
				buf_addf(out, "<g fill=\"%s\">\n", col);
				for (size_t j = 0; j < s->n; j++) {
					const struct chart_point *p = &s->pt[j];
					if (p->kind != CP_POINT || (ys.log && p->y <= 0))
						continue;
					double x = c->axis == CHART_NUM ? SX((p->x0 + p->x1) / 2) : SX(p->x0);
					buf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>", x,
					    ymap(&ys, p->y, y0, y1));
					buf_reset(&t);
					point_label(&t, c, p, plevel);
					add_xml(out, t.p, 200);
					buf_adds(out, ": ");
					add_xml(out, p->ytext, 60);
					buf_adds(out, "</title></circle>\n");
				}
				buf_adds(out, "</g>\n");
			}
		}
	}

	/* axes */
	buf_addf(out, "<g stroke=\"#333333\" stroke-width=\"1\">\n"
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
	    x0, y1, x1, y1, x0, y0, x0, y1);

	/* x ticks */
	double tk[64];
	size_t ntk = 0;
	int tlevel = 2;
	if (c->axis == CHART_NUM) {
		double st = nice_step(xhi - xlo, 8);
		for (double v = ceil(xlo / st - 1e-9) * st; v <= xhi + st * 1e-9 && ntk < 64; v += st)
			tk[ntk++] = fabs(v) < st * 1e-9 ? 0 : v;
		for (size_t i = 0; i < ntk; i++)
			buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    SX(tk[i]), y1, SX(tk[i]), y1 + 5);
		buf_adds(out, "</g>\n<g fill=\"#333333\">\n");
		double maxabs = 0;
		for (size_t i = 0; i < ntk; i++)
			maxabs = fmax(maxabs, fabs(tk[i]));
		struct tickfmt f = tick_format(maxabs, st, 1e5);
		for (size_t i = 0; i < ntk; i++) {
			buf_reset(&t);
			add_tick(&t, tk[i], &f);
			xtick_text(out, SX(tk[i]), y1 + 18, t.p);
		}
	} else if (c->axis == CHART_TIME) {
		double minstep = 0;
		for (size_t i = 0; i < c->nseries; i++)
			if (c->series[i].n > 0)
				minstep = fmax(minstep, c->series[i].pt[0].x1 - c->series[i].pt[0].x0);
		ntk = time_ticks(xlo, xhi, minstep, fmin(10, plot_w / (10 * CHAR_W + 24)),
		    tk, 64, &tlevel);
		for (size_t i = 0; i < ntk; i++)
			buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    SX(tk[i]), y1, SX(tk[i]), y1 + 5);
		buf_adds(out, "</g>\n<g fill=\"#333333\">\n");
		for (size_t i = 0; i < ntk; i++) {
			buf_reset(&t);
			add_date(&t, tk[i], tlevel);
			xtick_text(out, SX(tk[i]), y1 + 18, t.p);
		}
	} else {
		size_t every = c->ncats > 40 ? (c->ncats + 39) / 40 : 1;
		for (size_t i = 0; i < c->ncats; i += every)
			buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			    SX((double)i), y1, SX((double)i), y1 + 4);
		buf_adds(out, "</g>\n<g fill=\"#333333\">\n");
		for (size_t i = 0; i < c->ncats; i += every) {
			if (rotate) {
				char tr[96];
				snprintf(tr, sizeof tr, "transform=\"rotate(-40 %.1f %.1f)\"",
				    SX((double)i) + 3, y1 + 14);
				svg_text(out, SX((double)i) + 3, y1 + 14, "end", tr, c->cats[i],
				    c->label_width);
			} else {
				svg_text(out, SX((double)i), y1 + 18, "middle", NULL, c->cats[i],
				    c->label_width);
			}
		}
	}
	buf_adds(out, "</g>\n");

	/* axis labels (each cut to 80% of its axis' length), notes, legend */
	if (c->xlabel)
		svg_text(out, (x0 + x1) / 2, SVG_H - ((have_under || have_over) ? 30 : 14),
		    "middle", "font-size=\"13\"", c->xlabel, columns_in(0.8 * (x1 - x0), 13));
	if (c->ylabel) {
		char tr[96];
		snprintf(tr, sizeof tr, "font-size=\"13\" transform=\"rotate(-90 18 %.1f)\"",
		    (y0 + y1) / 2);
		svg_text(out, 18, (y0 + y1) / 2, "middle", tr, c->ylabel, columns_in(0.8 * (y1 - y0), 13));
	}
	if (have_under || have_over) {
		buf_reset(&t);
		if (have_under) {
			buf_adds(&t, "below ");
			add_num(&t, under_at);
			buf_adds(&t, ": ");
			add_num(&t, under);
		}
		if (have_over) {
			buf_adds(&t, have_under ? "; above " : "above ");
			add_num(&t, over_at);
			buf_adds(&t, ": ");
			add_num(&t, over);
		}
		buf_adds(&t, " (not drawn)");
		svg_text(out, x1, SVG_H - 10, "end", "fill=\"#666666\"", t.p, 120);
	}
	if (legend) {
		double lx = x1 + 16, ly = y0 + 6;
		buf_adds(out, "<g>\n");
		for (size_t i = 0; i < c->nseries && i < MAX_LEGEND; i++, ly += 18) {
			const char *col = palette[i % (sizeof palette / sizeof palette[0])];
			if (c->lines)
				buf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				    "stroke=\"%s\" stroke-width=\"3\"/>\n", lx, ly, lx + 18, ly, col);
			else
				buf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
				    "fill=\"%s\"/>\n", lx + 3, ly - 6, col);
			svg_text(out, lx + 24, ly + 4, "start", NULL,
			    c->series[i].name ? c->series[i].name : "null", legend_cols);
		}
		if (c->nseries > MAX_LEGEND) {
			buf_reset(&t);
			buf_addf(&t, "and %zu more", c->nseries - MAX_LEGEND);
			svg_text(out, lx + 24, ly + 4, "start", "fill=\"#666666\"", t.p, 40);
		}
		buf_adds(out, "</g>\n");
	}
	if (npts == 0)
		svg_text(out, (x0 + x1) / 2, (y0 + y1) / 2, "middle", "fill=\"#666666\"",
		    "no data", 20);
	buf_adds(out, "</svg>\n");
#undef SX
	buf_free(&t);
}
