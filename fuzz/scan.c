/*
 * fuzz/scan.c: the SIMD kernels of the validating scan (lib/simd.c)
 * against the scalar scanner, after simdjson's fuzz_implementations.
 *
 * Each input is one text.  For every kernel this machine runs, on the
 * text and behind a few runs of spaces (other block alignments): a
 * "valid" must be a text the scalar scanner accepts, and every kernel
 * and alignment must give the same verdict; on a valid text, the index a
 * kernel builds and the navigation over it must agree with the text read
 * byte by byte (tests/scanref.h).  Any disagreement aborts, so libFuzzer
 * records the input.  (fuzz/field.c judges the scalar scanner against
 * libjq.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "json.h"

static unsigned kernels;

static void
die(const char *why, const uint8_t *p, size_t n)
{
	fprintf(stderr, "fuzz/scan: %s on %zu bytes: ", why, n);
	fwrite(p, 1, n > 400 ? 400 : n, stderr);
	fputc('\n', stderr);
	abort();
}

static void
scanref_fail(const char *why, const char *p, size_t n)
{
	die(why, (const uint8_t *)p, n);
}

#include "../tests/scanref.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* json_validate is the scalar reference; kernels are called one by
	 * one. */
	setenv("TRAWL_SIMD", "0", 1);
	kernels = jscan_kernels();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t shifts[] = { 0, 1, 31, 63 };
	const char *msg;
	size_t where;
	int valid = json_validate((const char *)data, size, &msg, &where) == 0;
	int verdict = -1;

	for (size_t s = 0; s < sizeof shifts / sizeof shifts[0]; s++) {
		/* A buffer of exactly the text's size: reads past it are caught. */
		size_t n = shifts[s] + size;
		char *p = malloc(n ? n : 1);
		if (p == NULL)
			return 0;
		memset(p, ' ', shifts[s]);
		memcpy(p + shifts[s], data, size);
		for (int k = JSCAN_AVX2; k <= JSCAN_AVX512; k++) {
			if (!(kernels >> k & 1))
				continue;
			int r = jscan_fast_validate((enum jscan_kernel)k, p, n);
			if (r && !valid)
				die("a kernel accepts what the scalar scanner refuses", data, size);
			if (verdict >= 0 && r != verdict)
				die("kernels or alignments disagree", data, size);
			verdict = r;
			if (r)
				scanref_check((enum jscan_kernel)k, p, n);
		}
		free(p);
	}
	return 0;
}
