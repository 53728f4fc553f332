/*
 * pingdedup: drop duplicate records (pingdedup(1), trawl(7)).
 *
 * Every record has a key, a jq expression (.id by default).  Keys are the
 * same exactly when jq's == says so; they are held as 128-bit digests of
 * their canonical text (json.h), so a key costs the same whatever its
 * length, and its text is kept only where it is printed (--count,
 * --report-by).  Per key the tool keeps the record a --keep rule chooses and
 * writes it byte for byte, in input order; or it counts (--count,
 * --report-by) and can merge such counts from shards (--merge).
 *
 * Memory: --keep first and repeats stream with one table slot per key.
 * last, unique and --order-by cannot decide before the end of the input, so
 * the candidate records go to a spool (memory while small, then an unlinked
 * temporary file) and the table holds the spool index of each key's choice;
 * the chosen records are written in one sequential pass over the spool at
 * the end.  --sorted holds one group at a time instead.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/gindex.h"
#include "../lib/hash.h"
#include "../lib/input.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/sorted.h"
#include "../lib/spill.h"
#include "../lib/state.h"

#define STATE_VERSION 1
#define SPOOL_MEM ((size_t)4 << 20)	/* spool kept in memory up to this */
#define NONE UINT64_MAX			/* spool index of a key from --state */
#define NOGROUP UINT32_MAX

enum mode {
	M_FIRST,	/* --keep first, no --order-by: streaming */
	M_REPEATS,	/* --keep repeats: streaming */
	M_LAST,		/* --keep last, no --order-by: spooled */
	M_UNIQUE,	/* --keep unique: spooled */
	M_ORDER,	/* --keep first|last --order-by: spooled */
	M_COUNT,	/* --count */
	M_REPORT	/* --report-by */
};

enum keep { KEEP_FIRST, KEEP_LAST, KEEP_UNIQUE, KEEP_REPEATS };

/* The chosen record of a key under --order-by (with --report-by: its group). */
struct ordval {
	uint64_t idx;	/* spool index; NONE for a key of an earlier run */
	uint64_t off;	/* its order value is arena[off, off + len) */
	uint32_t len;
	uint32_t grp;	/* --report-by: the group of the chosen record */
};

/* --count: one per key, in first-seen order (its number in countix). */
struct keycount {
	uint64_t count;
	uint32_t id;
};

/* --report-by: one per group. */
struct rgroup {
	uint32_t id;		/* in groupix, whose text is the group value's */
	uint64_t records, distinct, first_seen;
	uint64_t lastkg;	/* --sorted: the last key group counted in distinct */
};

