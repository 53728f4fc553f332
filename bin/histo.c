/*
 * histo: histograms, value counts, time series and summed {bucket: count}
 * maps over NDJSON, as NDJSON lines, a terminal bar chart or an SVG.
 *
 * Every value -f yields is one observation (several per record, like
 * Spark's flatMap); null and nothing are missing.  One pass over the input
 * decides everything:
 *   - numeric bins over a given range, and --width bins on the grid
 *     min + k*width (0 + k*width without --min), count into an array of
 *     bins indexed by k, grown as values arrive: memory per bin, not per
 *     value;
 *   - --bins N over the data's range, and --summary, need the values: they
 *     are kept exactly as distinct values with their counts in a vstore
 *     (bounded memory, sorted runs spilled to a temporary file) and binned
 *     or ranked in one ordered pass at the end;
 *   - --counts and --maps keep one entry per distinct value or bucket;
 *   - --per counts per interval index, like --width.
 * Integer counts and integer weights are summed exactly in 64 bits; other
 * weights are summed as doubles beside them.  Output is written after the
 * input ends, sorted, never in hash order.
 *
 * --merge reads histo's own output lines (from shards) and writes what one
 * run over all the input would have written.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/chart.h"
#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/gindex.h"
#include "../lib/hash.h"
#include "../lib/jmember.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/ts.h"
#include "../lib/util.h"
#include "../lib/vstore.h"
#include "../lib/xsum.h"

enum { O_BARS, O_BINS, O_BY, O_CLIP, O_COUNTS, O_FIELD, O_LABEL_WIDTH, O_LOG,
    O_MAPS, O_MAX, O_MIN, O_PER, O_SORT, O_SUMMARY, O_SVG, O_TITLE, O_TOP,
    O_WEIGHT, O_WIDTH, O_XLABEL, O_YLABEL };
static const struct cli_option options[] = {
	{ O_BARS, "bars", 'B', NULL, "draw a bar chart on the terminal instead" },
	{ O_BINS, "bins", 'n', "N", "the number of numeric bins over the range (default 10)" },
	{ O_BY, "by", 'b', "EXPR", "one series per value of EXPR" },
	{ O_CLIP, "clip", 0, NULL, "count values beyond --min and --max in the edge bins" },
	{ O_COUNTS, "counts", 0, NULL, "count each distinct value" },
	{ O_FIELD, "field", 'f', "EXPR", "the values to count (default .)" },
	{ O_LABEL_WIDTH, "label-width", 0, "N", "cut the labels of charts to N columns (default 28; 0: never)" },
	{ O_LOG, "log", 0, NULL, "with --bars and --svg, a logarithmic count axis" },
	{ O_MAPS, "maps", 0, NULL, "sum {bucket: count} maps (telemetry histograms)" },
	{ O_MAX, "max", 0, "X", "the upper end of numeric bins" },
	{ O_MIN, "min", 0, "X", "the lower end of numeric bins" },
	{ O_PER, "per", 'p', "PERIOD", "a time series: count per period" },
	{ O_SORT, "sort", 0, "ORDER", "with --counts, by count (the default) or value" },
	{ O_SUMMARY, "summary", 0, NULL, "count, sum, min, max and quantiles instead" },
	{ O_SVG, "svg", 0, "FILE", "also draw an SVG chart into FILE (- : only the chart)" },
	{ O_TITLE, "title", 0, "TITLE", "the chart's title" },
	{ O_TOP, "top", 0, "N", "with --counts, only the N most frequent values" },
	{ O_WEIGHT, "weight", 0, "EXPR", "sum EXPR instead of counting one per value" },
	{ O_WIDTH, "width", 'w', "WIDTH", "numeric bins of this width" },
	{ O_XLABEL, "xlabel", 0, "LABEL", "the chart's x axis label" },
	{ O_YLABEL, "ylabel", 0, "LABEL", "the chart's y axis label" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: histo [-f expr] [-b expr] [-n bins | -w width] [option ...] [file ...]\n"
	"       histo --counts | --maps | --summary | -p period [-f expr] [-b expr]\n"
	"             [option ...] [file ...]\n"
	"       histo --merge [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_MERGE | CLI_TIME_UNIT | CLI_TIME_FORMAT |
	    CLI_ORIGIN | CLI_EPOCH | CLI_OUTPUT,
	option,
};
static int nmodes, have_f, have_top;

/* A span of more bins or intervals than this is refused: it is nearly
 * always a stray value or a unit mistake, and would write gigabytes. */
#define MAX_SPAN	((int64_t)1 << 24)
#define COLUMNS		80
/* Distinct values --summary and --bins over the data's range hold in
 * memory (about 6 MB) before spilling a sorted run to a temporary file. */
#define VS_HOLD		((size_t)1 << 16)

enum mode { M_BINS, M_COUNTS, M_TIME, M_MAPS, M_SUMMARY };

/* Cells for the consecutive bin or interval indexes k0 .. k0+cap-1, of
 * which lo..hi have been touched. */
struct dense {
	int64_t k0;
	size_t cap;
	struct xsum *c;
	int64_t lo, hi;
	int used;
};

/* A distinct value (counts, maps): its first printed form and its sum. */
struct centry {
	struct xsum c;
	size_t toff, tlen;
};

/* A bin read back by --merge, identified by its edges. */
struct bentry {
	double lo, hi;
	struct xsum c;
};

struct series {
	uint32_t id;		/* in serix: order of first appearance, the values' key */
	struct dtab *tab;	/* centry or bentry by mode */
	struct dense d;
	struct xsum under, over;
	uint64_t nobs;		/* observations (or merged lines) */
	struct xsum sum;	/* --summary */
	double min, max;
	int qlost;		/* --summary lines merged: quantiles unknown */
	double q[3];		/* --summary: p50, p90, p99 */
};

/* One output line before it is written or drawn. */
struct row {
	enum chart_kind kind;
	double lo, hi;		/* bins */
	int64_t t0, t1;		/* --per */
	size_t toff, tlen;	/* counts value, maps bucket */
	int closed;
	struct xsum c;
};

/* Options. */
static enum mode mode = M_BINS;
static int bflag;		/* --bars */
static int clip;
static int logy;
static const char *svg_path;
static const char *title, *xlabel, *ylabel;
static uint64_t label_width = 28;	/* columns of a category or series label */
static const char *fexpr = ".", *byexpr, *wexpr;
static uint64_t top;		/* 0: all */
static int sort_value, have_sort;	/* --sort value (count is the default) */
static uint64_t nbins;		/* --bins; 0 when --width */
static double width;		/* --width; 0 when --bins */
static int have_min, have_max;
static double minv, maxv;
static struct period tper;	/* --per */
static int have_tper;		/* --per given, or (--merge) found in the input */

/* State. */
static struct fieldset *fs;
static const struct fields *fv;	/* the record being handled's (lib/loop.h) */
/* The fields' indexes in fs: --field, --by and --weight (-1: not given). */
static int valuefield = -1, byfield = -1, weightfield = -1;
static struct series *ser;
static size_t nser, capser;
static struct gindex *serix;	/* the --by values */
static int have_by;		/* output lines carry "by" */
static struct buf arena;	/* texts of values and series */
static struct buf scratch;
static uint64_t nvalues;	/* observations counted */
static int store_values;	/* --bins without a full range: keep values */
static struct vstore *vals;	/* the values, for store_values and --summary */
static size_t *pos_of;		/* series id -> index in ser once sorted */
static int have_data_range;
static double gmin, gmax;	/* over stored values */
static int64_t *tvals;		/* parsed times of the current record */
static size_t tcap;
static int weighted;		/* output sums, not counts */
/* --merge */
static int merge_kind = -1;
static int merge_bins_exact;	/* bins identified by edges (no --width) */
static int have_under_bound, have_over_bound;
static double under_bound, over_bound;
static int merge_by_seen, merge_noby_seen;

static void usage_conflict(const char *a, const char *b) __attribute__((noreturn));
static void setup(void);
static void finish(void);
static void cleanup(void);

/* ---------------------------------------------------------------- cells */

static void
cell_put(struct buf *b, struct xsum c)
{
	if (c.x == 0)
		json_put_i64(b, c.n);
	else
		json_put_double(b, xsum_val(c));
}

/*
 * The integer a JSON number text stands for: exactly, from the digits,
 * when it is written as an integer that 64 bits hold (Mozilla's counts and
 * nanosecond times exceed 2^53), else when its double is integral and
 * below 2^53.  Returns 0 for anything else.
 */
