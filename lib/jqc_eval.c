/*
 * jqc_eval.c: running a compiled program (see jqc_int.h for the model).
 *
 * Each construct follows the bytecode jq 1.6 compiles it to, because the
 * order of outputs and which error wins are part of the answer:
 *   - binary operators and builtins over values evaluate their last
 *     argument in the outer loop: [(1,2) + (10,20)] is [11,12,21,22];
 *   - object construction takes its pairs in order, key before value,
 *     and checks that a key is a string only when inserting it;
 *   - a // b yields a's truthy outputs, else b's; an error in a is not
 *     caught;
 *   - reduce and foreach load their state with LOADVN: an update that
 *     yields nothing leaves null, one that yields several keeps the last;
 *   - try catches an error raised anywhere while its body's outputs are
 *     being consumed (jq 1.6), and re-raises breaks and errors whose value
 *     is an object with a true "__jq" (gen_try_handler);
 *   - error(null) is not an error but an empty result.
 */
#define _GNU_SOURCE	/* memmem */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqc_int.h"
#include "jscan.h"
#include "utf8.h"

/* ----- conversions as jq's C does them on x86-64 ----- */

int
jq_int(double d)
{
	if (!(d >= -2147483648.0 && d < 2147483648.0))
		return INT_MIN;
	return (int)d;
}

int64_t
jq_intmax(double d)
{
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)d;
}

/* ----- errors ----- */

int
raise_msg(struct jqc_eval *ev)
{
	/* jv_string_fmt makes the message valid UTF-8, as a cut dump may
	 * not be. */
	ev->err = str_make(ev, ev->msg.p, ev->msg.len);
	ev->brk = 0;
	return R_ERR;
}

int
raise_fmt(struct jqc_eval *ev, const char *fmt, ...)
{
	va_list ap;
	buf_reset(&ev->msg);
	va_start(ap, fmt);
	char tmp[512];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof tmp) {
		buf_add(&ev->msg, tmp, (size_t)n);
	} else {
		buf_reserve(&ev->msg, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(ev->msg.p, (size_t)n + 1, fmt, ap);
		va_end(ap);
		ev->msg.len = (size_t)n;
	}
	return raise_msg(ev);
}

int
raise_val(struct jqc_eval *ev, const struct jqv *v)
{
	ev->err = *v;
	ev->brk = 0;
	return R_ERR;
}

int
type_error(struct jqc_eval *ev, const struct jqv *v, const char *msg)
{
	buf_reset(&ev->msg);
	buf_adds(&ev->msg, jqc_kind_names[v->t]);
	buf_adds(&ev->msg, " (");
	jqv_dump_trunc(ev, &ev->msg, v, 15);
	buf_adds(&ev->msg, ") ");
	buf_adds(&ev->msg, msg);
	return raise_msg(ev);
}

int
type_error2(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b,
    const char *msg)
{
	buf_reset(&ev->msg);
	buf_adds(&ev->msg, jqc_kind_names[a->t]);
	buf_adds(&ev->msg, " (");
	jqv_dump_trunc(ev, &ev->msg, a, 15);
	buf_adds(&ev->msg, ") and ");
	buf_adds(&ev->msg, jqc_kind_names[b->t]);
	buf_adds(&ev->msg, " (");
	jqv_dump_trunc(ev, &ev->msg, b, 15);
	buf_adds(&ev->msg, ") ");
	buf_adds(&ev->msg, msg);
	return raise_msg(ev);
}

void
jqc_index_error(struct buf *err, int k, const struct jqc_step *st)
{
	buf_reset(err);
	if (st->index)
		buf_addf(err, "Cannot index %s with number", jqc_kind_names[k]);
	else if (st->nlen < 30)
		buf_addf(err, "Cannot index %s with string \"%s\"", jqc_kind_names[k], st->name);
	else
		buf_addf(err, "Cannot index %s with string", jqc_kind_names[k]);
}

/* ----- jv_get ----- */

/*
 * jq's parse_slice: 1 with [*from, *to) of a length-len sequence, 0 if
 * an index is no number, -1 if one is NaN (jq 1.6 fails an assertion).
 */
static int
slice_bounds(const struct jqv *s, const struct jqv *e, size_t len, size_t *from, size_t *to)
{
	double dlen = (double)len;
	if ((s->t != J_NULL && s->t != J_NUMBER) || (e->t != J_NULL && e->t != J_NUMBER))
		return 0;
	double ds = s->t == J_NULL ? 0 : s->num;
	double de = e->t == J_NULL ? dlen : e->num;
	if (ds != ds || de != de)
		return -1;
	if (ds < 0)
		ds += dlen;
	if (de < 0)
		de += dlen;
	if (ds < 0)
		ds = 0;
	if (ds > dlen)
		ds = dlen;
	int start = jq_int(ds);
	int end = de > dlen ? (int)len : jq_int(de);
	if (end < de)
		end += 1;
	if (end > (int)len)
		end = (int)len;
	if (end < start)
		end = start;
	*from = (size_t)start;
	*to = (size_t)end;
	return 1;
}

/* jq's words ("an string" too), or ours where jq 1.6 aborts */
static int
slice_error(struct jqc_eval *ev, const char *kind, int bounds)
{
	if (bounds < 0)
		return raise_fmt(ev, "Start and end indices of an %s slice must not be NaN "
		    "(jq 1.6 aborts here)", kind);
	return raise_fmt(ev, "Start and end indices of an %s slice must be numbers", kind);
}

static int
slice(struct jqc_eval *ev, const struct jqv *t, const struct jqv *s,
    const struct jqv *e, struct jqv *out)
{
	size_t from, to;
	if (t->t == J_ARRAY) {
		int bounds = slice_bounds(s, e, arr_len(t), &from, &to);
		if (bounds <= 0)
			return slice_error(ev, "array", bounds);
		struct jqv r = arr_make(ev, to - from);
		struct arr_it it;
		struct jqv x;
		arr_it_init(&it, t);
		for (size_t i = 0; i < to && arr_it_next(&it, &x); i++)
			if (i >= from)
				r.u.a->v[r.n++] = x;
		r.u.a->used = r.n;
		*out = r;
		return R_OK;
	}
	if (t->t == J_STRING) {
		const char *p;
		size_t n;
		str_get(ev, t, &p, &n);
		int bounds = slice_bounds(s, e, utf8_count(p, n), &from, &to);
		if (bounds <= 0)
			return slice_error(ev, "string", bounds);
		size_t i = 0, cp = 0, b = 0;
		while (i < n && cp < from) {
			i++;
			while (i < n && ((unsigned char)p[i] & 0xC0) == 0x80)
				i++;
			cp++;
		}
		b = i;
		while (i < n && cp < to) {
			i++;
			while (i < n && ((unsigned char)p[i] & 0xC0) == 0x80)
				i++;
			cp++;
		}
		*out = jqv_str(p + b, i - b);
		return R_OK;
	}
	if (t->t == J_NULL) {
		*out = jqv_null_v;
		return R_OK;
	}
	return raise_fmt(ev, "Cannot index %s with object", jqc_kind_names[t->t]);
}

/* jv_array_indexes: the positions where b occurs in a (jq 1.6's loop). */
static int
array_indexes(struct jqc_eval *ev, const struct jqv *a0, const struct jqv *b0,
    struct jqv *out)
{
	struct jqv a = arr_built(ev, a0), b = arr_built(ev, b0);
	struct jqv r = arr_make(ev, 4);
	int bail = 0;
	long idx = -1;
	for (size_t ai = 0; ai < a.n; ai++) {
		for (size_t bi = 0; bi < b.n; bi++) {
			int eq;
			if (bi == 0)
				eq = jqv_equal(ev, &arr_elems(&a)[ai], &arr_elems(&b)[0], &bail);
			else
				eq = ai + bi < a.n &&
				    jqv_equal(ev, &arr_elems(&a)[ai + bi], &arr_elems(&b)[bi], &bail);
			if (!eq)
				idx = -1;
			else if (bi == 0 && idx == -1)
				idx = (long)ai;
		}
		if (idx > -1) {
			struct jqv x = jqv_num((double)idx);
			r = arr_push(ev, &r, &x);
		}
		idx = -1;
	}
	if (bail)
		return R_BAIL;
	*out = r;
	return R_OK;
}

