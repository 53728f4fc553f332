/*
 * t_loop: a test driver for lib/loop.c, the record loop.
 *
 *   t_loop [-j THREADS] [--bad MODE] [--stats] [-p] -f EXPR [-f EXPR ...] [file ...]
 *
 * For each record: "FILE:LINE:" then, for each field, " [" and its values'
 * texts joined by "," and "]"; -p writes the line itself instead.  A line
 * whose evaluation fails is bad (--bad); a record whose first value of
 * the first field is the string "stop" stops the loop as --bad=fail does.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "loop.h"

static const char usage[] =
    "usage: t_loop [-ps] [-j threads] [-b mode] -f expr ... [file ...]\n";

static int nfields, pass;

static int
record(const struct line *ln, const struct fields *fv)
{
	if (fv_error(fv) != NULL)
		return cli_bad(ln, fv_error(fv));
	const struct jval *first = fv_first(fv, 0);
	if (first != NULL && first->len == 6 && memcmp(first->text, "\"stop\"", 6) == 0) {
		cli_error("%s:%llu: stop", ln->file, (unsigned long long)ln->lineno);
		return -1;
	}
	if (pass) {
		out_line(ln->p, ln->len);
		return 0;
	}
	buf_addf(&outbuf, "%s:%llu:", ln->file, (unsigned long long)ln->lineno);
	for (int i = 0; i < nfields; i++) {
		buf_adds(&outbuf, " [");
		for (size_t k = 0; k < fv_count(fv, i); k++) {
			const struct jval *v = fv_value(fv, i, k);
			if (k > 0)
				buf_addc(&outbuf, ',');
			buf_add(&outbuf, v->text, v->len);
		}
		buf_addc(&outbuf, ']');
	}
	out_end();
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bad", required_argument, NULL, 'b' },
		{ "stats", no_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct fieldset *fs = fs_new();
	char err[512];
	uint64_t n;
	int ch;

	cli_init(argv[0], usage);
	while ((ch = getopt_long(argc, argv, "b:f:j:ps", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (cli_set_bad(optarg) < 0)
				cli_usage("--bad needs warn, fail, skip or a file");
			break;
		case 'f':
			if (fs_add(fs, optarg, 0, err, sizeof err) < 0)
				cli_usage("-f %s: %s", optarg, err);
			nfields++;
			break;
		case 'j':
			if (cli_parse_u64(optarg, &n) < 0)
				cli_usage("--threads: expected a number");
			loop_set_threads((unsigned)n);
			break;
		case 'p':
			pass = 1;
			break;
		case 's':
			cli_set_stats(1);
			break;
		default:
			cli_usage(NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (nfields == 0)
		cli_usage("-f is required");

	struct input *in = in_open(argv, argc);
	loop_run(in, fs, record);
	in_close(in);
	fs_free(fs);
	return cli_exit();
}
