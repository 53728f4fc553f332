/*
 * xsum.h: exact sums of counts and weights.
 *
 * Counts are integers and analysts compare them with other tools' to the
 * unit, past 2^53 (Mozilla's counts and nanosecond times), so integers are
 * summed exactly in 64 bits; anything else, and the excess of an integer
 * sum past 2^63, is summed as a double beside them.  The value is n + x.
 */
#ifndef TRAWL_XSUM_H
#define TRAWL_XSUM_H

#include <stdint.h>

struct xsum {
	int64_t n;	/* the integers */
	double x;	/* fractions, and what overflowed n */
};

static inline void
xsum_addi(struct xsum *s, int64_t v)
{
	int64_t r;

	/* Past 64 bits the excess is carried as a double rather than lost. */
	if (__builtin_add_overflow(s->n, v, &r))
		s->x += (double)v;
	else
		s->n = r;
}

static inline void
xsum_add(struct xsum *s, struct xsum v)
{
	xsum_addi(s, v.n);
	s->x += v.x;
}

static inline double
xsum_val(struct xsum s)
{
	return (double)s.n + s.x;
}

static inline int
xsum_zero(struct xsum s)
{
	return s.n == 0 && s.x == 0;
}

/* -1, 0 or 1 as a < b, a == b or a > b; exact while both are integers. */
static inline int
xsum_cmp(struct xsum a, struct xsum b)
{
	if (a.x == 0 && b.x == 0)
		return (a.n > b.n) - (a.n < b.n);
	double x = xsum_val(a), y = xsum_val(b);
	return (x > y) - (x < y);
}

#endif
