/*
 * input.h: records (lines) from files and stdin, plain, gzip or zstd.
 *
 * gzip and zstd are recognised by their magic bytes, not the file name;
 * a gzip file may have several members, a zstd file several frames
 * (skippable ones are skipped).  Lines have no length limit but memory; a
 * trailing CR is dropped; blank lines (nothing but spaces, tabs, CR) are
 * skipped but counted, so line numbers match the file's.  The last line may lack its
 * newline.  A plain regular file is mapped, not read: its lines are given
 * where they lie in the map, never copied or written to; pipes, terminals,
 * sockets and compressed input are read in large chunks.  No allocation
 * per line.
 *
 * A line is p[0..len) and nothing more: p[len] is not a NUL (it is the
 * newline, a CR, the next line, or the end of the mapping), so every
 * reader of line text goes by its length.  TRAWL_EXACT_LINES=1 in the
 * environment gives each line in a buffer of exactly its length (one
 * block per line), so that ASan catches any read past it.
 */
#ifndef TRAWL_INPUT_H
#define TRAWL_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct line {
	const char *p;		/* p[0..len), not NUL-terminated; valid
				 * until the next in_next */
	size_t len;		/* without the newline and trailing CR */
	const char *file;	/* the operand as given; "-" for stdin */
	uint64_t lineno;	/* 1-based, counting blank lines */
};

struct input;
struct chunk;
struct fmap;

/*
 * A block: whole lines of one file, as read, for a reader that hands
 * lines to other threads.  Every line but perhaps the file's last ends
 * with a newline.  The memory is read-only (it may be a file's mapping)
 * and stays valid until in_release.
 */
struct block {
	const char *p;
	size_t len;
	const char *file;	/* the operand as given; "-" for stdin */
	int first;		/* the file's first block: line numbers restart */
	struct chunk *chunk;	/* for in_release */
	struct fmap *map;	/* for in_release */
	char *own;		/* for in_release */
};

/* Read paths[0..n) in order; n == 0 means stdin.  "-" is stdin. */
struct input *in_open(char *const *paths, int n);

/*
 * The next non-blank line of the input: 1, or 0 at the end of all files,
 * or -1 when the current file cannot be opened or read or its gzip or
 * zstd stream is truncated or corrupt; in_error() then holds "FILE:
 * reason" (e.g. "nope: No such file or directory", "x.gz: truncated gzip
 * input") and the next call goes on with the next file.  Lines decoded before such an error
 * have all been returned.
 */
int in_next(struct input *in, struct line *ln);
const char *in_error(const struct input *in);

/*
 * Blocks instead of lines: the next block of the input, or 0 or -1 as
 * in_next (an error comes after every block before it).  At most NBLOCKS
 * blocks may be held at once after in_set_window(in, NBLOCKS), which must
 * come before the first read (the default is 2); each is given back with
 * in_release, in any order, before in_close.  in_next and in_block do not
 * mix on one input.
 */
void in_set_window(struct input *in, int nblocks);
int in_block(struct input *in, struct block *b);
void in_release(struct input *in, struct block *b);
/* 1 when data is waiting, so that in_block would not wait for a pipe
 * (unless the next line is longer than what came); 0 otherwise. */
int in_ready(struct input *in);

/*
 * The next record of block b at *pos (start at 0): 1 with ln filled, or 0
 * when the block has no more.  *lines counts every line passed, blank ones
 * too, and ln->lineno is its count: start it at 0 for the block's own
 * numbering, or go on from the lines of the file before it.  Nothing is
 * written: the line is ln->p[0..ln->len).
 */
int in_block_line(struct block *b, size_t *pos, uint64_t *lines,
    struct line *ln);

/* Bytes read from the files so far (the compressed size when compressed). */
uint64_t in_bytes(const struct input *in);

void in_close(struct input *in);

#endif
