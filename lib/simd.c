/*
 * simd.c: the SIMD validating scan (AVX2, AVX-512) and the choice of
 * kernel at run time; see lib/simd_kernel.h for the passes and jscan.h
 * for the contract.
 *
 * The build is for plain x86-64: each kernel is compiled inside its own
 * target region, and chosen once per process from CPUID and XGETBV (the
 * OS must save the vector state too) unless TRAWL_SIMD says otherwise.
 * Other machines, and TRAWL_SIMD=0, use the scalar scanner alone.
 *
 * A kernel only ever says "valid" for a line the scalar scanner accepts:
 * whatever it cannot settle in bulk (a value that is not an object or an
 * array, a raw control byte in a string, a bare token other than a plain
 * number or true/false/null, nesting near jq's limit) it leaves to the
 * scalar scanner, which also words every error.
 *
 * While validating, a kernel can also keep an index of the line (struct
 * jscan_index: per block the brackets, the keys, those of the line's
 * value apart, and the depth at its start) for lib/scanindex.c to
 * navigate with; it costs about 4% (t_scan -i against -b).
 *
 * Speed (t_scan -b, one core, 2 MB of generated pings from the cache, at
 * about 2.95 GHz; medians of 3 runs, each the best of 5): the scalar
 * scanner 1.0 GB/s on projected and 0.70 on full pings; AVX2 1.65 and
 * 1.7, where moving 64-byte masks out of vector registers costs most;
 * AVX-512 3.9 and 4.65.  The AVX-512 kernel's cycles a byte, projected /
 * full (measured before the literals went to bulk, parts apart):
 * classifying 0.26 / 0.23 (ten compares or tests, most on the one port
 * they share), the lane rules 0.11 / 0.10, packing brackets 0.07 / 0.05,
 * the bracket walk 0.13 / 0.18 (about 4 cycles a bracket), contexts 0.12
 * / 0.08; rare tokens were 0.14 / 0.01 one by one and are now about 0.06
 * (literals512: a lookup and a compare a block that holds any; rare_bare
 * keeps numbers with a fraction or an exponent, 2.5 a projected ping, and
 * tokens over a block's edge): the kernel went from 3.75 to 3.9 GB/s on
 * projected pings (t_scan -K avx512 on 20 MB: 3.27 -> 3.49, line cutting
 * included), full pings unchanged.  Numbers in bulk too (thirteen class
 * masks a block and their rules in 64-bit registers) measured slower
 * than one by one, 3.0-3.1 against 3.3-3.4 GB/s: a block with rare tokens
 * holds about 1.3 of them.
 *
 * In the tools (field.c walks what the kernel indexed), one thread, 300
 * MB from the page cache, median CPU time of 7 interleaved runs on the
 * shared 2-core machine (load 4-5), both threads: pingdedup -k .id 191
 * ms projected / 148 full (TRAWL_SIMD=0: 385 / 507; the mawk keep-first
 * one-liner 604 / 457, so 3.2x / 3.1x); histo -f .meta.geoCountry
 * --counts 168 / 130 (TRAWL_SIMD=0: 365 / 517; mawk 438 / 452, so 2.6x /
 * 3.5x).  That is 1.57 / 2.02 GB/s and 1.78 / 2.31 GB/s of CPU in all;
 * on the tool's own thread (perf record's share: 72-81%) 1.94 / 2.80
 * GB/s for pingdedup and 2.36 / 3.26 for histo: short of 3 GB/s on
 * projected pings.  Where that thread's time goes on projected pings:
 * pingdedup, this kernel 48% (rare tokens 4 of it), memchr cutting lines
 * 9%, the dedup table 5%, copying kept lines 4%, decoding and canonical
 * keys 4%, the index walk 3%; histo, the kernel 54%, memchr 11%, the
 * index walk 11% (keys read backwards to the last "meta" and its last
 * "geoCountry": 14 keys a line, against 32 forwards).  At 3.9 GB/s the
 * kernel alone takes three quarters of the time 3 GB/s allows.
 * Reproduce: `perf stat -e task-clock bin/pingdedup --threads 1 -k .id
 * F` (and `perf record -e cpu-clock` for the threads' shares) on F from
 * `build/bench/genpings -s projected -m 300 -S 1 -d 0.05` (or -s full),
 * `build/tests/t_scan -b avx512 <F2` on its first 2 MB, or
 * `BENCH_MB=300 bench/run pingdedup histo`.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

static const char *const kernel_names[] = {
	[JSCAN_SCALAR] = "scalar", [JSCAN_AVX2] = "avx2", [JSCAN_AVX512] = "avx512",
};

const char *
jscan_kernel_name(enum jscan_kernel k)
{
	return kernel_names[k];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_KERNELS 1
#include <cpuid.h>
#include <immintrin.h>

/* ----- rare tokens, one by one ----- */

/* The bits of mask, lowest first, as positions in the line. */
#define EACH_BIT(mask, base, x) \
	for (uint64_t m_ = (mask), x; m_ && ((x) = (base) + (uint64_t)__builtin_ctzll(m_), 1); \
	    m_ &= m_ - 1)

/* Escapes (the bytes after backslashes) in strings: as the scalar scanner
 * reads them, \u surrogate pairs included. */
static __attribute__((noinline)) uint64_t
rare_escapes(const char *line, size_t n, size_t base, uint64_t mask)
{
	struct jscan_err e;

	EACH_BIT(mask, base, x) {
		if (x >= n || jscan_escape(line + x, line + n, &e) == NULL)
			return 1;
	}
	return 0;
}

/*
 * Bare tokens holding a byte other than a digit (odd marks such bytes in
 * the block at base; start and br are the block's token starts and bare
 * bytes): true, false, null, and numbers as the scalar scanner's fast
 * path reads them (a '-', a fraction, an exponent) are valid; anything
 * else (nan, "+1", junk) is left to the scalar scanner.
 */
