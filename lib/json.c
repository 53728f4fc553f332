/*
 * json.c: validating, canonical forms, jq's ordering and writers over raw
 * JSON text (see json.h).
 *
 * The language accepted is jq 1.6's: RFC 8259 plus what jq's parser lets
 * through on purpose, so that a line jq reads is a line trawl reads:
 *   - number tokens as jq's strtod reads them: a sign '+' or '-', leading
 *     zeros, ".5", "1.", and nan, inf, infinity in any case;
 *   - raw bytes 0x00 and 0x1f inside strings (jq checks 0 < c < 0x1f), and
 *     invalid UTF-8 (replaced by U+FFFD when decoded);
 *   - a UTF-8 byte order mark at the start of the text;
 *   - nesting limited as jq limits it (JSCAN_MAX_DEPTH).
 * Two accidents of jq's parser are not reproduced, because they change
 * data without a word: a NUL byte ends a number token early ("1\0x" reads
 * as 1, "\0" as 0), and strtod skips a leading form feed or vertical tab
 * inside a token.  Both are errors here.
 *
 * Speed.  This scalar scanner reads one token after another, skipping
 * string bodies 16 bytes at a time: about 12 cycles a token on real pings
 * (a token every 4 bytes or so), about 1 GB/s, bound by mispredicted
 * branches; SSE2 two-stage designs measured in the first round gave no
 * gain (commit a3eb04e).  json_validate first asks the AVX2 or AVX-512
 * kernel of lib/simd.c, which validates 64-byte blocks with bit-parallel
 * rules and leaves to this scanner what it cannot settle in bulk, and
 * every invalid line, so that messages are this scanner's.
 */
#define _GNU_SOURCE	/* strtod_l, newlocale, uselocale */
#include <float.h>
#include <inttypes.h>
#include <locale.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jscan.h"
#include "json.h"
#include "utf8.h"

/* ----- scanning ----- */

/* Bytes that end a literal or number token: jq's whitespace and structure. */
const unsigned char jscan_delim[256] = {
	[' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1,
	['['] = 1, [']'] = 1, ['{'] = 1, ['}'] = 1, [','] = 1, [':'] = 1,
};

static const char *
fail(struct jscan_err *e, const char *msg, const char *at)
{
	e->msg = msg;
	e->at = at;
	return NULL;
}

/* Four hex digits at p (p + 4 <= end checked by the caller), or -1. */
static long
hex4(const char *p)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

const char *
jscan_escape(const char *p, const char *end, struct jscan_err *e)
{
	if (p >= end)
		return fail(e, "unfinished string", p);
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n':
	case 'r': case 't':
		return p + 1;
	case 'u':
		break;
	default:
		return fail(e, "invalid escape", p);
	}
	if (end - p < 5)
		return fail(e, "invalid \\uXXXX escape", p);
	long cp = hex4(p + 1);
	if (cp < 0)
		return fail(e, "invalid characters in \\uXXXX escape", p);
	p += 5;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		/* jq requires the low half at once; a lone low half is
		 * allowed and decodes to U+FFFD. */
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
			return fail(e, "invalid \\uXXXX\\uXXXX surrogate pair escape", p);
		long lo = hex4(p + 2);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(e, "invalid \\uXXXX\\uXXXX surrogate pair escape", p);
		p += 6;
	}
	return p;
}

const char *
jscan_string(const char *p, const char *end, int *esc, struct jscan_err *e)
{
	for (;;) {
#ifdef __SSE2__
		/* Skip 16 bytes at a time to the next quote, backslash or
		 * control byte (c <= 0x1f, unsigned). */
		const __m128i q = _mm_set1_epi8('"');
		const __m128i bs = _mm_set1_epi8('\\');
		const __m128i c1f = _mm_set1_epi8(0x1f);
#define SPECIAL(v) _mm_or_si128( \
	    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)), \
	    _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v))
		/* Most strings end within 16 bytes; long ones (user agents,
		 * URLs) then go 64 bytes a branch. */
		if (end - p >= 16) {
			unsigned bits = (unsigned)_mm_movemask_epi8(
			    SPECIAL(_mm_loadu_si128((const __m128i *)(const void *)p)));
			if (bits) {
				p += __builtin_ctz(bits);
				goto special;
			}
			p += 16;
		}
		while (end - p >= 64) {
			__m128i m0 = SPECIAL(_mm_loadu_si128((const __m128i *)(const void *)p));
			__m128i m1 = SPECIAL(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
			__m128i m2 = SPECIAL(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
			__m128i m3 = SPECIAL(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
			if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(m0, m1),
			    _mm_or_si128(m2, m3))) == 0) {
				p += 64;
				continue;
			}
			uint64_t bits = (uint64_t)(unsigned)_mm_movemask_epi8(m0) |
			    (uint64_t)(unsigned)_mm_movemask_epi8(m1) << 16 |
			    (uint64_t)(unsigned)_mm_movemask_epi8(m2) << 32 |
			    (uint64_t)(unsigned)_mm_movemask_epi8(m3) << 48;
			p += __builtin_ctzll(bits);
			goto special;
		}
#undef SPECIAL
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i m = _mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
			    _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v));
			unsigned bits = (unsigned)_mm_movemask_epi8(m);
			if (bits) {
				p += __builtin_ctz(bits);
				goto special;
			}
			p += 16;
		}
#endif
		for (;;) {
			if (p >= end)
				return fail(e, "unfinished string", p);
			unsigned char c = (unsigned char)*p;
			if (c == '"' || c == '\\' || c <= 0x1f)
				break;
			p++;
		}