int
jqv_index(struct jqc_eval *ev, const struct jqv *t, const struct jqv *k,
    struct jqv *out)
{
	if (t->t == J_OBJECT && k->t == J_STRING) {
		const char *p;
		size_t n;
		str_get(ev, k, &p, &n);
		if (!obj_get(ev, t, p, n, out))
			*out = jqv_null_v;
		return R_OK;
	}
	if (t->t == J_ARRAY && k->t == J_NUMBER) {
		double d = k->num;
		/* jv_is_integer: within int and integral, else null */
		if (!(d >= INT_MIN && d <= INT_MAX) || d != (double)(int)d) {
			*out = jqv_null_v;
			return R_OK;
		}
		long i = (long)d;
		if (i < 0) {
			i += (long)arr_len(t);
			if (i < 0) {
				*out = jqv_null_v;
				return R_OK;
			}
		}
		if (t->raw) {
			struct arr_it it;
			struct jqv x;
			arr_it_init(&it, t);
			for (long j = 0; arr_it_next(&it, &x); j++)
				if (j == i) {
					*out = x;
					return R_OK;
				}
			*out = jqv_null_v;
		} else {
			*out = (size_t)i < t->n ? t->u.a->v[i] : jqv_null_v;
		}
		return R_OK;
	}
	if ((t->t == J_ARRAY || t->t == J_STRING) && k->t == J_OBJECT) {
		/* a missing start or end is no number (an explicit null is
		 * the default); false stands for "missing" */
		struct jqv s, e;
		if (!obj_get(ev, k, "start", 5, &s))
			s = jqv_false_v;
		if (!obj_get(ev, k, "end", 3, &e))
			e = jqv_false_v;
		return slice(ev, t, &s, &e, out);
	}
	if (t->t == J_ARRAY && k->t == J_ARRAY)
		return array_indexes(ev, t, k, out);
	if (t->t == J_NULL && (k->t == J_STRING || k->t == J_NUMBER || k->t == J_OBJECT)) {
		*out = jqv_null_v;
		return R_OK;
	}
	if (k->t == J_STRING) {
		const char *p;
		size_t n;
		str_get(ev, k, &p, &n);
		if (n < 30) {
			/* %s stops at a NUL, as jv_string_fmt's does */
			return raise_fmt(ev, "Cannot index %s with string \"%.*s\"",
			    jqc_kind_names[t->t], (int)strnlen(p, n), p);
		}
	}
	return raise_fmt(ev, "Cannot index %s with %s", jqc_kind_names[t->t],
	    jqc_kind_names[k->t]);
}

/* ----- operators ----- */

static struct jqv
arr_concat(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b)
{
	struct jqv r = *a;
	struct arr_it it;
	struct jqv x;
	if (a->raw)
		r = arr_built(ev, a);
	arr_it_init(&it, b);
	while (arr_it_next(&it, &x))
		r = arr_push(ev, &r, &x);
	return r;
}

static struct jqv
obj_merge(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b)
{
	struct jqv r = obj_built(ev, a), ob = obj_built(ev, b);
	for (size_t i = 0; i < ob.n; i++) {
		const struct jqmem *m = &ob.u.o->m[i];
		r = obj_set(ev, &r, m->k, m->kn, &m->v);
	}
	return r;
}

static struct jqv
obj_merge_deep(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b)
{
	struct jqv r = obj_built(ev, a), ob = obj_built(ev, b);
	for (size_t i = 0; i < ob.n; i++) {
		const struct jqmem *m = &ob.u.o->m[i];
		struct jqv e;
		if (obj_get(ev, &r, m->k, m->kn, &e) && e.t == J_OBJECT &&
		    m->v.t == J_OBJECT) {
			struct jqv d = obj_merge_deep(ev, &e, &m->v);
			r = obj_set(ev, &r, m->k, m->kn, &d);
		} else {
			r = obj_set(ev, &r, m->k, m->kn, &m->v);
		}
	}
	return r;
}

/* Strings longer than this from a repetition are left to libjq, which
 * bounds them its own way ("Repeat string result too long"). */
#define REPEAT_MAX (1 << 24)

static int
repeat(struct jqc_eval *ev, const struct jqv *s, double num, struct jqv *out)
{
	const char *p;
	size_t n;
	str_get(ev, s, &p, &n);
	if (!(num > 0)) {
		*out = jqv_null_v;
		return R_OK;
	}
	if (num < 1) {
		*out = jqv_str(p, n);
		return R_OK;
	}
	if (num > REPEAT_MAX || (double)n * num > REPEAT_MAX)
		return R_BAIL;
	int times = 1 + jq_int(num - 1);
	char *d = ar_alloc(&ev->ar, n * (size_t)times + 1);
	for (int i = 0; i < times; i++)
		memcpy(d + (size_t)i * n, p, n);
	*out = jqv_str(d, n * (size_t)times);
	return R_OK;
}

static int
split_str(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, struct jqv *out);

int
jqv_binop(struct jqc_eval *ev, int op, const struct jqv *a, const struct jqv *b,
    struct jqv *out)
{
	int bail = 0, r;

	switch (op) {
	case B_ADD:
		if (a->t == J_NULL) {
			*out = *b;
		} else if (b->t == J_NULL) {
			*out = *a;
		} else if (a->t == J_NUMBER && b->t == J_NUMBER) {
			*out = jqv_num(a->num + b->num);
		} else if (a->t == J_STRING && b->t == J_STRING) {
			const char *p;
			size_t n;
			str_get(ev, b, &p, &n);
			*out = str_concat(ev, a, p, n);
		} else if (a->t == J_ARRAY && b->t == J_ARRAY) {
			*out = arr_concat(ev, a, b);
		} else if (a->t == J_OBJECT && b->t == J_OBJECT) {
			*out = obj_merge(ev, a, b);
		} else {
			return type_error2(ev, a, b, "cannot be added");
		}
		return R_OK;
	case B_SUB:
		if (a->t == J_NUMBER && b->t == J_NUMBER) {
			*out = jqv_num(a->num - b->num);
		} else if (a->t == J_ARRAY && b->t == J_ARRAY) {
			struct jqv bb = arr_built(ev, b), res = arr_make(ev, 4);
			struct arr_it it;
			struct jqv x;
			arr_it_init(&it, a);
			while (arr_it_next(&it, &x)) {
				size_t j;
				for (j = 0; j < bb.n; j++)
					if (jqv_equal(ev, &x, &arr_elems(&bb)[j], &bail))
						break;
				if (j == bb.n)
					res = arr_push(ev, &res, &x);
			}
			if (bail)
				return R_BAIL;
			*out = res;
		} else {
			return type_error2(ev, a, b, "cannot be subtracted");
		}
		return R_OK;
	case B_MUL:
		if (a->t == J_NUMBER && b->t == J_NUMBER) {
			*out = jqv_num(a->num * b->num);
		} else if (a->t == J_STRING && b->t == J_NUMBER) {
			return repeat(ev, a, b->num, out);
		} else if (a->t == J_NUMBER && b->t == J_STRING) {
			return repeat(ev, b, a->num, out);
		} else if (a->t == J_OBJECT && b->t == J_OBJECT) {
			*out = obj_merge_deep(ev, a, b);
		} else {
			return type_error2(ev, a, b, "cannot be multiplied");
		}
		return R_OK;
	case B_DIV:
		if (a->t == J_NUMBER && b->t == J_NUMBER) {
			if (b->num == 0.0)
				return type_error2(ev, a, b,
				    "cannot be divided because the divisor is zero");
			*out = jqv_num(a->num / b->num);
		} else if (a->t == J_STRING && b->t == J_STRING) {
			return split_str(ev, a, b, out);
		} else {
			return type_error2(ev, a, b, "cannot be divided");
		}
		return R_OK;
	case B_MOD:
		if (a->t == J_NUMBER && b->t == J_NUMBER) {
			int64_t x = jq_intmax(a->num), y = jq_intmax(b->num);
			if (y == 0)
				return type_error2(ev, a, b,
				    "cannot be divided (remainder) because the divisor is zero");
			if (y == -1 && x == INT64_MIN)
				return type_error2(ev, a, b, "cannot be divided (remainder): "
				    "the dividend is out of range (jq 1.6 crashes here)");
			*out = jqv_num((double)(x % y));
		} else {
			return type_error2(ev, a, b, "cannot be divided (remainder)");
		}
		return R_OK;
	case B_EQ:
	case B_NE:
		r = jqv_equal(ev, a, b, &bail);
		if (bail)
			return R_BAIL;
		*out = jqv_bool(op == B_EQ ? r : !r);
		return R_OK;
	default:
		r = jqv_cmp(ev, a, b, &bail);
		switch (op) {
		case B_LT: *out = jqv_bool(r < 0); break;
		case B_LE: *out = jqv_bool(r <= 0); break;
		case B_GT: *out = jqv_bool(r > 0); break;
		default: *out = jqv_bool(r >= 0); break;
		}
		return R_OK;
	}
}

