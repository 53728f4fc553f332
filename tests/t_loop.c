/*
 * t_loop: a test driver for lib/loop.c, the record loop.
 *
 *   t_loop [--threads N] [--bad MODE] [--stats] [-p] -f EXPR [-f EXPR ...] [file ...]
 *
 * For each record: "FILE:LINE:" then, for each field, " [" and its values'
 * texts joined by "," and "]"; -p writes the line itself instead.  A line
 * whose evaluation fails is bad (--bad); a record whose first value of
 * the first field is the string "stop" stops the loop as --bad=fail does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "loop.h"

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

enum { O_FIELD, O_PASS };
static const struct cli_option options[] = {
	{ O_FIELD, "field", 'f', "EXPR", "a field to evaluate" },
	{ O_PASS, "pass", 'p', NULL, "pass the lines through unchanged" },
	{ 0 }
};
static struct fieldset *fs;

static void
option(int id, const char *arg)
{
	char err[512];

	if (id == O_PASS) {
		pass = 1;
		return;
	}
	if (fs_add(fs, arg, 0, err, sizeof err) < 0)
		cli_usage("-f %s: %s", arg, err);
	nfields++;
}

static const struct cli_tool tool = {
	"usage: t_loop [-p] [--threads=n] [--bad=mode] [--stats] -f expr ... [file ...]\n",
	options,
	CLI_COMMON | CLI_THREADS,
	option,
};

int
main(int argc, char *argv[])
{
	fs = fs_new();
	cli_init(argv[0], &tool);
	argc = cli_parse(argc, argv);
	if (nfields == 0)
		cli_usage("-f is required");

	struct input *in = in_open(argv, argc);
	loop_run(in, fs, record);
	in_close(in);
	fs_free(fs);
	return cli_exit();
}
