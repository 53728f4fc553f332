/* iptable.c: the lookup structure over IP ranges (iptable.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iptable.h"
#include "util.h"

struct range {
	struct ip lo, hi;
	uint32_t row, scope;
	int v6;
};

/* A scope's segments: [off, off + n) of the global arrays of its family. */
struct sub {
	uint32_t v4off, v4n;
	uint32_t v6off, v6n;
	struct idx *idx;	/* 65537 entries (segments relative to v4off), or NULL */
};

/* A segment: where it starts and its winning row, side by side so that
 * the last probe of a search has the answer in the same cache line. */
struct seg4 {
	uint32_t start;
	uint32_t row;
};

struct seg6 {
	struct ip start;
	uint32_t row;
};

/*
 * The IPv4 index of a scope, per block of 65536 addresses: the segment
 * holding the block's first address and, when one segment holds the whole
 * block, its row, so that most lookups read nothing but this entry.
 */
struct idx {
	uint32_t first;
	uint32_t row;		/* IDX_MULTI when the block has several segments */
};

#define IDX_MULTI (UINT32_MAX - 1)

struct iptable {
	struct range *r;
	size_t nr, rcap, nranges;
	int built, all;
	/* segments of every scope, and with IPT_ALL, where each one's list starts */
	struct seg4 *s4;
	uint32_t *s4all;
	size_t n4, cap4;
	struct seg6 *s6;
	uint32_t *s6all;
	size_t n6, cap6;
	/* the lists, one array per family so that a family's lists are contiguous */
	uint32_t *all4, *all6;
	size_t nall4, capall4, nall6, capall6;
	struct sub *subs;
	size_t nsubs;
	size_t idxcount;
};

/* Scopes with fewer IPv4 segments than this are searched without an index. */
#define IDX_MIN 1024

struct iptable *
ipt_new(void)
{
	return xcalloc(1, sizeof(struct iptable));
}

void
ipt_free(struct iptable *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nsubs; i++)
		free(t->subs[i].idx);
	free(t->subs);
	free(t->r);
	free(t->s4);
	free(t->s4all);
	free(t->s6);
	free(t->s6all);
	free(t->all4);
	free(t->all6);
	free(t);
}

void
ipt_add(struct iptable *t, uint32_t row, uint32_t scope, struct ip lo,
    struct ip hi)
{
	if (t->nr == t->rcap) {
		t->rcap = t->rcap ? 2 * t->rcap : 1024;
		t->r = xreallocarray(t->r, t->rcap, sizeof(*t->r));
	}
	struct range *g = &t->r[t->nr++];
	g->lo = lo;
	g->hi = hi;
	g->row = row;
	g->scope = scope;
	g->v6 = !(ip_is_v4(lo) && ip_is_v4(hi));
	t->nranges++;
}

static int
range_order(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->scope != y->scope)
		return x->scope < y->scope ? -1 : 1;
	if (x->v6 != y->v6)
		return x->v6 - y->v6;
	int c = ip_cmp(x->lo, y->lo);
	if (c)
		return c;
	return x->row < y->row ? -1 : x->row > y->row;
}

static struct ip
ip_sub(struct ip a, struct ip b)
{
	struct ip d;

	d.lo = a.lo - b.lo;
	d.hi = a.hi - b.hi - (a.lo < b.lo);
	return d;
}

/* 1 when range x beats range y: narrower, then later start, then lower row. */
static int
range_beats(const struct range *x, const struct range *y)
{
	int c = ip_cmp(ip_sub(x->hi, x->lo), ip_sub(y->hi, y->lo));

	if (c)
		return c < 0;
	c = ip_cmp(x->lo, y->lo);
	if (c)
		return c > 0;
	return x->row < y->row;
}

/* A heap of range indices, best on top. */
struct heap {
	const struct range *r;
	uint32_t *h;
	size_t n;
};

static void
heap_push(struct heap *hp, uint32_t x)
{
	size_t i = hp->n++;

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!range_beats(&hp->r[x], &hp->r[hp->h[parent]]))
			break;
		hp->h[i] = hp->h[parent];
		i = parent;
	}
	hp->h[i] = x;
}

