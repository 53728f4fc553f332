/*
 * hash.h: 128-bit digests and a digest-keyed hash table.
 *
 * Keys are held as digests of their canonical text (json_canon) so that a
 * table costs 16 bytes per key plus a fixed-size value, whatever the key's
 * length.  The digest is MurmurHash3_x64_128 with seed 0 over the canonical
 * bytes, a published function that gives the same answer on every machine
 * and release; --shard K/N uses it too (see shard_of), so it must never
 * change.  A collision of two distinct keys has probability about n^2/2^129.
 */
#ifndef TRAWL_HASH_H
#define TRAWL_HASH_H

#include <stddef.h>
#include <stdint.h>

struct digest {
	uint64_t lo;	/* h1 of MurmurHash3_x64_128 */
	uint64_t hi;	/* h2 */
};

/* MurmurHash3_x64_128(p, n, seed 0), except that the all-zero digest,
 * which the table uses to mark empty slots, is returned as {1, 0}. */
struct digest digest128(const void *p, size_t n);

/* splitmix64's finaliser: a bijection of 64 bits that spreads every input
 * bit over the output, for digests of numbers that are not text. */
static inline uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline int
digest_eq(struct digest a, struct digest b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

/* Shard of a key for --shard K/N: digest.lo mod n, K counted from 1
 * (so the result is 1..n).  Documented in trawl(7); never change it. */
static inline unsigned
shard_of(struct digest d, unsigned n)
{
	return (unsigned)(d.lo % n) + 1;
}

/*
 * An open-addressing table from digest to a fixed-size value of vsize
 * bytes (vsize may be 0 for a set).  Slots are 16 + vsize bytes (rounded
 * to 8); the load factor stays at most 0.8, so a set costs at most 40
 * bytes per key once grown.  Value pointers are invalidated by the next
 * dtab_put (the table may grow).  Iteration order is hash order: callers
 * that print must sort first.
 */
struct dtab;

struct dtab *dtab_new(size_t vsize);
void dtab_free(struct dtab *t);
void *dtab_get(const struct dtab *t, struct digest k);	/* NULL if absent */
/* The value slot of k, inserted zero-filled if absent (*inserted set to 1). */
void *dtab_put(struct dtab *t, struct digest k, int *inserted);
size_t dtab_count(const struct dtab *t);
size_t dtab_bytes(const struct dtab *t);	/* memory held by the table */
/* Iterate: start with *pos = 0; returns 0 when done. */
int dtab_next(const struct dtab *t, size_t *pos, struct digest *k, void **v);

#endif