static __attribute__((noinline)) uint64_t
rare_bare(const char *line, size_t n, size_t base, uint64_t odd,
    uint64_t start, uint64_t br)
{
	const char *end = line + n;

	while (odd) {
		unsigned bit = (unsigned)__builtin_ctzll(odd);
		/* The token's first byte: a start in this block, or earlier. */
		uint64_t below = start & (((uint64_t)2 << bit) - 1);
		const char *s = line + base;
		if (below)
			s += 63 - __builtin_clzll(below);
		else
			while (s > line && !jscan_delim[(unsigned char)s[-1]])
				s--;
		const char *e;
		if ((*s == 't' || *s == 'f' || *s == 'n') && end - s >= 8) {
			/* One word holds the literal and the byte after it. */
			uint64_t w = load_le64((const unsigned char *)s);
			uint64_t w4 = w & 0xFFFFFFFF, w5 = w & 0xFFFFFFFFFF;
			int four = w4 == 0x65757274 || w4 == 0x6C6C756E;	/* true, null */
			if (!four && w5 != 0x65736C6166)			/* false */
				return 1;
			e = s + 5 - four;
		} else if (*s == 't' || *s == 'f' || *s == 'n') {
			size_t len = *s == 'f' ? 5 : 4;
			if ((size_t)(end - s) < len ||
			    memcmp(s, *s == 't' ? "true" : *s == 'f' ? "false" : "null", len) != 0)
				return 1;
			e = s + len;
		} else {
			e = jscan_plain_number(s, end);
			if (e == NULL)
				return 1;
		}
		if (e < end && !jscan_delim[(unsigned char)*e])
			return 1;
		/* The rest of this token's odd bytes are checked. */
		uint64_t after = ~br & ~(((uint64_t)2 << bit) - 1);
		odd &= after ? ~((after & -after) - 1) : 0;
	}
	return 0;
}

/* A block's bytes by class: '{' or '[', '}' or ']', ...;
 * delim is what ends a bare token (whitespace, '"' and structure). */
struct masks {
	uint64_t qt, bs, ws, ctrl, open, close, colon, comma, dig, delim;
};

/* Chunks of 4 KB keep a chunk's masks and brackets in the L1 cache. */
#define CHUNK_BLOCKS 64

/*
 * Pass 2 of both kernels: the bracket walk over n bracket bytes.
 * stack[j] is the open bracket byte of the container at depth j (j <= sp;
 * stack[0] is 0x84, the top level), top the innermost one, in a register;
 * it goes to ctx[] after each bracket (bit 5: an object; bit 7: the top
 * level).  A close that does not match sets *err; *back counts the
 * brackets after which the top level is back.  An open stores its own
 * byte and every bracket loads the slot below its depth: no stored value
 * comes from a load, and no load reads the slot just written, so nothing
 * chains through memory.  The caller keeps sp within the stack between
 * calls.
 */
static inline void
walk_brackets(const unsigned char *b, size_t n, unsigned char *ctx,
    unsigned char *stack, long *spp, unsigned *topp, unsigned *err,
    size_t *back)
{
	long sp = *spp;
	unsigned top = *topp, e = 0;
	size_t r = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = b[i];
		unsigned open = (c >> 1) & 1;
		e |= (top ^ c) & 0xA0 & (open - 1);
		unsigned below = stack[sp - 1];
		stack[sp + 1] = (unsigned char)c;
		sp += 2 * (long)open - 1;
		top = open ? c : below;
		ctx[i] = (unsigned char)top;
		r += top >> 7;
	}
	*spp = sp;
	*topp = top;
	*err |= e;
	*back += r;
}

/* The deepest nesting the walk lets through: with at most 64 brackets
 * between checks, containers stay below 128, so jq's weighted limit of
 * 256 (an object counting twice) is never reached on this path. */
#define WALK_MAX_SP 60
#define WALK_GUARD 72

/* The value must be an object or an array (offset of its first byte),
 * else n: the fast paths leave other values to the scalar scanner. */
static size_t
first_byte(const char *p, size_t n)
{
	size_t first = 0;
	while (first < n && jscan_isws((unsigned char)p[first]))
		first++;
	if (first < n && p[first] != '{' && p[first] != '[')
		first = n;
	return first;
}

/* After the value's last bracket only whitespace may follow. */
static int
ws_after(const char *p, size_t n, size_t last)
{
	for (size_t i = last + 1; i < n; i++)
		if (!jscan_isws((unsigned char)p[i]))
			return 0;
	return 1;
}

/* Bit i: the xor of bits 0..i of x (a carry-less multiply by all ones). */
__attribute__((target("pclmul,sse2"))) static inline uint64_t
pxor64(uint64_t x)
{
	__m128i r = _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)x),
	    _mm_set1_epi8(-1), 0);
	return (uint64_t)_mm_cvtsi128_si64(r);
}

/* The escaped bytes of a block: those right after an odd run of the
 * backslashes bs; *carry (0 or 1) brings one in from the block before. */
static inline uint64_t
escaped(uint64_t bs, uint64_t *carry)
{
	const uint64_t odd = 0xAAAAAAAAAAAAAAAAull;
	uint64_t pot = bs & ~*carry;
	uint64_t r = (((pot << 1) | odd) - pot) ^ odd;
	uint64_t esc = r ^ (bs | *carry);
	*carry = (r & bs) >> 63;
	return esc;
}

/* The 64 bytes at b, or, when fewer are left before end, a copy of them
 * in tail padded with spaces: no read passes the end. */
static inline const char *
block_at(const char *b, const char *end, char *tail)
{
	if (end - b >= 64)
		return b;
	memset(tail, ' ', 64);
	memcpy(tail, b, (size_t)(end - b));
	return tail;
}

/*
 * What both validating kernels do first: 0 when the line's value is not
 * an object or an array (left to the scalar scanner), else the number of
 * blocks, with the walk's stack and the contexts set for the top level
 * and the last partial block copied to tail, padded with spaces.
 */
static inline size_t
line_start(const char *p, size_t n, unsigned char *stackmem, size_t stacklen,
    unsigned char *ctx, char *tail)
{
	if (first_byte(p, n) == n)
		return 0;
	memset(stackmem, 0x84, stacklen);
	ctx[-1] = 0x84;
	if (n % 64)
		block_at(p + n / 64 * 64, p + n, tail);
	return (n + 63) / 64;
}

/* Skipping a container known to be valid, a block at a time. */
struct skip {
	uint64_t esc, in;	/* carries: escaped first byte, in a string */
	long depth;		/* containers open */
};

/*
 * One block of the container being skipped, given its quotes,
 * backslashes and brackets: the offset of the bracket that ends it in the
 * block, or 64 when it goes on.  Bit by bit only where the depth can fall
 * to 0.
 */
__attribute__((target("pclmul,sse2,popcnt"))) static inline unsigned
skip_block(struct skip *s, uint64_t qt, uint64_t bs, uint64_t open, uint64_t close)
{
	uint64_t esc = (bs | s->esc) ? escaped(bs, &s->esc) : 0;
	uint64_t in = pxor64(qt & ~esc) ^ s->in;
	s->in = (uint64_t)((int64_t)in >> 63);
	uint64_t o = open & ~in, c = close & ~in;
	long nc = __builtin_popcountll(c);
	if (s->depth > nc) {
		s->depth += __builtin_popcountll(o) - nc;
		return 64;
	}
	for (uint64_t m = o | c; m; m &= m - 1) {
		unsigned bit = (unsigned)__builtin_ctzll(m);
		s->depth += (long)((o >> bit & 1) * 2) - 1;
		if (s->depth == 0)
			return bit;
	}
	return 64;
}

