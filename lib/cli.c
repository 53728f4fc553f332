/*
 * cli.c: the runtime the six tools share (see cli.h): options, messages,
 * exit status, --bad and --stats; the output buffer is out.c's.
 *
 * SIGPIPE is not touched: at its default a closed pipe ends the tool as it
 * ends cat or grep (quietly, status 141 in the shell), and when the parent
 * chose to ignore it the failed write is an ordinary write error, exit 1.
 */
#define _GNU_SOURCE	/* F_SETPIPE_SZ */

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "field.h"
#include "json.h"
#include "util.h"
#include "version.h"

#define PIPE_SIZE	(1 << 20)
#define BAD_SHOWN	10			/* --bad=warn prints this many */
#define BAD_BLOCK	((size_t)64 << 10)	/* --bad=FILE buffer */

struct cli_stats stats;
struct cli_shared cli;

enum bad_mode { BAD_WARN, BAD_FAIL, BAD_SKIP, BAD_FILE };

static const char *usage_text = "";
static const struct cli_tool *tool;
static const struct cli_option *current;	/* the option being handled */
static int status;
static enum bad_mode bad_mode;
static const char *bad_path;
static int bad_fd = -1;
static struct buf bad_buf;
static uint64_t bad_shown;
static int stats_on;

/*
 * Input that is not NDJSON at all (a raw access log, a CSV file) would
 * give ten located warnings and a count that say nothing about the cause.
 * While no line of the first NDJSON_PROBE is JSON, --bad=warn holds its
 * warnings back; if none turns out to be, one notice says so instead (in
 * every --bad mode but fail, which stops at the first line).
 */
#define NDJSON_PROBE	1000
static enum { PROBE_OPEN, PROBE_NDJSON, PROBE_NOT } probe;
static int line_not_json;		/* the current line was bad and not JSON */
static uint64_t probe_notjson;		/* such lines so far */
static int first_clf;			/* line 1 looks like a common log format line */
static char *probe_file;		/* the first line's file */
static char *held[BAD_SHOWN];		/* warnings held back while probing */
static size_t nheld;

struct extra {
	char *name;
	uint64_t value;
};
static struct extra *extras;
static size_t nextras;

/* "PROG: " fmt "\n" as one write, so that lines from tools sharing a
 * terminal do not interleave mid-line. */
static void
vsay(const char *fmt, va_list ap)
{
	struct buf m = { 0 };
	va_list aq;
	char small[256];

	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	buf_adds(&m, progname);
	buf_add(&m, ": ", 2);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		buf_add(&m, small, (size_t)n);
	} else if (n >= 0) {
		buf_reserve(&m, (size_t)n);
		vsnprintf(m.p + m.len, (size_t)n + 1, fmt, ap);
		m.len += (size_t)n;
	}
	buf_addc(&m, '\n');
	fwrite(m.p, 1, m.len, stderr);
	buf_free(&m);
}

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

static void
enlarge_pipe(int fd)
{
	struct stat st;

	/* Fewer, larger transfers between pipeline stages; a system that
	 * refuses (the per-user pipe limit) still works, only slower. */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);
}

void
cli_init(const char *argv0, const struct cli_tool *t)
{
	const char *slash = argv0 != NULL ? strrchr(argv0, '/') : NULL;

	/*
	 * The C locale is in force until someone calls setlocale, and
	 * nothing here does: JSON numbers must never meet a decimal comma.
	 */
	progname = slash != NULL ? slash + 1 : argv0 != NULL ? argv0 : "trawl";
	tool = t;
	usage_text = t->synopsis != NULL ? t->synopsis : "";
	enlarge_pipe(STDOUT_FILENO);
	enlarge_pipe(STDIN_FILENO);
	out_init();
}

void
cli_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL && *fmt != '\0') {
		va_start(ap, fmt);
		vsay(fmt, ap);
		va_end(ap);
	}
	fputs(usage_text, stderr);
	exit(TRAWL_EXIT_USAGE);
}

