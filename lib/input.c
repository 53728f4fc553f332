/*
 * input.c: lines from files and stdin, plain or gzip (see input.h).
 *
 * Lines are cut out of one window buffer in place: a read lands in the
 * window, memchr finds the newlines, and each newline (or trailing CR) is
 * overwritten with the NUL the caller is promised, so a line is never
 * copied.  Only the unfinished tail of the window is moved to its front
 * before the next read, and the window doubles when one line does not fit,
 * so memory is the larger of the window and about twice the longest line.
 *
 * gzip input is decompressed by a producer thread into a small ring of
 * chunks that the reading thread copies into the window, so inflating
 * overlaps the tool's own work on the other core.  Memory stays bounded
 * whatever the size of a member, so only streaming inflaters are used on
 * whole members: ISA-L's igzip where it is installed (about three times
 * zlib's speed), else zlib.  Without ISA-L, libdeflate (whole-member
 * only, but as fast) is tried first on each member of a mapped regular
 * file with one chunk of output room: small members (bgzip, concatenated
 * small files) go through it, and a member that does not fit costs one
 * wasted chunk before zlib streams it.
 *
 * Trailing bytes after the last gzip member are handled as gzip -d does:
 * zero padding is ignored, a byte that starts the gzip magic begins a
 * member (which is then truncated or corrupt), and anything else is
 * reported as trailing garbage once every line before it was returned.
 */
#include <sys/mman.h>
#include <poll.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#elif defined(HAVE_LIBDEFLATE)
#include <libdeflate.h>
#endif

#include "input.h"
#include "util.h"

/*
 * Reads of a megabyte keep the system-call cost per byte negligible while
 * the data just read is still in the cache when memchr scans it.
 */
#define READ_SIZE	((size_t)1 << 20)
#define WINDOW_INIT	(2 * READ_SIZE)
#define CHUNK_SIZE	READ_SIZE	/* one decompressed chunk */
#define NCHUNK		4		/* chunks in flight between the threads */
#define RAW_SIZE	((size_t)1 << 20)	/* compressed reads from pipes */
#define UNMAP_STEP	((size_t)4 << 20)	/* drop mapped pages this often */

/* A gzip stream being decompressed: owned by the producer thread. */
struct gz {
	int fd;
	const char *name;
	const unsigned char *map;	/* whole file when mapped, else NULL */
	size_t mapsize;
	size_t released;		/* map bytes already given back */
	unsigned char *raw;		/* read buffer when not mapped */
	size_t rawcap;
	const unsigned char *next;	/* unconsumed input */
	size_t avail;
	int in_eof;			/* no input beyond next[0..avail) */
	int member;			/* inside a member (streaming) */
	int failed;			/* err is set; report it next call */
#ifdef HAVE_ISAL
	struct inflate_state *isal;
#else
	int zinit;
	z_stream z;
#ifdef HAVE_LIBDEFLATE
	struct libdeflate_decompressor *dd;
#endif
#endif
	_Atomic uint64_t bytes;		/* compressed bytes read */
	char err[256];
};

struct chunk {
	char *p;
	size_t n;
	int rc;		/* 1 data, 0 end, -1 error (in gz.err) */
	int full;
};

/* The producer thread and the ring it fills. */
struct pump {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk c[NCHUNK];
	int head, tail;		/* producer's and consumer's next chunk */
	int done;		/* the producer has ended or must end */
	struct gz g;
};

struct input {
	char *const *paths;
	int npaths;
	int next;		/* next operand */

	int fd;			/* current file, or -1 */
	const char *name;
	uint64_t lineno;
	int eof;		/* current source exhausted */
	int failed;		/* ... because of the error in err */
	struct pump *pump;	/* gzip producer, or NULL for plain input */

	char *w;		/* the window; w[cap] is room for a NUL */
	size_t cap, pos, end, scan;

	uint64_t bytes;		/* plain bytes read */
	char err[512];
};

