/*
 * field.c: field expressions, evaluated per record (see field.h).
 *
 * Three paths.  A plain path (.a.b[0]) is answered by the walk alone.  An
 * expression of jq's everyday language is compiled (lib/jqc*.c) into a
 * program that runs over the record without libjq.  Anything else goes to
 * libjq.
 *
 * The walk.  Static paths are "readers": a plain field's path, and every
 * static path from the root that a compiled program reads (the
 * ".meta.geoCountry" of a select).  Readers' steps (a name or an index,
 * each with or without '?') are merged into a trie shared by the whole
 * set.  One walk over the line follows the trie: a container whose node
 * has children is read member by member, everything else is handed to the
 * validating skipper (jscan_value), so the whole line is validated and
 * untracked values cost only the skip.  Reaching a node "visits" it: each
 * reader through the node gets the answer it would have if this were the
 * last occurrence (a value, null, an error, or nothing under '?'), and
 * later occurrences overwrite it.  That is how jq's "last duplicate key
 * wins" falls out for intermediate steps too: {"a":{"b":1},"a":2} gives
 * .a.b an error, as jq does.  After the walk, fields are evaluated in
 * order; a compiled program reads its readers' answers and navigates the
 * (now validated) record lazily for everything else.
 *
 * libjq path.  Each other expression gets its own jq_state; the line is
 * parsed once per record (after the same validation, so every path
 * accepts the same lines) and the parsed value shared.  A compiled field
 * also falls back to libjq, record by record, in the rare cases only
 * libjq can answer exactly (jqc.h: JQC_BAIL); its jq_state is made on
 * first need, so that startup never pays for libjq when no expression
 * needs it.
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
#include "jqc.h"
#include "jscan.h"

/* ----- data ----- */

/* A static path and what the walk found at its end. */
struct reader {
	struct jqc_step *steps;
	int nsteps;
	int owned;		/* steps belong to the reader (plain fields) */
	struct jqc_capture cap;
};

struct field {
	char *expr;		/* as given: fs_clone compiles it again */
	int flags;
	enum fs_path path;
	char *why;		/* FS_LIBJQ: why not compiled */

	/* FS_PLAIN */
	int reader;

	/* FS_COMPILED */
	struct jqc_prog *prog;
	int *readers;		/* reader of each path of the program */
	struct jqc_capture *caps;

	/* FS_LIBJQ, and FS_COMPILED's fallback */
	jq_state *jq;
	int jq_first;		/* jq runs first(expr): see jq_make_field */

	struct buf text;	/* computed values, back to back */
	struct jval *vals;
	size_t nvals, capvals;
};

struct child {
	int index;
	const char *name;	/* the first reader's step name */
	size_t nlen;
	int quote;		/* the name holds a '"': only a key with escapes spells it */
	uint64_t word, wmask;	/* its first 8 bytes and closing quote, as a raw key's */
	long n;
	struct node *node;
};

struct node {
	int depth;
	int fffd;		/* some child's name holds U+FFFD */
	int *readers;		/* readers whose path reaches this node */
	int nreaders;
	struct child *kids;
	int nkids;
	int names, indexes;	/* how many kids of each sort */
	long maxindex;		/* the largest index among the kids */
	int ends;		/* readers whose path ends here */
};

