/*
 * t_resave: write the standard input, bytes as they are (NULs included),
 * as the payload of a valid state file, so that tests can hand a tool a
 * state whose checksum is right but whose contents are damaged.
 *
 *   t_resave FILE TOOL VERSION < payload
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "state.h"

static const struct cli_tool tool = {
	.synopsis = "usage: t_resave file tool version < payload\n",
};

int
main(int argc, char *argv[])
{
	char err[512], chunk[65536];
	struct buf b = { 0 };
	uint64_t v;
	size_t n;

	cli_init(argv[0], &tool);
	if (argc != 4 || cli_parse_u64(argv[3], &v) < 0 || v > 0xffffffffu)
		cli_usage("bad arguments");
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(stdin))
		cli_fatal("cannot read the payload");
	if (state_save(argv[1], argv[2], (unsigned)v, b.p ? b.p : "", b.len, err, sizeof err) < 0)
		cli_fatal("%s", err);
	buf_free(&b);
	return cli_exit();
}