static const char *const stdin_only[] = { "-" };

struct input *
in_open(char *const *paths, int n)
{
	struct input *in = xcalloc(1, sizeof *in);

	if (n <= 0) {
		paths = (char *const *)stdin_only;
		n = 1;
	}
	in->paths = paths;
	in->npaths = n;
	in->fd = -1;
	return in;
}

static void
seterr(char *err, size_t len, const char *name, const char *what)
{
	snprintf(err, len, "%s: %s", name, what);
}

/* read(2), retried when interrupted or when a non-blocking descriptor
 * (a shell may hand one down) has nothing yet. */
static ssize_t
read_retry(int fd, void *p, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, p, n);
		if (r >= 0 || (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK))
			return r;
		if (errno != EINTR) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			poll(&pfd, 1, -1);
		}
	}
}

/* --- gzip ---------------------------------------------------------- */

/* Make at least want bytes of compressed input available unless the
 * input ends first; 0, or -1 on a read error. */
static int
gz_need(struct gz *g, size_t want)
{
	while (g->avail < want && !g->in_eof) {
		if (g->map != NULL) {
			g->in_eof = 1;
			break;
		}
		if (g->avail > 0 && g->next != g->raw)
			memmove(g->raw, g->next, g->avail);
		g->next = g->raw;
		ssize_t r = read_retry(g->fd, g->raw + g->avail,
		    g->rawcap - g->avail);
		if (r < 0) {
			seterr(g->err, sizeof g->err, g->name, strerror(errno));
			return -1;
		}
		if (r == 0)
			g->in_eof = 1;
		g->avail += (size_t)r;
		atomic_fetch_add(&g->bytes, (uint64_t)r);
	}
	return 0;
}

static void
gz_consumed(struct gz *g, size_t n)
{
	g->next += n;
	g->avail -= n;
	if (g->map == NULL)
		return;
	atomic_store(&g->bytes, (uint64_t)(g->next - g->map));
	/* Mapped pages count as the process's memory until given back. */
	size_t done = (size_t)(g->next - g->map);
	if (done - g->released >= UNMAP_STEP) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		size_t upto = done / pg * pg;
		madvise((void *)(g->map + g->released), upto - g->released,
		    MADV_DONTNEED);
		g->released = upto;
	}
}

/* After a member: is the rest of the input zero padding (ignored, as
 * gzip -d ignores it)?  Reads it all when it has to. */
static int
gz_rest_is_zero(struct gz *g, int *zero)
{
	for (;;) {
		for (size_t i = 0; i < g->avail; i++)
			if (g->next[i] != 0) {
				*zero = 0;
				return 0;
			}
		gz_consumed(g, g->avail);
		if (g->in_eof) {
			*zero = 1;
			return 0;
		}
		if (gz_need(g, 1) < 0)
			return -1;
	}
}

/* The damage classes every back end reports alike, so that the messages
 * (documented in trawl(7)) do not depend on the library used. */
#define BAD_HEADER	"bad header"
#define BAD_DATA	"invalid deflate data"
#define BAD_CHECK	"checksum mismatch"

/* Report damage after the bytes made before it: as gz_fill. */
static ssize_t
gz_corrupt(struct gz *g, const char *what, size_t made)
{
	char msg[64];

	snprintf(msg, sizeof msg, "corrupt gzip input (%s)", what);
	seterr(g->err, sizeof g->err, g->name, msg);
	g->failed = 1;
	return made > 0 ? (ssize_t)made : -1;
}

#ifdef HAVE_ISAL
static void
member_start(struct gz *g)
{
	isal_inflate_reset(g->isal);
	g->isal->crc_flag = ISAL_GZIP;
}

