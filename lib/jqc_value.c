/*
 * jqc_value.c: the compiled evaluator's values (see jqc_int.h): the arena,
 * lazy access to raw values, strings, arrays and objects, jq's order and
 * equality, and jq's dump.
 *
 * jq 1.6 is the reference throughout: jv.c (objects keep the first
 * position and the last value of a repeated key; string order is bytes,
 * then length), jv_aux.c (jv_cmp: NaN sorts as null below the numbers,
 * objects compare their sorted keys first) and jv_print.c (values deeper
 * than 256 levels print as "<stripped: exceeds max depth>").
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqc_int.h"
#include "jscan.h"
#include "utf8.h"

/* ----- arena ----- */

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	/* 16-aligned data follows */
};

#define CHUNK_MIN (64 * 1024)
#define ALIGN16(x) (((x) + 15) & ~(uintptr_t)15)

static void
ar_chunk(struct arena *a, size_t need)
{
	struct arena_chunk **pp = &a->spare, *c;

	while ((c = *pp) != NULL && c->size < need)
		pp = &c->next;
	if (c != NULL) {
		*pp = c->next;
	} else {
		size_t size = need < CHUNK_MIN ? CHUNK_MIN : need;
		c = xmalloc(sizeof *c + 16 + size);
		c->size = size;
	}
	c->next = a->used;
	a->used = c;
	a->cur = (char *)ALIGN16((uintptr_t)(c + 1));
	a->end = a->cur + c->size;
}

void *
ar_alloc(struct arena *a, size_t n)
{
	char *p = (char *)ALIGN16((uintptr_t)a->cur);
	if (a->cur == NULL || p > a->end || (size_t)(a->end - p) < n) {
		ar_chunk(a, n);
		p = a->cur;
	}
	a->cur = p + n;
	return p;
}

char *
ar_copy(struct arena *a, const void *p, size_t n)
{
	char *d = ar_alloc(a, n + 1);
	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

int
ar_extend(struct arena *a, void *p, size_t oldn, size_t newn)
{
	char *c = p;
	if (c + oldn != a->cur || newn > (size_t)(a->end - c))
		return 0;
	a->cur = c + newn;
	return 1;
}

/* Chunks beyond this size are given back after their record: one record
 * that built a huge value must not keep the memory for the rest. */
#define CHUNK_KEEP ((size_t)16 << 20)

void
ar_reset(struct arena *a)
{
	while (a->used != NULL) {
		struct arena_chunk *c = a->used;
		a->used = c->next;
		if (c->size > CHUNK_KEEP) {
			free(c);
			continue;
		}
		c->next = a->spare;
		a->spare = c;
	}
	a->cur = a->end = NULL;
}

void
ar_free(struct arena *a)
{
	ar_reset(a);
	while (a->spare != NULL) {
		struct arena_chunk *c = a->spare;
		a->spare = c->next;
		free(c);
	}
}

/* ----- basics ----- */

const struct jqv jqv_null_v = { .t = J_NULL };
const struct jqv jqv_true_v = { .t = J_TRUE };
const struct jqv jqv_false_v = { .t = J_FALSE };

const char *const jqc_kind_names[] = {
	[J_NULL] = "null", [J_FALSE] = "boolean", [J_TRUE] = "boolean",
	[J_NUMBER] = "number", [J_STRING] = "string", [J_ARRAY] = "array",
	[J_OBJECT] = "object",
};

struct jqv
jqv_raw(const char *p, size_t n)
{
	struct jqv v = { .raw = 1, .n = n, .u.p = p };
	v.t = jscan_kind(p, n);
	if (v.t == J_NUMBER)
		v.num = json_number(p, n);
	return v;
}

/* ----- strings ----- */

/* Facts about a raw string's body (see SF_*). */
static unsigned
str_facts(const char *b, size_t n)
{
	int bs = 0, high = 0, ctl = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (c == '\\')
			bs = 1;
		else if (c >= 0x80)
			high = 1;
		else if (c < 0x20 || c == 0x7f)
			ctl = 1;
	}
	unsigned f = SF_KNOWN;
	if (!bs && (!high || utf8_valid(b, n))) {
		f |= SF_BYTES;
		if (!ctl)
			f |= SF_TEXT;
	}
	return f;
}