void
cli_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	/* Bad lines already diverted still reach --bad=FILE if they can. */
	if (bad_fd >= 0 && bad_buf.len > 0) {
		size_t n = bad_buf.len;
		bad_buf.len = 0;	/* a failure here must not come back */
		(void)write_all(bad_fd, bad_buf.p, n);
	}
	exit(TRAWL_EXIT_DATA);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	status = TRAWL_EXIT_DATA;
}

/* --bad=warn|fail|skip|FILE; 0, or -1 for an empty argument. */
static int
set_bad(const char *arg)
{
	if (arg == NULL || *arg == '\0')
		return -1;
	bad_path = NULL;
	if (strcmp(arg, "warn") == 0)
		bad_mode = BAD_WARN;
	else if (strcmp(arg, "fail") == 0)
		bad_mode = BAD_FAIL;
	else if (strcmp(arg, "skip") == 0)
		bad_mode = BAD_SKIP;
	else {
		bad_mode = BAD_FILE;
		bad_path = arg;
	}
	return 0;
}

static void
bad_flush(void)
{
	if (bad_buf.len == 0)
		return;
	out_write(bad_fd, bad_buf.p, bad_buf.len, bad_path);
	buf_reset(&bad_buf);
}

/* A line of the Common Log Format, the start of Apache's and nginx's
 * access logs: host ident user [time] "request" ... */
static int
looks_like_clf(const char *p, size_t n)
{
	const char *end = p + n;

	for (int field = 0; field < 3; field++) {
		const char *s = p;
		while (p < end && *p != ' ')
			p++;
		if (p == s || p == end)
			return 0;
		p++;
	}
	if (p >= end || *p != '[' ||
	    (p = memchr(p, ']', (size_t)(end - p))) == NULL)
		return 0;
	return end - p >= 3 && p[1] == ' ' && p[2] == '"';
}

static const char *const clf_hint =
    "; it looks like a web server's common log format line: convert the "
    "log to NDJSON first (actorsig(1) shows how)";

/* The notice for input none of whose first lines is JSON. */
static void
say_not_ndjson(void)
{
	say("%s: does not look like NDJSON: none of its first %llu line%s "
	    "is JSON%s", probe_file ? probe_file : "-",
	    (unsigned long long)stats.read, stats.read == 1 ? "" : "s",
	    first_clf ? clf_hint : "");
}

/* The probe after each line: the line just done was JSON, or the probe
 * has seen enough, or (at the end) the input ended. */
static void
probe_step(int at_end)
{
	if (probe != PROBE_OPEN || stats.read == 0)
		return;
	if (probe_notjson < stats.read) {
		probe = PROBE_NDJSON;
		for (size_t i = 0; i < nheld; i++)
			say("%s", held[i]);
	} else if (at_end || stats.read >= NDJSON_PROBE) {
		probe = PROBE_NOT;
		say_not_ndjson();
		if (bad_mode == BAD_WARN)
			bad_shown = stats.bad;	/* no count of unshown lines */
	} else {
		return;
	}
	for (size_t i = 0; i < nheld; i++)
		free(held[i]);
	nheld = 0;
}

void
cli_count_line(void)
{
	probe_step(0);
	line_not_json = 0;
	stats.read++;
}

