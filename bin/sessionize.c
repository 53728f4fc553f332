/*
 * sessionize: events to sessions.
 *
 * Each event (a record with a key and a time) falls into a time bucket
 * (--bucket, aligned to the epoch or --origin); the occupied buckets of one
 * key form sessions: two buckets belong to one session when the start of
 * the later minus the end of the earlier is at most --gap.  One record per
 * session is written, as soon as no acceptable event could change it any
 * more, so memory follows the sessions that are open, not the input.
 *
 * Input need not be sorted: an event may be up to --lateness behind the
 * newest time seen (later ones are bad records).  A late event can extend
 * a session backwards, fill a hole, or bridge two sessions of its key,
 * which then merge.  Because an acceptable event's bucket never starts
 * before floor(newest - lateness) ("the floor"), a session whose end lies
 * more than the gap before the floor is final; sessions wait in a min-heap
 * on their end and leave it, in order, as the floor advances.  Hence the
 * output order: by end, then key (jq order), then start, for the whole run.
 * The heap is lazy: an event that extends a session does not touch it; an
 * entry whose session has grown since is pushed again with the new end
 * when it reaches the top, and entries of sessions merged away are
 * dropped there (a generation count tells), so the common event costs one
 * table lookup and one session.
 *
 * A session remembers which buckets it occupies only at or after the
 * floor (no acceptable event can land earlier), so a session costs a
 * fixed size plus its --carry values and --distinct/--collect sets.
 *
 * --state saves every session that is not final, the newest time and the
 * input sequence counter (ties of the "first event" are broken by input
 * order), so that a run split anywhere gives exactly the single run.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/cli.h"
#include "../lib/field.h"
#include "../lib/hash.h"
#include "../lib/input.h"
#include "../lib/json.h"
#include "../lib/loop.h"
#include "../lib/sorted.h"
#include "../lib/state.h"
#include "../lib/ts.h"
#include "../lib/util.h"

#define STATE_VERSION 1

/* A --carry, --distinct or --collect column. */
struct column {
	char *name;	/* output member name */
	const char *expr;
	int field;	/* index in the fieldset */
};

enum { COL_CARRY, COL_DISTINCT, COL_COLLECT, NCOLKINDS };

/*
 * A set of distinct values of one --distinct or --collect column in one
 * session: their digests, and for --collect their first-seen texts.  Small
 * sets are searched linearly; from SET_INDEX members on a digest table
 * answers membership.
 */
#define SET_INDEX 8
struct vset {
	size_t n, cap;
	struct digest *d;
	size_t *off;		/* --collect: offset of value i in text */
	struct buf text;	/* --collect: the values' texts, back to back */
	struct dtab *idx;
};

/*
 * A session.  Sessions of one key form a list sorted by start; they never
 * touch (more than the gap lies between them).  first holds the texts of
 * the session's first event (earliest time, ties to the earlier input
 * line): the key's printed form, then each --carry value; foff[i] is where
 * text i starts, foff[ncarry + 1] the end.
 */
struct sess {
	/* The fields an event reads first share one cache line. */
	_Alignas(64) struct sess *next;	/* in the key's list; in the free list */
	struct digest kd;
	int64_t start, end;	/* start of first bucket, end of last */
	uint64_t events, buckets;
	int64_t ftime;		/* time of the first event */
	uint64_t fseq;		/* its input sequence number */
	uint64_t gen;		/* bumped when released: older heap entries are stale */
	int64_t *occ;		/* occupied bucket starts >= the floor, sorted */
	size_t nocc, capocc;
	int64_t occ_in[4];	/* occ's first home: lateness / bucket + 1 is small */
	struct buf first;
	size_t *foff;
	struct vset *sets;	/* ndistinct + ncollect sets */
};

/* Options. */
/* --bucket: a duration, or a calendar period; width 0 is no bucketing. */
static struct period bucket = { PERIOD_FIXED, 300 * NS_PER_SEC, 0, 0 };
static int64_t gap = 900 * NS_PER_SEC;
static int64_t lateness = -1;	/* -1: the gap */
static int64_t until;
static int has_until;
static int flush_all;
static const char *key_expr, *time_expr = ".time";
static struct column *cols[NCOLKINDS];
static size_t ncols[NCOLKINDS];

enum { O_BUCKET, O_CARRY, O_COLLECT, O_DISTINCT, O_FLUSH, O_GAP, O_KEY,
    O_LATENESS, O_TIME, O_UNTIL };
static const struct cli_option options[] = {
	{ O_BUCKET, "bucket", 0, "PERIOD", "the time buckets events fall in (default 5m; 0: none)" },
	{ O_CARRY, "carry", 'c', "[NAME=]EXPR", "a value of each session's first event (repeatable)" },
	{ O_COLLECT, "collect", 0, "[NAME=]EXPR", "the list of distinct values in each session (repeatable)" },
	{ O_DISTINCT, "distinct", 'd', "[NAME=]EXPR", "the number of distinct values in each session (repeatable)" },
	{ O_FLUSH, "flush", 0, NULL, "with --state, write every session at the end instead of saving it" },
	{ O_GAP, "gap", 0, "DURATION", "the longest time between buckets of a session (default 15m)" },
	{ O_KEY, "key", 'k', "EXPR", "the entity whose sessions to find" },
	{ O_LATENESS, "lateness", 0, "DURATION", "how far an event may be behind the newest (default: the gap)" },
	{ O_TIME, "time", 't', "EXPR", "the time of an event (default .time)" },
	{ O_UNTIL, "until", 0, "TIME", "judge open sessions against TIME when later than the newest" },
	{ 0 }
};
static void option(int id, const char *arg);
static const struct cli_tool tool = {
	"usage: sessionize -k expr [-t expr] [-c [name=]expr] [-d [name=]expr]\n"
	"                  [option ...] [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS | CLI_SHARD | CLI_STATE | CLI_SORTED |
	    CLI_TIME_UNIT | CLI_TIME_FORMAT | CLI_ORIGIN | CLI_EPOCH | CLI_OUTPUT,
	option,
};

