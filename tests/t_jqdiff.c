/*
 * t_jqdiff: trawl's jq evaluator against libjq 1.6, on random expressions
 * and records (tests/jqdiff.h says how they are drawn and compared).
 *
 *   t_jqdiff [-s SEED] [-n CASES] [-r RECORDS] [-d DEPTH] [-w WILD%]
 *            [-o OUTSIDE%] [-k SHRINKS] [-t SECONDS] [-c] [-v] [-P] [-S] [-M] [-B]
 *       CASES random cases (default 100) of RECORDS records each (default
 *       50), expressions nested up to DEPTH (default 4).  A disagreement
 *       is shrunk (the first in each case, SHRINKS in all, default 20;
 *       others are counted) and printed unless one of the same shape
 *       was; then
 *       one summary line: pairs run, by path, and disagreements.  -c adds
 *       the coverage of every construct; -v prints each case; -P draws
 *       plain paths only, -S builds both sets through libjq and -M makes
 *       every string trawl yields start with '#' (checks of the harness
 *       itself).  A record that a compiled expression hands to libjq
 *       (TRAWL_NO_BAIL) is counted, not compared, unless -B lets it bail
 *       as tools do.  A pair that takes more than SECONDS
 *       (default 20) is reported and ends the run (exit 3).
 *   t_jqdiff [-x] [-X] -e EXPR [-e EXPR | -E EXPR]... <RECORDS
 *       The fields given (-E: with FS_FIRST) on each line of stdin: print
 *       a reproduction for every line where trawl and libjq disagree.  -x
 *       also fails when a field does not run compiled (or as a plain
 *       path): what a regression case of the compiled evaluator wants.
 *       -X first prints each field's path ("PATH: compiled: EXPR").
 *   t_jqdiff -g [-c] [-s SEED] [-n CASES] [-d DEPTH] [-w WILD%] [-o OUTSIDE%]
 *       Print CASES generated expressions, one per line (with -c: how
 *       many held each construct instead), and run nothing.
 *   t_jqdiff -R [-s SEED] [-n COUNT]
 *       Print COUNT generated records, one per line.
 *
 * Exit status: 0 all agree, 1 a disagreement, 2 usage, 3 a pair too slow.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jqdiff.h"

static const char *
jd_cons_name(int c, char *tmp, size_t len)
{
	if (c < JC_BUILTIN)
		return jd_cons_names[c];
	const struct jd_builtin *b = &jd_builtins[c - JC_BUILTIN];
	int n = 0;
	while (n < 3 && b->args[n])
		n++;
	snprintf(tmp, len, "%s/%d%s", b->name, n, b->outside ? " (outside)" : "");
	return tmp;
}

/* The constructs an expression holds, as flags in used[JD_NCONS]. */
static void
jd_constructs(const struct jd_node *n, unsigned char *used)
{
	if (n == NULL)
		return;
	if (n->cons >= 0 && n->cons < JD_NCONS)
		used[n->cons] = 1;
	if (n->paren)
		used[JC_PAREN] = 1;
	if (n->kind == N_STEP && n->opt)
		used[JC_STEP_OPT] = 1;
	for (int i = 0; i < n->nk; i++)
		jd_constructs(n->k[i], used);
}

/*
 * The shape of a shrunk expression, to tell one disagreement from
 * another: names, numbers and strings written alike, since a bug found
 * through .n is usually the one found through ."zz".
 */