enum { O_COUNT, O_KEEP, O_KEY, O_MIN_COUNT, O_ORDER_BY, O_REPORT_BY, O_SORT };
static const struct cli_option options[] = {
	{ O_COUNT, "count", 0, NULL, "write the number of records of each key instead" },
	{ O_KEEP, "keep", 0, "MODE", "which records of a key: first (the default), last, unique, repeats" },
	{ O_KEY, "key", 'k', "EXPR", "the key (default .id)" },
	{ O_MIN_COUNT, "min-count", 0, "N", "with --count, only keys with at least N records" },
	{ O_ORDER_BY, "order-by", 0, "EXPR", "keep the record with the least (first) or greatest (last) EXPR" },
	{ O_REPORT_BY, "report-by", 0, "EXPR", "write records, distinct keys and first-seen records per group" },
	{ O_SORT, "sort", 0, "ORDER", "with --count: by count (the default) or by key value" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: pingdedup [-k expr] [--keep mode] [--order-by expr] [option ...] [file ...]\n"
	"       pingdedup --count [-k expr] [--min-count n] [option ...] [file ...]\n"
	"       pingdedup --report-by expr [-k expr] [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_SHARD | CLI_STATE | CLI_SORTED | CLI_MERGE | CLI_MISSING | CLI_OUTPUT,
	option,
};

static const char *keyexpr = ".id";
static const char *orderexpr, *reportexpr;
static enum keep keep = KEEP_FIRST;
static enum mode mode;
static int keepset, countflag, mincountset;
static int sortset, sort_value;	/* --sort value; count is the default */
/* Records without a key are written (--missing, or by default under
 * --keep first and last: nothing is lost), or dropped (by default under
 * unique and repeats: a record without a key repeats no key). */
static int pass_keyless;
static uint64_t mincount = 1;

static struct fieldset *fs;
static int fkey = -1, forder = -1, freport = -1, fcount = -1;
static int frecords = -1, fdistinct = -1, ffirst = -1;

static struct buf scratch;	/* json_digest's */
static struct buf arena;	/* order value texts */
static struct dtab *keys;	/* this run's keys; the value depends on the mode
				 * (under --sorted, sorted.seen: a set) */
static struct sorted sorted;	/* --sorted */
static struct dtab *statekeys;	/* keys of earlier runs (--state) */
static struct digest null_digest;	/* a missing key shards as null */
static uint64_t other_shards, state_loaded;

static struct gindex *countix;	/* --count: the keys */
static struct keycount *counts;	/* by key number, until sorted */
static size_t ncounts, countcap;
static struct gindex *groupix;	/* --report-by: the groups */
static struct dtab *pairs;	/* digests of (group, key) pairs seen: distinct */
static struct rgroup *groups;
static size_t ngroups, groupcap;

/* The spool: [digest][uint64 length][bytes] per record, in input order. */
struct spoolhdr {
	struct digest d;	/* all zero: a record without a key, always written */
	uint64_t len;
};
static struct {
	struct buf mem;
	int fd;			/* -1 until spilled to a temporary file */
	uint64_t n;		/* records */
	uint64_t bytes;
	size_t rpos;		/* reading back: the next record in mem */
} spool = { .fd = -1 };

/* --sorted: the group being read. */
static struct {
	int active;
	int fromstate;
	int have;		/* rec (and val, grp) hold the group's choice */
	uint64_t n;		/* records in the group */
	uint64_t seq;		/* groups started */
	uint32_t grp;
	struct buf rec, val, key;
} cur;

static void setup(void);
static void cleanup(void);
static loop_record_fn record, merge_record;
static size_t nkeys(void);
/* The fields of the record being handled (lib/loop.h). */
static const struct fields *fv;
static void finish(void);
static void load_state(void);
static void save_state(void);

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	setup();
	if (cli.state)
		load_state();

	struct input *in = in_open(argv, argc);
	if (!cli.merge)
		loop_digest_first(fkey);
	int stopped = loop_run(in, fs, cli.merge ? merge_record : record) < 0;
	in_close(in);

	/*
	 * Under --bad=fail only what was written before the bad line stands:
	 * the modes that decide at the end write nothing more, and the state
	 * is not saved, so that a rerun on mended input starts from the same
	 * state.
	 */
	if (!stopped) {
		finish();
		out_flush();
		if (cli.state)
			save_state();
	}

	if (!(cli.merge && mode == M_REPORT))
		cli_stat("distinct", nkeys());
	if (mode < M_COUNT)
		cli_stat("dropped", stats.read - stats.bad - stats.written -
		    other_shards);
	if (cli.shard_n)
		cli_stat("other_shards", other_shards);
	if (cli.state)
		cli_stat("state_keys", state_loaded);
	size_t kb = dtab_bytes(keys) + arena.cap;
	if (countix)
		kb += gi_bytes(countix) + countcap * sizeof(*counts);
	if (pairs)
		kb += dtab_bytes(pairs);
	if (groupix)
		kb += gi_bytes(groupix) + groupcap * sizeof(*groups);
	cli_stat("key_bytes", kb);
	if (nkeys() > 0)
		cli_stat("bytes_per_key", kb / nkeys());
	if (mode >= M_LAST && mode <= M_ORDER && !cli.sorted)
		cli_stat("spool_bytes", spool.bytes);

	cleanup();
	return cli_exit();
}

static void
cleanup(void)
{
	dtab_free(pairs);
	free(groups);
	free(counts);
	gi_free(countix);
	gi_free(groupix);
	if (!cli.sorted)
		dtab_free(keys);
	sorted_free(&sorted);
	dtab_free(statekeys);
	fs_free(fs);
	buf_free(&scratch);
	buf_free(&arena);
	buf_free(&spool.mem);
	buf_free(&cur.rec);
	buf_free(&cur.val);
	buf_free(&cur.key);
	if (spool.fd >= 0)
		close(spool.fd);
}

