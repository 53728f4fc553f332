/*
 * jqc_builtin.c: the builtins jq 1.6 writes in C (builtin.c, jv.c,
 * jv_aux.c), over the compiled evaluator's values, with jq's messages.
 *
 * Where jq's answer depends on something other than the values (the
 * message of its JSON parser for tonumber and fromjson, qsort's handling
 * of the inconsistent order that NaN gives, repeating a string into
 * gigabytes), the builtin returns R_BAIL and libjq answers the record.
 */
#define _GNU_SOURCE	/* memmem, math extras */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqc_int.h"
#include "jscan.h"
#include "utf8.h"

#define IN const struct jqv *in
#define ARGS const struct jqv *args
#define OUT struct jqv *out
#define BUILTIN(name) static int name(struct jqc_eval *ev, IN, ARGS, OUT)

static struct jqv
num(double d)
{
	return jqv_num(d);
}

/* ----- sizes and keys ----- */

BUILTIN(f_length)
{
	(void)args;
	switch (in->t) {
	case J_ARRAY: *out = num((double)arr_len(in)); return R_OK;
	case J_OBJECT: *out = num((double)obj_len(ev, in)); return R_OK;
	case J_STRING: {
		const char *p;
		size_t n;
		str_get(ev, in, &p, &n);
		*out = num((double)utf8_count(p, n));
		return R_OK;
	}
	case J_NUMBER: *out = num(fabs(in->num)); return R_OK;
	case J_NULL: *out = num(0); return R_OK;
	default: return type_error(ev, in, "has no length");
	}
}

int
jqv_length(struct jqc_eval *ev, const struct jqv *in, struct jqv *out)
{
	return f_length(ev, in, NULL, out);
}

BUILTIN(f_utf8bytelength)
{
	(void)args;
	if (in->t != J_STRING)
		return type_error(ev, in, "only strings have UTF-8 byte length");
	const char *p;
	size_t n;
	str_get(ev, in, &p, &n);
	*out = num((double)n);
	return R_OK;
}

static int
keys(struct jqc_eval *ev, IN, OUT, int sorted)
{
	if (in->t == J_ARRAY) {
		size_t n = arr_len(in);
		struct jqv r = arr_make(ev, n);
		for (size_t i = 0; i < n; i++)
			r.u.a->v[i] = num((double)i);
		r.n = r.u.a->used = n;
		*out = r;
		return R_OK;
	}
	if (in->t != J_OBJECT)
		return type_error(ev, in, "has no keys");
	struct jqv o = obj_built(ev, in);
	struct jqv r = arr_make(ev, o.n);
	struct jqmem **s = sorted ? obj_sorted(ev, &o) : NULL;
	for (size_t i = 0; i < o.n; i++) {
		const struct jqmem *m = sorted ? s[i] : &o.u.o->m[i];
		r.u.a->v[i] = jqv_str(m->k, m->kn);
	}
	r.n = r.u.a->used = o.n;
	*out = r;
	return R_OK;
}

BUILTIN(f_keys)
{
	(void)args;
	return keys(ev, in, out, 1);
}

BUILTIN(f_keys_unsorted)
{
	(void)args;
	return keys(ev, in, out, 0);
}

BUILTIN(f_has)
{
	const struct jqv *k = &args[0];
	if (in->t == J_NULL) {
		*out = jqv_false_v;
	} else if (in->t == J_OBJECT && k->t == J_STRING) {
		const char *p;
		size_t n;
		struct jqv x;
		str_get(ev, k, &p, &n);
		*out = jqv_bool(obj_get(ev, in, p, n, &x));
	} else if (in->t == J_ARRAY && k->t == J_NUMBER) {
		int i = jq_int(k->num);
		*out = jqv_bool(i >= 0 && (size_t)i < arr_len(in));
	} else {
		return raise_fmt(ev, "Cannot check whether %s has a %s key",
		    jqc_kind_names[in->t], jqc_kind_names[k->t]);
	}
	return R_OK;
}

/* jv_contains */
static int
contains(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int *bail)
{
	if (a->t != b->t)
		return 0;
	if (a->t == J_OBJECT) {
		struct jqv ob = obj_built(ev, b);
		for (size_t i = 0; i < ob.n; i++) {
			const struct jqmem *m = &ob.u.o->m[i];
			struct jqv x;
			if (!obj_get(ev, a, m->k, m->kn, &x))
				return 0;
			if (!contains(ev, &x, &m->v, bail))
				return 0;
		}
		return 1;
	}
	if (a->t == J_ARRAY) {
		struct arr_it ib, ia;
		struct jqv x, y;
		arr_it_init(&ib, b);
		while (arr_it_next(&ib, &y)) {
			int found = 0;
			arr_it_init(&ia, a);
			while (!found && arr_it_next(&ia, &x))
				found = contains(ev, &x, &y, bail);
			if (!found)
				return 0;
		}
		return 1;
	}
	if (a->t == J_STRING) {
		/* strstr: both end at their first NUL */
		const char *p, *q;
		size_t pn, qn;
		str_get(ev, a, &p, &pn);
		str_get(ev, b, &q, &qn);
		pn = strnlen(p, pn);
		qn = strnlen(q, qn);
		return qn == 0 || memmem(p, pn, q, qn) != NULL;
	}
	return jqv_equal(ev, a, b, bail);
}