static unsigned
str_flags(const struct jqv *v)
{
	if (v->sf & SF_KNOWN)
		return v->sf;
	return str_facts(v->u.p + 1, v->n - 2);
}

void
str_get(struct jqc_eval *ev, const struct jqv *v, const char **p, size_t *n)
{
	if (!v->raw) {
		*p = v->u.p;
		*n = v->n;
		return;
	}
	const char *b = v->u.p + 1;
	size_t bn = v->n - 2;
	if (str_flags(v) & SF_BYTES) {
		*p = b;
		*n = bn;
		return;
	}
	buf_reset(&ev->dec);
	jscan_decode(&ev->dec, b, bn);
	*p = ar_copy(&ev->ar, ev->dec.p, ev->dec.len);
	*n = ev->dec.len;
}

struct jqv
str_make(struct jqc_eval *ev, const char *p, size_t n)
{
	if (utf8_valid(p, n))
		return jqv_str(ar_copy(&ev->ar, p, n), n);
	buf_reset(&ev->dec);
	buf_add(&ev->dec, p, n);
	utf8_fix(&ev->dec, 0);
	return jqv_str(ar_copy(&ev->ar, ev->dec.p, ev->dec.len), ev->dec.len);
}

struct jqv
str_lit(const char *s)
{
	return jqv_str(s, strlen(s));
}

struct jqv
str_concat(struct jqc_eval *ev, const struct jqv *a, const char *p, size_t n)
{
	const char *ap;
	size_t an;
	str_get(ev, a, &ap, &an);
	if (n == 0)
		return jqv_str(ap, an);
	if (!a->raw && an > 0 && ar_extend(&ev->ar, (void *)ap, an, an + n)) {
		memmove((char *)ap + an, p, n);
		return jqv_str(ap, an + n);
	}
	char *d = ar_alloc(&ev->ar, an + n);
	memcpy(d, ap, an);
	memcpy(d + an, p, n);
	return jqv_str(d, an + n);
}

size_t
utf8_count(const char *p, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)p[i] & 0xC0) != 0x80;
	return c;
}

/* ----- arrays ----- */

#define WSKIP(p, end) do { \
	while ((p) < (end) && jscan_isws((unsigned char)*(p))) \
		(p)++; \
} while (0)

void
arr_it_init(struct arr_it *it, const struct jqv *v)
{
	it->v = v;
	it->i = 0;
	if (v->raw) {
		it->end = v->u.p + v->n - 1;	/* at ']' */
		it->p = v->u.p + 1;
		WSKIP(it->p, it->end);
	}
}

int
arr_it_next(struct arr_it *it, struct jqv *x)
{
	if (!it->v->raw) {
		if (it->i >= it->v->n)
			return 0;
		*x = it->v->u.a->v[it->i++];
		return 1;
	}
	const char *p = it->p;
	if (p >= it->end)
		return 0;
	const char *e = jscan_skip(p, it->end);
	*x = jqv_raw(p, (size_t)(e - p));
	WSKIP(e, it->end);
	if (e < it->end && *e == ',') {
		e++;
		WSKIP(e, it->end);
	}
	it->p = e;
	it->i++;
	return 1;
}

size_t
arr_len(const struct jqv *v)
{
	if (!v->raw)
		return v->n;
	struct arr_it it;
	struct jqv x;
	size_t n = 0;
	arr_it_init(&it, v);
	while (arr_it_next(&it, &x))
		n++;
	return n;
}

struct jqv
arr_get(const struct jqv *v, size_t i)
{
	if (!v->raw)
		return v->u.a->v[i];
	struct arr_it it;
	struct jqv x = jqv_null_v;
	arr_it_init(&it, v);
	for (size_t k = 0; k <= i; k++)
		if (!arr_it_next(&it, &x))
			return jqv_null_v;
	return x;
}

struct jqv
arr_make(struct jqc_eval *ev, size_t n)
{
	if (n < 4)
		n = 4;
	struct jqarr *a = ar_alloc(&ev->ar, sizeof *a + n * sizeof a->v[0]);
	a->used = 0;
	a->cap = n;
	struct jqv v = { .t = J_ARRAY, .u.a = a };
	return v;
}

