/*
 * actorsig: Wikimedia actor signatures and automated-traffic labels
 * (actorsig(1), which cites the refinery code it follows).
 *
 * Two uses over webrequest-like records:
 *   annotate (default): splice actor_signature,
 *     actor_signature_per_project_family, project_family and, where the
 *     record has none, the refinery's spider agent_type before each
 *     record's closing brace; with --apply, relabel the requests of actors
 *     labelled automated in the same hour, and --drop what is unwanted;
 *   --metrics: the refinery's hourly metrics, rolled up over the 24 hours
 *     ending with each hour, and the label of every actor and request kind.
 *
 * Memory: annotate holds nothing per record (--apply holds the automated
 * labels).  --metrics holds one row per actor, request kind and hour for
 * the 24 hours of the window plus the two open hours, and the distinct
 * page titles of the open hours; input must be roughly in time order
 * (records of the newest hour seen and the hour before it are accepted,
 * older ones are late: bad records).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/automata.h"
#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/hash.h"
#include "../lib/input.h"
#include "../lib/jmember.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/md5.h"
#include "../lib/ts.h"

#define HOUR (INT64_C(3600))
#define WINDOW 24			/* hours in a rollup */

enum { F_IP, F_UA, F_AL, F_HOST, F_QUERY, F_XA, F_AGENT, F_DT, F_PV, F_RD,
    F_TITLE, F_PATH, NF };

static const char *fexpr[NF] = {
	[F_IP] = ".ip", [F_UA] = ".user_agent", [F_AL] = ".accept_language",
	[F_HOST] = ".uri_host", [F_QUERY] = ".uri_query",
	[F_XA] = ".x_analytics", [F_AGENT] = ".agent_type", [F_DT] = ".dt",
	[F_PV] = ".is_pageview", [F_RD] = ".is_redirect_to_pageview",
	[F_TITLE] = ".page_title", [F_PATH] = ".uri_path",
};
static const char *fname[NF] = {
	[F_IP] = "ip", [F_UA] = "user_agent", [F_AL] = "accept_language",
	[F_HOST] = "uri_host", [F_QUERY] = "uri_query",
	[F_XA] = "x_analytics", [F_AGENT] = "agent_type", [F_DT] = "dt",
	[F_PV] = "is_pageview", [F_RD] = "is_redirect_to_pageview",
	[F_TITLE] = "page_title", [F_PATH] = "uri_path",
};

/* "--ip", ...: the options' names for messages (cli_field keeps them). */
static char optname[NF][32];

enum level { L_DOMAIN, L_FAMILY };

