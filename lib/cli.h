/*
 * cli.h: the runtime every tool shares: options, messages, bad-record
 * handling, --stats, and (out.h) buffered output.
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
#include "out.h"	/* output: the runtime's other half */
#include "ts.h"
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
 * Options.  A tool declares its own options in a table and names the
 * shared ones it takes (CLI_* bits); cli_parse reads the command line by
 * both, GNU style: "-k EXPR", "-kEXPR", "--key=EXPR", "--key EXPR",
 * flags together ("-Bh"), options and operands in any order, "--" ending
 * the options.  Long names are matched whole, never abbreviated, so that a
 * new option never makes an old command line ambiguous.  trawl(7) has the
 * vocabulary: a letter or a long name means one thing in every tool.
 */
struct cli_option {
	int id;			/* what the tool's handler is called with */
	const char *name;	/* the long name, without "--" */
	int letter;		/* the short letter, or 0 */
	const char *arg;	/* the argument's name ("EXPR"), NULL for a flag */
	const char *help;	/* one line for --help */
};

/*
 * The shared options, parsed here into cli_shared.  -h/--help and
 * --version are always there; CLI_COMMON is what every tool takes.
 */
enum {
	CLI_BAD		= 1 << 0,	/* --bad=MODE */
	CLI_STATS	= 1 << 1,	/* --stats */
	CLI_SHARD	= 1 << 2,	/* --shard=K/N */
	CLI_STATE	= 1 << 3,	/* --state=FILE */
	CLI_MERGE	= 1 << 4,	/* --merge */
	CLI_SORTED	= 1 << 5,	/* --sorted */
	CLI_TIME_UNIT	= 1 << 6,	/* -u, --time-unit=UNIT */
	CLI_TIME_FORMAT	= 1 << 7,	/* --time-format=FMT */
	CLI_ORIGIN	= 1 << 8,	/* --origin=TIME */
	CLI_EPOCH	= 1 << 9,	/* --epoch */
	CLI_OUTPUT	= 1 << 10,	/* -o, --output=FORMAT: cli_output() */
	CLI_MISSING	= 1 << 11,	/* --missing=pass|drop */
	CLI_THREADS	= 1 << 12,	/* --threads=N: tools that run lib/loop.h */
};

/* --missing: what a filter does with a record that lacks its key or field;
 * CLI_MISSING_DEFAULT until given (each tool documents its default). */
enum cli_missing { CLI_MISSING_DEFAULT, CLI_MISSING_PASS, CLI_MISSING_DROP };
#define CLI_COMMON (CLI_BAD | CLI_STATS)

/* The values of the shared options (their defaults until given). */
struct cli_shared {
	unsigned given;		/* CLI_* bits of the options given */
	unsigned shard_k, shard_n;	/* --shard; shard_n 0 when not given */
	const char *state;	/* --state, or NULL */
	int merge, sorted, epoch;
	unsigned threads;	/* --threads; 0, the online CPUs, unless given */
	enum ts_unit time_unit;	/* TS_S unless given */
	struct ts_format *time_format;	/* compiled; NULL unless given */
	int64_t origin;		/* nanoseconds; 0, the epoch, unless given */
	enum cli_missing missing;
};
extern struct cli_shared cli;

struct cli_tool {
	/* "usage: TOOL ...\n" and any further "       TOOL ...\n" lines: the
	 * man page's SYNOPSIS, printed by --help and after usage errors. */
	const char *synopsis;
	const struct cli_option *options;	/* ended by an all-zero entry */
	unsigned shared;			/* CLI_* bits */
	/* Called with each own option's id and argument (NULL for a flag),
	 * in command-line order. */
	void (*option)(int id, const char *arg);
};

/*
 * Set progname and the tool's options, and stdout's buffer (and the pipe
 * sizes, where the system allows).  The numeric locale stays C (nothing
 * calls setlocale) and SIGPIPE keeps its default action.
 */
void cli_init(const char *argv0, const struct cli_tool *tool);

/*
 * Read the options of argv[1..argc): shared ones into cli, the tool's own
 * through its handler.  --help and --version print and exit 0; a usage
 * error exits 2.  Returns the number of operands n, moved in order to
 * argv[0..n) (the program's name is in progname), as "argc -= optind;
 * argv += optind" leaves them after getopt.
 */
int cli_parse(int argc, char *argv[]);