/* Inflate some of the current member: bytes made, or as gz_fill. */
static ssize_t
member_inflate(struct gz *g, char *dst, size_t room)
{
	struct inflate_state *st = g->isal;
	size_t in = g->avail < UINT32_MAX ? g->avail : UINT32_MAX;
	size_t out = room < UINT32_MAX ? room : UINT32_MAX;

	st->next_in = (uint8_t *)g->next;
	st->avail_in = (uint32_t)in;
	st->next_out = (uint8_t *)dst;
	st->avail_out = (uint32_t)out;
	int r = isal_inflate(st);
	size_t made = out - st->avail_out;
	gz_consumed(g, in - st->avail_in);
	switch (r) {
	case ISAL_DECOMP_OK:
		if (st->block_state == ISAL_BLOCK_FINISH)
			g->member = 0;
		return (ssize_t)made;
	case ISAL_INVALID_WRAPPER:
	case ISAL_UNSUPPORTED_METHOD:
		return gz_corrupt(g, BAD_HEADER, made);
	case ISAL_INCORRECT_CHECKSUM:
		return gz_corrupt(g, BAD_CHECK, made);
	default:
		return gz_corrupt(g, BAD_DATA, made);
	}
}
#else
static void
member_start(struct gz *g)
{
	if (!g->zinit) {
		/* 15 + 16: a 32 KB window and the gzip wrapper. */
		if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
			fprintf(stderr, "%s: out of memory\n", progname);
			exit(TRAWL_EXIT_DATA);
		}
		g->zinit = 1;
	} else
		inflateReset(&g->z);
}

static ssize_t
member_inflate(struct gz *g, char *dst, size_t room)
{
	size_t in = g->avail < UINT_MAX ? g->avail : UINT_MAX;
	size_t out = room < UINT_MAX ? room : UINT_MAX;

	g->z.next_in = (unsigned char *)g->next;
	g->z.avail_in = (unsigned)in;
	g->z.next_out = (unsigned char *)dst;
	g->z.avail_out = (unsigned)out;
	int r = inflate(&g->z, Z_NO_FLUSH);
	size_t made = out - g->z.avail_out;
	gz_consumed(g, in - g->z.avail_in);
	switch (r) {
	case Z_STREAM_END:
		g->member = 0;
		return (ssize_t)made;
	case Z_OK:
	case Z_BUF_ERROR:	/* no progress possible: wants input */
		return (ssize_t)made;
	case Z_DATA_ERROR: {
		static const char *const header[] = {
			"incorrect header check", "unknown compression method",
			"unknown header flags set", "header crc mismatch",
		};
		const char *m = g->z.msg != NULL ? g->z.msg : "";
		if (strcmp(m, "incorrect data check") == 0 ||
		    strcmp(m, "incorrect length check") == 0)
			return gz_corrupt(g, BAD_CHECK, made);
		for (size_t i = 0; i < LEN(header); i++)
			if (strcmp(m, header[i]) == 0)
				return gz_corrupt(g, BAD_HEADER, made);
		return gz_corrupt(g, BAD_DATA, made);
	}
	case Z_MEM_ERROR:
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(TRAWL_EXIT_DATA);
	default:
		return gz_corrupt(g, BAD_DATA, made);
	}
}
#endif

/*
 * Decompress into dst[0..room): the number of bytes written (> 0), 0 at
 * the clean end of the stream, or -1 with g->err set.
 */
