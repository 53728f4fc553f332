/*
 * t_scan: the SIMD kernels of the validating scan against the scalar
 * scanner (lib/simd.c, lib/json.c).
 *
 *   t_scan -k            the kernels this machine runs, one a line, then
 *                        "chosen KERNEL" (what TRAWL_SIMD and the CPU pick)
 *   t_scan -d [-a] [-m N] [-s SEED]
 *                        differential run over the lines of stdin: each
 *                        line, each of its 64 shifts by leading spaces,
 *                        and (with -m) N mutants of it.  For every kernel
 *                        the machine runs: a "valid" must be a line the
 *                        scalar scanner accepts, the verdict must not
 *                        depend on the shift, and all kernels must agree.
 *                        -a: the fast path must also accept every line of
 *                        stdin itself (lines in its bulk subset).
 *                        Prints "KERNEL: N checked, A fast, F fallback";
 *                        exit 1 with the offending text on a disagreement.
 *   t_scan -g N [-s SEED]
 *                        N random texts of plain tokens ({ } [ ] : , "a"
 *                        "" "\"" 1 -20 0.5 1e3 true false null and
 *                        whitespace): on these the fast path must give
 *                        exactly the scalar verdict, shifted or not
 *                        (an object or array; other values it leaves to
 *                        the scalar scanner)
 *   t_scan -M N [-s SEED]
 *                        print N mutants of each line of stdin, one a line
 *                        (those holding a newline are left out): input
 *                        for judging verdicts against jq
 *   t_scan -b KERNEL     time json validation of stdin's lines with
 *                        KERNEL (scalar, avx2, avx512): the best of five
 *                        runs in MB/s on stderr (an input under 100 MB is
 *                        read several times a run: from the cache)
 *   t_scan -i KERNEL     the same, building the index (jscan_fast_index)
 *   t_scan -K KERNEL     the kernel alone: lines it leaves to the scalar
 *                        scanner are counted as invalid, not rescanned
 *   t_scan -V KERNEL     validate stdin's lines once, one by one, as
 *                        json_validate does with KERNEL, and print how many
 *                        are valid (for make bench, which times the run)
 *
 * Every text is copied into a buffer of exactly its size, so that the
 * sanitizers see any read past a line.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jscan.h"
#include "json.h"

static char *
slurp(FILE *fp, size_t *len)
{
	size_t cap = 1 << 20, n = 0, r;
	char *p = xmalloc(cap);
	while ((r = fread(p + n, 1, cap - n, fp)) > 0) {
		n += r;
		if (n == cap)
			p = xrealloc(p, cap *= 2);
	}
	*len = n;
	return p;
}

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

struct tally {
	unsigned long checked, fast;
};
static struct tally tally[3];
static unsigned kernels;

static void
scanref_fail(const char *why, const char *p, size_t n)
{
	fprintf(stderr, "t_scan: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n, stderr);
	fputc('\n', stderr);
	exit(1);
}

/* The fast verdict of kernel k on p[0..n), from a buffer of exactly n bytes. */
static int
fast(enum jscan_kernel k, const char *p, size_t n)
{
	char *c = xmalloc(n ? n : 1);
	memcpy(c, p, n);
	int r = jscan_fast_validate(k, c, n);
	free(c);
	return r;
}

static int
scalar(const char *p, size_t n)
{
	const char *msg;
	size_t where;
	char *c = xmalloc(n ? n : 1);
	memcpy(c, p, n);
	int r = json_validate(c, n, &msg, &where) == 0;
	free(c);
	return r;
}

#include "scanref.h"

/*
 * Check one text; returns the fast verdict (the kernels agree).  shifts:
 * also check it behind 1..63 spaces.
 */