BUILTIN(f_contains)
{
	int bail = 0;
	if (in->t != args[0].t)
		return type_error2(ev, in, &args[0], "cannot have their containment checked");
	int r = contains(ev, in, &args[0], &bail);
	if (bail)
		return R_BAIL;
	*out = jqv_bool(r);
	return R_OK;
}

/* A string built in a scratch buffer, as a value that outlives it. */
static struct jqv
buf_value(struct jqc_eval *ev, const struct buf *b)
{
	return jqv_str(ar_copy(&ev->ar, b->p, b->len), b->len);
}

/* ----- conversions ----- */

BUILTIN(f_tostring)
{
	(void)args;
	*out = jqv_tostring(ev, in);
	return R_OK;
}

BUILTIN(f_tojson)
{
	(void)args;
	struct buf *b = &ev->scratch;
	buf_reset(b);
	jqv_dump(ev, b, in);
	*out = buf_value(ev, b);
	return R_OK;
}

BUILTIN(f_type)
{
	(void)ev;
	(void)args;
	*out = str_lit(jqc_kind_names[in->t]);
	return R_OK;
}

/* A value parsed from text: built all the way down, so that it prints as
 * jq prints a value, not as the text was written. */
static struct jqv
deep_build(struct jqc_eval *ev, const struct jqv *v)
{
	switch (v->t) {
	case J_NUMBER:
		return num(v->num);
	case J_STRING: {
		const char *p;
		size_t n;
		str_get(ev, v, &p, &n);
		if (p >= v->u.p && p < v->u.p + v->n)
			p = ar_copy(&ev->ar, p, n);
		return jqv_str(p, n);
	}
	case J_ARRAY: {
		struct jqv r = arr_built(ev, v);
		struct jqv c = arr_make(ev, r.n);
		for (size_t i = 0; i < r.n; i++)
			c.u.a->v[i] = deep_build(ev, &arr_elems(&r)[i]);
		c.n = c.u.a->used = r.n;
		return c;
	}
	case J_OBJECT: {
		struct jqv o = obj_built(ev, v);
		struct jqv c = obj_make(ev, o.n);
		for (size_t i = 0; i < o.n; i++) {
			const struct jqmem *m = &o.u.o->m[i];
			char *k = ar_alloc(&ev->ar, m->kn + 1);
			memcpy(k, m->k, m->kn);
			c.u.o->m[i].k = k;
			c.u.o->m[i].kn = m->kn;
			c.u.o->m[i].v = deep_build(ev, &m->v);
		}
		c.n = c.u.o->used = o.n;
		return c;
	}
	default: {
		struct jqv r = { .t = v->t };
		return r;
	}
	}
}

/* Parse p[0..n) as jq's jv_parse would: 1 with *out, 0 when only libjq
 * can say what happens (its error messages, or an odd text). */
static int
parse_json(struct jqc_eval *ev, const char *p, size_t n, struct jqv *out)
{
	const char *msg;
	size_t where;
	if (json_validate(p, n, &msg, &where) != 0)
		return 0;
	/* The raw value must outlive the record's scratch: copy the text. */
	char *d = ar_copy(&ev->ar, p, n);
	const char *s = jscan_ws(json_skip_bom(d, d + n), d + n), *e = d + n;
	while (e > s && jscan_isws((unsigned char)e[-1]))
		e--;
	struct jqv raw = jqv_raw(s, (size_t)(e - s));
	*out = deep_build(ev, &raw);
	return 1;
}

BUILTIN(f_tonumber)
{
	(void)args;
	if (in->t == J_NUMBER) {
		*out = *in;
		return R_OK;
	}
	if (in->t == J_STRING) {
		const char *p;
		size_t n;
		str_get(ev, in, &p, &n);
		/* jv_parse reads the string as C text, up to a NUL */
		n = strnlen(p, n);
		struct jqv v;
		if (!parse_json(ev, p, n, &v)) {
			/* jq's parser's message, which only libjq has, unless
			 * no one will read it */
			if (ev->silent)
				return raise_fmt(ev, "not a number");
			return R_BAIL;
		}
		if (v.t == J_NUMBER) {
			*out = v;
			return R_OK;
		}
	}
	return type_error(ev, in, "cannot be parsed as a number");
}

