/*
 * maxcount: the most intervals active at once, per group and period.
 *
 * Each record is an interval [start, end) of some group (-g, repeatable).
 * For each group, and each period (--per) an interval of the group
 * overlaps, maxcount writes the maximum number of the group's intervals
 * active at one instant in that period, where that maximum first holds and
 * how many intervals overlap the period.  An interval with end == start is
 * active at its start instant only.
 *
 * The count only changes where an interval starts or ends, so a group's
 * starts and ends are sorted (radix sort, O(n) per pass) and swept once;
 * period boundaries between changes are crossed with the count then
 * current, which is how a period in which intervals are active throughout,
 * with no start or end inside, still gets its true maximum.  A group's
 * intervals cannot be forgotten before the input ends (a later record may
 * start earlier), so memory is 16 bytes per interval (8 for an interval of
 * length 0) plus the groups' printed forms; --sorted input holds one group.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/gindex.h"
#include "../lib/hash.h"
#include "../lib/input.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/sorted.h"
#include "../lib/ts.h"
#include "../lib/util.h"

enum { O_END, O_GROUP, O_PER, O_START, O_TIMELINE };
static const struct cli_option options[] = {
	{ O_END, "end", 0, "EXPR", "the end of the interval (default .end)" },
	{ O_GROUP, "group", 'g', "EXPR", "the group; repeatable (default: one group)" },
	{ O_PER, "per", 'p', "PERIOD", "one answer per period (default: one for the whole input)" },
	{ O_START, "start", 0, "EXPR", "the start of the interval (default .start)" },
	{ O_TIMELINE, "timeline", 0, NULL, "write the count of active intervals over time" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: maxcount [-g expr] [-p period] [option ...] [file ...]\n"
	"       maxcount --timeline [-g expr] [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_SHARD | CLI_SORTED | CLI_TIME_UNIT | CLI_TIME_FORMAT | CLI_ORIGIN |
	    CLI_EPOCH | CLI_OUTPUT,
	option,
};

struct i64v {
	int64_t *p;
	size_t n, cap;
};

struct group {
	uint32_t id;		/* in groupix, whose text is the printed form */
	struct i64v starts;	/* starts of intervals with end > start */
	struct i64v ends;
	struct i64v points;	/* starts of intervals with end == start */
};

/* Options. */
static const char *start_expr = ".start", *end_expr = ".end";
static const char **group_expr;
static size_t ngroup_expr;
static struct period per;
static int have_per;
static int timeline;

static struct fieldset *fs;
static const struct fields *fv;	/* the record being handled's (lib/loop.h) */
static int sfield, efield, *gfield;

static struct gindex *groupix;	/* the groups, numbered as groups[] */
static struct group *groups;
static size_t ngroups, capgroups;
static struct buf gkey, scratch;
static uint64_t nintervals;
static int64_t *tmp;		/* radix sort scratch */
static size_t captmp;
/* --sorted: the groups seen and the one being read (curgroup). */
static struct sorted sorted;
static uint32_t curgroup;

static void process_group(struct group *g);
static void setup(void);
static void finish(void);
static void cleanup(void);
static void release_group(struct group *g);

/* ------------------------------------------------------------ vectors */

static void
push(struct i64v *v, int64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->p = xreallocarray(v->p, v->cap, sizeof(*v->p));
	}
	v->p[v->n++] = x;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * LSD radix sort on the bytes of the time with its sign bit flipped, so
 * that unsigned byte order is numeric order.  Passes whose byte is the
 * same in every element (the high bytes of times a few days apart) are
 * skipped.
 */
