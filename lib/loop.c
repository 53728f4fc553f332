/*
 * loop.c: the record loop, on every core (see loop.h).
 *
 * A window of jobs, one block of the input each, in input order.  The
 * caller's thread reads blocks into the window, and applies the oldest
 * job once it is evaluated: for each of its records, the tool's record
 * function with the stored fields.  Workers take the oldest job nobody has
 * started; so does the caller's thread while the oldest is not done, so
 * that N threads evaluate even when the tool's own work is light.
 *
 * A job stores what fs_eval gave for each line: the error text, or every
 * value of every field.  A value whose text lies in the line (the fast
 * path's, the common case) stays a pointer into the block, which the job
 * holds until it is applied; other texts (libjq's dumps, canonical
 * numbers) are copied into the job's arena, since the fieldset reuses its
 * buffers on the next line.  Jobs keep their arrays from block to block:
 * nothing is allocated per record once they have grown.
 *
 * With one thread there is no window: each line is evaluated and handed
 * to the tool at once, with the fieldset's own values.
 *
 * libjq 1.6 with one jq_state per thread (each worker's fieldset clone has
 * its own) shares no mutable state between threads, as read in jq 1.6's
 * source: jv values are per state; the dtoa contexts that print and parse
 * numbers live on the stack or in each parser (its hex-digit table is
 * compiled out: NO_HEX_FP, No_Hex_NaN); the out-of-memory handler is
 * thread-specific (pthread_key); error callbacks are per state; the time
 * builtins use gmtime_r, localtime_r and timegm.  The exception is
 * Oniguruma (6.9), which jq's regex builtins call: onig_new initialises
 * the library on first use, unlocked, so two workers' first regexes would
 * race.  loop_run initialises it once before any worker starts.
 *
 * Measured (2026-12-08, 100 MB of projected pings in the page cache, this
 * 2-core VM, mapped input in 256 KB blocks; the machine was never idle
 * during the session, so the runs had their own scheduler autogroup at
 * nice -20; --threads 1 / 2, median of 20-30 runs, least in brackets):
 * histo -f .meta.geoCountry --counts 54.5 / 31.5 ms = 1.73x (1.83x);
 * pingdedup -k .id 60.2 / 40.2 = 1.50x (1.57x); histo -f
 * '"\(.meta.geoCountry):\(.application.version)"' --counts 1.72x (1.84x);
 * histo -f 'select(.meta.geoCountry == "US") | .application.version'
 * --counts 1.70x (1.79x); libjq (TRAWL_NO_FASTPATH=1 histo -f
 * .meta.geoCountry --counts, 20 MB) 1.70x (1.72x).  The CPU time of two
 * threads is that of one within 2% on the plain and compiled paths, and
 * 3-15% more on libjq's (once a process has a second thread glibc's
 * malloc takes its arena locks, and libjq allocates per value).
 *
 * What keeps pingdedup short is this thread's applying.  Per thread CPU
 * time (1 MB blocks): 23-24 ms of this thread's 41 went to handing
 * records to the tool (copying each kept line to the output, the key's
 * digest and table lookup) against the worker's 37 ms of evaluating; at
 * one thread the same work costs about a quarter of that, the lines being
 * hot in the cache from their scan.  Smaller blocks (input.c) bring the
 * lines back sooner: applying 13-14 ms, and the least of 30 runs 40 ->
 * 35 ms.  The key's digest is made by the evaluating thread
 * (loop_digest_first): applying 10 ms.  What is left is the copy of each
 * kept line (cold in this core's cache) and the table.  histo's applying
 * is 3.5 ms and the two threads balance (27 and 25 ms).  A larger window
 * (4N + 4, 8N + 8 jobs) changed nothing.
 */
#include <errno.h>
#include <oniguruma.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "loop.h"

#define MAX_THREADS	256
#define NO_ERROR	SIZE_MAX

struct fields {
	const struct fieldset *owner;	/* the tool's */
	const struct fieldset *fs;	/* one thread: the fieldset itself */
	const char *err;
	const struct stored *vals;	/* else: the job's values ... */
	const size_t *start;		/* ... field i's at [start[i], start[i+1]) */
	const struct digest *digest;	/* digest_field's first value's, or NULL */
};

struct stored {
	struct jval v;
	int in_arena;		/* v.text is an offset into the arena until fixed */
};