static int
num_int64(const struct jval *v, int64_t *out)
{
	const char *p = v->text, *e = p + v->len;
	uint64_t acc = 0;
	int neg = 0;

	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == e)
		return 0;
	for (; p < e; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (d > 9)
			goto inexact;
		if (acc > (UINT64_MAX - d) / 10)
			goto inexact;
		acc = acc * 10 + d;
	}
	if (neg) {
		if (acc > (uint64_t)INT64_MAX + 1)
			goto inexact;
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	} else {
		if (acc > (uint64_t)INT64_MAX)
			goto inexact;
		*out = (int64_t)acc;
	}
	return 1;
inexact:
	if (v->num == floor(v->num) && fabs(v->num) <= 9007199254740992.0) {
		*out = (int64_t)v->num;
		return 1;
	}
	return 0;
}

static struct xsum
cell_of(const struct jval *v)
{
	struct xsum c = { 0, 0 };
	int64_t i;

	if (num_int64(v, &i))
		c.n = i;
	else
		c.x = v->num;
	return c;
}

/* ---------------------------------------------------------------- series */

static size_t
arena_add(const char *p, size_t n)
{
	size_t off = arena.len;

	buf_add(&arena, p, n);
	return off;
}

static const char *
arena_at(size_t off)
{
	return arena.p + off;
}

static size_t
tab_vsize(void)
{
	if (cli.merge && merge_bins_exact)
		return sizeof(struct bentry);
	return sizeof(struct centry);
}

/* The series of --by value text, made when new: its index in ser. */
static uint32_t
series_put(struct digest d, const char *text, size_t len)
{
	struct series *s;
	uint32_t ix;
	int r = gi_put(serix, d, text, len, &ix);

	if (r < 0)
		cli_fatal("--by: more than %lu series", (unsigned long)GI_MAX);
	if (r == 0)
		return ix;
	if (nser == capser) {
		capser = capser ? 2 * capser : 8;
		ser = xreallocarray(ser, capser, sizeof(*ser));
	}
	s = &ser[nser++];
	memset(s, 0, sizeof(*s));
	s->id = ix;
	s->min = INFINITY;
	s->max = -INFINITY;
	s->tab = dtab_new(tab_vsize());
	return ix;
}

/* The one series there is without --by (its value is null). */
static void
series_null(void)
{
	series_put(json_digest("null", 4, &scratch), "null", 4);
}

/* The --by value of a series, as first seen. */
static const char *
series_text(const struct series *s, size_t *len)
{
	return gi_text(serix, s->id, len);
}

/* The series of a record: by the --by value's canonical form (null when
 * missing, a series like any other). */
static struct series *
series_of(const char *text, size_t len)
{
	static struct digest last;
	static uint32_t lastix;
	static int have_last;
	struct digest d;

	if (!have_by)
		return &ser[0];
	d = json_digest(text, len, &scratch);
	if (have_last && digest_eq(d, last))
		return &ser[lastix];
	lastix = series_put(d, text, len);
	last = d;
	have_last = 1;
	return &ser[lastix];
}

/* ---------------------------------------------------------------- dense */

static void
dense_fail(int64_t lo, int64_t hi)
{
	if (mode == M_TIME)
		cli_fatal("--per: the times span %lld intervals (more than %lld); "
		    "use a longer interval or check for stray times",
		    (long long)(hi - lo + 1), (long long)MAX_SPAN);
	cli_fatal("--width: the values span %lld bins (more than %lld); "
	    "set --min and --max or a larger --width",
	    (long long)(hi - lo + 1), (long long)MAX_SPAN);
}

static struct xsum *
dense_at(struct dense *d, int64_t k)
{
	if (d->cap == 0) {
		d->cap = 64;
		d->k0 = k - 32;
		d->c = xcalloc(d->cap, sizeof(*d->c));
	} else if (k < d->k0 || k >= d->k0 + (int64_t)d->cap) {
		int64_t lo = d->used ? d->lo : k, hi = d->used ? d->hi : k;
		if (k < lo)
			lo = k;
		if (k > hi)
			hi = k;
		if (hi - lo >= MAX_SPAN)
			dense_fail(lo, hi);
		/* Grow by the current span on the side that ran out, so a
		 * walk in one direction costs amortised O(1) per bin. */
		int64_t span = hi - lo + 1, nk0 = d->k0, nend = d->k0 + (int64_t)d->cap;
		if (k < d->k0)
			nk0 = k - span;
		else
			nend = k + 1 + span;
		struct xsum *c = xcalloc((size_t)(nend - nk0), sizeof(*c));
		memcpy(c + (d->k0 - nk0), d->c, d->cap * sizeof(*c));
		free(d->c);
		d->c = c;
		d->k0 = nk0;
		d->cap = (size_t)(nend - nk0);
	}
	if (!d->used) {
		d->lo = d->hi = k;
		d->used = 1;
	} else if (k < d->lo) {
		d->lo = k;
	} else if (k > d->hi) {
		d->hi = k;
	}
	if (d->hi - d->lo >= MAX_SPAN)
		dense_fail(d->lo, d->hi);
	return &d->c[k - d->k0];
}

static struct xsum
dense_get(const struct dense *d, int64_t k)
{
	struct xsum z = { 0, 0 };

	if (!d->used || k < d->lo || k > d->hi)
		return z;
	return d->c[k - d->k0];
}

/* ---------------------------------------------------------------- bins */

/*
 * Width mode: bins min + k*width (0 + k*width without --min).  When width
 * and min are short decimals (0.1, 2.5), an edge is computed as the
 * integer (min + k*width) * 10^d divided once by 10^d, so that it is the
 * double nearest the decimal edge (3 * 0.1 gives 0.3, not
 * 0.30000000000000004) and 0.3 falls in [0.3, 0.4) as a person expects.
 */
static int grid_dec;		/* the decimal form applies */
static int64_t grid_q, grid_m;	/* min and width times 10^d */
static double grid_p;		/* 10^d */

static void
grid_setup(void)
{
	double o = have_min ? minv : 0, p = 1;

	for (int d = 0; d <= 15; d++, p *= 10) {
		double a = width * p, b = o * p;
		if (fabs(a) >= 9007199254740992.0 ||
		    fabs(b) >= 9007199254740992.0)
			return;
		if ((double)llround(a) / p == width &&
		    (double)llround(b) / p == o) {
			grid_dec = 1;
			grid_m = llround(a);
			grid_q = llround(b);
			grid_p = p;
			return;
		}
	}
}

static double
grid_lo(int64_t k)
{
	int64_t e;

	if (grid_dec && !__builtin_mul_overflow(k, grid_m, &e) &&
	    !__builtin_add_overflow(e, grid_q, &e) &&
	    e <= INT64_C(9007199254740992) && e >= -INT64_C(9007199254740992))
		return (double)e / grid_p;
	return (have_min ? minv : 0) + (double)k * width;
}

static int64_t
grid_index(double v)
{
	double o = have_min ? minv : 0, q = floor((v - o) / width);
	int64_t k;

	if (!(fabs(q) < 4e18))
		cli_fatal("--width: %.17g is too far from %.17g in bins of %.17g", v, o, width);
	k = (int64_t)q;
	/* The quotient may round across an edge; the printed edges decide. */
	if (v < grid_lo(k))
		k--;
	else if (v >= grid_lo(k + 1))
		k++;
	return k;
}

/* Width mode with --max: the bin that holds the maximum (closed). */
static int64_t
grid_last(void)
{
	int64_t k = grid_index(maxv);

	if (grid_lo(k) == maxv)
		k--;
	return k;
}

static double
grid_hi(int64_t k)
{
	if (have_max && k == grid_last())
		return maxv;
	return grid_lo(k + 1);
}

/* Bins mode: nbins bins over [mn, mx], the last one closed. */
static double bmn, bmx, bw;

static double
fixed_lo(int64_t i)
{
	return bmn + (double)i * bw;
}

static double
fixed_hi(int64_t i)
{
	return i == (int64_t)nbins - 1 ? bmx : fixed_lo(i + 1);
}

static int64_t
fixed_index(double v)
{
	int64_t last = (int64_t)nbins - 1, i;

	if (v >= bmx)
		return last;
	double q = floor(v / bw - bmn / bw);	/* no overflow near +-DBL_MAX */
	i = !(q > 0) ? 0 : q >= (double)last ? last : (int64_t)q;
	while (i > 0 && v < fixed_lo(i))
		i--;
	while (i < last && v >= fixed_hi(i))
		i++;
	return i;
}

