/*
 * scanindex.c: navigating a line that a SIMD kernel validated, through
 * the index it left (struct jscan_index, jscan.h), without reading the
 * bytes between the places asked for.
 *
 * The depth of a position is the index's depth at its block's start plus
 * the block's opens minus its closes before it.  An object's members are
 * the keys one deeper than its '{', up to the '}' where the depth falls
 * back; a block whose depth stays above that level all along holds
 * neither, and is passed over with a popcount.
 */
#include <string.h>

#include "jscan.h"

/* Only lines a SIMD kernel indexed get here, so the CPU has these. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("popcnt,bmi,bmi2"))), apply_to = function)
#else
#pragma GCC target("popcnt,bmi,bmi2")
#endif
#endif

static inline uint64_t
below(unsigned bit)
{
	return ((uint64_t)1 << bit) - 1;
}

/* Bits from..63. */
static inline uint64_t
from_bit(unsigned from)
{
	return from >= 64 ? 0 : ~below(from);
}

/* Open containers at position x (not itself a bracket). */
static unsigned
depth_at(const struct jscan_index *ix, size_t x)
{
	size_t b = x / 64;
	uint64_t m = below((unsigned)(x % 64));
	return (unsigned)(ix->depth[b] + __builtin_popcountll(ix->open[b] & m) -
	    __builtin_popcountll(ix->close[b] & m));
}

/*
 * In block b, from bit from on, with d containers open there: the bits
 * at depth exactly t, up to the bracket that brings the depth below t
 * (*end gets its bit, or 64 when there is none).  *d becomes the depth
 * at the block's end.
 */
static uint64_t
level(const struct jscan_index *ix, size_t b, unsigned from, unsigned *d,
    unsigned t, unsigned *end)
{
	uint64_t open = ix->open[b] & from_bit(from), close = ix->close[b] & from_bit(from);
	uint64_t m = 0;

	*end = 64;
	/* Above t all along: nothing here. */
	if (*d > t + (unsigned)__builtin_popcountll(close)) {
		*d += (unsigned)__builtin_popcountll(open) - (unsigned)__builtin_popcountll(close);
		return 0;
	}
	for (uint64_t br = open | close; br; br &= br - 1) {
		unsigned q = (unsigned)__builtin_ctzll(br);
		if (*d == t)
			m |= from_bit(from) & below(q);
		if (open >> q & 1) {
			++*d;
		} else if (--*d < t) {
			*end = q;
			return m;
		}
		from = q + 1;
	}
	if (*d == t)
		m |= from_bit(from);
	return m;
}

/* What both directions set up: the members' depth, the first and last
 * blocks and the bits of each that may hold members. */
static void
members_init(struct jscan_members *it, const struct jscan_index *ix,
    size_t obj, size_t bound)
{
	if (bound > ix->n)
		bound = ix->n;
	it->ix = ix;
	it->t = depth_at(ix, obj) + 1;
	it->first = obj / 64;
	it->last = bound ? (bound - 1) / 64 : 0;
	it->firstmask = from_bit((unsigned)(obj % 64) + 1);
	it->endmask = bound % 64 ? below((unsigned)(bound % 64)) : ~(uint64_t)0;
	/* The line's value has its keys apart: no depth to check. */
	it->top = it->t == 1;
	it->flat = 0;
}

void
jscan_members_start(struct jscan_members *it, const struct jscan_index *ix,
    size_t obj, size_t bound)
{
	members_init(it, ix, obj, bound);
	it->b = it->first;
	it->keys = (it->top ? ix->keys1 : ix->keys)[it->b] & it->firstmask;
	if (it->b == it->last)
		it->keys &= it->endmask;
}

void
jscan_members_rstart(struct jscan_members *it, const struct jscan_index *ix,
    size_t obj, size_t bound)
{
	members_init(it, ix, obj, bound);
	it->b = it->last;
	it->keys = (it->top ? ix->keys1 : ix->keys)[it->b] & it->endmask;
	if (it->b == it->first)
		it->keys &= it->firstmask;
}