struct fieldset {
	struct field *f;
	int n, cap;
	struct reader *r;
	int nr, capr;
	int nofast;		/* TRAWL_NO_FASTPATH */
	int nobail;		/* TRAWL_NO_BAIL: tests see every fallback */
	int nwalk, nslow;	/* fields that need the walk, libjq */
	struct node *root;
	struct jqc_eval *ev;
	struct buf kbuf;	/* decoded keys with escapes */
	struct jscan_index ix;	/* the line, as the SIMD kernel indexed it */
	struct buf err;
	struct buf explain;
	int err_field;
	/* the record being evaluated */
	const char *rec;	/* its root value, no blanks around */
	size_t recn;
	jv parsed;		/* libjq's parse, when some field needed it */
	int have_parsed;
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
 * \u escapes, whose bytes are valid UTF-8; else 0 (the compiler takes it).
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
add_step(struct reader *r, int index, const char *name, size_t nlen, long n)
{
	r->steps = xreallocarray(r->steps, (size_t)r->nsteps + 1, sizeof *r->steps);
	struct jqc_step *st = &r->steps[r->nsteps++];
	st->index = index;
	st->name = index ? NULL : xstrndup(name, nlen);
	st->nlen = nlen;
	st->n = n;
	st->opt = 0;
}

static void
free_steps(struct reader *r)
{
	for (int i = 0; i < r->nsteps; i++)
		free(r->steps[i].name);
	free(r->steps);
	r->steps = NULL;
	r->nsteps = 0;
}

/*
 * Read expr as a plain path into r's steps; 0 when it is not one.
 * Accepted: . .a ."a" .[N] .["a"] and then any of .a ."a" [N] ["a"],
 * each optionally followed by '?'; N is a non-negative integer (jq's
 * negative indexes are left to the compiler).
 */
static int
parse_path(struct reader *r, const char *expr)
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
			add_step(r, 0, b, (size_t)(s - b), 0);
		} else if (*s == '.' && s[1] == '"') {
			s++;
			if (!parse_literal(&s, &lit))
				goto out;
			add_step(r, 0, lit.p, lit.len, 0);
		} else if (*s == '[' || (first && *s == '.' && s[1] == '[')) {
			if (*s == '.')
				s++;
			s++;
			if (*s == '"') {
				if (!parse_literal(&s, &lit))
					goto out;
				add_step(r, 0, lit.p, lit.len, 0);
			} else if (*s >= '0' && *s <= '9') {
				long n = 0;
				int nd = 0;
				while (*s >= '0' && *s <= '9' && nd < 9) {
					n = n * 10 + (*s++ - '0');
					nd++;
				}
				if (*s >= '0' && *s <= '9')
					goto out;
				add_step(r, 1, NULL, 0, n);
			} else {
				goto out;
			}
			if (*s++ != ']')
				goto out;
		} else {
			goto out;
		}
		if (*s == '?') {
			r->steps[r->nsteps - 1].opt = 1;
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
		free_steps(r);
	return ok;
}

/* ----- readers and the trie ----- */

static int
same_steps(const struct jqc_step *a, int na, const struct jqc_step *b, int nb)
{
	if (na != nb)
		return 0;
	for (int i = 0; i < na; i++)
		if (a[i].index != b[i].index || a[i].opt != b[i].opt ||
		    (a[i].index ? a[i].n != b[i].n : a[i].nlen != b[i].nlen ||
		    memcmp(a[i].name, b[i].name, a[i].nlen) != 0))
			return 0;
	return 1;
}

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
	free(n->readers);
	free(n);
}

static void
node_addreader(struct node *n, int ri)
{
	n->readers = xreallocarray(n->readers, (size_t)n->nreaders + 1, sizeof *n->readers);
	n->readers[n->nreaders++] = ri;
}

/*
 * A name's spelling as the first 8 bytes of a raw key body (those after
 * its opening quote) give it, closing quote included when it fits, and
 * the bits of those bytes that must match: index_key's test of a key.
 */
static void
key_word(struct child *c)
{
	unsigned char b[8] = { 0 };
	size_t k = c->nlen < 8 ? c->nlen : 8;

	memcpy(b, c->name, k);
	if (k < 8)
		b[k++] = '"';
	c->word = load_le64(b);
	c->wmask = k == 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * k)) - 1;
}

static void
trie_add(struct fieldset *fs, int ri)
{
	const struct reader *r = &fs->r[ri];
	if (fs->root == NULL)
		fs->root = node_new(0);
	struct node *n = fs->root;
	node_addreader(n, ri);
	for (int d = 0; d < r->nsteps; d++) {
		const struct jqc_step *st = &r->steps[d];
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
			c->quote = !st->index && memchr(st->name, '"', st->nlen) != NULL;
			if (!st->index)
				key_word(c);
			c->n = st->n;
			c->node = next = node_new(d + 1);
			if (!st->index && st->nlen >= 3 &&
			    memmem(st->name, st->nlen, "\xEF\xBF\xBD", 3))
				n->fffd = 1;
			if (st->index) {
				n->indexes++;
				if (st->n > n->maxindex)
					n->maxindex = st->n;
			} else {
				n->names++;
			}
		}
		n = next;
		node_addreader(n, ri);
	}
	n->ends++;
}

/* The reader for steps, shared with any earlier one that has the same. */
static int
reader_add(struct fieldset *fs, struct jqc_step *steps, int nsteps, int owned)
{
	for (int i = 0; i < fs->nr; i++)
		if (same_steps(fs->r[i].steps, fs->r[i].nsteps, steps, nsteps)) {
			if (owned) {
				struct reader tmp = { steps, nsteps, 1, { 0 } };
				free_steps(&tmp);
			}
			return i;
		}
	if (fs->nr == fs->capr) {
		fs->capr = fs->capr ? 2 * fs->capr : 8;
		fs->r = xreallocarray(fs->r, (size_t)fs->capr, sizeof *fs->r);
	}
	struct reader *r = &fs->r[fs->nr];
	memset(r, 0, sizeof *r);
	r->steps = steps;
	r->nsteps = nsteps;
	r->owned = owned;
	trie_add(fs, fs->nr);
	return fs->nr++;
}

