/*
 * iptread.h: IP range tables read from files, row by row.
 *
 * A reader (iptr_*) turns one table file into rows: a range and the row's
 * other fields as JSON text.  It reads
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
 * The rows go into the lookup structure of iptable.h; cidrscore(1)
 * describes the formats for its users.
 */
#ifndef TRAWL_IPTREAD_H
#define TRAWL_IPTREAD_H

#include <stddef.h>
#include <stdint.h>

#include "ip.h"

struct ipt_row {
	struct ip lo, hi;	/* inclusive */
	int bits;		/* prefix length (128-bit space) for a CIDR
				 * row, else -1 */
	const char *attrs;	/* "k":v,... without braces; may be empty */
	size_t attrslen;
	const char *obj;	/* the whole row as a JSON object (IPTR_OBJ
				 * only) */
	size_t objlen;
	uint64_t line;		/* line in the file; for MaxMind DB, the
				 * network's ordinal */
};

#define IPTR_OBJ 1	/* fill obj/objlen too */

struct ipt_reader;

/* NULL with err set ("FILE: No such file or directory") when path
 * cannot be opened or is a damaged MaxMind DB. */
struct ipt_reader *iptr_open(const char *path, int flags, char *err,
    size_t errlen);
/*
 * The next row: 1, or 0 at the end, or -1 with err set to
 * "FILE:LINE: what is wrong" (the row is bad; reading cannot go on).
 * The row's text lives until the next call.
 */
int iptr_next(struct ipt_reader *r, struct ipt_row *row, char *err,
    size_t errlen);
/* "ndjson", "csv", "tsv", "csv-headerless", "tsv-headerless" or "mmdb". */
const char *iptr_format(const struct ipt_reader *r);
/* Close the file and free the reader; NULL is a no-op. */
void iptr_close(struct ipt_reader *r);

#endif
