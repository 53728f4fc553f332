/*
 * out.c: the tools' output buffer (out.h).
 *
 * Output goes through one buffer written with write(2) in large blocks;
 * stdio's stdout is left alone so that nothing is buffered twice.  A line
 * passed through that is larger than a block is written straight from the
 * caller's memory with writev instead of being copied.
 */
#include <sys/uio.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"

#define OUT_BLOCK	((size_t)1 << 20)	/* flush outbuf at this size */

struct buf outbuf;
static size_t rec_start;		/* where the record being built begins */
static enum out_format out_format;
static struct tabular *out_table;	/* --output tsv|csv */
static struct buf rowsrc;		/* the record a row is made of */

void
out_init(void)
{
	buf_reserve(&outbuf, OUT_BLOCK + 4096);
}

/* A non-blocking descriptor (a shell may hand one down) is waited for
 * rather than failed. */
static void
wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	poll(&pfd, 1, -1);
}

void
out_write(int fd, const char *p, size_t n, const char *what)
{
	if (write_all(fd, p, n) < 0)
		cli_fatal("%s: %s", what, strerror(errno));
}

static void
writev_all(int fd, struct iovec *iov, int n, const char *what)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				wait_writable(fd);
				continue;
			}
			cli_fatal("%s: %s", what, strerror(errno));
		}
		size_t done = (size_t)w;
		while (n > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

void
out_flush(void)
{
	out_write(STDOUT_FILENO, outbuf.p, outbuf.len, "write error");
	buf_reset(&outbuf);
	rec_start = 0;
}

void
out_end(void)
{
	const char *why;

	if (out_table != NULL) {
		/* The row replaces the record it is made of. */
		buf_reset(&rowsrc);
		buf_add(&rowsrc, outbuf.p + rec_start, outbuf.len - rec_start);
		outbuf.len = rec_start;
		if (tabular_row(out_table, &outbuf, rowsrc.p, rowsrc.len,
		    &why) < 0)
			cli_fatal("--output %s: %s",
			    out_format == OUT_CSV ? "csv" : "tsv", why);
	} else {
		buf_addc(&outbuf, '\n');
	}
	stats.written++;
	if (outbuf.len >= OUT_BLOCK)
		out_flush();
	rec_start = outbuf.len;
}

void
out_line(const char *p, size_t n)
{
	stats.written++;
	if (n >= OUT_BLOCK / 4) {
		/* A big line goes out from where it is, after what is
		 * buffered, without being copied. */
		struct iovec iov[3] = {
			{ outbuf.p, outbuf.len },
			{ (void *)p, n },
			{ "\n", 1 },
		};
		writev_all(STDOUT_FILENO, iov, 3, "write error");
		buf_reset(&outbuf);
		rec_start = 0;
		return;
	}
	buf_reserve(&outbuf, n + 1);
	memcpy(outbuf.p + outbuf.len, p, n);
	outbuf.len += n;
	outbuf.p[outbuf.len++] = '\n';
	outbuf.p[outbuf.len] = '\0';
	if (outbuf.len >= OUT_BLOCK)
		out_flush();
	rec_start = outbuf.len;
}

int
cli_set_output(const char *name)
{
	if (name == NULL || out_format_parse(name, &out_format) < 0)
		return -1;
	tabular_free(out_table);
	out_table = out_format == OUT_NDJSON ? NULL : tabular_new(out_format);
	return 0;
}

enum out_format
cli_output(void)
{
	return out_format;
}

void
cli_output_column(const char *name)
{
	if (out_table != NULL)
		tabular_column(out_table, name, strlen(name));
}

void
out_free(void)
{
	buf_free(&outbuf);
	buf_free(&rowsrc);
	tabular_free(out_table);
	out_table = NULL;
}
