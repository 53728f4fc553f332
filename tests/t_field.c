/*
 * t_field: drive lib/field.c and lib/json.c from the tests.
 *
 *   t_field EXPR...   for each input line, each value of each field as
 *                     "LINE FIELD TYPE CANONICAL-TEXT", or "LINE error MSG"
 *   t_field -b EXPR... evaluate every line, print nothing per line; on
 *                     stderr the bytes, values and MB/s (the benchmark)
 *   t_field -p EXPR... print "fast", "compiled" or "jq" for each expression
 *   t_field -e EXPR... print fs_explain's words for each expression
 *   t_field -X FILE   each line of FILE an expression in a fieldset of its
 *                     own: for each, "EXPR" and then its values on every
 *                     input line as -x prints them (the corpus test)
 *   t_field -f EXPR... compile with FS_FIRST and print fs_first() of each
 *                     field: "LINE FIELD TYPE CANONICAL-TEXT" or "LINE
 *                     FIELD missing"
 *   t_field -x EXPR... as without an option, but each value's own text
 *                     instead of its canonical text: on input that jq
 *                     itself wrote, the compiled path and libjq must
 *                     agree byte for byte"
 *   t_field -F SEED   each line mutated 40 ways: print the mutants where
 *                     json_validate and jq's parser disagree, or where
 *                     both accept and the canonical texts differ
 *   t_field -c        each line a JSON value: its canonical text and digest
 *   t_field -C        lines in pairs: json_cmp of the two as -1, 0 or 1
 *   t_field -u        each line a JSON string: its decoded bytes
 *   t_field -d        each line a number: json_number, then json_put_double
 *   t_field -D SEED N N random doubles (random bits, and round decimals):
 *                     json_put_double against libjq's jv_dump_string; prints
 *                     each disagreement and then the count
 *   t_field -v        each line: "ok" or "error MSG at OFFSET" (json_validate)
 *   t_field -s        each line: json_skip's length
 *   t_field -o        each line: json_object_end's offset and emptiness
 *
 * Lines are read whole (no length limit); a trailing CR is not removed:
 * the tests control their input.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jv.h>

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

static int exact, explain;

static int
fields(int argc, char **argv, int bench, int paths, int first)
{
	struct fieldset *fs = fs_new();
	struct buf canon = { 0 };
	char err[4096];

	for (int i = 0; i < argc; i++) {
		if (fs_add(fs, argv[i], first ? FS_FIRST : 0, err, sizeof err) < 0) {
			fprintf(stderr, "t_field: %s\n", err);
			fs_free(fs);
			return 2;
		}
		if (explain)
			printf("%s\n", fs_explain(fs, i));
		else if (paths)
			printf("%s\n", fs_path(fs, i) == FS_PLAIN ? "fast" :
			    fs_path(fs, i) == FS_COMPILED ? "compiled" : "jq");
	}
	if (paths || explain) {
		fs_free(fs);
		return 0;
	}

	size_t len;
	char *data = slurp(stdin, &len);
	struct timespec t0, t1, c0, c1;
	uint64_t values = 0, errors = 0, lines = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	/* TFIELD_REPEAT=N runs the benchmark over the same bytes N times, to
	 * measure the scanner on data already in the cache. */
	const char *rep = getenv("TFIELD_REPEAT");
	long reps = bench && rep ? atol(rep) : 1;
	for (long r = 1; r < reps; r++)
		for (char *p = data, *end = data + len; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = (size_t)((nl ? nl : end) - p);
			if (fs_eval(fs, p, n) == 0)
				values += fs_count(fs, 0);
			p += n + 1;
		}
	len *= (size_t)(reps > 0 ? reps : 1);
	for (char *p = data, *end = data + len / (size_t)(reps > 0 ? reps : 1); p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		lines++;
		if (fs_eval(fs, p, n) != 0) {
			errors++;
			if (!bench)
				printf("%" PRIu64 " error %s\n", lines, fs_error(fs));
		} else {
			for (int i = 0; i < argc && first; i++) {
				const struct jval *v = fs_first(fs, i);
				if (fs_count(fs, i) > 1)
					printf("%" PRIu64 " %d more than one value\n", lines, i);
				if (v == NULL) {
					printf("%" PRIu64 " %d missing\n", lines, i);
					continue;
				}
				buf_reset(&canon);
				json_canon(&canon, v->text, v->len);
				printf("%" PRIu64 " %d %s %s\n", lines, i, tnames[v->type], canon.p);
			}
			for (int i = 0; i < argc && !first; i++) {
				size_t c = fs_count(fs, i);
				values += c;
				if (bench)
					continue;
				for (size_t k = 0; k < c; k++) {
					const struct jval *v = fs_value(fs, i, k);
					buf_reset(&canon);
					if (exact)
						buf_add(&canon, v->text, v->len);
					else
						json_canon(&canon, v->text, v->len);
					printf("%" PRIu64 " %d %s %s\n", lines, i,
					    tnames[v->type], canon.p);
				}
			}
		}
		p += n + 1;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (bench) {
		/* CPU time as well as wall time: on a shared machine the
		 * wall clock measures the neighbours. */
		double s = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		double c = (double)(c1.tv_sec - c0.tv_sec) +
		    (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
		fprintf(stderr, "%zu bytes, %" PRIu64 " lines, %" PRIu64
		    " values, %" PRIu64 " errors, %.3f s wall (%.0f MB/s), "
		    "%.3f s cpu (%.0f MB/s)\n", len, lines, values, errors,
		    s, (double)len / s / 1e6, c, (double)len / c / 1e6);
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

static uint64_t rng;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
mutate(struct buf *m, const char *p, size_t n)
{
	static const char ins[] = "{}[],:\"\\ \t0123456789aeflnrstu.-+E\xc3\xff";
	buf_reset(m);
	buf_add(m, p, n);
	int k = 1 + (int)(rnd() % 3);
	while (k--) {
		size_t at = m->len ? (size_t)(rnd() % m->len) : 0;
		char c = ins[rnd() % (sizeof ins - 1)];
		switch (rnd() % 4) {
		case 0:		/* delete */
			if (m->len) {
				memmove(m->p + at, m->p + at + 1, m->len - at - 1);
				m->len--;
			}
			break;
		case 1:		/* insert */
			buf_addc(m, 0);
			memmove(m->p + at + 1, m->p + at, m->len - at - 1);
			m->p[at] = c;
			break;
		case 2:		/* replace */
			if (m->len)
				m->p[at] = c;
			break;
		default:	/* truncate */
			m->len = at;
			break;
		}
	}
}

/*
 * jq's parser reads a NUL byte as the end of a number token and lets
 * strtod skip a form feed or vertical tab in one, and treats 0x1e as a
 * record separator: trawl rejects those on purpose (see json.c), so
 * mutants holding such bytes are not compared.
 */
static int
comparable(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == 0 || p[i] == 0x0b || p[i] == 0x0c || p[i] == 0x1e)
			return 0;
	return 1;
}

static int
fuzz(unsigned long seed)
{
	size_t len;
	char *data = slurp(stdin, &len);
	struct buf m = { 0 }, a = { 0 }, b = { 0 };
	uint64_t tried = 0, bad = 0;

	rng = seed;
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		for (int r = 0; r < 40; r++) {
			mutate(&m, p, n);
			if (!comparable(m.p, m.len) || m.len > 1000000)
				continue;
			tried++;
			const char *msg;
			size_t where;
			int ours = json_validate(m.p, m.len, &msg, &where) == 0;
			jv v = jv_parse_sized(m.p, (int)m.len);
			int theirs = jv_is_valid(v);
			const char *why = NULL;
			if (ours != theirs) {
				why = ours ? "trawl accepts, jq rejects" : "jq accepts, trawl rejects";
			} else if (ours) {
				jv d = jv_dump_string(jv_copy(v), 0);
				buf_reset(&a);
				buf_reset(&b);
				json_canon(&a, m.p, m.len);
				json_canon(&b, jv_string_value(d), (size_t)jv_string_length_bytes(jv_copy(d)));
				if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
					why = "canonical texts differ";
				jv_free(d);
			}
			jv_free(v);
			if (why) {
				bad++;
				printf("%s: ", why);
				fwrite(m.p, 1, m.len > 300 ? 300 : m.len, stdout);
				putchar('\n');
			}
		}
		p += n + 1;
	}
	fprintf(stderr, "%" PRIu64 " mutants compared, %" PRIu64 " disagreements\n", tried, bad);
	free(data);
	buf_free(&m);
	buf_free(&a);
	buf_free(&b);
	return bad != 0;
}

/* Print field 0's values or error on one line, as -x does. */
static void
print_values(struct fieldset *fs, uint64_t line, struct buf *b)
{
	if (fs_eval(fs, b->p, b->len) != 0) {
		printf("%" PRIu64 " error %s\n", line, fs_error(fs));
		return;
	}
	for (size_t k = 0; k < fs_count(fs, 0); k++) {
		const struct jval *v = fs_value(fs, 0, k);
		printf("%" PRIu64 " 0 %s ", line, tnames[v->type]);
		fwrite(v->text, 1, v->len, stdout);
		putchar('\n');
	}
}

static int
corpus(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (fp == NULL) {
		perror(path);
		return 2;
	}
	size_t elen;
	char *exprs = slurp(fp, &elen), err[4096];
	fclose(fp);
	size_t len;
	char *data = slurp(stdin, &len);
	struct buf line = { 0 };
	for (char *e = exprs, *eend = exprs + elen; e < eend;) {
		char *nl = memchr(e, '\n', (size_t)(eend - e));
		if (nl == NULL)
			nl = eend;
		*nl = '\0';
		if (*e == '\0') {
			e = nl + 1;
			continue;
		}
		printf("%s\n", e);
		struct fieldset *fs = fs_new();
		if (fs_add(fs, e, 0, err, sizeof err) < 0) {
			printf("compile error %s\n", err);
		} else {
			uint64_t n = 0;
			for (char *p = data, *end = data + len; p < end;) {
				char *q = memchr(p, '\n', (size_t)(end - p));
				size_t l = (size_t)((q ? q : end) - p);
				buf_reset(&line);
				buf_add(&line, p, l);
				print_values(fs, ++n, &line);
				p += l + 1;
			}
		}
		fs_free(fs);
		e = nl + 1;
	}
	buf_free(&line);
	free(exprs);
	free(data);
	return 0;
}

/* json_put_double must write what jq 1.6 writes. */
static int
doubles(unsigned long seed, long n)
{
	struct buf b = { 0 };
	long bad = 0;
	rng = seed;
	for (long i = 0; i < n; i++) {
		double d;
		uint64_t r = rnd();
		switch (i % 4) {
		case 0:		/* any bit pattern */
			memcpy(&d, &r, sizeof d);
			break;
		case 1:		/* short decimals at every scale */
			d = (double)(r % 100000) * pow(10, (double)(int)(rnd() % 80) - 40);
			break;
		case 2:		/* powers of two */
			d = ldexp(1, (int)(rnd() % 2098) - 1074);
			break;
		default:	/* integers around 2^53 and above */
			d = (double)(r >> (rnd() % 20));
			break;
		}
		if (r & 1)
			d = -d;
		buf_reset(&b);
		json_put_double(&b, d);
		jv s = jv_dump_string(jv_number(d), 0);
		if (strcmp(b.p, jv_string_value(s)) != 0) {
			printf("%.17g: trawl %s, jq %s\n", d, b.p, jv_string_value(s));
			bad++;
		}
		jv_free(s);
	}
	printf("%ld\n", bad);
	buf_free(&b);
	return bad != 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == '-' && argv[1][1] && !argv[1][2]) {
		int m = argv[1][1];
		if (m == 'x' || m == 'e') {
			exact = m == 'x';
			explain = m == 'e';
			return fields(argc - 2, argv + 2, 0, 0, 0);
		}
		if (m == 'X' && argc == 3)
			return corpus(argv[2]);
		if (m == 'b' || m == 'p' || m == 'f')
			return fields(argc - 2, argv + 2, m == 'b', m == 'p', m == 'f');
		if (m == 'D' && argc == 4)
			return doubles(strtoul(argv[2], NULL, 10), atol(argv[3]));
		if (m == 'F' && argc == 3)
			return fuzz(strtoul(argv[2], NULL, 10));
		if (strchr("cCudvso", m))
			return json_mode(m);
		fprintf(stderr, "usage: t_field [-b|-p|-f] expr... | -F seed | -c|-C|-u|-d|-v|-s|-o\n");
		return 2;
	}
	return fields(argc - 1, argv + 1, 0, 0, 0);
}