/* jv_string_split (also "a" / "b"). */
static int
split_str(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, struct jqv *out)
{
	const char *s, *sep;
	size_t n, sn;
	str_get(ev, a, &s, &n);
	str_get(ev, b, &sep, &sn);
	struct jqv r = arr_make(ev, 8);
	const char *end = s + n;
	if (sn == 0) {
		for (const char *p = s; p < end;) {
			const char *q = p + 1;
			while (q < end && ((unsigned char)*q & 0xC0) == 0x80)
				q++;
			struct jqv x = jqv_str(p, (size_t)(q - p));
			r = arr_push(ev, &r, &x);
			p = q;
		}
	} else {
		for (const char *p = s; p < end;) {
			const char *q = memmem(p, (size_t)(end - p), sep, sn);
			if (q == NULL)
				q = end;
			struct jqv x = jqv_str(p, (size_t)(q - p));
			r = arr_push(ev, &r, &x);
			if (q + sn == end) {
				x = jqv_str("", 0);
				r = arr_push(ev, &r, &x);
			}
			p = q + sn;
		}
	}
	*out = r;
	return R_OK;
}

struct jqv
jqv_tostring(struct jqc_eval *ev, const struct jqv *v)
{
	if (v->t == J_STRING) {
		if (!v->raw)
			return *v;
		const char *p;
		size_t n;
		str_get(ev, v, &p, &n);
		return jqv_str(p, n);
	}
	struct buf *b = &ev->scratch;
	buf_reset(b);
	jqv_dump(ev, b, v);
	return jqv_str(ar_copy(&ev->ar, b->p, b->len), b->len);
}

/* ----- evaluation ----- */

struct k;
typedef int (*kfn)(struct jqc_eval *ev, struct k *k, const struct jqv *v);
struct k {
	kfn fn;
};

#define CALL(k, v) ((k)->fn(ev, (k), (v)))

static int eval(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k);

/* -- paths -- */

static int
rootpath(struct jqc_eval *ev, const struct node *n, struct k *k)
{
	const struct jqc_capture *c = &ev->caps[n->slot];
	struct jqv v;
	switch (c->st) {
	case JQC_VALUE:
		v = jqv_raw(c->p, c->n);
		return CALL(k, &v);
	case JQC_NULL:
		return CALL(k, &jqv_null_v);
	case JQC_NONE:
		return R_OK;
	case JQC_ERROR:
		jqc_index_error(&ev->msg, c->ekind, &ev->prog->paths[n->slot][c->estep]);
		return raise_msg(ev);
	}
	return R_OK;
}

struct k_index {
	struct k k;
	const struct node *n;
	const struct jqv *key;
	struct k *next;
};

static int
k_index_term(struct jqc_eval *ev, struct k *kk, const struct jqv *t)
{
	struct k_index *c = (struct k_index *)kk;
	struct jqv out;
	int r = jqv_index(ev, t, c->key, &out);
	if (r == R_ERR && c->n->opt)
		return R_OK;
	if (r != R_OK)
		return r;
	return CALL(c->next, &out);
}

/* The index's key is evaluated first (outer loop), then its term. */
struct k_index2 {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct k *next;
};

static int
k_index_key2(struct jqc_eval *ev, struct k *kk, const struct jqv *key)
{
	struct k_index2 *c = (struct k_index2 *)kk;
	struct k_index t = { { k_index_term }, c->n, key, c->next };
	if (c->n->a->op == N_IDENT)
		return k_index_term(ev, &t.k, c->in);
	return eval(ev, c->n->a, c->in, &t.k);
}

struct k_slice {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	const struct jqv *from, *to;
	struct k *next;
};

static int
k_slice_term(struct jqc_eval *ev, struct k *kk, const struct jqv *t)
{
	struct k_slice *c = (struct k_slice *)kk;
	struct jqv out;
	int r = slice(ev, t, c->from, c->to, &out);
	if (r == R_ERR && c->n->opt)
		return R_OK;
	if (r != R_OK)
		return r;
	return CALL(c->next, &out);
}

static int
k_slice_to(struct jqc_eval *ev, struct k *kk, const struct jqv *to)
{
	struct k_slice *c = (struct k_slice *)kk;
	struct k_slice t = *c;
	t.k.fn = k_slice_term;
	t.to = to;
	return eval(ev, c->n->a, c->in, &t.k);
}

static int
k_slice_from(struct jqc_eval *ev, struct k *kk, const struct jqv *from)
{
	struct k_slice *c = (struct k_slice *)kk;
	struct k_slice t = *c;
	t.k.fn = k_slice_to;
	t.from = from;
	if (c->n->c == NULL)
		return k_slice_to(ev, &t.k, &jqv_null_v);
	return eval(ev, c->n->c, c->in, &t.k);
}

/* Call k for each element or member value of v; not iterable: error
 * (or nothing when opt). */
static int
iterate(struct jqc_eval *ev, const struct jqv *v, int opt, struct k *k)
{
	int r;
	if (v->t == J_ARRAY) {
		struct arr_it it;
		struct jqv x;
		arr_it_init(&it, v);
		while (arr_it_next(&it, &x))
			if ((r = CALL(k, &x)) != R_OK)
				return r;
		return R_OK;
	}
	if (v->t == J_OBJECT) {
		struct jqv o = obj_built(ev, v);
		for (size_t i = 0; i < o.n; i++) {
			struct jqv x = o.u.o->m[i].v;
			if ((r = CALL(k, &x)) != R_OK)
				return r;
		}
		return R_OK;
	}
	if (opt)
		return R_OK;
	buf_reset(&ev->msg);
	buf_addf(&ev->msg, "Cannot iterate over %s (", jqc_kind_names[v->t]);
	jqv_dump_trunc(ev, &ev->msg, v, 15);
	buf_addc(&ev->msg, ')');
	return raise_msg(ev);
}

struct k_iter {
	struct k k;
	int opt;
	struct k *next;
};

static int
k_iter(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_iter *c = (struct k_iter *)kk;
	return iterate(ev, v, c->opt, c->next);
}

/* -- composition -- */

struct k_pipe {
	struct k k;
	const struct node *b;
	struct k *next;
};

static int
k_pipe(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_pipe *c = (struct k_pipe *)kk;
	return eval(ev, c->b, v, c->next);
}

struct k_neg {
	struct k k;
	struct k *next;
};

static int
k_neg(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_neg *c = (struct k_neg *)kk;
	if (v->t != J_NUMBER)
		return type_error(ev, v, "cannot be negated");
	struct jqv x = jqv_num(-v->num);
	return CALL(c->next, &x);
}

struct k_bin {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	const struct jqv *rhs;
	struct k *next;
};

static int
k_bin_lhs(struct jqc_eval *ev, struct k *kk, const struct jqv *a)
{
	struct k_bin *c = (struct k_bin *)kk;
	struct jqv out;
	int r = jqv_binop(ev, c->n->sub, a, c->rhs, &out);
	if (r != R_OK)
		return r;
	return CALL(c->next, &out);
}

static int
k_bin_rhs(struct jqc_eval *ev, struct k *kk, const struct jqv *b)
{
	struct k_bin *c = (struct k_bin *)kk;
	struct k_bin t = *c;
	t.k.fn = k_bin_lhs;
	t.rhs = b;
	return eval(ev, c->n->a, c->in, &t.k);
}

struct k_andor {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct k *next;
};

static int
k_andor_rhs(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_andor *c = (struct k_andor *)kk;
	return CALL(c->next, jqv_truthy(v) ? &jqv_true_v : &jqv_false_v);
}

static int
k_andor_lhs(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_andor *c = (struct k_andor *)kk;
	int t = jqv_truthy(v);
	if (c->n->op == N_AND ? !t : t)
		return CALL(c->next, t ? &jqv_true_v : &jqv_false_v);
	struct k_andor rhs = { { k_andor_rhs }, c->n, c->in, c->next };
	return eval(ev, c->n->b, c->in, &rhs.k);
}