struct rec {
	size_t off, len;	/* the line, in the block */
	uint64_t lineno;	/* counted from the block's start */
	size_t err;		/* its message in the arena, or NO_ERROR */
	size_t start;		/* its fields' starts in job->start */
	int has_digest;
	struct digest digest;	/* of digest_field's first value */
};

enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct job {
	int state;		/* under loop.mu */
	int is_error;		/* an input error in its place, not a block */
	char msg[512];
	struct block blk;
	uint64_t nlines;	/* lines of the block, blank ones too */
	struct rec *recs;
	size_t nrecs, caprecs;
	size_t *start;
	size_t nstart, capstart;
	struct stored *vals;
	size_t nvals, capvals;
	struct buf arena;
};

struct loop {
	pthread_mutex_t mu;
	pthread_cond_t work;	/* a job was queued, or stop */
	pthread_cond_t done;	/* a job was evaluated */
	int stop;
	struct job *jobs;
	int njobs;
	int head, count;	/* the window: jobs[head], ... in input order */
	int nfields;
};

struct worker {
	pthread_t th;
	struct loop *lp;
	struct fieldset *fs;
	struct buf scratch;	/* json_digest's */
};

static int digest_field = -1;

void
loop_digest_first(int i)
{
	digest_field = i;
}

unsigned
loop_threads(void)
{
	if (cli.threads > 0)
		return cli.threads < MAX_THREADS ? cli.threads : MAX_THREADS;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* ----- the fields of one record ----- */

const struct fieldset *
fv_fieldset(const struct fields *fv)
{
	return fv->owner;
}

const char *
fv_error(const struct fields *fv)
{
	return fv->err;
}

size_t
fv_count(const struct fields *fv, int i)
{
	if (fv->fs != NULL)
		return fs_count(fv->fs, i);
	return fv->start[i + 1] - fv->start[i];
}

const struct jval *
fv_value(const struct fields *fv, int i, size_t k)
{
	if (fv->fs != NULL)
		return fs_value(fv->fs, i, k);
	return &fv->vals[fv->start[i] + k].v;
}

struct digest
fv_first_digest(const struct fields *fv, int i, struct buf *scratch)
{
	if (i == digest_field && fv->digest != NULL)
		return *fv->digest;
	const struct jval *v = fv_first(fv, i);
	return json_digest(v->text, v->len, scratch);
}

const struct jval *
fv_first(const struct fields *fv, int i)
{
	if (fv->fs != NULL)
		return fs_first(fv->fs, i);
	if (fv->start[i + 1] == fv->start[i])
		return NULL;
	const struct jval *v = &fv->vals[fv->start[i]].v;
	return v->type == J_NULL ? NULL : v;
}

/* ----- evaluating a job ----- */

#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? 2 * (cap) : 64; \
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr))); \
	} \
} while (0)

static void
push_start(struct job *j, size_t v)
{
	GROW(j->start, j->nstart, j->capstart);
	j->start[j->nstart++] = v;
}

/* Keep value v of a line at ln[0..len): in place when it lies there. */
static void
push_value(struct job *j, const struct jval *v, const char *ln, size_t len)
{
	GROW(j->vals, j->nvals, j->capvals);
	struct stored *s = &j->vals[j->nvals++];
	uintptr_t t = (uintptr_t)v->text, l = (uintptr_t)ln;
	s->v = *v;
	s->in_arena = !(t >= l && t + v->len <= l + len);
	if (s->in_arena) {
		s->v.text = (const char *)(uintptr_t)j->arena.len;
		buf_add(&j->arena, v->text, v->len);
	}
}