BUILTIN(f_fromjson)
{
	(void)args;
	if (in->t != J_STRING)
		return type_error(ev, in, "only strings can be parsed");
	const char *p;
	size_t n;
	str_get(ev, in, &p, &n);
	if (!parse_json(ev, p, n, out)) {
		if (ev->silent)
			return raise_fmt(ev, "not JSON");
		return R_BAIL;
	}
	return R_OK;
}

/* ----- strings ----- */

static int
both_strings(IN, ARGS)
{
	return in->t == J_STRING && args[0].t == J_STRING;
}

static int
starts(struct jqc_eval *ev, IN, ARGS)
{
	const char *a, *b;
	size_t an, bn;
	str_get(ev, in, &a, &an);
	str_get(ev, &args[0], &b, &bn);
	return bn <= an && memcmp(a, b, bn) == 0;
}

static int
ends(struct jqc_eval *ev, IN, ARGS)
{
	const char *a, *b;
	size_t an, bn;
	str_get(ev, in, &a, &an);
	str_get(ev, &args[0], &b, &bn);
	return bn <= an && memcmp(a + an - bn, b, bn) == 0;
}

BUILTIN(f_startswith)
{
	if (!both_strings(in, args))
		return raise_fmt(ev, "startswith() requires string inputs");
	*out = jqv_bool(starts(ev, in, args));
	return R_OK;
}

BUILTIN(f_endswith)
{
	if (!both_strings(in, args))
		return raise_fmt(ev, "endswith() requires string inputs");
	*out = jqv_bool(ends(ev, in, args));
	return R_OK;
}

BUILTIN(f_ltrimstr)
{
	if (both_strings(in, args) && starts(ev, in, args)) {
		const char *a;
		size_t an, bn;
		const char *b;
		str_get(ev, in, &a, &an);
		str_get(ev, &args[0], &b, &bn);
		*out = jqv_str(a + bn, an - bn);
	} else {
		*out = *in;
	}
	return R_OK;
}

BUILTIN(f_rtrimstr)
{
	if (both_strings(in, args) && ends(ev, in, args)) {
		const char *a;
		size_t an, bn;
		const char *b;
		str_get(ev, in, &a, &an);
		str_get(ev, &args[0], &b, &bn);
		*out = jqv_str(a, an - bn);
	} else {
		*out = *in;
	}
	return R_OK;
}

BUILTIN(f_split)
{
	if (!both_strings(in, args))
		return raise_fmt(ev, "split input and separator must be strings");
	return jqv_binop(ev, B_DIV, in, &args[0], out);
}

BUILTIN(f_explode)
{
	(void)args;
	if (in->t != J_STRING)
		return raise_fmt(ev, "explode input must be a string");
	const char *p;
	size_t n;
	str_get(ev, in, &p, &n);
	struct jqv r = arr_make(ev, n);
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	while (s < end) {
		size_t l;
		long cp = utf8_next(s, end, &l);
		r.u.a->v[r.n++] = num((double)(cp < 0 ? 0xFFFD : cp));
		s += l;
	}
	r.u.a->used = r.n;
	*out = r;
	return R_OK;
}

BUILTIN(f_implode)
{
	(void)args;
	if (in->t != J_ARRAY)
		return raise_fmt(ev, "implode input must be an array");
	struct arr_it it;
	struct jqv x;
	size_t len = arr_len(in);
	char *d = ar_alloc(&ev->ar, 4 * len + 1), *o = d;
	arr_it_init(&it, in);
	while (arr_it_next(&it, &x)) {
		/* Debian's jq 1.6 refuses NaN too (its "number (null)") */
		if (x.t != J_NUMBER || x.num != x.num)
			return type_error(ev, &x,
			    "can't be imploded, unicode codepoint needs to be numeric");
		int cp = jq_int(x.num);
		if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			cp = 0xFFFD;
		o += utf8_put(o, cp);
	}
	*out = jqv_str(d, (size_t)(o - d));
	return R_OK;
}

BUILTIN(f_strindices)
{
	if (!both_strings(in, args))
		return raise_fmt(ev, "_strindices requires string inputs (jq 1.6 aborts here)");
	const char *s, *k;
	size_t n, kn;
	str_get(ev, in, &s, &n);
	str_get(ev, &args[0], &k, &kn);
	if (kn == 0)
		return raise_fmt(ev, "cannot find an empty string's indices "
		    "(jq 1.6 fills the memory here)");
	struct jqv r = arr_make(ev, 4);
	for (const char *p = s; (p = memmem(p, (size_t)(s + n - p), k, kn)) != NULL; p += kn) {
		struct jqv x = num((double)(p - s));
		r = arr_push(ev, &r, &x);
	}
	*out = r;
	return R_OK;
}

