/*
 * jqc_parse.c: from jq 1.6 source text to a program (see jqc_int.h).
 *
 * The lexer and the recursive-descent parser follow jq 1.6's lexer.l and
 * parser.y where it matters for meaning: flex's longest-match rule (".e5"
 * is a number, not a field), the precedence table ('|' < ',' < '//' <
 * 'or' < 'and' < comparisons (non-associative) < '+' '-' < '*' '/' '%'
 * < '?' < try/catch), the narrow object-value grammar ({a: 1 + 2} is a
 * syntax error), "try" taking a postfix term as its body, unary minus
 * binding like binary minus, and the constant folding that turns 1/0 into
 * a compile error and 0/0 into null.  Whatever the parser does not know,
 * or knows jq would reject, it refuses: libjq then compiles the
 * expression and gives jq's answer or jq's error.
 *
 * Builtins that jq 1.6 defines in jq (builtin.jq) are compiled from the
 * definitions below, restated in jq with their parameters substituted, so
 * that their outputs, order and errors are jq's by construction; those
 * that recurse (recurse, range/3, while, until, repeat, _flatten, _nwise)
 * are native loops in jqc_eval.c and jqc_builtin.c.
 *
 * Last comes a pass that finds the static paths from the record's root
 * (".meta.geoCountry" wherever the program's input is the record) and
 * turns them into reads of what field.c's walk captured.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jqc_int.h"
#include "jscan.h"
#include "utf8.h"

/* ----- program memory ----- */

void *
prog_alloc(struct jqc_prog *p, size_t n)
{
	if (p->nmem == p->capmem) {
		p->capmem = p->capmem ? 2 * p->capmem : 64;
		p->mem = xreallocarray(p->mem, p->capmem, sizeof *p->mem);
	}
	void *m = xcalloc(1, n ? n : 1);
	p->mem[p->nmem++] = m;
	return m;
}

void
jqc_free(struct jqc_prog *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nmem; i++)
		free(p->mem[i]);
	free(p->mem);
	free(p);
}

int
jqc_npaths(const struct jqc_prog *p)
{
	return p->npaths;
}

const struct jqc_step *
jqc_path(const struct jqc_prog *p, int i, int *nsteps)
{
	*nsteps = p->npathsteps[i];
	return p->paths[i];
}

/* ----- tokens ----- */

enum {
	T_EOF = 256, T_NUM, T_IDENT, T_FIELD, T_FORMAT, T_QQ, T_BAD,
	T_NEQ, T_EQ, T_DEFINEDOR, T_SETPIPE, T_SETPLUS, T_SETMINUS, T_SETMULT,
	T_SETDIV, T_SETMOD, T_SETDEFINEDOR, T_LESSEQ, T_GREATEREQ, T_REC,
	T_ALTERNATION,
	/* keywords */
	T_AS, T_IMPORT, T_INCLUDE, T_MODULE, T_DEF, T_IF, T_THEN, T_ELSE,
	T_ELIF, T_AND, T_OR, T_END, T_REDUCE, T_FOREACH, T_TRY, T_CATCH,
	T_LABEL, T_BREAK, T_LOC,
};

static const struct {
	const char *word;
	int tok;
} keywords[] = {
	{ "as", T_AS }, { "import", T_IMPORT }, { "include", T_INCLUDE },
	{ "module", T_MODULE }, { "def", T_DEF }, { "if", T_IF },
	{ "then", T_THEN }, { "else", T_ELSE }, { "elif", T_ELIF },
	{ "and", T_AND }, { "or", T_OR }, { "end", T_END },
	{ "reduce", T_REDUCE }, { "foreach", T_FOREACH }, { "try", T_TRY },
	{ "catch", T_CATCH }, { "label", T_LABEL }, { "break", T_BREAK },
	{ "__loc__", T_LOC },
};

struct tok {
	int kind;
	const char *s;		/* the token's text */
	size_t n;
	double num;
};

struct var {
	const char *name;
	size_t len;
	int slot;
};

/* A builtin's closure parameters while its definition is parsed. */
struct subst {
	const char *names[4];
	size_t lens[4];
	struct node *args[4];
	int n;
	struct subst *up;
	int nvars;		/* the scope below the definition's own */
};

struct parser {
	const char *src;
	struct tok tok;
	struct jqc_prog *prog;
	jmp_buf fail;
	char *why;
	size_t whylen;
	struct var *vars;
	int nvars, capvars;
	int scope_floor;	/* variables below are not visible */
	struct subst *subst;
	int depth;
	int in_patkey;
	struct live_text *texts;	/* string literals being read, innermost first */
};

/* A string literal's text buffer, freed by fail() while its frame lives:
 * an error inside an interpolation unwinds past it. */
struct live_text {
	struct buf *b;
	struct live_text *outer;
};