struct k_alt {
	struct k k;
	int found;
	struct k *next;
};

static int
k_alt(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_alt *c = (struct k_alt *)kk;
	if (!jqv_truthy(v))
		return R_OK;
	c->found = 1;
	return CALL(c->next, v);
}

struct k_if {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct k *next;
};

static int
k_if(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_if *c = (struct k_if *)kk;
	return eval(ev, jqv_truthy(v) ? c->n->b : c->n->c, c->in, c->next);
}

/* -- variables and patterns -- */

/*
 * Destructuring binds the pattern's variables, then calls then (with a
 * NULL value).  Every binding restores the slot's previous value when it
 * is undone: the same node may be active twice at once when a builtin's
 * body uses a closure argument twice, and the outer activation must find
 * its own value again.
 */
struct k_bind {
	struct k k;
	const struct pattern *p;
	int i;
	const struct jqv *val;
	struct k *then;
};

static int bind(struct jqc_eval *ev, const struct pattern *p, const struct jqv *v,
    struct k *then);

static int
k_bind_arr(struct jqc_eval *ev, struct k *kk, const struct jqv *unused)
{
	(void)unused;
	struct k_bind *c = (struct k_bind *)kk;
	if (c->i < 0)
		return CALL(c->then, NULL);
	/* jq matches an array pattern's last element first. */
	struct jqv idx = jqv_num((double)c->i), x;
	int r = jqv_index(ev, c->val, &idx, &x);
	if (r != R_OK)
		return r;
	struct k_bind nx = { { k_bind_arr }, c->p, c->i - 1, c->val, c->then };
	return bind(ev, c->p->elems[c->i], &x, &nx.k);
}

static int k_bind_obj(struct jqc_eval *ev, struct k *kk, const struct jqv *unused);

struct k_objkey {
	struct k k;
	struct k_bind *b;
};

static int
k_objkey(struct jqc_eval *ev, struct k *kk, const struct jqv *key)
{
	struct k_bind *c = ((struct k_objkey *)kk)->b;
	const struct pattern *p = c->p;
	int i = c->i;
	struct jqv x;
	int r = jqv_index(ev, c->val, key, &x);
	if (r != R_OK)
		return r;
	struct k_bind nx = { { k_bind_obj }, p, i + 1, c->val, c->then };
	if (p->keyslot[i] < 0)
		return bind(ev, p->elems[i], &x, &nx.k);
	struct jqv old = ev->vars[p->keyslot[i]];
	ev->vars[p->keyslot[i]] = x;
	r = p->elems[i] ? bind(ev, p->elems[i], &x, &nx.k) : k_bind_obj(ev, &nx.k, NULL);
	ev->vars[p->keyslot[i]] = old;
	return r;
}

static int
k_bind_obj(struct jqc_eval *ev, struct k *kk, const struct jqv *unused)
{
	(void)unused;
	struct k_bind *c = (struct k_bind *)kk;
	if (c->i >= c->p->n)
		return CALL(c->then, NULL);
	struct k_objkey ok = { { k_objkey }, c };
	return eval(ev, c->p->keys[c->i], c->val, &ok.k);
}

static int
bind(struct jqc_eval *ev, const struct pattern *p, const struct jqv *v, struct k *then)
{
	if (p->kind == P_VAR) {
		struct jqv old = ev->vars[p->slot];
		ev->vars[p->slot] = *v;
		int r = CALL(then, NULL);
		ev->vars[p->slot] = old;
		return r;
	}
	struct k_bind b = { { p->kind == P_ARRAY ? k_bind_arr : k_bind_obj },
	    p, p->kind == P_ARRAY ? p->n - 1 : 0, v, then };
	return b.k.fn(ev, &b.k, NULL);
}

/* -- as, reduce, foreach -- */

struct k_as {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct k *next;
};

static int
k_as_body(struct jqc_eval *ev, struct k *kk, const struct jqv *unused)
{
	(void)unused;
	struct k_as *c = (struct k_as *)kk;
	return eval(ev, c->n->b, c->in, c->next);
}

static int
k_as_src(struct jqc_eval *ev, struct k *kk, const struct jqv *x)
{
	struct k_as *c = (struct k_as *)kk;
	struct k_as body = { { k_as_body }, c->n, c->in, c->next };
	return bind(ev, c->n->pat, x, &body.k);
}

struct k_red {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct jqv acc;
	struct k *next;
	int inits;		/* initial values seen */
};

struct k_redbody {
	struct k k;		/* bound: run the body */
	struct k store;		/* the body's outputs */
	struct k_red *red;
};

static int
k_red_body(struct jqc_eval *ev, struct k *kk, const struct jqv *unused)
{
	(void)unused;
	struct k_redbody *c = (struct k_redbody *)kk;
	struct k_red *red = c->red;
	struct jqv old = red->acc;
	red->acc = jqv_null_v;	/* LOADVN */
	return eval(ev, red->n->c, &old, &c->store);
}

static int
k_red_storeacc(struct jqc_eval *ev, struct k *kk, const struct jqv *w)
{
	(void)ev;
	struct k_redbody *c = (struct k_redbody *)((char *)kk - offsetof(struct k_redbody, store));
	c->red->acc = *w;
	return R_OK;
}

static int
k_red_src(struct jqc_eval *ev, struct k *kk, const struct jqv *x)
{
	struct k_red *c = (struct k_red *)kk;
	struct k_redbody b = { { k_red_body }, { k_red_storeacc }, c };
	return bind(ev, c->n->pat, x, &b.k);
}

static int
k_red_init(struct jqc_eval *ev, struct k *kk, const struct jqv *init)
{
	struct k_red *c = (struct k_red *)kk;
	/* jq 1.6 consumes the input with the first initial value (DUPN):
	 * for the others the source runs on null */
	const struct jqv *src = c->inits++ ? &jqv_null_v : c->in;
	struct k_red red = { { k_red_src }, c->n, c->in, *init, c->next, 0 };
	int r = eval(ev, c->n->a, src, &red.k);
	if (r != R_OK)
		return r;
	return CALL(c->next, &red.acc);
}

struct k_fe {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	struct jqv state;
	struct k *next;
	int inits;		/* initial values seen (see k_red_init) */
};

struct k_febody {
	struct k k;
	struct k upd;
	struct k_fe *fe;
};

static int
k_fe_upd(struct jqc_eval *ev, struct k *kk, const struct jqv *w)
{
	struct k_febody *c = (struct k_febody *)((char *)kk - offsetof(struct k_febody, upd));
	struct k_fe *fe = c->fe;
	fe->state = *w;
	struct jqv s = *w;
	if (fe->n->d == NULL)
		return CALL(fe->next, &s);
	return eval(ev, fe->n->d, &s, fe->next);
}

static int
k_fe_body(struct jqc_eval *ev, struct k *kk, const struct jqv *unused)
{
	(void)unused;
	struct k_febody *c = (struct k_febody *)kk;
	struct k_fe *fe = c->fe;
	struct jqv old = fe->state;
	fe->state = jqv_null_v;
	return eval(ev, fe->n->c, &old, &c->upd);
}

static int
k_fe_src(struct jqc_eval *ev, struct k *kk, const struct jqv *x)
{
	struct k_fe *c = (struct k_fe *)kk;
	struct k_febody b = { { k_fe_body }, { k_fe_upd }, c };
	return bind(ev, c->n->pat, x, &b.k);
}

static int
k_fe_init(struct jqc_eval *ev, struct k *kk, const struct jqv *init)
{
	struct k_fe *c = (struct k_fe *)kk;
	const struct jqv *src = c->inits++ ? &jqv_null_v : c->in;
	struct k_fe fe = { { k_fe_src }, c->n, c->in, *init, c->next, 0 };
	return eval(ev, c->n->a, src, &fe.k);
}

/* -- construction -- */

struct collect {
	struct k k;
	struct jqv arr;
};

static int
k_collect(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct collect *c = (struct collect *)kk;
	c->arr = arr_push(ev, &c->arr, v);
	return R_OK;
}

struct k_obj {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	int i;			/* the pair being evaluated */
	const struct jqv *key;
	struct jqv *kv;		/* keys and values so far, 2 per pair */
	struct k *next;
};

static int obj_pair(struct jqc_eval *ev, struct k_obj *c);