static int
ascii_case(struct jqc_eval *ev, IN, OUT, int up)
{
	if (in->t != J_STRING)
		return raise_fmt(ev, "explode input must be a string");
	const char *p;
	size_t n;
	str_get(ev, in, &p, &n);
	char *d = ar_alloc(&ev->ar, n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		else if (!up && c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		d[i] = c;
	}
	*out = jqv_str(d, n);
	return R_OK;
}

BUILTIN(f_ascii_downcase)
{
	(void)args;
	return ascii_case(ev, in, out, 0);
}

BUILTIN(f_ascii_upcase)
{
	(void)args;
	return ascii_case(ev, in, out, 1);
}

/* ----- sorting ----- */

struct sort_entry {
	struct jqv obj, key;
	size_t index;
};

struct sort_ctx {
	struct jqc_eval *ev;
	int bail;
};

static int
sort_cmp(const void *x, const void *y, void *arg)
{
	const struct sort_entry *a = x, *b = y;
	struct sort_ctx *c = arg;
	int r = jqv_cmp(c->ev, &a->key, &b->key, &c->bail);
	if (r)
		return r;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* jq's sort_items: a stable sort of objects by keys.  A NaN anywhere in
 * the keys makes the order inconsistent and jq's result depend on
 * qsort's inner workings: libjq decides. */
static struct sort_entry *
sort_items(struct jqc_eval *ev, const struct jqv *objs, const struct jqv *keys,
    size_t *np, int *bail)
{
	struct jqv o = arr_built(ev, objs), k = arr_built(ev, keys);
	size_t n = o.n;
	struct sort_entry *e = ar_alloc(&ev->ar, (n + 1) * sizeof *e);
	for (size_t i = 0; i < n; i++) {
		e[i].obj = arr_elems(&o)[i];
		e[i].key = arr_elems(&k)[i];
		e[i].index = i;
	}
	struct sort_ctx c = { ev, 0 };
	qsort_r(e, n, sizeof *e, sort_cmp, &c);
	*bail = c.bail;
	*np = n;
	return e;
}

static int
do_sort(struct jqc_eval *ev, const struct jqv *objs, const struct jqv *keys, OUT)
{
	size_t n;
	int bail;
	struct sort_entry *e = sort_items(ev, objs, keys, &n, &bail);
	if (bail)
		return R_BAIL;
	struct jqv r = arr_make(ev, n);
	for (size_t i = 0; i < n; i++)
		r.u.a->v[i] = e[i].obj;
	r.n = r.u.a->used = n;
	*out = r;
	return R_OK;
}

BUILTIN(f_sort)
{
	(void)args;
	if (in->t != J_ARRAY)
		return type_error(ev, in, "cannot be sorted, as it is not an array");
	return do_sort(ev, in, in, out);
}

static int
both_arrays_same_length(IN, ARGS)
{
	return in->t == J_ARRAY && args[0].t == J_ARRAY && arr_len(in) == arr_len(&args[0]);
}

BUILTIN(f_sort_by_impl)
{
	if (!both_arrays_same_length(in, args))
		return type_error2(ev, in, &args[0], "cannot be sorted, as they are not both arrays");
	return do_sort(ev, in, &args[0], out);
}

BUILTIN(f_group_by_impl)
{
	if (!both_arrays_same_length(in, args))
		return type_error2(ev, in, &args[0], "cannot be sorted, as they are not both arrays");
	size_t n;
	int bail;
	struct sort_entry *e = sort_items(ev, in, &args[0], &n, &bail);
	if (bail)
		return R_BAIL;
	struct jqv r = arr_make(ev, 4);
	if (n > 0) {
		struct jqv group = arr_make(ev, 4);
		const struct jqv *cur = &e[0].key;
		group = arr_push(ev, &group, &e[0].obj);
		for (size_t i = 1; i < n; i++) {
			if (!jqv_equal(ev, cur, &e[i].key, &bail)) {
				cur = &e[i].key;
				r = arr_push(ev, &r, &group);
				group = arr_make(ev, 4);
			}
			group = arr_push(ev, &group, &e[i].obj);
		}
		r = arr_push(ev, &r, &group);
	}
	if (bail)
		return R_BAIL;
	*out = r;
	return R_OK;
}

static int
minmax(struct jqc_eval *ev, const struct jqv *vals, const struct jqv *keys, OUT, int is_min)
{
	if (vals->t != J_ARRAY || keys->t != J_ARRAY)
		return type_error2(ev, vals, keys, "cannot be iterated over");
	struct jqv v = arr_built(ev, vals), k = arr_built(ev, keys);
	if (v.n != k.n)
		return type_error2(ev, vals, keys, "have wrong length");
	if (v.n == 0) {
		*out = jqv_null_v;
		return R_OK;
	}
	size_t best = 0;
	int bail = 0;
	for (size_t i = 1; i < v.n; i++) {
		int c = jqv_cmp(ev, &arr_elems(&k)[i], &arr_elems(&k)[best], &bail);
		if ((c < 0) == is_min)
			best = i;
	}
	*out = arr_elems(&v)[best];
	return R_OK;
}

BUILTIN(f_min)
{
	(void)args;
	return minmax(ev, in, in, out, 1);
}

BUILTIN(f_max)
{
	(void)args;
	return minmax(ev, in, in, out, 0);
}

BUILTIN(f_min_by_impl)
{
	return minmax(ev, in, &args[0], out, 1);
}

BUILTIN(f_max_by_impl)
{
	return minmax(ev, in, &args[0], out, 0);
}

/* def _flatten($x): reduce .[] as $i ([]; if $i | type == "array" and
 * $x != 0 then . + ($i | _flatten($x-1)) else . + [$i] end); */
static int
flatten(struct jqc_eval *ev, const struct jqv *v, const struct jqv *depth,
    struct jqv *acc, int level)
{
	if (stack_deep(ev))
		return R_BAIL;
	struct jqv items = v->t == J_ARRAY ? arr_built(ev, v) : obj_built(ev, v);
	struct jqv zero = num(0);
	int bail = 0;
	for (size_t i = 0; i < items.n; i++) {
		const struct jqv *x = v->t == J_ARRAY ? &arr_elems(&items)[i] :
		    &obj_mems(&items)[i].v;
		if (x->t == J_ARRAY && !jqv_equal(ev, depth, &zero, &bail)) {
			struct jqv one = num(1), d1;
			int r = jqv_binop(ev, B_SUB, depth, &one, &d1);
			if (r != R_OK)
				return r;
			if ((r = flatten(ev, x, &d1, acc, level + 1)) != R_OK)
				return r;
		} else {
			*acc = arr_push(ev, acc, x);
		}
	}
	return R_OK;
}

BUILTIN(f_flatten)
{
	if (in->t != J_ARRAY && in->t != J_OBJECT) {
		buf_reset(&ev->msg);
		buf_addf(&ev->msg, "Cannot iterate over %s (", jqc_kind_names[in->t]);
		jqv_dump_trunc(ev, &ev->msg, in, 15);
		buf_addc(&ev->msg, ')');
		return raise_msg(ev);
	}
	struct jqv acc = arr_make(ev, 8);
	int r = flatten(ev, in, &args[0], &acc, 0);
	if (r != R_OK)
		return r;
	*out = acc;
	return R_OK;
}

/* ----- errors and numbers ----- */

BUILTIN(f_error)
{
	(void)in;
	const struct jqv *m = &args[0];
	if (m->t == J_NULL)
		return R_EMPTY;	/* jv_invalid_with_msg(null) is no error */
	if (m->t == J_OBJECT) {
		struct jqv x;
		/* {"__jq": n} is how jq's labels break: only libjq knows
		 * which n it would take for its own. */
		if (obj_get(ev, m, "__jq", 4, &x))
			return R_BAIL;
	}
	(void)out;
	return raise_val(ev, m);
}

BUILTIN(f_infinite)
{
	(void)ev; (void)in; (void)args;
	*out = num(INFINITY);
	return R_OK;
}

BUILTIN(f_nan)
{
	(void)ev; (void)in; (void)args;
	*out = num(NAN);
	return R_OK;
}

BUILTIN(f_isinfinite)
{
	(void)ev; (void)args;
	*out = jqv_bool(in->t == J_NUMBER && isinf(in->num));
	return R_OK;
}

BUILTIN(f_isnan)
{
	(void)ev; (void)args;
	*out = jqv_bool(in->t == J_NUMBER && isnan(in->num));
	return R_OK;
}

BUILTIN(f_isnormal)
{
	(void)ev; (void)args;
	*out = jqv_bool(in->t == J_NUMBER && isnormal(in->num));
	return R_OK;
}

#define MATH1(fname, cfun) \
BUILTIN(fname) \
{ \
	(void)args; \
	if (in->t != J_NUMBER) \
		return type_error(ev, in, "number required"); \
	*out = num(cfun(in->num)); \
	return R_OK; \
}

#define MATH2(fname, cfun) \
BUILTIN(fname) \
{ \
	(void)in; \
	if (args[0].t != J_NUMBER) \
		return type_error(ev, &args[0], "number required"); \
	if (args[1].t != J_NUMBER) \
		return type_error(ev, &args[1], "number required"); \
	*out = num(cfun(args[0].num, args[1].num)); \
	return R_OK; \
}

MATH1(f_floor, floor)
MATH1(f_sqrt, sqrt)
MATH1(f_fabs, fabs)
MATH1(f_round, round)
MATH1(f_ceil, ceil)
MATH1(f_trunc, trunc)
MATH1(f_exp, exp)
MATH1(f_exp2, exp2)
MATH1(f_exp10, exp10)
MATH1(f_log, log)
MATH1(f_log2, log2)
MATH1(f_log10, log10)
MATH1(f_log1p, log1p)
MATH1(f_expm1, expm1)
MATH1(f_cbrt, cbrt)
MATH1(f_sin, sin)
MATH1(f_cos, cos)
MATH1(f_tan, tan)
MATH1(f_asin, asin)
MATH1(f_acos, acos)
MATH1(f_atan, atan)
MATH1(f_sinh, sinh)
MATH1(f_cosh, cosh)
MATH1(f_tanh, tanh)
MATH1(f_asinh, asinh)
MATH1(f_acosh, acosh)
MATH1(f_atanh, atanh)
MATH1(f_rint, rint)
MATH1(f_nearbyint, nearbyint)
MATH1(f_logb, logb)
MATH1(f_tgamma, tgamma)
MATH1(f_lgamma, lgamma)
MATH1(f_significand, significand)
MATH2(f_pow, pow)
MATH2(f_atan2, atan2)
MATH2(f_fmod, fmod)
MATH2(f_hypot, hypot)
MATH2(f_fmin, fmin)
MATH2(f_fmax, fmax)
MATH2(f_fdim, fdim)
MATH2(f_copysign, copysign)
MATH2(f_nextafter, nextafter)

/* ----- formats ----- */

BUILTIN(f_format)
{
	if (args[0].t != J_STRING)
		return type_error(ev, &args[0], "is not a valid format");
	const char *p;
	size_t n;
	str_get(ev, &args[0], &p, &n);
	if (memchr(p, '\0', n) != NULL)
		return R_BAIL;	/* jq compares the name as C text */
	return jqv_format(ev, ar_copy(&ev->ar, p, n), in, out);
}

/* Append s[0..n) with jq's escape_string table: NUL always as \0. */
static void
escape(struct buf *b, const char *s, size_t n, const char *const table[128])
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0)
			buf_add(b, "\\0", 2);
		else if (c < 128 && table[c])
			buf_adds(b, table[c]);
		else
			buf_addc(b, (char)c);
	}
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * A format's writer appends its rendering of v to b (jqv_format has
 * emptied it).  jq hands the text formats (@html, @uri, @base64,
 * @base64d) the input's tostring, so for them v is that string and p, n
 * its text; the formats that walk values (@csv, @tsv, @sh) get the input
 * itself and no text.
 */