struct jqv
arr_push(struct jqc_eval *ev, const struct jqv *a, const struct jqv *x)
{
	if (!a->raw) {
		struct jqarr *s = a->u.a;
		if (a->n == s->used && s->used < s->cap) {
			s->v[s->used++] = *x;
			struct jqv r = *a;
			r.n++;
			return r;
		}
	}
	size_t n = arr_len(a);
	struct jqv r = arr_make(ev, 2 * (n + 1));
	struct jqarr *s = r.u.a;
	if (a->raw) {
		struct arr_it it;
		arr_it_init(&it, a);
		while (arr_it_next(&it, &s->v[s->used]))
			s->used++;
	} else {
		memcpy(s->v, a->u.a->v, n * sizeof s->v[0]);
		s->used = n;
	}
	s->v[s->used++] = *x;
	r.n = s->used;
	return r;
}

struct jqv
arr_built(struct jqc_eval *ev, const struct jqv *v)
{
	if (!v->raw)
		return *v;
	size_t n = arr_len(v);
	struct jqv r = arr_make(ev, n);
	struct arr_it it;
	arr_it_init(&it, v);
	while (arr_it_next(&it, &r.u.a->v[r.n]))
		r.n++;
	r.u.a->used = r.n;
	return r;
}

/* ----- objects ----- */

struct jqv
obj_make(struct jqc_eval *ev, size_t n)
{
	if (n < 4)
		n = 4;
	struct jqobj *o = ar_alloc(&ev->ar, sizeof *o + n * sizeof o->m[0]);
	o->used = 0;
	o->cap = n;
	struct jqv v = { .t = J_OBJECT, .u.o = o };
	return v;
}