/* (mx - mn) / nbins without overflow for ranges wider than DBL_MAX. */
static double
bin_width(double mn, double mx)
{
	double w = (mx - mn) / (double)nbins;

	if (isinf(w))
		w = mx / (double)nbins - mn / (double)nbins;
	return w;
}

static void
fix_range(void)
{
	bmn = have_min ? minv : gmin;
	bmx = have_max ? maxv : gmax;
	if (bmn == bmx) {
		/* One distinct value: a unit-wide range around it, as numpy. */
		if (have_min)
			bmx = bmn + 1;
		else if (have_max)
			bmn = bmx - 1;
		else {
			bmn -= 0.5;
			bmx += 0.5;
		}
	}
	bw = bin_width(bmn, bmx);
}

/* Key of a number in a value table: its bits, -0 as 0 (mixed so that the
 * table's slot, taken from lo, is well spread). */
static struct digest
num_key(double v, double w)
{
	uint64_t a, b;
	struct digest d;

	if (v == 0)
		v = 0;
	if (w == 0)
		w = 0;
	memcpy(&a, &v, sizeof(a));
	memcpy(&b, &w, sizeof(b));
	d.lo = mix64(a ^ UINT64_C(0x9e3779b97f4a7c15));
	d.hi = b ^ UINT64_C(0x5851f42d4c957f2d);
	return d;
}

static void
store_value(struct series *s, double v, struct xsum c)
{
	char err[256];

	if (vals == NULL)
		vals = vs_new(VS_HOLD);
	if (vs_add(vals, s->id, v, c, err, sizeof(err)) < 0)
		cli_fatal("%s", err);
	if (!have_data_range) {
		gmin = gmax = v;
		have_data_range = 1;
	} else if (v < gmin) {
		gmin = v;
	} else if (v > gmax) {
		gmax = v;
	}
}

static void
add_number(struct series *s, double v, struct xsum c)
{
	s->nobs++;
	nvalues++;
	if (have_min && v < minv && !clip) {
		xsum_add(&s->under, c);
		return;
	}
	if (have_max && v > maxv && !clip) {
		xsum_add(&s->over, c);
		return;
	}
	if (clip) {
		if (have_min && v < minv)
			v = minv;
		if (have_max && v > maxv)
			v = maxv;
	}
	if (store_values)
		store_value(s, v, c);
	else if (width > 0)
		xsum_add(dense_at(&s->d,
		    have_max && v == maxv ? grid_last() : grid_index(v)), c);
	else
		xsum_add(dense_at(&s->d, fixed_index(v)), c);
}

/* ---------------------------------------------------------------- counts, maps */

static void
tab_add(struct series *s, const char *text, size_t len, struct xsum c)
{
	int ins;
	struct centry *e = dtab_put(s->tab, json_digest(text, len, &scratch),
	    &ins);

	if (ins) {
		e->toff = arena_add(text, len);
		e->tlen = len;
	}
	xsum_add(&e->c, c);
}

/* A map key that is a JSON number by RFC 8259 ("3", "-1.5") becomes a
 * number bucket; anything else ("007", "x") stays a string, so that the
 * output stays strict JSON (json_skip, like jq 1.6, accepts "007"). */
static int
key_is_number(const char *p, size_t n)
{
	size_t i = 0;

	if (i < n && p[i] == '-')
		i++;
	if (i >= n || p[i] < '0' || p[i] > '9')
		return 0;
	if (p[i] == '0')
		i++;
	else
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	if (i < n && p[i] == '.') {
		if (++i >= n || p[i] < '0' || p[i] > '9')
			return 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if (i >= n || p[i] < '0' || p[i] > '9')
			return 0;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	}
	return i == n;
}

/* Check a --maps value: an object of numbers.  NULL or why not. */
static const char *
map_check(const struct jval *v)
{
	struct jval k, m;
	size_t pos = 0;
	int r;

	if (v->type != J_OBJECT)
		return "--maps value is not an object";
	while ((r = jmember_next(v->text, v->len, &pos, &k, &m)) > 0)
		if (m.type != J_NUMBER || isnan(m.num))
			return "--maps value holds a count that is not a number";
	return r < 0 ? "--maps value is not an object" : NULL;
}

static void
map_add(struct series *s, const struct jval *v)
{
	struct jval k, m;
	size_t pos = 0;

	while (jmember_next(v->text, v->len, &pos, &k, &m) > 0) {
		const char *p = k.text + 1;
		size_t n = k.len - 2;
		if (memchr(p, '\\', n) == NULL && key_is_number(p, n))
			tab_add(s, p, n, cell_of(&m));
		else
			tab_add(s, k.text, k.len, cell_of(&m));
	}
	s->nobs++;
	nvalues++;
}

/* ---------------------------------------------------------------- records */

static char badmsg[512];

static const char *
bad_value(const char *what, const struct jval *v)
{
	int n = v->len > 60 ? 60 : (int)v->len;

	snprintf(badmsg, sizeof(badmsg), "%s: %.*s%s", what, n, v->text,
	    v->len > 60 ? "..." : "");
	return badmsg;
}

/* Check every value of a record before counting any, so that a bad record
 * leaves no trace but its count.  NULL or why it is bad. */
static const char *
check_values(size_t nv)
{
	const char *why;

	for (size_t k = 0; k < nv; k++) {
		const struct jval *v = fv_value(fv, valuefield, k);
		if (v->type == J_NULL)
			continue;
		switch (mode) {
		case M_BINS:
		case M_SUMMARY:
			if (v->type != J_NUMBER)
				return bad_value("value is not a number", v);
			/* jq reads nan; it has no place among the bins and
			 * would make every sum NaN. */
			if (isnan(v->num))
				return "value is NaN";
			break;
		case M_TIME: {
			int64_t next;

			if (ts_from_jval(v, cli.time_unit, cli.time_format,
			    &tvals[k], &why) < 0) {
				buf_reset(&scratch);
				ts_bad_message(&scratch, "time", v,
				    cli.time_unit, why);
				snprintf(badmsg, sizeof(badmsg), "%s",
				    scratch.p);
				return badmsg;
			}
			/* The interval's end must be a time too. */
			if (period_next(&tper, period_floor(&tper, tvals[k]),
			    &next) < 0)
				return bad_value("time too late for --per", v);
			break;
		}
		case M_MAPS:
			if ((why = map_check(v)) != NULL)
				return bad_value(why, v);
			break;
		case M_COUNTS:
			break;
		}
	}
	return NULL;
}

/* One record; returns 0, or -1 when --bad=fail stops the run. */
static int
record(const struct line *ln, const struct fields *f)
{
	const struct jval *wv = NULL, *bv;
	struct xsum one = { 1, 0 };
	struct series *s;
	const char *why;
	size_t nv;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	if (weightfield >= 0) {
		if (cli_missing(fv, weightfield))
			return 0;
		wv = fv_first(fv, weightfield);
		if (wv->type != J_NUMBER)
			return cli_bad(ln,
			    bad_value("weight is not a number", wv));
		if (isnan(wv->num))
			return cli_bad(ln, "weight is NaN");
		one = cell_of(wv);
	}
	nv = fv_count(fv, valuefield);
	if (mode == M_TIME && nv > tcap) {
		tcap = nv + 16;
		tvals = xreallocarray(tvals, tcap, sizeof(*tvals));
	}
	if ((why = check_values(nv)) != NULL)
		return cli_bad(ln, why);
	if (byfield >= 0) {
		bv = fv_first(fv, byfield);
		s = bv ? series_of(bv->text, bv->len) : series_of("null", 4);
	} else {
		s = &ser[0];
	}
	/* Missing counts observations (a null among values, or a record
	 * with none); the note is per record that gave no observation. */
	size_t nnull = 0;
	if (nv == 0)
		stats.missing++;
	for (size_t k = 0; k < nv; k++) {
		const struct jval *v = fv_value(fv, valuefield, k);
		if (v->type == J_NULL) {
			stats.missing++;
			nnull++;
			continue;
		}
		switch (mode) {
		case M_BINS:
			add_number(s, v->num, one);
			break;
		case M_SUMMARY:
			s->nobs++;
			nvalues++;
			xsum_add(&s->sum, cell_of(v));
			if (v->num < s->min)
				s->min = v->num;
			if (v->num > s->max)
				s->max = v->num;
			store_value(s, v->num, one);
			break;
		case M_TIME:
			s->nobs++;
			nvalues++;
			xsum_add(dense_at(&s->d, period_index(&tper, tvals[k])),
			    one);
			break;
		case M_COUNTS:
			s->nobs++;
			nvalues++;
			tab_add(s, v->text, v->len, one);
			break;
		case M_MAPS:
			map_add(s, v);
			break;
		}
	}
	if (nnull == nv)
		cli_note_missing(fv, valuefield);
	return 0;
}