/*
 * Pass 2 for the k brackets of a chunk (the line's first chunk when
 * first): the walk in batches of 64 with the depth checked between them.
 * The top level must come back once, after the line's last bracket
 * (*closed then set; brackets after it are refused).  0 when the line is
 * not for the fast path.
 */
static inline int
walk_chunk(const unsigned char *dense, size_t k, unsigned char *ctx,
    unsigned char *stack, long *sp, unsigned *top, int first, int *closed)
{
	unsigned err = 0;
	size_t w0 = 0;

	if (*closed && k)
		return 0;
	if (first) {
		/* The line's value opens the walk; its entry carries bit 2,
		 * as the top level's does: depth 1 or less. */
		*top = dense[0] | 4;
		stack[1] = (unsigned char)*top;
		ctx[0] = (unsigned char)*top;
		*sp = 1;
		w0 = 1;
	}
	for (size_t i = w0; i < k; i += 64) {
		size_t len = k - i < 64 ? k - i : 64, back = 0;
		walk_brackets(dense + i, len, ctx + i, stack, sp, top, &err, &back);
		if (*sp < 0 || *sp > WALK_MAX_SP || err)
			return 0;
		if (back) {
			if (back > 1 || i + len != k || !(ctx[k - 1] & 0x80))
				return 0;
			*closed = 1;
		}
	}
	return 1;
}

/* The offset of the last bracket of the nb blocks from block b0, if any. */
static inline void
last_bracket(const uint64_t *brk, size_t nb, size_t b0, size_t *last)
{
	for (size_t j = nb; j-- > 0;)
		if (brk[j]) {
			*last = (b0 + j) * 64 + 63 - (size_t)__builtin_clzll(brk[j]);
			return;
		}
}

#define KN(name) name##_avx2
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx,avx2,bmi,bmi2,pclmul,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx,avx2,bmi,bmi2,pclmul,popcnt")
#endif

static inline uint64_t
mask_avx2(__m256i lo, __m256i hi)
{
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

static inline void
classify_avx2(const char *p, struct masks *m)
{
	const __m256i wst = _mm256_setr_epi8(' ', -127, -126, -125, -124, -123,
	    -122, -121, -120, '\t', '\n', -117, -116, '\r', -114, -113,
	    ' ', -127, -126, -125, -124, -123,
	    -122, -121, -120, '\t', '\n', -117, -116, '\r', -114, -113);
	__m256i v[2], r[9][2];

	v[0] = _mm256_loadu_si256((const __m256i *)(const void *)p);
	v[1] = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	for (int h = 0; h < 2; h++) {
		__m256i x = v[h], d = _mm256_sub_epi8(x, _mm256_set1_epi8('0'));
		__m256i x20 = _mm256_or_si256(x, _mm256_set1_epi8(0x20));
		r[0][h] = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('"'));
		r[1][h] = _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\'));
		r[2][h] = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(wst, x), x);
		r[3][h] = _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1f)), x);
		r[4][h] = _mm256_cmpeq_epi8(x20, _mm256_set1_epi8('{'));
		r[5][h] = _mm256_cmpeq_epi8(x20, _mm256_set1_epi8('}'));
		r[6][h] = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(':'));
		r[7][h] = _mm256_cmpeq_epi8(x, _mm256_set1_epi8(','));
		r[8][h] = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(9)), d);
	}
	m->qt = mask_avx2(r[0][0], r[0][1]);
	m->bs = mask_avx2(r[1][0], r[1][1]);
	m->ws = mask_avx2(r[2][0], r[2][1]);
	m->ctrl = mask_avx2(r[3][0], r[3][1]);
	m->open = mask_avx2(r[4][0], r[4][1]);
	m->close = mask_avx2(r[5][0], r[5][1]);
	m->colon = mask_avx2(r[6][0], r[6][1]);
	m->comma = mask_avx2(r[7][0], r[7][1]);
	m->dig = mask_avx2(r[8][0], r[8][1]);
	m->delim = m->ws | m->qt | m->open | m->close | m->colon | m->comma;
}

/* The bracket bytes of a block, packed at out; their count. */
static inline unsigned
compress_avx2(const char *p, uint64_t brk, unsigned char *out)
{
	unsigned k = 0;
	for (; brk; brk &= brk - 1)
		out[k++] = (unsigned char)p[__builtin_ctzll(brk)];
	return k;
}

/* For the 64 brackets from ctx (ctx[-1] is the one before): where the
 * innermost container changes between object and not. */
static inline uint64_t
objflips_avx2(const unsigned char *ctx)
{
	__m256i d0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)ctx),
	    _mm256_loadu_si256((const __m256i *)(const void *)(ctx - 1)));
	__m256i d1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(ctx + 32)),
	    _mm256_loadu_si256((const __m256i *)(const void *)(ctx + 31)));
	return mask_avx2(_mm256_slli_epi16(d0, 2), _mm256_slli_epi16(d1, 2));
}

/* ... and where the depth crosses between 1 and 2 (bit 2 of a bracket's
 * context marks the top level and the line's value). */
static inline uint64_t
topflips_avx2(const unsigned char *ctx)
{
	__m256i d0 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)ctx),
	    _mm256_loadu_si256((const __m256i *)(const void *)(ctx - 1)));
	__m256i d1 = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(const void *)(ctx + 32)),
	    _mm256_loadu_si256((const __m256i *)(const void *)(ctx + 31)));
	return mask_avx2(_mm256_slli_epi16(d0, 5), _mm256_slli_epi16(d1, 5));
}


