/*
 * field.c: field expressions, evaluated per record (see field.h).
 *
 * Fast path.  Plain paths are compiled to steps (a name or an index, each
 * with or without '?') and merged into a trie shared by every fast field
 * of the set.  One walk over the line follows the trie: a container whose
 * node has children is read member by member, everything else is handed
 * to the validating skipper (jscan_value), so the whole line is validated
 * and untracked values cost only the skip.  Reaching a node "visits" it:
 * each field through the node gets the answer it would have if this were
 * the last occurrence (a value, null, an error, or nothing under '?'), and
 * later occurrences overwrite it.  That is how jq's "last duplicate key
 * wins" falls out for intermediate steps too: {"a":{"b":1},"a":2} gives
 * .a.b an error, as jq does.
 *
 * libjq path.  Each other expression gets its own jq_state; the line is
 * parsed once per record (after the same validation as the fast path, so
 * both paths accept the same lines) and the parsed value shared.
 *
 * libjq's ownership rule (jv.h): every jv_* function consumes its jv
 * arguments and returns a new reference, except jv_copy; so a jv used
 * twice is jv_copy'd first.
 */
#define _GNU_SOURCE	/* memmem */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jq.h>
#include <jv.h>

#include "field.h"
#include "jscan.h"

/* ----- data ----- */

struct step {
	int index;		/* 1: [N]; 0: a name */
	char *name;		/* decoded, NUL-terminated (for messages) */
	size_t nlen;
	long n;
	int opt;		/* '?' */
};

/* What a fast field holds after a walk. */
enum fstate { F_NONE, F_VALUE, F_NULL, F_ERROR };

struct field {
	char *expr;		/* as given: fs_clone compiles it again */
	int flags;
	int fast;

	/* fast path */
	struct step *steps;
	int nsteps;
	enum fstate st;
	const char *vp;		/* F_VALUE: the value's text */
	size_t vlen;
	int ekind;		/* F_ERROR: the kind indexed, the step */
	int estep;

	/* libjq path */
	jq_state *jq;
	struct buf text;	/* dumped values, back to back */

	struct jval *vals;
	size_t nvals, capvals;
};

struct child {
	int index;
	const char *name;	/* the first field's step name */
	size_t nlen;
	long n;
	struct node *node;
};

struct node {
	int depth;
	int fffd;		/* some child's name holds U+FFFD */
	int *fields;		/* fields whose path reaches this node */
	int nfields;
	struct child *kids;
	int nkids;
	int names, indexes;	/* how many kids of each sort */
};

struct fieldset {
	struct field *f;
	int n, cap;
	int nofast;		/* TRAWL_NO_FASTPATH */
	int nfast, nslow;
	struct node *root;
	struct buf kbuf;	/* decoded keys with escapes */
	struct buf err;
	int err_field;
};

/* ----- plain paths ----- */

static int
is_ident0(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_ident(int c)
{
	return is_ident0(c) || (c >= '0' && c <= '9');
}

/*
 * A jq string literal at *sp (at the quote) without interpolation or
 * \u escapes, whose bytes are valid UTF-8; else 0 (libjq will take it).
 */
static int
parse_literal(const char **sp, struct buf *out)
{
	const char *s = *sp + 1;
	buf_reset(out);
	buf_reserve(out, 1);	/* p is never NULL, even for "" */
	for (;;) {
		char c = *s++;
		if (c == '\0')
			return 0;
		if (c == '"')
			break;
		if (c == '\\') {
			c = *s++;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			default: return 0;
			}
		}
		buf_addc(out, c);
	}
	/* Bytes jq would replace as invalid UTF-8 are not worth a fast path. */
	struct buf chk = { 0 };
	jscan_decode(&chk, out->p, out->len);
	int same = chk.len == out->len && memcmp(chk.p, out->p, chk.len) == 0;
	buf_free(&chk);
	if (!same)
		return 0;
	*sp = s;
	return 1;
}