static int
check(const char *p, size_t n, int shifts)
{
	int valid = scalar(p, n), verdict = -1;
	struct buf sh = { 0 };

	for (int k = JSCAN_AVX2; k <= JSCAN_AVX512; k++) {
		if (!(kernels >> k & 1))
			continue;
		int r = fast((enum jscan_kernel)k, p, n);
		tally[k].checked++;
		tally[k].fast += (unsigned long)r;
		if (r && !valid)
			scanref_fail("the fast path accepts what the scalar scanner refuses", p, n);
		if (verdict >= 0 && r != verdict)
			scanref_fail("the kernels disagree", p, n);
		verdict = r;
		if (r)
			scanref_check((enum jscan_kernel)k, p, n);
		for (int s = 1; shifts && s < 64; s++) {
			buf_reset(&sh);
			for (int i = 0; i < s; i++)
				buf_addc(&sh, ' ');
			buf_add(&sh, p, n);
			if (fast((enum jscan_kernel)k, sh.p, sh.len) != r) {
				buf_free(&sh);
				scanref_fail("the verdict depends on the alignment", p, n);
			}
			if (r && s % 8 == 5)
				scanref_check((enum jscan_kernel)k, sh.p, sh.len);
		}
	}
	buf_free(&sh);
	return verdict;
}

/* One random change of the kinds that break scanners at block edges. */
static void
mutate(struct buf *m, const char *p, size_t n)
{
	static const char pieces[][8] = {
		"\\", "\"", "\\\\", "\\\"", "{", "}", "[", "]", ":", ",", " ",
		"\t", "\x01", "\x1f", "\x00", "\xc3\xa9", "\xff", "-", ".", "e",
		"0", "true", "nul", "\\u00", "\\ud800", "\\udc00",
	};
	size_t at = n ? rng() % (n + 1) : 0;

	buf_reset(m);
	switch (rng() % 6) {
	case 0:		/* flip a byte */
		buf_add(m, p, n);
		if (n)
			m->p[at % n] ^= (char)(1u << (rng() % 8));
		break;
	case 1: {	/* insert a piece */
		size_t i = rng() % LEN(pieces);
		size_t len = i == 14 ? 1 : strlen(pieces[i]);
		buf_add(m, p, at);
		buf_add(m, pieces[i], len);
		buf_add(m, p + at, n - at);
		break;
	}
	case 2:		/* truncate */
		buf_add(m, p, at);
		break;
	case 3: {	/* a run of backslashes or quotes ending at a block's bit 63 */
		size_t end = (at | 63) < n ? (at | 63) : at;
		size_t run = 1 + rng() % 5;
		char c = rng() % 2 ? '\\' : '"';
		buf_add(m, p, n);
		for (size_t i = 0; i < run && i <= end && end < n; i++)
			m->p[end - i] = c;
		break;
	}
	case 4:		/* delete a byte */
		buf_add(m, p, at);
		if (at < n)
			buf_add(m, p + at + 1, n - at - 1);
		break;
	default: {	/* a short line: a slice */
		size_t len = rng() % 130;
		if (at + len > n)
			len = n - at;
		buf_add(m, p + at, len);
		break;
	}
	}
}

static int
differential(int all, unsigned long mutants)
{
	size_t len;
	char *data = slurp(stdin, &len);
	struct buf m = { 0 };

	kernels = jscan_kernels();
	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = check(p, n, 1);
		if (all && !r && kernels > 1)
			scanref_fail("the fast path leaves to the scalar scanner", p, n);
		for (unsigned long i = 0; i < mutants; i++) {
			mutate(&m, p, n);
			check(m.p, m.len, i % 8 == 0);
		}
		p += n + 1;
	}
	for (int k = JSCAN_AVX2; k <= JSCAN_AVX512; k++)
		if (kernels >> k & 1)
			printf("%s: %lu checked, %lu fast, %lu fallback\n",
			    jscan_kernel_name((enum jscan_kernel)k), tally[k].checked,
			    tally[k].fast, tally[k].checked - tally[k].fast);
	buf_free(&m);
	free(data);
	return 0;
}

static void
ws(struct buf *t)
{
	static const char *const w[] = { "", "", "", " ", "\t", "\r\n ", "   " };
	buf_adds(t, w[rng() % LEN(w)]);
}