/* The end of the object or array at p, known to be valid. */
static const char *
skip_container_avx2(const char *p, const char *end)
{
	const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\');
	const __m256i lc = _mm256_set1_epi8(0x20), ob = _mm256_set1_epi8('{');
	const __m256i cb = _mm256_set1_epi8('}');
	struct skip s = { 0, 0, 0 };
	char tail[64];

	for (const char *b = p; b < end; b += 64) {
		const char *blk = block_at(b, end, tail);
		__m256i x0 = _mm256_loadu_si256((const __m256i *)(const void *)blk);
		__m256i x1 = _mm256_loadu_si256((const __m256i *)(const void *)(blk + 32));
		__m256i y0 = _mm256_or_si256(x0, lc), y1 = _mm256_or_si256(x1, lc);
		unsigned off = skip_block(&s,
		    mask_avx2(_mm256_cmpeq_epi8(x0, quote), _mm256_cmpeq_epi8(x1, quote)),
		    mask_avx2(_mm256_cmpeq_epi8(x0, bslash), _mm256_cmpeq_epi8(x1, bslash)),
		    mask_avx2(_mm256_cmpeq_epi8(y0, ob), _mm256_cmpeq_epi8(y1, ob)),
		    mask_avx2(_mm256_cmpeq_epi8(y0, cb), _mm256_cmpeq_epi8(y1, cb)));
		if (off < 64)
			return b + off + 1;
	}
	return end;
}

#include "simd_kernel.h"

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#undef KN

/*
 * The AVX-512 kernel: the same three passes as simd_kernel.h, but pass 1
 * and pass 3 work on eight blocks at once, one block's 64-bit mask per
 * lane of a zmm register: the classes of a chunk's blocks are stored
 * first (pass 0), then loaded eight lanes at a time.  What the GPR kernel
 * carries from block to block crosses lanes here: a 1-byte shift takes
 * the lane before (valignq + vpshldq), the in-string prefix xor takes the
 * parity of the lanes before, and additions carry across lanes by
 * carry-lookahead on the eight lanes' generate and propagate bits.
 */
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx,avx2,bmi,bmi2,pclmul,popcnt,avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,vpclmulqdq"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx,avx2,bmi,bmi2,pclmul,popcnt,avx512f,avx512bw,avx512vl,avx512vbmi,avx512vbmi2,vpclmulqdq")
#endif

/* vpternlogq immediates: the function of A, B and C. */
#define TA 0xF0
#define TB 0xCC
#define TC 0xAA
#define TL(a, b, c, f) _mm512_ternarylogic_epi64(a, b, c, (f) & 0xFF)

/* The raw classes of a block, one row per class (R_NCT and R_NDG: the
 * bytes that are not control bytes, not digits). */
enum { R_QT, R_BS, R_WS, R_NCT, R_OP, R_CL, R_CO, R_CM, R_NDG, NRAW };

static inline void
classify_avx512(const char *p, uint64_t (*raw)[CHUNK_BLOCKS], size_t i)
{
	const __m512i wst = _mm512_broadcast_i32x4(_mm_setr_epi8(' ', -127, -126,
	    -125, -124, -123, -122, -121, -120, '\t', '\n', -117, -116, '\r',
	    -114, -113));
	__m512i x = _mm512_loadu_si512((const void *)p);
	__m512i x20 = _mm512_or_si512(x, _mm512_set1_epi8(0x20));

	raw[R_QT][i] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('"'));
	raw[R_BS][i] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\\'));
	raw[R_WS][i] = _mm512_cmpeq_epi8_mask(_mm512_shuffle_epi8(wst, x), x);
	/* Compares into masks all go to one port; these two take another
	 * (a saturating add sets bit 7 exactly outside the range). */
	raw[R_NCT][i] = _mm512_movepi8_mask(_mm512_adds_epu8(x, _mm512_set1_epi8(0x60)));
	raw[R_OP][i] = _mm512_cmpeq_epi8_mask(x20, _mm512_set1_epi8('{'));
	raw[R_CL][i] = _mm512_cmpeq_epi8_mask(x20, _mm512_set1_epi8('}'));
	raw[R_CO][i] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(':'));
	raw[R_CM][i] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(','));
	raw[R_NDG][i] = _mm512_movepi8_mask(_mm512_adds_epu8(_mm512_sub_epi8(x,
	    _mm512_set1_epi8('0')), _mm512_set1_epi8(0x76)));
}

static inline unsigned
compress_avx512(const char *p, uint64_t brk, unsigned char *out)
{
	__m512i x = _mm512_loadu_si512((const void *)p);
	_mm512_storeu_si512((void *)out, _mm512_maskz_compress_epi8(brk, x));
	return (unsigned)__builtin_popcountll(brk);
}

/* For the 64 brackets from ctx (ctx[-1] is the one before): where the
 * innermost container changes between object and not. */
static inline uint64_t
objflips_avx512(const unsigned char *ctx)
{
	__m512i d = _mm512_xor_si512(_mm512_loadu_si512((const void *)ctx),
	    _mm512_loadu_si512((const void *)(ctx - 1)));
	return _mm512_test_epi8_mask(d, _mm512_set1_epi8(0x20));
}

/* For the 64 brackets from ctx: those after which the top level is back. */
static inline uint64_t
topflips_avx512(const unsigned char *ctx)
{
	__m512i d = _mm512_xor_si512(_mm512_loadu_si512((const void *)ctx),
	    _mm512_loadu_si512((const void *)(ctx - 1)));
	return _mm512_test_epi8_mask(d, _mm512_set1_epi8(0x04));
}


/* Each lane's x shifted up one byte, bit 63 of the lane before coming in
 * (for lane 0, lane 7 of prev: the group before). */
static inline __m512i
follow8(__m512i x, __m512i prev)
{
	return _mm512_shldi_epi64(x, _mm512_alignr_epi64(x, prev, 7), 1);
}

/* Each lane's prefix xor (bit i: the xor of bits 0..i), the parity of
 * the lanes before and *carry (all that came before) included. */
static inline __m512i
pxor8(__m512i x, unsigned *carry)
{
	const __m512i ones = _mm512_set1_epi64(-1);
	__m512i lo = _mm512_clmulepi64_epi128(x, ones, 0x00);
	__m512i hi = _mm512_clmulepi64_epi128(x, ones, 0x01);
	__m512i px = _mm512_unpacklo_epi64(lo, hi);
	unsigned par = _mm512_test_epi64_mask(px, _mm512_set1_epi64(INT64_MIN));
	par ^= par << 1;
	par ^= par << 2;
	par ^= par << 4;
	unsigned before = ((par << 1) ^ (*carry ? 0xFF : 0)) & 0xFF;
	*carry ^= par >> 7 & 1;
	return _mm512_mask_xor_epi64(px, (__mmask8)before, px, ones);
}

/* a + b over the eight lanes as one 512-bit number, *carry in and out. */
static inline __m512i
add8(__m512i a, __m512i b, unsigned *carry)
{
	__m512i s = _mm512_add_epi64(a, b);
	unsigned g = _mm512_cmplt_epu64_mask(s, a);
	unsigned pr = _mm512_cmpeq_epi64_mask(s, _mm512_set1_epi64(-1));
	unsigned c = ((g | pr) + g + *carry) ^ pr;
	*carry = c >> 8 & 1;
	return _mm512_mask_add_epi64(s, (__mmask8)c, s, _mm512_set1_epi64(1));
}

