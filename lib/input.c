/*
 * input.c: lines from files and stdin, plain, gzip or zstd (see input.h).
 *
 * A plain regular file is mapped, and blocks of whole lines are cut from
 * the mapping where they lie (see "mapped plain files" below): nothing is
 * copied and no thread reads ahead, the kernel's read-ahead does.  On
 * 100 MB of projected pings in the page cache, histo --threads 1
 * --counts spent 20 ms of system time (of 75 ms CPU) reading the file
 * into chunks; mapped, 3.8 ms.
 *
 * Everything else (pipes, terminals, sockets, gzip, zstd) has a producer
 * thread that reads the file (and decompresses it) into a small ring of
 * large chunks while the caller's thread cuts lines out of them in place:
 * memchr finds the newlines, and a line is never copied unless it crosses
 * a chunk.  Reading, inflating and the tool's own work on the lines thus
 * overlap on two cores, and memory stays at the ring (5 MB) plus the
 * longest line.
 *
 * Lines are never written to (a mapping's pages stay clean and shared),
 * so they are not NUL-terminated: every reader goes by their length.
 *
 * A gzip member may be any size, so only streaming inflaters see whole
 * members: ISA-L's igzip where it is installed (about three times zlib's
 * speed), else zlib.  Without ISA-L, libdeflate (whole-member only, but
 * as fast) is tried first on each member of a mapped regular file with
 * one chunk of output room: small members (bgzip, concatenated small
 * files) go through it, and a member that does not fit costs one wasted
 * chunk before zlib streams it.
 *
 * Trailing bytes after the last gzip member are handled as gzip -d does:
 * zero padding is ignored, a byte that starts the gzip magic begins a
 * member (which is then truncated or corrupt), and anything else is
 * reported as trailing garbage once every line before it was returned.
 *
 * zstd goes through libzstd's streaming decoder, which also steps over
 * skippable frames; the frames of a file are judged as gzip's members are
 * (truncation, damage, zero padding and trailing garbage alike), so the
 * messages differ only in the format's name.
 */
#define _GNU_SOURCE	/* memrchr */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#ifdef HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include <zlib.h>
#endif

#include <zstd.h>
#include <zstd_errors.h>

#include "input.h"
#include "util.h"

/*
 * Reads and decompressed chunks of a megabyte keep the cost of system
 * calls and thread hand-offs per byte negligible while the data just
 * written is still in the cache when memchr scans it.  A line that runs
 * over the end of a chunk is copied into the headroom in front of the
 * next one when it is shorter than the headroom (the common case: one
 * copy of half a line per megabyte), else assembled in a buffer.
 */
#define CHUNK_SIZE	((size_t)1 << 20)
#define HEADROOM	((size_t)256 << 10)
#define NCHUNK		4		/* chunks in flight between the threads */
#define RAW_SIZE	((size_t)1 << 20)	/* compressed reads from pipes */
#define UNMAP_STEP	((size_t)4 << 20)	/* drop mapped pages this often */

enum codec { C_PLAIN, C_GZIP, C_ZSTD };

/* What the producer reads, plain or compressed: owned by the producer
 * thread. */
struct gz {
	int fd;
	int wakefd;			/* readable when the reader stops, or -1 */
	const char *name;
	const unsigned char *map;	/* whole file when mapped, else NULL */
	size_t mapsize;
	size_t released;		/* map bytes already given back */
	unsigned char *raw;		/* read buffer when not mapped */
	size_t rawcap;
	const unsigned char *next;	/* unconsumed input */
	size_t avail;
	int in_eof;			/* no input beyond next[0..avail) */
	int member;			/* inside a gzip member or zstd frame */
	int failed;			/* err is set; report it next call */
	int late;			/* the error came after the data ended */
	int oom;			/* out of memory: the reader's thread exits */
#ifdef HAVE_ISAL
	struct inflate_state *isal;
#else
	int zinit;
	z_stream z;
#ifdef HAVE_LIBDEFLATE
	struct libdeflate_decompressor *dd;
#endif
#endif
	ZSTD_DStream *zs;
	enum codec codec;		/* set up by gz_setup */
	_Atomic uint64_t bytes;		/* bytes read (compressed when so) */
	char err[256];
};

/* A chunk goes FREE -> READY (the producer filled and queued it) ->
 * TAKEN (the reader took it) -> FREE (the reader and the blocks cut from
 * it are done with it).  The reader's blocks may outlive the file, so
 * chunks belong to the input, not to one file's producer. */
enum { C_FREE, C_READY, C_TAKEN };

struct chunk {
	char *p;	/* HEADROOM bytes, then CHUNK_SIZE of data */
	size_t n;	/* data bytes at p + HEADROOM */
	int rc;		/* 1 data, 0 end, -1 error (in gz.err) */
	int state;	/* under the pump's mutex while a pump runs */
	int refs;	/* the reader's: as its current chunk, and by a block */
};

/* The producer thread of one file: it fills any free chunk and queues it;
 * the reader takes them from the queue in order. */
struct pump {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk *c;	/* the input's chunks */
	int nc;
	struct chunk **q;	/* filled chunks, in the order of the data */
	int qhead, qlen;
	int done;		/* the producer has ended or must end */
	int wake[2];		/* a pipe that tells a blocked producer to end */
	struct gz g;
};

struct input {
	char *const *paths;
	int npaths;
	int next;		/* next operand */

