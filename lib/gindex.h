/*
 * gindex.h: a group index, the distinct keys of a run numbered 0, 1, 2, ...
 * in the order they first appear, each with the text it first appeared as.
 *
 * The tools that aggregate by a key (pingdedup --count and --report-by,
 * maxcount's groups, histo's series, cidrscore's groups) keep their
 * aggregates in an array indexed by the key's number, so that output can
 * follow input order or be sorted once at the end, never hash order, and
 * print each key as the input spelled it.  Keys are found by the digest of
 * their canonical form (hash.h), so a key costs its text once plus about
 * 40 bytes, whatever the number of times it is seen.
 */
#ifndef TRAWL_GINDEX_H
#define TRAWL_GINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* No index: at most GI_MAX keys are numbered. */
#define GI_MAX	UINT32_MAX

struct gindex;

struct gindex *gi_new(void);
void gi_free(struct gindex *gi);	/* no operation on NULL */

/*
 * The number of the key whose digest is d in *ix.  A key not seen before
 * gets the next number and keeps text[0 .. len) as its text.  Returns 1
 * for a new key, 0 for one seen before, -1 when GI_MAX keys are numbered
 * already.
 */
int gi_put(struct gindex *gi, struct digest d, const char *text, size_t len,
    uint32_t *ix);

/* Find the key whose digest is d without adding it: 1 and its number in
 * *ix, or 0.  (For a caller that makes a key's text only when it is new.) */
int gi_get(const struct gindex *gi, struct digest d, uint32_t *ix);

/* Key ix's text and its length in *len; valid until the next gi_put. */
const char *gi_text(const struct gindex *gi, uint32_t ix, size_t *len);

/* Order keys a and b by their texts with cmp (json_cmp: jq's order), for
 * sorting what is numbered by the index. */
int gi_cmp(const struct gindex *gi, uint32_t a, uint32_t b,
    int (*cmp)(const char *, size_t, const char *, size_t));

size_t gi_count(const struct gindex *gi);
size_t gi_bytes(const struct gindex *gi);	/* memory held */

#endif