static int
k_obj_val(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_obj *c = (struct k_obj *)kk;
	const struct jqv *key = c->key;
	if (key->t != J_STRING) {
		buf_reset(&ev->msg);
		buf_addf(&ev->msg, "Cannot use %s (", jqc_kind_names[key->t]);
		jqv_dump_trunc(ev, &ev->msg, key, 15);
		buf_adds(&ev->msg, ") as object key");
		return raise_msg(ev);
	}
	c->kv[2 * c->i] = *key;
	c->kv[2 * c->i + 1] = *v;
	struct k_obj nx = *c;
	nx.i++;
	return obj_pair(ev, &nx);
}

static int
k_obj_key(struct jqc_eval *ev, struct k *kk, const struct jqv *key)
{
	struct k_obj *c = (struct k_obj *)kk;
	struct k_obj nx = *c;
	nx.k.fn = k_obj_val;
	nx.key = key;
	const struct node *vn = c->n->args[2 * c->i + 1];
	if (vn == NULL) {
		/* {"\(...)"}: the value is .[key] */
		struct jqv v;
		int r = jqv_index(ev, c->in, key, &v);
		if (r != R_OK)
			return r;
		return k_obj_val(ev, &nx.k, &v);
	}
	return eval(ev, vn, c->in, &nx.k);
}

static int
obj_pair(struct jqc_eval *ev, struct k_obj *c)
{
	int npairs = c->n->nargs / 2;
	if (c->i == npairs) {
		struct jqv o = obj_make(ev, (size_t)npairs);
		for (int i = 0; i < npairs; i++) {
			const char *p;
			size_t n;
			str_get(ev, &c->kv[2 * i], &p, &n);
			o = obj_set(ev, &o, p, n, &c->kv[2 * i + 1]);
		}
		return CALL(c->next, &o);
	}
	struct k_obj nx = *c;
	nx.k.fn = k_obj_key;
	return eval(ev, c->n->args[2 * c->i], c->in, &nx.k);
}

/* String interpolation: parts are constants or expressions whose values
 * are formatted; the last expression is the outer loop. */
struct k_str {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	int i;
	struct jqv *parts;
	struct k *next;
};

static int str_part(struct jqc_eval *ev, struct k_str *c);

static int
k_str_val(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_str *c = (struct k_str *)kk;
	struct jqv s;
	if (c->n->name == NULL) {
		s = jqv_tostring(ev, v);
	} else {
		int r = jqv_format(ev, c->n->name, v, &s);
		if (r != R_OK)
			return r;
	}
	c->parts[c->i] = s;
	struct k_str nx = *c;
	nx.i--;
	return str_part(ev, &nx);
}

static int
str_part(struct jqc_eval *ev, struct k_str *c)
{
	while (c->i >= 0 && c->n->args[c->i]->op == N_CONST && c->n->args[c->i]->opt) {
		c->parts[c->i] = c->n->args[c->i]->cv;
		c->i--;
	}
	if (c->i < 0) {
		size_t len = 0;
		for (int i = 0; i < c->n->nargs; i++)
			len += c->parts[i].n;
		char *d = ar_alloc(&ev->ar, len + 1), *o = d;
		for (int i = 0; i < c->n->nargs; i++) {
			const char *p;
			size_t n;
			str_get(ev, &c->parts[i], &p, &n);
			memcpy(o, p, n);
			o += n;
		}
		struct jqv s = jqv_str(d, (size_t)(o - d));
		return CALL(c->next, &s);
	}
	struct k_str nx = *c;
	nx.k.fn = k_str_val;
	return eval(ev, c->n->args[c->i], c->in, &nx.k);
}

/* Builtins over values: the last argument is the outer loop. */
#define MAXARGS 4

struct k_call {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	int i;
	struct jqv *vals;
	struct k *next;
};

static int call_arg(struct jqc_eval *ev, struct k_call *c);

static int
k_call_val(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_call *c = (struct k_call *)kk;
	c->vals[c->i] = *v;
	struct k_call nx = *c;
	nx.i--;
	return call_arg(ev, &nx);
}

static int
call_arg(struct jqc_eval *ev, struct k_call *c)
{
	if (c->i < 0) {
		struct jqv out;
		int r = c->n->fn(ev, c->in, c->vals, &out);
		if (r == R_EMPTY)
			return R_OK;
		if (r != R_OK)
			return r;
		return CALL(c->next, &out);
	}
	const struct node *a = c->n->args[c->i];
	if (a->op == N_CONST) {
		c->vals[c->i] = a->cv;
		struct k_call nx = *c;
		nx.i--;
		return call_arg(ev, &nx);
	}
	if (a->op == N_IDENT)
		return k_call_val(ev, &c->k, c->in);
	struct k_call nx = *c;
	nx.k.fn = k_call_val;
	return eval(ev, a, c->in, &nx.k);
}

/* -- labels -- */

struct k_first {
	struct k k;
	unsigned id;
	int found;
	struct k *next;
};

static int
k_first(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_first *c = (struct k_first *)kk;
	c->found = 1;
	if (c->next) {
		int r = CALL(c->next, v);
		if (r != R_OK)
			return r;
	}
	ev->brk = c->id;
	return R_ERR;
}

/* Run n with a fresh label; its own break ends it quietly. */
static int
labelled(struct jqc_eval *ev, const struct node *n, const struct jqv *in,
    struct k *k, unsigned id)
{
	int r = eval(ev, n, in, k);
	if (r == R_ERR && ev->brk == id) {
		ev->brk = 0;
		return R_OK;
	}
	return r;
}

struct k_limit {
	struct k k;
	unsigned id;
	struct jqv state;
	struct k *next;
};

static int
k_limit(struct jqc_eval *ev, struct k *kk, const struct jqv *item)
{
	struct k_limit *c = (struct k_limit *)kk;
	struct jqv one = jqv_num(1), st;
	int r = jqv_binop(ev, B_SUB, &c->state, &one, &st);
	if (r != R_OK)
		return r;
	c->state = st;
	if ((r = CALL(c->next, item)) != R_OK)
		return r;
	struct jqv zero = jqv_num(0);
	int bail = 0;
	if (jqv_cmp(ev, &c->state, &zero, &bail) <= 0) {
		ev->brk = c->id;
		return R_ERR;
	}
	return R_OK;
}

struct k_gen {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	const struct jqv *a;
	struct k *next;
};

static int
k_limit_n(struct jqc_eval *ev, struct k *kk, const struct jqv *nv)
{
	struct k_gen *c = (struct k_gen *)kk;
	struct jqv zero = jqv_num(0);
	int bail = 0;
	if (jqv_cmp(ev, nv, &zero, &bail) < 0)
		return eval(ev, c->n->b, c->in, c->next);
	struct k_limit l = { { k_limit }, ++ev->next_label, *nv, c->next };
	return labelled(ev, c->n->b, c->in, &l.k, l.id);
}

static int
k_range_to(struct jqc_eval *ev, struct k *kk, const struct jqv *to)
{
	struct k_gen *c = (struct k_gen *)kk;
	const struct jqv *from = c->a;
	if (from->t != J_NUMBER || to->t != J_NUMBER)
		return raise_fmt(ev, "Range bounds must be numeric");
	/* jq's RANGE stops at x >= to: from or to NaN counts up forever
	 * (reverse of NaN relies on it) */
	for (double x = from->num; !(x >= to->num); x += 1) {
		struct jqv v = jqv_num(x);
		int r = CALL(c->next, &v);
		if (r != R_OK)
			return r;
		if (x + 1 == x)
			return R_BAIL;	/* would never end */
	}
	return R_OK;
}

static int
k_range_from(struct jqc_eval *ev, struct k *kk, const struct jqv *from)
{
	struct k_gen *c = (struct k_gen *)kk;
	struct k_gen t = { { k_range_to }, c->n, c->in, from, c->next };
	if (c->n->b == NULL) {
		/* range($x): range(0; $x) */
		struct jqv zero = jqv_num(0);
		t.a = &zero;
		return k_range_to(ev, &t.k, from);
	}
	return eval(ev, c->n->b, c->in, &t.k);
}