/* Options: the field expressions are ids 0 .. NF-1. */
enum { O_ACTIVE = NF, O_APPLY, O_CARRY, O_DROP, O_LENIENT, O_LEVEL, O_METRICS };
static const struct cli_option options[] = {
	{ F_AL, "accept-language", 0, "EXPR", "the Accept-Language (default .accept_language)" },
	{ O_ACTIVE, "active", 0, NULL, "with --metrics, only the actors active in each hour" },
	{ F_AGENT, "agent-type", 0, "EXPR", "the record's own agent type (default .agent_type)" },
	{ O_APPLY, "apply", 0, "LABELS", "relabel automated actors' pageviews by an earlier --metrics" },
	{ O_CARRY, "carry", 'c', "[NAME=]EXPR",
	    "with --metrics, a value of the actor's first request (repeatable)" },
	{ O_DROP, "drop", 0, "TYPE", "drop records of agent type automated or spider (repeatable)" },
	{ F_DT, "dt", 0, "EXPR", "the request time (default .dt)" },
	{ F_IP, "ip", 0, "EXPR", "the client IP address (default .ip)" },
	{ F_PV, "is-pageview", 0, "EXPR", "true for a pageview (default .is_pageview)" },
	{ F_RD, "is-redirect-to-pageview", 0, "EXPR",
	    "true for a redirect to a pageview (default .is_redirect_to_pageview)" },
	{ O_LENIENT, "lenient", 0, NULL, "take a missing Accept-Language as empty" },
	{ O_LEVEL, "level", 0, "LEVEL", "with --metrics, actors per project-family (the default) or domain" },
	{ O_METRICS, "metrics", 0, NULL, "write the hourly labels of actors instead of records" },
	{ F_TITLE, "page-title", 0, "EXPR", "the page title (default .page_title)" },
	{ F_HOST, "uri-host", 0, "EXPR", "the host (default .uri_host)" },
	{ F_PATH, "uri-path", 0, "EXPR", "the path (default .uri_path)" },
	{ F_QUERY, "uri-query", 0, "EXPR", "the query (default .uri_query)" },
	{ F_UA, "user-agent", 0, "EXPR", "the User-Agent (default .user_agent)" },
	{ F_XA, "x-analytics", 0, "EXPR", "the X-Analytics header or object (default .x_analytics)" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: actorsig [--apply labels] [--drop type] [option ...] [file ...]\n"
	"       actorsig --metrics [--active] [--level level] [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_SHARD | CLI_TIME_UNIT | CLI_TIME_FORMAT | CLI_EPOCH |
	    CLI_OUTPUT | CLI_MISSING,
	option,
};

static int metrics, active, lenient, dropauto, dropspider;
static enum level level = L_FAMILY;
static int levelset;
static const char *applypath;

/* --carry columns: with --metrics, the values of each actor's first
 * request in the window (the earliest, to the second; of those the one
 * read first). */
static struct carry {
	char *name;
	const char *expr;
	int field;
} *carry;
static size_t ncarry;
static struct buf carrytext;		/* one record's ,"name":value... */
static uint64_t nrecords;		/* records accumulated: read order */

static struct fieldset *fs;
static const struct fields *fv;	/* the record being handled's (lib/loop.h) */
static int fidx[NF];
static struct am_spider *spider;
static struct buf sbuf[NF];		/* unescaped string values */
static struct buf family, scratch, key;
static struct buf xabuf[2];		/* unescaped x_analytics members */
static uint64_t null_sigs, derived_spiders, relabelled, dropped, filtered,
    other_shards, late;

/* One record's computed values. */
struct rec {
	struct am_text v[NF];		/* string values; p NULL when missing */
	const struct jval *agent;	/* the record's own agent_type, or NULL */
	struct am_text agent_type;		/* the record's or the derived one */
	int derived;			/* agent_type came from the spider pattern */
	int sig_ok, fam_ok;
	unsigned char sig[16], fam[16];
	uint64_t nocookies;
};

/* --apply: (hour, signature) pairs labelled automated. */
static struct dtab *labels;
static enum level labels_level;

/* --metrics: a row of the hourly table, per (signature, request kind). */
struct hrow {
	unsigned char sig[16];
	int64_t first, last;		/* epoch seconds */
	uint64_t count, nocookies;
	uint64_t ualen;
	uint64_t cseq;			/* --carry: read order of the first record */
	size_t coff;			/* --carry: its values in the hour's arena */
	uint32_t clen;
	uint32_t distinct;
	uint8_t kind;			/* 1 pageview, 2 redirect, 3 both */
};
struct crow {
	struct digest k;
	struct hrow r;
};
struct rrow {
	unsigned char sig[16];
	uint8_t kind;
	uint8_t active;			/* has a row in the hour itself */
	struct am_rollup r;
	const struct hrow *carried;	/* the row of the first request */
	const char *carry;		/* its --carry values */
};
/* The two hours still open (the newest and the one before it). */
static struct {
	struct dtab *rows;		/* key digest -> struct hrow */
	struct dtab *titles;		/* digest of key + title: a set */
	struct buf carry;		/* --carry values of the rows */
} openhour[2];
/* The last WINDOW closed hours, by hour modulo WINDOW. */
static struct {
	int64_t hour;
	struct crow *v;
	size_t n, cap;
	struct buf carry;
} ring[WINDOW];
static int started;
static int64_t lo_hour;			/* the older open hour */
static int64_t last_data = INT64_MIN;	/* newest closed hour with rows */
static uint64_t hours_written, peak_rows, peak_bytes;

static void setup(void);
static void cleanup(void);
static loop_record_fn record;
static void load_labels(void);
static void finish_metrics(void);

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	setup();
	if (applypath)
		load_labels();

	struct input *in = in_open(argv, argc);
	int stopped = loop_run(in, fs, record) < 0;
	in_close(in);
	/* Under --bad=fail the hours still open are not complete: they are
	 * not written. */
	if (metrics && !stopped)
		finish_metrics();

	cli_stat("null_signatures", null_sigs);
	if (metrics) {
		cli_stat("filtered", filtered);
		cli_stat("late", late);
		cli_stat("hours", hours_written);
		cli_stat("peak_rows", peak_rows);
		cli_stat("peak_bytes", peak_bytes);
	} else {
		cli_stat("derived_spiders", derived_spiders);
		if (applypath) {
			cli_stat("automated_labels", dtab_count(labels));
			cli_stat("relabelled", relabelled);
		}
		if (dropauto || dropspider)
			cli_stat("dropped", dropped);
	}
	if (cli.shard_n)
		cli_stat("other_shards", other_shards);

	cleanup();
	return cli_exit();
}

static void
cleanup(void)
{
	for (int i = 0; i < 2; i++) {
		dtab_free(openhour[i].rows);
		dtab_free(openhour[i].titles);
		buf_free(&openhour[i].carry);
	}
	for (int i = 0; i < WINDOW; i++) {
		free(ring[i].v);
		buf_free(&ring[i].carry);
	}
	for (size_t i = 0; i < ncarry; i++)
		free(carry[i].name);
	free(carry);
	buf_free(&carrytext);
	dtab_free(labels);
	am_spider_free(spider);
	fs_free(fs);
	for (int i = 0; i < NF; i++)
		buf_free(&sbuf[i]);
	buf_free(&family);
	buf_free(&scratch);
	buf_free(&key);
	buf_free(&xabuf[0]);
	buf_free(&xabuf[1]);
}

