/*
 * scanref.h: what the SIMD kernels' index and navigation (lib/simd.c,
 * lib/scanindex.c) must agree with, read byte by byte and through the
 * scalar scanner: shared by tests/t_scan.c and fuzz/scan.c.
 *
 * The includer defines scanref_fail(why, p, n), which must not return,
 * and sets TRAWL_SIMD=0 first, so that jscan_skip is the scalar one.
 */
#ifndef TRAWL_SCANREF_H
#define TRAWL_SCANREF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

static const char *
skipws(const char *p, const char *end)
{
	while (p < end && strchr(" \t\r\n", *p) != NULL && *p)
		p++;
	return p;
}

/*
 * Navigating the indexed line from the value at p: every value must end
 * where the scalar scanner's jscan_skip says (json_validate and jscan_skip
 * are scalar here), every object's keys must come in the line's order.
 */
static void
navigate(enum jscan_kernel k, const struct jscan_index *ix, const char *p,
    const char *end, size_t bound)
{
	const char *base = ix->p, *e = jscan_skip(p, end);
	if (jscan_index_end(ix, (size_t)(p - base)) != (size_t)(e - base))
		scanref_fail("jscan_index_end misses the end of a value", p, (size_t)(end - p));
	if (jscan_fast_skip(k, p, end) != e)
		scanref_fail("jscan_fast_skip misses the end of a value", p, (size_t)(end - p));
	if (*p != '{' && *p != '[')
		return;
	struct jscan_members it, rit;
	size_t nkeys = 0, *keys = NULL;
	if (*p == '{') {
		jscan_members_start(&it, ix, (size_t)(p - base), bound);
		jscan_members_rstart(&rit, ix, (size_t)(p - base), bound);
		/* Backwards, the same keys in the opposite order. */
		for (size_t x; (x = jscan_members_prev(&rit)) != (size_t)-1; nkeys++) {
			keys = realloc(keys, (nkeys + 1) * sizeof(*keys));
			keys[nkeys] = x;
		}
	}
	const char *q = skipws(p + 1, e - 1);
	while (q < e - 1) {
		if (*p == '{') {
			if (jscan_members_next(&it) != (size_t)(q - base))
				scanref_fail("jscan_members_next misses a key", p, (size_t)(e - p));
			if (nkeys == 0 || keys[--nkeys] != (size_t)(q - base))
				scanref_fail("jscan_members_prev misses a key", p, (size_t)(e - p));
			q = skipws(jscan_skip(q, e), e);
			q = skipws(q + 1, e);	/* ':' */
		}
		/* What the value's members may be looked for up to: the
		 * next member's start, or this container's end. */
		const char *next = skipws(jscan_skip(q, e), e);
		size_t nb = (size_t)((*next == ',' ? skipws(next + 1, e) : e - 1) - base);
		navigate(k, ix, q, end, nb);
		q = next;
		if (*q == ',')
			q = skipws(q + 1, e);
	}
	if (*p == '{' && jscan_members_next(&it) != (size_t)-1)
		scanref_fail("jscan_members_next gives a key after the last", p, (size_t)(e - p));
	if (nkeys != 0)
		scanref_fail("jscan_members_prev gives a key before the first", p, (size_t)(e - p));
	free(keys);
}

/*
 * The index kernel k builds for p[0..n) (a valid line it takes) must be
 * what a byte-by-byte reading of the line gives.
 */
static void
scanref_check(enum jscan_kernel k, const char *p, size_t n)
{
	static struct jscan_index ix;
	char *c = xmalloc(n ? n : 1);
	memcpy(c, p, n);
	if (!jscan_fast_index(k, c, n, &ix)) {
		free(c);
		scanref_fail("the index kernel refuses what the validating one takes", p, n);
	}
	size_t blocks = (n + 63) / 64;
	uint64_t open = 0, close = 0, keys = 0, keys1 = 0;
	unsigned char stack[256];
	int sp = 0, in = 0, escaped = 0;
	char prev = 0;		/* the last significant byte outside strings */
	for (size_t i = 0; i <= blocks * 64; i++) {
		if (i % 64 == 0 && i > 0) {
			size_t b = i / 64 - 1;
			if (ix.keys1[b] != keys1)
				scanref_fail("the index's keys of the line's value are wrong", p, n);
			if (ix.open[b] != open || ix.close[b] != close || ix.keys[b] != keys) {
				fprintf(stderr, "block %zu: open %016llx/%016llx close %016llx/%016llx keys %016llx/%016llx\n",
				    b, (unsigned long long)ix.open[b], (unsigned long long)open,
				    (unsigned long long)ix.close[b], (unsigned long long)close,
				    (unsigned long long)ix.keys[b], (unsigned long long)keys);
				scanref_fail("the index's masks are wrong", p, n);
			}
			open = close = keys = keys1 = 0;
		}
		if (i % 64 == 0 && i / 64 < blocks && ix.depth[i / 64] != sp)
			scanref_fail("the index's depth is wrong", p, n);
		if (i >= n)
			continue;
		char ch = p[i];
		uint64_t bit = (uint64_t)1 << (i % 64);
		if (in) {
			if (escaped)
				escaped = 0;
			else if (ch == '\\')
				escaped = 1;
			else if (ch == '"')
				in = 0;
			continue;
		}
		switch (ch) {
		case '"':
			in = 1;
			if (sp > 0 && stack[sp - 1] == '{' && (prev == '{' || prev == ',')) {
				keys |= bit;
				if (sp == 1)
					keys1 |= bit;
			}
			break;
		case '{': case '[':
			open |= bit;
			stack[sp++] = (unsigned char)ch;
			break;
		case '}': case ']':
			close |= bit;
			sp--;
			break;
		}
		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			prev = ch;
	}
	navigate(k, &ix, skipws(c, c + n), c + n, n);
	free(c);
}

#endif