	int fd;			/* current file, or -1 */
	const char *name;
	int first;		/* the next block is its file's first */
	int eof;		/* the producer has ended */
	int failed;		/* ... with the error in err */
	int late;		/* ... after a clean end of the data */
	struct pump *pump;
	struct chunk *cur;	/* the chunk blocks are cut from */
	size_t pos, end;	/* unread cur->p[pos..end) */
	struct chunk *chunks;	/* kept from file to file */
	int nchunks;
	struct fmap *map;	/* the current file's mapping, if mapped */
	size_t mpos;		/* unread map->base[mpos..map->size) */
	size_t advised;		/* map bytes read ahead (MADV_WILLNEED) */

	/* TRAWL_EXACT_LINES: the block lines are copied from */
	int exact;
	struct block src;
	int have_src;
	size_t src_pos;

	/* in_next's block and where it is in it */
	struct block blk;
	int have_blk;
	size_t blk_pos;
	uint64_t lineno;

	uint64_t bytes;		/* bytes of files already closed */
	char err[512];
};

static const char *const stdin_only[] = { "-" };

struct input *
in_open(char *const *paths, int n)
{
	struct input *in = xcalloc(1, sizeof(*in));

	if (n <= 0) {
		paths = (char *const *)stdin_only;
		n = 1;
	}
	in->paths = paths;
	in->npaths = n;
	in->fd = -1;
	in->nchunks = NCHUNK;
	in->chunks = xcalloc(NCHUNK, sizeof(*in->chunks));
	const char *e = getenv("TRAWL_EXACT_LINES");
	in->exact = e != NULL && strcmp(e, "1") == 0;
	return in;
}

void
in_set_window(struct input *in, int nblocks)
{
	/* Each block holds at most one chunk; the reader's current chunk
	 * and the one being filled make two more, so the producer always
	 * finds a free chunk without waiting for the reader. */
	int want = nblocks + 2;

	if (want <= in->nchunks)
		return;
	in->chunks = xreallocarray(in->chunks, (size_t)want, sizeof(*in->chunks));
	memset(in->chunks + in->nchunks, 0,
	    (size_t)(want - in->nchunks) * sizeof(*in->chunks));
	in->nchunks = want;
}

static void
seterr(char *err, size_t len, const char *name, const char *what)
{
	snprintf(err, len, "%s: %s", name, what);
}

/*
 * read(2) for the producer, retried when interrupted or when a
 * non-blocking descriptor (a shell may hand one down) has nothing yet.
 * On a pipe or terminal it first waits for data or for the reader to
 * stop (wakefd), since such a read may block forever; then it fails with
 * ECANCELED.
 */
static ssize_t
gz_read(struct gz *g, void *p, size_t n)
{
	for (;;) {
		if (g->wakefd >= 0) {
			struct pollfd pf[2] = {
				{ .fd = g->fd, .events = POLLIN },
				{ .fd = g->wakefd, .events = POLLIN },
			};
			if (poll(pf, 2, -1) < 0 && errno != EINTR)
				return -1;
			if (pf[1].revents != 0) {
				errno = ECANCELED;
				return -1;
			}
		}
		ssize_t r = read(g->fd, p, n);
		if (r >= 0)
			return r;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (g->wakefd < 0) {
				struct pollfd pf = { .fd = g->fd, .events = POLLIN };
				poll(&pf, 1, -1);
			}
		} else if (errno != EINTR)
			return -1;
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
		ssize_t r = gz_read(g, g->raw + g->avail,
		    g->rawcap - g->avail);
		if (r < 0) {
			seterr(g->err, sizeof(g->err), g->name,
			    strerror(errno));
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

static const char *
codec_name(const struct gz *g)
{
	return g->codec == C_ZSTD ? "zstd" : "gzip";
}

/* "truncated gzip input", or the message for what follows the last
 * member or frame (given its format), as gz_fill returns them. */
static ssize_t
gz_damage(struct gz *g, const char *what)
{
	char msg[64];

	snprintf(msg, sizeof(msg), what, codec_name(g));
	seterr(g->err, sizeof(g->err), g->name, msg);
	return -1;
}

/* After the last member or frame: zero padding is the end, anything else
 * is trailing garbage, reported after the lines (as gz_fill). */
static ssize_t
gz_after_last(struct gz *g)
{
	int zero;

	if (gz_rest_is_zero(g, &zero) < 0)
		return -1;
	if (zero)
		return 0;
	g->late = 1;
	return gz_damage(g, "trailing garbage after %s data ignored");
}

/* Report damage after the bytes made before it: as gz_fill. */
static ssize_t
gz_corrupt(struct gz *g, const char *what, size_t made)
{
	char msg[64];

	snprintf(msg, sizeof(msg), "corrupt %s input (%s)", codec_name(g),
	    what);
	seterr(g->err, sizeof(g->err), g->name, msg);
	g->failed = 1;
	return made > 0 ? (ssize_t)made : -1;
}

#ifdef HAVE_ISAL
static int
member_start(struct gz *g)
{
	isal_inflate_reset(g->isal);
	g->isal->crc_flag = ISAL_GZIP;
	return 0;
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
	/* On some corrupt streams ISA-L leaves avail_in wrapped past what it
	 * was given (fuzz/iptable); the member is dead then, so all is used. */
	gz_consumed(g, in - (st->avail_in <= in ? st->avail_in : 0));
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
static int
member_start(struct gz *g)
{
	if (!g->zinit) {
		/* 15 + 16: a 32 KB window and the gzip wrapper. */
		if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
			g->oom = 1;
			return -1;
		}
		g->zinit = 1;
	} else
		inflateReset(&g->z);
	return 0;
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
		g->oom = 1;
		return -1;
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
			    (g->avail >= 2 && g->next[1] != 0x8b))
				return gz_after_last(g);
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
			if (member_start(g) < 0)
				return -1;
			g->member = 1;
		}
		if (g->avail == 0) {
			if (gz_need(g, 1) < 0)
				return -1;
			if (g->avail == 0)
				return gz_damage(g, "truncated %s input");
		}
		size_t before = g->avail;
		ssize_t made = member_inflate(g, dst, room);
		if (made != 0)
			return made;
		if (g->member && g->avail == before && before > 0)
			return gz_corrupt(g, BAD_DATA, 0);	/* stuck */
	}
}