/* Check option combinations, compile the expressions and the pattern. */
static void
setup(void)
{
	char err[512];

	if (metrics && (applypath || dropauto || dropspider))
		cli_usage("--apply and --drop work on records; --metrics writes "
		    "labels: choose one");
	if (cli.epoch && !metrics)
		cli_usage("--epoch goes with --metrics (the times it writes)");
	if (active && !metrics)
		cli_usage("--active goes with --metrics");
	if (levelset && !metrics)
		cli_usage("--level goes with --metrics (--apply takes the level "
		    "of its labels)");
	if (ncarry && !metrics)
		cli_usage("--carry goes with --metrics (records pass through whole)");
	if ((cli.given & (CLI_TIME_UNIT | CLI_TIME_FORMAT)) && !metrics &&
	    !applypath)
		cli_usage("--time-unit and --time-format read --dt: they go with --metrics "
		    "and --apply");
	if (cli_output() != OUT_NDJSON && !metrics)
		cli_usage("--output is for --metrics: annotated records are written as "
		    "they are read, with members added");
	if (cli.missing != CLI_MISSING_DEFAULT && metrics)
		cli_usage("--missing chooses records to write; --metrics writes labels");

	for (const struct cli_option *o = options; o->name != NULL; o++)
		if (o->id < NF)
			snprintf(optname[o->id], sizeof(optname[o->id]), "--%s",
			    o->name);
	fs = fs_new();
	for (int i = 0; i < NF; i++) {
		fidx[i] = -1;
		if ((i == F_DT || i == F_PV || i == F_RD) && !metrics &&
		    !applypath)
			continue;
		if ((i == F_TITLE || i == F_PATH) && !metrics)
			continue;
		fidx[i] = cli_field(fs, optname[i], fexpr[i], FS_FIRST);
	}
	for (size_t i = 0; i < ncarry; i++)
		carry[i].field = cli_field(fs, "--carry", carry[i].expr,
		    FS_FIRST);
	if ((spider = am_spider_new(err, sizeof(err))) == NULL)
		cli_fatal("%s", err);
	if (metrics)
		for (int i = 0; i < 2; i++) {
			openhour[i].rows = dtab_new(sizeof(struct hrow));
			openhour[i].titles = dtab_new(0);
		}
}

/*
 * The string value of field i: 1 with *s set (unescaped only when it has
 * escapes), 0 when missing, -1 when it is not a string.
 */
static int
getstr(int i, struct am_text *s)
{
	const struct jval *v;

	s->p = NULL;
	s->n = 0;
	if (fidx[i] < 0 || (v = fv_first(fv, fidx[i])) == NULL)
		return 0;
	if (v->type != J_STRING)
		return -1;
	if (memchr(v->text, '\\', v->len) == NULL) {
		s->p = v->text + 1;
		s->n = v->len - 2;
	} else {
		buf_reset(&sbuf[i]);
		json_unescape(&sbuf[i], v->text, v->len);
		s->p = sbuf[i].p;
		s->n = sbuf[i].len;
	}
	return 1;
}

/* A flag field: true, or a non-zero number. */
static int
getflag(int i)
{
	const struct jval *v;

	if (fidx[i] < 0 || (v = fv_first(fv, fidx[i])) == NULL)
		return 0;
	return v->type == J_TRUE || (v->type == J_NUMBER && v->num != 0);
}

/* nocookies: the integer value of the X-Analytics key, 0 otherwise. */
static uint64_t
nocookies_of(struct am_text v)
{
	uint64_t n = 0;

	if (v.p == NULL || v.n == 0 || v.n > 18)
		return 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
		n = n * 10 + (uint64_t)(v.p[i] - '0');
	}
	return n;
}

/*
 * The X-Analytics values the refinery reads: wmfuuid and nocookies.  The
 * field is the raw header (a string; "-" means no header) or an object.
 * Returns 0, or -1 with *why.
 */
static int
xanalytics(int *has_uuid, struct am_text *uuid, uint64_t *nocookies, const char **why)
{
	const struct jval *v;
	struct am_text hdr, nc;

	*has_uuid = 0;
	*nocookies = 0;
	if ((v = fv_first(fv, fidx[F_XA])) == NULL)
		return 0;
	if (v->type == J_STRING) {
		getstr(F_XA, &hdr);
		if (hdr.n == 1 && hdr.p[0] == '-')
			return 0;
		*has_uuid = am_xa_get(hdr, "wmfuuid", uuid);
		if (metrics && am_xa_get(hdr, "nocookies", &nc))
			*nocookies = nocookies_of(nc);
		return 0;
	}
	if (v->type != J_OBJECT) {
		*why = "x_analytics is neither a string nor an object";
		return -1;
	}
	/* Member values: a string's content, null as SQL NULL, any other
	 * value as its JSON text; the last duplicate wins, as in jq. */
	size_t pos = 0;
	struct jval k, val;
	while (jmember_next(v->text, v->len, &pos, &k, &val) == 1) {
		int isuuid = k.len == 9 &&
		    memcmp(k.text, "\"wmfuuid\"", 9) == 0;
		int isnc = k.len == 11 &&
		    memcmp(k.text, "\"nocookies\"", 11) == 0;
		if (!isuuid && !isnc)
			continue;
		struct am_text s = { val.text, val.len };
		struct buf *b = &xabuf[isuuid];
		if (val.type == J_NULL)
			s.p = NULL, s.n = 0;
		else if (val.type == J_STRING &&
		    memchr(val.text, '\\', val.len)) {
			buf_reset(b);
			json_unescape(b, val.text, val.len);
			s.p = b->p, s.n = b->len;
		} else if (val.type == J_STRING)
			s.p = val.text + 1, s.n = val.len - 2;
		if (isuuid) {
			*has_uuid = 1;
			*uuid = s;
		} else
			*nocookies = nocookies_of(s);
	}
	return 0;
}

