/*
 * json.h: JSON text without a tree: validating, canonical forms, jq's
 * ordering, and writing JSON values.
 *
 * trawl never re-serialises a record it passes through; these functions
 * work on the raw text of a value (a struct jval) and give the answers jq
 * 1.6 would give for the same text.
 *
 * Canonical text (json_canon) is the form in which jq-equal values are
 * byte-identical, so that keys can be compared and hashed as bytes:
 *   - no whitespace; null, true, false as themselves;
 *   - numbers as the double jq reads, printed "%.17g", with -0 as 0 and
 *     out-of-range magnitudes clamped to +-DBL_MAX as jq 1.6 prints them
 *     (so 79.0 and 79 are both "79");
 *   - strings decoded and re-encoded with only \" \\ and \u00XX (lowercase
 *     hex, for bytes below 0x20) escaped, invalid UTF-8 replaced by U+FFFD
 *     as jq does;
 *   - arrays in order; objects with duplicate keys resolved as jq does (the
 *     last one wins) and keys sorted bytewise.
 * It is documented in trawl(7) because --shard hashes it: never change it.
 */
#ifndef TRAWL_JSON_H
#define TRAWL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "util.h"

/* Kinds in jq's sort order. */
enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT };

/*
 * One value: its JSON text (the record's own bytes on the fast path, jq's
 * compact dump for values computed by libjq) and, for numbers, the double
 * jq sees.  text is not NUL-terminated and lives until the next evaluation.
 */
struct jval {
	enum jtype type;
	const char *text;
	size_t len;
	double num;
};

/*
 * Check that p[0..n) is exactly one JSON value with optional surrounding
 * whitespace, as jq 1.6's parser would accept it (RFC 8259 syntax with
 * jq's leniencies; nesting limited as jq 1.6's parser limits it, 256 levels
 * with an object counting twice while a member's value is read: deeper is
 * an error, never a crash).
 * Returns 0, or -1 with *msg (static text) and *where (byte offset).
 */
int json_validate(const char *p, size_t n, const char **msg, size_t *where);

/* p past a UTF-8 byte order mark at p[0..3) if there is one: a first line
 * written by some Windows tools starts with one, and jq skips it. */
const char *json_skip_bom(const char *p, const char *end);

/* Length of the valid JSON value starting at p (no leading whitespace),
 * or 0 when p does not start one. */
size_t json_skip(const char *p, size_t n);

/* Append the canonical text of a valid JSON value to out. */
void json_canon(struct buf *out, const char *text, size_t len);

/* Digest of the canonical text; scratch is reused to avoid allocation. */
struct digest json_digest(const char *text, size_t len, struct buf *scratch);

/* Compare two valid JSON values in jq's sort order: <0, 0 (jq-equal), >0. */
int json_cmp(const char *a, size_t alen, const char *b, size_t blen);

/*
 * jq's order of two strings, and so of object keys, given as their
 * decoded bytes: bytewise, a prefix before the longer string; <0, 0, >0
 * (memcmp's sign: every caller reads only the sign).  json_cmp and the
 * compiled evaluator's order and equality of values (lib/jqc_value.c)
 * both compare keys with it, so that the two agree; inline because
 * sorting an object's members calls it per comparison.
 */
static inline int
json_bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r)
		return r;
	return alen < blen ? -1 : alen > blen;
}

/* Append the decoded content of a JSON string literal (quotes included in
 * text) as UTF-8, invalid sequences replaced by U+FFFD. */
void json_unescape(struct buf *out, const char *text, size_t len);

/* The number a JSON number text stands for, as jq 1.6 reads it. */
double json_number(const char *text, size_t len);

/*
 * Writers.  Every number written reads back as the same double; integers
 * within 2^53 are written as integers, other doubles in the shortest form
 * that round-trips, laid out as jq 1.6 lays it out (1e+22, 1e-05,
 * 123456789012345680000000000000: jq's jvp_dtoa_fmt).
 */
void json_put_string(struct buf *out, const char *s, size_t n); /* quoted, escaped */
void json_put_i64(struct buf *out, int64_t v);
void json_put_u64(struct buf *out, uint64_t v);
void json_put_double(struct buf *out, double v);

/*
 * Values as jq 1.6 writes them.  A value's own text is written as it
 * stands when it is JSON that jq reads as the same value: whitespace,
 * escapes and spellings such as 1E22 or 2.50 are kept (and integers above
 * 2^53, which jq would round).  json_needs_normal says, in one pass over
 * the text and without allocating, when it is not: a number jq reads but
 * RFC 8259 does not write (+1, -01, .5, 2., Inf, NaN, infinity), one that
 * overflows a double (1e999), or a string with invalid UTF-8, a \u escape
 * of a lone low surrogate or a NUL byte.  json_put_value then writes the
 * valid value p[0..len) as `jq -c .` writes it: numbers in jq's shortest
 * form (infinities as +-1.7976931348623157e+308, NaN as null), strings
 * with invalid UTF-8 and lone surrogates as U+FFFD and jq's escapes, a
 * repeated object key once, where it first stood, with its last value.
 */
int json_needs_normal(const char *text, size_t len);
void json_put_value(struct buf *out, const char *text, size_t len);
/* A valid value's text as it stands, or as json_put_value writes it. */
void json_put_text(struct buf *out, const char *text, size_t len);

/*
 * Splicing new members into a record without re-serialising it: returns
 * the offset of the closing '}' of the object that p[0..n) holds (trailing
 * whitespace allowed) and sets *empty when the object has no members, or
 * returns (size_t)-1 when the line is not an object.  Write p[0..off), then
 * ",\"name\":value" (no comma when *empty), then p[off..n).
 */
size_t json_object_end(const char *p, size_t n, int *empty);

/*
 * The buffers json.c keeps per thread so that numbers, canonical text and
 * comparisons do not allocate per call: a thread that ends calls this
 * first, or they leak.
 */
void json_thread_free(void);

#endif
