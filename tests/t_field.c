/*
 * t_field: drive lib/field.c and lib/json.c from the tests.
 *
 *   t_field EXPR...   for each input line, each value of each field as
 *                     "LINE FIELD TYPE CANONICAL-TEXT", or "LINE error MSG"
 *   t_field -b EXPR... evaluate every line, print nothing per line; on
 *                     stderr the bytes, values and MB/s (the benchmark)
 *   t_field -p EXPR... print "fast" or "jq" for each expression
 *   t_field -c        each line a JSON value: its canonical text and digest
 *   t_field -C        lines in pairs: json_cmp of the two as -1, 0 or 1
 *   t_field -u        each line a JSON string: its decoded bytes
 *   t_field -d        each line a number: json_number, then json_put_double
 *   t_field -v        each line: "ok" or "error MSG at OFFSET" (json_validate)
 *   t_field -s        each line: json_skip's length
 *   t_field -o        each line: json_object_end's offset and emptiness
 *
 * Lines are read whole (no length limit); a trailing CR is not removed:
 * the tests control their input.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "field.h"
#include "json.h"

static const char *const tnames[] = {
	"null", "false", "true", "number", "string", "array", "object",
};

static char *
slurp(FILE *fp, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *p = xmalloc(cap);
	size_t r;
	while ((r = fread(p + n, 1, cap - n, fp)) > 0) {
		n += r;
		if (n == cap)
			p = xrealloc(p, cap *= 2);
	}
	*len = n;
	return p;
}

static int
fields(int argc, char **argv, int bench, int paths)
{
	struct fieldset *fs = fs_new();
	struct buf canon = { 0 };
	char err[4096];

	for (int i = 0; i < argc; i++) {
		if (fs_add(fs, argv[i], 0, err, sizeof err) < 0) {
			fprintf(stderr, "t_field: %s\n", err);
			fs_free(fs);
			return 2;
		}
		if (paths)
			printf("%s\n", fs_is_fast(fs, i) ? "fast" : "jq");
	}
	if (paths) {
		fs_free(fs);
		return 0;
	}

	size_t len;
	char *data = slurp(stdin, &len);
	struct timespec t0, t1;
	uint64_t values = 0, errors = 0, lines = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		lines++;
		if (fs_eval(fs, p, n) != 0) {
			errors++;
			if (!bench)
				printf("%" PRIu64 " error %s\n", lines, fs_error(fs));
		} else {
			for (int i = 0; i < argc; i++) {
				size_t c = fs_count(fs, i);
				values += c;
				if (bench)
					continue;
				for (size_t k = 0; k < c; k++) {
					const struct jval *v = fs_value(fs, i, k);
					buf_reset(&canon);
					json_canon(&canon, v->text, v->len);
					printf("%" PRIu64 " %d %s %s\n", lines, i,
					    tnames[v->type], canon.p);
				}
			}
		}
		p += n + 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (bench) {
		double s = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		fprintf(stderr, "%zu bytes, %" PRIu64 " lines, %" PRIu64
		    " values, %" PRIu64 " errors, %.3f s, %.0f MB/s\n",
		    len, lines, values, errors, s, (double)len / s / 1e6);
	}
	free(data);
	buf_free(&canon);
	fs_free(fs);
	return 0;
}

static int
json_mode(int mode)
{
	size_t len;
	char *data = slurp(stdin, &len);
	struct buf b = { 0 }, scratch = { 0 };
	const char *prev = NULL;
	size_t prevn = 0;

	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		buf_reset(&b);
		switch (mode) {
		case 'c': {
			json_canon(&b, p, n);
			struct digest d = json_digest(p, n, &scratch);
			printf("%s %016" PRIx64 "%016" PRIx64 "\n", b.p, d.lo, d.hi);
			break;
		}
		case 'C':
			if (prev == NULL) {
				prev = p;
				prevn = n;
			} else {
				int r = json_cmp(prev, prevn, p, n);
				printf("%d\n", r < 0 ? -1 : r > 0);
				prev = NULL;
			}
			break;
		case 'u':
			json_unescape(&b, p, n);
			fwrite(b.p, 1, b.len, stdout);
			putchar('\n');
			break;
		case 'd':
			json_put_double(&b, json_number(p, n));
			printf("%s\n", b.p);
			break;
		case 'v': {
			const char *msg;
			size_t where;
			if (json_validate(p, n, &msg, &where) == 0)
				printf("ok\n");
			else
				printf("error %s at %zu\n", msg, where);
			break;
		}
		case 's':
			printf("%zu\n", json_skip(p, n));
			break;
		case 'o': {
			int empty = -1;
			size_t off = json_object_end(p, n, &empty);
			if (off == (size_t)-1)
				printf("not an object\n");
			else
				printf("%zu %d\n", off, empty);
			break;
		}
		}
		p += n + 1;
	}
	free(data);
	buf_free(&b);
	buf_free(&scratch);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] && !argv[1][2]) {
		int m = argv[1][1];
		if (m == 'b' || m == 'p')
			return fields(argc - 2, argv + 2, m == 'b', m == 'p');
		if (strchr("cCudvso", m))
			return json_mode(m);
		fprintf(stderr, "usage: t_field [-b|-p] expr... | -c|-C|-u|-d|-v|-s|-o\n");
		return 2;
	}
	return fields(argc - 1, argv + 1, 0, 0);
}
