/*
 * jqdiff.h: the differential test of trawl's jq evaluator against libjq
 * 1.6 (issue 11), shared by tests/t_jqdiff.c (seeded runs, the CI smoke)
 * and fuzz/jqdiff.c (libFuzzer).
 *
 * A case is a short list of fields (an expression and its flags) built
 * twice: once as a tool builds it (plain path, compiled or libjq, as
 * fs_add decides) and once under TRAWL_NO_FASTPATH=1 (libjq for all).
 * Both sets evaluate the same records; their answers (fs_eval's result,
 * fs_error's text, and every field's values: count, order, type and text)
 * must agree byte for byte.  The one agreed exception: a value whose text
 * lies inside the record is a subtree of the input returned whole, which
 * keeps the record's own bytes as the plain path always has; it must be
 * of the same type and number as libjq's, and jq-equal to it in the sense
 * that their canonical texts (json_canon) are the same.
 *
 * Expressions are drawn from the grammar of the compiled subset (issue
 * 11's list), typed loosely so that most of them compute something rather
 * than fail at the first step, with a share of deliberately ill-typed
 * choices for jq's errors and a share of constructs outside the subset
 * (which must go to libjq, or be right).  Records are drawn from a schema
 * whose keys the expressions use (".n" is usually a number, ".s" a
 * string, ...), with every JSON type, odd numbers and strings, duplicate
 * and missing keys.
 *
 * libjq 1.6 runs in this process, so the generator never writes the few
 * programs that crash or hang it (each guard below says which); a watchdog
 * reports a case that still takes too long.
 *
 * Randomness comes from a seed or, for the fuzzer, from its bytes: every
 * choice's first option is the simplest, so an exhausted input ends in
 * small expressions and records.
 */
#ifndef TRAWL_TESTS_JQDIFF_H
#define TRAWL_TESTS_JQDIFF_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "hash.h"
#include "json.h"
#include "util.h"

/* ----- randomness ----- */

struct jd_rng {
	uint64_t s;
	const unsigned char *p;	/* the fuzzer's bytes: draws come from them */
	size_t n, at;
};

static unsigned
jd_pick(struct jd_rng *r, unsigned n)
{
	if (n <= 1)
		return 0;
	if (r->p == NULL)
		return (unsigned)(mix64(r->s += UINT64_C(0x9e3779b97f4a7c15)) % n);
	unsigned v = 0;
	for (unsigned lim = n - 1; lim; lim >>= 8)
		v = v << 8 | (r->at < r->n ? r->p[r->at++] : 0);
	return v % n;
}

/* True pct times in 100; false when the fuzzer's bytes run out. */
static int
jd_chance(struct jd_rng *r, unsigned pct)
{
	return jd_pick(r, 100) >= 100 - pct;
}

/* ----- constructs (coverage) ----- */

#define JD_CONSTRUCTS(X) \
	X(IDENTITY, ".") X(RECURSE, "..") X(FIELD, ".a") X(FIELD_STR, ".\"a\"") \
	X(INDEX_STR, ".[\"a\"]") X(INDEX_NUM, ".[n]") X(INDEX_NEG, ".[-n]") \
	X(INDEX_EXPR, ".[e]") X(SLICE, ".[m:n]") X(ITER, ".[]") \
	X(STEP_OPT, "step?") X(POSTFIX, "term.a term[e]") X(TRYQ, "e?") \
	X(NUMBER, "number literal") X(STRING, "string literal") \
	X(CONST, "true false null") X(INTERP, "\"\\(e)\"") \
	X(FORMAT_STR, "@f \"\\(e)\"") X(ARRAY, "[e]") X(ARRAY_EMPTY, "[]") \
	X(OBJECT, "{...}") X(KEY_IDENT, "{a: e}") X(KEY_KEYWORD, "{if: e}") \
	X(KEY_STRING, "{\"a\": e}") X(KEY_STRING_SHORT, "{\"a\"}") \
	X(KEY_VAR, "{$v}") X(KEY_IDENT_SHORT, "{a}") X(KEY_EXPR, "{(e): e}") \
	X(KEY_INTERP, "{\"\\(e)\": e}") X(PIPE, "|") X(COMMA, ",") \
	X(ALT, "//") X(AND, "and") X(OR, "or") X(EQ, "==") X(NE, "!=") \
	X(LT, "<") X(LE, "<=") X(GT, ">") X(GE, ">=") \
	X(ADD_NUM, "num + num") X(ADD_STR, "str + str") X(ADD_ARR, "arr + arr") \
	X(ADD_OBJ, "obj + obj") X(ADD_NULL, "null + x") X(SUB_NUM, "num - num") \
	X(SUB_ARR, "arr - arr") X(MUL_NUM, "num * num") X(MUL_STR, "str * num") \
	X(MUL_OBJ, "obj * obj") X(DIV_NUM, "num / num") X(DIV_STR, "str / str") \
	X(MOD, "num % num") X(ARITH_ANY, "a op b (any types)") X(NEG, "-e") \
	X(PAREN, "(e)") X(IF, "if") X(ELIF, "elif") X(TRY, "try e") \
	X(TRY_CATCH, "try e catch e") X(AS, "e as $x | e") X(VAR, "$x") \
	X(REDUCE, "reduce") X(FOREACH, "foreach/2") X(FOREACH3, "foreach/3") \
	X(OUTSIDE, "outside the subset")

enum jd_cons {
#define JD_ENUM(id, text) JC_##id,
	JD_CONSTRUCTS(JD_ENUM)
#undef JD_ENUM
	JC_BUILTIN		/* + index into jd_builtins */
};

static const char *const jd_cons_names[] = {
#define JD_NAME(id, text) text,
	JD_CONSTRUCTS(JD_NAME)
#undef JD_NAME
};

/* ----- types, loosely ----- */

/*
 * What an expression is meant to yield, and what '.' is where it runs.
 * Records follow a schema (jd_keys), so ".n" is usually a number; the
 * refinements (an array of numbers, a date string, an epoch, a
 * broken-down time, an entry) let builtins be fed what they take.
 */
enum jd_ty {
	TY_ANY, TY_NULL, TY_BOOL, TY_NUM, TY_STR, TY_ARR, TY_OBJ,
	TY_ARRNUM, TY_ARRSTR, TY_ARROBJ, TY_DATE, TY_EPOCH, TY_BDT, TY_ENTRY,
	TY_N,
	TY_SAME = 100,		/* builtins: yields its input's type */
	TY_ELEM,		/* builtins: yields an element of its input */
};

static enum jd_ty
jd_base(enum jd_ty t)
{
	switch (t) {
	case TY_ARRNUM: case TY_ARRSTR: case TY_ARROBJ: case TY_BDT: return TY_ARR;
	case TY_DATE: return TY_STR;
	case TY_EPOCH: return TY_NUM;
	case TY_ENTRY: return TY_OBJ;
	default: return t;
	}
}

/* a fits where b is wanted */
static int
jd_fits(enum jd_ty a, enum jd_ty b)
{
	return b == TY_ANY || a == b || jd_base(a) == b;
}

static enum jd_ty
jd_elem(enum jd_ty t)
{
	switch (t) {
	case TY_ARRNUM: case TY_BDT: return TY_NUM;
	case TY_ARRSTR: return TY_STR;
	case TY_ARROBJ: return TY_OBJ;
	default: return TY_ANY;
	}
}

/* ----- the record schema and value pools ----- */

struct jd_key {
	const char *name;	/* decoded */
	const char *expr;	/* as a jq field: ".a" or ."x y" or NULL */
	enum jd_ty ty;
	int nowild;		/* always of its type (epochs feed strftime) */
};

static const struct jd_key jd_keys[] = {
	{ "a", ".a", TY_ANY, 0 }, { "b", ".b", TY_ANY, 0 }, { "c", ".c", TY_ANY, 0 },
	{ "n", ".n", TY_NUM, 0 }, { "s", ".s", TY_STR, 0 }, { "t", ".t", TY_DATE, 0 },
	{ "e", ".e", TY_EPOCH, 1 }, { "arr", ".arr", TY_ARRNUM, 0 },
	{ "strs", ".strs", TY_ARRSTR, 0 }, { "objs", ".objs", TY_ARROBJ, 0 },
	{ "o", ".o", TY_OBJ, 0 }, { "x y", NULL, TY_ANY, 0 },
	{ "\xc3\xa9", NULL, TY_STR, 0 }, { "id", ".id", TY_ANY, 0 },
	{ "if", ".if", TY_ANY, 0 },
};

/* Numbers as records hold them (jq's lax forms too), never -1 or in
 * (-2, -1] (a divisor that truncates to -1 traps libjq's % on a huge
 * dividend) and never between a million and 2^31 (a string repeated that
 * many times exhausts memory): epochs live only under "e". */
static const char *const jd_numbers[] = {
	"0", "-0", "1", "2", "3", "79", "79.0", "1.0", "1.5", "-2", "0.1",
	"1E2", "1e2", "10", "100", "0.5", "-1.5e1", "1e1000", "-1e1000",
	"100000000000000000001", "1485817596984554752", "9007199254740993",
	"5e-324", "1e-400", "NaN", "123456789012345678901234567890", "3.14159",
	"-7", "255", "65", "0.30000000000000004", "1.7976931348623157e308",
	"4.0", "01", "-0.0", "1E+2", "12345", "-3", "1e-5", "-1.234e-7", "0.0001",
	"1e17", "12345678901234567", "1.5e300", "2.5E-3",
};

static const char *const jd_strings[] = {
	"\"\"", "\"abc\"", "\"a,b,c\"", "\"Hello World\"", "\"x1y22\"", "\"AbC\"",
	"\"\xc3\xa9\"", "\"\\u00e9t\\u00e9\"", "\"\\ud83d\\ude00\"",
	"\"\xf0\x9f\x98\x80x\"", "\"a\\\"b\"", "\"\\\\\"", "\"tab\\there\"",
	"\"line\\nbreak\"", "\"a\\u0000b\"", "\"\\/\"", "\"\xff\xfe\"", "\"\xc3\"",
	"\"\xed\xa0\x80z\"", "\"\\udc00\"", "\"5\"", "\"79\"", "\"  12 \"",
	"\"nan\"", "\"0x10\"", "\"1e1000\"", "\"[1,\\\"a\\\"]\"", "\"{\\\"a\\\":1}\"",
	"\"true\"", "\"null\"", "\"a b c\"", "\"foo/bar?x=1&y=\xc3\xa9\"",
	"\"2015-03-05T23:51:47Z\"", "\"ABC def\"", "\"aaa\"", "\"a.b\"", "\"x y\"",
	"\"1,\\\"2\\\",3\"", "\"\\t\"", "\"abcabc\"", "\"a\"", "\"b\"", "\"n\"",
	"\"s\"", "\"\\u001f\"", "\"\\u007f\"", "\"\\ufeff\"", "\"x\\r\\n\"",
};

static const char *const jd_dates[] = {
	"\"2015-03-05T23:51:47Z\"", "\"1970-01-01T00:00:00Z\"",
	"\"2016-02-29T12:00:00Z\"", "\"2038-01-19T03:14:08Z\"",
	"\"1969-12-31T23:59:59Z\"", "\"2015-03-05T23:51:47.123Z\"",
	"\"2015-03-05\"", "\"2015-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59Z\"",
	"\"1900-01-01T00:00:00Z\"", "\"2015-03-05T23:51:47+01:00\"",
	"\"Thu, 05 Mar 2015 23:51:47\"", "\"\"", "\"10:00\"", "\"20170130\"",
	"\"2017-03-12 10:00:00\"",
};

/* Epochs gmtime can convert (strftime on one it cannot aborts libjq). */
static const char *const jd_epochs[] = {
	"1425599507", "0", "1425599507.9", "-1", "86399", "951782400",
	"253402300799", "-2208988800", "1e10", "2147483648", "1.5", "-0.5",
	"1489312800", "-62135596800",
};

/* ----- expression trees ----- */

enum jd_kind {
	N_DOT, N_REC, N_LIT, N_VAR, N_STR, N_FMT, N_STEP, N_CALL, N_BIN,
	N_NEG, N_TRYQ, N_TRY, N_IF, N_AS, N_REDUCE, N_FOREACH, N_ARRAY,
	N_OBJECT, N_PAIR, N_RAW,
};

/* N_STEP forms */
enum { ST_FIELD, ST_FIELDSTR, ST_INDEX, ST_ITER, ST_SLICE, ST_SLICE_FROM, ST_SLICE_TO };

/* N_PAIR forms */
enum { PK_IDENT, PK_KEYWORD, PK_STR, PK_STR_SHORT, PK_VAR, PK_IDENT_SHORT, PK_EXPR };

/* Precedence, as jq 1.6's parser.y declares it, lowest first. */
enum {
	P_PIPE = 1, P_COMMA, P_ALT, P_ASSIGN, P_OR, P_AND, P_CMP, P_ADD,
	P_MUL, P_KW, P_OPTQ, P_TERM,
};

struct jd_op {
	const char *text;
	int prec;
	char assoc;		/* 'l', 'r' or 'n' */
};

enum { OP_PIPE, OP_COMMA, OP_ALT, OP_OR, OP_AND, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT,
	OP_GE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_UPD, OP_ADDUPD, OP_SET,
	OP_ALTUPD };

static const struct jd_op jd_ops[] = {
	{ "|", P_PIPE, 'r' }, { ",", P_COMMA, 'l' }, { "//", P_ALT, 'r' },
	{ "or", P_OR, 'l' }, { "and", P_AND, 'l' }, { "==", P_CMP, 'n' },
	{ "!=", P_CMP, 'n' }, { "<", P_CMP, 'n' }, { "<=", P_CMP, 'n' },
	{ ">", P_CMP, 'n' }, { ">=", P_CMP, 'n' }, { "+", P_ADD, 'l' },
	{ "-", P_ADD, 'l' }, { "*", P_MUL, 'l' }, { "/", P_MUL, 'l' },
	{ "%", P_MUL, 'l' }, { "|=", P_ASSIGN, 'n' }, { "+=", P_ASSIGN, 'n' },
	{ "=", P_ASSIGN, 'n' }, { "//=", P_ASSIGN, 'n' },
};

struct jd_node {
	enum jd_kind kind;
	int cons;		/* enum jd_cons, for coverage */
	int form;		/* N_STEP, N_PAIR: the form; N_BIN: the operator */
	int opt;		/* N_STEP: '?' */
	int paren;		/* redundant parentheses */
	char *s;		/* literal text, name, variable, format, pattern */
	int nk;
	struct jd_node **k;
	char **parts;		/* N_STR: nk + 1 literal segments, jq-escaped */
};

static struct jd_node *
jd_node(enum jd_kind kind, int cons, const char *s, int nk)
{
	struct jd_node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->cons = cons;
	n->s = s ? xstrdup(s) : NULL;
	n->nk = nk;
	n->k = nk ? xcalloc((size_t)nk, sizeof *n->k) : NULL;
	return n;
}

static void
jd_free(struct jd_node *n)
{
	if (n == NULL)
		return;
	for (int i = 0; i < n->nk; i++)
		jd_free(n->k[i]);
	if (n->parts)
		for (int i = 0; i <= n->nk; i++)
			free(n->parts[i]);
	free(n->parts);
	free(n->k);
	free(n->s);
	free(n);
}

static struct jd_node *
jd_clone(const struct jd_node *n)
{
	if (n == NULL)
		return NULL;
	struct jd_node *c = jd_node(n->kind, n->cons, n->s, n->nk);
	c->form = n->form;
	c->opt = n->opt;
	c->paren = n->paren;
	for (int i = 0; i < n->nk; i++)
		c->k[i] = jd_clone(n->k[i]);
	if (n->parts) {
		c->parts = xcalloc((size_t)n->nk + 1, sizeof *c->parts);
		for (int i = 0; i <= n->nk; i++)
			c->parts[i] = xstrdup(n->parts[i]);
	}
	return c;
}

