/*
 * cidrscore: IP addresses in NDJSON records against tables of CIDRs and
 * ranges.
 *
 * Annotate (the default): each record whose address (-i, default .ip)
 * falls in a table row gets that row's attributes spliced in before its
 * closing brace (the narrowest row; -a every row), so the record's own
 * bytes are never re-serialised.  Aggregate (-s): one record per table row
 * with the count, exact sum, min, mean and max of a score over the records
 * inside it (every row holding the address counts it, as the sender-model
 * notebook collected scores per feedback CIDR).  Neighbourhoods (-p): the
 * same per enclosing /N, with distinct addresses.  -g makes both sides
 * carry a scope (e.g. the domain) that must be equal to match.  -M merges
 * aggregate outputs of shards.
 *
 * Memory: the tables (see iptable.h) plus, when aggregating, one
 * accumulator per table row or prefix and, with -I or -p, 40 bytes per
 * distinct (row or prefix, address) pair.  Records stream through.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/gindex.h"
#include "../lib/hash.h"
#include "../lib/input.h"
#include "../lib/ip.h"
#include "../lib/iptable.h"
#include "../lib/iptread.h"
#include "../lib/jmember.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/util.h"

/* Sums are exact decimals: 128-bit integers counting units of 1e-18. */
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;
#define SCALE_DIGITS 18

enum mode { M_ANNOTATE, M_TABLE, M_PREFIX, M_MERGE };

/* One aggregate: a table row's, a prefix's, or a merged group's. */
struct agg {
	uint64_t count;
	uint64_t distinct;	/* distinct addresses (from -I pairs, or merged counts) */
	i128 sum;		/* exact, in units of 1e-18, while !inexact */
	double dsum;		/* the sum once a value or total left the exact range */
	double min, max;
	unsigned char inexact;
	unsigned char scored;	/* 0 no score yet, 1 min and max set, 2 (merge) sums without values */
	/* merge: what some parts of the group carried, and whether some
	 * part lacked it (then the whole is unknown and is not written) */
	unsigned char has_distinct, has_ips, lacks_distinct, lacks_ips;
};

/* A prefix (-p) or merged (-M) group's range; its key members, without
 * braces, are its text in groupix. */
struct group {
	struct ip lo, hi;
};

/* One output record before sorting. */
struct outrow {
	struct ip lo, hi;
	size_t keyoff;		/* -s: the key in arena, until key is set */
	const char *key;	/* key members, without braces */
	size_t keylen;
	uint32_t id;		/* row or group */
};

/* A distinct (row or group, address) pair, for -I lists. */
struct pair {
	uint32_t id;
	struct ip ip;
};

enum { O_ALL, O_AS, O_CUTOFF, O_IP, O_IPS, O_MISSES, O_PREFIX_LEN, O_SCOPE,
    O_SCORE, O_TABLE };
static const struct cli_option options[] = {
	{ O_ALL, "all", 0, NULL, "add every row that holds the address, narrowest first" },
	{ O_AS, "as", 0, "NAME", "nest the attributes under NAME" },
	{ O_CUTOFF, "cutoff", 0, "X", "write only rows whose mean is at most X" },
	{ O_IP, "ip", 0, "EXPR", "the IP address (default .ip)" },
	{ O_IPS, "ips", 0, NULL, "also write the distinct addresses of each row or prefix" },
	{ O_MISSES, "misses", 0, NULL, "also write the table rows that matched nothing" },
	{ O_PREFIX_LEN, "prefix-len", 0, "LEN[,LEN6]", "group by prefixes of LEN bits (IPv6: LEN6, default 64)" },
	{ O_SCOPE, "scope", 0, "EXPR", "match a record only to table rows of the same scope" },
	{ O_SCORE, "score", 0, "EXPR", "aggregate this score per table row or prefix" },
	{ O_TABLE, "table", 'T', "FILE", "a table of CIDRs, ranges or a MaxMind DB (repeatable)" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: cidrscore -T table [--all] [--as name] [option ...] [file ...]\n"
	"       cidrscore -T table --score expr [option ...] [file ...]\n"
	"       cidrscore --prefix-len len[,len6] [--score expr] [option ...] [file ...]\n"
	"       cidrscore --merge [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_SHARD | CLI_MERGE | CLI_MISSING | CLI_OUTPUT,
	option,
};

static const char *ipexpr = ".ip";
static const char *scopeexpr, *scoreexpr, *asname;
static const char **tables;
static size_t ntables;
static int allflag, ipsflag, missesflag, cutoffset;
static double cutoff;
static int plen4 = -1, plen6 = -1;
static enum mode mode;

static struct fieldset *fs;
static const struct fields *fv;	/* the record being handled's (lib/loop.h) */
static int fip = -1, fscope = -1, fscore = -1;

static struct iptable *table;
static size_t nrows;
static uint64_t *rowattr;	/* per row: where its attribute text starts in arena (shared) */
static uint32_t *rowattrlen;
static struct ip *rowlo, *rowhi;	/* aggregate modes only */
static int *rowbits;
static struct buf arena;	/* attribute, key and scope texts */
static struct dtab *scopes;	/* scope digest -> uint32 scope number */
static uint32_t nscopes;

static struct agg *aggs;	/* per row (-s) or per group (-p, -M) */
static size_t naggs, aggcap;
static struct group *groups;
static struct gindex *groupix;	/* the groups, numbered as aggs */
static struct dtab *pairset;	/* distinct (id, address) */
static struct pair *pairs;
static size_t npairs, paircap;

static struct buf scratch, tmp, keybuf, asprefix;
static struct digest null_digest;
static uint64_t matched, unmatched, other_shards;

static void setup(void);
static void cleanup(void);
static void load_tables(void);
static loop_record_fn annotate;
static loop_record_fn aggregate;
static loop_record_fn merge_record;
static void finish(void);

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	setup();
	load_tables();

	struct input *in = in_open(argv, argc);
	int stopped = loop_run(in, fs, mode == M_ANNOTATE ? annotate :
	    mode == M_MERGE ? merge_record : aggregate) < 0;
	in_close(in);
	/* Under --bad=fail, aggregates were not decided before the bad line. */
	if (!stopped)
		finish();

	if (table) {
		cli_stat("table_rows", nrows);
		cli_stat("segments", ipt_segments(table));
		cli_stat("table_bytes", ipt_bytes(table) + arena.cap +
		    nrows * (sizeof(*rowattr) + sizeof(*rowattrlen)));
	}
	if (mode != M_MERGE) {
		cli_stat("matched", matched);
		cli_stat("unmatched", unmatched);
	}
	if (mode == M_PREFIX || mode == M_MERGE)
		cli_stat("groups", naggs);
	if (cli.shard_n)
		cli_stat("other_shards", other_shards);

	cleanup();
	return cli_exit();
}

