/*
 * jqc_int.h: what the parts of the compiled evaluator share (jqc_parse.c,
 * jqc_value.c, jqc_eval.c, jqc_builtin.c, jqc_regex.c, jqc_time.c).
 * Internal to lib/: jqc.h is what field.c sees.
 *
 * Values.  A struct jqv is either the text of a valid JSON value (raw:
 * a subtree of the record, or a constant of the program written as JSON),
 * read lazily, or a value built in the evaluation's arena.  Built strings
 * are their decoded UTF-8 bytes; built arrays and objects point at a
 * header with room to grow, so that an array or object extended by its
 * only holder (". + [$x]" in a reduce) grows in place: a value is a view
 * (header, length), and a view may grow in place only while no other view
 * has grown the same storage (length == used).
 *
 * Evaluation is in continuation-passing style: eval(node, input, k) calls
 * k once per output, in jq's order, and returns R_OK when the outputs are
 * exhausted.  An error unwinds as R_ERR through every construct except
 * try (and a label, for its own break), which is exactly how jq 1.6's
 * backtracking machine unwinds an error through its fork points: a try
 * also catches errors raised downstream of an output of its body, as jq
 * 1.6 does.  R_STOP (the caller wants no more outputs) and R_BAIL (only
 * libjq can answer this record exactly) unwind through everything.
 */
#ifndef TRAWL_JQC_INT_H
#define TRAWL_JQC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "jqc.h"
#include "json.h"
#include "util.h"

/* ----- arena: memory for one record's values ----- */

struct arena_chunk;

struct arena {
	char *cur, *end;		/* free space of the current chunk */
	struct arena_chunk *used;	/* chunks in use, current first */
	struct arena_chunk *spare;	/* chunks kept from earlier records */
};

void *ar_alloc(struct arena *a, size_t n);	/* 16-aligned */
/* n bytes from p and a NUL after them: values outliving a buffer they were built in */
char *ar_copy(struct arena *a, const void *p, size_t n);
/* Extend the last allocation p[0..oldn) to newn bytes in place; 0 when
 * something was allocated after it or the chunk is full. */
int ar_extend(struct arena *a, void *p, size_t oldn, size_t newn);
void ar_reset(struct arena *a);
void ar_free(struct arena *a);

/* ----- values ----- */

struct jqarr;
struct jqobj;

struct jqv {
	unsigned char t;	/* enum jtype */
	unsigned char raw;	/* u.p[0..n) is the value's valid JSON text */
	unsigned char sf;	/* raw strings: SF_* facts already learnt */
	size_t n;		/* text or string bytes; array or object length */
	union {
		const char *p;	/* raw text, or a built string's bytes */
		struct jqarr *a;
		struct jqobj *o;
	} u;
	double num;		/* numbers, raw or built */
};

#define SF_KNOWN 1	/* the flags below have been computed */
#define SF_BYTES 2	/* the body's bytes are the decoded string */
#define SF_TEXT 4	/* and the text is what jq would print */

struct jqarr {
	size_t used, cap;
	struct jqv v[];
};

struct jqmem {
	const char *k;		/* decoded key bytes */
	size_t kn;
	struct jqv v;
};

struct jqobj {
	size_t used, cap;
	struct jqmem m[];
};

extern const struct jqv jqv_null_v, jqv_true_v, jqv_false_v;

static inline struct jqv
jqv_num(double d)
{
	struct jqv v = { .t = J_NUMBER, .num = d };
	return v;
}

static inline struct jqv
jqv_bool(int b)
{
	return b ? jqv_true_v : jqv_false_v;
}

/* A built string over bytes that live as long as the record (valid UTF-8). */
static inline struct jqv
jqv_str(const char *p, size_t n)
{
	struct jqv v = { .t = J_STRING, .n = n, .u.p = p };
	return v;
}

static inline int
jqv_truthy(const struct jqv *v)
{
	return v->t != J_NULL && v->t != J_FALSE;
}

/* ----- the program ----- */