/* A random valid value of plain tokens. */
static void
gen_value(struct buf *t, int depth)
{
	static const char *const scalars[] = {
		"1", "-20", "0.5", "1e3", "-0.25E-7", "007", "true", "false", "null",
		"\"a\"", "\"\"", "\"q\\\"\\\\\"", "\"\\u00e9\"", "\"\xc3\xa9\"",
	};
	unsigned r = (unsigned)(rng() % 8);
	if (depth > 6 || r < 4) {
		buf_adds(t, scalars[rng() % LEN(scalars)]);
		return;
	}
	int obj = r & 1;
	size_t n = rng() % 5;
	buf_addc(t, obj ? '{' : '[');
	ws(t);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			buf_addc(t, ',');
			ws(t);
		}
		if (obj) {
			buf_adds(t, rng() % 2 ? "\"k\"" : "\"a long key, for blocks\"");
			ws(t);
			buf_addc(t, ':');
			ws(t);
		}
		gen_value(t, depth + 1);
		ws(t);
	}
	buf_addc(t, obj ? '}' : ']');
}

/* Random texts of tokens the bulk scan settles by itself. */
static int
generated(unsigned long count)
{
	static const char *const toks[] = {
		"{", "}", "[", "]", ":", ",", "\"a\"", "\"\"", "\"\\\"\"", "1",
		"-20", "0.5", "1e3", "true", "false", "null", " ", "\t", "{\"k\":",
		"[1,", "\"x y\"", "0",
	};
	struct buf t = { 0 };
	unsigned long valid = 0;

	kernels = jscan_kernels();
	for (unsigned long i = 0; i < count; i++) {
		buf_reset(&t);
		if (i % 2) {
			/* A valid value, then perhaps a token put in or cut out. */
			ws(&t);
			gen_value(&t, 0);
			ws(&t);
			unsigned edits = (unsigned)(rng() % 3);
			for (unsigned e = 0; e < edits && t.len; e++) {
				size_t at = rng() % t.len;
				if (rng() % 2 && strchr("{}[]:, \t\"", t.p[at])) {
					struct buf u = { 0 };
					buf_add(&u, t.p, at);
					buf_adds(&u, toks[rng() % LEN(toks)]);
					buf_add(&u, t.p + at, t.len - at);
					buf_free(&t);
					t = u;
				} else if (strchr("{}[]:, \t\"", t.p[at])) {
					/* Not a digit or letter: that could make
					 * a lax number only the scalar scanner reads. */
					memmove(t.p + at, t.p + at + 1, t.len - at - 1);
					t.len--;
				}
			}
		} else {
			size_t len = 1 + rng() % 14;
			/* Long texts too, so that tokens straddle blocks. */
			if (rng() % 8 == 0)
				len += rng() % 60;
			for (size_t j = 0; j < len; j++)
				buf_adds(&t, toks[rng() % LEN(toks)]);
		}
		int want = scalar(t.p, t.len);
		valid += (unsigned long)want;
		/* The fast path takes objects and arrays only. */
		size_t f = strspn(t.p, " \t\r\n");
		if (f < t.len && t.p[f] != '{' && t.p[f] != '[')
			want = 0;
		if (kernels > 1 && check(t.p, t.len, i % 16 == 0) != want)
			scanref_fail("the fast path and the scalar scanner differ", t.p, t.len);
	}
	printf("%lu texts, %lu valid\n", count, valid);
	buf_free(&t);
	return 0;
}

static int
print_mutants(unsigned long count)
{
	size_t len;
	char *data = slurp(stdin, &len);
	struct buf m = { 0 };

	for (char *p = data, *end = data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		for (unsigned long i = 0; i < count; i++) {
			mutate(&m, p, n);
			if (memchr(m.p, '\n', m.len) == NULL) {
				fwrite(m.p, 1, m.len, stdout);
				putchar('\n');
			}
		}
		p += n + 1;
	}
	buf_free(&m);
	free(data);
	return 0;
}

/* The kernel called name, or -1 when this machine lacks it. */
static int
kernel_named(const char *name)
{
	for (int k = JSCAN_SCALAR; k <= JSCAN_AVX512; k++)
		if (strcmp(name, jscan_kernel_name((enum jscan_kernel)k)) == 0)
			return jscan_kernels() >> k & 1 ? k : -1;
	return -1;
}