#ifdef __SSE2__
special:
#endif
		switch (*p) {
		case '"':
			return p + 1;
		case '\\':
			*esc = 1;
			p = jscan_escape(p + 1, end, e);
			if (p == NULL)
				return NULL;
			break;
		case 0: case 0x1f:
			p++;
			break;
		default:
			return fail(e, "invalid string: control characters from "
			    "U+0000 through U+001F must be escaped", p);
		}
	}
}

static int
ieq(const char *p, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((p[i] | 0x20) != lit[i])
			return 0;
	return 1;
}

/* Whether p[0..n) is a number as jq's strtod reads a whole token. */
static int
strtod_token(const char *p, size_t n)
{
	const char *s = p, *end = p + n;
	if (s < end && (*s == '+' || *s == '-'))
		s++;
	size_t rest = (size_t)(end - s);
	if (ieq(s, rest, "nan") || ieq(s, rest, "inf") || ieq(s, rest, "infinity"))
		return 1;
	int digits = 0;
	while (s < end && *s >= '0' && *s <= '9')
		s++, digits++;
	if (s < end && *s == '.')
		for (s++; s < end && *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		if (s >= end || *s < '0' || *s > '9')
			return 0;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
	}
	return s == end;
}

const char *
jscan_plain_number(const char *p, const char *end)
{
	const char *s = p;

	if (s < end && *s == '-')
		s++;
	if (s >= end || (unsigned)(*s - '0') >= 10)
		return NULL;
	do
		s++;
	while (s < end && (unsigned)(*s - '0') < 10);
	if (s < end && *s == '.' && s + 1 < end && (unsigned)(s[1] - '0') < 10) {
		s += 2;
		while (s < end && (unsigned)(*s - '0') < 10)
			s++;
	}
	if (s < end && (*s | 0x20) == 'e') {
		const char *x = s + 1;
		if (x < end && (*x == '+' || *x == '-'))
			x++;
		if (x < end && (unsigned)(*x - '0') < 10) {
			do
				x++;
			while (x < end && (unsigned)(*x - '0') < 10);
			s = x;
		}
	}
	return s;
}

const char *
jscan_token(const char *p, const char *end, enum jtype *type,
    struct jscan_err *e)
{
	const char *s;

	/* The common spelling first: -?[0-9]+(.[0-9]+)?([eE][+-]?[0-9]+)? */
	s = jscan_plain_number(p, end);
	if (s != NULL && (s == end || jscan_delim[(unsigned char)*s])) {
		*type = J_NUMBER;
		return s;
	}

	/* Everything else: the whole token as jq cuts it. */
	s = p;
	while (s < end && !jscan_delim[(unsigned char)*s])
		s++;
	size_t n = (size_t)(s - p);
	if (n == 0)
		return fail(e, "expected a value", p);
	const char *lit = NULL;
	enum jtype t = J_NULL;
	switch (*p) {
	case 't': lit = "true"; t = J_TRUE; break;
	case 'f': lit = "false"; t = J_FALSE; break;
	case 'n':
		/* As in jq: a three-letter token may still be "nan". */
		if (n != 3) {
			lit = "null";
			t = J_NULL;
		}
		break;
	}
	if (lit) {
		if (n != strlen(lit) || memcmp(p, lit, n) != 0)
			return fail(e, "invalid literal", p);
		*type = t;
		return s;
	}
	if (!strtod_token(p, n))
		return fail(e, "invalid numeric literal", p);
	*type = J_NUMBER;
	return s;
}

const char *
jscan_value(const char *p, const char *end, int wdepth, struct jscan_err *e)
{
	/* 1 for an object, 0 for an array; the weighted depth bounds it. */
	unsigned char stack[JSCAN_MAX_DEPTH];
	int sp = 0, wd = wdepth, esc;
	enum jtype t;

value:
	if (p >= end)
		return fail(e, "unfinished JSON term", p);
	switch (*p) {
	case '"':
		p = jscan_string(p + 1, end, &esc, e);
		if (p == NULL)
			return NULL;
		break;
	case '[':
		if (wd >= JSCAN_MAX_DEPTH)
			return fail(e, "exceeds depth limit for parsing", p);
		stack[sp++] = 0;
		wd += 1;
		p = jscan_ws(p + 1, end);
		if (p < end && *p == ']') {
			p++;
			sp--;
			wd -= 1;
			break;
		}
		goto value;
	case '{':
		if (wd >= JSCAN_MAX_DEPTH)
			return fail(e, "exceeds depth limit for parsing", p);
		stack[sp++] = 1;
		wd += 2;
		p = jscan_ws(p + 1, end);
		if (p < end && *p == '}') {
			p++;
			sp--;
			wd -= 2;
			break;
		}
		goto key;
	case ']': case '}': case ',': case ':':
		return fail(e, "expected a value", p);
	default:
		p = jscan_token(p, end, &t, e);
		if (p == NULL)
			return NULL;
		break;
	}

after:
	if (sp == 0)
		return p;
	if (p < end && (unsigned char)*p <= ' ')
		p = jscan_ws(p, end);
	if (p >= end)
		return fail(e, "unfinished JSON term", p);
	if (*p == ',') {
		p++;
		if (p < end && (unsigned char)*p <= ' ')
			p = jscan_ws(p, end);
		if (stack[sp - 1])
			goto key;
		goto value;
	}
	if (*p == (stack[sp - 1] ? '}' : ']')) {
		p++;
		wd -= stack[sp - 1] ? 2 : 1;
		sp--;
		goto after;
	}
	return fail(e, "expected separator between values", p);

key:
	if (p >= end || *p != '"')
		return fail(e, "object keys must be strings", p);
	p = jscan_string(p + 1, end, &esc, e);
	if (p == NULL)
		return NULL;
	if (p < end && (unsigned char)*p <= ' ')
		p = jscan_ws(p, end);
	if (p >= end || *p != ':')
		return fail(e, "objects must consist of key:value pairs", p);
	p++;
	if (p < end && (unsigned char)*p <= ' ')
		p = jscan_ws(p, end);
	goto value;
}