/* ----- printing ----- */

static int
jd_prec(const struct jd_node *n)
{
	switch (n->kind) {
	case N_BIN: return jd_ops[n->form].prec;
	case N_NEG: return P_ADD;
	case N_TRYQ: return P_OPTQ;
	case N_TRY: case N_IF: case N_REDUCE: case N_FOREACH: return P_KW;
	case N_AS: return P_PIPE;
	case N_RAW: return n->form;
	default: return P_TERM;
	}
}

static void jd_print(struct buf *b, const struct jd_node *n, int min);

/* A value in an object: jq 1.6 takes a term there, '-' and '|' of terms. */
static void
jd_print_expd(struct buf *b, const struct jd_node *n)
{
	if (!n->paren && n->kind == N_BIN && n->form == OP_PIPE) {
		if (n->k[0]->kind == N_BIN && n->k[0]->form == OP_PIPE)
			jd_print(b, n->k[0], P_TERM);
		else
			jd_print_expd(b, n->k[0]);
		buf_adds(b, " | ");
		jd_print_expd(b, n->k[1]);
	} else if (!n->paren && n->kind == N_NEG && jd_prec(n->k[0]) == P_TERM) {
		buf_addc(b, '-');
		jd_print(b, n->k[0], P_TERM);
	} else {
		jd_print(b, n, P_TERM);
	}
}

static void
jd_print_str(struct buf *b, const struct jd_node *n)
{
	if (n->s) {
		buf_adds(b, n->s);
		buf_addc(b, ' ');
	}
	buf_addc(b, '"');
	for (int i = 0; i <= n->nk; i++) {
		buf_adds(b, n->parts[i]);
		if (i < n->nk) {
			buf_adds(b, "\\(");
			jd_print(b, n->k[i], 0);
			buf_addc(b, ')');
		}
	}
	buf_addc(b, '"');
}

static void
jd_print_inner(struct buf *b, const struct jd_node *n)
{
	switch (n->kind) {
	case N_DOT: buf_addc(b, '.'); break;
	case N_REC: buf_adds(b, ".."); break;
	case N_LIT: case N_FMT: case N_RAW: buf_adds(b, n->s); break;
	case N_VAR: buf_addf(b, "$%s", n->s); break;
	case N_STR: jd_print_str(b, n); break;
	case N_STEP: {
		const struct jd_node *base = n->k[0];
		int dot = base->kind == N_DOT && !base->paren;
		if (!dot) {
			/* "1.a" lexes as "1." and "a"; "..a" as ".." and "a";
			 * and a number or a format is safest in parentheses */
			int wrap = base->kind == N_REC || base->kind == N_FMT ||
			    (base->kind == N_LIT && (base->s[0] == '.' ||
			    (base->s[0] >= '0' && base->s[0] <= '9')));
			if (wrap)
				buf_addc(b, '(');
			jd_print(b, base, P_TERM);
			if (wrap)
				buf_addc(b, ')');
		}
		switch (n->form) {
		case ST_FIELD: buf_addf(b, ".%s", n->s); break;
		case ST_FIELDSTR:
			buf_addc(b, '.');
			jd_print(b, n->k[1], P_TERM);
			break;
		case ST_INDEX:
			buf_adds(b, dot ? ".[" : "[");
			jd_print(b, n->k[1], 0);
			buf_addc(b, ']');
			break;
		case ST_ITER: buf_adds(b, dot ? ".[]" : "[]"); break;
		case ST_SLICE: case ST_SLICE_FROM: case ST_SLICE_TO:
			buf_adds(b, dot ? ".[" : "[");
			if (n->form != ST_SLICE_TO)
				jd_print(b, n->k[1], 0);
			buf_addc(b, ':');
			if (n->form != ST_SLICE_FROM)
				jd_print(b, n->k[n->form == ST_SLICE ? 2 : 1], 0);
			buf_addc(b, ']');
			break;
		}
		if (n->opt)
			buf_addc(b, '?');
		break;
	}
	case N_CALL:
		buf_adds(b, n->s);
		if (n->nk) {
			buf_addc(b, '(');
			for (int i = 0; i < n->nk; i++) {
				if (i)
					buf_adds(b, "; ");
				jd_print(b, n->k[i], 0);
			}
			buf_addc(b, ')');
		}
		break;
	case N_BIN: {
		const struct jd_op *op = &jd_ops[n->form];
		int lmin = op->assoc == 'l' ? op->prec : op->prec + 1;
		int rmin = op->assoc == 'r' ? op->prec : op->prec + 1;
		jd_print(b, n->k[0], lmin);
		buf_addf(b, n->form == OP_COMMA ? "%s " : " %s ", op->text);
		jd_print(b, n->k[1], rmin);
		break;
	}
	case N_NEG:
		buf_addc(b, '-');
		jd_print(b, n->k[0], P_MUL);
		break;
	case N_TRYQ:
		/* ".a?" would be the step's own '?' (the error of what comes
		 * before .a escapes it): (.a)? is jq's Exp '?' */
		if (n->k[0]->kind == N_STEP && !n->k[0]->paren) {
			buf_addc(b, '(');
			jd_print(b, n->k[0], 0);
			buf_addc(b, ')');
		} else {
			jd_print(b, n->k[0], P_OPTQ);
		}
		buf_addc(b, '?');
		break;
	case N_TRY:
		buf_adds(b, "try ");
		jd_print(b, n->k[0], P_TERM);
		if (n->nk > 1) {
			buf_adds(b, " catch ");
			jd_print(b, n->k[1], P_TERM);
		}
		break;
	case N_IF:
		for (int i = 0; i + 1 < n->nk; i += 2) {
			buf_adds(b, i ? " elif " : "if ");
			jd_print(b, n->k[i], 0);
			buf_adds(b, " then ");
			jd_print(b, n->k[i + 1], 0);
		}
		buf_adds(b, " else ");
		jd_print(b, n->k[n->nk - 1], 0);
		buf_adds(b, " end");
		break;
	case N_AS:
		jd_print(b, n->k[0], P_TERM);
		buf_addf(b, " as %s | ", n->s);
		jd_print(b, n->k[1], P_PIPE);
		break;
	case N_REDUCE: case N_FOREACH:
		buf_adds(b, n->kind == N_REDUCE ? "reduce " : "foreach ");
		jd_print(b, n->k[0], P_TERM);
		buf_addf(b, " as %s (", n->s);
		for (int i = 1; i < n->nk; i++) {
			if (i > 1)
				buf_adds(b, "; ");
			jd_print(b, n->k[i], 0);
		}
		buf_addc(b, ')');
		break;
	case N_ARRAY:
		buf_addc(b, '[');
		if (n->nk)
			jd_print(b, n->k[0], 0);
		buf_addc(b, ']');
		break;
	case N_OBJECT:
		buf_addc(b, '{');
		for (int i = 0; i < n->nk; i++) {
			if (i)
				buf_adds(b, ", ");
			jd_print(b, n->k[i], 0);
		}
		buf_addc(b, '}');
		break;
	case N_PAIR:
		switch (n->form) {
		case PK_IDENT: case PK_KEYWORD:
			buf_addf(b, "%s: ", n->s);
			jd_print_expd(b, n->k[0]);
			break;
		case PK_STR:
			jd_print(b, n->k[0], P_TERM);
			buf_adds(b, ": ");
			jd_print_expd(b, n->k[1]);
			break;
		case PK_STR_SHORT: jd_print(b, n->k[0], P_TERM); break;
		case PK_VAR: buf_addf(b, "$%s", n->s); break;
		case PK_IDENT_SHORT: buf_adds(b, n->s); break;
		case PK_EXPR:
			buf_addc(b, '(');
			jd_print(b, n->k[0], 0);
			buf_adds(b, "): ");
			jd_print_expd(b, n->k[1]);
			break;
		}
		break;
	}
}

static void
jd_print(struct buf *b, const struct jd_node *n, int min)
{
	int wrap = n->kind != N_PAIR && (n->paren || jd_prec(n) < min);
	if (wrap)
		buf_addc(b, '(');
	jd_print_inner(b, n);
	if (wrap)
		buf_addc(b, ')');
}

static char *
jd_text(const struct jd_node *n)
{
	struct buf b = { 0 };
	jd_print(&b, n, 0);
	return b.p;
}

/* ----- the expression generator ----- */

struct jd_var {
	char name[8];
	enum jd_ty ty;
};

struct jd_gen {
	struct jd_rng *r;
	int wild;		/* percent of choices that ignore the wanted type */
	int outside;		/* percent of constructs outside the subset */
	int onlypaths;		/* plain paths only (to validate the harness) */
	int nowild;		/* > 0: no ill-typed choices (see jd_arith) */
	int inmul;		/* under '*': numbers that cannot grow a string */
	int loops;		/* reduce/foreach nesting */
	int reempty;		/* the last regex drawn may match "" */
	struct jd_var vars[12];
	int nvars;
	int varseq;
};

static struct jd_node *jd_gen(struct jd_gen *g, enum jd_ty want, enum jd_ty ctx, int d);

static const char *
jd_pickstr(struct jd_gen *g, const char *const *pool, size_t n)
{
	return pool[jd_pick(g->r, (unsigned)n)];
}
#define JD_PICK(g, pool) jd_pickstr(g, pool, LEN(pool))

static struct jd_node *
jd_lit(int cons, const char *text)
{
	return jd_node(N_LIT, cons, text, 0);
}

/* A string node: no interpolation, text already jq-escaped. */
static struct jd_node *
jd_strlit(const char *escaped)
{
	struct jd_node *n = jd_node(N_STR, JC_STRING, NULL, 0);
	n->parts = xcalloc(1, sizeof *n->parts);
	n->parts[0] = xstrdup(escaped);
	return n;
}

/* The contents (between the quotes) of a string literal for jq: the pool
 * strings are JSON, which jq's lexer takes as is. */
static struct jd_node *
jd_strpool(struct jd_gen *g, const char *const *pool, size_t n)
{
	const char *s = jd_pickstr(g, pool, n);
	char *in = xstrndup(s + 1, strlen(s) - 2);
	struct jd_node *r = jd_strlit(in);
	free(in);
	return r;
}

static const char *const jd_numlits[] = {
	"0", "1", "2", "3", "10", "1.5", "0.5", ".5", "1.0", "1e2", "1E2",
	"1e1000", "100000000000000000001", "0.1", "5e-324", "1e-400", "3.0",
	"00", "1e+2", "79", "100", "255", "65", "4", "7", "0.30000000000000004",
	"1485817596984554752", "1e-5", "1e17", "0.0001",
};

/* Small counts for range, limit, repetition and slices: literals only,
 * since a record's number may be 1e1000 or NaN (range(1e1000) never
 * ends; a NaN slice start aborts libjq). */
static const char *const jd_small[] = {
	"0", "1", "2", "3", "5", "-1", "1.5", "0.5", "10", "-2",
};

static const char *const jd_slicebounds[] = {
	"0", "1", "2", "-1", "-2", "1.5", "0.5", "10", "1e300", "-1e300", "null",
	"3", "-0",
};

/* Divisors for %: never one that truncates to -1 (see jd_numbers). */
static const char *const jd_divisors[] = {
	"2", "3", "5", "-3", "0", "0.5", "2.5", "10", "1e3", "-2", "7", "1e1000",
};

static struct jd_node *
jd_numlit(struct jd_gen *g)
{
	return jd_lit(JC_NUMBER, JD_PICK(g, jd_numlits));
}

static struct jd_node *
jd_smallnum(struct jd_gen *g)
{
	const char *s = JD_PICK(g, jd_small);
	if (s[0] == '-') {
		struct jd_node *n = jd_node(N_NEG, JC_NEG, NULL, 1);
		n->k[0] = jd_lit(JC_NUMBER, s + 1);
		return n;
	}
	return jd_lit(JC_NUMBER, s);
}

static struct jd_node *
jd_fromlist(struct jd_gen *g, const char *const *list, size_t n)
{
	const char *s = jd_pickstr(g, list, n);
	if (strcmp(s, "null") == 0)
		return jd_lit(JC_CONST, s);
	if (s[0] == '-') {
		struct jd_node *m = jd_node(N_NEG, JC_NEG, NULL, 1);
		m->k[0] = jd_lit(JC_NUMBER, s + 1);
		return m;
	}
	return jd_lit(JC_NUMBER, s);
}

/* Strings for literals in expressions, jq-escaped. */
static const char *const jd_strlits[] = {
	"", "a", "abc", ",", "b", " ", "x y", "\\u00e9", "\xc3\xa9", "\\ud83d\\ude00",
	"\\\"", "\\\\", "\\t", "\\n", "A", "abc,def", "a.b", "-", "\\/", "n", "s",
	"1", "null", "ab", "\xf0\x9f\x98\x80", "\\u0000", "2015-03-05T23:51:47Z",
};

static struct jd_node *
jd_strlit_pick(struct jd_gen *g)
{
	return jd_strlit(JD_PICK(g, jd_strlits));
}

/* Non-empty needles: index("") never returns in jq 1.6. */
static const char *const jd_needles[] = {
	"a", "b", ",", "abc", " ", "\xc3\xa9", "\\u00e9", "bc", "x", "\\\"",
};

/*
 * Regular expressions (jq-escaped), the first four of which match an
 * empty string; and some that never do.  jq 1.6 never returns from gsub
 * with one that does, and crashes on match(re; "g") with one that does
 * on a string with non-ASCII characters (its global search steps one
 * byte into a character): so those take no "g".  And some that match
 * rarely: jq 1.6's split/2, splits and scan take quadratic time in the
 * number of matches.
 */
#define JD_REGEX_EMPTY 4
static const char *const jd_regexes[] = {
	"^", "$", "", "a*", "a", "[a-z]+", "(?<x>[a-z])(?<y>[0-9])?", "(a)|(b)",
	"\\\\d+", "\xc3\xa9", ".", "\\\\s", "[[:alpha:]]+", "(?i)A", "(",
	"[", "\\\\p{L}", "(?<n>.)\\\\k<n>", "b(?=c)", "(?<first>\\\\w+) (?<second>\\\\w+)",
	"\\\\W", "x y", "[^a]", "\\\\u00e9", "(?<d>\\\\d)",
};
static const char *const jd_regexes_nonempty[] = {
	"a", "[a-z]+", "(?<x>[a-z])(?<y>[0-9])?", "\\\\d+", "\xc3\xa9", ".",
	"\\\\s", "(?<l>[aeiou])", "b|c", "(?i)A", "[[:upper:]]", "(?<w>\\\\w+)",
};
static const char *const jd_regexes_sparse[] = {
	",", "b|c", "\\\\s", "\xc3\xa9", "x y", "(?<d>\\\\d)", "[AE]",
};
static const char *const jd_flags[] = {
	"", "g", "i", "x", "n", "s", "l", "p", "gi", "gx", "q", "ig", "gn", "",
};
static const char *const jd_flags_nog[] = {
	"", "i", "x", "n", "s", "l", "p", "q", "",
};

static const char *const jd_datefmts[] = {
	"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%SZ",
	"%Y-%m-%d", "%d/%m/%Y", "%H:%M", "%s", "%Y%m%d", "%A %B %d %Y", "%j",
	"%e", "%a, %d %b %Y %T", "%Z", "%%", "%c", "%y", "%Y-%m-%d %H:%M:%S",
	"%Y-%m-%dT%H:%M:%S%z", "", "%U %W %V %G %u %w",
};

/* Keywords jq 1.6 takes as object keys. */
static const char *const jd_keywords[] = {
	"if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach",
	"try", "catch", "label", "import", "include", "and", "or", "__loc__",
};

/* ---- builtins ---- */