static int
has_high(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/* The decoded bytes of a raw key body kb[0..kl) (esc: holds escapes). */
static void
key_decode(struct jqc_eval *ev, const char *kb, size_t kl, int esc,
    const char **k, size_t *kn)
{
	if (!esc && (!has_high(kb, kl) || utf8_valid(kb, kl))) {
		*k = kb;
		*kn = kl;
		return;
	}
	buf_reset(&ev->dec);
	jscan_decode(&ev->dec, kb, kl);
	*k = ar_copy(&ev->ar, ev->dec.p, ev->dec.len);
	*kn = ev->dec.len;
}

static uint64_t
key_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

/* Members of a raw object at p[0..n), in text order, keys decoded. */
struct rawmem {
	const char *k;
	size_t kn;
	struct jqv v;
};

static size_t
raw_members(struct jqc_eval *ev, const struct jqv *v, struct rawmem **out)
{
	const char *p = v->u.p + 1, *end = v->u.p + v->n - 1;
	size_t n = 0, cap = 8;
	struct rawmem *m = ar_alloc(&ev->ar, cap * sizeof *m);
	struct jscan_err e;

	WSKIP(p, end);
	while (p < end) {
		int esc = 0;
		const char *kb = p + 1;
		const char *q = jscan_string(kb, end + 1, &esc, &e);
		if (n == cap) {
			struct rawmem *nm = ar_alloc(&ev->ar, 2 * cap * sizeof *m);
			memcpy(nm, m, n * sizeof *m);
			m = nm;
			cap *= 2;
		}
		key_decode(ev, kb, (size_t)(q - 1 - kb), esc, &m[n].k, &m[n].kn);
		p = q;
		WSKIP(p, end);
		p++;		/* ':' */
		WSKIP(p, end);
		q = jscan_skip(p, end);
		m[n].v = jqv_raw(p, (size_t)(q - p));
		n++;
		p = q;
		WSKIP(p, end);
		if (p < end && *p == ',') {
			p++;
			WSKIP(p, end);
		}
	}
	*out = m;
	return n;
}

struct jqv
obj_built(struct jqc_eval *ev, const struct jqv *v)
{
	if (!v->raw)
		return *v;
	struct rawmem *m;
	size_t n = raw_members(ev, v, &m);
	struct jqv r = obj_make(ev, n);
	struct jqobj *o = r.u.o;

	if (n <= 16) {
		for (size_t i = 0; i < n; i++) {
			size_t j;
			for (j = 0; j < o->used; j++)
				if (o->m[j].kn == m[i].kn &&
				    memcmp(o->m[j].k, m[i].k, m[i].kn) == 0)
					break;
			if (j == o->used) {
				o->m[j].k = m[i].k;
				o->m[j].kn = m[i].kn;
				o->used++;
			}
			o->m[j].v = m[i].v;
		}
	} else {
		size_t size = 32;
		while (size < 2 * n)
			size *= 2;
		size_t *tab = ar_alloc(&ev->ar, size * sizeof *tab);
		memset(tab, 0xff, size * sizeof *tab);
		for (size_t i = 0; i < n; i++) {
			size_t h = (size_t)key_hash(m[i].k, m[i].kn) & (size - 1);
			size_t j;
			while ((j = tab[h]) != (size_t)-1) {
				if (o->m[j].kn == m[i].kn &&
				    memcmp(o->m[j].k, m[i].k, m[i].kn) == 0)
					break;
				h = (h + 1) & (size - 1);
			}
			if (j == (size_t)-1) {
				j = o->used++;
				tab[h] = j;
				o->m[j].k = m[i].k;
				o->m[j].kn = m[i].kn;
			}
			o->m[j].v = m[i].v;
		}
	}
	r.n = o->used;
	return r;
}

size_t
obj_len(struct jqc_eval *ev, const struct jqv *v)
{
	if (!v->raw)
		return v->n;
	struct jqv b = obj_built(ev, v);
	return b.n;
}

/* Whether U+FFFD occurs in k: only then can a raw key holding invalid
 * UTF-8 (which decodes to U+FFFD) match it. */
static int
has_fffd(const char *k, size_t kn)
{
	for (size_t i = 0; i + 2 < kn; i++)
		if ((unsigned char)k[i] == 0xEF && (unsigned char)k[i + 1] == 0xBF &&
		    (unsigned char)k[i + 2] == 0xBD)
			return 1;
	return 0;
}

int
obj_get(struct jqc_eval *ev, const struct jqv *v, const char *k, size_t kn,
    struct jqv *out)
{
	if (!v->raw) {
		const struct jqobj *o = v->u.o;
		for (size_t i = 0; i < v->n; i++)
			if (o->m[i].kn == kn && memcmp(o->m[i].k, k, kn) == 0) {
				*out = o->m[i].v;
				return 1;
			}
		return 0;
	}
	const char *p = v->u.p + 1, *end = v->u.p + v->n - 1;
	struct jscan_err e;
	int found = 0, fffd = -1;

	WSKIP(p, end);
	while (p < end) {
		int esc = 0;
		const char *kb = p + 1;
		const char *q = jscan_string(kb, end + 1, &esc, &e);
		size_t kl = (size_t)(q - 1 - kb);
		int match;
		if (!esc && kl == kn && (kn == 0 || (kb[0] == k[0] &&
		    memcmp(kb, k, kn) == 0))) {
			match = 1;
		} else if (esc || (has_high(kb, kl) && (fffd < 0 ?
		    (fffd = has_fffd(k, kn)) : fffd))) {
			const char *d;
			size_t dn;
			key_decode(ev, kb, kl, esc, &d, &dn);
			match = dn == kn && memcmp(d, k, kn) == 0;
		} else {
			match = 0;
		}
		p = q;
		WSKIP(p, end);
		p++;
		WSKIP(p, end);
		q = jscan_skip(p, end);
		if (match) {
			*out = jqv_raw(p, (size_t)(q - p));
			found = 1;
		}
		p = q;
		WSKIP(p, end);
		if (p < end && *p == ',') {
			p++;
			WSKIP(p, end);
		}
	}
	return found;
}

struct jqv
obj_set(struct jqc_eval *ev, const struct jqv *o, const char *k, size_t kn,
    const struct jqv *x)
{
	struct jqv b = obj_built(ev, o);
	struct jqobj *s = b.u.o;
	size_t i;

	for (i = 0; i < b.n; i++)
		if (s->m[i].kn == kn && memcmp(s->m[i].k, k, kn) == 0)
			break;
	if (i == b.n && b.n == s->used && s->used < s->cap) {
		s->m[i].k = k;
		s->m[i].kn = kn;
		s->m[i].v = *x;
		s->used++;
		b.n++;
		return b;
	}
	struct jqv r = obj_make(ev, i == b.n ? 2 * (b.n + 1) : b.n);
	memcpy(r.u.o->m, s->m, b.n * sizeof s->m[0]);
	r.n = b.n;
	if (i == b.n) {
		r.u.o->m[i].k = k;
		r.u.o->m[i].kn = kn;
		r.n++;
	}
	r.u.o->m[i].v = *x;
	r.u.o->used = r.n;
	return r;
}

struct jqv
obj_del(struct jqc_eval *ev, const struct jqv *o, const char *k, size_t kn)
{
	struct jqv b = obj_built(ev, o), r = obj_make(ev, b.n);
	for (size_t i = 0; i < b.n; i++) {
		const struct jqmem *m = &b.u.o->m[i];
		if (m->kn == kn && memcmp(m->k, k, kn) == 0)
			continue;
		r.u.o->m[r.n++] = *m;
	}
	r.u.o->used = r.n;
	return r;
}

static int
mem_cmp(const void *x, const void *y)
{
	const struct jqmem *a = *(struct jqmem *const *)x, *b = *(struct jqmem *const *)y;
	return json_bytes_cmp(a->k, a->kn, b->k, b->kn);
}

struct jqmem **
obj_sorted(struct jqc_eval *ev, const struct jqv *o)
{
	struct jqmem **s = ar_alloc(&ev->ar, (o->n + 1) * sizeof *s);
	for (size_t i = 0; i < o->n; i++)
		s[i] = &o->u.o->m[i];
	/* Keys are distinct: the order is total and qsort's choice free. */
	qsort(s, o->n, sizeof *s, mem_cmp);
	return s;
}

/* ----- order and equality ----- */

int
jqv_cmp(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int *bail)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	switch (a->t) {
	case J_NULL: case J_FALSE: case J_TRUE:
		return 0;
	case J_NUMBER: {
		double x = a->num, y = b->num;
		/* jv_cmp: a NaN compares as null, below every number, even
		 * below another NaN. */
		if (x != x || y != y) {
			*bail = 1;
			return x != x ? -1 : 1;
		}
		return x < y ? -1 : x == y ? 0 : 1;
	}
	case J_STRING: {
		const char *p, *q;
		size_t pn, qn;
		str_get(ev, a, &p, &pn);
		str_get(ev, b, &q, &qn);
		return json_bytes_cmp(p, pn, q, qn);
	}
	case J_ARRAY: {
		struct arr_it ia, ib;
		struct jqv x, y;
		arr_it_init(&ia, a);
		arr_it_init(&ib, b);
		for (;;) {
			int ad = !arr_it_next(&ia, &x), bd = !arr_it_next(&ib, &y);
			if (ad || bd)
				return bd - ad;
			int r = jqv_cmp(ev, &x, &y, bail);
			if (r)
				return r;
		}
	}
	case J_OBJECT: {
		struct jqv oa = obj_built(ev, a), ob = obj_built(ev, b);
		struct jqmem **sa = obj_sorted(ev, &oa), **sb = obj_sorted(ev, &ob);
		size_t n = oa.n < ob.n ? oa.n : ob.n;
		for (size_t i = 0; i < n; i++) {
			int r = json_bytes_cmp(sa[i]->k, sa[i]->kn,
			    sb[i]->k, sb[i]->kn);
			if (r)
				return r;
		}
		if (oa.n != ob.n)
			return oa.n < ob.n ? -1 : 1;
		for (size_t i = 0; i < n; i++) {
			int r = jqv_cmp(ev, &sa[i]->v, &sb[i]->v, bail);
			if (r)
				return r;
		}
		return 0;
	}
	}
	return 0;
}