/* --- zstd ------------------------------------------------------------ */

#define ZSTD_MAGIC	0xFD2FB528u	/* little-endian on disk: 28 b5 2f fd */
#define SKIP_MAGIC	0x184D2A50u	/* skippable frames: 50..5f 2a 4d 18 */
#define SKIP_MASK	0xFFFFFFF0u

/* 1 when the n (<= 4) bytes at p may begin a frame, zstd's or skippable. */
static int
zstd_frame_prefix(const unsigned char *p, size_t n)
{
	static const unsigned char zmagic[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const unsigned char skip[4] = { 0x50, 0x2a, 0x4d, 0x18 };
	int z = 1, k = 1;

	for (size_t i = 0; i < n && i < 4; i++) {
		z &= p[i] == zmagic[i];
		k &= i == 0 ? (p[0] & 0xf0) == skip[0] : p[i] == skip[i];
	}
	return z || k;
}

static ssize_t
zstd_corrupt(struct gz *g, size_t code, size_t made)
{
	switch (ZSTD_getErrorCode(code)) {
	case ZSTD_error_memory_allocation:
		g->oom = 1;
		return -1;
	case ZSTD_error_checksum_wrong:
		return gz_corrupt(g, BAD_CHECK, made);
	case ZSTD_error_prefix_unknown:
	case ZSTD_error_version_unsupported:
	case ZSTD_error_frameParameter_unsupported:
	case ZSTD_error_frameParameter_windowTooLarge:
		return gz_corrupt(g, BAD_HEADER, made);
	case ZSTD_error_dictionary_wrong:
		return gz_corrupt(g, "needs a dictionary", made);
	default:
		return gz_corrupt(g, "invalid block data", made);
	}
}

/* As gz_fill, for zstd frames. */
static ssize_t
zstd_fill(struct gz *g, char *dst, size_t room)
{
	if (g->failed)
		return -1;
	for (;;) {
		if (!g->member) {
			if (gz_need(g, 4) < 0)
				return -1;
			if (g->avail == 0)
				return 0;
			if (!zstd_frame_prefix(g->next, g->avail))
				return gz_after_last(g);
			if (g->avail < 4)
				return gz_damage(g, "truncated %s input");
			g->member = 1;
		}
		ZSTD_inBuffer zin = { g->next, g->avail, 0 };
		ZSTD_outBuffer zout = { dst, room, 0 };
		/* Called with no new input too: the decoder may hold output
		 * that did not fit the last time. */
		size_t r = ZSTD_decompressStream(g->zs, &zout, &zin);
		gz_consumed(g, zin.pos);
		if (ZSTD_isError(r))
			return zstd_corrupt(g, r, zout.pos);
		if (r == 0)
			g->member = 0;
		if (zout.pos > 0)
			return (ssize_t)zout.pos;
		if (!g->member)
			continue;
		if (g->avail == 0) {
			if (g->in_eof)
				return gz_damage(g, "truncated %s input");
			if (gz_need(g, 1) < 0)
				return -1;
		} else if (zin.pos == 0) {
			return gz_corrupt(g, "invalid block data", 0);	/* stuck */
		}
	}
}

/*
 * Set g up to decompress: its first bytes, already read, are head[0..n).
 * 0, or -1 out of memory (g->oom: the reader's thread says so and exits;
 * the producer's must not).  A regular file is mapped rather than read:
 * no copy.  Only when it was read from its start: stdin may be a file a
 * shell has read some of already ({ read hdr; tool; } < f).
 */
static int
gz_setup(struct gz *g, enum codec codec, const char *head, size_t n)
{
	struct stat st;

	if (fstat(g->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX &&
	    lseek(g->fd, 0, SEEK_CUR) == (off_t)n) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    g->fd, 0);
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
		if ((g->raw = malloc(g->rawcap)) == NULL)
			goto oom;
		memcpy(g->raw, head, n);
		g->next = g->raw;
		g->avail = n;
	}
	g->codec = codec;
	if (codec == C_ZSTD) {
		if ((g->zs = ZSTD_createDStream()) == NULL)
			goto oom;
		/* Frames made with zstd --long (windows up to 2 GB) are read
		 * too, as zstd -d --memory=2GB would: memory is then what
		 * the file's own frames declare. */
		ZSTD_DCtx_setParameter(g->zs, ZSTD_d_windowLogMax, 31);
		return 0;
	}
#ifdef HAVE_ISAL
	if ((g->isal = malloc(sizeof(*g->isal))) == NULL)
		goto oom;
	isal_inflate_init(g->isal);
#elif defined(HAVE_LIBDEFLATE)
	if ((g->dd = libdeflate_alloc_decompressor()) == NULL)
		goto oom;
#endif
	return 0;
oom:
	g->oom = 1;
	return -1;
}