enum jd_arg {
	A_NONE, A_ANY, A_BOOLC, A_ELEMF, A_ELEMB, A_ELEMSAME, A_KEY, A_STR,
	A_NEEDLE, A_REGEX, A_REGEX_NE, A_REGEX_SPARSE, A_FLAGS, A_FLAGS_NOG, A_REPL, A_SMALL,
	A_GEN, A_FMT, A_CONTAINER, A_LIKE, A_NUM, A_ENTRYF, A_GENB, A_MSG,
};

struct jd_builtin {
	const char *name;
	enum jd_ty need;	/* the input it takes (TY_ANY: any) */
	enum jd_ty yields;	/* or TY_SAME, TY_ELEM */
	int weight;
	unsigned char args[3];
	unsigned char guarded;	/* never given another input than it takes */
	unsigned char inmul;	/* may appear under '*' */
	unsigned char outside;	/* not in the compiled subset */
};

static const struct jd_builtin jd_builtins[] = {
	{ "length", TY_ANY, TY_NUM, 4, { 0 }, 0, 1, 0 },
	{ "utf8bytelength", TY_STR, TY_NUM, 2, { 0 }, 0, 1, 0 },
	{ "keys", TY_OBJ, TY_ARRSTR, 3, { 0 }, 0, 0, 0 },
	{ "keys", TY_ARR, TY_ARRNUM, 2, { 0 }, 0, 0, 0 },
	{ "keys_unsorted", TY_OBJ, TY_ARRSTR, 2, { 0 }, 0, 0, 0 },
	{ "values", TY_ANY, TY_SAME, 2, { 0 }, 0, 0, 0 },
	{ "has", TY_OBJ, TY_BOOL, 3, { A_KEY }, 0, 0, 0 },
	{ "has", TY_ARR, TY_BOOL, 2, { A_SMALL }, 0, 0, 0 },
	{ "in", TY_STR, TY_BOOL, 2, { A_CONTAINER }, 0, 0, 0 },
	{ "map", TY_ARR, TY_ARR, 4, { A_ELEMF }, 0, 0, 0 },
	{ "map_values", TY_OBJ, TY_SAME, 2, { A_ELEMSAME }, 0, 0, 0 },
	{ "add", TY_ARR, TY_ELEM, 4, { 0 }, 0, 0, 0 },
	{ "add", TY_OBJ, TY_ANY, 2, { 0 }, 0, 0, 0 },
	{ "any", TY_ARR, TY_BOOL, 2, { 0 }, 0, 0, 0 },
	{ "all", TY_ARR, TY_BOOL, 2, { 0 }, 0, 0, 0 },
	{ "any", TY_ARR, TY_BOOL, 2, { A_ELEMB }, 0, 0, 0 },
	{ "all", TY_ARR, TY_BOOL, 2, { A_ELEMB }, 0, 0, 0 },
	{ "any", TY_ANY, TY_BOOL, 2, { A_GEN, A_ELEMB }, 0, 0, 0 },
	{ "all", TY_ANY, TY_BOOL, 2, { A_GEN, A_ELEMB }, 0, 0, 0 },
	{ "min", TY_ARR, TY_ELEM, 2, { 0 }, 0, 0, 0 },
	{ "max", TY_ARR, TY_ELEM, 2, { 0 }, 0, 0, 0 },
	{ "min_by", TY_ARR, TY_ELEM, 2, { A_ELEMF }, 0, 0, 0 },
	{ "max_by", TY_ARR, TY_ELEM, 2, { A_ELEMF }, 0, 0, 0 },
	{ "sort", TY_ARR, TY_SAME, 3, { 0 }, 0, 0, 0 },
	{ "sort_by", TY_ARR, TY_SAME, 3, { A_ELEMF }, 0, 0, 0 },
	{ "group_by", TY_ARR, TY_ARR, 2, { A_ELEMF }, 0, 0, 0 },
	{ "unique", TY_ARR, TY_SAME, 2, { 0 }, 0, 0, 0 },
	{ "unique_by", TY_ARR, TY_SAME, 2, { A_ELEMF }, 0, 0, 0 },
	{ "reverse", TY_ARR, TY_SAME, 2, { 0 }, 0, 0, 0 },
	{ "first", TY_ARR, TY_ELEM, 2, { 0 }, 0, 0, 0 },
	{ "last", TY_ARR, TY_ELEM, 2, { 0 }, 0, 0, 0 },
	{ "first", TY_ANY, TY_ANY, 3, { A_GEN }, 0, 0, 0 },
	{ "limit", TY_ANY, TY_ANY, 3, { A_SMALL, A_GEN }, 0, 0, 0 },
	{ "range", TY_ANY, TY_NUM, 2, { A_SMALL }, 0, 1, 0 },
	{ "range", TY_ANY, TY_NUM, 2, { A_SMALL, A_SMALL }, 0, 1, 0 },
	{ "range", TY_ANY, TY_NUM, 2, { A_SMALL, A_SMALL, A_SMALL }, 0, 1, 0 },
	{ "to_entries", TY_OBJ, TY_ARROBJ, 2, { 0 }, 0, 0, 0 },
	{ "from_entries", TY_ARROBJ, TY_OBJ, 2, { 0 }, 0, 0, 0 },
	{ "with_entries", TY_OBJ, TY_OBJ, 2, { A_ENTRYF }, 0, 0, 0 },
	{ "type", TY_ANY, TY_STR, 3, { 0 }, 0, 0, 0 },
	{ "tostring", TY_ANY, TY_STR, 3, { 0 }, 0, 0, 0 },
	{ "tonumber", TY_STR, TY_NUM, 2, { 0 }, 0, 0, 0 },
	{ "tojson", TY_ANY, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "fromjson", TY_STR, TY_ANY, 2, { 0 }, 0, 0, 0 },
	{ "ascii_downcase", TY_STR, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "ascii_upcase", TY_STR, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "ltrimstr", TY_STR, TY_SAME, 2, { A_STR }, 0, 0, 0 },
	{ "rtrimstr", TY_STR, TY_SAME, 2, { A_STR }, 0, 0, 0 },
	{ "startswith", TY_STR, TY_BOOL, 2, { A_STR }, 0, 0, 0 },
	{ "endswith", TY_STR, TY_BOOL, 2, { A_STR }, 0, 0, 0 },
	{ "split", TY_STR, TY_ARRSTR, 3, { A_STR }, 0, 0, 0 },
	{ "join", TY_ARR, TY_STR, 3, { A_STR }, 0, 0, 0 },
	{ "contains", TY_ANY, TY_BOOL, 2, { A_LIKE }, 0, 0, 0 },
	{ "inside", TY_ANY, TY_BOOL, 2, { A_LIKE }, 0, 0, 0 },
	{ "index", TY_STR, TY_NUM, 2, { A_NEEDLE }, 0, 0, 0 },
	{ "index", TY_ARR, TY_NUM, 2, { A_ANY }, 0, 0, 0 },
	{ "test", TY_STR, TY_BOOL, 3, { A_REGEX }, 0, 0, 0 },
	{ "test", TY_STR, TY_BOOL, 2, { A_REGEX, A_FLAGS }, 0, 0, 0 },
	{ "match", TY_STR, TY_OBJ, 2, { A_REGEX }, 0, 0, 0 },
	{ "match", TY_STR, TY_OBJ, 2, { A_REGEX, A_FLAGS }, 0, 0, 0 },
	{ "capture", TY_STR, TY_OBJ, 2, { A_REGEX }, 0, 0, 0 },
	{ "capture", TY_STR, TY_OBJ, 2, { A_REGEX, A_FLAGS }, 0, 0, 0 },
	{ "sub", TY_STR, TY_STR, 2, { A_REGEX, A_REPL }, 0, 0, 0 },
	{ "sub", TY_STR, TY_STR, 2, { A_REGEX, A_REPL, A_FLAGS_NOG }, 0, 0, 0 },
	{ "gsub", TY_STR, TY_STR, 2, { A_REGEX_NE, A_REPL }, 0, 0, 0 },
	{ "gsub", TY_STR, TY_STR, 2, { A_REGEX_NE, A_REPL, A_FLAGS_NOG }, 0, 0, 0 },
	{ "floor", TY_NUM, TY_NUM, 2, { 0 }, 0, 1, 0 },
	{ "sqrt", TY_NUM, TY_NUM, 2, { 0 }, 0, 0, 0 },
	{ "fabs", TY_NUM, TY_NUM, 2, { 0 }, 0, 1, 0 },
	{ "round", TY_NUM, TY_NUM, 2, { 0 }, 0, 1, 0 },
	{ "ceil", TY_NUM, TY_NUM, 2, { 0 }, 0, 1, 0 },
	{ "pow", TY_ANY, TY_NUM, 2, { A_NUM, A_NUM }, 0, 0, 0 },
	{ "log", TY_NUM, TY_NUM, 2, { 0 }, 0, 0, 0 },
	{ "explode", TY_STR, TY_ARRNUM, 2, { 0 }, 0, 0, 0 },
	{ "implode", TY_ARRNUM, TY_STR, 0, { 0 }, 0, 0, 0 },	/* jd_implode */
	{ "@text", TY_ANY, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "@json", TY_ANY, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "@csv", TY_ARR, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "@tsv", TY_ARR, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "@base64", TY_ANY, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "@uri", TY_ANY, TY_STR, 2, { 0 }, 0, 0, 0 },
	{ "fromdateiso8601", TY_DATE, TY_EPOCH, 2, { 0 }, 0, 0, 0 },
	{ "fromdate", TY_DATE, TY_EPOCH, 2, { 0 }, 0, 0, 0 },
	{ "todateiso8601", TY_EPOCH, TY_DATE, 2, { 0 }, 1, 0, 0 },
	{ "todate", TY_EPOCH, TY_DATE, 2, { 0 }, 1, 0, 0 },
	{ "strptime", TY_DATE, TY_BDT, 2, { A_FMT }, 0, 0, 0 },
	{ "strftime", TY_BDT, TY_STR, 2, { A_FMT }, 1, 0, 0 },
	{ "strftime", TY_EPOCH, TY_STR, 2, { A_FMT }, 1, 0, 0 },
	{ "mktime", TY_BDT, TY_EPOCH, 2, { 0 }, 0, 0, 0 },
	{ "gmtime", TY_EPOCH, TY_BDT, 2, { 0 }, 0, 0, 0 },
	{ "not", TY_ANY, TY_BOOL, 3, { 0 }, 0, 0, 0 },
	{ "select", TY_ANY, TY_SAME, 5, { A_BOOLC }, 0, 0, 0 },
	{ "empty", TY_ANY, TY_ANY, 1, { 0 }, 0, 0, 0 },
	{ "error", TY_ANY, TY_ANY, 1, { 0 }, 0, 0, 0 },
	{ "error", TY_ANY, TY_ANY, 1, { A_MSG }, 0, 0, 0 },
	/* outside the subset: must go to libjq, or be right */
	{ "splits", TY_STR, TY_STR, 1, { A_REGEX_SPARSE }, 0, 0, 1 },
	{ "split", TY_STR, TY_ARRSTR, 1, { A_REGEX_SPARSE, A_FLAGS_NOG }, 0, 0, 1 },
	{ "ascii", TY_NUM, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "@html", TY_ANY, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "@sh", TY_ANY, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "@base32", TY_ANY, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "paths", TY_ANY, TY_ARR, 1, { 0 }, 0, 0, 1 },
	{ "leaf_paths", TY_ANY, TY_ARR, 1, { 0 }, 0, 0, 1 },
	{ "getpath", TY_ANY, TY_ANY, 1, { A_ANY }, 0, 0, 1 },
	{ "indices", TY_STR, TY_ARRNUM, 1, { A_NEEDLE }, 0, 0, 1 },
	{ "rindex", TY_STR, TY_NUM, 1, { A_NEEDLE }, 0, 0, 1 },
	{ "tostream", TY_ANY, TY_ARR, 1, { 0 }, 0, 0, 1 },
	{ "last", TY_ANY, TY_ANY, 1, { A_GEN }, 0, 0, 1 },
	{ "nth", TY_ARR, TY_ELEM, 1, { A_SMALL }, 0, 0, 1 },
	{ "isnan", TY_NUM, TY_BOOL, 1, { 0 }, 0, 0, 1 },
	{ "nan", TY_ANY, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "infinite", TY_ANY, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "trunc", TY_NUM, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "log10", TY_NUM, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "exp", TY_NUM, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "modf", TY_NUM, TY_ARRNUM, 1, { 0 }, 0, 0, 1 },
	{ "flatten", TY_ARR, TY_ARR, 1, { 0 }, 0, 0, 1 },
	{ "del", TY_OBJ, TY_OBJ, 1, { A_ANY }, 0, 0, 1 },
	{ "to_number", TY_ANY, TY_NUM, 1, { 0 }, 0, 0, 1 },
	{ "ltrimstr", TY_ANY, TY_SAME, 1, { A_ANY }, 0, 0, 1 },
	{ "tojson", TY_ANY, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "combinations", TY_ARR, TY_ARR, 1, { 0 }, 0, 0, 1 },
	{ "ascii_downcase", TY_ANY, TY_STR, 1, { 0 }, 0, 0, 1 },
	{ "splits", TY_STR, TY_STR, 1, { A_REGEX_SPARSE, A_FLAGS_NOG }, 0, 0, 1 },
	{ "scan", TY_STR, TY_ANY, 1, { A_REGEX_SPARSE }, 0, 0, 1 },
	{ "test", TY_STR, TY_BOOL, 1, { A_LIKE }, 0, 0, 1 },
};
#define JD_NBUILTINS ((int)LEN(jd_builtins))
#define JD_NCONS (JC_BUILTIN + JD_NBUILTINS)

static int
jd_nargs(const struct jd_builtin *b)
{
	int n = 0;
	while (n < 3 && b->args[n])
		n++;
	return n;
}

/* The table's entry for name/nargs. */
static int
jd_bi(const char *name, int nargs)
{
	for (int i = 0; i < JD_NBUILTINS; i++)
		if (strcmp(jd_builtins[i].name, name) == 0 && jd_nargs(&jd_builtins[i]) == nargs &&
		    !jd_builtins[i].outside)
			return i;
	abort();
}

/* Text written as is, with its precedence. */
static struct jd_node *
jd_raw(const char *text, int prec, int cons)
{
	struct jd_node *n = jd_node(N_RAW, cons, text, 0);
	n->form = prec;
	return n;
}

static struct jd_node *
jd_call(const char *name, int nargs)
{
	return jd_node(name[0] == '@' ? N_FMT : N_CALL, JC_BUILTIN + jd_bi(name, nargs), name, nargs);
}

static struct jd_node *
jd_dot(void)
{
	return jd_node(N_DOT, JC_IDENTITY, NULL, 0);
}

static struct jd_node *
jd_bin(int op, int cons, struct jd_node *a, struct jd_node *b)
{
	struct jd_node *n = jd_node(N_BIN, cons, NULL, 2);
	n->form = op;
	n->k[0] = a;
	n->k[1] = b;
	return n;
}

static struct jd_node *
jd_pipe(struct jd_node *a, struct jd_node *b)
{
	return jd_bin(OP_PIPE, JC_PIPE, a, b);
}

static const struct jd_var *
jd_pickvar(struct jd_gen *g, enum jd_ty want)
{
	const struct jd_var *c[LEN(g->vars)];
	int n = 0;
	for (int i = 0; i < g->nvars; i++)
		if (jd_fits(g->vars[i].ty, want))
			c[n++] = &g->vars[i];
	return n ? c[jd_pick(g->r, (unsigned)n)] : NULL;
}

/* Bind a variable for a scope; returns the count to restore after it.
 * Names repeat, so inner scopes shadow outer ones as jq's do. */
