/*
 * jqc.h: the compiled jq evaluator, as lib/field.c sees it.
 *
 * jqc_compile turns an expression of jq 1.6's everyday language into an
 * immutable program, or says why it will not (the expression then goes to
 * libjq).  A program reads the record through two doors: the static paths
 * from the record's root that it names (".meta.geoCountry" inside a
 * select), which field.c's walk captures in the same scan that validates
 * the line, and the whole record's text, navigated lazily.  Everything a
 * run needs that changes (arena, regex cache, scratch) lives in a struct
 * jqc_eval, one per fieldset, so that programs can be shared by threads.
 */
#ifndef TRAWL_JQC_H
#define TRAWL_JQC_H

#include <stddef.h>

#include "json.h"

/* One step of a static path: a member name or a non-negative index. */
struct jqc_step {
	int index;		/* 1: [n]; 0: a name */
	char *name;		/* decoded, NUL-terminated (for messages) */
	size_t nlen;
	long n;
	int opt;		/* '?' after the step */
};

/* What the walk found at the end of a static path (see field.c). */
enum jqc_pstate { JQC_NONE, JQC_VALUE, JQC_NULL, JQC_ERROR };

struct jqc_capture {
	enum jqc_pstate st;
	const char *p;		/* JQC_VALUE: the value's text in the line */
	size_t n;
	int ekind;		/* JQC_ERROR: the kind indexed (enum jtype) */
	int estep;		/* and the step that failed */
};

struct jqc_prog;
struct jqc_eval;

/*
 * Compile expr; NULL when it is not compiled, with the reason in why
 * ("input_filename is not compiled").  A program never accepts an
 * expression libjq would reject.
 */
struct jqc_prog *jqc_compile(const char *expr, char *why, size_t whylen);
void jqc_free(struct jqc_prog *p);

/* The static root paths the program reads: path i has *nsteps steps. */
int jqc_npaths(const struct jqc_prog *p);
const struct jqc_step *jqc_path(const struct jqc_prog *p, int i, int *nsteps);

/* The message jq gives for indexing a value of kind k with step st. */
void jqc_index_error(struct buf *err, int k, const struct jqc_step *st);

struct jqc_eval *jqc_eval_new(void);
void jqc_eval_free(struct jqc_eval *ev);
/* Forget the previous record's values (call before each record's runs). */
void jqc_eval_reset(struct jqc_eval *ev);

/*
 * Called for each output: v->text is the record's own bytes for an
 * unchanged subtree of the input (computed == 0), or jq's dump in a
 * scratch buffer valid until the callback returns (computed == 1).
 * Return 0 to go on, 1 to stop (only the first value was wanted).
 */
typedef int (*jqc_emit_fn)(void *ctx, const struct jval *v, int computed);

enum jqc_rc {
	JQC_OK = 0,		/* every output emitted (or stopped by emit) */
	JQC_ERR = -1,		/* jq raised an error: jqc_error() */
	JQC_BAIL = -2,		/* a case only libjq answers exactly: ask it */
};

/*
 * Run program p on a record whose root value is line[0..n) (validated
 * JSON, no surrounding blanks), with caps[i] what the walk found for
 * path i.
 */
enum jqc_rc jqc_run(struct jqc_eval *ev, const struct jqc_prog *p,
    const char *root, size_t n, const struct jqc_capture *caps,
    jqc_emit_fn emit, void *ctx);
const char *jqc_error(const struct jqc_eval *ev);

#endif