static void
gz_free(struct gz *g)
{
	free(g->raw);
	if (g->map != NULL)
		munmap((void *)g->map, g->mapsize);
	ZSTD_freeDStream(g->zs);
#ifdef HAVE_ISAL
	free(g->isal);
#else
	if (g->zinit)
		inflateEnd(&g->z);
#ifdef HAVE_LIBDEFLATE
	if (g->dd != NULL)
		libdeflate_free_decompressor(g->dd);
#endif
#endif
}

/* --- the producer thread -------------------------------------------- */

/* Wait for a free chunk; NULL when told to stop. */
static struct chunk *
pump_free_chunk(struct pump *pp)
{
	struct chunk *c = NULL;

	pthread_mutex_lock(&pp->mu);
	for (;;) {
		if (pp->done)
			break;
		for (int i = 0; i < pp->nc && c == NULL; i++)
			if (pp->c[i].state == C_FREE)
				c = &pp->c[i];
		if (c != NULL)
			break;
		pthread_cond_wait(&pp->cv, &pp->mu);
	}
	pthread_mutex_unlock(&pp->mu);
	return c;
}

static void
pump_publish(struct pump *pp, struct chunk *c, ssize_t n)
{
	pthread_mutex_lock(&pp->mu);
	c->n = n > 0 ? (size_t)n : 0;
	c->rc = n > 0 ? 1 : (int)n;
	c->state = C_READY;
	pp->q[(pp->qhead + pp->qlen) % pp->nc] = c;
	pp->qlen++;
	if (n <= 0)
		pp->done = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

/* Read plain bytes into c's data area: as gz_fill. */
static ssize_t
plain_fill(struct gz *g, char *dst, size_t room)
{
	ssize_t r = gz_read(g, dst, room);

	if (r < 0)
		seterr(g->err, sizeof(g->err), g->name, strerror(errno));
	else
		atomic_fetch_add(&g->bytes, (uint64_t)r);
	return r;
}

/* 1 when the n bytes at p may begin gzip's magic number. */
static int
gzip_prefix(const char *p, size_t n)
{
	return (n < 1 || (unsigned char)p[0] == 0x1f) &&
	    (n < 2 || (unsigned char)p[1] == 0x8b);
}

static void *
pump_run(void *arg)
{
	struct pump *pp = arg;
	struct gz *g = &pp->g;
	struct chunk *c = pump_free_chunk(pp);
	char *data;
	ssize_t n = 0, r;

	if (c == NULL)
		return NULL;
	data = c->p + HEADROOM;
	/* Sniff: a pipe may deliver one byte at a time, so read on while
	 * what came may still begin a magic number (or until the end). */
	enum codec codec = C_PLAIN;
	do {
		r = plain_fill(g, data + n, CHUNK_SIZE - (size_t)n);
		if (r > 0)
			n += r;
	} while (r > 0 && n < 4 && (gzip_prefix(data, (size_t)n) ||
	    zstd_frame_prefix((unsigned char *)data, (size_t)n)));
	if (r < 0) {
		pump_publish(pp, c, -1);
		return NULL;
	}
	if (n >= 2 && gzip_prefix(data, 2))
		codec = C_GZIP;
	else if (n >= 4 && zstd_frame_prefix((unsigned char *)data, 4))
		codec = C_ZSTD;
	if (codec != C_PLAIN) {
		if (gz_setup(g, codec, data, (size_t)n) < 0) {
			pump_publish(pp, c, -1);
			return NULL;
		}
		n = 0;
	} else if (r == 0) {
		/* All of it, already: a terminal would want a second ^D if
		 * it were read again. */
		if (n > 0) {
			pump_publish(pp, c, n);
			if ((c = pump_free_chunk(pp)) == NULL)
				return NULL;
		}
		pump_publish(pp, c, 0);
		return NULL;
	}
	for (;;) {
		if (n == 0)
			n = g->codec == C_GZIP ? gz_fill(g, data, CHUNK_SIZE) :
			    g->codec == C_ZSTD ? zstd_fill(g, data, CHUNK_SIZE) :
			    plain_fill(g, data, CHUNK_SIZE);
		pump_publish(pp, c, n);
		if (n <= 0 || (c = pump_free_chunk(pp)) == NULL)
			return NULL;
		data = c->p + HEADROOM;
		n = 0;
	}
}

/* Take the next chunk the producer published (in order). */
static struct chunk *
pump_take(struct pump *pp)
{
	pthread_mutex_lock(&pp->mu);
	while (pp->qlen == 0)
		pthread_cond_wait(&pp->cv, &pp->mu);
	struct chunk *c = pp->q[pp->qhead];
	pp->qhead = (pp->qhead + 1) % pp->nc;
	pp->qlen--;
	c->state = C_TAKEN;
	pthread_mutex_unlock(&pp->mu);
	c->refs = 1;
	return c;
}

/* Drop one of the reader's references to c; the last one frees it for
 * the producer (or for the next file's). */
static void
chunk_unref(struct input *in, struct chunk *c)
{
	if (--c->refs > 0)
		return;
	if (in->pump == NULL) {
		c->state = C_FREE;
		return;
	}
	pthread_mutex_lock(&in->pump->mu);
	c->state = C_FREE;
	pthread_cond_broadcast(&in->pump->cv);
	pthread_mutex_unlock(&in->pump->mu);
}

static void
pump_free(struct input *in)
{
	struct pump *pp = in->pump;

	pthread_mutex_destroy(&pp->mu);
	pthread_cond_destroy(&pp->cv);
	if (pp->wake[0] >= 0) {
		close(pp->wake[0]);
		close(pp->wake[1]);
	}
	gz_free(&pp->g);
	free(pp->q);
	free(pp);
	in->pump = NULL;
}

/* Start reading in->fd in a producer thread; -1 with in->err set when no
 * thread can be started. */
static int
pump_start(struct input *in)
{
	struct pump *pp = xcalloc(1, sizeof(*pp));
	struct stat st;

	pp->g.fd = in->fd;
	pp->g.name = in->name;
	pp->g.wakefd = -1;
	pp->wake[0] = pp->wake[1] = -1;
	if (fstat(in->fd, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode))) {
		if (pipe(pp->wake) != 0) {
			seterr(in->err, sizeof(in->err), in->name,
			    strerror(errno));
			free(pp);
			return -1;
		}
		fcntl(pp->wake[0], F_SETFD, FD_CLOEXEC);
		fcntl(pp->wake[1], F_SETFD, FD_CLOEXEC);
		pp->g.wakefd = pp->wake[0];
	}
	for (int i = 0; i < in->nchunks; i++)
		if (in->chunks[i].p == NULL)
			in->chunks[i].p = xmalloc(HEADROOM + CHUNK_SIZE);
	pp->c = in->chunks;
	pp->nc = in->nchunks;
	pp->q = xcalloc((size_t)pp->nc, sizeof(*pp->q));
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	int e = pthread_create(&pp->th, NULL, pump_run, pp);
	if (e != 0) {
		seterr(in->err, sizeof(in->err), in->name, strerror(e));
		in->pump = pp;
		pump_free(in);
		return -1;
	}
	in->pump = pp;
	return 0;
}