static int
jd_bind(struct jd_gen *g, enum jd_ty ty, char *name, size_t len)
{
	static const char *const names[] = { "x", "v", "i", "acc", "k", "y", "a", "item" };
	int saved = g->nvars;
	if (g->nvars == (int)LEN(g->vars))
		g->nvars--;
	const char *base = names[g->varseq++ % LEN(names)];
	snprintf(g->vars[g->nvars].name, sizeof g->vars[0].name, "%s", base);
	g->vars[g->nvars].ty = ty;
	g->nvars++;
	snprintf(name, len, "$%s", base);
	return saved;
}

static const struct jd_key jd_missing = { "zz", ".zz", TY_NULL, 0 };

/* A field of the record schema whose type fits want; NULL if none. */
static const struct jd_key *
jd_pickkey(struct jd_gen *g, enum jd_ty want)
{
	const struct jd_key *c[LEN(jd_keys)];
	int n = 0;
	for (size_t i = 0; i < LEN(jd_keys); i++)
		if (jd_fits(jd_keys[i].ty, want) && (!g->inmul || jd_keys[i].ty == TY_NUM))
			c[n++] = &jd_keys[i];
	return n ? c[jd_pick(g->r, (unsigned)n)] : NULL;
}

static const struct jd_key *
jd_key(const char *name)
{
	for (size_t i = 0; i < LEN(jd_keys); i++)
		if (strcmp(jd_keys[i].name, name) == 0)
			return &jd_keys[i];
	return &jd_missing;
}

/* The step .k after base (NULL: '.'), in one of jq's spellings. */
static struct jd_node *
jd_field(struct jd_gen *g, struct jd_node *base, const struct jd_key *key)
{
	struct jd_node *n = jd_node(N_STEP, base ? JC_POSTFIX : JC_FIELD, NULL, 1);
	n->k[0] = base ? base : jd_dot();
	unsigned how = key->expr ? jd_pick(g->r, 6) : 3 + jd_pick(g->r, 3);
	if (how < 3) {
		n->form = ST_FIELD;
		n->s = xstrdup(key->expr + 1);
	} else {
		/* ."x" or .["x"]; é also as \u00e9 */
		const char *lit = key->name;
		if (strcmp(lit, "\xc3\xa9") == 0 && jd_chance(g->r, 50))
			lit = "\\u00e9";
		n->nk = 2;
		n->k = xrealloc(n->k, 2 * sizeof *n->k);
		n->k[1] = jd_strlit(lit);
		if (how == 5 || (how == 4 && key->expr)) {
			n->form = ST_INDEX;
			if (!base)
				n->cons = JC_INDEX_STR;
		} else {
			n->form = ST_FIELDSTR;
			if (!base)
				n->cons = JC_FIELD_STR;
		}
	}
	n->opt = jd_chance(g->r, 12);
	return n;
}

static const char *const jd_arrlits[] = {
	"[1,2,3]", "[3,1,2,1]", "[\"a\",\"b\"]", "[1,\"a\",null,true,[],{}]",
	"[[1,2],[3]]", "[{\"a\":1},{\"a\":2,\"b\":3}]", "[0.5,-1,1e1000]",
	"[{\"key\":\"a\",\"value\":1},{\"name\":\"b\",\"value\":2}]",
	"[\"b\",\"a\",\"c\",\"a\"]", "[null,false]", "[{\"k\":\"x\",\"v\":null}]",
};
static const char *const jd_objlits[] = {
	"{\"a\":1}", "{\"a\":{\"b\":2},\"c\":[1]}", "{\"n\":79,\"s\":\"abc\"}",
	"{\"b\":1,\"a\":2}", "{\"a\":null}", "{\"x y\":true}", "{\"o\":{\"a\":[]}}",
};
/* Broken-down times that mktime and strftime take or refuse, with no
 * year that gmtime could not convert back. */
static const char *const jd_bdts[] = {
	"[2015,2,5,23,51,47,4,63]", "[2015,2,5,23,51,47.5,4,63]",
	"[1970,0,1,0,0,0,4,0]", "[2016,1,29]", "[]", "[2015,\"a\",5,0,0,0,0,0]",
	"[2038,0,19,3,14,8,2,18]", "[1900,0,1,0,0,0,0,0]", "[2015,11,31,24,60,61,0,0]",
};

/* A literal value of type t (any for TY_ANY). */
static struct jd_node *
jd_literal(struct jd_gen *g, enum jd_ty t)
{
	if (t == TY_ANY) {
		static const enum jd_ty any[] = { TY_NUM, TY_STR, TY_NULL, TY_BOOL, TY_ARR, TY_OBJ };
		t = any[jd_pick(g->r, LEN(any))];
	}
	switch (t) {
	case TY_NULL: return jd_lit(JC_CONST, "null");
	case TY_BOOL: return jd_lit(JC_CONST, jd_chance(g->r, 50) ? "true" : "false");
	case TY_NUM: return jd_numlit(g);
	case TY_EPOCH: return jd_lit(JC_NUMBER, JD_PICK(g, jd_epochs));
	case TY_STR: return jd_strlit_pick(g);
	case TY_DATE: return jd_strpool(g, jd_dates, LEN(jd_dates));
	case TY_BDT: return jd_raw(JD_PICK(g, jd_bdts), P_TERM, JC_ARRAY);
	case TY_ENTRY: return jd_raw("{\"key\":\"a\",\"value\":1}", P_TERM, JC_OBJECT);
	case TY_ARR: case TY_ARRNUM: case TY_ARRSTR: case TY_ARROBJ:
		if (jd_chance(g->r, 30))
			return jd_node(N_ARRAY, JC_ARRAY_EMPTY, NULL, 0);
		return jd_raw(JD_PICK(g, jd_arrlits), P_TERM, JC_ARRAY);
	default:
		if (jd_chance(g->r, 30))
			return jd_node(N_OBJECT, JC_OBJECT, NULL, 0);
		return jd_raw(JD_PICK(g, jd_objlits), P_TERM, JC_OBJECT);
	}
}

/* A string with interpolations, optionally with a format. */
static struct jd_node *
jd_interp(struct jd_gen *g, enum jd_ty ctx, int d, const char *fmt)
{
	static const char *const seps[] = {
		"", ":", "-", " ", "\\u00e9", "\\\"", "x", "\\\\", "\\n", "(", "\xf0\x9f\x98\x80",
	};
	int nk = 1 + (int)jd_pick(g->r, 3);
	struct jd_node *n = jd_node(N_STR, fmt ? JC_FORMAT_STR : JC_INTERP, fmt, nk);
	n->parts = xcalloc((size_t)nk + 1, sizeof *n->parts);
	for (int i = 0; i <= nk; i++)
		n->parts[i] = xstrdup(JD_PICK(g, seps));
	for (int i = 0; i < nk; i++)
		n->k[i] = jd_gen(g, TY_ANY, ctx, d - 1);
	return n;
}

static struct jd_node *
jd_pair(int form, int cons, const char *s, int nk)
{
	struct jd_node *p = jd_node(N_PAIR, cons, s, nk);
	p->form = form;
	return p;
}

/* An object constructor with keys in every form jq 1.6 takes. */
static struct jd_node *
jd_object(struct jd_gen *g, enum jd_ty ctx, int d)
{
	static const char *const idents[] = { "a", "b", "n", "s", "o", "arr", "c", "id", "_x1" };
	int nk = (int)jd_pick(g->r, 5);
	struct jd_node *o = jd_node(N_OBJECT, JC_OBJECT, NULL, nk);
	for (int i = 0; i < nk; i++) {
		const struct jd_var *v = jd_pickvar(g, TY_ANY);
		unsigned form = v && jd_chance(g->r, 40) ? PK_VAR : jd_pick(g->r, 8);
		if (form == 7)
			form = v ? PK_VAR : PK_EXPR;
		if (form == PK_VAR && v == NULL)
			form = PK_IDENT;
		struct jd_node *p;
		switch (form) {
		case PK_IDENT:
			p = jd_pair(PK_IDENT, JC_KEY_IDENT, JD_PICK(g, idents), 1);
			p->k[0] = jd_gen(g, TY_ANY, ctx, d - 1);
			break;
		case PK_KEYWORD:
			p = jd_pair(PK_KEYWORD, JC_KEY_KEYWORD, JD_PICK(g, jd_keywords), 1);
			p->k[0] = jd_gen(g, TY_ANY, ctx, d - 1);
			break;
		case PK_STR:
			p = jd_pair(PK_STR, JC_KEY_STRING, NULL, 2);
			if (d > 0 && jd_chance(g->r, 40)) {
				p->cons = JC_KEY_INTERP;
				p->k[0] = jd_interp(g, ctx, d - 1, NULL);
			} else {
				p->k[0] = jd_strlit_pick(g);
			}
			p->k[1] = jd_gen(g, TY_ANY, ctx, d - 1);
			break;
		case PK_STR_SHORT:
			p = jd_pair(PK_STR_SHORT, JC_KEY_STRING_SHORT, NULL, 1);
			if (d > 0 && jd_chance(g->r, 30)) {
				p->cons = JC_KEY_INTERP;
				p->k[0] = jd_interp(g, ctx, d - 1, NULL);
			} else {
				p->k[0] = jd_strlit(jd_keys[jd_pick(g->r, LEN(jd_keys))].name);
			}
			break;
		case PK_VAR:
			p = jd_pair(PK_VAR, JC_KEY_VAR, v->name, 0);
			break;
		case PK_IDENT_SHORT:
			p = jd_pair(PK_IDENT_SHORT, JC_KEY_IDENT_SHORT, JD_PICK(g, idents), 0);
			break;
		default:
			p = jd_pair(PK_EXPR, JC_KEY_EXPR, NULL, 2);
			p->k[0] = jd_gen(g, jd_chance(g->r, 85) ? TY_STR : TY_ANY, ctx, d - 1);
			p->k[1] = jd_gen(g, TY_ANY, ctx, d - 1);
			break;
		}
		o->k[i] = p;
	}
	return o;
}

/* The capture object's names that jd_regexes define, for sub's string. */
static const char *const jd_capnames[] = { "x", "y", "n", "first", "second", "l", "w", "d" };

static struct jd_node *
jd_arg(struct jd_gen *g, int kind, enum jd_ty ctx, enum jd_ty want, int d)
{
	enum jd_ty el = jd_elem(ctx);
	switch (kind) {
	case A_ANY: return jd_gen(g, TY_ANY, ctx, d - 1);
	case A_MSG:
		if (jd_chance(g->r, 60))
			return jd_strlit_pick(g);
		return jd_gen(g, TY_ANY, ctx, d - 1);
	case A_BOOLC: return jd_gen(g, TY_BOOL, ctx, d - 1);
	case A_ELEMF: return jd_gen(g, TY_ANY, el, d - 1);
	case A_ELEMB: return jd_gen(g, TY_BOOL, el, d - 1);
	case A_ELEMSAME: return jd_gen(g, el, el, d - 1);
	case A_ENTRYF: return jd_gen(g, TY_ENTRY, TY_ENTRY, d - 1);
	case A_KEY:
		if (jd_chance(g->r, 15))
			return jd_smallnum(g);
		if (jd_chance(g->r, 85))
			return jd_strlit(jd_keys[jd_pick(g->r, LEN(jd_keys))].name);
		return jd_gen(g, TY_STR, ctx, d - 1);
	case A_STR:
		if (jd_chance(g->r, 80))
			return jd_strlit_pick(g);
		return jd_gen(g, TY_STR, ctx, d - 1);
	case A_NEEDLE: return jd_strlit(JD_PICK(g, jd_needles));
	case A_REGEX:
		g->reempty = 1;
		if (jd_chance(g->r, 90)) {
			unsigned i = jd_pick(g->r, LEN(jd_regexes));
			g->reempty = i < JD_REGEX_EMPTY;
			return jd_strlit(jd_regexes[i]);
		}
		return jd_gen(g, TY_STR, ctx, d - 1);
	case A_REGEX_NE: return jd_strlit(JD_PICK(g, jd_regexes_nonempty));
	case A_REGEX_SPARSE: return jd_strlit(JD_PICK(g, jd_regexes_sparse));
	case A_FLAGS:
		if (jd_chance(g->r, 8))
			return jd_lit(JC_CONST, "null");
		if (g->reempty)
			return jd_strlit(JD_PICK(g, jd_flags_nog));
		return jd_strlit(JD_PICK(g, jd_flags));
	case A_FLAGS_NOG: return jd_strlit(JD_PICK(g, jd_flags_nog));
	case A_REPL: {
		/* the replacement runs on the capture object */
		if (jd_chance(g->r, 40))
			return jd_strlit_pick(g);
		struct jd_node *n = jd_node(N_STR, JC_INTERP, NULL, 1);
		n->parts = xcalloc(2, sizeof *n->parts);
		n->parts[0] = xstrdup(jd_chance(g->r, 50) ? "<" : "");
		n->parts[1] = xstrdup(jd_chance(g->r, 50) ? ">" : "");
		if (jd_chance(g->r, 85)) {
			const char *c = JD_PICK(g, jd_capnames);
			struct jd_node *f = jd_node(N_STEP, JC_FIELD, c, 1);
			f->form = ST_FIELD;
			f->k[0] = jd_dot();
			n->k[0] = f;
		} else {
			n->k[0] = jd_dot();
		}
		return n;
	}
	case A_SMALL: return jd_smallnum(g);
	case A_GEN: return jd_gen(g, want, ctx, d - 1);
	case A_FMT:
		if (jd_chance(g->r, 95))
			return jd_strlit(JD_PICK(g, jd_datefmts));
		return jd_gen(g, TY_ANY, ctx, d - 1);
	case A_CONTAINER: return jd_literal(g, jd_chance(g->r, 70) ? TY_OBJ : TY_ARR);
	case A_LIKE:
		if (jd_chance(g->r, 60))
			return jd_literal(g, jd_base(ctx));
		return jd_gen(g, jd_base(ctx), ctx, d - 1);
	case A_NUM:
		if (jd_chance(g->r, 50))
			return jd_numlit(g);
		return jd_gen(g, TY_NUM, ctx, d - 1);
	}
	return jd_dot();
}

/* A builtin that fits (want, ctx), by weight; -1 if none. */
static int
jd_pickbuiltin(struct jd_gen *g, enum jd_ty want, enum jd_ty ctx, int wild)
{
	int cand[JD_NBUILTINS], n = 0, total = 0;
	int outside = jd_chance(g->r, (unsigned)g->outside);
	for (int i = 0; i < JD_NBUILTINS; i++) {
		const struct jd_builtin *b = &jd_builtins[i];
		if (b->outside != outside || b->weight == 0 || (g->inmul && !b->inmul))
			continue;
		/* strftime on a number gmtime refuses aborts libjq: only on
		 * what jd_trusted made */
		if (b->guarded && (wild || ctx != b->need))
			continue;
		if (!wild && !jd_fits(ctx, b->need))
			continue;
		enum jd_ty y = b->yields == TY_SAME ? ctx : b->yields == TY_ELEM ? jd_elem(ctx) : b->yields;
		int none = strcmp(b->name, "empty") == 0 || strcmp(b->name, "error") == 0;
		if (!none && !jd_fits(y, want) && !(y == TY_ANY && !g->inmul && !g->nowild))
			continue;
		cand[n++] = i;
		total += b->weight;
	}
	if (n == 0)
		return -1;
	int x = (int)jd_pick(g->r, (unsigned)total);
	for (int i = 0; i < n; i++)
		if ((x -= jd_builtins[cand[i]].weight) < 0)
			return cand[i];
	return cand[n - 1];
}

static struct jd_node *
jd_builtin(struct jd_gen *g, int i, enum jd_ty want, enum jd_ty ctx, int d)
{
	const struct jd_builtin *b = &jd_builtins[i];
	int na = jd_nargs(b);
	struct jd_node *n = jd_node(b->name[0] == '@' ? N_FMT : N_CALL, JC_BUILTIN + i, b->name, na);
	for (int a = 0; a < na; a++)
		n->k[a] = jd_arg(g, b->args[a], ctx, want, d);
	return n;
}