static struct fieldset *fs;
static const struct fields *fv;	/* the record being handled's (lib/loop.h) */
static int kfield, tfield;

/* Run state. */
static struct dtab *keys;	/* key digest -> struct sess * (NULL: none open) */
static size_t live_keys;
/* A heap entry: the session's end when pushed. */
struct hent {
	int64_t end;
	struct sess *s;
	uint64_t gen;
};
static struct hent *heap;
static size_t nheap, capheap;
static size_t nopen;		/* sessions held */
static struct sess *freelist;
/* Sessions are carved from slabs, packed and cache-line aligned, so that
 * the one a random event touches costs one line, not a malloc chunk. */
#define SLAB 256
static struct sess **slabs;
static size_t nslabs;
static int64_t newest, gnewest;	/* gnewest: over all groups under --sorted */
static int have_newest, have_gnewest;
static uint64_t seq;		/* input sequence of the next event */
static uint64_t nsessions, peak_open, nmerged, nlate, nsaved;
static struct buf scratch, scratch2;
static struct sess **batch;
static size_t nbatch, capbatch;
static size_t *order;		/* --collect output order */
static size_t caporder;
/* --sorted: the keys seen and the current group's. */
static struct sorted sorted;

static void add_column(int kind, const char *arg);
static void add_event(struct digest kd, const struct jval *key, int64_t t);
static void close_final(void);
static void flush_sessions(void);
static int load_state(void);
static void setup(void);
static void finish(void);
static void cleanup(void);
static int save_state(void);

/* ------------------------------------------------------------ arithmetic */

/* Differences of times can exceed int64 (1678 to 2261 in ns): saturate. */
static inline int64_t
ssub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : INT64_MIN;
	return r;
}