static void
pump_stop(struct input *in)
{
	struct pump *pp = in->pump;

	/* Ask the producer to end: it may wait for a free chunk, or for
	 * input on a pipe that never ends. */
	pthread_mutex_lock(&pp->mu);
	int finished = pp->done;
	pp->done = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	if (!finished && pp->wake[1] >= 0)
		(void)write(pp->wake[1], "", 1);
	pthread_join(pp->th, NULL);
	/* Chunks filled but never taken go back; those the reader's
	 * blocks still hold stay taken. */
	for (int i = 0; i < pp->nc; i++)
		if (pp->c[i].state == C_READY)
			pp->c[i].state = C_FREE;
	in->bytes += atomic_load(&pp->g.bytes);
	pump_free(in);
}

/* --- mapped plain files --------------------------------------------- */

/*
 * A plain regular file is mapped and its blocks are cut straight from the
 * mapping: no reading thread and no copy, the page cache's pages are the
 * blocks.  A mapping lives while the reader cuts from it or any block
 * holds it (blocks may outlive their file).  The pages of a released
 * block are given back at once (MADV_DONTNEED; a page another block still
 * reads is simply faulted in again), so a file larger than memory costs
 * only the blocks in flight, and the kernel is asked to read ahead of the
 * reader, so that a cold cache overlaps the disk with the work.
 *
 * A file that grows while it is read is read on, as read(2) would: when
 * the reader finds no newline before the end of the mapping it looks at
 * the file's size again and maps the rest.  A file that shrinks is seen
 * before each block (its size is checked): an error in place of the rest,
 * as a read error would be.  Should it shrink while blocks of its pages
 * are in flight, their pages vanish and reading them raises SIGBUS; the
 * bytes handed out cannot be read again then (a record's values point
 * into its line, and are read at least twice), so the handler says which
 * file shrank and ends the process, with the status of a data error,
 * rather than crash or go on with bytes that changed under it.  A file
 * rewritten in place (not appended to) while it is read is not seen.
 */
struct fmap {
	char *base;		/* the mapping, of file offsets off.. */
	size_t size;
	uint64_t off;
	int refs;		/* the reader's (while current) and blocks' */
	int slot;		/* in live_maps, or -1 */
	size_t done;		/* base[0..done) released by its blocks */
	size_t dropped;		/* ... and given back (a page multiple) */
	size_t msglen;
	char msg[512];		/* "TOOL: FILE: file shrank ...\n" */
};

/*
 * A block cut from a mapping: a quarter of a megabyte.  With --threads,
 * the caller's thread applies the records a worker evaluated a few blocks
 * before, and reads their lines again (a tool's output, its keys): with
 * smaller blocks they are still in a cache both cores share.  pingdedup
 * -k .id, 100 MB of projected pings, two threads, least of 30 runs: 35 ms
 * with 256 KB blocks, 40 ms with 1 MB (one thread: the same).
 */
#define BLOCK_SIZE	((size_t)256 << 10)
#define SHRANK		"file shrank while being read"
#define AHEAD		((size_t)8 << 20)	/* asked for ahead of the reader */

/* The live mappings, for the SIGBUS handler: it may run on any thread
 * at any time, so slots are claimed and read without a lock. */
#define MAP_SLOTS	1024
static _Atomic(struct fmap *) live_maps[MAP_SLOTS];
static struct sigaction old_sigbus;
static atomic_flag sigbus_told = ATOMIC_FLAG_INIT;
static pthread_once_t sigbus_once = PTHREAD_ONCE_INIT;
static size_t page_size;