static _Noreturn void
fail(struct parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static _Noreturn void
fail(struct parser *P, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(P->why, P->whylen, fmt, ap);
	va_end(ap);
	for (struct live_text *t = P->texts; t != NULL; t = t->outer)
		buf_free(t->b);
	longjmp(P->fail, 1);
}

#define SYNTAX(P) fail(P, "the compiler does not read this syntax")

static int
is_id0(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_id(int c)
{
	return is_id0(c) || (c >= '0' && c <= '9');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Length of [0-9.]+([eE][+-]?[0-9]+)? at s (0 when none). */
static size_t
num_len(const char *s)
{
	size_t i = 0;
	while (is_digit((unsigned char)s[i]) || s[i] == '.')
		i++;
	if (i && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (is_digit((unsigned char)s[j])) {
			while (is_digit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	return i;
}

static void
lex_at(struct parser *P, const char *s)
{
	struct tok *t = &P->tok;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s != '#')
			break;
		while (*s && *s != '\r' && *s != '\n')
			s++;
	}
	t->s = s;
	t->n = 1;
	if (*s == '\0') {
		t->kind = T_EOF;
		t->n = 0;
		return;
	}
	static const struct {
		const char *op;
		int tok;
	} ops[] = {
		{ "?//", T_ALTERNATION }, { "//=", T_SETDEFINEDOR },
		{ "//", T_DEFINEDOR }, { "!=", T_NEQ }, { "==", T_EQ },
		{ "|=", T_SETPIPE }, { "+=", T_SETPLUS }, { "-=", T_SETMINUS },
		{ "*=", T_SETMULT }, { "/=", T_SETDIV }, { "%=", T_SETMOD },
		{ "<=", T_LESSEQ }, { ">=", T_GREATEREQ },
	};
	for (size_t i = 0; i < LEN(ops); i++) {
		size_t l = strlen(ops[i].op);
		if (strncmp(s, ops[i].op, l) == 0) {
			t->kind = ops[i].tok;
			t->n = l;
			return;
		}
	}
	unsigned char c = (unsigned char)*s;
	if (c == '.') {
		/* Longest match; ties go to the rule flex lists first:
		 * "..", ".", numbers, then fields. */
		size_t best = 1, nl = num_len(s), fl = 0;
		int kind = '.';
		if (is_id0((unsigned char)s[1])) {
			fl = 2;
			while (is_id((unsigned char)s[fl]))
				fl++;
		}
		if (s[1] == '.') {
			best = 2;
			kind = T_REC;
		}
		if (nl > best) {
			best = nl;
			kind = T_NUM;
		}
		if (fl > best) {
			best = fl;
			kind = T_FIELD;
		}
		t->kind = kind;
		t->n = best;
	} else if (is_digit(c)) {
		t->kind = T_NUM;
		t->n = num_len(s);
	} else if (c == '"') {
		t->kind = T_QQ;
	} else if (c == '@') {
		size_t l = 1;
		while (is_id((unsigned char)s[l]))
			l++;
		t->kind = l > 1 ? T_FORMAT : T_BAD;
		t->n = l;
	} else if (is_id0(c)) {
		size_t l = 0;
		for (;;) {
			while (is_id((unsigned char)s[l]))
				l++;
			if (s[l] == ':' && s[l + 1] == ':' && is_id0((unsigned char)s[l + 2]))
				l += 2;
			else
				break;
		}
		t->kind = T_IDENT;
		t->n = l;
		for (size_t i = 0; i < LEN(keywords); i++)
			if (strlen(keywords[i].word) == l &&
			    memcmp(keywords[i].word, s, l) == 0)
				t->kind = keywords[i].tok;
	} else if (strchr(".?=;,:|+-*/%$<>[{(]})", c)) {
		t->kind = c;
	} else {
		t->kind = T_BAD;
	}
	if (t->kind == T_NUM) {
		enum jtype jt;
		struct jscan_err e;
		if (jscan_token(s, s + t->n, &jt, &e) != s + t->n || jt != J_NUMBER)
			SYNTAX(P);
		t->num = json_number(s, t->n);
	}
}

static void
next(struct parser *P)
{
	lex_at(P, P->tok.s + P->tok.n);
}

static int
accept(struct parser *P, int kind)
{
	if (P->tok.kind != kind)
		return 0;
	next(P);
	return 1;
}

static void
expect(struct parser *P, int kind)
{
	if (!accept(P, kind))
		SYNTAX(P);
}

/* ----- nodes ----- */

static struct node *
mk(struct parser *P, enum nop op)
{
	struct node *n = prog_alloc(P->prog, sizeof *n);
	n->op = op;
	return n;
}

static struct node *
mk2(struct parser *P, enum nop op, struct node *a, struct node *b)
{
	struct node *n = mk(P, op);
	n->a = a;
	n->b = b;
	return n;
}

/* A constant that jq's folding treats as a single constant block. */
static struct node *
mk_const(struct parser *P, struct jqv v)
{
	struct node *n = mk(P, N_CONST);
	n->cv = v;
	n->sub = 1;
	return n;
}

static struct node *
mk_str(struct parser *P, const char *s, size_t len)
{
	char *d = prog_alloc(P->prog, len + 1);
	memcpy(d, s, len);
	return mk_const(P, jqv_str(d, len));
}

static int
new_slot(struct parser *P)
{
	return P->prog->nslots++;
}

static void
push_var(struct parser *P, const char *name, size_t len, int slot)
{
	if (P->nvars == P->capvars) {
		P->capvars = P->capvars ? 2 * P->capvars : 16;
		P->vars = xreallocarray(P->vars, (size_t)P->capvars, sizeof *P->vars);
	}
	P->vars[P->nvars].name = name;
	P->vars[P->nvars].len = len;
	P->vars[P->nvars].slot = slot;
	P->nvars++;
}

static int
find_var(struct parser *P, const char *name, size_t len)
{
	for (int i = P->nvars - 1; i >= P->scope_floor; i--)
		if (P->vars[i].len == len && memcmp(P->vars[i].name, name, len) == 0)
			return P->vars[i].slot;
	return -1;
}

/* A deep copy, so that a closure argument used in several places of a
 * definition can be marked differently by the root-path pass. */
static struct node *
copy_node(struct parser *P, const struct node *n)
{
	if (n == NULL)
		return NULL;
	struct node *c = mk(P, n->op);
	*c = *n;
	c->a = copy_node(P, n->a);
	c->b = copy_node(P, n->b);
	c->c = copy_node(P, n->c);
	c->d = copy_node(P, n->d);
	if (n->nargs) {
		c->args = prog_alloc(P->prog, (size_t)n->nargs * sizeof *c->args);
		for (int i = 0; i < n->nargs; i++)
			c->args[i] = copy_node(P, n->args[i]);
	}
	return c;
}

/* ----- constant folding, as parser.y's constant_fold ----- */

static int
single_const(const struct node *n)
{
	return n->op == N_CONST && n->sub == 1;
}

/* What jq's parser takes as a constant block (gen_const_object and
 * gen_const_array fold constant objects and arrays), and its kind. */
static int
const_kind(const struct node *n)
{
	switch (n->op) {
	case N_CONST:
		return n->cv.t;
	case N_ARRAY: {
		/* [c, c, ...]: a comma tree of constants */
		const struct node *x = n->a;
		while (x->op == N_COMMA) {
			if (const_kind(x->b) < 0)
				return -1;
			x = x->a;
		}
		return const_kind(x) < 0 ? -1 : J_ARRAY;
	}
	case N_OBJECT:
		for (int i = 0; i < n->nargs; i += 2)
			if (n->args[i + 1] == NULL || const_kind(n->args[i]) != J_STRING ||
			    const_kind(n->args[i + 1]) < 0)
				return -1;
		return J_OBJECT;
	default:
		return -1;
	}
}

static void
check_key(struct parser *P, const struct node *key)
{
	int k = const_kind(key);
	if (k >= 0 && k != J_STRING)
		fail(P, "a constant non-string key is a compile error in jq");
}

static struct node *
binop(struct parser *P, int op, struct node *a, struct node *b)
{
	if (single_const(a) && single_const(b)) {
		if (op == B_ADD && a->cv.t == J_NULL)
			return b;
		if (op == B_ADD && b->cv.t == J_NULL)
			return a;
		if (a->cv.t == J_NUMBER && b->cv.t == J_NUMBER) {
			double x = a->cv.num, y = b->cv.num;
			switch (op) {
			case B_ADD: return mk_const(P, jqv_num(x + y));
			case B_SUB: return mk_const(P, jqv_num(x - y));
			case B_MUL: return mk_const(P, jqv_num(x * y));
			case B_DIV:
				if (isinf(x / y))
					fail(P, "a division by zero is a compile error in jq");
				return mk_const(P, jqv_num(x / y));
			case B_EQ: return mk_const(P, jqv_bool(x == y));
			case B_NE: return mk_const(P, jqv_bool(x != y));
			case B_LT: return mk_const(P, jqv_bool(x < y));
			case B_GT: return mk_const(P, jqv_bool(x > y));
			case B_LE: return mk_const(P, jqv_bool(x <= y));
			case B_GE: return mk_const(P, jqv_bool(x >= y));
			}
		}
		if (op == B_ADD && a->cv.t == J_STRING && b->cv.t == J_STRING) {
			size_t n = a->cv.n + b->cv.n;
			char *d = prog_alloc(P->prog, n + 1);
			memcpy(d, a->cv.u.p, a->cv.n);
			memcpy(d + a->cv.n, b->cv.u.p, b->cv.n);
			return mk_const(P, jqv_str(d, n));
		}
	}
	struct node *n = mk2(P, N_BINOP, a, b);
	n->sub = op;
	return n;
}

/* ----- expressions ----- */

static struct node *parse_pipe(struct parser *P);
static struct node *parse_mul(struct parser *P);
static struct node *parse_term(struct parser *P, int allow_as);
static struct node *parse_string(struct parser *P, const char *fmt);
static struct node *call(struct parser *P, const char *name, size_t len,
    struct node **args, int nargs);

static void
enter(struct parser *P)
{
	if (++P->depth > 200)
		fail(P, "the expression nests too deeply for the compiler");
}

struct patvars {
	const char *name[32];
	size_t len[32];
	int slot[32];
	int n;
};

static void
patvar(struct parser *P, struct patvars *pv, const char *name, size_t len, int slot)
{
	for (int i = 0; i < pv->n; i++)
		if (pv->len[i] == len && memcmp(pv->name[i], name, len) == 0)
			fail(P, "a pattern binding one variable twice is not compiled");
	if (pv->n == 32)
		fail(P, "the pattern is too large for the compiler");
	pv->name[pv->n] = name;
	pv->len[pv->n] = len;
	pv->slot[pv->n] = slot;
	pv->n++;
}

static struct pattern *
parse_pattern(struct parser *P, struct patvars *pv)
{
	struct pattern *p = prog_alloc(P->prog, sizeof *p);
	enter(P);
	if (accept(P, '$')) {
		if (P->tok.kind != T_IDENT)
			SYNTAX(P);
		p->kind = P_VAR;
		p->slot = new_slot(P);
		patvar(P, pv, P->tok.s, P->tok.n, p->slot);
		next(P);
	} else if (accept(P, '[')) {
		struct pattern *el[64];
		p->kind = P_ARRAY;
		do {
			if (p->n == 64)
				fail(P, "the pattern is too large for the compiler");
			el[p->n++] = parse_pattern(P, pv);
		} while (accept(P, ','));
		expect(P, ']');
		p->elems = prog_alloc(P->prog, (size_t)p->n * sizeof *p->elems);
		memcpy(p->elems, el, (size_t)p->n * sizeof *el);
	} else if (accept(P, '{')) {
		struct pattern *el[64];
		struct node *keys[64];
		int ks[64];
		p->kind = P_OBJECT;
		do {
			if (p->n == 64)
				fail(P, "the pattern is too large for the compiler");
			int i = p->n++;
			el[i] = NULL;
			ks[i] = -1;
			if (accept(P, '$')) {
				if (P->tok.kind != T_IDENT)
					SYNTAX(P);
				keys[i] = mk_str(P, P->tok.s, P->tok.n);
				ks[i] = new_slot(P);
				patvar(P, pv, P->tok.s, P->tok.n, ks[i]);
				next(P);
				if (accept(P, ':'))
					el[i] = parse_pattern(P, pv);
				continue;
			}
			if (P->tok.kind == T_IDENT || (P->tok.kind >= T_AS && P->tok.kind <= T_LOC)) {
				keys[i] = mk_str(P, P->tok.s, P->tok.n);
				next(P);
			} else if (P->tok.kind == T_QQ || P->tok.kind == T_FORMAT) {
				P->in_patkey++;
				keys[i] = P->tok.kind == T_QQ ? parse_string(P, NULL) : parse_term(P, 0);
				P->in_patkey--;
			} else if (accept(P, '(')) {
				P->in_patkey++;
				keys[i] = parse_pipe(P);
				P->in_patkey--;
				expect(P, ')');
				check_key(P, keys[i]);
			} else {
				SYNTAX(P);
			}
			expect(P, ':');
			el[i] = parse_pattern(P, pv);
		} while (accept(P, ','));
		expect(P, '}');
		p->elems = prog_alloc(P->prog, (size_t)p->n * sizeof *p->elems);
		p->keys = prog_alloc(P->prog, (size_t)p->n * sizeof *p->keys);
		p->keyslot = prog_alloc(P->prog, (size_t)p->n * sizeof *p->keyslot);
		memcpy(p->elems, el, (size_t)p->n * sizeof *el);
		memcpy(p->keys, keys, (size_t)p->n * sizeof *keys);
		memcpy(p->keyslot, ks, (size_t)p->n * sizeof *ks);
	} else {
		SYNTAX(P);
	}
	P->depth--;
	return p;
}

static struct pattern *
parse_patterns(struct parser *P, struct patvars *pv)
{
	struct pattern *p = parse_pattern(P, pv);
	if (P->tok.kind == T_ALTERNATION)
		fail(P, "?// is not compiled");
	return p;
}

static void
bind_patvars(struct parser *P, const struct patvars *pv)
{
	for (int i = 0; i < pv->n; i++)
		push_var(P, pv->name[i], pv->len[i], pv->slot[i]);
}

/* Postfix '?' on an index, iteration or slice makes it optional. */
static int
opt(struct parser *P)
{
	return accept(P, '?');
}

static struct node *
index_node(struct parser *P, struct node *t, struct node *key)
{
	struct node *n = mk2(P, N_INDEX, t, key);
	n->opt = opt(P);
	return n;
}

/* The argument list of a call: Exp (';' Exp)* ')'. */
static int
parse_args(struct parser *P, struct node **args, int max)
{
	int n = 0;
	do {
		if (n == max)
			fail(P, "too many arguments for the compiler");
		args[n++] = parse_pipe(P);
	} while (accept(P, ';'));
	expect(P, ')');
	return n;
}

static struct node *
parse_expd(struct parser *P)
{
	struct node *left;
	enter(P);
	if (accept(P, '-')) {
		left = mk2(P, N_NEG, parse_expd(P), NULL);
		P->depth--;
		return left;
	}
	left = parse_term(P, 0);
	if (accept(P, '|'))
		left = mk2(P, N_PIPE, left, parse_expd(P));
	P->depth--;
	return left;
}

static struct node *
parse_object(struct parser *P)
{
	struct node *kv[256];
	int n = 0;
	enter(P);
	while (P->tok.kind != '}') {
		if (n == 256)
			fail(P, "the object is too large for the compiler");
		struct node *key, *val = NULL;
		int k = P->tok.kind;
		if (k == T_IDENT || (k >= T_AS && k <= T_LOC)) {
			key = mk_str(P, P->tok.s, P->tok.n);
			next(P);
			if (accept(P, ':'))
				val = parse_expd(P);
			else if (k == T_IDENT)
				val = mk2(P, N_INDEX, mk(P, N_IDENT), key);
			else
				SYNTAX(P);
		} else if (k == T_QQ || k == T_FORMAT) {
			if (k == T_QQ) {
				key = parse_string(P, NULL);
			} else {
				/* FORMAT QQSTRING only */
				char fmt[64];
				if (P->tok.n > sizeof fmt)
					SYNTAX(P);
				memcpy(fmt, P->tok.s + 1, P->tok.n - 1);
				fmt[P->tok.n - 1] = '\0';
				next(P);
				if (P->tok.kind != T_QQ)
					SYNTAX(P);
				char *f = prog_alloc(P->prog, strlen(fmt) + 1);
				strcpy(f, fmt);
				key = parse_string(P, f);
			}
			if (accept(P, ':'))
				val = parse_expd(P);
		} else if (accept(P, '$')) {
			if (P->tok.kind != T_IDENT)
				SYNTAX(P);
			int slot = find_var(P, P->tok.s, P->tok.n);
			if (slot < 0 || P->in_patkey)
				fail(P, "$%.*s is not defined", (int)P->tok.n, P->tok.s);
			key = mk_str(P, P->tok.s, P->tok.n);
			val = mk(P, N_VAR);
			val->slot = slot;
			next(P);
		} else if (accept(P, '(')) {
			key = parse_pipe(P);
			expect(P, ')');
			check_key(P, key);
			expect(P, ':');
			val = parse_expd(P);
		} else {
			SYNTAX(P);
		}
		kv[n++] = key;
		kv[n++] = val;
		if (!accept(P, ','))
			break;
	}
	expect(P, '}');
	struct node *o = mk(P, N_OBJECT);
	o->nargs = n;
	o->args = prog_alloc(P->prog, (size_t)(n + 1) * sizeof *o->args);
	memcpy(o->args, kv, (size_t)n * sizeof *kv);
	P->depth--;
	return o;
}

/* The escapes of a string literal, decoded as jq's JSON parser decodes
 * them (the lexer hands runs of escapes to it). */
static void
escape_run(struct parser *P, const char *s, size_t n, struct buf *out)
{
	struct jscan_err e;
	int esc = 0;
	struct buf q = { 0 };
	buf_add(&q, s, n);
	buf_addc(&q, '"');
	const char *end = jscan_string(q.p, q.p + q.len, &esc, &e);
	int ok = end == q.p + q.len;
	if (ok)
		jscan_decode(out, q.p, n);
	buf_free(&q);
	if (!ok) {
		buf_free(out);	/* fail() does not return to the caller's free */
		fail(P, "an invalid escape is a compile error in jq");
	}
}

static struct node *
parse_string(struct parser *P, const char *fmt)
{
	const char *s = P->tok.s + 1;	/* after the quote */
	struct node *parts[128];
	int n = 0, interp = 0;
	struct buf text = { 0 };
	struct live_text live = { &text, P->texts };

	enter(P);
	P->texts = &live;
	for (;;) {
		if (*s == '\0')
			SYNTAX(P);
		if (*s == '"')
			break;
		if (s[0] == '\\' && s[1] == '(') {
			if (n + 2 > 128)
				fail(P, "the string has too many parts for the compiler");
			if (text.len) {
				parts[n] = mk_str(P, text.p, text.len);
				parts[n++]->opt = 1;	/* text, not a value */
			}
			/* freed, not reset: a failure inside the
			 * interpolation leaves by longjmp */
			buf_free(&text);
			lex_at(P, s + 2);
			struct node *e = parse_pipe(P);
			if (P->tok.kind != ')')
				SYNTAX(P);
			parts[n++] = e;
			interp = 1;
			s = P->tok.s + 1;
			continue;
		}
		if (*s == '\\') {
			const char *r = s;
			while (r[0] == '\\' && r[1] != '(' && r[1] != '\0') {
				if (r[1] == 'u') {
					r += 2;
					for (int i = 0; i < 4 && ((unsigned char)*r < 0x80 &&
					    is_id((unsigned char)*r) && *r != '_'); i++)
						r++;
				} else {
					r += 2;
				}
			}
			if (r == s)
				SYNTAX(P);
			escape_run(P, s, (size_t)(r - s), &text);
			s = r;
			continue;
		}
		const char *r = s;
		while (*r && *r != '\\' && *r != '"')
			r++;
		size_t from = text.len;
		buf_add(&text, s, (size_t)(r - s));
		utf8_fix(&text, from);
		s = r;
	}
	struct node *res;
	if (!interp) {
		res = mk_str(P, text.p ? text.p : "", text.len);
	} else {
		if (text.len) {
			parts[n] = mk_str(P, text.p, text.len);
			parts[n++]->opt = 1;
		}
		res = mk(P, N_STRING);
		res->nargs = n;
		res->args = prog_alloc(P->prog, (size_t)n * sizeof *res->args);
		memcpy(res->args, parts, (size_t)n * sizeof *parts);
		res->name = fmt;	/* NULL: text */
	}
	P->texts = live.outer;
	buf_free(&text);
	lex_at(P, s + 1);
	P->depth--;
	return res;
}

/* @name alone is a format node; @name "..." formats each interpolation. */
static struct node *
term_format(struct parser *P)
{
	char *f = prog_alloc(P->prog, P->tok.n);
	memcpy(f, P->tok.s + 1, P->tok.n - 1);
	next(P);
	if (P->tok.kind == T_QQ)
		return parse_string(P, f);
	struct node *t = mk(P, N_FORMAT);
	t->name = f;
	return t;
}

/* After '[': an array constructor; [] is a constant the writer copies. */
static struct node *
term_array(struct parser *P)
{
	struct node *t;
	if (accept(P, ']')) {
		t = mk_const(P, jqv_null_v);
		t->cv.t = J_ARRAY;
		t->cv.raw = 1;
		t->cv.u.p = "[]";
		t->cv.n = 2;
		return t;
	}
	t = mk2(P, N_ARRAY, parse_pipe(P), NULL);
	expect(P, ']');
	return t;
}

/* After '$'. */
static struct node *
term_var(struct parser *P)
{
	if (P->tok.kind == T_LOC)
		fail(P, "$__loc__ is not compiled");
	if (P->tok.kind != T_IDENT)
		SYNTAX(P);
	int slot = find_var(P, P->tok.s, P->tok.n);
	if (slot < 0 || P->in_patkey) {
		if (P->tok.n == 3 && memcmp(P->tok.s, "ENV", 3) == 0)
			fail(P, "$ENV is not compiled");
		fail(P, "$%.*s is not defined", (int)P->tok.n, P->tok.s);
	}
	struct node *t = mk(P, N_VAR);
	t->slot = slot;
	next(P);
	return t;
}

/* After 'break': a label is a variable named "*label-NAME". */
static struct node *
term_break(struct parser *P)
{
	expect(P, '$');
	if (P->tok.kind != T_IDENT)
		SYNTAX(P);
	char lbl[128];
	if (P->tok.n + 8 > sizeof lbl)
		SYNTAX(P);
	snprintf(lbl, sizeof lbl, "*label-%.*s", (int)P->tok.n, P->tok.s);
	int slot = find_var(P, lbl, strlen(lbl));
	if (slot < 0)
		fail(P, "break $%.*s has no label", (int)P->tok.n, P->tok.s);
	struct node *t = mk(P, N_BREAK);
	t->slot = slot;
	next(P);
	return t;
}

/* A name: true, false, null or a call with its arguments. */
static struct node *
term_ident(struct parser *P)
{
	const char *name = P->tok.s;
	size_t len = P->tok.n;
	struct node *args[8];
	int nargs = 0;
	next(P);
	if (accept(P, '('))
		nargs = parse_args(P, args, 8);
	if (nargs == 0 && len == 4 && memcmp(name, "true", 4) == 0)
		return mk_const(P, jqv_true_v);
	if (nargs == 0 && len == 5 && memcmp(name, "false", 5) == 0)
		return mk_const(P, jqv_false_v);
	if (nargs == 0 && len == 4 && memcmp(name, "null", 4) == 0)
		return mk_const(P, jqv_null_v);
	return call(P, name, len, args, nargs);
}

/* A term without its suffixes. */
static struct node *
parse_primary(struct parser *P)
{
	struct node *t;
	switch (P->tok.kind) {
	case '.':
		next(P);
		t = mk(P, N_IDENT);
		if (P->tok.kind == T_QQ)
			t = index_node(P, t, parse_string(P, NULL));
		return t;
	case T_FIELD: {
		struct node *key = mk_str(P, P->tok.s + 1, P->tok.n - 1);
		next(P);
		return index_node(P, mk(P, N_IDENT), key);
	}
	case T_REC:
		next(P);
		return mk(P, N_RECURSE);
	case T_NUM:
		t = mk_const(P, jqv_num(P->tok.num));
		next(P);
		return t;
	case T_QQ:
		return parse_string(P, NULL);
	case T_FORMAT:
		return term_format(P);
	case '(':
		next(P);
		t = parse_pipe(P);
		expect(P, ')');
		return t;
	case '[':
		next(P);
		return term_array(P);
	case '{':
		next(P);
		return parse_object(P);
	case '$':
		next(P);
		return term_var(P);
	case T_BREAK:
		next(P);
		return term_break(P);
	case T_IDENT:
		return term_ident(P);
	case T_DEF:
		fail(P, "def is not compiled");
	case T_IMPORT: case T_INCLUDE: case T_MODULE:
		fail(P, "modules are not compiled");
	default:
		SYNTAX(P);
	}
}

/* After t '[': t[], t[:to], t[from:], t[from:to] or t[key]. */
static struct node *
suffix_bracket(struct parser *P, struct node *t)
{
	if (accept(P, ']')) {
		t = mk2(P, N_ITER, t, NULL);
		t->opt = opt(P);
		return t;
	}
	if (accept(P, ':')) {
		struct node *to = parse_pipe(P);
		expect(P, ']');
		struct node *s = mk2(P, N_SLICE, t, NULL);
		s->c = to;
		s->opt = opt(P);
		return s;
	}
	struct node *e = parse_pipe(P);
	if (!accept(P, ':')) {
		expect(P, ']');
		return index_node(P, t, e);
	}
	struct node *s = mk2(P, N_SLICE, t, e);
	if (!accept(P, ']')) {
		s->c = parse_pipe(P);
		expect(P, ']');
	}
	s->opt = opt(P);
	return s;
}

/* After t 'as': the patterns' variables are bound in the body only. */
static struct node *
suffix_as(struct parser *P, struct node *t)
{
	struct patvars pv = { .n = 0 };
	struct pattern *pat = parse_patterns(P, &pv);
	expect(P, '|');
	int save = P->nvars;
	bind_patvars(P, &pv);
	struct node *body = parse_pipe(P);
	P->nvars = save;
	struct node *n = mk2(P, N_AS, t, body);
	n->pat = pat;
	return n;
}

static struct node *
parse_term(struct parser *P, int allow_as)
{
	struct node *t;
	enter(P);
	t = parse_primary(P);
	for (;;) {
		if (P->tok.kind == T_FIELD) {
			struct node *key = mk_str(P, P->tok.s + 1, P->tok.n - 1);
			next(P);
			t = index_node(P, t, key);
		} else if (P->tok.kind == '.') {
			next(P);
			if (P->tok.kind != T_QQ)
				SYNTAX(P);
			t = index_node(P, t, parse_string(P, NULL));
		} else if (P->tok.kind == '[') {
			next(P);
			t = suffix_bracket(P, t);
		} else if (allow_as && P->tok.kind == T_AS) {
			next(P);
			t = suffix_as(P, t);
			break;
		} else {
			break;
		}
	}
	P->depth--;
	return t;
}

/* A prefix construct or a term, without a trailing '?'. */
static struct node *
parse_prefix(struct parser *P)
{
	struct node *n;
	enter(P);
	switch (P->tok.kind) {
	case '-':
		next(P);
		n = mk2(P, N_NEG, parse_mul(P), NULL);
		break;
	case T_REDUCE:
	case T_FOREACH: {
		int fe = P->tok.kind == T_FOREACH;
		next(P);
		struct node *src = parse_term(P, 0);
		expect(P, T_AS);
		struct patvars pv = { .n = 0 };
		struct pattern *pat = parse_patterns(P, &pv);
		expect(P, '(');
		struct node *init = parse_pipe(P);
		expect(P, ';');
		int save = P->nvars;
		bind_patvars(P, &pv);
		struct node *upd = parse_pipe(P), *ext = NULL;
		if (fe && accept(P, ';'))
			ext = parse_pipe(P);
		P->nvars = save;
		expect(P, ')');
		n = mk2(P, fe ? N_FOREACH : N_REDUCE, src, init);
		n->c = upd;
		n->d = ext;
		n->pat = pat;
		break;
	}
	case T_IF: {
		next(P);
		struct node *top = NULL, **hole = &top;
		for (;;) {
			struct node *c = mk(P, N_IF);
			c->a = parse_pipe(P);
			expect(P, T_THEN);
			c->b = parse_pipe(P);
			*hole = c;
			hole = &c->c;
			if (accept(P, T_ELIF))
				continue;
			expect(P, T_ELSE);
			*hole = parse_pipe(P);
			expect(P, T_END);
			break;
		}
		n = top;
		break;
	}
	case T_TRY: {
		next(P);
		struct node *body = parse_prefix(P), *handler = NULL;
		if (accept(P, T_CATCH))
			handler = parse_prefix(P);
		n = mk2(P, N_TRY, body, handler);
		break;
	}
	case T_LABEL: {
		next(P);
		expect(P, '$');
		if (P->tok.kind != T_IDENT)
			SYNTAX(P);
		char *lbl = prog_alloc(P->prog, P->tok.n + 8);
		snprintf(lbl, P->tok.n + 8, "*label-%.*s", (int)P->tok.n, P->tok.s);
		next(P);
		expect(P, '|');
		int slot = new_slot(P), save = P->nvars;
		push_var(P, lbl, strlen(lbl), slot);
		n = mk2(P, N_LABEL, parse_pipe(P), NULL);
		n->slot = slot;
		P->nvars = save;
		break;
	}
	default:
		n = parse_term(P, 1);
		break;
	}
	P->depth--;
	return n;
}

static struct node *
parse_unary(struct parser *P)
{
	int neg = P->tok.kind == '-';
	struct node *n = parse_prefix(P);
	/* '-' takes its operand at the level of '*', which has already
	 * taken any '?'. */
	while (!neg && accept(P, '?'))
		n = mk2(P, N_TRY, n, NULL);
	return n;
}

static struct node *
parse_mul(struct parser *P)
{
	struct node *l = parse_unary(P);
	for (;;) {
		int op;
		switch (P->tok.kind) {
		case '*': op = B_MUL; break;
		case '/': op = B_DIV; break;
		case '%': op = B_MOD; break;
		default: return l;
		}
		next(P);
		l = binop(P, op, l, parse_unary(P));
	}
}

static struct node *
parse_add(struct parser *P)
{
	struct node *l = parse_mul(P);
	for (;;) {
		int op;
		switch (P->tok.kind) {
		case '+': op = B_ADD; break;
		case '-': op = B_SUB; break;
		default: return l;
		}
		next(P);
		l = binop(P, op, l, parse_mul(P));
	}
}

static int
cmp_op(int tok)
{
	switch (tok) {
	case T_EQ: return B_EQ;
	case T_NEQ: return B_NE;
	case '<': return B_LT;
	case '>': return B_GT;
	case T_LESSEQ: return B_LE;
	case T_GREATEREQ: return B_GE;
	default: return -1;
	}
}

static struct node *
parse_cmp(struct parser *P)
{
	struct node *l = parse_add(P);
	int op = cmp_op(P->tok.kind);
	if (op < 0)
		return l;
	next(P);
	l = binop(P, op, l, parse_add(P));
	if (cmp_op(P->tok.kind) >= 0)
		SYNTAX(P);	/* non-associative */
	return l;
}

static struct node *
parse_and(struct parser *P)
{
	struct node *l = parse_cmp(P);
	while (accept(P, T_AND))
		l = mk2(P, N_AND, l, parse_cmp(P));
	return l;
}

static struct node *
parse_or(struct parser *P)
{
	struct node *l = parse_and(P);
	while (accept(P, T_OR))
		l = mk2(P, N_OR, l, parse_and(P));
	return l;
}

static struct node *
parse_assign(struct parser *P)
{
	struct node *l = parse_or(P);
	switch (P->tok.kind) {
	case '=': case T_SETPIPE: case T_SETPLUS: case T_SETMINUS:
	case T_SETMULT: case T_SETDIV: case T_SETMOD: case T_SETDEFINEDOR:
		fail(P, "assignment (%.*s) is not compiled", (int)P->tok.n, P->tok.s);
	}
	return l;
}

static struct node *
parse_alt(struct parser *P)
{
	struct node *l = parse_assign(P);
	if (accept(P, T_DEFINEDOR))
		l = mk2(P, N_ALT, l, parse_alt(P));
	return l;
}

static struct node *
parse_comma(struct parser *P)
{
	struct node *l = parse_alt(P);
	while (accept(P, ','))
		l = mk2(P, N_COMMA, l, parse_alt(P));
	return l;
}

static struct node *
parse_pipe(struct parser *P)
{
	enter(P);
	if (P->tok.kind == T_DEF)
		fail(P, "def is not compiled");
	struct node *l = parse_comma(P);
	if (accept(P, '|'))
		l = mk2(P, N_PIPE, l, parse_pipe(P));
	P->depth--;
	return l;
}

/* ----- builtins ----- */

/*
 * Builtins jq 1.6 defines in jq, restated with the same meaning (outputs,
 * their order, errors).  "$x" parameters are bound with "as", in order,
 * from the caller's input; the others are closures substituted into the
 * body.
 */
static const struct def {
	const char *name;
	const char *params;	/* "f", "$x", "re; mode", ... */
	const char *body;
} defs[] = {
	{ "map", "f", "[.[] | f]" },
	{ "select", "f", "if f then . else empty end" },
	{ "recurse_down", "", "recurse" },
	{ "error", "", "error(.)" },
	{ "add", "", "reduce .[] as $x (null; . + $x)" },
	{ "to_entries", "", "[keys_unsorted[] as $k | {key: $k, value: .[$k]}]" },
	/* builtin.jq ends with ".//={}": on the whole value that is ". // {}" */
	{ "from_entries", "", "map({(.key // .Key // .name // .Name): "
	    "(if has(\"value\") then .value else .Value end)}) | add | . // {}" },
	{ "with_entries", "f", "to_entries | map(f) | from_entries" },
	{ "reverse", "", "[.[length - 1 - range(0;length)]]" },
	{ "indices", "$i", "if type == \"array\" and ($i|type) == \"array\" then .[$i] "
	    "elif type == \"array\" then .[[$i]] "
	    "elif type == \"string\" and ($i|type) == \"string\" then _strindices($i) "
	    "else .[$i] end" },
	{ "index", "$i", "indices($i) | .[0]" },
	{ "rindex", "$i", "indices($i) | .[-1:][0]" },
	{ "any", "", "any(.)" },
	{ "any", "f", "any(.[]; f)" },
	{ "any", "g; c", "[label $out | foreach g as $i (false; if . then break $out "
	    "elif $i | c then true else . end; if . then . else empty end)] | length == 1" },
	{ "all", "", "all(.)" },
	{ "all", "f", "all(.[]; f)" },
	{ "all", "g; c", "[label $out | foreach g as $i (true; if .|not then break $out "
	    "elif $i | c then . else false end; if .|not then . else empty end)] | length == 0" },
	{ "isfinite", "", "type == \"number\" and (isinfinite | not)" },
	{ "arrays", "", "select(type == \"array\")" },
	{ "objects", "", "select(type == \"object\")" },
	{ "iterables", "", "arrays, objects" },
	{ "booleans", "", "select(type == \"boolean\")" },
	{ "numbers", "", "select(type == \"number\")" },
	{ "normals", "", "select(isnormal)" },
	{ "finites", "", "select(isfinite)" },
	{ "strings", "", "select(type == \"string\")" },
	{ "nulls", "", "select(type == \"null\")" },
	{ "values", "", "select(. != null)" },
	{ "scalars", "", "select(. == null or . == true or . == false or "
	    "type == \"number\" or type == \"string\")" },
	{ "scalars_or_empty", "", "select(. == null or . == true or . == false or "
	    "type == \"number\" or type == \"string\" or "
	    "((type==\"array\" or type==\"object\") and length==0))" },
	{ "join", "$x", "reduce .[] as $i (null; (if .==null then \"\" else .+$x end) + "
	    "($i | if type==\"boolean\" or type==\"number\" then tostring else .//\"\" end)) // \"\"" },
	{ "flatten", "", "_flatten(-1)" },
	{ "flatten", "$x", "if $x < 0 then error(\"flatten depth must not be negative\") "
	    "else _flatten($x) end" },
	{ "fromdateiso8601", "", "strptime(\"%Y-%m-%dT%H:%M:%SZ\") | mktime" },
	{ "todateiso8601", "", "strftime(\"%Y-%m-%dT%H:%M:%SZ\")" },
	{ "fromdate", "", "fromdateiso8601" },
	{ "todate", "", "todateiso8601" },
	{ "match", "re; mode", "_match_impl(re; mode; false) | .[]" },
	{ "match", "$val", "($val|type) as $vt | if $vt == \"string\" then match($val; null) "
	    "elif $vt == \"array\" and ($val | length) > 1 then match($val[0]; $val[1]) "
	    "elif $vt == \"array\" and ($val | length) > 0 then match($val[0]; null) "
	    "else error( $vt + \" not a string or array\") end" },
	{ "test", "re; mode", "_match_impl(re; mode; true)" },
	{ "test", "$val", "($val|type) as $vt | if $vt == \"string\" then test($val; null) "
	    "elif $vt == \"array\" and ($val | length) > 1 then test($val[0]; $val[1]) "
	    "elif $vt == \"array\" and ($val | length) > 0 then test($val[0]; null) "
	    "else error( $vt + \" not a string or array\") end" },
	{ "capture", "re; mods", "match(re; mods) | reduce ( .captures | .[] | "
	    "select(.name != null) | { (.name) : .string } ) as $pair ({}; . + $pair)" },
	{ "capture", "$val", "($val|type) as $vt | if $vt == \"string\" then capture($val; null) "
	    "elif $vt == \"array\" and ($val | length) > 1 then capture($val[0]; $val[1]) "
	    "elif $vt == \"array\" and ($val | length) > 0 then capture($val[0]; null) "
	    "else error( $vt + \" not a string or array\") end" },
	{ "scan", "re", "match(re; \"g\") | if (.captures|length > 0) "
	    "then [ .captures | .[] | .string ] else .string end" },
	{ "splits", "$re; flags", ". as $s | [match($re; \"g\" + flags) | "
	    "(.offset, .offset + .length)] | [0] + . + [$s|length] | _nwise(2) | $s[.[0]:.[1] ]" },
	{ "splits", "$re", "splits($re; null)" },
	{ "split", "$re; flags", "[ splits($re; flags) ]" },
	/* builtin.jq defines sub/2 twice; user programs see the first */
	{ "sub", "$re; s", ". as $in | [match($re)] | if length == 0 then $in "
	    "else .[0] | . as $r | reduce ( $r | .captures | .[] | select(.name != null) "
	    "| { (.name) : .string } ) as $pair ({}; . + $pair) "
	    "| $in[0:$r.offset] + s + $in[$r.offset+$r.length:] end" },
	/* sub/3 with its inner definitions: subg spelled out, mysub
	 * (recursive) native */
	{ "sub", "$re; s; flags", "(flags | index(\"g\")) as $gs | (flags | if $gs then "
	    "[explode[] | select(. != 103)] | implode else . end) as $fla | "
	    "_mysub($re; s; $fla; $gs)" },
	{ "gsub", "$re; s; flags", "sub($re; s; flags + \"g\")" },
	{ "gsub", "$re; s", "sub($re; s; \"g\")" },
	{ "first", "", ".[0]" },
	{ "last", "", ".[-1]" },
	{ "nth", "$n", ".[$n]" },
	{ "last", "f", "reduce f as $item (null; $item)" },
	{ "nth", "$n; f", "if $n < 0 then error(\"nth doesn't support negative indices\") "
	    "else last(limit($n + 1; f)) end" },
	{ "in", "xs", ". as $x | xs | has($x)" },
	{ "inside", "xs", ". as $x | xs | contains($x)" },
	{ "sort_by", "f", "_sort_by_impl(map([f]))" },
	{ "group_by", "f", "_group_by_impl(map([f]))" },
	{ "unique", "", "group_by(.) | map(.[0])" },
	{ "unique_by", "f", "group_by(f) | map(.[0])" },
	{ "max_by", "f", "_max_by_impl(map([f]))" },
	{ "min_by", "f", "_min_by_impl(map([f]))" },
	{ "transpose", "", "if . == [] then [] else . as $in | (map(length) | max) as $max "
	    "| length as $length | reduce range(0; $max) as $j ([]; . + "
	    "[reduce range(0;$length) as $i ([]; . + [ $in[$i][$j] ] )] ) end" },
	{ "IN", "s", "reduce (first(select(. == s)) | true) as $v (false; "
	    "if . or $v then true else false end)" },
	{ "IN", "src; s", "reduce (src|IN(s)) as $v (false; if . or $v then true else false end)" },
};

/* Builtins that read the environment, the input stream or paths. */
static const char *const not_compiled[] = {
	"input", "inputs", "debug", "stderr", "input_filename", "input_line_number",
	"env", "halt", "halt_error", "now", "localtime", "strflocaltime", "path",
	"paths", "leaf_paths", "getpath", "setpath", "delpaths", "del",
	"tostream", "fromstream", "truncate_stream", "get_search_list",
	"get_prog_origin", "get_jq_origin", "modulemeta", "builtins", "_assign",
	"_modify", "combinations", "walk", "bsearch", "INDEX", "JOIN",
};

static int
name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

static struct node *
gen(struct parser *P, int sub, struct node *a, struct node *b)
{
	struct node *n = mk2(P, N_GEN, a, b);
	n->sub = sub;
	return n;
}

static struct node *
expand(struct parser *P, const struct def *d, struct node **args, int nargs)
{
	struct subst frame = { .n = 0 };
	int vslot[4], isval[4];
	const char *vname[4];
	size_t vlen[4];
	const char *s = d->params;

	for (int i = 0; i < nargs; i++) {
		while (*s == ' ' || *s == ';')
			s++;
		const char *e = s;
		while (*e && *e != ';')
			e++;
		isval[i] = *s == '$';
		if (isval[i]) {
			vname[i] = s + 1;
			vlen[i] = (size_t)(e - s - 1);
			vslot[i] = new_slot(P);
		} else {
			frame.names[frame.n] = s;
			frame.lens[frame.n] = (size_t)(e - s);
			frame.args[frame.n] = args[i];
			frame.n++;
		}
		s = e;
	}
	struct tok save = P->tok;
	int savefloor = P->scope_floor, savenvars = P->nvars, savepk = P->in_patkey;
	struct subst *savesub = P->subst;
	P->scope_floor = P->nvars;
	P->in_patkey = 0;
	for (int i = 0; i < nargs; i++)
		if (isval[i])
			push_var(P, vname[i], vlen[i], vslot[i]);
	P->subst = &frame;
	enter(P);
	lex_at(P, d->body);
	struct node *body = parse_pipe(P);
	if (P->tok.kind != T_EOF)
		fail(P, "internal: the definition of %s does not parse", d->name);
	P->depth--;
	P->tok = save;
	P->scope_floor = savefloor;
	P->nvars = savenvars;
	P->subst = savesub;
	P->in_patkey = savepk;
	for (int i = nargs - 1; i >= 0; i--) {
		if (!isval[i])
			continue;
		struct pattern *pat = prog_alloc(P->prog, sizeof *pat);
		pat->kind = P_VAR;
		pat->slot = vslot[i];
		struct node *as = mk2(P, N_AS, args[i], body);
		as->pat = pat;
		body = as;
	}
	return body;
}

static int
nparams(const char *params)
{
	if (*params == '\0')
		return 0;
	int n = 1;
	for (; *params; params++)
		n += *params == ';';
	return n;
}

static struct node *
call(struct parser *P, const char *name, size_t len, struct node **args, int nargs)
{
	if (nargs == 0 && P->subst) {
		for (int i = 0; i < P->subst->n; i++)
			if (P->subst->lens[i] == len &&
			    memcmp(P->subst->names[i], name, len) == 0)
				return copy_node(P, P->subst->args[i]);
	}
#define IS(s, k) (nargs == (k) && name_is(name, len, s))
	struct node *n;
	if (IS("empty", 0))
		return mk(P, N_EMPTY);
	if (IS("not", 0))
		return mk(P, N_NOT);
	if (IS("range", 1) || IS("range", 2))
		return gen(P, G_RANGE, args[0], nargs == 2 ? args[1] : NULL);
	if (IS("range", 3)) {
		n = gen(P, G_RANGE3, NULL, NULL);
		n->nargs = 3;
		n->args = prog_alloc(P->prog, 3 * sizeof *n->args);
		memcpy(n->args, args, 3 * sizeof *args);
		return n;
	}
	if (IS("recurse", 0))
		return mk(P, N_RECURSE);
	if (IS("recurse", 1))
		return mk2(P, N_RECURSE, args[0], NULL);
	if (IS("recurse", 2))
		return mk2(P, N_RECURSE2, args[0], args[1]);
	if (IS("first", 1))
		return gen(P, G_FIRST, args[0], NULL);
	if (IS("isempty", 1))
		return gen(P, G_ISEMPTY, args[0], NULL);
	if (IS("limit", 2))
		return gen(P, G_LIMIT, args[0], args[1]);
	if (IS("while", 2))
		return gen(P, G_WHILE, args[0], args[1]);
	if (IS("until", 2))
		return gen(P, G_UNTIL, args[0], args[1]);
	if (IS("repeat", 1))
		return gen(P, G_REPEAT, args[0], NULL);
	if (IS("_nwise", 1))
		return gen(P, G_NWISE, args[0], NULL);
	if (IS("map_values", 1))
		return gen(P, G_MAPVALUES, args[0], NULL);
	if (IS("_mysub", 4)) {
		n = gen(P, G_SUB, NULL, NULL);
		n->nargs = 4;
		n->args = prog_alloc(P->prog, 4 * sizeof *n->args);
		memcpy(n->args, args, 4 * sizeof *args);
		return n;
	}
#undef IS
	for (size_t i = 0; i < LEN(not_compiled); i++)
		if (name_is(name, len, not_compiled[i]))
			fail(P, "%s is not compiled", not_compiled[i]);
	for (size_t i = 0; i < LEN(defs); i++)
		if (name_is(name, len, defs[i].name) && nparams(defs[i].params) == nargs)
			return expand(P, &defs[i], args, nargs);
	const struct builtin *b = builtin_find(name, len, nargs);
	if (b == NULL)
		fail(P, "%.*s/%d is not compiled", (int)len, name, nargs);
	n = mk(P, N_CALL);
	n->fn = b->fn;
	n->name = b->name;
	n->nargs = nargs;
	if (nargs) {
		n->args = prog_alloc(P->prog, (size_t)nargs * sizeof *n->args);
		memcpy(n->args, args, (size_t)nargs * sizeof *args);
	}
	return n;
}

/* ----- static paths from the root ----- */

static int
static_key(const struct node *n)
{
	if (n->op != N_CONST)
		return 0;
	if (n->cv.t == J_STRING)
		return 1;
	return n->cv.t == J_NUMBER && n->cv.num >= 0 && n->cv.num < 1e9 &&
	    n->cv.num == floor(n->cv.num);
}

static int
static_chain(const struct node *n)
{
	while (n->op == N_INDEX && static_key(n->b))
		n = n->a;
	return n->op == N_IDENT;
}

static struct node *
rootpath(struct parser *P, struct node *n)
{
	struct jqc_prog *prog = P->prog;
	int ns = 0;
	for (const struct node *x = n; x->op == N_INDEX; x = x->a)
		ns++;
	struct jqc_step *st = prog_alloc(prog, (size_t)ns * sizeof *st);
	int i = ns;
	for (const struct node *x = n; x->op == N_INDEX; x = x->a) {
		struct jqc_step *s = &st[--i];
		s->opt = x->opt;
		if (x->b->cv.t == J_STRING) {
			s->index = 0;
			s->nlen = x->b->cv.n;
			s->name = prog_alloc(prog, s->nlen + 1);
			memcpy(s->name, x->b->cv.u.p, s->nlen);
		} else {
			s->index = 1;
			s->n = (long)x->b->cv.num;
		}
	}
	int slot;
	for (slot = 0; slot < prog->npaths; slot++) {
		if (prog->npathsteps[slot] != ns)
			continue;
		int same = 1;
		for (int k = 0; k < ns && same; k++) {
			const struct jqc_step *a = &prog->paths[slot][k], *b = &st[k];
			same = a->index == b->index && a->opt == b->opt &&
			    (a->index ? a->n == b->n : a->nlen == b->nlen &&
			    memcmp(a->name, b->name, a->nlen) == 0);
		}
		if (same)
			break;
	}
	if (slot == prog->npaths) {
		struct jqc_step **np = prog_alloc(prog, (size_t)(slot + 1) * sizeof *np);
		int *nn = prog_alloc(prog, (size_t)(slot + 1) * sizeof *nn);
		if (slot) {
			memcpy(np, prog->paths, (size_t)slot * sizeof *np);
			memcpy(nn, prog->npathsteps, (size_t)slot * sizeof *nn);
		}
		np[slot] = st;
		nn[slot] = ns;
		prog->paths = np;
		prog->npathsteps = nn;
		prog->npaths++;
	}
	struct node *r = mk(P, N_ROOTPATH);
	r->slot = slot;
	return r;
}

/* Whether n yields at most one value, whatever its input. */
static int
single(const struct node *n)
{
	if (n == NULL)
		return 1;
	switch (n->op) {
	case N_IDENT: case N_CONST: case N_VAR: case N_ARRAY: case N_EMPTY:
	case N_NOT: case N_FORMAT:
		return 1;
	case N_INDEX: case N_SLICE: case N_BINOP: case N_NEG:
		return single(n->a) && single(n->b) && single(n->c);
	case N_CALL: case N_STRING: case N_OBJECT:
		for (int i = 0; i < n->nargs; i++)
			if (!single(n->args[i]))
				return 0;
		return 1;
	default:
		return 0;
	}
}

/* Whether n's outputs are its input unchanged (when they are the root). */
static int
out_root(const struct node *n, int in_root)
{
	if (!in_root)
		return 0;
	switch (n->op) {
	case N_IDENT:
	case N_EMPTY:
		return 1;
	case N_PIPE:
		return out_root(n->b, out_root(n->a, 1));
	case N_COMMA:
	case N_ALT:
		return out_root(n->a, 1) && out_root(n->b, 1);
	case N_IF:
		return out_root(n->b, 1) && out_root(n->c, 1);
	case N_AS:
		return out_root(n->b, 1);
	case N_TRY:
		return n->b == NULL && out_root(n->a, 1);
	case N_LABEL:
		return out_root(n->a, 1);
	default:
		return 0;
	}
}

static struct node *
rootify(struct parser *P, struct node *n, int in_root)
{
	if (n == NULL)
		return NULL;
	if (in_root && n->op == N_INDEX && static_chain(n))
		return rootpath(P, n);
	switch (n->op) {
	case N_PIPE:
		n->b = rootify(P, n->b, out_root(n->a, in_root));
		n->a = rootify(P, n->a, in_root);
		return n;
	case N_TRY:
		n->a = rootify(P, n->a, in_root);
		n->b = rootify(P, n->b, 0);
		return n;
	case N_REDUCE:
	case N_FOREACH:
		/* the source runs on null for a second initial value */
		n->a = rootify(P, n->a, in_root && single(n->b));
		n->b = rootify(P, n->b, in_root);
		n->c = rootify(P, n->c, 0);
		n->d = rootify(P, n->d, 0);
		return n;
	case N_RECURSE:
	case N_RECURSE2:
		n->a = rootify(P, n->a, 0);
		n->b = rootify(P, n->b, 0);
		return n;
	case N_GEN:
		switch (n->sub) {
		case G_WHILE: case G_UNTIL: case G_REPEAT: case G_MAPVALUES:
			in_root = 0;
			break;
		case G_SUB:
			/* the replacement runs on the captures */
			for (int i = 0; i < n->nargs; i++)
				n->args[i] = rootify(P, n->args[i], i != 1 && in_root);
			return n;
		}
		break;
	default:
		break;
	}
	n->a = rootify(P, n->a, in_root);
	n->b = rootify(P, n->b, in_root);
	n->c = rootify(P, n->c, in_root);
	n->d = rootify(P, n->d, in_root);
	for (int i = 0; i < n->nargs; i++)
		n->args[i] = rootify(P, n->args[i], in_root);
	return n;
}

/* ----- the interface ----- */

struct jqc_prog *
jqc_compile(const char *expr, char *why, size_t whylen)
{
	struct jqc_prog *prog = xcalloc(1, sizeof *prog);
	struct parser *P = xcalloc(1, sizeof *P);
	P->src = expr;
	P->prog = prog;
	P->why = why;
	P->whylen = whylen;
	if (setjmp(P->fail)) {
		free(P->vars);
		free(P);
		jqc_free(prog);
		return NULL;
	}
	lex_at(P, expr);
	struct node *root = parse_pipe(P);
	if (P->tok.kind != T_EOF)
		SYNTAX(P);
	prog->root = rootify(P, root, 1);
	free(P->vars);
	free(P);
	return prog;
}