size_t
jscan_members_next(struct jscan_members *it)
{
	const struct jscan_index *ix = it->ix;

	for (;;) {
		while (it->keys == 0) {
			if (it->b >= it->last)
				return (size_t)-1;
			size_t b = ++it->b;
			uint64_t keys;
			it->flat = 0;
			if (it->top) {
				/* The next block that holds some. */
				uint64_t w = ix->k1map[b / 64] & from_bit((unsigned)(b % 64));
				while (w == 0 && (b | 63) < it->last)
					w = ix->k1map[(b = (b | 63) + 1) / 64];
				if (w == 0)
					return (size_t)-1;
				b = (b & ~(size_t)63) + (size_t)__builtin_ctzll(w);
				if (b > it->last)
					return (size_t)-1;
				it->b = b;
				keys = ix->keys1[b];
			} else if (ix->depth[b] > it->t + (unsigned)__builtin_popcountll(ix->close[b])) {
				keys = 0;	/* deeper than the members all along */
			} else {
				keys = ix->keys[b];
				/* No bracket at the members' depth: all theirs. */
				it->flat = (ix->open[b] | ix->close[b]) == 0 && ix->depth[b] == it->t;
			}
			if (b == it->last)
				keys &= it->endmask;
			it->keys = keys;
		}
		unsigned bit = (unsigned)__builtin_ctzll(it->keys);
		it->keys &= it->keys - 1;
		size_t x = it->b * 64 + bit;
		if (it->top || it->flat || depth_at(ix, x) == it->t)
			return x;
	}
}

/* The block before b at or after first that holds keys of the line's
 * value (k1map), or (size_t)-1. */
static size_t
prev_k1block(const struct jscan_index *ix, size_t b, size_t first)
{
	if (b-- <= first)
		return (size_t)-1;
	uint64_t w = ix->k1map[b / 64] & ~from_bit((unsigned)(b % 64) + 1);
	while (w == 0 && b / 64 > first / 64) {
		b = (b & ~(size_t)63) - 1;
		w = ix->k1map[b / 64];
	}
	if (w == 0)
		return (size_t)-1;
	b = (b & ~(size_t)63) + 63 - (size_t)__builtin_clzll(w);
	return b < first ? (size_t)-1 : b;
}

size_t
jscan_members_prev(struct jscan_members *it)
{
	const struct jscan_index *ix = it->ix;

	for (;;) {
		while (it->keys == 0) {
			size_t b;
			uint64_t keys;
			it->flat = 0;
			if (it->top) {
				b = prev_k1block(ix, it->b, it->first);
				if (b == (size_t)-1)
					return b;
				keys = ix->keys1[b];
			} else {
				if (it->b <= it->first)
					return (size_t)-1;
				b = it->b - 1;
				if (ix->depth[b] > it->t + (unsigned)__builtin_popcountll(ix->close[b])) {
					keys = 0;	/* deeper than the members all along */
				} else {
					keys = ix->keys[b];
					it->flat = (ix->open[b] | ix->close[b]) == 0 &&
					    ix->depth[b] == it->t;
				}
			}
			if (b == it->first)
				keys &= it->firstmask;
			it->b = b;
			it->keys = keys;
		}
		unsigned bit = 63 - (unsigned)__builtin_clzll(it->keys);
		it->keys &= ~((uint64_t)1 << bit);
		size_t x = it->b * 64 + bit;
		if (it->top || it->flat || depth_at(ix, x) == it->t)
			return x;
	}
}

size_t
jscan_index_end(const struct jscan_index *ix, size_t v)
{
	const char *p = ix->p, *end = p + ix->n;

	if (p[v] != '{' && p[v] != '[')
		return (size_t)(jscan_skip(p + v, end) - p);
	unsigned t = depth_at(ix, v) + 1, d = t, e;
	size_t b = v / 64;
	level(ix, b, (unsigned)(v % 64) + 1, &d, t, &e);
	while (e == 64 && ++b < ix->nblocks)
		level(ix, b, 0, &d, t, &e);
	return b * 64 + e + 1;
}

#if defined(__x86_64__) && defined(__clang__)
#pragma clang attribute pop
#endif