typedef int format_writer(struct jqc_eval *ev, const struct jqv *v,
    const char *p, size_t n, struct buf *b);

/* @csv and @tsv: one row from an array of scalars. */
static int
format_row(struct jqc_eval *ev, const struct jqv *in, int csv, struct buf *line)
{
	static const char *const csvt[128] = { ['"'] = "\"\"" };
	static const char *const tsvt[128] = {
		['\t'] = "\\t", ['\r'] = "\\r", ['\n'] = "\\n", ['\\'] = "\\\\",
	};
	const char *p;
	size_t n;

	if (in->t != J_ARRAY)
		return type_error(ev, in, csv ? "cannot be csv-formatted, only array" :
		    "cannot be tsv-formatted, only array");
	struct arr_it it;
	struct jqv x;
	int first = 1;
	arr_it_init(&it, in);
	while (arr_it_next(&it, &x)) {
		if (!first)
			buf_addc(line, csv ? ',' : '\t');
		first = 0;
		switch (x.t) {
		case J_NULL:
			break;
		case J_TRUE:
		case J_FALSE:
			jqv_dump(ev, line, &x);
			break;
		case J_NUMBER:
			if (x.num == x.num)
				jqv_dump(ev, line, &x);
			break;
		case J_STRING:
			str_get(ev, &x, &p, &n);
			if (csv)
				buf_addc(line, '"');
			escape(line, p, n, csv ? csvt : tsvt);
			if (csv)
				buf_addc(line, '"');
			break;
		default:
			return type_error(ev, &x, "is not valid in a csv row");
		}
	}
	return R_OK;
}

