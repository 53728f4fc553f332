/*
 * t_cli: a test driver for the option parsers of lib/cli.c.
 *
 *   t_cli shard|u64|double ARG	prints the parsed value, or "invalid"
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage[] = "usage: t_cli shard|u64|double arg\n";

static const struct cli_tool tool = { .synopsis = usage };

int
main(int argc, char *argv[])
{
	cli_init(argv[0], &tool);
	if (argc != 3)
		cli_usage(NULL);
	const char *what = argv[1], *arg = argv[2];
	if (strcmp(what, "shard") == 0) {
		unsigned k, n;
		if (cli_parse_shard(arg, &k, &n) < 0)
			buf_adds(&outbuf, "invalid");
		else
			buf_addf(&outbuf, "%u of %u", k, n);
	} else if (strcmp(what, "u64") == 0) {
		uint64_t v;
		if (cli_parse_u64(arg, &v) < 0)
			buf_adds(&outbuf, "invalid");
		else
			buf_addf(&outbuf, "%llu", (unsigned long long)v);
	} else if (strcmp(what, "double") == 0) {
		double v;
		if (cli_parse_double(arg, &v) < 0)
			buf_adds(&outbuf, "invalid");
		else
			buf_addf(&outbuf, "%.17g", v);
	} else
		cli_usage("unknown parser: %s", what);
	out_end();
	return cli_exit();
}