/* ---------------------------------------------------------------- merge */

enum { K_BINS, K_COUNTS, K_TIME, K_MAPS, K_SUMMARY };
static const char *const kind_name[] = { "bins", "counts", "a time series", "maps", "a summary" };

struct mline {
	unsigned have;
	struct jval by, lo, hi, count, sum, value, start, end, bucket, mean, min, max;
};

enum {
	H_BY = 1, H_LO = 2, H_HI = 4, H_COUNT = 8, H_SUM = 16, H_VALUE = 32,
	H_START = 64, H_END = 128, H_BUCKET = 256, H_MEAN = 512, H_MIN = 1024,
	H_MAX = 2048
};

static int
key_is(const struct jval *k, const char *name)
{
	size_t n = strlen(name);

	return k->len == n + 2 && memcmp(k->text + 1, name, n) == 0;
}

static int
mline_parse(const char *p, size_t n, struct mline *m)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} f[] = {
		{ "by", H_BY, offsetof(struct mline, by) },
		{ "lo", H_LO, offsetof(struct mline, lo) },
		{ "hi", H_HI, offsetof(struct mline, hi) },
		{ "count", H_COUNT, offsetof(struct mline, count) },
		{ "sum", H_SUM, offsetof(struct mline, sum) },
		{ "value", H_VALUE, offsetof(struct mline, value) },
		{ "start", H_START, offsetof(struct mline, start) },
		{ "end", H_END, offsetof(struct mline, end) },
		{ "bucket", H_BUCKET, offsetof(struct mline, bucket) },
		{ "mean", H_MEAN, offsetof(struct mline, mean) },
		{ "min", H_MIN, offsetof(struct mline, min) },
		{ "max", H_MAX, offsetof(struct mline, max) },
	};
	struct jval k, v;
	size_t pos = 0;
	int r;

	m->have = 0;
	while ((r = jmember_next(p, n, &pos, &k, &v)) > 0)
		for (size_t i = 0; i < LEN(f); i++)
			if (key_is(&k, f[i].name)) {
				m->have |= f[i].bit;
				*(struct jval *)((char *)m + f[i].off) = v;
			}
	return r;
}

static int
mline_kind(const struct mline *m)
{
	if (m->have & H_MEAN)
		return K_SUMMARY;
	if ((m->have & (H_LO | H_HI)) == (H_LO | H_HI))
		return K_BINS;
	if (m->have & H_VALUE)
		return K_COUNTS;
	if ((m->have & (H_START | H_END)) == (H_START | H_END))
		return K_TIME;
	if (m->have & H_BUCKET)
		return K_MAPS;
	return -1;
}

/*
 * --merge without --per: the periods of the first line, [t0, t1): a
 * calendar month or year when it is one, else a duration from t0.  (A
 * duration that happens to span a calendar month, 31d from a 1st, needs
 * --per and --origin to be read back.)  0, or -1 when t1 - t0 overflows.
 */
static int
infer_period(int64_t t0, int64_t t1)
{
	static const char *const cal[] = { "month", "year" };
	struct period p;
	const char *why;
	int64_t next;

	for (size_t i = 0; i < LEN(cal); i++) {
		if (period_parse(cal[i], &p, &why) == 0 &&
		    period_floor(&p, t0) == t0 &&
		    period_next(&p, t0, &next) == 0 && next == t1) {
			tper = p;
			return 0;
		}
	}
	if (period_parse("0", &tper, &why) < 0 ||
	    __builtin_sub_overflow(t1, t0, &tper.width))
		return -1;
	tper.origin = t0;
	return 0;
}

/* The line's count or sum as a cell; NULL or why not. */
static const char *
mline_cell(const struct mline *m, struct xsum *c)
{
	const struct jval *v;

	if (m->have & H_COUNT) {
		int64_t n;
		if (weighted)
			return "a count among sums (outputs of runs with and without --weight)";
		v = &m->count;
		if (v->type != J_NUMBER || !num_int64(v, &n) || n < 0)
			return "the count is not a non-negative integer";
	} else if (m->have & H_SUM) {
		if (!weighted && merge_kind >= 0 && nvalues > 0)
			return "a sum among counts (outputs of runs with and without --weight)";
		weighted = 1;
		v = &m->sum;
	} else {
		return "no \"count\" or \"sum\"";
	}
	if (v->type != J_NUMBER)
		return "the count is not a number";
	*c = cell_of(v);
	return NULL;
}

/*
 * The first line of --merge decides the mode; the options given must fit
 * what the lines are.  NULL, or why the line does not fit.
 */
static const char *
merge_first(int kind, const struct mline *m)
{
	int bin_opts = width > 0 || nbins > 0 || have_min || have_max;

	if ((mode == M_SUMMARY && kind != K_COUNTS && kind != K_SUMMARY) ||
	    (mode == M_TIME && kind != K_TIME) ||
	    (bin_opts && kind != K_BINS)) {
		snprintf(badmsg, sizeof(badmsg),
		    "%s line, but the options are for %s",
		    kind_name[kind], mode == M_SUMMARY ? "--summary" :
		    mode == M_TIME ? "--per" : "bins");
		return badmsg;
	}
	if (have_sort && kind != K_COUNTS)
		cli_fatal("--sort is for counts; the input is %s",
		    kind_name[kind]);
	merge_kind = kind;
	if (mode != M_SUMMARY)
		mode = kind == K_BINS ? M_BINS : kind == K_COUNTS ? M_COUNTS :
		    kind == K_TIME ? M_TIME : kind == K_MAPS ? M_MAPS : M_SUMMARY;
	if (mode == M_BINS && width == 0 && nbins == 0)
		nbins = 10;
	merge_bins_exact = mode == M_BINS && width == 0;
	have_by = (m->have & H_BY) != 0;
	if (!have_by)
		series_null();
	return NULL;
}

/* The series a merged line adds to; NULL with *why when lines with and
 * without "by" are mixed. */
static struct series *
merge_series(const struct mline *m, const char **why)
{
	if (m->have & H_BY) {
		if (merge_noby_seen || !have_by) {
			*why = "a line with \"by\" among lines without";
			return NULL;
		}
		merge_by_seen = 1;
		return series_of(m->by.text, m->by.len);
	}
	if (merge_by_seen || have_by) {
		*why = "a line without \"by\" among lines with";
		return NULL;
	}
	merge_noby_seen = 1;
	return &ser[0];
}

/* A --summary line: its count, sum, min and max; its quantiles are lost. */
static const char *
merge_summary(struct series *s, const struct mline *m)
{
	int64_t n;

	if (!(m->have & H_COUNT) || m->count.type != J_NUMBER ||
	    !num_int64(&m->count, &n) || n < 0)
		return "summary without a count";
	if (!(m->have & H_SUM) || m->sum.type != J_NUMBER)
		return "summary without a sum";
	if (n == 0)
		return NULL;
	if (s->nobs + (uint64_t)n > (uint64_t)INT64_MAX)
		return "the counts add up to more than 2^63";
	if (!(m->have & H_MIN) || m->min.type != J_NUMBER ||
	    !(m->have & H_MAX) || m->max.type != J_NUMBER)
		return "summary without min and max";
	s->nobs += (uint64_t)n;
	nvalues += (uint64_t)n;
	xsum_add(&s->sum, cell_of(&m->sum));
	if (m->min.num < s->min)
		s->min = m->min.num;
	if (m->max.num > s->max)
		s->max = m->max.num;
	s->qlost = 1;
	return NULL;
}

/* A --counts line read by --merge --summary: count observations of the
 * value, which is kept as --summary keeps values. */
static const char *
merge_counts_summary(struct series *s, const struct mline *m, struct xsum c)
{
	struct xsum v;
	int64_t n, prod;

	if (m->value.type != J_NUMBER)
		return bad_value("value is not a number", &m->value);
	if (weighted || !num_int64(&m->count, &n) || n < 0)
		return "--summary needs counts, not sums";
	if (s->nobs + (uint64_t)n > (uint64_t)INT64_MAX)
		return "the counts add up to more than 2^63";
	s->nobs += (uint64_t)n;
	nvalues += (uint64_t)n;
	v = cell_of(&m->value);
	if (v.x == 0 && !__builtin_mul_overflow(v.n, n, &prod))
		xsum_addi(&s->sum, prod);
	else
		s->sum.x += m->value.num * (double)n;
	if (m->value.num < s->min)
		s->min = m->value.num;
	if (m->value.num > s->max)
		s->max = m->value.num;
	store_value(s, m->value.num, c);
	return NULL;
}

