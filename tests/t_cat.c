/*
 * t_cat: a test driver for lib/input.c and lib/cli.c.
 *
 * Prints "FILE:LINE:text" for each record of its input; a line starting
 * with '!' is bad (handled by --bad); -p passes lines through unchanged
 * (out_line), -c only counts lines and bytes (to measure the reader).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"

static const char usage[] =
    "usage: t_cat [-cps] [-b mode] [file ...]\n";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bad", required_argument, NULL, 'b' },
		{ "count", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "pass", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int count = 0, pass = 0, ch;

	cli_init(argv[0], usage);
	while ((ch = getopt_long(argc, argv, "b:chps", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (cli_set_bad(optarg) < 0)
				cli_usage("--bad needs warn, fail, skip or a file");
			break;
		case 'c':
			count = 1;
			break;
		case 'h':
			cli_help();
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

	struct input *in = in_open(argv, argc);
	struct line ln;
	uint64_t bytes = 0;
	int r;
	while ((r = in_next(in, &ln)) != 0) {
		if (r < 0) {
			cli_input_error(in_error(in));
			continue;
		}
		stats.read++;
		if (count) {
			bytes += ln.len;
			continue;
		}
		if (ln.p[0] == '!') {
			if (cli_bad(&ln, "bad line") < 0)
				break;
			continue;
		}
		if (pass) {
			out_line(ln.p, ln.len);
			continue;
		}
		buf_addf(&outbuf, "%s:%llu:", ln.file,
		    (unsigned long long)ln.lineno);
		buf_add(&outbuf, ln.p, ln.len);
		out_end();
	}
	if (count) {
		buf_addf(&outbuf, "%llu lines %llu bytes %llu read",
		    (unsigned long long)stats.read, (unsigned long long)bytes,
		    (unsigned long long)in_bytes(in));
		out_end();
	}
	cli_stat("bytes_in", in_bytes(in));
	in_close(in);
	return cli_exit();
}