enum nop {
	N_IDENT,	/* . */
	N_CONST,	/* cv */
	N_ROOTPATH,	/* a static path from the record's root: slot = path */
	N_INDEX,	/* a[b]; opt */
	N_SLICE,	/* a[b:c] (b, c may be NULL); opt */
	N_ITER,		/* a[]; opt */
	N_PIPE,		/* a | b */
	N_COMMA,	/* a, b */
	N_NEG,		/* -a */
	N_BINOP,	/* a OP b: sub = enum binop */
	N_AND, N_OR,	/* a and b, a or b */
	N_ALT,		/* a // b */
	N_IF,		/* if a then b else c */
	N_TRY,		/* try a catch b (b NULL: none) */
	N_REDUCE,	/* reduce a as pat (b; c) */
	N_FOREACH,	/* foreach a as pat (b; c; d) (d NULL: .) */
	N_AS,		/* a as pat | b */
	N_VAR,		/* $slot */
	N_LABEL,	/* label (slot) | a */
	N_BREAK,	/* break to the label bound in slot */
	N_ARRAY,	/* [a] */
	N_OBJECT,	/* {args[2i]: args[2i+1], ...} */
	N_STRING,	/* interpolation: args are parts, sub the format */
	N_FORMAT,	/* @sub applied to . */
	N_CALL,		/* a builtin whose arguments are values: fn(args) */
	N_GEN,		/* a builtin that takes closures: sub = enum gen */
	N_EMPTY,
	N_NOT,
	N_RECURSE,	/* recurse(a) (a NULL: .[]?) */
	N_RECURSE2,	/* recurse(a; b) */
};

enum binop { B_ADD, B_SUB, B_MUL, B_DIV, B_MOD, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE };

/* Builtins that take closures or are generators. */
enum gen {
	G_RANGE,	/* range(a; b) */
	G_RANGE3,	/* range(a; b; c) */
	G_FIRST,	/* first(a) */
	G_LIMIT,	/* limit(a; b) */
	G_WHILE, G_UNTIL, G_REPEAT,
	G_ISEMPTY,
	G_MAPVALUES,
	G_NWISE,	/* _nwise($n) */
	G_SUB,		/* _mysub($re; s; $fla; $gs): sub's recursion */
};

struct jqc_eval;

/*
 * A builtin over values: called with the input and its arguments' values.
 * Returns R_OK with *out set, R_EMPTY for no output, R_ERR (ev->err set)
 * or R_BAIL.
 */
typedef int (*cfn)(struct jqc_eval *ev, const struct jqv *in,
    const struct jqv *args, struct jqv *out);

struct pattern {
	int kind;		/* P_VAR, P_ARRAY, P_OBJECT */
	int slot;		/* P_VAR; and P_OBJECT members "$name: pattern" */
	int n;
	struct pattern **elems;	/* P_ARRAY elements, P_OBJECT member patterns */
	struct node **keys;	/* P_OBJECT key expressions */
	int *keyslot;		/* P_OBJECT: "$name: pat" also binds $name (-1) */
};

enum { P_VAR, P_ARRAY, P_OBJECT };

struct node {
	enum nop op;
	int sub;
	int opt;
	int slot;
	struct node *a, *b, *c, *d;
	struct node **args;
	int nargs;
	struct pattern *pat;
	struct jqv cv;
	cfn fn;
	const char *name;	/* builtins: for messages */
};

#define R_OK 0
#define R_STOP 1
#define R_ERR 2
#define R_BAIL 3
#define R_EMPTY 4	/* cfn only: no output */
#define R_FATAL 5	/* not jq's error but trawl's: ev->msg, not catchable */

struct jqc_prog {
	struct node *root;
	int nslots;
	struct jqc_step **paths;	/* static root paths */
	int *npathsteps;
	int npaths;
	/* everything the program allocated, freed with it */
	void **mem;
	size_t nmem, capmem;
};

/* Program memory (freed by jqc_free). */
void *prog_alloc(struct jqc_prog *p, size_t n);