static int
equal(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int nested, int *bail)
{
	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case J_NULL: case J_FALSE: case J_TRUE:
		return 1;
	case J_NUMBER:
		/* jv_equal takes two references to one container as equal
		 * without looking inside, so a NaN inside is equal to itself
		 * there and not elsewhere: libjq must say. */
		if (nested && (a->num != a->num || b->num != b->num))
			*bail = 1;
		return a->num == b->num;
	case J_STRING: {
		if (a->raw && b->raw && a->n == b->n &&
		    (a->u.p == b->u.p || memcmp(a->u.p, b->u.p, a->n) == 0))
			return 1;
		const char *p, *q;
		size_t pn, qn;
		str_get(ev, a, &p, &pn);
		str_get(ev, b, &q, &qn);
		return pn == qn && memcmp(p, q, pn) == 0;
	}
	case J_ARRAY: {
		struct arr_it ia, ib;
		struct jqv x, y;
		if (arr_len(a) != arr_len(b))
			return 0;
		arr_it_init(&ia, a);
		arr_it_init(&ib, b);
		while (arr_it_next(&ia, &x) && arr_it_next(&ib, &y))
			if (!equal(ev, &x, &y, 1, bail))
				return 0;
		return 1;
	}
	case J_OBJECT: {
		struct jqv oa = obj_built(ev, a), ob = obj_built(ev, b);
		if (oa.n != ob.n)
			return 0;
		for (size_t i = 0; i < oa.n; i++) {
			const struct jqmem *m = &oa.u.o->m[i];
			struct jqv y;
			if (!obj_get(ev, &ob, m->k, m->kn, &y))
				return 0;
			if (!equal(ev, &m->v, &y, 1, bail))
				return 0;
		}
		return 1;
	}
	}
	return 0;
}

