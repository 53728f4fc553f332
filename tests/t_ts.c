/*
 * t_ts: a driver for lib/ts.c, for tests/ts.bats.
 *
 *   t_ts time [--unit s|ms|us|ns] JSON...   each value's time, as
 *                                            "RFC3339" EPOCH
 *   t_ts dur TEXT...                        each duration in seconds
 *   t_ts floor T WIDTH ORIGIN               ts_floor; T and ORIGIN are
 *                                            JSON values as for time
 *
 * One output line per argument; a value that fails prints "error: WHY".
 * Exit 0 when every argument converted, 1 when one failed, 2 on misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ts.h"
#include "util.h"

static void
usage(void)
{
	fputs("usage: t_ts time [--unit s|ms|us|ns] JSON...\n"
	    "       t_ts dur TEXT...\n"
	    "       t_ts floor T WIDTH ORIGIN\n", stderr);
	exit(2);
}

/* A struct jval over a JSON value given as an argument. */
static struct jval
jval_of(const char *s)
{
	struct jval v;

	v.text = s;
	v.len = strlen(s);
	v.num = 0;
	switch (s[0]) {
	case '"':
		v.type = J_STRING;
		break;
	case 'n':
		v.type = J_NULL;
		break;
	case 't':
		v.type = J_TRUE;
		break;
	case 'f':
		v.type = J_FALSE;
		break;
	case '[':
		v.type = J_ARRAY;
		break;
	case '{':
		v.type = J_OBJECT;
		break;
	default:
		v.type = J_NUMBER;
		v.num = json_number(s, v.len);
		break;
	}
	return v;
}

static int
print_line(struct buf *out)
{
	buf_addc(out, '\n');
	fwrite(out->p, 1, out->len, stdout);
	buf_reset(out);
	return 0;
}

int
main(int argc, char **argv)
{
	struct buf out = { 0 };
	const char *why;
	enum ts_unit unit = TS_S;
	int64_t ns, width, origin;
	struct jval v;
	int i = 2, rval = 0;

	progname = "t_ts";
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "time") == 0) {
		if (argc > 3 && strcmp(argv[2], "--unit") == 0) {
			if (ts_unit_parse(argv[3], &unit) < 0)
				usage();
			i = 4;
		}
		for (; i < argc; i++) {
			v = jval_of(argv[i]);
			if (ts_from_jval(&v, unit, &ns, &why) < 0) {
				printf("error: %s\n", why);
				rval = 1;
				continue;
			}
			ts_put(&out, ns, 0);
			buf_addc(&out, ' ');
			ts_put(&out, ns, 1);
			print_line(&out);
		}
	} else if (strcmp(argv[1], "dur") == 0) {
		for (; i < argc; i++) {
			if (dur_parse(argv[i], &ns, &why) < 0) {
				printf("error: %s\n", why);
				rval = 1;
				continue;
			}
			dur_put_seconds(&out, ns);
			print_line(&out);
		}
	} else if (strcmp(argv[1], "floor") == 0 && argc == 5) {
		v = jval_of(argv[2]);
		if (ts_from_jval(&v, TS_S, &ns, &why) < 0 ||
		    dur_parse(argv[3], &width, &why) < 0 ||
		    (v = jval_of(argv[4]), ts_from_jval(&v, TS_S, &origin, &why)) < 0) {
			printf("error: %s\n", why);
			rval = 1;
		} else {
			ts_put(&out, ts_floor(ns, width, origin), 0);
			print_line(&out);
		}
	} else {
		usage();
	}
	buf_free(&out);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return rval;
}
