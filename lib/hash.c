/* hash.c: MurmurHash3_x64_128 digests and a digest-keyed open-addressing table. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "util.h"

static inline uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	k *= UINT64_C(0xc4ceb9fe1a85ec53);
	k ^= k >> 33;
	return k;
}

struct digest
digest128(const void *key, size_t len)
{
	const unsigned char *data = key;
	const uint64_t c1 = UINT64_C(0x87c37b91114253d5);
	const uint64_t c2 = UINT64_C(0x4cf5ad432745937f);
	uint64_t h1 = 0, h2 = 0, k1, k2;
	size_t nblocks = len / 16;

	for (size_t i = 0; i < nblocks; i++) {
		k1 = load_le64(data + i * 16);
		k2 = load_le64(data + i * 16 + 8);
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
		h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
		h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
	}

	const unsigned char *tail = data + nblocks * 16;
	k1 = k2 = 0;
	switch (len & 15) {
	case 15: k2 ^= (uint64_t)tail[14] << 48; /* FALLTHROUGH */
	case 14: k2 ^= (uint64_t)tail[13] << 40; /* FALLTHROUGH */
	case 13: k2 ^= (uint64_t)tail[12] << 32; /* FALLTHROUGH */
	case 12: k2 ^= (uint64_t)tail[11] << 24; /* FALLTHROUGH */
	case 11: k2 ^= (uint64_t)tail[10] << 16; /* FALLTHROUGH */
	case 10: k2 ^= (uint64_t)tail[9] << 8; /* FALLTHROUGH */
	case 9:
		k2 ^= (uint64_t)tail[8];
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
		/* FALLTHROUGH */
	case 8: k1 ^= (uint64_t)tail[7] << 56; /* FALLTHROUGH */
	case 7: k1 ^= (uint64_t)tail[6] << 48; /* FALLTHROUGH */
	case 6: k1 ^= (uint64_t)tail[5] << 40; /* FALLTHROUGH */
	case 5: k1 ^= (uint64_t)tail[4] << 32; /* FALLTHROUGH */
	case 4: k1 ^= (uint64_t)tail[3] << 24; /* FALLTHROUGH */
	case 3: k1 ^= (uint64_t)tail[2] << 16; /* FALLTHROUGH */
	case 2: k1 ^= (uint64_t)tail[1] << 8; /* FALLTHROUGH */
	case 1:
		k1 ^= (uint64_t)tail[0];
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
	}

	h1 ^= (uint64_t)len;
	h2 ^= (uint64_t)len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;

	struct digest d = { h1, h2 };
	if (d.lo == 0 && d.hi == 0)
		d.lo = 1;	/* {0,0} marks an empty table slot */
	return d;
}

struct dtab {
	unsigned char *slots;
	size_t cap;		/* a power of two */
	size_t count;
	size_t vsize;
	size_t slotsize;	/* 16 + vsize rounded up to 8 */
};

#define DTAB_MIN_CAP 256

static inline struct digest *
slot_key(const struct dtab *t, size_t i)
{
	return (struct digest *)(t->slots + i * t->slotsize);
}

/*
 * Slots written as zeros rather than calloc'd: a large calloc is fresh
 * mapped memory, whose pages the first probes map read-only to the zero
 * page; the first key stored in each then takes a copy-on-write fault,
 * and with --threads that fault flushes the other CPUs' TLBs by
 * interrupt (7-8% of pingdedup's CPU time at two threads on a VM, perf).
 * Writing them first maps each page once, writable.
 */
static unsigned char *
zeroed_slots(size_t cap, size_t slotsize)
{
	unsigned char *p = xmalloc(cap * slotsize);

	memset(p, 0, cap * slotsize);
	return p;
}

struct dtab *
dtab_new(size_t vsize)
{
	struct dtab *t = xcalloc(1, sizeof(*t));
	t->vsize = vsize;
	t->slotsize = 16 + ((vsize + 7) & ~(size_t)7);
	t->cap = DTAB_MIN_CAP;
	t->slots = zeroed_slots(t->cap, t->slotsize);
	return t;
}

void
dtab_free(struct dtab *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

/* Linear probing from the digest's low bits: the digest is already uniform,
 * so no further mixing is needed. */
static size_t
find(const struct dtab *t, struct digest k)
{
	size_t mask = t->cap - 1;
	size_t i = (size_t)k.lo & mask;
	for (;;) {
		struct digest *s = slot_key(t, i);
		if ((s->lo == 0 && s->hi == 0) || digest_eq(*s, k))
			return i;
		i = (i + 1) & mask;
	}
}

void *
dtab_get(const struct dtab *t, struct digest k)
{
	size_t i = find(t, k);
	struct digest *s = slot_key(t, i);
	if (s->lo == 0 && s->hi == 0)
		return NULL;
	return (unsigned char *)s + 16;
}

static void
grow(struct dtab *t)
{
	struct dtab old = *t;
	if (t->cap > SIZE_MAX / 2 / t->slotsize)
		xmalloc(SIZE_MAX);	/* reports out of memory */
	t->cap *= 2;
	t->slots = zeroed_slots(t->cap, t->slotsize);
	for (size_t i = 0; i < old.cap; i++) {
		struct digest *s = slot_key(&old, i);
		if (s->lo == 0 && s->hi == 0)
			continue;
		memcpy(slot_key(t, find(t, *s)), s, t->slotsize);
	}
	free(old.slots);
}

void *
dtab_put(struct dtab *t, struct digest k, int *inserted)
{
	size_t i = find(t, k);
	struct digest *s = slot_key(t, i);
	if (!(s->lo == 0 && s->hi == 0)) {
		if (inserted)
			*inserted = 0;
		return (unsigned char *)s + 16;
	}
	/* Keep the load factor at most 0.8: probes stay short and a set
	 * costs at most 16 / 0.4 = 40 bytes per key right after growing. */
	if ((t->count + 1) * 5 > t->cap * 4) {
		grow(t);
		i = find(t, k);
		s = slot_key(t, i);
	}
	*s = k;
	t->count++;
	if (inserted)
		*inserted = 1;
	return (unsigned char *)s + 16;
}

size_t
dtab_count(const struct dtab *t)
{
	return t->count;
}

size_t
dtab_bytes(const struct dtab *t)
{
	return t->cap * t->slotsize + sizeof(*t);
}

int
dtab_next(const struct dtab *t, size_t *pos, struct digest *k, void **v)
{
	for (; *pos < t->cap; (*pos)++) {
		struct digest *s = slot_key(t, *pos);
		if (s->lo == 0 && s->hi == 0)
			continue;
		if (k)
			*k = *s;
		if (v)
			*v = (unsigned char *)s + 16;
		(*pos)++;
		return 1;
	}
	return 0;
}