static ssize_t
gz_fill(struct gz *g, char *dst, size_t room)
{
	if (g->failed)
		return -1;
	for (;;) {
		if (!g->member) {
			if (gz_need(g, 2) < 0)
				return -1;
			if (g->avail == 0)
				return 0;
			if (g->next[0] != 0x1f ||
			    (g->avail >= 2 && g->next[1] != 0x8b)) {
				int zero;
				if (gz_rest_is_zero(g, &zero) < 0)
					return -1;
				if (zero)
					return 0;
				seterr(g->err, sizeof g->err, g->name,
				    "trailing garbage after gzip data ignored");
				return -1;
			}
#if !defined(HAVE_ISAL) && defined(HAVE_LIBDEFLATE)
			if (g->map != NULL) {
				size_t in_used = 0, out_used = 0;
				enum libdeflate_result r;
				r = libdeflate_gzip_decompress_ex(g->dd, g->next,
				    g->avail, dst, room, &in_used, &out_used);
				if (r == LIBDEFLATE_SUCCESS) {
					gz_consumed(g, in_used);
					if (out_used > 0)
						return (ssize_t)out_used;
					continue;
				}
				/* Too big for a chunk, or damaged: zlib
				 * streams it and says what is wrong. */
			}
#endif
			member_start(g);
			g->member = 1;
		}
		if (g->avail == 0) {
			if (gz_need(g, 1) < 0)
				return -1;
			if (g->avail == 0) {
				seterr(g->err, sizeof g->err, g->name,
				    "truncated gzip input");
				return -1;
			}
		}
		size_t before = g->avail;
		ssize_t made = member_inflate(g, dst, room);
		if (made != 0)
			return made;
		if (g->member && g->avail == before && before > 0)
			return gz_corrupt(g, BAD_DATA, 0);	/* stuck */
	}
}

static void
unlock(void *mu)
{
	pthread_mutex_unlock(mu);
}

static void *
pump_run(void *arg)
{
	struct pump *pp = arg;

	for (;;) {
		pthread_mutex_lock(&pp->mu);
		/* A cancel in the wait must not leave the mutex locked. */
		pthread_cleanup_push(unlock, &pp->mu);
		while (pp->c[pp->head].full && !pp->done)
			pthread_cond_wait(&pp->cv, &pp->mu);
		pthread_cleanup_pop(0);
		int stop = pp->done;
		pthread_mutex_unlock(&pp->mu);
		if (stop)
			return NULL;

		struct chunk *c = &pp->c[pp->head];
		ssize_t n = gz_fill(&pp->g, c->p, CHUNK_SIZE);

		pthread_mutex_lock(&pp->mu);
		c->n = n > 0 ? (size_t)n : 0;
		c->rc = n > 0 ? 1 : (int)n;
		c->full = 1;
		if (n <= 0)
			pp->done = 1;
		pp->head = (pp->head + 1) % NCHUNK;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		if (n <= 0)
			return NULL;
	}
}

/*
 * Start decompressing fd, whose first bytes (already read) are
 * head[0..n).  Returns NULL with err set when no thread can be started.
 */
/* Set up g to decompress in->fd, whose first bytes (already read) are
 * head[0..n).  A regular file is mapped rather than read: no copy. */
static void
gz_init(struct gz *g, struct input *in, const char *head, size_t n)
{
	struct stat st;

	g->fd = in->fd;
	g->name = in->name;
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    in->fd, 0);
		if (m != MAP_FAILED) {
			madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
			g->map = m;
			g->mapsize = (size_t)st.st_size;
			g->next = g->map;
			g->avail = g->mapsize;
			g->in_eof = 1;
		}
	}
	if (g->map == NULL) {
		g->rawcap = n > RAW_SIZE ? n : RAW_SIZE;
		g->raw = xmalloc(g->rawcap);
		memcpy(g->raw, head, n);
		g->next = g->raw;
		g->avail = n;
		atomic_store(&g->bytes, (uint64_t)n);
	}
#ifdef HAVE_ISAL
	g->isal = xmalloc(sizeof *g->isal);
	isal_inflate_init(g->isal);
#elif defined(HAVE_LIBDEFLATE)
	g->dd = libdeflate_alloc_decompressor();
	if (g->dd == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(TRAWL_EXIT_DATA);
	}
#endif
}

static void
gz_free(struct gz *g)
{
	free(g->raw);
	if (g->map != NULL)
		munmap((void *)g->map, g->mapsize);
#ifdef HAVE_ISAL
	free(g->isal);
#else
	if (g->zinit)
		inflateEnd(&g->z);
#ifdef HAVE_LIBDEFLATE
	libdeflate_free_decompressor(g->dd);
#endif
#endif
}

