/*
 * md5.c: MD5 as RFC 1321 specifies it, written from the RFC's description
 * (section 3) rather than its reference code: little-endian words, four
 * rounds of sixteen steps, T[i] = floor(2^32 * abs(sin(i))).
 */
#include <string.h>

#include "md5.h"
#include "util.h"

static const uint32_t T[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static inline uint32_t
rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}


#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))
#define STEP(f, a, b, c, d, k, s, i) \
	((a) = (b) + rol((a) + f((b), (c), (d)) + X[(k)] + T[(i)], (s)))
/* G as two additions: (x & z) and (y & ~z) never share a set bit, so
 * their sum is their OR, and each can be added as soon as it is ready. */
#define STEPG(a, b, c, d, k, s, i) \
	((a) += X[(k)] + T[(i)] + ((c) & ~(d)), (a) += (b) & (d), \
	    (a) = (b) + rol((a), (s)))

static void
block(uint32_t s[4], const unsigned char *p)
{
	uint32_t X[16], a = s[0], b = s[1], c = s[2], d = s[3];

	for (int i = 0; i < 16; i++)
		X[i] = load_le32(p + 4 * i);

	STEP(F, a, b, c, d, 0, 7, 0);   STEP(F, d, a, b, c, 1, 12, 1);
	STEP(F, c, d, a, b, 2, 17, 2);  STEP(F, b, c, d, a, 3, 22, 3);
	STEP(F, a, b, c, d, 4, 7, 4);   STEP(F, d, a, b, c, 5, 12, 5);
	STEP(F, c, d, a, b, 6, 17, 6);  STEP(F, b, c, d, a, 7, 22, 7);
	STEP(F, a, b, c, d, 8, 7, 8);   STEP(F, d, a, b, c, 9, 12, 9);
	STEP(F, c, d, a, b, 10, 17, 10); STEP(F, b, c, d, a, 11, 22, 11);
	STEP(F, a, b, c, d, 12, 7, 12); STEP(F, d, a, b, c, 13, 12, 13);
	STEP(F, c, d, a, b, 14, 17, 14); STEP(F, b, c, d, a, 15, 22, 15);

	STEPG(a, b, c, d, 1, 5, 16);  STEPG(d, a, b, c, 6, 9, 17);
	STEPG(c, d, a, b, 11, 14, 18); STEPG(b, c, d, a, 0, 20, 19);
	STEPG(a, b, c, d, 5, 5, 20);  STEPG(d, a, b, c, 10, 9, 21);
	STEPG(c, d, a, b, 15, 14, 22); STEPG(b, c, d, a, 4, 20, 23);
	STEPG(a, b, c, d, 9, 5, 24);  STEPG(d, a, b, c, 14, 9, 25);
	STEPG(c, d, a, b, 3, 14, 26); STEPG(b, c, d, a, 8, 20, 27);
	STEPG(a, b, c, d, 13, 5, 28); STEPG(d, a, b, c, 2, 9, 29);
	STEPG(c, d, a, b, 7, 14, 30); STEPG(b, c, d, a, 12, 20, 31);

	STEP(H, a, b, c, d, 5, 4, 32);  STEP(H, d, a, b, c, 8, 11, 33);
	STEP(H, c, d, a, b, 11, 16, 34); STEP(H, b, c, d, a, 14, 23, 35);
	STEP(H, a, b, c, d, 1, 4, 36);  STEP(H, d, a, b, c, 4, 11, 37);
	STEP(H, c, d, a, b, 7, 16, 38); STEP(H, b, c, d, a, 10, 23, 39);
	STEP(H, a, b, c, d, 13, 4, 40); STEP(H, d, a, b, c, 0, 11, 41);
	STEP(H, c, d, a, b, 3, 16, 42); STEP(H, b, c, d, a, 6, 23, 43);
	STEP(H, a, b, c, d, 9, 4, 44);  STEP(H, d, a, b, c, 12, 11, 45);
	STEP(H, c, d, a, b, 15, 16, 46); STEP(H, b, c, d, a, 2, 23, 47);

	STEP(I, a, b, c, d, 0, 6, 48);  STEP(I, d, a, b, c, 7, 10, 49);
	STEP(I, c, d, a, b, 14, 15, 50); STEP(I, b, c, d, a, 5, 21, 51);
	STEP(I, a, b, c, d, 12, 6, 52); STEP(I, d, a, b, c, 3, 10, 53);
	STEP(I, c, d, a, b, 10, 15, 54); STEP(I, b, c, d, a, 1, 21, 55);
	STEP(I, a, b, c, d, 8, 6, 56);  STEP(I, d, a, b, c, 15, 10, 57);
	STEP(I, c, d, a, b, 6, 15, 58); STEP(I, b, c, d, a, 13, 21, 59);
	STEP(I, a, b, c, d, 4, 6, 60);  STEP(I, d, a, b, c, 11, 10, 61);
	STEP(I, c, d, a, b, 2, 15, 62); STEP(I, b, c, d, a, 9, 21, 63);

	s[0] += a;
	s[1] += b;
	s[2] += c;
	s[3] += d;
}

void
md5_init(struct md5 *c)
{
	c->s[0] = 0x67452301;
	c->s[1] = 0xefcdab89;
	c->s[2] = 0x98badcfe;
	c->s[3] = 0x10325476;
	c->len = 0;
}

void
md5_update(struct md5 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t have = (size_t)(c->len % 64);

	c->len += n;
	if (have) {
		size_t take = 64 - have < n ? 64 - have : n;
		memcpy(c->blk + have, p, take);
		p += take;
		n -= take;
		if (have + take < 64)
			return;
		block(c->s, c->blk);
	}
	for (; n >= 64; p += 64, n -= 64)
		block(c->s, p);
	if (n)
		memcpy(c->blk, p, n);
}

void
md5_final(struct md5 *c, unsigned char out[16])
{
	static const unsigned char pad[64] = { 0x80 };
	uint64_t bits = c->len * 8;
	unsigned char lenle[8];
	size_t have = (size_t)(c->len % 64);

	/* Pad to 56 mod 64, then the bit length as a little-endian 64-bit word. */
	md5_update(c, pad, have < 56 ? 56 - have : 120 - have);
	store_le64(lenle, bits);
	md5_update(c, lenle, 8);
	for (int i = 0; i < 4; i++)
		store_le32(out + 4 * i, c->s[i]);
}

void
md5(const void *p, size_t n, unsigned char out[16])
{
	struct md5 c;

	md5_init(&c);
	md5_update(&c, p, n);
	md5_final(&c, out);
}

void
md5_hex(const unsigned char d[16], char out[33])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
}