static void
run_job(struct job *j, struct fieldset *fs, int nfields, struct buf *scratch)
{
	struct line ln;
	size_t pos = 0;
	uint64_t lines = 0;

	j->nrecs = j->nstart = j->nvals = 0;
	buf_reset(&j->arena);
	while (in_block_line(&j->blk, &pos, &lines, &ln)) {
		GROW(j->recs, j->nrecs, j->caprecs);
		struct rec *r = &j->recs[j->nrecs++];
		r->off = (size_t)(ln.p - j->blk.p);
		r->len = ln.len;
		r->lineno = ln.lineno;
		r->start = j->nstart;
		if (fs_eval(fs, ln.p, ln.len) < 0) {
			r->err = j->arena.len;
			buf_adds(&j->arena, fs_error(fs));
			buf_addc(&j->arena, '\0');
			for (int i = 0; i <= nfields; i++)
				push_start(j, j->nvals);
			continue;
		}
		r->err = NO_ERROR;
		const struct jval *dv = digest_field >= 0 ?
		    fs_first(fs, digest_field) : NULL;
		r->has_digest = dv != NULL;
		if (dv != NULL)
			r->digest = json_digest(dv->text, dv->len, scratch);
		for (int i = 0; i < nfields; i++) {
			push_start(j, j->nvals);
			size_t n = fs_count(fs, i);
			for (size_t k = 0; k < n; k++)
				push_value(j, fs_value(fs, i, k), ln.p, ln.len);
		}
		push_start(j, j->nvals);
	}
	j->nlines = lines;
	/* The arena has stopped growing: offsets become pointers. */
	for (size_t k = 0; k < j->nvals; k++)
		if (j->vals[k].in_arena)
			j->vals[k].v.text = j->arena.p + (uintptr_t)j->vals[k].v.text;
}

/* The oldest job nobody has started, marked as started; under mu. */
static struct job *
take_queued(struct loop *lp)
{
	for (int i = 0; i < lp->count; i++) {
		struct job *j = &lp->jobs[(lp->head + i) % lp->njobs];
		if (j->state == JOB_QUEUED) {
			j->state = JOB_RUNNING;
			return j;
		}
	}
	return NULL;
}

static void *
worker_run(void *arg)
{
	struct worker *w = arg;
	struct loop *lp = w->lp;

	pthread_mutex_lock(&lp->mu);
	while (!lp->stop) {
		struct job *j = take_queued(lp);
		if (j == NULL) {
			pthread_cond_wait(&lp->work, &lp->mu);
			continue;
		}
		pthread_mutex_unlock(&lp->mu);
		run_job(j, w->fs, lp->nfields, &w->scratch);
		pthread_mutex_lock(&lp->mu);
		j->state = JOB_DONE;
		pthread_cond_broadcast(&lp->done);
	}
	pthread_mutex_unlock(&lp->mu);
	json_thread_free();
	return NULL;
}

/* ----- the loop ----- */

static pthread_once_t libs_once = PTHREAD_ONCE_INIT;

static void
libs_init(void)
{
	OnigEncoding utf8 = ONIG_ENCODING_UTF8;

	/* See the top of this file: Oniguruma's lazy initialisation is
	 * not thread-safe; this is the one jq 1.6's regexes would do. */
	onig_initialize(&utf8, 1);
}

/* One thread: each record evaluated and handed on at once. */
static int
run_inline(struct input *in, struct fieldset *fs, loop_record_fn *record)
{
	struct fields fv = { .owner = fs, .fs = fs };
	struct line ln;

	while (cli_next(in, &ln)) {
		if (fs != NULL)
			fv.err = fs_eval(fs, ln.p, ln.len) < 0 ? fs_error(fs) : NULL;
		if (record(&ln, fs != NULL ? &fv : NULL) < 0)
			return -1;
	}
	return 0;
}

/* Hand job j's records to the tool; base is the file's lines before it. */
static int
apply(struct job *j, const struct fieldset *fs, uint64_t *base,
    loop_record_fn *record)
{
	struct fields fv = { .owner = fs, .vals = j->vals };
	struct line ln;

	if (j->is_error) {
		cli_input_error(j->msg);
		return 0;
	}
	if (j->blk.first)
		*base = 0;
	for (size_t k = 0; k < j->nrecs; k++) {
		const struct rec *r = &j->recs[k];
		ln.p = j->blk.p + r->off;
		ln.len = r->len;
		ln.file = j->blk.file;
		ln.lineno = *base + r->lineno;
		fv.err = r->err == NO_ERROR ? NULL : j->arena.p + r->err;
		fv.start = &j->start[r->start];
		fv.digest = r->has_digest ? &r->digest : NULL;
		cli_count_line();
		if (record(&ln, &fv) < 0)
			return -1;
	}
	*base += j->nlines;
	return 0;
}

/*
 * Read ahead while the window has room, but do not wait for a pipe while
 * evaluated records could be handed on: a live stream must not be held
 * back for a window's worth.  1 at the end of the input.
 */