/*
 * Start decompressing in->fd in a producer thread.  Returns NULL with
 * in->err set when no thread can be started.
 */
static struct pump *
pump_start(struct input *in, const char *head, size_t n)
{
	struct pump *pp = xcalloc(1, sizeof *pp);

	gz_init(&pp->g, in, head, n);
	for (int i = 0; i < NCHUNK; i++)
		pp->c[i].p = xmalloc(CHUNK_SIZE);
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	int e = pthread_create(&pp->th, NULL, pump_run, pp);
	if (e != 0) {
		seterr(in->err, sizeof in->err, in->name, strerror(e));
		pthread_mutex_destroy(&pp->mu);
		pthread_cond_destroy(&pp->cv);
		for (int i = 0; i < NCHUNK; i++)
			free(pp->c[i].p);
		gz_free(&pp->g);
		free(pp);
		return NULL;
	}
	return pp;
}

/* Take the next chunk into dst (room >= CHUNK_SIZE): as gz_fill. */
static ssize_t
pump_take(struct input *in, char *dst)
{
	struct pump *pp = in->pump;
	struct chunk *c = &pp->c[pp->tail];

	pthread_mutex_lock(&pp->mu);
	while (!c->full)
		pthread_cond_wait(&pp->cv, &pp->mu);
	pthread_mutex_unlock(&pp->mu);

	ssize_t r = c->rc > 0 ? (ssize_t)c->n : c->rc;
	if (c->rc > 0)
		memcpy(dst, c->p, c->n);
	else if (c->rc < 0)
		snprintf(in->err, sizeof in->err, "%s", pp->g.err);

	pthread_mutex_lock(&pp->mu);
	c->full = 0;
	pp->tail = (pp->tail + 1) % NCHUNK;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	return r;
}

static void
pump_stop(struct input *in)
{
	struct pump *pp = in->pump;
	struct gz *g = &pp->g;

	/*
	 * Ask the producer to stop; it may be blocked reading a pipe that
	 * never ends, so cancel it too (read is a cancellation point, and
	 * the producer holds no lock there).
	 */
	pthread_mutex_lock(&pp->mu);
	int finished = pp->done;
	pp->done = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	if (!finished && g->map == NULL)
		pthread_cancel(pp->th);
	pthread_join(pp->th, NULL);

	in->bytes += atomic_load(&g->bytes);
	pthread_mutex_destroy(&pp->mu);
	pthread_cond_destroy(&pp->cv);
	for (int i = 0; i < NCHUNK; i++)
		free(pp->c[i].p);
	gz_free(g);
	free(pp);
	in->pump = NULL;
}

/* --- files --------------------------------------------------------- */

static void
close_file(struct input *in)
{
	if (in->pump != NULL)
		pump_stop(in);
	if (in->fd > 0 || (in->fd == 0 && strcmp(in->name, "-") != 0))
		close(in->fd);
	in->fd = -1;
	in->pos = in->end = in->scan = 0;
}

/* Room for at least want more bytes after end, moving the unfinished
 * line to the front first and doubling the window when that is not
 * enough. */
static void
make_room(struct input *in, size_t want)
{
	if (in->pos > 0) {
		size_t tail = in->end - in->pos;
		if (tail > 0)
			memmove(in->w, in->w + in->pos, tail);
		in->end = tail;
		in->scan -= in->pos;
		in->pos = 0;
	}
	if (in->cap - in->end >= want)
		return;
	size_t cap = in->cap ? in->cap : WINDOW_INIT;
	while (cap - in->end < want) {
		if (cap > SIZE_MAX / 2 - 1)
			cap = SIZE_MAX - 1;	/* xrealloc fails: out of memory */
		else
			cap *= 2;
	}
	in->w = xrealloc(in->w, cap + 1);
	in->cap = cap;
}

