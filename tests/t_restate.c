/*
 * t_restate: damage a state file's payload but keep it well-formed, so
 * that the tool's own payload reader (not the checksum) meets it.
 *
 *   t_restate FILE TOOL VERSION flip POS	flip bit POS % 8 of byte POS / 8
 *   t_restate FILE TOOL VERSION cut LEN	keep the first LEN bytes
 *   t_restate FILE TOOL VERSION set POS BYTE	byte POS becomes BYTE
 *
 * Positions wrap at the payload's length.  The file is saved back with
 * lib/state.c, so its header length and digest are right.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "state.h"

static const char usage[] =
    "usage: t_restate file tool version flip|cut|set n [byte]\n";

static const struct cli_tool tool = { .synopsis = usage };

int
main(int argc, char *argv[])
{
	char err[512];
	uint64_t v, n, b = 0;
	struct buf p = { 0 };

	cli_init(argv[0], &tool);
	if (argc < 6 || cli_parse_u64(argv[3], &v) < 0 || v > 0xffffffffu ||
	    cli_parse_u64(argv[5], &n) < 0 ||
	    (strcmp(argv[4], "set") == 0 && (argc != 7 || cli_parse_u64(argv[6], &b) < 0 || b > 255)))
		cli_usage(NULL);
	if (state_load(argv[1], argv[2], (unsigned)v, &p, err, sizeof err) != 1)
		cli_fatal("%s", err[0] ? err : "no state");
	if (p.len == 0)
		cli_fatal("%s: empty payload", argv[1]);
	if (strcmp(argv[4], "flip") == 0)
		p.p[n / 8 % p.len] ^= (char)(1u << (n % 8));
	else if (strcmp(argv[4], "cut") == 0)
		p.len = n % p.len;
	else if (strcmp(argv[4], "set") == 0)
		p.p[n % p.len] = (char)b;
	else
		cli_usage(NULL);
	if (state_save(argv[1], argv[2], (unsigned)v, p.p, p.len, err, sizeof err) != 0)
		cli_fatal("%s", err);
	buf_free(&p);
	return cli_exit();
}