static void
sort_i64(int64_t *a, size_t n)
{
	static size_t count[8][256];
	uint64_t *src = (uint64_t *)a, *dst, *t, u;
	size_t i, pass, sum, c;
	const uint64_t flip = UINT64_C(1) << 63;

	if (n < 2)
		return;
	if (n < 256) {
		qsort(a, n, sizeof(*a), cmp_i64);
		return;
	}
	if (n > captmp) {
		captmp = n;
		tmp = xreallocarray(tmp, captmp, sizeof(*tmp));
	}
	dst = (uint64_t *)tmp;
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++) {
		u = src[i] ^ flip;
		for (pass = 0; pass < 8; pass++)
			count[pass][(u >> (8 * pass)) & 0xff]++;
	}
	for (pass = 0; pass < 8; pass++) {
		if (count[pass][((src[0] ^ flip) >> (8 * pass)) & 0xff] == n)
			continue;
		for (sum = 0, i = 0; i < 256; i++) {
			c = count[pass][i];
			count[pass][i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++) {
			u = src[i] ^ flip;
			dst[count[pass][(u >> (8 * pass)) & 0xff]++] = src[i];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != (uint64_t *)a)
		memcpy(a, src, n * sizeof(*a));
}

/* ------------------------------------------------------------ output */

static void
put_head(const struct group *g)
{
	buf_adds(&outbuf, "{\"group\":");
	size_t n;
	const char *t = gi_text(groupix, g->id, &n);

	buf_add(&outbuf, t, n);
}

static void
write_period(const struct group *g, int64_t p, int64_t max, int64_t at,
    int64_t until, int64_t m)
{
	put_head(g);
	buf_adds(&outbuf, ",\"period\":");
	if (have_per)
		ts_put(&outbuf, p, cli.epoch);
	else
		buf_adds(&outbuf, "null");
	buf_adds(&outbuf, ",\"max\":");
	json_put_i64(&outbuf, max);
	buf_adds(&outbuf, ",\"at\":");
	ts_put(&outbuf, at, cli.epoch);
	buf_adds(&outbuf, ",\"until\":");
	ts_put(&outbuf, until, cli.epoch);
	buf_adds(&outbuf, ",\"intervals\":");
	json_put_i64(&outbuf, m);
	buf_addc(&outbuf, '}');
	out_end();
}

static void
write_stretch(const struct group *g, int64_t from, int64_t until, int64_t count)
{
	put_head(g);
	buf_adds(&outbuf, ",\"from\":");
	ts_put(&outbuf, from, cli.epoch);
	buf_adds(&outbuf, ",\"until\":");
	ts_put(&outbuf, until, cli.epoch);
	buf_adds(&outbuf, ",\"count\":");
	json_put_i64(&outbuf, count);
	buf_addc(&outbuf, '}');
	out_end();
}

/* ------------------------------------------------------------ the sweep */

/* The start of the period after the one that starts at p; past the last
 * period that can be represented, the end of time. */
static int64_t
period_after(int64_t p)
{
	int64_t next;

	return period_next(&per, p, &next) < 0 ? INT64_MAX : next;
}

/* The maximum of one period, tracked over the instants of the sweep. */
struct pmax {
	int64_t p;		/* period start */
	int64_t best, at, until, m;
	int running;		/* the first maximal stretch has not ended */
};

static void
pm_start(struct pmax *pm, int64_t p, int64_t cur, int64_t t)
{
	pm->p = p;
	pm->best = -1;
	pm->running = 0;
	pm->m = cur;
	/* With no change at the period's first instant, the count carried
	 * into it holds there. */
	if (p < t && cur > 0) {
		pm->best = cur;
		pm->at = p;
		pm->running = 1;
	}
}

/* Instant t has count vi; the stretch after it has va (vi - points at t). */
static void
pm_point(struct pmax *pm, int64_t t, int64_t vi, int64_t va)
{
	if (pm->running && vi < pm->best) {
		pm->until = t;
		pm->running = 0;
	}
	if (vi > pm->best) {
		pm->best = vi;
		pm->at = t;
		pm->running = 1;
	}
	if (pm->running && va < pm->best) {
		pm->until = t;
		pm->running = 0;
	}
}

static void
pm_end(const struct group *g, struct pmax *pm)
{
	if (pm->running)
		pm->until = have_per ? period_after(pm->p) : pm->at;
	if (pm->m > 0 && pm->best > 0)
		write_period(g, pm->p, pm->best, pm->at, pm->until, pm->m);
}

static void
process_group(struct group *g)
{
	const int64_t *S, *E, *Z;
	size_t nS, nE, nZ, i = 0, j = 0, z = 0;
	int64_t t, cur = 0, vi, va, s, e, zc, pt, q;
	int64_t seg_from = 0;
	int have_p = 0, have_seg = 0;
	struct pmax pm = { 0 };

	sort_i64(g->starts.p, g->starts.n);
	sort_i64(g->ends.p, g->ends.n);
	sort_i64(g->points.p, g->points.n);
	S = g->starts.p;
	E = g->ends.p;
	Z = g->points.p;
	nS = g->starts.n;
	nE = g->ends.n;
	nZ = g->points.n;
	while (i < nS || j < nE || z < nZ) {
		t = INT64_MAX;
		if (i < nS && S[i] < t)
			t = S[i];
		if (j < nE && E[j] < t)
			t = E[j];
		if (z < nZ && Z[z] < t)
			t = Z[z];
		for (s = 0; i < nS && S[i] == t; i++)
			s++;
		for (e = 0; j < nE && E[j] == t; j++)
			e++;
		for (zc = 0; z < nZ && Z[z] == t; z++)
			zc++;
		vi = cur - e + s + zc;
		va = vi - zc;
		if (timeline) {
			/* One record per stretch of constant count; an
			 * instant whose count differs from the stretch after
			 * it (intervals of length 0) is a stretch from t
			 * until t. */
			if (vi != cur || va != cur) {
				if (have_seg && seg_from < t)
					write_stretch(g, seg_from, t, cur);
				if (vi != va)
					write_stretch(g, t, t, vi);
				seg_from = t;
				have_seg = 1;
			}
			cur = va;
			continue;
		}
		if (have_per) {
			pt = period_floor(&per, t);
			if (have_p && pt != pm.p) {
				pm_end(g, &pm);
				/* Periods the current stretch spans whole. */
				if (cur > 0)
					for (q = period_after(pm.p); q < pt; q = period_after(q))
						write_period(g, q, cur, q,
						    period_after(q), cur);
				have_p = 0;
			}
			if (!have_p) {
				pm_start(&pm, pt, cur, t);
				if (pt == t)
					pm.m -= e;
				have_p = 1;
			}
		} else if (!have_p) {
			pm_start(&pm, t, 0, t);
			have_p = 1;
		}
		pm.m += s + zc;
		pm_point(&pm, t, vi, va);
		cur = va;
	}
	if (have_p)
		pm_end(g, &pm);
}

/* ------------------------------------------------------------ input */

static void
release_group(struct group *g)
{
	free(g->starts.p);
	free(g->ends.p);
	free(g->points.p);
	memset(&g->starts, 0, sizeof(g->starts));
	memset(&g->ends, 0, sizeof(g->ends));
	memset(&g->points, 0, sizeof(g->points));
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = *(struct group *const *)a, *y = *(struct group *const *)b;

	return gi_cmp(groupix, x->id, y->id, json_cmp);
}

/* Build the printed form of the record's group in gkey; 1 if a part was missing. */
static int
group_text(void)
{
	size_t i;
	const struct jval *v;
	int missing = 0;

	buf_reset(&gkey);
	if (ngroup_expr == 0) {
		buf_adds(&gkey, "null");
		return 0;
	}
	if (ngroup_expr > 1)
		buf_addc(&gkey, '[');
	for (i = 0; i < ngroup_expr; i++) {
		if (i > 0)
			buf_addc(&gkey, ',');
		if ((v = fv_first(fv, gfield[i])) != NULL) {
			buf_add(&gkey, v->text, v->len);
		} else {
			buf_adds(&gkey, "null");
			cli_note_missing(fv, gfield[i]);
			missing = 1;
		}
	}
	if (ngroup_expr > 1)
		buf_addc(&gkey, ']');
	return missing;
}

static struct group *
group_of(struct digest d)
{
	uint32_t ix;
	int r = gi_put(groupix, d, gkey.p, gkey.len, &ix);
	struct group *g;

	if (r < 0)
		cli_fatal("more than %lu groups", (unsigned long)GI_MAX);
	if (r == 0)
		return &groups[ix];
	if (ngroups == capgroups) {
		capgroups = capgroups ? 2 * capgroups : 16;
		groups = xreallocarray(groups, capgroups, sizeof(*groups));
	}
	g = &groups[ngroups++];
	memset(g, 0, sizeof(*g));
	g->id = ix;
	return g;
}

static int
bad_time(const struct line *ln, const char *what, const struct jval *v, const char *why)
{
	buf_reset(&scratch);
	ts_bad_message(&scratch, what, v, cli.time_unit, why);
	return cli_bad(ln, scratch.p);
}

/* One record of the input (lib/loop.h): 0, or -1 when --bad=fail stops. */
static int
record(const struct line *ln, const struct fields *f)
{
	const struct jval *sv, *ev;
	const char *why;
	struct digest d;
	struct group *g;
	int64_t ts, te;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	if (cli_missing(fv, sfield, efield))
		return 0;
	sv = fv_first(fv, sfield);
	ev = fv_first(fv, efield);
	if (group_text())
		stats.missing++;
	d = json_digest(gkey.p, gkey.len, &scratch);
	if (cli.shard_n && shard_of(d, cli.shard_n) != cli.shard_k)
		return 0;
	if (ts_from_jval(sv, cli.time_unit, cli.time_format, &ts, &why) < 0) {
		if (bad_time(ln, "start", sv, why) < 0)
			return -1;
		return 0;
	}
	if (ts_from_jval(ev, cli.time_unit, cli.time_format, &te, &why) < 0) {
		if (bad_time(ln, "end", ev, why) < 0)
			return -1;
		return 0;
	}
	if (te < ts) {
		buf_reset(&scratch);
		buf_adds(&scratch, "end ");
		ts_put_rfc3339(&scratch, te);
		buf_adds(&scratch, " is before start ");
		ts_put_rfc3339(&scratch, ts);
		if (cli_bad(ln, scratch.p) < 0)
			return -1;
		return 0;
	}
	if (cli.sorted) {
		int had = sorted.have;
		switch (sorted_step(&sorted, d)) {
		case SORTED_BACK:
			sorted_message(&scratch, gkey.p, gkey.len);
			return cli_bad(ln, scratch.p);
		case SORTED_NEW:
			if (had) {
				process_group(&groups[curgroup]);
				release_group(&groups[curgroup]);
			}
			break;
		case SORTED_SAME:
			break;
		}
	}
	g = group_of(d);
	curgroup = (uint32_t)(g - groups);
	if (te == ts) {
		push(&g->points, ts);
	} else {
		push(&g->starts, ts);
		push(&g->ends, te);
	}
	nintervals++;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct input *in;
	int stopped;

	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	setup();

	in = in_open(argv, argc);
	stopped = loop_run(in, fs, record) < 0;
	in_close(in);

	/* Under --bad=fail nothing after the groups already written is
	 * decided: a maximum needs all of its group's intervals. */
	if (!stopped)
		finish();

	cli_stat("groups", ngroups);
	cli_stat("intervals", nintervals);
	cleanup();
	return cli_exit();
}

/* Check the options and compile the expressions. */
static void
setup(void)
{
	if (have_per)
		cli_period_origin(&per);
	if (timeline && have_per)
		cli_usage("--timeline writes the whole step function: drop --per");

	fs = fs_new();
	sfield = cli_field(fs, "--start", start_expr, FS_FIRST);
	efield = cli_field(fs, "--end", end_expr, FS_FIRST);
	gfield = xcalloc(ngroup_expr + 1, sizeof(*gfield));
	for (size_t i = 0; i < ngroup_expr; i++)
		gfield[i] = cli_field(fs, "--group", group_expr[i], FS_FIRST);
	groupix = gi_new();
	if (cli.sorted)
		sorted_init(&sorted);
}

/* Answer the groups still held: --sorted's last, or all of them in the
 * order of their values. */
static void
finish(void)
{
	struct group **order;

	if (cli.sorted) {
		if (sorted.have)
			process_group(&groups[curgroup]);
		return;
	}
	order = xreallocarray(NULL, ngroups + 1, sizeof(*order));
	for (size_t i = 0; i < ngroups; i++)
		order[i] = &groups[i];
	if (ngroups > 1)
		qsort(order, ngroups, sizeof(*order), cmp_group);
	for (size_t i = 0; i < ngroups; i++) {
		process_group(order[i]);
		release_group(order[i]);
	}
	free(order);
}

static void
cleanup(void)
{
	for (size_t i = 0; i < ngroups; i++)
		release_group(&groups[i]);
	free(groups);
	free(group_expr);
	free(gfield);
	free(tmp);
	gi_free(groupix);
	sorted_free(&sorted);
	buf_free(&gkey);
	buf_free(&scratch);
	fs_free(fs);
}

static void
option(int id, const char *arg)
{
	switch (id) {
	case O_END:
		end_expr = arg;
		break;
	case O_GROUP:
		group_expr = xreallocarray(group_expr, ngroup_expr + 1,
		    sizeof(*group_expr));
		group_expr[ngroup_expr++] = arg;
		break;
	case O_PER:
		per = cli_arg_period(arg, 0);
		have_per = 1;
		break;
	case O_START:
		start_expr = arg;
		break;
	case O_TIMELINE:
		timeline = 1;
		break;
	}
}