/*
 * A builtin applied to a value made for it: "INPUT | builtin(...)", the
 * builtin drawn first, so that each of them turns up as often as its
 * weight says whatever the context.  *in gets the input's type.
 */
static int
jd_pickapply(struct jd_gen *g, enum jd_ty want, enum jd_ty *in)
{
	static const enum jd_ty arrs[] = { TY_ARR, TY_ARRNUM, TY_ARRSTR, TY_ARROBJ };
	int cand[JD_NBUILTINS * 4], total = 0, n = 0;
	enum jd_ty cin[JD_NBUILTINS * 4];
	int outside = jd_chance(g->r, (unsigned)g->outside);
	for (int i = 0; i < JD_NBUILTINS; i++) {
		const struct jd_builtin *b = &jd_builtins[i];
		if (b->outside != outside || b->weight == 0)
			continue;
		int nin = b->need == TY_ARR ? 4 : 1;
		for (int k = 0; k < nin; k++) {
			enum jd_ty t = b->need == TY_ARR ? arrs[k] : b->need;
			enum jd_ty y = b->yields == TY_SAME ? t : b->yields == TY_ELEM ? jd_elem(t) : b->yields;
			if (!jd_fits(y, want) && strcmp(b->name, "empty") && strcmp(b->name, "error"))
				continue;
			cand[n] = i;
			cin[n++] = t;
			total += b->weight;
		}
	}
	if (n == 0)
		return -1;
	int x = (int)jd_pick(g->r, (unsigned)total);
	for (int i = 0; i < n; i++)
		if ((x -= jd_builtins[cand[i]].weight) < 0 || i == n - 1) {
			*in = cin[i];
			return cand[i];
		}
	return -1;
}

/* implode only on code points: explode's, or written out. */
static struct jd_node *
jd_implode(struct jd_gen *g, enum jd_ty ctx, int d)
{
	static const char *const cps[] = {
		"[65,233,128512]", "[]", "[0]", "[97,98]", "[-1]", "[1114112]",
		"[55296]", "[\"a\"]", "[1.5]", "[null]",
	};
	static const char *const ops[] = {
		"reverse", "sort", "unique", ".[1:]", "map(select(. > 100))",
		"map(. + 1)", ". + [97]", "[.[] | select(. != 98)]", ".[:2]",
	};
	struct jd_node *src;
	if (jd_chance(g->r, 30)) {
		src = jd_raw(JD_PICK(g, cps), P_TERM, JC_ARRAY);
	} else {
		struct jd_node *s = jd_chance(g->r, 70) ? jd_gen(g, TY_STR, ctx, d - 1) : jd_dot();
		src = jd_pipe(s, jd_call("explode", 0));
		if (jd_chance(g->r, 70))
			src = jd_pipe(src, jd_raw(JD_PICK(g, ops), P_PIPE, JC_PIPE));
	}
	return jd_pipe(src, jd_call("implode", 0));
}

/* ---- trusted epochs and broken-down times ---- */

static struct jd_node *jd_trusted(struct jd_gen *g, enum jd_ty t, enum jd_ty ctx, int d);

/*
 * What strftime and todate may be given: numbers gmtime converts (the
 * records' "e", the epoch literals, mktime of a sane broken-down time,
 * fromdate) and arrays.  strftime on a number gmtime refuses (1e300, NaN)
 * aborts libjq 1.6, so these never come from a wild choice.
 */
static struct jd_node *
jd_trusted(struct jd_gen *g, enum jd_ty t, enum jd_ty ctx, int d)
{
	unsigned c = jd_pick(g->r, d > 0 ? 5 : 2);
	if (t == TY_EPOCH) {
		switch (c) {
		case 0: return jd_literal(g, TY_EPOCH);
		case 1:
			if (ctx == TY_EPOCH)
				return jd_dot();
			if (ctx == TY_OBJ && jd_chance(g->r, 80))
				return jd_field(g, NULL, jd_key("e"));
			return jd_field(g, jd_field(g, NULL, jd_key("o")), jd_key("e"));
		case 2: return jd_pipe(jd_trusted(g, TY_BDT, ctx, d - 1), jd_call("mktime", 0));
		case 3: {
			struct jd_node *date = ctx == TY_OBJ ? jd_field(g, NULL, jd_key("t")) :
			    jd_literal(g, TY_DATE);
			return jd_pipe(date, jd_call(jd_chance(g->r, 50) ? "fromdate" : "fromdateiso8601", 0));
		}
		default:
			return jd_bin(jd_chance(g->r, 50) ? OP_ADD : OP_SUB, JC_ADD_NUM,
			    jd_trusted(g, TY_EPOCH, ctx, d - 1), jd_smallnum(g));
		}
	}
	switch (c) {
	case 0: return jd_literal(g, TY_BDT);
	case 1: case 2: return jd_pipe(jd_trusted(g, TY_EPOCH, ctx, d - 1), jd_call("gmtime", 0));
	default: {
		struct jd_node *date = ctx == TY_OBJ && jd_chance(g->r, 70) ?
		    jd_field(g, NULL, jd_key("t")) : jd_literal(g, TY_DATE);
		struct jd_node *p = jd_call("strptime", 1);
		p->k[0] = jd_strlit(JD_PICK(g, jd_datefmts));
		return jd_pipe(date, p);
	}
	}
}

/* ---- arithmetic ---- */

/*
 * A number no string can be repeated a million times by: under '*' the
 * operands are literals, ".n", lengths, ".arr[i]" and arithmetic of
 * those, never an epoch or a value of unknown type ("abc" * 1425599507
 * would take gigabytes).
 */
static struct jd_node *
jd_mulnum(struct jd_gen *g, enum jd_ty ctx, int d)
{
	struct jd_rng *r = g->r;
	int was = g->inmul;
	struct jd_node *n;
	g->inmul = 1;
	unsigned c = d > 0 ? jd_pick(r, 8) : jd_pick(r, 3);
	switch (c) {
	case 0: n = jd_numlit(g); break;
	case 1: n = jd_field(g, NULL, jd_key("n")); break;
	case 2: {
		int i = jd_pickbuiltin(g, TY_NUM, ctx, 0);
		n = i < 0 ? jd_numlit(g) : jd_builtin(g, i, TY_NUM, ctx, d);
		break;
	}
	case 3: case 4: {
		static const int ops[] = { OP_ADD, OP_SUB, OP_MUL, OP_DIV };
		static const int cs[] = { JC_ADD_NUM, JC_SUB_NUM, JC_MUL_NUM, JC_DIV_NUM };
		int o = (int)jd_pick(r, 4);
		n = jd_bin(ops[o], cs[o], jd_mulnum(g, ctx, d - 1), jd_mulnum(g, ctx, d - 1));
		break;
	}
	case 5:
		n = jd_node(N_NEG, JC_NEG, NULL, 1);
		n->k[0] = jd_mulnum(g, ctx, d - 1);
		break;
	case 6:
		n = jd_node(N_STEP, JC_POSTFIX, NULL, 2);
		n->form = ST_INDEX;
		n->k[0] = jd_field(g, NULL, jd_key("arr"));
		n->k[1] = jd_lit(JC_NUMBER, jd_chance(r, 50) ? "0" : "1");
		break;
	default:
		n = jd_node(N_IF, JC_IF, NULL, 3);
		g->inmul = 0;
		g->nowild++;
		n->k[0] = jd_gen(g, TY_BOOL, ctx, d - 1);
		g->nowild--;
		g->inmul = 1;
		n->k[1] = jd_mulnum(g, ctx, d - 1);
		n->k[2] = jd_mulnum(g, ctx, d - 1);
		break;
	}
	if (!was && c != 3 && c != 4)
		n = jd_bin(OP_MUL, JC_MUL_NUM, n, jd_mulnum(g, ctx, d - 1));
	g->inmul = was;
	return n;
}

static struct jd_node *
jd_arith(struct jd_gen *g, enum jd_ty w, enum jd_ty ctx, int d)
{
	struct jd_rng *r = g->r;
	enum jd_ty bw = jd_base(w);
	enum jd_ty t = bw == TY_ANY ? (enum jd_ty)(TY_NULL + jd_pick(r, 7)) : bw;
	if (w == TY_ARRSTR)
		t = TY_ARRSTR;
	if (t == TY_BOOL)
		t = TY_ANY;
	switch (t) {
	case TY_NUM: {
		unsigned o = jd_pick(r, 5);
		if (o == 2)
			return jd_mulnum(g, ctx, d);
		if (o == 4)
			return jd_bin(OP_MOD, JC_MOD, jd_gen(g, TY_NUM, ctx, d - 1),
			    jd_fromlist(g, jd_divisors, LEN(jd_divisors)));
		static const int ops[] = { OP_ADD, OP_SUB, 0, OP_DIV };
		static const int cs[] = { JC_ADD_NUM, JC_SUB_NUM, 0, JC_DIV_NUM };
		return jd_bin(ops[o], cs[o], jd_gen(g, TY_NUM, ctx, d - 1), jd_gen(g, TY_NUM, ctx, d - 1));
	}
	case TY_STR:
		if (jd_chance(r, 25)) {
			/* the count is a small literal: see jd_mulnum */
			g->nowild++;
			struct jd_node *s = jd_gen(g, TY_STR, ctx, d - 1);
			g->nowild--;
			struct jd_node *k = jd_smallnum(g);
			return jd_chance(r, 50) ? jd_bin(OP_MUL, JC_MUL_STR, s, k) :
			    jd_bin(OP_MUL, JC_MUL_STR, k, s);
		}
		return jd_bin(OP_ADD, JC_ADD_STR, jd_gen(g, TY_STR, ctx, d - 1), jd_gen(g, TY_STR, ctx, d - 1));
	case TY_ARRSTR:
		return jd_bin(OP_DIV, JC_DIV_STR, jd_gen(g, TY_STR, ctx, d - 1),
		    jd_chance(r, 70) ? jd_strlit_pick(g) : jd_gen(g, TY_STR, ctx, d - 1));
	case TY_ARR: {
		int sub = jd_chance(r, 40);
		return jd_bin(sub ? OP_SUB : OP_ADD, sub ? JC_SUB_ARR : JC_ADD_ARR,
		    jd_gen(g, TY_ARR, ctx, d - 1), jd_gen(g, TY_ARR, ctx, d - 1));
	}
	case TY_OBJ: {
		int mul = jd_chance(r, 40);
		/* object * object with no wild operand: a string times an
		 * epoch is the one product to avoid */
		if (mul)
			g->nowild++;
		struct jd_node *a = jd_gen(g, TY_OBJ, ctx, d - 1), *b = jd_gen(g, TY_OBJ, ctx, d - 1);
		if (mul)
			g->nowild--;
		return jd_bin(mul ? OP_MUL : OP_ADD, mul ? JC_MUL_OBJ : JC_ADD_OBJ, a, b);
	}
	case TY_NULL: {
		struct jd_node *nl = jd_chance(r, 50) ? jd_lit(JC_CONST, "null") : jd_field(g, NULL, &jd_missing);
		struct jd_node *o = jd_gen(g, TY_ANY, ctx, d - 1);
		return jd_chance(r, 50) ? jd_bin(OP_ADD, JC_ADD_NULL, nl, o) : jd_bin(OP_ADD, JC_ADD_NULL, o, nl);
	}
	default: {
		/* any types under + - /: jq's errors and its definitions for
		 * mixed kinds (* and % only as above) */
		static const int ops[] = { OP_ADD, OP_SUB, OP_DIV };
		return jd_bin(ops[jd_pick(r, 3)], JC_ARITH_ANY, jd_gen(g, TY_ANY, ctx, d - 1),
		    jd_gen(g, TY_ANY, ctx, d - 1));
	}
	}
}

static struct jd_node *
jd_outside(struct jd_gen *g, enum jd_ty ctx, int d)
{
	static const char *const raws[] = {
		"def f: . + 1; [.n | f]", "label $out | 1, break $out, 2", "$__loc__",
		"[paths]", ".a as [$x, $y] ?// $x | [$x, $y]", "reduce .[]? as [$k, $v] (0; . + 1)",
		"[.[] | numbers]", "[..] | length", "input_line_number", "getpath([\"o\", \"a\"])",
		"to_entries | from_entries", "[splits(\", *\")]", "@sh \"echo \\(.s)\"", "$ENV | type",
		"tostream", "[limit(-1; .[]?)]", "isvalid(.a)", "ascii", "[.[] | strings]",
		"with_entries(.value |= tostring)", "[range(0; 10; 3)]", "try error({}) catch .",
		"error(null)", "[.[]?] | implode", "{} | .a.b.c = 1", "[.n, .s] | @json \"\\(.)\"",
	};
	switch (jd_pick(g->r, 3)) {
	case 0: {	/* update-assignment */
		static const int ops[] = { OP_UPD, OP_ADDUPD, OP_SET, OP_ALTUPD };
		const struct jd_key *k = jd_pickkey(g, TY_NUM);
		struct jd_node *lhs = jd_field(g, NULL, k ? k : jd_key("n"));
		lhs->opt = 0;
		return jd_bin(ops[jd_pick(g->r, 4)], JC_OUTSIDE, lhs, jd_gen(g, TY_NUM, ctx, d - 1));
	}
	case 1: {	/* destructuring */
		static const char *const pats[] = { "[$a, $b]", "{a: $a, $b}", "{\"n\": $a, $b}", "[$a, [$b]]" };
		struct jd_node *n = jd_node(N_AS, JC_OUTSIDE, JD_PICK(g, pats), 2);
		n->k[0] = jd_gen(g, TY_ANY, ctx, d - 1);
		n->k[1] = jd_raw("[$a, $b]", P_TERM, JC_OUTSIDE);
		return n;
	}
	default:
		return jd_raw(JD_PICK(g, raws), P_PIPE, JC_OUTSIDE);
	}
}

/* ---- the grammar ---- */

enum {
	G_DOT, G_FIELD, G_LIT, G_VAR, G_REC, G_ITER, G_INDEX, G_SLICE, G_BUILTIN,
	G_APPLY, G_PIPE, G_COMMA, G_ALT, G_ANDOR, G_NOT, G_CMP, G_ARITH, G_NEG,
	G_STEP, G_TRYQ, G_TRY, G_IF, G_AS, G_LOOP, G_ARRAY, G_OBJECT, G_INTERP,
	G_PAREN, G_IMPLODE, G_OUTSIDE, G_N,
};

/* The source of reduce/foreach: a generator. */
static struct jd_node *
jd_source(struct jd_gen *g, enum jd_ty ctx, int d, enum jd_ty *et)
{
	struct jd_node *src;
	unsigned s = jd_pick(g->r, 4);
	if (s == 0) {
		src = jd_call("range", 1);
		src->k[0] = jd_smallnum(g);
		*et = TY_NUM;
		return src;
	}
	enum jd_ty at = s == 1 ? TY_ARRNUM : s == 2 ? ctx : TY_ARR;
	src = jd_node(N_STEP, JC_ITER, NULL, 1);
	src->form = ST_ITER;
	if (s == 1 && jd_base(ctx) == TY_OBJ)
		src->k[0] = jd_field(g, NULL, jd_key("arr"));
	else if (s == 2)
		src->k[0] = jd_dot();
	else
		src->k[0] = jd_gen(g, at, ctx, d - 1);
	if (src->k[0]->kind != N_DOT)
		src->cons = JC_POSTFIX;
	src->opt = jd_chance(g->r, 30);
	*et = jd_elem(at);
	return src;
}