/* Evaluate the record's fields and compute its signatures. */
static int
compute(struct rec *r, const char **why)
{
	static const int strs[] = { F_IP, F_UA, F_AL, F_HOST, F_QUERY };
	static char whybuf[128];

	for (size_t i = 0; i < LEN(strs); i++)
		if (getstr(strs[i], &r->v[strs[i]]) < 0) {
			snprintf(whybuf, sizeof(whybuf), "%s is not a string",
			    fname[strs[i]]);
			*why = whybuf;
			return -1;
		}
	r->agent = fidx[F_AGENT] >= 0 ? fv_first(fv, fidx[F_AGENT]) : NULL;
	if (r->agent && r->agent->type != J_STRING) {
		*why = "agent_type is not a string";
		return -1;
	}
	if (r->agent) {
		getstr(F_AGENT, &r->agent_type);
		r->derived = 0;
	} else {
		/* A missing user agent is logged as "-", which isSpider takes
		 * for a spider. */
		struct am_text ua = r->v[F_UA].p ? r->v[F_UA] : (struct am_text){ "-", 1 };
		int sp = am_spider_match(spider, ua);
		r->agent_type = sp ? (struct am_text){ "spider", 6 } : (struct am_text){ "user", 4 };
		r->derived = 1;
	}

	int has_uuid;
	struct am_text uuid = { NULL, 0 }, sfx;
	if (xanalytics(&has_uuid, &uuid, &r->nocookies, why) < 0)
		return -1;

	buf_reset(&family);
	am_project_family(&family, r->v[F_HOST]);

	struct am_text al = r->v[F_AL];
	if (al.p == NULL && lenient)
		al = (struct am_text){ "", 0 };
	r->sig_ok = r->fam_ok = 0;
	if (r->v[F_IP].p == NULL || r->v[F_UA].p == NULL || al.p == NULL) {
		/* Which fields the signature lacked, for "nothing written". */
		if (r->v[F_IP].p == NULL)
			cli_note_missing(fv, fidx[F_IP]);
		if (r->v[F_UA].p == NULL)
			cli_note_missing(fv, fidx[F_UA]);
		if (al.p == NULL)
			cli_note_missing(fv, fidx[F_AL]);
		null_sigs++;
		return 0;
	}
	int lone;
	if (am_suffix(has_uuid, uuid, r->v[F_QUERY], &sfx, &lone) < 0) {
		*why = "uri_query: appInstallID without a value (the refinery's "
		    "signature fails here)";
		return -1;
	}
	am_signatures(r->v[F_IP], r->v[F_UA], al, r->v[F_HOST],
	    (struct am_text){ family.p, family.len }, sfx, lone, r->sig, &r->sig_ok,
	    r->fam);
	r->fam_ok = 1;
	return 0;
}

static void
put_sig(int ok, const unsigned char d[16])
{
	char hex[33];

	if (!ok) {
		buf_adds(&outbuf, "null");
		return;
	}
	md5_hex(d, hex);
	buf_addc(&outbuf, '"');
	buf_add(&outbuf, hex, 32);
	buf_addc(&outbuf, '"');
}

/* The shard of a signature: that of its hex text as a JSON string, the
 * key pingdedup --shard would use on the annotated field; a null
 * signature shards as null, as pingdedup's missing keys do. */
static int
in_shard(const unsigned char d[16])
{
	char hex[35];

	if (!cli.shard_n)
		return 1;
	if (d == NULL)
		return shard_of(json_digest("null", 4, &scratch),
		    cli.shard_n) == cli.shard_k;
	hex[0] = '"';
	md5_hex(d, hex + 1);
	hex[33] = '"';
	return shard_of(json_digest(hex, 34, &scratch),
	    cli.shard_n) == cli.shard_k;
}

/* The hour of the record's dt: 1, 0 when missing, -1 when bad. */
static int
hour_of(int64_t *sec, int64_t *hour, const char **why)
{
	const struct jval *v = fv_first(fv, fidx[F_DT]);
	int64_t ns;
	static struct buf whybuf;
	const char *w;

	if (v == NULL)
		return 0;
	if (ts_from_jval(v, cli.time_unit, cli.time_format, &ns, &w) < 0) {
		buf_reset(&whybuf);
		ts_bad_message(&whybuf, "dt", v, cli.time_unit, w);
		*why = whybuf.p;
		return -1;
	}
	/* unix_timestamp() keeps whole seconds. */
	*sec = ts_floor(ns, NS_PER_SEC, 0) / NS_PER_SEC;
	*hour = ts_floor(*sec, HOUR, 0);
	return 1;
}

static struct digest
label_key(int64_t hour, const unsigned char sig[16])
{
	unsigned char k[24];

	for (int i = 0; i < 8; i++)
		k[i] = (unsigned char)((uint64_t)hour >> (8 * i));
	memcpy(k + 8, sig, 16);
	return digest128(k, sizeof(k));
}

static int annotate(const struct line *ln, struct rec *r);
static int accumulate(const struct line *ln, struct rec *r);

static int
record(const struct line *ln, const struct fields *f)
{
	struct rec r;
	const char *why;

	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	if (compute(&r, &why) < 0)
		return cli_bad(ln, why);
	return metrics ? accumulate(ln, &r) : annotate(ln, &r);
}

