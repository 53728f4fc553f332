/*
 * out.c: the tools' output buffer (out.h).
 *
 * Output goes through one buffer written with write(2) in large blocks;
 * stdio's stdout is left alone so that nothing is buffered twice.  A line
 * passed through, however large, is copied through the buffer a block at a
 * time: it may lie in a mapped input file (input.c), and if that file is
 * cut short meanwhile, copying from the vanished pages raises the SIGBUS
 * by which input.c names the file, where write(2) from them would fail
 * with EFAULT and blame the output.
 */
#include <errno.h>
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

void
out_write(int fd, const char *p, size_t n, const char *what)
{
	if (write_all(fd, p, n) < 0)
		cli_fatal("%s: %s", what, strerror(errno));
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
	while (outbuf.len + n >= OUT_BLOCK) {
		size_t take = outbuf.len < OUT_BLOCK ? OUT_BLOCK - outbuf.len : 0;
		buf_add(&outbuf, p, take);
		p += take;
		n -= take;
		out_flush();
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