static char *
jd_shape(const struct jd_case *c, const char *why)
{
	struct buf b = { 0 };
	buf_adds(&b, why);
	for (int i = 0; i < c->n; i++) {
		char *t = jd_text(c->f[i].expr);
		buf_addf(&b, "|%d|", c->f[i].flags);
		for (const char *p = t; *p; p++) {
			if (*p == '"') {
				for (p++; *p && *p != '"'; p++)
					if (*p == '\\' && p[1])
						p++;
				buf_adds(&b, "S");
				if (!*p)
					break;
			} else if (*p == '.' && ((p[1] >= 'a' && p[1] <= 'z') || p[1] == '_')) {
				while (p[1] && (p[1] == '_' || (p[1] >= 'a' && p[1] <= 'z') ||
				    (p[1] >= '0' && p[1] <= '9')))
					p++;
				buf_adds(&b, ".S");
			} else if (*p >= '0' && *p <= '9') {
				while (p[1] && strchr("0123456789.eE+", p[1]))
					p++;
				buf_addc(&b, 'N');
			} else {
				buf_addc(&b, *p);
			}
		}
		free(t);
	}
	return b.p;
}

/* ----- the watchdog ----- */

static char dog_expr[4096], dog_line[4096];
static size_t dog_elen, dog_llen;

static void
dog_set(const char *e, size_t elen, const char *l, size_t llen)
{
	if (e) {
		dog_elen = elen < sizeof dog_expr ? elen : sizeof dog_expr;
		memcpy(dog_expr, e, dog_elen);
	}
	dog_llen = llen < sizeof dog_line ? llen : sizeof dog_line;
	memcpy(dog_line, l, dog_llen);
}

static void
dog_bark(int sig)
{
	static const char a[] = "TOO SLOW: a pair ran past the time limit\n  expr:   ",
	    b[] = "\n  record: ";
	(void)sig;
	ssize_t w = write(1, a, sizeof a - 1);
	w = write(1, dog_expr, dog_elen);
	w = write(1, b, sizeof b - 1);
	w = write(1, dog_line, dog_llen);
	w = write(1, "\n", 1);
	(void)w;
	_exit(3);
}

/* ----- statistics ----- */

struct stats {
	unsigned long cases, pairs, bylinepath[3], bycasepath[3], notjson;
	unsigned long errors, empty, values;	/* libjq's answers, JSON lines only */
	unsigned long disagree, distinct, unshrunk;
	unsigned long ccases[JD_NCONS], cpairs[JD_NCONS], ccompiled[JD_NCONS];
};

static void
summary(const struct stats *st, unsigned long seed)
{
	double p = st->pairs ? 100.0 / (double)st->pairs : 0;
	printf("t_jqdiff: seed %lu: %lu cases, %lu pairs (compiled %lu = %.1f%%, plain path %lu, "
	    "libjq %lu), %lu not JSON; %lu disagreements (%lu distinct shown)\n", seed,
	    st->cases, st->pairs, st->bylinepath[JD_COMPILED], p * (double)st->bylinepath[JD_COMPILED],
	    st->bylinepath[JD_PLAIN], st->bylinepath[JD_LIBJQ], st->notjson, st->disagree, st->distinct);
	printf("t_jqdiff: libjq's answers: %lu with values, %lu with none, %lu errors; "
	    "%lu pairs handed to libjq by a compiled expression (not compared)\n",
	    st->values, st->empty, st->errors, jd_bails);
}

static void
coverage(const struct stats *st)
{
	char tmp[64];
	printf("%-28s %8s %10s %9s\n", "construct", "cases", "pairs", "compiled");
	for (int c = 0; c < JD_NCONS; c++) {
		if (c >= JC_BUILTIN && jd_builtins[c - JC_BUILTIN].weight == 0 &&
		    st->ccases[c] == 0)
			continue;
		printf("%-28s %8lu %10lu %8.1f%%\n", jd_cons_name(c, tmp, sizeof tmp), st->ccases[c],
		    st->cpairs[c], st->cpairs[c] ? 100.0 * (double)st->ccompiled[c] / (double)st->cpairs[c] : 0.0);
	}
}

/* ----- random runs ----- */

struct opts {
	unsigned long seed, cases, records;
	int depth, shrinks, seconds, cov, verbose;
	struct jd_gen g;
};

/* Distinct disagreements already shown: the shrunk texts. */
static char **seen;
static size_t nseen;