/* A --per line: its interval must be one of the periods. */
static const char *
merge_time(struct series *s, const struct mline *m, struct xsum c)
{
	int64_t t0, t1, next;
	const char *why;

	if (ts_from_jval(&m->start, TS_S, NULL, &t0, &why) < 0 ||
	    ts_from_jval(&m->end, TS_S, NULL, &t1, &why) < 0)
		return why;
	if (m->start.type == J_NUMBER)
		cli.epoch = 1;
	if (t1 <= t0)
		return "interval ends before it starts";
	if (!have_tper) {
		if (infer_period(t0, t1) < 0)
			return "interval too long";
		have_tper = 1;
	}
	if (period_floor(&tper, t0) != t0 ||
	    period_next(&tper, t0, &next) < 0 ||
	    next != t1)
		return "interval is not one of the periods of --per or, without it, "
		    "of the first line (--per or --origin differs)";
	xsum_add(dense_at(&s->d, period_index(&tper, t0)), c);
	return NULL;
}

/* A bin line: an underflow or overflow bin (one edge null), or a bin
 * found by its edges or on the --width grid. */
static const char *
merge_bin(struct series *s, const struct mline *m, struct xsum c)
{
	if (m->lo.type == J_NULL && m->hi.type == J_NUMBER) {
		if (have_under_bound && m->hi.num != under_bound)
			return "underflow bound differs from earlier lines (different --min)";
		have_under_bound = 1;
		under_bound = m->hi.num;
		xsum_add(&s->under, c);
	} else if (m->hi.type == J_NULL && m->lo.type == J_NUMBER) {
		if (have_over_bound && m->lo.num != over_bound)
			return "overflow bound differs from earlier lines (different --max)";
		have_over_bound = 1;
		over_bound = m->lo.num;
		xsum_add(&s->over, c);
	} else if (m->lo.type == J_NUMBER && m->hi.type == J_NUMBER &&
	    m->lo.num < m->hi.num) {
		if (merge_bins_exact) {
			int ins;
			struct bentry *e = dtab_put(s->tab,
			    num_key(m->lo.num, m->hi.num), &ins);
			if (ins) {
				e->lo = m->lo.num;
				e->hi = m->hi.num;
			}
			xsum_add(&e->c, c);
		} else {
			int64_t k = grid_index(m->lo.num);
			if (grid_lo(k) != m->lo.num)
				return "bin is not on the --width grid";
			xsum_add(dense_at(&s->d, k), c);
		}
	} else {
		return "bin edges are not numbers with lo < hi";
	}
	return NULL;
}

/* One line of histo's own output read by --merge: NULL, or why it is bad. */
static const char *
merge_line(const struct line *ln)
{
	struct mline m;
	struct series *s;
	struct xsum c;
	const char *why = NULL, *msg;
	size_t where;
	int kind;

	if (json_validate(ln->p, ln->len, &msg, &where) < 0)
		return msg;
	if (mline_parse(ln->p, ln->len, &m) < 0)
		return "not a histo output line (not an object)";
	if ((kind = mline_kind(&m)) < 0)
		return "not a histo output line";
	if (merge_kind < 0) {
		if ((why = merge_first(kind, &m)) != NULL)
			return why;
	} else if (kind != merge_kind) {
		snprintf(badmsg, sizeof(badmsg),
		    "%s line among %s (outputs of different kinds)",
		    kind_name[kind], kind_name[merge_kind]);
		return badmsg;
	}
	if ((s = merge_series(&m, &why)) == NULL)
		return why;
	if (kind == K_SUMMARY)
		return merge_summary(s, &m);
	if ((why = mline_cell(&m, &c)) != NULL)
		return why;
	switch (kind) {
	case K_COUNTS:
		if (mode == M_SUMMARY)
			return merge_counts_summary(s, &m, c);
		tab_add(s, m.value.text, m.value.len, c);
		break;
	case K_MAPS:
		tab_add(s, m.bucket.text, m.bucket.len, c);
		break;
	case K_TIME:
		why = merge_time(s, &m, c);
		break;
	case K_BINS:
		why = merge_bin(s, &m, c);
		break;
	}
	if (why != NULL)
		return why;
	s->nobs++;
	nvalues++;
	return NULL;
}

/* ---------------------------------------------------------------- output */

static struct row *rows;	/* per series: nrows[i] rows from rowoff[i] */
static size_t nrowsall, caprows;
static size_t *rowoff, *nrows;

static struct row *
row_new(void)
{
	if (nrowsall == caprows) {
		caprows = caprows ? 2 * caprows : 256;
		rows = xreallocarray(rows, caprows, sizeof(*rows));
	}
	memset(&rows[nrowsall], 0, sizeof(*rows));
	return &rows[nrowsall++];
}

static int
entry_cmp_count(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;
	int c = xsum_cmp(y->c, x->c);

	if (c != 0)
		return c;
	return json_cmp(arena_at(x->toff), x->tlen, arena_at(y->toff), y->tlen);
}

static int
entry_cmp_value(const void *a, const void *b)
{
	const struct centry *x = a, *y = b;

	return json_cmp(arena_at(x->toff), x->tlen, arena_at(y->toff), y->tlen);
}

static int
bentry_cmp(const void *a, const void *b)
{
	const struct bentry *x = a, *y = b;

	if (x->lo != y->lo)
		return (x->lo > y->lo) - (x->lo < y->lo);
	return (x->hi > y->hi) - (x->hi < y->hi);
}

/* The entries of a table, copied out. */
static void *
tab_entries(struct dtab *t, size_t size, size_t *n)
{
	char *a = xcalloc(dtab_count(t) + 1, size);
	struct digest k;
	size_t pos = 0;
	void *v;

	*n = 0;
	while (dtab_next(t, &pos, &k, &v))
		memcpy(a + size * (*n)++, v, size);
	return a;
}

/* Edges of the bins every series shares, from whichever mode made them. */
static struct bentry *edges;
static size_t nedges;
static int last_closed;

static void
edges_from_k(int64_t k0, int64_t k1)
{
	nedges = (size_t)(k1 - k0 + 1);
	edges = xcalloc(nedges, sizeof(*edges));
	for (int64_t k = k0; k <= k1; k++) {
		struct bentry *e = &edges[k - k0];
		e->lo = width > 0 ? grid_lo(k) : fixed_lo(k);
		e->hi = width > 0 ? grid_hi(k) : fixed_hi(k);
	}
}