static int
format_csv(struct jqc_eval *ev, const struct jqv *in, const char *p, size_t n,
    struct buf *b)
{
	(void)p;
	(void)n;
	return format_row(ev, in, 1, b);
}

static int
format_tsv(struct jqc_eval *ev, const struct jqv *in, const char *p, size_t n,
    struct buf *b)
{
	(void)p;
	(void)n;
	return format_row(ev, in, 0, b);
}

static int
format_html(struct jqc_eval *ev, const struct jqv *s, const char *p, size_t n,
    struct buf *b)
{
	static const char *const t[128] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
		['\''] = "&apos;", ['"'] = "&quot;",
	};
	(void)ev;
	(void)s;
	escape(b, p, n, t);
	return R_OK;
}

static int
format_uri(struct jqc_eval *ev, const struct jqv *s, const char *p, size_t n,
    struct buf *b)
{
	(void)ev;
	(void)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || (c && strchr("-_.!~*'()", c)))
			buf_addc(b, (char)c);
		else
			buf_addf(b, "%%%02X", c);
	}
	return R_OK;
}

/* @sh: a scalar, or each element of an array, quoted for a POSIX shell. */
static int
format_sh(struct jqc_eval *ev, const struct jqv *in, const char *p, size_t n,
    struct buf *line)
{
	static const char *const t[128] = { ['\''] = "'\\''" };
	const char *text;
	size_t len;
	(void)p;
	(void)n;