static void
add_step(struct field *f, int index, const char *name, size_t nlen, long n)
{
	f->steps = xreallocarray(f->steps, (size_t)f->nsteps + 1, sizeof *f->steps);
	struct step *st = &f->steps[f->nsteps++];
	st->index = index;
	st->name = index ? NULL : xstrndup(name, nlen);
	st->nlen = nlen;
	st->n = n;
	st->opt = 0;
}

static void
free_steps(struct field *f)
{
	for (int i = 0; i < f->nsteps; i++)
		free(f->steps[i].name);
	free(f->steps);
	f->steps = NULL;
	f->nsteps = 0;
}

/*
 * Compile expr as a plain path into f->steps; 0 when it is not one.
 * Accepted: . .a ."a" .[N] .["a"] and then any of .a ."a" [N] ["a"],
 * each optionally followed by '?'; N is a non-negative integer (jq's
 * negative indexes are left to libjq).
 */
static int
parse_path(struct field *f, const char *expr)
{
	struct buf lit = { 0 };
	const char *s = expr;
	int ok = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s != '.')
		goto out;
	if (s[1] == '\0' || s[1] == ' ' || s[1] == '\t' || s[1] == '\n') {
		s++;
		goto end;
	}
	int first = 1;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
		if (*s == '.' && is_ident0((unsigned char)s[1])) {
			const char *b = ++s;
			while (is_ident((unsigned char)*s))
				s++;
			add_step(f, 0, b, (size_t)(s - b), 0);
		} else if (*s == '.' && s[1] == '"') {
			s++;
			if (!parse_literal(&s, &lit))
				goto out;
			add_step(f, 0, lit.p, lit.len, 0);
		} else if (*s == '[' || (first && *s == '.' && s[1] == '[')) {
			if (*s == '.')
				s++;
			s++;
			if (*s == '"') {
				if (!parse_literal(&s, &lit))
					goto out;
				add_step(f, 0, lit.p, lit.len, 0);
			} else if (*s >= '0' && *s <= '9') {
				long n = 0;
				int nd = 0;
				while (*s >= '0' && *s <= '9' && nd < 9) {
					n = n * 10 + (*s++ - '0');
					nd++;
				}
				if (*s >= '0' && *s <= '9')
					goto out;
				add_step(f, 1, NULL, 0, n);
			} else {
				goto out;
			}
			if (*s++ != ']')
				goto out;
		} else {
			goto out;
		}
		if (*s == '?') {
			f->steps[f->nsteps - 1].opt = 1;
			s++;
		}
		first = 0;
	}
end:
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	ok = *s == '\0';
out:
	buf_free(&lit);
	if (!ok)
		free_steps(f);
	return ok;
}

/* ----- the trie ----- */

static struct node *
node_new(int depth)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->depth = depth;
	return n;
}

static void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->nkids; i++)
		node_free(n->kids[i].node);
	free(n->kids);
	free(n->fields);
	free(n);
}

static void
node_addfield(struct node *n, int fi)
{
	n->fields = xreallocarray(n->fields, (size_t)n->nfields + 1, sizeof *n->fields);
	n->fields[n->nfields++] = fi;
}

static void
trie_add(struct fieldset *fs, int fi)
{
	struct field *f = &fs->f[fi];
	if (fs->root == NULL)
		fs->root = node_new(0);
	struct node *n = fs->root;
	node_addfield(n, fi);
	for (int d = 0; d < f->nsteps; d++) {
		const struct step *st = &f->steps[d];
		struct node *next = NULL;
		for (int i = 0; i < n->nkids && next == NULL; i++) {
			struct child *c = &n->kids[i];
			if (c->index != st->index)
				continue;
			if (st->index ? c->n == st->n :
			    c->nlen == st->nlen && memcmp(c->name, st->name, st->nlen) == 0)
				next = c->node;
		}
		if (next == NULL) {
			n->kids = xreallocarray(n->kids, (size_t)n->nkids + 1, sizeof *n->kids);
			struct child *c = &n->kids[n->nkids++];
			c->index = st->index;
			c->name = st->name;
			c->nlen = st->nlen;
			c->n = st->n;
			c->node = next = node_new(d + 1);
			if (!st->index && st->nlen >= 3 &&
			    memmem(st->name, st->nlen, "\xEF\xBF\xBD", 3))
				n->fffd = 1;
			if (st->index)
				n->indexes++;
			else
				n->names++;
		}
		n = next;
		node_addfield(n, fi);
	}
}

