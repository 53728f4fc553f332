/*
 * fuzz/iptable.c: reading IP table files and building the lookup
 * structure (lib/iptread.h, lib/iptable.h).
 *
 * The reader takes a path, so each input is written to an anonymous
 * memory file and read through /proc/self/fd: as NDJSON, CSV, TSV,
 * headerless CSV/TSV, gzip or zstd of any of those, or a MaxMind DB, whichever
 * the bytes are.  Every row must be one family with lo <= hi; a CIDR
 * row's range must be its prefix.  The rows read before an error are
 * built into a table, and each range's ends must find a row holding them.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iptable.h"
#include "iptread.h"

static void
die(const char *why)
{
	fprintf(stderr, "fuzz/iptable: %s\n", why);
	abort();
}

#define MAXROWS 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64], err[1024];

	if (fd < 0 && (fd = memfd_create("fuzz-iptable", 0)) < 0)
		die("memfd_create");
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		die("cannot write the memory file");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	struct ipt_reader *r = iptr_open(path, IPTR_OBJ, err, sizeof err);
	if (r == NULL)
		return 0;
	struct iptable *t = ipt_new();
	struct ip *los = malloc(MAXROWS * sizeof *los), *his = malloc(MAXROWS * sizeof *his);
	struct ipt_row row;
	uint32_t n = 0;
	int rc;
	while (n < MAXROWS && (rc = iptr_next(r, &row, err, sizeof err)) == 1) {
		if (ip_cmp(row.lo, row.hi) > 0)
			die("a row with lo > hi");
		if (ip_is_v4(row.lo) != ip_is_v4(row.hi))
			die("a row that mixes families");
		if (row.bits >= 0 && (row.bits > 128 ||
		    ip_cmp(ip_first(row.lo, (unsigned)row.bits), row.lo) != 0 ||
		    ip_cmp(ip_last(row.lo, (unsigned)row.bits), row.hi) != 0))
			die("a CIDR row whose range is not its prefix");
		if (row.obj == NULL || row.objlen < 2 || row.obj[0] != '{' || row.obj[row.objlen - 1] != '}')
			die("a row object that is not an object");
		(void)iptr_format(r);
		ipt_add(t, n, n % 3, row.lo, row.hi);
		los[n] = row.lo;
		his[n] = row.hi;
		n++;
	}
	iptr_close(r);
	ipt_build(t, IPT_ALL);
	for (uint32_t i = 0; i < n; i++) {
		const uint32_t *rows;
		if (ipt_find(t, i % 3, los[i]) == IPT_NONE || ipt_find(t, i % 3, his[i]) == IPT_NONE)
			die("a range's end finds no row");
		size_t k = ipt_find_all(t, i % 3, los[i], &rows);
		int seen = 0;
		for (size_t j = 0; j < k; j++)
			seen |= rows[j] == i;
		if (!seen)
			die("ipt_find_all misses a row holding the address");
		if (ip_is_v4(los[i]) && ipt_find4(t, i % 3, ip_v4(los[i])) != ipt_find(t, i % 3, los[i]))
			die("ipt_find4 and ipt_find differ");
	}
	(void)ipt_bytes(t);
	ipt_free(t);
	free(los);
	free(his);
	return 0;
}