static void
cleanup(void)
{
	ipt_free(table);
	fs_free(fs);
	dtab_free(scopes);
	gi_free(groupix);
	dtab_free(pairset);
	free(tables);
	free(rowattr);
	free(rowattrlen);
	free(rowlo);
	free(rowhi);
	free(rowbits);
	free(aggs);
	free(groups);
	free(pairs);
	buf_free(&arena);
	buf_free(&scratch);
	buf_free(&tmp);
	buf_free(&keybuf);
	buf_free(&asprefix);
}

/* Check the option combinations, choose the mode, compile the expressions. */
static void
setup(void)
{
	if (cli.merge) {
		if (ntables || plen4 >= 0 || scoreexpr || scopeexpr || allflag ||
		    asname || missesflag || cli.shard_n ||
		    strcmp(ipexpr, ".ip") != 0)
			cli_usage("--merge reads aggregate records: it takes only "
			    "--ips, --cutoff, --bad and --stats");
		mode = M_MERGE;
	} else if (plen4 >= 0) {
		if (ntables)
			cli_usage("--prefix-len groups by prefix: it takes no --table");
		if (allflag || asname || missesflag)
			cli_usage("--all, --as and --misses go with a --table");
		mode = M_PREFIX;
	} else if (ntables == 0) {
		cli_usage("a --table (or --prefix-len, or --merge) is needed");
	} else if (scoreexpr) {
		if (allflag || asname)
			cli_usage("--all and --as annotate records; --score aggregates");
		mode = M_TABLE;
	} else {
		if (ipsflag || missesflag || cutoffset)
			cli_usage("--ips, --misses and --cutoff go with --score");
		mode = M_ANNOTATE;
	}
	if (cutoffset && !scoreexpr && mode != M_MERGE)
		cli_usage("--cutoff compares means: it needs --score");
	if (cli.missing != CLI_MISSING_DEFAULT && mode != M_ANNOTATE)
		cli_usage("--missing chooses records to write; --score, --prefix-len and "
		    "--merge aggregate them");
	if (cli_output() != OUT_NDJSON && mode == M_ANNOTATE)
		cli_usage("--output is for --score, --prefix-len and --merge: annotated "
		    "records are written as they are read, with members added");

	null_digest = json_digest("null", 4, &scratch);
	if (mode == M_PREFIX || mode == M_MERGE)
		groupix = gi_new();
	if (mode == M_MERGE)
		return;
	fs = fs_new();
	fip = cli_field(fs, "--ip", ipexpr, FS_FIRST);
	if (scopeexpr)
		fscope = cli_field(fs, "--scope", scopeexpr, FS_FIRST);
	if (scoreexpr)
		fscore = cli_field(fs, "--score", scoreexpr, FS_FIRST);
	if (mode == M_ANNOTATE && (asname || allflag)) {
		const char *name = asname ? asname : "matches";
		buf_addc(&asprefix, ',');
		json_put_string(&asprefix, name, strlen(name));
		buf_addc(&asprefix, ':');
	}
	if (mode == M_PREFIX || ipsflag)
		pairset = dtab_new(0);
}

/* ----- tables ----- */

static uint32_t
scope_of_row(const char *path, const struct ipt_row *row, struct fieldset *tfs)
{
	const struct jval *v;
	int ins;

	if (fs_eval(tfs, row->obj, row->objlen) < 0)
		cli_fatal("%s:%llu: %s", path, (unsigned long long)row->line,
		    fs_error(tfs));
	if ((v = fs_first(tfs, 0)) == NULL)
		cli_fatal("%s:%llu: the scope %s is missing", path,
		    (unsigned long long)row->line, scopeexpr);
	uint32_t *id = dtab_put(scopes, json_digest(v->text, v->len, &scratch),
	    &ins);
	if (ins)
		*id = nscopes++;
	return *id;
}

