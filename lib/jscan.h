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

#endif
