/*
 * fuzz/jqdiff.c: trawl's jq evaluator against libjq 1.6, on expressions
 * and records that tests/jqdiff.h's generator draws from the fuzzer's
 * bytes (the same generator as tests/t_jqdiff: see there).
 *
 * The bytes choose an expression (and whether only its first value is
 * wanted, and a plain path beside it), then a few records.  A set whose
 * fields all go to libjq is not run: it would compare libjq with itself.
 * A disagreement is shrunk, printed as a reproduction, and aborts, so
 * libFuzzer keeps the input.  Each input compiles libjq programs (some
 * 20 ms each), so the Makefile runs this harness on fewer inputs.
 */
#include <stdint.h>

#include "../tests/jqdiff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jd_rng r = { .p = data, .n = size };
	struct jd_gen g = { .r = &r, .wild = 10, .outside = 3 };
	struct jd_case c = { .n = 1 };
	int depth = 1 + (int)jd_pick(&r, 5);

	c.f[0].expr = jd_expr(&g, depth);
	c.f[0].flags = jd_chance(&r, 25) ? FS_FIRST : 0;
	if (jd_chance(&r, 15)) {
		g.onlypaths = 1;
		c.f[c.n++] = (struct jd_field){ jd_gen(&g, TY_ANY, TY_OBJ, 2), 0 };
		g.onlypaths = 0;
	}

	struct jd_sets s;
	jd_build(&s, &c);
	int ours = s.rc[0] || s.rc[1];
	for (int i = 0; i < c.n && !ours; i++)
		ours = jd_pathkind(jd_path(s.fs[0], i)) != JD_LIBJQ;
	if (ours) {
		struct jd_answer a = { 0 }, b = { 0 };
		struct buf line = { 0 };
		int nrec = 1 + (int)jd_pick(&r, 4);
		for (int i = 0; i < nrec; i++) {
			char *bad;
			struct jd_rec *v = jd_record(&r, &bad);
			buf_reset(&line);
			if (v)
				jd_rec_print(&line, v);
			else
				buf_adds(&line, bad);
			const char *why = jd_run_line(&s, &c, line.p, line.len, &a, &b);
			if (why) {
				if (v) {
					jd_shrink_record(&v, &s, &c);
					buf_reset(&line);
					jd_rec_print(&line, v);
				}
				jd_shrink_case(&c, line.p, line.len, 200);
				jd_report(stderr, why, &c, line.p, line.len);
				abort();
			}
			jd_rec_free(v);
			free(bad);
		}
		buf_free(&line);
		jd_answer_free(&a);
		jd_answer_free(&b);
	}
	jd_sets_free(&s);
	jd_case_free(&c);
	return 0;
}