static void
build_edges(int64_t *k0p)
{
	int64_t k0 = INT64_MAX, k1 = INT64_MIN;

	if (merge_bins_exact) {
		/* Every bin any shard wrote, once, in order; they must tile. */
		size_t n = 0;
		for (size_t i = 0; i < nser; i++)
			n += dtab_count(ser[i].tab);
		edges = xcalloc(n + 1, sizeof(*edges));
		for (size_t i = 0; i < nser; i++) {
			size_t m;
			struct bentry *a = tab_entries(ser[i].tab, sizeof(*a),
			    &m);
			memcpy(edges + nedges, a, m * sizeof(*a));
			nedges += m;
			free(a);
		}
		qsort(edges, nedges, sizeof(*edges), bentry_cmp);
		size_t j = 0;
		for (size_t i = 0; i < nedges; i++) {
			if (j > 0 && edges[i].lo == edges[j - 1].lo &&
			    edges[i].hi == edges[j - 1].hi)
				continue;
			if (j > 0 && edges[i].lo < edges[j - 1].hi)
				cli_fatal("--merge: bins do not match: [%.17g, %.17g) overlaps "
				    "[%.17g, %.17g); run the shards with the same --min, --max "
				    "and --bins, or with --width", edges[j - 1].lo, edges[j - 1].hi,
				    edges[i].lo, edges[i].hi);
			if (j > 0 && edges[i].lo > edges[j - 1].hi)
				cli_fatal("--merge: bins do not match: a gap between %.17g and "
				    "%.17g; give --merge the shards' --width (and --min) to "
				    "write the empty bins", edges[j - 1].hi, edges[i].lo);
			edges[j++] = edges[i];
		}
		nedges = j;
		last_closed = 0;
		*k0p = 0;
		return;
	}
	if (store_values) {
		if (!have_data_range) {
			nedges = 0;
			*k0p = 0;
			return;
		}
		fix_range();
		/* Bin the distinct values now that the range is known. */
		struct vcount vc;
		char err[256];
		int r;
		if (vs_rewind(vals, err, sizeof(err)) < 0)
			cli_fatal("%s", err);
		while ((r = vs_next(vals, &vc, err, sizeof(err))) > 0) {
			xsum_add(dense_at(&ser[pos_of[vc.id]].d,
			    fixed_index(vc.v)), vc.count);
		}
		if (r < 0)
			cli_fatal("%s", err);
		k0 = 0;
		k1 = (int64_t)nbins - 1;
	} else if (width == 0) {
		bmn = minv;
		bmx = maxv;
		bw = bin_width(bmn, bmx);
		k0 = 0;
		k1 = (int64_t)nbins - 1;
	} else {
		for (size_t i = 0; i < nser; i++)
			if (ser[i].d.used) {
				if (ser[i].d.lo < k0)
					k0 = ser[i].d.lo;
				if (ser[i].d.hi > k1)
					k1 = ser[i].d.hi;
			}
		if (k0 == INT64_MAX && !(have_min && have_max)) {
			/* Nothing inside the range: underflow and overflow only. */
			nedges = 0;
			*k0p = 0;
			return;
		}
		if (have_min)
			k0 = 0;
		if (have_max)
			k1 = grid_last();
		if (k1 < k0) {
			nedges = 0;
			*k0p = 0;
			return;
		}
		if (k1 - k0 >= MAX_SPAN)
			dense_fail(k0, k1);
	}
	last_closed = width == 0 || have_max;
	edges_from_k(k0, k1);
	*k0p = k0;
}

static void
rows_bins(void)
{
	int64_t k0;

	build_edges(&k0);
	for (size_t i = 0; i < nser; i++) {
		struct series *s = &ser[i];
		struct row *r;
		rowoff[i] = nrowsall;
		if (!xsum_zero(s->under)) {
			r = row_new();
			r->kind = CP_UNDER;
			r->hi = cli.merge ? under_bound : have_min ? minv : nedges ? edges[0].lo : 0;
			r->c = s->under;
		}
		for (size_t j = 0; j < nedges; j++) {
			r = row_new();
			r->kind = CP_POINT;
			r->lo = edges[j].lo;
			r->hi = edges[j].hi;
			r->closed = last_closed && j == nedges - 1;
			if (merge_bins_exact) {
				struct bentry *e = dtab_get(s->tab,
				    num_key(r->lo, r->hi));
				if (e)
					r->c = e->c;
			} else {
				r->c = dense_get(&s->d, k0 + (int64_t)j);
			}
		}
		if (!xsum_zero(s->over)) {
			r = row_new();
			r->kind = CP_OVER;
			r->lo = cli.merge ? over_bound : have_max ? maxv : nedges ? edges[nedges - 1].hi : 0;
			r->c = s->over;
		}
		nrows[i] = nrowsall - rowoff[i];
	}
}

static void
rows_time(void)
{
	int64_t k0 = INT64_MAX, k1 = INT64_MIN;

	for (size_t i = 0; i < nser; i++)
		if (ser[i].d.used) {
			if (ser[i].d.lo < k0)
				k0 = ser[i].d.lo;
			if (ser[i].d.hi > k1)
				k1 = ser[i].d.hi;
		}
	if (k0 <= k1 && k1 - k0 >= MAX_SPAN)
		dense_fail(k0, k1);
	for (size_t i = 0; i < nser; i++) {
		rowoff[i] = nrowsall;
		for (int64_t k = k0; k <= k1; k++) {
			struct row *r = row_new();
			r->kind = CP_POINT;
			/* k is a period that holds data, or one between two
			 * that do: its start and end are times. */
			if (period_start(&tper, k, &r->t0) < 0 ||
			    period_next(&tper, r->t0, &r->t1) < 0)
				cli_fatal("--per: a period outside the range of times");
			r->c = dense_get(&ser[i].d, k);
		}
		nrows[i] = nrowsall - rowoff[i];
	}
}

static void
rows_table(void)
{
	for (size_t i = 0; i < nser; i++) {
		size_t m;
		struct centry *a = tab_entries(ser[i].tab, sizeof(*a), &m);
		qsort(a, m, sizeof(*a),
		    mode == M_COUNTS ? entry_cmp_count : entry_cmp_value);
		if (mode == M_COUNTS && top > 0 && m > top)
			m = (size_t)top;
		/* --top chooses the most frequent; --sort value orders them. */
		if (mode == M_COUNTS && sort_value)
			qsort(a, m, sizeof(*a), entry_cmp_value);
		rowoff[i] = nrowsall;
		for (size_t j = 0; j < m; j++) {
			struct row *r = row_new();
			r->kind = CP_POINT;
			r->toff = a[j].toff;
			r->tlen = a[j].tlen;
			r->c = a[j].c;
		}
		nrows[i] = nrowsall - rowoff[i];
		free(a);
	}
}

static void
put_by(const struct series *s)
{
	buf_addc(&outbuf, '{');
	if (have_by) {
		size_t n;
		const char *t = series_text(s, &n);
		buf_adds(&outbuf, "\"by\":");
		buf_add(&outbuf, t, n);
		buf_addc(&outbuf, ',');
	}
}

static void
write_rows(void)
{
	for (size_t i = 0; i < nser; i++) {
		if (ser[i].nobs == 0)
			continue;
		for (size_t j = 0; j < nrows[i]; j++) {
			const struct row *r = &rows[rowoff[i] + j];
			put_by(&ser[i]);
			switch (mode) {
			case M_BINS:
				buf_adds(&outbuf, "\"lo\":");
				if (r->kind == CP_UNDER)
					buf_adds(&outbuf, "null");
				else
					json_put_double(&outbuf, r->lo);
				buf_adds(&outbuf, ",\"hi\":");
				if (r->kind == CP_OVER)
					buf_adds(&outbuf, "null");
				else
					json_put_double(&outbuf, r->hi);
				break;
			case M_TIME:
				buf_adds(&outbuf, "\"start\":");
				ts_put(&outbuf, r->t0, cli.epoch);
				buf_adds(&outbuf, ",\"end\":");
				ts_put(&outbuf, r->t1, cli.epoch);
				break;
			case M_COUNTS:
			case M_MAPS:
				buf_adds(&outbuf, mode == M_COUNTS ? "\"value\":" : "\"bucket\":");
				buf_add(&outbuf, arena_at(r->toff), r->tlen);
				break;
			case M_SUMMARY:
				break;
			}
			buf_adds(&outbuf,
			    weighted ? ",\"sum\":" : ",\"count\":");
			cell_put(&outbuf, r->c);
			buf_addc(&outbuf, '}');
			out_end();
		}
	}
}

/*
 * The quantiles of every series in one pass over the values in (series,
 * value) order: linear interpolation between the two closest ranks
 * (numpy's default, R's type 7), h = (n - 1) p.
 */
static void
quantiles(void)
{
	static const double ps[3] = { 0.5, 0.9, 0.99 };
	uint64_t rank[6], cum = 0;
	double at[6] = { 0 };
	int found[6] = { 0 };
	uint32_t cur = UINT32_MAX;
	struct vcount vc;
	char err[256];
	int r;

	if (vals == NULL)
		return;		/* only merged summaries: no values */
	if (vs_rewind(vals, err, sizeof(err)) < 0)
		cli_fatal("%s", err);
	for (;;) {
		r = vs_next(vals, &vc, err, sizeof(err));
		if (r < 0)
			cli_fatal("%s", err);
		if (r == 0 || vc.id != cur) {
			if (cur != UINT32_MAX) {
				struct series *s = &ser[pos_of[cur]];
				for (size_t q = 0; q < 3; q++) {
					double h = (double)(s->nobs - 1) * ps[q];
					double frac = h - floor(h);
					s->q[q] = frac == 0 ? at[2 * q] :
					    at[2 * q] + frac * (at[2 * q + 1] - at[2 * q]);
				}
			}
			if (r == 0)
				break;
			cur = vc.id;
			cum = 0;
			memset(found, 0, sizeof(found));
			uint64_t n = ser[pos_of[cur]].nobs;
			for (size_t q = 0; q < 3; q++) {
				uint64_t lo = (uint64_t)floor((double)(n - 1) * ps[q]);
				rank[2 * q] = lo;
				rank[2 * q + 1] = lo + 1 < n ? lo + 1 : lo;
			}
		}
		uint64_t cnt = (uint64_t)vc.count.n;
		for (size_t k = 0; k < 6; k++)
			if (!found[k] && rank[k] < cum + cnt) {
				at[k] = vc.v;
				found[k] = 1;
			}
		cum += cnt;
	}
}

