/*
 * t_hash: test driver for lib/hash.c.
 *   t_hash digest TEXT...   print each text's digest (h1 h2, hex) and its shard of 7
 *   t_hash table N          insert N keys into sets and maps, check every lookup,
 *                           the count and the iteration, print a summary
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

static int
table(unsigned long n)
{
	struct dtab *set = dtab_new(0);
	struct dtab *map = dtab_new(12);	/* an odd size: slots round up to 8 */
	char key[32];
	int ins;

	for (unsigned long i = 0; i < n; i++) {
		int len = snprintf(key, sizeof key, "k%lu", i);
		struct digest d = digest128(key, (size_t)len);
		dtab_put(set, d, &ins);
		if (!ins)
			return printf("set: key %lu reported present\n", i), 1;
		uint32_t *v = dtab_put(map, d, &ins);
		if (v[0] != 0 || v[1] != 0 || v[2] != 0)
			return printf("map: new value not zeroed\n"), 1;
		v[0] = (uint32_t)i;
		v[2] = (uint32_t)~i;
	}
	for (unsigned long i = 0; i < n; i++) {
		int len = snprintf(key, sizeof key, "k%lu", i);
		struct digest d = digest128(key, (size_t)len);
		uint32_t *v = dtab_get(map, d);
		if (dtab_get(set, d) == NULL || v == NULL || v[0] != (uint32_t)i || v[2] != (uint32_t)~i)
			return printf("lookup of key %lu failed\n", i), 1;
		dtab_put(set, d, &ins);
		if (ins)
			return printf("set: key %lu inserted twice\n", i), 1;
	}
	if (dtab_get(set, digest128("absent", 6)) != NULL)
		return printf("absent key found\n"), 1;
	size_t pos = 0, seen = 0;
	uint64_t sum = 0;
	void *v;
	while (dtab_next(map, &pos, NULL, &v)) {
		seen++;
		sum += ((uint32_t *)v)[0];
	}
	printf("count %zu %zu iterated %zu sum %" PRIu64 " bytes/key(set) %.1f\n",
	    dtab_count(set), dtab_count(map), seen, sum,
	    n ? (double)dtab_bytes(set) / (double)n : 0.0);
	dtab_free(set);
	dtab_free(map);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "digest") == 0) {
		for (int i = 2; i < argc; i++) {
			struct digest d = digest128(argv[i], strlen(argv[i]));
			printf("%016" PRIx64 " %016" PRIx64 " %u\n", d.lo, d.hi, shard_of(d, 7));
		}
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "table") == 0)
		return table(strtoul(argv[2], NULL, 10));
	fprintf(stderr, "usage: t_hash digest TEXT... | t_hash table N\n");
	return 2;
}