static struct jd_node *
jd_gen(struct jd_gen *g, enum jd_ty want, enum jd_ty ctx, int d)
{
	struct jd_rng *r = g->r;
	if (g->inmul)
		return jd_mulnum(g, ctx, d);
	int wild = !g->nowild && jd_chance(r, (unsigned)g->wild);
	enum jd_ty w = wild ? TY_ANY : want;
	enum jd_ty bw = jd_base(w);
	int ctxobj = jd_base(ctx) == TY_OBJ || ctx == TY_ANY;
	int ctxarr = jd_base(ctx) == TY_ARR;
	int weight[G_N] = { 0 };

	/* Epochs and broken-down times that strftime will see: trusted. */
	if (!wild && (w == TY_EPOCH || w == TY_BDT) && jd_chance(r, 70))
		return jd_trusted(g, w, ctx, d);

	weight[G_DOT] = jd_fits(ctx, w) ? 3 : 0;
	weight[G_FIELD] = ctxobj ? 8 : 1;
	weight[G_LIT] = w == TY_ENTRY ? 0 : 4;
	weight[G_VAR] = jd_pickvar(g, w) ? 4 : 0;
	weight[G_REC] = bw == TY_ANY;
	weight[G_ITER] = (ctxarr || ctxobj) && jd_fits(jd_elem(ctx), w) ? 3 : 0;
	weight[G_INDEX] = ctxarr && jd_fits(jd_elem(ctx), w) ? 3 : 0;
	weight[G_SLICE] = (ctxarr || jd_base(ctx) == TY_STR) && jd_fits(ctx, w) ? 2 : 0;
	weight[G_BUILTIN] = 6;
	if (d > 0) {
		int b = bw == TY_BOOL || bw == TY_ANY;
		weight[G_APPLY] = 25;
		weight[G_PIPE] = 8;
		weight[G_COMMA] = 3;
		weight[G_ALT] = 3;
		weight[G_ANDOR] = b ? 3 : 0;
		weight[G_NOT] = b;
		weight[G_CMP] = b ? 4 : 0;
		weight[G_ARITH] = bw != TY_NULL && w != TY_ENTRY && w != TY_BDT && w != TY_EPOCH ? 6 : 0;
		weight[G_NEG] = bw == TY_NUM || bw == TY_ANY;
		weight[G_STEP] = 4;
		weight[G_TRYQ] = 2;
		weight[G_TRY] = 2;
		weight[G_IF] = 3;
		weight[G_AS] = 3;
		weight[G_LOOP] = g->loops == 0 ? 4 : 0;
		weight[G_ARRAY] = bw == TY_ARR || bw == TY_ANY ? 4 : 0;
		weight[G_OBJECT] = bw == TY_OBJ || bw == TY_ANY ? 3 : 0;
		weight[G_INTERP] = bw == TY_STR || bw == TY_ANY ? 3 : 0;
		weight[G_PAREN] = 1;
		weight[G_IMPLODE] = bw == TY_STR || bw == TY_ANY;
		weight[G_OUTSIDE] = jd_chance(r, (unsigned)g->outside) ? 40 : 0;
		/* high up, favour structure over leaves */
		if (d >= 2)
			for (int i = G_APPLY; i < G_N; i++)
				weight[i] *= 2;
	}
	if (g->onlypaths) {
		memset(weight, 0, sizeof weight);
		weight[G_DOT] = 1;
		weight[G_FIELD] = 3;
		weight[G_INDEX] = ctxarr;
		weight[G_STEP] = d > 0 ? 3 : 0;
	}
	int total = 0, prod;
	for (prod = 0; prod < G_N; prod++)
		total += weight[prod];
	int x = (int)jd_pick(r, (unsigned)total);
	for (prod = 0; prod < G_N - 1; prod++)
		if ((x -= weight[prod]) < 0)
			break;

	struct jd_node *n;
	switch (prod) {
	case G_DOT:
		return jd_dot();
	case G_FIELD: {
		const struct jd_key *k = jd_pickkey(g, w);
		if (k == NULL || jd_chance(r, 4))
			k = &jd_missing;
		return jd_field(g, NULL, k);
	}
	case G_LIT:
		return jd_literal(g, w);
	case G_VAR:
		return jd_node(N_VAR, JC_VAR, jd_pickvar(g, w)->name, 0);
	case G_REC:
		return jd_node(N_REC, JC_RECURSE, NULL, 0);
	case G_ITER:
		n = jd_node(N_STEP, JC_ITER, NULL, 1);
		n->form = ST_ITER;
		n->k[0] = jd_dot();
		n->opt = jd_chance(r, 15);
		return n;
	case G_INDEX: {
		n = jd_node(N_STEP, JC_INDEX_NUM, NULL, 2);
		n->form = ST_INDEX;
		n->k[0] = jd_dot();
		unsigned i = jd_pick(r, 10);
		if (g->onlypaths || i < 6) {
			static const char *const idx[] = { "0", "1", "2", "3" };
			n->k[1] = jd_lit(JC_NUMBER, JD_PICK(g, idx));
		} else if (i < 8) {
			n->cons = JC_INDEX_NEG;
			n->k[1] = jd_node(N_NEG, JC_NEG, NULL, 1);
			n->k[1]->k[0] = jd_lit(JC_NUMBER, i == 6 ? "1" : "2");
		} else {
			n->cons = JC_INDEX_EXPR;
			n->k[1] = d > 0 ? jd_gen(g, TY_NUM, ctx, d - 1) : jd_numlit(g);
		}
		n->opt = !g->onlypaths && jd_chance(r, 12);
		return n;
	}
	case G_SLICE: {
		unsigned f = jd_pick(r, 3);
		n = jd_node(N_STEP, JC_SLICE, NULL, f == 0 ? 3 : 2);
		n->form = f == 0 ? ST_SLICE : f == 1 ? ST_SLICE_FROM : ST_SLICE_TO;
		n->k[0] = jd_dot();
		for (int i = 1; i < n->nk; i++) {
			/* bounds are literals (a NaN start aborts libjq 1.6),
			 * or "length - 1" of what '.' slices, an integer */
			if (jd_chance(r, 15))
				n->k[i] = jd_bin(OP_SUB, JC_SUB_NUM, jd_call("length", 0), jd_lit(JC_NUMBER, "1"));
			else
				n->k[i] = jd_fromlist(g, jd_slicebounds, LEN(jd_slicebounds));
		}
		n->opt = jd_chance(r, 12);
		return n;
	}
	case G_BUILTIN: {
		int i = jd_pickbuiltin(g, w, ctx, wild);
		return i < 0 ? jd_literal(g, w) : jd_builtin(g, i, w, ctx, d);
	}
	case G_APPLY: {
		enum jd_ty in;
		int i = jd_pickapply(g, w, &in);
		if (i < 0)
			return jd_literal(g, w);
		struct jd_node *src = in == TY_EPOCH || in == TY_BDT ? jd_trusted(g, in, ctx, d - 1) :
		    jd_gen(g, in, ctx, d - 1);
		return jd_pipe(src, jd_builtin(g, i, w, in, d));
	}
	case G_PIPE: {
		static const enum jd_ty mids[] = {
			TY_ANY, TY_OBJ, TY_ARR, TY_ARRNUM, TY_ARRSTR, TY_ARROBJ, TY_STR,
			TY_NUM, TY_DATE, TY_EPOCH, TY_BDT, TY_BOOL, TY_OBJ, TY_ANY,
		};
		enum jd_ty mid = mids[jd_pick(r, LEN(mids))];
		struct jd_node *a = mid == TY_EPOCH || mid == TY_BDT ? jd_trusted(g, mid, ctx, d - 1) :
		    jd_gen(g, mid, ctx, d - 1);
		return jd_pipe(a, jd_gen(g, w, mid, d - 1));
	}
	case G_COMMA:
		return jd_bin(OP_COMMA, JC_COMMA, jd_gen(g, w, ctx, d - 1), jd_gen(g, w, ctx, d - 1));
	case G_ALT:
		return jd_bin(OP_ALT, JC_ALT, jd_gen(g, w, ctx, d - 1), jd_gen(g, w, ctx, d - 1));
	case G_ANDOR: {
		int or = jd_chance(r, 50);
		struct jd_node *a = jd_gen(g, jd_chance(r, 70) ? TY_BOOL : TY_ANY, ctx, d - 1);
		struct jd_node *b = jd_gen(g, jd_chance(r, 70) ? TY_BOOL : TY_ANY, ctx, d - 1);
		return jd_bin(or ? OP_OR : OP_AND, or ? JC_OR : JC_AND, a, b);
	}
	case G_NOT:
		return jd_pipe(jd_gen(g, TY_ANY, ctx, d - 1), jd_call("not", 0));
	case G_CMP: {
		static const enum jd_ty ts[] = { TY_ANY, TY_NUM, TY_STR, TY_ARR, TY_OBJ, TY_NUM, TY_STR };
		enum jd_ty t = ts[jd_pick(r, LEN(ts))];
		int op = OP_EQ + (int)jd_pick(r, 6);
		struct jd_node *a = jd_gen(g, t, ctx, d - 1), *b = jd_gen(g, t, ctx, d - 1);
		return jd_bin(op, JC_EQ + (op - OP_EQ), a, b);
	}
	case G_ARITH:
		return jd_arith(g, w, ctx, d);
	case G_NEG:
		n = jd_node(N_NEG, JC_NEG, NULL, 1);
		n->k[0] = jd_gen(g, TY_NUM, ctx, d - 1);
		return n;
	case G_STEP: {
		/* a step after a computed term: (e).k, e[i], e[], e[m:n] */
		unsigned f = g->onlypaths ? jd_pick(r, 2) * 2 : jd_pick(r, 5);
		if (f <= 1) {
			const struct jd_key *k = jd_pickkey(g, w);
			struct jd_node *base = jd_gen(g, TY_OBJ, ctx, d - 1);
			if (base->kind == N_DOT && !base->paren) {
				jd_free(base);
				base = NULL;
			}
			return jd_field(g, base, k ? k : &jd_missing);
		}
		enum jd_ty at = bw == TY_NUM ? TY_ARRNUM : bw == TY_STR ? TY_ARRSTR :
		    bw == TY_OBJ ? TY_ARROBJ : TY_ARR;
		struct jd_node *base = jd_gen(g, f == 4 && bw == TY_STR ? TY_STR : at, ctx, d - 1);
		if (f == 2) {
			n = jd_node(N_STEP, JC_POSTFIX, NULL, 2);
			n->form = ST_INDEX;
			n->k[1] = g->onlypaths || jd_chance(r, 60) ? jd_lit(JC_NUMBER, jd_chance(r, 50) ? "0" : "1") :
			    jd_gen(g, TY_ANY, ctx, d - 1);
		} else if (f == 3) {
			n = jd_node(N_STEP, JC_POSTFIX, NULL, 1);
			n->form = ST_ITER;
		} else {
			n = jd_node(N_STEP, JC_SLICE, NULL, 3);
			n->form = ST_SLICE;
			n->k[1] = jd_fromlist(g, jd_slicebounds, LEN(jd_slicebounds));
			n->k[2] = jd_fromlist(g, jd_slicebounds, LEN(jd_slicebounds));
		}
		n->k[0] = base;
		n->opt = !g->onlypaths && jd_chance(r, 15);
		return n;
	}
	case G_TRYQ:
		n = jd_node(N_TRYQ, JC_TRYQ, NULL, 1);
		n->k[0] = jd_gen(g, w, ctx, d - 1);
		return n;
	case G_TRY: {
		int c = jd_chance(r, 60);
		n = jd_node(N_TRY, c ? JC_TRY_CATCH : JC_TRY, NULL, c ? 2 : 1);
		n->k[0] = jd_gen(g, w, ctx, d - 1);
		if (c)
			n->k[1] = jd_gen(g, w, jd_chance(r, 70) ? TY_STR : TY_ANY, d - 1);
		return n;
	}
	case G_IF: {
		int elifs = jd_chance(r, 30) ? 1 + (int)jd_pick(r, 2) : 0;
		n = jd_node(N_IF, elifs ? JC_ELIF : JC_IF, NULL, 3 + 2 * elifs);
		for (int i = 0; i + 1 < n->nk; i += 2) {
			n->k[i] = jd_gen(g, jd_chance(r, 70) ? TY_BOOL : TY_ANY, ctx, d - 1);
			n->k[i + 1] = jd_gen(g, w, ctx, d - 1);
		}
		n->k[n->nk - 1] = jd_gen(g, w, ctx, d - 1);
		return n;
	}
	case G_AS: {
		static const enum jd_ty ts[] = { TY_ANY, TY_NUM, TY_STR, TY_ARR, TY_OBJ, TY_ARRNUM };
		enum jd_ty t = ts[jd_pick(r, LEN(ts))];
		struct jd_node *src = jd_gen(g, t, ctx, d - 1);
		char name[12];
		int saved = jd_bind(g, t, name, sizeof name);
		n = jd_node(N_AS, JC_AS, name, 2);
		n->k[0] = src;
		n->k[1] = jd_gen(g, w, ctx, d - 1);
		g->nvars = saved;
		return n;
	}
	case G_LOOP: {
		/* reduce/foreach never nest (each iteration could double the
		 * state: 2^(10*10)); jd_growth checks one level */
		enum jd_ty et, acc = w == TY_EPOCH || w == TY_BDT ? TY_ANY : w;
		int fe = jd_chance(r, 50), three = fe && jd_chance(r, 50);
		g->loops++;
		struct jd_node *src = jd_source(g, ctx, d, &et);
		struct jd_node *init = jd_gen(g, acc, ctx, d - 1);
		char name[12];
		int saved = jd_bind(g, et, name, sizeof name);
		n = jd_node(fe ? N_FOREACH : N_REDUCE, fe ? (three ? JC_FOREACH3 : JC_FOREACH) : JC_REDUCE,
		    name, three ? 4 : 3);
		n->k[0] = src;
		n->k[1] = init;
		n->k[2] = jd_gen(g, acc, acc, d - 1);
		if (three)
			n->k[3] = jd_gen(g, TY_ANY, acc, d - 1);
		g->nvars = saved;
		g->loops--;
		return n;
	}
	case G_ARRAY:
		if (jd_chance(r, 10))
			return jd_node(N_ARRAY, JC_ARRAY_EMPTY, NULL, 0);
		n = jd_node(N_ARRAY, JC_ARRAY, NULL, 1);
		n->k[0] = jd_gen(g, jd_elem(w), ctx, d - 1);
		return n;
	case G_OBJECT:
		if (w == TY_ENTRY) {
			/* {key: ..., value: ...}, what with_entries takes */
			n = jd_node(N_OBJECT, JC_OBJECT, NULL, 2);
			n->k[0] = jd_pair(PK_IDENT, JC_KEY_IDENT, "key", 1);
			n->k[0]->k[0] = jd_gen(g, TY_STR, ctx, d - 1);
			n->k[1] = jd_pair(PK_IDENT, JC_KEY_IDENT, "value", 1);
			n->k[1]->k[0] = jd_gen(g, TY_ANY, ctx, d - 1);
			return n;
		}
		return jd_object(g, ctx, d);
	case G_INTERP:
		if (jd_chance(r, 15)) {
			static const char *const fmts[] = { "@text", "@json", "@base64", "@uri", "@csv", "@tsv" };
			return jd_interp(g, ctx, d, JD_PICK(g, fmts));
		}
		return jd_interp(g, ctx, d, NULL);
	case G_PAREN:
		n = jd_gen(g, w, ctx, d - 1);
		n->paren = 1;
		return n;
	case G_IMPLODE:
		return jd_implode(g, ctx, d);
	default:
		return jd_outside(g, ctx, d);
	}
}

/* ----- cost ----- */

/*
 * Rough bounds on the values an expression yields (out) and on the work
 * it takes (work): jq runs a binary operator's left side once per value
 * of its right side, a pipe's right side once per value of its left, and
 * collects [e] into one value.
 */
struct jd_cost {
	double out, work;
};