static void
write_summary(void)
{
	static const char *const pn[] = { "p50", "p90", "p99" };

	quantiles();
	for (size_t i = 0; i < nser; i++) {
		struct series *s = &ser[i];

		if (s->nobs == 0)
			continue;
		put_by(s);
		buf_adds(&outbuf, "\"count\":");
		json_put_u64(&outbuf, s->nobs);
		buf_adds(&outbuf, ",\"sum\":");
		cell_put(&outbuf, s->sum);
		buf_adds(&outbuf, ",\"min\":");
		json_put_double(&outbuf, s->min);
		buf_adds(&outbuf, ",\"max\":");
		json_put_double(&outbuf, s->max);
		buf_adds(&outbuf, ",\"mean\":");
		json_put_double(&outbuf, xsum_val(s->sum) / (double)s->nobs);
		for (size_t q = 0; q < LEN(pn); q++) {
			buf_addf(&outbuf, ",\"%s\":", pn[q]);
			if (s->qlost)
				buf_adds(&outbuf, "null");
			else
				json_put_double(&outbuf, s->q[q]);
		}
		buf_addc(&outbuf, '}');
		out_end();
	}
}

/* Series in jq order of their --by values. */
static int
series_cmp(const void *a, const void *b)
{
	const struct series *x = a, *y = b;

	return gi_cmp(serix, x->id, y->id, json_cmp);
}

/* ---------------------------------------------------------------- charts */

static void
display_text(struct buf *b, const char *text, size_t len)
{
	if (len > 0 && text[0] == '"')
		json_unescape(b, text, len);
	else
		buf_add(b, text, len);
}

/* Categories of a chart, by their raw JSON text in the arena. */
struct catkey {
	size_t toff, tlen;
	size_t first;		/* index in first-seen order */
};

static int
catkey_cmp(const void *a, const void *b)
{
	const struct catkey *x = a, *y = b;

	return json_cmp(arena_at(x->toff), x->tlen, arena_at(y->toff), y->tlen);
}

/*
 * --maps rows are in bucket order (jq's: numbers by value, then strings),
 * but the categories of several series are collected as first seen.  Put
 * the chart's x axis in bucket order too: sort the categories and move the
 * points to their new positions.
 */
static void
sort_categories(struct catkey *k, size_t n, size_t *catoff, struct chart_point *pts, size_t np)
{
	size_t *to = xcalloc(n + 1, sizeof(*to)), *off = xcalloc(n + 1, sizeof(*off));

	qsort(k, n, sizeof(*k), catkey_cmp);
	for (size_t i = 0; i < n; i++) {
		to[k[i].first] = i;
		off[i] = catoff[k[i].first];
	}
	memcpy(catoff, off, n * sizeof(*catoff));
	for (size_t i = 0; i < np; i++)
		pts[i].x0 = pts[i].x1 = (double)to[(size_t)pts[i].x0];
	free(to);
	free(off);
}

/* The chart's title and axis labels: the options', else what was counted. */
static void
chart_texts(struct chart *c, char *ylab, size_t ylabsize)
{
	c->title = title;
	c->logy = logy;
	c->label_width = (size_t)label_width;
	c->lines = mode == M_TIME || (c->nseries > 1 && c->axis != CHART_CAT);
	c->xlabel = xlabel ? xlabel : mode == M_TIME ? "time" : cli.merge ? NULL : fexpr;
	if (ylabel) {
		c->ylabel = ylabel;
	} else {
		snprintf(ylab, ylabsize, "%s%s%s%s", weighted ? "sum" : "count",
		    weighted && wexpr ? " of " : "", weighted && wexpr ? wexpr : "",
		    logy ? " (log)" : "");
		c->ylabel = ylab;
	}
}

/* --bars to the output, line by line; --svg to its file or the output. */
static void
chart_write(const struct chart *c)
{
	struct buf out = { 0 };

	if (bflag) {
		chart_bars(&out, c, COLUMNS);
		size_t a = 0;
		for (size_t b = 0; b < out.len; b++)
			if (out.p[b] == '\n') {
				out_line(out.p + a, b - a);
				a = b + 1;
			}
	}
	if (svg_path) {
		buf_reset(&out);
		chart_svg(&out, c);
		if (strcmp(svg_path, "-") == 0) {
			if (out.len > 0 && out.p[out.len - 1] == '\n')
				out.len--;
			out_line(out.p, out.len);
		} else {
			FILE *f = fopen(svg_path, "w");
			if (f == NULL)
				cli_fatal("%s: %s", svg_path, strerror(errno));
			if (fwrite(out.p, 1, out.len, f) != out.len ||
			    fclose(f) != 0)
				cli_fatal("%s: write error: %s", svg_path,
				    strerror(errno));
		}
	}
	buf_free(&out);
}

static void
draw(void)
{
	struct chart c;
	struct chart_series *cs;
	struct chart_point *pts;
	struct buf labels = { 0 }, yt = { 0 };
	size_t *catoff = NULL, ncats = 0, ns = 0, np = 0;
	size_t *ytoff, *nameoff;
	const char **cats = NULL;
	struct catkey *catkeys = NULL;
	struct dtab *cattab = NULL;
	char ylab[256];

	memset(&c, 0, sizeof(c));
	cs = xcalloc(nser + 1, sizeof(*cs));
	pts = xcalloc(nrowsall + 1, sizeof(*pts));
	ytoff = xcalloc(nrowsall + 1, sizeof(*ytoff));
	nameoff = xcalloc(nser + 1, sizeof(*nameoff));
	c.axis = mode == M_BINS ? CHART_NUM : mode == M_TIME ? CHART_TIME : CHART_CAT;
	if (c.axis == CHART_CAT) {
		cattab = dtab_new(sizeof(size_t));
		catoff = xcalloc(nrowsall + 1, sizeof(*catoff));
		catkeys = xcalloc(nrowsall + 1, sizeof(*catkeys));
	}
	for (size_t i = 0; i < nser; i++) {
		if (ser[i].nobs == 0)
			continue;
		cs[ns].pt = pts + np;
		cs[ns].name = NULL;
		if (have_by) {
			/* labels may still move: pointers are made at the end */
			nameoff[ns] = labels.len;
			size_t n;
			const char *t = series_text(&ser[i], &n);
			display_text(&labels, t, n);
			buf_addc(&labels, '\0');
		}
		for (size_t j = 0; j < nrows[i]; j++) {
			const struct row *r = &rows[rowoff[i] + j];
			struct chart_point *p = &pts[np];
			p->kind = r->kind;
			p->closed = r->closed;
			p->y = xsum_val(r->c);
			ytoff[np] = yt.len;
			cell_put(&yt, r->c);
			buf_addc(&yt, '\0');
			switch (c.axis) {
			case CHART_NUM:
				p->x0 = r->lo;
				p->x1 = r->hi;
				break;
			case CHART_TIME:
				p->x0 = (double)r->t0 / 1e9;
				p->x1 = (double)r->t1 / 1e9;
				break;
			case CHART_CAT: {
				int ins;
				size_t *ix = dtab_put(cattab,
				    json_digest(arena_at(r->toff), r->tlen, &scratch), &ins);
				if (ins) {
					*ix = ncats;
					catkeys[ncats] = (struct catkey){ r->toff, r->tlen, ncats };
					catoff[ncats++] = labels.len;
					display_text(&labels, arena_at(r->toff),
					    r->tlen);
					buf_addc(&labels, '\0');
				}
				p->x0 = p->x1 = (double)*ix;
				break;
			}
			}
			np++;
		}
		cs[ns].n = (size_t)(pts + np - cs[ns].pt);
		ns++;
	}
	for (size_t i = 0; i < np; i++)
		pts[i].ytext = yt.p + ytoff[i];
	for (size_t i = 0; have_by && i < ns; i++)
		cs[i].name = labels.p + nameoff[i];
	if (c.axis == CHART_CAT) {
		if (mode == M_MAPS)
			sort_categories(catkeys, ncats, catoff, pts, np);
		cats = xcalloc(ncats + 1, sizeof(*cats));
		for (size_t i = 0; i < ncats; i++)
			cats[i] = labels.p + catoff[i];
	}
	c.cats = cats;
	c.ncats = ncats;
	c.series = cs;
	c.nseries = ns;
	chart_texts(&c, ylab, sizeof(ylab));
	chart_write(&c);
	buf_free(&labels);
	buf_free(&yt);
	free(cs);
	free(pts);
	free(ytoff);
	free(nameoff);
	free(catoff);
	free(catkeys);
	free(cats);
	if (cattab)
		dtab_free(cattab);
}

