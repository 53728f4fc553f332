/*
 * vstore.c: exact (id, value) counts in bounded memory, spilled as sorted
 * runs and merged back in order (vstore.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "spill.h"
#include "util.h"
#include "vstore.h"

#define RUN_BUF	512	/* records read at a time from each run */

struct run {
	off_t off, end;		/* the unread part of the run in the file */
	struct vcount *buf;	/* the file's runs: RUN_BUF records; the table's: all */
	size_t i, n;
};

struct vstore {
	size_t hold;
	struct dtab *tab;	/* digest of (id, v) -> struct vcount */
	int fd;			/* the spill file, -1 until the first run */
	off_t size;
	struct run *runs;	/* the file's runs, then the table's last */
	size_t nruns;
	size_t *heap;		/* run indexes, smallest current record first */
	size_t nheap;
	struct vcount *last;	/* the table's entries once reading back */
};

/* Unique for each (id, v): lo is a bijection of v's bits, hi of id, and
 * never both zero (the table's empty mark). */
static struct digest
key(uint32_t id, double v)
{
	uint64_t z;
	struct digest d;

	memcpy(&z, &v, sizeof z);
	d.lo = mix64(z ^ UINT64_C(0x9e3779b97f4a7c15));
	d.hi = (uint64_t)id | UINT64_C(0x8000000000000000);
	return d;
}

static int
rec_cmp(const struct vcount *a, const struct vcount *b)
{
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	/* NaN first, as jq sorts it; vs_add keeps a single NaN. */
	int an = isnan(a->v) != 0, bn = isnan(b->v) != 0;
	if (an || bn)
		return bn - an;
	return (a->v > b->v) - (a->v < b->v);
}

static int
rec_qcmp(const void *a, const void *b)
{
	return rec_cmp(a, b);
}

struct vstore *
vs_new(size_t hold)
{
	struct vstore *vs = xcalloc(1, sizeof *vs);

	vs->hold = hold < 1024 ? 1024 : hold;
	vs->tab = dtab_new(sizeof(struct vcount));
	vs->fd = -1;
	return vs;
}

void
vs_free(struct vstore *vs)
{
	if (vs == NULL)
		return;
	dtab_free(vs->tab);
	if (vs->fd >= 0)
		close(vs->fd);
	for (size_t i = 0; i < vs->nruns; i++)
		if (vs->runs[i].buf != vs->last)
			free(vs->runs[i].buf);
	free(vs->last);
	free(vs->runs);
	free(vs->heap);
	free(vs);
}

size_t
vs_runs(const struct vstore *vs)
{
	return vs->nruns;
}

/* The table's entries, sorted; the table is emptied. */
static struct vcount *
drain(struct vstore *vs, size_t *n)
{
	struct vcount *a = xcalloc(dtab_count(vs->tab) + 1, sizeof *a);
	struct digest k;
	size_t pos = 0;
	void *v;

	*n = 0;
	while (dtab_next(vs->tab, &pos, &k, &v))
		memcpy(&a[(*n)++], v, sizeof *a);
	qsort(a, *n, sizeof *a, rec_qcmp);
	dtab_free(vs->tab);
	vs->tab = dtab_new(sizeof(struct vcount));
	return a;
}

static int
spill(struct vstore *vs, char *err, size_t errlen)
{
	size_t n, done = 0;
	struct vcount *a;

	if (vs->fd < 0 && (vs->fd = spill_open(err, errlen)) < 0)
		return -1;
	a = drain(vs, &n);
	/* Runs are only appended (and read back with pread), so the file's
	 * offset is always vs->size here. */
	done = n * sizeof *a;
	if (spill_write(vs->fd, a, done, err, errlen) < 0) {
		free(a);
		return -1;
	}
	free(a);
	vs->runs = xreallocarray(vs->runs, vs->nruns + 1, sizeof *vs->runs);
	vs->runs[vs->nruns].off = vs->size;
	vs->runs[vs->nruns].end = vs->size + (off_t)done;
	vs->runs[vs->nruns].buf = NULL;
	vs->runs[vs->nruns].i = vs->runs[vs->nruns].n = 0;
	vs->nruns++;
	vs->size += (off_t)done;
	return 0;
}