static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	(void)sig;
	(void)uc;
	/* Only a fault has an address: a SIGBUS sent by kill(2) carries the
	 * sender's pid and uid in its place. */
	for (int i = 0; si->si_code > 0 && i < MAP_SLOTS; i++) {
		struct fmap *m = atomic_load(&live_maps[i]);
		if (m != NULL && a >= (uintptr_t)m->base &&
		    a - (uintptr_t)m->base < m->size) {
			/* Once, when threads fault together; the others
			 * wait for the end. */
			if (atomic_flag_test_and_set(&sigbus_told))
				for (;;)
					pause();
			(void)!write(STDERR_FILENO, m->msg, m->msglen);
			_exit(TRAWL_EXIT_DATA);
		}
	}
	/* Not a page of ours: a fault is raised again with the handler that
	 * was there before when the instruction runs again; a signal sent
	 * by a process would be lost, so it is sent again. */
	sigaction(SIGBUS, &old_sigbus, NULL);
	if (si->si_code <= 0)
		raise(SIGBUS);
}

static void
sigbus_init(void)
{
	struct sigaction sa;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old_sigbus);
}

/* Map the file's bytes from..to (from rounded down to a page); NULL when
 * it cannot be mapped. */
static struct fmap *
map_range(struct input *in, uint64_t from, uint64_t to)
{
	pthread_once(&sigbus_once, sigbus_init);
	uint64_t off = from / page_size * page_size;
	if (to - off > SIZE_MAX || off > (uint64_t)INT64_MAX)
		return NULL;
	size_t size = (size_t)(to - off);
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, in->fd, (off_t)off);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_SEQUENTIAL);
	struct fmap *m = xcalloc(1, sizeof(*m));
	m->base = p;
	m->size = size;
	m->off = off;
	m->refs = 1;
	m->slot = -1;
	int n = snprintf(m->msg, sizeof(m->msg), "%s: %s: %s\n", progname,
	    in->name, SHRANK);
	m->msglen = n > 0 && (size_t)n < sizeof(m->msg) ? (size_t)n :
	    sizeof(m->msg) - 1;
	for (int i = 0; i < MAP_SLOTS && m->slot < 0; i++) {
		struct fmap *none = NULL;
		if (atomic_compare_exchange_strong(&live_maps[i], &none, m))
			m->slot = i;
	}
	return m;
}

static void
map_unref(struct fmap *m)
{
	if (--m->refs > 0)
		return;
	if (m->slot >= 0)
		atomic_store(&live_maps[m->slot], NULL);
	munmap(m->base, m->size);
	free(m);
}

/* Map in->fd from its offset if it is a plain regular file with bytes
 * to read: 1, or 0 when it is to be read instead (compressed input too:
 * the producer maps that itself). */
static int
map_open(struct input *in)
{
	struct stat st;
	off_t at;

	/* Files of size 0 include /proc's, whose bytes only read gives. */
	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	if ((at = lseek(in->fd, 0, SEEK_CUR)) < 0 || at >= st.st_size)
		return 0;
	struct fmap *m = map_range(in, (uint64_t)at, (uint64_t)st.st_size);
	if (m == NULL)
		return 0;
	size_t pos = (size_t)((uint64_t)at - m->off), n = m->size - pos;
	const char *h = m->base + pos;
	if ((n >= 2 && gzip_prefix(h, 2)) ||
	    (n >= 4 && zstd_frame_prefix((const unsigned char *)h, 4))) {
		map_unref(m);
		return 0;
	}
	in->map = m;
	in->mpos = in->advised = m->done = pos;
	return 1;
}

/* At the end of the mapping: if the file has grown since, map the rest,
 * from the unread bytes on.  1 grown, 0 not, -1 with in->err set. */
static int
map_grow(struct input *in)
{
	struct fmap *m = in->map;
	struct stat st;

	if (fstat(in->fd, &st) < 0 || (uint64_t)st.st_size <= m->off + m->size)
		return 0;
	uint64_t at = m->off + in->mpos;
	struct fmap *n = map_range(in, at, (uint64_t)st.st_size);
	if (n == NULL) {
		seterr(in->err, sizeof(in->err), in->name, strerror(errno));
		return -1;
	}
	map_unref(m);
	in->map = n;
	in->mpos = in->advised = n->done = (size_t)(at - n->off);
	return 1;
}

/*
 * A block p[0..len) of m was released.  Blocks are cut in order and, by
 * every reader there is, released in order: the bytes released so far are
 * then one run from the mapping's start, and its pages are given back a
 * few megabytes at a time (each call also stops the other threads to
 * flush their TLBs).  A block released out of order is left to munmap.
 */
static void
map_drop(struct fmap *m, const char *p, size_t len)
{
	if (p != m->base + m->done)
		return;
	m->done += len;
	if (m->done - m->dropped < UNMAP_STEP)
		return;
	size_t upto = m->done / page_size * page_size;
	madvise(m->base + m->dropped, upto - m->dropped, MADV_DONTNEED);
	m->dropped = upto;
}

/* --- blocks and lines ------------------------------------------------ */