/* The distinct keys of this run. */
static size_t
nkeys(void)
{
	return countix ? gi_count(countix) : dtab_count(keys);
}

/* Check the option combinations, choose the mode, compile the expressions. */
static void
setup(void)
{
	char err[512];

	if (countflag && reportexpr)
		cli_usage("--count and --report-by are different outputs: choose one");
	if (mincountset && !countflag)
		cli_usage("--min-count needs --count");
	if ((countflag || reportexpr) && keepset && keep != KEEP_FIRST)
		cli_usage("--keep chooses records; --count and --report-by count "
		    "them instead");
	if (countflag && orderexpr)
		cli_usage("--order-by chooses a record; --count does not write records");
	if (orderexpr && (keep == KEEP_UNIQUE || keep == KEEP_REPEATS))
		cli_usage("--order-by goes with --keep first or last");
	if (cli.merge && !countflag && !reportexpr)
		cli_usage("--merge needs --count or --report-by (the outputs to merge)");
	if (cli.merge && (orderexpr || cli.sorted || cli.state || cli.shard_n))
		cli_usage("--merge adds up --count or --report-by outputs; "
		    "--order-by, --sorted, --state and --shard apply to records");
	if (cli.state && (countflag || keep == KEEP_LAST))
		cli_usage("--state goes with --keep first, unique, repeats and "
		    "--report-by");
	if (sortset && !countflag)
		cli_usage("--sort orders the keys of --count");
	if (sortset && cli.sorted)
		cli_usage("--sorted writes each key as its group ends, in input order: "
		    "--sort does not apply");
	if (cli.missing != CLI_MISSING_DEFAULT && (countflag || reportexpr))
		cli_usage("--missing chooses records to write; --count and --report-by "
		    "count keys");
	if (cli_output() != OUT_NDJSON && !countflag && !reportexpr)
		cli_usage("--output is for --count and --report-by: records pass "
		    "through as they are");
	pass_keyless = cli.missing == CLI_MISSING_DEFAULT ?
	    keep == KEEP_FIRST || keep == KEEP_LAST : cli.missing == CLI_MISSING_PASS;

	if (countflag)
		mode = M_COUNT;
	else if (reportexpr)
		mode = M_REPORT;
	else if (orderexpr)
		mode = M_ORDER;
	else if (keep == KEEP_LAST)
		mode = M_LAST;
	else if (keep == KEEP_UNIQUE)
		mode = M_UNIQUE;
	else if (keep == KEEP_REPEATS)
		mode = M_REPEATS;
	else
		mode = M_FIRST;

	fs = fs_new();
	if (cli.merge) {
		/* The merged outputs are ours: read their fields, not the key. */
		if (mode == M_COUNT) {
			fkey = fs_add(fs, ".key", FS_FIRST, err, sizeof(err));
			fcount = fs_add(fs, ".count", FS_FIRST, err,
			    sizeof(err));
		} else {
			freport = fs_add(fs, ".group", FS_FIRST, err,
			    sizeof(err));
			frecords = fs_add(fs, ".records", FS_FIRST, err,
			    sizeof(err));
			fdistinct = fs_add(fs, ".distinct", FS_FIRST, err,
			    sizeof(err));
			ffirst = fs_add(fs, ".first_seen", FS_FIRST, err,
			    sizeof(err));
		}
	} else {
		fkey = cli_field(fs, "--key", keyexpr, FS_FIRST);
		if (orderexpr)
			forder = cli_field(fs, "--order-by", orderexpr,
			    FS_FIRST);
		if (reportexpr)
			freport = cli_field(fs, "--report-by", reportexpr,
			    FS_FIRST);
	}

	size_t vsize = 0;
	switch (mode) {
	case M_LAST:
		vsize = sizeof(uint64_t);
		break;
	case M_UNIQUE:
		vsize = 1;
		break;
	case M_ORDER:
		vsize = sizeof(struct ordval);
		break;
	case M_COUNT:
		/* The keys are countix's: keys only checks --sorted's grouping. */
		if (!cli.sorted)
			countix = gi_new();
		break;
	case M_REPORT:
		vsize = orderexpr ? sizeof(struct ordval) : 0;
		groupix = gi_new();
		if (!cli.sorted && !cli.merge)
			pairs = dtab_new(0);
		break;
	default:
		break;
	}
	/* --sorted decides per group: the keys are the sorted check's. */
	if (cli.sorted) {
		sorted_init(&sorted);
		keys = sorted.seen;
	} else {
		keys = dtab_new(vsize);
	}
	null_digest = json_digest("null", 4, &scratch);
}