static struct jd_cost
jd_cost(const struct jd_node *n)
{
	struct jd_cost c = { 1, 1 }, a, b;
	if (n == NULL)
		return c;
	switch (n->kind) {
	case N_REC:
		return (struct jd_cost){ 40, 40 };
	case N_BIN:
		a = jd_cost(n->k[0]);
		b = jd_cost(n->k[1]);
		if (n->form == OP_COMMA)
			return (struct jd_cost){ a.out + b.out, a.work + b.work };
		if (n->form == OP_PIPE)
			return (struct jd_cost){ a.out * b.out, a.work + a.out * b.work };
		return (struct jd_cost){ a.out * b.out, b.work + b.out * a.work };
	case N_AS:
		a = jd_cost(n->k[0]);
		b = jd_cost(n->k[1]);
		return (struct jd_cost){ a.out * b.out, a.work + a.out * b.work };
	case N_ARRAY:
		c = jd_cost(n->nk ? n->k[0] : NULL);
		return (struct jd_cost){ 1, c.work };
	case N_REDUCE: case N_FOREACH: {
		struct jd_cost src = jd_cost(n->k[0]), init = jd_cost(n->k[1]), up = jd_cost(n->k[2]);
		double ex = n->nk > 3 ? jd_cost(n->k[3]).out : 1;
		c.work = src.work + init.work + src.out * init.out * up.work;
		c.out = n->kind == N_REDUCE ? init.out : src.out * init.out * up.out * ex;
		return c;
	}
	case N_IF:
		a = jd_cost(n->k[0]);
		for (int i = 1; i < n->nk; i++) {
			b = jd_cost(n->k[i]);
			c.out = c.out > b.out ? c.out : b.out;
			c.work = c.work > b.work ? c.work : b.work;
		}
		return (struct jd_cost){ a.out * c.out, a.work + a.out * c.work };
	case N_CALL:
		/* arguments run for each element (map, sort_by, ...) */
		for (int i = 0; i < n->nk; i++) {
			a = jd_cost(n->k[i]);
			c.out *= a.out;
			c.work += 16 * a.work;
		}
		if (strcmp(n->s, "range") == 0)
			c.out *= 10;
		if (strstr(n->s, "paths") || strcmp(n->s, "tostream") == 0)
			c.out *= 40;
		if (strncmp(n->s, "map", 3) == 0 || strstr(n->s, "_by") || strcmp(n->s, "with_entries") == 0 ||
		    strncmp(n->s, "any", 3) == 0 || strncmp(n->s, "all", 3) == 0)
			c.out = 1;
		return c;
	case N_STEP:
		if (n->form == ST_ITER)
			c.out = 16;
		/* fall through */
	default:
		for (int i = 0; i < n->nk; i++) {
			a = jd_cost(n->k[i]);
			c.out *= a.out;
			c.work += a.work * c.out;
		}
		return c;
	}
}

/* How many times a reduce's state can be repeated per iteration. */
static double
jd_selfuse(const struct jd_node *n)
{
	double f = 0;
	if (n == NULL)
		return 0;
	if (n->kind == N_DOT || n->kind == N_REC)
		f = 1;
	if (n->cons == JC_MUL_STR || n->cons == JC_MUL_OBJ)
		f += 10;
	/* a text of the state repeats it, escaped: tojson, tostring, @json,
	 * @text and interpolation */
	if ((n->kind == N_CALL && (strcmp(n->s, "tojson") == 0 || strcmp(n->s, "tostring") == 0)) ||
	    n->kind == N_FMT || (n->kind == N_STR && n->nk))
		f += 2;
	for (int i = 0; i < n->nk; i++)
		f += jd_selfuse(n->k[i]);
	return f;
}

/* How much a value can grow: reduce/foreach repeat their update. */
static double
jd_growth(const struct jd_node *n)
{
	double g = 1;
	if (n == NULL)
		return 1;
	if (n->kind == N_REDUCE || n->kind == N_FOREACH) {
		double k = jd_selfuse(n->k[2]);
		if (k > 1)
			g = pow(k, jd_cost(n->k[0]).out);
	}
	for (int i = 0; i < n->nk; i++)
		g *= jd_growth(n->k[i]);
	return g;
}

/* A fresh expression, nested depth levels at most. */
static struct jd_node *
jd_expr(struct jd_gen *g, int depth)
{
	static const enum jd_ty wants[] = { TY_ANY, TY_ANY, TY_ANY, TY_NUM, TY_STR, TY_BOOL, TY_ARR, TY_OBJ };
	for (int tries = 0;; tries++) {
		g->nvars = 0;
		g->loops = 0;
		g->inmul = 0;
		g->nowild = 0;
		struct jd_node *n = jd_gen(g, wants[jd_pick(g->r, LEN(wants))], TY_OBJ, depth);
		struct jd_cost c = jd_cost(n);
		if ((c.out <= 5000 && c.work <= 50000 && jd_growth(n) <= 1e4) || tries > 50)
			return n;
		jd_free(n);
	}
}

/* ----- records ----- */

/*
 * A record is a tree, so that a reproduction can be shrunk; it prints as
 * one line, with whitespace where its nodes say.
 */
struct jd_rec {
	char kind;		/* 'v' a scalar, 'a' an array, 'o' an object */
	char ws;		/* spaces around its punctuation */
	char *text;		/* 'v': the JSON text */
	int n;
	char **keys;		/* 'o': each member's key as written */
	struct jd_rec **kids;
};

static struct jd_rec *
jd_rec_new(char kind, const char *text)
{
	struct jd_rec *v = xcalloc(1, sizeof *v);
	v->kind = kind;
	v->text = text ? xstrdup(text) : NULL;
	return v;
}

static void
jd_rec_free(struct jd_rec *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jd_rec_free(v->kids[i]);
	}
	free(v->keys);
	free(v->kids);
	free(v->text);
	free(v);
}

static struct jd_rec *
jd_rec_clone(const struct jd_rec *v)
{
	struct jd_rec *c = jd_rec_new(v->kind, v->text);
	c->ws = v->ws;
	c->n = v->n;
	if (v->n) {
		c->kids = xcalloc((size_t)v->n, sizeof *c->kids);
		if (v->keys)
			c->keys = xcalloc((size_t)v->n, sizeof *c->keys);
		for (int i = 0; i < v->n; i++) {
			c->kids[i] = jd_rec_clone(v->kids[i]);
			if (v->keys)
				c->keys[i] = xstrdup(v->keys[i]);
		}
	}
	return c;
}

static void
jd_rec_add(struct jd_rec *v, const char *key, struct jd_rec *kid)
{
	v->kids = xreallocarray(v->kids, (size_t)v->n + 1, sizeof *v->kids);
	if (v->kind == 'o') {
		v->keys = xreallocarray(v->keys, (size_t)v->n + 1, sizeof *v->keys);
		v->keys[v->n] = xstrdup(key);
	}
	v->kids[v->n++] = kid;
}

static void
jd_rec_print(struct buf *b, const struct jd_rec *v)
{
	const char *sp = v->ws == 1 ? " " : v->ws == 2 ? "\t" : v->ws == 3 ? "\r " : "";
	if (v->kind == 'v') {
		buf_adds(b, v->text);
		return;
	}
	buf_addc(b, v->kind == 'o' ? '{' : '[');
	buf_adds(b, sp);
	for (int i = 0; i < v->n; i++) {
		if (i) {
			buf_addc(b, ',');
			buf_adds(b, sp);
		}
		if (v->kind == 'o') {
			buf_adds(b, v->keys[i]);
			buf_adds(b, sp);
			buf_addc(b, ':');
			buf_adds(b, sp);
		}
		jd_rec_print(b, v->kids[i]);
		buf_adds(b, sp);
	}
	buf_addc(b, v->kind == 'o' ? '}' : ']');
}

static struct jd_rec *jd_rec_value(struct jd_rng *r, enum jd_ty t, int depth);

/* Keys of members outside the schema, some of them spellings of its keys. */
static const char *const jd_oddkeys[] = {
	"\"zz\"", "\"A\"", "\"a b\"", "\"0\"", "\"\"", "\"\\u0061\"", "\"\\u00e9\"",
	"\"key\"", "\"value\"", "\"name\"", "\"x\"", "\"\xff\"", "\"\\ud83d\\ude00\"",
};

/* An object of the schema's keys, in random order, some missing, some
 * twice (jq keeps the first position and the last value). */
static struct jd_rec *
jd_rec_object(struct jd_rng *r, int depth)
{
	struct jd_rec *o = jd_rec_new('o', NULL);
	o->ws = jd_chance(r, 15) ? (char)(1 + jd_pick(r, 3)) : 0;
	size_t order[LEN(jd_keys)];
	for (size_t i = 0; i < LEN(jd_keys); i++)
		order[i] = i;
	for (size_t i = LEN(jd_keys) - 1; i > 0; i--) {
		size_t j = jd_pick(r, (unsigned)i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	/* nested objects smaller, so that a record stays a few hundred bytes */
	unsigned keep = depth == 0 ? 80 : depth == 1 ? 35 : 20;
	for (size_t i = 0; i < LEN(jd_keys); i++) {
		const struct jd_key *k = &jd_keys[order[i]];
		if (!jd_chance(r, keep))
			continue;
		enum jd_ty t = k->nowild || jd_chance(r, 85) ? k->ty : TY_ANY;
		char key[32];
		if (strcmp(k->name, "a") == 0 && jd_chance(r, 10))
			snprintf(key, sizeof key, "\"\\u0061\"");
		else if (strcmp(k->name, "\xc3\xa9") == 0 && jd_chance(r, 50))
			snprintf(key, sizeof key, "\"\\u00e9\"");
		else
			snprintf(key, sizeof key, "\"%s\"", k->name);
		jd_rec_add(o, key, jd_rec_value(r, t, depth + 1));
	}
	int odd = jd_chance(r, 25) ? 1 + (int)jd_pick(r, 2) : 0;
	for (int i = 0; i < odd; i++)
		jd_rec_add(o, jd_oddkeys[jd_pick(r, LEN(jd_oddkeys))], jd_rec_value(r, TY_ANY, depth + 1));
	if (o->n && jd_chance(r, 8)) {
		int i = (int)jd_pick(r, (unsigned)o->n);
		int e = strcmp(o->keys[i], "\"e\"") == 0;
		jd_rec_add(o, o->keys[i], jd_rec_value(r, e ? TY_EPOCH : TY_ANY, depth + 1));
	}
	return o;
}

static struct jd_rec *
jd_rec_value(struct jd_rng *r, enum jd_ty t, int depth)
{
	if (t == TY_ANY) {
		unsigned c = jd_pick(r, depth > 3 ? 6 : 10);
		static const enum jd_ty any[] = {
			TY_NULL, TY_BOOL, TY_NUM, TY_STR, TY_NUM, TY_STR, TY_ARR, TY_OBJ, TY_ARRNUM, TY_OBJ,
		};
		t = any[c];
	}
	if (depth > 4 && (jd_base(t) == TY_ARR || jd_base(t) == TY_OBJ))
		return jd_rec_new('v', jd_chance(r, 50) ? "[]" : "{}");
	struct jd_rec *v;
	switch (t) {
	case TY_NULL: return jd_rec_new('v', "null");
	case TY_BOOL: return jd_rec_new('v', jd_chance(r, 50) ? "true" : "false");
	case TY_NUM: return jd_rec_new('v', jd_numbers[jd_pick(r, LEN(jd_numbers))]);
	case TY_STR: return jd_rec_new('v', jd_strings[jd_pick(r, LEN(jd_strings))]);
	case TY_DATE: return jd_rec_new('v', jd_dates[jd_pick(r, LEN(jd_dates))]);
	case TY_EPOCH: return jd_rec_new('v', jd_epochs[jd_pick(r, LEN(jd_epochs))]);
	case TY_OBJ: case TY_ENTRY:
		if (jd_chance(r, 10))
			return jd_rec_new('v', "{}");
		return jd_rec_object(r, depth);
	default: {
		v = jd_rec_new('a', NULL);
		v->ws = jd_chance(r, 15) ? (char)(1 + jd_pick(r, 3)) : 0;
		int n = jd_chance(r, 12) ? 0 : 1 + (int)jd_pick(r, t == TY_ARROBJ ? 3 : 5);
		enum jd_ty el = t == TY_ARR ? TY_ANY : jd_elem(t);
		for (int i = 0; i < n; i++)
			jd_rec_add(v, NULL, jd_rec_value(r, jd_chance(r, 85) ? el : TY_ANY, depth + 1));
		return v;
	}
	}
}

/* A record: mostly an object of the schema; now and then another value,
 * or a line that is not JSON (raw, no tree). */
static struct jd_rec *
jd_record(struct jd_rng *r, char **bad)
{
	*bad = NULL;
	unsigned c = jd_pick(r, 100);
	if (c >= 98) {
		static const char *const bads[] = {
			"{\"a\":1", "{\"a\":1} x", "{\"a\":tru}", "[1,]", "", "{\"a\":1}{}",
			"\"\\ud800\"", "{\"a\" 1}", "nul", "{\"a\":\"\t\"}",
		};
		*bad = xstrdup(bads[jd_pick(r, LEN(bads))]);
		return NULL;
	}
	if (c >= 90)
		return jd_rec_value(r, TY_ANY, 1);
	return jd_rec_object(r, 0);
}

/* ----- running a case ----- */

struct jd_field {
	struct jd_node *expr;
	int flags;		/* FS_FIRST */
};

/* Fields as a tool would hold them; the first is the expression under
 * test, others (plain paths, a second expression) share its scan. */
struct jd_case {
	struct jd_field f[4];
	int n;
};

static void
jd_case_free(struct jd_case *c)
{
	for (int i = 0; i < c->n; i++)
		jd_free(c->f[i].expr);
	c->n = 0;
}

static void
jd_case_clone(struct jd_case *dst, const struct jd_case *src)
{
	dst->n = src->n;
	for (int i = 0; i < src->n; i++) {
		dst->f[i].expr = jd_clone(src->f[i].expr);
		dst->f[i].flags = src->f[i].flags;
	}
}

/* The path a field takes, in TRAWL_EXPLAIN's words. */
static const char *
jd_path(struct fieldset *fs, int i)
{
	return fs_explain(fs, i);
}

enum { JD_LIBJQ, JD_PLAIN, JD_COMPILED };

static int
jd_pathkind(const char *path)
{
	return strcmp(path, "compiled") == 0 ? JD_COMPILED :
	    strcmp(path, "plain path") == 0 ? JD_PLAIN : JD_LIBJQ;
}

/* Both sets of a case, built from its expressions' texts. */
struct jd_sets {
	struct fieldset *fs[2];	/* [0] as a tool builds it, [1] libjq */
	int rc[2];		/* fs_add: 0, or -1 (err says why) */
	char err[2][512];
	char *text[4];
};

static void
jd_sets_free(struct jd_sets *s)
{
	fs_free(s->fs[0]);
	fs_free(s->fs[1]);
	for (int i = 0; i < 4; i++)
		free(s->text[i]);
	memset(s, 0, sizeof *s);
}

/* 1: both sides libjq (a sanity run of the harness itself) */
static int jd_sanity;

/*
 * A compiled expression hands a record it cannot answer exactly to
 * libjq; under TRAWL_NO_BAIL=1 that record is an error with this text
 * instead, so that the comparison sees the compiled answers only: such
 * records are counted (jd_bails), not compared.  jd_allowbail lets the
 * evaluator bail as tools let it.
 */
#define JD_BAIL "libjq needed (TRAWL_NO_BAIL)"
static int jd_allowbail;
static unsigned long jd_bails;

static void
jd_build(struct jd_sets *s, const struct jd_case *c)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < c->n; i++)
		s->text[i] = jd_text(c->f[i].expr);
	for (int side = 0; side < 2; side++) {
		if (side == 1 || jd_sanity)
			setenv("TRAWL_NO_FASTPATH", "1", 1);
		else
			unsetenv("TRAWL_NO_FASTPATH");
		if (side == 0 && !jd_allowbail)
			setenv("TRAWL_NO_BAIL", "1", 1);
		else
			unsetenv("TRAWL_NO_BAIL");
		s->fs[side] = fs_new();
		for (int i = 0; i < c->n && s->rc[side] == 0; i++)
			if (fs_add(s->fs[side], s->text[i], c->f[i].flags, s->err[side], sizeof s->err[side]) < 0)
				s->rc[side] = -1;
	}
	unsetenv("TRAWL_NO_FASTPATH");
	unsetenv("TRAWL_NO_BAIL");
}