enum jtype
jscan_kind(const char *p, size_t n)
{
	switch (*p) {
	case '"': return J_STRING;
	case '[': return J_ARRAY;
	case '{': return J_OBJECT;
	case 't': return J_TRUE;
	case 'f': return J_FALSE;
	case 'n': return n == 4 ? J_NULL : J_NUMBER;	/* "nan" */
	default: return J_NUMBER;
	}
}

const char *
json_skip_bom(const char *p, const char *end)
{
	if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		return p + 3;
	return p;
}

int
json_validate(const char *p, size_t n, const char **msg, size_t *where)
{
	const char *end = p + n, *s;
	struct jscan_err e;
	enum jscan_kernel k = jscan_kernel();

	s = json_skip_bom(p, end);
	if (k != JSCAN_SCALAR && jscan_fast_validate(k, s, (size_t)(end - s)))
		return 0;
	s = jscan_ws(s, end);
	if (s == end) {
		e.msg = "expected a JSON value";
		e.at = s;
		goto bad;
	}
	s = jscan_value(s, end, 0, &e);
	if (s == NULL)
		goto bad;
	s = jscan_ws(s, end);
	if (s != end) {
		e.msg = "unexpected extra JSON values";
		e.at = s;
		goto bad;
	}
	return 0;
bad:
	*msg = e.msg;
	*where = (size_t)(e.at - p);
	return -1;
}

size_t
json_skip(const char *p, size_t n)
{
	struct jscan_err e;
	const char *s = jscan_value(p, p + n, 0, &e);
	return s ? (size_t)(s - p) : 0;
}

/*
 * The end of the value at p, known to be valid JSON, without the nesting
 * limit: values that libjq computed may nest deeper than its own parser
 * accepts, and canonical forms and comparisons must still work on them.
 */
static const char *
skip_valid(const char *p, const char *end)
{
	struct jscan_err e;
	int esc;
	size_t depth = 0;

	if (*p == '"')
		return jscan_string(p + 1, end, &esc, &e);
	if (*p != '{' && *p != '[') {
		while (p < end && !jscan_delim[(unsigned char)*p])
			p++;
		return p;
	}
	for (;;) {
		switch (*p) {
		case '"':
			p = jscan_string(p + 1, end, &esc, &e);
			continue;
		case '{': case '[':
			depth++;
			break;
		case '}': case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
}

const char *
jscan_skip(const char *p, const char *end)
{
	enum jscan_kernel k = jscan_kernel();
	const char *e;

	if (k != JSCAN_SCALAR && (e = jscan_fast_skip(k, p, end)) != NULL)
		return e;
	return skip_valid(p, end);
}

/* ----- strings ----- */

/* jq's UTF-8 tables (jv_unicode.c): sequence length by first byte, with
 * 0 for bytes that never start one and 255 for continuation bytes. */
#define UTF8_CONT 255
static unsigned char
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xC0)
		return UTF8_CONT;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return 2;
	if (c < 0xF0)
		return 3;
	if (c < 0xF5)
		return 4;
	return 0;
}

/*
 * One step of jq's jvp_utf8_next: the code point at p (or -1 for an
 * invalid sequence) and the bytes it covers.
 */
long
utf8_next(const unsigned char *p, const unsigned char *end, size_t *len)
{
	static const long first_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned char c = p[0];
	unsigned l = utf8_len(c);

	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (l == 0 || l == UTF8_CONT) {
		*len = 1;
		return -1;
	}
	if ((size_t)(end - p) < l) {
		*len = (size_t)(end - p);
		return -1;
	}
	long cp = c & (0xFF >> (l + 1));
	for (unsigned i = 1; i < l; i++) {
		if (utf8_len(p[i]) != UTF8_CONT) {
			*len = i;
			return -1;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*len = l;
	if (cp < first_cp[l] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return -1;
	return cp;
}

size_t
utf8_put(char *o, long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Whether p[0..n) is valid UTF-8 by jq's rules. */
int
utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	while (s < end) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		size_t l;
		if (utf8_next(s, end, &l) < 0)
			return 0;
		s += l;
	}
	return 1;
}

/*
 * Replace invalid UTF-8 in out->p[from..len) as jq does.  Each input byte
 * becomes at most 3 output bytes, so the bytes are first moved 3n up and
 * rewritten forwards: the writer never overtakes the reader.
 */
void
utf8_fix(struct buf *out, size_t from)
{
	size_t n = out->len - from;
	if (utf8_valid(out->p + from, n))
		return;
	buf_reserve(out, 3 * n);
	char *src = out->p + from + 3 * n;
	memmove(src, out->p + from, n);
	const unsigned char *s = (const unsigned char *)src, *end = s + n;
	char *o = out->p + from;
	while (s < end) {
		size_t l;
		long cp = utf8_next(s, end, &l);
		if (cp < 0)
			cp = 0xFFFD;
		o += utf8_put(o, cp);
		s += l;
	}
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
}

void
jscan_decode(struct buf *out, const char *p, size_t n)
{
	size_t from = out->len;
	const char *end = p + n;
	int high = 0;

	buf_reserve(out, n);
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		size_t run = (bs ? bs : end) - p;
		for (size_t i = 0; i < run; i++)
			high |= (unsigned char)p[i] >= 0x80;
		buf_add(out, p, run);
		if (bs == NULL)
			break;
		p = bs + 1;
		char c = *p++;
		switch (c) {
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u': {
			long cp = hex4(p);
			p += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				long lo = hex4(p + 2);
				p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10 | (lo - 0xDC00));
			}
			/* A lone low surrogate is encoded as it stands and
			 * then replaced below, as jq does. */
			char tmp[4];
			size_t l = utf8_put(tmp, cp);
			buf_add(out, tmp, l);
			high |= cp >= 0x80;
			continue;
		}
		default: break;	/* '"', '\\', '/' */
		}
		buf_addc(out, c);
	}
	if (high)
		utf8_fix(out, from);
}