/* Lines read one by one (getline): memory stays small on a big input. */
static int
validate_once(const char *name)
{
	int k = kernel_named(name);
	size_t valid = 0, cap = 0;
	char *line = NULL;
	ssize_t r;

	if (k < 0) {
		fprintf(stderr, "t_scan: no kernel %s here\n", name);
		return 2;
	}
	while ((r = getline(&line, &cap, stdin)) > 0) {
		size_t n = (size_t)r - (line[r - 1] == '\n');
		const char *msg;
		size_t where;
		valid += (k != JSCAN_SCALAR && jscan_fast_validate((enum jscan_kernel)k, line, n)) ||
		    json_validate(line, n, &msg, &where) == 0;
	}
	printf("%zu valid\n", valid);
	free(line);
	return 0;
}

static int
bench(const char *name, int index, int kernel_only)
{
	static struct jscan_index ix;
	size_t len, lines = 0, bad = 0;
	int k = kernel_named(name);

	if (k < 0) {
		fprintf(stderr, "t_scan: no kernel %s here\n", name);
		return 2;
	}
	char *data = slurp(stdin, &len);
	/* The best of five runs (the machine is shared), each over at least
	 * 100 MB: a small input is read again and again, from the cache. */
	double best = 0;
	size_t reps = len ? 1 + 100000000 / len : 1;
	for (int run = 0; run < 5; run++) {
		struct timespec t0, t1;
		lines = bad = 0;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		for (size_t rep = 0; rep < reps; rep++)
		for (char *p = data, *end = data + len; p < end;) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			const char *msg;
			size_t where;
			if (k == JSCAN_SCALAR)
				bad += json_validate(p, n, &msg, &where) != 0;
			else if (!(index ? jscan_fast_index((enum jscan_kernel)k, p, n, &ix) :
			    jscan_fast_validate((enum jscan_kernel)k, p, n)) &&
			    (kernel_only || json_validate(p, n, &msg, &where) != 0))
				bad++;
			lines++;
			p += n + 1;
		}
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (run == 0 || s < best)
			best = s;
	}
	fprintf(stderr, "%s: %zu bytes, %zu lines, %zu invalid, best of 5 %.3f s cpu, %.0f MB/s\n",
	    name, len, lines / reps, bad / reps, best, (double)len * (double)reps / 1e6 / best);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "-k") == 0) {
		unsigned have = jscan_kernels();
		for (int k = JSCAN_SCALAR; k <= JSCAN_AVX512; k++)
			if (have >> k & 1)
				printf("%s\n", jscan_kernel_name((enum jscan_kernel)k));
		printf("chosen %s\n", jscan_kernel_name(jscan_kernel()));
		return 0;
	}
	/* json_validate is the scalar reference from here on; the kernels
	 * are called one by one. */
	setenv("TRAWL_SIMD", "0", 1);
	if (argc >= 2 && strcmp(argv[1], "-d") == 0) {
		int all = 0;
		unsigned long mutants = 0;
		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "-a") == 0)
				all = 1;
			else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
				mutants = strtoul(argv[++i], NULL, 10);
			else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
				rng_state = strtoull(argv[++i], NULL, 10);
		}
		return differential(all, mutants);
	}
	if (argc >= 3 && strcmp(argv[1], "-M") == 0) {
		if (argc == 5 && strcmp(argv[3], "-s") == 0)
			rng_state = strtoull(argv[4], NULL, 10);
		return print_mutants(strtoul(argv[2], NULL, 10));
	}
	if (argc >= 3 && strcmp(argv[1], "-g") == 0) {
		if (argc == 5 && strcmp(argv[3], "-s") == 0)
			rng_state = strtoull(argv[4], NULL, 10);
		return generated(strtoul(argv[2], NULL, 10));
	}
	if (argc == 3 && strcmp(argv[1], "-b") == 0)
		return bench(argv[2], 0, 0);
	if (argc == 3 && strcmp(argv[1], "-i") == 0)
		return bench(argv[2], 1, 0);
	if (argc == 3 && strcmp(argv[1], "-K") == 0)
		return bench(argv[2], 0, 1);
	if (argc == 3 && strcmp(argv[1], "-V") == 0)
		return validate_once(argv[2]);
	fprintf(stderr, "usage: t_scan -k | -d [-a] [-m N] [-s SEED] | -g N [-s SEED] | -M N [-s SEED] | -b|-i|-K|-V KERNEL\n");
	return 2;
}