static void
heap_pop(struct heap *hp)
{
	uint32_t x = hp->h[--hp->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= hp->n)
			break;
		if (c + 1 < hp->n &&
		    range_beats(&hp->r[hp->h[c + 1]], &hp->r[hp->h[c]]))
			c++;
		if (!range_beats(&hp->r[hp->h[c]], &hp->r[x]))
			break;
		hp->h[i] = hp->h[c];
		i = c;
	}
	if (hp->n > 0)
		hp->h[i] = x;
}

/* Append one segment of family v6 starting at p. */
static void
emit(struct iptable *t, int v6, struct ip p, const uint32_t *rows, size_t n)
{
	uint32_t w = n ? rows[0] : IPT_NONE;

	if (!v6) {
		if (t->n4 == t->cap4) {
			t->cap4 = t->cap4 ? 2 * t->cap4 : 1024;
			t->s4 = xreallocarray(t->s4, t->cap4, sizeof(*t->s4));
			if (t->all)
				t->s4all = xreallocarray(t->s4all, t->cap4 + 1,
				    sizeof(*t->s4all));
		}
		t->s4[t->n4].start = ip_v4(p);
		t->s4[t->n4].row = w;
		if (t->all)
			t->s4all[t->n4] = (uint32_t)t->nall4;
		t->n4++;
	} else {
		if (t->n6 == t->cap6) {
			t->cap6 = t->cap6 ? 2 * t->cap6 : 1024;
			t->s6 = xreallocarray(t->s6, t->cap6, sizeof(*t->s6));
			if (t->all)
				t->s6all = xreallocarray(t->s6all, t->cap6 + 1,
				    sizeof(*t->s6all));
		}
		t->s6[t->n6].start = p;
		t->s6[t->n6].row = w;
		if (t->all)
			t->s6all[t->n6] = (uint32_t)t->nall6;
		t->n6++;
	}
	if (t->all) {
		uint32_t **list = v6 ? &t->all6 : &t->all4;
		size_t *len = v6 ? &t->nall6 : &t->nall4, *cap = v6 ? &t->capall6 : &t->capall4;
		if (*len + n > *cap) {
			while (*len + n > *cap)
				*cap = *cap ? 2 * *cap : 1024;
			*list = xreallocarray(*list, *cap, sizeof(**list));
		}
		if (n > 0)
			memcpy(*list + *len, rows, n * sizeof(*rows));
		*len += n;
	}
}

/*
 * The winner sweep over r[0..n) (one scope and family, sorted by start):
 * the winner changes only where a range starts or where the current winner
 * ends, so the heap holds the candidates and drops ended ones lazily.
 */
static void
sweep_best(struct iptable *t, const struct range *r, size_t n, int v6,
    struct ip fmin, struct ip fmax, uint32_t *heapmem)
{
	struct heap hp = { r, heapmem, 0 };
	struct ip p = fmin;
	uint32_t prev = 0;
	size_t i = 0;
	int first = 1;

	for (;;) {
		while (i < n && ip_cmp(r[i].lo, p) <= 0)
			heap_push(&hp, (uint32_t)i++);
		while (hp.n > 0 && ip_cmp(r[hp.h[0]].hi, p) < 0)
			heap_pop(&hp);
		uint32_t w = hp.n ? r[hp.h[0]].row : IPT_NONE;
		if (first || w != prev)
			emit(t, v6, p, &w, w == IPT_NONE ? 0 : 1);
		first = 0;
		prev = w;

		int have = 0;
		struct ip next = fmax;
		if (i < n) {
			next = r[i].lo;
			have = 1;
		}
		if (hp.n > 0 && ip_cmp(r[hp.h[0]].hi, fmax) < 0) {
			struct ip e = ip_next(r[hp.h[0]].hi);
			if (!have || ip_cmp(e, next) < 0)
				next = e;
			have = 1;
		}
		if (!have)
			break;
		p = next;
	}
}

/*
 * The every-match sweep: the set of ranges holding an address changes at
 * every start and every end, so it keeps the active ranges in an array
 * sorted best first (tables nest a few deep, so the array stays short).
 */
static void
sweep_all(struct iptable *t, const struct range *r, size_t n, int v6,
    struct ip fmin, struct ip fmax, uint32_t *act, uint32_t *rows)
{
	struct ip p = fmin;
	size_t i = 0, na = 0, nprev = 0;
	int first = 1;
	uint32_t *prev = rows + n;	/* the second half of rows[2n] */