/* ---- the spool ---- */

static void
spool_spill(void)
{
	char err[512];

	if (spool.fd == -1 && (spool.fd = spill_open(err, sizeof(err))) < 0)
		cli_fatal("%s", err);
	if (spill_write(spool.fd, spool.mem.p, spool.mem.len, err,
	    sizeof(err)) < 0)
		cli_fatal("%s", err);
	buf_reset(&spool.mem);
}

/* Append a record; returns its index. */
static uint64_t
spool_add(struct digest d, const char *p, size_t n)
{
	struct spoolhdr h = { d, n };

	buf_add(&spool.mem, &h, sizeof(h));
	buf_add(&spool.mem, p, n);
	spool.bytes += sizeof(h) + n;
	if (spool.mem.len >= SPOOL_MEM)
		spool_spill();
	return spool.n++;
}

static void
spool_rewind(void)
{
	spool.rpos = 0;
	if (spool.fd == -1)
		return;
	spool_spill();
	if (lseek(spool.fd, 0, SEEK_SET) < 0)
		cli_fatal("temporary file: %s", strerror(errno));
}

/* Make need bytes from rpos readable in mem; 0 at the end of the spool. */
static int
spool_fill(size_t need)
{
	struct buf *b = &spool.mem;

	if (b->len - spool.rpos >= need)
		return 1;
	if (spool.fd == -1)
		return 0;
	memmove(b->p, b->p + spool.rpos, b->len - spool.rpos);
	b->len -= spool.rpos;
	spool.rpos = 0;
	while (b->len < need) {
		buf_reserve(b, need - b->len > SPOOL_MEM ? need - b->len : SPOOL_MEM);
		ssize_t r = read(spool.fd, b->p + b->len, b->cap - b->len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			cli_fatal("temporary file: %s", strerror(errno));
		}
		if (r == 0)
			return 0;
		b->len += (size_t)r;
	}
	return 1;
}

static int
spool_next(struct spoolhdr *h, const char **p)
{
	if (!spool_fill(sizeof(*h))) {
		if (spool.mem.len != spool.rpos)
			cli_fatal("temporary file: truncated");
		return 0;
	}
	memcpy(h, spool.mem.p + spool.rpos, sizeof(*h));
	if (!spool_fill(sizeof(*h) + h->len))
		cli_fatal("temporary file: truncated");
	*p = spool.mem.p + spool.rpos + sizeof(*h);
	spool.rpos += sizeof(*h) + h->len;
	return 1;
}

/* Write the chosen records, in input order. */
static void
spool_emit(void)
{
	struct spoolhdr h;
	const char *p;
	uint64_t i;

	spool_rewind();
	for (i = 0; spool_next(&h, &p); i++) {
		int out = 0;
		if (h.d.lo == 0 && h.d.hi == 0)
			out = 1;
		else if (mode == M_LAST)
			out = *(uint64_t *)dtab_get(keys, h.d) == i;
		else if (mode == M_UNIQUE)
			out = *(unsigned char *)dtab_get(keys, h.d) == 0;
		else
			out = ((struct ordval *)dtab_get(keys, h.d))->idx == i;
		if (out)
			out_line(p, h.len);
	}
}

/* ---- per record ---- */

static int
in_state(struct digest d)
{
	return statekeys != NULL && dtab_get(statekeys, d) != NULL;
}

/* The order value's text; a missing value is null, which jq sorts first. */
static void
order_value(const char **t, size_t *n)
{
	const struct jval *v = fv_first(fv, forder);

	*t = v ? v->text : "null";
	*n = v ? v->len : 4;
}

static void
ord_set(struct ordval *v, const char *t, size_t n, int fresh)
{
	if (n > UINT32_MAX)
		n = UINT32_MAX;	/* a 4 GB order value: compared by its start */
	/* Reuse the old value's room when the new one fits. */
	if (fresh || n > v->len) {
		v->off = arena.len;
		buf_add(&arena, t, n);
	} else {
		memcpy(arena.p + v->off, t, n);
	}
	v->len = (uint32_t)n;
}

