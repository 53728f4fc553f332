/*
 * ip.h: IPv4 and IPv6 addresses and prefixes as 128-bit numbers.
 *
 * Every address is held in the IPv6 space, IPv4 as the IPv4-mapped
 * address ::ffff:a.b.c.d, so that "1.2.3.4" and "::ffff:1.2.3.4" are the
 * same address and one comparison orders both families.  Prefix lengths
 * are counted in that 128-bit space too (an IPv4 /24 is 120 bits); the
 * text functions convert.
 *
 * Accepted text: IPv4 as four decimal parts 0-255 without leading zeros
 * (leading zeros are refused because inet_aton reads them as octal);
 * IPv6 as RFC 4291 text (1-4 hex digits per group, upper or lower case,
 * one "::" for one or more zero groups, an embedded IPv4 tail).  Zone
 * indexes ("fe80::1%eth0"), surrounding spaces and brackets are refused.
 */
#ifndef TRAWL_IP_H
#define TRAWL_IP_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct ip {
	uint64_t hi;	/* the first 64 bits, in numeric (network) order */
	uint64_t lo;
};

#define IP_V4_BITS 96	/* prefix length of ::ffff:0:0/96 */

/* Parse s[0..n); 0, or -1 when it is not an address. */
int ip_parse(const char *s, size_t n, struct ip *a);

/*
 * Parse a prefix "ADDR/LEN", or a bare address (a host prefix).  LEN is
 * decimal, 0-32 for IPv4 text and 0-128 for IPv6 text.  The host bits are
 * cleared (10.1.2.3/8 is 10.0.0.0/8); *bits is the length in the 128-bit
 * space.  0, or -1 when malformed.
 */
int ip_prefix_parse(const char *s, size_t n, struct ip *net, unsigned *bits);

static inline struct ip
ip_from_v4(uint32_t v)
{
	struct ip a = { 0, UINT64_C(0xffff00000000) | v };
	return a;
}

/* 1 when a is in ::ffff:0:0/96, the IPv4 addresses. */
static inline int
ip_is_v4(struct ip a)
{
	return a.hi == 0 && (a.lo >> 32) == 0xffff;
}

static inline uint32_t
ip_v4(struct ip a)
{
	return (uint32_t)a.lo;
}

static inline int
ip_cmp(struct ip a, struct ip b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* The first and the last address of the /bits prefix holding a. */
struct ip ip_first(struct ip a, unsigned bits);
struct ip ip_last(struct ip a, unsigned bits);

/* a + 1 and a - 1, wrapping at the ends of the space. */
struct ip ip_next(struct ip a);
struct ip ip_prev(struct ip a);

/* The 16 bytes of a in network order (for hashing). */
void ip_bytes(struct ip a, unsigned char out[16]);

/*
 * Append a's text: dotted quad for IPv4, otherwise the RFC 5952 form
 * (lower case, no leading zeros, the longest run of two or more zero
 * groups, the first of equal runs, written "::").
 */
void ip_put(struct buf *out, struct ip a);

/* Append "ADDR/LEN", LEN counted for the family that ADDR is written in:
 * an IPv4 network when bits >= 96 and net is IPv4, else IPv6. */
void ip_put_prefix(struct buf *out, struct ip net, unsigned bits);

/* When [lo, hi] is exactly one prefix, set *bits and return 1, else 0. */
int ip_range_prefix(struct ip lo, struct ip hi, unsigned *bits);

#endif