/* fill() of simd_kernel.h on eight lanes. */
static inline __m512i
fill8(__m512i aft, __m512i w, unsigned *carry)
{
	__m512i s = add8(w, _mm512_and_si512(aft, w), carry);
	return _mm512_or_si512(aft, _mm512_xor_si512(s, w));
}

static inline __m512i
load8(const uint64_t *p)
{
	return _mm512_loadu_si512((const void *)p);
}

/* The escaped bytes of eight blocks, one after the other (a block's
 * first byte may be escaped by the block before). */
static __attribute__((noinline)) __m512i
escapes8(const uint64_t *bs, uint64_t *c_esc)
{
	uint64_t esc[8];
	for (int j = 0; j < 8; j++)
		esc[j] = escaped(bs[j], c_esc);
	return _mm512_loadu_si512((const void *)esc);
}

/* The end of the object or array at p, known to be valid. */
static const char *
skip_container_avx512(const char *p, const char *end)
{
	struct skip s = { 0, 0, 0 };
	char tail[64];

	for (const char *b = p; b < end; b += 64) {
		const char *blk = block_at(b, end, tail);
		__m512i x = _mm512_loadu_si512((const void *)blk);
		__m512i y = _mm512_or_si512(x, _mm512_set1_epi8(0x20));
		unsigned off = skip_block(&s,
		    _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('"')),
		    _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\\')),
		    _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('{')),
		    _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('}')));
		if (off < 64)
			return b + off + 1;
	}
	return end;
}

/*
 * A chunk's rows, from pass to pass, one 64-bit mask a block.  Rows of
 * eight lanes are stored and loaded whole: aligned, a store never splits
 * a cache line, so a narrower load right after it gets its bytes
 * forwarded.
 */
struct chunk512 {
	uint64_t raw[NRAW][CHUNK_BLOCKS];
	uint64_t eo[CHUNK_BLOCKS], ea[CHUNK_BLOCKS];	/* errors in an object's, an array's gap */
	uint64_t brk[CHUNK_BLOCKS], keyo[CHUNK_BLOCKS];
	uint64_t flips[CHUNK_BLOCKS], tflips[CHUNK_BLOCKS];
	uint64_t odd[CHUNK_BLOCKS], start[CHUNK_BLOCKS], br[CHUNK_BLOCKS];	/* for rare_bare */
	uint64_t spill[8];
} __attribute__((aligned(64)));

/* What pass 1 carries from group to group (lane 7 of the vectors, bits
 * of the rest), and the errors it has found so far. */
struct carry1 {
	__m512i v_br, v_open, v_comma, v_colon, v_key, v_end;
	__m512i verr;
	uint64_t c_esc, rerr;
	unsigned c_in, c_key, filling;
	unsigned f_open, f_comma, f_colon, f_key, f_end;
};

/* ... and pass 3, with the depth at the next block's start. */
struct carry3 {
	__m512i v_obj;
	unsigned c_obj, c_le1;
	long depth;
};

/* The 64 bytes of block b of the line: in place, or the padded tail. */
static inline const char *
block512(const char *p, size_t n, const char *tail, size_t b)
{
	return b < n / 64 ? p + b * 64 : tail;
}

/* Pass 0: the classes of the chunk's nb blocks from b0, and of the lanes
 * past them up to the group's end as whitespace. */
static inline void
classify_chunk512(struct chunk512 *c, const char *p, size_t n,
    const char *tail, size_t b0, size_t nb)
{
	for (size_t i = 0; i < nb; i++)
		classify_avx512(block512(p, n, tail, b0 + i), c->raw, i);
	for (size_t i = nb; i < (nb + 7) / 8 * 8; i++) {
		for (int r = 0; r < NRAW; r++)
			c->raw[r][i] = 0;
		c->raw[R_WS][i] = c->raw[R_NCT][i] = c->raw[R_NDG][i] = ~(uint64_t)0;
	}
}

/*
 * Pass 1 on the group of eight blocks from row i0 of the chunk from block
 * b0: the errors of either context in c->eo and c->ea, the rest in
 * s->verr, escapes checked one by one (s->rerr).  The blocks whose bare
 * tokens are not all plain integers, a bit each.
 */