/* ----- the fast walk ----- */

/*
 * The value at p (kind k) reached node n: decide, for every field through
 * n, what it would yield if this were the last occurrence.  Fields that go
 * deeper get null now and are overwritten by the children's visits.
 */
static void
visit(struct fieldset *fs, const struct node *n, enum jtype k)
{
	for (int i = 0; i < n->nfields; i++) {
		struct field *f = &fs->f[n->fields[i]];
		if (f->nsteps == n->depth)
			continue;	/* takes the value: see walk() */
		const struct step *st = &f->steps[n->depth];
		if (k == J_NULL || k == (st->index ? J_ARRAY : J_OBJECT)) {
			f->st = F_NULL;
		} else if (st->opt) {
			f->st = F_NONE;
		} else {
			f->st = F_ERROR;
			f->ekind = k;
			f->estep = n->depth;
		}
	}
}

static void
take(struct fieldset *fs, const struct node *n, const char *p, size_t len)
{
	for (int i = 0; i < n->nfields; i++) {
		struct field *f = &fs->f[n->fields[i]];
		if (f->nsteps == n->depth) {
			f->st = F_VALUE;
			f->vp = p;
			f->vlen = len;
		}
	}
}

static int
has_high(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/*
 * The child of n named by the key body k[0..len) (escapes when esc).
 * Without escapes the raw bytes are the decoded ones unless they are
 * invalid UTF-8, which decodes to U+FFFD; names are valid UTF-8, so only
 * a name holding U+FFFD can match such a key, and only then do keys with
 * high bytes need decoding.
 */
static struct node *
name_child(struct fieldset *fs, const struct node *n, const char *k,
    size_t len, int esc)
{
	if (esc || (n->fffd && has_high(k, len))) {
		/* Compare decoded bytes, as jq does. */
		buf_reset(&fs->kbuf);
		jscan_decode(&fs->kbuf, k, len);
		k = fs->kbuf.p;
		len = fs->kbuf.len;
	}
	for (int i = 0; i < n->nkids; i++) {
		const struct child *c = &n->kids[i];
		if (!c->index && c->nlen == len && (len == 0 ||
		    (c->name[0] == k[0] && memcmp(c->name, k, len) == 0)))
			return c->node;
	}
	return NULL;
}

static struct node *
index_child(const struct node *n, long idx)
{
	for (int i = 0; i < n->nkids; i++) {
		const struct child *c = &n->kids[i];
		if (c->index && c->n == idx)
			return c->node;
	}
	return NULL;
}

#define WS(p, end) do { \
	if ((p) < (end) && (unsigned char)*(p) <= ' ') \
		(p) = jscan_ws((p), (end)); \
} while (0)

/*
 * Walk the value at p that reached node n inside containers weighing wd.
 * Returns its end, or NULL with *e set.  Recursion is bounded by the
 * length of the longest path, not by the input.
 */
