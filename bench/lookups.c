/*
 * lookups: the in-process cost of cidrscore's table, without its I/O.
 *
 * usage: lookups [-n count] [-S seed] [-m mmdb] table
 *
 * Loads the table the way cidrscore does (reader, each distinct attribute
 * text kept once in an arena, ipt_add per row, ipt_build) and times it; then looks up count
 * (default 20 million) IPv4 addresses drawn from a seeded xorshift
 * generator, three ways over the same addresses:
 *   - ipt_find4, cidrscore's lookup (the /16 index and segment search);
 *   - a plain binary search over the rows' start addresses, the textbook
 *     answer (it ignores nesting, which the segments resolve);
 *   - with -m, libmaxminddb's MMDB_lookup_sockaddr on a MaxMind DB file.
 * Prints one JSON line; the "matched" counts make each loop's result used,
 * so the compiler cannot drop it, and let the answers be compared.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <maxminddb.h>

#include "hash.h"
#include "iptable.h"
#include "iptread.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	char err[512];
	struct ipt_row row;
	struct buf arena = { 0 };
	unsigned long long count = 20000000ULL;
	uint64_t x = 42;
	const char *mmdbpath = NULL;
	uint32_t nrows = 0;
	int c, st;

	while ((c = getopt(argc, argv, "m:n:S:")) != -1) {
		switch (c) {
		case 'm':
			mmdbpath = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'S':
			x = strtoull(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;

	double t0 = now();
	struct ipt_reader *r = iptr_open(argv[optind], 0, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "lookups: %s\n", err);
		return 1;
	}
	struct iptable *t = ipt_new();
	struct dtab *interned = dtab_new(sizeof(uint64_t));
	/* The textbook structure: IPv4 rows as (start, end) pairs, sorted. */
	size_t nv4 = 0, cap = 0;
	uint32_t *pairs = NULL;
	while ((st = iptr_next(r, &row, err, sizeof(err))) > 0) {
		int ins;
		uint64_t *off = dtab_put(interned, digest128(row.attrs, row.attrslen), &ins);
		if (ins) {
			*off = arena.len;
			buf_add(&arena, row.attrs, row.attrslen);
		}
		ipt_add(t, nrows++, 0, row.lo, row.hi);
		if (ip_is_v4(row.lo) && ip_is_v4(row.hi)) {
			if (nv4 == cap) {
				cap = cap ? 2 * cap : 1024;
				pairs = xreallocarray(pairs, cap, 2 * sizeof(*pairs));
			}
			pairs[2 * nv4] = ip_v4(row.lo);
			pairs[2 * nv4 + 1] = ip_v4(row.hi);
			nv4++;
		}
	}
	if (st < 0) {
		fprintf(stderr, "lookups: %s\n", err);
		return 1;
	}
	iptr_close(r);
	dtab_free(interned);
	ipt_build(t, 0);
	double t1 = now();

	qsort(pairs, nv4, 2 * sizeof(*pairs), cmp_u32);
	uint32_t *starts = xreallocarray(NULL, nv4 ? nv4 : 1, sizeof(*starts));
	uint32_t *ends = xreallocarray(NULL, nv4 ? nv4 : 1, sizeof(*ends));
	for (size_t i = 0; i < nv4; i++) {
		starts[i] = pairs[2 * i];
		ends[i] = pairs[2 * i + 1];
	}
	free(pairs);

	/* The addresses are generated first so the timed loops are lookups only. */
	uint32_t *ips = xreallocarray(NULL, count ? count : 1, sizeof(*ips));
	if (x == 0)
		x = 1;
	for (unsigned long long i = 0; i < count; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ips[i] = (uint32_t)(x >> 16);
	}

	unsigned long long matched = 0, bmatched = 0, mmatched = 0;
	double t2 = now();
	for (unsigned long long i = 0; i < count; i++)
		matched += ipt_find4(t, 0, ips[i]) != IPT_NONE;
	double t3 = now();
	for (unsigned long long i = 0; i < count; i++) {
		size_t lo = 0, hi = nv4;
		while (lo < hi) {	/* the first start above the address */
			size_t mid = (lo + hi) / 2;
			if (starts[mid] <= ips[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		bmatched += lo > 0 && ends[lo - 1] >= ips[i];
	}
	double t4 = now();

	double mmdb_s = 0;
	if (mmdbpath) {
		MMDB_s mmdb;
		if ((st = MMDB_open(mmdbpath, MMDB_MODE_MMAP, &mmdb)) != MMDB_SUCCESS) {
			fprintf(stderr, "lookups: %s: %s\n", mmdbpath, MMDB_strerror(st));
			return 1;
		}
		double t5 = now();
		for (unsigned long long i = 0; i < count; i++) {
			struct sockaddr_in sin;
			int merr;
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(ips[i]);
			MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&mmdb,
			    (struct sockaddr *)&sin, &merr);
			mmatched += merr == MMDB_SUCCESS && res.found_entry;
		}
		mmdb_s = now() - t5;
		MMDB_close(&mmdb);
	}

	printf("{\"table\":\"%s\",\"rows\":%u,\"segments\":%zu,\"table_bytes\":%zu,"
	    "\"attr_bytes\":%zu,\"load_s\":%.3f,\"lookups\":%llu,"
	    "\"trawl_s\":%.3f,\"trawl_per_s\":%.0f,\"trawl_matched\":%llu,"
	    "\"bsearch_s\":%.3f,\"bsearch_per_s\":%.0f,\"bsearch_matched\":%llu",
	    argv[optind], nrows, ipt_segments(t), ipt_bytes(t), arena.len, t1 - t0,
	    count, t3 - t2, (double)count / (t3 - t2), matched,
	    t4 - t3, (double)count / (t4 - t3), bmatched);
	if (mmdbpath)
		printf(",\"mmdb\":\"%s\",\"mmdb_s\":%.3f,\"mmdb_per_s\":%.0f,\"mmdb_matched\":%llu",
		    mmdbpath, mmdb_s, (double)count / mmdb_s, mmatched);
	printf("}\n");
	ipt_free(t);
	buf_free(&arena);
	free(ips);
	free(starts);
	free(ends);
	return 0;
usage:
	fputs("usage: lookups [-n count] [-S seed] [-m mmdb] table\n", stderr);
	return 2;
}
