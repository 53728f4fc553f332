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
	long depth = 0;

	size_t full = n / 64, blocks = line_start(p, n, stackmem, sizeof stackmem, ctx, tail);
	if (blocks == 0)
		return 0;

	/* Carries from block to block (pass 1). */
	uint64_t c_esc = 0, c_in = 0, c_br = 0, c_key = 0;
	uint64_t c_open = (uint64_t)1 << 63;	/* the line's start: like '[' */
	uint64_t c_comma = 0, c_colon = 0, c_pkey = 0, c_end = 0;
	uint64_t f_open = 0, f_comma = 0, f_colon = 0, f_key = 0, f_end = 0;
	uint64_t filling = 0, err = 0;
	/* ... and pass 3. */
	uint64_t c_obj = 0, c_objp = 0, c_le1 = ~(uint64_t)0;

	for (size_t b0 = 0; b0 < blocks; b0 += CHUNK_BLOCKS) {
		size_t nb = blocks - b0 < CHUNK_BLOCKS ? blocks - b0 : CHUNK_BLOCKS;
		size_t k = 0;

		for (size_t i = 0; i < nb; i++) {
			size_t b = b0 + i;
			const char *blk = b < full ? p + b * 64 : tail;
			struct masks m;
			KN(classify)(blk, &m);

			/* Escaped bytes: those after an odd run of backslashes. */
			uint64_t esc = (m.bs | c_esc) ? escaped(m.bs, &c_esc) : 0;
			uint64_t q = m.qt & ~esc;
			uint64_t in = pxor64(q) ^ c_in;
			c_in = (uint64_t)((int64_t)in >> 63);
			uint64_t qopen = q & in, qclose = q & ~in;
			uint64_t open = m.open & ~in, close = m.close & ~in;
			uint64_t colon = m.colon & ~in, comma = m.comma & ~in;
			uint64_t ws = m.ws & ~in;
			uint64_t br = ~(in | m.delim);

			/* Raw control bytes in strings (jq refuses most, trawl
			 * some: the scalar scanner decides), backslashes outside
			 * strings, escapes one by one. */
			err |= (m.ctrl & in) | (m.bs & ~in);
			if (esc & in)
				err |= rare_escapes(p, n, b * 64, esc & in);

			/* Bare tokens: plain integers in bulk, the rest one by
			 * one. */
			uint64_t brprev = br << 1 | c_br;
			c_br = br >> 63;
			uint64_t start = br & ~brprev;
			uint64_t odd = br & ~m.dig;
			if (odd)
				err |= rare_bare(p, n, b * 64, odd, start, br);

			/* The class of the token before each position. */
			uint64_t popen = open << 1 | c_open >> 63;
			uint64_t pcomma = comma << 1 | c_comma >> 63;
			uint64_t pcolon = colon << 1 | c_colon >> 63;
			c_open = open;
			c_comma = comma;
			c_colon = colon;
			if (ws | filling) {
				popen = KN(fill)(popen, ws, &f_open);
				pcomma = KN(fill)(pcomma, ws, &f_comma);
				pcolon = KN(fill)(pcolon, ws, &f_colon);
			}
			/* A string after '{' or ',' is a key if the gap is in an
			 * object; its closing quote is where the run of "in" it
			 * opens ends. */
			uint64_t popcom = popen | pcomma;
			uint64_t keyopen = qopen & popcom;
			uint64_t sum = in + (keyopen | c_key);
			c_key = sum < in;
			uint64_t keyclose = sum & ~in;
			uint64_t endv = close | (qclose & ~keyclose);
			uint64_t pkey = keyclose << 1 | c_pkey >> 63;
			uint64_t pend = (endv << 1 | c_end >> 63) | (brprev & ~br);
			c_pkey = keyclose;
			c_end = endv;
			if (ws | filling) {
				pkey = KN(fill)(pkey, ws, &f_key);
				pend = KN(fill)(pend, ws, &f_end);
				filling = f_open | f_comma | f_colon | f_key | f_end;
			}
			uint64_t pend_arr = pend | pkey;

			/* A '}' or ']' checks its own context (the walk checks
			 * that it matches), but for a key before it (fine in an
			 * array: its context comes in pass 3, with the rest). */
			err |= (colon & ~pkey) | (close & ~(pend_arr | popen));
			eo[i] = (qopen & ~(popcom | pcolon)) | ((start | open) & ~pcolon) |
			    (comma & ~pend) | (close & pkey);
			ea[i] = ((qopen | start | open) & ~popcom) | (comma & ~pend_arr) |
			    colon;
			brk[i] = open | close;
			keyo[i] = keyopen;
			if (ix) {
				ix->open[b] = open;
				ix->close[b] = close;
				ix->escapes |= m.bs != 0;
			}
			k += KN(compress)(blk, brk[i], dense + k);
		}
		if (err)
			return 0;

		if (!walk_chunk(dense, k, ctx, stack, &sp, &top, b0 == 0, &closed))
			return 0;
		last_bracket(brk, nb, b0, &last);
		memset(ctx + k, 0, 64);

		/* Object context as a mask: the byte at a bracket has the
		 * context after it, a token's gap the one of the byte before. */
		size_t off = 0;
		uint64_t cerr = 0;
		for (size_t i = 0; i < nb; i++) {
			uint64_t flips = KN(objflips)(ctx + off);
			uint64_t tfl = ix ? KN(topflips)(ctx + off) : 0;
			off += (unsigned)__builtin_popcountll(brk[i]);
			uint64_t obj = pxor64(_pdep_u64(flips, brk[i])) ^ c_obj;
			c_obj = (uint64_t)((int64_t)obj >> 63);
			uint64_t objp = obj << 1 | c_objp;
			c_objp = obj >> 63;
			cerr |= (eo[i] & objp) | (ea[i] & ~objp);
			if (ix) {
				size_t b = b0 + i;
				uint64_t le1 = pxor64(_pdep_u64(tfl, brk[i])) ^ c_le1;
				c_le1 = (uint64_t)((int64_t)le1 >> 63);
				ix->keys[b] = keyo[i] & objp;
				ix->keys1[b] = ix->keys[b] & le1;
				ix->k1map[b / 64] |= (uint64_t)(ix->keys1[b] != 0) << (b % 64);
				ix->depth[b] = (uint8_t)depth;
				depth += __builtin_popcountll(ix->open[b]) -
				    __builtin_popcountll(ix->close[b]);
			}
		}
		if (cerr)
			return 0;
		if (k)
			ctx[-1] = ctx[k - 1];
	}
	if (!closed || c_in != 0)
		return 0;
	return ws_after(p, n, last);
}