/* Whether --order-by value t (n bytes) wins over the best so far: the least
 * for --keep first, the greatest for --keep last. */
static int
order_wins(const char *t, size_t n, const char *best, size_t bn)
{
	int c = json_cmp(t, n, best, bn);

	/* Ties go to the earlier record for first, to the later for last. */
	return keep == KEEP_LAST ? c >= 0 : c < 0;
}

static uint32_t
group_of(const struct jval *gv, struct digest *dp)
{
	const char *t = gv ? gv->text : "null";
	size_t n = gv ? gv->len : 4;
	struct digest d = json_digest(t, n, &scratch);
	uint32_t ix;
	int r = gi_put(groupix, d, t, n, &ix);

	if (r < 0)
		cli_fatal("more than %u groups", NOGROUP);
	if (r > 0) {
		if (ngroups == groupcap) {
			groupcap = groupcap ? groupcap * 2 : 64;
			groups = xreallocarray(groups, groupcap,
			    sizeof(*groups));
		}
		struct rgroup *g = &groups[ngroups++];
		memset(g, 0, sizeof(*g));
		g->id = ix;
	}
	if (dp)
		*dp = d;
	return ix;
}

/* Count n more records of a key; -1 when the count would overflow. */
static int
count_add(const struct jval *kv, struct digest d, uint64_t n)
{
	uint32_t ix;
	int r = gi_put(countix, d, kv->text, kv->len, &ix);

	if (r < 0)
		cli_fatal("more than %lu keys", (unsigned long)GI_MAX);
	if (r > 0) {
		if (ncounts == countcap) {
			countcap = countcap ? countcap * 2 : 1024;
			counts = xreallocarray(counts, countcap,
			    sizeof(*counts));
		}
		counts[ncounts].count = 0;
		counts[ncounts++].id = ix;
	}
	struct keycount *k = &counts[ix];
	if (k->count > UINT64_MAX - n)
		return -1;
	k->count += n;
	return 0;
}

static void
put_count(const char *k, size_t kn, uint64_t n)
{
	buf_adds(&outbuf, "{\"key\":");
	buf_add(&outbuf, k, kn);
	buf_adds(&outbuf, ",\"count\":");
	json_put_u64(&outbuf, n);
	buf_addc(&outbuf, '}');
	out_end();
}

/* Make b hold a copy of p[0 .. n) (--sorted keeps the group's choice). */
static void
copy_to(struct buf *b, const char *p, size_t n)
{
	buf_reset(b);
	buf_add(b, p, n);
}

/* --sorted: the group ended; write or count what it decided. */
static void
group_end(void)
{
	if (!cur.active)
		return;
	cur.active = 0;
	switch (mode) {
	case M_LAST:
	case M_ORDER:
		if (cur.have)
			out_line(cur.rec.p, cur.rec.len);
		break;
	case M_UNIQUE:
		if (cur.n == 1 && !cur.fromstate)
			out_line(cur.rec.p, cur.rec.len);
		break;
	case M_COUNT:
		if (cur.n >= mincount)
			put_count(cur.key.p, cur.key.len, cur.n);
		break;
	case M_REPORT:
		if (cur.have)
			groups[cur.grp].first_seen++;
		break;
	default:
		break;
	}
}