static const char *
walk(struct fieldset *fs, const struct node *n, const char *p,
    const char *end, int wd, struct jscan_err *e)
{
	const char *start = p;
	enum jtype k;
	int esc;

	if (p >= end) {
		e->msg = "unfinished JSON term";
		e->at = p;
		return NULL;
	}
	switch (*p) {
	case '{':
		visit(fs, n, J_OBJECT);
		if (n->names == 0)
			break;
		if (wd >= JSCAN_MAX_DEPTH) {
			e->msg = "exceeds depth limit for parsing";
			e->at = p;
			return NULL;
		}
		p++;
		WS(p, end);
		if (p < end && *p == '}') {
			p++;
			goto done;
		}
		for (;;) {
			if (p >= end || *p != '"') {
				e->msg = "object keys must be strings";
				e->at = p;
				return NULL;
			}
			const char *kb = p + 1;
			esc = 0;
			p = jscan_string(kb, end, &esc, e);
			if (p == NULL)
				return NULL;
			struct node *c = name_child(fs, n, kb, (size_t)(p - 1 - kb), esc);
			WS(p, end);
			if (p >= end || *p != ':') {
				e->msg = "objects must consist of key:value pairs";
				e->at = p;
				return NULL;
			}
			p++;
			WS(p, end);
			p = c ? walk(fs, c, p, end, wd + 2, e) :
			    jscan_value(p, end, wd + 2, e);
			if (p == NULL)
				return NULL;
			WS(p, end);
			if (p < end && *p == ',') {
				p++;
				WS(p, end);
				continue;
			}
			if (p < end && *p == '}') {
				p++;
				goto done;
			}
			e->msg = p < end ? "expected separator between values" :
			    "unfinished JSON term";
			e->at = p;
			return NULL;
		}
	case '[':
		visit(fs, n, J_ARRAY);
		if (n->indexes == 0)
			break;
		if (wd >= JSCAN_MAX_DEPTH) {
			e->msg = "exceeds depth limit for parsing";
			e->at = p;
			return NULL;
		}
		p++;
		WS(p, end);
		if (p < end && *p == ']') {
			p++;
			goto done;
		}
		for (long i = 0;; i++) {
			struct node *c = index_child(n, i);
			p = c ? walk(fs, c, p, end, wd + 1, e) :
			    jscan_value(p, end, wd + 1, e);
			if (p == NULL)
				return NULL;
			WS(p, end);
			if (p < end && *p == ',') {
				p++;
				WS(p, end);
				continue;
			}
			if (p < end && *p == ']') {
				p++;
				goto done;
			}
			e->msg = p < end ? "expected separator between values" :
			    "unfinished JSON term";
			e->at = p;
			return NULL;
		}
	case '"':
		visit(fs, n, J_STRING);
		break;
	default:
		p = jscan_token(p, end, &k, e);
		if (p == NULL)
			return NULL;
		visit(fs, n, k);
		goto done;
	}
	p = jscan_value(p, end, wd, e);
	if (p == NULL)
		return NULL;
done:
	take(fs, n, start, (size_t)(p - start));
	return p;
}

static const char *const kind_names[] = {
	[J_NULL] = "null", [J_FALSE] = "boolean", [J_TRUE] = "boolean",
	[J_NUMBER] = "number", [J_STRING] = "string", [J_ARRAY] = "array",
	[J_OBJECT] = "object",
};

static void
set_jval(struct jval *v, const char *p, size_t len)
{
	v->text = p;
	v->len = len;
	v->type = jscan_kind(p, len);
	v->num = v->type == J_NUMBER ? json_number(p, len) : 0;
}

static void
push_val(struct field *f, const struct jval *v)
{
	if (f->nvals == f->capvals) {
		f->capvals = f->capvals ? 2 * f->capvals : 4;
		f->vals = xreallocarray(f->vals, f->capvals, sizeof *f->vals);
	}
	f->vals[f->nvals++] = *v;
}

/* The message jq 1.6 gives for indexing a value of kind k with step st. */
static void
index_error(struct buf *err, int k, const struct step *st)
{
	buf_reset(err);
	if (st->index)
		buf_addf(err, "Cannot index %s with number", kind_names[k]);
	else if (st->nlen < 30)
		buf_addf(err, "Cannot index %s with string \"%s\"", kind_names[k], st->name);
	else
		buf_addf(err, "Cannot index %s with string", kind_names[k]);
}

