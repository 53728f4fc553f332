/*
 * cli.h: the runtime every tool shares: messages, bad-record handling,
 * --stats, option helpers and buffered output.
 *
 * Unlike the rest of lib/, this module prints and exits on the tool's
 * behalf, so that all six tools keep the same manners (trawl(7)):
 *   exit 0 success, 1 data or I/O error, 2 usage error;
 *   messages "PROG: FILE:LINE: what is wrong" on stderr;
 *   --bad=warn|fail|skip|FILE; --stats; write errors are fatal (exit 1),
 *   SIGPIPE stays at its default so "tool | head" ends quietly.
 */
#ifndef TRAWL_CLI_H
#define TRAWL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "input.h"
#include "tabular.h"
#include "util.h"

/* Counters every tool keeps; --stats prints them, then the tool's extras. */
struct cli_stats {
	uint64_t read;		/* records read (non-blank lines) */
	uint64_t written;	/* records written */
	uint64_t bad;		/* bad lines skipped or diverted */
	uint64_t missing;	/* records whose key or field was missing */
};
extern struct cli_stats stats;

/*
 * Set progname, the usage text printed by cli_usage (the man page's
 * SYNOPSIS, "usage: pingdedup [-k expr] ...\n"), the C numeric locale,
 * SIGPIPE's default action, and stdout's buffer (and the pipe size, where
 * the system allows).
 */
void cli_init(const char *argv0, const char *usage);

/* Print the usage text to stdout and exit 0 (-h, --help). */
void cli_help(void) __attribute__((noreturn));
/* "PROG: message" then the usage text on stderr, exit 2. */
void cli_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* "PROG: message" on stderr, exit 1 (for errors after input started). */
void cli_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* "PROG: message" on stderr; the exit status becomes 1. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --bad=warn|fail|skip|FILE; 0, or -1 for an empty argument. */
int cli_set_bad(const char *arg);
/* --stats */
void cli_set_stats(int on);

/*
 * A bad line: under warn, print "PROG: FILE:LINE: msg" (the first 10; later
 * ones are counted and summarised at exit) and set the exit status to 1;
 * under skip, count it; under FILE, append the line verbatim to FILE and
 * count it.  Returns 0 to go on, or -1 under fail: the caller then writes
 * what it had decided before this line and returns cli_exit().
 */
int cli_bad(const struct line *ln, const char *msg);

/* An input-level error from in_next (unreadable file, truncated gzip):
 * printed and exit status 1; the caller goes on with the next file. */
void cli_input_error(const char *msg);

/*
 * The next record of in for a tool's main loop: in_next, with input-level
 * errors reported through cli_input_error and records counted in
 * stats.read.  1 for a record, 0 at the end of all files.
 */
int cli_next(struct input *in, struct line *ln);

/* getopt_long's ':' (missing argument) and '?' (unknown option) as a
 * usage error, exit 2; opterr must be 0 and optstring start with ':'. */
void cli_getopt_error(int c, char **argv) __attribute__((noreturn));

/* Extra --stats counters, printed in the order first set. */
void cli_stat(const char *name, uint64_t value);

/* The options every tool shares, parsed with one wording for their usage
 * errors: --shard K/N and --bad=MODE (exit 2 when malformed). */
void cli_option_shard(const char *arg, unsigned *k, unsigned *n);
void cli_option_bad(const char *arg);

/* --shard K/N: 0, or -1 when malformed (1 <= K <= N required). */
int cli_parse_shard(const char *arg, unsigned *k, unsigned *n);
/* A non-negative integer option value; 0 or -1. */
int cli_parse_u64(const char *arg, uint64_t *v);
/* A finite number option value; 0 or -1. */
int cli_parse_double(const char *arg, double *v);

/*
 * Output.  Tools build records in outbuf (json_put_* and buf_* work on it)
 * and call out_end() after each; out_line() copies a whole passed-through
 * line.  Data are written in large blocks; a write error (disk full, a
 * closed pipe when SIGPIPE is ignored) prints "PROG: write error: ..." and
 * exits 1.
 */
extern struct buf outbuf;
void out_end(void);			/* finish a record: newline, count, flush if large */
void out_line(const char *p, size_t n);	/* p[0..n) plus newline as one record */
void out_flush(void);

/*
 * --output ndjson|tsv|csv: 0, or -1 for another name.  Under tsv and csv,
 * out_end writes each record built in outbuf as a row (tabular.h); lines
 * written with out_line pass as they are, so a tool that passes records
 * through refuses --output (cli_output says what was asked).
 */
int cli_set_output(const char *name);
enum out_format cli_output(void);
/* The next column of the table's header, for a tool whose records differ
 * in their members; before the first record. */
void cli_output_column(const char *name);

/*
 * Finish: flush and close stdout (errors are fatal), print the bad-line
 * summary and --stats, and return the exit status for main to return.
 */
int cli_exit(void);

#endif