/* Fill the window from the current file; sets eof (and failed) at the
 * end. */
static void
fill(struct input *in)
{
	ssize_t r;

	make_room(in, in->pump != NULL ? CHUNK_SIZE : READ_SIZE);
	if (in->pump != NULL) {
		r = pump_take(in, in->w + in->end);
	} else {
		size_t room = in->cap - in->end;
		r = read_retry(in->fd, in->w + in->end, room);
		if (r < 0)
			seterr(in->err, sizeof in->err, in->name, strerror(errno));
		else
			in->bytes += (uint64_t)r;
	}
	if (r > 0) {
		in->end += (size_t)r;
	} else {
		in->eof = 1;
		in->failed = r < 0;
	}
}

/*
 * Open the next operand and sniff its first bytes for the gzip magic.
 * Returns 1 when a file is open, 0 when there are none left, -1 when
 * this one could not be opened (err set).
 */
static int
open_next(struct input *in)
{
	if (in->next >= in->npaths)
		return 0;
	in->name = in->paths[in->next++];
	in->lineno = 0;
	in->eof = in->failed = 0;
	in->pos = in->end = in->scan = 0;
	if (strcmp(in->name, "-") == 0) {
		in->fd = 0;
	} else {
		in->fd = open(in->name, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			seterr(in->err, sizeof in->err, in->name, strerror(errno));
			return -1;
		}
		posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	/* A pipe may deliver one byte at a time: wait for two or the end. */
	while (in->end < 2 && !in->eof)
		fill(in);
	if (in->failed) {
		close_file(in);
		return -1;
	}
	if (in->end >= 2 && (unsigned char)in->w[0] == 0x1f &&
	    (unsigned char)in->w[1] == 0x8b) {
		/* The sniffed bytes are compressed input, not lines. */
		in->bytes -= in->end;
		in->pump = pump_start(in, in->w, in->end);
		in->end = 0;
		in->eof = 0;
		if (in->pump == NULL) {
			close_file(in);
			return -1;
		}
	}
	return 1;
}

/* Finish the line w[start..start+len) (w[start+len] is writable). */
static int
cut(struct input *in, struct line *ln, size_t start, size_t len)
{
	char *s = in->w + start;

	in->lineno++;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	if (len == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r') {
		size_t i = 1;
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == len)
			return 0;
	}
	ln->p = s;
	ln->len = len;
	ln->file = in->name;
	ln->lineno = in->lineno;
	return 1;
}

int
in_next(struct input *in, struct line *ln)
{
	for (;;) {
		if (in->fd < 0) {
			int r = open_next(in);
			if (r <= 0)
				return r;
		}
		char *nl = memchr(in->w + in->scan, '\n', in->end - in->scan);
		if (nl != NULL) {
			size_t start = in->pos, len = (size_t)(nl - in->w) - start;
			in->pos = in->scan = (size_t)(nl - in->w) + 1;
			if (cut(in, ln, start, len))
				return 1;
			continue;
		}
		in->scan = in->end;
		if (!in->eof) {
			fill(in);
			continue;
		}
		if (in->failed) {
			/* An unfinished line before an error is not a line. */
			close_file(in);
			return -1;
		}
		if (in->pos < in->end) {
			size_t start = in->pos, len = in->end - start;
			in->pos = in->end;
			if (cut(in, ln, start, len))
				return 1;
			continue;
		}
		close_file(in);
	}
}

const char *
in_error(const struct input *in)
{
	return in->err;
}

uint64_t
in_bytes(const struct input *in)
{
	uint64_t n = in->bytes;

	if (in->pump != NULL)
		n += atomic_load(&in->pump->g.bytes);
	return n;
}

void
in_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->fd >= 0)
		close_file(in);
	free(in->w);
	free(in);
}