	for (;;) {
		size_t k = 0;
		for (size_t j = 0; j < na; j++)
			if (ip_cmp(r[act[j]].hi, p) >= 0)
				act[k++] = act[j];
		na = k;
		while (i < n && ip_cmp(r[i].lo, p) <= 0) {
			/* Insertion keeps act sorted best first. */
			size_t j = na++;
			while (j > 0 && range_beats(&r[i], &r[act[j - 1]])) {
				act[j] = act[j - 1];
				j--;
			}
			act[j] = (uint32_t)i++;
		}
		for (size_t j = 0; j < na; j++)
			rows[j] = r[act[j]].row;
		if (first || na != nprev ||
		    memcmp(rows, prev, na * sizeof(*rows)) != 0) {
			emit(t, v6, p, rows, na);
			memcpy(prev, rows, na * sizeof(*rows));
			nprev = na;
		}
		first = 0;

		int have = 0;
		struct ip next = fmax;
		if (i < n) {
			next = r[i].lo;
			have = 1;
		}
		for (size_t j = 0; j < na; j++) {
			if (ip_cmp(r[act[j]].hi, fmax) < 0) {
				struct ip e = ip_next(r[act[j]].hi);
				if (!have || ip_cmp(e, next) < 0)
					next = e;
				have = 1;
			}
		}
		if (!have)
			break;
		p = next;
	}
}

static void
build_index(struct iptable *t, struct sub *s)
{
	const struct seg4 *st = t->s4 + s->v4off;
	size_t j = 0;

	s->idx = xreallocarray(NULL, 65537, sizeof(*s->idx));
	for (uint32_t h = 0; h < 65536; h++) {
		uint32_t a = h << 16;
		while (j + 1 < s->v4n && st[j + 1].start <= a)
			j++;
		s->idx[h].first = (uint32_t)j;
	}
	s->idx[65536].first = s->v4n - 1;
	s->idx[65536].row = IDX_MULTI;
	for (uint32_t h = 0; h < 65536; h++)
		s->idx[h].row = s->idx[h].first == s->idx[h + 1].first &&
		    !(h < 65535 && st[s->idx[h].first].start == (h + 1) << 16) ?
		    st[s->idx[h].first].row : IDX_MULTI;
	t->idxcount++;
}

void
ipt_build(struct iptable *t, int flags)
{
	static const struct ip v4min = { 0, UINT64_C(0xffff00000000) };
	static const struct ip v4max = { 0, UINT64_C(0xffffffffffff) };
	static const struct ip v6min = { 0, 0 };
	static const struct ip v6max = { UINT64_MAX, UINT64_MAX };
	uint32_t maxscope = 0;
	size_t i;

	t->all = flags & IPT_ALL;
	t->built = 1;
	/* Tables usually come sorted: check before paying for a sort. */
	for (i = 1; i < t->nr; i++)
		if (range_order(&t->r[i - 1], &t->r[i]) > 0)
			break;
	if (i < t->nr)
		qsort(t->r, t->nr, sizeof(*t->r), range_order);
	for (i = 0; i < t->nr; i++)
		if (t->r[i].scope > maxscope)
			maxscope = t->r[i].scope;
	t->nsubs = t->nr ? (size_t)maxscope + 1 : 0;
	t->subs = xcalloc(t->nsubs ? t->nsubs : 1, sizeof(*t->subs));

	uint32_t *work = xreallocarray(NULL, t->nr ? 3 * t->nr : 1, sizeof(uint32_t));
	for (i = 0; i < t->nr;) {
		size_t j = i;
		struct range *g = &t->r[i];
		struct sub *s = &t->subs[g->scope];

		while (j < t->nr && t->r[j].scope == g->scope &&
		    t->r[j].v6 == g->v6)
			j++;
		if (!g->v6)
			s->v4off = (uint32_t)t->n4;
		else
			s->v6off = (uint32_t)t->n6;
		if (t->all)
			sweep_all(t, g, j - i, g->v6, g->v6 ? v6min : v4min,
			    g->v6 ? v6max : v4max, work, work + (j - i));
		else
			sweep_best(t, g, j - i, g->v6, g->v6 ? v6min : v4min,
			    g->v6 ? v6max : v4max, work);
		if (!g->v6) {
			s->v4n = (uint32_t)(t->n4 - s->v4off);
			if (s->v4n >= IDX_MIN)
				build_index(t, s);
		} else {
			s->v6n = (uint32_t)(t->n6 - s->v6off);
		}
		i = j;
	}
	free(work);
	if (t->all) {
		/* The sentinels end the last segment's list. */
		t->s4all = xreallocarray(t->s4all, t->n4 + 1, sizeof(*t->s4all));
		t->s6all = xreallocarray(t->s6all, t->n6 + 1, sizeof(*t->s6all));
		t->s4all[t->n4] = (uint32_t)t->nall4;
		t->s6all[t->n6] = (uint32_t)t->nall6;
	}
	free(t->r);
	t->r = NULL;
	t->nr = t->rcap = 0;
}

