/*
 * jscan.h: the validating JSON scanner that json.c and field.c share.
 *
 * Internal to lib/: json.h is the public contract.  The scanner accepts
 * what jq 1.6's parser accepts (see json.c for the exact language), so the
 * field fast path and the libjq path agree on which lines are JSON.
 */
#ifndef TRAWL_JSCAN_H
#define TRAWL_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/*
 * jq 1.6's parser refuses to open a container when its stack already holds
 * 256 entries; an object holds two (itself and the pending key) while one
 * of its values is being read, an array one.
 */
#define JSCAN_MAX_DEPTH 256

struct jscan_err {
	const char *msg;	/* static text, lower case */
	const char *at;		/* where it was noticed */
};

/* Whitespace as jq reads it between tokens. */
static inline int
jscan_isws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

static inline const char *
jscan_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' && jscan_isws((unsigned char)*p))
		p++;
	return p;
}

/*
 * Validate one value starting exactly at p, inside containers that already
 * weigh wdepth (0 at top level).  Returns the end of the value, or NULL
 * with *e set.
 */
const char *jscan_value(const char *p, const char *end, int wdepth,
    struct jscan_err *e);

/*
 * Validate a string body: p is just after the opening quote.  Returns the
 * position after the closing quote, or NULL.  *esc is set when the body
 * holds a backslash escape (so the raw bytes are not the decoded ones).
 */
const char *jscan_string(const char *p, const char *end, int *esc,
    struct jscan_err *e);

/* Bytes that end a literal or number token: whitespace, '"' and structure. */
extern const unsigned char jscan_delim[256];

/* The escape after a backslash (p is just after it): the position after
 * it, or NULL with *e set. */
const char *jscan_escape(const char *p, const char *end, struct jscan_err *e);

/* The end of the longest -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? at p, or
 * NULL when p does not start one: the number spelling read without
 * strtod (a token is that number only if a delimiter or the end follows). */
const char *jscan_plain_number(const char *p, const char *end);

/* Validate a literal or number token at p; sets *type. */
const char *jscan_token(const char *p, const char *end, enum jtype *type,
    struct jscan_err *e);

/*
 * The end of the value at p (no leading whitespace), which is known to be
 * valid (validated before): for navigating a record without reading it
 * again.  No nesting limit, no checks.
 */
const char *jscan_skip(const char *p, const char *end);

/* The kind of a valid value text starting at p (no leading whitespace). */
enum jtype jscan_kind(const char *p, size_t n);

/* Append the decoded bytes of a string body (between the quotes) with
 * invalid UTF-8 replaced as jq replaces it. */
void jscan_decode(struct buf *out, const char *p, size_t n);

/*
 * The block scanner's kernels (lib/simd.c), slowest first.  The scalar one
 * is the functions above; the others classify 64-byte blocks with SIMD.
 */
enum jscan_kernel { JSCAN_SCALAR, JSCAN_AVX2, JSCAN_AVX512 };

/* The kernels this machine runs, bit k for kernel k (scalar always). */
unsigned jscan_kernels(void);

/* The kernel this process uses: TRAWL_SIMD=0 (or scalar), avx2 or avx512
 * when set, else the fastest; a kernel the machine lacks gives way to the
 * best one below it.  Chosen at the first call. */
enum jscan_kernel jscan_kernel(void);

const char *jscan_kernel_name(enum jscan_kernel k);

/*
 * 1 when kernel k finds p[0..n) (no byte order mark) to be one JSON value
 * that the scalar scanner accepts; 0 when it is not one, or when the
 * kernel leaves the question to the scalar scanner (rare spellings, raw
 * control bytes in strings, deep nesting), and always for JSCAN_SCALAR or
 * a kernel the machine lacks.  Never 1 for a line json_validate refuses.
 */
int jscan_fast_validate(enum jscan_kernel k, const char *p, size_t n);

/*
 * What a kernel learns of a valid line while validating it, kept so that
 * the line can be navigated without reading it again.  Per 64-byte block
 * of p (bit i for byte i): the brackets that open and close containers,
 * the opening quotes of object keys, and how many containers are open
 * where the block begins (the line's value counts: its members are at
 * depth 1).  Reused from line to line; the arrays grow with the longest.
 */
struct jscan_index {
	const char *p;		/* the text indexed */
	size_t n;
	size_t nblocks;
	uint64_t *open, *close, *keys;
	uint64_t *keys1;	/* the keys of the line's value (depth 1) */
	uint64_t *k1map;	/* bit b: block b holds some of them */
	uint8_t *depth;
	int escapes;		/* a backslash somewhere: a key's raw bytes may not be its name */
	size_t cap;
};

/* Lines longer than this are not indexed (the index takes 25 bytes a
 * block): the scalar scanner reads them. */
#define JSCAN_INDEX_MAX ((size_t)16 << 20)

/* jscan_fast_validate, filling ix when the answer is 1. */
int jscan_fast_index(enum jscan_kernel k, const char *p, size_t n,
    struct jscan_index *ix);
void jscan_index_free(struct jscan_index *ix);

/* The end (offset past it) of the value at offset v of an indexed line:
 * an object or array through the index, anything else by its bytes. */
size_t jscan_index_end(const struct jscan_index *ix, size_t v);

/*
 * The keys of the object at offset obj of an indexed line ('{' there), in
 * the line's order: jscan_members_next gives the offset of each key's
 * opening quote, then (size_t)-1.  bound is an offset past the object's
 * end but before any later object of the same depth: the next key of the
 * object around it, or the line's length for the line's value.
 */
struct jscan_members {
	const struct jscan_index *ix;
	size_t b, last;		/* the block being read; the one with bound */
	size_t first;		/* the block with the object's '{' */
	uint64_t keys;		/* its keys not yet looked at */
	uint64_t endmask;	/* the bits of block last before bound */
	uint64_t firstmask;	/* the bits of block first after the '{' */
	unsigned t;		/* the members' depth */
	int top;		/* the line's value: keys1, no depth to check */
	int flat;		/* block b holds no bracket: no depth to check */
};
void jscan_members_start(struct jscan_members *it, const struct jscan_index *ix,
    size_t obj, size_t bound);
size_t jscan_members_next(struct jscan_members *it);

/*
 * The same keys from the last to the first (jscan_members_prev, then
 * (size_t)-1): under jq's rule that the last of duplicate keys wins, a
 * walk looking for some names can stop at the last occurrence of each.
 */
void jscan_members_rstart(struct jscan_members *it, const struct jscan_index *ix,
    size_t obj, size_t bound);
size_t jscan_members_prev(struct jscan_members *it);

/* jscan_skip with kernel k; NULL for JSCAN_SCALAR or a kernel the machine
 * lacks. */
const char *jscan_fast_skip(enum jscan_kernel k, const char *p, const char *end);

#endif