int
cli_bad(const struct line *ln, const char *msg)
{
	stats.bad++;
	if (probe == PROBE_OPEN) {
		const char *why;
		size_t where;
		const char *p = json_skip_bom(ln->p, ln->p + ln->len);
		size_t n = (size_t)(ln->p + ln->len - p);
		line_not_json = json_validate(p, n, &why, &where) < 0;
		probe_notjson += (uint64_t)line_not_json;
		if (stats.read == 1) {
			probe_file = xstrdup(ln->file);
			first_clf = line_not_json &&
			    looks_like_clf(ln->p, ln->len);
		}
		/* A JSON line settles it now, so that the warnings held
		 * for earlier lines come before this line's. */
		if (!line_not_json)
			probe_step(0);
	}
	switch (bad_mode) {
	case BAD_WARN:
		if (probe == PROBE_OPEN && line_not_json) {
			if (nheld < BAD_SHOWN) {
				struct buf m = { 0 };
				buf_addf(&m, "%s:%llu: %s", ln->file,
				    (unsigned long long)ln->lineno, msg);
				held[nheld++] = m.p;
				bad_shown++;
			}
		} else if (probe != PROBE_NOT && bad_shown < BAD_SHOWN) {
			bad_shown++;
			say("%s:%llu: %s", ln->file,
			    (unsigned long long)ln->lineno, msg);
		} else if (probe == PROBE_NOT) {
			bad_shown++;	/* the notice stood for it */
		}
		status = TRAWL_EXIT_DATA;
		return 0;
	case BAD_FAIL:
		bad_shown++;
		say("%s:%llu: %s%s", ln->file, (unsigned long long)ln->lineno,
		    msg, probe == PROBE_OPEN && stats.read == 1 && first_clf ?
		    clf_hint : "");
		status = TRAWL_EXIT_DATA;
		return -1;
	case BAD_SKIP:
		return 0;
	case BAD_FILE:
		if (bad_fd < 0) {
			bad_fd = open(bad_path,
			    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
			if (bad_fd < 0)
				cli_fatal("%s: %s", bad_path, strerror(errno));
		}
		/* The line as read, ended by a newline alone: the input
		 * layer has dropped a CRLF's CR (trawl(7)), and a tool that
		 * reads the file back ignores it anyway. */
		buf_add(&bad_buf, ln->p, ln->len);
		buf_addc(&bad_buf, '\n');
		if (bad_buf.len >= BAD_BLOCK)
			bad_flush();
		return 0;
	}
	return 0;
}

void
cli_input_error(const char *msg)
{
	say("%s", msg);
	status = TRAWL_EXIT_DATA;
}

void
cli_stat(const char *name, uint64_t value)
{
	for (size_t i = 0; i < nextras; i++)
		if (strcmp(extras[i].name, name) == 0) {
			extras[i].value = value;
			return;
		}
	extras = xreallocarray(extras, nextras + 1, sizeof(*extras));
	extras[nextras].name = xstrdup(name);
	extras[nextras].value = value;
	nextras++;
}

/* Digits only (no sign, no space), into *v; the end in *end. */
static int
parse_digits(const char *s, const char **end, uint64_t *v)
{
	uint64_t x = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	if (p == s)
		return -1;
	*end = p;
	*v = x;
	return 0;
}

int
cli_parse_shard(const char *arg, unsigned *k, unsigned *n)
{
	uint64_t kk, nn;
	const char *p;

	if (arg == NULL || parse_digits(arg, &p, &kk) < 0 || *p != '/' ||
	    parse_digits(p + 1, &p, &nn) < 0 || *p != '\0')
		return -1;
	if (kk < 1 || kk > nn || nn > UINT_MAX)
		return -1;
	*k = (unsigned)kk;
	*n = (unsigned)nn;
	return 0;
}

int
cli_parse_u64(const char *arg, uint64_t *v)
{
	const char *p;

	if (arg == NULL || parse_digits(arg, &p, v) < 0 || *p != '\0')
		return -1;
	return 0;
}

int
cli_parse_double(const char *arg, double *v)
{
	const char *p = arg;
	int digits = 0;

	/* Decimal notation only: strtod alone would also take leading
	 * space, hex, "inf" and "nan". */
	if (p == NULL)
		return -1;
	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return -1;
	double x = strtod(arg, NULL);
	if (!isfinite(x))
		return -1;
	*v = x;
	return 0;
}

static void
print_stats(void)
{
	struct buf b = { 0 };
	struct rusage ru;
	long rss = 0;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		rss = ru.ru_maxrss;	/* kilobytes on Linux */
	buf_addf(&b, "{\"tool\":\"%s\",\"read\":%llu,\"written\":%llu,"
	    "\"bad\":%llu,\"missing\":%llu", progname,
	    (unsigned long long)stats.read, (unsigned long long)stats.written,
	    (unsigned long long)stats.bad, (unsigned long long)stats.missing);
	for (size_t i = 0; i < nextras; i++)
		buf_addf(&b, ",\"%s\":%llu", extras[i].name,
		    (unsigned long long)extras[i].value);
	buf_addf(&b, ",\"peak_rss_kb\":%ld}\n", rss);
	fwrite(b.p, 1, b.len, stderr);
	buf_free(&b);
}

int
cli_exit(void)
{
	out_flush();
	if (fclose(stdout) != 0)
		cli_fatal("write error: %s", strerror(errno));
	if (bad_fd >= 0) {
		bad_flush();
		if (close(bad_fd) != 0)
			cli_fatal("%s: %s", bad_path, strerror(errno));
		bad_fd = -1;
	}
	/* A tool that stopped early (--bad=fail) did not read to the end:
	 * whatever is held is shown as it came. */
	if (probe == PROBE_OPEN && bad_mode != BAD_FAIL)
		probe_step(1);
	for (size_t i = 0; i < nheld; i++) {
		say("%s", held[i]);
		free(held[i]);
	}
	nheld = 0;
	free(probe_file);
	probe_file = NULL;
	if (stats.bad > 0 && bad_mode != BAD_FAIL &&
	    !(probe == PROBE_NOT && bad_mode != BAD_FILE &&
	    stats.bad == stats.read)) {
		const char *s = stats.bad == 1 ? "" : "s";
		unsigned long long nb = (unsigned long long)stats.bad;
		if (bad_mode == BAD_FILE)
			say("%llu bad line%s written to %s", nb, s, bad_path);
		else if (bad_mode == BAD_WARN && stats.bad > bad_shown)
			say("%llu bad line%s skipped (%llu not shown)", nb, s,
			    (unsigned long long)(stats.bad - bad_shown));
		else
			say("%llu bad line%s skipped", nb, s);
	}
	/* A misspelled field makes every record "missing": not an error, but
	 * an empty result with no word would look like a clean one. */
	if (stats.written == 0 && stats.missing > 0 && stats.read > stats.bad) {
		struct buf m = { 0 };

		if (cli_missing_report(&m, stats.read) > 0)
			say("nothing written: %s", m.p);
		else
			say("nothing written: %llu of %llu records lack a "
			    "field the options name", (unsigned long long)
			    (stats.missing < stats.read ? stats.missing :
			    stats.read), (unsigned long long)stats.read);
		buf_free(&m);
	}
	cli_missing_free();
	if (stats_on)
		print_stats();
	out_free();
	buf_free(&bad_buf);
	ts_format_free(cli.time_format);
	cli.time_format = NULL;
	for (size_t i = 0; i < nextras; i++)
		free(extras[i].name);
	free(extras);
	extras = NULL;
	nextras = 0;
	return status;
}

int
cli_next(struct input *in, struct line *ln)
{
	int r;

	while ((r = in_next(in, ln)) == -1)
		cli_input_error(in_error(in));
	if (r == 1)
		cli_count_line();
	else
		probe_step(1);
	return r;
}

/* ------------------------------------------------------------ options */

/*
 * The shared options.  A new one is a line here, a case in
 * shared_option, its bit and its value in cli.h; a tool takes it by its
 * bit (or every tool, through CLI_COMMON).
 */
#define HELP_COLUMN	30	/* --help: where the help texts start, at most */
#define HELP	(1u << 30)
#define VERSION	(1u << 31)
static const struct cli_option shared_options[] = {
	{ CLI_BAD, "bad", 0, "MODE",
	    "bad lines: warn (the default), fail, skip, or a file to append them to" },
	{ CLI_EPOCH, "epoch", 0, NULL, "write times as seconds since the epoch, not RFC 3339" },
	{ (int)HELP, "help", 'h', NULL, "print this help and exit" },
	{ CLI_MERGE, "merge", 0, NULL, "merge partial outputs of this tool into the whole" },
	{ CLI_MISSING, "missing", 0, "WHAT", "records without the key or field: pass or drop them" },
	{ CLI_ORIGIN, "origin", 0, "TIME", "align periods to TIME (default: the epoch)" },
	{ CLI_OUTPUT, "output", 'o', "FORMAT", "write ndjson (the default), tsv or csv" },
	{ CLI_SHARD, "shard", 0, "K/N", "keep only the keys in shard K of N" },
	{ CLI_SORTED, "sorted", 0, NULL, "the input is grouped by key: hold one group at a time" },
	{ CLI_STATE, "state", 0, "FILE", "read the state of earlier runs from FILE, save it there" },
	{ CLI_STATS, "stats", 0, NULL, "write counters as one JSON line to stderr at the end" },
	{ CLI_THREADS, "threads", 0, "N", "evaluate fields in N threads (default: the online CPUs)" },
	{ CLI_TIME_FORMAT, "time-format", 0, "FMT", "read time strings by the strptime format FMT" },
	{ CLI_TIME_UNIT, "time-unit", 'u', "UNIT", "the unit of numeric times: s (the default), ms, us or ns" },
	{ (int)VERSION, "version", 0, NULL, "print the version and exit" },
};

static void help(void) __attribute__((noreturn));

static int
takes(const struct cli_option *o)
{
	unsigned bit = (unsigned)o->id;

	return bit == HELP || bit == VERSION || (tool->shared & bit) != 0;
}

static int
shared(const struct cli_option *o)
{
	return o >= shared_options && o < shared_options + LEN(shared_options);
}

static const struct cli_option *
find_long(const char *name, size_t len)
{
	const struct cli_option *o;

	for (o = tool->options; o != NULL && o->name != NULL; o++)
		if (strncmp(o->name, name, len) == 0 && o->name[len] == '\0')
			return o;
	for (o = shared_options; o < shared_options + LEN(shared_options); o++)
		if (takes(o) && strncmp(o->name, name, len) == 0 &&
		    o->name[len] == '\0')
			return o;
	return NULL;
}

static const struct cli_option *
find_letter(int c)
{
	const struct cli_option *o;

	for (o = tool->options; o != NULL && o->name != NULL; o++)
		if (o->letter == c)
			return o;
	for (o = shared_options; o < shared_options + LEN(shared_options); o++)
		if (takes(o) && o->letter == c)
			return o;
	return NULL;
}

static void
shared_option(unsigned bit, const char *arg)
{
	char err[256];

	switch (bit) {
	case HELP:
		help();
	case VERSION:
		buf_addf(&outbuf, "%s (trawl) %s\n", progname, TRAWL_VERSION);
		out_flush();
		exit(TRAWL_EXIT_OK);
	case CLI_BAD:
		if (set_bad(arg) < 0)
			cli_usage("--bad: expected warn, fail, skip or a file name");
		break;
	case CLI_EPOCH:
		cli.epoch = 1;
		break;
	case CLI_MERGE:
		cli.merge = 1;
		break;
	case CLI_MISSING: {
		static const char *const what[] = { "pass", "drop", NULL };

		cli.missing = cli_arg_choice(arg, what) == 0 ? CLI_MISSING_PASS : CLI_MISSING_DROP;
		break;
	}
	case CLI_ORIGIN:
		cli.origin = cli_arg_time(arg);
		break;
	case CLI_OUTPUT:
		if (cli_set_output(arg) < 0)
			cli_arg_error("expected ndjson, tsv or csv", arg);
		break;
	case CLI_SHARD:
		if (cli_parse_shard(arg, &cli.shard_k, &cli.shard_n) < 0)
			cli_arg_error("expected k/n with 1 <= k <= n", arg);
		break;
	case CLI_SORTED:
		cli.sorted = 1;
		break;
	case CLI_STATE:
		if (*arg == '\0')
			cli_usage("--state: expected a file name");
		cli.state = arg;
		break;
	case CLI_STATS:
		stats_on = 1;
		break;
	case CLI_THREADS:
		/* 0 is allowed: the default, the online CPUs. */
		cli.threads = (unsigned)cli_arg_u64(arg, 0, 1024);
		break;
	case CLI_TIME_FORMAT:
		ts_format_free(cli.time_format);
		if ((cli.time_format = ts_format_new(arg, err, sizeof(err))) == NULL)
			cli_usage("--time-format: %s", err);
		break;
	case CLI_TIME_UNIT:
		if (ts_unit_parse(arg, &cli.time_unit) < 0)
			cli_arg_error("expected s, ms, us or ns", arg);
		break;
	}
	cli.given |= bit;
}

static void
handle(const struct cli_option *o, const char *arg)
{
	current = o;
	if (shared(o))
		shared_option((unsigned)o->id, arg);
	else
		tool->option(o->id, arg);
	current = NULL;
}

/* The argument of o: the rest of this word, or the next word. */
static const char *
argument(const struct cli_option *o, const char *rest, int argc, char *argv[],
    int *i)
{
	if (*rest != '\0')
		return rest;
	if (*i + 1 >= argc)
		cli_usage("--%s: missing argument (%s)", o->name, o->arg);
	return argv[++*i];
}

int
cli_parse(int argc, char *argv[])
{
	char **operands = xcalloc((size_t)argc + 1, sizeof(*operands));
	int n = 0, only_operands = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_option *o;

		if (only_operands || a[0] != '-' || a[1] == '\0') {
			operands[n++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			only_operands = 1;
		} else if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);

			if ((o = find_long(name, len)) == NULL)
				cli_usage("unknown option: --%.*s", (int)len,
				    name);
			if (o->arg != NULL)
				handle(o, eq != NULL ? eq + 1 :
				    argument(o, "", argc, argv, &i));
			else if (eq != NULL)
				cli_usage("--%s: takes no argument: %s",
				    o->name, eq + 1);
			else
				handle(o, NULL);
		} else {
			/* Letters together: flags, then at most one that
			 * takes the rest of the word (or the next word). */
			for (const char *p = a + 1; *p != '\0'; p++) {
				if ((o = find_letter((unsigned char)*p)) == NULL) {
					if (*p > ' ' && *p < 0x7f)
						cli_usage("unknown option: -%c",
						    *p);
					cli_usage("unknown option in %s", a);
				}
				if (o->arg != NULL) {
					handle(o,
					    argument(o, p + 1, argc, argv, &i));
					break;
				}
				handle(o, NULL);
			}
		}
	}
	memcpy(argv, operands, (size_t)n * sizeof(*operands));
	argv[n] = NULL;
	free(operands);
	return n;
}