/*
 * Option values, for the handler: each parses arg as the option being
 * handled and, when it is malformed, is a usage error naming that option,
 * what was expected and arg ("--bins: expected an integer from 1 to 100:
 * x"), exit 2.
 */
uint64_t cli_arg_u64(const char *arg, uint64_t min, uint64_t max);
double cli_arg_number(const char *arg);		/* finite, decimal */
int64_t cli_arg_duration(const char *arg);	/* ns, >= 0 */
/* A period; of width 0 (no binning) only when zero is allowed. */
struct period cli_arg_period(const char *arg, int zero);
int64_t cli_arg_time(const char *arg);		/* ns since the epoch */
/*
 * A column option's [NAME=]EXPR (sessionize --carry, actorsig --carry):
 * the member name, allocated, with suffix appended when the name comes
 * from the expression, which is then a plain path named by its last key
 * (.geo.asn: "asn"); *expr is the expression.
 */
char *cli_arg_column(const char *arg, const char *suffix, const char **expr);
/* The index of arg in names (ended by NULL). */
int cli_arg_choice(const char *arg, const char *const *names);
/* The usage error "--OPTION: what: arg" for the option being handled. */
void cli_arg_error(const char *what, const char *arg) __attribute__((noreturn));

/* Periods of a duration start at --origin when it was given (a usage
 * error for a calendar period, which starts where the calendar does). */
void cli_period_origin(struct period *p);

/* "PROG: message" then the synopsis on stderr, exit 2. */
void cli_usage(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* "PROG: message" on stderr, exit 1 (for errors after input started). */
void cli_fatal(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* "PROG: message" on stderr; the exit status becomes 1. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


/*
 * A bad line: under warn, print "PROG: FILE:LINE: msg" (the first 10; later
 * ones are counted and summarised at exit) and set the exit status to 1;
 * under skip, count it; under FILE, append the line verbatim to FILE and
 * count it.  Returns 0 to go on, or -1 under fail: the caller then writes
 * what it had decided before this line and returns cli_exit().  While no
 * line yet has been JSON, warnings for lines that are not JSON are held
 * back; input that turns out not to be NDJSON at all gets one notice
 * instead, in every mode but fail (trawl(7)).
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
/* A line is about to be handed to the tool: counted in stats.read, and
 * seen by the not-NDJSON probe (cli_next calls it; so does loop.c). */
void cli_count_line(void);

/* Extra --stats counters, printed in the order first set. */
void cli_stat(const char *name, uint64_t value);

/* --shard K/N: 0, or -1 when malformed (1 <= K <= N required). */
int cli_parse_shard(const char *arg, unsigned *k, unsigned *n);
/* A non-negative integer option value; 0 or -1. */
int cli_parse_u64(const char *arg, uint64_t *v);
/* A finite number option value; 0 or -1. */
int cli_parse_double(const char *arg, double *v);

/*
 * Field expressions named for messages.  cli_field compiles expr as the
 * next field of fs (fs_add), a usage error "OPT EXPR: why" when it does not
 * compile, and remembers which option gave it.  cli_missing(fv, f, ...)
 * checks the given fields of the record at hand (loop.h's fields): when
 * any has no value (nothing, or null), it notes which and how, counts the
 * record in stats.missing and returns 1.  A tool that counts missing
 * records its own way notes a field with cli_note_missing.  When nothing
 * is written, cli_exit names each noted expression, telling "null" (the
 * field is missing) from "no value" (filtered out, e.g. by select).
 */
struct fieldset;
struct fields;
int cli_field(struct fieldset *fs, const char *opt, const char *expr,
    int flags);
/* With TRAWL_EXPLAIN=1: "PROG: explain: PATH: EXPR" on stderr, PATH being
 * "plain path", "compiled" or "libjq (WHY)" (cli_field calls it). */
void cli_explain(struct fieldset *fs, int i, const char *expr);
int cli_missing_(const struct fields *fv, ...);
#define cli_missing(fv, ...) cli_missing_((fv), __VA_ARGS__, -1)
void cli_note_missing(const struct fields *fv, int field);
/* For cli_exit: the clauses of the "nothing written" line appended to b;
 * returns how many (0: no expression was noted). */
int cli_missing_report(struct buf *b, uint64_t records);
void cli_missing_free(void);

/*
 * Finish: flush and close stdout (errors are fatal), close --bad's FILE,
 * print the warnings still held back, the bad-line summary, the "nothing
 * written" line when every record missed a field (cli_missing) and
 * --stats, and return the exit status for main to return.
 */
int cli_exit(void);

#endif