static int
annotate(const struct line *ln, struct rec *r)
{
	int empty;
	size_t end = json_object_end(ln->p, ln->len, &empty);

	if (end == (size_t)-1)
		return cli_bad(ln, "not a JSON object");
	/* Missing: no signature, or (--apply) no hour to look its label up. */
	int missing = !r->fam_ok;
	if (!in_shard(r->fam_ok ? r->fam : NULL)) {
		other_shards++;
		stats.missing += (uint64_t)missing;
		return 0;
	}

	const char *agent = r->agent_type.p;
	size_t agentn = r->agent_type.n;
	int changed = 0;
	if (applypath && agentn == 4 && memcmp(agent, "user", 4) == 0 &&
	    (getflag(F_PV) || getflag(F_RD))) {
		int64_t sec, hour;
		const char *why;
		int h = hour_of(&sec, &hour, &why);
		if (h < 0)
			return cli_bad(ln, why);
		int ok = labels_level == L_DOMAIN ? r->sig_ok : r->fam_ok;
		const unsigned char *sig = labels_level == L_DOMAIN ? r->sig : r->fam;
		if (h == 0)
			cli_note_missing(fv, fidx[F_DT]);
		if (h == 0 || !ok)
			missing = 1;
		else if (dtab_get(labels, label_key(hour, sig))) {
			agent = "automated";
			agentn = 9;
			changed = 1;
			relabelled++;
		}
	}
	stats.missing += (uint64_t)missing;
	if (missing && cli.missing == CLI_MISSING_DROP)
		return 0;
	if ((dropauto && agentn == 9 && memcmp(agent, "automated", 9) == 0) ||
	    (dropspider && agentn == 6 && memcmp(agent, "spider", 6) == 0)) {
		dropped++;
		return 0;
	}

	/* The record's own agent_type is rewritten where it stands when
	 * its text lies in the line (a plain path); otherwise a top-level
	 * member is added, which jq reads as the last duplicate. */
	const char *p = ln->p;
	size_t upto = end;
	int inplace = changed && r->agent && r->agent->text >= ln->p &&
	    r->agent->text + r->agent->len <= ln->p + ln->len;
	buf_reserve(&outbuf, ln->len + 200);
	if (inplace) {
		size_t at = (size_t)(r->agent->text - ln->p);
		buf_add(&outbuf, p, at);
		buf_adds(&outbuf, "\"automated\"");
		buf_add(&outbuf, p + at + r->agent->len,
		    end - at - r->agent->len);
	} else
		buf_add(&outbuf, p, upto);
	buf_adds(&outbuf,
	    empty ? "\"actor_signature\":" : ",\"actor_signature\":");
	put_sig(r->sig_ok, r->sig);
	buf_adds(&outbuf, ",\"actor_signature_per_project_family\":");
	put_sig(r->fam_ok, r->fam);
	buf_adds(&outbuf, ",\"project_family\":");
	json_put_string(&outbuf, family.p, family.len);
	if (r->derived || (changed && !inplace)) {
		buf_adds(&outbuf, ",\"agent_type\":");
		json_put_string(&outbuf, agent, agentn);
		derived_spiders += r->derived && agentn == 6;
	}
	buf_add(&outbuf, p + end, ln->len - end);
	out_end();
	return 0;
}

/* ---- --metrics ---- */

static int
slot_of(int64_t hour)
{
	return (int)((hour / HOUR) & 1);
}

static int
by_sig_kind(const void *a, const void *b)
{
	const struct rrow *x = a, *y = b;
	int c = memcmp(x->sig, y->sig, 16);

	return c ? c : (int)x->kind - (int)y->kind;
}

/* Add closed hour row hr to the rolled-up row rr; carries holds hr's --carry
 * values.  The carried values are the earliest request's. */
static void
rollup_add(struct rrow *rr, const struct hrow *hr, const char *carries)
{
	if (ncarry && (rr->carried == NULL || hr->first < rr->carried->first ||
	    (hr->first == rr->carried->first &&
	    hr->cseq < rr->carried->cseq))) {
		rr->carried = hr;
		rr->carry = carries + hr->coff;
	}
	rr->r.count += hr->count;
	if (hr->first < rr->r.first)
		rr->r.first = hr->first;
	if (hr->last > rr->r.last)
		rr->r.last = hr->last;
	rr->r.nocookies += hr->nocookies;
	if (hr->ualen > rr->r.ualen)
		rr->r.ualen = hr->ualen;
	rr->r.sum_distinct += hr->distinct;
	rr->r.hours++;
	rr->r.rolled_up_hours += hr->distinct > 0;
}

/* --stats: the most memory and rows the hours held, with rollbytes for the
 * roll-up being written. */
static void
note_peak(uint64_t rollbytes)
{
	uint64_t bytes = rollbytes, rows = 0;

	for (int i = 0; i < 2; i++)
		bytes += dtab_bytes(openhour[i].rows) + dtab_bytes(openhour[i].titles) +
		    openhour[i].carry.cap;
	for (int i = 0; i < WINDOW; i++) {
		bytes += ring[i].cap * sizeof(struct crow) + ring[i].carry.cap;
		rows += ring[i].n;
	}
	if (bytes > peak_bytes)
		peak_bytes = bytes;
	if (rows > peak_rows)
		peak_rows = rows;
}

