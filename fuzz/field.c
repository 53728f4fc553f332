/*
 * fuzz/field.c: the JSON scanner and the field fast path, differential
 * against libjq 1.6.
 *
 * Each input is one line.  json_validate must accept exactly what
 * jv_parse_sized accepts, and json_canon of the line must equal json_canon
 * of jq's dump of it.  Then every expression below is evaluated on the
 * fast path and, in a fieldset built with TRAWL_NO_FASTPATH set, by libjq:
 * success or error, the number of values, their types, numbers and
 * canonical texts must all agree, with and without FS_FIRST, and a
 * number's text must be one JSON can hold.  Any
 * disagreement aborts, so libFuzzer records the input.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jv.h>

#include "field.h"
#include "json.h"

/*
 * Plain paths the fast path takes, over the shapes the seeds hold.  The
 * quoted keys are there in each form a user writes them (."x y",
 * .["k"], after a name, chained, with escapes) because the path parser
 * reads them by another branch than bare names.
 */
static const char *const exprs[] = {
	".", ".a", ".a.b", ".a[0]", ".a[1].b", ".[0]", ".[\"x y\"]", ".\"a\"",
	".a.b?", ".a[0]?", ".id", ".k", ".t", ".ip", ".meta.Timestamp",
	".payload.clientId", ".x", ".a.b.c.d",
	".\"x y\"", ".[\"k\"]", ".a[\"b\"]", ".\"a\".\"b\"", ".[\"a\"][0]",
	".\"x y\"?", ".[\"a\\\"b\"]", ".\"a\\nb\"",
};
#define NEXPR (sizeof exprs / sizeof exprs[0])

/*
 * Every expression alone (an error in one then hides no other) and all of
 * them in one set (they share one scan of the line), each with and
 * without FS_FIRST: [set][first], set NEXPR being the shared one.
 */
static struct fieldset *fast[NEXPR + 1][2], *slow[NEXPR + 1][2];
static struct buf ca, cb;

static void
die(const char *why, const char *p, size_t n)
{
	fprintf(stderr, "fuzz/field: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n > 400 ? 400 : n, stderr);
	fputc('\n', stderr);
	abort();
}

static void
add(struct fieldset *fs, size_t i, int first)
{
	char err[1024];
	if (fs_add(fs, exprs[i], first ? FS_FIRST : 0, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz/field: %s: %s\n", exprs[i], err);
		abort();
	}
}

static void
build(void)
{
	for (size_t set = 0; set <= NEXPR; set++)
		for (int first = 0; first < 2; first++) {
			unsetenv("TRAWL_NO_FASTPATH");
			fast[set][first] = fs_new();
			setenv("TRAWL_NO_FASTPATH", "1", 1);
			slow[set][first] = fs_new();
			unsetenv("TRAWL_NO_FASTPATH");
			for (size_t i = 0; i < NEXPR; i++)
				if (set == NEXPR || set == i) {
					add(fast[set][first], i, first);
					add(slow[set][first], i, first);
				}
		}
}

/* Two values agree when jq would call them equal and print them alike. */
static int
same_value(const struct jval *a, const struct jval *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == J_NUMBER && !(a->num == b->num || (isnan(a->num) && isnan(b->num))))
		return 0;
	buf_reset(&ca);
	buf_reset(&cb);
	json_canon(&ca, a->text, a->len);
	json_canon(&cb, b->text, b->len);
	return ca.len == cb.len && memcmp(ca.p, cb.p, ca.len) == 0;
}

/*
 * jq's parser reads a NUL byte as the end of a number token, lets strtod
 * skip a form feed or vertical tab inside one and takes 0x1e as a record
 * separator: trawl refuses those on purpose (json.c), so such lines are
 * not compared (tests/t_field.c -F excludes the same bytes).
 */
static int
comparable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == 0 || p[i] == 0x0b || p[i] == 0x0c || p[i] == 0x1e || p[i] == '\n')
			return 0;
	return 1;
}

