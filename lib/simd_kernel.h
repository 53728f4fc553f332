/*
 * simd_kernel.h: the validating block scan on 64-bit masks in general
 * registers, one block at a time: the AVX2 kernel (lib/simd.c includes it
 * inside the AVX2 target region, after classify(), compress(), objflips()
 * and topflips()).  The AVX-512 kernel in simd.c does the same work on
 * eight blocks at once; the two must agree on every input.
 *
 * KN(name) gives this kernel's name for name.  Everything here runs on
 * 64-bit masks, one bit per byte of a 64-byte block; the kernel supplies
 * the raw class masks of a block, packs a block's bracket bytes densely,
 * and turns a run of bracket contexts back into bits.
 *
 * Only lines whose value is an object or an array are taken (NDJSON
 * records are); the scalar scanner reads the others.  A line is read in
 * chunks of CHUNK_BLOCKS blocks, in three passes:
 *   1. per block: strings, escapes, token starts and the rules of which
 *      significant byte may follow which, under both contexts a gap can have (object or
 *      array; the top level, before and after the value, behaves as an
 *      array whose first value is the line's), so that only the choice
 *      is left; bracket bytes are packed into a dense array;
 *   2. the bracket walk over the dense array: a stack of open brackets,
 *      mismatches, and the innermost container after each bracket,
 *      branch-free;
 *   3. per block: those containers become a mask of object context
 *      (pdep + prefix xor) that picks the errors of the right context.
 * Rare things (escapes, bare tokens other than plain integers) are
 * checked one by one with scalar code on the line's bytes.
 *
 * Masks named p* mark the positions whose previous significant byte ends
 * a token of a class: popen '{' or '[' (or the line's start), pcomma,
 * pcolon, pkey (a string that may be a key: after '{' or ','), pend (the
 * end of any other value).  A carry c_* holds what a mask brings into the
 * next block.
 */

/*
 * Extend the positions aft (right after a token's end) over whitespace w:
 * where aft is whitespace, the run and the significant byte after it
 * follow the same token.  *carry brings a run in from the previous block.
 */
static inline uint64_t
KN(fill)(uint64_t aft, uint64_t w, uint64_t *carry)
{
	uint64_t seed = (aft & w) | *carry;
	uint64_t sum = w + seed;
	*carry = sum < w;
	return aft | (sum ^ w);
}

/* What pass 1 carries from block to block. */
struct KN(carry1) {
	uint64_t c_esc, c_in, c_br, c_key;
	uint64_t c_open, c_comma, c_colon, c_pkey, c_end;
	uint64_t f_open, f_comma, f_colon, f_key, f_end;
	uint64_t filling, err;
};

/* ... and pass 3, with the depth at the next block's start. */
struct KN(carry3) {
	uint64_t c_obj, c_objp, c_le1;
	long depth;
};

/*
 * Pass 1 on block b (its 64 bytes at blk): strings, escapes, bare tokens
 * and the rules of which byte may follow which, under both contexts; the
 * errors of each context go to *eo and *ea, the brackets to *brk (and
 * packed into dense: the count is returned), the key openings to *keyo.
 * Errors of either context are gathered in s->err.
 */
static inline size_t
KN(tokens)(struct KN(carry1) *s, const char *p, size_t n, size_t b,
    const char *blk, uint64_t *eo, uint64_t *ea, uint64_t *brk,
    uint64_t *keyo, struct jscan_index *ix, unsigned char *dense)
{
	struct masks m;
	KN(classify)(blk, &m);

	/* Escaped bytes: those after an odd run of backslashes. */
	uint64_t esc = (m.bs | s->c_esc) ? escaped(m.bs, &s->c_esc) : 0;
	uint64_t q = m.qt & ~esc;
	uint64_t in = pxor64(q) ^ s->c_in;
	s->c_in = (uint64_t)((int64_t)in >> 63);
	uint64_t qopen = q & in, qclose = q & ~in;
	uint64_t open = m.open & ~in, close = m.close & ~in;
	uint64_t colon = m.colon & ~in, comma = m.comma & ~in;
	uint64_t ws = m.ws & ~in;
	uint64_t br = ~(in | m.delim);

	/* Raw control bytes in strings (jq refuses most, trawl some: the
	 * scalar scanner decides), backslashes outside strings, escapes one
	 * by one. */
	s->err |= (m.ctrl & in) | (m.bs & ~in);
	if (esc & in)
		s->err |= rare_escapes(p, n, b * 64, esc & in);

	/* Bare tokens: plain integers in bulk, the rest one by one. */
	uint64_t brprev = br << 1 | s->c_br;
	s->c_br = br >> 63;
	uint64_t start = br & ~brprev;
	uint64_t odd = br & ~m.dig;
	if (odd)
		s->err |= rare_bare(p, n, b * 64, odd, start, br);

	/* The class of the token before each position. */
	uint64_t popen = open << 1 | s->c_open >> 63;
	uint64_t pcomma = comma << 1 | s->c_comma >> 63;
	uint64_t pcolon = colon << 1 | s->c_colon >> 63;
	s->c_open = open;
	s->c_comma = comma;
	s->c_colon = colon;
	if (ws | s->filling) {
		popen = KN(fill)(popen, ws, &s->f_open);
		pcomma = KN(fill)(pcomma, ws, &s->f_comma);
		pcolon = KN(fill)(pcolon, ws, &s->f_colon);
	}
	/* A string after '{' or ',' is a key if the gap is in an object;
	 * its closing quote is where the run of "in" it opens ends. */
	uint64_t popcom = popen | pcomma;
	uint64_t keyopen = qopen & popcom;
	uint64_t sum = in + (keyopen | s->c_key);
	s->c_key = sum < in;
	uint64_t keyclose = sum & ~in;
	uint64_t endv = close | (qclose & ~keyclose);
	uint64_t pkey = keyclose << 1 | s->c_pkey >> 63;
	uint64_t pend = (endv << 1 | s->c_end >> 63) | (brprev & ~br);
	s->c_pkey = keyclose;
	s->c_end = endv;
	if (ws | s->filling) {
		pkey = KN(fill)(pkey, ws, &s->f_key);
		pend = KN(fill)(pend, ws, &s->f_end);
		s->filling = s->f_open | s->f_comma | s->f_colon | s->f_key |
		    s->f_end;
	}
	uint64_t pend_arr = pend | pkey;

	/* A '}' or ']' checks its own context (the walk checks that it
	 * matches), but for a key before it (fine in an array: its context
	 * comes in pass 3, with the rest). */
	s->err |= (colon & ~pkey) | (close & ~(pend_arr | popen));
	*eo = (qopen & ~(popcom | pcolon)) | ((start | open) & ~pcolon) |
	    (comma & ~pend) | (close & pkey);
	*ea = ((qopen | start | open) & ~popcom) | (comma & ~pend_arr) | colon;
	*brk = open | close;
	*keyo = keyopen;
	if (ix) {
		ix->open[b] = open;
		ix->close[b] = close;
		ix->escapes |= m.bs != 0;
	}
	return KN(compress)(blk, *brk, dense);
}