static inline unsigned
group512(struct carry1 *s, struct chunk512 *c, size_t i0, const char *p,
    size_t n, size_t b0, struct jscan_index *ix)
{
	const __m512i zero = _mm512_setzero_si512();
	__m512i qt = load8(c->raw[R_QT] + i0), bs = load8(c->raw[R_BS] + i0);
	__m512i rws = load8(c->raw[R_WS] + i0), rop = load8(c->raw[R_OP] + i0);
	__m512i rcl = load8(c->raw[R_CL] + i0), rco = load8(c->raw[R_CO] + i0);
	__m512i rcm = load8(c->raw[R_CM] + i0);

	/* Escaped bytes, strings. */
	__m512i esc = zero;
	if (s->c_esc | _mm512_test_epi64_mask(bs, bs))
		esc = escapes8(c->raw[R_BS] + i0, &s->c_esc);
	__m512i q = _mm512_andnot_si512(esc, qt);
	__m512i in = pxor8(q, &s->c_in);
	__m512i qopen = _mm512_and_si512(q, in);
	__m512i qclose = _mm512_andnot_si512(in, q);
	__m512i open = _mm512_andnot_si512(in, rop);
	__m512i close = _mm512_andnot_si512(in, rcl);
	__m512i colon = _mm512_andnot_si512(in, rco);
	__m512i comma = _mm512_andnot_si512(in, rcm);
	__m512i ws = _mm512_andnot_si512(in, rws);
	__m512i delim = _mm512_or_si512(TL(rws, qt, rop, TA | TB | TC),
	    TL(rcl, rco, rcm, TA | TB | TC));
	__m512i br = TL(in, delim, delim, ~(TA | TB));

	/* Raw control bytes in strings, backslashes outside. */
	s->verr = _mm512_or_si512(s->verr, TL(in, load8(c->raw[R_NCT] + i0), bs,
	    (TA & ~TB) | (~TA & TC)));
	__m512i escin = _mm512_and_si512(esc, in);
	if (_mm512_test_epi64_mask(escin, escin)) {
		_mm512_storeu_si512((void *)c->spill, escin);
		for (int j = 0; j < 8; j++)
			if (c->spill[j])
				s->rerr |= rare_escapes(p, n, (b0 + i0 + j) * 64, c->spill[j]);
	}

	/* Bare tokens: plain integers here, the rest after the groups. */
	__m512i brprev = follow8(br, s->v_br);
	s->v_br = br;
	__m512i start = _mm512_andnot_si512(brprev, br);
	__m512i odd = _mm512_and_si512(load8(c->raw[R_NDG] + i0), br);
	_mm512_storeu_si512((void *)(c->odd + i0), odd);
	_mm512_storeu_si512((void *)(c->start + i0), start);
	_mm512_storeu_si512((void *)(c->br + i0), br);
	unsigned oddblocks = _mm512_test_epi64_mask(odd, odd);

	/* The class of the token before each position. */
	__m512i popen = follow8(open, s->v_open);
	__m512i pcomma = follow8(comma, s->v_comma);
	__m512i pcolon = follow8(colon, s->v_colon);
	s->v_open = open;
	s->v_comma = comma;
	s->v_colon = colon;
	int fill = s->filling || _mm512_test_epi64_mask(ws, ws);
	if (fill) {
		popen = fill8(popen, ws, &s->f_open);
		pcomma = fill8(pcomma, ws, &s->f_comma);
		pcolon = fill8(pcolon, ws, &s->f_colon);
	}
	/* Keys: strings after '{' or ','; a key's closing quote is where
	 * the run of "in" it opens ends. */
	__m512i popcom = _mm512_or_si512(popen, pcomma);
	__m512i keyopen = _mm512_and_si512(qopen, popcom);
	__m512i sum = add8(in, keyopen, &s->c_key);
	__m512i keyclose = _mm512_andnot_si512(in, sum);
	__m512i endv = TL(close, qclose, keyclose, TA | (TB & ~TC));
	__m512i pkey = follow8(keyclose, s->v_key);
	__m512i pend = TL(follow8(endv, s->v_end), brprev, br, TA | (TB & ~TC));
	s->v_key = keyclose;
	s->v_end = endv;
	if (fill) {
		pkey = fill8(pkey, ws, &s->f_key);
		pend = fill8(pend, ws, &s->f_end);
		s->filling = s->f_open | s->f_comma | s->f_colon | s->f_key | s->f_end;
	}
	__m512i pend_arr = _mm512_or_si512(pend, pkey);

	/* A '}' or ']' checks its own context (the walk checks that it
	 * matches), but for a key before it (fine in an array: its context
	 * comes in pass 3, with the rest). */
	s->verr = TL(s->verr, _mm512_andnot_si512(pkey, colon),
	    TL(close, pend_arr, popen, TA & ~(TB | TC)), TA | TB | TC);
	__m512i e_o = TL(TL(TL(qopen, popcom, pcolon, TA & ~(TB | TC)),
	    TL(start, open, pcolon, (TA | TB) & ~TC),
	    _mm512_andnot_si512(pend, comma), TA | TB | TC),
	    close, pkey, TA | (TB & TC));
	__m512i e_a = _mm512_or_si512(
	    _mm512_andnot_si512(popcom, TL(qopen, start, open, TA | TB | TC)),
	    TL(comma, pend_arr, colon, (TA & ~TB) | TC));
	_mm512_storeu_si512((void *)(c->eo + i0), e_o);
	_mm512_storeu_si512((void *)(c->ea + i0), e_a);
	_mm512_storeu_si512((void *)(c->brk + i0), _mm512_or_si512(open, close));
	_mm512_storeu_si512((void *)(c->keyo + i0), keyopen);
	if (ix) {
		_mm512_storeu_si512((void *)(ix->open + b0 + i0), open);
		_mm512_storeu_si512((void *)(ix->close + b0 + i0), close);
		ix->escapes |= _mm512_test_epi64_mask(bs, bs) != 0;
	}
	return oddblocks;
}

/*
 * The literals true, false and null in bulk.  In a literal, each letter
 * after the first is decided by the two bytes before it, and so is the
 * end: lit_next maps those two (the low five bits of the one before, bits
 * 2-3 of the one before that: enough to tell the letters apart where it
 * matters) to the letter that must come, or to '"' where the token must
 * end (a delimiter: never a byte of a token).  0: no letter can follow;
 * reached only past a byte that already failed.
 */
#define LIT4(k, v) [k] = v, [(k) | 0x20] = v, [(k) | 0x40] = v, [(k) | 0x60] = v
static const unsigned char lit_next[128] __attribute__((aligned(64))) = {
	LIT4(0x14, 'r'), LIT4(0x12, 'u'), LIT4(0x05, '"'),	/* t r u e */
	LIT4(0x06, 'a'), LIT4(0x01, 'l'), LIT4(0x13, 'e'),	/* f a l s e */
	LIT4(0x0E, 'u'),					/* n u l l */
	[0x15] = 'e', [0x15 | 0x60] = 'l',			/* r u, n u */
	[0x0C | 0x20] = 'l', [0x0C | 0x60] = '"', [0x0C] = 's',	/* u l, l l, a l */
};
#undef LIT4

/*
 * Of the odd bytes of a block (its 64 bytes at blk, bare bytes br, token
 * starts st), those left to rare_bare: all but the literals that lie in
 * the block and are spelled right (all of them when one is not; a token
 * running over an edge is rare_bare's, which reads the line around it).
 * Numbers with a fraction or an exponent are rare_bare's too: they are
 * few, and telling them in bulk costs more than it saves.
 */
static inline uint64_t
literals512(const char *blk, uint64_t br, uint64_t st, uint64_t odd)
{
	__m512i x = _mm512_loadu_si512((const void *)blk);
	uint64_t lit = st & (_mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('t')) |
	    _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('f')) |
	    _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('n')));
	uint64_t edge = (br & 1) && !(st & 1) ? br & ~(br + 1) : 0;
	if (br >> 63)
		edge |= ~br ? ~(uint64_t)0 << (64 - __builtin_clzll(~br)) : ~(uint64_t)0;
	lit &= ~edge;
	if (lit == 0)
		return odd;
	/* The byte before each, and the one before that. */
	const __m512i iota = _mm512_set_epi8(63, 62, 61, 60, 59, 58, 57, 56,
	    55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40,
	    39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24,
	    23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
	    6, 5, 4, 3, 2, 1, 0);
	__m512i p1 = _mm512_permutexvar_epi8(_mm512_sub_epi8(iota, _mm512_set1_epi8(1)), x);
	__m512i p2 = _mm512_permutexvar_epi8(_mm512_sub_epi8(iota, _mm512_set1_epi8(2)), x);
	__m512i key = _mm512_ternarylogic_epi32(p1, _mm512_slli_epi16(p2, 3),
	    _mm512_set1_epi8(0x1F), 0xE4);	/* C ? A : B, bitwise */
	__m512i want = _mm512_permutex2var_epi8(_mm512_load_si512((const void *)lit_next),
	    key, _mm512_load_si512((const void *)(lit_next + 64)));
	uint64_t wrong = _mm512_cmpneq_epi8_mask(x, want);
	uint64_t end = _mm512_cmpeq_epi8_mask(want, _mm512_set1_epi8('"'));
	uint64_t in = br & ~edge;
	uint64_t lr = in & ~(in + lit);		/* the literals' bytes */
	uint64_t bad = (lr & ~lit & wrong) | (lr << 1 & ~lr & ~end);
	return bad ? odd : odd & ~lr;
}

