/*
 * vstore.h: an exact store of numbers with their counts, in bounded memory.
 *
 * Quantiles and bins over the data's own range need every value before
 * the first answer is known, yet the input is read once.  A vstore keeps
 * each distinct (id, value) pair once with its summed count in a hash
 * table; when the table holds `hold` pairs it is sorted and written as a
 * run to an unlinked temporary file (in $TMPDIR, else /tmp) and emptied.
 * Reading back merges the runs and the table: every pair once, counts
 * summed, in order of id and then value.  Memory stays near hold * 60
 * bytes whatever the number of distinct values; the file takes 32 bytes
 * per pair per run it appears in.
 *
 * Counts are exact sums (xsum.h): integers in 64 bits, fractions as doubles.
 */
#ifndef TRAWL_VSTORE_H
#define TRAWL_VSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "xsum.h"

struct vcount {
	uint32_t id;	/* the caller's group of values */
	double v;	/* -0 is stored as 0, every NaN as one NaN (before all numbers) */
	struct xsum count;
};

struct vstore;

/* A store that spills after hold distinct pairs (at least 1024). */
struct vstore *vs_new(size_t hold);
void vs_free(struct vstore *vs);

/* Add count to the count of (id, v); 0, or -1 with err when a run
 * cannot be written ("spill file: No space left on device"). */
int vs_add(struct vstore *vs, uint32_t id, double v, struct xsum count,
    char *err, size_t errlen);

/* Runs written so far (0 while everything fits in memory). */
size_t vs_runs(const struct vstore *vs);

/*
 * Start reading back (adding is over).  Then vs_next gives 1 and the next
 * pair in (id, v) order, 0 at the end, or -1 with err on a read error.
 */
int vs_rewind(struct vstore *vs, char *err, size_t errlen);
int vs_next(struct vstore *vs, struct vcount *out, char *err, size_t errlen);

#endif