static inline int64_t
sadd(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static inline int64_t
bucket_of(int64_t t)
{
	return period_floor(&bucket, t);
}

/* The end of the bucket that starts at bs (itself without bucketing). */
static inline int64_t
bucket_end(int64_t bs)
{
	int64_t be;

	return period_next(&bucket, bs, &be) < 0 ? INT64_MAX : be;
}

/* The earliest bucket start an acceptable event can still have; cached,
 * since the newest time changes far less often than events arrive. */
static inline int64_t
floor_now(void)
{
	static int64_t fl, fl_newest;
	static int have;

	if (!have || fl_newest != newest) {
		fl = bucket_of(ssub(newest, lateness));
		fl_newest = newest;
		have = 1;
	}
	return fl;
}

/* ------------------------------------------------------------ value sets */

static int
vset_add(struct vset *s, struct digest d, const char *text, size_t len, int keep_text)
{
	size_t i;
	int ins;

	if (s->idx) {
		dtab_put(s->idx, d, &ins);
		if (!ins)
			return 0;
	} else {
		for (i = 0; i < s->n; i++)
			if (digest_eq(s->d[i], d))
				return 0;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->d = xreallocarray(s->d, s->cap, sizeof(*s->d));
		if (keep_text)
			s->off = xreallocarray(s->off, s->cap + 1,
			    sizeof(*s->off));
	}
	s->d[s->n] = d;
	if (keep_text) {
		if (s->n == 0)
			s->off[0] = 0;
		buf_add(&s->text, text, len);
		s->off[s->n + 1] = s->text.len;
	}
	s->n++;
	if (!s->idx && s->n >= SET_INDEX) {
		s->idx = dtab_new(0);
		for (i = 0; i < s->n; i++)
			dtab_put(s->idx, s->d[i], &ins);
	}
	return 1;
}

static void
vset_clear(struct vset *s)
{
	s->n = 0;
	buf_reset(&s->text);
	if (s->idx) {
		dtab_free(s->idx);
		s->idx = NULL;
	}
}

static void
vset_free(struct vset *s)
{
	vset_clear(s);
	free(s->d);
	free(s->off);
	buf_free(&s->text);
}

static size_t
nsets(void)
{
	return ncols[COL_DISTINCT] + ncols[COL_COLLECT];
}

static int
set_keeps_text(size_t i)
{
	return i >= ncols[COL_DISTINCT];
}

/* ------------------------------------------------------------ sessions */

static struct sess *
sess_new(void)
{
	struct sess *s;

	if (freelist == NULL) {
		struct sess *slab = aligned_alloc(64, SLAB * sizeof(*slab));
		size_t i;

		if (slab == NULL)
			xmalloc((size_t)-1);	/* reports out of memory */
		memset(slab, 0, SLAB * sizeof(*slab));
		slabs = xreallocarray(slabs, nslabs + 1, sizeof(*slabs));
		slabs[nslabs++] = slab;
		for (i = SLAB; i-- > 0;) {
			slab[i].next = freelist;
			freelist = &slab[i];
		}
	}
	s = freelist;
	freelist = s->next;
	if (s->foff == NULL) {	/* a fresh slot */
		s->foff = xcalloc(ncols[COL_CARRY] + 2, sizeof(*s->foff));
		s->sets = xcalloc(nsets() ? nsets() : 1, sizeof(*s->sets));
		s->occ = s->occ_in;
		s->capocc = LEN(s->occ_in);
	}
	if (++nopen > peak_open)
		peak_open = nopen;
	s->next = NULL;
	s->nocc = 0;
	s->events = s->buckets = 0;
	buf_reset(&s->first);
	return s;
}

static void
sess_release(struct sess *s)
{
	size_t i;

	for (i = 0; i < nsets(); i++)
		vset_clear(&s->sets[i]);
	s->gen++;
	s->next = freelist;
	freelist = s;
	nopen--;
}

static void
sess_destroy(struct sess *s)
{
	size_t i;

	for (i = 0; i < nsets(); i++)
		vset_free(&s->sets[i]);
	if (s->occ != s->occ_in)
		free(s->occ);
	free(s->foff);
	free(s->sets);
	buf_free(&s->first);
}

static void
occ_insert(struct sess *s, size_t at, int64_t b)
{
	if (s->nocc == s->capocc) {
		int64_t *o = xreallocarray(NULL, 2 * s->capocc, sizeof(*o));

		memcpy(o, s->occ, s->nocc * sizeof(*o));
		if (s->occ != s->occ_in)
			free(s->occ);
		s->occ = o;
		s->capocc *= 2;
	}
	memmove(s->occ + at + 1, s->occ + at, (s->nocc - at) * sizeof(*s->occ));
	s->occ[at] = b;
	s->nocc++;
}

/* Forget occupied buckets no acceptable event can reach any more. */
static void
occ_prune(struct sess *s, int64_t fl)
{
	size_t i = 0;

	while (i < s->nocc && s->occ[i] < fl)
		i++;
	if (i > 0) {
		memmove(s->occ, s->occ + i, (s->nocc - i) * sizeof(*s->occ));
		s->nocc -= i;
	}
}

/* Mark bucket b occupied; 1 when it was not. */
static int
occ_add(struct sess *s, int64_t b)
{
	size_t lo = 0, hi = s->nocc, mid;

	if (s->nocc > 0 && s->occ[s->nocc - 1] < b) {
		occ_insert(s, s->nocc, b);
		return 1;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->occ[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nocc && s->occ[lo] == b)
		return 0;
	occ_insert(s, lo, b);
	return 1;
}

/* Record the texts of the session's first event from the current line. */
static void
set_first(struct sess *s, const struct jval *key)
{
	size_t i;
	const struct jval *v;

	buf_reset(&s->first);
	s->foff[0] = 0;
	buf_add(&s->first, key->text, key->len);
	s->foff[1] = s->first.len;
	for (i = 0; i < ncols[COL_CARRY]; i++) {
		if ((v = fv_first(fv, cols[COL_CARRY][i].field)) != NULL)
			buf_add(&s->first, v->text, v->len);
		else
			buf_adds(&s->first, "null");
		s->foff[i + 2] = s->first.len;
	}
}

/* ------------------------------------------------------------ heap on end */

static void
heap_swap(size_t a, size_t b)
{
	struct hent t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
}

static void
heap_push(struct sess *s)
{
	size_t i;

	if (nheap == capheap) {
		capheap = capheap ? 2 * capheap : 64;
		heap = xreallocarray(heap, capheap, sizeof(*heap));
	}
	i = nheap++;
	heap[i] = (struct hent){ s->end, s, s->gen };
	while (i > 0 && heap[(i - 1) / 2].end > heap[i].end) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static struct hent
heap_pop(void)
{
	struct hent top = heap[0];
	size_t i = 0, l, m;

	heap[0] = heap[--nheap];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < nheap && heap[l].end < heap[m].end)
			m = l;
		if (l + 1 < nheap && heap[l + 1].end < heap[m].end)
			m = l + 1;
		if (m == i)
			return top;
		heap_swap(i, m);
		i = m;
	}
}

static inline int
hent_live(const struct hent *h)
{
	return h->gen == h->s->gen;
}

/* Move every session held into the batch, emptying the heap. */
static void batch_add(struct sess *s);

static void
heap_drain(void)
{
	size_t i;

	for (i = 0; i < nheap; i++)
		if (hent_live(&heap[i]))
			batch_add(heap[i].s);
	nheap = 0;
}

/* ------------------------------------------------------------ key table */

static struct sess **
key_slot(struct digest kd)
{
	int ins;
	struct sess **slot = dtab_put(keys, kd, &ins);

	return slot;
}

/*
 * dtab has no deletion: a key without open sessions keeps a NULL slot.
 * Rebuild the table when such slots outnumber the live ones, so that it
 * stays proportional to the open sessions (amortised O(1) per key).
 */
static void
keys_compact(void)
{
	struct dtab *t;
	size_t pos = 0;
	struct digest k;
	void *v;
	int ins;

	if (dtab_count(keys) < 4096 || dtab_count(keys) < 2 * live_keys + 1)
		return;
	t = dtab_new(sizeof(struct sess *));
	while (dtab_next(keys, &pos, &k, &v))
		if (*(struct sess **)v != NULL)
			*(struct sess **)dtab_put(t, k, &ins) = *(struct sess **)v;
	dtab_free(keys);
	keys = t;
}

/* Unlink s from its key's list. */
static void
key_unlink(struct sess *s)
{
	struct sess **slot = dtab_get(keys, s->kd), **pp;

	for (pp = slot; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	if (*slot == NULL)
		live_keys--;
}

/* Insert s into its key's list, by start. */
static void
key_link(struct sess *s)
{
	struct sess **slot = key_slot(s->kd), **pp;

	if (*slot == NULL)
		live_keys++;
	for (pp = slot; *pp != NULL && (*pp)->start < s->start; pp = &(*pp)->next)
		;
	s->next = *pp;
	*pp = s;
}

/* ------------------------------------------------------------ events */

static int
earlier_first(const struct sess *a, const struct sess *b)
{
	return a->ftime < b->ftime ||
	    (a->ftime == b->ftime && a->fseq < b->fseq);
}

/* Fold b (later in the key's list) into a; b is freed. */
static void
merge_into(struct sess *a, struct sess *b)
{
	size_t i, j;
	struct vset *sa, *sb;

	if (earlier_first(b, a)) {
		struct buf tb = a->first;
		size_t *to = a->foff;

		a->first = b->first;
		a->foff = b->foff;
		b->first = tb;
		b->foff = to;
		a->ftime = b->ftime;
		a->fseq = b->fseq;
	}
	for (i = 0; i < b->nocc; i++)
		occ_add(a, b->occ[i]);
	for (i = 0; i < nsets(); i++) {
		sa = &a->sets[i];
		sb = &b->sets[i];
		for (j = 0; j < sb->n; j++)
			if (set_keeps_text(i))
				vset_add(sa, sb->d[j], sb->text.p + sb->off[j],
				    sb->off[j + 1] - sb->off[j], 1);
			else
				vset_add(sa, sb->d[j], NULL, 0, 0);
	}
	a->events += b->events;
	a->buckets += b->buckets;
	if (b->start < a->start)
		a->start = b->start;
	if (b->end > a->end)
		a->end = b->end;
	key_unlink(b);
	sess_release(b);
	nmerged++;
}

static void
add_values(struct sess *s)
{
	size_t i, k, n;
	int f;
	const struct jval *v;

	for (i = 0; i < nsets(); i++) {
		f = i < ncols[COL_DISTINCT] ? cols[COL_DISTINCT][i].field :
		    cols[COL_COLLECT][i - ncols[COL_DISTINCT]].field;
		n = fv_count(fv, f);
		for (k = 0; k < n; k++) {
			v = fv_value(fv, f, k);
			if (v->type == J_NULL)
				continue;
			vset_add(&s->sets[i],
			    json_digest(v->text, v->len, &scratch2),
			    v->text, v->len, set_keeps_text(i));
		}
	}
}

static void
add_event(struct digest kd, const struct jval *key, int64_t t)
{
	int64_t bs = bucket_of(t), be = bucket_end(bs), fl = floor_now();
	struct sess **slot, *s, *first = NULL, *nx;

	slot = key_slot(kd);
	for (s = *slot; s != NULL; s = nx) {
		nx = s->next;
		if (ssub(s->start, be) > gap)
			break;
		if (ssub(bs, s->end) > gap)
			continue;
		if (first == NULL) {
			first = s;
		} else {
			merge_into(first, s);
		}
	}
	if ((s = first) == NULL) {
		s = sess_new();
		s->kd = kd;
		s->start = bs;
		s->end = be;
		s->ftime = t;
		s->fseq = seq;
		set_first(s, key);
		key_link(s);
		heap_push(s);
	} else if (t < s->ftime) {
		s->ftime = t;
		s->fseq = seq;
		set_first(s, key);
	}
	seq++;
	s->events++;
	/* Most events fall in the session's latest bucket (the one that ends
	 * at its end) or open the next one; only late ones need the search. */
	if (be != s->end || s->events == 1) {
		occ_prune(s, fl);
		if (occ_add(s, bs))
			s->buckets++;
		if (bs < s->start)
			s->start = bs;
		if (be > s->end)
			s->end = be;
	}
	add_values(s);
}

/* ------------------------------------------------------------ output */

static int
cmp_text(const void *a, const void *b, const struct buf *t, const size_t *off)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	return json_cmp(t->p + off[i], off[i + 1] - off[i], t->p + off[j],
	    off[j + 1] - off[j]);
}

static const struct vset *sort_set;

static int
cmp_set_member(const void *a, const void *b)
{
	return cmp_text(a, b, &sort_set->text, sort_set->off);
}

static int
cmp_out(const void *a, const void *b)
{
	const struct sess *x = *(struct sess *const *)a, *y = *(struct sess *const *)b;
	int c;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	c = json_cmp(x->first.p, x->foff[1], y->first.p, y->foff[1]);
	if (c != 0)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void
write_session(const struct sess *s, int64_t ref)
{
	struct buf *o = &outbuf;
	size_t i, j;
	const struct vset *v;

	buf_adds(o, "{\"key\":");
	buf_add(o, s->first.p, s->foff[1]);
	buf_adds(o, ",\"start\":");
	ts_put(o, s->start, cli.epoch);
	buf_adds(o, ",\"end\":");
	ts_put(o, s->end, cli.epoch);
	buf_adds(o, ",\"duration\":");
	dur_put_seconds(o, ssub(s->end, s->start));
	buf_adds(o, ",\"buckets\":");
	json_put_u64(o, s->buckets);
	buf_adds(o, ",\"events\":");
	json_put_u64(o, s->events);
	buf_adds(o, ssub(bucket_of(ref), s->end) <= gap ?
	    ",\"open\":true" : ",\"open\":false");
	for (i = 0; i < ncols[COL_CARRY]; i++) {
		buf_addc(o, ',');
		json_put_string(o, cols[COL_CARRY][i].name,
		    strlen(cols[COL_CARRY][i].name));
		buf_addc(o, ':');
		buf_add(o, s->first.p + s->foff[i + 1],
		    s->foff[i + 2] - s->foff[i + 1]);
	}
	for (i = 0; i < ncols[COL_DISTINCT]; i++) {
		buf_addc(o, ',');
		json_put_string(o, cols[COL_DISTINCT][i].name,
		    strlen(cols[COL_DISTINCT][i].name));
		buf_addc(o, ':');
		json_put_u64(o, s->sets[i].n);
	}
	for (i = 0; i < ncols[COL_COLLECT]; i++) {
		v = &s->sets[ncols[COL_DISTINCT] + i];
		buf_addc(o, ',');
		json_put_string(o, cols[COL_COLLECT][i].name,
		    strlen(cols[COL_COLLECT][i].name));
		buf_adds(o, ":[");
		if (v->n > caporder) {
			caporder = v->n;
			order = xreallocarray(order, caporder, sizeof(*order));
		}
		for (j = 0; j < v->n; j++)
			order[j] = j;
		sort_set = v;
		if (v->n > 1)
			qsort(order, v->n, sizeof(*order), cmp_set_member);
		for (j = 0; j < v->n; j++) {
			if (j > 0)
				buf_addc(o, ',');
			buf_add(o, v->text.p + v->off[order[j]],
			    v->off[order[j] + 1] - v->off[order[j]]);
		}
		buf_addc(o, ']');
	}
	buf_addc(o, '}');
	out_end();
	nsessions++;
}

static void
batch_add(struct sess *s)
{
	if (nbatch == capbatch) {
		capbatch = capbatch ? 2 * capbatch : 64;
		batch = xreallocarray(batch, capbatch, sizeof(*batch));
	}
	batch[nbatch++] = s;
}

/* The time "open" is judged against. */
static int64_t
open_ref(void)
{
	int64_t r = cli.sorted ? gnewest : newest;

	return has_until && until > r ? until : r;
}

static void
write_batch(void)
{
	size_t i;
	int64_t ref = open_ref();

	if (nbatch > 1)
		qsort(batch, nbatch, sizeof(*batch), cmp_out);
	for (i = 0; i < nbatch; i++) {
		write_session(batch[i], ref);
		key_unlink(batch[i]);
		sess_release(batch[i]);
	}
	nbatch = 0;
	keys_compact();
}

/* Write the sessions no acceptable event can change any more. */
static void
close_final(void)
{
	int64_t fl = floor_now();
	struct hent h;

	while (nheap > 0 && ssub(fl, heap[0].end) > gap) {
		h = heap_pop();
		if (!hent_live(&h))
			continue;
		if (h.s->end != h.end)
			heap_push(h.s);	/* grown since: wait with its new end */
		else
			batch_add(h.s);
	}
	if (nbatch > 0)
		write_batch();
}

/* Write every session held (at the end, or a --sorted group's end). */
static void
flush_sessions(void)
{
	heap_drain();
	if (nbatch > 0)
		write_batch();
}

/* ------------------------------------------------------------ main */

/* One record of the input (lib/loop.h): 0, or -1 when --bad=fail stops. */
static int
record(const struct line *ln, const struct fields *f)
{
	const struct jval *kv, *tv;
	const char *why;
	struct digest kd;
	int64_t t;


	fv = f;
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	if (cli_missing(fv, kfield, tfield))
		return 0;
	kv = fv_first(fv, kfield);
	tv = fv_first(fv, tfield);
	kd = json_digest(kv->text, kv->len, &scratch);
	if (ts_from_jval(tv, cli.time_unit, cli.time_format, &t, &why) < 0) {
		if (cli.shard_n && shard_of(kd, cli.shard_n) != cli.shard_k)
			return 0;
		buf_reset(&scratch);
		ts_bad_message(&scratch, "time", tv, cli.time_unit, why);
		if (cli_bad(ln, scratch.p) < 0)
			return -1;
		return 0;
	}
	if (cli.sorted) {
		int had = sorted.have;
		switch (sorted_step(&sorted, kd)) {
		case SORTED_BACK:
			sorted_message(&scratch, kv->text, kv->len);
			return cli_bad(ln, scratch.p);
		case SORTED_NEW:
			if (had)
				flush_sessions();
			have_newest = 0;
			break;
		case SORTED_SAME:
			break;
		}
	}
	if (have_newest && t < ssub(newest, lateness)) {
		if (cli.shard_n && shard_of(kd, cli.shard_n) != cli.shard_k)
			return 0;
		buf_reset(&scratch);
		buf_adds(&scratch, "time ");
		ts_put_rfc3339(&scratch, t);
		buf_adds(&scratch, " is more than the lateness (");
		dur_put_seconds(&scratch, lateness);
		buf_adds(&scratch, "s) behind the newest time ");
		ts_put_rfc3339(&scratch, newest);
		nlate++;
		if (cli_bad(ln, scratch.p) < 0)
			return -1;
		return 0;
	}
	if (!have_gnewest || t > gnewest) {
		gnewest = t;
		have_gnewest = 1;
	}
	if (cli.shard_n && shard_of(kd, cli.shard_n) != cli.shard_k) {
		/* Other shards' times still move the clock, so that
		 * every shard judges lateness and "open" alike. */
		if (!have_newest || t > newest) {
			newest = t;
			have_newest = 1;
			close_final();
		}
		return 0;
	}
	add_event(kd, kv, t);
	if (!have_newest || t > newest) {
		newest = t;
		have_newest = 1;
		close_final();
	}
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
	if (cli.state != NULL && load_state() < 0)
		return cli_exit();

	in = in_open(argv, argc);
	stopped = loop_run(in, fs, record) < 0;
	in_close(in);

	/* Under --bad=fail (the loop was left early) what was decided, the
	 * closed sessions, is written; open sessions and the state stay as
	 * they were, since the input was not read to its end. */
	if (!stopped)
		finish();

	cli_stat("sessions", nsessions);
	cli_stat("peak_open", peak_open);
	if (cli.state != NULL)
		cli_stat("saved", nsaved);
	cli_stat("merged", nmerged);
	cli_stat("late", nlate);
	cleanup();
	return cli_exit();
}

/* Check the option combinations and compile the expressions. */
static void
setup(void)
{
	char err[512];

	if (key_expr == NULL)
		cli_usage("--key is required (the entity whose sessions to find)");
	cli_period_origin(&bucket);
	if (lateness < 0)
		lateness = gap;
	if (flush_all && cli.state == NULL)
		cli_usage("--flush needs --state");
	if (cli.sorted && cli.state != NULL)
		cli_usage("--sorted and --state do not go together");

	fs = fs_new();
	kfield = cli_field(fs, "--key", key_expr, FS_FIRST);
	tfield = cli_field(fs, "--time", time_expr, FS_FIRST);
	for (int k = 0; k < NCOLKINDS; k++)
		for (size_t i = 0; i < ncols[k]; i++)
			if ((cols[k][i].field = fs_add(fs, cols[k][i].expr,
			    k == COL_CARRY ? FS_FIRST : 0, err, sizeof(err))) < 0)
				cli_usage("%s: %s", cols[k][i].expr, err);
			else
				cli_explain(fs, cols[k][i].field,
				    cols[k][i].expr);

	keys = dtab_new(sizeof(struct sess *));
	if (cli.sorted)
		sorted_init(&sorted);
}

/* The input's end: save the open sessions (--state), or write them. */
static void
finish(void)
{
	if (cli.state != NULL && !flush_all) {
		save_state();
		return;
	}
	flush_sessions();
	if (cli.state != NULL)
		save_state();
}

static void
cleanup(void)
{
	heap_drain();
	while (nbatch > 0)
		sess_release(batch[--nbatch]);
	for (size_t i = 0; i < nslabs; i++) {
		for (size_t j = 0; j < SLAB; j++)
			if (slabs[i][j].foff != NULL)
				sess_destroy(&slabs[i][j]);
		free(slabs[i]);
	}
	free(slabs);
	free(heap);
	free(batch);
	free(order);
	dtab_free(keys);
	sorted_free(&sorted);
	for (int k = 0; k < NCOLKINDS; k++) {
		for (size_t i = 0; i < ncols[k]; i++)
			free(cols[k][i].name);
		free(cols[k]);
	}
	buf_free(&scratch);
	buf_free(&scratch2);
	fs_free(fs);
}

/* ------------------------------------------------------------ options */

static void
option(int id, const char *arg)
{
	switch (id) {
	case O_BUCKET:
		bucket = cli_arg_period(arg, 1);
		break;
	case O_CARRY:
		add_column(COL_CARRY, arg);
		break;
	case O_COLLECT:
		add_column(COL_COLLECT, arg);
		break;
	case O_DISTINCT:
		add_column(COL_DISTINCT, arg);
		break;
	case O_FLUSH:
		flush_all = 1;
		break;
	case O_GAP:
		gap = cli_arg_duration(arg);
		break;
	case O_KEY:
		key_expr = arg;
		break;
	case O_LATENESS:
		lateness = cli_arg_duration(arg);
		break;
	case O_TIME:
		time_expr = arg;
		break;
	case O_UNTIL:
		until = cli_arg_time(arg);
		has_until = 1;
		break;
	}
}

/*
 * [NAME=]EXPR.  Without NAME, a plain path names the column after its last
 * member (.geo.asn: "asn"); --distinct appends "_distinct" and --collect
 * "_values", so that one field can be carried, counted and listed at once.
 */
static void
add_column(int kind, const char *arg)
{
	static const char *fixed[] = { "key", "start", "end", "duration", "buckets", "events", "open" };
	static const char *suffix[NCOLKINDS] = { "", "_distinct", "_values" };
	size_t i;
	int j;
	struct column *c;
	char *full = cli_arg_column(arg, suffix[kind], &arg);

	for (i = 0; i < LEN(fixed); i++)
		if (strcmp(full, fixed[i]) == 0)
			cli_usage("%s: the column name \"%s\" is taken; use NAME=EXPR", arg, full);
	for (j = 0; j < NCOLKINDS; j++)
		for (i = 0; i < ncols[j]; i++)
			if (strcmp(full, cols[j][i].name) == 0)
				cli_usage("%s: the column name \"%s\" is given twice; use NAME=EXPR",
				    arg, full);
	cols[kind] = xreallocarray(cols[kind], ncols[kind] + 1,
	    sizeof(*cols[kind]));
	c = &cols[kind][ncols[kind]++];
	c->name = full;
	c->expr = arg;
	c->field = -1;
}

/* ------------------------------------------------------------ state */

/*
 * The payload: little-endian u64s and length-prefixed byte strings.
 *   options: a count, then name/value string pairs; a state written with
 *            other options is refused, naming the first that differs;
 *   have_newest, newest, seq, the number of sessions;
 *   per session (sorted by key digest, then start): key digest (2 u64),
 *            start, end, events, buckets, ftime, fseq, the occupied
 *            buckets, the first-event texts (key, carries), and per set
 *            its members (digest and, for --collect, text).
 */
/* The options a state depends on, as name/value pairs. */
static void
options_pairs(struct buf *b)
{
	static struct buf v;
	size_t i, n = 0;
	int k;
	static const char *kname[NCOLKINDS] = { "carry", "distinct", "collect" };
	struct buf body = { 0 };

#define PAIR(name) do { state_put_bytes(&body, name, strlen(name)); \
	state_put_bytes(&body, v.p, v.len); n++; buf_reset(&v); } while (0)
	buf_reset(&v);
	period_put(&v, &bucket);
	PAIR("bucket");
	dur_put_seconds(&v, gap);
	buf_addc(&v, 's');
	PAIR("gap");
	dur_put_seconds(&v, lateness);
	buf_addc(&v, 's');
	PAIR("lateness");
	ts_put_rfc3339(&v, cli.origin);
	PAIR("origin");
	buf_adds(&v, key_expr);
	PAIR("key");
	buf_adds(&v, time_expr);
	PAIR("time");
	buf_addf(&v, "%d", (int)cli.time_unit);
	PAIR("time-unit");
	if (cli.shard_n)
		buf_addf(&v, "%u/%u", cli.shard_k, cli.shard_n);
	PAIR("shard");
	for (k = 0; k < NCOLKINDS; k++) {
		for (i = 0; i < ncols[k]; i++) {
			if (i > 0)
				buf_addc(&v, ' ');
			buf_addf(&v, "%s=%s", cols[k][i].name, cols[k][i].expr);
		}
		PAIR(kname[k]);
	}
#undef PAIR
	state_put_u64(b, n);
	buf_add(b, body.p, body.len);
	buf_free(&body);
	buf_free(&v);
}

static int
cmp_save(const void *a, const void *b)
{
	const struct sess *x = *(struct sess *const *)a, *y = *(struct sess *const *)b;

	if (x->kd.lo != y->kd.lo)
		return x->kd.lo < y->kd.lo ? -1 : 1;
	if (x->kd.hi != y->kd.hi)
		return x->kd.hi < y->kd.hi ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int
save_state(void)
{
	struct buf b = { 0 };
	size_t i, j;
	int64_t fl = floor_now();
	struct sess *s;
	const struct vset *v;
	char err[512];
	int rc;

	options_pairs(&b);
	state_put_u64(&b, (uint64_t)have_newest);
	state_put_u64(&b, (uint64_t)newest);
	state_put_u64(&b, seq);
	/* The sessions move from the heap to the batch, sorted, and are
	 * released by the caller. */
	heap_drain();
	if (nbatch > 1)
		qsort(batch, nbatch, sizeof(*batch), cmp_save);
	state_put_u64(&b, nbatch);
	for (i = 0; i < nbatch; i++) {
		s = batch[i];
		occ_prune(s, fl);
		state_put_u64(&b, s->kd.lo);
		state_put_u64(&b, s->kd.hi);
		state_put_u64(&b, (uint64_t)s->start);
		state_put_u64(&b, (uint64_t)s->end);
		state_put_u64(&b, s->events);
		state_put_u64(&b, s->buckets);
		state_put_u64(&b, (uint64_t)s->ftime);
		state_put_u64(&b, s->fseq);
		state_put_u64(&b, s->nocc);
		for (j = 0; j < s->nocc; j++)
			state_put_u64(&b, (uint64_t)s->occ[j]);
		for (j = 0; j <= ncols[COL_CARRY]; j++)
			state_put_bytes(&b, s->first.p + s->foff[j],
			    s->foff[j + 1] - s->foff[j]);
		for (j = 0; j < nsets(); j++) {
			size_t m;

			v = &s->sets[j];
			state_put_u64(&b, v->n);
			for (m = 0; m < v->n; m++) {
				state_put_u64(&b, v->d[m].lo);
				state_put_u64(&b, v->d[m].hi);
				if (set_keeps_text(j))
					state_put_bytes(&b, v->text.p + v->off[m], v->off[m + 1] - v->off[m]);
			}
		}
	}
	rc = state_save(cli.state, "sessionize", STATE_VERSION, b.p, b.len, err,
	    sizeof(err));
	buf_free(&b);
	if (rc < 0) {
		cli_error("%s", err);
		return -1;
	}
	nsaved = nbatch;
	return 0;
}

static int
valid_json(const char *p, size_t n)
{
	return n > 0 && json_skip(p, n) == n;
}

/*
 * A loaded session must be one this program could have saved: its texts
 * JSON, its key the one its digest says, its counts and times coherent,
 * and more than the gap away from the other sessions of its key.  A
 * checksum catches damage; this catches a payload written wrongly.
 */
static int
loaded_ok(const struct sess *s)
{
	const struct sess *p, *prev = NULL;
	size_t i, j;
	const struct vset *v;

	for (i = 0; i <= ncols[COL_CARRY]; i++)
		if (!valid_json(s->first.p + s->foff[i],
		    s->foff[i + 1] - s->foff[i]))
			return 0;
	if (!digest_eq(json_digest(s->first.p, s->foff[1], &scratch), s->kd))
		return 0;
	if (s->events == 0 || s->buckets == 0 || s->buckets > s->events ||
	    s->start > s->end ||
	    (!(bucket.kind == PERIOD_FIXED && bucket.width == 0) &&
	    s->start == s->end) ||
	    s->ftime < s->start || s->ftime > s->end || s->fseq >= seq)
		return 0;
	for (i = 0; i < s->nocc; i++)
		if (s->occ[i] < s->start || s->occ[i] > s->end ||
		    (i > 0 && s->occ[i] <= s->occ[i - 1]))
			return 0;
	for (i = 0; i < nsets(); i++) {
		v = &s->sets[i];
		if (set_keeps_text(i))
			for (j = 0; j < v->n; j++)
				if (!valid_json(v->text.p + v->off[j],
				    v->off[j + 1] - v->off[j]))
					return 0;
	}
	for (p = *(struct sess **)dtab_get(keys, s->kd); p != NULL; prev = p, p = p->next)
		if (p == s)
			break;
	if (prev != NULL && ssub(s->start, prev->end) <= gap)
		return 0;
	if (s->next != NULL && ssub(s->next->start, s->end) <= gap)
		return 0;
	return 1;
}

/* Compare the options of the state (r) with this run's: 0, or -1 with
 * the first that differs named. */
static int
load_options(struct state_reader *r)
{
	struct buf minebuf = { 0 };
	struct state_reader mine;
	uint64_t ntheirs, nmine;
	size_t namelen, theirlen, minenamelen, minelen;
	const char *name, *theirs, *minev;
	int rc = 0;

	options_pairs(&minebuf);
	state_reader_init(&mine, minebuf.p, minebuf.len);
	ntheirs = state_get_u64(r);
	nmine = state_get_u64(&mine);
	for (uint64_t i = 0; i < ntheirs && i < nmine && !r->bad; i++) {
		name = state_get_bytes(r, &namelen);
		theirs = state_get_bytes(r, &theirlen);
		state_get_bytes(&mine, &minenamelen);
		minev = state_get_bytes(&mine, &minelen);
		if (!r->bad && (theirlen != minelen ||
		    memcmp(theirs, minev, theirlen) != 0)) {
			cli_error("%s: written with --%.*s %.*s, not %.*s"
			    " (a state is read with the options that wrote it)",
			    cli.state, (int)namelen, name,
			    theirlen ? (int)theirlen : 6, theirlen ? theirs : "(none)",
			    minelen ? (int)minelen : 6, minelen ? minev : "(none)");
			rc = -1;
			break;
		}
	}
	if (rc == 0 && !r->bad && ntheirs != nmine) {
		cli_error("%s: written with other options", cli.state);
		rc = -1;
	}
	buf_free(&minebuf);
	return rc;
}

/* One saved session, or NULL when the payload is short. */
static struct sess *
load_session(struct state_reader *r)
{
	struct sess *s = sess_new();
	uint64_t nocc;
	size_t len;
	const char *text;

	s->kd.lo = state_get_u64(r);
	s->kd.hi = state_get_u64(r);
	s->start = (int64_t)state_get_u64(r);
	s->end = (int64_t)state_get_u64(r);
	s->events = state_get_u64(r);
	s->buckets = state_get_u64(r);
	s->ftime = (int64_t)state_get_u64(r);
	s->fseq = state_get_u64(r);
	nocc = state_get_u64(r);
	if (nocc > (r->n - r->off) / 8)
		r->bad = 1;
	for (uint64_t i = 0; i < nocc && !r->bad; i++)
		occ_insert(s, s->nocc, (int64_t)state_get_u64(r));
	s->foff[0] = 0;
	for (size_t i = 0; i <= ncols[COL_CARRY]; i++) {
		text = state_get_bytes(r, &len);
		buf_add(&s->first, text, len);
		s->foff[i + 1] = s->first.len;
	}
	for (size_t i = 0; i < nsets() && !r->bad; i++) {
		uint64_t nmembers = state_get_u64(r);
		struct digest d;

		for (uint64_t m = 0; m < nmembers && !r->bad; m++) {
			d.lo = state_get_u64(r);
			d.hi = state_get_u64(r);
			text = "";
			len = 0;
			if (set_keeps_text(i))
				text = state_get_bytes(r, &len);
			if (!r->bad)
				vset_add(&s->sets[i], d, text, len,
				    set_keeps_text(i));
		}
	}
	if (r->bad) {
		sess_release(s);
		return NULL;
	}
	return s;
}

static int
load_state(void)
{
	struct buf payload = { 0 };
	char err[512];
	struct state_reader r;
	uint64_t nsess;
	struct sess *s;
	int rc;

	rc = state_load(cli.state, "sessionize", STATE_VERSION, &payload, err,
	    sizeof(err));
	if (rc <= 0) {
		buf_free(&payload);
		if (rc < 0)
			cli_error("%s", err);
		return rc;
	}
	state_reader_init(&r, payload.p, payload.len);
	if (load_options(&r) < 0) {
		buf_free(&payload);
		return -1;
	}
	have_newest = (int)state_get_u64(&r);
	newest = (int64_t)state_get_u64(&r);
	seq = state_get_u64(&r);
	gnewest = newest;
	have_gnewest = have_newest;
	nsess = state_get_u64(&r);
	for (uint64_t i = 0; i < nsess && !r.bad; i++) {
		if ((s = load_session(&r)) == NULL)
			break;
		key_link(s);
		heap_push(s);
		if (!loaded_ok(s)) {
			r.bad = 1;
			break;
		}
	}
	buf_free(&payload);
	if (r.bad || r.off != r.n) {
		cli_error("%s: malformed session data (damaged state file)",
		    cli.state);
		return -1;
	}
	return 1;
}