/* "  -k, --key=EXPR" or "      --stats" */
static void
help_left(struct buf *b, const struct cli_option *o)
{
	if (o->letter != 0)
		buf_addf(b, "  -%c, --%s", o->letter, o->name);
	else
		buf_addf(b, "      --%s", o->name);
	if (o->arg != NULL)
		buf_addf(b, "=%s", o->arg);
}

static int
by_name(const void *a, const void *b)
{
	const struct cli_option *x = *(const struct cli_option *const *)a;
	const struct cli_option *y = *(const struct cli_option *const *)b;

	return strcmp(x->name, y->name);
}

/* --help: the synopsis, then every option, on stdout; exit 0. */
static void
help(void)
{
	const struct cli_option **all, *o;
	struct buf left = { 0 };
	size_t n = 0, width = 0;

	/* Every option on its own line, sorted by long name as in the man
	 * page, the help texts in one column. */
	all = xcalloc(LEN(shared_options) + 1, sizeof(*all));
	for (o = tool->options; o != NULL && o->name != NULL; o++) {
		all = xreallocarray(all, n + LEN(shared_options) + 1,
		    sizeof(*all));
		all[n++] = o;
	}
	for (o = shared_options; o < shared_options + LEN(shared_options); o++)
		if (takes(o))
			all[n++] = o;
	qsort(all, n, sizeof(*all), by_name);
	/* An option longer than the column (rare, long names) has its help
	 * two spaces after it rather than pushing every other line right. */
	for (size_t i = 0; i < n; i++) {
		buf_reset(&left);
		help_left(&left, all[i]);
		if (left.len > width && left.len <= HELP_COLUMN)
			width = left.len;
	}
	buf_adds(&outbuf, usage_text);
	buf_addc(&outbuf, '\n');
	for (size_t i = 0; i < n; i++) {
		size_t start = outbuf.len;

		help_left(&outbuf, all[i]);
		size_t used = outbuf.len - start;
		buf_addf(&outbuf, "%*s%s\n", used < width ? (int)(width - used) + 2 : 2,
		    "", all[i]->help);
	}
	free(all);
	buf_free(&left);
	out_flush();
	exit(TRAWL_EXIT_OK);
}