void
json_unescape(struct buf *out, const char *text, size_t len)
{
	jscan_decode(out, text + 1, len - 2);
}

static const char hexdig[] = "0123456789abcdef";

/*
 * Escape out->p[from..len) in place for canonical text: only '"', '\\'
 * and bytes below 0x20 (as \u00xx).  Grows from the back so no copy of
 * the string is needed.
 */
static void
canon_escape(struct buf *out, size_t from)
{
	size_t extra = 0;
	for (size_t i = from; i < out->len; i++) {
		unsigned char c = (unsigned char)out->p[i];
		if (c == '"' || c == '\\')
			extra += 1;
		else if (c < 0x20)
			extra += 5;
	}
	if (extra == 0)
		return;
	buf_reserve(out, extra);
	char *s = out->p + out->len, *o = s + extra;
	char *lo = out->p + from;
	while (s > lo) {
		unsigned char c = (unsigned char)*--s;
		if (c == '"' || c == '\\') {
			*--o = (char)c;
			*--o = '\\';
		} else if (c < 0x20) {
			*--o = hexdig[c & 15];
			*--o = hexdig[c >> 4];
			*--o = '0';
			*--o = '0';
			*--o = 'u';
			*--o = '\\';
		} else {
			*--o = (char)c;
		}
	}
	out->len += extra;
	out->p[out->len] = '\0';
}

static void
canon_string(struct buf *out, const char *body, size_t n)
{
	buf_addc(out, '"');
	size_t from = out->len;
	jscan_decode(out, body, n);
	canon_escape(out, from);
	buf_addc(out, '"');
}

void
json_put_string(struct buf *out, const char *s, size_t n)
{
	/* jq's dump: short escapes where JSON has them, \u00xx for other
	 * control bytes and DEL, invalid UTF-8 replaced. */
	buf_reserve(out, n + 2);
	buf_addc(out, '"');
	size_t from = out->len;
	const char *end = s + n;
	int high = 0;
	while (s < end) {
		const char *r = s;
		while (r < end && (unsigned char)*r >= 0x20 && *r != '"' &&
		    *r != '\\' && *r != 0x7f) {
			high |= (unsigned char)*r >= 0x80;
			r++;
		}
		buf_add(out, s, (size_t)(r - s));
		if (r == end)
			break;
		unsigned char c = (unsigned char)*r;
		char e[6] = { '\\', 0 };
		size_t el = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\b': e[1] = 'b'; break;
		case '\f': e[1] = 'f'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hexdig[c >> 4];
			e[5] = hexdig[c & 15];
			el = 6;
		}
		buf_add(out, e, el);
		s = r + 1;
	}
	if (high)
		utf8_fix(out, from);
	buf_addc(out, '"');
}

/* ----- numbers ----- */

/* Numbers never meet a comma decimal point, whatever the caller's
 * locale.  Created once (by whichever thread needs it first), kept for
 * the life of the process. */
static locale_t c_locale_obj;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void
c_locale_init(void)
{
	c_locale_obj = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t
c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale_obj;
}

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static _Thread_local struct buf number_text;	/* json_number's long texts */

double
json_number(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int neg = 0;

	/*
	 * Exact fast path: up to 15 significant digits and at most 22
	 * fraction digits is one correctly rounded division (Clinger).
	 */
	if (p < end && *p == '-')
		neg = 1, p++;
	uint64_t m = 0;
	int nd = 0, frac = 0;
	while (p < end && (unsigned)(*p - '0') < 10 && nd < 16) {
		m = m * 10 + (uint64_t)(*p++ - '0');
		nd += m != 0;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && (unsigned)(*p - '0') < 10 && nd < 16) {
			m = m * 10 + (uint64_t)(*p++ - '0');
			nd += m != 0;
			frac++;
		}
	}
	if (p == end && nd <= 15 && frac <= 22 && p > text + neg &&
	    (unsigned)(text[neg] - '0') < 10) {
		double d = (double)m / pow10tab[frac];
		return neg ? -d : d;
	}

	/* Everything else (exponents, long mantissas, nan, inf, "+1", ".5")
	 * through the C library, which rounds correctly as jq's strtod does. */
	struct buf *big = &number_text;	/* reused: no malloc per call */
	char small[64], *z = small;
	if (len >= sizeof small) {
		buf_reset(big);
		buf_add(big, text, len);
		z = big->p;
	} else {
		memcpy(z, text, len);
		z[len] = '\0';
	}
	return strtod_l(z, NULL, c_locale());
}

/* Digits of v written backwards from end (20 bytes of room); returns the
 * first digit. */
