/*
 * md5.h: the MD5 message digest (RFC 1321).
 *
 * MD5 is no longer a security primitive; trawl uses it only where another
 * system's identifiers are MD5 hex strings that must be reproduced exactly
 * (the Wikimedia refinery's actor signatures, actorsig(1)).  The context
 * is a plain struct, so a caller that hashes several messages sharing a
 * prefix can hash the prefix once and copy the context.
 */
#ifndef TRAWL_MD5_H
#define TRAWL_MD5_H

#include <stddef.h>
#include <stdint.h>

struct md5 {
	uint32_t s[4];		/* A, B, C, D */
	uint64_t len;		/* bytes fed so far */
	unsigned char blk[64];	/* the partial block, len % 64 bytes of it */
};

void md5_init(struct md5 *c);
void md5_update(struct md5 *c, const void *p, size_t n);
void md5_final(struct md5 *c, unsigned char out[16]);

/* MD5 of p[0..n) in one call. */
void md5(const void *p, size_t n, unsigned char out[16]);

/* 32 lowercase hex digits and a NUL. */
void md5_hex(const unsigned char d[16], char out[33]);

#endif