/* ---------------------------------------------------------------- main */

static void
usage_conflict(const char *a, const char *b)
{
	cli_usage("%s cannot be used with %s", a, b);
}


/* A line of --merge input: histo's own output, read without fields. */
static int
merge_record(const struct line *ln, const struct fields *unused)
{
	const char *msg = merge_line(ln);

	(void)unused;
	return msg != NULL ? cli_bad(ln, msg) : 0;
}

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	setup();

	struct input *in = in_open(argv, argc);
	int failed = loop_run(in, cli.merge ? NULL : fs,
	    cli.merge ? merge_record : record) < 0;
	in_close(in);

	/* Under --bad=fail nothing was decided before the bad line: a
	 * histogram of part of the input would mislead, so none is written. */
	if (!failed && nvalues > 0)
		finish();

	cli_stat("values", nvalues);
	if (have_by)
		cli_stat("series", nser);
	if (mode == M_COUNTS || mode == M_MAPS) {
		uint64_t d = 0;
		for (size_t i = 0; i < nser; i++)
			d += dtab_count(ser[i].tab);
		cli_stat("distinct", d);
	}

	cleanup();
	return cli_exit();
}

/* Check the option combinations, choose how values are kept, compile the
 * expressions. */
static void
setup(void)
{
	if (nmodes > 1)
		cli_usage("--counts, --maps, --summary and --per exclude each other");
	if (mode != M_BINS &&
	    (width > 0 || nbins > 0 || have_min || have_max || clip))
		cli_usage("--width, --bins, --min, --max and --clip are for numeric bins");
	if (width > 0 && nbins > 0)
		usage_conflict("--width", "--bins");
	if (have_min && have_max && !(minv < maxv))
		cli_usage("--min must be less than --max");
	if (clip && !have_min && !have_max)
		cli_usage("--clip needs --min or --max");
	if (have_top && mode != M_COUNTS && !cli.merge)
		cli_usage("--top is for --counts");
	if ((cli.given & (CLI_EPOCH | CLI_TIME_UNIT | CLI_TIME_FORMAT)) &&
	    mode != M_TIME && !cli.merge)
		cli_usage("--epoch, --time-unit and --time-format are for --per");
	if ((cli.given & CLI_ORIGIN) && mode != M_TIME)
		cli_usage("--origin is for --per");
	cli_period_origin(&tper);
	if (have_sort && mode != M_COUNTS && !cli.merge)
		cli_usage("--sort is for --counts");
	if (cli_output() != OUT_NDJSON &&
	    (bflag || (svg_path && strcmp(svg_path, "-") == 0)))
		cli_usage("--output writes records; --bars and --svg - draw a chart instead");
	if (logy && !bflag && !svg_path)
		cli_usage("--log is for --bars and --svg");
	if (mode == M_SUMMARY && (bflag || svg_path))
		cli_usage("--summary is not drawn: --bars and --svg need bins, counts, "
		    "a time series or maps");
	if (wexpr && (mode == M_SUMMARY || mode == M_MAPS))
		usage_conflict("--weight",
		    mode == M_SUMMARY ? "--summary" : "--maps");
	if (cli.merge && (have_f || byexpr || wexpr))
		cli_usage("--merge reads histo output: --field, --by and --weight do not apply");
	if (cli.merge && mode != M_BINS && mode != M_SUMMARY && mode != M_TIME)
		cli_usage("--merge finds --counts or --maps from its input; "
		    "it takes --summary, --per and the binning options only");
	if (bflag && svg_path && strcmp(svg_path, "-") == 0)
		usage_conflict("--bars", "--svg -");
	if (mode == M_BINS && width == 0 && nbins == 0 && !cli.merge)
		nbins = 10;
	if (mode == M_BINS && !cli.merge && width == 0 && have_min &&
	    have_max) {
		bmn = minv;
		bmx = maxv;
		bw = bin_width(bmn, bmx);
	}
	if (width > 0)
		grid_setup();
	store_values = mode == M_BINS && !cli.merge && width == 0 &&
	    !(have_min && have_max);
	weighted = wexpr != NULL;

	serix = gi_new();
	if (!cli.merge) {
		fs = fs_new();
		valuefield = cli_field(fs, "--field", fexpr, 0);
		if (byexpr)
			byfield = cli_field(fs, "--by", byexpr, FS_FIRST);
		if (wexpr)
			weightfield = cli_field(fs, "--weight", wexpr,
			    FS_FIRST);
		have_by = byexpr != NULL;
		if (!have_by)
			series_null();
	}
}

/* Sort the series, make the rows and write or draw them. */
static void
finish(void)
{
	if (have_by)
		qsort(ser, nser, sizeof(*ser), series_cmp);
	pos_of = xcalloc(nser + 1, sizeof(*pos_of));
	for (size_t i = 0; i < nser; i++)
		pos_of[ser[i].id] = i;
	rowoff = xcalloc(nser + 1, sizeof(*rowoff));
	nrows = xcalloc(nser + 1, sizeof(*nrows));
	switch (mode) {
	case M_BINS:
		rows_bins();
		break;
	case M_TIME:
		rows_time();
		break;
	case M_COUNTS:
	case M_MAPS:
		rows_table();
		break;
	case M_SUMMARY:
		break;
	}
	if (mode == M_SUMMARY)
		write_summary();
	else if (bflag || (svg_path && strcmp(svg_path, "-") == 0))
		draw();
	else {
		write_rows();
		if (svg_path)
			draw();
	}
}

static void
cleanup(void)
{
	for (size_t i = 0; i < nser; i++) {
		dtab_free(ser[i].tab);
		free(ser[i].d.c);
	}
	free(ser);
	gi_free(serix);
	free(rows);
	free(rowoff);
	free(nrows);
	free(edges);
	free(tvals);
	free(pos_of);
	vs_free(vals);
	buf_free(&arena);
	buf_free(&scratch);
	if (fs)
		fs_free(fs);
}

static void
option(int id, const char *arg)
{
	static const char *const sorts[] = { "count", "value", NULL };

	switch (id) {
	case O_BARS:
		bflag = 1;
		break;
	case O_BINS:
		nbins = cli_arg_u64(arg, 1, (uint64_t)MAX_SPAN);
		break;
	case O_BY:
		byexpr = arg;
		break;
	case O_CLIP:
		clip = 1;
		break;
	case O_COUNTS:
		mode = M_COUNTS;
		nmodes++;
		break;
	case O_FIELD:
		fexpr = arg;
		have_f = 1;
		break;
	case O_LABEL_WIDTH:
		label_width = cli_arg_u64(arg, 0, 10000);
		break;
	case O_LOG:
		logy = 1;
		break;
	case O_MAPS:
		mode = M_MAPS;
		nmodes++;
		break;
	case O_MAX:
		maxv = cli_arg_number(arg);
		have_max = 1;
		break;
	case O_MIN:
		minv = cli_arg_number(arg);
		have_min = 1;
		break;
	case O_PER:
		tper = cli_arg_period(arg, 0);
		have_tper = 1;
		mode = M_TIME;
		nmodes++;
		break;
	case O_SORT:
		sort_value = cli_arg_choice(arg, sorts);
		have_sort = 1;
		break;
	case O_SUMMARY:
		mode = M_SUMMARY;
		nmodes++;
		break;
	case O_SVG:
		svg_path = arg;
		break;
	case O_TITLE:
		title = arg;
		break;
	case O_TOP:
		top = cli_arg_u64(arg, 1, UINT64_MAX);
		have_top = 1;
		break;
	case O_WEIGHT:
		wexpr = arg;
		break;
	case O_WIDTH:
		width = cli_arg_number(arg);
		if (!(width > 0))
			cli_arg_error("must be greater than 0", arg);
		break;
	case O_XLABEL:
		xlabel = arg;
		break;
	case O_YLABEL:
		ylabel = arg;
		break;
	}
}