static int
sorted_record(const struct line *ln, const struct jval *kv, struct digest d)
{
	const char *t;
	size_t n;

	switch (sorted_step(&sorted, d)) {
	case SORTED_BACK:
		/* The group being read ends here too: under --bad=fail what
		 * it decided is written before the tool stops. */
		group_end();
		sorted_end(&sorted);
		sorted_message(&scratch, kv->text, kv->len);
		return cli_bad(ln, scratch.p);
	case SORTED_NEW:
		group_end();
		cur.active = 1;
		cur.n = 0;
		cur.have = 0;
		cur.seq++;
		cur.fromstate = in_state(d);
		if (mode == M_COUNT)
			copy_to(&cur.key, kv->text, kv->len);
		break;
	case SORTED_SAME:
		break;
	}
	cur.n++;
	switch (mode) {
	case M_FIRST:
		if (cur.n == 1 && !cur.fromstate)
			out_line(ln->p, ln->len);
		break;
	case M_REPEATS:
		if (cur.n > 1 || cur.fromstate)
			out_line(ln->p, ln->len);
		break;
	case M_LAST:
		copy_to(&cur.rec, ln->p, ln->len);
		cur.have = 1;
		break;
	case M_UNIQUE:
		if (cur.n == 1)
			copy_to(&cur.rec, ln->p, ln->len);
		break;
	case M_ORDER:
		order_value(&t, &n);
		if (!cur.fromstate &&
		    (!cur.have || order_wins(t, n, cur.val.p, cur.val.len))) {
			copy_to(&cur.rec, ln->p, ln->len);
			copy_to(&cur.val, t, n);
			cur.have = 1;
		}
		break;
	case M_REPORT: {
		uint32_t g = group_of(fv_first(fv, freport), NULL);
		struct rgroup *gr = &groups[g];

		gr->records++;
		if (gr->lastkg != cur.seq) {
			gr->lastkg = cur.seq;
			gr->distinct++;
		}
		if (cur.fromstate)
			break;
		if (forder == -1) {
			if (cur.n == 1)
				gr->first_seen++;
			break;
		}
		order_value(&t, &n);
		if (!cur.have || order_wins(t, n, cur.val.p, cur.val.len)) {
			copy_to(&cur.val, t, n);
			cur.grp = g;
			cur.have = 1;
		}
		break;
	}
	case M_COUNT:
		break;
	}
	return 0;
}

static void
report_record(const struct jval *kv, struct digest d)
{
	struct digest gd;
	uint32_t g = group_of(fv_first(fv, freport), &gd);
	struct rgroup *gr = &groups[g];
	unsigned char pair[32];
	int ins;

	(void)kv;
	gr->records++;
	/*
	 * One set of (group, key) pairs rather than a set per group: no
	 * table's fixed cost per group, however many groups there are.
	 */
	memcpy(pair, &gd, 16);
	memcpy(pair + 16, &d, 16);
	dtab_put(pairs, digest128(pair, sizeof(pair)), &ins);
	if (ins)
		gr->distinct++;
	if (forder == -1) {
		dtab_put(keys, d, &ins);
		if (ins && !in_state(d))
			gr->first_seen++;
		return;
	}
	const char *t;
	size_t n;
	struct ordval *v = dtab_put(keys, d, &ins);

	order_value(&t, &n);
	if (ins) {
		if (in_state(d)) {
			v->grp = NOGROUP;
			return;
		}
		ord_set(v, t, n, 1);
		v->grp = g;
	} else if (v->grp != NOGROUP &&
	    order_wins(t, n, arena.p + v->off, v->len)) {
		ord_set(v, t, n, 0);
		v->grp = g;
	}
}

static int
record(const struct line *ln, const struct fields *f)
{
	const struct jval *kv;
	struct digest d;
	int ins;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	kv = fv_first(fv, fkey);
	d = kv ? fv_first_digest(fv, fkey, &scratch) : null_digest;
	if (cli.shard_n && shard_of(d, cli.shard_n) != cli.shard_k) {
		other_shards++;
		return 0;
	}
	if (kv == NULL) {
		cli_missing(fv, fkey);
		if (mode == M_COUNT || mode == M_REPORT || !pass_keyless)
			return 0;
		if (mode == M_FIRST || mode == M_REPEATS || cli.sorted)
			out_line(ln->p, ln->len);
		else
			spool_add((struct digest){ 0, 0 }, ln->p, ln->len);
		return 0;
	}
	if (cli.sorted)
		return sorted_record(ln, kv, d);