/*
 * Pass 1 over the nb blocks of the chunk from block b0, eight at a time,
 * then the rare bare tokens (literals512, rare_bare); the brackets packed
 * at dense, *k their count.  0 when the line is not for the fast path.
 */
static inline int
tokens_chunk512(struct carry1 *s, struct chunk512 *c, const char *p,
    size_t n, const char *tail, size_t b0, size_t nb, unsigned char *dense,
    size_t *k, struct jscan_index *ix)
{
	uint64_t oddblocks = 0;

	for (size_t i0 = 0; i0 < nb; i0 += 8)
		oddblocks |= (uint64_t)group512(s, c, i0, p, n, b0, ix) << i0;
	/* The brackets packed, apart: the groups above are deep chains of
	 * dependent steps, and overlap better without this. */
	*k = 0;
	for (size_t i = 0; i < nb; i++)
		*k += compress_avx512(block512(p, n, tail, b0 + i), c->brk[i], dense + *k);
	if (_mm512_test_epi64_mask(s->verr, s->verr))
		return 0;
	for (; oddblocks; oddblocks &= oddblocks - 1) {
		size_t i = (size_t)__builtin_ctzll(oddblocks);
		uint64_t left = literals512(block512(p, n, tail, b0 + i), c->br[i],
		    c->start[i], c->odd[i]);
		if (left && rare_bare(p, n, (b0 + i) * 64, left, c->start[i], c->br[i]))
			return 0;
	}
	return s->rerr == 0;
}

/*
 * Pass 3 over the nb blocks of the chunk from block b0, whose brackets'
 * contexts the walk left in ctx: object context as a mask (the byte at a
 * bracket has the context after it, a token's gap the one of the byte
 * before), eight blocks at a time, picking the errors of the right
 * context; the keys and depths into ix.  0 when there is an error.
 */
static inline int
contexts_chunk512(struct carry3 *s, struct chunk512 *c,
    const unsigned char *ctx, size_t b0, size_t nb, struct jscan_index *ix)
{
	size_t ng8 = (nb + 7) / 8 * 8, off = 0;
	__m512i cerr = _mm512_setzero_si512();

	for (size_t i = 0; i < nb; i++) {
		c->flips[i] = _pdep_u64(objflips_avx512(ctx + off), c->brk[i]);
		if (ix)
			c->tflips[i] = _pdep_u64(topflips_avx512(ctx + off), c->brk[i]);
		off += (unsigned)__builtin_popcountll(c->brk[i]);
	}
	for (size_t i = nb; i < ng8; i++)
		c->flips[i] = c->tflips[i] = 0;
	for (size_t i0 = 0; i0 < ng8; i0 += 8) {
		__m512i obj = pxor8(load8(c->flips + i0), &s->c_obj);
		__m512i objp = follow8(obj, s->v_obj);
		s->v_obj = obj;
		cerr = _mm512_or_si512(cerr, TL(objp, load8(c->eo + i0),
		    load8(c->ea + i0), (TA & TB) | (~TA & TC)));
		if (ix) {
			__m512i keys = _mm512_and_si512(load8(c->keyo + i0), objp);
			__m512i le1 = pxor8(load8(c->tflips + i0), &s->c_le1);
			_mm512_storeu_si512((void *)(ix->keys + b0 + i0), keys);
			__m512i k1 = _mm512_and_si512(keys, le1);
			_mm512_storeu_si512((void *)(ix->keys1 + b0 + i0), k1);
			size_t b = b0 + i0;
			ix->k1map[b / 64] |= (uint64_t)_mm512_test_epi64_mask(k1, k1) << (b % 64);
		}
	}
	for (size_t i = 0; ix && i < nb; i++) {
		size_t b = b0 + i;
		ix->depth[b] = (uint8_t)s->depth;
		s->depth += __builtin_popcountll(ix->open[b]) -
		    __builtin_popcountll(ix->close[b]);
	}
	return !_mm512_test_epi64_mask(cerr, cerr);
}

static int
validate_avx512(const char *p, size_t n, struct jscan_index *ix)
{
	struct chunk512 c;
	unsigned char dense[CHUNK_BLOCKS * 64 + 64];
	unsigned char ctxmem[1 + CHUNK_BLOCKS * 64 + 64], *ctx = ctxmem + 1;
	unsigned char stackmem[WALK_GUARD + WALK_MAX_SP + 64 + 2];
	unsigned char *stack = stackmem + WALK_GUARD;
	char tail[64];
	long sp = 0;
	unsigned top = 0x84;
	size_t last = 0;
	int closed = 0;

	size_t blocks = line_start(p, n, stackmem, sizeof stackmem, ctx, tail);
	if (blocks == 0)
		return 0;

	const __m512i zero = _mm512_setzero_si512();
	struct carry1 s1 = {
		.v_br = zero, .v_comma = zero, .v_colon = zero, .v_key = zero,
		.v_end = zero, .verr = zero,
		/* the line's start: like '[' */
		.v_open = _mm512_set_epi64(INT64_MIN, 0, 0, 0, 0, 0, 0, 0),
	};
	struct carry3 s3 = { .v_obj = zero, .c_le1 = 1 };

	for (size_t b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
		size_t nb = blocks - b0 < CHUNK_BLOCKS ? blocks - b0 : CHUNK_BLOCKS, k;

		classify_chunk512(&c, p, n, tail, b0, nb);
		if (!tokens_chunk512(&s1, &c, p, n, tail, b0, nb, dense, &k, ix))
			return 0;
		if (!walk_chunk(dense, k, ctx, stack, &sp, &top, b0 == 0, &closed))
			return 0;
		last_bracket(c.brk, nb, b0, &last);
		memset(ctx + k, 0, 64);
		if (!contexts_chunk512(&s3, &c, ctx, b0, nb, ix))
			return 0;
		if (k)
			ctx[-1] = ctx[k - 1];
	}
	if (!closed || s1.c_in != 0)
		return 0;
	return ws_after(p, n, last);
}

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

