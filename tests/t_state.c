/*
 * t_state: a test driver for lib/state.c.
 *
 *   t_state save FILE TOOL VERSION PAYLOAD
 *   t_state load FILE TOOL VERSION	prints the payload, or "no state"
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"

static const char usage[] =
    "usage: t_state save file tool version payload\n"
    "       t_state load file tool version\n";

static const struct cli_tool tool = { .synopsis = usage };

int
main(int argc, char *argv[])
{
	char err[512];
	uint64_t v;

	cli_init(argv[0], &tool);
	if (argc < 5 || cli_parse_u64(argv[4], &v) < 0 || v > 0xffffffffu)
		cli_usage(NULL);
	if (strcmp(argv[1], "save") == 0 && argc == 6) {
		if (state_save(argv[2], argv[3], (unsigned)v, argv[5],
		    strlen(argv[5]), err, sizeof err) < 0)
			cli_fatal("%s", err);
	} else if (strcmp(argv[1], "load") == 0 && argc == 5) {
		struct buf b = { 0 };
		int r = state_load(argv[2], argv[3], (unsigned)v, &b, err,
		    sizeof err);
		if (r < 0)
			cli_fatal("%s", err);
		if (r == 0)
			buf_adds(&outbuf, "no state");
		else
			buf_add(&outbuf, b.p, b.len);
		out_end();
		buf_free(&b);
	} else
		cli_usage(NULL);
	return cli_exit();
}
