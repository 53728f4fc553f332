/*
 * iptable.h: tables of IP ranges with attributes, and the lookup structure
 * built from them.
 *
 * Two halves.  A reader (iptr_*) turns one table file into rows: a range
 * and the row's other fields as JSON text.  It reads
 *   - NDJSON: one object per line with "cidr" (or "network"), or "start"
 *     and "end" (or "range_start"/"range_end", "ip_range_start"/
 *     "ip_range_end"); every other member is an attribute;
 *   - CSV (comma) or TSV (tab) with a header naming those columns;
 *   - headerless CSV/TSV whose first two fields are addresses, the
 *     ip-location-db and iptoasn layouts: columns are named by their
 *     count: 3 start,end,country; 4 (CSV) start,end,asn,org; 5 (TSV)
 *     start,end,asn,country,org; any other count start,end,"3","4",...;
 *   - MaxMind DB files (recognised by their metadata marker, whatever
 *     their name), one row per network of the search tree.
 * CSV follows RFC 4180 (double quotes, "" inside quotes) except that a
 * field may not hold a line break; TSV has no quoting.  A field that is a
 * JSON number as written (13335, -1.5) becomes a number, anything else a
 * string.  Text files may be gzip-compressed.
 *
 * The table (ipt_*) holds ranges by row number and scope number (both
 * chosen by the caller, dense from 0) and, once built, answers "which rows
 * of this scope hold this address".  Overlapping and nested ranges resolve
 * to the narrowest range holding the address; between equally wide ones,
 * the one starting later (nearer the address); then the lower row number.
 * The build sweeps the ranges of each scope and family into sorted
 * disjoint segments, each naming its winning row (and with IPT_ALL, every
 * row holding it, best first), so a lookup is a binary search; a scope
 * with many IPv4 segments also gets a direct index on the first 16 bits
 * of the address, leaving a search over a few segments.  IPv4 (held as
 * ::ffff:0:0/96, see ip.h) and IPv6 ranges never mix: a range is one or
 * the other.
 */
#ifndef TRAWL_IPTABLE_H
#define TRAWL_IPTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ip.h"

#define IPT_NONE UINT32_MAX

/* ----- reading table files ----- */

struct ipt_row {
	struct ip lo, hi;	/* inclusive */
	int bits;		/* prefix length (128-bit space) for a CIDR row, else -1 */
	const char *attrs;	/* "k":v,... without braces; may be empty */
	size_t attrslen;
	const char *obj;	/* the whole row as a JSON object (IPTR_OBJ only) */
	size_t objlen;
	uint64_t line;		/* line in the file; for MaxMind DB, the network's ordinal */
};

#define IPTR_OBJ 1	/* fill obj/objlen too */

struct ipt_reader;

/* NULL with err set ("FILE: No such file or directory") when path
 * cannot be opened or is a damaged MaxMind DB. */
struct ipt_reader *iptr_open(const char *path, int flags, char *err, size_t errlen);
/*
 * The next row: 1, or 0 at the end, or -1 with err set to
 * "FILE:LINE: what is wrong" (the row is bad; reading cannot go on).
 * The row's text lives until the next call.
 */
int iptr_next(struct ipt_reader *r, struct ipt_row *row, char *err, size_t errlen);
/* "ndjson", "csv", "tsv", "csv-headerless", "tsv-headerless" or "mmdb". */
const char *iptr_format(const struct ipt_reader *r);
void iptr_close(struct ipt_reader *r);

/* ----- the lookup structure ----- */

struct iptable;

#define IPT_ALL 1	/* ipt_build: keep every row of a segment, for ipt_find_all */

struct iptable *ipt_new(void);
void ipt_free(struct iptable *t);

/* Add [lo, hi] (lo <= hi, one family) for row and scope. */
void ipt_add(struct iptable *t, uint32_t row, uint32_t scope, struct ip lo, struct ip hi);

/* Build the segments after the last ipt_add; no ipt_add afterwards. */
void ipt_build(struct iptable *t, int flags);

/* The winning row holding a in scope, or IPT_NONE. */
uint32_t ipt_find(const struct iptable *t, uint32_t scope, struct ip a);
/* IPv4 only, a as a host-order number: the hot path for IPv4 lookups. */
uint32_t ipt_find4(const struct iptable *t, uint32_t scope, uint32_t a);

/* Every row holding a in scope, best first (needs IPT_ALL); the count. */
size_t ipt_find_all(const struct iptable *t, uint32_t scope, struct ip a, const uint32_t **rows);

size_t ipt_ranges(const struct iptable *t);	/* ranges added */
size_t ipt_segments(const struct iptable *t);	/* disjoint segments built */
size_t ipt_bytes(const struct iptable *t);	/* memory held after the build */

#endif