static char *
u64_digits(char *end, uint64_t v)
{
	char *o = end;
	do {
		*--o = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return o;
}

void
json_put_u64(struct buf *out, uint64_t v)
{
	char b[24];
	char *o = u64_digits(b + sizeof b, v);
	buf_add(out, o, (size_t)(b + sizeof b - o));
}

void
json_put_i64(struct buf *out, int64_t v)
{
	if (v < 0) {
		buf_addc(out, '-');
		json_put_u64(out, (uint64_t)0 - (uint64_t)v);
	} else {
		json_put_u64(out, (uint64_t)v);
	}
}

static void
put_g(struct buf *out, int prec, double v)
{
	char b[40];
	locale_t old = uselocale(c_locale());
	int n = snprintf(b, sizeof b, "%.*g", prec, v);
	uselocale(old);
	buf_add(out, b, (size_t)n);
}

/* The canonical number: %.17g, -0 as 0, infinities as +-DBL_MAX, NaN as
 * null (jq prints a NaN as null). */
static void
canon_number(struct buf *out, double d)
{
	if (isnan(d)) {
		buf_adds(out, "null");
		return;
	}
	if (isinf(d))
		d = d < 0 ? -DBL_MAX : DBL_MAX;
	if (d == 0) {
		buf_addc(out, '0');
		return;
	}
	/* %.17g prints integers below 1e17 as plain digits. */
	if (fabs(d) < 1e17 && d == trunc(d)) {
		json_put_i64(out, (int64_t)d);
		return;
	}
	put_g(out, 17, d);
}

/*
 * The shortest digits that read back as v (dtoa's mode 0, as jq 1.6's
 * jvp_dtoa asks for them) and the decimal exponent: v = 0.DIGITS x
 * 10^decpt.  Fifteen correctly rounded digits never pass a shorter
 * representation by (a normal double has more than 15.9 digits), so they
 * are tried first and their trailing zeros dropped; then 16 and 17.  At
 * 16 digits a power of two, whose neighbour below is nearer than the one
 * above, may read back only through the digit string above the correctly
 * rounded one: dtoa finds that one too.  Subnormals have fewer digits to
 * give and are searched from one.
 */
static int
shortest(double v, char *digits, int *decpt)
{
	char b[40];
	int prec = fabs(v) < DBL_MIN ? 1 : 15;
	for (;; prec++) {
		snprintf(b, sizeof b, "%.*e", prec - 1, v);
		if (prec == 17 || strtod_l(b, NULL, c_locale()) == v)
			break;
		if (prec == 16) {
			int e;
			if (frexp(fabs(v), &e) == 0.5 &&
			    fabs(strtod_l(b, NULL, c_locale())) < fabs(v)) {
				/* the candidate one unit up in the last digit */
				char *p = b + (b[0] == '-');
				uint64_t m = 0;
				for (char *q = p; *q != 'e'; q++)
					if (*q != '.')
						m = m * 10 + (uint64_t)(*q - '0');
				int x = atoi(strchr(p, 'e') + 1);
				char c[48];
				snprintf(c, sizeof c, "%s%" PRIu64 "e%d", v < 0 ? "-" : "",
				    m + 1, x - 15);
				if (strtod_l(c, NULL, c_locale()) == v) {
					int n = snprintf(digits, 24, "%" PRIu64, m + 1);
					*decpt = x + 1 + (n - 16);
					while (n > 1 && digits[n - 1] == '0')
						n--;
					digits[n] = '\0';
					return n;
				}
			}
		}
	}
	/* b: [-]D.DDDDe[+-]XX */
	const char *p = b + (b[0] == '-');
	int n = 0;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[n++] = *p;
	*decpt = atoi(p + 1) + 1;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	return n;
}

void
json_put_double(struct buf *out, double v)
{
	if (isnan(v)) {
		buf_adds(out, "null");
		return;
	}
	if (isinf(v))
		v = v < 0 ? -DBL_MAX : DBL_MAX;
	if (v == 0) {
		buf_adds(out, signbit(v) ? "-0" : "0");
		return;
	}
	/* Integers below 1e16 are written whole in jq's layout too. */
	if (fabs(v) < 1e16 && v == trunc(v)) {
		json_put_i64(out, (int64_t)v);
		return;
	}
	char d[24], b[48], *o = b;
	int decpt;
	locale_t old = uselocale(c_locale());
	int n = shortest(v, d, &decpt);
	uselocale(old);
	if (v < 0)
		*o++ = '-';
	/* jvp_dtoa_fmt's layout */
	if (decpt <= -4 || decpt > n + 15) {
		*o++ = d[0];
		if (n > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)n - 1);
			o += n - 1;
		}
		int e = decpt - 1;
		*o++ = 'e';
		*o++ = e < 0 ? '-' : '+';
		if (e < 0)
			e = -e;
		o += snprintf(o, 8, "%02d", e);
	} else if (decpt <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = decpt; i < 0; i++)
			*o++ = '0';
		memcpy(o, d, (size_t)n);
		o += n;
	} else {
		for (int i = 0; i < n; i++) {
			*o++ = d[i];
			if (i + 1 == decpt && i + 1 < n)
				*o++ = '.';
		}
		for (int i = n; i < decpt; i++)
			*o++ = '0';
	}
	buf_add(out, b, (size_t)(o - b));
}

/* ----- objects: members in jq's key order ----- */

struct member {
	size_t koff, klen;	/* decoded key in members.keys */
	const char *v;		/* value text */
	size_t vlen;
	size_t idx;		/* position in the text: the last one wins */
	size_t first;		/* position of the key's first occurrence */
};

struct members {
	struct member *m;
	size_t n, cap;
	struct buf keys;
};

static _Thread_local const char *keys_base;	/* for qsort's comparator only */