int
jqv_equal(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int *bail)
{
	return equal(ev, a, b, 0, bail);
}

/* ----- dump ----- */

#define MAX_PRINT_DEPTH 256

static void
dump(struct jqc_eval *ev, struct buf *out, const struct jqv *v, int depth,
    size_t limit)
{
	if (out->len > limit)
		return;
	if (depth > MAX_PRINT_DEPTH) {
		buf_adds(out, "<stripped: exceeds max depth>");
		return;
	}
	switch (v->t) {
	case J_NULL:
		buf_add(out, "null", 4);
		return;
	case J_FALSE:
		buf_add(out, "false", 5);
		return;
	case J_TRUE:
		buf_add(out, "true", 4);
		return;
	case J_NUMBER:
		json_put_double(out, v->num);
		return;
	case J_STRING:
		if (v->raw && (str_flags(v) & SF_TEXT)) {
			buf_add(out, v->u.p, v->n);
		} else {
			const char *p;
			size_t n;
			str_get(ev, v, &p, &n);
			json_put_string(out, p, n);
		}
		return;
	case J_ARRAY: {
		struct arr_it it;
		struct jqv x;
		int first = 1;
		arr_it_init(&it, v);
		buf_addc(out, '[');
		while (arr_it_next(&it, &x) && out->len <= limit) {
			if (!first)
				buf_addc(out, ',');
			first = 0;
			dump(ev, out, &x, depth + 1, limit);
		}
		buf_addc(out, ']');
		return;
	}
	case J_OBJECT: {
		struct jqv o = obj_built(ev, v);
		buf_addc(out, '{');
		for (size_t i = 0; i < o.n && out->len <= limit; i++) {
			const struct jqmem *m = &o.u.o->m[i];
			if (i)
				buf_addc(out, ',');
			json_put_string(out, m->k, m->kn);
			buf_addc(out, ':');
			dump(ev, out, &m->v, depth + 1, limit);
		}
		buf_addc(out, '}');
		return;
	}
	}
}

void
jqv_dump(struct jqc_eval *ev, struct buf *out, const struct jqv *v)
{
	dump(ev, out, v, 0, (size_t)-1);
}

void
jqv_dump_trunc(struct jqc_eval *ev, struct buf *out, const struct jqv *v, size_t bufsize)
{
	size_t from = out->len;
	dump(ev, out, v, 0, from + bufsize);
	if (out->len - from > bufsize - 1) {
		out->len = from + bufsize - 1;
		if (bufsize >= 4)
			memcpy(out->p + out->len - 3, "...", 3);
		out->p[out->len] = '\0';
	}
}