/* range($init; $upto; $by) as builtin.jq defines it. */
static int
range3(struct jqc_eval *ev, const struct jqv *init, const struct jqv *upto,
    const struct jqv *by, struct k *k)
{
	struct jqv zero = jqv_num(0), x = *init, y;
	int bail = 0;
	int gt = jqv_cmp(ev, by, &zero, &bail) > 0;
	int lt = jqv_cmp(ev, by, &zero, &bail) < 0;
	if (jqv_equal(ev, by, &zero, &bail)) {
		/* $init | select(cond): by is 0, so cond is false */
		return R_OK;
	}
	for (;;) {
		int c = jqv_cmp(ev, &x, upto, &bail);
		if (!((gt && c < 0) || (lt && c > 0)))
			return R_OK;
		int r = CALL(k, &x);
		if (r != R_OK)
			return r;
		if ((r = jqv_binop(ev, B_ADD, &x, by, &y)) != R_OK)
			return r;
		if (y.t == J_NUMBER && x.t == J_NUMBER && y.num == x.num)
			return R_BAIL;
		x = y;
	}
}

struct k_r3 {
	struct k k;
	const struct node *n;
	const struct jqv *in;
	const struct jqv *init, *upto;
	struct k *next;
};

static int
k_r3_by(struct jqc_eval *ev, struct k *kk, const struct jqv *by)
{
	struct k_r3 *c = (struct k_r3 *)kk;
	return range3(ev, c->init, c->upto, by, c->next);
}

static int
k_r3_upto(struct jqc_eval *ev, struct k *kk, const struct jqv *upto)
{
	struct k_r3 *c = (struct k_r3 *)kk;
	struct k_r3 nx = *c;
	nx.k.fn = k_r3_by;
	nx.upto = upto;
	return eval(ev, c->n->args[2], c->in, &nx.k);
}

static int
k_r3_init(struct jqc_eval *ev, struct k *kk, const struct jqv *init)
{
	struct k_r3 *c = (struct k_r3 *)kk;
	struct k_r3 nx = *c;
	nx.k.fn = k_r3_upto;
	nx.init = init;
	return eval(ev, c->n->args[1], c->in, &nx.k);
}

/* -- recursion: recurse, while, until, repeat -- */

struct k_rec {
	struct k k;
	const struct node *n;
	struct k *next;
};

static int rec(struct jqc_eval *ev, const struct node *n, const struct jqv *v, struct k *k);

static int
k_rec(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_rec *c = (struct k_rec *)kk;
	return rec(ev, c->n, v, c->next);
}

struct k_rec2 {
	struct k k;
	const struct node *n;
	const struct jqv *x;
	struct k *next;
};

static int
k_rec2_cond(struct jqc_eval *ev, struct k *kk, const struct jqv *c)
{
	struct k_rec2 *r = (struct k_rec2 *)kk;
	if (!jqv_truthy(c))
		return R_OK;
	return rec(ev, r->n, r->x, r->next);
}

static int
k_rec2(struct jqc_eval *ev, struct k *kk, const struct jqv *x)
{
	struct k_rec *c = (struct k_rec *)kk;
	struct k_rec2 r = { { k_rec2_cond }, c->n, x, c->next };
	return eval(ev, c->n->b, x, &r.k);
}

/* def recurse(f): def r: ., (f | r); r;  recurse(f; cond) also selects. */
static int
rec(struct jqc_eval *ev, const struct node *n, const struct jqv *v, struct k *k)
{
	int r = CALL(k, v);
	if (r != R_OK)
		return r;
	if (stack_deep(ev))
		return R_BAIL;
	struct k_rec kr = { { n->op == N_RECURSE2 ? k_rec2 : k_rec }, n, k };
	if (n->a == NULL)
		r = iterate(ev, v, 1, &kr.k);
	else
		r = eval(ev, n->a, v, &kr.k);
	return r;
}

struct k_loop {
	struct k k;
	const struct node *n;
	const struct jqv *x;
	struct k *next;
};

static int loop(struct jqc_eval *ev, const struct node *n, const struct jqv *x, struct k *k);

static int
k_loop_next(struct jqc_eval *ev, struct k *kk, const struct jqv *y)
{
	struct k_loop *c = (struct k_loop *)kk;
	return loop(ev, c->n, y, c->next);
}

static int
k_loop_cond(struct jqc_eval *ev, struct k *kk, const struct jqv *cv)
{
	struct k_loop *c = (struct k_loop *)kk;
	struct k_loop nx = { { k_loop_next }, c->n, c->x, c->next };
	int r;
	if (c->n->sub == G_WHILE) {
		/* if cond then ., (update | _while) else empty end */
		if (!jqv_truthy(cv))
			return R_OK;
		if ((r = CALL(c->next, c->x)) != R_OK)
			return r;
		return eval(ev, c->n->b, c->x, &nx.k);
	}
	/* until: if cond then . else (next | _until) end */
	if (jqv_truthy(cv))
		return CALL(c->next, c->x);
	return eval(ev, c->n->b, c->x, &nx.k);
}

static int
loop(struct jqc_eval *ev, const struct node *n, const struct jqv *x, struct k *k)
{
	if (stack_deep(ev))
		return R_BAIL;
	int r;
	if (n->sub == G_REPEAT) {
		/* def repeat(f): def _repeat: f, _repeat; (jq 1.6: the
		 * input never changes) */
		r = eval(ev, n->a, x, k);
		if (r == R_OK)
			r = loop(ev, n, x, k);
	} else {
		struct k_loop c = { { k_loop_cond }, n, x, k };
		r = eval(ev, n->a, x, &c.k);
	}
	return r;
}

/* -- _nwise, sub's recursion, map_values -- */

struct k_nwise {
	struct k k;
	const struct jqv *in;
	struct k *next;
};

/* def _nwise(a; $n): if a|length <= $n then a else a[0:$n],
 * _nwise(a[$n:]; $n) end;  with a = . */
static int
k_nwise(struct jqc_eval *ev, struct k *kk, const struct jqv *nv)
{
	struct k_nwise *c = (struct k_nwise *)kk;
	struct jqv x = *c->in, len, zero = jqv_num(0), piece, rest;
	int r, bail = 0;
	for (;;) {
		if ((r = jqv_length(ev, &x, &len)) != R_OK)
			return r;
		if (jqv_cmp(ev, &len, nv, &bail) <= 0)
			return CALL(c->next, &x);
		if (jqv_cmp(ev, nv, &zero, &bail) <= 0)
			return R_BAIL;	/* jq recurses without end */
		if ((r = slice(ev, &x, &zero, nv, &piece)) != R_OK)
			return r;
		if ((r = CALL(c->next, &piece)) != R_OK)
			return r;
		if ((r = slice(ev, &x, nv, &jqv_null_v, &rest)) != R_OK)
			return r;
		x = rest;
	}
}

/*
 * builtin.jq's mysub, for one input string x:
 *   . as $in | [match($re; fla)] | if length == 0 then $in
 *   else .[0] as $edit | ($edit | .offset + .length) as $len
 *   | (the named captures as an object)
 *   | $in[0:$edit.offset] + s + ($in[$len:] | if length > 0 and gs
 *       then mysub else . end) end
 * The rest's substitutions are the outer loop, s the inner one.
 */
static int mysub(struct jqc_eval *ev, const struct node *n, const struct jqv *x,
    struct k *k);

struct k_sub {
	struct k k;
	const struct node *n;
	struct jqv head;	/* $in[0:$edit.offset] */
	struct jqv caps;	/* the captures object */
	const struct jqv *rest;	/* the rest's substitution */
	struct k *next;
};

static int
k_sub_s(struct jqc_eval *ev, struct k *kk, const struct jqv *sv)
{
	struct k_sub *c = (struct k_sub *)kk;
	struct jqv t, u;
	int r = jqv_binop(ev, B_ADD, &c->head, sv, &t);
	if (r != R_OK)
		return r;
	if ((r = jqv_binop(ev, B_ADD, &t, c->rest, &u)) != R_OK)
		return r;
	return CALL(c->next, &u);
}

static int
k_sub_rest(struct jqc_eval *ev, struct k *kk, const struct jqv *rest)
{
	struct k_sub *c = (struct k_sub *)kk;
	struct k_sub s = *c;
	s.k.fn = k_sub_s;
	s.rest = rest;
	return eval(ev, c->n->args[1], &c->caps, &s.k);
}