static int
member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	int r = json_bytes_cmp(keys_base + x->koff, x->klen,
	    keys_base + y->koff, y->klen);
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Collect the members of the valid object at p, sorted bytewise by
 * decoded key with duplicates resolved as jq resolves them (the last one
 * wins).  Comparison is jq's string order: bytes, then length.
 */
static void
members_get(struct members *ms, const char *p, const char *end)
{
	struct jscan_err e;
	int esc;

	ms->n = 0;
	p = jscan_ws(p + 1, end);
	if (*p == '}')
		return;
	for (;;) {
		const char *k = p + 1;
		p = jscan_string(k, end, &esc, &e);
		if (ms->n == ms->cap) {
			ms->cap = ms->cap ? 2 * ms->cap : 8;
			ms->m = xreallocarray(ms->m, ms->cap, sizeof *ms->m);
		}
		struct member *m = &ms->m[ms->n];
		m->koff = ms->keys.len;
		jscan_decode(&ms->keys, k, (size_t)(p - 1 - k));
		m->klen = ms->keys.len - m->koff;
		m->idx = ms->n++;
		p = jscan_ws(jscan_ws(p, end) + 1, end);	/* past ':' */
		m->v = p;
		p = skip_valid(p, end);
		m->vlen = (size_t)(p - m->v);
		p = jscan_ws(p, end);
		if (*p == '}')
			break;
		p = jscan_ws(p + 1, end);
	}
	keys_base = ms->keys.p;
	/* An empty object has no array at all, and qsort wants one. */
	if (ms->n > 1)
		qsort(ms->m, ms->n, sizeof *ms->m, member_cmp);
	size_t w = 0, first = 0;
	for (size_t i = 0; i < ms->n; i++) {
		if (i == 0 || ms->m[i].klen != ms->m[i - 1].klen ||
		    memcmp(ms->keys.p + ms->m[i].koff,
		    ms->keys.p + ms->m[i - 1].koff, ms->m[i].klen) != 0)
			first = ms->m[i].idx;
		if (i + 1 < ms->n && ms->m[i].klen == ms->m[i + 1].klen &&
		    memcmp(ms->keys.p + ms->m[i].koff,
		    ms->keys.p + ms->m[i + 1].koff, ms->m[i].klen) == 0)
			continue;
		ms->m[w] = ms->m[i];
		ms->m[w++].first = first;
	}
	ms->n = w;
}

/*
 * Member lists for the objects being canonicalised or compared, one per
 * object open on the recursion's path (two per level for a comparison),
 * kept for the life of the thread so that keys and sort comparators do
 * not allocate per call once the pool has grown to the data's depth.
 */
static _Thread_local struct members **mpool;
static _Thread_local size_t mpool_n, mpool_cap, mpool_used;

static struct members *
members_take(void)
{
	if (mpool_used == mpool_n) {
		if (mpool_n == mpool_cap) {
			mpool_cap = mpool_cap ? 2 * mpool_cap : 8;
			mpool = xreallocarray(mpool, mpool_cap, sizeof *mpool);
		}
		mpool[mpool_n++] = xcalloc(1, sizeof **mpool);
	}
	struct members *ms = mpool[mpool_used++];
	buf_reset(&ms->keys);
	return ms;
}

/* Give back the most recently taken lists, n of them. */
static void
members_give(size_t n)
{
	mpool_used -= n;
}

/* ----- canonical text ----- */

static void
canon(struct buf *out, const char *p, const char *end)
{
	struct jscan_err e;
	int esc;

	p = jscan_ws(p, end);
	switch (*p) {
	case '"': {
		const char *q = jscan_string(p + 1, end, &esc, &e);
		canon_string(out, p + 1, (size_t)(q - 1 - (p + 1)));
		return;
	}
	case '[': {
		buf_addc(out, '[');
		p = jscan_ws(p + 1, end);
		if (*p != ']') {
			for (;;) {
				const char *q = skip_valid(p, end);
				canon(out, p, q);
				p = jscan_ws(q, end);
				if (*p == ']')
					break;
				buf_addc(out, ',');
				p = jscan_ws(p + 1, end);
			}
		}
		buf_addc(out, ']');
		return;
	}
	case '{': {
		struct members *ms = members_take();
		members_get(ms, p, end);
		buf_addc(out, '{');
		for (size_t i = 0; i < ms->n; i++) {
			if (i)
				buf_addc(out, ',');
			buf_addc(out, '"');
			size_t from = out->len;
			buf_add(out, ms->keys.p + ms->m[i].koff, ms->m[i].klen);
			canon_escape(out, from);
			buf_addc(out, '"');
			buf_addc(out, ':');
			canon(out, ms->m[i].v, ms->m[i].v + ms->m[i].vlen);
		}
		buf_addc(out, '}');
		members_give(1);
		return;
	}
	default: {
		enum jtype t;
		const char *q = jscan_token(p, end, &t, &e);
		if (t == J_NUMBER)
			canon_number(out, json_number(p, (size_t)(q - p)));
		else
			buf_add(out, p, (size_t)(q - p));
		return;
	}
	}
}

void
json_canon(struct buf *out, const char *text, size_t len)
{
	const char *end = text + len;
	canon(out, json_skip_bom(text, end), end);
}

struct digest
json_digest(const char *text, size_t len, struct buf *scratch)
{
	buf_reset(scratch);
	json_canon(scratch, text, len);
	return digest128(scratch->p, scratch->len);
}

/* ----- values as jq writes them ----- */

