/*
 * t_noalloc: count the allocations that json_digest and json_cmp make
 * per call once warm (tests/field.bats): keys and sort comparators run
 * once per record, and must not allocate.  Prints "TEXT ALLOCS" for 1000
 * calls of each; under a sanitizer, which owns malloc, only "sanitizer".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#if defined(__SANITIZE_ADDRESS__)
int
main(void)
{
	puts("sanitizer");
	return 0;
}
#else
/* glibc's own entry points, under the names a program may replace. */
void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void __libc_free(void *);

static long nalloc;

void *malloc(size_t n) { nalloc++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { nalloc++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { nalloc++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }

int
main(int argc, char **argv)
{
	struct buf s = { 0 };

	for (int i = 1; i < argc; i++) {
		const char *k = argv[i];
		size_t n = strlen(k);
		json_digest(k, n, &s);
		json_cmp(k, n, k, n);
		long before = nalloc;
		for (int r = 0; r < 1000; r++) {
			json_digest(k, n, &s);
			json_cmp(k, n, k, n);
		}
		printf("%s %ld\n", k, nalloc - before);
	}
	buf_free(&s);
	return 0;
}
#endif