	struct jqv arr = *in;
	if (in->t != J_ARRAY) {
		arr = arr_make(ev, 1);
		arr = arr_push(ev, &arr, in);
	}
	struct arr_it it;
	struct jqv x;
	int first = 1;
	arr_it_init(&it, &arr);
	while (arr_it_next(&it, &x)) {
		if (!first)
			buf_addc(line, ' ');
		first = 0;
		switch (x.t) {
		case J_NULL: case J_TRUE: case J_FALSE: case J_NUMBER:
			jqv_dump(ev, line, &x);
			break;
		case J_STRING:
			str_get(ev, &x, &text, &len);
			buf_addc(line, '\'');
			escape(line, text, len, t);
			buf_addc(line, '\'');
			break;
		default:
			return type_error(ev, &x, "can not be escaped for shell");
		}
	}
	return R_OK;
}

static int
format_base64(struct jqc_eval *ev, const struct jqv *s, const char *p, size_t n,
    struct buf *b)
{
	(void)ev;
	(void)s;
	const unsigned char *d = (const unsigned char *)p;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t code = 0;
		size_t k = n - i >= 3 ? 3 : n - i;
		for (size_t j = 0; j < 3; j++)
			code = code << 8 | (j < k ? d[i + j] : 0);
		char q[4];
		for (int j = 0; j < 4; j++)
			q[j] = b64[(code >> (18 - j * 6)) & 0x3f];
		if (k < 3)
			q[3] = '=';
		if (k < 2)
			q[2] = '=';
		buf_add(b, q, 4);
	}
	return R_OK;
}

static int
format_base64d(struct jqc_eval *ev, const struct jqv *s, const char *p, size_t n,
    struct buf *b)
{
	uint32_t code = 0;
	int got = 0;
	for (size_t i = 0; i < n && p[i] != '='; i++) {
		const char *c = memchr(b64, p[i], 64);
		if (c == NULL || p[i] == '\0')
			return type_error(ev, s, "is not valid base64 data");
		code = code << 6 | (uint32_t)(c - b64);
		if (++got == 4) {
			buf_addc(b, (char)(code >> 16));
			buf_addc(b, (char)(code >> 8));
			buf_addc(b, (char)code);
			got = 0;
			code = 0;
		}
	}
	if (got == 3) {
		buf_addc(b, (char)(code >> 10));
		buf_addc(b, (char)(code >> 2));
	} else if (got == 2) {
		buf_addc(b, (char)(code >> 4));
	} else if (got == 1) {
		return type_error(ev, s, "trailing base64 byte found");
	}
	return R_OK;
}

/*
 * of_text: the writer reads the input's tostring (see format_writer).
 * any_bytes: the output need not be UTF-8 (decoded base64), so it is
 * repaired as jq's jv_string_sized does; the others only escape valid
 * text and are taken as they are.
 */
static const struct format {
	const char *name;
	format_writer *write;
	unsigned char of_text;
	unsigned char any_bytes;
} formats[] = {
	{ "csv", format_csv, 0, 0 },
	{ "tsv", format_tsv, 0, 0 },
	{ "html", format_html, 1, 0 },
	{ "uri", format_uri, 1, 0 },
	{ "sh", format_sh, 0, 0 },
	{ "base64", format_base64, 1, 0 },
	{ "base64d", format_base64d, 1, 1 },
};

int
jqv_format(struct jqc_eval *ev, const char *fmt, const struct jqv *in, struct jqv *out)
{
	if (strcmp(fmt, "json") == 0)
		return f_tojson(ev, in, NULL, out);
	if (strcmp(fmt, "text") == 0) {
		*out = jqv_tostring(ev, in);
		return R_OK;
	}
	const struct format *f = formats;
	const struct format *end = formats + LEN(formats);
	while (f < end && strcmp(fmt, f->name) != 0)
		f++;
	if (f == end)
		return raise_fmt(ev, "%s is not a valid format", fmt);

	struct jqv v = f->of_text ? jqv_tostring(ev, in) : *in;
	const char *p = NULL;
	size_t n = 0;
	if (f->of_text)
		str_get(ev, &v, &p, &n);
	struct buf *b = &ev->scratch;
	buf_reset(b);
	int r = f->write(ev, &v, p, n, b);
	if (r != R_OK)
		return r;
	*out = f->any_bytes ? str_make(ev, b->p ? b->p : "", b->len) : buf_value(ev, b);
	return R_OK;
}

/* ----- regular expressions and dates: thin wrappers ----- */