static int
seen_before(const char *key)
{
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i], key) == 0)
			return 1;
	seen = xreallocarray(seen, nseen + 1, sizeof *seen);
	seen[nseen++] = xstrdup(key);
	return 0;
}

/* A plain path, to share a set with the expression under test. */
static struct jd_node *
plain_path(struct jd_gen *g)
{
	int was = g->onlypaths;
	g->onlypaths = 1;
	struct jd_node *n = jd_gen(g, TY_ANY, TY_OBJ, (int)jd_pick(g->r, 3));
	g->onlypaths = was;
	return n;
}

static void
make_case(struct opts *o, struct jd_case *c)
{
	struct jd_rng *r = o->g.r;
	int depth = 1 + (int)jd_pick(r, (unsigned)o->depth);
	struct jd_node *e = jd_expr(&o->g, depth);
	unsigned layout = jd_pick(r, 100);
	c->n = 0;
	if (layout < 60) {
		c->f[c->n++] = (struct jd_field){ e, 0 };
	} else if (layout < 75) {
		c->f[c->n++] = (struct jd_field){ e, FS_FIRST };
	} else if (layout < 85) {
		/* first value, then all: an error after the first value is
		 * the second field's */
		c->f[c->n++] = (struct jd_field){ e, FS_FIRST };
		c->f[c->n++] = (struct jd_field){ jd_clone(e), 0 };
	} else if (layout < 95) {
		int before = jd_chance(r, 50);
		if (before)
			c->f[c->n++] = (struct jd_field){ plain_path(&o->g), 0 };
		c->f[c->n++] = (struct jd_field){ e, jd_chance(r, 30) ? FS_FIRST : 0 };
		if (!before)
			c->f[c->n++] = (struct jd_field){ plain_path(&o->g), 0 };
	} else {
		c->f[c->n++] = (struct jd_field){ e, 0 };
		c->f[c->n++] = (struct jd_field){ jd_expr(&o->g, depth), jd_chance(r, 30) ? FS_FIRST : 0 };
	}
}