static int
mysub(struct jqc_eval *ev, const struct node *n, const struct jqv *x, struct k *k)
{
	const struct jqv *re = &ev->vars[n->args[0]->slot];
	const struct jqv *fla = &ev->vars[n->args[2]->slot];
	const struct jqv *gs = &ev->vars[n->args[3]->slot];
	struct jqv ms, edit, off, mlen, len, caps, head, rest, zero = jqv_num(0);
	int r, bail = 0;

	if ((r = jqc_match(ev, x, re, fla, 0, &ms)) != R_OK)
		return r;
	if (arr_len(&ms) == 0)
		return CALL(k, x);
	edit = arr_get(&ms, 0);
	obj_get(ev, &edit, "offset", 6, &off);
	obj_get(ev, &edit, "length", 6, &mlen);
	len = jqv_num(off.num + mlen.num);
	caps = obj_make(ev, 4);
	struct jqv cl;
	obj_get(ev, &edit, "captures", 8, &cl);
	struct arr_it it;
	struct jqv cap;
	arr_it_init(&it, &cl);
	while (arr_it_next(&it, &cap)) {
		struct jqv name, str;
		obj_get(ev, &cap, "name", 4, &name);
		if (name.t == J_NULL)
			continue;
		obj_get(ev, &cap, "string", 6, &str);
		const char *p;
		size_t pn;
		str_get(ev, &name, &p, &pn);
		caps = obj_set(ev, &caps, p, pn, &str);
	}
	if ((r = slice(ev, x, &zero, &off, &head)) != R_OK)
		return r;
	if ((r = slice(ev, x, &len, &jqv_null_v, &rest)) != R_OK)
		return r;
	struct k_sub c = { { k_sub_rest }, n, head, caps, NULL, k };
	struct jqv rl;
	if ((r = jqv_length(ev, &rest, &rl)) != R_OK)
		return r;
	if (!(jqv_cmp(ev, &rl, &zero, &bail) > 0 && jqv_truthy(gs)))
		return k_sub_rest(ev, &c.k, &rest);
	if (mlen.num == 0 && off.num == 0)
		return raise_fmt(ev, "a global substitution of an empty match "
		    "never ends (jq 1.6 fills the memory here)");
	if (stack_deep(ev))
		return R_BAIL;
	return mysub(ev, n, &rest, &c.k);
}

struct k_mv {
	struct k k;
	unsigned id;
	struct jqv last;
};

static int
k_mv(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_mv *c = (struct k_mv *)kk;
	c->last = *v;
	ev->brk = c->id;
	return R_ERR;
}

/*
 * def map_values(f): .[] |= f;  that is, for each path p of .[] taken
 * from the input: reduce ... (.; label $out | (setpath(p; getpath(p) |
 * f) | ., break $out), delpaths([p])).  An element f has no value for is
 * deleted, and later paths then index the shortened array.
 */
static int
mapvalues(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	if (in->t != J_ARRAY && in->t != J_OBJECT)
		return iterate(ev, in, 0, k);	/* jq's error */
	int arr = in->t == J_ARRAY;
	struct jqv acc, orig;
	size_t np;
	if (arr) {
		orig = arr_built(ev, in);
		np = orig.n;
		acc = arr_make(ev, np);
		memcpy(acc.u.a->v, orig.u.a->v, np * sizeof orig.u.a->v[0]);
		acc.n = acc.u.a->used = np;
	} else {
		orig = obj_built(ev, in);
		np = orig.n;
		acc = obj_make(ev, np);
		memcpy(acc.u.o->m, orig.u.o->m, np * sizeof orig.u.o->m[0]);
		acc.n = acc.u.o->used = np;
	}
	for (size_t i = 0; i < np; i++) {
		struct jqv cur = jqv_null_v;
		size_t at = 0;
		if (arr) {
			if (i < acc.n)
				cur = acc.u.a->v[i];
		} else {
			const struct jqmem *m = &orig.u.o->m[i];
			for (at = 0; at < acc.n; at++)
				if (acc.u.o->m[at].kn == m->kn &&
				    memcmp(acc.u.o->m[at].k, m->k, m->kn) == 0)
					break;
			if (at < acc.n)
				cur = acc.u.o->m[at].v;
		}
		struct k_mv c = { { k_mv }, ++ev->next_label, jqv_null_v };
		int r = eval(ev, n->a, &cur, &c.k);
		if (r == R_ERR && ev->brk == c.id) {
			ev->brk = 0;
			if (arr) {
				if (i >= acc.n) {
					/* setpath past the end pads with null */
					while (acc.n < i)
						acc = arr_push(ev, &acc, &jqv_null_v);
					acc = arr_push(ev, &acc, &c.last);
				} else {
					acc.u.a->v[i] = c.last;
				}
			} else {
				acc = obj_set(ev, &acc, orig.u.o->m[i].k, orig.u.o->m[i].kn, &c.last);
			}
		} else if (r == R_OK) {
			/* no value (or every break swallowed): delpaths */
			if (arr && i < acc.n) {
				memmove(&acc.u.a->v[i], &acc.u.a->v[i + 1],
				    (acc.n - i - 1) * sizeof acc.u.a->v[0]);
				acc.n--;
				acc.u.a->used = acc.n;
			} else if (!arr && at < acc.n) {
				acc = obj_del(ev, &acc, orig.u.o->m[i].k, orig.u.o->m[i].kn);
			}
		} else {
			return r;
		}
	}
	return CALL(k, &acc);
}

/* -- the dispatcher -- */

/* The helpers below each evaluate one kind of node for eval(); they are
 * static and called once so the compiler folds them back into it. */

static int
eval_index(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct k_index2 c = { { k_index_key2 }, n, in, k };
	if (n->b->op == N_CONST)
		return k_index_key2(ev, &c.k, &n->b->cv);
	return eval(ev, n->b, in, &c.k);
}

static int
eval_slice(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct k_slice c = { { k_slice_from }, n, in, NULL, NULL, k };
	if (n->b == NULL)
		return k_slice_from(ev, &c.k, &jqv_null_v);
	return eval(ev, n->b, in, &c.k);
}

static int
eval_iter(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	if (n->a->op == N_IDENT)
		return iterate(ev, in, n->opt, k);
	struct k_iter c = { { k_iter }, n->opt, k };
	return eval(ev, n->a, in, &c.k);
}

static int
eval_binop(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct k_bin c = { { k_bin_rhs }, n, in, NULL, k };
	if (n->b->op == N_CONST)
		return k_bin_rhs(ev, &c.k, &n->b->cv);
	return eval(ev, n->b, in, &c.k);
}

/* a // b: b runs only when a gave no value other than false or null. */
static int
eval_alt(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct k_alt c = { { k_alt }, 0, k };
	int r;
	if ((r = eval(ev, n->a, in, &c.k)) != R_OK)
		return r;
	if (c.found)
		return R_OK;
	return eval(ev, n->b, in, k);
}

static int
eval_try(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	int silent = ev->silent;
	ev->silent = n->b == NULL;
	int r = eval(ev, n->a, in, k);
	ev->silent = silent;
	if (r != R_ERR)
		return r;
	if (n->b == NULL) {
		ev->brk = 0;
		return R_OK;
	}
	/* A break caught by a catch hands its label's value, a
	 * number only libjq's own count knows, to the handler. */
	if (ev->brk)
		return R_BAIL;
	struct jqv e = ev->err;
	return eval(ev, n->b, &e, k);
}

static int
eval_label(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct jqv old = ev->vars[n->slot];
	unsigned id = ++ev->next_label;
	ev->vars[n->slot] = jqv_num(id);
	int r = labelled(ev, n->a, in, k, id);
	ev->vars[n->slot] = old;
	return r;
}

static int
eval_array(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct collect c = { { k_collect }, arr_make(ev, 8) };
	int r;
	if ((r = eval(ev, n->a, in, &c.k)) != R_OK)
		return r;
	return CALL(k, &c.arr);
}

static int
eval_object(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct jqv *kv = ar_alloc(&ev->ar, (size_t)(n->nargs + 1) * sizeof *kv);
	struct k_obj c = { { NULL }, n, in, 0, NULL, kv, k };
	return obj_pair(ev, &c);
}

static int
eval_string(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct jqv *parts = ar_alloc(&ev->ar, (size_t)n->nargs * sizeof *parts);
	struct k_str c = { { NULL }, n, in, n->nargs - 1, parts, k };
	return str_part(ev, &c);
}

static int
eval_format(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct jqv out;
	int r;
	if ((r = jqv_format(ev, n->name, in, &out)) != R_OK)
		return r;
	return CALL(k, &out);
}