static void
parse_error(struct fieldset *fs, const char *msg, size_t where)
{
	buf_reset(&fs->err);
	buf_addf(&fs->err, "not JSON: %s at column %zu", msg, where + 1);
}

static int
eval_fast(struct fieldset *fs, const char *p, size_t n)
{
	const char *end = p + n, *s = p;
	struct jscan_err e;

	for (int i = 0; i < fs->n; i++)
		if (fs->f[i].fast)
			fs->f[i].st = F_NONE;
	s = jscan_ws(json_skip_bom(s, end), end);
	if (s == end) {
		e.msg = "expected a JSON value";
		e.at = s;
		goto bad;
	}
	s = walk(fs, fs->root, s, end, 0, &e);
	if (s == NULL)
		goto bad;
	s = jscan_ws(s, end);
	if (s != end) {
		e.msg = "unexpected extra JSON values";
		e.at = s;
		goto bad;
	}

	int rc = 0;
	for (int i = 0; i < fs->n; i++) {
		struct field *f = &fs->f[i];
		if (!f->fast)
			continue;
		struct jval v;
		switch (f->st) {
		case F_VALUE:
			set_jval(&v, f->vp, f->vlen);
			if (json_needs_normal(v.text, v.len)) {
				/* Tools print a value's text: where it is not
				 * JSON as jq writes it ("+1", [.5], 1e999, "\xff",
				 * "\udfaa"), give jq's text. */
				buf_reset(&f->text);
				json_put_value(&f->text, v.text, v.len);
				v.text = f->text.p;
				v.len = f->text.len;
			}
			push_val(f, &v);
			break;
		case F_NULL:
			set_jval(&v, "null", 4);
			push_val(f, &v);
			break;
		case F_ERROR:
			if (rc == 0) {
				index_error(&fs->err, f->ekind, &f->steps[f->estep]);
				fs->err_field = i;
				rc = -1;
			}
			break;
		case F_NONE:
			break;
		}
	}
	return rc;
bad:
	parse_error(fs, e.msg, (size_t)(e.at - p));
	fs->err_field = -1;
	return -1;
}

/* ----- libjq ----- */

/*
 * Compile errors arrive here as jq prints them, several lines each
 * ("...line 1:\n.a[") and then "jq: N compile error(s)"; the caller
 * prints one line, so lines are joined and the count is left out.
 */
static void
jq_err_cb(void *data, jv msg)
{
	struct buf *err = data;
	if (jv_get_kind(msg) != JV_KIND_STRING)
		msg = jv_dump_string(msg, 0);
	const char *s = jv_string_value(msg);
	if (strncmp(s, "jq: ", 4) == 0 && strstr(s, " compile error") &&
	    strchr(s, '\n') == NULL) {
		jv_free(msg);
		return;
	}
	if (err->len)
		buf_adds(err, "; ");
	for (; *s; s++) {
		if (*s != '\n')
			buf_addc(err, *s);
		else if (s[1] != '\0')
			buf_addc(err, ' ');
	}
	while (err->len && err->p[err->len - 1] == ' ')
		err->p[--err->len] = '\0';
	jv_free(msg);
}

static void
jq_discard_cb(void *data, jv msg)
{
	(void)data;
	jv_free(msg);
}

static enum jtype
jv_type(jv v)
{
	switch (jv_get_kind(v)) {
	case JV_KIND_FALSE: return J_FALSE;
	case JV_KIND_TRUE: return J_TRUE;
	case JV_KIND_NUMBER: return J_NUMBER;
	case JV_KIND_STRING: return J_STRING;
	case JV_KIND_ARRAY: return J_ARRAY;
	case JV_KIND_OBJECT: return J_OBJECT;
	default: return J_NULL;
	}
}

/*
 * jq 1.6 writes the parts of a value nested deeper than 256 levels as
 * "<stripped: exceeds max depth>", which is not JSON: such a value cannot
 * be handed on.  A string holding those words is still fine.
 */