static int
random_run(struct opts *o)
{
	struct stats *st = xcalloc(1, sizeof *st);
	struct jd_rng rr = { .s = o->seed };
	struct jd_rng rec = { .s = mix64(o->seed ^ UINT64_C(0x5eed)) };
	struct buf line = { 0 };
	struct jd_answer a = { 0 }, b = { 0 };
	unsigned long shrunk = 0;
	o->g.r = &rr;

	for (unsigned long ci = 0; ci < o->cases; ci++) {
		struct jd_case c;
		make_case(o, &c);
		unsigned char used[JD_NCONS] = { 0 };
		jd_constructs(c.f[0].expr, used);

		struct jd_sets s;
		char *text = jd_text(c.f[0].expr);
		dog_set(text, strlen(text), "(compiling)", 11);
		alarm((unsigned)o->seconds);
		jd_build(&s, &c);
		alarm(0);
		int path = s.rc[0] ? JD_LIBJQ : jd_pathkind(jd_path(s.fs[0], 0));
		st->cases++;
		st->bycasepath[path]++;
		for (int k = 0; k < JD_NCONS; k++)
			st->ccases[k] += used[k];
		if (o->verbose)
			for (int i = 0; i < c.n; i++)
				fprintf(stderr, "case %lu.%d%s [%s]: %s\n", ci, i,
				    c.f[i].flags & FS_FIRST ? " (FS_FIRST)" : "",
				    s.rc[0] ? "does not compile" : jd_path(s.fs[0], i), s.text[i]);

		int case_shrunk = 0;
		for (unsigned long ri = 0; ri < o->records; ri++) {
			char *bad;
			struct jd_rec *v = jd_record(&rec, &bad);
			buf_reset(&line);
			if (v)
				jd_rec_print(&line, v);
			else
				buf_adds(&line, bad);
			dog_set(NULL, 0, line.p, line.len);
			alarm((unsigned)o->seconds);
			const char *why = jd_run_line(&s, &c, line.p, line.len, &a, &b);
			alarm(0);
			st->pairs++;
			st->notjson += bad != NULL;
			if (!bad && !s.rc[1]) {
				if (b.rc)
					st->errors++;
				else if (b.nv == 0)
					st->empty++;
				else
					st->values++;
			}
			st->bylinepath[path]++;
			for (int k = 0; k < JD_NCONS; k++)
				if (used[k]) {
					st->cpairs[k]++;
					st->ccompiled[k] += path == JD_COMPILED;
				}
			if (why) {
				st->disagree++;
				/* one shrink per case: its other records most
				 * likely show the same bug */
				if (shrunk < (unsigned long)o->shrinks && !case_shrunk) {
					shrunk++;
					case_shrunk = 1;
					struct jd_case sc;
					jd_case_clone(&sc, &c);
					if (v) {
						jd_shrink_record(&v, &s, &c);
						buf_reset(&line);
						jd_rec_print(&line, v);
					}
					dog_set(NULL, 0, line.p, line.len);
					alarm((unsigned)o->seconds * 20);
					jd_shrink_case(&sc, line.p, line.len, 400);
					if (v) {
						/* again, for the shrunk expression */
						struct jd_sets ss;
						jd_build(&ss, &sc);
						jd_shrink_record(&v, &ss, &sc);
						jd_sets_free(&ss);
						buf_reset(&line);
						jd_rec_print(&line, v);
					}
					alarm(0);
					const char *now = jd_still(&sc, line.p, line.len);
					char *key = jd_shape(&sc, now ? now : why);
					if (!seen_before(key)) {
						st->distinct++;
						jd_report(stdout, why, &sc, line.p, line.len);
					}
					free(key);
					jd_case_free(&sc);
				} else {
					st->unshrunk++;
				}
			}
			jd_rec_free(v);
			free(bad);
		}
		jd_sets_free(&s);
		jd_case_free(&c);
		free(text);
	}
	summary(st, o->seed);
	if (st->unshrunk)
		printf("t_jqdiff: %lu disagreements not shrunk (one per case, -k in all)\n", st->unshrunk);
	if (o->cov)
		coverage(st);
	int rc = st->disagree ? 1 : 0;
	buf_free(&line);
	jd_answer_free(&a);
	jd_answer_free(&b);
	free(st);
	return rc;
}

/* ----- given expressions ----- */

static int
given_run(struct jd_case *c, int compiled, int paths)
{
	struct jd_sets s;
	struct jd_answer a = { 0 }, b = { 0 };
	struct buf line = { 0 };
	int rc = 0;

	jd_build(&s, c);
	if (paths)
		for (int i = 0; i < c->n; i++)
			printf("PATH: %s: %s\n", s.rc[0] ? "does not compile" : jd_path(s.fs[0], i), s.text[i]);
	if (compiled)
		for (int i = 0; i < c->n; i++)
			if (s.rc[0] || jd_pathkind(jd_path(s.fs[0], i)) == JD_LIBJQ) {
				printf("NOT COMPILED: %s   [%s]\n", s.text[i],
				    s.rc[0] ? s.err[0] : jd_path(s.fs[0], i));
				rc = 1;
			}
	for (int ch; (ch = getchar()) != EOF || line.len;) {
		if (ch != EOF && ch != '\n') {
			buf_addc(&line, (char)ch);
			continue;
		}
		dog_set(s.text[0], strlen(s.text[0]), line.p ? line.p : "", line.len);
		alarm(20);
		const char *why = jd_run_line(&s, c, line.p ? line.p : "", line.len, &a, &b);
		alarm(0);
		if (why) {
			jd_report(stdout, why, c, line.p ? line.p : "", line.len);
			rc = 1;
		}
		buf_reset(&line);
		if (ch == EOF)
			break;
	}
	buf_free(&line);
	jd_answer_free(&a);
	jd_answer_free(&b);
	jd_sets_free(&s);
	return rc;
}