int
vs_add(struct vstore *vs, uint32_t id, double v, struct xsum count, char *err,
    size_t errlen)
{
	int ins;
	struct vcount *c;

	if (v == 0)
		v = 0;	/* -0 and 0 are one value */
	else if (isnan(v))
		v = NAN;	/* and so are all NaNs, whatever their bits */
	c = dtab_put(vs->tab, key(id, v), &ins);
	if (ins) {
		c->id = id;
		c->v = v;
	}
	xsum_add(&c->count, count);
	if (dtab_count(vs->tab) >= vs->hold)
		return spill(vs, err, errlen);
	return 0;
}

/* Make run r's current record available: 1, 0 when it is done, -1. */
static int
fill(struct vstore *vs, struct run *r, char *err, size_t errlen)
{
	size_t want, got = 0;

	if (r->i < r->n)
		return 1;
	if (r->buf == vs->last || r->off >= r->end)
		return 0;
	want = (size_t)(r->end - r->off);
	if (want > RUN_BUF * sizeof *r->buf)
		want = RUN_BUF * sizeof *r->buf;
	while (got < want) {
		ssize_t n = pread(vs->fd, (char *)r->buf + got, want - got, r->off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "spill file: %s", n < 0 ? strerror(errno) : "truncated");
			return -1;
		}
		got += (size_t)n;
	}
	r->off += (off_t)got;
	r->i = 0;
	r->n = got / sizeof *r->buf;
	return 1;
}

static int
heap_less(const struct vstore *vs, size_t a, size_t b)
{
	const struct run *x = &vs->runs[a], *y = &vs->runs[b];
	int c = rec_cmp(&x->buf[x->i], &y->buf[y->i]);

	return c < 0 || (c == 0 && a < b);
}

static void
sift_down(struct vstore *vs, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < vs->nheap && heap_less(vs, vs->heap[l], vs->heap[m]))
			m = l;
		if (r < vs->nheap && heap_less(vs, vs->heap[r], vs->heap[m]))
			m = r;
		if (m == i)
			return;
		size_t t = vs->heap[i];
		vs->heap[i] = vs->heap[m];
		vs->heap[m] = t;
		i = m;
	}
}

int
vs_rewind(struct vstore *vs, char *err, size_t errlen)
{
	size_t n;

	vs->last = drain(vs, &n);
	vs->runs = xreallocarray(vs->runs, vs->nruns + 1, sizeof *vs->runs);
	for (size_t i = 0; i < vs->nruns; i++) {
		vs->runs[i].buf = xcalloc(RUN_BUF, sizeof *vs->runs[i].buf);
		vs->runs[i].i = vs->runs[i].n = 0;
	}
	vs->runs[vs->nruns].buf = vs->last;
	vs->runs[vs->nruns].i = 0;
	vs->runs[vs->nruns].n = n;
	vs->runs[vs->nruns].off = vs->runs[vs->nruns].end = 0;
	vs->nruns++;
	vs->heap = xcalloc(vs->nruns, sizeof *vs->heap);
	vs->nheap = 0;
	for (size_t i = 0; i < vs->nruns; i++) {
		int r = fill(vs, &vs->runs[i], err, errlen);
		if (r < 0)
			return -1;
		if (r > 0)
			vs->heap[vs->nheap++] = i;
	}
	for (size_t i = vs->nheap; i-- > 0;)
		sift_down(vs, i);
	return 0;
}

/* Take the smallest record off the heap into *out. */
static int
pop(struct vstore *vs, struct vcount *out, char *err, size_t errlen)
{
	struct run *r = &vs->runs[vs->heap[0]];
	int f;

	*out = r->buf[r->i++];
	if ((f = fill(vs, r, err, errlen)) < 0)
		return -1;
	if (f == 0)
		vs->heap[0] = vs->heap[--vs->nheap];
	if (vs->nheap > 0)
		sift_down(vs, 0);
	return 0;
}

int
vs_next(struct vstore *vs, struct vcount *out, char *err, size_t errlen)
{
	struct vcount more;

	if (vs->nheap == 0)
		return 0;
	if (pop(vs, out, err, errlen) < 0)
		return -1;
	/* The same pair may sit in several runs: one answer for all. */
	while (vs->nheap > 0) {
		struct run *r = &vs->runs[vs->heap[0]];
		if (rec_cmp(&r->buf[r->i], out) != 0)
			break;
		if (pop(vs, &more, err, errlen) < 0)
			return -1;
		xsum_add(&out->count, more.count);
	}
	return 1;
}