static int
too_deep(const char *text)
{
	const char *m = strstr(text, "<stripped: exceeds max depth>");
	const char *msg;
	size_t where;
	return m != NULL && json_validate(text, strlen(text), &msg, &where) != 0;
}

/* Run field f on the parsed input; 0, or -1 with fs->err set. */
static int
eval_jq(struct fieldset *fs, struct field *f, jv input)
{
	jv r;
	int rc = 0;

	buf_reset(&f->text);
	jq_start(f->jq, input, 0);
	while (jv_is_valid(r = jq_next(f->jq))) {
		struct jval v;
		jv d = jv_dump_string(jv_copy(r), 0);
		if (too_deep(jv_string_value(d))) {
			jv_free(d);
			jv_free(r);
			buf_reset(&fs->err);
			buf_adds(&fs->err, "a value nests deeper than jq can write "
			    "(256 levels)");
			rc = -1;
			r = jv_invalid();
			break;
		}
		v.type = jv_type(r);
		v.num = v.type == J_NUMBER ? jv_number_value(r) : 0;
		/* Offsets for now: text may move as it grows. */
		v.text = (const char *)(uintptr_t)f->text.len;
		v.len = (size_t)jv_string_length_bytes(jv_copy(d));
		buf_add(&f->text, jv_string_value(d), v.len);
		jv_free(d);
		jv_free(r);
		push_val(f, &v);
		if (f->flags & FS_FIRST)
			break;
	}
	if (!jv_is_valid(r)) {
		if (jv_invalid_has_msg(jv_copy(r))) {
			jv msg = jv_invalid_get_msg(r);
			buf_reset(&fs->err);
			if (jv_get_kind(msg) == JV_KIND_STRING) {
				buf_adds(&fs->err, jv_string_value(msg));
				jv_free(msg);
			} else {
				jv d = jv_dump_string(msg, 0);
				buf_addf(&fs->err, "%s (not a string)", jv_string_value(d));
				jv_free(d);
			}
			rc = -1;
		} else {
			jv_free(r);
		}
	}
	for (size_t k = 0; k < f->nvals; k++)
		f->vals[k].text = f->text.p + (uintptr_t)f->vals[k].text;
	return rc;
}

/*
 * Run the libjq fields before field "upto" (all of them: fs->n).  When
 * the fast path already found an error in field upto, only earlier fields
 * run, so that the error reported is always the first field's, whichever
 * path each field took.
 */
static int
eval_slow(struct fieldset *fs, const char *p, size_t n, int validated, int upto)
{
	const char *msg;
	size_t where;

	/* The same acceptance as the fast path, whichever path runs. */
	if (!validated && json_validate(p, n, &msg, &where) != 0) {
		parse_error(fs, msg, where);
		return -1;
	}
	if (n > INT_MAX) {
		buf_reset(&fs->err);
		buf_adds(&fs->err, "line too long for libjq (over 2 GB)");
		return -1;
	}
	jv in = jv_parse_sized(p, (int)n);
	if (!jv_is_valid(in)) {
		jv m = jv_invalid_get_msg(in);
		buf_reset(&fs->err);
		buf_adds(&fs->err, "not JSON: ");
		if (jv_get_kind(m) == JV_KIND_STRING)
			buf_add(&fs->err, jv_string_value(m),
			    strcspn(jv_string_value(m), "("));
		jv_free(m);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < upto && rc == 0; i++) {
		struct field *f = &fs->f[i];
		if (!f->fast)
			rc = eval_jq(fs, f, jv_copy(in));
	}
	jv_free(in);
	return rc;
}

/* ----- the interface ----- */

struct fieldset *
fs_new(void)
{
	struct fieldset *fs = xcalloc(1, sizeof *fs);
	const char *e = getenv("TRAWL_NO_FASTPATH");
	fs->nofast = e != NULL && *e != '\0' && strcmp(e, "0") != 0;
	return fs;
}

