/*
 * t_ts: a driver for lib/ts.c, for tests/ts.bats.
 *
 *   t_ts time [--unit U] [--format FMT] JSON...
 *                                    each value's time, as "RFC3339" EPOCH
 *   t_ts format FMT TEXT...          each text read in FMT (raw, not JSON)
 *   t_ts bad [--unit U] JSON...      ts_bad_message for each value
 *   t_ts dur TEXT...                 each duration in seconds
 *   t_ts floor T WIDTH ORIGIN        ts_floor; T and ORIGIN are JSON
 *                                    values as for time
 *   t_ts period PERIOD [--origin T] JSON...
 *                                    each time's period: its start, the
 *                                    next start and its index, checked
 *                                    against period_start of the index
 *
 * One output line per argument; a value that fails prints "error: WHY".
 * Exit 0 when every argument converted, 1 when one failed, 2 on misuse
 * (a format or period that does not compile prints "error: WHY", exit 2).
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
	fputs("usage: t_ts time [--unit s|ms|us|ns] [--format FMT] JSON...\n"
	    "       t_ts format FMT TEXT...\n"
	    "       t_ts bad [--unit s|ms|us|ns] JSON...\n"
	    "       t_ts dur TEXT...\n"
	    "       t_ts floor T WIDTH ORIGIN\n"
	    "       t_ts period PERIOD [--origin T] JSON...\n", stderr);
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

/* "RFC3339" EPOCH */
static void
print_time(struct buf *out, int64_t ns)
{
	ts_put(out, ns, 0);
	buf_addc(out, ' ');
	ts_put(out, ns, 1);
	print_line(out);
}

static struct ts_format *
format_of(const char *fmt)
{
	char err[256];
	struct ts_format *f = ts_format_new(fmt, err, sizeof err);

	if (f == NULL) {
		printf("error: %s\n", err);
		exit(2);
	}
	return f;
}

int
main(int argc, char **argv)
{
	struct buf out = { 0 };
	const char *why;
	enum ts_unit unit = TS_S;
	struct ts_format *fmt = NULL;
	int64_t ns, width, origin;
	struct jval v;
	int i = 2, rval = 0;

	progname = "t_ts";
	if (argc < 2)
		usage();
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--unit") == 0) {
			if (ts_unit_parse(argv[i + 1], &unit) < 0)
				usage();
		} else if (strcmp(argv[i], "--format") == 0) {
			fmt = format_of(argv[i + 1]);
		} else {
			break;
		}
	}
	if (strcmp(argv[1], "time") == 0) {
		for (; i < argc; i++) {
			v = jval_of(argv[i]);
			if (ts_from_jval(&v, unit, fmt, &ns, &why) < 0) {
				printf("error: %s\n", why);
				rval = 1;
				continue;
			}
			print_time(&out, ns);
		}
	} else if (strcmp(argv[1], "format") == 0 && argc > 2) {
		fmt = format_of(argv[2]);
		for (i = 3; i < argc; i++) {
			if (ts_parse_format(fmt, argv[i], strlen(argv[i]), &ns, &why) < 0) {
				printf("error: %s\n", why);
				rval = 1;
				continue;
			}
			print_time(&out, ns);
		}
	} else if (strcmp(argv[1], "bad") == 0) {
		for (; i < argc; i++) {
			v = jval_of(argv[i]);
			if (ts_from_jval(&v, unit, NULL, &ns, &why) == 0) {
				printf("ok\n");
				continue;
			}
			ts_bad_message(&out, "time", &v, unit, why);
			print_line(&out);
		}
	} else if (strcmp(argv[1], "period") == 0 && argc > 2) {
		struct period p;
		int64_t start, next, k, back;

		if (period_parse(argv[2], &p, &why) < 0) {
			printf("error: %s\n", why);
			return 2;
		}
		i = 3;
		if (argc > 4 && strcmp(argv[3], "--origin") == 0) {
			v = jval_of(argv[4]);
			if (ts_from_jval(&v, TS_S, NULL, &origin, &why) < 0 ||
			    period_set_origin(&p, origin, &why) < 0) {
				printf("error: %s\n", why);
				return 2;
			}
			i = 5;
		}
		period_put(&out, &p);
		print_line(&out);
		for (; i < argc; i++) {
			v = jval_of(argv[i]);
			if (ts_from_jval(&v, TS_S, NULL, &ns, &why) < 0) {
				printf("error: %s\n", why);
				rval = 1;
				continue;
			}
			start = period_floor(&p, ns);
			k = period_index(&p, ns);
			ts_put(&out, start, 0);
			buf_addc(&out, ' ');
			if (period_next(&p, start, &next) < 0)
				buf_adds(&out, "beyond");
			else
				ts_put(&out, next, 0);
			buf_addf(&out, " %lld", (long long)k);
			/* The index must lead back to the same start. */
			if (period_start(&p, k, &back) < 0 || back != start)
				buf_adds(&out, " MISMATCH");
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
		if (ts_from_jval(&v, TS_S, NULL, &ns, &why) < 0 ||
		    dur_parse(argv[3], &width, &why) < 0 ||
		    (v = jval_of(argv[4]), ts_from_jval(&v, TS_S, NULL, &origin, &why)) < 0) {
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
	ts_format_free(fmt);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return rval;
}