/*
 * Tools print a value's text as they get it, so a number's text must be
 * JSON as RFC 8259 writes it (or jq's null for NaN), whatever lax form
 * (+1, .5, 01, nan) the record held.
 */
static int
printable_number(const char *p, size_t n)
{
	size_t i = n > 0 && p[0] == '-', d;
	if (n == 4 && memcmp(p, "null", 4) == 0)
		return 1;
	if (i < n && p[i] == '0')
		i++;
	else if (i < n && p[i] >= '1' && p[i] <= '9')
		while (i < n && p[i] >= '0' && p[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && p[i] == '.') {
		for (d = ++i; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		for (d = i; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* Evaluate one pair of sets on the line; abort when they disagree. */
static void
compare(struct fieldset *f, struct fieldset *s, const char *what, int first,
    const char *p, size_t size)
{
	int rf = fs_eval(f, p, size), rs = fs_eval(s, p, size);
	if (rf != rs)
		die(rf ? "fast path errs, jq does not" : "jq errs, fast path does not", p, size);
	if (rf != 0)
		return;		/* both refuse the line: the same answer */
	size_t n = what ? 1 : NEXPR;
	for (size_t i = 0; i < n; i++) {
		const char *name = what ? what : exprs[i];
		if (first) {
			const struct jval *x = fs_first(f, (int)i), *y = fs_first(s, (int)i);
			if ((x == NULL) != (y == NULL) || (x && !same_value(x, y)))
				die(name, p, size);
			continue;
		}
		size_t nf = fs_count(f, (int)i), ns = fs_count(s, (int)i);
		if (nf != ns)
			die(name, p, size);
		for (size_t k = 0; k < nf; k++) {
			const struct jval *x = fs_value(f, (int)i, k);
			if (!same_value(x, fs_value(s, (int)i, k)))
				die(name, p, size);
			if (x->type == J_NUMBER && !printable_number(x->text, x->len))
				die("a number's text is not JSON", p, size);
			/* Nor anything inside a value: nested lax numbers,
			 * invalid UTF-8, lone surrogates come as jq writes them. */
			if (json_needs_normal(x->text, x->len))
				die("a value's text is not JSON as jq writes it", p, size);
		}
	}
}

/* Compiling some 70 libjq programs takes seconds: not in a timed run. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	build();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	if (!comparable(data, size))
		return 0;

	const char *msg;
	size_t where;
	int ours = json_validate(p, size, &msg, &where) == 0;
	jv v = jv_parse_sized(p, (int)size);
	int theirs = jv_is_valid(v);
	if (ours != theirs) {
		jv_free(v);
		die(ours ? "json_validate accepts, jq rejects" : "jq accepts, json_validate rejects", p, size);
	}
	if (ours) {
		jv d = jv_dump_string(jv_copy(v), 0);
		jv_free(v);
		struct buf a = { 0 }, b = { 0 };
		json_canon(&a, p, size);
		json_canon(&b, jv_string_value(d), (size_t)jv_string_length_bytes(jv_copy(d)));
		int eq = a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
		buf_free(&a);
		buf_free(&b);
		jv_free(d);
		if (!eq)
			die("json_canon differs from jq's value", p, size);
		/* A byte-order mark belongs to the line, not to the value: jq
		 * and json_validate skip it, json_skip takes a value. */
		size_t off = (size_t)(json_skip_bom(p, p + size) - p);
		while (off < size && strchr(" \t\r\n", p[off]))
			off++;
		size_t sk = json_skip(p + off, size - off);
		if (sk == 0)
			die("json_skip refuses a valid value", p, size);
		for (size_t i = off + sk; i < size; i++)
			if (!strchr(" \t\r\n", p[i]))
				die("json_skip stops before the end", p, size);
	} else {
		jv_free(v);
	}

	for (size_t set = 0; set <= NEXPR; set++)
		for (int first = 0; first < 2; first++)
			compare(fast[set][first], slow[set][first], set == NEXPR ? NULL : exprs[set], first, p, size);
	return 0;
}