static void
load_tables(void)
{
	struct fieldset *tfs = NULL;
	struct dtab *interned;	/* attribute text digest -> offset in arena */
	size_t cap = 0;
	char err[1024];

	if (mode == M_MERGE || mode == M_PREFIX)
		return;
	table = ipt_new();
	interned = dtab_new(sizeof(uint64_t));
	if (scopeexpr) {
		scopes = dtab_new(sizeof(uint32_t));
		tfs = fs_new();
		if (fs_add(tfs, scopeexpr, FS_FIRST, err, sizeof(err)) < 0)
			cli_usage("--scope %s: %s", scopeexpr, err);
	}
	for (size_t t = 0; t < ntables; t++) {
		struct ipt_reader *r = iptr_open(tables[t], tfs ? IPTR_OBJ : 0,
		    err, sizeof(err));
		struct ipt_row row;
		int st;

		if (r == NULL)
			cli_fatal("%s", err);
		while ((st = iptr_next(r, &row, err, sizeof(err))) > 0) {
			uint32_t scope =
			    tfs ? scope_of_row(tables[t], &row, tfs) : 0;
			if (nrows >= IPT_NONE - 2)
				cli_fatal("%s: too many table rows", tables[t]);
			if (nrows == cap) {
				cap = cap ? 2 * cap : 4096;
				rowattr = xreallocarray(rowattr, cap,
				    sizeof(*rowattr));
				rowattrlen = xreallocarray(rowattrlen, cap,
				    sizeof(*rowattrlen));
				if (mode == M_TABLE) {
					rowlo = xreallocarray(rowlo, cap,
					    sizeof(*rowlo));
					rowhi = xreallocarray(rowhi, cap,
					    sizeof(*rowhi));
					rowbits = xreallocarray(rowbits, cap,
					    sizeof(*rowbits));
				}
			}
			if (row.attrslen > UINT32_MAX)
				cli_fatal("%s:%llu: row too long", tables[t],
				    (unsigned long long)row.line);
			/*
			 * Rows share attribute texts (412k ASN rows name 84k
			 * ASNs): keeping each text once makes the arena a
			 * quarter of the size, and annotating, which copies a
			 * random row's text per record, misses the cache less.
			 */
			int ins;
			uint64_t *off = dtab_put(interned,
			    digest128(row.attrs, row.attrslen), &ins);
			if (ins) {
				*off = arena.len;
				buf_add(&arena, row.attrs, row.attrslen);
			}
			rowattr[nrows] = *off;
			rowattrlen[nrows] = (uint32_t)row.attrslen;
			if (mode == M_TABLE) {
				rowlo[nrows] = row.lo;
				rowhi[nrows] = row.hi;
				rowbits[nrows] = row.bits;
			}
			ipt_add(table, (uint32_t)nrows, scope, row.lo, row.hi);
			nrows++;
		}
		if (st < 0)
			cli_fatal("%s", err);
		iptr_close(r);
	}
	fs_free(tfs);
	dtab_free(interned);
	ipt_build(table, mode == M_TABLE || allflag ? IPT_ALL : 0);
	if (mode == M_TABLE) {
		naggs = aggcap = nrows;
		aggs = xcalloc(nrows ? nrows : 1, sizeof(*aggs));
	}
}

/* ----- per record ----- */

/*
 * The record's address and scope: 1 found, 0 missing (counted), -1 bad
 * (already reported: the caller returns cli_bad's verdict through *verdict).
 */
static int
address(const struct line *ln, struct ip *a, uint32_t *scope, const struct jval **sv,
    int *verdict)
{
	const struct jval *v;
	const char *s;
	size_t n;
	unsigned char bytes[16];

	*verdict = 0;
	v = fv_first(fv, fip);
	if (v == NULL) {
		cli_missing(fv, fip);
		if (cli.shard_n &&
		    shard_of(null_digest, cli.shard_n) != cli.shard_k) {
			other_shards++;
			return -2;
		}
		return 0;
	}
	if (v->type == J_STRING && memchr(v->text, '\\', v->len) == NULL) {
		s = v->text + 1;
		n = v->len - 2;
	} else if (v->type == J_STRING) {
		buf_reset(&tmp);
		json_unescape(&tmp, v->text, v->len);
		s = tmp.p;
		n = tmp.len;
	} else {
		s = NULL;
		n = 0;
	}
	if (s == NULL || ip_parse(s, n, a) < 0) {
		buf_reset(&tmp);
		buf_adds(&tmp, "not an IP address: ");
		buf_add(&tmp, v->text, v->len > 200 ? 200 : v->len);
		if (v->len > 200)
			buf_adds(&tmp, "...");
		*verdict = cli_bad(ln, tmp.p);
		return -1;
	}
	if (cli.shard_n) {
		ip_bytes(*a, bytes);
		if (shard_of(digest128(bytes, sizeof(bytes)),
		    cli.shard_n) != cli.shard_k) {
			other_shards++;
			return -2;
		}
	}
	*scope = 0;
	if (sv)
		*sv = NULL;
	if (scopeexpr) {
		const struct jval *g = fv_first(fv, fscope);
		if (g == NULL) {
			cli_missing(fv, fscope);
			return 0;
		}
		if (sv)
			*sv = g;
		if (mode != M_PREFIX) {
			uint32_t *id = dtab_get(scopes,
			    json_digest(g->text, g->len, &scratch));
			/* A scope no table row has matches nothing. */
			*scope = id ? *id : UINT32_MAX;
		}
	}
	return 1;
}

static void
put_attrs(uint32_t row)
{
	buf_add(&outbuf, arena.p + rowattr[row], rowattrlen[row]);
}