	switch (mode) {
	case M_FIRST:
		dtab_put(keys, d, &ins);
		if (ins && !in_state(d))
			out_line(ln->p, ln->len);
		break;
	case M_REPEATS:
		dtab_put(keys, d, &ins);
		if (!ins || in_state(d))
			out_line(ln->p, ln->len);
		break;
	case M_LAST:
		*(uint64_t *)dtab_put(keys, d, &ins) = spool_add(d, ln->p, ln->len);
		break;
	case M_UNIQUE: {
		unsigned char *v = dtab_put(keys, d, &ins);
		/* Only a first occurrence can be unique; later ones just mark it. */
		if (!ins)
			*v = 1;
		else if (in_state(d))
			*v = 1;
		else
			spool_add(d, ln->p, ln->len);
		break;
	}
	case M_ORDER: {
		struct ordval *v = dtab_put(keys, d, &ins);
		const char *t;
		size_t n;

		order_value(&t, &n);
		if (ins) {
			if (in_state(d)) {
				v->idx = NONE;
				break;
			}
			ord_set(v, t, n, 1);
			v->idx = spool_add(d, ln->p, ln->len);
		} else if (v->idx != NONE &&
		    order_wins(t, n, arena.p + v->off, v->len)) {
			ord_set(v, t, n, 0);
			v->idx = spool_add(d, ln->p, ln->len);
		}
		break;
	}
	case M_COUNT:
		count_add(kv, d, 1);
		break;
	case M_REPORT:
		report_record(kv, d);
		break;
	}
	return 0;
}

/* A count as our outputs write it: a non-negative integer, digits only. */
static int
get_count(int f, uint64_t *out)
{
	const struct jval *v = fv_first(fv, f);
	uint64_t n = 0;

	if (v == NULL || v->type != J_NUMBER || v->len == 0)
		return -1;
	for (size_t i = 0; i < v->len; i++) {
		unsigned dig = (unsigned char)v->text[i] - '0';
		if (dig > 9 || n > (UINT64_MAX - dig) / 10)
			return -1;
		n = n * 10 + dig;
	}
	*out = n;
	return 0;
}

static int
merge_record(const struct line *ln, const struct fields *f)
{
	uint64_t a, b, c;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	if (mode == M_COUNT) {
		const struct jval *kv = fv_first(fv, fkey);

		if (kv == NULL)
			return cli_bad(ln, "not a --count output: no \"key\"");
		if (get_count(fcount, &a) < 0)
			return cli_bad(ln,
			    "not a --count output: \"count\" is not "
			    "a non-negative integer");
		if (count_add(kv, json_digest(kv->text, kv->len, &scratch),
		    a) < 0)
			return cli_bad(ln, "count overflows 64 bits");
		return 0;
	}
	if (get_count(frecords, &a) < 0 || get_count(fdistinct, &b) < 0 ||
	    get_count(ffirst, &c) < 0)
		return cli_bad(ln, "not a --report-by output: \"records\", "
		    "\"distinct\" and \"first_seen\" must be non-negative integers");
	/* group_of may move groups: index it after the call. */
	uint32_t gi = group_of(fv_first(fv, freport), NULL);
	struct rgroup *g = &groups[gi];

	if (g->records > UINT64_MAX - a || g->distinct > UINT64_MAX - b ||
	    g->first_seen > UINT64_MAX - c)
		return cli_bad(ln, "count overflows 64 bits");
	g->records += a;
	g->distinct += b;
	g->first_seen += c;
	return 0;
}

/* ---- the end ---- */

/* Keys and groups in jq order of their texts (qsort has no context
 * argument: the texts are countix's and groupix's). */
static int
cmp_key(const void *a, const void *b)
{
	const struct keycount *x = a, *y = b;

	return gi_cmp(countix, x->id, y->id, json_cmp);
}

static int
cmp_key_count(const void *a, const void *b)
{
	const struct keycount *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return cmp_key(a, b);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct rgroup *x = a, *y = b;

	return gi_cmp(groupix, x->id, y->id, json_cmp);
}