void
cli_arg_error(const char *what, const char *arg)
{
	if (current == NULL)
		cli_usage("%s: %s", what, arg);
	cli_usage("--%s: %s: %s", current->name, what, arg);
}

uint64_t
cli_arg_u64(const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;
	char what[96];

	if (cli_parse_u64(arg, &v) == 0 && v >= min && v <= max)
		return v;
	if (max != UINT64_MAX)
		snprintf(what, sizeof(what),
		    "expected an integer from %llu to %llu",
		    (unsigned long long)min, (unsigned long long)max);
	else if (min <= 1)
		snprintf(what, sizeof(what), "expected a %s integer",
		    min == 0 ? "non-negative" : "positive");
	else
		snprintf(what, sizeof(what),
		    "expected an integer of at least %llu",
		    (unsigned long long)min);
	cli_arg_error(what, arg);
}

double
cli_arg_number(const char *arg)
{
	double v;

	if (cli_parse_double(arg, &v) < 0)
		cli_arg_error("expected a number", arg);
	return v;
}

int64_t
cli_arg_duration(const char *arg)
{
	int64_t v;
	const char *why;

	if (dur_parse(arg, &v, &why) < 0)
		cli_arg_error(why, arg);
	return v;
}

struct period
cli_arg_period(const char *arg, int zero)
{
	struct period p;
	const char *why;

	if (period_parse(arg, &p, &why) < 0)
		cli_arg_error(why, arg);
	if (!zero && p.kind == PERIOD_FIXED && p.width == 0)
		cli_arg_error("a period must be longer than 0", arg);
	return p;
}