static int
annotate(const struct line *ln, const struct fields *f)
{
	struct ip a;
	uint32_t scope, row;
	int verdict, st;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	st = address(ln, &a, &scope, NULL, &verdict);
	if (st == -1)
		return verdict;
	if (st == -2)
		return 0;
	if (st == 0) {
		/* No address (or scope): passed through unless --missing drop. */
		if (cli.missing != CLI_MISSING_DROP)
			out_line(ln->p, ln->len);
		return 0;
	}
	const uint32_t *rows = &row;
	size_t n;
	if (allflag) {
		n = ipt_find_all(table, scope, a, &rows);
	} else {
		row = ipt_find(table, scope, a);
		n = row != IPT_NONE;
	}
	if (n == 0) {
		unmatched++;
		out_line(ln->p, ln->len);
		return 0;
	}
	int empty;
	size_t off = json_object_end(ln->p, ln->len, &empty);
	if (off == (size_t)-1)
		return cli_bad(ln,
		    "not a JSON object: cannot add the attributes");
	matched++;
	buf_add(&outbuf, ln->p, off);
	if (asprefix.len) {
		buf_add(&outbuf, asprefix.p + empty, asprefix.len - empty);
		if (allflag)
			buf_addc(&outbuf, '[');
		for (size_t i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&outbuf, ',');
			buf_addc(&outbuf, '{');
			put_attrs(rows[i]);
			buf_addc(&outbuf, '}');
		}
		if (allflag)
			buf_addc(&outbuf, ']');
	} else if (rowattrlen[row] > 0) {
		if (!empty)
			buf_addc(&outbuf, ',');
		put_attrs(row);
	}
	buf_add(&outbuf, ln->p + off, ln->len - off);
	out_end();
	return 0;
}

/* ----- exact sums ----- */

static const i128 I128_MAX = (i128)(((u128)1 << 127) - 1);

/*
 * A JSON number text as an exact count of 1e-18 units: 0, or -1 when it
 * has finer digits or is too large (the sum then falls back to doubles).
 */
static int
dec_parse(const char *s, size_t n, i128 *out)
{
	size_t i = 0;
	int neg = 0, exp10 = 0, frac = 0, sig = 0, dropped = 0;
	i128 m = 0;

	if (i < n && s[i] == '-') {
		neg = 1;
		i++;
	}
	for (int part = 0; part < 2; part++) {
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			int d = s[i++] - '0';
			if (sig < 37) {
				if (m || d)
					sig++;
				m = m * 10 + d;
				frac += part;
			} else if (part == 0) {
				return -1;	/* too large */
			} else if (d) {
				dropped = 1;
			}
		}
		if (part == 0 && i < n && s[i] == '.')
			i++;
		else
			break;
	}
	if (dropped)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0, e = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (e < 10000)
				e = e * 10 + (s[i] - '0');
			i++;
		}
		exp10 = eneg ? -e : e;
	}
	if (i != n)
		return -1;
	int shift = SCALE_DIGITS - frac + exp10;
	if (m == 0) {
		*out = 0;
		return 0;
	}
	for (; shift > 0; shift--) {
		if (m > I128_MAX / 10)
			return -1;
		m *= 10;
	}
	for (; shift < 0; shift++) {
		if (m % 10)
			return -1;
		m /= 10;
	}
	*out = neg ? -m : m;
	return 0;
}

/* Append an exact sum as a JSON number. */
static void
put_dec(struct buf *out, i128 v)
{
	char d[64], *p = d + sizeof(d);
	u128 u = v < 0 ? -(u128)v : (u128)v;
	u128 ip = u / 1000000000000000000ULL;
	uint64_t fp = (uint64_t)(u % 1000000000000000000ULL);

	do {
		*--p = (char)('0' + (int)(ip % 10));
		ip /= 10;
	} while (ip);
	if (v < 0)
		*--p = '-';
	buf_add(out, p, (size_t)(d + sizeof(d) - p));
	if (fp) {
		char f[SCALE_DIGITS + 1];
		int k = SCALE_DIGITS;
		for (int j = SCALE_DIGITS - 1; j >= 0; j--) {
			f[j] = (char)('0' + fp % 10);
			fp /= 10;
		}
		while (k > 0 && f[k - 1] == '0')
			k--;
		buf_addc(out, '.');
		buf_add(out, f, (size_t)k);
	}
}

static double
agg_sum(const struct agg *g)
{
	if (g->inexact)
		return g->dsum;
	buf_reset(&scratch);
	put_dec(&scratch, g->sum);
	return strtod(scratch.p, NULL);
}

/*
 * The value as an exact decimal: an integer as written (integer sums are
 * exact, as trawl(7) promises, even past 2^53), other text when short
 * enough to be the shortest form of its double (15 significant digits
 * always are), else that shortest form.
 */
static int
score_dec(const struct jval *v, i128 *out)
{
	int sig = 0, lead = 1, integer = 1;

	for (size_t i = 0; i < v->len; i++) {
		char ch = v->text[i];
		if (ch == 'e' || ch == 'E' || ch == '.')
			integer = 0;
		if (ch == 'e' || ch == 'E')
			break;
		if (ch >= '1' && ch <= '9')
			lead = 0;
		if (ch >= '0' && ch <= '9' && !lead)
			sig++;
	}
	if (sig <= 15 || integer)
		return dec_parse(v->text, v->len, out);
	buf_reset(&tmp);
	json_put_double(&tmp, v->num);
	return dec_parse(tmp.p, tmp.len, out);
}

static void
agg_add_sum(struct agg *g, i128 d, int exact, double num)
{
	i128 sum;

	/* The builtin stores the wrapped result even when it overflows, so
	 * add into a temporary: the exact sum must survive for the switch
	 * to a double below. */
	if (!g->inexact && exact && !__builtin_add_overflow(g->sum, d, &sum)) {
		g->sum = sum;
		return;
	}
	if (!g->inexact) {
		g->dsum = agg_sum(g);
		g->inexact = 1;
	}
	g->dsum += num;
}