static void
finish(void)
{
	if (cli.sorted) {
		group_end();
		if (mode == M_COUNT)
			return;
	}
	switch (mode) {
	case M_LAST:
	case M_UNIQUE:
	case M_ORDER:
		if (!cli.sorted)
			spool_emit();
		break;
	case M_COUNT:
		/* By count, then key as jq sorts keys (or by key alone): merged
		 * shards give the same bytes as one run. */
		if (ncounts > 0)
			qsort(counts, ncounts, sizeof(*counts),
			    sort_value ? cmp_key : cmp_key_count);
		for (size_t i = 0; i < ncounts; i++) {
			size_t n;
			const char *t = gi_text(countix, counts[i].id, &n);
			if (counts[i].count >= mincount)
				put_count(t, n, counts[i].count);
		}
		break;
	case M_REPORT:
		if (!cli.sorted && !cli.merge) {
			size_t pos = 0;
			struct digest k;
			void *v;

			while (forder != -1 && dtab_next(keys, &pos, &k, &v))
				if (((struct ordval *)v)->grp != NOGROUP)
					groups[((struct ordval *)v)->grp].first_seen++;
		}
		if (ngroups > 0)
			qsort(groups, ngroups, sizeof(*groups), cmp_group);
		for (size_t i = 0; i < ngroups; i++) {
			struct rgroup *g = &groups[i];

			size_t n;
			const char *t = gi_text(groupix, g->id, &n);

			buf_adds(&outbuf, "{\"group\":");
			buf_add(&outbuf, t, n);
			buf_adds(&outbuf, ",\"records\":");
			json_put_u64(&outbuf, g->records);
			buf_adds(&outbuf, ",\"distinct\":");
			json_put_u64(&outbuf, g->distinct);
			buf_adds(&outbuf, ",\"first_seen\":");
			json_put_u64(&outbuf, g->first_seen);
			buf_addc(&outbuf, '}');
			out_end();
		}
		break;
	default:
		break;
	}
}

/* ---- --state: the sorted digests of every key seen, 16 bytes each ---- */

static int
cmp_digest(const void *a, const void *b)
{
	const struct digest *x = a, *y = b;

	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static void
load_state(void)
{
	struct buf payload = { 0 };
	char err[512];
	int r = state_load(cli.state, "pingdedup", STATE_VERSION, &payload, err,
	    sizeof(err));

	if (r < 0)
		cli_fatal("%s", err);
	statekeys = dtab_new(0);
	if (r == 0)
		return;
	if (payload.len % 16 != 0)
		cli_fatal("%s: damaged state file (not a whole number of keys)",
		    cli.state);
	const unsigned char *p = (const unsigned char *)payload.p;
	struct digest prev = { 0, 0 };
	for (size_t i = 0; i < payload.len; i += 16) {
		struct digest d = { load_le64(p + i), load_le64(p + i + 8) };
		int ins;

		/* Saved strictly ascending: anything else is not ours. */
		if (i > 0 && cmp_digest(&prev, &d) >= 0)
			cli_fatal("%s: damaged state file (keys out of order)",
			    cli.state);
		dtab_put(statekeys, d, &ins);
		prev = d;
	}
	state_loaded = dtab_count(statekeys);
	buf_free(&payload);
}

static void
save_state(void)
{
	size_t n = dtab_count(keys) + dtab_count(statekeys), m = 0, pos;
	struct digest *all = xreallocarray(NULL, n ? n : 1, sizeof(*all));
	struct dtab *tabs[2] = { keys, statekeys };
	struct digest k;
	void *v;
	char err[512];

	for (int t = 0; t < 2; t++)
		for (pos = 0; dtab_next(tabs[t], &pos, &k, &v);)
			all[m++] = k;
	qsort(all, m, sizeof(*all), cmp_digest);
	unsigned char *payload = xreallocarray(NULL, m ? m : 1, 16);
	n = 0;
	for (size_t i = 0; i < m; i++) {
		if (i > 0 && digest_eq(all[i], all[i - 1]))
			continue;
		store_le64(payload + 16 * n, all[i].lo);
		store_le64(payload + 16 * n + 8, all[i].hi);
		n++;
	}
	if (state_save(cli.state, "pingdedup", STATE_VERSION, payload, 16 * n,
	    err, sizeof(err)) < 0)
		cli_error("%s", err);
	free(payload);
	free(all);
}

static void
option(int id, const char *arg)
{
	static const char *const keeps[] = { "first", "last", "unique", "repeats", NULL };

	switch (id) {
	case O_COUNT:
		countflag = 1;
		break;
	case O_KEEP:
		keep = (enum keep)cli_arg_choice(arg, keeps);
		keepset = 1;
		break;
	case O_KEY:
		keyexpr = arg;
		break;
	case O_MIN_COUNT:
		mincount = cli_arg_u64(arg, 0, UINT64_MAX);
		mincountset = 1;
		break;
	case O_ORDER_BY:
		orderexpr = arg;
		break;
	case O_REPORT_BY:
		reportexpr = arg;
		break;
	case O_SORT: {
		static const char *const orders[] = { "count", "value", NULL };

		sort_value = cli_arg_choice(arg, orders) == 1;
		sortset = 1;
		break;
	}
	}
}
