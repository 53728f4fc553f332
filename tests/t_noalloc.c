/*
 * t_noalloc: count the allocations that json_digest and json_cmp make
 * per call once warm (tests/field.bats): keys and sort comparators run
 * once per record, and must not allocate.  Prints "TEXT ALLOCS" for 1000
 * calls of each; under a sanitizer, which owns malloc, only "sanitizer".
 *
 *   t_noalloc time FMT TEXT...   the same for ts_parse_format (tests/ts.bats)
 *   t_noalloc row tsv|csv JSON...   and for tabular_row (tests/tabular.bats)
 *   t_noalloc fields RECORD EXPR...   and for fs_eval of each expression
 *                                     on RECORD (tests/jqc.bats)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "json.h"
#include "tabular.h"
#include "ts.h"

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

/* 1000 reads of each text in the format, once one has warmed up. */
static void
times(const char *fmt, char **texts, int n)
{
	char err[256];
	struct ts_format *f = ts_format_new(fmt, err, sizeof err);
	const char *why;
	int64_t ns;

	if (f == NULL) {
		printf("error: %s\n", err);
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(texts[i]);
		ts_parse_format(f, texts[i], len, &ns, &why);
		long before = nalloc;
		for (int r = 0; r < 1000; r++)
			ts_parse_format(f, texts[i], len, &ns, &why);
		printf("%s %ld\n", texts[i], nalloc - before);
	}
	ts_format_free(f);
}

/* 1000 rows of each record into a buffer emptied each time. */
static void
rows(const char *format, char **recs, int n)
{
	enum out_format of;
	struct buf out = { 0 };
	const char *why;

	if (out_format_parse(format, &of) < 0 || of == OUT_NDJSON)
		exit(2);
	for (int i = 0; i < n; i++) {
		struct tabular *t = tabular_new(of);
		size_t len = strlen(recs[i]);

		tabular_row(t, &out, recs[i], len, &why);
		long before = nalloc;
		for (int r = 0; r < 1000; r++) {
			buf_reset(&out);
			tabular_row(t, &out, recs[i], len, &why);
		}
		printf("%s %ld\n", recs[i], nalloc - before);
		tabular_free(t);
	}
	buf_free(&out);
}

/* 1000 evaluations of each expression (a fieldset of its own) on RECORD. */
static int
fields(int argc, char **argv)
{
	const char *rec = argv[0];
	size_t n = strlen(rec);
	char err[1024];
	for (int i = 1; i < argc; i++) {
		struct fieldset *fs = fs_new();
		if (fs_add(fs, argv[i], 0, err, sizeof err) < 0) {
			printf("%s: %s\n", argv[i], err);
			return 1;
		}
		for (int r = 0; r < 3; r++)
			fs_eval(fs, rec, n);
		long before = nalloc;
		for (int r = 0; r < 1000; r++)
			fs_eval(fs, rec, n);
		printf("%s %ld\n", argv[i], nalloc - before);
		fs_free(fs);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct buf s = { 0 };

	if (argc > 2 && strcmp(argv[1], "time") == 0) {
		times(argv[2], argv + 3, argc - 3);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "row") == 0) {
		rows(argv[2], argv + 3, argc - 3);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "fields") == 0)
		return fields(argc - 2, argv + 2);

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