static void
agg_add(struct agg *g, const struct jval *score, i128 d, int exact)
{
	g->count++;
	if (score == NULL)
		return;
	if (!g->scored || score->num < g->min)
		g->min = score->num;
	if (!g->scored || score->num > g->max)
		g->max = score->num;
	g->scored = 1;
	agg_add_sum(g, d, exact, score->num);
}

/* Count a distinct (id, address) pair; 1 when new. */
static int
pair_add(uint32_t id, struct ip a)
{
	unsigned char k[20];
	int ins;

	memcpy(k, &id, 4);
	ip_bytes(a, k + 4);
	dtab_put(pairset, digest128(k, sizeof(k)), &ins);
	if (ins && (ipsflag || mode == M_MERGE)) {
		if (npairs == paircap) {
			paircap = paircap ? 2 * paircap : 1024;
			pairs = xreallocarray(pairs, paircap, sizeof(*pairs));
		}
		pairs[npairs].id = id;
		pairs[npairs].ip = a;
		npairs++;
	}
	return ins;
}

static uint32_t
new_agg(void)
{
	if (naggs == aggcap) {
		aggcap = aggcap ? 2 * aggcap : 1024;
		aggs = xreallocarray(aggs, aggcap, sizeof(*aggs));
		groups = xreallocarray(groups, aggcap, sizeof(*groups));
	}
	memset(&aggs[naggs], 0, sizeof(aggs[0]));
	return (uint32_t)naggs++;
}

/* A new group of key text (members without braces) and range lo..hi. */
static uint32_t
group_new(struct digest d, const char *text, size_t len, struct ip lo,
    struct ip hi)
{
	uint32_t g;

	if (gi_put(groupix, d, text, len, &g) < 0)
		cli_fatal("more than %lu groups", (unsigned long)GI_MAX);
	/* Only groups make aggregates in -p and -M: the numbers agree. */
	new_agg();
	groups[g].lo = lo;
	groups[g].hi = hi;
	return g;
}

/* The -p group of a record: its prefix and scope. */
static uint32_t
prefix_group(struct ip a, const struct jval *sv)
{
	unsigned bits = ip_is_v4(a) ? IP_V4_BITS + (unsigned)plen4 : (unsigned)plen6;
	struct ip net = ip_first(a, bits);
	unsigned char k[16 + 16];
	struct digest sd = sv ? json_digest(sv->text, sv->len,
	    &scratch) : null_digest;
	uint32_t g;

	ip_bytes(net, k);
	memcpy(k + 16, &sd, 16);
	struct digest d = digest128(k, sizeof(k));
	/* The key's text is made only for a new group. */
	if (gi_get(groupix, d, &g))
		return g;
	buf_reset(&tmp);
	buf_adds(&tmp, "\"cidr\":\"");
	ip_put_prefix(&tmp, net, bits);
	buf_addc(&tmp, '"');
	if (sv) {
		buf_adds(&tmp, ",\"scope\":");
		buf_add(&tmp, sv->text, sv->len);
	}
	return group_new(d, tmp.p, tmp.len, net, ip_last(net, bits));
}

static int
aggregate(const struct line *ln, const struct fields *f)
{
	struct ip a;
	uint32_t scope;
	const struct jval *sv, *score = NULL;
	int verdict, st, exact = 0;
	i128 d = 0;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	st = address(ln, &a, &scope, &sv, &verdict);
	if (st == -1)
		return verdict;
	if (st <= 0)
		return 0;
	if (scoreexpr) {
		score = fv_first(fv, fscore);
		if (score == NULL) {
			cli_missing(fv, fscore);
			return 0;
		}
		if (score->type != J_NUMBER) {
			buf_reset(&tmp);
			buf_adds(&tmp, "score is not a number: ");
			buf_add(&tmp, score->text,
			    score->len > 200 ? 200 : score->len);
			return cli_bad(ln, tmp.p);
		}
		exact = score_dec(score, &d) == 0;
	}
	if (mode == M_PREFIX) {
		uint32_t g = prefix_group(a, sv);
		agg_add(&aggs[g], score, d, exact);
		if (pair_add(g, a))
			aggs[g].distinct++;
		matched++;
		return 0;
	}
	const uint32_t *rows;
	size_t n = ipt_find_all(table, scope, a, &rows);
	if (n == 0) {
		unmatched++;
		return 0;
	}
	matched++;
	for (size_t i = 0; i < n; i++) {
		agg_add(&aggs[rows[i]], score, d, exact);
		if (ipsflag && pair_add(rows[i], a))
			aggs[rows[i]].distinct++;
	}
	return 0;
}

/* ----- --merge ----- */

static int
merge_bad(const struct line *ln, const char *what)
{
	buf_reset(&tmp);
	buf_adds(&tmp, "not a cidrscore aggregate record: ");
	buf_adds(&tmp, what);
	return cli_bad(ln, tmp.p);
}