/* A field given as text, held as a tree that prints as that text. */
static struct jd_node *
given_expr(const char *text)
{
	return jd_raw(text, P_PIPE, JC_OUTSIDE);
}

static _Noreturn void
usage(void)
{
	fputs("usage: t_jqdiff [-s seed] [-n cases] [-r records] [-d depth] [-w wild%] "
	    "[-o outside%] [-k shrinks] [-t seconds] [-c] [-v] [-P] [-S] [-M] [-B]\n"
	    "       t_jqdiff [-x] [-X] -e expr [-e expr | -E expr]... <records\n"
	    "       t_jqdiff -g|-R [-s seed] [-n count] [-d depth] [-w wild%] [-o outside%]\n", stderr);
	exit(2);
}

static unsigned long
number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	struct opts o = { .seed = 1, .cases = 100, .records = 50, .depth = 4, .shrinks = 20, .seconds = 20 };
	struct jd_case given = { .n = 0 };
	int mode = 0, compiled = 0, paths = 0, opt;

	o.g.wild = 10;
	o.g.outside = 3;
	while ((opt = getopt(argc, argv, "s:n:r:d:w:o:k:t:cvPSMBe:E:xXgR")) != -1) {
		switch (opt) {
		case 's': o.seed = number(optarg); break;
		case 'n': o.cases = number(optarg); break;
		case 'r': o.records = number(optarg); break;
		case 'd': o.depth = (int)number(optarg); break;
		case 'w': o.g.wild = (int)number(optarg); break;
		case 'o': o.g.outside = (int)number(optarg); break;
		case 'k': o.shrinks = (int)number(optarg); break;
		case 't': o.seconds = (int)number(optarg); break;
		case 'c': o.cov = 1; break;
		case 'v': o.verbose = 1; break;
		case 'P': o.g.onlypaths = 1; break;
		case 'S': jd_sanity = 1; break;
		case 'M': jd_mutate = 1; break;
		case 'B': jd_allowbail = 1; break;
		case 'x': compiled = 1; break;
		case 'X': paths = 1; break;
		case 'g': case 'R': mode = opt; break;
		case 'e': case 'E':
			if (given.n == (int)LEN(given.f))
				usage();
			given.f[given.n++] = (struct jd_field){ given_expr(optarg), opt == 'E' ? FS_FIRST : 0 };
			break;
		default: usage();
		}
	}
	if (optind != argc || o.seconds == 0)
		usage();
	signal(SIGALRM, dog_bark);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (given.n) {
		int rc = given_run(&given, compiled, paths);
		jd_case_free(&given);
		return rc;
	}
	struct jd_rng r = { .s = o.seed };
	if (mode == 'g') {
		/* with -c: only the coverage of what was drawn */
		struct stats *st = xcalloc(1, sizeof *st);
		o.g.r = &r;
		for (unsigned long i = 0; i < o.cases; i++) {
			struct jd_node *e = jd_expr(&o.g, 1 + (int)jd_pick(&r, (unsigned)o.depth));
			unsigned char used[JD_NCONS] = { 0 };
			jd_constructs(e, used);
			for (int k = 0; k < JD_NCONS; k++)
				st->ccases[k] += used[k];
			char *t = jd_text(e);
			if (!o.cov)
				puts(t);
			free(t);
			jd_free(e);
		}
		if (o.cov)
			coverage(st);
		free(st);
		return 0;
	}
	if (mode == 'R') {
		struct buf b = { 0 };
		for (unsigned long i = 0; i < o.cases; i++) {
			char *bad;
			struct jd_rec *v = jd_record(&r, &bad);
			buf_reset(&b);
			if (v)
				jd_rec_print(&b, v);
			else
				buf_adds(&b, bad);
			fwrite(b.p, 1, b.len, stdout);
			putchar('\n');
			jd_rec_free(v);
			free(bad);
		}
		buf_free(&b);
		return 0;
	}
	return random_run(&o);
}
