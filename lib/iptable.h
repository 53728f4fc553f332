/*
 * iptable.h: the lookup structure over IP ranges.
 *
 * The table holds ranges by row number and scope number (both chosen by
 * the caller, dense from 0; the rows usually come from iptread.h) and,
 * once built, answers "which rows of this scope hold this address".
 * Overlapping and nested ranges resolve to the narrowest range holding
 * the address; between equally wide ones, the one starting later (nearer
 * the address); then the lower row number.  The build sweeps the ranges
 * of each scope and family into sorted disjoint segments, each naming its
 * winning row (and with IPT_ALL, every row holding it, best first), so a
 * lookup is a binary search; a scope with many IPv4 segments also gets a
 * direct index on the first 16 bits of the address, leaving a search over
 * a few segments.  IPv4 (held as ::ffff:0:0/96, see ip.h) and IPv6 ranges
 * never mix: a range is one or the other.
 */
#ifndef TRAWL_IPTABLE_H
#define TRAWL_IPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ip.h"

#define IPT_NONE UINT32_MAX

struct iptable;

/* ipt_build: keep every row of a segment, for ipt_find_all. */
#define IPT_ALL 1

struct iptable *ipt_new(void);
void ipt_free(struct iptable *t);

/* Add [lo, hi] (lo <= hi, one family) for row and scope. */
void ipt_add(struct iptable *t, uint32_t row, uint32_t scope, struct ip lo,
    struct ip hi);

/* Build the segments after the last ipt_add; no ipt_add afterwards. */
void ipt_build(struct iptable *t, int flags);

/* The winning row holding a in scope, or IPT_NONE. */
uint32_t ipt_find(const struct iptable *t, uint32_t scope, struct ip a);
/* IPv4 only, a as a host-order number: the hot path for IPv4 lookups. */
uint32_t ipt_find4(const struct iptable *t, uint32_t scope, uint32_t a);

/* Every row holding a in scope, best first (needs IPT_ALL); the count. */
size_t ipt_find_all(const struct iptable *t, uint32_t scope, struct ip a,
    const uint32_t **rows);

size_t ipt_ranges(const struct iptable *t);	/* ranges added */
size_t ipt_segments(const struct iptable *t);	/* disjoint segments built */
size_t ipt_bytes(const struct iptable *t);	/* memory held after the build */

#endif