void
fs_free(struct fieldset *fs)
{
	if (fs == NULL)
		return;
	for (int i = 0; i < fs->n; i++) {
		struct field *f = &fs->f[i];
		free_steps(f);
		free(f->expr);
		if (f->jq)
			jq_teardown(&f->jq);
		buf_free(&f->text);
		free(f->vals);
	}
	free(fs->f);
	node_free(fs->root);
	buf_free(&fs->kbuf);
	buf_free(&fs->err);
	free(fs);
}

int
fs_add(struct fieldset *fs, const char *expr, int flags, char *err, size_t errlen)
{
	struct field nf = { 0 };
	nf.flags = flags;

	if (!fs->nofast && parse_path(&nf, expr)) {
		nf.fast = 1;
	} else {
		struct buf msg = { 0 };
		nf.jq = jq_init();
		if (nf.jq == NULL) {
			snprintf(err, errlen, "jq: cannot initialise libjq");
			return -1;
		}
		jq_set_error_cb(nf.jq, jq_err_cb, &msg);
		if (!jq_compile(nf.jq, expr)) {
			snprintf(err, errlen, "%s", msg.len ? msg.p :
			    "jq: error: the expression does not compile");
			jq_teardown(&nf.jq);
			buf_free(&msg);
			return -1;
		}
		/* Runtime errors come back from jq_next; a library never
		 * prints, and msg is about to die. */
		jq_set_error_cb(nf.jq, jq_discard_cb, NULL);
		buf_free(&msg);
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 4;
		fs->f = xreallocarray(fs->f, (size_t)fs->cap, sizeof *fs->f);
	}
	nf.expr = xstrdup(expr);
	fs->f[fs->n] = nf;
	if (nf.fast) {
		trie_add(fs, fs->n);
		fs->nfast++;
	} else {
		fs->nslow++;
	}
	return fs->n++;
}

struct fieldset *
fs_clone(const struct fieldset *fs, char *err, size_t errlen)
{
	struct fieldset *c = xcalloc(1, sizeof *c);

	c->nofast = fs->nofast;
	for (int i = 0; i < fs->n; i++)
		if (fs_add(c, fs->f[i].expr, fs->f[i].flags, err, errlen) < 0) {
			fs_free(c);
			return NULL;
		}
	return c;
}

int
fs_fields(const struct fieldset *fs)
{
	return fs->n;
}

int
fs_is_fast(const struct fieldset *fs, int i)
{
	return fs->f[i].fast;
}

int
fs_eval(struct fieldset *fs, const char *p, size_t n)
{
	int rc = 0;

	for (int i = 0; i < fs->n; i++)
		fs->f[i].nvals = 0;
	if (fs->nfast)
		rc = eval_fast(fs, p, n);
	else if (fs->nslow == 0) {
		/* No fields: the line must still be one JSON value. */
		const char *msg;
		size_t where;
		if (json_validate(p, n, &msg, &where) != 0) {
			parse_error(fs, msg, where);
			rc = -1;
		}
	}
	if (fs->nslow && (rc == 0 || fs->err_field >= 0)) {
		int upto = rc == 0 ? fs->n : fs->err_field;
		if (eval_slow(fs, p, n, fs->nfast > 0, upto) != 0)
			rc = -1;
	}
	return rc;
}

const char *
fs_error(const struct fieldset *fs)
{
	return fs->err.p ? fs->err.p : "";
}

size_t
fs_count(const struct fieldset *fs, int i)
{
	return fs->f[i].nvals;
}

const struct jval *
fs_value(const struct fieldset *fs, int i, size_t k)
{
	return &fs->f[i].vals[k];
}

const struct jval *
fs_first(const struct fieldset *fs, int i)
{
	const struct field *f = &fs->f[i];
	if (f->nvals == 0 || f->vals[0].type == J_NULL)
		return NULL;
	return &f->vals[0];
}