void
cli_period_origin(struct period *p)
{
	const char *why;

	if ((cli.given & CLI_ORIGIN) &&
	    period_set_origin(p, cli.origin, &why) < 0)
		cli_usage("--origin: %s", why);
}

int64_t
cli_arg_time(const char *arg)
{
	int64_t v;
	const char *why;

	if (ts_parse(arg, strlen(arg), &v, &why) < 0)
		cli_arg_error(why, arg);
	return v;
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    (c >= '0' && c <= '9');
}

char *
cli_arg_column(const char *arg, const char *suffix, const char **expr)
{
	const char *p = arg, *e;
	char *name;

	while (name_char(*p) && !(p == arg && *p >= '0' && *p <= '9'))
		p++;
	if (p > arg && *p == '=' && p[1] != '=') {
		*expr = p + 1;
		if (p[1] == '\0')
			cli_usage("%.*s=: the expression is empty",
			    (int)(p - arg), arg);
		return xstrndup(arg, (size_t)(p - arg));
	}
	/* The last .name of a plain path. */
	e = arg + strlen(arg);
	for (p = e; p > arg && name_char(p[-1]); p--)
		;
	if (!(p > arg && p[-1] == '.' && p < e && !(*p >= '0' && *p <= '9')))
		cli_usage("%s: name the column: NAME=EXPR", arg);
	for (const char *q = arg; q < p; q++)
		if (!name_char(*q) && *q != '.')
			cli_usage("%s: name the column: NAME=EXPR", arg);
	name = xmalloc((size_t)(e - p) + strlen(suffix) + 1);
	memcpy(name, p, (size_t)(e - p));
	strcpy(name + (e - p), suffix);
	*expr = arg;
	return name;
}

int
cli_arg_choice(const char *arg, const char *const *names)
{
	struct buf what = { 0 };
	size_t n;

	for (n = 0; names[n] != NULL; n++)
		if (strcmp(arg, names[n]) == 0)
			return (int)n;
	buf_adds(&what, "expected ");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&what, i + 1 < n ? ", " : " or ");
		buf_adds(&what, names[i]);
	}
	cli_arg_error(what.p, arg);	/* exits: what is not freed */
}

void
cli_explain(struct fieldset *fs, int i, const char *expr)
{
	const char *e = getenv("TRAWL_EXPLAIN");
	if (e == NULL || *e == '\0' || strcmp(e, "0") == 0)
		return;
	say("explain: %s: %s", fs_explain(fs, i), expr);
}