/* ----- the evaluation ----- */

struct regex_cache;

struct jqc_eval {
	struct arena ar;
	struct jqv err;		/* R_ERR: the error's value */
	unsigned brk;		/* nonzero: the error is a break to this label */
	struct jqv *vars;
	size_t nvars;
	const struct jqc_prog *prog;
	const char *root;	/* the record */
	size_t rootn;
	const struct jqc_capture *caps;
	unsigned next_label;
	const char *stack_base;	/* the C stack where the run began */
	int silent;		/* the innermost try has no catch: messages are unseen */
	int utc;		/* the local zone is UTC: mktime is timegm */
	struct buf dec;		/* decoding strings (str_get, keys) */
	struct buf scratch;	/* dumps and formats */
	struct buf text;	/* dumps handed to the emitter */
	struct buf msg;		/* error messages */
	struct regex_cache *rx;
};

/*
 * Recursion (recurse, while, gsub, flatten...) deeper than this much C
 * stack goes to libjq, which keeps its stack on the heap: worker threads
 * and sanitizers have less stack than a main thread.
 */
#define JQC_STACK_BUDGET ((size_t)1 << 20)

/* Frame addresses, not a local's: under ASan's detect_stack_use_after_return
 * locals live in a "fake stack" on the heap. */
static inline int
stack_deep(const struct jqc_eval *ev)
{
	uintptr_t a = (uintptr_t)__builtin_frame_address(0), b = (uintptr_t)ev->stack_base;
	return (a < b ? b - a : a - b) > JQC_STACK_BUDGET;
}

/* ----- jqc_value.c ----- */

/* A raw value over text p[0..n) (valid JSON, no blanks around). */
struct jqv jqv_raw(const char *p, size_t n);

/* The decoded bytes of a string value. */
void str_get(struct jqc_eval *ev, const struct jqv *v, const char **p, size_t *n);
/* A string value over bytes p[0..n) fixed to valid UTF-8 in the arena
 * (copying, replacing invalid sequences as jq does). */
struct jqv str_make(struct jqc_eval *ev, const char *p, size_t n);
/* A string value of a NUL-terminated static or arena text (valid UTF-8). */
struct jqv str_lit(const char *s);
/* Concatenation, growing a in place when it can. */
struct jqv str_concat(struct jqc_eval *ev, const struct jqv *a, const char *p, size_t n);
size_t utf8_count(const char *p, size_t n);

/* Arrays. */
size_t arr_len(const struct jqv *v);
/* Element i of an array value (i < length). */
struct jqv arr_get(const struct jqv *v, size_t i);
struct jqv arr_make(struct jqc_eval *ev, size_t n);	/* length 0, room for n */
/* Append x to the array a (a view), growing in place when it can. */
struct jqv arr_push(struct jqc_eval *ev, const struct jqv *a, const struct jqv *x);
/* A built array with the elements of v (a raw array is read once). */
struct jqv arr_built(struct jqc_eval *ev, const struct jqv *v);
static inline struct jqv *
arr_elems(const struct jqv *v)
{
	return v->u.a->v;
}

/* Iteration over a raw or built array, element by element. */
struct arr_it {
	const struct jqv *v;
	const char *p, *end;	/* raw */
	size_t i;		/* built */
};
void arr_it_init(struct arr_it *it, const struct jqv *v);
int arr_it_next(struct arr_it *it, struct jqv *x);

/* Objects. */
/* A built object with v's members (a raw object's duplicate keys
 * resolved as jq does: first position, last value). */
struct jqv obj_built(struct jqc_eval *ev, const struct jqv *v);
size_t obj_len(struct jqc_eval *ev, const struct jqv *v);
/* The value of key k in object v: 1, or 0 when it has none. */
int obj_get(struct jqc_eval *ev, const struct jqv *v, const char *k, size_t kn,
    struct jqv *out);
struct jqv obj_make(struct jqc_eval *ev, size_t n);
/* Set key k (bytes living as long as the record) to x, as jv_object_set:
 * an existing key keeps its place. */