/* One --metrics line: the label of an actor and kind for the hour. */
static void
put_label(const struct rrow *rr, const char *hour, size_t hourlen)
{
	const struct am_rollup *r = &rr->r;
	const char *reason, *label = am_label(r, &reason);
	int64_t rate;

	buf_adds(&outbuf, "{\"hour\":");
	buf_add(&outbuf, hour, hourlen);
	buf_adds(&outbuf, level == L_DOMAIN ? ",\"actor_signature\":" :
	    ",\"actor_signature_per_project_family\":");
	put_sig(1, rr->sig);
	buf_adds(&outbuf, rr->kind & 1 ? ",\"is_pageview\":true" :
	    ",\"is_pageview\":false");
	buf_adds(&outbuf, rr->kind & 2 ? ",\"is_redirect_to_pageview\":true" :
	    ",\"is_redirect_to_pageview\":false");
	buf_adds(&outbuf, ",\"first_interaction_dt\":");
	ts_put(&outbuf, r->first * NS_PER_SEC, cli.epoch);
	buf_adds(&outbuf, ",\"last_interaction_dt\":");
	ts_put(&outbuf, r->last * NS_PER_SEC, cli.epoch);
	buf_adds(&outbuf, ",\"pageview_count\":");
	json_put_u64(&outbuf, r->count);
	buf_adds(&outbuf, ",\"pageview_rate_per_min\":");
	if (am_rate(r, &rate))
		json_put_i64(&outbuf, rate);
	else
		buf_adds(&outbuf, "null");
	buf_adds(&outbuf, ",\"nocookies\":");
	json_put_u64(&outbuf, r->nocookies);
	buf_adds(&outbuf, ",\"user_agent_length\":");
	json_put_u64(&outbuf, r->ualen);
	buf_adds(&outbuf, ",\"avg_distinct_pages_visited_count\":");
	json_put_double(&outbuf, am_avg_distinct(r));
	buf_adds(&outbuf, ",\"rolled_up_hours\":");
	json_put_u64(&outbuf, r->rolled_up_hours);
	buf_adds(&outbuf, ",\"label\":\"");
	buf_adds(&outbuf, label);
	buf_adds(&outbuf, "\",\"label_reason\":\"");
	buf_adds(&outbuf, reason);
	buf_addc(&outbuf, '"');
	if (rr->carried)
		buf_add(&outbuf, rr->carry, rr->carried->clen);
	buf_addc(&outbuf, '}');
	out_end();
}

/* Write the labels of hour h: every actor and kind with rows in the 24
 * hours h-23 .. h, in signature order. */
static void
rollup(int64_t h)
{
	if (last_data == INT64_MIN || last_data < h - (WINDOW - 1) * HOUR)
		return;
	struct dtab *roll = dtab_new(sizeof(struct rrow));
	int ins;
	/* Hour h first: with --active only its actors are rolled up, so the
	 * older hours only add to rows that exist. */
	int hi = (int)(((h / HOUR) % WINDOW + WINDOW) % WINDOW);
	for (int j = 0; j < WINDOW; j++) {
		int i = (hi - j + WINDOW) % WINDOW;
		if (ring[i].v == NULL || ring[i].hour > h ||
		    ring[i].hour < h - (WINDOW - 1) * HOUR)
			continue;
		for (size_t m = 0; m < ring[i].n; m++) {
			const struct hrow *hr = &ring[i].v[m].r;
			struct rrow *rr;
			if (active && j > 0) {
				if ((rr = dtab_get(roll,
				    ring[i].v[m].k)) == NULL)
					continue;
				ins = 0;
			} else
				rr = dtab_put(roll, ring[i].v[m].k, &ins);
			if (ins) {
				memcpy(rr->sig, hr->sig, 16);
				rr->kind = hr->kind;
				rr->r.first = hr->first;
				rr->r.last = hr->last;
			}
			rollup_add(rr, hr, ring[i].carry.p);
			rr->active |= ring[i].hour == h;
		}
	}
	size_t n = dtab_count(roll), k = 0, pos = 0;
	struct rrow *v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	void *val;
	while (dtab_next(roll, &pos, NULL, &val))
		v[k++] = *(struct rrow *)val;
	qsort(v, n, sizeof(*v), by_sig_kind);

	note_peak(dtab_bytes(roll) + n * sizeof(*v));

	/* The hour is the same on every line: formatted once. */
	buf_reset(&scratch);
	ts_put(&scratch, h * NS_PER_SEC, cli.epoch);
	int wrote = 0;
	for (size_t i = 0; i < n; i++) {
		if (active && !v[i].active)
			continue;
		wrote = 1;
		put_label(&v[i], scratch.p, scratch.len);
	}
	hours_written += wrote;
	free(v);
	dtab_free(roll);
}

/* Close open hour h: its rows join the window, and its labels are written. */
static void
close_hour(int64_t h)
{
	int s = slot_of(h);
	int ri = (int)(((h / HOUR) % WINDOW + WINDOW) % WINDOW);
	size_t n = openhour[s].rows ? dtab_count(openhour[s].rows) : 0;

	ring[ri].n = 0;
	ring[ri].hour = h;
	if (n > ring[ri].cap || ring[ri].cap > 4 * n + 64) {
		free(ring[ri].v);
		ring[ri].cap = n;
		ring[ri].v = xreallocarray(NULL, n ? n : 1,
		    sizeof(struct crow));
	}
	size_t pos = 0;
	struct digest k;
	void *val;
	while (dtab_next(openhour[s].rows, &pos, &k, &val)) {
		ring[ri].v[ring[ri].n].k = k;
		ring[ri].v[ring[ri].n].r = *(struct hrow *)val;
		ring[ri].n++;
	}
	/* The rows' --carry values go with them; the slot takes the ring's
	 * old buffer, emptied, for hour h + 2. */
	struct buf t = ring[ri].carry;
	ring[ri].carry = openhour[s].carry;
	openhour[s].carry = t;
	buf_reset(&openhour[s].carry);
	if (n)
		last_data = h;
	rollup(h);
	/* The slot is reused for hour h + 2. */
	dtab_free(openhour[s].rows);
	dtab_free(openhour[s].titles);
	openhour[s].rows = dtab_new(sizeof(struct hrow));
	openhour[s].titles = dtab_new(0);
}

