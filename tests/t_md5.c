/*
 * t_md5: test driver for lib/md5.c.
 *   t_md5 TEXT...        print MD5 hex of each argument, one per line, after
 *                        checking that feeding it in every split of two
 *                        pieces, and byte by byte, gives the same digest
 *   t_md5 -r N TEXT      MD5 of TEXT repeated N times (long messages)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md5.h"

static int
check_splits(const char *s)
{
	size_t n = strlen(s);
	unsigned char whole[16], part[16];
	struct md5 c;

	md5(s, n, whole);
	for (size_t cut = 0; cut <= n; cut++) {
		md5_init(&c);
		md5_update(&c, s, cut);
		/* A copied context must carry on independently. */
		struct md5 copy = c;
		md5_update(&copy, s + cut, n - cut);
		md5_final(&copy, part);
		if (memcmp(whole, part, 16) != 0)
			return fprintf(stderr, "split at %zu differs\n", cut), 1;
	}
	md5_init(&c);
	for (size_t i = 0; i < n; i++)
		md5_update(&c, s + i, 1);
	md5_final(&c, part);
	if (memcmp(whole, part, 16) != 0)
		return fprintf(stderr, "byte-by-byte differs\n"), 1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned char d[16];
	char hex[33];

	if (argc == 4 && strcmp(argv[1], "-r") == 0) {
		long reps = strtol(argv[2], NULL, 10);
		struct md5 c;
		md5_init(&c);
		for (long i = 0; i < reps; i++)
			md5_update(&c, argv[3], strlen(argv[3]));
		md5_final(&c, d);
		md5_hex(d, hex);
		puts(hex);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (check_splits(argv[i]))
			return 1;
		md5(argv[i], strlen(argv[i]), d);
		md5_hex(d, hex);
		puts(hex);
	}
	return 0;
}