/* One side's answer to one record, copied out of the fieldset. */
struct jd_val {
	int type;
	size_t off, len;	/* in jd_answer.text */
	double num;
	int inrecord;		/* the text lies inside the record */
};

struct jd_answer {
	int rc;
	struct buf text;	/* the error, then the values' texts */
	size_t errlen;
	int nfields;
	size_t count[4];
	int first[4];		/* FS_FIRST: fs_first was not NULL */
	struct jd_val *v;
	size_t nv, capv;
};

static void
jd_answer_free(struct jd_answer *a)
{
	buf_free(&a->text);
	free(a->v);
	memset(a, 0, sizeof *a);
}

static void
jd_answer_take(struct jd_answer *a, struct fieldset *fs, const struct jd_case *c,
    const char *line, size_t len)
{
	buf_reset(&a->text);
	a->nv = 0;
	a->nfields = c->n;
	a->rc = fs_eval(fs, line, len);
	if (a->rc != 0) {
		buf_adds(&a->text, fs_error(fs));
		a->errlen = a->text.len;
		return;
	}
	a->errlen = 0;
	for (int i = 0; i < c->n; i++) {
		a->count[i] = fs_count(fs, i);
		a->first[i] = fs_first(fs, i) != NULL;
		for (size_t k = 0; k < a->count[i]; k++) {
			const struct jval *jv = fs_value(fs, i, k);
			if (a->nv == a->capv) {
				a->capv = a->capv ? 2 * a->capv : 16;
				a->v = xreallocarray(a->v, a->capv, sizeof *a->v);
			}
			struct jd_val *v = &a->v[a->nv++];
			v->type = jv->type;
			v->num = jv->num;
			v->inrecord = jv->text >= line && jv->text + jv->len <= line + len;
			v->off = a->text.len;
			v->len = jv->len;
			buf_add(&a->text, jv->text, jv->len);
		}
	}
}

static const char *const jd_tnames[] = { "null", "false", "true", "number", "string", "array", "object" };

/* Write an answer for a reproduction, one line. */
static void
jd_answer_print(FILE *fp, const struct jd_answer *a, const struct jd_case *c)
{
	if (a->rc != 0) {
		fprintf(fp, "error: %.*s\n", (int)a->errlen, a->text.p);
		return;
	}
	size_t k = 0;
	for (int i = 0; i < c->n; i++) {
		if (c->n > 1)
			fprintf(fp, "%sfield %d: ", i ? "; " : "", i);
		if (a->count[i] == 0)
			fputs("(nothing)", fp);
		for (size_t j = 0; j < a->count[i]; j++, k++) {
			const struct jd_val *v = &a->v[k];
			fprintf(fp, "%s%.*s", j ? ", " : "", (int)v->len, a->text.p + v->off);
			fprintf(fp, " (%s%s)", jd_tnames[v->type], v->inrecord ? ", the record's text" : "");
		}
	}
	fputc('\n', fp);
}

static int
jd_same_num(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/*
 * Compare trawl's answer (a) with libjq's (b); NULL when they agree, else
 * what differs.
 */
static const char *
jd_compare(const struct jd_answer *a, const struct jd_answer *b, const struct jd_case *c)
{
	if (a->rc != b->rc)
		return a->rc ? "trawl errs, libjq does not" : "libjq errs, trawl does not";
	if (a->rc != 0)
		return a->errlen == b->errlen && memcmp(a->text.p, b->text.p, a->errlen) == 0 ?
		    NULL : "error messages differ";
	size_t k = 0;
	for (int i = 0; i < c->n; i++) {
		if (a->count[i] != b->count[i])
			return "numbers of values differ";
		if (a->first[i] != b->first[i])
			return "fs_first differs";
		for (size_t j = 0; j < a->count[i]; j++, k++) {
			const struct jd_val *x = &a->v[k], *y = &b->v[k];
			if (x->type != y->type)
				return "types differ";
			if (!jd_same_num(x->num, y->num))
				return "numbers differ";
			const char *xt = a->text.p + x->off, *yt = b->text.p + y->off;
			if (x->inrecord) {
				/* jq-equal and printed alike: the canonical
				 * texts (json_cmp alone would tell the record's
				 * 1e1000, an infinity, from libjq's printed
				 * 1.7976931348623157e+308) */
				static struct buf cx, cy;
				buf_reset(&cx);
				buf_reset(&cy);
				json_canon(&cx, xt, x->len);
				json_canon(&cy, yt, y->len);
				if (cx.len != cy.len || memcmp(cx.p, cy.p, cx.len) != 0)
					return "values differ (a subtree of the record)";
			} else if (x->len != y->len || memcmp(xt, yt, x->len) != 0) {
				return "texts differ";
			}
		}
	}
	return NULL;
}

/*
 * 1: pretend trawl is wrong (its strings' first character becomes '#'),
 * to show that the harness finds, shrinks and reports a disagreement.
 */
static int jd_mutate;

static void
jd_mutant(struct jd_answer *a)
{
	for (size_t i = 0; i < a->nv; i++) {
		struct jd_val *v = &a->v[i];
		if (v->type == J_STRING && v->len >= 3 && a->text.p[v->off + 1] != '#') {
			a->text.p[v->off + 1] = '#';
			v->inrecord = 0;
		}
	}
}

/* What a case gives on one line, both sides; NULL when they agree. */
static const char *
jd_run_line(struct jd_sets *s, const struct jd_case *c, const char *line, size_t len,
    struct jd_answer *a, struct jd_answer *b)
{
	if (s->rc[0] || s->rc[1]) {
		if (s->rc[0] != s->rc[1])
			return s->rc[0] ? "trawl does not compile it, libjq does" :
			    "libjq does not compile it, trawl does";
		return strcmp(s->err[0], s->err[1]) ? "compile errors differ" : NULL;
	}
	jd_answer_take(a, s->fs[0], c, line, len);
	jd_answer_take(b, s->fs[1], c, line, len);
	if (jd_mutate)
		jd_mutant(a);
	if (a->rc && a->errlen == strlen(JD_BAIL) && memcmp(a->text.p, JD_BAIL, a->errlen) == 0) {
		jd_bails++;
		return NULL;
	}
	return jd_compare(a, b, c);
}

/* ----- shrinking ----- */

/* How the case, built afresh, disagrees on the line; NULL if it agrees. */
static const char *
jd_still(const struct jd_case *c, const char *line, size_t len)
{
	struct jd_sets s;
	struct jd_answer a = { 0 }, b = { 0 };
	jd_build(&s, c);
	const char *why = jd_run_line(&s, c, line, len, &a, &b);
	jd_answer_free(&a);
	jd_answer_free(&b);
	jd_sets_free(&s);
	return why;
}

/* The slot of the idx-th node in pre-order, or NULL. */
static struct jd_node **
jd_slot(struct jd_node **root, int *idx)
{
	if ((*idx)-- == 0)
		return root;
	for (int i = 0; i < (*root)->nk; i++)
		if ((*root)->k[i]) {
			struct jd_node **s = jd_slot(&(*root)->k[i], idx);
			if (s)
				return s;
		}
	return NULL;
}

/* The c-th simpler stand-in for x, or NULL when there are no more. */
static struct jd_node *
jd_simpler(const struct jd_node *x, int c)
{
	if (x->kind == N_PAIR)
		return NULL;
	/* a child in its place */
	for (int i = 0; i < x->nk; i++)
		if (x->k[i] && x->k[i]->kind != N_PAIR && c-- == 0)
			return jd_clone(x->k[i]);
	/* a leaf */
	static const char *const leaves[] = { ".", "null", "1", "\"a\"" };
	for (size_t i = 0; i < LEN(leaves); i++)
		if (c-- == 0) {
			/* (the caller skips one that prints as x does) */
			if (i == 0)
				return jd_dot();
			if (i == 3)
				return jd_strlit("a");
			return jd_lit(i == 1 ? JC_CONST : JC_NUMBER, leaves[i]);
		}
	/* the same without a part */
	struct jd_node *y = jd_clone(x);
	if (c-- == 0 && (y->paren || y->opt)) {
		y->paren = y->opt = 0;
		return y;
	}
	if (y->kind == N_OBJECT || (y->kind == N_IF && y->nk > 3) || (y->kind == N_STR && y->nk) ||
	    (y->kind == N_FOREACH && y->nk == 4) || (y->kind == N_TRY && y->nk == 2)) {
		int step = y->kind == N_IF ? 2 : 1;
		int from = y->kind == N_FOREACH ? 3 : y->kind == N_TRY ? 1 : 0;
		for (int i = from; i + step <= y->nk - (y->kind == N_IF); i += step)
			if (c-- == 0) {
				for (int j = 0; j < step; j++)
					jd_free(y->k[i + j]);
				if (y->kind == N_STR) {
					/* "a\(x)b" without \(x): "ab" */
					struct buf m = { 0 };
					buf_adds(&m, y->parts[i]);
					buf_adds(&m, y->parts[i + 1]);
					free(y->parts[i]);
					free(y->parts[i + 1]);
					y->parts[i] = m.p;
					memmove(y->parts + i + 1, y->parts + i + 2, (size_t)(y->nk - i - 1) * sizeof *y->parts);
				}
				memmove(y->k + i, y->k + i + step, (size_t)(y->nk - i - step) * sizeof *y->k);
				y->nk -= step;
				return y;
			}
	}
	jd_free(y);
	return NULL;
}

static int
jd_count(const struct jd_node *n)
{
	int c = 1;
	for (int i = 0; i < n->nk; i++)
		if (n->k[i])
			c += jd_count(n->k[i]);
	return c;
}

/*
 * Shrink a disagreeing case on one line: drop fields and FS_FIRST, then
 * replace nodes by their children or by leaves, while it still disagrees.
 * At most budget rebuilds (each compiles libjq programs).
 */
static void
jd_shrink_case(struct jd_case *c, const char *line, size_t len, int budget)
{
	for (int i = 0; c->n > 1 && i < c->n && budget > 0; budget--) {
		struct jd_case t;
		jd_case_clone(&t, c);
		jd_free(t.f[i].expr);
		memmove(t.f + i, t.f + i + 1, (size_t)(t.n - i - 1) * sizeof *t.f);
		t.n--;
		if (jd_still(&t, line, len)) {
			jd_case_free(c);
			*c = t;
		} else {
			jd_case_free(&t);
			i++;
		}
	}
	for (int i = 0; i < c->n && budget > 0; i++)
		if (c->f[i].flags) {
			budget--;
			c->f[i].flags = 0;
			if (!jd_still(c, line, len))
				c->f[i].flags = FS_FIRST;
		}
	for (int changed = 1; changed && budget > 0;) {
		changed = 0;
		for (int fi = 0; fi < c->n && !changed; fi++) {
			int nodes = jd_count(c->f[fi].expr);
			for (int idx = 0; idx < nodes && !changed && budget > 0; idx++) {
				for (int k = 0; !changed && budget > 0; k++) {
					int at = idx;
					struct jd_node **slot = jd_slot(&c->f[fi].expr, &at);
					struct jd_node *alt = jd_simpler(*slot, k);
					if (alt == NULL)
						break;
					char *before = jd_text(*slot), *after = jd_text(alt);
					int same = strcmp(before, after) == 0;
					free(before);
					free(after);
					if (same) {
						jd_free(alt);
						continue;
					}
					struct jd_node *old = *slot;
					*slot = alt;
					budget--;
					if (jd_still(c, line, len)) {
						jd_free(old);
						changed = 1;
					} else {
						*slot = old;
						jd_free(alt);
					}
				}
			}
		}
	}
}

/* Shrink the record while the (already built) sets still disagree. */
static void
jd_shrink_record(struct jd_rec **rec, struct jd_sets *s, const struct jd_case *c)
{
	struct buf line = { 0 };
	struct jd_answer a = { 0 }, b = { 0 };
	for (int changed = 1; changed;) {
		changed = 0;
		/* every container node, in pre-order, by a walk with a stack */
		struct jd_rec *stack[256], **slots[256];
		int sp = 0;
		slots[sp] = rec;
		stack[sp++] = *rec;
		while (sp && !changed) {
			struct jd_rec **slot = slots[--sp], *v = stack[sp];
			/* try: v replaced by each child, each member removed, a
			 * scalar made null */
			int n = v->n;	/* v is freed when a candidate is taken */
			for (int k = 0; !changed && k < 2 * n + 1; k++) {
				struct jd_rec *alt;
				if (k < v->n) {
					alt = jd_rec_clone(v->kids[k]);
				} else if (k < 2 * v->n) {
					alt = jd_rec_clone(v);
					int m = k - v->n;
					jd_rec_free(alt->kids[m]);
					if (alt->keys)
						free(alt->keys[m]);
					memmove(alt->kids + m, alt->kids + m + 1, (size_t)(alt->n - m - 1) * sizeof *alt->kids);
					if (alt->keys)
						memmove(alt->keys + m, alt->keys + m + 1, (size_t)(alt->n - m - 1) * sizeof *alt->keys);
					alt->n--;
				} else {
					if (v->kind != 'v' || strcmp(v->text, "null") == 0)
						break;
					alt = jd_rec_new('v', "null");
				}
				*slot = alt;
				buf_reset(&line);
				jd_rec_print(&line, *rec);
				if (jd_run_line(s, c, line.p, line.len, &a, &b)) {
					jd_rec_free(v);
					changed = 1;
				} else {
					*slot = v;
					jd_rec_free(alt);
				}
			}
			for (int i = n - 1; !changed && i >= 0 && sp < 256; i--) {
				slots[sp] = &v->kids[i];
				stack[sp++] = v->kids[i];
			}
		}
	}
	buf_free(&line);
	jd_answer_free(&a);
	jd_answer_free(&b);
}

/* Print a reproduction: the expression(s), the record, both answers. */
static void
jd_report(FILE *fp, const char *why, const struct jd_case *c, const char *line, size_t len)
{
	struct jd_sets s;
	struct jd_answer a = { 0 }, b = { 0 };
	jd_build(&s, c);
	const char *now = jd_run_line(&s, c, line, len, &a, &b);
	fprintf(fp, "DISAGREEMENT: %s\n", now ? now : why);
	for (int i = 0; i < c->n; i++) {
		fputs("  expr", fp);
		if (c->n > 1)
			fprintf(fp, "%d", i);
		fprintf(fp, ":%s %s   [%s]\n", c->f[i].flags & FS_FIRST ? " (FS_FIRST)" : "", s.text[i],
		    s.rc[0] ? "does not compile" : jd_path(s.fs[0], i));
	}
	fprintf(fp, "  record: %.*s\n", (int)len, line);
	if (s.rc[0] || s.rc[1]) {
		fprintf(fp, "  libjq:  %s\n  trawl:  %s\n", s.rc[1] ? s.err[1] : "compiles",
		    s.rc[0] ? s.err[0] : "compiles");
	} else {
		fputs("  libjq:  ", fp);
		jd_answer_print(fp, &b, c);
		fputs("  trawl:  ", fp);
		jd_answer_print(fp, &a, c);
	}
	fflush(fp);
	jd_answer_free(&a);
	jd_answer_free(&b);
	jd_sets_free(&s);
}

#endif
