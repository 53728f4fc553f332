/*
 * t_rows: a test driver for --output (lib/tabular.c through lib/cli.c's
 * output layer).
 *
 *   t_rows FORMAT [COLUMN...] [< NDJSON]
 *
 * Each input line is built in outbuf and finished with out_end, as a tool
 * finishes the records it builds; the COLUMNs are declared first.  FORMAT
 * is ndjson, tsv or csv.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "input.h"

static const char usage[] = "usage: t_rows ndjson|tsv|csv [column ...]\n";

static const struct cli_tool tool = { .synopsis = usage };

int
main(int argc, char *argv[])
{
	struct input *in;
	struct line ln;

	cli_init(argv[0], &tool);
	if (argc < 2)
		cli_usage(NULL);
	if (cli_set_output(argv[1]) < 0)
		cli_usage("--output: expected ndjson, tsv or csv: %s", argv[1]);
	for (int i = 2; i < argc; i++)
		cli_output_column(argv[i]);
	in = in_open(NULL, 0);
	while (cli_next(in, &ln)) {
		buf_add(&outbuf, ln.p, ln.len);
		out_end();
	}
	in_close(in);
	return cli_exit();
}
