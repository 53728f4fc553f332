/*
 * field.h: field expressions in jq's language, evaluated per record.
 *
 * A tool compiles all its expressions into one fieldset and evaluates the
 * set once per line.  One scan of the raw line, shared by every field of
 * the set, validates the whole line.  Plain paths (.a, .a.b, .a["x y"],
 * .a[0], .a.b?, ."a") are answered by that scan alone.  Expressions of
 * jq's everyday language (trawl(7) lists it) are compiled into programs
 * that run over the raw line, fed by the same scan, without libjq.  Any
 * other expression is compiled by libjq 1.6; the line is then parsed once
 * per record and shared by every libjq field.  libjq is initialised only
 * when some expression needs it.  No path allocates per record once warm.
 *
 * Every path gives exactly what jq 1.6 gives: values, their order, and
 * errors with jq's words ("Cannot index string with string \"b\"").
 * Setting TRAWL_NO_FASTPATH=1 in the environment sends every expression
 * through libjq (the differential tests use it).  A compiled expression
 * hands the rare record only libjq can answer exactly to libjq;
 * TRAWL_NO_BAIL=1 makes that an error instead, so that tests see it.
 */
#ifndef TRAWL_FIELD_H
#define TRAWL_FIELD_H

#include <stddef.h>

#include "json.h"

struct fieldset;

struct fieldset *fs_new(void);
void fs_free(struct fieldset *fs);

/* Flags for fs_add. */
#define FS_FIRST 1	/* only the first value is wanted: stop after it */

/*
 * Compile expr as the next field; returns its index (0, 1, ...), or -1
 * with a message in err (e.g. "jq: error: syntax error ...") when it does
 * not compile.
 */
int fs_add(struct fieldset *fs, const char *expr, int flags, char *err, size_t errlen);

/*
 * A fieldset with the same expressions, for another thread: a fieldset is
 * evaluated by one thread at a time, and what it needs per evaluation
 * (scan state, libjq's jq_state, values) is its own.  NULL with a message
 * in err when an expression does not compile again (out of memory).
 */
struct fieldset *fs_clone(const struct fieldset *fs, char *err, size_t errlen);

/* How many fields fs has. */
int fs_fields(const struct fieldset *fs);

/* Which path field i takes. */
enum fs_path { FS_PLAIN, FS_COMPILED, FS_LIBJQ };
enum fs_path fs_path(const struct fieldset *fs, int i);

/*
 * For TRAWL_EXPLAIN: "plain path", "compiled" or "libjq (WHY)", WHY
 * naming what the compiler does not take ("input_filename is not
 * compiled").  Valid until the next call.
 */
const char *fs_explain(struct fieldset *fs, int i);

/*
 * Evaluate every field on one line (p[0..n), no newline).  Returns 0, or -1
 * when the line is not exactly one JSON value or an expression raised an
 * error on it; fs_error() then says what, without location (the caller
 * adds FILE:LINE).  Values live until the next fs_eval.
 */
int fs_eval(struct fieldset *fs, const char *p, size_t n);
const char *fs_error(const struct fieldset *fs);

/* All values field i yielded (nulls included), in order. */
size_t fs_count(const struct fieldset *fs, int i);
const struct jval *fs_value(const struct fieldset *fs, int i, size_t k);

/* The first value of field i, or NULL when it yielded nothing or null:
 * what trawl(7) calls missing. */
const struct jval *fs_first(const struct fieldset *fs, int i);

#endif
