/*
 * t_iptable: lib/iptable.c's lookups against brute force, for
 * tests/iptable.bats.
 *
 * usage: t_iptable SEED ROUNDS
 *        t_iptable SEED big N
 *
 * Each round draws up to 60 ranges (random scope 0-2, random family) in a
 * small stretch of address space so that they overlap, nest and tie; builds
 * the table with and without IPT_ALL; and checks every address of the
 * stretch and its edges, in every scope, against the rule written out
 * longhand: the rows holding the address, ordered narrowest first, then
 * later start, then lower row.  With "big", one table of N IPv4 ranges
 * over the whole space (mostly small, some wide enough to hold others), so
 * that the /16 index is built, checked at every range's edges and at 20000
 * random addresses.  Prints "ok CHECKS" or the first difference, exiting 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptable.h"
#include "iptread.h"

struct r {
	struct ip lo, hi;
	uint32_t scope;
};

static uint64_t rng;

static uint32_t
draw(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* The address at offset k of the stretch of family v6. */
static struct ip
at(int v6, uint32_t k)
{
	struct ip a;

	if (!v6)
		return ip_from_v4(0x0a000000u + k);
	a.hi = UINT64_C(0x20010db800000000);
	a.lo = UINT64_C(0xfffffffffffffff0) + k;	/* crosses a 64-bit word */
	if (a.lo < UINT64_C(0xfffffffffffffff0))
		a.hi++;
	return a;
}

static struct ip
width(struct r x)
{
	struct ip d;

	d.lo = x.hi.lo - x.lo.lo;
	d.hi = x.hi.hi - x.lo.hi - (x.hi.lo < x.lo.lo);
	return d;
}

/* 1 when row i beats row j for an address both hold. */
static int
beats(const struct r *rs, uint32_t i, uint32_t j)
{
	int c = ip_cmp(width(rs[i]), width(rs[j]));

	if (c)
		return c < 0;
	c = ip_cmp(rs[i].lo, rs[j].lo);
	if (c)
		return c > 0;
	return i < j;
}

/* The brute-force answer for a among rs[0..n) in scope s: count, best first. */
static size_t
brute(const struct r *rs, uint32_t n, uint32_t s, struct ip a, uint32_t *want)
{
	size_t nw = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (rs[i].scope != s || ip_cmp(rs[i].lo, a) > 0 || ip_cmp(rs[i].hi, a) < 0)
			continue;
		size_t j = nw++;
		while (j > 0 && beats(rs, i, want[j - 1])) {
			want[j] = want[j - 1];
			j--;
		}
		want[j] = i;
	}
	return nw;
}

static int
big(uint32_t n)
{
	struct r *rs = xreallocarray(NULL, n, sizeof(*rs));
	uint32_t *want = xreallocarray(NULL, n, sizeof(*want));
	struct iptable *t = ipt_new();
	unsigned long checks = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t lo = (uint32_t)draw(UINT32_MAX), len = draw(50) == 0 ?
		    draw(1u << 28) : draw(1u << 12);
		if (lo > UINT32_MAX - len)
			lo = UINT32_MAX - len;
		rs[i].lo = ip_from_v4(lo);
		rs[i].hi = ip_from_v4(lo + len);
		rs[i].scope = 0;
		ipt_add(t, i, 0, rs[i].lo, rs[i].hi);
	}
	ipt_build(t, IPT_ALL);
	for (uint32_t k = 0; k < 4 * n + 20000; k++) {
		uint32_t a;
		if (k < 4 * n) {
			uint32_t lo = ip_v4(rs[k / 4].lo), hi = ip_v4(rs[k / 4].hi);
			a = k % 4 == 0 ? lo - 1 : k % 4 == 1 ? lo : k % 4 == 2 ? hi : hi + 1;
		} else {
			a = (uint32_t)draw(UINT32_MAX);
		}
		size_t nw = brute(rs, n, 0, ip_from_v4(a), want), ng;
		const uint32_t *got;
		uint32_t w = nw ? want[0] : IPT_NONE;
		ng = ipt_find_all(t, 0, ip_from_v4(a), &got);
		int same = ipt_find4(t, 0, a) == w && ng == nw;
		for (size_t j = 0; same && j < nw; j++)
			same = got[j] == want[j];
		if (!same) {
			printf("address %u: want %u (%zu rows), got %u (%zu rows)\n", a, w, nw,
			    ipt_find4(t, 0, a), ng);
			return 1;
		}
		checks++;
	}
	printf("ok %lu segments %s\n", checks, ipt_segments(t) >= 1024 ? ">= 1024" : "< 1024");
	ipt_free(t);
	free(rs);
	free(want);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long checks = 0;
	struct r rs[60];
	uint32_t want[60];

	if (argc < 3)
		return 2;
	rng = strtoull(argv[1], NULL, 10) | 1;
	if (strcmp(argv[2], "big") == 0 && argc == 4)
		return big((uint32_t)atoi(argv[3]));
	int rounds = atoi(argv[2]);
	for (int round = 0; round < rounds; round++) {
		uint32_t n = 1 + draw(60);
		struct iptable *best = ipt_new(), *all = ipt_new();
		for (uint32_t i = 0; i < n; i++) {
			int v6 = draw(3) == 0;
			uint32_t a = draw(200), len = draw(4) == 0 ? draw(200) : draw(20);
			rs[i].lo = at(v6, a);
			rs[i].hi = at(v6, a + len);
			rs[i].scope = draw(3);
			ipt_add(best, i, rs[i].scope, rs[i].lo, rs[i].hi);
			ipt_add(all, i, rs[i].scope, rs[i].lo, rs[i].hi);
		}
		ipt_build(best, 0);
		ipt_build(all, IPT_ALL);
		for (uint32_t s = 0; s < 4; s++) {
			for (int v6 = 0; v6 < 2; v6++) {
				for (uint32_t k = 0; k < 240; k++) {
					struct ip a = at(v6, k);
					const uint32_t *got;
					size_t nw = brute(rs, n, s, a, want);
					uint32_t w = nw ? want[0] : IPT_NONE;
					uint32_t f = ipt_find(best, s, a);
					size_t ng = ipt_find_all(all, s, a, &got);
					int same = f == w && ipt_find(all, s, a) == w && ng == nw;
					for (size_t j = 0; same && j < nw; j++)
						same = got[j] == want[j];
					if (!v6 && same)
						same = ipt_find4(best, s, ip_v4(a)) == w;
					if (!same) {
						printf("round %d scope %u %s offset %u: want %u (%zu rows), "
						    "got %u (%zu rows)\n", round, s, v6 ? "v6" : "v4", k,
						    w, nw, f, ng);
						for (uint32_t i = 0; i < n; i++) {
							struct buf b = { 0 };
							ip_put(&b, rs[i].lo);
							buf_addc(&b, '-');
							ip_put(&b, rs[i].hi);
							printf("  row %u scope %u %s\n", i, rs[i].scope, b.p);
							buf_free(&b);
						}
						return 1;
					}
					checks++;
				}
			}
		}
		ipt_free(best);
		ipt_free(all);
	}
	printf("ok %lu\n", checks);
	return 0;
}
