/*
 * lookups: the in-process cost of cidrscore's table, without its I/O.
 *
 * usage: lookups TABLE [COUNT [SEED]]
 *
 * Loads TABLE the way cidrscore does (reader, attribute text kept in one
 * arena, ipt_add per row, ipt_build), then looks up COUNT (default ten
 * million) IPv4 addresses drawn from a seeded xorshift generator, and
 * prints one JSON line: rows, segments, table bytes, load seconds, lookup
 * seconds, lookups per second and how many addresses matched (a checksum
 * that makes the loop impossible to optimise away).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "iptable.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	char err[512];
	struct ipt_row row;
	struct buf arena = { 0 };
	unsigned long long count = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000ULL;
	uint64_t x = argc > 3 ? strtoull(argv[3], NULL, 10) : 42;
	uint32_t nrows = 0;
	int st;

	if (argc < 2) {
		fputs("usage: lookups TABLE [COUNT [SEED]]\n", stderr);
		return 2;
	}
	double t0 = now();
	struct ipt_reader *r = iptr_open(argv[1], 0, err, sizeof(err));
	if (r == NULL) {
		fprintf(stderr, "lookups: %s\n", err);
		return 1;
	}
	struct iptable *t = ipt_new();
	while ((st = iptr_next(r, &row, err, sizeof(err))) > 0) {
		buf_add(&arena, row.attrs, row.attrslen);
		ipt_add(t, nrows++, 0, row.lo, row.hi);
	}
	if (st < 0) {
		fprintf(stderr, "lookups: %s\n", err);
		return 1;
	}
	iptr_close(r);
	ipt_build(t, 0);
	double t1 = now();

	/* The addresses are generated first so the timed loop is lookups only. */
	uint32_t *ips = malloc(count * sizeof(*ips));
	if (ips == NULL && count > 0) {
		fputs("lookups: out of memory\n", stderr);
		return 1;
	}
	if (x == 0)
		x = 1;
	for (unsigned long long i = 0; i < count; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ips[i] = (uint32_t)(x >> 16);
	}
	unsigned long long matched = 0;
	double t2 = now();
	for (unsigned long long i = 0; i < count; i++)
		matched += ipt_find4(t, 0, ips[i]) != IPT_NONE;
	double t3 = now();

	printf("{\"table\":\"%s\",\"rows\":%u,\"segments\":%zu,\"table_bytes\":%zu,"
	    "\"attr_bytes\":%zu,\"load_s\":%.3f,\"lookups\":%llu,\"lookup_s\":%.3f,"
	    "\"lookups_per_s\":%.0f,\"matched\":%llu}\n",
	    argv[1], nrows, ipt_segments(t), ipt_bytes(t), arena.len, t1 - t0,
	    count, t3 - t2, (double)count / (t3 - t2), matched);
	ipt_free(t);
	buf_free(&arena);
	free(ips);
	return 0;
}