static void
close_file(struct input *in)
{
	if (in->cur != NULL)
		chunk_unref(in, in->cur);
	in->cur = NULL;
	if (in->pump != NULL)
		pump_stop(in);
	if (in->map != NULL) {
		/* Leave stdin's offset where reading it would have: after
		 * what was used ({ tool; rest; } < file). */
		if (in->fd == 0)
			lseek(in->fd, (off_t)(in->map->off + in->mpos), SEEK_SET);
		map_unref(in->map);
		in->map = NULL;
	}
	if (in->fd > 0 || (in->fd == 0 && strcmp(in->name, "-") != 0))
		close(in->fd);
	in->fd = -1;
	in->pos = in->end = 0;
}

/* Open the next operand and start its producer: 1, 0 when there are no
 * more, -1 when it cannot be opened (err set). */
static int
open_next(struct input *in)
{
	if (in->next >= in->npaths)
		return 0;
	in->name = in->paths[in->next++];
	in->first = 1;
	in->eof = in->failed = in->late = 0;
	in->cur = NULL;
	in->pos = in->end = 0;
	if (strcmp(in->name, "-") == 0) {
		in->fd = 0;
	} else {
		in->fd = open(in->name, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			seterr(in->err, sizeof(in->err), in->name,
			    strerror(errno));
			return -1;
		}
		posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	if (map_open(in))
		return 1;
	if (pump_start(in) < 0) {
		close_file(in);
		return -1;
	}
	return 1;
}

/* The producer's end (or error): note it and let go of its chunk. */
static void
at_end(struct input *in, struct chunk *c)
{
	if (in->pump->g.oom)
		xoom();
	in->eof = 1;
	in->failed = c->rc < 0;
	in->late = in->pump->g.late;
	if (in->failed)
		snprintf(in->err, sizeof(in->err), "%s", in->pump->g.err);
	chunk_unref(in, c);
}

/*
 * Move on to the next chunk, keeping the unfinished line of the current
 * one.  A tail that fits the headroom is copied in front of the new data;
 * a longer one is a long line, assembled in *longl until its newline (or
 * the end): then 1 is returned.
 */
static int
advance(struct input *in, struct buf *longl)
{
	struct pump *pp = in->pump;
	size_t tail = in->cur != NULL ? in->end - in->pos : 0;
	struct chunk *c = pump_take(pp);

	if (c->rc <= 0) {
		at_end(in, c);
		return 0;
	}
	if (tail <= HEADROOM) {
		char *data = c->p + HEADROOM;
		if (tail > 0)
			memcpy(data - tail, in->cur->p + in->pos, tail);
		if (in->cur != NULL)
			chunk_unref(in, in->cur);
		in->cur = c;
		in->pos = HEADROOM - tail;
		in->end = HEADROOM + c->n;
		return 0;
	}

	buf_add(longl, in->cur->p + in->pos, tail);
	chunk_unref(in, in->cur);
	in->cur = NULL;
	for (;;) {
		char *data = c->p + HEADROOM;
		char *nl = memchr(data, '\n', c->n);
		if (nl != NULL) {
			buf_add(longl, data, (size_t)(nl - data));
			in->cur = c;
			in->pos = HEADROOM + (size_t)(nl - data) + 1;
			in->end = HEADROOM + c->n;
			return 1;
		}
		buf_add(longl, data, c->n);
		chunk_unref(in, c);
		c = pump_take(pp);
		if (c->rc <= 0) {
			at_end(in, c);
			/* An unfinished line before an error is not a line;
			 * before trailing garbage it is the last line. */
			return !in->failed || in->late;
		}
	}
}

/* Fill b with p[0..len): of chunk c, of mapping m, or b's own memory
 * (own). */
static int
give(struct input *in, struct block *b, struct chunk *c, struct fmap *m,
    const char *p, size_t len, char *own)
{
	b->p = p;
	b->len = len;
	b->file = in->name;
	b->first = in->first;
	in->first = 0;
	b->chunk = c;
	b->map = m;
	b->own = own;
	if (c != NULL)
		c->refs++;
	if (m != NULL)
		m->refs++;
	return 1;
}

/* The next block of the mapped file: 1, 0 at its end, -1 (err set). */
static int
map_block(struct input *in, struct block *b)
{
	struct stat st;

	for (;;) {
		struct fmap *m = in->map;
		if (in->eof)
			return 0;
		if (fstat(in->fd, &st) == 0 &&
		    (uint64_t)st.st_size < m->off + m->size) {
			seterr(in->err, sizeof(in->err), in->name, SHRANK);
			return -1;
		}
		const char *s = m->base + in->mpos, *nl = NULL;
		size_t left = m->size - in->mpos;
		if (left > BLOCK_SIZE) {
			nl = memrchr(s, '\n', BLOCK_SIZE);
			if (nl == NULL)
				nl = memchr(s + BLOCK_SIZE, '\n',
				    left - BLOCK_SIZE);
		} else if (left > 0)
			nl = memrchr(s, '\n', left);
		if (nl != NULL) {
			size_t len = (size_t)(nl + 1 - s);
			in->mpos += len;
			in->bytes += len;
			if (in->advised < in->mpos + AHEAD / 2 &&
			    in->advised < m->size) {
				size_t from = in->advised / page_size * page_size;
				size_t to = in->mpos + AHEAD < m->size ?
				    in->mpos + AHEAD : m->size;
				madvise(m->base + from, to - from, MADV_WILLNEED);
				in->advised = to;
			}
			return give(in, b, NULL, m, s, len, NULL);
		}
		int r = map_grow(in);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		in->eof = 1;
		if (left == 0)
			return 0;
		/* The last line, without its newline: copied, so that no
		 * reader of it can run past the mapping. */
		char *own = xmalloc(left);
		memcpy(own, s, left);
		in->mpos = m->size;
		in->bytes += left;
		return give(in, b, NULL, m, own, left, own);
	}
}

static int
next_block(struct input *in, struct block *b)
{
	for (;;) {
		if (in->fd < 0) {
			int r = open_next(in);
			if (r <= 0)
				return r;
		}
		if (in->map != NULL) {
			int r = map_block(in, b);
			if (r != 0) {
				if (r < 0)
					close_file(in);
				return r;
			}
			close_file(in);
			continue;
		}
		if (in->cur != NULL && in->pos < in->end) {
			char *w = in->cur->p;
			char *nl = memrchr(w + in->pos, '\n', in->end - in->pos);
			if (nl != NULL) {
				size_t start = in->pos;
				in->pos = (size_t)(nl - w) + 1;
				return give(in, b, in->cur, NULL, w + start,
				    in->pos - start, NULL);
			}
		}
		if (!in->eof) {
			struct buf longl = { 0 };
			if (advance(in, &longl))
				return give(in, b, NULL, NULL, longl.p,
				    longl.len, longl.p);
			buf_free(&longl);
			continue;
		}
		if (in->failed && !in->late) {
			/* An unfinished line before an error is not a line. */
			close_file(in);
			return -1;
		}
		if (in->cur != NULL && in->pos < in->end) {
			/* The last line, without its newline. */
			size_t start = in->pos;
			in->pos = in->end;
			return give(in, b, in->cur, NULL, in->cur->p + start,
			    in->end - start, NULL);
		}
		int failed = in->failed;
		close_file(in);
		if (failed)
			return -1;
	}
}

/*
 * TRAWL_EXACT_LINES=1: each line a block of its own, in a buffer of
 * exactly its length, for ASan to catch a read past a line.  The newline
 * and one CR are left out (unless another CR would then end the line,
 * which in_block_line would drop too); an empty line is a lone newline,
 * so that it is still counted.
 */
static int
exact_block(struct input *in, struct block *b)
{
	for (;;) {
		if (!in->have_src) {
			int r = next_block(in, &in->src);
			if (r <= 0)
				return r;
			in->have_src = 1;
			in->src_pos = 0;
		}
		struct block *sb = &in->src;
		if (in->src_pos == sb->len) {
			in_release(in, sb);
			in->have_src = 0;
			continue;
		}
		const char *s = sb->p + in->src_pos;
		size_t left = sb->len - in->src_pos;
		const char *nl = memchr(s, '\n', left);
		size_t len = nl != NULL ? (size_t)(nl - s) : left;
		int first = sb->first && in->src_pos == 0;
		in->src_pos += len + (nl != NULL);
		if (len > 0 && s[len - 1] == '\r' &&
		    (len < 2 || s[len - 2] != '\r'))
			len--;
		char *own = xmalloc(len > 0 ? len : 1);
		if (len > 0)
			memcpy(own, s, len);
		else
			own[0] = '\n';
		in->first = first;
		give(in, b, NULL, sb->map, own, len > 0 ? len : 1, own);
		return 1;
	}
}

int
in_block(struct input *in, struct block *b)
{
	return in->exact ? exact_block(in, b) : next_block(in, b);
}

int
in_ready(struct input *in)
{
	if (in->fd < 0 || in->eof || in->map != NULL)
		return 1;
	pthread_mutex_lock(&in->pump->mu);
	int r = in->pump->qlen > 0;
	pthread_mutex_unlock(&in->pump->mu);
	return r;
}

void
in_release(struct input *in, struct block *b)
{
	if (b->chunk != NULL)
		chunk_unref(in, b->chunk);
	if (b->map != NULL) {
		if (b->own == NULL && b->len > 0)
			map_drop(b->map, b->p, b->len);
		map_unref(b->map);
	}
	free(b->own);
	b->chunk = NULL;
	b->map = NULL;
	b->own = NULL;
}

int
in_block_line(struct block *b, size_t *pos, uint64_t *lines, struct line *ln)
{
	const char *p = b->p, *end = b->p + b->len;

	while (*pos < b->len) {
		const char *s = p + *pos;
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);
		*pos += len + (nl != NULL);
		++*lines;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r') {
			size_t i = 1;
			while (i < len &&
			    (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
				i++;
			if (i == len)
				continue;
		}
		ln->p = s;
		ln->len = len;
		ln->file = b->file;
		ln->lineno = *lines;
		return 1;
	}
	return 0;
}

int
in_next(struct input *in, struct line *ln)
{
	for (;;) {
		if (in->have_blk) {
			if (in_block_line(&in->blk, &in->blk_pos, &in->lineno, ln))
				return 1;
			in_release(in, &in->blk);
			in->have_blk = 0;
		}
		int r = in_block(in, &in->blk);
		if (r <= 0)
			return r;
		if (in->blk.first)
			in->lineno = 0;
		in->have_blk = 1;
		in->blk_pos = 0;
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
	if (in->have_blk)
		in_release(in, &in->blk);
	if (in->have_src)
		in_release(in, &in->src);
	if (in->fd >= 0)
		close_file(in);
	for (int i = 0; i < in->nchunks; i++)
		free(in->chunks[i].p);
	free(in->chunks);
	free(in);
}