/* 1 when p[0..n) is a number as RFC 8259 spells it. */
static int
strict_number(const char *p, size_t n)
{
	const char *s = jscan_plain_number(p, p + n);

	if (s != p + n)
		return 0;
	/* jscan_plain_number's spelling allows leading zeros; RFC 8259's
	 * does not. */
	s = p + (*p == '-');
	return !(s[0] == '0' && s + 1 < p + n && s[1] >= '0' && s[1] <= '9');
}

/* 1 when the string body p[0..end) (after its opening quote) is not
 * written as jq writes it: invalid UTF-8, a \u escape of a lone low
 * surrogate (jq writes U+FFFD for either), or a NUL byte (jq writes
 * \u0000).  *q is set past the closing quote. */
static int
string_needs_normal(const char *p, const char *end, const char **q)
{
	const unsigned char *s = (const unsigned char *)p, *e = (const unsigned char *)end;
	int bad = 0;

	while (s < e && *s != '"') {
		unsigned char c = *s;
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			/* The common run of plain ASCII, eight bytes a step
			 * while no byte is a quote, a backslash, a control
			 * or a non-ASCII byte. */
			s++;
			while (e - s >= 8) {
				uint64_t w, ones = 0x0101010101010101u, high = 0x8080808080808080u;
				memcpy(&w, s, 8);
				uint64_t dq = w ^ (ones * '"'), b = w ^ (ones * '\\');
				if (((w | ((dq - ones) & ~dq) | ((b - ones) & ~b) |
				    ((w - ones * 0x20) & ~w)) & high) != 0)
					break;
				s += 8;
			}
			while (s < e && *s >= 0x20 && *s < 0x80 && *s != '"' && *s != '\\')
				s++;
			continue;
		}
		if (c == '\\') {
			if (s[1] == 'u') {
				long cp = hex4((const char *)s + 2);
				/* A high surrogate is followed by its low one
				 * (json_validate checks it, as jq does). */
				s += cp >= 0xD800 && cp <= 0xDBFF ? 12 : 6;
				bad |= cp >= 0xDC00 && cp <= 0xDFFF;
			} else {
				s += 2;
			}
		} else if (c >= 0x80) {
			/* A sequence never takes in the closing quote: it is
			 * no continuation byte. */
			size_t l;
			bad |= utf8_next(s, e, &l) < 0;
			s += l;
		} else {
			bad |= c == 0;
			s++;
		}
	}
	*q = (const char *)s + 1;
	return bad;
}

int
json_needs_normal(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *q;

	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == '"') {
			if (string_needs_normal(p + 1, end, &q))
				return 1;
			p = q;
		} else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
		    c == 'I' || c == 'N' || c == 'i' || c == 'n') {
			/* Most numbers are integers: digits, then a delimiter. */
			const char *d = p + (c == '-');
			for (q = d; q < end && (unsigned)(*q - '0') < 10; q++)
				;
			if (q > d && (q == end || jscan_delim[(unsigned char)*q]) &&
			    (*d != '0' || q - d == 1) && q - d <= 308) {
				p = q;
				continue;
			}
			for (; q < end && !jscan_delim[(unsigned char)*q]; q++)
				;
			size_t n = (size_t)(q - p);
			if (!(c == 'n' && n == 4 && memcmp(p, "null", 4) == 0)) {
				if (!strict_number(p, n))
					return 1;
				/* A decimal without an exponent overflows only
				 * past 308 digits. */
				if ((n > 308 || memchr(p, 'e', n) || memchr(p, 'E', n)) &&
				    isinf(json_number(p, n)))
					return 1;
			}
			p = q;
		} else {
			p++;
		}
	}
	return 0;
}

static int
member_first_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* Decoded strings on their way out; strings are leaves, so one buffer
 * serves every level. */
static _Thread_local struct buf put_tmp;

static void
put_value(struct buf *out, const char *p, const char *end)
{
	struct jscan_err e;
	int esc;

	p = jscan_ws(p, end);
	switch (*p) {
	case '"': {
		const char *q = jscan_string(p + 1, end, &esc, &e);
		buf_reset(&put_tmp);
		jscan_decode(&put_tmp, p + 1, (size_t)(q - 1 - (p + 1)));
		/* An empty first string leaves the buffer unallocated. */
		json_put_string(out, put_tmp.p ? put_tmp.p : "", put_tmp.len);
		return;
	}
	case '[':
		buf_addc(out, '[');
		p = jscan_ws(p + 1, end);
		if (*p != ']') {
			for (;;) {
				const char *q = skip_valid(p, end);
				put_value(out, p, q);
				p = jscan_ws(q, end);
				if (*p == ']')
					break;
				buf_addc(out, ',');
				p = jscan_ws(p + 1, end);
			}
		}
		buf_addc(out, ']');
		return;
	case '{': {
		/* jq keeps a repeated key where it first stood, with the
		 * last value. */
		struct members *ms = members_take();
		members_get(ms, p, end);
		if (ms->n > 1)
			qsort(ms->m, ms->n, sizeof *ms->m, member_first_cmp);
		buf_addc(out, '{');
		for (size_t i = 0; i < ms->n; i++) {
			if (i)
				buf_addc(out, ',');
			json_put_string(out, ms->keys.p + ms->m[i].koff, ms->m[i].klen);
			buf_addc(out, ':');
			put_value(out, ms->m[i].v, ms->m[i].v + ms->m[i].vlen);
		}
		buf_addc(out, '}');
		members_give(1);
		return;
	}
	default: {
		enum jtype t;
		const char *q = jscan_token(p, end, &t, &e);
		if (t == J_NUMBER)
			json_put_double(out, json_number(p, (size_t)(q - p)));
		else
			buf_add(out, p, (size_t)(q - p));
		return;
	}
	}
}

