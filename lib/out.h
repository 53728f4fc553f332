/*
 * out.h: the tools' output: records built in one buffer and written to
 * stdout with write(2) in large blocks, as NDJSON or, under --output tsv
 * or csv, as table rows (tabular.h).
 *
 * This is the output half of the runtime in cli.h and keeps its manners:
 * a write error (disk full, a closed pipe when SIGPIPE is ignored) prints
 * "PROG: write error: ..." and exits 1.  cli.h includes this header;
 * cli_init calls out_init and cli_exit out_free.
 */
#ifndef TRAWL_OUT_H
#define TRAWL_OUT_H

#include <stddef.h>

#include "tabular.h"
#include "util.h"

/*
 * Tools build records in outbuf (json_put_* and buf_* work on it) and
 * call out_end() after each; out_line() copies a whole passed-through
 * line.
 */
extern struct buf outbuf;
void out_end(void);			/* finish a record: newline, count,
					 * flush if large */
void out_line(const char *p, size_t n);	/* p[0..n) plus newline as one
					 * record */
void out_flush(void);			/* write what is buffered */

/* Write p[0..n) to fd whole, waiting on a non-blocking one; on an error
 * "PROG: what: why", exit 1. */
void out_write(int fd, const char *p, size_t n, const char *what);

/*
 * --output ndjson|tsv|csv (these three keep the option's cli_ names):
 * 0, or -1 for another name.  Under tsv and csv, out_end writes each
 * record built in outbuf as a row; lines written with out_line pass as
 * they are, so a tool that passes records through refuses --output
 * (cli_output says what was asked).
 */
int cli_set_output(const char *name);
enum out_format cli_output(void);
/* The next column of the table's header, for a tool whose records differ
 * in their members; before the first record. */
void cli_output_column(const char *name);

void out_init(void);	/* reserve the buffer */
void out_free(void);	/* free it and the table state (after out_flush) */

#endif
