/*
 * input.h: records (lines) from files and stdin, plain, gzip or zstd.
 *
 * gzip and zstd are recognised by their magic bytes, not the file name;
 * a gzip file may have several members, a zstd file several frames
 * (skippable ones are skipped).  Lines have no length limit but memory; a trailing CR
 * is dropped; blank lines (nothing but spaces, tabs, CR) are skipped but
 * counted, so line numbers match the file's.  The last line may lack its
 * newline.  Reads are large and the line buffer is reused: no allocation
 * per line.
 */
#ifndef TRAWL_INPUT_H
#define TRAWL_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct line {
	const char *p;		/* NUL-terminated (p[len] == '\0'); valid until the next in_next */
	size_t len;		/* without the newline and trailing CR */
	const char *file;	/* the operand as given; "-" for stdin */
	uint64_t lineno;	/* 1-based, counting blank lines */
};

struct input;

/* Read paths[0..n) in order; n == 0 means stdin.  "-" is stdin. */
struct input *in_open(char *const *paths, int n);

/*
 * The next non-blank line of the input: 1, or 0 at the end of all files,
 * or -1 when the current file cannot be opened or read or its gzip or
 * zstd stream is truncated or corrupt; in_error() then holds "FILE: reason" (e.g.
 * "nope: No such file or directory", "x.gz: truncated gzip input") and the
 * next call goes on with the next file.  Lines decoded before such an error
 * have all been returned.
 */
int in_next(struct input *in, struct line *ln);
const char *in_error(const struct input *in);

/* Bytes read from the files so far (the compressed size when compressed). */
uint64_t in_bytes(const struct input *in);

void in_close(struct input *in);

#endif