/* A record of hour h, newer than the newest open hour, arrived: close
 * every hour before h - 1, skipping stretches with nothing to write. */
static void
advance(int64_t h)
{
	while (lo_hour < h - HOUR) {
		int s = slot_of(lo_hour), t = slot_of(lo_hour + HOUR);
		if (dtab_count(openhour[s].rows) == 0 &&
		    dtab_count(openhour[t].rows) == 0 &&
		    (last_data == INT64_MIN ||
		    last_data < lo_hour - (WINDOW - 1) * HOUR)) {
			/* Nothing open and the window is empty: jump. */
			lo_hour = h - HOUR;
			break;
		}
		close_hour(lo_hour);
		lo_hour += HOUR;
	}
}

static void
finish_metrics(void)
{
	if (!started)
		return;
	close_hour(lo_hour);
	close_hour(lo_hour + HOUR);
}

static int
has_weblight(struct am_text ua)
{
	for (const char *p = ua.p; ua.n >= 8 && p <= ua.p + ua.n - 8; p++) {
		p = memchr(p, 'w', (size_t)(ua.p + ua.n - 8 - p) + 1);
		if (p == NULL)
			return 0;
		if (memcmp(p, "weblight", 8) == 0)
			return 1;
	}
	return 0;
}

/* The record's --carry members: ,"name":value (null when missing). */
static void
put_carried(struct buf *b)
{
	buf_reset(b);
	for (size_t i = 0; i < ncarry; i++) {
		const struct jval *v = fv_first(fv, carry[i].field);
		buf_addc(b, ',');
		json_put_string(b, carry[i].name, strlen(carry[i].name));
		buf_addc(b, ':');
		if (v != NULL)
			buf_add(b, v->text, v->len);
		else
			buf_adds(b, "null");
	}
}

static int
accumulate(const struct line *ln, struct rec *r)
{
	int64_t sec, hour;
	const char *why;
	int h;

	if ((h = hour_of(&sec, &hour, &why)) < 0)
		return cli_bad(ln, why);
	if (h == 0) {
		cli_missing(fv, fidx[F_DT]);
		return 0;
	}
	/* Every dated record moves the clock, counted or not, so that each
	 * of N shards calls the same records late. */
	if (!started) {
		started = 1;
		lo_hour = hour - HOUR;
	} else if (hour > lo_hour + HOUR)
		advance(hour);

	int ok = level == L_DOMAIN ? r->sig_ok : r->fam_ok;
	const unsigned char *sig = level == L_DOMAIN ? r->sig : r->fam;
	if (!ok) {
		stats.missing++;
		return 0;
	}
	/* The refinery's row filter: pageviews and redirects to them, by
	 * user agents, not Google Web Light (case-sensitive LIKE). */
	uint8_t kind = (uint8_t)(getflag(F_PV) | getflag(F_RD) << 1);
	struct am_text ua = r->v[F_UA];
	if (kind == 0 || r->agent_type.n != 4 ||
	    memcmp(r->agent_type.p, "user", 4) != 0 ||
	    has_weblight(ua)) {
		filtered++;
		return 0;
	}
	if (!in_shard(sig)) {
		other_shards++;
		return 0;
	}
	if (hour < lo_hour) {
		late++;
		return cli_bad(ln,
		    "late record: its hour's labels were already "
		    "written");
	}

	int s = slot_of(hour), ins;
	buf_reset(&key);
	buf_add(&key, sig, 16);
	buf_addc(&key, (char)kind);
	struct digest k = digest128(key.p, key.len);
	struct hrow *hr = dtab_put(openhour[s].rows, k, &ins);
	nrecords++;
	if (ncarry && (ins || sec < hr->first)) {
		put_carried(&carrytext);
		if (carrytext.len > UINT32_MAX)
			return cli_bad(ln, "--carry values longer than 4 GB");
		hr->cseq = nrecords;
		hr->coff = openhour[s].carry.len;
		hr->clen = (uint32_t)carrytext.len;
		buf_add(&openhour[s].carry, carrytext.p, carrytext.len);
	}
	if (ins) {
		memcpy(hr->sig, sig, 16);
		hr->kind = kind;
		hr->first = hr->last = sec;
	}
	hr->count++;
	if (sec < hr->first)
		hr->first = sec;
	if (sec > hr->last)
		hr->last = sec;
	hr->nocookies += r->nocookies;
	uint64_t len = am_chars(ua);
	if (len > hr->ualen)
		hr->ualen = len;
	/* COUNT(DISTINCT page_title) ignores NULL.  Without a title field
	 * the refinery's own derivation from the path and query stands in
	 * (strings by content, so a given and a derived "A" are one title). */
	const struct jval *t = fv_first(fv, fidx[F_TITLE]);
	struct am_text path;
	int have = 1;
	if (t && t->type == J_STRING) {
		struct am_text ts;
		getstr(F_TITLE, &ts);
		buf_addc(&key, 's');
		buf_add(&key, ts.p, ts.n);
	} else if (t) {
		buf_addc(&key, 'j');
		json_canon(&key, t->text, t->len);
	} else if (getstr(F_PATH, &path) == 1) {
		buf_addc(&key, 's');
		am_page_title(&key, path, r->v[F_QUERY]);
	} else
		have = 0;
	if (have) {
		dtab_put(openhour[s].titles, digest128(key.p, key.len), &ins);
		if (ins) {
			hr = dtab_get(openhour[s].rows, k);
			hr->distinct++;
		}
	}
	return 0;
}

