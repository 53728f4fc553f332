/*
 * fuzz/ip.c: IP address and prefix parsing (lib/ip.h), differential
 * against inet_pton.
 *
 * ip.h accepts what inet_pton accepts for AF_INET (glibc refuses leading
 * zeros too) and AF_INET6, and nothing else; the 128-bit value must be
 * inet_pton's (IPv4 as ::ffff:a.b.c.d).  An address that parses prints
 * and parses back to itself; a prefix's network has no host bits and
 * prints and parses back to the same prefix.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ip.h"

static void
die(const char *why, const uint8_t *p, size_t n)
{
	fprintf(stderr, "fuzz/ip: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n > 200 ? 200 : n, stderr);
	fputc('\n', stderr);
	abort();
}

static struct ip
from_bytes(const unsigned char b[16])
{
	struct ip a = { 0, 0 };
	for (int i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | b[i];
		a.lo = a.lo << 8 | b[i + 8];
	}
	return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct ip a, back;
	unsigned bits, bits2;
	struct buf b = { 0 };

	int ok = ip_parse(s, size, &a) == 0;
	if (size < 100 && memchr(s, 0, size) == NULL) {
		char z[128];
		unsigned char raw[16];
		struct ip want;
		memcpy(z, s, size);
		z[size] = '\0';
		int theirs = 0;
		if (inet_pton(AF_INET, z, raw) == 1) {
			theirs = 1;
			want = ip_from_v4((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
			    (uint32_t)raw[2] << 8 | raw[3]);
		} else if (inet_pton(AF_INET6, z, raw) == 1) {
			theirs = 1;
			want = from_bytes(raw);
		}
		if (ok != theirs)
			die(ok ? "ip_parse accepts, inet_pton refuses" : "inet_pton accepts, ip_parse refuses", data, size);
		if (ok && ip_cmp(a, want) != 0)
			die("ip_parse and inet_pton differ", data, size);
	}
	if (ok) {
		unsigned char raw[16];
		ip_bytes(a, raw);
		if (ip_cmp(from_bytes(raw), a) != 0)
			die("ip_bytes", data, size);
		ip_put(&b, a);
		if (ip_parse(b.p, b.len, &back) != 0 || ip_cmp(a, back) != 0)
			die("an address does not read back", data, size);
		if (ip_cmp(ip_prev(ip_next(a)), a) != 0)
			die("ip_prev(ip_next(a)) != a", data, size);
	}

	if (ip_prefix_parse(s, size, &a, &bits) == 0) {
		if (bits > 128)
			die("prefix longer than 128 bits", data, size);
		if (ip_cmp(ip_first(a, bits), a) != 0)
			die("host bits left in the network", data, size);
		unsigned rb;
		if (!ip_range_prefix(ip_first(a, bits), ip_last(a, bits), &rb) || rb != bits)
			die("ip_range_prefix does not find the prefix", data, size);
		buf_reset(&b);
		ip_put_prefix(&b, a, bits);
		if (ip_prefix_parse(b.p, b.len, &back, &bits2) != 0 || ip_cmp(a, back) != 0 || bits != bits2)
			die("a prefix does not read back", data, size);
	}
	buf_free(&b);
	return 0;
}