struct jqv obj_set(struct jqc_eval *ev, const struct jqv *o, const char *k,
    size_t kn, const struct jqv *x);
static inline struct jqmem *
obj_mems(const struct jqv *v)
{
	return v->u.o->m;
}
/* o without key k (a copy). */
struct jqv obj_del(struct jqc_eval *ev, const struct jqv *o, const char *k, size_t kn);
/* Keys of a built object sorted as jq's keys sorts them (bytes). */
struct jqmem **obj_sorted(struct jqc_eval *ev, const struct jqv *o);

/* jq's order and equality (jv_cmp, jv_equal).  A NaN inside a container
 * makes jq 1.6's answer depend on identities of its values: those set
 * *bail. */
int jqv_cmp(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int *bail);
int jqv_equal(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b, int *bail);

/* jv_dump_string(v, 0) appended to out. */
void jqv_dump(struct jqc_eval *ev, struct buf *out, const struct jqv *v);
/* jv_dump_string_trunc into a message: at most bufsize - 1 bytes, "..."
 * at the end when cut. */
void jqv_dump_trunc(struct jqc_eval *ev, struct buf *out, const struct jqv *v, size_t bufsize);

/* Kind names as jq prints them. */
extern const char *const jqc_kind_names[];

/* ----- errors (jqc_eval.c) ----- */

/* Raise an error whose message is printf text (made valid UTF-8). */
int raise_fmt(struct jqc_eval *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int raise_val(struct jqc_eval *ev, const struct jqv *v);
/* Raise what ev->msg holds. */
int raise_msg(struct jqc_eval *ev);
/* "KIND (DUMP) msg", the dump cut as jq cuts it (type_error). */
int type_error(struct jqc_eval *ev, const struct jqv *v, const char *msg);
/* "KIND (DUMP) and KIND (DUMP) msg" (type_error2). */
int type_error2(struct jqc_eval *ev, const struct jqv *a, const struct jqv *b,
    const char *msg);

/* jq's jv_get: t[k]. */
int jqv_index(struct jqc_eval *ev, const struct jqv *t, const struct jqv *k,
    struct jqv *out);
/* Binary operators. */
int jqv_binop(struct jqc_eval *ev, int op, const struct jqv *a, const struct jqv *b,
    struct jqv *out);
/* @format applied to v. */
int jqv_format(struct jqc_eval *ev, const char *fmt, const struct jqv *v, struct jqv *out);
/* tostring */
struct jqv jqv_tostring(struct jqc_eval *ev, const struct jqv *v);

/* A double converted to int the way x86-64 converts it in jq's C: out of
 * range and NaN give INT_MIN. */
int jq_int(double d);
int64_t jq_intmax(double d);

/* ----- builtins (jqc_builtin.c) ----- */

struct builtin {
	const char *name;
	int nargs;
	cfn fn;
};

/* length */
int jqv_length(struct jqc_eval *ev, const struct jqv *in, struct jqv *out);

/* The value builtin called name with nargs arguments, or NULL. */
const struct builtin *builtin_find(const char *name, size_t len, int nargs);

/* ----- regular expressions (jqc_regex.c) ----- */

int jqc_match(struct jqc_eval *ev, const struct jqv *in, const struct jqv *re,
    const struct jqv *flags, int test, struct jqv *out);
void regex_cache_free(struct regex_cache *rc);

/* ----- dates (jqc_time.c) ----- */

int jqc_strptime(struct jqc_eval *ev, const struct jqv *in, const struct jqv *fmt, struct jqv *out);
int jqc_strftime(struct jqc_eval *ev, const struct jqv *in, const struct jqv *fmt, struct jqv *out);
int jqc_mktime(struct jqc_eval *ev, const struct jqv *in, struct jqv *out);
int jqc_gmtime(struct jqc_eval *ev, const struct jqv *in, struct jqv *out);
/* Whether local time is UTC (then mktime and timegm agree). */
int jqc_zone_is_utc(void);

#endif