static int
u64_text(const struct jval *v, uint64_t *out)
{
	uint64_t x = 0;

	if (v->type != J_NUMBER || v->len == 0)
		return -1;
	for (size_t i = 0; i < v->len; i++) {
		if (v->text[i] < '0' || v->text[i] > '9' ||
		    x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(v->text[i] - '0');
	}
	*out = x;
	return 0;
}

static int
jstr(const struct jval *v, struct buf *b)
{
	if (v->type != J_STRING)
		return -1;
	buf_reset(b);
	json_unescape(b, v->text, v->len);
	return 0;
}

/* The members of a cidrscore output line that --merge reads. */
struct mline {
	struct jval count, sum, min, max, distinct, ips, cidr, start, end;
};

/*
 * Read a line's members into m and its group's members (every member but
 * the aggregates: the range, the scope and the table's attributes) into
 * keybuf.  0, or -1 when the line is not an object.
 */
static int
merge_members(const struct line *ln, struct mline *m)
{
	size_t pos = 0;
	struct jval k, v;
	int st;

	memset(m, 0, sizeof(*m));
	buf_reset(&keybuf);
	while ((st = jmember_next(ln->p, ln->len, &pos, &k, &v)) > 0) {
		struct jval *slot = NULL;
#define KEY(s) (k.len == sizeof(s) + 1 && memcmp(k.text + 1, s, sizeof(s) - 1) == 0)
		if (KEY("count"))
			slot = &m->count;
		else if (KEY("sum"))
			slot = &m->sum;
		else if (KEY("min"))
			slot = &m->min;
		else if (KEY("max"))
			slot = &m->max;
		else if (KEY("mean"))
			continue;
		else if (KEY("distinct"))
			slot = &m->distinct;
		else if (KEY("ips"))
			slot = &m->ips;
		if (slot) {
			*slot = v;
			continue;
		}
		if (KEY("cidr"))
			m->cidr = v;
		else if (KEY("start"))
			m->start = v;
		else if (KEY("end"))
			m->end = v;
#undef KEY
		if (keybuf.len)
			buf_addc(&keybuf, ',');
		buf_add(&keybuf, k.text, k.len);
		buf_addc(&keybuf, ':');
		buf_add(&keybuf, v.text, v.len);
	}
	return st < 0 ? -1 : 0;
}

/* The line's range, from "cidr" or "start" and "end": NULL, or why not. */
static const char *
merge_range(const struct mline *m, struct ip *lo, struct ip *hi)
{
	if (m->cidr.text) {
		unsigned bits;
		if (jstr(&m->cidr, &tmp) < 0 ||
		    ip_prefix_parse(tmp.p, tmp.len, lo, &bits) < 0)
			return "bad cidr";
		*hi = ip_last(*lo, bits);
	} else if (m->start.text && m->end.text) {
		if (jstr(&m->start, &tmp) < 0 ||
		    ip_parse(tmp.p, tmp.len, lo) < 0 ||
		    jstr(&m->end, &tmp) < 0 || ip_parse(tmp.p, tmp.len, hi) < 0)
			return "bad start or end";
	} else {
		return "no cidr or start and end";
	}
	return NULL;
}

/* The group of the line whose members are in keybuf, made if new. */
static uint32_t
merge_group(struct ip lo, struct ip hi)
{
	uint32_t g;

	buf_reset(&tmp);
	buf_addc(&tmp, '{');
	buf_add(&tmp, keybuf.p, keybuf.len);
	buf_addc(&tmp, '}');
	struct digest gd = json_digest(tmp.p, tmp.len, &scratch);
	if (gi_get(groupix, gd, &g))
		return g;
	return group_new(gd, keybuf.p, keybuf.len, lo, hi);
}

/* Add a line's sum, min and max to its group. */
static void
merge_scores(struct agg *a, const struct mline *m)
{
	i128 dv = 0;
	int exact = dec_parse(m->sum.text, m->sum.len, &dv) == 0;

	agg_add_sum(a, dv, exact, m->sum.num);
	int have = a->scored == 1;
	if (m->min.type == J_NUMBER && (!have || m->min.num < a->min))
		a->min = m->min.num;
	if (m->max.type == J_NUMBER && (!have || m->max.num > a->max))
		a->max = m->max.num;
	if (m->min.type == J_NUMBER)
		a->scored = 1;
	else if (!a->scored)
		a->scored = 2;	/* sums but no value yet: min and max null */
}

/* The union of the groups' address lists gives the distinct count.
 * NULL, or why the list is bad. */
static const char *
merge_ips(uint32_t g, struct agg *a, const struct jval *ips)
{
	const char *p = ips->text + 1, *e = ips->text + ips->len - 1;

	a->has_ips = 1;
	for (;;) {
		while (p < e &&
		    (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n' ||
		    *p == '\r'))
			p++;
		if (p >= e)
			break;
		size_t n = json_skip(p, (size_t)(e - p));
		struct jval sv = { J_STRING, p, n, 0 };
		struct ip addr;
		if (n == 0 || *p != '"' || jstr(&sv, &tmp) < 0 ||
		    ip_parse(tmp.p, tmp.len, &addr) < 0)
			return "bad address in ips";
		if (pairset == NULL)
			pairset = dtab_new(0);
		if (pair_add(g, addr))
			a->distinct++;
		p += n;
	}
	return NULL;
}

/* A line of cidrscore's own output, read by --merge. */
static int
merge_record(const struct line *ln, const struct fields *unused)
{
	const char *msg;
	size_t where;
	struct mline m;
	struct ip lo, hi;
	uint64_t cnt, dist = 0;

	(void)unused;
	if (json_validate(ln->p, ln->len, &msg, &where) < 0)
		return cli_bad(ln, msg);
	if (merge_members(ln, &m) < 0)
		return merge_bad(ln, "not an object");
	if (m.count.text == NULL || u64_text(&m.count, &cnt) < 0)
		return merge_bad(ln, "no count");
	if ((msg = merge_range(&m, &lo, &hi)) != NULL)
		return merge_bad(ln, msg);
	if (m.distinct.text && u64_text(&m.distinct, &dist) < 0)
		return merge_bad(ln, "bad distinct");
	if (m.sum.text && m.sum.type != J_NUMBER)
		return merge_bad(ln, "bad sum");
	if ((m.min.text && m.min.type != J_NUMBER && m.min.type != J_NULL) ||
	    (m.max.text && m.max.type != J_NUMBER && m.max.type != J_NULL))
		return merge_bad(ln, "bad min or max");
	if (m.ips.text && m.ips.type != J_ARRAY)
		return merge_bad(ln, "bad ips");

	uint32_t g = merge_group(lo, hi);
	struct agg *a = &aggs[g];
	a->count += cnt;
	if (m.sum.text)
		merge_scores(a, &m);
	if (m.distinct.text) {
		a->has_distinct = 1;
		if (!m.ips.text)
			a->distinct += dist;
	} else if (!m.ips.text) {
		a->lacks_distinct = 1;
	}
	if (!m.ips.text)
		a->lacks_ips = 1;
	if (m.ips.text && (msg = merge_ips(g, a, &m.ips)) != NULL)
		return merge_bad(ln, msg);
	return 0;
}

/* ----- output ----- */

static int
outrow_order(const void *x, const void *y)
{
	const struct outrow *a = x, *b = y;
	int c = ip_cmp(a->lo, b->lo);

	if (c)
		return c;
	c = ip_cmp(b->hi, a->hi);	/* the wider range first */
	if (c)
		return c;
	/* Then the rest of the key in jq's order, as --merge sorts too. */
	buf_reset(&tmp);
	buf_addc(&tmp, '{');
	buf_add(&tmp, a->key, a->keylen);
	buf_addc(&tmp, '}');
	size_t alen = tmp.len;
	buf_addc(&tmp, '{');
	buf_add(&tmp, b->key, b->keylen);
	buf_addc(&tmp, '}');
	c = json_cmp(tmp.p, alen, tmp.p + alen, tmp.len - alen);
	if (c)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
pair_order(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return ip_cmp(a->ip, b->ip);
}

/* Under --merge, the aggregates a group writes: every member its parts
 * have (so without --ips again); otherwise those of the options. */
static void
merged_shape(const struct agg *g, int *scored, int *withdistinct, int *withips)
{
	if (mode != M_MERGE)
		return;
	*scored = g->scored != 0;
	*withdistinct = (g->has_distinct || g->has_ips) && !g->lacks_distinct;
	*withips = g->has_ips && !g->lacks_ips;
}

/* Add name to the NUL-separated list names unless it is there. */
static void
name_add(struct buf *names, const char *name, size_t n)
{
	for (size_t i = 0; i < names->len; i += strlen(names->p + i) + 1)
		if (strlen(names->p + i) == n &&
		    memcmp(names->p + i, name, n) == 0)
			return;
	buf_add(names, name, n);
	buf_addc(names, '\0');
}

/*
 * --output tsv|csv: the header holds every member some record has.
 * Records differ: a CIDR row has "cidr", a range "start" and "end", rows
 * and merged groups their own attributes, merged groups only the
 * aggregates their parts carried.  The range comes first, then the
 * attributes in order of appearance, then the aggregates.
 */
static void
table_columns(const struct outrow *o, size_t no, int scored, int withdistinct, int withips)
{
	static const char *const range[] = { "cidr", "start", "end" };
	static const char *const aggnames[] = { "count", "sum", "min", "mean", "max",
		"distinct", "ips" };
	struct buf names = { 0 }, obj = { 0 }, name = { 0 };
	int anyrange[3] = { 0 }, anyagg[7] = { 1, 0, 0, 0, 0, 0, 0 };
	struct jval k, v;
	size_t pos;

	for (size_t r = 0; r < no; r++) {
		merged_shape(&aggs[o[r].id], &scored, &withdistinct, &withips);
		for (size_t i = 1; i <= 4; i++)
			anyagg[i] |= scored;
		anyagg[5] |= withdistinct;
		anyagg[6] |= withips;
		buf_reset(&obj);
		buf_addc(&obj, '{');
		buf_add(&obj, o[r].key, o[r].keylen);
		buf_addc(&obj, '}');
		for (pos = 0; jmember_next(obj.p, obj.len, &pos, &k, &v) > 0;) {
			size_t i;

			buf_reset(&name);
			json_unescape(&name, k.text, k.len);
			for (i = 0; i < LEN(range) && strcmp(name.p, range[i]) != 0; i++)
				;
			if (i < LEN(range))
				anyrange[i] = 1;
			else
				name_add(&names, name.p, name.len);
		}
	}
	for (size_t i = 0; i < LEN(range); i++)
		if (anyrange[i])
			cli_output_column(range[i]);
	for (size_t i = 0; i < names.len; i += strlen(names.p + i) + 1)
		cli_output_column(names.p + i);
	for (size_t i = 0; i < LEN(aggnames); i++)
		if (anyagg[i])
			cli_output_column(aggnames[i]);
	buf_free(&names);
	buf_free(&obj);
	buf_free(&name);
}

/* The key of --table row i in arena (o's keyoff and keylen): the row's
 * range, normalised, then its attributes. */
static void
table_row_key(size_t i, struct outrow *o)
{
	o->keyoff = arena.len;
	if (rowbits[i] >= 0) {
		buf_adds(&arena, "\"cidr\":\"");
		ip_put_prefix(&arena, rowlo[i], (unsigned)rowbits[i]);
		buf_addc(&arena, '"');
	} else {
		buf_adds(&arena, "\"start\":\"");
		ip_put(&arena, rowlo[i]);
		buf_adds(&arena, "\",\"end\":\"");
		ip_put(&arena, rowhi[i]);
		buf_addc(&arena, '"');
	}
	if (rowattrlen[i]) {
		buf_addc(&arena, ',');
		/* arena may have moved: copy through the offset */
		size_t off = rowattr[i];
		buf_reserve(&arena, rowattrlen[i]);
		buf_add(&arena, arena.p + off, rowattrlen[i]);
	}
	o->keylen = arena.len - o->keyoff;
}

static void
finish(void)
{
	struct outrow *o;
	size_t no = 0;
	size_t *pstart = NULL;

	if (mode == M_ANNOTATE)
		return;
	o = xreallocarray(NULL, naggs ? naggs : 1, sizeof(*o));
	for (size_t i = 0; i < naggs; i++) {
		struct agg *g = &aggs[i];
		/* Under -M a zero-count row can only come from an -m part: the
		 * user asked for misses there, so keep them. */
		if (g->count == 0 && !missesflag && !cli.merge)
			continue;
		if (cutoffset && g->count > 0) {
			if (!g->scored)
				continue;
			if (agg_sum(g) / (double)g->count > cutoff)
				continue;
		}
		o[no].id = (uint32_t)i;
		if (mode == M_TABLE) {
			o[no].lo = rowlo[i];
			o[no].hi = rowhi[i];
			table_row_key(i, &o[no]);
		} else {
			o[no].lo = groups[i].lo;
			o[no].hi = groups[i].hi;
			o[no].key = gi_text(groupix, (uint32_t)i,
			    &o[no].keylen);
		}
		no++;
	}
	for (size_t r = 0; mode == M_TABLE && r < no; r++)
		o[r].key = arena.p + o[r].keyoff;
	qsort(o, no, sizeof(*o), outrow_order);
	if (npairs) {
		qsort(pairs, npairs, sizeof(*pairs), pair_order);
		pstart = xcalloc(naggs + 1, sizeof(*pstart));
		for (size_t i = 0; i < npairs; i++)
			pstart[pairs[i].id + 1]++;
		for (size_t i = 0; i < naggs; i++)
			pstart[i + 1] += pstart[i];
	}
	int scored = scoreexpr != NULL;
	int withdistinct = mode == M_PREFIX || (mode == M_TABLE && ipsflag);
	int withips = ipsflag;
	if (cli_output() != OUT_NDJSON)
		table_columns(o, no, scored, withdistinct, withips);
	for (size_t r = 0; r < no; r++) {
		struct agg *g = &aggs[o[r].id];
		merged_shape(g, &scored, &withdistinct, &withips);
		buf_addc(&outbuf, '{');
		buf_add(&outbuf, o[r].key, o[r].keylen);
		buf_adds(&outbuf, ",\"count\":");
		json_put_u64(&outbuf, g->count);
		if (scored) {
			buf_adds(&outbuf, ",\"sum\":");
			if (g->inexact)
				json_put_double(&outbuf, g->dsum);
			else
				put_dec(&outbuf, g->sum);
			if (g->count > 0 && g->scored == 1) {
				buf_adds(&outbuf, ",\"min\":");
				json_put_double(&outbuf, g->min);
				buf_adds(&outbuf, ",\"mean\":");
				json_put_double(&outbuf,
				    agg_sum(g) / (double)g->count);
				buf_adds(&outbuf, ",\"max\":");
				json_put_double(&outbuf, g->max);
			} else {
				buf_adds(&outbuf,
				    ",\"min\":null,\"mean\":null,\"max\":null");
			}
		}
		if (withdistinct) {
			buf_adds(&outbuf, ",\"distinct\":");
			json_put_u64(&outbuf, g->distinct);
		}
		if (withips) {
			buf_adds(&outbuf, ",\"ips\":[");
			size_t b = pstart ? pstart[o[r].id] : 0, e = pstart ? pstart[o[r].id + 1] : 0;
			for (size_t i = b; i < e; i++) {
				if (i > b)
					buf_addc(&outbuf, ',');
				buf_addc(&outbuf, '"');
				ip_put(&outbuf, pairs[i].ip);
				buf_addc(&outbuf, '"');
			}
			buf_addc(&outbuf, ']');
		}
		buf_addc(&outbuf, '}');
		out_end();
	}
	free(pstart);
	free(o);
}

static void
option(int id, const char *arg)
{
	switch (id) {
	case O_ALL:
		allflag = 1;
		break;
	case O_AS:
		asname = arg;
		break;
	case O_CUTOFF:
		cutoff = cli_arg_number(arg);
		cutoffset = 1;
		break;
	case O_IP:
		ipexpr = arg;
		break;
	case O_IPS:
		ipsflag = 1;
		break;
	case O_MISSES:
		missesflag = 1;
		break;
	case O_PREFIX_LEN: {
		char *end;
		long a = strtol(arg, &end, 10), b = 64;
		if (end == arg || *arg < '0' || *arg > '9')
			a = -1;
		if (*end == ',') {
			const char *q = end + 1;
			b = strtol(q, &end, 10);
			if (end == q || *q < '0' || *q > '9')
				b = -1;
		}
		if (*end != '\0' || a < 0 || a > 32 || b < 0 || b > 128)
			cli_arg_error("expected an IPv4 length 0-32 and optionally "
			    ",IPv6 length 0-128", arg);
		plen4 = (int)a;
		plen6 = (int)b;
		break;
	}
	case O_SCOPE:
		scopeexpr = arg;
		break;
	case O_SCORE:
		scoreexpr = arg;
		break;
	case O_TABLE:
		tables = xreallocarray(tables, ntables + 1, sizeof(*tables));
		tables[ntables++] = arg;
		break;
	}
}