/* ---- --apply ---- */

/* Load the automated labels of a --metrics output. */
static void
load_labels(void)
{
	char err[512];
	struct fieldset *lf = fs_new();
	int fh = fs_add(lf, ".hour", FS_FIRST, err, sizeof(err));
	int fd = fs_add(lf, ".actor_signature", FS_FIRST, err, sizeof(err));
	int ff = fs_add(lf, ".actor_signature_per_project_family", FS_FIRST,
	    err, sizeof(err));
	int fl = fs_add(lf, ".label", FS_FIRST, err, sizeof(err));
	char *paths[1] = { (char *)applypath };
	struct input *in = in_open(paths, 1);
	struct line ln;
	int r, seen = 0, ins;

	labels = dtab_new(0);
	while ((r = in_next(in, &ln)) != 0) {
		if (r < 0)
			cli_fatal("%s", in_error(in));
		if (fs_eval(lf, ln.p, ln.len) < 0)
			cli_fatal("%s:%llu: %s", ln.file,
			    (unsigned long long)ln.lineno,
			    fs_error(lf));
		const struct jval *h = fs_first(lf, fh), *l = fs_first(lf, fl);
		const struct jval *sd = fs_first(lf, fd), *sf = fs_first(lf, ff);
		const struct jval *s = sd ? sd : sf;
		enum level lv = sd ? L_DOMAIN : L_FAMILY;
		int64_t ns;
		const char *why;
		if (h == NULL || l == NULL || s == NULL || (sd && sf) ||
		    s->type != J_STRING || s->len != 34)
			cli_fatal("%s:%llu: not an actorsig --metrics record",
			    ln.file,
			    (unsigned long long)ln.lineno);
		if (seen && lv != labels_level)
			cli_fatal("%s:%llu: labels of both levels in one file",
			    ln.file,
			    (unsigned long long)ln.lineno);
		labels_level = lv;
		seen = 1;
		/* actorsig --metrics --epoch writes seconds whatever -u says. */
		if (ts_from_jval(h, TS_S, NULL, &ns, &why) < 0)
			cli_fatal("%s:%llu: hour: %s", ln.file,
			    (unsigned long long)ln.lineno, why);
		if (!(l->len == 11 &&
		    memcmp(l->text, "\"automated\"", 11) == 0))
			continue;
		unsigned char sig[16];
		for (int i = 0; i < 16; i++) {
			int hi = s->text[1 + 2 * i], lo = s->text[2 + 2 * i];
			hi = hi >= 'a' ? hi - 'a' + 10 : hi - '0';
			lo = lo >= 'a' ? lo - 'a' + 10 : lo - '0';
			sig[i] = (unsigned char)(hi << 4 | lo);
		}
		dtab_put(labels, label_key(ts_floor(ns, NS_PER_SEC, 0) / NS_PER_SEC, sig), &ins);
	}
	in_close(in);
	fs_free(lf);
}

static void
option(int id, const char *arg)
{
	static const char *const drops[] = { "automated", "spider", NULL };
	static const char *const levels[] = { "domain", "project-family", NULL };

	if (id < NF) {
		fexpr[id] = arg;
		return;
	}
	switch (id) {
	case O_ACTIVE:
		active = 1;
		break;
	case O_APPLY:
		applypath = arg;
		break;
	case O_CARRY: {
		static const char *const fixed[] = { "hour", "actor_signature",
		    "actor_signature_per_project_family", "is_pageview",
		    "is_redirect_to_pageview", "first_interaction_dt", "last_interaction_dt",
		    "pageview_count", "pageview_rate_per_min", "nocookies",
		    "user_agent_length", "avg_distinct_pages_visited_count",
		    "rolled_up_hours", "label", "label_reason", NULL };
		const char *expr;
		char *name = cli_arg_column(arg, "", &expr);
		for (size_t i = 0; fixed[i] != NULL; i++)
			if (strcmp(name, fixed[i]) == 0)
				cli_usage("%s: the column name \"%s\" is taken; use NAME=EXPR",
				    expr, name);
		for (size_t i = 0; i < ncarry; i++)
			if (strcmp(name, carry[i].name) == 0)
				cli_usage("%s: the column name \"%s\" is given twice; use NAME=EXPR",
				    expr, name);
		carry = xreallocarray(carry, ncarry + 1, sizeof(*carry));
		carry[ncarry++] = (struct carry){ name, expr, -1 };
		break;
	}
	case O_DROP:
		if (cli_arg_choice(arg, drops) == 0)
			dropauto = 1;
		else
			dropspider = 1;
		break;
	case O_LENIENT:
		lenient = 1;
		break;
	case O_LEVEL:
		level = cli_arg_choice(arg, levels) == 0 ? L_DOMAIN : L_FAMILY;
		levelset = 1;
		break;
	case O_METRICS:
		metrics = 1;
		break;
	}
}