/*
 * Pass 3 on the chunk's nb blocks from b0: object context as a mask (the
 * byte at a bracket has the context after it, a token's gap the one of
 * the byte before), which picks each block's errors of the right
 * context; with an index, its keys and depths.  Nonzero on an error.
 */
static inline uint64_t
KN(contexts)(struct KN(carry3) *s, const unsigned char *ctx, size_t b0,
    size_t nb, const uint64_t *brk, const uint64_t *eo, const uint64_t *ea,
    const uint64_t *keyo, struct jscan_index *ix)
{
	size_t off = 0;
	uint64_t cerr = 0;
	for (size_t i = 0; i < nb; i++) {
		uint64_t flips = KN(objflips)(ctx + off);
		uint64_t tfl = ix ? KN(topflips)(ctx + off) : 0;
		off += (unsigned)__builtin_popcountll(brk[i]);
		uint64_t obj = pxor64(_pdep_u64(flips, brk[i])) ^ s->c_obj;
		s->c_obj = (uint64_t)((int64_t)obj >> 63);
		uint64_t objp = obj << 1 | s->c_objp;
		s->c_objp = obj >> 63;
		cerr |= (eo[i] & objp) | (ea[i] & ~objp);
		if (ix) {
			size_t b = b0 + i;
			uint64_t le1 = pxor64(_pdep_u64(tfl, brk[i])) ^ s->c_le1;
			s->c_le1 = (uint64_t)((int64_t)le1 >> 63);
			ix->keys[b] = keyo[i] & objp;
			ix->keys1[b] = ix->keys[b] & le1;
			ix->k1map[b / 64] |= (uint64_t)(ix->keys1[b] != 0) << (b % 64);
			ix->depth[b] = (uint8_t)s->depth;
			s->depth += __builtin_popcountll(ix->open[b]) -
			    __builtin_popcountll(ix->close[b]);
		}
	}
	return cerr;
}

/*
 * 1 when p[0..n) is one JSON object or array as the scalar scanner
 * accepts it and the fast path can tell; 0 when it is not, or when only
 * the scalar scanner can tell (the caller then asks it).
 */
static int
KN(validate)(const char *p, size_t n, struct jscan_index *ix)
{
	uint64_t eo[CHUNK_BLOCKS], ea[CHUNK_BLOCKS], brk[CHUNK_BLOCKS];
	uint64_t keyo[CHUNK_BLOCKS];
	unsigned char dense[CHUNK_BLOCKS * 64 + 64];
	unsigned char ctxmem[1 + CHUNK_BLOCKS * 64 + 64], *ctx = ctxmem + 1;
	unsigned char stackmem[WALK_GUARD + WALK_MAX_SP + 64 + 2];
	unsigned char *stack = stackmem + WALK_GUARD;
	char tail[64];
	long sp = 0;
	unsigned top = 0x84;
	size_t last = 0;
	int closed = 0;

	size_t full = n / 64, blocks = line_start(p, n, stackmem, sizeof stackmem, ctx, tail);
	if (blocks == 0)
		return 0;

	struct KN(carry1) c1 = { .c_open = (uint64_t)1 << 63 };	/* the line's start: like '[' */
	struct KN(carry3) c3 = { .c_le1 = ~(uint64_t)0 };

	for (size_t b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
		size_t nb = blocks - b0 < CHUNK_BLOCKS ? blocks - b0 : CHUNK_BLOCKS;
		size_t k = 0;

		for (size_t i = 0; i < nb; i++) {
			size_t b = b0 + i;
			const char *blk = b < full ? p + b * 64 : tail;
			k += KN(tokens)(&c1, p, n, b, blk, &eo[i], &ea[i], &brk[i],
			    &keyo[i], ix, dense + k);
		}
		if (c1.err)
			return 0;

		if (!walk_chunk(dense, k, ctx, stack, &sp, &top, b0 == 0, &closed))
			return 0;
		last_bracket(brk, nb, b0, &last);
		memset(ctx + k, 0, 64);

		if (KN(contexts)(&c3, ctx, b0, nb, brk, eo, ea, keyo, ix))
			return 0;
		if (k)
			ctx[-1] = ctx[k - 1];
	}
	if (!closed || c1.c_in != 0)
		return 0;
	return ws_after(p, n, last);
}