/* The global index of the IPv4 segment holding a, or -1. */
static inline long
seg4(const struct iptable *t, uint32_t scope, uint32_t a)
{
	if (scope >= t->nsubs)
		return -1;
	const struct sub *s = &t->subs[scope];
	if (s->v4n == 0)
		return -1;
	const struct seg4 *base = t->s4 + s->v4off;
	size_t n = s->v4n;
	if (s->idx) {
		base += s->idx[a >> 16].first;
		n = s->idx[(a >> 16) + 1].first - s->idx[a >> 16].first + 1;
	}
	/* Branch-free: the last segment starting at or below a; base[0] does. */
	while (n > 1) {
		size_t half = n / 2;
		base = base[half].start <= a ? base + half : base;
		n -= half;
	}
	return (long)(base - t->s4);
}

static long
seg6(const struct iptable *t, uint32_t scope, struct ip a)
{
	if (scope >= t->nsubs)
		return -1;
	const struct sub *s = &t->subs[scope];
	if (s->v6n == 0)
		return -1;
	const struct seg6 *base = t->s6 + s->v6off;
	size_t n = s->v6n;
	while (n > 1) {
		size_t half = n / 2;
		base = ip_cmp(base[half].start, a) <= 0 ? base + half : base;
		n -= half;
	}
	return (long)(base - t->s6);
}

uint32_t
ipt_find4(const struct iptable *t, uint32_t scope, uint32_t a)
{
	if (scope < t->nsubs && t->subs[scope].idx) {
		uint32_t w = t->subs[scope].idx[a >> 16].row;
		if (w != IDX_MULTI)
			return w;
	}
	long k = seg4(t, scope, a);
	return k < 0 ? IPT_NONE : t->s4[k].row;
}

uint32_t
ipt_find(const struct iptable *t, uint32_t scope, struct ip a)
{
	long k;

	if (ip_is_v4(a))
		return ipt_find4(t, scope, ip_v4(a));
	k = seg6(t, scope, a);
	return k < 0 ? IPT_NONE : t->s6[k].row;
}

size_t
ipt_find_all(const struct iptable *t, uint32_t scope, struct ip a,
    const uint32_t **rows)
{
	long k;
	const uint32_t *off, *list;

	*rows = NULL;
	if (!t->all)
		return 0;
	if (ip_is_v4(a)) {
		k = seg4(t, scope, ip_v4(a));
		off = t->s4all;
		list = t->all4;
	} else {
		k = seg6(t, scope, a);
		off = t->s6all;
		list = t->all6;
	}
	if (k < 0 || off[k + 1] == off[k])
		return 0;
	*rows = list + off[k];
	return off[k + 1] - off[k];
}

size_t
ipt_ranges(const struct iptable *t)
{
	return t->nranges;
}

size_t
ipt_segments(const struct iptable *t)
{
	return t->n4 + t->n6;
}

size_t
ipt_bytes(const struct iptable *t)
{
	size_t per4 = sizeof(struct seg4) + (t->all ? sizeof(uint32_t) : 0);
	size_t per6 = sizeof(struct seg6) + (t->all ? sizeof(uint32_t) : 0);

	return sizeof(*t) + t->cap4 * per4 + t->cap6 * per6 +
	    (t->capall4 + t->capall6) * sizeof(uint32_t) + t->nsubs * sizeof(struct sub) +
	    t->idxcount * 65537 * sizeof(struct idx) + t->rcap * sizeof(struct range);
}
