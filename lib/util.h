/*
 * util.h: allocation that cannot fail, growable byte buffers, exit codes,
 * and the error convention of lib/.
 *
 * Errors.  lib/ returns its errors and the tools decide what they mean (a
 * warning, a bad record, a usage error).  Only the runtime the tools
 * share prints or exits on their behalf: cli.c, out.c, missing.c and the
 * record loop (loop.c), under cli.h's manners.  Allocation failure is the
 * one error nothing returns: the x* wrappers print "PROG: out of memory"
 * and exit 1, because no caller could do anything better.  A function
 * that can fail says so in one of these forms, picked by who reads the
 * message and how often it runs:
 *   - int: 0 (or a count, or 1 for "got one" and 0 for "at the end" in an
 *     iterator), -1 on error, the message passed back as
 *       const char **why: static text, for per-record work, where a
 *         failure must cost no formatting or allocation (ts_parse,
 *         tabular_row, period_parse); the caller adds FILE:LINE; a
 *         validator adds where (json_validate's *where; jscan's struct
 *         jscan_err, returned with NULL for the end);
 *       char *err, size_t errlen: a formatted sentence naming what failed
 *         ("FILE: reason", "FILE:LINE: reason"), for setup and files
 *         (fs_add, iptr_next, state_load, vs_next);
 *       an accessor of the object that failed, when it keeps the reason
 *         (in_next and in_error, fs_eval and fs_error);
 *       errno, for thin wrappers of system calls (write_all);
 *       nothing, when the only cause is plain from the call (a name that
 *         is not in a list, a malformed number).
 *   - a pointer: NULL on error, with err and errlen as above
 *     (iptr_open, ts_format_new, am_spider_new).
 *   - an enum of outcomes, when the caller must tell more than success
 *     and failure apart (jqc_run: JQC_OK, JQC_ERR, JQC_BAIL).
 * A message is lower-case (jq's errors keep jq's words), without a final
 * period, and never names the program: cli.h's functions add "PROG: ".
 */
#ifndef TRAWL_UTIL_H
#define TRAWL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define TRAWL_EXIT_OK 0
#define TRAWL_EXIT_DATA 1	/* bad records, I/O errors */
#define TRAWL_EXIT_USAGE 2	/* bad options or expressions, before any input */

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The tool's name for messages; set once by cli_init(). */
extern const char *progname;

/* Say "PROG: out of memory" and exit 1: what the x* wrappers do. */
_Noreturn void xoom(void);

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * A growable byte buffer.  p is always NUL-terminated after any buf_*
 * call (the NUL is not counted in len), so p can be handed to C string
 * functions.  Reuse one buffer per purpose with buf_reset() to keep the
 * hot paths free of allocation.
 */
struct buf {
	char *p;
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);	/* room for extra more bytes */
void buf_add(struct buf *b, const void *data, size_t n);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void buf_reset(struct buf *b) { b->len = 0; if (b->p) b->p[0] = '\0'; }
void buf_free(struct buf *b);

/* The value of a hex digit, either case, or -1. */
static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Little-endian words whatever the host's byte order: digests, shards and
 * state files must be the same on every machine. */
static inline uint32_t
load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void
store_le32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void
store_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Write all of p[0..n) to fd: interrupted and short writes are retried,
 * and a non-blocking descriptor (a shell may hand one down) is waited
 * for.  0, or -1 with errno set. */
int write_all(int fd, const void *p, size_t n);

#endif