BUILTIN(f_match_impl)
{
	int bail = 0;
	int test = jqv_equal(ev, &args[2], &jqv_true_v, &bail);
	return jqc_match(ev, in, &args[0], &args[1], test, out);
}

BUILTIN(f_strptime)
{
	return jqc_strptime(ev, in, &args[0], out);
}

BUILTIN(f_strftime)
{
	return jqc_strftime(ev, in, &args[0], out);
}

BUILTIN(f_mktime)
{
	(void)args;
	return jqc_mktime(ev, in, out);
}

BUILTIN(f_gmtime)
{
	(void)args;
	return jqc_gmtime(ev, in, out);
}

/* ----- the table ----- */

static const struct builtin builtins[] = {
	{ "length", 0, f_length },
	{ "utf8bytelength", 0, f_utf8bytelength },
	{ "keys", 0, f_keys },
	{ "keys_unsorted", 0, f_keys_unsorted },
	{ "has", 1, f_has },
	{ "contains", 1, f_contains },
	{ "tostring", 0, f_tostring },
	{ "tojson", 0, f_tojson },
	{ "fromjson", 0, f_fromjson },
	{ "tonumber", 0, f_tonumber },
	{ "type", 0, f_type },
	{ "startswith", 1, f_startswith },
	{ "endswith", 1, f_endswith },
	{ "ltrimstr", 1, f_ltrimstr },
	{ "rtrimstr", 1, f_rtrimstr },
	{ "split", 1, f_split },
	{ "explode", 0, f_explode },
	{ "implode", 0, f_implode },
	{ "_strindices", 1, f_strindices },
	{ "ascii_downcase", 0, f_ascii_downcase },
	{ "ascii_upcase", 0, f_ascii_upcase },
	{ "sort", 0, f_sort },
	{ "_sort_by_impl", 1, f_sort_by_impl },
	{ "_group_by_impl", 1, f_group_by_impl },
	{ "min", 0, f_min },
	{ "max", 0, f_max },
	{ "_min_by_impl", 1, f_min_by_impl },
	{ "_max_by_impl", 1, f_max_by_impl },
	{ "_flatten", 1, f_flatten },
	{ "error", 1, f_error },
	{ "infinite", 0, f_infinite },
	{ "nan", 0, f_nan },
	{ "isinfinite", 0, f_isinfinite },
	{ "isnan", 0, f_isnan },
	{ "isnormal", 0, f_isnormal },
	{ "format", 1, f_format },
	{ "_match_impl", 3, f_match_impl },
	{ "strptime", 1, f_strptime },
	{ "strftime", 1, f_strftime },
	{ "mktime", 0, f_mktime },
	{ "gmtime", 0, f_gmtime },
	{ "floor", 0, f_floor },
	{ "sqrt", 0, f_sqrt },
	{ "fabs", 0, f_fabs },
	{ "round", 0, f_round },
	{ "ceil", 0, f_ceil },
	{ "trunc", 0, f_trunc },
	{ "exp", 0, f_exp },
	{ "exp2", 0, f_exp2 },
	{ "exp10", 0, f_exp10 },
	{ "log", 0, f_log },
	{ "log2", 0, f_log2 },
	{ "log10", 0, f_log10 },
	{ "log1p", 0, f_log1p },
	{ "expm1", 0, f_expm1 },
	{ "cbrt", 0, f_cbrt },
	{ "sin", 0, f_sin },
	{ "cos", 0, f_cos },
	{ "tan", 0, f_tan },
	{ "asin", 0, f_asin },
	{ "acos", 0, f_acos },
	{ "atan", 0, f_atan },
	{ "sinh", 0, f_sinh },
	{ "cosh", 0, f_cosh },
	{ "tanh", 0, f_tanh },
	{ "asinh", 0, f_asinh },
	{ "acosh", 0, f_acosh },
	{ "atanh", 0, f_atanh },
	{ "rint", 0, f_rint },
	{ "nearbyint", 0, f_nearbyint },
	{ "logb", 0, f_logb },
	{ "tgamma", 0, f_tgamma },
	{ "lgamma", 0, f_lgamma },
	{ "significand", 0, f_significand },
	{ "pow", 2, f_pow },
	{ "atan2", 2, f_atan2 },
	{ "fmod", 2, f_fmod },
	{ "hypot", 2, f_hypot },
	{ "fmin", 2, f_fmin },
	{ "fmax", 2, f_fmax },
	{ "fdim", 2, f_fdim },
	{ "copysign", 2, f_copysign },
	{ "nextafter", 2, f_nextafter },
};

const struct builtin *
builtin_find(const char *name, size_t len, int nargs)
{
	for (size_t i = 0; i < LEN(builtins); i++)
		if (builtins[i].nargs == nargs && strlen(builtins[i].name) == len &&
		    memcmp(builtins[i].name, name, len) == 0)
			return &builtins[i];
	return NULL;
}
