/*
 * t_cat: a test driver for lib/input.c and lib/cli.c.
 *
 * Prints "FILE:LINE:text" for each record of its input; a line starting
 * with '!' is bad (handled by --bad); -p passes lines through unchanged
 * (out_line), -c only counts lines and bytes (to measure the reader).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "input.h"

enum { O_COUNT, O_PASS };
static const struct cli_option options[] = {
	{ O_COUNT, "count", 'c', NULL, "only count the lines and bytes" },
	{ O_PASS, "pass", 'p', NULL, "pass the lines through unchanged" },
	{ 0 }
};
static int count, pass;

static void
option(int id, const char *arg)
{
	(void)arg;
	if (id == O_COUNT)
		count = 1;
	else
		pass = 1;
}

static const struct cli_tool tool = {
	"usage: t_cat [-cp] [--bad=mode] [--stats] [file ...]\n",
	options,
	CLI_COMMON,
	option,
};

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);

	struct input *in = in_open(argv, argc);
	struct line ln;
	uint64_t bytes = 0;
	int r;
	while ((r = in_next(in, &ln)) != 0) {
		if (r < 0) {
			cli_input_error(in_error(in));
			continue;
		}
		cli_count_line();
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