/* ----- the walk ----- */

/*
 * The value at p (kind k) reached node n: decide, for every reader
 * through n, what it would yield if this were the last occurrence.
 * Readers that go deeper get null now and are overwritten by the
 * children's visits.
 */
static void
visit(struct fieldset *fs, const struct node *n, enum jtype k)
{
	for (int i = 0; i < n->nreaders; i++) {
		struct reader *r = &fs->r[n->readers[i]];
		if (r->nsteps == n->depth)
			continue;	/* takes the value: see walk() */
		const struct jqc_step *st = &r->steps[n->depth];
		if (k == J_NULL || k == (st->index ? J_ARRAY : J_OBJECT)) {
			r->cap.st = JQC_NULL;
		} else if (st->opt) {
			r->cap.st = JQC_NONE;
		} else {
			r->cap.st = JQC_ERROR;
			r->cap.ekind = k;
			r->cap.estep = n->depth;
		}
	}
}

static void
take(struct fieldset *fs, const struct node *n, const char *p, size_t len)
{
	for (int i = 0; i < n->nreaders; i++) {
		struct reader *r = &fs->r[n->readers[i]];
		if (r->nsteps == n->depth) {
			r->cap.st = JQC_VALUE;
			r->cap.p = p;
			r->cap.n = len;
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

static const char *walk(struct fieldset *fs, const struct node *n,
    const char *p, const char *end, int wd, struct jscan_err *e);

/* A container at p opened inside containers weighing wd: 0, or -1 with
 * *e set when it would pass jq's nesting limit. */
static int
past_depth_limit(const char *p, int wd, struct jscan_err *e)
{
	if (wd < JSCAN_MAX_DEPTH)
		return 0;
	e->msg = "exceeds depth limit for parsing";
	e->at = p;
	return -1;
}

/*
 * What follows a member of a container closed by `close`, at p: past a
 * ',' and its spaces with *more set, past `close` with *more clear, or
 * NULL with *e set.
 */
static const char *
after_member(const char *p, const char *end, char close, int *more,
    struct jscan_err *e)
{
	WS(p, end);
	*more = p < end && *p == ',';
	if (*more) {
		p++;
		WS(p, end);
		return p;
	}
	if (p < end && *p == close)
		return p + 1;
	e->msg = p < end ? "expected separator between values" :
	    "unfinished JSON term";
	e->at = p;
	return NULL;
}

/*
 * walk() of the object at p (its '{') once it is visited: the members
 * named by n's children are walked, the others only scanned.  Returns its
 * end, or NULL with *e set.
 */
static const char *
walk_object(struct fieldset *fs, const struct node *n, const char *p,
    const char *end, int wd, struct jscan_err *e)
{
	if (past_depth_limit(p, wd, e) < 0)
		return NULL;
	p++;
	WS(p, end);
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p != '"') {
			e->msg = "object keys must be strings";
			e->at = p;
			return NULL;
		}
		const char *kb = p + 1;
		int esc = 0, more;
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
		if (p == NULL || (p = after_member(p, end, '}', &more, e)) == NULL)
			return NULL;
		if (!more)
			return p;
	}
}

/* walk_object() for the array at p (its '['): the elements n has
 * children for by index are walked. */
static const char *
walk_array(struct fieldset *fs, const struct node *n, const char *p,
    const char *end, int wd, struct jscan_err *e)
{
	if (past_depth_limit(p, wd, e) < 0)
		return NULL;
	p++;
	WS(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (long i = 0;; i++) {
		struct node *c = index_child(n, i);
		int more;
		p = c ? walk(fs, c, p, end, wd + 1, e) :
		    jscan_value(p, end, wd + 1, e);
		if (p == NULL || (p = after_member(p, end, ']', &more, e)) == NULL)
			return NULL;
		if (!more)
			return p;
	}
}

/*
 * Walk the value at p that reached node n inside containers weighing wd.
 * Returns its end, or NULL with *e set.  Recursion is bounded by the
 * length of the longest path, not by the input.  A container is visited
 * before its members are walked and taken after (walk_index does the
 * same).
 */
static const char *
walk(struct fieldset *fs, const struct node *n, const char *p,
    const char *end, int wd, struct jscan_err *e)
{
	const char *start = p;
	enum jtype k;

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
		p = walk_object(fs, n, p, end, wd, e);
		goto done;
	case '[':
		visit(fs, n, J_ARRAY);
		if (n->indexes == 0)
			break;
		p = walk_array(fs, n, p, end, wd, e);
		goto done;
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
done:
	if (p == NULL)
		return NULL;
	take(fs, n, start, (size_t)(p - start));
	return p;
}

/* ----- the walk over an indexed line ----- */

/* index_key for what its first eight bytes do not settle. */
static int
index_key_slow(struct fieldset *fs, const struct node *n,
    const struct jscan_index *ix, size_t k, size_t *after)
{
	const char *p = ix->p, *kb = p + k + 1, *end = p + ix->n;

	if (!ix->escapes && !n->fffd) {
		for (int i = 0; i < n->nkids; i++) {
			const struct child *c = &n->kids[i];
			if (!c->index && !c->quote && (size_t)(end - kb) > c->nlen &&
			    kb[c->nlen] == '"' && (c->nlen == 0 || (kb[0] == c->name[0] &&
			    memcmp(kb + 1, c->name + 1, c->nlen - 1) == 0))) {
				*after = (size_t)(kb - p) + c->nlen + 1;
				return i;
			}
		}
		*after = 0;	/* not needed: no child to walk */
		return -1;
	}
	const char *q = kb;
	int esc = 0;
	while (*q != '"') {
		if (*q == '\\') {
			esc = 1;
			q++;
		}
		q++;
	}
	*after = (size_t)(q + 1 - p);
	struct node *c = name_child(fs, n, kb, (size_t)(q - kb), esc);
	for (int i = 0; c != NULL && i < n->nkids; i++)
		if (n->kids[i].node == c)
			return i;
	return -1;
}

/*
 * Which child of n the key whose opening quote is at offset k of the
 * indexed line names (its place in n->kids), or -1; *after gets the
 * offset past its closing quote.  Without a backslash in the line and
 * without U+FFFD in a name, a key's raw bytes are compared in place (a
 * name is valid UTF-8, so a key that is not can match no name either
 * way), and only the names' lengths are read of it: a name without a
 * quote that matches them and is followed by one is the whole key.  The
 * first eight bytes of a key are compared at once (most keys differ from
 * every name there, and a name of up to 7 bytes is matched whole); what
 * else it takes is index_key_slow's.
 */
static inline int
index_key(struct fieldset *fs, const struct node *n,
    const struct jscan_index *ix, size_t k, size_t *after)
{
	const char *p = ix->p, *kb = p + k + 1, *end = p + ix->n;

	if (ix->escapes || n->fffd || end - kb < 8)
		return index_key_slow(fs, n, ix, k, after);
	uint64_t w = load_le64((const unsigned char *)kb);
	for (int i = 0; i < n->nkids; i++) {
		const struct child *c = &n->kids[i];
		if (c->index || c->quote || (w & c->wmask) != c->word)
			continue;
		if (c->nlen >= 8 && ((size_t)(end - kb) <= c->nlen || kb[c->nlen] != '"' ||
		    memcmp(kb + 8, c->name + 8, c->nlen - 8) != 0))
			continue;
		*after = (size_t)(kb - p) + c->nlen + 1;
		return i;
	}
	*after = 0;	/* not needed: no child to walk */
	return -1;
}

static void walk_index(struct fieldset *fs, const struct node *n,
    const struct jscan_index *ix, size_t v, size_t bound);

/* The value of the member whose key index_key read (after: past its
 * closing quote) reached child c: walk it.  next bounds it as in
 * walk_index. */
static void
walk_member(struct fieldset *fs, const struct node *c,
    const struct jscan_index *ix, size_t after, size_t next)
{
	const char *p = ix->p, *end = p + ix->n, *x = p + after;

	WS(x, end);
	x++;	/* the colon */
	WS(x, end);
	walk_index(fs, c, ix, (size_t)(x - p), next);
}

/*
 * The members of the object at offset v (bound as in walk_index) that n
 * has children for.  Only the last occurrence of a key counts (jq keeps
 * the last of duplicate keys, and a member's walk decides its readers
 * wholly, overwriting what an earlier one left), so the keys are read
 * from the last backwards and each child walked once, at its last
 * occurrence: the readers end up as walk()'s forward reading leaves them,
 * and the walk stops once every child is found.  A node with more
 * children than a mask has bits reads forwards, as walk() does.
 */
static void
walk_members(struct fieldset *fs, const struct node *n,
    const struct jscan_index *ix, size_t v, size_t bound)
{
	struct jscan_members it;
	size_t after;

	if (n->nkids > 64) {
		jscan_members_start(&it, ix, v, bound);
		for (size_t k = jscan_members_next(&it); k != (size_t)-1;) {
			size_t next = jscan_members_next(&it);
			int i = index_key(fs, n, ix, k, &after);
			if (i >= 0)
				walk_member(fs, n->kids[i].node, ix, after,
				    next == (size_t)-1 ? bound : next);
			k = next;
		}
		return;
	}
	uint64_t want = 0, found = 0;
	for (int i = 0; i < n->nkids; i++)
		want |= (uint64_t)!n->kids[i].index << i;
	jscan_members_rstart(&it, ix, v, bound);
	for (size_t k, next = bound; (k = jscan_members_prev(&it)) != (size_t)-1; next = k) {
		int i = index_key(fs, n, ix, k, &after);
		if (i < 0 || (found >> i & 1))
			continue;
		found |= (uint64_t)1 << i;
		walk_member(fs, n->kids[i].node, ix, after, next);
		if (found == want)
			return;
	}
}

/*
 * walk() for a line that a SIMD kernel validated and indexed: the value
 * at offset v reached node n; bound is an offset past its end but before
 * the next member of the object around it (jscan_members_start).  Only
 * the members on the trie's paths are looked at: an object's keys come
 * from the index, the values between them are never read.  The readers
 * end up as walk() leaves them: its visits and takes, but of each member
 * only those of its last occurrence (walk_members), which decide it.
 */
static void
walk_index(struct fieldset *fs, const struct node *n,
    const struct jscan_index *ix, size_t v, size_t bound)
{
	const char *p = ix->p, *end = p + ix->n;
	size_t e = 0;	/* the value's end, once known */

	switch (p[v]) {
	case '{':
		visit(fs, n, J_OBJECT);
		if (n->names)
			walk_members(fs, n, ix, v, bound);
		break;
	case '[':
		visit(fs, n, J_ARRAY);
		if (n->indexes) {
			const char *x = p + v + 1;
			WS(x, end);
			for (long i = 0; *x != ']' && i <= n->maxindex; i++) {
				size_t xe = jscan_index_end(ix, (size_t)(x - p));
				struct node *c = index_child(n, i);
				if (c != NULL)
					walk_index(fs, c, ix, (size_t)(x - p), xe);
				x = p + xe;
				WS(x, end);
				if (*x == ',') {
					x++;
					WS(x, end);
				}
			}
		}
		break;
	case '"':
		visit(fs, n, J_STRING);
		break;
	default:
		e = jscan_index_end(ix, v);
		visit(fs, n, jscan_kind(p + v, e - v));
		break;
	}
	if (n->ends) {
		/* The line's value ends where scan() found it; others by the
		 * index. */
		if (e == 0)
			e = p + v == fs->rec ? v + fs->recn : jscan_index_end(ix, v);
		take(fs, n, p + v, e - v);
	}
}

static void
parse_error(struct fieldset *fs, const char *msg, size_t where)
{
	buf_reset(&fs->err);
	buf_addf(&fs->err, "not JSON: %s at column %zu", msg, where + 1);
}

/*
 * Validate the line and fill every reader; 0, or -1 with fs->err set.
 * A SIMD kernel takes most lines, indexing them for walk_index as it
 * validates; what it leaves (other values than objects and arrays, rare
 * spellings, invalid lines) the validating walk reads, and it alone words
 * errors.
 */
static int
scan(struct fieldset *fs, const char *p, size_t n)
{
	const char *end = p + n, *s, *b;
	struct jscan_err e;
	enum jscan_kernel k = jscan_kernel();

	for (int i = 0; i < fs->nr; i++)
		fs->r[i].cap.st = JQC_NONE;
	b = json_skip_bom(p, end);
	s = jscan_ws(b, end);
	if (s == end) {
		e.msg = "expected a JSON value";
		e.at = s;
		goto bad;
	}
	if (k != JSCAN_SCALAR && (fs->root ?
	    jscan_fast_index(k, b, (size_t)(end - b), &fs->ix) :
	    jscan_fast_validate(k, b, (size_t)(end - b)))) {
		/* Valid, and an object or an array: it ends at the last
		 * byte that is not whitespace. */
		const char *t = end;
		while (jscan_isws((unsigned char)t[-1]))
			t--;
		fs->rec = s;
		fs->recn = (size_t)(t - s);
		if (fs->root)
			walk_index(fs, fs->root, &fs->ix, (size_t)(s - b), fs->ix.n);
		return 0;
	}
	fs->rec = s;
	if (fs->root)
		s = walk(fs, fs->root, s, end, 0, &e);
	else
		s = jscan_value(s, end, 0, &e);
	if (s == NULL)
		goto bad;
	fs->recn = (size_t)(s - fs->rec);
	s = jscan_ws(s, end);
	if (s != end) {
		e.msg = "unexpected extra JSON values";
		e.at = s;
		goto bad;
	}
	return 0;
bad:
	parse_error(fs, e.msg, (size_t)(e.at - p));
	fs->err_field = -1;
	return -1;
}

/* ----- values ----- */

static void
push_val(struct field *f, const struct jval *v)
{
	if (f->nvals == f->capvals) {
		f->capvals = f->capvals ? 2 * f->capvals : 4;
		f->vals = xreallocarray(f->vals, f->capvals, sizeof *f->vals);
	}
	f->vals[f->nvals++] = *v;
}

/*
 * Values are pushed with their text's offset in f->text (which may move
 * as it grows) or, for the record's own bytes, the pointer; texts_fix
 * turns offsets into pointers once the field is done.
 */
#define IN_TEXT ((size_t)1 << (sizeof(size_t) * 8 - 1))

static void
push_text(struct field *f, struct jval v, const char *text, size_t len)
{
	v.text = (const char *)(uintptr_t)f->text.len;
	v.len = len | IN_TEXT;
	buf_add(&f->text, text, len);
	push_val(f, &v);
}

/* An unchanged subtree of the record: its own bytes, unless they are not
 * JSON as jq writes it ("+1", [.5], 1e999, "\xff", "\udfaa"): then jq's
 * text (json_put_value). */
static void
push_raw(struct field *f, const char *p, size_t len)
{
	struct jval v;
	v.text = p;
	v.len = len;
	v.type = jscan_kind(p, len);
	v.num = v.type == J_NUMBER ? json_number(p, len) : 0;
	if (json_needs_normal(p, len)) {
		size_t from = f->text.len;
		v.text = (const char *)(uintptr_t)from;
		json_put_value(&f->text, p, len);
		v.len = (f->text.len - from) | IN_TEXT;
	}
	push_val(f, &v);
}

static void
texts_fix(struct field *f)
{
	for (size_t k = 0; k < f->nvals; k++)
		if (f->vals[k].len & IN_TEXT) {
			f->vals[k].len &= ~IN_TEXT;
			f->vals[k].text = f->text.p + (uintptr_t)f->vals[k].text;
		}
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

/* A jq_state for expr; NULL with jq's message in err. */
static jq_state *
jq_make(const char *expr, char *err, size_t errlen)
{
	struct buf msg = { 0 };
	jq_state *jq = jq_init();
	if (jq == NULL) {
		snprintf(err, errlen, "jq: cannot initialise libjq");
		return NULL;
	}
	jq_set_error_cb(jq, jq_err_cb, &msg);
	/* Without a library path libjq 1.6 asserts on import and include.
	 * ~/.jq is the one directory of the jq binary's default path that
	 * does not depend on where the binary is installed. */
	jq_set_attr(jq, jv_string("JQ_LIBRARY_PATH"),
	    jv_array_append(jv_array(), jv_string("~/.jq")));
	if (!jq_compile(jq, expr)) {
		snprintf(err, errlen, "%s", msg.len ? msg.p :
		    "jq: error: the expression does not compile");
		jq_teardown(&jq);
		buf_free(&msg);
		return NULL;
	}
	/* Runtime errors come back from jq_next; a library never prints,
	 * and msg is about to die. */
	jq_set_error_cb(jq, jq_discard_cb, NULL);
	buf_free(&msg);
	return jq;
}

/*
 * libjq 1.6 asserts (jq issue 1875) when a state is reset while a path
 * expression is under way (paths, leaf_paths, path(f)), which is what
 * stopping after a first value and starting the next record does.  For a
 * field that wants only its first value the program is first(expr), which
 * ends itself after one value; a program that cannot be wrapped (one that
 * begins with import or include) runs as written.
 */
static jq_state *
jq_make_field(struct field *f, const char *expr, char *err, size_t errlen)
{
	f->jq_first = 0;
	if (f->flags & FS_FIRST) {
		struct buf wrapped = { 0 };
		/* The newline ends a comment the expression may end in. */
		buf_addf(&wrapped, "first(%s\n)", expr);
		jq_state *jq = jq_make(wrapped.p, err, errlen);
		buf_free(&wrapped);
		if (jq != NULL) {
			f->jq_first = 1;
			return jq;
		}
	}
	return jq_make(expr, err, errlen);
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

static const char too_deep_msg[] = "a value nests deeper than jq can write (256 levels)";

/* The record as libjq sees it, parsed once per record; 0 or -1. */
static int
parsed(struct fieldset *fs)
{
	if (fs->have_parsed)
		return 0;
	if (fs->recn > INT_MAX) {
		buf_reset(&fs->err);
		buf_adds(&fs->err, "line too long for libjq (over 2 GB)");
		return -1;
	}
	jv in = jv_parse_sized(fs->rec, (int)fs->recn);
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
	fs->parsed = in;
	fs->have_parsed = 1;
	return 0;
}

/* Run field f through libjq on the record; 0, or -1 with fs->err set. */
static int
eval_jq(struct fieldset *fs, struct field *f)
{
	jv r;
	int rc = 0;

	if (f->jq == NULL) {
		/* A compiled field that needs libjq for this record. */
		char err[1024];
		if ((f->jq = jq_make_field(f, f->expr, err, sizeof(err))) == NULL) {
			buf_reset(&fs->err);
			buf_adds(&fs->err, err);
			return -1;
		}
	}
	if (parsed(fs) != 0)
		return -1;
	jq_start(f->jq, jv_copy(fs->parsed), 0);
	while (jv_is_valid(r = jq_next(f->jq))) {
		struct jval v;
		jv d = jv_dump_string(jv_copy(r), 0);
		if (too_deep(jv_string_value(d))) {
			jv_free(d);
			jv_free(r);
			buf_reset(&fs->err);
			buf_adds(&fs->err, too_deep_msg);
			rc = -1;
			r = jv_invalid();
			break;
		}
		v.type = jv_type(r);
		v.num = v.type == J_NUMBER ? jv_number_value(r) : 0;
		push_text(f, v, jv_string_value(d), (size_t)jv_string_length_bytes(jv_copy(d)));
		jv_free(d);
		jv_free(r);
		if (f->flags & FS_FIRST) {
			/* first() ends here: its end unwinds the path. */
			if (f->jq_first)
				jv_free(jq_next(f->jq));
			break;
		}
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
	return rc;
}

/* ----- compiled fields ----- */

static int
emit(void *ctx, const struct jval *v, int computed)
{
	struct field *f = ctx;
	if (computed)
		push_text(f, *v, v->text, v->len);
	else
		push_raw(f, v->text, v->len);
	return (f->flags & FS_FIRST) != 0;
}

static int
eval_compiled(struct fieldset *fs, struct field *f)
{
	for (int i = 0; i < jqc_npaths(f->prog); i++)
		f->caps[i] = fs->r[f->readers[i]].cap;
	switch (jqc_run(fs->ev, f->prog, fs->rec, fs->recn, f->caps, emit, f)) {
	case JQC_OK:
		return 0;
	case JQC_ERR:
		buf_reset(&fs->err);
		buf_adds(&fs->err, jqc_error(fs->ev));
		return -1;
	case JQC_BAIL:
		if (fs->nobail) {
			buf_reset(&fs->err);
			buf_adds(&fs->err, "libjq needed (TRAWL_NO_BAIL)");
			return -1;
		}
		break;
	}
	f->nvals = 0;
	buf_reset(&f->text);
	return eval_jq(fs, f);
}

/* ----- the interface ----- */

struct fieldset *
fs_new(void)
{
	struct fieldset *fs = xcalloc(1, sizeof *fs);
	const char *e = getenv("TRAWL_NO_FASTPATH");
	fs->nofast = e != NULL && *e != '\0' && strcmp(e, "0") != 0;
	e = getenv("TRAWL_NO_BAIL");
	fs->nobail = e != NULL && *e != '\0' && strcmp(e, "0") != 0;
	return fs;
}

void
fs_free(struct fieldset *fs)
{
	if (fs == NULL)
		return;
	for (int i = 0; i < fs->n; i++) {
		struct field *f = &fs->f[i];
		if (f->jq)
			jq_teardown(&f->jq);
		jqc_free(f->prog);
		free(f->readers);
		free(f->caps);
		free(f->expr);
		free(f->why);
		buf_free(&f->text);
		free(f->vals);
	}
	for (int i = 0; i < fs->nr; i++)
		if (fs->r[i].owned)
			free_steps(&fs->r[i]);
	free(fs->r);
	free(fs->f);
	node_free(fs->root);
	jqc_eval_free(fs->ev);
	if (fs->have_parsed)
		jv_free(fs->parsed);
	buf_free(&fs->kbuf);
	jscan_index_free(&fs->ix);
	buf_free(&fs->err);
	buf_free(&fs->explain);
	free(fs);
}

int
fs_add(struct fieldset *fs, const char *expr, int flags, char *err, size_t errlen)
{
	struct field nf = { 0 };
	struct reader r = { 0 };
	char why[256] = "";

	nf.flags = flags;
	nf.expr = xstrdup(expr);
	if (fs->nofast) {
		nf.path = FS_LIBJQ;
		snprintf(why, sizeof why, "TRAWL_NO_FASTPATH is set");
	} else if (parse_path(&r, expr)) {
		nf.path = FS_PLAIN;
	} else if ((nf.prog = jqc_compile(expr, why, sizeof why)) != NULL) {
		nf.path = FS_COMPILED;
	} else {
		nf.path = FS_LIBJQ;
	}
	if (nf.path == FS_LIBJQ) {
		if ((nf.jq = jq_make_field(&nf, expr, err, errlen)) == NULL) {
			free(nf.expr);
			return -1;
		}
		nf.why = xstrdup(why);
	}
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 4;
		fs->f = xreallocarray(fs->f, (size_t)fs->cap, sizeof *fs->f);
	}
	switch (nf.path) {
	case FS_PLAIN:
		nf.reader = reader_add(fs, r.steps, r.nsteps, 1);
		fs->nwalk++;
		break;
	case FS_COMPILED: {
		int np = jqc_npaths(nf.prog);
		nf.readers = xcalloc((size_t)np + 1, sizeof *nf.readers);
		nf.caps = xcalloc((size_t)np + 1, sizeof *nf.caps);
		for (int i = 0; i < np; i++) {
			int ns;
			const struct jqc_step *st = jqc_path(nf.prog, i, &ns);
			nf.readers[i] = reader_add(fs, (struct jqc_step *)st, ns, 0);
		}
		if (fs->ev == NULL)
			fs->ev = jqc_eval_new();
		fs->nwalk++;
		break;
	}
	case FS_LIBJQ:
		fs->nslow++;
		break;
	}
	fs->f[fs->n] = nf;
	return fs->n++;
}

struct fieldset *
fs_clone(const struct fieldset *fs, char *err, size_t errlen)
{
	struct fieldset *c = xcalloc(1, sizeof *c);

	c->nofast = fs->nofast;
	c->nobail = fs->nobail;
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

enum fs_path
fs_path(const struct fieldset *fs, int i)
{
	return fs->f[i].path;
}

const char *
fs_explain(struct fieldset *fs, int i)
{
	const struct field *f = &fs->f[i];
	buf_reset(&fs->explain);
	switch (f->path) {
	case FS_PLAIN:
		buf_adds(&fs->explain, "plain path");
		break;
	case FS_COMPILED:
		buf_adds(&fs->explain, "compiled");
		break;
	case FS_LIBJQ:
		buf_addf(&fs->explain, "libjq (%s)", f->why);
		break;
	}
	return fs->explain.p;
}

int
fs_eval(struct fieldset *fs, const char *p, size_t n)
{
	int rc = 0;

	for (int i = 0; i < fs->n; i++) {
		fs->f[i].nvals = 0;
		buf_reset(&fs->f[i].text);
	}
	if (fs->have_parsed) {
		jv_free(fs->parsed);
		fs->have_parsed = 0;
	}
	if (fs->ev)
		jqc_eval_reset(fs->ev);
	if (scan(fs, p, n) != 0)
		return -1;
	for (int i = 0; i < fs->n && rc == 0; i++) {
		struct field *f = &fs->f[i];
		switch (f->path) {
		case FS_PLAIN: {
			const struct reader *r = &fs->r[f->reader];
			switch (r->cap.st) {
			case JQC_VALUE:
				push_raw(f, r->cap.p, r->cap.n);
				break;
			case JQC_NULL:
				push_raw(f, "null", 4);
				break;
			case JQC_ERROR:
				jqc_index_error(&fs->err, r->cap.ekind, &r->steps[r->cap.estep]);
				rc = -1;
				break;
			case JQC_NONE:
				break;
			}
			break;
		}
		case FS_COMPILED:
			rc = eval_compiled(fs, f);
			break;
		case FS_LIBJQ:
			rc = eval_jq(fs, f);
			break;
		}
		texts_fix(f);
		if (rc != 0)
			fs->err_field = i;
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