static int
eval_call(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct jqv vals[MAXARGS];
	struct k_call c = { { NULL }, n, in, n->nargs - 1, vals, k };
	return call_arg(ev, &c);
}

/* isempty(f): f runs until its first value, under a label of its own. */
static int
eval_isempty(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	struct k_first c = { { k_first }, ++ev->next_label, 0, NULL };
	int r;
	if ((r = labelled(ev, n->a, in, &c.k, c.id)) != R_OK)
		return r;
	return CALL(k, c.found ? &jqv_false_v : &jqv_true_v);
}

/* The builtins that are generators: their arguments are streams. */
static int
eval_gen(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	switch ((enum gen)n->sub) {
	case G_RANGE: {
		struct k_gen c = { { k_range_from }, n, in, NULL, k };
		return eval(ev, n->a, in, &c.k);
	}
	case G_RANGE3: {
		struct k_r3 c = { { k_r3_init }, n, in, NULL, NULL, k };
		return eval(ev, n->args[0], in, &c.k);
	}
	case G_FIRST: {
		struct k_first c = { { k_first }, ++ev->next_label, 0, k };
		return labelled(ev, n->a, in, &c.k, c.id);
	}
	case G_ISEMPTY:
		return eval_isempty(ev, n, in, k);
	case G_LIMIT: {
		struct k_gen c = { { k_limit_n }, n, in, NULL, k };
		return eval(ev, n->a, in, &c.k);
	}
	case G_WHILE:
	case G_UNTIL:
	case G_REPEAT:
		return loop(ev, n, in, k);
	case G_MAPVALUES:
		return mapvalues(ev, n, in, k);
	case G_NWISE: {
		struct k_nwise c = { { k_nwise }, in, k };
		return eval(ev, n->a, in, &c.k);
	}
	case G_SUB:
		return mysub(ev, n, in, k);
	}
	return R_BAIL;
}

static int
eval(struct jqc_eval *ev, const struct node *n, const struct jqv *in, struct k *k)
{
	int r;

	switch (n->op) {
	case N_IDENT:
		return CALL(k, in);
	case N_CONST:
		return CALL(k, &n->cv);
	case N_ROOTPATH:
		return rootpath(ev, n, k);
	case N_INDEX:
		return eval_index(ev, n, in, k);
	case N_SLICE:
		return eval_slice(ev, n, in, k);
	case N_ITER:
		return eval_iter(ev, n, in, k);
	case N_PIPE: {
		struct k_pipe c = { { k_pipe }, n->b, k };
		return eval(ev, n->a, in, &c.k);
	}
	case N_COMMA:
		if ((r = eval(ev, n->a, in, k)) != R_OK)
			return r;
		return eval(ev, n->b, in, k);
	case N_NEG: {
		struct k_neg c = { { k_neg }, k };
		return eval(ev, n->a, in, &c.k);
	}
	case N_BINOP:
		return eval_binop(ev, n, in, k);
	case N_AND:
	case N_OR: {
		struct k_andor c = { { k_andor_lhs }, n, in, k };
		return eval(ev, n->a, in, &c.k);
	}
	case N_ALT:
		return eval_alt(ev, n, in, k);
	case N_IF: {
		struct k_if c = { { k_if }, n, in, k };
		return eval(ev, n->a, in, &c.k);
	}
	case N_TRY:
		return eval_try(ev, n, in, k);
	case N_REDUCE: {
		struct k_red c = { { k_red_init }, n, in, jqv_null_v, k, 0 };
		return eval(ev, n->b, in, &c.k);
	}
	case N_FOREACH: {
		struct k_fe c = { { k_fe_init }, n, in, jqv_null_v, k, 0 };
		return eval(ev, n->b, in, &c.k);
	}
	case N_AS: {
		struct k_as c = { { k_as_src }, n, in, k };
		return eval(ev, n->a, in, &c.k);
	}
	case N_VAR:
		return CALL(k, &ev->vars[n->slot]);
	case N_LABEL:
		return eval_label(ev, n, in, k);
	case N_BREAK:
		ev->brk = (unsigned)ev->vars[n->slot].num;
		return R_ERR;
	case N_ARRAY:
		return eval_array(ev, n, in, k);
	case N_OBJECT:
		return eval_object(ev, n, in, k);
	case N_STRING:
		return eval_string(ev, n, in, k);
	case N_FORMAT:
		return eval_format(ev, n, in, k);
	case N_CALL:
		return eval_call(ev, n, in, k);
	case N_EMPTY:
		return R_OK;
	case N_NOT:
		return CALL(k, jqv_truthy(in) ? &jqv_false_v : &jqv_true_v);
	case N_RECURSE:
	case N_RECURSE2:
		return rec(ev, n, in, k);
	case N_GEN:
		return eval_gen(ev, n, in, k);
	}
	return R_BAIL;
}

/* ----- running ----- */

struct jqc_eval *
jqc_eval_new(void)
{
	struct jqc_eval *ev = xcalloc(1, sizeof(struct jqc_eval));
	ev->utc = jqc_zone_is_utc();
	return ev;
}

void
jqc_eval_free(struct jqc_eval *ev)
{
	if (ev == NULL)
		return;
	ar_free(&ev->ar);
	free(ev->vars);
	buf_free(&ev->dec);
	buf_free(&ev->scratch);
	buf_free(&ev->text);
	buf_free(&ev->msg);
	regex_cache_free(ev->rx);
	free(ev);
}

void
jqc_eval_reset(struct jqc_eval *ev)
{
	ar_reset(&ev->ar);
}

struct k_emit {
	struct k k;
	jqc_emit_fn emit;
	void *ctx;
};

static int
k_emit(struct jqc_eval *ev, struct k *kk, const struct jqv *v)
{
	struct k_emit *c = (struct k_emit *)kk;
	struct jval out;
	int computed = 0;

	out.type = v->t;
	out.num = v->t == J_NUMBER ? v->num : 0;
	if (v->raw) {
		out.text = v->u.p;
		out.len = v->n;
	} else {
		buf_reset(&ev->text);
		jqv_dump(ev, &ev->text, v);
		if (v->t >= J_ARRAY && strstr(ev->text.p, "<stripped: exceeds max depth>")) {
			buf_reset(&ev->msg);
			buf_adds(&ev->msg, "a value nests deeper than jq can write (256 levels)");
			return R_FATAL;
		}
		out.text = ev->text.p;
		out.len = ev->text.len;
		computed = 1;
	}
	return c->emit(c->ctx, &out, computed) ? R_STOP : R_OK;
}

enum jqc_rc
jqc_run(struct jqc_eval *ev, const struct jqc_prog *p, const char *root, size_t n,
    const struct jqc_capture *caps, jqc_emit_fn emit, void *ctx)
{
	if (ev->nvars < (size_t)p->nslots) {
		ev->vars = xreallocarray(ev->vars, (size_t)p->nslots, sizeof *ev->vars);
		ev->nvars = (size_t)p->nslots;
	}
	for (int i = 0; i < p->nslots; i++)
		ev->vars[i] = jqv_null_v;
	ev->prog = p;
	ev->root = root;
	ev->rootn = n;
	ev->caps = caps;
	ev->brk = 0;
	ev->stack_base = __builtin_frame_address(0);
	ev->silent = 0;

	struct jqv in = jqv_raw(root, n);
	struct k_emit k = { { k_emit }, emit, ctx };
	int r = eval(ev, p->root, &in, &k.k);
	switch (r) {
	case R_OK:
	case R_STOP:
		return JQC_OK;
	case R_BAIL:
		return JQC_BAIL;
	case R_FATAL:
		return JQC_ERR;	/* ev->msg says why */
	default:
		break;
	}
	/* An error: its message as field.c gives libjq's */
	buf_reset(&ev->msg);
	if (ev->brk) {
		buf_adds(&ev->msg, "break");
	} else if (ev->err.t == J_STRING) {
		const char *m;
		size_t mn;
		str_get(ev, &ev->err, &m, &mn);
		buf_add(&ev->msg, m, strnlen(m, mn));
	} else {
		jqv_dump(ev, &ev->msg, &ev->err);
		buf_adds(&ev->msg, " (not a string)");
	}
	return JQC_ERR;
}

const char *
jqc_error(const struct jqc_eval *ev)
{
	return ev->msg.p ? ev->msg.p : "";
}