static int
read_ahead(struct loop *lp, struct input *in)
{
	while (lp->count < lp->njobs && (lp->count == 0 || in_ready(in))) {
		struct job *j = &lp->jobs[(lp->head + lp->count) % lp->njobs];
		int r = in_block(in, &j->blk);
		if (r == 0)
			return 1;
		pthread_mutex_lock(&lp->mu);
		j->is_error = r < 0;
		if (r < 0)
			snprintf(j->msg, sizeof(j->msg), "%s", in_error(in));
		j->state = r < 0 ? JOB_DONE : JOB_QUEUED;
		lp->count++;
		pthread_cond_signal(&lp->work);
		pthread_mutex_unlock(&lp->mu);
	}
	return 0;
}

/* Until job j is evaluated, evaluate queued jobs here rather than wait:
 * the caller's thread is one of the evaluators. */
static void
await_job(struct loop *lp, struct job *j, struct fieldset *fs,
    struct buf *scratch)
{
	pthread_mutex_lock(&lp->mu);
	while (j->state != JOB_DONE) {
		struct job *q = take_queued(lp);
		if (q == NULL) {
			pthread_cond_wait(&lp->done, &lp->mu);
			continue;
		}
		pthread_mutex_unlock(&lp->mu);
		run_job(q, fs, lp->nfields, scratch);
		pthread_mutex_lock(&lp->mu);
		q->state = JOB_DONE;
	}
	pthread_mutex_unlock(&lp->mu);
}

int
loop_run(struct input *in, struct fieldset *fs, loop_record_fn *record)
{
	unsigned nthreads = loop_threads();

	if (nthreads <= 1 || fs == NULL)
		return run_inline(in, fs, record);
	pthread_once(&libs_once, libs_init);

	struct loop lp = { 0 };
	lp.nfields = fs_fields(fs);
	lp.njobs = 2 * (int)nthreads + 2;
	lp.jobs = xcalloc((size_t)lp.njobs, sizeof(*lp.jobs));
	in_set_window(in, lp.njobs);
	pthread_mutex_init(&lp.mu, NULL);
	pthread_cond_init(&lp.work, NULL);
	pthread_cond_init(&lp.done, NULL);

	/* The caller's thread is one of the evaluators. */
	unsigned nworkers = nthreads - 1, started = 0;
	struct worker *w = xcalloc(nworkers, sizeof(*w));
	for (; started < nworkers; started++) {
		char err[512];
		w[started].lp = &lp;
		w[started].fs = fs_clone(fs, err, sizeof(err));
		if (w[started].fs == NULL)
			cli_fatal("%s", err);
		int e = pthread_create(&w[started].th, NULL, worker_run,
		    &w[started]);
		if (e != 0) {
			/* Fewer threads, same answers. */
			fs_free(w[started].fs);
			break;
		}
	}

	uint64_t base = 0;
	int ended = 0, rc = 0;
	struct buf scratch = { 0 };
	for (;;) {
		if (!ended)
			ended = read_ahead(&lp, in);
		if (lp.count == 0)
			break;
		struct job *j = &lp.jobs[lp.head];
		await_job(&lp, j, fs, &scratch);
		rc = apply(j, fs, &base, record);
		if (!j->is_error)
			in_release(in, &j->blk);
		/* Workers read the window's bounds when they look for work. */
		pthread_mutex_lock(&lp.mu);
		lp.head = (lp.head + 1) % lp.njobs;
		lp.count--;
		pthread_mutex_unlock(&lp.mu);
		if (rc < 0)
			break;
	}

	/* Stopped early, the window may still hold jobs being evaluated:
	 * the workers finish them before they see stop. */
	pthread_mutex_lock(&lp.mu);
	lp.stop = 1;
	pthread_cond_broadcast(&lp.work);
	pthread_mutex_unlock(&lp.mu);
	for (unsigned i = 0; i < started; i++) {
		pthread_join(w[i].th, NULL);
		fs_free(w[i].fs);
		buf_free(&w[i].scratch);
	}
	buf_free(&scratch);
	for (; lp.count > 0; lp.count--) {
		struct job *j = &lp.jobs[lp.head];
		if (!j->is_error)
			in_release(in, &j->blk);
		lp.head = (lp.head + 1) % lp.njobs;
	}
	for (int i = 0; i < lp.njobs; i++) {
		struct job *j = &lp.jobs[i];
		free(j->recs);
		free(j->start);
		free(j->vals);
		buf_free(&j->arena);
	}
	free(lp.jobs);
	free(w);
	pthread_mutex_destroy(&lp.mu);
	pthread_cond_destroy(&lp.work);
	pthread_cond_destroy(&lp.done);
	return rc;
}