static uint64_t
xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* What the CPU and the OS support, as a bit per kernel. */
static unsigned
cpu_kernels(void)
{
	unsigned a, b, c, d, k = 1u << JSCAN_SCALAR;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return k;
	int osxsave = c >> 27 & 1, avx = c >> 28 & 1, pclmul = c >> 1 & 1;
	int popcnt = c >> 23 & 1;
	if (!osxsave || !avx || !pclmul || !popcnt)
		return k;
	uint64_t xcr0 = xgetbv0();
	if ((xcr0 & 0x6) != 0x6)	/* SSE and AVX state */
		return k;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return k;
	int avx2 = b >> 5 & 1, bmi1 = b >> 3 & 1, bmi2 = b >> 8 & 1;
	if (!avx2 || !bmi1 || !bmi2)
		return k;
	k |= 1u << JSCAN_AVX2;
	int f = b >> 16 & 1, bw = b >> 30 & 1, vl = b >> 31 & 1, vbmi2 = c >> 6 & 1;
	int vbmi = c >> 1 & 1, vpclmul = c >> 10 & 1;
	if (f && bw && vl && vbmi && vbmi2 && vpclmul && (xcr0 & 0xE0) == 0xE0)	/* opmask, ZMM state */
		k |= 1u << JSCAN_AVX512;
	return k;
}
#else
static unsigned
cpu_kernels(void)
{
	return 1u << JSCAN_SCALAR;
}
#endif

unsigned
jscan_kernels(void)
{
	static _Atomic unsigned cached;
	unsigned k = atomic_load_explicit(&cached, memory_order_relaxed);
	if (k == 0) {
		k = cpu_kernels();
		atomic_store_explicit(&cached, k, memory_order_relaxed);
	}
	return k;
}

/* The best kernel at or below want that this machine has. */
static enum jscan_kernel
best(unsigned have, enum jscan_kernel want)
{
	while (want > JSCAN_SCALAR && !(have >> want & 1))
		want--;
	return want;
}

enum jscan_kernel
jscan_kernel(void)
{
	/* Set once, read by every thread: the same answer whoever asks. */
	static _Atomic int chosen = -1;
	int k = atomic_load_explicit(&chosen, memory_order_relaxed);
	if (k >= 0)
		return (enum jscan_kernel)k;
	enum jscan_kernel want = JSCAN_AVX512;
	const char *e = getenv("TRAWL_SIMD");
	if (e != NULL && (strcmp(e, "0") == 0 || strcmp(e, "scalar") == 0))
		want = JSCAN_SCALAR;
	else if (e != NULL && strcmp(e, "avx2") == 0)
		want = JSCAN_AVX2;
	k = (int)best(jscan_kernels(), want);
	atomic_store_explicit(&chosen, k, memory_order_relaxed);
	return (enum jscan_kernel)k;
}

int
jscan_fast_validate(enum jscan_kernel k, const char *p, size_t n)
{
#ifdef HAVE_KERNELS
	if (!(jscan_kernels() >> k & 1))
		return 0;
	switch (k) {
	case JSCAN_AVX2:
		return validate_avx2(p, n, NULL);
	case JSCAN_AVX512:
		return validate_avx512(p, n, NULL);
	default:
		break;
	}
#else
	(void)p;
	(void)n;
#endif
	(void)k;
	return 0;
}

/* The end of the string whose body starts at p (after the quote). */
static const char *
skip_string(const char *p, const char *end)
{
	for (;;) {
		while (end - p >= 16) {
#if defined(__SSE2__)
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
			if (m == 0) {
				p += 16;
				continue;
			}
			p += __builtin_ctz(m);
#endif
			break;
		}
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p >= end || *p == '"')
			return p + 1;
		p += 2;
	}
}

const char *
jscan_fast_skip(enum jscan_kernel k, const char *p, const char *end)
{
	if (*p == '"')
		return skip_string(p + 1, end);
	if (*p != '{' && *p != '[') {
		while (p < end && !jscan_delim[(unsigned char)*p])
			p++;
		return p;
	}
#ifdef HAVE_KERNELS
	if (jscan_kernels() >> k & 1) {
		switch (k) {
		case JSCAN_AVX2:
			return skip_container_avx2(p, end);
		case JSCAN_AVX512:
			return skip_container_avx512(p, end);
		default:
			break;
		}
	}
#endif
	return NULL;
}

void
jscan_index_free(struct jscan_index *ix)
{
	free(ix->open);
	free(ix->close);
	free(ix->keys);
	free(ix->keys1);
	free(ix->k1map);
	free(ix->depth);
	memset(ix, 0, sizeof *ix);
}

int
jscan_fast_index(enum jscan_kernel k, const char *p, size_t n,
    struct jscan_index *ix)
{
	size_t blocks = n / 64 + 1;

	if (!(jscan_kernels() >> k & 1) || k == JSCAN_SCALAR || n > JSCAN_INDEX_MAX)
		return 0;
	/* Room for the last group of eight blocks the AVX-512 kernel stores. */
	if (ix->cap < blocks + 8) {
		size_t cap = ix->cap ? ix->cap : 64;
		while (cap < blocks + 8)
			cap *= 2;
		ix->open = xreallocarray(ix->open, cap, sizeof *ix->open);
		ix->close = xreallocarray(ix->close, cap, sizeof *ix->close);
		ix->keys = xreallocarray(ix->keys, cap, sizeof *ix->keys);
		ix->keys1 = xreallocarray(ix->keys1, cap, sizeof *ix->keys1);
		ix->k1map = xreallocarray(ix->k1map, cap / 64 + 1, sizeof *ix->k1map);
		ix->depth = xreallocarray(ix->depth, cap, sizeof *ix->depth);
		ix->cap = cap;
	}
	ix->p = p;
	ix->n = n;
	ix->nblocks = (n + 63) / 64;
	ix->escapes = 0;
	memset(ix->k1map, 0, (blocks + 8) / 64 * sizeof *ix->k1map + sizeof *ix->k1map);
#ifdef HAVE_KERNELS
	switch (k) {
	case JSCAN_AVX2:
		return validate_avx2(p, n, ix);
	case JSCAN_AVX512:
		return validate_avx512(p, n, ix);
	default:
		break;
	}
#endif
	return 0;
}