void
json_put_value(struct buf *out, const char *text, size_t len)
{
	const char *end = text + len;
	put_value(out, json_skip_bom(text, end), end);
}

void
json_put_text(struct buf *out, const char *text, size_t len)
{
	if (json_needs_normal(text, len))
		json_put_value(out, text, len);
	else
		buf_add(out, text, len);
}

/* ----- jq's order ----- */

/* Decoded strings for comparison; reused so that comparing keys with
 * escapes or non-ASCII bytes does not allocate per call. */
static _Thread_local struct buf cmp_a, cmp_b;

static int
plain_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\\' || (unsigned char)p[i] >= 0x80)
			return 0;
	return 1;
}

static int
string_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	/* Bodies without escapes or high bytes are their decoded bytes. */
	if (plain_ascii(a, alen) && plain_ascii(b, blen))
		return json_bytes_cmp(a, alen, b, blen);
	buf_reset(&cmp_a);
	buf_reset(&cmp_b);
	jscan_decode(&cmp_a, a, alen);
	jscan_decode(&cmp_b, b, blen);
	return json_bytes_cmp(cmp_a.p, cmp_a.len, cmp_b.p, cmp_b.len);
}

static int
cmp(const char *a, const char *aend, const char *b, const char *bend)
{
	struct jscan_err e;
	int esc;

	a = jscan_ws(a, aend);
	b = jscan_ws(b, bend);
	const char *ta = a, *tb = b;
	enum jtype ka, kb;
	if (*a == '"' || *a == '[' || *a == '{')
		ka = jscan_kind(a, 1);
	else
		a = jscan_token(a, aend, &ka, &e);
	if (*b == '"' || *b == '[' || *b == '{')
		kb = jscan_kind(b, 1);
	else
		b = jscan_token(b, bend, &kb, &e);
	if (ka != kb)
		return ka < kb ? -1 : 1;

	switch (ka) {
	case J_NULL: case J_FALSE: case J_TRUE:
		return 0;
	case J_NUMBER: {
		double da = json_number(ta, (size_t)(a - ta));
		double db = json_number(tb, (size_t)(b - tb));
		/* jq 1.6 sorts NaN below every number; NaNs compare
		 * equal so that the order is one qsort can use. */
		if (isnan(da) || isnan(db))
			return (isnan(db) != 0) - (isnan(da) != 0);
		return da < db ? -1 : da == db ? 0 : 1;
	}
	case J_STRING: {
		const char *qa = jscan_string(a + 1, aend, &esc, &e);
		const char *qb = jscan_string(b + 1, bend, &esc, &e);
		return string_cmp(a + 1, (size_t)(qa - 1 - (a + 1)),
		    b + 1, (size_t)(qb - 1 - (b + 1)));
	}
	case J_ARRAY: {
		a = jscan_ws(a + 1, aend);
		b = jscan_ws(b + 1, bend);
		for (;;) {
			int adone = *a == ']', bdone = *b == ']';
			if (adone || bdone)
				return bdone - adone;
			const char *na = skip_valid(a, aend);
			const char *nb = skip_valid(b, bend);
			int r = cmp(a, na, b, nb);
			if (r)
				return r;
			a = jscan_ws(na, aend);
			b = jscan_ws(nb, bend);
			if (*a == ',')
				a = jscan_ws(a + 1, aend);
			if (*b == ',')
				b = jscan_ws(b + 1, bend);
		}
	}
	case J_OBJECT: {
		struct members *ma = members_take(), *mb = members_take();
		members_get(ma, a, aend);
		members_get(mb, b, bend);
		int r = 0;
		/* First the sorted key lists, compared as arrays of strings. */
		size_t n = ma->n < mb->n ? ma->n : mb->n;
		for (size_t i = 0; i < n && r == 0; i++)
			r = json_bytes_cmp(ma->keys.p + ma->m[i].koff, ma->m[i].klen,
			    mb->keys.p + mb->m[i].koff, mb->m[i].klen);
		if (r == 0)
			r = ma->n < mb->n ? -1 : ma->n > mb->n;
		for (size_t i = 0; i < n && r == 0; i++)
			r = cmp(ma->m[i].v, ma->m[i].v + ma->m[i].vlen,
			    mb->m[i].v, mb->m[i].v + mb->m[i].vlen);
		members_give(2);
		return r;
	}
	}
	return 0;
}

int
json_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	return cmp(a, a + alen, b, b + blen);
}

/* ----- splicing ----- */

size_t
json_object_end(const char *p, size_t n, int *empty)
{
	const char *end = p + n;
	const char *s = jscan_ws(json_skip_bom(p, end), end);
	const char *e = end;

	/* The line is known to be one valid value: an object starts with
	 * '{' and its closing brace is the last non-blank byte. */
	while (e > s && jscan_isws((unsigned char)e[-1]))
		e--;
	if (s == e || *s != '{' || e[-1] != '}')
		return (size_t)-1;
	*empty = jscan_ws(s + 1, e) == e - 1;
	return (size_t)(e - 1 - p);
}

void
json_thread_free(void)
{
	buf_free(&number_text);
	buf_free(&put_tmp);
	buf_free(&cmp_a);
	buf_free(&cmp_b);
	for (size_t i = 0; i < mpool_n; i++) {
		free(mpool[i]->m);
		buf_free(&mpool[i]->keys);
		free(mpool[i]);
	}
	free(mpool);
	mpool = NULL;
	mpool_n = mpool_cap = mpool_used = 0;
}
